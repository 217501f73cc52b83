//! `depgov merge DIR...`: the outputs of the shards of one scan (`scan-org --shard I/N`), into
//! one report. It fails, naming the directories, when a directory holds no shard output, when
//! the shards are not of one scan (organisation, shard count, policy, selection), when a shard
//! is missing or given twice, and when two shards hold the same repository: a report that
//! looks complete must be.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::error::Error;
use crate::report::org::{Builder, Header, OrgReport, Shard, json};
use crate::util::paths::display_path;

/// Reads `DIR/report.json` of every directory and merges them.
pub fn merge(dirs: &[PathBuf]) -> Result<OrgReport, Error> {
    let mut shards: Vec<(String, Shard, OrgReport)> = Vec::new();
    for dir in dirs {
        let path = dir.join("report.json");
        let file = display_path(&path);
        let report = json::read(&path, &file)?;
        let Some(shard) = report.shard else {
            return Err(Error::Usage(format!(
                "{file} is not a shard's output: merge combines what `depgov scan-org --shard \
                 I/N` wrote"
            )));
        };
        shards.push((file, shard, report));
    }
    let Some((first_file, first_shard, first)) = shards.first() else {
        return Err(Error::Usage(
            "merge needs the directories of the shards".to_owned(),
        ));
    };
    let count = first_shard.count;
    for (file, shard, report) in &shards[1..] {
        let differs = if report.org != first.org {
            Some(format!("organisation {} vs {}", report.org, first.org))
        } else if shard.count != count {
            Some(format!("shard {shard} vs {first_shard}"))
        } else if report.policy != first.policy {
            Some(format!(
                "policy {} ({}) vs {} ({})",
                report.policy.name, report.policy.source, first.policy.name, first.policy.source
            ))
        } else if !same_selection(report, first) {
            Some("repository filters (--include, --exclude, --topic, --repos, …)".to_owned())
        } else {
            None
        };
        if let Some(what) = differs {
            return Err(Error::Usage(format!(
                "{file} and {first_file} are not shards of one scan: {what}"
            )));
        }
    }
    let mut by_index: BTreeMap<u32, &str> = BTreeMap::new();
    for (file, shard, _) in &shards {
        if let Some(other) = by_index.insert(shard.index, file) {
            return Err(Error::Usage(format!(
                "shards overlap: {other} and {file} are both shard {shard}"
            )));
        }
    }
    let missing: Vec<String> = (1..=count)
        .filter(|index| !by_index.contains_key(index))
        .map(|index| format!("{index}/{count}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "shard{} {} {} missing: merge needs the output of all {count} shards",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
        )));
    }
    let mut owner: BTreeMap<String, &str> = BTreeMap::new();
    for (file, _, report) in &shards {
        let names = report.repos.iter().map(|r| &r.name);
        for name in names.chain(report.skipped.iter().map(|s| &s.name)) {
            if let Some(other) = owner.insert(name.to_ascii_lowercase(), file) {
                return Err(Error::Usage(format!(
                    "shards overlap: {name} is in both {other} and {file}"
                )));
            }
        }
    }
    let listed: Vec<usize> = shards.iter().map(|(_, _, r)| r.selection.listed).collect();
    if listed.iter().any(|n| *n != listed[0]) || owner.len() != listed[0] {
        crate::messages::warning(format!(
            "the shards listed different repositories ({} vs {} in all): repositories \
             were created, renamed or deleted while the shards ran",
            listed
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            owner.len()
        ));
    }
    let header = Header {
        org: first.org.clone(),
        date: first.date.clone(),
        policy: first.policy.clone(),
        expiring_within_days: first.expiring_within_days,
        selection: first.selection.clone(),
        shard: None,
    };
    let mut builder = Builder::new(header, Vec::new());
    for (_, _, report) in shards {
        builder.absorb(report);
    }
    builder.set_merged(count);
    Ok(builder.finish())
}

fn same_selection(a: &OrgReport, b: &OrgReport) -> bool {
    let strip = |report: &OrgReport| {
        let mut selection = report.selection.clone();
        selection.listed = 0;
        selection
    };
    strip(a) == strip(b)
}
