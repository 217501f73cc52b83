//! The organisation report of `depgov scan-org` and `depgov merge`: one document (schema
//! `depgov.org-report/v1`, docs/org-scan.md) that every format renders — every repository
//! with its status and findings, each component's use across repositories with versions and
//! rings, exceptions expiring soon, totals, and what moved since a previous report.
//!
//! A report is put together by a [`Builder`], from scanned repositories
//! ([`Builder::add_repo`]) or from the reports of shards ([`Builder::absorb`]); either way
//! [`Builder::finish`] computes the totals and the order, so a merge of shards is the same
//! document as one scan of everything. Formats: [`json`] (also read back), [`markdown`],
//! [`html`].

pub mod html;
pub mod json;
pub mod markdown;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{ByRing, PolicyInfo, Summary, Tool};
use crate::error::Error;
use crate::inventory::{InputFile, InputNote};
use crate::model::codes::NoteCode;
use crate::model::{ComponentId, Ecosystem, Finding, Location, Ring, Rule};
use crate::policy::Policy;

pub const ORG_REPORT_SCHEMA: &str = "depgov.org-report/v1";

/// Reports written before `expiring_within_days` was recorded used 30 days.
fn default_warn_days() -> u32 {
    30
}

/// The organisation report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgReport {
    pub schema: String,
    pub tool: Tool,
    /// The organisation (or user) whose repositories were scanned.
    pub org: String,
    /// The day of the scan, `YYYY-MM-DD`; exception expiry is counted from it.
    pub date: String,
    pub policy: PolicyInfo,
    pub selection: Selection,
    /// In a shard's output: which shard it is. `None` for a whole scan and for a merge.
    pub shard: Option<Shard>,
    /// In a merge: how many shards it combines.
    pub merged_shards: Option<u32>,
    pub totals: Totals,
    /// Every scanned repository, by name.
    pub repos: Vec<RepoReport>,
    /// Repositories listed but not scanned, and why, by name.
    pub skipped: Vec<Skipped>,
    /// Every component in use, by ecosystem and name.
    pub components: Vec<ComponentUsage>,
    /// The policy's `expiry.warn-days`: exceptions expiring within it are listed.
    #[serde(default = "default_warn_days")]
    pub expiring_within_days: u32,
    /// Exceptions that expire within `expiring_within_days` days, or have expired; soonest
    /// first.
    pub expiring_exceptions: Vec<ExpiringException>,
    /// With `--previous`: what moved since that report.
    pub changes: Option<Changes>,
    /// Community health: deprecated, yanked, unmaintained and relicensed component versions,
    /// with the repositories using them; by rule, then component.
    #[serde(default)]
    pub health: Vec<FindingUsage>,
    /// Vulnerable and malicious component versions, with the repositories using them.
    #[serde(default)]
    pub vulnerabilities: Vec<FindingUsage>,
}

/// The rules the organisation report gathers into its community-health section.
pub const HEALTH_RULES: [Rule; 4] = [
    Rule::HealthDeprecated,
    Rule::HealthUnmaintained,
    Rule::HealthYanked,
    Rule::LicenseChanged,
];

/// One finding about one component version, and every repository it was found in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingUsage {
    pub rule: Rule,
    pub component: ComponentId,
    /// The message of the first repository's finding (they differ in path and location only).
    pub message: String,
    pub repos: Vec<String>,
}

/// Which repositories were asked for. Shards of one scan ask for the same.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// The `--repos` file, when the repositories were named rather than listed.
    pub repos_file: Option<String>,
    pub include_archived: bool,
    pub include_forks: bool,
    /// `--include` / `--exclude` globs over names, and `--topic`s.
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub topics: Vec<String>,
    /// Repositories the listing (or the file) held, before any filter or shard.
    pub listed: usize,
}

/// One shard of a scan: the repositories whose name hashes to `index` of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    pub count: u32,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Totals over the whole report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Scanned repositories, and of those scanned completely and not.
    pub repos: usize,
    pub ok: usize,
    pub failed: usize,
    /// Repositories scanned completely that hold no lockfile, manifest or SBOM depgov reads:
    /// no dependencies found (failures apart).
    pub without_inputs: usize,
    /// Repositories with an input read from a manifest without a lockfile: judged on their
    /// direct dependencies only.
    #[serde(default)]
    pub manifests_only: usize,
    pub skipped: usize,
    /// Distinct components (ecosystem and name).
    pub components: usize,
    /// Component versions in use, each counted once per repository.
    pub usages: usize,
    /// Usages outside the policy's scope (e.g. dev-only).
    pub not_evaluated: usize,
    /// Evaluated usages per ring.
    pub by_ring: ByRing,
    /// Findings over all repositories, by severity (waived ones apart).
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    pub waived: usize,
    pub requests: Requests,
}

