//! What the facts stage learned about a component beyond its input — the license its lockfile
//! did not record, the version's publish date, deprecation and yank flags with the registry's
//! message, the source repository — each fact with where it came from and when.

use serde::{Deserialize, Serialize};

/// Where facts come from, in the order they are consulted: what the component's own input
/// recorded comes first and is never overridden (it has no [`Origin`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FactSource {
    /// `node_modules/**/package.json` (npm, Yarn, pnpm's `node_modules/.pnpm`).
    NodeModules,
    /// `*.dist-info/METADATA` in `.venv`, `venv` or `$VIRTUAL_ENV`.
    PythonEnvironment,
    /// Crates Cargo unpacked in `$CARGO_HOME/registry/src`.
    CargoRegistryCache,
    /// Modules in `$GOMODCACHE` (else `$GOPATH/pkg/mod`).
    GoModuleCache,
    /// `vendor/composer/installed.json`.
    ComposerInstalled,
    /// `*.nuspec` in NuGet's global packages folder.
    NugetPackages,
    /// A license file of an installed package, recognised by its text.
    LicenseText,
    /// The npm registry (or the registry `.npmrc` names).
    Npm,
    /// PyPI's JSON API.
    Pypi,
    /// crates.io: the sparse index and the API.
    CratesIo,
    /// deps.dev.
    DepsDev,
    /// OpenSSF Scorecard's API.
    Scorecard,
    /// The OSV API.
    Osv,
    /// An offline OSV database (`--osv-db`, `depgov facts fetch --osv`).
    OsvDatabase,
}

impl FactSource {
    /// The name reports show.
    pub fn as_str(self) -> &'static str {
        match self {
            FactSource::NodeModules => "node_modules",
            FactSource::PythonEnvironment => "Python environment",
            FactSource::CargoRegistryCache => "Cargo registry cache",
            FactSource::GoModuleCache => "Go module cache",
            FactSource::ComposerInstalled => "vendor/composer/installed.json",
            FactSource::NugetPackages => "NuGet packages folder",
            FactSource::LicenseText => "license file",
            FactSource::Npm => "npm registry",
            FactSource::Pypi => "PyPI",
            FactSource::CratesIo => "crates.io",
            FactSource::DepsDev => "deps.dev",
            FactSource::Scorecard => "OpenSSF Scorecard",
            FactSource::Osv => "OSV",
            FactSource::OsvDatabase => "OSV database",
        }
    }

    /// Whether the source is read from this machine, without network.
    pub fn is_local(self) -> bool {
        !matches!(
            self,
            FactSource::Npm
                | FactSource::Pypi
                | FactSource::CratesIo
                | FactSource::DepsDev
                | FactSource::Scorecard
                | FactSource::Osv
        )
    }
}

/// The kinds of source a policy may allow (`[facts] sources`); every kind by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SourceKind {
    /// Installed trees and caches on this machine (no network).
    #[serde(rename = "installed")]
    Installed,
    /// The package registries (npm, PyPI, crates.io), asked about the packages they serve.
    #[serde(rename = "registries")]
    Registries,
    /// deps.dev, a third party: the dependency list is sent to Google's service.
    #[serde(rename = "deps.dev")]
    DepsDev,
    /// OpenSSF Scorecard's API, asked about source repositories deps.dev has no Scorecard for.
    #[serde(rename = "scorecard")]
    Scorecard,
    /// The OSV API, asked about every component's known vulnerabilities.
    #[serde(rename = "osv")]
    Osv,
}

impl SourceKind {
    pub const ALL: [SourceKind; 5] = [
        SourceKind::Installed,
        SourceKind::Registries,
        SourceKind::DepsDev,
        SourceKind::Scorecard,
        SourceKind::Osv,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Installed => "installed",
            SourceKind::Registries => "registries",
            SourceKind::DepsDev => "deps.dev",
            SourceKind::Scorecard => "scorecard",
            SourceKind::Osv => "osv",
        }
    }

    pub fn from_name(name: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// A remote service's base URL that a policy (`[facts]`) or the environment can change, for
/// mirrors and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Endpoint {
    Npm,
    Pypi,
    /// crates.io's API (`/api/v1/crates/…`).
    Crates,
    /// crates.io's sparse index.
    CratesIndex,
    DepsDev,
    Scorecard,
    Osv,
    /// Where `depgov facts fetch --osv` downloads OSV's per-ecosystem `all.zip` files.
    OsvDatabase,
}

