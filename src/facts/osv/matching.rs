//! Whether an OSV record affects a package version, by the evaluation rules of the OSV schema
//! (ossf/osv-schema, docs/schema.md, "Evaluation"):
//!
//! - only `affected[]` entries of the package count: the same ecosystem (its OSV name exactly;
//!   `Debian:11` is another ecosystem than `Debian`) and the same name (PyPI names compared
//!   PEP 503-normalised, NuGet and Composer names case-insensitively, as those registries
//!   treat them);
//! - a version listed in `versions[]` is affected;
//! - so is one inside a `SEMVER` range (SemVer 2.0 precedence, a leading `v` tolerated) or an
//!   `ECOSYSTEM` range (the ecosystem's own order, [`crate::model::versions`]): the range's
//!   events sorted by version and walked, a version is affected after an `introduced` at or
//!   below it until a `fixed` at or below it or a `last_affected` below it; `introduced: "0"`
//!   is before every version; when the range has `limit` events, only versions below one of
//!   them can be affected;
//! - `GIT` ranges name commits, which a lockfile version cannot be compared with: not judged;
//! - a withdrawn record affects nothing;
//! - an event whose version does not parse never matches, and nothing here panics.

use std::cmp::Ordering;
use std::str::FromStr;

use super::record::{Affected, Event, Range, Record};
use crate::model::Ecosystem;
use crate::model::purl::normalize_name;
use crate::model::versions::Version;

/// The OSV ecosystem name of a depgov ecosystem.
pub fn osv_ecosystem(ecosystem: Ecosystem) -> &'static str {
    match ecosystem {
        Ecosystem::Cargo => "crates.io",
        Ecosystem::Npm => "npm",
        Ecosystem::Pypi => "PyPI",
        Ecosystem::Golang => "Go",
        Ecosystem::Maven => "Maven",
        Ecosystem::Gem => "RubyGems",
        Ecosystem::Nuget => "NuGet",
        Ecosystem::Composer => "Packagist",
    }
}

/// Whether `record` affects `name` at `version` in `ecosystem`.
pub fn affects(record: &Record, ecosystem: Ecosystem, name: &str, version: &str) -> bool {
    record.withdrawn.is_none()
        && entries_for(record, ecosystem, name)
            .any(|affected| affected_version(affected, ecosystem, version))
}

/// The `fixed` versions a record gives for the package, in the record's order, each once.
/// `GIT` ranges are left out: their fixes are commits.
pub fn fixed_versions(record: &Record, ecosystem: Ecosystem, name: &str) -> Vec<String> {
    let mut fixes: Vec<String> = Vec::new();
    if record.withdrawn.is_some() {
        return fixes;
    }
    let fixed = entries_for(record, ecosystem, name)
        .flat_map(|affected| &affected.ranges)
        .filter(|range| RangeKind::of(range).is_some())
        .flat_map(|range| &range.events)
        .filter_map(|event| event.fixed.as_deref());
    for fix in fixed {
        if !fixes.iter().any(|known| known == fix) {
            fixes.push(fix.to_owned());
        }
    }
    fixes
}

/// The smallest version above `current` that none of `records` affects, among the versions
/// the records say fix them; `None` when no such version is known. Go versions get the `v`
/// OSV records leave out, so that the answer is a version `go get` takes.
pub fn smallest_fixing(
    records: &[&Record],
    ecosystem: Ecosystem,
    name: &str,
    current: &str,
) -> Option<String> {
    let current = Version::parse(ecosystem, current)?;
    // The minimum of the fixes that fix everything, found without sorting: Maven's order, like
    // Maven's own, is not transitive for some odd versions, and a sort may panic on that.
    let (_, fix) = records
        .iter()
        .flat_map(|record| fixed_versions(record, ecosystem, name))
        .filter_map(|fix| Some((Version::parse(ecosystem, &fix)?, fix)))
        .filter(|(version, _)| *version > current)
        .filter(|(_, fix)| {
            records
                .iter()
                .all(|record| !affects(record, ecosystem, name, fix))
        })
        .min_by(|a, b| a.0.cmp(&b.0))?;
    Some(match ecosystem {
        Ecosystem::Golang if !fix.starts_with('v') => format!("v{fix}"),
        _ => fix,
    })
}

