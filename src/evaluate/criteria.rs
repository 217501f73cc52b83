//! Criteria of acceptability (`[criteria]`): what the OSPO requires of a project beyond its
//! name and license — not deprecated, not yanked, maintained, released within a while, a
//! decent OpenSSF Scorecard, not published moments ago, not relicensed. Each criterion a
//! component fails is a finding on the criterion's ring, with its evidence.
//!
//! An explicit adopt or trial entry is the OSPO's decision: it answers `unmaintained`,
//! `stale`, `scorecard` and `too-new`, but not `deprecated` or `yanked` (nor
//! `license-changed`) unless the entry lists them in `accept`.
//!
//! A criterion whose data the facts stage could not find is not passed silently: the
//! component gets one `health-unknown` finding naming the criteria and why, on the ring of
//! `criteria.unknown`.
//!
//! Every component of a run is judged, so what depends on the policy alone (which criteria
//! can fail, today's day number) is prepared once in a [`Plan`], and judging a component that
//! fails nothing allocates nothing.

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde_json::Value;

use super::finding;
use crate::model::evidence::Evidence;
use crate::model::facts::{Fact, Facts};
use crate::model::license::License;
use crate::model::{Component, Criterion, Ecosystem, Finding, Ring, Rule, Source};
use crate::policy::{ComponentEntry, Criteria, Threshold};

/// The policy's criteria as a run judges them.
pub struct Plan {
    /// The criteria a component can fail (their ring does not pass), in the order of
    /// [`Criterion::ALL`], with their rings and thresholds.
    judged: Vec<(Criterion, Ring, Threshold)>,
    /// The ring of missing data, when it does not pass.
    unknown: Option<Ring>,
    /// Today as days from the common era, which dates are counted against.
    today: i64,
}

impl Plan {
    pub fn new(criteria: &Criteria, today: NaiveDate) -> Plan {
        Plan {
            judged: Criterion::ALL
                .into_iter()
                .filter_map(|criterion| {
                    let (ring, threshold) = criteria.get(criterion)?;
                    (!ring.passes()).then_some((criterion, ring, threshold))
                })
                .collect(),
            unknown: criteria.unknown.filter(|ring| !ring.passes()),
            today: i64::from(today.num_days_from_ce()),
        }
    }

    /// Judges the component on every criterion the policy sets; returns the worst ring.
    pub(crate) fn judge(
        &self,
        component: &Component,
        entry: Option<&ComponentEntry>,
        out: &mut Vec<Finding>,
    ) -> Ring {
        let mut worst = Ring::Adopt;
        let mut missing = Missing::default();
        let from_registry = matches!(component.source, Source::Registry { .. });
        for &(criterion, ring, threshold) in &self.judged {
            if accepted(entry, criterion) {
                continue;
            }
            match assess(component, criterion, threshold, self.today) {
                Outcome::Passes => {}
                Outcome::Missing if from_registry => missing.push(criterion),
                Outcome::Missing => {}
                Outcome::Fails(failed) => {
                    let mut finding = finding(component, criterion.rule(), ring, failed.message);
                    finding.evidence = failed.evidence;
                    if let Some(entry) = entry {
                        finding.reason.clone_from(&entry.reason);
                        finding.use_instead.clone_from(&entry.use_instead);
                        finding.link.clone_from(&entry.link);
                    }
                    out.push(finding);
                    worst = worst.max(ring);
                }
            }
        }
        if let (Some(ring), false) = (self.unknown, missing.is_empty()) {
            out.push(unknown(component, ring, &missing));
            worst = worst.max(ring);
        }
        worst
    }
}

/// The criteria a component could not be judged on, without allocating: there are at most
/// as many as [`Criterion::ALL`]. Shown as their names, comma-separated.
#[derive(Default)]
struct Missing {
    criteria: [Option<Criterion>; Criterion::ALL.len()],
    len: usize,
}

impl Missing {
    fn push(&mut self, criterion: Criterion) {
        if let Some(slot) = self.criteria.get_mut(self.len) {
            *slot = Some(criterion);
            self.len += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn iter(&self) -> impl Iterator<Item = Criterion> + '_ {
        self.criteria.iter().flatten().copied()
    }
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, criterion) in self.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            f.write_str(criterion.as_str())?;
        }
        Ok(())
    }
}

