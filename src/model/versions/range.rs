//! Version ranges and requirements in the syntax of each ecosystem: what a policy entry's
//! `versions` holds, and what a manifest's requirement allows.
//!
//! Cargo, npm, Go and PyPI ranges are read by those ecosystems' crates. Maven, NuGet, RubyGems
//! and Composer ranges are read here, into bounds compared in the ecosystem's own version order
//! ([`super`]): comparators everywhere (`>=1.0, <2.0`; commas and spaces join, `||` separates
//! alternatives), Maven's and NuGet's intervals (`[1.0,2.0)`), RubyGems' `~>`, and Composer's
//! `^`, `~` and wildcards.

use std::str::FromStr;

use super::Version;
use super::composer::Release;
use super::gem::GemVersion;
use crate::model::Ecosystem;

/// A version range in the syntax of one ecosystem.
#[derive(Clone, Debug)]
pub enum VersionRange {
    /// Cargo's semver requirements (`<0.10.55`, `>=1.2, <2`).
    Cargo(semver::VersionReq),
    /// npm's node-semver ranges (`<3`, `>=1.2.0 <2 || ^3`). Also used for Go modules, whose
    /// versions are semver with a `v` prefix; there pre-releases (pseudo-versions) match too.
    NodeSemver {
        range: nodejs_semver::Range,
        include_prerelease: bool,
    },
    /// PEP 440 version specifiers (`<2.0,>=1.4`, `~=1.4`).
    Pep440(pep440_rs::VersionSpecifiers),
    /// Maven, NuGet, RubyGems and Composer: alternatives, each a list of bounds that must all
    /// hold, in the ecosystem's version order. An alternative without bounds (Composer's `*`)
    /// holds for every version.
    Ordered {
        ecosystem: Ecosystem,
        alternatives: Vec<Vec<Bound>>,
    },
}

impl VersionRange {
    /// Reads `text` with the range syntax of `ecosystem`; the error says what went wrong.
    pub fn parse(ecosystem: Ecosystem, text: &str) -> Result<Self, String> {
        match ecosystem {
            Ecosystem::Cargo => semver::VersionReq::parse(text)
                .map(VersionRange::Cargo)
                .map_err(|e| format!("not a Cargo semver requirement: {e}")),
            Ecosystem::Npm => nodejs_semver::Range::parse(text)
                .map(|range| VersionRange::NodeSemver {
                    range,
                    include_prerelease: false,
                })
                .map_err(|e| format!("not an npm semver range: {e}")),
            Ecosystem::Golang => nodejs_semver::Range::parse(strip_v_prefixes(text))
                .map(|range| VersionRange::NodeSemver {
                    range,
                    include_prerelease: true,
                })
                .map_err(|e| format!("not a Go module version range: {e}")),
            Ecosystem::Pypi => pep440_rs::VersionSpecifiers::from_str(text)
                .map(VersionRange::Pep440)
                .map_err(|e| format!("not a PEP 440 version specifier: {e}")),
            Ecosystem::Maven | Ecosystem::Nuget | Ecosystem::Gem | Ecosystem::Composer => {
                parse_ordered(ecosystem, text)
                    .map(|alternatives| VersionRange::Ordered {
                        ecosystem,
                        alternatives,
                    })
                    .map_err(|e| format!("not a {} version range: {e}", ecosystem_title(ecosystem)))
            }
        }
    }

    /// Whether `version` lies in the range. A version the ecosystem's syntax cannot read is
    /// outside every range.
    pub fn contains(&self, version: &str) -> bool {
        match self {
            VersionRange::Cargo(req) => {
                semver::Version::parse(version).is_ok_and(|v| req.matches(&v))
            }
            VersionRange::NodeSemver {
                range,
                include_prerelease,
            } => nodejs_semver::Version::parse(version.strip_prefix('v').unwrap_or(version))
                .is_ok_and(|v| range.satisfies_with_prerelease(&v, *include_prerelease)),
            VersionRange::Pep440(specifiers) => {
                pep440_rs::Version::from_str(version).is_ok_and(|v| specifiers.contains(&v))
            }
            VersionRange::Ordered {
                ecosystem,
                alternatives,
            } => Version::parse(*ecosystem, version).is_some_and(|version| {
                alternatives
                    .iter()
                    .any(|bounds| bounds.iter().all(|bound| bound.holds(&version)))
            }),
        }
    }
}

impl VersionRange {
    /// The versions a manifest's `requirement` allows, read in the ecosystem's syntax: an
    /// empty requirement or `*` allows every version. A requirement the syntax cannot read, or
    /// holding an unresolved `${…}`, is an error: depgov does not guess what it means.
    pub fn of_requirement(ecosystem: Ecosystem, requirement: &str) -> Result<Self, String> {
        let requirement = requirement.trim();
        if requirement.contains("${") {
            // A Maven property nobody defines: what it stands for is unknown.
            return Err(format!("`{requirement}` holds a property nobody defines"));
        }
        if !requirement.is_empty() && requirement != "*" {
            return VersionRange::parse(ecosystem, requirement);
        }
        Ok(match ecosystem {
            Ecosystem::Cargo => VersionRange::Cargo(semver::VersionReq::STAR),
            Ecosystem::Npm | Ecosystem::Golang => VersionRange::NodeSemver {
                range: nodejs_semver::Range::any(),
                include_prerelease: ecosystem == Ecosystem::Golang,
            },
            Ecosystem::Pypi => VersionRange::Pep440(pep440_rs::VersionSpecifiers::empty()),
            Ecosystem::Maven | Ecosystem::Nuget | Ecosystem::Gem | Ecosystem::Composer => {
                VersionRange::Ordered {
                    ecosystem,
                    alternatives: vec![Vec::new()],
                }
            }
        })
    }

