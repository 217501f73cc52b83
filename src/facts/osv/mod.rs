//! Known vulnerabilities and malicious packages, from OSV: an offline OSV database when one is
//! given (`--osv-db`, or the one `depgov facts fetch --osv` downloaded into the cache), else
//! the OSV API ([`api`]); both matched with each ecosystem's version order ([`matching`]).
//! Records that alias each other (a CVE and its GHSA) become one advisory; a withdrawn record
//! affects nothing.

pub mod api;
pub mod database;
pub mod download;
pub mod index;
pub mod matching;
pub mod record;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Mutex;

use futures_util::StreamExt;

use super::cache::{Cache, Freshness, now};
use super::config::Config;
use super::known::{Answer, Known, fetched, local};
use super::remote::Usage;
use crate::model::Ecosystem;
use crate::model::facts::{Advisories, Advisory, Endpoint, FactSource, Level, SourceKind};
use database::Database;
use record::Record;

/// Records are fetched this many at a time.
const CONCURRENCY: usize = 16;

/// A package version asked about.
#[derive(Clone, Debug)]
pub struct Wanted {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: String,
}

/// What OSV says of each of `wanted`, in order: `None` where it was not consulted (offline
/// without a database or a cached answer, unreachable, the policy leaves OSV out).
pub fn ask(
    config: &Config,
    cache: &Cache,
    database: Option<(&Database, &str)>,
    wanted: &[Wanted],
    usage: &Mutex<BTreeMap<FactSource, Usage>>,
) -> Vec<Option<Answer>> {
    if let Some((database, shown)) = database {
        let note = |update: &mut dyn FnMut(&mut Usage)| {
            if let Ok(mut usage) = usage.lock() {
                update(usage.entry(FactSource::OsvDatabase).or_default());
            }
        };
        // Reading the records (inflating and parsing them) on every core.
        return crate::util::parallel::map(wanted, |w| {
            let candidates = match database.records_for(w.ecosystem, &w.name) {
                Ok(candidates) => candidates,
                Err(why) => {
                    note(&mut |u| {
                        u.failure.get_or_insert_with(|| why.clone());
                    });
                    return None;
                }
            };
            let records: Vec<&Record> = candidates
                .iter()
                .map(|r| r.as_ref())
                .filter(|r| matching::affects(r, w.ecosystem, &w.name, &w.version))
                .collect();
            note(&mut |u| u.answered += 1);
            Some(answer(
                &records,
                w,
                local(FactSource::OsvDatabase, Some(shown.to_owned())),
            ))
        });
    }
    if !config.allows(SourceKind::Osv) {
        return vec![None; wanted.len()];
    }
    Online {
        config,
        cache,
        usage,
    }
    .ask(wanted)
}

/// The OSV API, with the cache.
struct Online<'a> {
    config: &'a Config,
    cache: &'a Cache,
    usage: &'a Mutex<BTreeMap<FactSource, Usage>>,
}

