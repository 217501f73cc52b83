//! The markdown format: the body of the pull-request comment and of the job summary.
//!
//! A verdict line; a table of what the change introduces (every finding without `--base`);
//! collapsed sections for existing debt, components not evaluated and components removed;
//! the policy and whom to ask. Package text is untrusted: it is escaped so that it cannot
//! add markup, HTML or links, or break out of a table cell. The body never exceeds its size
//! limit: rows that do not fit are counted and the reader is pointed to the full report.

use crate::util::text::{floor_char_boundary, is_invisible};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use std::fmt::Write as _;

use super::Report;
use crate::model::codes::NoteCode;
use crate::model::{Change, Finding, Ring, Severity};

/// GitHub's limit for a comment body, in characters.
pub const COMMENT_LIMIT: usize = 65_536;

/// The limit for a job summary (GitHub rejects more than 1 MiB per step).
pub const SUMMARY_LIMIT: usize = 1024 * 1024;

/// The report as a pull-request comment body.
pub fn render(report: &Report) -> String {
    render_within(
        report,
        COMMENT_LIMIT,
        "the job summary or the JSON report artifact",
    )
}

/// The report within `limit` bytes (so within as many characters); `full_report` says where to
/// read what does not fit.
pub fn render_within(report: &Report, limit: usize, full_report: &str) -> String {
    let mut out = String::new();
    verdict(&mut out, report);
    let (introduced, existing): (Vec<&Finding>, Vec<&Finding>) = report
        .active_findings()
        .partition(|f| f.change != Some(Change::Existing));
    // Everything after the first table is collapsed and small; keep room for it.
    let tail = tail_sections(report, &existing);
    let budget = limit.saturating_sub(tail.len() + 300);
    let heading = if report.base.is_some() {
        "What this change introduces"
    } else {
        "Findings"
    };
    if !introduced.is_empty() {
        let _ = writeln!(out, "### {heading}\n");
        table(&mut out, &introduced, budget, full_report);
    }
    out.push_str(&tail);
    if out.len() > limit {
        // Only possible with enormous policy names or many removed components: cut hard.
        let note = format!("\n\n… truncated; see {full_report}.\n");
        let keep = floor_char_boundary(&out, limit.saturating_sub(note.len()));
        out.truncate(keep);
        out.push_str(&note);
    }
    out
}

fn verdict(out: &mut String, report: &Report) {
    let s = &report.summary;
    let introduced = |severity: Severity| {
        report
            .active_findings()
            .filter(|f| f.severity == severity && f.change != Some(Change::Existing))
            .count()
    };
    let (errors, warnings) = (introduced(Severity::Error), introduced(Severity::Warning));
    let scope = if report.base.is_some() {
        " introduced by this change"
    } else {
        ""
    };
    let line = match (errors, warnings) {
        (0, 0) if report.base.is_some() => {
            "✅ **depgov**: this change introduces no policy violations".to_owned()
        }
        (0, 0) => "✅ **depgov**: no policy violations".to_owned(),
        (0, w) => format!("⚠️ **depgov**: {}{scope}", plural(w, "warning")),
        (e, w) => format!(
            "❌ **depgov**: {}, {}{scope}",
            plural(e, "error"),
            plural(w, "warning")
        ),
    };
    let _ = writeln!(out, "{line}\n");
    for (label, warning) in report.warnings() {
        let _ = writeln!(out, "> ⚠️ **{label}:** {}\n", escape(&warning));
    }
    if report
        .notes
        .iter()
        .any(|note| note.code == NoteCode::NothingToCheck)
    {
        let _ = writeln!(
            out,
            "> ℹ️ **Nothing to check:** no lockfile, manifest, SBOM or Cargo workspace that depgov reads was found.\n"
        );
    }
    manifests_only(out, report);
    let _ = writeln!(
        out,
        "{} checked: {}.\n",
        plural(s.components, "component"),
        Ring::ALL
            .iter()
            .map(|r| format!("{r} {}", s.by_ring.get(*r)))
            .collect::<Vec<_>>()
            .join(", ")
    );
}

