//! `depgov scan-org` and `depgov merge`: the organisation report, scanned or merged from
//! shards, then compared with `--previous` and written out.

use super::today;
use crate::cli::{MergeArgs, ScanOrgArgs};
use crate::error::{Error, exit};
use crate::facts;
use crate::github::policies::PolicyFetcher;
use crate::org::{self, scan};
use crate::policy;
use crate::report::org::Selection;
use crate::util::paths::display_path;

pub fn scan(args: ScanOrgArgs) -> Result<i32, Error> {
    let today = today()?;
    let policy = match &args.policy {
        Some(path) => {
            let fetcher = PolicyFetcher::new(false, args.cache.as_deref());
            policy::load_file(path, &display_path(path), Some(&fetcher))?
        }
        None => policy::embedded(),
    };
    let previous = args
        .previous
        .as_deref()
        .map(org::read_previous)
        .transpose()?;
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
    // Nothing is checked out: no installed tree to read; the cache is the scan's.
    let config = facts::config::Config::new(&policy, false, options.cache.as_deref(), None, None)?;
    let facts = facts::Stage::new(config);
    let report = scan::run(&options, &policy, &facts)?;
    org::publish(report, previous.as_ref(), args.group_by, &args.out)?;
    Ok(exit::OK)
}

pub fn merge(args: MergeArgs) -> Result<i32, Error> {
    let previous = args
        .previous
        .as_deref()
        .map(org::read_previous)
        .transpose()?;
    let report = org::merge::merge(&args.dirs)?;
    org::publish(report, previous.as_ref(), args.group_by, &args.out)?;
    Ok(exit::OK)
}
