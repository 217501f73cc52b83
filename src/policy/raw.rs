//! The policy file as written: serde types that keep every value's span, so that the loader
//! can point at the exact text of any problem. Values with a meaning (rings, licenses, purls,
//! ranges) are plain strings here and are checked by the loader, which collects all problems
//! instead of stopping at the first.
//!
//! The same types describe the file for editors: `depgov policy schema` derives its JSON
//! Schema from them ([`super::schema`]), so the `#[schemars]` attributes say what each string
//! means and the doc comments become the descriptions editors show.

use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use super::schema::{
    Criterion, Days, Extends, FactsSource, Glob, License, Link, Purl, Registry, Score, Version,
    VersionRange,
};
use crate::model::{Ecosystem, Kind, Ring};

pub type Text = Spanned<String>;

/// Everything but the `[[components]]` and `[[exceptions]]` arrays, which the loader reads
/// entry by entry so that a mistake in one entry does not hide the mistakes in the others.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct RawPolicy {
    /// The policy format version; only 1 exists.
    #[schemars(with = "Version")]
    pub version: Spanned<i64>,
    /// Shown in every report; defaults to the file's path.
    #[schemars(with = "Option<String>")]
    pub name: Option<Text>,
    /// Who owns the policy; shown in every report.
    #[schemars(with = "Option<String>")]
    pub contact: Option<Text>,
    /// Policies this one builds on, earliest first: local paths, `github:OWNER/REPO/PATH@REF`,
    /// or `depgov:default`.
    #[schemars(with = "Option<Vec<Extends>>")]
    pub extends: Option<Vec<Text>>,
    /// What applies to components no entry lists.
    #[serde(default)]
    pub defaults: RawDefaults,
    /// The ring of each license.
    #[serde(default)]
    pub licenses: RawLicenses,
    /// Where components may come from.
    #[serde(default)]
    pub sources: RawSources,
    /// What discovery reads.
    #[serde(default)]
    pub scan: RawScan,
    /// How exceptions expire.
    #[serde(default)]
    pub expiry: RawExpiry,
    /// Where facts about components come from: licenses, dates, deprecation (docs/facts.md).
    #[serde(default)]
    pub facts: RawFacts,
    /// Criteria a component must meet: not deprecated, not yanked, maintained, released
    /// recently, a good OpenSSF Scorecard, not too new, no relicensing (docs/policy.md).
    #[serde(default)]
    pub criteria: RawCriteria,
    /// The ring of a component with a known vulnerability, by the vulnerability's severity.
    /// Malicious packages are always on the remove ring.
    #[serde(default)]
    pub vulnerabilities: RawVulnerabilities,
}

/// The ring of a component with a known vulnerability, by severity (from the CVSS base
/// score). A severity not set is not judged.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct RawVulnerabilities {
    /// CVSS 9.0 to 10.0.
    #[schemars(with = "Option<Ring>")]
    pub critical: Option<Text>,
    /// CVSS 7.0 to 8.9.
    #[schemars(with = "Option<Ring>")]
    pub high: Option<Text>,
    /// CVSS 4.0 to 6.9.
    #[schemars(with = "Option<Ring>")]
    pub medium: Option<Text>,
    /// CVSS 0.1 to 3.9.
    #[schemars(with = "Option<Ring>")]
    pub low: Option<Text>,
    /// No CVSS score, and no severity from the advisory's database.
    #[schemars(with = "Option<Ring>")]
    pub unknown: Option<Text>,
}

impl RawVulnerabilities {
    pub fn rings(&self) -> [(crate::model::facts::Level, &Option<Text>); 5] {
        use crate::model::facts::Level;
        [
            (Level::Critical, &self.critical),
            (Level::High, &self.high),
            (Level::Medium, &self.medium),
            (Level::Low, &self.low),
            (Level::Unknown, &self.unknown),
        ]
    }
}

