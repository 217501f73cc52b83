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
    if let Some(purl) = plain_purl(ecosystem, namespace, name, version) {
        return purl;
    }
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

/// The purl of a component whose namespace, name and version the spec writes as they are, built
/// without the general builder: every component of a run gets a purl, and most names are
/// plain. `None` when any part needs percent-encoding or case folding; the builder does that.
fn plain_purl(
    ecosystem: Ecosystem,
    namespace: Option<&str>,
    name: &str,
    version: &str,
) -> Option<String> {
    // The parts each type lowercases (the purl spec's type definitions).
    let (lowercase_namespace, lowercase_name) = match ecosystem {
        Ecosystem::Npm | Ecosystem::Pypi => (false, true),
        Ecosystem::Golang => (true, false),
        Ecosystem::Composer => (true, true),
        Ecosystem::Cargo | Ecosystem::Gem | Ecosystem::Maven | Ecosystem::Nuget => (false, false),
    };
    // Letters, digits and `.-_~` are never percent-encoded.
    let plain = |part: &str, lowercased: bool| {
        !part.is_empty()
            && part.bytes().all(|b| {
                b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || matches!(b, b'.' | b'-' | b'_' | b'~')
                    || (b.is_ascii_uppercase() && !lowercased)
            })
    };
    let namespace_plain = namespace.is_none_or(|namespace| {
        namespace
            .split('/')
            .all(|segment| plain(segment, lowercase_namespace))
    });
    if !(namespace_plain
        && plain(name, lowercase_name)
        && (version.is_empty() || plain(version, false)))
    {
        return None;
    }
    let ty = ecosystem.as_str();
    let mut purl = String::with_capacity(
        "pkg:/@/".len() + ty.len() + namespace.map_or(0, str::len) + name.len() + version.len(),
    );
    purl.push_str("pkg:");
    purl.push_str(ty);
    purl.push('/');
    if let Some(namespace) = namespace {
        purl.push_str(namespace);
        purl.push('/');
    }
    purl.push_str(name);
    if !version.is_empty() {
        purl.push('@');
        purl.push_str(version);
    }
    Some(purl)
}

/// A component version named by a package URL, read back into the name its ecosystem writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentPurl {
    pub ecosystem: Ecosystem,
    /// The full name as the ecosystem writes it (`@babel/core`, `org.slf4j:slf4j-api`,
    /// `github.com/x/y`, `vendor/name`), PEP 503-normalized for PyPI.
    pub name: String,
    pub version: String,
    /// The `repository_url` qualifier: the registry, when not the ecosystem's default.
    pub repository_url: Option<String>,
    /// The `vcs_url` qualifier: the version-control repository the package was taken from.
    pub vcs_url: Option<String>,
}

/// Why a package URL names no component depgov governs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnreadPurl {
    /// Not a package URL; the parser's reason.
    Malformed(String),
    /// A type depgov does not govern (`deb`, `generic`, `docker`, `github`, …).
    Ungoverned(String),
    /// A package URL without a version names a package, not a component version.
    NoVersion,
}

impl std::fmt::Display for UnreadPurl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnreadPurl::Malformed(reason) => write!(f, "is not a valid package URL ({reason})"),
            UnreadPurl::Ungoverned(_) => f.write_str("is not of an ecosystem depgov governs"),
            UnreadPurl::NoVersion => f.write_str("has no version in its package URL"),
        }
    }
}

