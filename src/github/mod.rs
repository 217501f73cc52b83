//! GitHub: the only code in depgov that talks to GitHub.
//!
//! - [`client`]: the one place that holds the API URL, the token and the user agent
//!   and its tokio runtime, sends every request — retried and paced by [`crate::net`] — and
//!   pages through lists ([`client::Client::pages`]).
//! - [`actions`]: the GitHub Actions environment (event, repository, token, API URL).
//! - [`cache`]: the on-disk cache of conditional requests (ETags) and blobs.
//! - [`repos`]: an organisation's repositories, their git trees and blobs (`depgov scan-org`).
//! - [`comment`]: the sticky pull-request comment (docs/github.md).
//! - [`policies`]: `github:` policy layers, fetched and cached.
//! - [`workflow`]: the job summary, step outputs and the `::stop-commands::` fence.

pub mod actions;
pub mod cache;
pub mod client;
pub mod comment;
pub mod policies;
pub mod repos;
pub mod workflow;