impl Endpoint {
    pub const ALL: [Endpoint; 8] = [
        Endpoint::Npm,
        Endpoint::Pypi,
        Endpoint::Crates,
        Endpoint::CratesIndex,
        Endpoint::DepsDev,
        Endpoint::Scorecard,
        Endpoint::Osv,
        Endpoint::OsvDatabase,
    ];

    /// Its key in the policy's `[facts]` table.
    pub fn key(self) -> &'static str {
        match self {
            Endpoint::Npm => "npm",
            Endpoint::Pypi => "pypi",
            Endpoint::Crates => "crates",
            Endpoint::CratesIndex => "crates-index",
            Endpoint::DepsDev => "deps-dev",
            Endpoint::Scorecard => "scorecard",
            Endpoint::Osv => "osv",
            Endpoint::OsvDatabase => "osv-database",
        }
    }

    /// The environment variable that overrides it (and the policy).
    pub fn env(self) -> &'static str {
        match self {
            Endpoint::Npm => "DEPGOV_NPM_URL",
            Endpoint::Pypi => "DEPGOV_PYPI_URL",
            Endpoint::Crates => "DEPGOV_CRATES_URL",
            Endpoint::CratesIndex => "DEPGOV_CRATES_INDEX_URL",
            Endpoint::DepsDev => "DEPGOV_DEPSDEV_URL",
            Endpoint::Scorecard => "DEPGOV_SCORECARD_URL",
            Endpoint::Osv => "DEPGOV_OSV_URL",
            Endpoint::OsvDatabase => "DEPGOV_OSV_DATABASE_URL",
        }
    }

    /// The public service.
    pub fn default_url(self) -> &'static str {
        match self {
            Endpoint::Npm => "https://registry.npmjs.org",
            Endpoint::Pypi => "https://pypi.org",
            Endpoint::Crates => "https://crates.io",
            Endpoint::CratesIndex => "https://index.crates.io",
            Endpoint::DepsDev => "https://api.deps.dev",
            Endpoint::Scorecard => "https://api.scorecard.dev",
            Endpoint::Osv => "https://api.osv.dev",
            Endpoint::OsvDatabase => "https://osv-vulnerabilities.storage.googleapis.com",
        }
    }

    pub fn from_key(key: &str) -> Option<Endpoint> {
        Endpoint::ALL.into_iter().find(|e| e.key() == key)
    }
}

/// Where one fact came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    pub source: FactSource,
    /// When the source was asked (RFC 3339); `None` for what was read from this machine now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fetched: Option<String>,
    /// For a license recognised from its text: how closely the text matched (0 to 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    /// The file it was read from, for local sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// A fact and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fact<T> {
    pub value: T,
    #[serde(flatten)]
    pub origin: Origin,
}

/// A yes-or-no fact with the registry's message (a deprecation, a yank).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub set: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A project's status (PEP 792: `active`, `archived`, `quarantined`, `deprecated`), as its
/// index or deps.dev reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectStatus {
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A source repository's OpenSSF Scorecard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    /// `github.com/OWNER/REPO`.
    pub repository: String,
    /// The overall score, 0 to 10.
    pub score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub checks: Vec<ScorecardCheck>,
}

/// One Scorecard check; a score of -1 means inconclusive.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorecardCheck {
    pub name: String,
    pub score: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Another release of the package and its license (the previous one, for relicensing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    pub version: String,
    pub license: String,
}