impl Online<'_> {
    fn note(&self, update: impl FnOnce(&mut Usage)) {
        if let Ok(mut usage) = self.usage.lock() {
            update(usage.entry(FactSource::Osv).or_default());
        }
    }

    fn ask(&self, wanted: &[Wanted]) -> Vec<Option<Answer>> {
        // Which records affect each version: from the cache while fresh, else asked.
        let mut listed: Vec<Option<(Vec<api::Listed>, String)>> = vec![None; wanted.len()];
        let mut to_query = Vec::new();
        for (index, w) in wanted.iter().enumerate() {
            let entry = self
                .cache
                .get_as::<Vec<api::Listed>>(FactSource::Osv, &query_key(w))
                .filter(|entry| {
                    self.config.offline
                        || entry.freshness(self.config.license_max_age, self.config.flags_max_age)
                            == Freshness::Fresh
                });
            match entry {
                Some(entry) => {
                    self.note(|u| u.from_cache += 1);
                    listed[index] = Some((entry.known, entry.fetched));
                }
                None if self.config.offline => {}
                None => to_query.push(index),
            }
        }
        // Offline, nothing is asked: no network client is started (which reads the system's
        // certificates).
        let network = if self.config.offline {
            None
        } else {
            let (Ok(runtime), Ok(http)) = (crate::net::runtime(), self.config.http()) else {
                self.note(|u| {
                    u.failure
                        .get_or_insert("cannot start the network client".to_owned());
                });
                return self.answers(wanted, &listed);
            };
            Some((runtime, http))
        };
        let base = self.config.url(Endpoint::Osv).to_owned();
        if let (Some((runtime, http)), false) = (&network, to_query.is_empty()) {
            let queries: Vec<api::Query> = to_query
                .iter()
                .map(|&i| api::Query {
                    package: api::QueryPackage {
                        ecosystem: matching::osv_ecosystem(wanted[i].ecosystem).to_owned(),
                        name: wanted[i].name.clone(),
                    },
                    version: wanted[i].version.clone(),
                    page_token: None,
                })
                .collect();
            match runtime.block_on(api::query(http, &base, &queries)) {
                Ok(results) => {
                    let fetched_at = now();
                    for (&index, result) in to_query.iter().zip(results) {
                        self.cache
                            .put_as(FactSource::Osv, &query_key(&wanted[index]), &result);
                        listed[index] = Some((result, fetched_at.clone()));
                    }
                }
                Err(failure) => self.note(|u| {
                    u.failure.get_or_insert(failure.message);
                }),
            }
        }
        // Every record listed, from the cache when it holds the listed modification.
        let ids: BTreeMap<String, Option<String>> = listed
            .iter()
            .flatten()
            .flat_map(|(records, _)| records)
            .map(|l| (l.id.clone(), l.modified.clone()))
            .collect();
        let mut records: HashMap<String, Record> = HashMap::new();
        let mut to_fetch = Vec::new();
        for (id, modified) in &ids {
            let cached = self
                .cache
                .get_as::<Record>(FactSource::Osv, &record_key(id))
                .filter(|entry| {
                    self.config.offline || modified.is_none() || entry.known.modified == *modified
                });
            match cached {
                Some(entry) => {
                    records.insert(id.clone(), entry.known);
                }
                None if self.config.offline => {}
                None => to_fetch.push(id.clone()),
            }
        }
        if let (Some((runtime, http)), false) = (&network, to_fetch.is_empty()) {
            let fetched: Vec<(String, Result<Record, crate::net::retry::Failure>)> = runtime
                .block_on(
                    futures_util::stream::iter(to_fetch)
                        .map(|id| {
                            let base = base.as_str();
                            async move {
                                let record = api::record(http, base, &id).await;
                                (id, record)
                            }
                        })
                        .buffer_unordered(CONCURRENCY)
                        .collect(),
                );
            for (id, result) in fetched {
                match result {
                    Ok(record) => {
                        self.cache
                            .put_as(FactSource::Osv, &record_key(&id), &record);
                        records.insert(id, record);
                    }
                    Err(failure) => self.note(|u| {
                        u.failure.get_or_insert(failure.message);
                    }),
                }
            }
        }
        let requests = network.as_ref().map_or(0, |(_, http)| http.sent());
        if requests > 0 {
            self.note(|u| u.requests += requests);
        }
        // A version whose records could not all be read has no answer: a partial list
        // would look complete.
        let complete: Vec<Option<(Vec<api::Listed>, String)>> = listed
            .into_iter()
            .map(|found| found.filter(|(ids, _)| ids.iter().all(|l| records.contains_key(&l.id))))
            .collect();
        wanted
            .iter()
            .zip(complete)
            .map(|(w, found)| {
                let (ids, fetched_at) = found?;
                let affecting: Vec<&Record> =
                    ids.iter().filter_map(|l| records.get(&l.id)).collect();
                self.note(|u| u.answered += 1);
                Some(answer(&affecting, w, fetched(FactSource::Osv, fetched_at)))
            })
            .collect()
    }

    /// Answers from what the cache alone held (the network client could not start).
    fn answers(
        &self,
        wanted: &[Wanted],
        listed: &[Option<(Vec<api::Listed>, String)>],
    ) -> Vec<Option<Answer>> {
        wanted
            .iter()
            .zip(listed)
            .map(|(w, found)| {
                let (ids, fetched_at) = found.as_ref()?;
                let records: Vec<Record> = ids
                    .iter()
                    .map(|l| {
                        self.cache
                            .get_as::<Record>(FactSource::Osv, &record_key(&l.id))
                            .map(|e| e.known)
                    })
                    .collect::<Option<_>>()?;
                let refs: Vec<&Record> = records.iter().collect();
                Some(answer(
                    &refs,
                    w,
                    fetched(FactSource::Osv, fetched_at.clone()),
                ))
            })
            .collect()
    }
}

fn query_key(wanted: &Wanted) -> String {
    format!(
        "query:{}/{}@{}",
        wanted.ecosystem, wanted.name, wanted.version
    )
}

fn record_key(id: &str) -> String {
    format!("record:{id}")
}

/// The answer for one version: the advisories of the records affecting it.
fn answer(records: &[&Record], wanted: &Wanted, origin: crate::model::facts::Origin) -> Answer {
    Answer {
        known: Known {
            advisories: Some(advisories(records, wanted)),
            ..Known::default()
        },
        origin,
    }
}

/// The advisories of `records` (those affecting `wanted`): withdrawn ones left out, aliases
/// merged into one advisory each.
pub fn advisories(records: &[&Record], wanted: &Wanted) -> Advisories {
    let live: Vec<&Record> = records
        .iter()
        .copied()
        .filter(|r| r.withdrawn.is_none())
        .collect();
    let groups = alias_groups(&live);
    let mut advisories: Vec<Advisory> = groups
        .into_iter()
        .map(|group| advisory(&group, wanted))
        .collect();
    advisories.sort_by(|a, b| b.level.cmp(&a.level).then_with(|| a.ids.cmp(&b.ids)));
    let fixed_by =
        matching::smallest_fixing(&live, wanted.ecosystem, &wanted.name, &wanted.version);
    Advisories {
        advisories,
        fixed_by,
    }
}

