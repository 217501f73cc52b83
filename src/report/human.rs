//! The human format: findings grouped by severity, each with everything needed to act on
//! it, then one summary line.
//!
//! Names and licenses come from packages and are untrusted: control characters are shown
//! escaped so that they cannot move the cursor or recolour a terminal.
//!
//! Colour is written as cargo writes it — severities in their colour, rule ids and component
//! names bold — and always as ANSI codes: the stream it is written to strips them where colour
//! is not wanted (a pipe, a file, `NO_COLOR`, `--color never`).

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use super::{BaseReport, InventoryReport, Report};
use crate::inventory::{InputFile, InputNote};
use crate::model::codes::NoteCode;
use crate::model::facts::FactsReport;
use crate::model::{Change, Component, Finding, Ring, Severity, Source};

pub fn check(report: &Report) -> String {
    let mut out = String::new();
    for severity in [Severity::Error, Severity::Warning, Severity::Note] {
        let group: Vec<&Finding> = report
            .active_findings()
            .filter(|f| f.severity == severity)
            .collect();
        if group.is_empty() {
            continue;
        }
        let heading = plural(group.len(), severity.as_str());
        let _ = writeln!(out, "{}\n", paint(BOLD, &heading));
        for finding in group {
            finding_block(&mut out, finding);
        }
    }
    let waived: Vec<&Finding> = report.waived_findings().collect();
    if !waived.is_empty() {
        let heading = plural(waived.len(), "waived finding");
        let _ = writeln!(out, "{} (policy exceptions)\n", paint(BOLD, &heading));
        for finding in waived {
            finding_block(&mut out, finding);
        }
    }
    if report.findings.is_empty() {
        out.push_str("No findings.\n\n");
    }
    inputs_block(&mut out, &report.inputs, &report.notes);
    warnings_block(&mut out, &report.facts, &report.notes);
    summary_line(&mut out, report);
    out
}

/// Which files were read and how many components each gave, and what they held that was not
/// inventoried.
fn inputs_block(out: &mut String, inputs: &[InputFile], notes: &[InputNote]) {
    let _ = writeln!(out, "Read {}:", plural(inputs.len(), "input"));
    let width = inputs
        .iter()
        .map(|i| i.path.chars().count())
        .max()
        .unwrap_or(0);
    for input in inputs {
        let _ = writeln!(
            out,
            "  {:<width$}  {}, {}",
            clean(&input.path),
            input.format,
            plural(input.components, "component")
        );
    }
    out.push('\n');
    if notes
        .iter()
        .any(|note| note.code == NoteCode::NothingToCheck)
    {
        let _ = writeln!(
            out,
            "Nothing to check: no lockfile, manifest, SBOM or Cargo workspace that depgov reads was found.\n"
        );
    }
    let all_notes = notes;
    let notes: Vec<&InputNote> = notes
        .iter()
        .filter(|note| {
            !matches!(
                note.code,
                NoteCode::NothingToCheck | NoteCode::ManifestOnly | NoteCode::ManifestResolved
            )
        })
        .collect();
    for (code, head, fix) in [
        (
            NoteCode::ManifestOnly,
            "Read from manifests only, without a lockfile: their transitive dependencies are unknown.",
            "Commit the lockfile, or produce an SBOM in CI and point depgov at it.",
        ),
        (
            NoteCode::ManifestResolved,
            "Read from manifests without a lockfile: their transitive dependencies are deps.dev's resolution of each direct dependency.",
            "For the build's own resolution, produce an SBOM in CI and point depgov at it.",
        ),
    ] {
        let files: Vec<&InputNote> = all_notes.iter().filter(|n| n.code == code).collect();
        if files.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{head}");
        for note in files {
            let _ = writeln!(out, "  {}", clean(&note.file));
        }
        let _ = writeln!(out, "  {fix}\n");
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "Not inventoried:");
        for note in notes {
            let place = match note.line {
                Some(line) => format!("{}:{line}", note.file),
                None => note.file.clone(),
            };
            let _ = writeln!(out, "  {}: {}", clean(&place), clean(&note.message));
        }
        out.push('\n');
    }
}

/// A line for each source of facts that failed and each input read less fully than asked.
fn warnings_block(out: &mut String, facts: &FactsReport, notes: &[InputNote]) {
    for (label, warning) in super::warnings(facts, notes) {
        let _ = writeln!(
            out,
            "{} {}",
            paint(
                BOLD.fg_color(Some(AnsiColor::Yellow.into())),
                &format!("{label}:")
            ),
            clean(&warning)
        );
    }
}