/// The inputs read from manifests without a lockfile, whether their transitive dependencies
/// are unknown or deps.dev's resolution, and what to do about it; and the direct dependencies
/// whose transitive dependencies deps.dev could not give.
fn manifests_only(out: &mut String, report: &Report) {
    const SHOWN: usize = 20;
    for (code, head, tail) in [
        (
            NoteCode::ManifestOnly,
            "⚠️ **Read from manifests only** (no lockfile)",
            "Their transitive dependencies are unknown: commit the lockfile, or produce an SBOM in CI and point depgov at it.",
        ),
        (
            NoteCode::ManifestResolved,
            "ℹ️ **Transitive dependencies from deps.dev** (no lockfile)",
            "Their transitive dependencies are deps.dev's resolution of each direct dependency; for the build's own resolution, produce an SBOM in CI and point depgov at it.",
        ),
    ] {
        let files: Vec<String> = report
            .notes
            .iter()
            .filter(|note| note.code == code)
            .map(|note| escape(&note.file))
            .collect();
        if files.is_empty() {
            continue;
        }
        let more = match files.len().saturating_sub(SHOWN) {
            0 => String::new(),
            more => format!(" and {more} more"),
        };
        let _ = writeln!(
            out,
            "> {head}: {}{more}. {tail}\n",
            files[..files.len().min(SHOWN)].join(", ")
        );
    }
    let unknown: Vec<String> = report
        .notes
        .iter()
        .filter(|note| note.code == NoteCode::TransitiveUnknown)
        .map(|note| format!("{}: {}", escape(&note.file), escape(&note.message)))
        .collect();
    for line in unknown.iter().take(SHOWN) {
        let _ = writeln!(out, "> ℹ️ {line}\n");
    }
    if unknown.len() > SHOWN {
        let _ = writeln!(
            out,
            "> ℹ️ … and {} more on transitive dependencies left unknown.\n",
            unknown.len() - SHOWN
        );
    }
}

/// The findings table; rows beyond `budget` characters are counted, not shown.
fn table(out: &mut String, findings: &[&Finding], budget: usize, full_report: &str) {
    out.push_str("| | Component | Ring | Rule | Reason | Use instead | Path | Location |\n");
    out.push_str("|---|---|---|---|---|---|---|---|\n");
    let mut shown = 0;
    for finding in findings {
        let row = row(finding);
        if out.len() + row.len() > budget {
            break;
        }
        out.push_str(&row);
        shown += 1;
    }
    if shown < findings.len() {
        let _ = writeln!(
            out,
            "\n… and {} more; see {full_report}.",
            plural(findings.len() - shown, "finding")
        );
    }
    out.push('\n');
}

fn row(finding: &Finding) -> String {
    let icon = match finding.severity {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
        Severity::Note => "ℹ️",
    };
    let component = match &finding.component {
        Some(c) => format!(
            "**{}** {}",
            escape(&c.name),
            escape(c.version_or_requirement())
        ),
        None => "policy".to_owned(),
    };
    let ring = match (finding.ring, finding.change) {
        (Some(ring), Some(change)) => format!("{ring} ({})", change.as_str()),
        (Some(ring), None) => ring.to_string(),
        (None, _) => "—".to_owned(),
    };
    let mut reason = escape(finding.reason.as_deref().unwrap_or(&finding.message));
    if let Some(link) = &finding.link {
        let _ = write!(reason, " ([more]({}))", url(link));
    }
    let use_instead = finding
        .use_instead
        .iter()
        .map(|u| escape(u))
        .collect::<Vec<_>>()
        .join(", ");
    let path = escape(&finding.path.join(" → "));
    let location = finding
        .location
        .as_ref()
        .map(|l| escape(&l.to_string()))
        .unwrap_or_default();
    format!(
        "| {icon} | {component} | {ring} | {} | {reason} | {use_instead} | {path} | {location} |\n",
        finding.rule
    )
}