/// Whether the OSPO accepts `component` failing `criterion`.
fn accepted(entry: Option<&ComponentEntry>, criterion: Criterion) -> bool {
    let Some(entry) = entry else { return false };
    entry.accept.contains(&criterion)
        || (entry.ring.passes()
            && matches!(
                criterion,
                Criterion::Unmaintained
                    | Criterion::Stale
                    | Criterion::Scorecard
                    | Criterion::TooNew
            ))
}

enum Outcome {
    Passes,
    /// The facts to judge it are missing.
    Missing,
    Fails(Failed),
}

struct Failed {
    message: String,
    evidence: Evidence,
}

impl Failed {
    fn new(message: String) -> Failed {
        Failed {
            message,
            // At most five pieces (a Scorecard's), allocated once.
            evidence: Evidence::with_capacity(5),
        }
    }

    /// `key: value` as evidence; an empty text (a yank without a reason) is no evidence.
    fn with(mut self, key: &'static str, value: impl Into<Value>) -> Failed {
        let value = value.into();
        if value.as_str().is_none_or(|text| !text.trim().is_empty()) {
            self.evidence.insert(key, value);
        }
        self
    }

    /// The source and fetch time of a fact, as evidence.
    fn from<T>(self, key: &'static str, fact: &Fact<T>) -> Failed {
        let source = fact.origin.source.as_str();
        let source = match &fact.origin.fetched {
            Some(fetched) => [source, ", fetched ", fetched].concat(),
            None => source.to_owned(),
        };
        self.with(key, source)
    }
}

