//! The organisation report as JSON: `report.json`, the document itself; and read back, for
//! `depgov merge` (shard outputs) and `--previous`.

use std::path::Path;

use super::{ORG_REPORT_SCHEMA, OrgReport};
use crate::error::Error;

pub fn write(report: &OrgReport, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    crate::report::json::write(report, out)
}

/// Reads a `report.json` that `depgov scan-org` or `depgov merge` wrote; `file` names it in
/// errors.
pub fn read(path: &Path, file: &str) -> Result<OrgReport, Error> {
    crate::report::json::read_document(
        path,
        file,
        ORG_REPORT_SCHEMA,
        "give the report.json that depgov scan-org or depgov merge wrote",
        |report: &OrgReport| &report.schema,
    )
}
