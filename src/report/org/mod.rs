//! The organisation report of `depgov scan-org` and `depgov merge`: one document (schema
//! `depgov.org-report/v1`, docs/org-scan.md) that every format renders — every repository
//! with its status and findings, each component's use across repositories with versions and
//! rings, exceptions expiring soon, totals, and what moved since a previous report — with uses
//! per ring over every earlier scan the previous reports carry.
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
    /// Uses per ring at each earlier scan, oldest first: with `--previous`, that report's
    /// history and its own totals. Reports written before it was recorded have none.
    #[serde(default)]
    pub history: Vec<RingCount>,
    /// Every license in use, with its components and repositories: most repositories first.
    #[serde(default)]
    pub licenses: Vec<LicenseUsage>,
    /// With `--group-by topic`: the repositories of each GitHub topic, with their uses per ring
    /// and findings; by topic, repositories without one last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_topic: Vec<Group>,
}

/// How `--group-by` groups the repositories.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GroupBy {
    /// By GitHub repository topic: a repository is in the group of each of its topics.
    Topic,
}

/// Repositories grouped together, and what they hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// The topic; `None` for the repositories without one.
    pub topic: Option<String>,
    pub repos: Vec<String>,
    /// Component versions in use, each counted once per repository.
    pub usages: usize,
    pub not_evaluated: usize,
    pub by_ring: ByRing,
    pub errors: usize,
    pub warnings: usize,
}

/// Uses per ring on the day of one scan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RingCount {
    /// The scan's day, `YYYY-MM-DD`.
    pub date: String,
    pub by_ring: ByRing,
    pub not_evaluated: usize,
}

/// How many components the "most used" sections list.
pub const MOST_USED: usize = 20;

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
    /// Its GitHub topics, as the listing gave them.
    #[serde(default)]
    pub topics: Vec<String>,
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
    /// Its license as the first repository's inventory has it; `None` when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
}

/// One license across the organisation: the components under it and the repositories using
/// them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LicenseUsage {
    /// The license (an SPDX expression as declared); `None` for components whose license is
    /// unknown.
    pub license: Option<String>,
    /// The components under it, `ECOSYSTEM/NAME`.
    pub components: Vec<String>,
    pub repos: Vec<String>,
}

