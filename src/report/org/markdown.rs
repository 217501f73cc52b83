//! The organisation report as Markdown (`report.md`): totals, usage per ring (and over time),
//! the most used components, the licenses in use, the repositories by topic (`--group-by
//! topic`), what moved since the previous report, the hold and remove components with the
//! repositories using them, failed repositories, expiring exceptions, and a table of every
//! repository. Text from packages and from GitHub is escaped ([`markdown::escape`]): it cannot
//! add markup, links or HTML, or break out of a table cell. Long lists of repositories in one
//! cell are cut at [`MAX_NAMES`]; report.json and index.html have them all.

use std::fmt::Write as _;

use super::{OrgReport, Status, Usage};
use crate::model::Ring;
use crate::report::markdown::escape;

/// At most this many repository names in one table cell.
pub const MAX_NAMES: usize = 20;

pub fn render(report: &OrgReport) -> String {
    let mut out = String::new();
    let t = &report.totals;
    let _ = writeln!(out, "# depgov: {}\n", escape(&report.org));
    let scope = report.coverage();
    let contact = report
        .policy
        .contact
        .as_deref()
        .map(|c| format!(" · questions: {}", escape(c)))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} · policy **{}** ({}){contact}{scope}\n",
        report.date,
        escape(&report.policy.name),
        escape(&report.policy.source)
    );
    let _ = writeln!(
        out,
        "**{}**: {} ok, {} failed, {} skipped (archived, forks, filters); no dependencies \
         found in {}; {} judged from manifests only (no lockfile: transitive dependencies \
         unknown).\n",
        count(t.repos, "repository", "repositories"),
        t.ok,
        t.failed,
        t.skipped,
        t.without_inputs,
        t.manifests_only
    );
    let _ = writeln!(
        out,
        "{} in {}; findings: {}, {}, {}, {} waived.\n",
        count(t.components, "component", "components"),
        count(t.usages, "use", "uses"),
        count(t.errors, "error", "errors"),
        count(t.warnings, "warning", "warnings"),
        count(t.notes, "note", "notes"),
        t.waived
    );
    let r = &t.requests;
    let _ = writeln!(
        out,
        "{} to the GitHub API ({} listing; {} answered 304 Not Modified); {} downloaded, {} \
         read from the cache.\n",
        count(r.sent as usize, "request", "requests"),
        r.listing,
        r.not_modified,
        count(r.blobs_downloaded as usize, "blob", "blobs"),
        r.blobs_cached
    );

    out.push_str("## Uses per ring\n\n| Ring | Uses |\n|---|---:|\n");
    for ring in Ring::ALL {
        let _ = writeln!(out, "| {ring} | {} |", t.by_ring.get(ring));
    }
    let _ = writeln!(out, "| not evaluated | {} |\n", t.not_evaluated);

    if !report.history.is_empty() {
        out.push_str("## Uses per ring over time\n\n");
        ring_table_head(&mut out, 1, &["Scan"], &["not evaluated"]);
        for point in report.ring_history() {
            let _ = write!(out, "| {} | ", escape(&point.date));
            ring_cells(&mut out, &point.by_ring);
            let _ = writeln!(out, "{} |", point.not_evaluated);
        }
        out.push('\n');
    }

    let most_used = report.most_used();
    if !most_used.is_empty() {
        let _ = writeln!(out, "## Most used components ({})\n", most_used.len());
        out.push_str("| Component | Ecosystem | Ring | Versions | Repositories |\n");
        out.push_str("|---|---|---|---:|---:|\n");
        for component in most_used {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                escape(&component.name),
                component.ecosystem,
                component.ring.map_or("not evaluated", Ring::as_str),
                component.versions.len(),
                component.repos
            );
        }
        out.push('\n');
    }

    if let Some(changes) = &report.changes {
        let _ = writeln!(out, "## What moved since {}\n", escape(&changes.since));
        usages(&mut out, "New hold and remove uses", &changes.new);
        usages(&mut out, "Hold and remove uses gone", &changes.removed);
        if !changes.not_compared.is_empty() {
            let _ = writeln!(
                out,
                "Not compared (failed in either scan): {}.\n",
                names(&changes.not_compared)
            );
        }
    }

    if !report.licenses.is_empty() {
        let _ = writeln!(out, "## Licenses ({})\n", report.licenses.len());
        out.push_str("| License | Components | Repositories |\n|---|---|---|\n");
        for usage in &report.licenses {
            let _ = writeln!(
                out,
                "| {} | {}: {} | {}: {} |",
                usage
                    .license
                    .as_deref()
                    .map_or("unknown".to_owned(), escape),
                usage.components.len(),
                names(&usage.components),
                usage.repos.len(),
                names(&usage.repos)
            );
        }
        out.push('\n');
    }

    if !report.by_topic.is_empty() {
        let _ = writeln!(out, "## By topic ({})\n", report.by_topic.len());
        ring_table_head(
            &mut out,
            2,
            &["Topic", "Repositories", "Uses"],
            &["Errors", "Warnings"],
        );
        for group in &report.by_topic {
            let _ = write!(
                out,
                "| {} | {}: {} | {} | ",
                group
                    .topic
                    .as_deref()
                    .map_or("(no topic)".to_owned(), escape),
                group.repos.len(),
                names(&group.repos),
                group.usages
            );
            ring_cells(&mut out, &group.by_ring);
            let _ = writeln!(out, "{} | {} |", group.errors, group.warnings);
        }
        out.push('\n');
    }

    let held: Vec<_> = report.held_components().collect();
    let _ = writeln!(out, "## Hold and remove components ({})\n", held.len());
    if held.is_empty() {
        out.push_str("None in use.\n\n");
    } else {
        out.push_str("| Component | Ecosystem | Ring | Versions | Repositories |\n");
        out.push_str("|---|---|---|---|---|\n");
        for component in held {
            let versions: Vec<String> = component
                .versions
                .iter()
                .filter(|v| v.ring >= Some(Ring::Hold))
                .map(|v| escape(&v.version))
                .collect();
            let _ = writeln!(
                out,
                "| **{}** | {} | {} | {} | {}: {} |",
                escape(&component.name),
                component.ecosystem,
                component.ring.map_or("—", Ring::as_str),
                versions.join(", "),
                component.held_in().len(),
                names(&component.held_in())
            );
        }
        out.push('\n');
    }

    for (heading, usages) in [
        ("Vulnerable components", &report.vulnerabilities),
        ("Community health", &report.health),
    ] {
        if usages.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {heading} ({})\n", usages.len());
        out.push_str("| Component | Version | Rule | What | Repositories |\n");
        out.push_str("|---|---|---|---|---|\n");
        for usage in usages {
            let _ = writeln!(
                out,
                "| **{}** | {} | {} | {} | {}: {} |",
                escape(&usage.component.name),
                escape(&usage.component.version),
                usage.rule,
                escape(&usage.message),
                usage.repos.len(),
                names(&usage.repos)
            );
        }
        out.push('\n');
    }

    let failed: Vec<_> = report
        .repos
        .iter()
        .filter(|r| r.status == Status::Failed)
        .collect();
    if !failed.is_empty() {
        let _ = writeln!(out, "## Failed repositories ({})\n", failed.len());
        out.push_str("| Repository | Reason |\n|---|---|\n");
        for repo in failed {
            let _ = writeln!(
                out,
                "| {} | {} |",
                escape(&repo.name),
                escape(repo.reason.as_deref().unwrap_or(""))
            );
        }
        out.push('\n');
    }

    if !report.expiring_exceptions.is_empty() {
        let _ = writeln!(
            out,
            "## Exceptions expiring within {} days\n",
            report.expiring_within_days
        );
        out.push_str(
            "| Exception | Expires | Days left | Approved by | Ticket | Waives findings in | \
             Reason |\n|---|---|---:|---|---|---|---|\n",
        );
        for e in &report.expiring_exceptions {
            let _ = writeln!(
                out,
                "| {} ({}) | {} | {} | {} | {} | {} | {} |",
                escape(&e.selector),
                escape(&e.origin.to_string()),
                e.expires,
                e.days_left,
                escape(e.approved_by.as_deref().unwrap_or("")),
                escape(e.ticket.as_deref().unwrap_or("")),
                names(&e.waives_in),
                escape(&e.reason)
            );
        }
        out.push('\n');
    }

    out.push_str("## Repositories\n\n");
    out.push_str(
        "| Repository | Status | Inputs | Components | Errors | Warnings | Hold | Remove |\n",
    );
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for repo in &report.repos {
        let s = &repo.summary;
        let status = match repo.status {
            Status::Ok => "ok",
            Status::Failed => "**failed**",
        };
        let _ = writeln!(
            out,
            "| {} | {status} | {} | {} | {} | {} | {} | {} |",
            escape(&repo.name),
            repo.inputs.len(),
            s.components,
            s.errors,
            s.warnings,
            s.by_ring.hold,
            s.by_ring.remove
        );
    }
    out
}

