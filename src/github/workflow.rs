//! What depgov writes into a GitHub Actions job besides its annotations: the job summary
//! (`GITHUB_STEP_SUMMARY`), step outputs (`GITHUB_OUTPUT`), and the `::stop-commands::` fence
//! that keeps package text printed in the log from being read as workflow commands.

use std::path::PathBuf;

/// Whether depgov runs in GitHub Actions.
pub fn in_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// The job summary file, when the job has one.
pub fn step_summary() -> Option<PathBuf> {
    env_path("GITHUB_STEP_SUMMARY")
}

/// The step outputs file, when the job has one.
pub fn step_outputs() -> Option<PathBuf> {
    env_path("GITHUB_OUTPUT")
}

/// A path from a non-empty environment variable.
fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// An unguessable token for `::stop-commands::`, from the standard library's randomly seeded
/// hasher.
pub fn stop_commands_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .elapsed()
            .map_or(0, |d| d.as_nanos()),
    );
    format!("depgov-{:016x}", hasher.finish())
}