/// The record's entries about the package.
fn entries_for<'a>(
    record: &'a Record,
    ecosystem: Ecosystem,
    name: &'a str,
) -> impl Iterator<Item = &'a Affected> {
    let wanted = comparable_name(ecosystem, name);
    record.affected.iter().filter(move |affected| {
        affected.package.as_ref().is_some_and(|package| {
            package.ecosystem == osv_ecosystem(ecosystem)
                && comparable_name(ecosystem, &package.name) == wanted
        })
    })
}

/// A name as its ecosystem compares names: PyPI per PEP 503; NuGet package ids and Composer
/// package names are case-insensitive in their registries.
pub fn comparable_name(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::Nuget | Ecosystem::Composer => name.to_lowercase(),
        _ => normalize_name(ecosystem, name),
    }
}

fn affected_version(affected: &Affected, ecosystem: Ecosystem, version: &str) -> bool {
    let listed = affected
        .versions
        .iter()
        .any(|listed| same_listed_version(ecosystem, listed, version));
    listed
        || affected
            .ranges
            .iter()
            .any(|range| in_range(range, ecosystem, version))
}

/// Listed versions match as written, except where the ecosystem writes one version several
/// ways: PyPI's PEP 440 equality (`1.0` is `1.0.0`), and Go, whose OSV records omit the `v`.
fn same_listed_version(ecosystem: Ecosystem, listed: &str, version: &str) -> bool {
    match ecosystem {
        _ if listed == version => true,
        Ecosystem::Pypi => {
            match (
                pep440_rs::Version::from_str(listed),
                pep440_rs::Version::from_str(version),
            ) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            }
        }
        Ecosystem::Golang => strip_v(listed) == strip_v(version),
        _ => false,
    }
}

fn strip_v(version: &str) -> &str {
    version.strip_prefix('v').unwrap_or(version)
}

/// The range types depgov can judge.
#[derive(Clone, Copy)]
enum RangeKind {
    Semver,
    Ecosystem,
}

impl RangeKind {
    fn of(range: &Range) -> Option<RangeKind> {
        match range.kind.as_str() {
            "SEMVER" => Some(RangeKind::Semver),
            "ECOSYSTEM" => Some(RangeKind::Ecosystem),
            _ => None,
        }
    }

    fn parse(self, ecosystem: Ecosystem, text: &str) -> Option<Version> {
        match self {
            RangeKind::Semver => Version::semver(strip_v(text)),
            RangeKind::Ecosystem => Version::parse(ecosystem, text),
        }
    }
}

/// A point on the version line an event names: `"0"` before every version, a `limit` of `*`
/// after every version.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Point {
    Start,
    At(Version),
    End,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

/// The event's kind and version; `None` for an event with no field set.
fn event_parts(event: &Event) -> Option<(EventKind, &str)> {
    let fields = [
        (EventKind::Introduced, &event.introduced),
        (EventKind::Fixed, &event.fixed),
        (EventKind::LastAffected, &event.last_affected),
        (EventKind::Limit, &event.limit),
    ];
    fields
        .into_iter()
        .find_map(|(kind, value)| Some((kind, value.as_deref()?)))
}

