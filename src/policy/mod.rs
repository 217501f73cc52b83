//! The OSPO's policy: which components, licenses and sources sit on which ring.
//!
//! [`load`] reads and validates a policy file (every problem at file:line:col); the types
//! here are the checked, compiled policy that evaluation consults. The embedded default policy
//! (`policies/default.toml`) is compiled into the binary.

pub mod discover;
pub mod init;
mod layers;
pub mod lint;
mod load;
pub mod radar;
pub mod raw;
pub mod schema;
pub mod selector;
pub mod show;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use globset::GlobSet;

use crate::model::facts::{Endpoint, Level, SourceKind};
use crate::model::registry;
use crate::model::{ComponentId, Criterion, Finding, Kind, Location, Ring, Rule};
use selector::Selector;

pub use layers::{
    Disk, EMBEDDED_NAME, Files, GithubPolicy, Remote, Sources, embedded, load, load_file, parse,
};

/// Where the applied policy came from; reports name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyOrigin {
    Embedded,
    /// A policy file, as the user named it or as it was found.
    File(String),
    /// A policy file as it is at a commit (the base of a change).
    Revision {
        path: String,
        commit: String,
    },
}

impl PolicyOrigin {
    /// The file, or `embedded default`.
    pub fn source(&self) -> String {
        match self {
            PolicyOrigin::Embedded => "embedded default".to_owned(),
            PolicyOrigin::File(path) | PolicyOrigin::Revision { path, .. } => path.clone(),
        }
    }

    /// The commit the policy was read at, when it was not the working tree's.
    pub fn revision(&self) -> Option<&str> {
        match self {
            PolicyOrigin::Revision { commit, .. } => Some(commit),
            _ => None,
        }
    }
}

impl fmt::Display for PolicyOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyOrigin::Embedded => f.write_str("embedded default"),
            PolicyOrigin::File(path) => f.write_str(path),
            PolicyOrigin::Revision { path, commit } => {
                write!(f, "{path} at {}", crate::model::short_commit(commit))
            }
        }
    }
}

/// A loaded, validated policy: every layer it extends, merged.
#[derive(Clone, Debug)]
pub struct Policy {
    pub name: String,
    pub contact: Option<String>,
    pub origin: PolicyOrigin,
    /// The files it was built from, base layer first, the policy itself last.
    pub layers: Vec<String>,
    /// The ring of components no entry lists.
    pub default_ring: Ring,
    /// The kinds of components that are evaluated; others are counted as not evaluated.
    pub scope: BTreeSet<Kind>,
    pub licenses: LicenseRings,
    pub sources: SourceRings,
    /// Component entries, base layers' first.
    pub components: Vec<ComponentEntry>,
    /// Exceptions of every layer.
    pub exceptions: Vec<Exception>,
    /// What discovery skips; `None` means the defaults.
    pub scan_exclude: Option<Vec<String>>,
    /// An exception expiring within this many days is a warning.
    pub warn_days: u32,
    /// The longest an exception may be granted for, in days from today.
    pub max_days: Option<u32>,
    /// Where facts come from (`[facts]`).
    pub facts: FactsSettings,
    /// The criteria of acceptability (`[criteria]`).
    pub criteria: Criteria,
    /// The ring of a component with a known vulnerability, by severity
    /// (`[vulnerabilities]`); a severity not set is not judged.
    pub vulnerabilities: BTreeMap<Level, Ring>,
    /// Where each setting (`defaults.ring`, `licenses.unlisted`, …) was set; a setting absent
    /// here has depgov's built-in default.
    pub settings: BTreeMap<&'static str, Location>,
    /// Lints of its layers (valid but likely mistakes); [`lint::lints`] adds those of the
    /// merged policy.
    pub lints: Vec<lint::Lint>,
}

/// The policy's `[criteria]`, layers merged (each criterion from the last layer that sets
/// it); a criterion not set is not judged.
#[derive(Clone, Debug, Default)]
pub struct Criteria {
    /// The ring of a component failing each criterion, and its threshold where it has one
    /// (days for `stale` and `too-new`, a score for `scorecard`).
    pub rings: BTreeMap<Criterion, (Ring, Threshold)>,
    /// The ring of a component for which a criterion's data is missing.
    pub unknown: Option<Ring>,
}

/// A criterion's threshold.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    None,
    Days(u32),
    Below(f64),
}

impl Criteria {
    /// The ring and threshold of `criterion`, when the policy judges it.
    pub fn get(&self, criterion: Criterion) -> Option<(Ring, Threshold)> {
        self.rings.get(&criterion).copied()
    }
}

/// The policy's `[facts]` table, layers merged: each setting from the last layer that sets
/// it. Unset settings take the defaults of [`crate::facts`].
#[derive(Clone, Debug, Default)]
pub struct FactsSettings {
    /// The kinds of source allowed; `None` for all.
    pub sources: Option<BTreeSet<SourceKind>>,
    /// Base URLs set by the policy.
    pub urls: BTreeMap<Endpoint, String>,
    /// Days a fetched license stays fresh.
    pub license_max_age: Option<u32>,
    /// Days fetched deprecation and yank flags stay fresh.
    pub flags_max_age: Option<u32>,
}

impl Policy {
    /// The entry that decides a component's ring: of all matching entries the most specific,
    /// and of equally specific ones the last (the later layer's, the later in a file).
    pub fn entry_for(&self, id: &ComponentId) -> Option<&ComponentEntry> {
        self.components
            .iter()
            .filter(|entry| entry.selector.matches(id))
            .max_by_key(|entry| entry.selector.specificity())
    }
}

