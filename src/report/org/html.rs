//! The organisation report as one self-contained HTML page (`index.html`): totals, a bar chart
//! of uses per ring and a line chart of them over the earlier scans (inline SVG, drawn here),
//! the most used components, the licenses in use with the repositories using them, the
//! repositories by topic (`--group-by topic`), what moved since the previous report, the hold
//! and remove components with the repositories using them, failed repositories, expiring
//! exceptions, a table of every repository, and each repository's findings (`<details>`,
//! reached from the tables).
//!
//! No external asset: the style and the small script are inline, and the page's Content
//! Security Policy forbids loading anything. Tables with the `sortable` class sort by a click
//! (or Enter) on a column header; a text box above a table filters its rows. Every value —
//! package names and versions, messages, repository names, policy text — goes through
//! [`escape`]; the script only reorders and hides rows, never builds markup from text.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::markdown::count;
use super::{FindingUsage, OrgReport, RepoReport, Status, Usage};
use crate::model::{Finding, Ring, Severity};

const STYLE: &str = r#"
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 80rem; padding: 1rem 2rem; color: #1f2328; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
.meta { color: #59636e; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: .75rem; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: .5rem .9rem; min-width: 7rem; }
.card b { display: block; font-size: 1.5rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; }
table.sortable th { cursor: pointer; user-select: none; background: #f6f8fa; }
th[aria-sort=ascending]::after { content: " \25B2"; } th[aria-sort=descending]::after { content: " \25BC"; }
input.filter { padding: .3rem .5rem; width: 20rem; max-width: 100%; }
.ring-adopt { color: #1a7f37; } .ring-trial { color: #0969da; } .ring-assess { color: #9a6700; }
.ring-hold { color: #bc4c00; font-weight: 600; } .ring-remove { color: #cf222e; font-weight: 600; }
.failed { color: #cf222e; font-weight: 600; }
details { border: 1px solid #d0d7de; border-radius: 6px; padding: .3rem .7rem; margin: .4rem 0; }
details:target { outline: 2px solid #0969da; }
summary { cursor: pointer; }
code { font-size: 90%; }
"#;

const SCRIPT: &str = r#"
(function () {
  'use strict';
  function key(row, index, numeric) {
    var cell = row.cells[index];
    var value = cell ? (cell.getAttribute('data-sort') || cell.textContent) : '';
    return numeric ? (parseFloat(value) || 0) : value.toLowerCase();
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable th'), function (th) {
    th.tabIndex = 0;
    function sort() {
      var table = th.closest('table');
      var body = table.tBodies[0];
      var index = th.cellIndex;
      var numeric = th.getAttribute('data-type') === 'number';
      var ascending = th.getAttribute('aria-sort') !== 'ascending';
      Array.prototype.forEach.call(table.querySelectorAll('th'), function (other) {
        other.removeAttribute('aria-sort');
      });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a, index, numeric);
        var y = key(b, index, numeric);
        var order = x < y ? -1 : (x > y ? 1 : 0);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (event) {
      if (event.key === 'Enter') { sort(); }
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('input[data-filter]'), function (input) {
    input.addEventListener('input', function () {
      var table = document.getElementById(input.getAttribute('data-filter'));
      var needle = input.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = needle !== '' && row.textContent.toLowerCase().indexOf(needle) < 0;
      });
    });
  });
})();
"#;

/// Text as HTML text or attribute value: `& < > " '` escaped, invisible characters written as
/// their `\u{…}` escapes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if crate::util::text::is_invisible(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

pub fn render(report: &OrgReport) -> String {
    let anchors: HashMap<&str, usize> = report
        .repos
        .iter()
        .enumerate()
        .map(|(i, repo)| (repo.name.as_str(), i + 1))
        .collect();
    let page = Page {
        report,
        anchors,
        out: String::with_capacity(64 * 1024),
    };
    page.render()
}

/// The page being written, and each repository's anchor number.
struct Page<'a> {
    report: &'a OrgReport,
    anchors: HashMap<&'a str, usize>,
    out: String,
}

impl Page<'_> {
    fn render(mut self) -> String {
        let r = self.report;
        let title = format!("depgov · {}", r.org);
        let _ = write!(
            self.out,
            "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
             <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
            escape(&title)
        );
        self.header();
        self.totals();
        self.chart();
        self.history_chart();
        self.most_used();
        self.licenses();
        self.by_topic();
        self.changes();
        self.held();
        self.findings_by_version(
            "vulnerabilities",
            "Vulnerable components",
            &self.report.vulnerabilities,
            "No known vulnerability in any component in use.",
        );
        self.findings_by_version(
            "health",
            "Community health",
            &self.report.health,
            "No deprecated, yanked, unmaintained or relicensed component in use.",
        );
        self.failed();
        self.exceptions();
        self.repos();
        self.details();
        let _ = write!(self.out, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
        self.out
    }

    fn header(&mut self) {
        let r = self.report;
        let scope = r.coverage();
        let contact = r
            .policy
            .contact
            .as_deref()
            .map(|c| format!(" · questions: {}", escape(c)))
            .unwrap_or_default();
        let _ = writeln!(
            self.out,
            "<header><h1>{}</h1><p class=\"meta\">{} · policy <b>{}</b> ({}){contact}{} · \
             {} {}</p></header>",
            escape(&r.org),
            escape(&r.date),
            escape(&r.policy.name),
            escape(&r.policy.source),
            escape(&scope),
            escape(&r.tool.name),
            escape(&r.tool.version)
        );
    }

    fn totals(&mut self) {
        let t = &self.report.totals;
        let cards = [
            ("repositories", t.repos.to_string()),
            ("ok", t.ok.to_string()),
            ("failed", t.failed.to_string()),
            ("skipped", t.skipped.to_string()),
            ("components", t.components.to_string()),
            ("uses", t.usages.to_string()),
            ("errors", t.errors.to_string()),
            ("warnings", t.warnings.to_string()),
            ("waived", t.waived.to_string()),
            ("API requests", t.requests.sent.to_string()),
        ];
        self.out
            .push_str("<section id=\"totals\"><h2>Totals</h2><div class=\"cards\">");
        for (label, value) in cards {
            let _ = write!(
                self.out,
                "<div class=\"card\"><b>{value}</b>{}</div>",
                escape(label)
            );
        }
        let r = &t.requests;
        let _ = writeln!(
            self.out,
            "</div><p>No dependencies found in {}; {} judged from manifests only (no lockfile: \
             transitive dependencies unknown). Requests: {} listing, {} answered 304 Not \
             Modified; {} downloaded, {} from the cache.</p></section>",
            count(t.without_inputs, "repository", "repositories"),
            t.manifests_only,
            r.listing,
            r.not_modified,
            count(r.blobs_downloaded as usize, "blob", "blobs"),
            r.blobs_cached
        );
    }

    /// Uses per ring as horizontal bars.
    fn chart(&mut self) {
        let t = &self.report.totals;
        let rows: Vec<(&str, usize, &str)> = Ring::ALL
            .iter()
            .map(|ring| (ring.as_str(), t.by_ring.get(*ring), color(*ring)))
            .chain([("not evaluated", t.not_evaluated, "#8c959f")])
            .collect();
        let max = rows.iter().map(|(_, n, _)| *n).max().unwrap_or(0).max(1);
        let (label_width, bar_width, row_height) = (110, 480, 28);
        let height = row_height * rows.len() + 8;
        let described: Vec<String> = rows.iter().map(|(l, n, _)| format!("{l} {n}")).collect();
        let _ = write!(
            self.out,
            "<section id=\"rings\"><h2>Uses per ring</h2>\
             <svg id=\"ring-chart\" role=\"img\" width=\"{}\" height=\"{height}\" \
             viewBox=\"0 0 {} {height}\" aria-label=\"{}\">",
            label_width + bar_width + 80,
            label_width + bar_width + 80,
            escape(&described.join(", "))
        );
        for (i, (label, n, fill)) in rows.iter().enumerate() {
            let y = i * row_height + 4;
            let width = (bar_width * n).div_ceil(max);
            let _ = write!(
                self.out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\">{}</text>\
                 <rect class=\"bar\" data-ring=\"{}\" x=\"{label_width}\" y=\"{y}\" \
                 width=\"{width}\" height=\"{}\" fill=\"{fill}\"></rect>\
                 <text x=\"{}\" y=\"{}\" font-size=\"13\">{n}</text>",
                label_width - 8,
                y + 17,
                escape(label),
                escape(label),
                row_height - 8,
                label_width + width + 6,
                y + 17
            );
        }
        self.out.push_str("</svg></section>\n");
    }

    /// Uses per ring at every scan the report knows of, as one line per ring; drawn here, as
    /// inline SVG, so the page needs no script library.
    fn history_chart(&mut self) {
        let points = self.report.ring_history();
        self.out
            .push_str("<section id=\"history\"><h2>Uses per ring over time</h2>");
        if points.len() < 2 {
            self.out.push_str(
                "<p>One scan so far: scan with <code>--previous</code> the last report.json to \
                 draw uses per ring over time.</p></section>\n",
            );
            return;
        }
        let (left, top, width, height) = (50, 10, 560, 200);
        let max = points
            .iter()
            .flat_map(|p| Ring::ALL.map(|ring| p.by_ring.get(ring)))
            .max()
            .unwrap_or(0)
            .max(1);
        let x = |i: usize| left + i * width / (points.len() - 1);
        let y = |n: usize| top + height - n * height / max;
        let described: Vec<String> = points
            .iter()
            .map(|p| {
                let rings: Vec<String> = Ring::ALL
                    .iter()
                    .map(|ring| format!("{ring} {}", p.by_ring.get(*ring)))
                    .collect();
                format!("{}: {}", p.date, rings.join(", "))
            })
            .collect();
        let (full_width, full_height) = (left + width + 90, top + height + 40);
        let _ = write!(
            self.out,
            "<svg id=\"history-chart\" role=\"img\" width=\"{full_width}\" \
             height=\"{full_height}\" viewBox=\"0 0 {full_width} {full_height}\" \
             aria-label=\"{}\">\
             <line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#8c959f\"></line>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{max}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">0</text>",
            escape(&described.join("; ")),
            top + height,
            left + width,
            top + height,
            left - 6,
            top + 4,
            left - 6,
            top + height + 4
        );
        // Every date when they fit, else the first and the last.
        let labelled = |i: usize| points.len() <= 8 || i == 0 || i == points.len() - 1;
        for (i, point) in points.iter().enumerate().filter(|(i, _)| labelled(*i)) {
            let _ = write!(
                self.out,
                "<text class=\"date\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" \
                 font-size=\"12\">{}</text>",
                x(i),
                top + height + 20,
                escape(&point.date)
            );
        }
        for (row, ring) in Ring::ALL.iter().enumerate() {
            let line: Vec<String> = points
                .iter()
                .enumerate()
                .map(|(i, p)| format!("{},{}", x(i), y(p.by_ring.get(*ring))))
                .collect();
            let last = points.last().map_or(0, |p| p.by_ring.get(*ring));
            let _ = write!(
                self.out,
                "<polyline class=\"line\" data-ring=\"{ring}\" points=\"{}\" fill=\"none\" \
                 stroke=\"{}\" stroke-width=\"2\"></polyline>\
                 <text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"{}\">{ring} {last}</text>",
                line.join(" "),
                color(*ring),
                left + width + 10,
                top + 12 + row * 16,
                color(*ring)
            );
        }
        self.out.push_str("</svg></section>\n");
    }

    /// The components used by the most repositories.
    fn most_used(&mut self) {
        let most_used = self.report.most_used();
        let _ = writeln!(
            self.out,
            "<section id=\"most-used\"><h2>Most used components ({})</h2>",
            most_used.len()
        );
        if most_used.is_empty() {
            self.out.push_str("<p>None.</p></section>\n");
            return;
        }
        self.table_start(
            "most-used-table",
            &[
                ("Component", false),
                ("Ecosystem", false),
                ("Ring", false),
                ("Versions", true),
                ("Repositories", true),
            ],
        );
        for component in most_used {
            let _ = writeln!(
                self.out,
                "<tr><td>{}</td><td>{}</td>{}<td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&component.name),
                component.ecosystem,
                ring_cell(component.ring),
                component.versions.len(),
                component.repos
            );
        }
        self.out.push_str("</tbody></table></section>\n");
    }

    /// Every license in use, with its components and the repositories using them.
    fn licenses(&mut self) {
        let licenses = &self.report.licenses;
        let _ = writeln!(
            self.out,
            "<section id=\"licenses\"><h2>Licenses ({})</h2>",
            licenses.len()
        );
        if licenses.is_empty() {
            self.out.push_str("<p>None.</p></section>\n");
            return;
        }
        self.table_start(
            "licenses-table",
            &[
                ("License", false),
                ("Components", true),
                ("Repositories", true),
                ("Used in", false),
            ],
        );
        for usage in licenses {
            let license = match &usage.license {
                Some(license) => escape(license),
                None => "<i>unknown</i>".to_owned(),
            };
            let links: Vec<String> = usage.repos.iter().map(|n| self.link(n)).collect();
            let _ = writeln!(
                self.out,
                "<tr><td>{license}</td><td class=\"n\" title=\"{}\">{}</td>\
                 <td class=\"n\">{}</td><td>{}</td></tr>",
                escape(&usage.components.join(", ")),
                usage.components.len(),
                usage.repos.len(),
                links.join(", ")
            );
        }
        self.out.push_str("</tbody></table></section>\n");
    }

    /// With `--group-by topic`: each topic's repositories, uses per ring and findings.
    fn by_topic(&mut self) {
        let groups = &self.report.by_topic;
        if groups.is_empty() {
            return;
        }
        let _ = writeln!(
            self.out,
            "<section id=\"by-topic\"><h2>By topic ({})</h2>",
            groups.len()
        );
        let mut columns = vec![("Topic", false), ("Repositories", true), ("Uses", true)];
        columns.extend(Ring::ALL.iter().map(|ring| (ring.as_str(), true)));
        columns.extend([
            ("Errors", true),
            ("Warnings", true),
            ("Repositories using", false),
        ]);
        self.table_start("topics-table", &columns);
        for group in groups {
            let topic = match &group.topic {
                Some(topic) => escape(topic),
                None => "<i>no topic</i>".to_owned(),
            };
            let rings: String = Ring::ALL
                .iter()
                .map(|ring| format!("<td class=\"n\">{}</td>", group.by_ring.get(*ring)))
                .collect();
            let links: Vec<String> = group.repos.iter().map(|n| self.link(n)).collect();
            let _ = writeln!(
                self.out,
                "<tr><td>{topic}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>{rings}\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
                group.repos.len(),
                group.usages,
                group.errors,
                group.warnings,
                links.join(", ")
            );
        }
        self.out.push_str("</tbody></table></section>\n");
    }

    fn changes(&mut self) {
        let Some(changes) = &self.report.changes else {
            return;
        };
        let _ = writeln!(
            self.out,
            "<section id=\"changes\"><h2>What moved since {}</h2>",
            escape(&changes.since)
        );
        self.usages("new-uses", "New hold and remove uses", &changes.new);
        self.usages("gone-uses", "Hold and remove uses gone", &changes.removed);
        if !changes.not_compared.is_empty() {
            let links: Vec<String> = changes.not_compared.iter().map(|n| self.link(n)).collect();
            let _ = writeln!(
                self.out,
                "<p>Not compared (failed in either scan): {}.</p>",
                links.join(", ")
            );
        }
        self.out.push_str("</section>\n");
    }

    fn usages(&mut self, id: &str, heading: &str, usages: &[Usage]) {
        let _ = writeln!(self.out, "<h3>{} ({})</h3>", escape(heading), usages.len());
        if usages.is_empty() {
            self.out.push_str("<p>None.</p>\n");
            return;
        }
        self.table_start(
            id,
            &[
                ("Repository", false),
                ("Component", false),
                ("Ecosystem", false),
                ("Version", false),
                ("Ring", false),
            ],
        );
        for u in usages {
            let _ = writeln!(
                self.out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}</tr>",
                self.link(&u.repo),
                escape(&u.name),
                u.ecosystem,
                escape(&u.version),
                ring_cell(Some(u.ring))
            );
        }
        self.out.push_str("</tbody></table>\n");
    }

    fn held(&mut self) {
        let held: Vec<_> = self.report.held_components().collect();
        let _ = writeln!(
            self.out,
            "<section id=\"held\"><h2>Hold and remove components ({})</h2>",
            held.len()
        );
        if held.is_empty() {
            self.out.push_str("<p>None in use.</p></section>\n");
            return;
        }
        self.table_start(
            "held-table",
            &[
                ("Component", false),
                ("Ecosystem", false),
                ("Ring", false),
                ("Versions", false),
                ("Repositories", true),
                ("Used in", false),
            ],
        );
        for component in held {
            let versions: Vec<String> = component
                .versions
                .iter()
                .filter(|v| v.ring >= Some(Ring::Hold))
                .map(|v| escape(&v.version))
                .collect();
            let users = component.held_in();
            let links: Vec<String> = users.iter().map(|n| self.link(n)).collect();
            let _ = writeln!(
                self.out,
                "<tr><td><b>{}</b></td><td>{}</td>{}<td>{}</td><td class=\"n\">{}</td>\
                 <td>{}</td></tr>",
                escape(&component.name),
                component.ecosystem,
                ring_cell(component.ring),
                versions.join(", "),
                users.len(),
                links.join(", ")
            );
        }
        self.out.push_str("</tbody></table></section>\n");
    }

    fn failed(&mut self) {
        let failed: Vec<&RepoReport> = self
            .report
            .repos
            .iter()
            .filter(|r| r.status == Status::Failed)
            .collect();
        let _ = writeln!(
            self.out,
            "<section id=\"failed\"><h2>Failed repositories ({})</h2>",
            failed.len()
        );
        if failed.is_empty() {
            self.out
                .push_str("<p>Every repository was scanned completely.</p></section>\n");
            return;
        }
        self.table_start("failed-table", &[("Repository", false), ("Reason", false)]);
        for repo in failed {
            let _ = writeln!(
                self.out,
                "<tr><td>{}</td><td>{}</td></tr>",
                self.link(&repo.name),
                escape(repo.reason.as_deref().unwrap_or(""))
            );
        }
        self.out.push_str("</tbody></table></section>\n");
    }

    /// A section of findings by component version, with the repositories they are in.
    fn findings_by_version(
        &mut self,
        id: &str,
        heading: &str,
        usages: &[FindingUsage],
        none: &str,
    ) {
        let _ = writeln!(
            self.out,
            "<section id=\"{id}\"><h2>{heading} ({})</h2>",
            usages.len()
        );
        if usages.is_empty() {
            let _ = writeln!(self.out, "<p>{none}</p></section>");
            return;
        }
        self.table_start(
            &format!("{id}-table"),
            &[
                ("Component", false),
                ("Version", false),
                ("Rule", false),
                ("What", false),
                ("Repositories", true),
            ],
        );
        for usage in usages {
            let links: Vec<String> = usage.repos.iter().map(|n| self.link(n)).collect();
            let _ = writeln!(
                self.out,
                "<tr><td><b>{}</b> <small>{}</small></td><td>{}</td><td><code>{}</code></td>\
                 <td>{}</td><td class=\"n\" data-sort=\"{}\">{}: {}</td></tr>",
                escape(&usage.component.name),
                escape(usage.component.ecosystem.as_str()),
                escape(&usage.component.version),
                escape(usage.rule.as_str()),
                escape(&usage.message),
                usage.repos.len(),
                usage.repos.len(),
                links.join(", ")
            );
        }
        self.out.push_str("</tbody></table></section>\n");
    }

    fn exceptions(&mut self) {
        let exceptions = &self.report.expiring_exceptions;
        let _ = writeln!(
            self.out,
            "<section id=\"exceptions\"><h2>Exceptions expiring within {} days ({})</h2>",
            self.report.expiring_within_days,
            exceptions.len()
        );
        if exceptions.is_empty() {
            self.out.push_str("<p>None.</p></section>\n");
            return;
        }
        self.table_start(
            "exceptions-table",
            &[
                ("Exception", false),
                ("Expires", false),
                ("Days left", true),
                ("Approved by", false),
                ("Ticket", false),
                ("Waives findings in", false),
                ("Reason", false),
            ],
        );
        for e in exceptions {
            let links: Vec<String> = e.waives_in.iter().map(|n| self.link(n)).collect();
            let _ = writeln!(
                self.out,
                "<tr><td><code>{}</code> <small>{}</small></td><td>{}</td><td class=\"n\">{}</td>\
                 <td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&e.selector),
                escape(&e.origin.to_string()),
                escape(&e.expires),
                e.days_left,
                escape(e.approved_by.as_deref().unwrap_or("")),
                escape(e.ticket.as_deref().unwrap_or("")),
                links.join(", "),
                escape(&e.reason)
            );
        }
        self.out.push_str("</tbody></table></section>\n");
    }

    fn repos(&mut self) {
        let _ = writeln!(
            self.out,
            "<section id=\"repos\"><h2>Repositories ({})</h2>",
            self.report.repos.len()
        );
        self.table_start(
            "repos-table",
            &[
                ("Repository", false),
                ("Status", false),
                ("Inputs", true),
                ("Components", true),
                ("Errors", true),
                ("Warnings", true),
                ("Hold", true),
                ("Remove", true),
            ],
        );
        for repo in &self.report.repos {
            let s = &repo.summary;
            let _ = writeln!(
                self.out,
                "<tr><td>{}</td>{}<td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td></tr>",
                self.link(&repo.name),
                status_cell(repo.status),
                repo.inputs.len(),
                s.components,
                s.errors,
                s.warnings,
                s.by_ring.hold,
                s.by_ring.remove
            );
        }
        self.out.push_str("</tbody></table>");
        if !self.report.skipped.is_empty() {
            let _ = write!(
                self.out,
                "<details><summary>Not scanned: {}</summary><ul>",
                count(self.report.skipped.len(), "repository", "repositories")
            );
            for skipped in &self.report.skipped {
                let _ = write!(
                    self.out,
                    "<li>{} ({})</li>",
                    escape(&skipped.name),
                    escape(&skipped.why)
                );
            }
            self.out.push_str("</ul></details>");
        }
        self.out.push_str("</section>\n");
    }

    /// Each repository's inputs, notes and findings.
    fn details(&mut self) {
        self.out
            .push_str("<section id=\"details\"><h2>Findings per repository</h2>\n");
        for repo in &self.report.repos {
            let anchor = self.anchors.get(repo.name.as_str()).copied().unwrap_or(0);
            let _ = write!(
                self.out,
                "<details id=\"repo-{anchor}\"><summary>{} — {}{}</summary>",
                escape(&repo.name),
                match repo.status {
                    Status::Ok => "ok",
                    Status::Failed => "failed",
                },
                if repo.findings.is_empty() {
                    String::new()
                } else {
                    format!(", {}", count(repo.findings.len(), "finding", "findings"))
                }
            );
            if let Some(reason) = &repo.reason {
                let _ = write!(self.out, "<p class=\"failed\">{}</p>", escape(reason));
            }
            let branch = repo.default_branch.as_deref().unwrap_or("none");
            let inputs: Vec<String> = repo
                .inputs
                .iter()
                .map(|i| format!("<code>{}</code> ({})", escape(&i.path), escape(&i.format)))
                .collect();
            let _ = write!(
                self.out,
                "<p>Branch <code>{}</code>; inputs: {}.</p>",
                escape(branch),
                if inputs.is_empty() {
                    "none".to_owned()
                } else {
                    inputs.join(", ")
                }
            );
            if !repo.notes.is_empty() {
                self.out.push_str("<ul>");
                for note in &repo.notes {
                    let line = note.line.map(|l| format!(":{l}")).unwrap_or_default();
                    let _ = write!(
                        self.out,
                        "<li><code>{}{line}</code>: {}</li>",
                        escape(&note.file),
                        escape(&note.message)
                    );
                }
                self.out.push_str("</ul>");
            }
            if !repo.findings.is_empty() {
                self.findings(&repo.findings);
            }
            self.out.push_str("</details>\n");
        }
        self.out.push_str("</section>\n");
    }

    fn findings(&mut self, findings: &[Finding]) {
        self.out.push_str(
            "<table><thead><tr><th>Severity</th><th>Component</th><th>Ring</th><th>Rule</th>\
             <th>Message</th><th>Location</th></tr></thead><tbody>",
        );
        for finding in findings {
            let component = finding
                .component
                .as_ref()
                .map(|c| format!("<b>{}</b> {}", escape(&c.name), escape(&c.version)))
                .unwrap_or_default();
            let mut message = escape(&finding.message);
            if let Some(reason) = &finding.reason {
                let _ = write!(message, "<br><small>reason: {}</small>", escape(reason));
            }
            if !finding.use_instead.is_empty() {
                let _ = write!(
                    message,
                    "<br><small>use instead: {}</small>",
                    escape(&finding.use_instead.join(", "))
                );
            }
            if let Some(waiver) = &finding.waiver {
                let _ = write!(
                    message,
                    "<br><small>waived until {}: {}</small>",
                    escape(&waiver.expires),
                    escape(&waiver.reason)
                );
            }
            let severity = match (finding.waiver.is_some(), finding.severity) {
                (true, _) => "waived",
                (false, Severity::Error) => "error",
                (false, Severity::Warning) => "warning",
                (false, Severity::Note) => "note",
            };
            let location = finding
                .location
                .as_ref()
                .map(|l| escape(&l.to_string()))
                .unwrap_or_default();
            let _ = write!(
                self.out,
                "<tr><td>{severity}</td><td>{component}</td>{}<td>{}</td><td>{message}</td>\
                 <td><code>{location}</code></td></tr>",
                ring_cell(finding.ring),
                finding.rule
            );
        }
        self.out.push_str("</tbody></table>");
    }

    /// A filter box and the head of a sortable table; `numeric` columns sort as numbers.
    fn table_start(&mut self, id: &str, columns: &[(&str, bool)]) {
        let _ = write!(
            self.out,
            "<input class=\"filter\" type=\"search\" placeholder=\"Filter rows\" \
             aria-label=\"Filter rows\" data-filter=\"{id}\">\
             <table id=\"{id}\" class=\"sortable\"><thead><tr>"
        );
        for (name, numeric) in columns {
            let attributes = if *numeric {
                " data-type=\"number\" class=\"n\""
            } else {
                ""
            };
            let _ = write!(self.out, "<th{attributes}>{}</th>", escape(name));
        }
        self.out.push_str("</tr></thead><tbody>\n");
    }

    /// A repository's name, linked to its findings when it has a section.
    fn link(&self, name: &str) -> String {
        match self.anchors.get(name) {
            Some(anchor) => format!("<a href=\"#repo-{anchor}\">{}</a>", escape(name)),
            None => escape(name),
        }
    }
}

fn ring_cell(ring: Option<Ring>) -> String {
    match ring {
        Some(ring) => format!("<td class=\"ring-{ring}\">{ring}</td>"),
        None => "<td>not evaluated</td>".to_owned(),
    }
}

fn status_cell(status: Status) -> &'static str {
    match status {
        Status::Ok => "<td>ok</td>",
        Status::Failed => "<td class=\"failed\">failed</td>",
    }
}

fn color(ring: Ring) -> &'static str {
    match ring {
        Ring::Adopt => "#1a7f37",
        Ring::Trial => "#0969da",
        Ring::Assess => "#bf8700",
        Ring::Hold => "#bc4c00",
        Ring::Remove => "#cf222e",
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn untrusted_text_cannot_become_markup() {
        let evil = "<img src=x onerror=alert(1)>\"'&\u{0}\u{202E}";
        assert_eq!(
            escape(evil),
            "&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;\\u{0}\\u{202e}"
        );
    }
}