fn in_range(range: &Range, ecosystem: Ecosystem, version: &str) -> bool {
    let Some(kind) = RangeKind::of(range) else {
        return false;
    };
    let Some(version) = kind.parse(ecosystem, version) else {
        return false;
    };
    let version = Point::At(version);
    // Events whose version does not parse are left out: they match nothing.
    let events: Vec<(EventKind, Point)> = range
        .events
        .iter()
        .filter_map(event_parts)
        .filter_map(|(event, text)| {
            let point = match (event, text) {
                (EventKind::Introduced, "0") => Point::Start,
                (EventKind::Limit, text) if text.contains('*') => Point::End,
                (_, text) => Point::At(kind.parse(ecosystem, text)?),
            };
            Some((event, point))
        })
        .collect();
    let has_limits = range
        .events
        .iter()
        .any(|event| event_parts(event).is_some_and(|(kind, _)| kind == EventKind::Limit));
    let below_a_limit = events
        .iter()
        .any(|(kind, limit)| *kind == EventKind::Limit && version < *limit);
    if has_limits && !below_a_limit {
        return false;
    }
    // Walking the events sorted by version, the last one that applies to the version decides:
    // that is the applying event of the greatest version (of equal ones, the last written, as
    // a stable sort leaves it). Taking it directly needs no sort, which could panic on an order
    // that is not transitive (Maven's, for some odd versions).
    let mut deciding: Option<(EventKind, &Point)> = None;
    for (kind, point) in &events {
        let order = version.cmp(point);
        let applies = match kind {
            EventKind::Introduced | EventKind::Fixed => order != Ordering::Less,
            EventKind::LastAffected => order == Ordering::Greater,
            EventKind::Limit => false,
        };
        if applies && deciding.is_none_or(|(_, greatest)| point >= greatest) {
            deciding = Some((*kind, point));
        }
    }
    deciding.is_some_and(|(kind, _)| kind == EventKind::Introduced)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::osv::record::Package;

    /// An event from `kind=version`.
    fn event(spec: &str) -> Event {
        let (kind, version) = spec.split_once('=').unwrap();
        let mut event = Event::default();
        let field = match kind {
            "introduced" => &mut event.introduced,
            "fixed" => &mut event.fixed,
            "last_affected" => &mut event.last_affected,
            "limit" => &mut event.limit,
            other => panic!("no event kind {other}"),
        };
        *field = Some(version.to_owned());
        event
    }

    fn range(kind: &str, events: &[&str]) -> Range {
        Range {
            kind: kind.to_owned(),
            events: events.iter().map(|e| event(e)).collect(),
        }
    }

    fn affected(ecosystem: &str, name: &str, ranges: Vec<Range>, versions: &[&str]) -> Affected {
        Affected {
            package: Some(Package {
                ecosystem: ecosystem.to_owned(),
                name: name.to_owned(),
                purl: None,
            }),
            ranges,
            versions: versions.iter().map(|v| (*v).to_owned()).collect(),
            ..Affected::default()
        }
    }

    fn record(id: &str, affected: Vec<Affected>) -> Record {
        Record {
            id: id.to_owned(),
            affected,
            ..Record::default()
        }
    }

    /// A record with one `ECOSYSTEM` range for `name` in `ecosystem`.
    fn ranged(ecosystem: Ecosystem, name: &str, events: &[&str]) -> Record {
        let entry = affected(
            osv_ecosystem(ecosystem),
            name,
            vec![range("ECOSYSTEM", events)],
            &[],
        );
        record("TEST-1", vec![entry])
    }

    /// Asserts which of `versions` the record affects (`+1.0`) and which it does not (`-1.0`).
    fn check(record: &Record, ecosystem: Ecosystem, name: &str, versions: &[&str]) {
        for spec in versions {
            let (expected, version) = spec.split_at(1);
            assert_eq!(
                affects(record, ecosystem, name, version),
                expected == "+",
                "{ecosystem} {name} {version} should be {}",
                if expected == "+" {
                    "affected"
                } else {
                    "unaffected"
                }
            );
        }
    }

    /// The schema's examples: "Fixed vulnerability", "Multiple range", "Unfixed".
    #[test]
    fn walks_introduced_and_fixed_events() {
        let fixed = ranged(Ecosystem::Cargo, "x", &["introduced=0", "fixed=1.0.2"]);
        check(
            &fixed,
            Ecosystem::Cargo,
            "x",
            &["+0.0.1", "+1.0.1", "+1.0.2-rc.1", "-1.0.2", "-2.0.0"],
        );
        let multiple = ranged(
            Ecosystem::Cargo,
            "x",
            &[
                "introduced=1.0.0",
                "fixed=1.0.2",
                "introduced=3.0.0",
                "fixed=3.2.5",
            ],
        );
        check(
            &multiple,
            Ecosystem::Cargo,
            "x",
            &[
                "-0.9.0",
                "-1.0.0-rc.1",
                "+1.0.0",
                "+1.0.1",
                "-1.0.2",
                "-2.9.9",
                "+3.0.0",
                "+3.2.4",
                "-3.2.5",
            ],
        );
        let unfixed = ranged(Ecosystem::Cargo, "x", &["introduced=0"]);
        check(&unfixed, Ecosystem::Cargo, "x", &["+0.0.0", "+99.0.0"]);
    }

    #[test]
    fn sorts_events_before_walking_them() {
        let unsorted = ranged(
            Ecosystem::Npm,
            "x",
            &[
                "fixed=3.2.5",
                "introduced=3.0.0",
                "fixed=1.0.2",
                "introduced=1.0.0",
            ],
        );
        check(
            &unsorted,
            Ecosystem::Npm,
            "x",
            &["-0.5.0", "+1.0.1", "-1.0.2", "-2.0.0", "+3.1.0", "-3.2.5"],
        );
    }

    /// The schema's "last_affected vs fixed" example: `last_affected` is itself affected.
    #[test]
    fn last_affected_includes_its_own_version() {
        let last = ranged(
            Ecosystem::Pypi,
            "x",
            &["introduced=1.0", "last_affected=1.2"],
        );
        check(
            &last,
            Ecosystem::Pypi,
            "x",
            &["-0.9", "+1.0", "+1.2", "+1.2.0", "-1.2.post1", "-1.3"],
        );
    }

    /// The schema's "limit" example: a `limit` bounds the range from above, `*` is infinity.
    #[test]
    fn limits_bound_the_range() {
        let limited = ranged(Ecosystem::Cargo, "x", &["introduced=0", "limit=1.5.0"]);
        check(
            &limited,
            Ecosystem::Cargo,
            "x",
            &["+1.0.0", "+1.4.9", "-1.5.0", "-2.0.0"],
        );
        let infinite = ranged(Ecosystem::Cargo, "x", &["introduced=1.0.0", "limit=*"]);
        check(
            &infinite,
            Ecosystem::Cargo,
            "x",
            &["-0.9.0", "+1.0.0", "+9.0.0"],
        );
        let unreadable_limit = ranged(Ecosystem::Cargo, "x", &["introduced=0", "limit=junk"]);
        check(&unreadable_limit, Ecosystem::Cargo, "x", &["-1.0.0"]);
    }

    #[test]
    fn several_ranges_and_entries_each_count() {
        let record = record(
            "TEST-2",
            vec![
                affected(
                    "npm",
                    "x",
                    vec![
                        range("SEMVER", &["introduced=1.0.0", "fixed=1.1.0"]),
                        range("SEMVER", &["introduced=2.0.0", "fixed=2.0.3"]),
                    ],
                    &[],
                ),
                affected(
                    "npm",
                    "x",
                    vec![range("SEMVER", &["introduced=4.0.0"])],
                    &[],
                ),
            ],
        );
        check(
            &record,
            Ecosystem::Npm,
            "x",
            &["+1.0.5", "-1.5.0", "+2.0.2", "-3.0.0", "+4.1.0"],
        );
    }

    #[test]
    fn explicit_versions_match_as_the_ecosystem_writes_them() {
        let listed = record(
            "TEST-3",
            vec![affected(
                "PyPI",
                "Some_Package",
                vec![],
                &["1.0", "2.0.post1"],
            )],
        );
        check(
            &listed,
            Ecosystem::Pypi,
            "some-package",
            &["+1.0", "+1.0.0", "+2.0.post1", "-2.0", "-1.1"],
        );
        let go = record(
            "TEST-4",
            vec![affected("Go", "example.com/m", vec![], &["1.2.3"])],
        );
        check(
            &go,
            Ecosystem::Golang,
            "example.com/m",
            &["+v1.2.3", "-v1.2.4"],
        );
        let npm = record("TEST-5", vec![affected("npm", "x", vec![], &["1.0.0"])]);
        check(&npm, Ecosystem::Npm, "x", &["+1.0.0", "-1.0.1"]);
    }

    #[test]
    fn only_the_package_in_its_ecosystem_counts() {
        let debian = record(
            "TEST-6",
            vec![affected(
                "Debian:11",
                "x",
                vec![range("ECOSYSTEM", &["introduced=0"])],
                &[],
            )],
        );
        check(&debian, Ecosystem::Cargo, "x", &["-1.0.0"]);
        let other_name = ranged(Ecosystem::Cargo, "y", &["introduced=0"]);
        check(&other_name, Ecosystem::Cargo, "x", &["-1.0.0"]);
        let pypi = ranged(Ecosystem::Cargo, "x", &["introduced=0"]);
        check(&pypi, Ecosystem::Pypi, "x", &["-1.0.0"]);
        let nuget = ranged(
            Ecosystem::Nuget,
            "Newtonsoft.Json",
            &["introduced=0", "fixed=13.0.1"],
        );
        check(
            &nuget,
            Ecosystem::Nuget,
            "newtonsoft.json",
            &["+12.0.3", "-13.0.1"],
        );
        let no_package = record(
            "TEST-7",
            vec![Affected {
                ranges: vec![range("ECOSYSTEM", &["introduced=0"])],
                ..Affected::default()
            }],
        );
        check(&no_package, Ecosystem::Cargo, "x", &["-1.0.0"]);
    }

    #[test]
    fn withdrawn_records_and_git_ranges_affect_nothing() {
        let mut withdrawn = ranged(Ecosystem::Cargo, "x", &["introduced=0"]);
        withdrawn.withdrawn = Some("2024-01-01T00:00:00Z".to_owned());
        check(&withdrawn, Ecosystem::Cargo, "x", &["-1.0.0"]);
        assert!(fixed_versions(&withdrawn, Ecosystem::Cargo, "x").is_empty());
        let git = record(
            "TEST-8",
            vec![affected(
                "crates.io",
                "x",
                vec![range("GIT", &["introduced=0", "fixed=abcdef0123456789"])],
                &[],
            )],
        );
        check(&git, Ecosystem::Cargo, "x", &["-1.0.0"]);
        assert!(fixed_versions(&git, Ecosystem::Cargo, "x").is_empty());
    }

    #[test]
    fn unreadable_versions_never_match_and_never_panic() {
        let junk = ranged(Ecosystem::Cargo, "x", &["introduced=junk", "fixed=2.0.0"]);
        check(&junk, Ecosystem::Cargo, "x", &["-1.0.0"]);
        let fine = ranged(Ecosystem::Cargo, "x", &["introduced=0", "fixed=???"]);
        check(
            &fine,
            Ecosystem::Cargo,
            "x",
            &["+1.0.0", "-not-a-version", "-"],
        );
        let empty_event = Record {
            affected: vec![affected(
                "crates.io",
                "x",
                vec![Range {
                    kind: "ECOSYSTEM".to_owned(),
                    events: vec![Event::default(), event("introduced=0")],
                }],
                &[],
            )],
            ..Record::default()
        };
        check(&empty_event, Ecosystem::Cargo, "x", &["+1.0.0"]);
    }

    /// Maven's order, like Maven's own, is not transitive for odd versions (`dRc316 < -.s68 =
    /// -` but `dRc316 > -`): matching still answers, and never panics.
    #[test]
    fn an_order_that_is_not_transitive_does_not_panic() {
        let odd = ["dRc316", "-.s68", "-", "1", "0", "a1", "-1"];
        let events: Vec<String> = odd
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let kind = ["introduced", "fixed", "last_affected", "limit"][i % 4];
                format!("{kind}={v}")
            })
            .collect();
        let events: Vec<&str> = events.iter().map(String::as_str).collect();
        let record = ranged(Ecosystem::Maven, "g:a", &events);
        for version in odd {
            affects(&record, Ecosystem::Maven, "g:a", version);
            smallest_fixing(&[&record], Ecosystem::Maven, "g:a", version);
        }
    }

    /// Pre-releases sit before their release, so a range fixed at `2.0.0` covers `2.0.0-rc.1`,
    /// and one introduced at `2.0.0` does not.
    #[test]
    fn prereleases_order_at_range_boundaries() {
        let record = ranged(Ecosystem::Npm, "x", &["introduced=1.0.0", "fixed=2.0.0"]);
        check(
            &record,
            Ecosystem::Npm,
            "x",
            &["-1.0.0-beta.1", "+1.0.0", "+2.0.0-rc.1", "-2.0.0"],
        );
        let from_pre = ranged(
            Ecosystem::Npm,
            "x",
            &["introduced=2.0.0-beta.2", "fixed=2.0.0"],
        );
        check(
            &from_pre,
            Ecosystem::Npm,
            "x",
            &["-2.0.0-beta.1", "+2.0.0-beta.2", "+2.0.0-rc.1"],
        );
    }

    /// The Go vulnerability database writes `SEMVER` ranges without the `v`.
    #[test]
    fn go_pseudo_versions_and_incompatible_versions() {
        let record = record(
            "GO-2021-0001",
            vec![affected(
                "Go",
                "github.com/x/y",
                vec![range("SEMVER", &["introduced=0", "fixed=1.2.0"])],
                &[],
            )],
        );
        check(
            &record,
            Ecosystem::Golang,
            "github.com/x/y",
            &[
                "+v0.0.0-20210101120000-abcdef123456",
                "+v1.1.9",
                "+v1.2.0-0.20220101000000-abcdef123456",
                "-v1.2.0",
                "-v1.2.1-0.20220101000000-abcdef123456",
            ],
        );
        let incompatible = record_with_ecosystem_range(
            "Go",
            "github.com/x/z",
            &["introduced=2.0.0+incompatible", "fixed=2.3.0+incompatible"],
        );
        check(
            &incompatible,
            Ecosystem::Golang,
            "github.com/x/z",
            &[
                "-v1.9.0",
                "+v2.0.0+incompatible",
                "+v2.2.0+incompatible",
                "-v2.3.0+incompatible",
            ],
        );
    }

    fn record_with_ecosystem_range(ecosystem: &str, name: &str, events: &[&str]) -> Record {
        record(
            "TEST-9",
            vec![affected(
                ecosystem,
                name,
                vec![range("ECOSYSTEM", events)],
                &[],
            )],
        )
    }

    /// CVE-2021-44228 (GHSA-jfh8-c2jp-5v3q): log4j-core from 2.0-beta9 before 2.15.0, with
    /// Maven's qualifiers around the boundaries.
    #[test]
    fn log4shell_affects_log4j_core_2_14_1() {
        let log4shell = record_with_ecosystem_range(
            "Maven",
            "org.apache.logging.log4j:log4j-core",
            &["introduced=2.0-beta9", "fixed=2.15.0"],
        );
        check(
            &log4shell,
            Ecosystem::Maven,
            "org.apache.logging.log4j:log4j-core",
            &[
                "-2.0-beta8",
                "+2.0-beta9",
                "+2.0",
                "+2.14.1",
                "+2.15.0-rc1",
                "-2.15.0",
                "-2.17.1",
            ],
        );
        check(
            &log4shell,
            Ecosystem::Maven,
            "org.apache.logging.log4j:log4j-api",
            &["-2.14.1"],
        );
        let rc_fix = record_with_ecosystem_range("Maven", "g:a", &["introduced=0", "fixed=2.17.0"]);
        check(
            &rc_fix,
            Ecosystem::Maven,
            "g:a",
            &["+2.17.0-rc1", "+1.0-SNAPSHOT", "-2.17.0", "-2.17.0.1"],
        );
    }

    /// GHSA-35jh-r3h4-6jhm (lodash command injection), fixed in 4.17.21.
    #[test]
    fn lodash_4_17_20_is_affected() {
        let record = record(
            "GHSA-35jh-r3h4-6jhm",
            vec![affected(
                "npm",
                "lodash",
                vec![range("SEMVER", &["introduced=0", "fixed=4.17.21"])],
                &[],
            )],
        );
        check(
            &record,
            Ecosystem::Npm,
            "lodash",
            &["+4.17.20", "-4.17.21", "-5.0.0"],
        );
        assert_eq!(
            fixed_versions(&record, Ecosystem::Npm, "lodash"),
            ["4.17.21"]
        );
    }

    #[test]
    fn nuget_rubygems_composer_and_pypi_use_their_own_order() {
        let nuget = record_with_ecosystem_range("NuGet", "N", &["introduced=1.0", "fixed=1.0.0.5"]);
        check(
            &nuget,
            Ecosystem::Nuget,
            "N",
            &["-0.9", "+1.0.0.0", "+1.0.0.4", "+1.0.0.5-beta", "-1.0.0.5"],
        );
        let gem =
            record_with_ecosystem_range("RubyGems", "rails", &["introduced=6.0", "fixed=6.1.7.1"]);
        check(
            &gem,
            Ecosystem::Gem,
            "rails",
            &[
                "-5.2.8",
                "+6.0.0",
                "+6.1.7",
                "+6.1.7.1.rc1",
                "-6.1.7.1",
                "-7.0.0.alpha",
            ],
        );
        let composer = record_with_ecosystem_range(
            "Packagist",
            "symfony/http-kernel",
            &["introduced=5.0.0", "fixed=5.4.20"],
        );
        check(
            &composer,
            Ecosystem::Composer,
            "symfony/http-kernel",
            &[
                "-4.4.0",
                "+v5.0.0",
                "+5.4.19",
                "+5.4.20-RC1",
                "+5.4.20-beta",
                "-5.4.20",
                "-v5.4.20-patch1",
                "-dev-main",
            ],
        );
        let pypi =
            record_with_ecosystem_range("PyPI", "django", &["introduced=4.0", "fixed=4.0.2"]);
        check(
            &pypi,
            Ecosystem::Pypi,
            "Django",
            &[
                "-4.0.dev1",
                "-4.0a1",
                "+4.0",
                "+4.0.1+ubuntu1",
                "+4.0.1.post1",
                "+4.0.2rc1",
                "-4.0.2",
                "-4!1.0",
            ],
        );
    }

    #[test]
    fn the_smallest_fix_above_the_current_version_fixes_every_record() {
        let first = record_with_ecosystem_range(
            "npm",
            "x",
            &[
                "introduced=0",
                "fixed=1.2.5",
                "introduced=2.0.0",
                "fixed=2.1.0",
            ],
        );
        let second = record_with_ecosystem_range("npm", "x", &["introduced=0", "fixed=2.0.5"]);
        // 2.0.5 fixes the second, but the first affects it: 2.1.0 fixes both.
        assert_eq!(
            smallest_fixing(&[&first, &second], Ecosystem::Npm, "x", "1.0.0").as_deref(),
            Some("2.1.0")
        );
        assert_eq!(
            smallest_fixing(&[&first], Ecosystem::Npm, "x", "1.0.0").as_deref(),
            Some("1.2.5")
        );
        let unfixed = record_with_ecosystem_range("npm", "x", &["introduced=0"]);
        assert_eq!(
            smallest_fixing(&[&first, &unfixed], Ecosystem::Npm, "x", "1.0.0"),
            None
        );
        assert_eq!(
            smallest_fixing(&[&first], Ecosystem::Npm, "x", "junk"),
            None
        );
        let go = record(
            "GO-1",
            vec![affected(
                "Go",
                "m",
                vec![range("SEMVER", &["introduced=0", "fixed=1.2.0"])],
                &[],
            )],
        );
        assert_eq!(
            smallest_fixing(&[&go], Ecosystem::Golang, "m", "v1.0.0").as_deref(),
            Some("v1.2.0")
        );
    }

    #[test]
    fn every_ecosystem_has_its_osv_name() {
        let names: Vec<&str> = Ecosystem::ALL.into_iter().map(osv_ecosystem).collect();
        assert_eq!(
            names,
            [
                "crates.io",
                "npm",
                "PyPI",
                "Go",
                "RubyGems",
                "Packagist",
                "Maven",
                "NuGet"
            ]
        );
    }
}