/// GitHub API requests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requests {
    /// Every request sent, retries included.
    pub sent: u64,
    /// Requests answered 304 Not Modified (the cache was current).
    pub not_modified: u64,
    /// Blobs downloaded, and blobs read from the cache instead.
    pub blobs_downloaded: u64,
    pub blobs_cached: u64,
    /// Of `sent`, the requests listing the repositories (in a total; 0 per repository).
    pub listing: u64,
}

impl Requests {
    fn add(&mut self, other: &Requests) {
        self.sent += other.sent;
        self.not_modified += other.not_modified;
        self.blobs_downloaded += other.blobs_downloaded;
        self.blobs_cached += other.blobs_cached;
        self.listing += other.listing;
    }
}

/// Whether a repository was scanned completely.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    /// Not scanned, or not all of it: `reason` says what is missing. What could be read is
    /// still reported.
    Failed,
}

/// One scanned repository.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepoReport {
    /// `owner/name`.
    pub name: String,
    pub default_branch: Option<String>,
    pub status: Status,
    /// Why it failed; `None` when ok.
    pub reason: Option<String>,
    /// The lockfiles and SBOMs read.
    pub inputs: Vec<InputFile>,
    /// What was seen but not inventoried, and tree entries that were not read.
    pub notes: Vec<InputNote>,
    pub summary: Summary,
    /// Most severe first. Findings about exceptions themselves are reported once, in
    /// `expiring_exceptions`, not per repository.
    pub findings: Vec<Finding>,
    pub requests: Requests,
}

/// A listed repository that was not scanned.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Skipped {
    pub name: String,
    /// `archived`, `fork`, `excluded` (by `--include`/`--exclude`) or `topic`.
    pub why: String,
}

/// One component (ecosystem and name) across the organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentUsage {
    pub ecosystem: Ecosystem,
    pub name: String,
    /// The package URL without a version.
    pub purl: String,
    /// The worst ring of its evaluated uses; `None` when none was evaluated.
    pub ring: Option<Ring>,
    /// How many repositories use it.
    pub repos: usize,
    /// Each version and ring with the repositories using it, by version.
    pub versions: Vec<VersionUsage>,
}

/// A component version on one ring, and where it is used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionUsage {
    pub version: String,
    /// `None`: not evaluated (outside the policy's scope).
    pub ring: Option<Ring>,
    pub repos: Vec<String>,
}

/// A policy exception that expires soon.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiringException {
    /// What it covers, as a policy would write it: `pkg:npm/moment versions <3`.
    pub selector: String,
    /// The last day it is valid, `YYYY-MM-DD`.
    pub expires: String,
    /// Days from the report's date; negative once expired.
    pub days_left: i64,
    pub reason: String,
    pub approved_by: Option<String>,
    pub ticket: Option<String>,
    /// The `repos` globs it is scoped to; empty for every repository.
    pub scope: Vec<String>,
    /// Where it is written.
    pub origin: Location,
    /// The repositories where it waived findings.
    pub waives_in: Vec<String>,
}

/// What moved since a previous report: hold and remove usages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    /// The previous report's date.
    pub since: String,
    /// Usages on hold or remove now that the previous report did not have.
    pub new: Vec<Usage>,
    /// Usages on hold or remove then that are gone now.
    pub removed: Vec<Usage>,
    /// Repositories that failed in either report, whose usages were not compared.
    pub not_compared: Vec<String>,
}

/// A component version on a ring in one repository.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Usage {
    pub repo: String,
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: String,
    pub ring: Ring,
}

/// What the report is about, before any repository is added.
#[derive(Clone, Debug)]
pub struct Header {
    pub org: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub policy: PolicyInfo,
    /// The policy's `expiry.warn-days`.
    pub expiring_within_days: u32,
    pub selection: Selection,
    pub shard: Option<Shard>,
}

