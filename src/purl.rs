//! Package URLs: how a component is named across ecosystems.
//!
//! A component carries the name its ecosystem writes (`@babel/core`, `github.com/x/y`,
//! `org.slf4j:slf4j-api`); its purl splits that name into namespace and name as the purl spec
//! says for the type, and normalizes where the ecosystem treats spellings as equal (PyPI).

use std::str::FromStr;

use packageurl::PackageUrl;

use crate::model::Ecosystem;

/// The name to compare by: PyPI names are normalized per PEP 503 (case-insensitive, runs of
/// `-`, `_`, `.` are one `-`); other ecosystems compare names exactly.
pub fn normalize_name(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::Pypi => {
            let mut out = String::with_capacity(name.len());
            let mut in_separator_run = false;
            for c in name.chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !in_separator_run {
                        out.push('-');
                    }
                    in_separator_run = true;
                } else {
                    out.extend(c.to_lowercase());
                    in_separator_run = false;
                }
            }
            out
        }
        _ => name.to_owned(),
    }
}

/// Splits an ecosystem's full name into purl namespace and name.
fn split_name(ecosystem: Ecosystem, full_name: &str) -> (Option<&str>, &str) {
    let split_at = match ecosystem {
        Ecosystem::Npm if full_name.starts_with('@') => full_name.find('/'),
        Ecosystem::Golang | Ecosystem::Composer => full_name.rfind('/'),
        Ecosystem::Maven => full_name.find(':'),
        _ => None,
    };
    match split_at {
        Some(i) => (Some(&full_name[..i]), &full_name[i + 1..]),
        None => (None, full_name),
    }
}

/// Joins a purl's namespace and name back into the ecosystem's full name.
fn join_name(ecosystem: Ecosystem, namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(ns) if ecosystem == Ecosystem::Maven => format!("{ns}:{name}"),
        Some(ns) => format!("{ns}/{name}"),
        None => name.to_owned(),
    }
}

/// The purl of a component version, e.g. `pkg:npm/%40babel/core@7.24.0`.
pub fn for_component(ecosystem: Ecosystem, full_name: &str, version: &str) -> String {
    let normalized = normalize_name(ecosystem, full_name);
    let (namespace, name) = split_name(ecosystem, &normalized);
    let build = || -> Result<String, packageurl::Error> {
        let mut purl = PackageUrl::new(ecosystem.as_str(), name)?;
        if let Some(ns) = namespace {
            purl.with_namespace(ns)?;
        }
        if !version.is_empty() {
            purl.with_version(version)?;
        }
        Ok(purl.to_string())
    };
    // Package URLs only reject empty names and malformed types; a name a lockfile records is
    // neither, but a purl must exist for every component, so fall back to a plain spelling.
    build().unwrap_or_else(|_| format!("pkg:{ecosystem}/{normalized}@{version}"))
}

/// A versionless purl from a policy: the ecosystem and the full name (which may hold `*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyPurl {
    pub ecosystem: Ecosystem,
    pub name: String,
}

/// Why a policy purl was rejected, worded for the policy author.
pub fn parse_policy_purl(text: &str) -> Result<PolicyPurl, String> {
    let purl = PackageUrl::from_str(text).map_err(|e| format!("not a package URL: {e}"))?;
    let ecosystem = Ecosystem::from_name(purl.ty()).ok_or_else(|| {
        format!(
            "unsupported package type `{}`; supported: {}",
            purl.ty(),
            Ecosystem::ALL.map(Ecosystem::as_str).join(", ")
        )
    })?;
    if purl.version().is_some() {
        return Err("a policy purl has no version; put version ranges in `versions`".into());
    }
    if !purl.qualifiers().is_empty() || purl.subpath().is_some() {
        return Err("a policy purl has no qualifiers or subpath".into());
    }
    Ok(PolicyPurl {
        ecosystem,
        name: join_name(ecosystem, purl.namespace(), purl.name()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_follow_the_spec_per_type() {
        let cases = [
            (Ecosystem::Cargo, "serde", "1.0.0", "pkg:cargo/serde@1.0.0"),
            (
                Ecosystem::Npm,
                "@babel/core",
                "7.0.0",
                "pkg:npm/%40babel/core@7.0.0",
            ),
            (
                Ecosystem::Npm,
                "lodash",
                "4.17.21",
                "pkg:npm/lodash@4.17.21",
            ),
            (
                Ecosystem::Pypi,
                "Django_REST.framework",
                "3.0",
                "pkg:pypi/django-rest-framework@3.0",
            ),
            (
                Ecosystem::Golang,
                "github.com/x/y",
                "v1.2.3",
                "pkg:golang/github.com/x/y@v1.2.3",
            ),
            (
                Ecosystem::Maven,
                "org.slf4j:slf4j-api",
                "2.0.9",
                "pkg:maven/org.slf4j/slf4j-api@2.0.9",
            ),
        ];
        for (ecosystem, name, version, expected) in cases {
            assert_eq!(for_component(ecosystem, name, version), expected);
        }
    }

    #[test]
    fn policy_purls_round_trip_to_full_names() {
        let parsed = parse_policy_purl("pkg:npm/%40babel/*").unwrap();
        assert_eq!(
            parsed,
            PolicyPurl {
                ecosystem: Ecosystem::Npm,
                name: "@babel/*".into()
            }
        );
        let parsed = parse_policy_purl("pkg:maven/log4j/log4j").unwrap();
        assert_eq!(parsed.name, "log4j:log4j");
        assert!(parse_policy_purl("pkg:cargo/serde@1").is_err());
        assert!(parse_policy_purl("pkg:nosuch/x").is_err());
        assert!(parse_policy_purl("serde").is_err());
    }
}