/// The collapsed sections: existing debt, components not evaluated, components removed, and
/// the policy line.
fn tail_sections(report: &Report, existing: &[&Finding]) -> String {
    let mut out = String::new();
    if let Some(debt) = report.base.as_ref().and_then(|b| b.existing_debt.as_ref()) {
        let _ = writeln!(
            out,
            "<details><summary>Existing debt: {}, {}, {} (not caused by this change)</summary>\n\nNot listed here: run without <code>--only-new</code> to see them.\n</details>\n",
            plural(debt.errors, "error"),
            plural(debt.warnings, "warning"),
            plural(debt.notes, "note")
        );
    } else if !existing.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Existing debt: {} (not caused by this change)</summary>\n",
            plural(existing.len(), "finding")
        );
        for finding in existing.iter().take(200) {
            let _ = writeln!(out, "- {}", one_line(finding));
        }
        if existing.len() > 200 {
            let _ = writeln!(out, "- … and {} more", existing.len() - 200);
        }
        out.push_str("\n</details>\n\n");
    }
    let waived: Vec<&Finding> = report.waived_findings().collect();
    if !waived.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>Waived by policy exceptions: {}</summary>\n",
            plural(waived.len(), "finding")
        );
        for finding in waived.iter().take(200) {
            if let Some(waiver) = &finding.waiver {
                let who = waiver
                    .approved_by
                    .as_deref()
                    .map(|a| format!(", approved by {}", escape(a)))
                    .unwrap_or_default();
                let ticket = waiver
                    .ticket
                    .as_deref()
                    .map(|t| format!(", {}", escape(t)))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "- {} — until {}{who}{ticket}: {}",
                    one_line(finding),
                    waiver.expires,
                    escape(&waiver.reason)
                );
            }
        }
        out.push_str("\n</details>\n\n");
    }
    let not_evaluated = report.summary.not_evaluated;
    if not_evaluated > 0 {
        let _ = writeln!(
            out,
            "<details><summary>Not evaluated: {}</summary>\n\nTheir kinds (e.g. dev-only) are outside the policy's <code>defaults.scope</code>.\n</details>\n",
            plural(not_evaluated, "component")
        );
    }
    if let Some(base) = &report.base {
        if !base.removed.is_empty() {
            let _ = writeln!(
                out,
                "<details><summary>Removed by this change: {}</summary>\n",
                plural(base.removed.len(), "component")
            );
            for removed in base.removed.iter().take(200) {
                let ring = removed.ring.map_or("not evaluated", Ring::as_str);
                let _ = writeln!(
                    out,
                    "- {} {} ({ring})",
                    escape(&removed.component.name),
                    escape(&removed.component.version)
                );
            }
            out.push_str("\n</details>\n\n");
        }
        if !base.fixed.is_empty() {
            let _ = writeln!(
                out,
                "<details><summary>Fixed by this change: {} vulnerabilit{}</summary>\n",
                base.fixed.len(),
                if base.fixed.len() == 1 { "y" } else { "ies" }
            );
            for fixed in base.fixed.iter().take(200) {
                let _ = writeln!(
                    out,
                    "- {} {}: {}",
                    escape(&fixed.component.name),
                    escape(&fixed.component.version),
                    escape(&fixed.ids.join(", "))
                );
            }
            out.push_str("\n</details>\n\n");
        }
    }
    let contact = report
        .policy
        .contact
        .as_deref()
        .map(|c| format!(" · questions: {}", escape(c)))
        .unwrap_or_default();
    let revision = report
        .policy
        .revision
        .as_deref()
        .map(|r| format!(" at {}", crate::model::short_commit(r)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "<sub>Policy **{}** ({}{revision}){contact}</sub>",
        escape(&report.policy.name),
        escape(&report.policy.source)
    );
    out
}

fn one_line(finding: &Finding) -> String {
    let subject = finding
        .component
        .as_ref()
        .map(|c| {
            format!(
                "**{}** {}",
                escape(&c.name),
                escape(c.version_or_requirement())
            )
        })
        .unwrap_or_else(|| "policy".to_owned());
    format!("{subject}: {} ({})", escape(&finding.message), finding.rule)
}