/// A table of usages under a heading, or a line saying there are none.
fn usages(out: &mut String, heading: &str, usages: &[Usage]) {
    let _ = writeln!(out, "### {heading} ({})\n", usages.len());
    if usages.is_empty() {
        out.push_str("None.\n\n");
        return;
    }
    out.push_str(
        "| Repository | Component | Ecosystem | Version | Ring |\n|---|---|---|---|---|\n",
    );
    for u in usages {
        let _ = writeln!(
            out,
            "| {} | **{}** | {} | {} | {} |",
            escape(&u.repo),
            escape(&u.name),
            u.ecosystem,
            escape(&u.version),
            u.ring
        );
    }
    out.push('\n');
}

/// Repository names, escaped, at most [`MAX_NAMES`] of them.
fn names(names: &[String]) -> String {
    let mut shown: Vec<String> = names.iter().take(MAX_NAMES).map(|n| escape(n)).collect();
    if names.len() > MAX_NAMES {
        shown.push(format!("… and {} more", names.len() - MAX_NAMES));
    }
    shown.join(", ")
}

/// The head of a table with a column per ring between `before` and `after`; the first `text`
/// columns are text, the others numbers.
fn ring_table_head(out: &mut String, text: usize, before: &[&str], after: &[&str]) {
    let rings = Ring::ALL.map(Ring::as_str);
    let columns: Vec<&str> = before.iter().chain(&rings).chain(after).copied().collect();
    let _ = writeln!(
        out,
        "| {} |\n|{}{}",
        columns.join(" | "),
        "---|".repeat(text),
        "---:|".repeat(columns.len() - text)
    );
}

/// Each ring's count, as table cells.
fn ring_cells(out: &mut String, by_ring: &crate::report::ByRing) {
    for ring in Ring::ALL {
        let _ = write!(out, "{} | ", by_ring.get(ring));
    }
}

/// `1 repository`, `3 repositories`.
pub(super) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