/// The criteria of acceptability: each names the ring of a component that fails it. A
/// criterion not set is not judged.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct RawCriteria {
    /// The registry marks the version or the package deprecated.
    #[schemars(with = "Option<Ring>")]
    pub deprecated: Option<Text>,
    /// The locked version was yanked (crates.io, PyPI).
    #[schemars(with = "Option<Ring>")]
    pub yanked: Option<Text>,
    /// The project is archived (PEP 792 status, an archived source repository) or an advisory
    /// declares it unmaintained.
    #[schemars(with = "Option<Ring>")]
    pub unmaintained: Option<Text>,
    /// No release of the package for `days` days: possibly unmaintained.
    pub stale: Option<RawRingDays>,
    /// The source repository's OpenSSF Scorecard score is below `below`.
    pub scorecard: Option<RawRingBelow>,
    /// The version was published less than `days` days ago (a cooldown against malicious
    /// releases).
    pub too_new: Option<RawRingDays>,
    /// The license differs from the version a change replaces, or from the previous release.
    #[schemars(with = "Option<Ring>")]
    pub license_changed: Option<Text>,
    /// The ring of a component for which a criterion's data is missing.
    #[schemars(with = "Option<Ring>")]
    pub unknown: Option<Text>,
}

/// A ring and a number of days.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct RawRingDays {
    #[schemars(with = "Ring")]
    pub ring: Text,
    #[schemars(with = "Days")]
    pub days: Spanned<i64>,
}

/// A ring and a Scorecard score.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct RawRingBelow {
    #[schemars(with = "Ring")]
    pub ring: Text,
    /// An OpenSSF Scorecard score, 0 to 10.
    #[schemars(with = "Score")]
    pub below: Spanned<f64>,
}

/// Where facts about components come from (docs/facts.md).
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct RawFacts {
    /// The kinds of source depgov may consult (default: all of them). Leave out "deps.dev" to
    /// keep the dependency list from that third party, and "registries" too for no network.
    #[schemars(with = "Option<Vec<FactsSource>>")]
    pub sources: Option<Vec<Text>>,
    /// The npm registry (default https://registry.npmjs.org); `.npmrc` wins for the scopes it
    /// names. `DEPGOV_NPM_URL` wins over this.
    #[schemars(with = "Option<Link>")]
    pub npm: Option<Text>,
    /// PyPI (default https://pypi.org); `DEPGOV_PYPI_URL` wins over this.
    #[schemars(with = "Option<Link>")]
    pub pypi: Option<Text>,
    /// crates.io's API (default https://crates.io); `DEPGOV_CRATES_URL` wins over this.
    #[schemars(with = "Option<Link>")]
    pub crates: Option<Text>,
    /// crates.io's sparse index (default https://index.crates.io); `DEPGOV_CRATES_INDEX_URL`
    /// wins over this.
    #[schemars(with = "Option<Link>")]
    pub crates_index: Option<Text>,
    /// deps.dev's API (default https://api.deps.dev); `DEPGOV_DEPSDEV_URL` wins over this.
    #[schemars(with = "Option<Link>")]
    pub deps_dev: Option<Text>,
    /// OpenSSF Scorecard's API (default https://api.scorecard.dev); `DEPGOV_SCORECARD_URL`
    /// wins over this.
    #[schemars(with = "Option<Link>")]
    pub scorecard: Option<Text>,
    /// The OSV API (default https://api.osv.dev); `DEPGOV_OSV_URL` wins over this.
    #[schemars(with = "Option<Link>")]
    pub osv: Option<Text>,
    /// Where `depgov facts fetch --osv` downloads OSV's database (default
    /// https://osv-vulnerabilities.storage.googleapis.com); `DEPGOV_OSV_DATABASE_URL` wins
    /// over this.
    #[schemars(with = "Option<Link>")]
    pub osv_database: Option<Text>,
    /// Days a fetched license, publish date or repository stays fresh in the cache
    /// (default 90).
    #[schemars(with = "Option<Days>")]
    pub license_max_age: Option<Spanned<i64>>,
    /// Days fetched deprecation and yank flags stay fresh in the cache (default 1).
    #[schemars(with = "Option<Days>")]
    pub flags_max_age: Option<Spanned<i64>>,
}