fn assess(
    component: &Component,
    criterion: Criterion,
    threshold: Threshold,
    today: i64,
) -> Outcome {
    let facts = &component.facts;
    let name = &component.id.name;
    let version = &component.id.version;
    match criterion {
        Criterion::Deprecated => {
            if let Some(status) = facts
                .project_status
                .as_ref()
                .filter(|s| s.value.status == "deprecated")
            {
                let reason = status.value.reason.as_deref().unwrap_or_default();
                return Outcome::Fails(
                    Failed::new(format!(
                        "the {name} project is deprecated (its index says so){}",
                        Suffix(reason)
                    ))
                    .with("status", "deprecated")
                    .with("message", reason)
                    .from("source", status),
                );
            }
            // crates.io has no deprecation (deps.dev's flag on a crate is its yank): a crate
            // is never missing one.
            let deprecates = component.id.ecosystem != Ecosystem::Cargo;
            match &facts.deprecated {
                None if deprecates && facts.project_status.is_none() => Outcome::Missing,
                Some(flag) if flag.value.set => {
                    let message = flag.value.message.as_deref().unwrap_or_default();
                    Outcome::Fails(
                        Failed::new(format!(
                            "{name} {version} is deprecated by its registry{}",
                            Suffix(message)
                        ))
                        .with("message", message)
                        .from("source", flag),
                    )
                }
                _ => Outcome::Passes,
            }
        }
        Criterion::Yanked => {
            let yanks = matches!(component.id.ecosystem, Ecosystem::Cargo | Ecosystem::Pypi);
            match &facts.yanked {
                None if yanks => Outcome::Missing,
                Some(flag) if flag.value.set => {
                    let message = flag.value.message.as_deref().unwrap_or_default();
                    Outcome::Fails(
                        Failed::new(format!(
                            "{name} {version} was yanked from its registry{}",
                            Suffix(message)
                        ))
                        .with("message", message)
                        .from("source", flag),
                    )
                }
                _ => Outcome::Passes,
            }
        }
        Criterion::Unmaintained => unmaintained(component),
        Criterion::Stale => {
            let Threshold::Days(days) = threshold else {
                return Outcome::Passes;
            };
            // This version's own date matters only when the newest release's is unknown.
            let published = || age(facts.published.as_ref(), today);
            match (age(facts.latest_release.as_ref(), today), published) {
                (Some((age, fact)), _) if age > i64::from(days) => Outcome::Fails(
                    Failed::new(format!(
                        "no release of {name} since {} ({age} days, more than {days}): possibly unmaintained",
                        date(&fact.value)
                    ))
                    .with("latest_release", fact.value.as_str())
                    .with("days", age)
                    .from("source", fact),
                ),
                (Some(_), _) => Outcome::Passes,
                // This very version is recent: the package is released within the period.
                (None, published) => match published() {
                    Some((age, _)) if age <= i64::from(days) => Outcome::Passes,
                    _ => Outcome::Missing,
                },
            }
        }
        Criterion::Scorecard => {
            let Threshold::Below(below) = threshold else {
                return Outcome::Passes;
            };
            let Some(fact) = &facts.scorecard else {
                return Outcome::Missing;
            };
            let card = &fact.value;
            if card.score >= below {
                return Outcome::Passes;
            }
            let mut checks: Vec<_> = card.checks.iter().filter(|c| c.score >= 0).collect();
            checks.sort_by(|a, b| (a.score, &a.name).cmp(&(b.score, &b.name)));
            let weakest: Vec<String> = checks
                .iter()
                .take(3)
                .map(|c| format!("{} {}", c.name, c.score))
                .collect();
            Outcome::Fails(
                Failed::new(format!(
                    "{}'s OpenSSF Scorecard is {:.1}, below {below}; weakest checks: {}",
                    card.repository,
                    card.score,
                    if weakest.is_empty() {
                        "none conclusive".to_owned()
                    } else {
                        weakest.join(", ")
                    }
                ))
                .with("score", card.score)
                .with("repository", card.repository.as_str())
                .with("weakest_checks", weakest)
                .with(
                    "link",
                    ["https://scorecard.dev/viewer/?uri=", &card.repository].concat(),
                )
                .from("source", fact),
            )
        }
        Criterion::TooNew => {
            let Threshold::Days(days) = threshold else {
                return Outcome::Passes;
            };
            let Some(published) = &facts.published else {
                return Outcome::Missing;
            };
            match days_since(&published.value, today) {
                Some(age) if age < i64::from(days) => Outcome::Fails(
                    Failed::new(format!(
                        "{name} {version} was published on {} ({age} day{} ago); the policy waits {days} days before a release is used",
                        date(&published.value),
                        if age == 1 { "" } else { "s" }
                    ))
                    .with("published", published.value.as_str())
                    .with("days", age)
                    .from("source", published),
                ),
                Some(_) => Outcome::Passes,
                None => Outcome::Missing,
            }
        }
        Criterion::LicenseChanged => {
            let Some(previous) = &facts.previous_release else {
                return Outcome::Passes;
            };
            // Most releases declare what the one before did, word for word: no need to parse.
            let before = previous.value.license.trim();
            if component
                .license
                .text()
                .is_some_and(|now| now.trim() == before)
            {
                return Outcome::Passes;
            }
            match changed(&License::from_declared(Some(before)), &component.license) {
                Some((before, after)) => Outcome::Fails(
                    Failed::new(format!(
                        "{name} {version} is licensed {after}; the release before it, {}, was {before}",
                        previous.value.version
                    ))
                    .with("previous_version", previous.value.version.as_str())
                    .with("previous_license", before)
                    .with("license", after)
                    .from("source", previous),
                ),
                None => Outcome::Passes,
            }
        }
    }
}

/// Archived or quarantined projects (PEP 792), and repositories Scorecard finds archived.
fn unmaintained(component: &Component) -> Outcome {
    let facts: &Facts = &component.facts;
    let name = &component.id.name;
    if let Some(status) = facts
        .project_status
        .as_ref()
        .filter(|s| matches!(s.value.status.as_str(), "archived" | "quarantined"))
    {
        let reason = status.value.reason.as_deref().unwrap_or_default();
        return Outcome::Fails(
            Failed::new(format!(
                "the {name} project is {} on its index{}",
                status.value.status,
                Suffix(reason)
            ))
            .with("status", status.value.status.as_str())
            .with("message", reason)
            .from("source", status),
        );
    }
    if let Some(fact) = &facts.advisories {
        if let Some(notice) = fact.value.advisories.iter().find(|a| a.unmaintained) {
            let summary = notice.summary.as_deref().unwrap_or_default();
            return Outcome::Fails(
                Failed::new(format!(
                    "{name} is unmaintained, says {}{}",
                    notice.ids.join(", "),
                    Suffix(summary)
                ))
                .with("ids", notice.ids.as_slice())
                .with("message", summary)
                .from("source", fact),
            );
        }
    }
    if let Some(fact) = &facts.scorecard {
        let archived = fact.value.checks.iter().find(|check| {
            check.name == "Maintained"
                && check.reason.as_deref().is_some_and(|reason| {
                    reason
                        .as_bytes()
                        .windows(b"archived".len())
                        .any(|word| word.eq_ignore_ascii_case(b"archived"))
                })
        });
        if let Some(check) = archived {
            return Outcome::Fails(
                Failed::new(format!(
                    "{name}'s source repository {} is archived",
                    fact.value.repository
                ))
                .with("repository", fact.value.repository.as_str())
                .with("message", check.reason.as_deref())
                .from("source", fact),
            );
        }
    }
    if facts.project_status.is_none() && facts.scorecard.is_none() && facts.unavailable.is_some() {
        Outcome::Missing
    } else {
        Outcome::Passes
    }
}

