//! depgov turns an open source program office's policy into a gate.
//!
//! The pipeline ([`pipeline`]), one module per stage:
//! [`inventory`] (what components a repository uses) → [`facts`] (what registries and
//! installed trees know of them) → [`policy`] (what the OSPO decided, loaded and validated
//! with spans) → [`evaluate`] (components × policy → findings, pure) → [`report`] (one module
//! per output format). [`gate`] compares a change with its base; [`org`] scans an
//! organisation and [`radar`] proposes ring changes from its report; [`github`] is the only
//! code that talks to GitHub.
//!
//! Around them: [`model`] is the data the stages exchange; [`util`] holds helpers any stage
//! may use; [`messages`] is the one channel to standard error; [`error`] the errors that stop
//! a run. [`cli`] defines the commands and [`cmd`] holds each command's thin glue.
//! docs/architecture.md tells how to add an ecosystem, a reporter or a source of facts.

pub mod cli;
mod cmd;
pub mod diagnostic;
pub mod error;
pub mod evaluate;
pub mod facts;
pub mod gate;
pub mod github;
pub mod inventory;
pub mod messages;
pub mod model;
pub mod net;
pub mod org;
pub mod pipeline;
pub mod policy;
pub mod radar;
pub mod report;
pub mod stable_hash;
pub mod util;
