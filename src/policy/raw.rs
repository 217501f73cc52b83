//! The policy file as written: serde types that keep every value's span, so that the loader
//! can point at the exact text of any problem. Values with a meaning (rings, licenses, purls,
//! ranges) are plain strings here and are checked by the loader, which collects all problems
//! instead of stopping at the first.

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

pub type Text = Spanned<String>;

/// Everything but the `[[components]]` and `[[exceptions]]` arrays, which the loader reads
/// entry by entry so that a mistake in one entry does not hide the mistakes in the others.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawPolicy {
    pub version: Spanned<i64>,
    pub name: Option<Text>,
    pub contact: Option<Text>,
    /// Policies this one builds on, earliest first: local paths, `github:OWNER/REPO/PATH@REF`,
    /// or `depgov:default`.
    pub extends: Option<Vec<Text>>,
    #[serde(default)]
    pub defaults: RawDefaults,
    #[serde(default)]
    pub licenses: RawLicenses,
    #[serde(default)]
    pub sources: RawSources,
    #[serde(default)]
    pub scan: RawScan,
    #[serde(default)]
    pub expiry: RawExpiry,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawExpiry {
    /// An exception expiring within this many days is a warning.
    pub warn_days: Option<Spanned<i64>>,
    /// An exception may not be granted for longer than this many days.
    pub max_days: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawDefaults {
    pub ring: Option<Text>,
    pub scope: Option<Vec<Text>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawLicenses {
    #[serde(default)]
    pub adopt: Vec<Text>,
    #[serde(default)]
    pub trial: Vec<Text>,
    #[serde(default)]
    pub assess: Vec<Text>,
    #[serde(default)]
    pub hold: Vec<Text>,
    #[serde(default)]
    pub remove: Vec<Text>,
    pub unlisted: Option<Text>,
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

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawSources {
    pub git: Option<Text>,
    pub registries: Option<Vec<Text>>,
    pub unknown_registry: Option<Text>,
}

/// One `[[components]]` entry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawComponent {
    pub purl: Option<Text>,
    pub ecosystem: Option<Text>,
    pub name: Option<Text>,
    pub versions: Option<Text>,
    pub ring: Text,
    pub reason: Option<Text>,
    #[serde(default)]
    pub use_instead: Vec<Text>,
    pub link: Option<Text>,
    pub sunset: Option<Spanned<Datetime>>,
    /// Layers that extend this policy may not make this component's ring any better.
    pub locked: Option<Spanned<bool>>,
}

/// One `[[exceptions]]` entry: a waiver for the findings of some components.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawException {
    pub purl: Option<Text>,
    pub ecosystem: Option<Text>,
    pub name: Option<Text>,
    pub versions: Option<Text>,
    /// Globs over the repository-relative manifest or lockfile paths it applies to.
    #[serde(default)]
    pub paths: Vec<Text>,
    /// Globs over `OWNER/NAME` of the repositories it applies to.
    #[serde(default)]
    pub repos: Vec<Text>,
    pub expires: Spanned<Datetime>,
    pub reason: Text,
    pub approved_by: Option<Text>,
    pub ticket: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawScan {
    pub exclude: Option<Vec<Text>>,
}
