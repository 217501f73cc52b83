//! The Markdown format, for pull-request comments: a verdict line, then one line per finding.
//!
//! Names and messages come from packages and policies and are untrusted: they are shown in
//! code spans, so that they cannot format, link or mention anyone.

use super::Report;

/// The report as Markdown.
pub fn render(report: &Report) -> String {
    let summary = &report.summary;
    let mut out = if summary.errors == 0 {
        format!(
            "**depgov**: no errors under the policy {}.\n",
            code(&report.policy.name)
        )
    } else {
        format!(
            "**depgov**: {} error{} under the policy {}.\n",
            summary.errors,
            if summary.errors == 1 { "" } else { "s" },
            code(&report.policy.name)
        )
    };
    if !report.findings.is_empty() {
        out.push('\n');
    }
    for finding in &report.findings {
        out.push_str(&format!(
            "- {} {}: {}\n",
            finding.severity.as_str(),
            code(finding.rule.as_str()),
            code(&finding.message)
        ));
    }
    out
}

/// `text` as an inline code span on one line.
fn code(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c == '`' || c.is_control() { ' ' } else { c })
        .collect();
    format!("`{}`", clean.trim())
}