/// Puts a report together; see the module documentation.
#[derive(Debug)]
pub struct Builder {
    report: OrgReport,
    /// By versionless purl: the names seen, and repositories by version and ring.
    usage: BTreeMap<String, Uses>,
    exceptions: BTreeMap<(Location, String), ExpiringException>,
}

/// The uses of one component while the report is built.
#[derive(Debug)]
struct Uses {
    ecosystem: Ecosystem,
    name: String,
    versions: BTreeMap<(String, Option<Ring>), BTreeSet<String>>,
}

impl Builder {
    /// A report of nothing yet, with `exceptions` (from [`expiring`]) to list.
    pub fn new(header: Header, exceptions: Vec<ExpiringException>) -> Builder {
        let report = OrgReport {
            schema: ORG_REPORT_SCHEMA.to_owned(),
            tool: Tool::this(),
            org: header.org,
            date: header.date,
            policy: header.policy,
            selection: header.selection,
            shard: header.shard,
            merged_shards: None,
            totals: Totals::default(),
            repos: Vec::new(),
            skipped: Vec::new(),
            components: Vec::new(),
            expiring_within_days: header.expiring_within_days,
            expiring_exceptions: Vec::new(),
            changes: None,
            health: Vec::new(),
            vulnerabilities: Vec::new(),
        };
        let mut builder = Builder {
            report,
            usage: BTreeMap::new(),
            exceptions: BTreeMap::new(),
        };
        builder.add_exceptions(exceptions);
        builder
    }

    /// Adds a scanned repository and the components it uses, each with its ring (`None`: not
    /// evaluated).
    pub fn add_repo<'a>(
        &mut self,
        repo: RepoReport,
        uses: impl IntoIterator<Item = (&'a ComponentId, Option<Ring>)>,
    ) {
        for (id, ring) in uses {
            let purl = crate::model::purl::for_component(id.ecosystem, &id.name, "");
            self.add_use(
                purl,
                id.ecosystem,
                &id.name,
                id.version_or_requirement(),
                ring,
                &repo.name,
            );
        }
        for waiver in repo.findings.iter().filter_map(|f| f.waiver.as_ref()) {
            if let Some(exception) = self
                .exceptions
                .values_mut()
                .find(|e| e.origin == waiver.origin)
            {
                exception.waives_in.push(repo.name.clone());
            }
        }
        self.report.repos.push(repo);
    }

    pub fn add_skipped(&mut self, skipped: Skipped) {
        self.report.skipped.push(skipped);
    }

    /// Counts the requests that listed the repositories.
    pub fn add_listing_requests(&mut self, count: u64) {
        self.report.totals.requests.listing += count;
    }

    /// Adds everything another report (a shard's) holds.
    pub fn absorb(&mut self, other: OrgReport) {
        for component in other.components {
            for version in component.versions {
                for repo in &version.repos {
                    self.add_use(
                        component.purl.clone(),
                        component.ecosystem,
                        &component.name,
                        &version.version,
                        version.ring,
                        repo,
                    );
                }
            }
        }
        self.add_exceptions(other.expiring_exceptions);
        self.add_listing_requests(other.totals.requests.listing);
        self.report.repos.extend(other.repos);
        self.report.skipped.extend(other.skipped);
        self.report.date = self.report.date.clone().max(other.date);
    }

    /// Records that the report combines `count` shards.
    pub fn set_merged(&mut self, count: u32) {
        self.report.shard = None;
        self.report.merged_shards = Some(count);
    }

    fn add_exceptions(&mut self, exceptions: Vec<ExpiringException>) {
        for exception in exceptions {
            let key = (exception.origin.clone(), exception.selector.clone());
            match self.exceptions.get_mut(&key) {
                Some(known) => known.waives_in.extend(exception.waives_in),
                None => {
                    self.exceptions.insert(key, exception);
                }
            }
        }
    }

    fn add_use(
        &mut self,
        purl: String,
        ecosystem: Ecosystem,
        name: &str,
        version: &str,
        ring: Option<Ring>,
        repo: &str,
    ) {
        let usage = self.usage.entry(purl).or_insert_with(|| Uses {
            ecosystem,
            name: name.to_owned(),
            versions: BTreeMap::new(),
        });
        // Spellings that normalize alike (PyPI's case): the same one whatever the order.
        if name < usage.name.as_str() {
            usage.name = name.to_owned();
        }
        usage
            .versions
            .entry((version.to_owned(), ring))
            .or_default()
            .insert(repo.to_owned());
    }

