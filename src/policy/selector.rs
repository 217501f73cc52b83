//! Which components a policy entry is about: an ecosystem, a name (exact or with `*` globs) and
//! an optional version range in the ecosystem's own syntax ([`VersionRange`], which facts use
//! too to read manifests' requirements).

use globset::{GlobBuilder, GlobMatcher};

use crate::model::purl::normalize_name;
use crate::model::versions::range::VersionRange;
use crate::model::{ComponentId, Ecosystem};

#[derive(Clone, Debug)]
enum NamePattern {
    Exact(String),
    Glob(GlobMatcher),
}

/// Selects components by ecosystem, name and optional version range.
#[derive(Clone, Debug)]
pub struct Selector {
    pub ecosystem: Ecosystem,
    /// The name as the policy writes it (normalized for comparison), globs included.
    pub name: String,
    pattern: NamePattern,
    pub versions: Option<VersionRange>,
    /// The range as written, for reports.
    pub versions_text: Option<String>,
}

impl Selector {
    pub fn new(
        ecosystem: Ecosystem,
        name: &str,
        versions: Option<(VersionRange, String)>,
    ) -> Result<Self, String> {
        let name = normalize_name(ecosystem, name);
        if name.is_empty() {
            return Err("the component name is empty".into());
        }
        let pattern = if name.contains('*') {
            let glob = GlobBuilder::new(&name)
                .literal_separator(false)
                .build()
                .map_err(|e| format!("not a valid name pattern: {e}"))?;
            NamePattern::Glob(glob.compile_matcher())
        } else {
            NamePattern::Exact(name.clone())
        };
        let (versions, versions_text) = match versions {
            Some((range, text)) => (Some(range), Some(text)),
            None => (None, None),
        };
        Ok(Selector {
            ecosystem,
            name,
            pattern,
            versions,
            versions_text,
        })
    }

    pub fn matches(&self, id: &ComponentId) -> bool {
        if id.ecosystem != self.ecosystem {
            return false;
        }
        self.matches_name(&normalize_name(id.ecosystem, &id.name))
            && self
                .versions
                .as_ref()
                .is_none_or(|range| match &id.requirement {
                    Some(requirement) if id.version.is_empty() => {
                        range.may_resolve(id.ecosystem, requirement)
                    }
                    _ => range.contains(&id.version),
                })
    }

    /// Whether some component could match both selectors (the same ecosystem, and names equal
    /// or one's pattern matching the other's name). Version ranges are not compared: a locked
    /// entry holds for every version.
    pub fn overlaps(&self, other: &Selector) -> bool {
        self.ecosystem == other.ecosystem
            && (self.matches_name(&other.name) || other.matches_name(&self.name))
    }

    fn matches_name(&self, name: &str) -> bool {
        match &self.pattern {
            NamePattern::Exact(exact) => exact == name,
            NamePattern::Glob(glob) => glob.is_match(name),
        }
    }

    /// What identifies an entry across layers: ecosystem, name and versions as written.
    pub fn key(&self) -> (Ecosystem, &str, Option<&str>) {
        (self.ecosystem, &self.name, self.versions_text.as_deref())
    }

    /// How specific the selector is; when several entries match, the greatest wins. An exact
    /// name beats a glob, a version range beats none, and among globs the one with more
    /// literal text is the more specific.
    pub fn specificity(&self) -> (bool, bool, usize) {
        let exact = matches!(self.pattern, NamePattern::Exact(_));
        let literal_len = self.name.chars().filter(|c| *c != '*').count();
        (exact, self.versions.is_some(), literal_len)
    }
}

impl Selector {
    /// The versionless package URL a policy writes for it: `pkg:npm/%40babel/core`,
    /// `pkg:cargo/windows-*`.
    pub fn purl(&self) -> String {
        let split_at = match self.ecosystem {
            Ecosystem::Npm if self.name.starts_with('@') => self.name.find('/'),
            Ecosystem::Golang | Ecosystem::Composer => self.name.rfind('/'),
            Ecosystem::Maven => self.name.find(':'),
            _ => None,
        };
        match split_at {
            Some(i) => format!(
                "pkg:{}/{}/{}",
                self.ecosystem,
                self.name[..i].replace('@', "%40"),
                &self.name[i + 1..]
            ),
            None => format!("pkg:{}/{}", self.ecosystem, self.name),
        }
    }
}

/// The selector as a policy would write it: `pkg:npm/left-pad`, with ` versions <2` when ranged.
impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.purl())?;
        if let Some(range) = &self.versions_text {
            write!(f, " versions {range}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(ecosystem: Ecosystem, name: &str, version: &str) -> ComponentId {
        ComponentId {
            requirement: None,
            ecosystem,
            name: name.into(),
            version: version.into(),
            purl: String::new(),
        }
    }

    fn selector(ecosystem: Ecosystem, name: &str, range: Option<&str>) -> Selector {
        let versions = range.map(|r| (VersionRange::parse(ecosystem, r).unwrap(), r.to_owned()));
        Selector::new(ecosystem, name, versions).unwrap()
    }

    #[test]
    fn ranges_use_each_ecosystems_semantics() {
        let cargo = selector(Ecosystem::Cargo, "openssl", Some("<0.10.55"));
        assert!(cargo.matches(&id(Ecosystem::Cargo, "openssl", "0.10.50")));
        assert!(!cargo.matches(&id(Ecosystem::Cargo, "openssl", "0.10.55")));

        let npm = selector(
            Ecosystem::Npm,
            "ua-parser-js",
            Some("0.7.29 || 0.8.0 || 1.0.0"),
        );
        assert!(npm.matches(&id(Ecosystem::Npm, "ua-parser-js", "0.8.0")));
        assert!(!npm.matches(&id(Ecosystem::Npm, "ua-parser-js", "0.7.30")));

        let go = selector(Ecosystem::Golang, "github.com/x/y", Some("<v1.0.0"));
        assert!(go.matches(&id(
            Ecosystem::Golang,
            "github.com/x/y",
            "v0.0.0-20200101-abcdef"
        )));
        assert!(!go.matches(&id(Ecosystem::Golang, "github.com/x/y", "v1.0.0")));

        let pypi = selector(Ecosystem::Pypi, "PyYAML", Some("<5.4"));
        assert!(pypi.matches(&id(Ecosystem::Pypi, "pyyaml", "5.3.1")));
        let separators = selector(Ecosystem::Pypi, "Zope.Interface", None);
        assert!(separators.matches(&id(Ecosystem::Pypi, "zope_interface", "6.0")));
        assert!(!pypi.matches(&id(Ecosystem::Pypi, "pyyaml", "6.0")));
    }

    #[test]
    fn globs_match_within_names_and_rank_below_exact_names() {
        let glob = selector(Ecosystem::Npm, "@babel/*", None);
        assert!(glob.matches(&id(Ecosystem::Npm, "@babel/core", "7.0.0")));
        assert!(!glob.matches(&id(Ecosystem::Npm, "babel", "7.0.0")));
        let exact = selector(Ecosystem::Npm, "@babel/core", None);
        assert!(exact.specificity() > glob.specificity());
        let ranged = selector(Ecosystem::Npm, "@babel/core", Some("<7"));
        assert!(ranged.specificity() > exact.specificity());
    }
}