/// A component version used by a scanned repository.
#[derive(Clone, Debug)]
pub struct Use {
    pub id: ComponentId,
    /// `None`: not evaluated.
    pub ring: Option<Ring>,
    pub license: Option<String>,
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
    /// Each version's license, as first seen.
    licenses: BTreeMap<String, String>,
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
            history: Vec::new(),
            licenses: Vec::new(),
            by_topic: Vec::new(),
        };
        let mut builder = Builder {
            report,
            usage: BTreeMap::new(),
            exceptions: BTreeMap::new(),
        };
        builder.add_exceptions(exceptions);
        builder
    }

    /// Adds a scanned repository and the components it uses, each with its ring and license.
    pub fn add_repo(&mut self, repo: RepoReport, uses: Vec<Use>) {
        for Use { id, ring, license } in uses {
            let purl = crate::model::purl::for_component(id.ecosystem, &id.name, "");
            let version = VersionUsage {
                version: id.version_or_requirement().to_owned(),
                ring,
                repos: Vec::new(),
                license,
            };
            self.add_use(purl, id.ecosystem, &id.name, &version, &repo.name);
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
                        &version,
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

    /// Records that `repo` uses `version` (its version, ring and license; its `repos` are not
    /// read).
    fn add_use(
        &mut self,
        purl: String,
        ecosystem: Ecosystem,
        name: &str,
        version: &VersionUsage,
        repo: &str,
    ) {
        let usage = self.usage.entry(purl).or_insert_with(|| Uses {
            ecosystem,
            name: name.to_owned(),
            versions: BTreeMap::new(),
            licenses: BTreeMap::new(),
        });
        if let Some(license) = &version.license {
            usage
                .licenses
                .entry(version.version.clone())
                .or_insert_with(|| license.clone());
        }
        // Spellings that normalize alike (PyPI's case): the same one whatever the order.
        if name < usage.name.as_str() {
            usage.name = name.to_owned();
        }
        usage
            .versions
            .entry((version.version.clone(), version.ring))
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
                            license: usage.licenses.get(&version).cloned(),
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
        report.licenses = licenses(&report.components);
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
            let Some(component) = finding.component.as_deref() else {
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

/// Every license of `components`, with the components under it and the repositories using
/// them: most repositories first, then by license (unknown last among equals).
fn licenses(components: &[ComponentUsage]) -> Vec<LicenseUsage> {
    let mut by_license: BTreeMap<Option<&str>, (BTreeSet<String>, BTreeSet<&str>)> =
        BTreeMap::new();
    for component in components {
        for version in &component.versions {
            let (names, repos) = by_license.entry(version.license.as_deref()).or_default();
            names.insert(format!("{}/{}", component.ecosystem, component.name));
            repos.extend(version.repos.iter().map(String::as_str));
        }
    }
    let mut licenses: Vec<LicenseUsage> = by_license
        .into_iter()
        .map(|(license, (names, repos))| LicenseUsage {
            license: license.map(str::to_owned),
            components: names.into_iter().collect(),
            repos: repos.into_iter().map(str::to_owned).collect(),
        })
        .collect();
    licenses.sort_by(|a, b| {
        b.repos
            .len()
            .cmp(&a.repos.len())
            .then_with(|| a.license.is_none().cmp(&b.license.is_none()))
            .then_with(|| a.license.cmp(&b.license))
    });
    licenses
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

    /// The components used by the most repositories, at most [`MOST_USED`]: most used first,
    /// then by ecosystem and name.
    pub fn most_used(&self) -> Vec<&ComponentUsage> {
        let mut used: Vec<&ComponentUsage> = self.components.iter().collect();
        used.sort_by(|a, b| {
            b.repos
                .cmp(&a.repos)
                .then_with(|| (a.ecosystem, &a.name).cmp(&(b.ecosystem, &b.name)))
        });
        used.truncate(MOST_USED);
        used
    }

    /// Uses per ring in this report.
    pub fn ring_count(&self) -> RingCount {
        RingCount {
            date: self.date.clone(),
            by_ring: self.totals.by_ring.clone(),
            not_evaluated: self.totals.not_evaluated,
        }
    }

    /// Uses per ring at every scan the report knows of, oldest first, this one last.
    pub fn ring_history(&self) -> Vec<RingCount> {
        let mut points = self.history.clone();
        points.push(self.ring_count());
        points
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

    /// Records what moved since `previous`: hold and remove usages that are new or gone, and
    /// uses per ring at `previous` and the scans before it. A repository that failed in either
    /// report is not compared, since what it holds is not fully known.
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
        self.history = previous.ring_history();
        let now = compared(self.held_usages());
        let then = compared(previous.held_usages());
        self.changes = Some(Changes {
            since: previous.date.clone(),
            new: now.difference(&then).cloned().collect(),
            removed: then.difference(&now).cloned().collect(),
            not_compared: not_compared.into_iter().collect(),
        });
    }

    /// Groups the repositories as `by` says.
    pub fn group(&mut self, by: GroupBy) {
        match by {
            GroupBy::Topic => self.by_topic = self.topic_groups(),
        }
    }

    fn topic_groups(&self) -> Vec<Group> {
        let mut groups: BTreeMap<Option<String>, Group> = BTreeMap::new();
        for repo in &self.repos {
            let topics: BTreeSet<Option<String>> = match repo.topics.as_slice() {
                [] => BTreeSet::from([None]),
                topics => topics.iter().map(|t| Some(t.to_lowercase())).collect(),
            };
            for topic in topics {
                let group = groups.entry(topic.clone()).or_insert_with(|| Group {
                    topic,
                    repos: Vec::new(),
                    usages: 0,
                    not_evaluated: 0,
                    by_ring: ByRing::default(),
                    errors: 0,
                    warnings: 0,
                });
                let summary = &repo.summary;
                group.repos.push(repo.name.clone());
                group.usages += summary.components;
                group.not_evaluated += summary.not_evaluated;
                group.by_ring.add(&summary.by_ring);
                group.errors += summary.errors;
                group.warnings += summary.warnings;
            }
        }
        // `None` sorts first in a map; the repositories without a topic go last.
        let mut groups: Vec<Group> = groups.into_values().collect();
        let without_topic = groups.first().is_some_and(|g| g.topic.is_none());
        groups.rotate_left(usize::from(without_topic));
        groups
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