    /// The report, with totals computed and everything in order.
    pub fn finish(self) -> OrgReport {
        let Builder {
            mut report,
            usage,
            exceptions,
        } = self;
        report.repos.sort_by(|a, b| a.name.cmp(&b.name));
        report.skipped.sort();
        report.skipped.dedup();
        let mut totals = Totals {
            repos: report.repos.len(),
            skipped: report.skipped.len(),
            components: usage.len(),
            requests: Requests {
                listing: report.totals.requests.listing,
                sent: report.totals.requests.listing,
                ..Requests::default()
            },
            ..Totals::default()
        };
        for repo in &report.repos {
            match repo.status {
                Status::Ok => totals.ok += 1,
                Status::Failed => totals.failed += 1,
            }
            if repo.status == Status::Ok && repo.inputs.is_empty() {
                totals.without_inputs += 1;
            }
            if repo.notes.iter().any(|n| n.code == NoteCode::ManifestOnly) {
                totals.manifests_only += 1;
            }
            totals.errors += repo.summary.errors;
            totals.warnings += repo.summary.warnings;
            totals.notes += repo.summary.notes;
            totals.waived += repo.summary.waived;
            totals.requests.add(&repo.requests);
        }
        report.components = usage
            .into_iter()
            .map(|(purl, usage)| {
                let mut repos = BTreeSet::new();
                let versions: Vec<VersionUsage> = usage
                    .versions
                    .into_iter()
                    .map(|((version, ring), users)| {
                        for _ in &users {
                            match ring {
                                Some(ring) => totals.by_ring.count(ring),
                                None => totals.not_evaluated += 1,
                            }
                        }
                        totals.usages += users.len();
                        repos.extend(users.iter().cloned());
                        VersionUsage {
                            version,
                            ring,
                            repos: users.into_iter().collect(),
                        }
                    })
                    .collect();
                ComponentUsage {
                    ecosystem: usage.ecosystem,
                    name: usage.name,
                    purl,
                    ring: versions.iter().filter_map(|v| v.ring).max(),
                    repos: repos.len(),
                    versions,
                }
            })
            .collect();
        report
            .components
            .sort_by(|a, b| (a.ecosystem, &a.name, &a.purl).cmp(&(b.ecosystem, &b.name, &b.purl)));
        report.expiring_exceptions = exceptions
            .into_values()
            .map(|mut exception| {
                exception.waives_in.sort();
                exception.waives_in.dedup();
                exception
            })
            .collect();
        report.expiring_exceptions.sort_by(|a, b| {
            (a.days_left, &a.origin, &a.selector).cmp(&(b.days_left, &b.origin, &b.selector))
        });
        report.health = gather(&report.repos, &HEALTH_RULES);
        report.vulnerabilities = gather(&report.repos, &[Rule::Malicious, Rule::Vulnerability]);
        report.totals = totals;
        report
    }
}

/// The policy's exceptions that expire within its `expiry.warn-days` of `today`, or
/// have expired.
pub fn expiring(policy: &Policy, today: NaiveDate) -> Vec<ExpiringException> {
    policy
        .exceptions
        .iter()
        .filter_map(|exception| {
            let days_left = (exception.expires - today).num_days();
            (days_left <= i64::from(policy.warn_days)).then(|| ExpiringException {
                selector: exception.subject(),
                expires: exception.expires.to_string(),
                days_left,
                reason: exception.reason.clone(),
                approved_by: exception.approved_by.clone(),
                ticket: exception.ticket.clone(),
                scope: exception.repos.clone(),
                origin: exception.origin.clone(),
                waives_in: Vec::new(),
            })
        })
        .collect()
}

/// The findings of `rules` across repositories, one entry per rule and component version.
fn gather(repos: &[RepoReport], rules: &[Rule]) -> Vec<FindingUsage> {
    let mut found: BTreeMap<(Rule, ComponentId), FindingUsage> = BTreeMap::new();
    for repo in repos {
        for finding in repo.findings.iter().filter(|f| rules.contains(&f.rule)) {
            let Some(component) = &finding.component else {
                continue;
            };
            let usage = found
                .entry((finding.rule, component.clone()))
                .or_insert_with(|| FindingUsage {
                    rule: finding.rule,
                    component: component.clone(),
                    message: finding.message.clone(),
                    repos: Vec::new(),
                });
            if !usage.repos.contains(&repo.name) {
                usage.repos.push(repo.name.clone());
            }
        }
    }
    found.into_values().collect()
}

