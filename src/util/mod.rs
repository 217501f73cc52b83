//! Helpers every stage may use: paths as users see them, text cut and decoded safely, path
//! globs, large values put in order, and work spread over the cores. Nothing here depends on
//! any other module of the crate.

pub mod glob;
pub mod order;
pub mod parallel;
pub mod paths;
pub mod text;
