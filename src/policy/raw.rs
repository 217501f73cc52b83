//! The policy file as written: serde types that keep every value's span, so that the loader
//! can point at the exact text of any problem. Values with a meaning (rings, licenses, purls,
//! ranges) are plain strings here and are checked by the loader, which collects all problems
//! instead of stopping at the first.

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

pub type Text = Spanned<String>;

/// Everything but the `[[components]]` array, which the loader reads entry by entry so that a
/// mistake in one entry does not hide the mistakes in the others.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawPolicy {
    pub version: Spanned<i64>,
    pub name: Option<Text>,
    pub contact: Option<Text>,
    #[serde(default)]
    pub defaults: RawDefaults,
    #[serde(default)]
    pub licenses: RawLicenses,
    #[serde(default)]
    pub sources: RawSources,
    #[serde(default)]
    pub scan: RawScan,
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
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RawScan {
    pub exclude: Option<Vec<Text>>,
}
