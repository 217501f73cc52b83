//! `depgov scan-org` and `depgov merge` (docs/org-scan.md): every repository of a GitHub
//! organisation against one policy, without cloning anything, scaled out over GitHub Actions'
//! matrix.
//!
//! - [`scan`]: listing, per-repository trees and blobs, inventory and evaluation.
//! - [`select`]: which repositories (archived, forks, name globs, topics).
//! - [`shard`]: `--shard I/N`.
//! - [`merge`]: the shards' outputs into one report.
//! - [`progress`]: progress on standard error.
//!
//! All GitHub requests go through [`crate::github`]; the report and its formats are
//! [`crate::report::org`].

pub mod merge;
pub mod progress;
pub mod scan;
pub mod select;
pub mod shard;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Args;

use crate::error::{Error, exit};
use crate::policy::Policy;
use crate::report::org::{OrgReport, Selection, Shard, json};
use crate::util::paths::display_path;

/// `depgov scan-org`'s arguments.
#[derive(Debug, Args)]
pub struct ScanOrgArgs {
    /// The organisation (or user) whose repositories to scan.
    org: String,
    /// The policy file (default: the embedded default policy).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Scan the repositories named in FILE, one NAME or OWNER/NAME a line, instead of listing
    /// the organisation's.
    #[arg(long, value_name = "FILE")]
    repos: Option<PathBuf>,
    /// Scan archived repositories too.
    #[arg(long)]
    include_archived: bool,
    /// Scan forks too.
    #[arg(long)]
    include_forks: bool,
    /// Only repositories whose name matches one of these globs (repeatable; a glob with a `/`
    /// is matched against OWNER/NAME).
    #[arg(long, value_name = "GLOB")]
    include: Vec<String>,
    /// Not repositories whose name matches one of these globs (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Only repositories with one of these topics (repeatable).
    #[arg(long, value_name = "TOPIC")]
    topic: Vec<String>,
    /// Scan only shard I of N (1-based), chosen by a stable hash of each repository's name;
    /// `depgov merge` combines the shards' outputs.
    #[arg(long, value_name = "I/N", value_parser = shard::parse)]
    shard: Option<Shard>,
    /// Where to write report.json, report.md and index.html (a shard writes report.json only).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Keep ETags and blobs in DIR: a repository whose tree did not change then costs one 304
    /// and no download.
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Repositories scanned at a time, each with at most one request in flight (1 to 100).
    #[arg(long, value_name = "N", default_value_t = 8)]
    concurrency: usize,
    /// Start at most N requests a minute (GitHub's secondary limit is 900); 0 for no cap.
    #[arg(long, value_name = "N", default_value_t = 900)]
    requests_per_minute: u32,
    /// The REST API root (default: GITHUB_API_URL, else https://api.github.com); for GitHub
    /// Enterprise Server, https://HOST/api/v3.
    #[arg(long, value_name = "URL")]
    api_url: Option<String>,
    /// The report.json of an earlier scan: the report shows which hold and remove usages are
    /// new or gone since.
    #[arg(long, value_name = "FILE", conflicts_with = "shard")]
    previous: Option<PathBuf>,
}

/// `depgov merge`'s arguments.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The directories the shards wrote (`scan-org --shard I/N --out DIR`).
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    /// Where to write report.json, report.md and index.html.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The report.json of an earlier scan: the report shows which hold and remove usages are
    /// new or gone since.
    #[arg(long, value_name = "FILE")]
    previous: Option<PathBuf>,
}

/// Runs `depgov scan-org` with `policy`, judging expiry against `today`.
pub fn scan_org(args: ScanOrgArgs, policy: &Policy, today: NaiveDate) -> Result<i32, Error> {
    let previous = args.previous.as_deref().map(read_previous).transpose()?;
    let options = scan::Options {
        org: args.org,
        repos_file: args.repos.clone(),
        selection: Selection {
            repos_file: args.repos.as_deref().map(display_path),
            include_archived: args.include_archived,
            include_forks: args.include_forks,
            include: args.include,
            exclude: args.exclude,
            topics: args.topic,
            listed: 0,
        },
        shard: args.shard,
        concurrency: args.concurrency,
        requests_per_minute: Some(args.requests_per_minute).filter(|n| *n > 0),
        cache: args.cache,
        api_url: args.api_url,
        today,
    };
    let report = scan::run(&options, policy)?;
    publish(report, previous.as_ref(), &args.out)?;
    Ok(exit::OK)
}

/// Runs `depgov merge`.
pub fn merge_shards(args: MergeArgs) -> Result<i32, Error> {
    let previous = args.previous.as_deref().map(read_previous).transpose()?;
    let report = merge::merge(&args.dirs)?;
    publish(report, previous.as_ref(), &args.out)?;
    Ok(exit::OK)
}

/// Reads the `--previous` report, before any work, so that a wrong path fails at once.
fn read_previous(path: &Path) -> Result<OrgReport, Error> {
    json::read(path, &display_path(path))
}

/// Compares `report` with `previous` (when given), writes it into `out` — only `report.json`
/// for a shard, which `merge` reads — and says on standard error what it holds.
fn publish(mut report: OrgReport, previous: Option<&OrgReport>, out: &Path) -> Result<(), Error> {
    if let Some(previous) = previous {
        report.compare_with(previous);
    }
    report.write_dir(out, report.shard.is_some())?;
    let totals = &report.totals;
    let shard = report
        .shard
        .map(|shard| format!(" (shard {shard})"))
        .unwrap_or_default();
    let requests = &totals.requests;
    let per_repo = (requests.sent - requests.listing) as f64 / totals.repos.max(1) as f64;
    eprintln!(
        "depgov: {} repositories of {}{shard}: {} ok, {} failed, {} skipped; {} hold and {} \
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
    );
    if totals.failed > 0 {
        eprintln!(
            "warning: {} repositor{} could not be scanned completely; the report lists each \
             with the reason",
            totals.failed,
            if totals.failed == 1 { "y" } else { "ies" }
        );
    }
    Ok(())
}