/// The licenses before and after, when both are known and they differ.
pub fn changed(before: &License, after: &License) -> Option<(String, String)> {
    let (Some(old), Some(new)) = (before.text(), after.text()) else {
        return None;
    };
    let same = match (before, after) {
        // The same licenses written another way (`(MIT OR Apache-2.0)`, `MIT/Apache-2.0`) are
        // no relicensing: SPDX expressions compare by their parsed terms, not their text.
        (License::Spdx(a), License::Spdx(b)) => a == b,
        _ => old.trim().eq_ignore_ascii_case(new.trim()),
    };
    (!same).then(|| (old.to_owned(), new.to_owned()))
}

/// One finding for the criteria that could not be judged.
fn unknown(component: &Component, ring: Ring, missing: &Missing) -> Finding {
    let why = component
        .facts
        .unavailable
        .as_ref()
        .map_or(Cow::Borrowed("no source reports them"), |gap| {
            Cow::Owned(gap.reason())
        });
    let mut finding = finding(
        component,
        Rule::HealthUnknown,
        ring,
        format!(
            "{} could not be judged on {missing}: {why}; such components are on the {ring} ring",
            component.id.name,
        ),
    );
    let names = missing.iter().map(|c| Value::from(c.as_str())).collect();
    finding.evidence.insert("criteria", Value::Array(names));
    finding
}

/// A dated fact with its age in days.
fn age(fact: Option<&Fact<String>>, today: i64) -> Option<(i64, &Fact<String>)> {
    let fact = fact?;
    Some((days_since(&fact.value, today)?, fact))
}

/// Days from an RFC 3339 timestamp (or a `YYYY-MM-DD` date) to `today` (days from the
/// common era). The day is the timestamp's own (as `DateTime::date_naive` gives it): its
/// first ten characters, read without a general-purpose parser, since every component's dates
/// are read on every run.
fn days_since(when: &str, today: i64) -> Option<i64> {
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let text = when.get(range)?;
        text.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| text.parse().ok())?
    };
    if when.get(4..5) != Some("-") || when.get(7..8) != Some("-") {
        return None;
    }
    let year = i32::try_from(digits(0..4)?).ok()?;
    let day = NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)?;
    Some((today - i64::from(day.num_days_from_ce())).max(0))
}

/// The day of a timestamp.
fn date(when: &str) -> &str {
    when.get(..10).unwrap_or(when)
}

/// `: message`, or nothing, written straight into the message it ends.
struct Suffix<'a>(&'a str);

impl fmt::Display for Suffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.trim() {
            "" => Ok(()),
            message => write!(f, ": {message}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_reads_the_day_of_every_timestamp_form_and_refuses_the_rest() {
        let today = i64::from(
            NaiveDate::from_ymd_opt(2027, 1, 1)
                .expect("a date")
                .num_days_from_ce(),
        );
        for (when, days) in [
            ("2026-12-31T08:00:00Z", Some(1)),
            ("2026-12-31T23:30:00.123456Z", Some(1)),
            // The timestamp's own day, as `DateTime::date_naive` gives it.
            ("2026-12-30T23:30:00-05:00", Some(2)),
            ("2026-12-01", Some(31)),
            ("2027-01-02T00:00:00Z", Some(0)),
            ("2026-02-30T00:00:00Z", None),
            ("2026-1-01", None),
            ("+2026-12-31", None),
            ("yesterday", None),
            ("", None),
        ] {
            assert_eq!(days_since(when, today), days, "{when}");
        }
    }
}