    /// The version of `versions` an installer would pick for this range when nothing else
    /// constrains it: the newest the range holds, or the lowest where the installer takes
    /// that ([`End`]), a release before any pre-release. A pre-release is picked only when no
    /// release is held and the range admits one: Cargo's and npm's ranges hold pre-releases
    /// only when they name one (their own rules), PEP 440 takes a pre-release when only
    /// pre-releases satisfy, so does Go's `@latest`, and Maven, NuGet and RubyGems ranges
    /// admit one when a bound names one. Composer installs stable releases unless told
    /// otherwise (`minimum-stability`, stability flags depgov drops). The pick is a maximum
    /// or minimum, never a sort: Maven's order is not transitive for some odd versions.
    pub fn pick<'a>(
        &self,
        ecosystem: Ecosystem,
        end: End,
        versions: impl IntoIterator<Item = &'a str>,
    ) -> Option<&'a str> {
        let held: Vec<(Version, &str)> = versions
            .into_iter()
            .filter(|text| self.contains(text))
            .filter_map(|text| Some((Version::parse(ecosystem, text)?, text)))
            .collect();
        let pick = |releases_only: bool| {
            let candidates = held
                .iter()
                .filter(|(version, _)| !releases_only || !version.is_prerelease());
            match end {
                End::Newest => candidates.max_by(|a, b| a.0.cmp(&b.0)),
                End::Lowest => candidates.min_by(|a, b| a.0.cmp(&b.0)),
            }
            .map(|(_, text)| *text)
        };
        pick(true).or_else(|| self.admits_prereleases().then(|| pick(false)).flatten())
    }

    /// Whether a pre-release may be picked when no release is held ([`VersionRange::newest`]).
    fn admits_prereleases(&self) -> bool {
        match self {
            VersionRange::Cargo(_) | VersionRange::NodeSemver { .. } | VersionRange::Pep440(_) => {
                true
            }
            VersionRange::Ordered {
                ecosystem: Ecosystem::Composer,
                ..
            } => false,
            VersionRange::Ordered { alternatives, .. } => {
                alternatives.iter().flatten().any(|bound| match bound {
                    Bound::Compare(_, version) => version.is_prerelease(),
                    Bound::Pessimistic { floor, .. } => floor.is_prerelease(),
                })
            }
        }
    }

    /// Whether a manifest's version `requirement`, written in the ecosystem's own syntax
    /// (`^4.17.0`, `>=2.0,<3`, `[1.0,2.0)`, `~> 1.2`), can resolve to a version in this range:
    /// whether some version satisfies both. An empty requirement allows every version. A
    /// requirement the ecosystem's syntax cannot read (or holding an unresolved `${…}`)
    /// resolves into no range: depgov does not guess what it means.
    pub fn may_resolve(&self, ecosystem: Ecosystem, requirement: &str) -> bool {
        let requirement = requirement.trim();
        if requirement.is_empty() || requirement == "*" {
            return true;
        }
        let Ok(required) = VersionRange::of_requirement(ecosystem, requirement) else {
            return false;
        };
        match (self, &required) {
            (VersionRange::NodeSemver { range, .. }, VersionRange::NodeSemver { range: r, .. }) => {
                range.allows_any(r)
            }
            _ => {
                let (ours, theirs) = (self.intervals(), required.intervals());
                ours.iter()
                    .any(|a| theirs.iter().any(|b| !a.clone().meet(b).is_empty()))
            }
        }
    }

    /// The range as a union of intervals; Cargo's and npm's ranges are not taken apart (they
    /// compare through their own crates) and give none.
    fn intervals(&self) -> Vec<Interval> {
        match self {
            VersionRange::Cargo(_) | VersionRange::NodeSemver { .. } => Vec::new(),
            VersionRange::Pep440(specifiers) => {
                let interval = specifiers
                    .iter()
                    .map(pep440_interval)
                    .fold(Interval::default(), |all, one| all.meet(&one));
                vec![interval]
            }
            VersionRange::Ordered { alternatives, .. } => alternatives
                .iter()
                .map(|bounds| {
                    bounds
                        .iter()
                        .map(Bound::interval)
                        .fold(Interval::default(), |all, one| all.meet(&one))
                })
                .collect(),
        }
    }
}

/// The versions between two ends, each included or not; a missing end is unbounded.
#[derive(Clone, Debug, Default)]
struct Interval {
    lower: Option<(Version, bool)>,
    upper: Option<(Version, bool)>,
}

impl Interval {
    fn between(lower: Option<(Version, bool)>, upper: Option<(Version, bool)>) -> Self {
        Interval { lower, upper }
    }

    /// The versions in both.
    fn meet(mut self, other: &Interval) -> Interval {
        if let Some((version, inclusive)) = &other.lower {
            let tighter = self.lower.as_ref().is_none_or(|(ours, ours_inclusive)| {
                version > ours || (version == ours && *ours_inclusive && !inclusive)
            });
            if tighter {
                self.lower = Some((version.clone(), *inclusive));
            }
        }
        if let Some((version, inclusive)) = &other.upper {
            let tighter = self.upper.as_ref().is_none_or(|(ours, ours_inclusive)| {
                version < ours || (version == ours && *ours_inclusive && !inclusive)
            });
            if tighter {
                self.upper = Some((version.clone(), *inclusive));
            }
        }
        self
    }

    fn is_empty(&self) -> bool {
        match (&self.lower, &self.upper) {
            (Some((low, low_inclusive)), Some((high, high_inclusive))) => {
                low > high || (low == high && !(*low_inclusive && *high_inclusive))
            }
            _ => false,
        }
    }
}

