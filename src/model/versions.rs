//! One version order per ecosystem, each the ecosystem's own documented one: what "older" and
//! "newer" mean when a policy range or a vulnerability record bounds the versions of a package.
//!
//! | ecosystem | order | from |
//! |---|---|---|
//! | cargo | SemVer 2.0 precedence (build metadata ignored) | the `semver` crate |
//! | npm | node-semver (build metadata ignored) | the `nodejs-semver` crate |
//! | pypi | PEP 440 (epochs, pre, post, dev and local versions) | the `pep440_rs` crate |
//! | golang | SemVer 2.0 with the `v` prefix, as `golang.org/x/mod/semver` | the `semver` crate |
//! | maven | Maven's `ComparableVersion` | [`maven`] |
//! | nuget | NuGet's SemVer 2.0 with four-part versions | [`nuget`] |
//! | gem | RubyGems' `Gem::Version` | [`gem`] |
//! | composer | Composer's normalisation, then PHP's `version_compare` | [`composer`] |
//!
//! Maven, NuGet, RubyGems and Composer are written here from their specifications: the crates
//! that exist for them either misorder versions the specification orders (`gem_version` reads
//! segments as `u32`, so a longer number becomes a letter segment; `mvn_version` predates
//! Maven's current aliases and uses `unsafe` to parse), require a newer compiler than depgov's
//! (`composer-semver`), or are single unmaintained releases (`semver-php`); none exists for
//! NuGet.
//!
//! [`range`] reads ranges and requirements in each ecosystem's syntax, on these orders.

pub mod composer;
pub mod gem;
pub mod maven;
pub mod nuget;
pub mod range;

use std::cmp::Ordering;
use std::str::FromStr;

use super::Ecosystem;

/// A version parsed once in the order of its ecosystem, so that comparing it again is cheap.
///
/// Versions of one ecosystem compare by that ecosystem's order. Versions of different
/// ecosystems have no meaningful order; they compare by ecosystem only.
///
/// Maven's order, faithful to Maven's own, is not transitive for some odd versions (see
/// [`maven`]): code that orders versions from untrusted input takes minima and maxima rather
/// than sorting, as a sort may panic on such an order.
#[derive(Clone, Debug)]
pub enum Version {
    /// crates.io and Go modules: SemVer 2.0 precedence.
    Semver(semver::Version),
    Npm(nodejs_semver::Version),
    Pypi(pep440_rs::Version),
    Maven(maven::MavenVersion),
    Nuget(nuget::NugetVersion),
    Gem(gem::GemVersion),
    Composer(composer::ComposerVersion),
}

impl Version {
    /// Reads `text` as a version of `ecosystem`; `None` when the ecosystem would not read it
    /// as a version it can order (a Composer `dev-` branch, for one).
    pub fn parse(ecosystem: Ecosystem, text: &str) -> Option<Version> {
        match ecosystem {
            Ecosystem::Cargo => Version::semver(text),
            Ecosystem::Npm => nodejs_semver::Version::parse(text).ok().map(Version::Npm),
            Ecosystem::Pypi => pep440_rs::Version::from_str(text).ok().map(Version::Pypi),
            Ecosystem::Golang => go_version(text).map(Version::Semver),
            Ecosystem::Maven => maven::MavenVersion::parse(text).map(Version::Maven),
            Ecosystem::Nuget => nuget::NugetVersion::parse(text).map(Version::Nuget),
            Ecosystem::Gem => gem::GemVersion::parse(text).map(Version::Gem),
            Ecosystem::Composer => composer::ComposerVersion::parse(text).map(Version::Composer),
        }
    }

    /// Reads `text` as a SemVer 2.0 version, exactly as the specification writes it (no `v`).
    pub fn semver(text: &str) -> Option<Version> {
        semver::Version::parse(text).ok().map(Version::Semver)
    }

    /// Whether the ecosystem calls it a pre-release, which installers pass over unless asked
    /// for one (Go's pseudo-versions are pre-releases too).
    pub fn is_prerelease(&self) -> bool {
        match self {
            Version::Semver(v) => !v.pre.is_empty(),
            Version::Npm(v) => v.is_prerelease(),
            Version::Pypi(v) => v.any_prerelease(),
            Version::Maven(v) => v.is_prerelease(),
            Version::Nuget(v) => v.is_prerelease(),
            Version::Gem(v) => v.is_prerelease(),
            Version::Composer(v) => v.is_prerelease(),
        }
    }