/// The records grouped so that records naming each other (by id or alias) are one group.
fn alias_groups<'a>(records: &[&'a Record]) -> Vec<Vec<&'a Record>> {
    let mut groups: Vec<(BTreeSet<String>, Vec<&'a Record>)> = Vec::new();
    for record in records {
        let names: BTreeSet<String> = std::iter::once(record.id.clone())
            .chain(record.aliases.iter().cloned())
            .map(|n| n.to_ascii_uppercase())
            .collect();
        let mut merged = (names, vec![*record]);
        let mut kept = Vec::new();
        for group in groups.drain(..) {
            if group.0.is_disjoint(&merged.0) {
                kept.push(group);
            } else {
                merged.0.extend(group.0);
                merged.1.extend(group.1);
            }
        }
        kept.push(merged);
        groups = kept;
    }
    groups.into_iter().map(|(_, records)| records).collect()
}

/// One advisory from the records of one alias group.
fn advisory(records: &[&Record], wanted: &Wanted) -> Advisory {
    let mut ids: Vec<String> = Vec::new();
    // The records' own ids first (GHSA, RUSTSEC…), then their aliases (CVE…).
    for id in records
        .iter()
        .map(|r| r.id.clone())
        .chain(records.iter().flat_map(|r| r.aliases.iter().cloned()))
    {
        if !ids.iter().any(|known| known.eq_ignore_ascii_case(&id)) {
            ids.push(id);
        }
    }
    let summary = records
        .iter()
        .filter_map(|r| r.summary.as_deref().or(r.details.as_deref()))
        .map(|s| crate::util::text::shorten(s.lines().next().unwrap_or(s).trim(), 300))
        .find(|s| !s.is_empty());
    let (score, vector) = records.iter().flat_map(|r| severities(r, wanted)).fold(
        (None, None),
        |best: (Option<f64>, Option<String>), (score, vector)| {
            if best.0.is_none_or(|b| score > b) {
                (Some(score), Some(vector))
            } else {
                best
            }
        },
    );
    let level = score.map(Level::of_score).unwrap_or_else(|| {
        records
            .iter()
            .filter_map(|r| database_level(r))
            .max()
            .unwrap_or(Level::Unknown)
    });
    let mut fixed: Vec<String> = records
        .iter()
        .flat_map(|r| matching::fixed_versions(r, wanted.ecosystem, &wanted.name))
        .collect();
    fixed.sort();
    fixed.dedup();
    let malicious = ids
        .iter()
        .any(|id| id.to_ascii_uppercase().starts_with("MAL-"));
    let unmaintained = records
        .iter()
        .any(|r| informational(r) == Some("unmaintained"));
    let mut links: Vec<String> = Vec::new();
    for reference in records.iter().flat_map(|r| &r.references) {
        let useful = matches!(
            reference.kind.as_str(),
            "ADVISORY" | "WEB" | "REPORT" | "FIX"
        );
        if useful && reference.url.starts_with("https://") && !links.contains(&reference.url) {
            links.push(reference.url.clone());
        }
    }
    links.truncate(5);
    Advisory {
        ids,
        summary,
        level,
        score,
        vector,
        fixed,
        malicious,
        unmaintained,
        links,
    }
}

/// The CVSS base scores of a record (and of its entry for this package), with their vectors.
fn severities(record: &Record, wanted: &Wanted) -> Vec<(f64, String)> {
    let ecosystem = matching::osv_ecosystem(wanted.ecosystem);
    record
        .severity
        .iter()
        .chain(
            record
                .affected
                .iter()
                .filter(|a| a.package.as_ref().is_some_and(|p| p.ecosystem == ecosystem))
                .flat_map(|a| &a.severity),
        )
        .filter(|s| s.kind.starts_with("CVSS"))
        .filter_map(|s| {
            let parsed: cvss::Cvss = s.score.parse().ok()?;
            Some((parsed.score(), s.score.clone()))
        })
        .collect()
}

/// The severity a record's database gives when it has no CVSS score (GitHub's `severity`:
/// CRITICAL, HIGH, MODERATE, LOW).
fn database_level(record: &Record) -> Option<Level> {
    let text = record
        .database_specific
        .as_ref()?
        .get("severity")?
        .as_str()?
        .to_ascii_uppercase();
    Some(match text.as_str() {
        "CRITICAL" => Level::Critical,
        "HIGH" => Level::High,
        "MODERATE" | "MEDIUM" => Level::Medium,
        "LOW" => Level::Low,
        _ => return None,
    })
}

/// RustSec's informational kind (`unmaintained`, `unsound`, `notice`), when the record is one.
fn informational(record: &Record) -> Option<&str> {
    record
        .affected
        .iter()
        .filter_map(|a| a.database_specific.as_ref()?.get("informational")?.as_str())
        .next()
}