pub(crate) fn finding_block(out: &mut String, finding: &Finding) {
    let subject = match (&finding.component, &finding.location) {
        (Some(c), _) => format!("{}@{}", clean(&c.name), clean(c.version_or_requirement())),
        (None, Some(location)) => clean(&location.file),
        (None, None) => "policy".to_owned(),
    };
    let tags: Vec<&str> = finding
        .ring
        .map(Ring::as_str)
        .into_iter()
        .chain(finding.change.map(Change::as_str))
        .collect();
    let tags = if tags.is_empty() {
        String::new()
    } else {
        format!(" ({})", tags.join(", "))
    };
    let (severity, colour) = match (&finding.waiver, finding.severity) {
        (Some(_), _) => ("waived", AnsiColor::Green),
        (None, Severity::Error) => ("error", AnsiColor::Red),
        (None, Severity::Warning) => ("warning", AnsiColor::Yellow),
        (None, Severity::Note) => ("note", AnsiColor::Cyan),
    };
    let header = format!("{severity}[{}]", finding.rule);
    let _ = writeln!(
        out,
        "{} {}{tags}",
        paint(BOLD.fg_color(Some(colour.into())), &header),
        paint(BOLD, &subject)
    );
    let _ = writeln!(out, "  {}", clean(&finding.message));
    let mut field = |label: &str, value: &str| {
        let label = format!("{label:<13}");
        let _ = writeln!(out, "  {}{}", paint(LABEL, &label), clean(value));
    };
    if let Some(reason) = &finding.reason {
        field("reason:", reason);
    }
    if !finding.use_instead.is_empty() {
        field("use instead:", &finding.use_instead.join(", "));
    }
    if let Some(link) = &finding.link {
        field("link:", link);
    }
    if !finding.path.is_empty() {
        field("path:", &finding.path.join(" → "));
    }
    if let Some(evidence) = super::evidence_line(finding) {
        field("evidence:", &evidence);
    }
    if let Some(location) = &finding.location {
        field("at:", &location.to_string());
    }
    if let Some(waiver) = &finding.waiver {
        let approval: Vec<&str> = waiver
            .approved_by
            .as_deref()
            .into_iter()
            .chain(waiver.ticket.as_deref())
            .collect();
        let approval = if approval.is_empty() {
            String::new()
        } else {
            format!(" ({})", approval.join(", "))
        };
        field(
            "waived:",
            &format!(
                "until {}{approval}: {} [{}]",
                waiver.expires, waiver.reason, waiver.origin
            ),
        );
    }
    out.push('\n');
}

fn summary_line(out: &mut String, report: &Report) {
    let s = &report.summary;
    let rings = Ring::ALL
        .iter()
        .map(|r| format!("{r} {}", s.by_ring.get(*r)))
        .collect::<Vec<_>>()
        .join(", ");
    let contact = report
        .policy
        .contact
        .as_deref()
        .map(|c| format!(", contact {}", clean(c)))
        .unwrap_or_default();
    let revision = report
        .policy
        .revision
        .as_deref()
        .map(|commit| format!(" at {}", crate::model::short_commit(commit)))
        .unwrap_or_default();
    if let Some(base) = &report.base {
        base_line(out, base);
    }
    let _ = writeln!(
        out,
        "{}: {}, {}, {}{} · {}: {rings}, not evaluated {} · policy: {} ({}{revision}){contact}",
        paint(BOLD, "depgov"),
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.notes, "note"),
        if s.waived > 0 {
            format!(", {} waived", s.waived)
        } else {
            String::new()
        },
        plural(s.components, "component"),
        s.not_evaluated,
        clean(&report.policy.name),
        clean(&report.policy.source),
    );
}

pub fn inventory(report: &InventoryReport) -> String {
    let mut out = String::new();
    for component in &report.components {
        component_line(&mut out, component);
    }
    out.push('\n');
    inputs_block(&mut out, &report.inputs, &report.notes);
    warnings_block(&mut out, &report.facts, &report.notes);
    let _ = writeln!(
        out,
        "depgov: {}",
        plural(report.components.len(), "component")
    );
    out
}

fn component_line(out: &mut String, component: &Component) {
    let kinds = component
        .kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join("+");
    let direct = if component.direct {
        "direct"
    } else {
        "indirect"
    };
    let source = match &component.source {
        Source::Registry { url } => url.clone(),
        Source::Git { url, rev } => match rev {
            Some(rev) => format!("git {url}#{rev}"),
            None => format!("git {url}"),
        },
        Source::Path { path } => format!("path {path}"),
    };
    let location = component
        .location
        .as_ref()
        .map(|l| format!(" at {l}"))
        .unwrap_or_default();
    let license = match &component.facts.describes {
        Some(described) => format!("{} (of {})", component.license, described.value.phrase()),
        None => component.license.to_string(),
    };
    let _ = writeln!(
        out,
        "{}@{}  {}  {kinds}, {direct}  {}{location}",
        clean(&component.id.name),
        clean(component.id.version_or_requirement()),
        clean(&license),
        clean(&source),
    );
}

const BOLD: Style = Style::new().bold();

/// Field labels, dimmed in the manner of cargo's gutter.
const LABEL: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Blue)));

/// `text` in `style`, as ANSI codes.
fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Escapes control characters (ESC, CR, LF, …) and invisible ones in untrusted text.
pub fn clean(text: &str) -> String {
    let text = crate::util::text::visible(text);
    if !text.chars().any(char::is_control) {
        return text.into_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// What the change was compared with, the debt it paid off, and the debt it left alone.
fn base_line(out: &mut String, base: &BaseReport) {
    let mut parts = vec![format!(
        "compared with {} (merge-base {})",
        clean(&base.rev),
        crate::model::short_commit(&base.merge_base)
    )];
    let removed: Vec<String> = Ring::ALL
        .iter()
        .rev()
        .filter(|ring| !ring.passes())
        .filter_map(|ring| {
            let count = base
                .removed
                .iter()
                .filter(|r| r.ring == Some(*ring))
                .count();
            (count > 0).then(|| format!("{count} {ring}"))
        })
        .collect();
    if !removed.is_empty() {
        parts.push(format!("removed: {}", removed.join(", ")));
    }
    if !base.fixed.is_empty() {
        let count = base.fixed.len();
        parts.push(format!(
            "fixed: {count} vulnerabilit{}",
            if count == 1 { "y" } else { "ies" }
        ));
    }
    if let Some(debt) = &base.existing_debt {
        parts.push(format!(
            "existing debt: {}, {} (not caused by this change)",
            plural(debt.warnings, "warning"),
            plural(debt.errors, "error")
        ));
    }
    let _ = writeln!(out, "{}", parts.join(" · "));
}
