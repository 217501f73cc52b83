//! What depgov writes into a GitHub Actions job: workflow commands (annotations, escaped as
//! GitHub's toolkit escapes them: in data `%`, CR and LF; in properties also `:` and `,`, so
//! untrusted text stays inside its command and cannot start one), the job summary
//! (`GITHUB_STEP_SUMMARY`), step outputs (`GITHUB_OUTPUT`), and the `::stop-commands::` fence
//! that keeps package text printed in the log from being read as workflow commands.

use std::path::PathBuf;

use crate::util::text::visible;

/// Whether depgov runs in GitHub Actions.
pub fn in_actions() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// An annotation's level, as a workflow command names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Annotation {
    Error,
    Warning,
    Notice,
}

/// One annotation command: `::LEVEL file=F,line=L,title=T::message`, every value escaped and
/// invisible characters written as escapes; `at` is the file and line it points at, if any.
pub fn annotation(
    level: Annotation,
    at: Option<(&str, u32)>,
    title: &str,
    message: &str,
) -> String {
    let level = match level {
        Annotation::Error => "error",
        Annotation::Warning => "warning",
        Annotation::Notice => "notice",
    };
    let mut properties = Vec::new();
    if let Some((file, line)) = at {
        properties.push(format!("file={}", escape_property(file)));
        properties.push(format!("line={line}"));
    }
    properties.push(format!("title={}", escape_property(&visible(title))));
    format!(
        "::{level} {}::{}",
        properties.join(","),
        escape_data(&visible(message))
    )
}

/// A command's message, escaped as `@actions/core` does.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command property's value, escaped as `@actions/core` does.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_the_actions_toolkit() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn untrusted_text_cannot_start_a_command() {
        let evil = "x\n::set-env name=A::b\r::error::pwned";
        for escaped in [escape_data(evil), escape_property(evil)] {
            assert!(!escaped.contains('\n') && !escaped.contains('\r'));
        }
        let line = annotation(Annotation::Warning, Some((evil, 3)), evil, evil);
        assert_eq!(line.lines().count(), 1);
    }
}