/// The interval of one PEP 440 specifier; `!=` excludes too little to narrow one.
fn pep440_interval(specifier: &pep440_rs::VersionSpecifier) -> Interval {
    use pep440_rs::Operator;
    let at = |v: &pep440_rs::Version| Version::Pypi(v.clone());
    // `~=1.4.5` and `==1.4.*` end below the release after the prefix they keep.
    let below_next = |v: &pep440_rs::Version, kept: usize| {
        let mut release: Vec<u64> = v.release().iter().copied().take(kept.max(1)).collect();
        if let Some(last) = release.last_mut() {
            *last = last.saturating_add(1);
        }
        Some((Version::Pypi(pep440_rs::Version::new(release)), false))
    };
    let version = specifier.version();
    match specifier.operator() {
        Operator::Equal | Operator::ExactEqual => {
            Interval::between(Some((at(version), true)), Some((at(version), true)))
        }
        Operator::EqualStar => Interval::between(
            Some((at(version), true)),
            below_next(version, version.release().len()),
        ),
        Operator::TildeEqual => Interval::between(
            Some((at(version), true)),
            below_next(version, version.release().len().saturating_sub(1)),
        ),
        Operator::GreaterThan => Interval::between(Some((at(version), false)), None),
        Operator::GreaterThanEqual => Interval::between(Some((at(version), true)), None),
        Operator::LessThan => Interval::between(None, Some((at(version), false))),
        Operator::LessThanEqual => Interval::between(None, Some((at(version), true))),
        Operator::NotEqual | Operator::NotEqualStar => Interval::default(),
    }
}

/// How an ecosystem is named in messages.
fn ecosystem_title(ecosystem: Ecosystem) -> &'static str {
    match ecosystem {
        Ecosystem::Maven => "Maven",
        Ecosystem::Nuget => "NuGet",
        Ecosystem::Gem => "RubyGems",
        Ecosystem::Composer => "Composer",
        other => other.as_str(),
    }
}

/// Which end of a range an installer takes from the versions published.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    Newest,
    /// NuGet's "lowest applicable version": it restores the lowest version a range allows.
    Lowest,
}

impl End {
    /// The end `ecosystem`'s installer takes for `requirement`: NuGet takes the lowest
    /// version, except for a floating version (`1.*`, `*`), where it takes the newest;
    /// every other installer takes the newest.
    pub fn for_requirement(ecosystem: Ecosystem, requirement: &str) -> End {
        if ecosystem == Ecosystem::Nuget && !requirement.contains('*') {
            End::Lowest
        } else {
            End::Newest
        }
    }
}

/// One condition on a version.
#[derive(Clone, Debug)]
pub enum Bound {
    Compare(Relation, Version),
    /// RubyGems' `~> floor`: at least `floor`, and a release below its bump (`~> 1.2` is
    /// `>= 1.2, < 2`, and `2.0.a` is outside, as its release `2.0` is not below `2`).
    Pessimistic {
        floor: Version,
        bump: GemVersion,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
}

impl Bound {
    /// The versions the bound admits, as an interval; `!=` excludes too little to narrow one.
    fn interval(&self) -> Interval {
        let end = |version: &Version, inclusive| Some((version.clone(), inclusive));
        match self {
            Bound::Compare(relation, version) => match relation {
                Relation::Less => Interval::between(None, end(version, false)),
                Relation::LessOrEqual => Interval::between(None, end(version, true)),
                Relation::Greater => Interval::between(end(version, false), None),
                Relation::GreaterOrEqual => Interval::between(end(version, true), None),
                Relation::Equal => Interval::between(end(version, true), end(version, true)),
                Relation::NotEqual => Interval::default(),
            },
            Bound::Pessimistic { floor, bump } => {
                Interval::between(end(floor, true), Some((Version::Gem(bump.clone()), false)))
            }
        }
    }