impl RawFacts {
    /// The base URLs the table sets, by endpoint.
    pub fn urls(&self) -> [(crate::model::facts::Endpoint, &Option<Text>); 8] {
        use crate::model::facts::Endpoint;
        [
            (Endpoint::Npm, &self.npm),
            (Endpoint::Pypi, &self.pypi),
            (Endpoint::Crates, &self.crates),
            (Endpoint::CratesIndex, &self.crates_index),
            (Endpoint::DepsDev, &self.deps_dev),
            (Endpoint::Scorecard, &self.scorecard),
            (Endpoint::Osv, &self.osv),
            (Endpoint::OsvDatabase, &self.osv_database),
        ]
    }
}

/// How exceptions expire.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct RawExpiry {
    /// An exception expiring within this many days is a warning (default 30).
    #[schemars(with = "Option<Days>")]
    pub warn_days: Option<Spanned<i64>>,
    /// An exception may not be granted for longer than this many days.
    #[schemars(with = "Option<Days>")]
    pub max_days: Option<Spanned<i64>>,
}

/// What applies to components no entry lists.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct RawDefaults {
    /// The ring of a component no `[[components]]` entry matches (default "assess").
    #[schemars(with = "Option<Ring>")]
    pub ring: Option<Text>,
    /// The dependency kinds that are evaluated (default ["runtime", "build"]); others are
    /// listed but not judged.
    #[schemars(with = "Option<Vec<Kind>>")]
    pub scope: Option<Vec<Text>>,
}

/// The ring of each license. A license may appear in one list only.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct RawLicenses {
    /// Licenses on the adopt ring.
    #[serde(default)]
    #[schemars(with = "Vec<License>")]
    pub adopt: Vec<Text>,
    /// Licenses on the trial ring.
    #[serde(default)]
    #[schemars(with = "Vec<License>")]
    pub trial: Vec<Text>,
    /// Licenses on the assess ring.
    #[serde(default)]
    #[schemars(with = "Vec<License>")]
    pub assess: Vec<Text>,
    /// Licenses on the hold ring.
    #[serde(default)]
    #[schemars(with = "Vec<License>")]
    pub hold: Vec<Text>,
    /// Licenses on the remove ring.
    #[serde(default)]
    #[schemars(with = "Vec<License>")]
    pub remove: Vec<Text>,
    /// The ring of a license no list names, and of license text that is not SPDX (default
    /// "assess").
    #[schemars(with = "Option<Ring>")]
    pub unlisted: Option<Text>,
    /// The ring of a component that declares no license (default "assess").
    #[schemars(with = "Option<Ring>")]
    pub unknown: Option<Text>,
}

impl RawLicenses {
    /// The five ring lists, each with the ring name it stands for.
    pub fn lists(&self) -> [(&'static str, &[Text]); 5] {
        [
            ("adopt", &self.adopt),
            ("trial", &self.trial),
            ("assess", &self.assess),
            ("hold", &self.hold),
            ("remove", &self.remove),
        ]
    }
}

/// Where components may come from.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct RawSources {
    /// The ring of components fetched from a git repository (default "assess").
    #[schemars(with = "Option<Ring>")]
    pub git: Option<Text>,
    /// The registries the OSPO accepts (default: every public registry).
    #[schemars(with = "Option<Vec<Registry>>")]
    pub registries: Option<Vec<Text>>,
    /// The ring of components from any registry not listed (default "hold").
    #[schemars(with = "Option<Ring>")]
    pub unknown_registry: Option<Text>,
}