    /// The variant's position, to order versions of different ecosystems.
    fn rank(&self) -> u8 {
        match self {
            Version::Semver(_) => 0,
            Version::Npm(_) => 1,
            Version::Pypi(_) => 2,
            Version::Maven(_) => 3,
            Version::Nuget(_) => 4,
            Version::Gem(_) => 5,
            Version::Composer(_) => 6,
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            // SemVer 2.0 §10: build metadata MUST be ignored when determining precedence; the
            // semver crate's own `Ord` breaks ties on it, `cmp_precedence` does not.
            (Version::Semver(a), Version::Semver(b)) => a.cmp_precedence(b),
            (Version::Npm(a), Version::Npm(b)) => a.cmp(b),
            (Version::Pypi(a), Version::Pypi(b)) => a.cmp(b),
            (Version::Maven(a), Version::Maven(b)) => a.cmp(b),
            (Version::Nuget(a), Version::Nuget(b)) => a.cmp(b),
            (Version::Gem(a), Version::Gem(b)) => a.cmp(b),
            (Version::Composer(a), Version::Composer(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Equal in the ecosystem's order, which is not always equal as written: `1.0` and `1` are
/// one Maven version.
impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

/// How `a` and `b` order as versions of `ecosystem`; `None` when either is not one.
pub fn compare(ecosystem: Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    Some(Version::parse(ecosystem, a)?.cmp(&Version::parse(ecosystem, b)?))
}

/// A Go module version: SemVer 2.0 behind a `v` (tolerated missing, as OSV records write Go
/// versions without it). `golang.org/x/mod/semver` also reads the shorthands `v1` and `v1.2`
/// as `v1.0.0` and `v1.2.0`. Pseudo-versions are pre-releases, so they order as such, and
/// `+incompatible` is build metadata.
fn go_version(text: &str) -> Option<semver::Version> {
    let bare = text.strip_prefix('v').unwrap_or(text);
    let shorthand_parts = bare.split('.').count();
    let is_shorthand = shorthand_parts < 3
        && bare
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    if is_shorthand {
        let padded = format!("{bare}{}", ".0".repeat(3 - shorthand_parts));
        return semver::Version::parse(&padded).ok();
    }
    semver::Version::parse(bare).ok()
}

/// A non-negative integer of any length, as the digits of a version segment write it: Maven,
/// RubyGems and Composer do not bound their numbers, so neither does depgov.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Digits(Box<str>);

impl Digits {
    /// `digits` must be ASCII digits only; leading zeros do not count (`007` is `7`).
    fn new(digits: &str) -> Digits {
        Digits(digits.trim_start_matches('0').into())
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// The next integer: `9` → `10`.
    fn successor(&self) -> Digits {
        let mut bytes: Vec<u8> = self.0.bytes().collect();
        let mut carry = true;
        for byte in bytes.iter_mut().rev() {
            if !carry {
                break;
            }
            if *byte == b'9' {
                *byte = b'0';
            } else {
                *byte += 1;
                carry = false;
            }
        }
        if carry {
            bytes.insert(0, b'1');
        }
        Digits(bytes.into_iter().map(char::from).collect())
    }
}

impl Ord for Digits {
    fn cmp(&self, other: &Self) -> Ordering {
        // Without leading zeros, a longer number is a larger one.
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for Digits {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for Digits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            f.write_str("0")
        } else {
            f.write_str(&self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts that each version is less than the next one in `ecosystem`'s order.
    pub(super) fn assert_ascending(ecosystem: Ecosystem, versions: &[&str]) {
        for pair in versions.windows(2) {
            assert_eq!(
                compare(ecosystem, pair[0], pair[1]),
                Some(Ordering::Less),
                "{ecosystem}: {} < {}",
                pair[0],
                pair[1]
            );
            assert_eq!(
                compare(ecosystem, pair[1], pair[0]),
                Some(Ordering::Greater),
                "{ecosystem}: {} > {}",
                pair[1],
                pair[0]
            );
        }
    }

    pub(super) fn assert_equal(ecosystem: Ecosystem, a: &str, b: &str) {
        assert_eq!(
            compare(ecosystem, a, b),
            Some(Ordering::Equal),
            "{ecosystem}: {a} == {b}"
        );
    }

    /// SemVer 2.0 §11: "1.0.0-alpha < 1.0.0-alpha.1 < 1.0.0-alpha.beta < 1.0.0-beta <
    /// 1.0.0-beta.2 < 1.0.0-beta.11 < 1.0.0-rc.1 < 1.0.0", and §10: build metadata is ignored.
    #[test]
    fn cargo_orders_by_semver_precedence() {
        let spec = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        assert_ascending(Ecosystem::Cargo, &spec);
        assert_equal(Ecosystem::Cargo, "1.0.0+build.1", "1.0.0+build.2");
        assert_eq!(compare(Ecosystem::Cargo, "1.0", "1.0.0"), None);
        assert_eq!(compare(Ecosystem::Cargo, "v1.0.0", "1.0.0"), None);
    }

    /// node-semver orders as SemVer 2.0 does, ignoring build metadata.
    #[test]
    fn npm_orders_as_node_semver() {
        assert_ascending(
            Ecosystem::Npm,
            &[
                "1.2.3-alpha.1",
                "1.2.3-alpha.2",
                "1.2.3-beta",
                "1.2.3",
                "1.2.4",
            ],
        );
        assert_equal(Ecosystem::Npm, "1.2.3+a", "1.2.3+b");
        assert_eq!(compare(Ecosystem::Npm, "not-a-version", "1.0.0"), None);
    }

    /// PEP 440, "Summary of permitted suffixes and relative ordering" and "Version epochs":
    /// `1.dev0 < 1.0a1 < 1.0b1 < 1.0rc1 < 1.0 < 1.0+local < 1.0.post1`; an epoch beats all.
    #[test]
    fn pypi_orders_by_pep_440() {
        assert_ascending(
            Ecosystem::Pypi,
            &[
                "1.0.dev456",
                "1.0a1",
                "1.0a2.dev456",
                "1.0a12",
                "1.0b2.post345",
                "1.0rc1",
                "1.0",
                "1.0+abc.5",
                "1.0.post456.dev34",
                "1.0.post456",
                "1.1.dev1",
                "2013.10",
                "1!1.0",
            ],
        );
        assert_equal(Ecosystem::Pypi, "1.0", "1.0.0");
        assert_equal(Ecosystem::Pypi, "1.0RC1", "1.0rc1");
    }

    /// Go modules reference, "Versions" and "Pseudo-versions": a pseudo-version is a
    /// pre-release of the version after its base, `+incompatible` is build metadata, and
    /// `golang.org/x/mod/semver` reads `v1.2` as `v1.2.0`.
    #[test]
    fn go_orders_semver_with_pseudo_versions() {
        assert_ascending(
            Ecosystem::Golang,
            &[
                "v0.0.0-20191109021931-daa7c04131f5",
                "v0.0.0-20210101120000-abcdef123456",
                "v0.1.0",
                "v1.2.3",
                "v1.2.4-0.20210101120000-abcdef123456",
                "v1.2.4-pre",
                "v1.2.4-pre.0.20210101120000-abcdef123456",
                "v1.2.4",
                "v2.0.0+incompatible",
                "v2.1.0",
            ],
        );
        assert_equal(Ecosystem::Golang, "v2.0.0+incompatible", "v2.0.0");
        assert_equal(Ecosystem::Golang, "v1.2", "v1.2.0");
        assert_equal(Ecosystem::Golang, "1.2.3", "v1.2.3");
        assert_eq!(compare(Ecosystem::Golang, "v1.2.3.4", "v1.2.3"), None);
        assert_eq!(compare(Ecosystem::Golang, "v01.2.3", "v1.2.3"), None);
    }

    #[test]
    fn versions_of_different_ecosystems_still_order_totally() {
        let cargo = Version::parse(Ecosystem::Cargo, "1.0.0");
        let maven = Version::parse(Ecosystem::Maven, "1.0.0");
        assert!(cargo.is_some() && maven.is_some());
        assert_ne!(cargo, maven);
    }

    #[test]
    fn digits_compare_as_integers_of_any_length() {
        assert!(Digits::new("10") > Digits::new("9"));
        assert_eq!(Digits::new("007"), Digits::new("7"));
        assert!(Digits::new("123456789012345678901234567890") > Digits::new("99"));
        assert_eq!(Digits::new("199").successor(), Digits::new("200"));
        assert_eq!(Digits::new("999").successor().to_string(), "1000");
        assert_eq!(Digits::new("0").successor().to_string(), "1");
    }
}