/// How severe a vulnerability is, from its CVSS base score (v4 or v3: critical ≥ 9.0, high
/// ≥ 7.0, medium ≥ 4.0, low > 0), else from the severity its database gives; `Unknown` when
/// neither says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Unknown,
    Low,
    Medium,
    High,
    Critical,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Critical,
        Level::High,
        Level::Medium,
        Level::Low,
        Level::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unknown => "unknown",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }

    /// The level of a CVSS base score.
    pub fn of_score(score: f64) -> Level {
        if score >= 9.0 {
            Level::Critical
        } else if score >= 7.0 {
            Level::High
        } else if score >= 4.0 {
            Level::Medium
        } else if score > 0.0 {
            Level::Low
        } else {
            Level::Unknown
        }
    }
}

/// One advisory affecting a component version: an OSV record, merged with the records that
/// are its aliases (a CVE and its GHSA are one advisory).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// Every id and alias, the record's own id first.
    pub ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    pub level: Level,
    /// The CVSS base score the level comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The CVSS vector it was computed from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
    /// Versions of this package that fix it.
    pub fixed: Vec<String>,
    /// An OSV `MAL-` record: the package is malicious.
    pub malicious: bool,
    /// An informational advisory saying the package is unmaintained (RustSec).
    pub unmaintained: bool,
    pub links: Vec<String>,
}

/// The advisories affecting a component version.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Advisories {
    pub advisories: Vec<Advisory>,
    /// The smallest version above this one that fixes every advisory, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_by: Option<String>,
}

/// Why a license is still unknown after the facts stage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "why", rename_all = "kebab-case")]
pub enum Gap {
    /// `--offline`, and the cache does not hold it.
    Offline,
    /// No source that could know was consulted: the policy's `[facts] sources` leaves them
    /// out, or none covers the ecosystem or the component's registry.
    NotFetched,
    /// The sources that were asked do not know this package version.
    NotFound,
    /// Sources that could know did not answer.
    Unreachable { sources: Vec<String> },
    /// The sources know the package version, and it declares no license.
    NotDeclared,
    /// A manifest's requirement, not one version, and no source depgov may ask lists the
    /// package's versions to pick the one facts would describe.
    RequirementOnly,
    /// A manifest's requirement that no published version satisfies (yanked ones left out).
    NoVersionAllowed,
    /// A manifest's requirement that depgov cannot read in the ecosystem's syntax.
    RequirementUnreadable,
}

impl Gap {
    /// Why, as the end of a sentence: "… license is unknown: {reason}".
    pub fn reason(&self) -> String {
        match self {
            Gap::Offline => "not fetched (offline, and not in the facts cache)".to_owned(),
            Gap::NotFetched => "no source of facts that could know it was consulted".to_owned(),
            Gap::NotFound => "the registries and deps.dev do not know this version".to_owned(),
            Gap::Unreachable { sources } => format!("{} could not be reached", sources.join(", ")),
            Gap::NotDeclared => "its package metadata declares none".to_owned(),
            Gap::RequirementOnly => {
                "the manifest gives a version requirement, not a version, and no source of facts that lists the package's versions was consulted (commit the lockfile to get facts)".to_owned()
            }
            Gap::NoVersionAllowed => {
                "no published version satisfies the manifest's requirement".to_owned()
            }
            Gap::RequirementUnreadable => {
                "depgov cannot read the manifest's requirement in the ecosystem's syntax, so it cannot pick the version facts would describe".to_owned()
            }
        }
    }
}

/// The version a component's facts describe when it has none of its own: a manifest's
/// requirement, and the version its installer would pick — the newest it allows, or for
/// NuGet the lowest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Described {
    pub version: String,
    pub requirement: String,
    /// The lowest version the requirement allows, which NuGet restores, not the newest.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub lowest: bool,
}

impl Described {
    /// `4.17.21, the newest version ^4.17.0 allows`.
    pub fn phrase(&self) -> String {
        let end = if self.lowest { "lowest" } else { "newest" };
        format!(
            "{}, the {end} version {} allows",
            self.version, self.requirement
        )
    }
}

