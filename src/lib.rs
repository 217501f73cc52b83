//! depgov turns an open source program office's policy into a gate.
//!
//! The pipeline, one module per stage:
//! [`inventory`] (what components a repository uses) → [`policy`] (what the OSPO decided,
//! loaded and validated with spans) → [`evaluate`] (components × policy → findings, pure) →
//! [`report`] (one module per output format). [`model`] is the data they exchange; [`cli`] is
//! the thin glue that runs them. [`github`] is the only code that talks to GitHub (the
//! pull-request comment).

pub mod cli;
pub mod diagnostic;
pub mod error;
pub mod evaluate;
pub mod gate;
pub mod git;
pub mod github;
pub mod inventory;

pub mod model;
pub mod org;
pub mod policy;

pub mod report;
pub mod stable_hash;
pub mod util;
