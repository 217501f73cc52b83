//! Helpers every stage may use: paths as users see them, text cut and decoded safely, and
//! path globs. Nothing here depends on any other module of the crate.

pub mod glob;
pub mod paths;
pub mod text;
