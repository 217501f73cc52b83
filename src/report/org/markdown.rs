//! The organisation report as Markdown (`report.md`).

use super::OrgReport;

pub fn render(report: &OrgReport) -> String {
    format!("# {}\n", report.org)
}
