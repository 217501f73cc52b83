//! `depgov scan-org` and `depgov merge` (docs/org-scan.md): every repository of a GitHub
//! organisation against one policy, without cloning anything, scaled out over GitHub Actions'
//! matrix.
//!
//! - [`scan`]: listing, per-repository trees and blobs, inventory and evaluation.
//! - [`select`]: which repositories (archived, forks, name globs, topics).
//! - [`shard`]: `--shard I/N`.
//! - [`merge`]: the shards' outputs into one report.
//!
//! All GitHub requests go through [`crate::github`]; the report and its formats are
//! [`crate::report::org`].

pub mod merge;

pub mod scan;
pub mod select;
pub mod shard;

use std::path::Path;

use crate::error::Error;
use crate::messages;
use crate::report::org::{GroupBy, OrgReport, json};
use crate::util::paths::display_path;

/// Reads the `--previous` report, before any work, so that a wrong path fails at once.
pub fn read_previous(path: &Path) -> Result<OrgReport, Error> {
    json::read(path, &display_path(path))
}

/// Compares `report` with `previous` (when given), groups its repositories as `group_by` says,
/// writes it into `out` — only `report.json` for a shard, which `merge` reads — and says on
/// standard error what it holds.
pub fn publish(
    mut report: OrgReport,
    previous: Option<&OrgReport>,
    group_by: Option<GroupBy>,
    out: &Path,
) -> Result<(), Error> {
    if let Some(previous) = previous {
        report.compare_with(previous);
    }
    if let Some(by) = group_by {
        report.group(by);
    }
    report.write_dir(out, report.shard.is_some())?;
    let totals = &report.totals;
    let shard = report
        .shard
        .map(|shard| format!(" (shard {shard})"))
        .unwrap_or_default();
    let requests = &totals.requests;
    let per_repo = (requests.sent - requests.listing) as f64 / totals.repos.max(1) as f64;
    messages::info(format!(
        "{} repositories of {}{shard}: {} ok, {} failed, {} skipped; {} hold and {} \
         remove usages; {} requests ({per_repo:.1} a repository); report in {}",
        totals.repos,
        report.org,
        totals.ok,
        totals.failed,
        totals.skipped,
        totals.by_ring.hold,
        totals.by_ring.remove,
        requests.sent,
        display_path(out)
    ));
    if totals.failed > 0 {
        messages::warning(format!(
            "{} repositor{} could not be scanned completely; the report lists each \
             with the reason",
            totals.failed,
            if totals.failed == 1 { "y" } else { "ies" }
        ));
    }
    Ok(())
}