pub(crate) fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Untrusted text as literal markdown: HTML is neutralized, markdown punctuation escaped (so no
/// links, images, emphasis, code spans or autolinks), mentions and issue references cannot
/// ping or link (each is a code span, which GitHub leaves alone and which copies as typed),
/// `|` cannot end a table cell, line breaks and other control characters cannot end a row,
/// and invisible characters are written as their `\u{…}` escapes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut previous: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        if let Some(reference) = reference_at(rest, previous) {
            out.push('`');
            out.push_str(reference);
            out.push('`');
            rest = &rest[reference.len()..];
            previous = reference.chars().last();
            continue;
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '|' | '~' | '{' | '}' | '+'
            | '-' | '.' | '"' | '\'' | ':' | '=' | '$' | '@' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c if is_invisible(c) => out.push_str(&escape(&c.escape_unicode().to_string())),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
        previous = Some(c);
    }
    out
}

/// A mention (`@user`, `@org/team`) or an issue reference (`#12`, also in `owner/repo#12`)
/// at the start of `text`, where GitHub would make one of it; `previous` is the character
/// before. An `@` inside a word (an e-mail address) mentions nobody and is left alone.
fn reference_at(text: &str, previous: Option<char>) -> Option<&str> {
    let name_end = |from: usize, allowed: &dyn Fn(char) -> bool| {
        text[from..]
            .char_indices()
            .find(|(_, c)| !allowed(*c))
            .map_or(text.len(), |(i, _)| from + i)
    };
    let end = match text.chars().next()? {
        '@' if previous.is_none_or(|p| !p.is_alphanumeric() && !"._%+-`".contains(p)) => {
            name_end(1, &|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
        }
        '#' => name_end(1, &|c| c.is_ascii_digit()),
        _ => return None,
    };
    let reference = text[..end].trim_end_matches('/');
    let named = reference[1..].starts_with(|c: char| c.is_ascii_alphanumeric());
    named.then_some(reference)
}

/// A policy link (always http(s), the loader checks) made safe inside `(…)`.
fn url(link: &str) -> String {
    link.chars()
        .map(|c| match c {
            '(' => "%28".to_owned(),
            ')' => "%29".to_owned(),
            ' ' => "%20".to_owned(),
            '<' => "%3C".to_owned(),
            '>' => "%3E".to_owned(),
            '"' => "%22".to_owned(),
            c if c.is_control() => String::new(),
            c if is_invisible(c) => {
                utf8_percent_encode(c.encode_utf8(&mut [0; 4]), NON_ALPHANUMERIC).to_string()
            }
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_text_cannot_add_markup_or_break_a_table() {
        let evil = "x|y <script>alert(1)</script> [click](http://evil) `code`\n| new row";
        let escaped = escape(evil);
        assert!(!escaped.contains("<script>"));
        assert!(!escaped.contains('\n'));
        assert!(!escaped.contains("](http"));
        assert_eq!(escaped.matches("\\|").count(), escaped.matches('|').count());
    }

    #[test]
    fn mentions_and_references_are_code_spans_and_addresses_stay_copyable() {
        assert_eq!(
            escape("ping @octocat and @acme/ospo"),
            "ping `@octocat` and `@acme/ospo`"
        );
        assert_eq!(escape("fixes #12, acme/app#3"), "fixes `#12`, acme/app`#3`");
        assert_eq!(escape("ospo@acme.example"), "ospo\\@acme\\.example");
        assert_eq!(escape("# @ @-"), "\\# \\@ \\@\\-");
        let hostile = "a\u{200B}b\u{202E}c";
        assert_eq!(escape(hostile), "a\\\\u\\{200b\\}b\\\\u\\{202e\\}c");
        for text in [escape(hostile), url(hostile)] {
            assert!(!text.chars().any(is_invisible), "{text}");
        }
    }

    #[test]
    fn links_cannot_close_their_parenthesis() {
        assert_eq!(
            url("https://a.example/x)(y z"),
            "https://a.example/x%29%28y%20z"
        );
    }
}