/// Everything the facts stage learned about one component.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// For a component a manifest declares with a requirement only: the version every other
    /// fact here describes, and where the list of versions it was picked from came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub describes: Option<Fact<Described>>,
    /// Where the component's `license` came from, when not from its input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license: Option<Origin>,
    /// Why the license is unknown, when it still is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub license_unknown: Option<Gap>,
    /// When this version was published (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<Fact<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<Fact<Flag>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub yanked: Option<Fact<Flag>>,
    /// The source repository's URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<Fact<String>>,
    /// When the package's newest release was published (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest_release: Option<Fact<String>>,
    /// The project's status (PEP 792).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project_status: Option<Fact<ProjectStatus>>,
    /// The source repository's OpenSSF Scorecard.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scorecard: Option<Fact<Scorecard>>,
    /// The release before this one, with its license.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_release: Option<Fact<Release>>,
    /// Known vulnerabilities and malicious-package records (OSV); `None` when OSV was not
    /// consulted for it (offline without a database, unreachable, not covered). Reports leave
    /// out an empty list: the report's `facts` says whether vulnerabilities were checked.
    #[serde(skip_serializing_if = "no_advisories")]
    pub advisories: Option<Fact<Advisories>>,
    /// Why facts from remote sources are missing, when they are (offline, unreachable, not
    /// known); `None` when they were found, or no source could know.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<Gap>,
}

/// Whether there is no advisory to show.
fn no_advisories(advisories: &Option<Fact<Advisories>>) -> bool {
    advisories
        .as_ref()
        .is_none_or(|fact| fact.value.advisories.is_empty())
}

impl Facts {
    /// Whether there is nothing to show (an empty list of advisories is nothing to show).
    /// Every component's facts are asked when a report is written, so nothing is copied.
    pub fn is_empty(&self) -> bool {
        // Destructured, so that a new fact cannot be forgotten here.
        let Facts {
            describes,
            license,
            license_unknown,
            published,
            deprecated,
            yanked,
            repository,
            latest_release,
            project_status,
            scorecard,
            previous_release,
            advisories,
            unavailable,
        } = self;
        describes.is_none()
            && license.is_none()
            && license_unknown.is_none()
            && published.is_none()
            && deprecated.is_none()
            && yanked.is_none()
            && repository.is_none()
            && latest_release.is_none()
            && project_status.is_none()
            && scorecard.is_none()
            && previous_release.is_none()
            && no_advisories(advisories)
            && unavailable.is_none()
    }
}

/// How the facts stage went, for every report: which kinds of source were allowed, how each
/// source that was consulted fared, and how many licenses stayed unknown.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FactsReport {
    /// `--offline`: remote facts came from the cache only.
    pub offline: bool,
    /// The kinds of source the policy allowed.
    pub sources: Vec<String>,
    /// Each source consulted.
    pub used: Vec<SourceReport>,
    pub licenses_unknown: usize,
    /// Why known vulnerabilities were not checked, when they were not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerabilities_unchecked: Option<String>,
}

/// How one source fared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceReport {
    pub source: FactSource,
    /// Package versions it answered for (from the cache included).
    pub answered: usize,
    pub from_cache: usize,
    /// Requests sent to it, retries included.
    pub requests: u64,
    /// Why it stopped being asked (unreachable, failing), when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

impl FactsReport {
    /// One line for each source that failed, as every report shows it:
    /// `deps.dev could not be reached (…); 212 licenses unknown`.
    pub fn problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self
            .used
            .iter()
            .filter_map(|used| {
                let failure = used.failure.as_ref()?;
                let lost = match used.source {
                    FactSource::Osv | FactSource::OsvDatabase => {
                        "known vulnerabilities were not checked".to_owned()
                    }
                    _ => format!(
                        "{} license{} unknown",
                        self.licenses_unknown,
                        if self.licenses_unknown == 1 { "" } else { "s" }
                    ),
                };
                let verb = match used.source {
                    FactSource::OsvDatabase => "could not be read",
                    _ => "could not be reached",
                };
                Some(format!(
                    "{} {verb} ({failure}); {lost}",
                    used.source.as_str()
                ))
            })
            .collect();
        problems.extend(self.vulnerabilities_unchecked.clone());
        problems
    }
}