/// Rings of licenses, by SPDX license (with its exception, if the policy names one).
#[derive(Clone, Debug)]
pub struct LicenseRings {
    listed: BTreeMap<spdx::LicenseReq, (Ring, Location)>,
    /// The ring of a license none of the lists names.
    pub unlisted: Ring,
    /// The ring of a component without license information.
    pub unknown: Ring,
}

impl LicenseRings {
    /// The ring the lists give a license requirement. A `WITH` exception the policy names
    /// is looked up as a whole; otherwise the license is judged without its exception, since an
    /// exception only grants permissions.
    pub fn listed_ring(&self, req: &spdx::LicenseReq) -> Option<Ring> {
        let req = crate::model::license::canonical_requirement(req);
        self.listed.get(&req).map(|(ring, _)| *ring).or_else(|| {
            let base = spdx::LicenseReq {
                license: req.license.clone(),
                addition: None,
            };
            self.listed.get(&base).map(|(ring, _)| *ring)
        })
    }

    /// Every listed license with its ring and where it was listed.
    pub fn listed(&self) -> impl Iterator<Item = (&spdx::LicenseReq, Ring, &Location)> {
        self.listed
            .iter()
            .map(|(req, (ring, origin))| (req, *ring, origin))
    }
}

/// Rings of where components come from.
#[derive(Clone, Debug)]
pub struct SourceRings {
    /// The ring of components fetched from git.
    pub git: Ring,
    /// The registries the policy accepts, as written (names or URLs).
    pub registries: Vec<String>,
    /// URL prefixes of the registries the policy accepts.
    registry_urls: Vec<String>,
    /// The ring of components from any other registry.
    pub unknown_registry: Ring,
}

impl SourceRings {
    pub fn accepts_registry(&self, url: &str) -> bool {
        self.registry_urls
            .iter()
            .any(|prefix| registry::url_matches(url, prefix))
    }
}

/// One `[[components]]` entry.
#[derive(Clone, Debug)]
pub struct ComponentEntry {
    pub selector: Selector,
    pub ring: Ring,
    pub reason: Option<String>,
    pub use_instead: Vec<String>,
    pub link: Option<String>,
    /// For remove entries: a warning until this day, an error after it.
    pub sunset: Option<NaiveDate>,
    /// Layers that extend the one this entry is in may not make its ring any better.
    pub locked: bool,
    /// Criteria the OSPO accepts the component failing.
    pub accept: BTreeSet<Criterion>,
    /// Where the entry is written.
    pub origin: Location,
}

/// One `[[exceptions]]` entry: a time-limited waiver for the findings of some components, or
/// for one vulnerability advisory.
#[derive(Clone, Debug)]
pub struct Exception {
    /// The components it covers; `None` for an advisory's exception that names none (it
    /// covers every component the advisory affects).
    pub selector: Option<Selector>,
    /// The advisory it waives: only the vulnerability findings that name it are covered.
    /// Globs over manifest/lockfile paths, as written; empty means everywhere.
    pub paths: Vec<String>,
    /// Globs over `OWNER/NAME`, as written; empty means every repository.
    pub repos: Vec<String>,
    path_globs: GlobSet,
    repo_globs: GlobSet,
    pub expires: NaiveDate,
    pub reason: String,
    pub approved_by: Option<String>,
    pub ticket: Option<String>,
    pub advisory: Option<String>,
    /// Where the entry is written.
    pub origin: Location,
}

impl Exception {
    /// What it waives, as reports name it: `pkg:npm/moment versions <3`, `GHSA-… in
    /// pkg:npm/lodash`, or `GHSA-…`.
    pub fn subject(&self) -> String {
        match (&self.advisory, &self.selector) {
            (Some(advisory), Some(selector)) => format!("{advisory} in {selector}"),
            (Some(advisory), None) => advisory.clone(),
            (None, Some(selector)) => selector.to_string(),
            (None, None) => String::new(),
        }
    }

    /// Whether the exception is meant for `repository` (`OWNER/NAME`, when known). One scoped
    /// to repositories does not apply where the repository is unknown.
    pub fn in_repository(&self, repository: Option<&str>) -> bool {
        self.repos.is_empty() || repository.is_some_and(|r| self.repo_globs.is_match(r))
    }

    /// Whether the exception covers `finding`, about the component `id`, located in `file`.
    /// A malicious package is never waived: no exception covers a `malicious` finding (and
    /// one naming a `MAL-` record is refused when the policy is read).
    pub fn covers(&self, finding: &Finding, id: &ComponentId, file: Option<&str>) -> bool {
        if finding.rule == Rule::Malicious {
            return false;
        }
        let advisory_named = match &self.advisory {
            None => true,
            Some(advisory) => {
                finding.rule == Rule::Vulnerability && names_advisory(finding, advisory)
            }
        };
        advisory_named
            && self.selector.as_ref().is_none_or(|s| s.matches(id))
            && self.covers_file(file)
    }

    /// Whether the exception's `paths` cover a finding located in `file`.
    pub fn covers_file(&self, file: Option<&str>) -> bool {
        self.paths.is_empty() || file.is_some_and(|f| self.path_globs.is_match(f))
    }
}

/// Whether a vulnerability finding is about `advisory`: its id or one of its aliases.
fn names_advisory(finding: &Finding, advisory: &str) -> bool {
    let ids = finding.evidence.get("ids").and_then(|ids| ids.as_array());
    ids.into_iter()
        .flatten()
        .filter_map(|id| id.as_str())
        .any(|id| id.eq_ignore_ascii_case(advisory))
}