/// Reads the purl of a component version (as SBOMs record it) into its ecosystem, full name
/// and version. Qualifiers and subpath do not change which component it is (`?type=jar`,
/// `#packages/x`); of the qualifiers, only the two that say where the package came from are
/// kept. Names come back as the purl spec canonicalizes them (lowercase npm names and Go
/// namespaces), the same way policy purls are read.
pub fn read_component_purl(text: &str) -> Result<ComponentPurl, UnreadPurl> {
    let purl = PackageUrl::from_str(text).map_err(|e| UnreadPurl::Malformed(e.to_string()))?;
    let ecosystem =
        Ecosystem::from_name(purl.ty()).ok_or_else(|| UnreadPurl::Ungoverned(purl.ty().into()))?;
    let version = purl
        .version()
        .filter(|v| !v.is_empty())
        .ok_or(UnreadPurl::NoVersion)?;
    let full_name = join_name(ecosystem, purl.namespace(), purl.name());
    let qualifier = |key: &str| purl.qualifiers().get(key).map(|v| v.to_string());
    Ok(ComponentPurl {
        ecosystem,
        name: normalize_name(ecosystem, &full_name),
        version: version.to_owned(),
        repository_url: qualifier("repository_url"),
        vcs_url: qualifier("vcs_url"),
    })
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

    /// The shortcut for plain names writes what the purl builder writes, or leaves the
    /// name to it.
    #[test]
    fn plain_purls_are_the_ones_the_builder_writes() {
        let names = [
            "serde",
            "Newtonsoft.Json",
            "@babel/core",
            "@Babel/Core",
            "left-pad",
            "Django",
            "zope.interface",
            "github.com/x/y",
            "github.com/X/y/v2",
            "laravel/framework",
            "Laravel/Framework",
            "org.slf4j:slf4j-api",
            "Org.Acme:Lib",
            "a b",
            "a/b/",
            "/a",
            "name~1",
            "naïve",
            "pkg%20",
        ];
        let versions = [
            "",
            "1.0.0",
            "1.0.0+build.5",
            "v2.0.0-RC1",
            "1.0 beta",
            "1.0@x",
        ];
        for ecosystem in Ecosystem::ALL {
            for name in names {
                for version in versions {
                    let normalized = normalize_name(ecosystem, name);
                    let (namespace, short) = split_name(ecosystem, &normalized);
                    let Some(plain) = plain_purl(ecosystem, namespace, short, version) else {
                        continue;
                    };
                    let mut built = PackageUrl::new(ecosystem.as_str(), short).expect("a name");
                    if let Some(namespace) = namespace {
                        built.with_namespace(namespace).expect("a namespace");
                    }
                    if !version.is_empty() {
                        built.with_version(version).expect("a version");
                    }
                    assert_eq!(plain, built.to_string(), "{ecosystem} {name} {version}");
                }
            }
        }
        assert_eq!(
            plain_purl(Ecosystem::Nuget, None, "Newtonsoft.Json", "13.0.3").as_deref(),
            Some("pkg:nuget/Newtonsoft.Json@13.0.3")
        );
        assert_eq!(
            plain_purl(Ecosystem::Npm, Some("@babel"), "core", "7.0.0"),
            None
        );
    }

    #[test]
    fn component_purls_read_back_into_full_names() {
        let cases = [
            ("pkg:cargo/serde@1.0.0", Ecosystem::Cargo, "serde", "1.0.0"),
            (
                "pkg:npm/%40babel/core@7.24.0",
                Ecosystem::Npm,
                "@babel/core",
                "7.24.0",
            ),
            // Unencoded `@` in the scope, and a subpath that does not change the package.
            (
                "pkg:npm/@babel/core@7.24.0#packages/babel-core",
                Ecosystem::Npm,
                "@babel/core",
                "7.24.0",
            ),
            (
                "pkg:pypi/Django_REST.framework@3.0",
                Ecosystem::Pypi,
                "django-rest-framework",
                "3.0",
            ),
            (
                "pkg:golang/github.com/x/y@v1.2.3",
                Ecosystem::Golang,
                "github.com/x/y",
                "v1.2.3",
            ),
            (
                "pkg:maven/org.slf4j/slf4j-api@2.0.9?type=jar&classifier=sources",
                Ecosystem::Maven,
                "org.slf4j:slf4j-api",
                "2.0.9",
            ),
            (
                "pkg:composer/laravel/framework@v10.0.0",
                Ecosystem::Composer,
                "laravel/framework",
                "v10.0.0",
            ),
            ("pkg:gem/rails@7.1.0", Ecosystem::Gem, "rails", "7.1.0"),
            (
                "pkg:nuget/Newtonsoft.Json@13.0.3",
                Ecosystem::Nuget,
                "Newtonsoft.Json",
                "13.0.3",
            ),
        ];
        for (text, ecosystem, name, version) in cases {
            let read = read_component_purl(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                (read.ecosystem, read.name.as_str(), read.version.as_str()),
                (ecosystem, name, version),
                "{text}"
            );
            assert_eq!(read.repository_url, None);
            assert_eq!(read.vcs_url, None);
            // Written out again, the purl is the one depgov gives the component.
            let written = for_component(ecosystem, &read.name, &read.version);
            assert_eq!(
                read_component_purl(&written).as_ref(),
                Ok(&read),
                "{written}"
            );
        }
    }

    #[test]
    fn component_purls_keep_where_the_package_came_from() {
        let read = read_component_purl(
            "pkg:npm/left-pad@1.3.0?vcs_url=git%2Bhttps://github.com/l/left-pad.git%40abc123",
        )
        .unwrap();
        assert_eq!(
            read.vcs_url.as_deref(),
            Some("git+https://github.com/l/left-pad.git@abc123")
        );
        let read = read_component_purl(
            "pkg:maven/com.acme/lib@1.0?repository_url=https://repo.acme.example/maven2",
        )
        .unwrap();
        assert_eq!(
            read.repository_url.as_deref(),
            Some("https://repo.acme.example/maven2")
        );
    }

    #[test]
    fn component_purls_of_other_types_or_without_version_are_not_read() {
        for (text, ty) in [
            ("pkg:deb/debian/libc6@2.31-13?arch=amd64", "deb"),
            ("pkg:generic/openssl@3.0.0", "generic"),
            ("pkg:github/actions/checkout@v4", "github"),
            ("pkg:docker/library/alpine@3.19", "docker"),
            ("pkg:oci/alpine@sha256%3Aabc", "oci"),
        ] {
            assert_eq!(
                read_component_purl(text),
                Err(UnreadPurl::Ungoverned(ty.into())),
                "{text}"
            );
        }
        assert_eq!(
            read_component_purl("pkg:npm/left-pad"),
            Err(UnreadPurl::NoVersion)
        );
        assert_eq!(
            read_component_purl("pkg:npm/left-pad@"),
            Err(UnreadPurl::NoVersion)
        );
        for text in ["left-pad@1.3.0", "pkg:npm/", "pkg:cargo/ns/serde@1.0.0", ""] {
            assert!(
                matches!(read_component_purl(text), Err(UnreadPurl::Malformed(_))),
                "{text}"
            );
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