/// One `[[components]]` entry.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields, extend("oneOf" = [
    { "required": ["purl"] },
    { "required": ["ecosystem", "name"] },
]))]
pub struct RawComponent {
    /// The component, as a versionless package URL (`*` matches any text in the name);
    /// or give `ecosystem` and `name` instead.
    #[schemars(with = "Option<Purl>")]
    pub purl: Option<Text>,
    /// The ecosystem, with `name`, instead of `purl`.
    #[schemars(with = "Option<Ecosystem>")]
    pub ecosystem: Option<Text>,
    /// The name as the ecosystem writes it, with `ecosystem`, instead of `purl`.
    #[schemars(with = "Option<String>")]
    pub name: Option<Text>,
    /// Only versions in this range, in the ecosystem's own syntax (docs/policy.md, "Version
    /// ranges").
    #[schemars(with = "Option<VersionRange>")]
    pub versions: Option<Text>,
    /// The ring.
    #[schemars(with = "Ring")]
    pub ring: Text,
    /// Why; shown with every finding of this entry.
    #[schemars(with = "Option<String>")]
    pub reason: Option<Text>,
    /// What to use instead: package URLs (checked) or free text.
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub use_instead: Vec<Text>,
    /// Where the decision is explained.
    #[schemars(with = "Option<Link>")]
    pub link: Option<Text>,
    /// Only on remove entries: until this day a finding is a warning, after it an error.
    #[schemars(with = "Option<chrono::NaiveDate>")]
    pub sunset: Option<Spanned<Datetime>>,
    /// Layers that extend this policy may not make this component's ring any better.
    #[schemars(with = "Option<bool>")]
    pub locked: Option<Spanned<bool>>,
    /// Criteria the OSPO accepts this component failing (`deprecated`, `yanked`, …); an adopt
    /// or trial entry accepts `unmaintained`, `stale`, `scorecard` and `too-new` without it.
    #[serde(default)]
    #[schemars(with = "Vec<Criterion>")]
    pub accept: Vec<Text>,
}

/// One `[[exceptions]]` entry: a waiver for the findings of some components, or for one
/// advisory (with or without a component).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields, extend("anyOf" = [
    { "required": ["purl"] },
    { "required": ["ecosystem", "name"] },
    { "required": ["advisory"] },
]))]
pub struct RawException {
    /// The component, as a versionless package URL (`*` matches any text in the name);
    /// or give `ecosystem` and `name` instead.
    #[schemars(with = "Option<Purl>")]
    pub purl: Option<Text>,
    /// The ecosystem, with `name`, instead of `purl`.
    #[schemars(with = "Option<Ecosystem>")]
    pub ecosystem: Option<Text>,
    /// The name as the ecosystem writes it, with `ecosystem`, instead of `purl`.
    #[schemars(with = "Option<String>")]
    pub name: Option<Text>,
    /// Only versions in this range, in the ecosystem's own syntax (docs/policy.md, "Version
    /// ranges").
    #[schemars(with = "Option<VersionRange>")]
    pub versions: Option<Text>,
    /// Globs over the repository-relative manifest or lockfile paths it applies to.
    #[serde(default)]
    #[schemars(with = "Vec<Glob>")]
    pub paths: Vec<Text>,
    /// Globs over `OWNER/NAME` of the repositories it applies to.
    #[serde(default)]
    #[schemars(with = "Vec<Glob>")]
    pub repos: Vec<Text>,
    /// The last day the exception is valid.
    #[schemars(with = "chrono::NaiveDate")]
    pub expires: Spanned<Datetime>,
    /// Why the waiver was granted.
    #[schemars(with = "String")]
    pub reason: Text,
    /// Who approved it.
    #[schemars(with = "Option<String>")]
    pub approved_by: Option<Text>,
    /// Where it was decided.
    #[schemars(with = "Option<String>")]
    pub ticket: Option<Text>,
    /// A vulnerability advisory it waives (`GHSA-…`, `CVE-…`, `RUSTSEC-…`, any id or alias),
    /// for every component it affects or, with a component, for that one.
    #[schemars(with = "Option<String>")]
    pub advisory: Option<Text>,
}

/// What discovery reads.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(deny_unknown_fields)]
pub struct RawScan {
    /// Globs over repository-relative paths that discovery skips (replacing the defaults).
    #[schemars(with = "Option<Vec<Glob>>")]
    pub exclude: Option<Vec<Text>>,
}
