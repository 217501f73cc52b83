//! GitHub: the only code in depgov that talks to GitHub, all of it through octocrab.
//!
//! - [`client`]: the one place that builds the octocrab client (API URL, token, user agent)
//!   and its tokio runtime, sends every request, and pages through lists
//!   ([`client::Client::pages`]).
//! - [`retry`]: the one place that decides what is retried and how long to wait: rate limits,
//!   5xx answers, timeouts.
//! - [`actions`]: the GitHub Actions environment (event, repository, token, API URL).
//! - [`comment`]: the sticky pull-request comment (docs/github.md).

pub mod actions;
pub mod client;
pub mod comment;
pub mod policies;
pub mod retry;
