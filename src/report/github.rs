//! The github format: workflow commands that make the Actions runner annotate the manifest
//! line of each finding (`::error file=F,line=L,title=T::message`).
//!
//! The runner shows at most 10 annotations per level per step, so the most important per
//! level are emitted (the report's order: errors first, then what the change introduces) and
//! one notice says how many more there are and where to read them. One place per level is
//! kept for depgov's own annotation in the same step (an error that stops the run after the
//! report, a comment the token may not post, the overflow notice), so no level ever exceeds
//! the limit. Values are escaped as GitHub's toolkit does (`github::workflow`), so text from
//! packages stays inside its command and cannot start one.

use std::fmt::Write as _;

use super::Report;
use crate::github::workflow::{Annotation, annotation, escape_data};
use crate::model::{Finding, Severity};

/// The runner's limit of annotations per level and step.
pub const PER_LEVEL: usize = 10;

/// Findings' (and facts problems') share of a level: one place is depgov's own.
const FOR_FINDINGS: usize = PER_LEVEL - 1;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let mut left_out = 0;
    let problems = report.warnings();
    for (label, problem) in problems.iter().take(FOR_FINDINGS) {
        let title = format!("depgov: {label}");
        let line = annotation(Annotation::Warning, None, &title, problem);
        let _ = writeln!(out, "{line}");
    }
    left_out += problems.len().saturating_sub(FOR_FINDINGS);
    for severity in [Severity::Error, Severity::Warning, Severity::Note] {
        let level: Vec<&Finding> = report
            .active_findings()
            .filter(|f| f.severity == severity)
            .collect();
        // A source that failed takes a warning's place.
        let budget = match severity {
            Severity::Warning => FOR_FINDINGS.saturating_sub(problems.len()),
            _ => FOR_FINDINGS,
        };
        for finding in level.iter().take(budget) {
            command(&mut out, finding);
        }
        left_out += level.len().saturating_sub(budget);
    }
    if left_out > 0 {
        let message = format!(
            "{left_out} more findings are not annotated (GitHub shows {PER_LEVEL} per level and \
             step); read them all in the job summary or the JSON or SARIF report"
        );
        let line = annotation(Annotation::Notice, None, "depgov: more findings", &message);
        let _ = writeln!(out, "{line}");
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "depgov: {} errors, {} warnings, {} notes in {} components (policy: {})",
        s.errors,
        s.warnings,
        s.notes,
        s.components,
        escape_data(&crate::util::text::visible(&report.policy.name))
    );
    out
}

fn command(out: &mut String, finding: &Finding) {
    let level = match finding.severity {
        Severity::Error => Annotation::Error,
        Severity::Warning => Annotation::Warning,
        Severity::Note => Annotation::Notice,
    };
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
    let at = finding
        .location
        .as_ref()
        .map(|location| (&*location.file, location.line));
    let _ = writeln!(out, "{}", annotation(level, at, &title, &message));
}