    fn holds(&self, version: &Version) -> bool {
        match self {
            Bound::Compare(relation, bound) => match relation {
                Relation::Less => version < bound,
                Relation::LessOrEqual => version <= bound,
                Relation::Greater => version > bound,
                Relation::GreaterOrEqual => version >= bound,
                Relation::Equal => version == bound,
                Relation::NotEqual => version != bound,
            },
            Bound::Pessimistic { floor, bump } => {
                version >= floor && matches!(version, Version::Gem(gem) if gem.release() < *bump)
            }
        }
    }
}

/// The operators a comparator may start with, longest first so that `<=` is not read as `<`.
const OPERATORS: [&str; 11] = ["~>", "<>", "<=", ">=", "!=", "==", "<", ">", "=", "^", "~"];

/// Which operators an ecosystem's ranges accept.
fn accepts_operator(ecosystem: Ecosystem, operator: &str) -> bool {
    match operator {
        "~>" => ecosystem == Ecosystem::Gem,
        "<>" | "^" | "~" => ecosystem == Ecosystem::Composer,
        _ => true,
    }
}

/// Characters that structure a range and so never belong to a version in one. Maven reads any
/// text as a version, so without this `1.0 | 2.0` would compare with a version `|`.
fn is_structural(c: char) -> bool {
    c.is_whitespace() || "|,()[]<>=!~^".contains(c)
}

/// Reads a Maven, NuGet, RubyGems or Composer range into alternatives of bounds.
fn parse_ordered(ecosystem: Ecosystem, text: &str) -> Result<Vec<Vec<Bound>>, String> {
    let mut alternatives = Vec::new();
    for alternative in text.split("||") {
        let alternative = alternative.trim();
        if alternative.is_empty() {
            return Err("an alternative of `||` is empty".into());
        }
        if alternative.starts_with(['[', '(']) {
            alternatives.extend(parse_intervals(ecosystem, alternative)?);
        } else {
            alternatives.push(parse_comparators(ecosystem, alternative)?);
        }
    }
    Ok(alternatives)
}

/// Reads a version of a range; what cannot be one is an error naming it.
fn range_version(ecosystem: Ecosystem, text: &str) -> Result<Version, String> {
    let readable = !text.contains(is_structural) && !text.contains(['*', '@']);
    readable
        .then(|| Version::parse(ecosystem, text))
        .flatten()
        .ok_or_else(|| match ecosystem {
            Ecosystem::Composer if text.starts_with("dev-") => {
                format!("`{text}` is a branch, which has no place in a version order")
            }
            _ => format!("`{text}` is not a {} version", ecosystem_title(ecosystem)),
        })
}

/// Maven's and NuGet's interval notation: `[1.0,2.0)`, `(,1.0]`, `[1.2,)`, `[1.2]`; Maven
/// also takes several, comma-separated, as their union (`(,1.0],[1.2,)`).
fn parse_intervals(ecosystem: Ecosystem, text: &str) -> Result<Vec<Vec<Bound>>, String> {
    if !matches!(ecosystem, Ecosystem::Maven | Ecosystem::Nuget) {
        return Err("interval notation (`[1.0,2.0)`) is for Maven and NuGet ranges".into());
    }
    let mut intervals = Vec::new();
    let mut rest = text;
    loop {
        let Some(close) = rest.find([']', ')']) else {
            return Err(format!("`{rest}` opens an interval it does not close"));
        };
        let (interval, after) = rest.split_at(close + 1);
        intervals.push(parse_interval(ecosystem, interval)?);
        let after = after.trim_start();
        if after.is_empty() {
            break;
        }
        match after.strip_prefix(',') {
            Some(next) if ecosystem == Ecosystem::Maven => rest = next.trim_start(),
            _ => {
                return Err(format!(
                    "unexpected `{after}` after the interval{}",
                    if ecosystem == Ecosystem::Nuget {
                        " (NuGet ranges are a single interval)"
                    } else {
                        ""
                    }
                ));
            }
        }
    }
    Ok(intervals)
}

/// One interval, brackets included.
fn parse_interval(ecosystem: Ecosystem, text: &str) -> Result<Vec<Bound>, String> {
    let lower_inclusive = text.starts_with('[');
    let upper_inclusive = text.ends_with(']');
    let inside = text
        .get(1..text.len() - 1)
        .filter(|_| text.starts_with(['[', '(']))
        .ok_or_else(|| format!("`{text}` is not an interval"))?;
    let Some((lower, upper)) = inside.split_once(',') else {
        // `[1.2]`: exactly that version.
        if !(lower_inclusive && upper_inclusive) || inside.trim().is_empty() {
            return Err(format!(
                "`{text}` is not an interval: a single version is written `[1.2]`"
            ));
        }
        let version = range_version(ecosystem, inside.trim())?;
        return Ok(vec![Bound::Compare(Relation::Equal, version)]);
    };
    let (lower, upper) = (lower.trim(), upper.trim());
    if lower.is_empty() && upper.is_empty() {
        return Err(format!("`{text}` bounds nothing"));
    }
    let mut bounds = Vec::new();
    if !lower.is_empty() {
        let relation = if lower_inclusive {
            Relation::GreaterOrEqual
        } else {
            Relation::Greater
        };
        bounds.push(Bound::Compare(relation, range_version(ecosystem, lower)?));
    }
    if !upper.is_empty() {
        let relation = if upper_inclusive {
            Relation::LessOrEqual
        } else {
            Relation::Less
        };
        bounds.push(Bound::Compare(relation, range_version(ecosystem, upper)?));
    }
    if let [Bound::Compare(_, low), Bound::Compare(_, high)] = bounds.as_slice() {
        let empty = low > high || (low == high && !(lower_inclusive && upper_inclusive));
        if empty {
            return Err(format!("`{text}` holds no version"));
        }
    }
    Ok(bounds)
}

/// Comparators, joined by commas or spaces: `>=1.0, <2.0`, `>= 1.0 < 2.0`, `~> 1.2`, `^1.2`.
/// A version without an operator is that version exactly.
fn parse_comparators(ecosystem: Ecosystem, text: &str) -> Result<Vec<Bound>, String> {
    let mut bounds = Vec::new();
    for part in text.split(',') {
        let mut rest = part.trim();
        if rest.is_empty() {
            return Err("a comparator between commas is empty".into());
        }
        while !rest.is_empty() {
            let operator = OPERATORS
                .into_iter()
                .find(|op| rest.starts_with(op) && accepts_operator(ecosystem, op))
                .unwrap_or("");
            let after = rest[operator.len()..].trim_start();
            let end = after.find(char::is_whitespace).unwrap_or(after.len());
            let (version, after) = after.split_at(end);
            if version.is_empty() {
                return Err(format!("`{operator}` needs a version after it"));
            }
            bounds.extend(comparator(ecosystem, operator, version)?);
            rest = after.trim_start();
        }
    }
    Ok(bounds)
}

/// The bounds of one comparator.
fn comparator(ecosystem: Ecosystem, operator: &str, version: &str) -> Result<Vec<Bound>, String> {
    if ecosystem == Ecosystem::Composer {
        return composer_comparator(operator, version);
    }
    if operator == "~>" {
        let floor = range_version(ecosystem, version)?;
        let Version::Gem(gem) = &floor else {
            return Err(format!("`~>` needs a RubyGems version, not `{version}`"));
        };
        let bump = gem.bump();
        return Ok(vec![Bound::Pessimistic { floor, bump }]);
    }
    let relation = relation(operator)
        .ok_or_else(|| format!("`{operator}` is not an operator of this ecosystem"))?;
    Ok(vec![Bound::Compare(
        relation,
        range_version(ecosystem, version)?,
    )])
}

fn relation(operator: &str) -> Option<Relation> {
    Some(match operator {
        "<" => Relation::Less,
        "<=" => Relation::LessOrEqual,
        ">" => Relation::Greater,
        ">=" => Relation::GreaterOrEqual,
        "" | "=" | "==" => Relation::Equal,
        "!=" | "<>" => Relation::NotEqual,
        _ => return None,
    })
}

/// The stability flags Composer lets a constraint end in (`^1.2@beta`): they steer which
/// releases Composer installs, not which versions the range holds, so they are dropped.
const COMPOSER_STABILITY_FLAGS: [&str; 5] = ["stable", "RC", "beta", "alpha", "dev"];

/// A Composer constraint, as composer/semver's `VersionParser::parseConstraints` reads it:
/// `^1.2` is `>=1.2.0.0-dev <2.0.0.0-dev`, `~1.2` is `>=1.2.0.0-dev <2.0.0.0-dev`, `~1.2.3`
/// is `>=1.2.3.0-dev <1.3.0.0-dev`, `1.2.*` is `>=1.2.0.0-dev <1.3.0.0-dev`, `*` is every
/// version, and `<2.0` and `>=1.0` reach down to the `-dev` of their version.
fn composer_comparator(operator: &str, text: &str) -> Result<Vec<Bound>, String> {
    let version = match text.rsplit_once('@') {
        Some((version, flag))
            if COMPOSER_STABILITY_FLAGS
                .iter()
                .any(|f| f.eq_ignore_ascii_case(flag)) =>
        {
            version
        }
        Some((_, flag)) => return Err(format!("`@{flag}` is not a stability flag")),
        None => text,
    };
    let is_wildcard = |piece: &str| matches!(piece, "*" | "x" | "X");
    let wildcard_at = version.split('.').position(is_wildcard);
    if let Some(first_wildcard) = wildcard_at {
        let pieces: Vec<&str> = version.split('.').collect();
        if !operator.is_empty() || !pieces[first_wildcard..].iter().all(|p| is_wildcard(p)) {
            return Err(format!(
                "`{operator}{text}`: a wildcard stands alone, at the end"
            ));
        }
        if first_wildcard == 0 {
            return Ok(Vec::new());
        }
        let numbers = composer_release(&pieces[..first_wildcard].join("."))?;
        if numbers.has_modifier || numbers.numbers.len() > 3 {
            return Err(format!("`{text}` is not a wildcard Composer reads"));
        }
        let position = numbers.numbers.len();
        let mut bounds = Vec::new();
        if numbers.numbers.iter().any(|n| *n != 0) {
            let lower = composer_numbers(&numbers.numbers, position, false);
            bounds.push(Bound::Compare(Relation::GreaterOrEqual, lower?));
        }
        let upper = composer_numbers(&numbers.numbers, position, true)?;
        bounds.push(Bound::Compare(Relation::Less, upper));
        return Ok(bounds);
    }
    match operator {
        "^" | "~" => {
            let release = composer_release(version)?;
            let numbers = &release.numbers;
            let major = numbers.first().copied().unwrap_or(0);
            let minor = numbers.get(1).copied();
            let position = match operator {
                "^" if major != 0 || minor.is_none() => 1,
                "^" if minor != Some(0) || numbers.len() == 2 => 2,
                "^" => 3,
                _ => numbers.len().saturating_sub(1).max(1),
            };
            let lower = composer_at_least(version, release.has_modifier)?;
            let upper = composer_numbers(numbers, position, true)?;
            Ok(vec![
                Bound::Compare(Relation::GreaterOrEqual, lower),
                Bound::Compare(Relation::Less, upper),
            ])
        }
        "<" | ">=" => {
            let has_modifier = composer_release(version).map_or_else(
                // Date versions: a letter after the digits is a stability.
                |_| {
                    version
                        .trim_start_matches(['v', 'V'])
                        .contains(|c: char| c.is_ascii_alphabetic())
                },
                |release| release.has_modifier,
            );
            let bound = composer_at_least(version, has_modifier)?;
            let relation = relation(operator).unwrap_or(Relation::Less);
            Ok(vec![Bound::Compare(relation, bound)])
        }
        _ => {
            let relation = relation(operator)
                .ok_or_else(|| format!("`{operator}` is not an operator of Composer"))?;
            Ok(vec![Bound::Compare(
                relation,
                range_version(Ecosystem::Composer, version)?,
            )])
        }
    }
}

fn composer_release(text: &str) -> Result<Release, String> {
    Release::parse(text).ok_or_else(|| format!("`{text}` is not a Composer version"))
}

/// `version`, reaching down to its `-dev` when no stability is written: `>=1.2` holds for
/// `1.2.0-beta` in Composer.
fn composer_at_least(version: &str, has_modifier: bool) -> Result<Version, String> {
    if has_modifier {
        range_version(Ecosystem::Composer, version)
    } else {
        range_version(Ecosystem::Composer, &format!("{version}-dev"))
    }
}

/// The `-dev` of the version made of `numbers` up to `position` (1-based), the last of them
/// incremented when `increment` (`[1, 2, 3]`, 2, true → `1.3.0.0-dev`), zeros after it.
fn composer_numbers(numbers: &[u64], position: usize, increment: bool) -> Result<Version, String> {
    let mut parts = [0_u64; 4];
    for (index, slot) in parts.iter_mut().enumerate().take(position) {
        *slot = numbers.get(index).copied().unwrap_or(0);
    }
    if increment {
        let last = position.saturating_sub(1);
        let bumped = parts.get(last).and_then(|n| n.checked_add(1));
        match (parts.get_mut(last), bumped) {
            (Some(slot), Some(bumped)) => *slot = bumped,
            _ => return Err("the version is too large to bound".into()),
        }
    }
    let text = format!("{}.{}.{}.{}-dev", parts[0], parts[1], parts[2], parts[3]);
    range_version(Ecosystem::Composer, &text)
}

/// Go writes `v1.2.3`; node-semver reads `1.2.3`.
fn strip_v_prefixes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous = ' ';
    for (i, c) in text.char_indices() {
        let next_is_digit = text[i + c.len_utf8()..]
            .chars()
            .next()
            .is_some_and(|n| n.is_ascii_digit());
        let at_version_start = !previous.is_ascii_alphanumeric() && previous != '.';
        if c == 'v' && next_is_digit && at_version_start {
            previous = c;
            continue;
        }
        out.push(c);
        previous = c;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_resolve_into_ranges_they_share_a_version_with() {
        let may = |ecosystem, range: &str, requirement: &str| {
            VersionRange::parse(ecosystem, range)
                .unwrap()
                .may_resolve(ecosystem, requirement)
        };
        assert!(may(Ecosystem::Npm, "<4.17.21", "^4.17.0"));
        assert!(!may(Ecosystem::Npm, "<4.17.21", "^4.17.21"));
        assert!(may(Ecosystem::Maven, "<2.17.1", "[2.0,3.0)"));
        assert!(!may(Ecosystem::Maven, "<2.17.1", "[2.17.1,3)"));
        assert!(!may(Ecosystem::Maven, "[2.0,2.17.1)", "(,2.0)"));
        assert!(may(Ecosystem::Maven, "<2.17.1", "2.14.1"));
        assert!(!may(Ecosystem::Maven, "<2.17.1", "${log4j.version}"));
        assert!(may(Ecosystem::Nuget, "[1.0,2.0)", "[1.5,3.0]"));
        assert!(may(Ecosystem::Gem, "< 7.1", "~> 7.0"));
        assert!(!may(Ecosystem::Gem, "< 7.0", "~> 7.0"));
        assert!(may(Ecosystem::Composer, "<3.0", "^2.5"));
        assert!(!may(Ecosystem::Composer, "<2.0", "^2.5"));
        assert!(may(Ecosystem::Pypi, "<2.0", ">=1.4,<3"));
        assert!(!may(Ecosystem::Pypi, "<2.0", "~=2.1"));
        assert!(!may(Ecosystem::Pypi, ">=3", "==2.*"));
        assert!(may(Ecosystem::Pypi, "<2.0", ""));
        // Poetry's caret is not PEP 440: depgov does not guess.
        assert!(!may(Ecosystem::Pypi, "<2.0", "^1.2"));
    }

    #[test]
    fn unreadable_ranges_are_rejected_per_ecosystem() {
        assert!(VersionRange::parse(Ecosystem::Cargo, "lol").is_err());
        assert!(VersionRange::parse(Ecosystem::Pypi, "^1.2").is_err());
        assert!(VersionRange::parse(Ecosystem::Npm, "[1,2)").is_err());
        let unreadable = [
            (Ecosystem::Maven, "[1.0,2.0"),
            (Ecosystem::Maven, "[2.0,1.0]"),
            (Ecosystem::Maven, "(1.0,1.0]"),
            (Ecosystem::Maven, "(,)"),
            (Ecosystem::Maven, "(1.0)"),
            (Ecosystem::Maven, "[1.0,2.0) junk"),
            (Ecosystem::Maven, "1.0 | 2.0"),
            (Ecosystem::Maven, ">="),
            (Ecosystem::Maven, "~> 1.0"),
            (Ecosystem::Maven, "^1.0"),
            (Ecosystem::Maven, ""),
            (Ecosystem::Maven, "1.0 ||"),
            (Ecosystem::Maven, "1.0,,2.0"),
            (Ecosystem::Nuget, "[1.0,2.0),[3.0,)"),
            (Ecosystem::Nuget, "1.*"),
            (Ecosystem::Nuget, "<one"),
            (Ecosystem::Gem, "[1.0,2.0)"),
            (Ecosystem::Gem, "~>"),
            (Ecosystem::Gem, "> a.1"),
            (Ecosystem::Composer, "dev-main"),
            (Ecosystem::Composer, ">=1.*"),
            (Ecosystem::Composer, "*.1"),
            (Ecosystem::Composer, "^1.0@unstable"),
            (Ecosystem::Composer, "~>1.2"),
            (Ecosystem::Composer, "^junk"),
        ];
        for (ecosystem, text) in unreadable {
            let error = VersionRange::parse(ecosystem, text).err();
            assert!(error.is_some(), "{ecosystem} {text:?} should not parse");
        }
        let message = VersionRange::parse(Ecosystem::Maven, "[2.0,1.0]").unwrap_err();
        assert_eq!(
            message,
            "not a Maven version range: `[2.0,1.0]` holds no version"
        );
    }

    /// Which of `versions` the range holds (`+1.0`) and which it does not (`-1.0`).
    fn check(ecosystem: Ecosystem, range: &str, versions: &[&str]) {
        let parsed = VersionRange::parse(ecosystem, range)
            .unwrap_or_else(|e| panic!("{ecosystem} {range:?}: {e}"));
        for spec in versions {
            let (expected, version) = spec.split_at(1);
            assert_eq!(
                parsed.contains(version),
                expected == "+",
                "{ecosystem} {range:?} and {version}"
            );
        }
    }

    /// Comparators in every ecosystem that reads them here, in its own order: Maven's
    /// qualifiers, NuGet's fourth number, RubyGems' letter pre-releases, Composer's stabilities.
    #[test]
    fn comparators_use_each_ecosystems_order() {
        check(
            Ecosystem::Maven,
            "<2.17.1",
            &[
                "+2.17.0",
                "+2.17.1-rc1",
                "+2.17.1-SNAPSHOT",
                "-2.17.1",
                "-2.17.1.Final",
                "-2.18",
            ],
        );
        check(
            Ecosystem::Maven,
            ">=1.0, <2.0",
            &[
                "-1.0-SNAPSHOT",
                "+1",
                "+1.0.0",
                "+1.9.9",
                "+2.0-rc1",
                "-2.0",
            ],
        );
        check(Ecosystem::Maven, ">= 1.0 < 2.0", &["+1.5", "-2.0"]);
        check(
            Ecosystem::Maven,
            "=1.0",
            &["+1", "+1.0.0", "+1.0.GA", "-1.0.1"],
        );
        check(Ecosystem::Maven, "1.0", &["+1.0.0", "-1.1"]);
        check(Ecosystem::Maven, "!=1.0", &["-1", "+1.1"]);
        check(
            Ecosystem::Maven,
            "<1.0 || >=2.0, <3.0",
            &["+0.9", "-1.5", "+2.5", "-3.0"],
        );
        check(
            Ecosystem::Nuget,
            ">1.0.0.1, <=2.0",
            &[
                "-1.0.0.1",
                "+1.0.0.2",
                "+2.0.0-beta",
                "+2.0.0.0",
                "-2.0.0.1",
            ],
        );
        check(Ecosystem::Nuget, "1.0", &["+1.0.0.0", "-1.0.0.1"]);
        check(
            Ecosystem::Gem,
            ">= 1.0, < 2.0",
            &["-1.0.a", "+1.0", "+1.9.9", "+2.0.0.rc1", "-2.0", "-junk"],
        );
        check(Ecosystem::Gem, "!= 1.5", &["+1.4", "-1.5.0", "+1.6"]);
        check(
            Ecosystem::Composer,
            ">=1.0 <2.0",
            &[
                "+1.0.0-beta",
                "+1.0",
                "+v1.5.2",
                "-2.0.0-RC1",
                "-2.0.0",
                "-dev-main",
            ],
        );
        check(
            Ecosystem::Composer,
            ">1.0, <=1.2",
            &["-1.0.0", "+1.0.1", "+1.2.0", "-1.2.0-patch1"],
        );
        check(Ecosystem::Composer, "<>1.2.3", &["+1.2.2", "-1.2.3.0"]);
        check(Ecosystem::Composer, "1.2.3", &["+v1.2.3", "-1.2.4"]);
    }

    /// Maven's version range specification (maven.apache.org, "Dependency Version
    /// Requirement Specification") and NuGet's "Version ranges" table.
    #[test]
    fn intervals_of_maven_and_nuget() {
        check(
            Ecosystem::Maven,
            "[1.0,2.0)",
            &["-0.9", "+1.0", "+1.5", "+2.0-alpha-1", "-2.0"],
        );
        check(Ecosystem::Maven, "(,1.0]", &["+0.1", "+1.0", "-1.0.1"]);
        check(
            Ecosystem::Maven,
            "[1.2]",
            &["-1.1", "+1.2", "+1.2.0", "-1.2.1"],
        );
        check(Ecosystem::Maven, "[1.5,)", &["-1.4", "+1.5", "+99"]);
        check(Ecosystem::Maven, "(1.0,2.0]", &["-1.0", "+1.1", "+2.0"]);
        check(
            Ecosystem::Maven,
            "(,1.0],[1.2,)",
            &["+0.9", "+1.0", "-1.1", "+1.2", "+3.0"],
        );
        check(Ecosystem::Maven, "(,1.1),(1.1,)", &["+1.0", "-1.1", "+1.2"]);
        check(
            Ecosystem::Maven,
            "[1.0,2.0) || [3.0,4.0)",
            &["+1.5", "-2.5", "+3.5"],
        );
        check(
            Ecosystem::Nuget,
            "[1.0,2.0)",
            &["-0.9", "+1.0", "+1.0.0.1", "+2.0.0-rc", "-2.0"],
        );
        check(Ecosystem::Nuget, "(1.0,)", &["-1.0", "+1.0.0.1"]);
        check(Ecosystem::Nuget, "(,1.0]", &["+0.5", "+1.0", "-1.0.1"]);
        check(Ecosystem::Nuget, "[1.0]", &["+1.0.0", "-1.0.1"]);
        check(Ecosystem::Nuget, "[ 1.0 , 2.0 ]", &["+2.0", "-2.0.0.1"]);
    }

    /// RubyGems' `~>` ("Patterns", guides.rubygems.org): `~> 2.2` is `>= 2.2, < 3.0`,
    /// `~> 2.2.0` is `>= 2.2.0, < 2.3`; a pre-release of the bump is outside.
    #[test]
    fn pessimistic_operator_of_rubygems() {
        check(
            Ecosystem::Gem,
            "~> 2.2",
            &["-2.1", "+2.2", "+2.9.9", "-3.0.a", "-3.0"],
        );
        check(
            Ecosystem::Gem,
            "~> 2.2.0",
            &["-2.1.9", "+2.2.0", "+2.2.9", "-2.3.0.rc1", "-2.3"],
        );
        check(Ecosystem::Gem, "~>3", &["+3.0", "+3.9", "-4.0"]);
        check(
            Ecosystem::Gem,
            "~> 1.0.0.rc1",
            &["-1.0.0.beta", "+1.0.0.rc1", "+1.0.0", "-1.1"],
        );
        check(
            Ecosystem::Gem,
            "~> 6.1, >= 6.1.7.1",
            &["-6.1.7", "+6.1.7.1", "+6.9", "-7.0"],
        );
    }

    /// Composer's "Versions and constraints": caret, tilde, wildcards, `||`, stability flags.
    #[test]
    fn composer_caret_tilde_and_wildcards() {
        check(
            Ecosystem::Composer,
            "^1.2.3",
            &[
                "-1.2.2",
                "+1.2.3-beta",
                "+1.2.3",
                "+1.9.0",
                "-2.0.0-dev",
                "-2.0.0",
            ],
        );
        check(
            Ecosystem::Composer,
            "^0.3",
            &["-0.2.9", "+0.3.0", "+0.3.9", "-0.4.0"],
        );
        check(Ecosystem::Composer, "^0.0.3", &["+0.0.3", "-0.0.4"]);
        check(
            Ecosystem::Composer,
            "^1.2.3-beta2",
            &["-1.2.3-beta1", "+1.2.3-beta2", "+1.2.3"],
        );
        check(
            Ecosystem::Composer,
            "~1.2",
            &["-1.1.9", "+1.2.0", "+1.9.9", "-2.0.0"],
        );
        check(
            Ecosystem::Composer,
            "~1.2.3",
            &["-1.2.2", "+1.2.3", "+1.2.9", "-1.3.0"],
        );
        check(Ecosystem::Composer, "~1", &["+1.0", "+1.9", "-2.0"]);
        check(
            Ecosystem::Composer,
            "1.0.*",
            &["+1.0.0-dev", "+1.0.0", "+1.0.9", "-1.1.0"],
        );
        check(
            Ecosystem::Composer,
            "2.*",
            &["-1.9", "+2.0.0", "+2.9", "-3.0.0"],
        );
        check(Ecosystem::Composer, "0.*", &["+0.0.1", "-1.0.0"]);
        check(
            Ecosystem::Composer,
            "*",
            &["+0.0.1", "+99.0.0", "-dev-main"],
        );
        check(Ecosystem::Composer, "1.2.x", &["+1.2.5", "-1.3.0"]);
        check(
            Ecosystem::Composer,
            "^1.2 || ^2.0",
            &["+1.5", "+2.5", "-3.0"],
        );
        check(Ecosystem::Composer, "^1.2@beta", &["+1.3.0-beta1", "-2.0"]);
        check(Ecosystem::Composer, "<2.0", &["+1.9.9", "-2.0.0-beta"]);
        check(
            Ecosystem::Composer,
            "<2.0-beta",
            &["+2.0.0-alpha", "-2.0.0-beta"],
        );
    }

    /// The version each ecosystem's installer picks: the newest release the requirement
    /// allows (NuGet: the lowest); a pre-release only as that ecosystem's rules allow one.
    #[test]
    fn the_picked_version_prefers_releases() {
        let newest = |ecosystem, requirement: &str, versions: &[&'static str]| {
            VersionRange::parse(ecosystem, requirement).unwrap().pick(
                ecosystem,
                End::for_requirement(ecosystem, requirement),
                versions.iter().copied(),
            )
        };
        let npm = ["4.16.0", "4.17.0", "4.17.21", "4.18.0-beta.1", "5.0.0"];
        assert_eq!(newest(Ecosystem::Npm, "^4.17.0", &npm), Some("4.17.21"));
        assert_eq!(newest(Ecosystem::Npm, "~4.16.0", &npm), Some("4.16.0"));
        assert_eq!(
            newest(Ecosystem::Npm, "^4.18.0-beta.0", &npm),
            Some("4.18.0-beta.1")
        );
        assert_eq!(newest(Ecosystem::Npm, "^6", &npm), None);
        let cargo = ["1.0.0", "1.1.0-rc.1"];
        assert_eq!(newest(Ecosystem::Cargo, "1", &cargo), Some("1.0.0"));
        let pypi = ["1.0", "1.1", "2.0b1", "2.0"];
        assert_eq!(newest(Ecosystem::Pypi, ">=1.0,<2", &pypi), Some("1.1"));
        assert_eq!(newest(Ecosystem::Pypi, ">=1.0", &pypi), Some("2.0"));
        assert_eq!(
            newest(Ecosystem::Pypi, ">1.1", &["1.0", "1.1", "2.0b1"]),
            Some("2.0b1")
        );
        let maven = ["32.1.3-jre", "33.0.0-jre", "34.0.0-rc1"];
        assert_eq!(
            newest(Ecosystem::Maven, "[32,)", &maven),
            Some("33.0.0-jre")
        );
        assert_eq!(
            newest(Ecosystem::Maven, "[34-rc1,)", &maven),
            Some("34.0.0-rc1")
        );
        let nuget = ["12.0.3", "13.0.1", "13.0.2-beta1"];
        assert_eq!(
            newest(Ecosystem::Nuget, "[12.0,14.0)", &nuget),
            Some("12.0.3"),
            "NuGet restores the lowest version a range allows"
        );
        assert_eq!(
            newest(Ecosystem::Nuget, "[13.0.2-beta1,14.0)", &nuget),
            Some("13.0.2-beta1")
        );
        let gems = ["7.0.8", "7.1.0", "7.1.1.rc1"];
        assert_eq!(newest(Ecosystem::Gem, "~> 7.0", &gems), Some("7.1.0"));
        let any = |ecosystem, versions: &[&'static str]| {
            VersionRange::of_requirement(ecosystem, "").unwrap().pick(
                ecosystem,
                End::Newest,
                versions.iter().copied(),
            )
        };
        for ecosystem in Ecosystem::ALL {
            let versions = ["1.0.0", "2.0.0", "3.0.0-beta.1"];
            let expected = Some(if ecosystem == Ecosystem::Golang {
                "v2.0.0"
            } else {
                "2.0.0"
            });
            let versions = versions.map(|v| {
                if ecosystem == Ecosystem::Golang {
                    format!("v{v}")
                } else {
                    v.to_owned()
                }
            });
            let versions: Vec<&str> = versions.iter().map(String::as_str).collect();
            assert_eq!(
                VersionRange::of_requirement(ecosystem, "*").unwrap().pick(
                    ecosystem,
                    End::for_requirement(ecosystem, "*"),
                    versions.iter().copied()
                ),
                expected,
                "{ecosystem}"
            );
        }
        assert_eq!(any(Ecosystem::Maven, &["1.0", "2.0-SNAPSHOT"]), Some("1.0"));
        assert!(VersionRange::of_requirement(Ecosystem::Maven, "${log4j.version}").is_err());
        let composer = ["2.5.0", "2.6.0-beta1"];
        assert_eq!(newest(Ecosystem::Composer, ">=2.6", &composer), None);
    }

    #[test]
    fn ranges_parse_every_input_without_panicking() {
        let odd = [
            "",
            " ",
            "||",
            "[",
            "(",
            "]",
            "[,",
            "[]",
            "()",
            "[,]",
            "~",
            "^",
            "*",
            "@",
            "@dev",
            "1.*.x",
            "[1.0,2.0),",
            ",",
            "\u{0}",
            "é",
            "[é,ü)",
            ">=é",
            "~>é",
            "^é",
            "0.*@",
            "99999999999999999999.*",
            "^99999999999999999999",
        ];
        for ecosystem in Ecosystem::ALL {
            for text in odd {
                if let Ok(range) = VersionRange::parse(ecosystem, text) {
                    range.contains("1.0.0");
                }
            }
        }
    }
}
