//! The organisation report as one HTML page (`index.html`).

use super::OrgReport;

pub fn render(report: &OrgReport) -> String {
    format!("<p>{}</p>", report.org)
}