impl ComponentUsage {
    /// The repositories using a version of it on hold or remove, by name.
    pub fn held_in(&self) -> Vec<String> {
        let repos: BTreeSet<&String> = self
            .versions
            .iter()
            .filter(|v| v.ring >= Some(Ring::Hold))
            .flat_map(|v| &v.repos)
            .collect();
        repos.into_iter().cloned().collect()
    }
}

impl OrgReport {
    /// What part of a scan the report covers, for its heading: ` · shard 3/16`,
    /// ` · merged from 16 shards`, or nothing for a whole scan.
    pub fn coverage(&self) -> String {
        match (self.shard, self.merged_shards) {
            (Some(shard), _) => format!(" · shard {shard}"),
            (None, Some(count)) => format!(" · merged from {count} shards"),
            (None, None) => String::new(),
        }
    }

    /// Components with a use on hold or remove: remove first, then the most used.
    pub fn held_components(&self) -> impl Iterator<Item = &ComponentUsage> {
        let mut held: Vec<(&ComponentUsage, usize)> = self
            .components
            .iter()
            .filter(|c| c.ring >= Some(Ring::Hold))
            .map(|c| (c, c.held_in().len()))
            .collect();
        held.sort_by(|(a, a_repos), (b, b_repos)| {
            b.ring
                .cmp(&a.ring)
                .then(b_repos.cmp(a_repos))
                .then_with(|| (a.ecosystem, &a.name).cmp(&(b.ecosystem, &b.name)))
        });
        held.into_iter().map(|(c, _)| c)
    }

    /// Hold and remove usages, by repository.
    pub fn held_usages(&self) -> BTreeSet<Usage> {
        let mut usages = BTreeSet::new();
        for component in &self.components {
            for version in &component.versions {
                let Some(ring) = version.ring.filter(|r| *r >= Ring::Hold) else {
                    continue;
                };
                for repo in &version.repos {
                    usages.insert(Usage {
                        repo: repo.clone(),
                        ecosystem: component.ecosystem,
                        name: component.name.clone(),
                        version: version.version.clone(),
                        ring,
                    });
                }
            }
        }
        usages
    }

    /// Records what moved since `previous`: hold and remove usages that are new or gone. A
    /// repository that failed in either report is not compared, since what it holds is not
    /// fully known.
    pub fn compare_with(&mut self, previous: &OrgReport) {
        let failed = |report: &OrgReport| -> BTreeSet<String> {
            report
                .repos
                .iter()
                .filter(|r| r.status == Status::Failed)
                .map(|r| r.name.clone())
                .collect()
        };
        let not_compared: BTreeSet<String> =
            failed(self).union(&failed(previous)).cloned().collect();
        let compared = |usages: BTreeSet<Usage>| -> BTreeSet<Usage> {
            usages
                .into_iter()
                .filter(|u| !not_compared.contains(&u.repo))
                .collect()
        };
        let now = compared(self.held_usages());
        let then = compared(previous.held_usages());
        self.changes = Some(Changes {
            since: previous.date.clone(),
            new: now.difference(&then).cloned().collect(),
            removed: then.difference(&now).cloned().collect(),
            not_compared: not_compared.into_iter().collect(),
        });
    }

    /// Writes `report.json`, and unless `json_only`, `report.md` and `index.html`, into `dir`
    /// (created if need be).
    pub fn write_dir(&self, dir: &Path, json_only: bool) -> Result<(), Error> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Write {
            path: crate::util::paths::display_path(dir),
            source,
        })?;
        write_file(&dir.join("report.json"), |out| json::write(self, out))?;
        if !json_only {
            write_file(&dir.join("report.md"), |out| {
                out.write_all(markdown::render(self).as_bytes())
            })?;
            write_file(&dir.join("index.html"), |out| {
                out.write_all(html::render(self).as_bytes())
            })?;
        }
        Ok(())
    }
}

fn write_file(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    let failed = |source| Error::Write {
        path: crate::util::paths::display_path(path),
        source,
    };
    let file = std::fs::File::create(path).map_err(failed)?;
    let mut out = std::io::BufWriter::new(file);
    write(&mut out)
        .and_then(|()| std::io::Write::flush(&mut out))
        .map_err(failed)
}
