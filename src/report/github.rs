//! The github format: workflow commands that make the Actions runner annotate the manifest
//! line of each finding (`::error file=F,line=L,title=T::message`).
//!
//! The runner shows at most 10 annotations per level per step, so the 10 most important per
//! level are emitted (the report's order: errors first, then what the change introduces) and
//! one notice says how many more there are and where to read them. Values are escaped as
//! GitHub's toolkit does: in data `%`, CR and LF; in properties also `:` and `,`. So text from
//! packages stays inside its command and cannot start one.

use std::fmt::Write as _;

use super::Report;
use crate::model::{Finding, Severity};

/// The runner's limit of annotations per level and step.
pub const PER_LEVEL: usize = 10;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let mut left_out = 0;
    let problems = report.facts.problems();
    for problem in problems.iter().take(PER_LEVEL) {
        let _ = writeln!(
            out,
            "::warning title={}::{}",
            escape_property("depgov: facts"),
            escape_data(problem)
        );
    }
    for severity in [Severity::Error, Severity::Warning, Severity::Note] {
        let level: Vec<&Finding> = report
            .active_findings()
            .filter(|f| f.severity == severity)
            .collect();
        // A source that failed takes a warning's place: GitHub shows PER_LEVEL a level.
        let budget = match severity {
            Severity::Warning => PER_LEVEL.saturating_sub(problems.len()),
            _ => PER_LEVEL,
        };
        for finding in level.iter().take(budget) {
            command(&mut out, finding);
        }
        left_out += level.len().saturating_sub(budget);
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "::notice title={}::{}",
            escape_property("depgov: more findings"),
            escape_data(&format!(
                "{left_out} more findings are not annotated (GitHub shows {PER_LEVEL} per level and step); \
                 read them all in the job summary or the JSON or SARIF report"
            ))
        );
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "depgov: {} errors, {} warnings, {} notes in {} components (policy: {})",
        s.errors,
        s.warnings,
        s.notes,
        s.components,
        escape_data(&report.policy.name)
    );
    out
}

fn command(out: &mut String, finding: &Finding) {
    let level = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut properties = Vec::new();
    if let Some(location) = &finding.location {
        properties.push(format!("file={}", escape_property(&location.file)));
        properties.push(format!("line={}", location.line));
    }
    let subject = match &finding.component {
        Some(c) => format!("{}@{}", c.name, c.version_or_requirement()),
        None => "policy".to_owned(),
    };
    let tags: Vec<&str> = finding
        .ring
        .map(|r| r.as_str())
        .into_iter()
        .chain(finding.change.map(|c| c.as_str()))
        .collect();
    let title = format!("depgov {}: {subject} ({})", finding.rule, tags.join(", "));
    properties.push(format!("title={}", escape_property(&title)));
    let mut message = finding.message.clone();
    if let Some(reason) = &finding.reason {
        let _ = write!(message, "\nReason: {reason}");
    }
    if !finding.use_instead.is_empty() {
        let _ = write!(message, "\nUse instead: {}", finding.use_instead.join(", "));
    }
    if !finding.path.is_empty() {
        let _ = write!(message, "\nPath: {}", finding.path.join(" → "));
    }
    if let Some(link) = &finding.link {
        let _ = write!(message, "\nMore: {link}");
    }
    let _ = writeln!(
        out,
        "::{level} {}::{}",
        properties.join(","),
        escape_data(&message)
    );
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
    }
}
