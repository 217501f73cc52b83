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
//! can fail, their thresholds as text, today's day number) is prepared once in a [`Plan`],
//! judging a component that fails nothing allocates nothing, and a finding's message is put
//! together from its pieces in one allocation (`format!` costs several times as much, and a
//! run can hold a finding for most of its components).

use std::borrow::Cow;

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
    /// [`Criterion::ALL`].
    judged: Vec<Judged>,
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
                    let limit = match threshold {
                        Threshold::None => String::new(),
                        Threshold::Days(days) => days.to_string(),
                        Threshold::Below(score) => score.to_string(),
                    };
                    (!ring.passes()).then_some(Judged {
                        criterion,
                        ring,
                        threshold,
                        limit,
                    })
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
        for judged in &self.judged {
            let (criterion, ring) = (judged.criterion, judged.ring);
            if accepted(entry, criterion) {
                continue;
            }
            match assess(component, judged, self.today) {
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

/// A criterion the policy sets, as [`Plan`] judges it.
struct Judged {
    criterion: Criterion,
    ring: Ring,
    threshold: Threshold,
    /// The threshold as a message writes it (`730`, `3.5`).
    limit: String,
}

/// The criteria a component could not be judged on, without allocating: there are at most
/// as many as [`Criterion::ALL`].
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
    /// A failure with `message`. Its evidence is allocated at its first piece, with room for
    /// four (a vector's least), which is all but a Scorecard's need.
    fn new(message: String) -> Failed {
        Failed {
            message,
            evidence: Evidence::default(),
        }
    }

    /// `key: value` as evidence. Each failure gives its evidence in the order of the names,
    /// so that every piece is appended.
    fn with(mut self, key: &'static str, value: impl Into<Value>) -> Failed {
        self.evidence.insert(key, value.into());
        self
    }

    /// A registry's or an index's text as evidence; an empty one (a yank without a reason)
    /// is no evidence.
    fn with_text(self, key: &'static str, text: &str) -> Failed {
        if text.trim().is_empty() {
            self
        } else {
            self.with(key, text)
        }
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

fn assess(component: &Component, judged: &Judged, today: i64) -> Outcome {
    let facts = &component.facts;
    let name = component.id.name.as_str();
    let version = component.id.version.as_str();
    let limit = judged.limit.as_str();
    match judged.criterion {
        Criterion::Deprecated => {
            if let Some(status) = facts
                .project_status
                .as_ref()
                .filter(|s| s.value.status == "deprecated")
            {
                let reason = status.value.reason.as_deref().unwrap_or_default();
                let [colon, said] = suffix(reason);
                return Outcome::Fails(
                    Failed::new(
                        [
                            "the ",
                            name,
                            " project is deprecated (its index says so)",
                            colon,
                            said,
                        ]
                        .concat(),
                    )
                    .with_text("message", reason)
                    .from("source", status)
                    .with("status", "deprecated"),
                );
            }
            // crates.io has no deprecation (deps.dev's flag on a crate is its yank): a crate
            // is never missing one.
            let deprecates = component.id.ecosystem != Ecosystem::Cargo;
            match &facts.deprecated {
                None if deprecates && facts.project_status.is_none() => Outcome::Missing,
                Some(flag) if flag.value.set => {
                    let message = flag.value.message.as_deref().unwrap_or_default();
                    let [colon, said] = suffix(message);
                    Outcome::Fails(
                        Failed::new(
                            [
                                name,
                                " ",
                                version,
                                " is deprecated by its registry",
                                colon,
                                said,
                            ]
                            .concat(),
                        )
                        .with_text("message", message)
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
                    let [colon, said] = suffix(message);
                    Outcome::Fails(
                        Failed::new(
                            [
                                name,
                                " ",
                                version,
                                " was yanked from its registry",
                                colon,
                                said,
                            ]
                            .concat(),
                        )
                        .with_text("message", message)
                        .from("source", flag),
                    )
                }
                _ => Outcome::Passes,
            }
        }
        Criterion::Unmaintained => unmaintained(component),
        Criterion::Stale => {
            let Threshold::Days(days) = judged.threshold else {
                return Outcome::Passes;
            };
            // This version's own date matters only when the newest release's is unknown.
            let published = || age(facts.published.as_ref(), today);
            match (age(facts.latest_release.as_ref(), today), published) {
                (Some((age, fact)), _) if age > i64::from(days) => Outcome::Fails(
                    Failed::new(
                        [
                            "no release of ",
                            name,
                            " since ",
                            date(&fact.value),
                            " (",
                            itoa::Buffer::new().format(age),
                            " days, more than ",
                            limit,
                            "): possibly unmaintained",
                        ]
                        .concat(),
                    )
                    .with("days", age)
                    .with("latest_release", fact.value.as_str())
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
            let Threshold::Below(below) = judged.threshold else {
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
                .map(|c| [c.name.as_str(), " ", itoa::Buffer::new().format(c.score)].concat())
                .collect();
            let listed = match weakest.is_empty() {
                true => "none conclusive".to_owned(),
                false => weakest.join(", "),
            };
            let message = [
                card.repository.as_str(),
                "'s OpenSSF Scorecard is ",
                &format!("{:.1}", card.score),
                ", below ",
                limit,
                "; weakest checks: ",
                &listed,
            ]
            .concat();
            Outcome::Fails(
                Failed::new(message)
                    .with(
                        "link",
                        ["https://scorecard.dev/viewer/?uri=", &card.repository].concat(),
                    )
                    .with("repository", card.repository.as_str())
                    .with("score", card.score)
                    .from("source", fact)
                    .with("weakest_checks", weakest),
            )
        }
        Criterion::TooNew => {
            let Threshold::Days(days) = judged.threshold else {
                return Outcome::Passes;
            };
            let Some(published) = &facts.published else {
                return Outcome::Missing;
            };
            match days_since(&published.value, today) {
                Some(age) if age < i64::from(days) => Outcome::Fails(
                    Failed::new(
                        [
                            name,
                            " ",
                            version,
                            " was published on ",
                            date(&published.value),
                            " (",
                            itoa::Buffer::new().format(age),
                            if age == 1 { " day ago" } else { " days ago" },
                            "); the policy waits ",
                            limit,
                            " days before a release is used",
                        ]
                        .concat(),
                    )
                    .with("days", age)
                    .with("published", published.value.as_str())
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
            let declared = previous.value.license.as_str();
            if component
                .license
                .text()
                .is_some_and(|now| now == declared || now.trim() == declared.trim())
            {
                return Outcome::Passes;
            }
            let before = License::from_declared(Some(declared.trim()));
            match changed(&before, &component.license) {
                Some((before, after)) => Outcome::Fails(
                    Failed::new(
                        [
                            name,
                            " ",
                            version,
                            " is licensed ",
                            &after,
                            "; the release before it, ",
                            &previous.value.version,
                            ", was ",
                            &before,
                        ]
                        .concat(),
                    )
                    .with("license", after)
                    .with("previous_license", before)
                    .with("previous_version", previous.value.version.as_str())
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
    let name = component.id.name.as_str();
    if let Some(status) = facts
        .project_status
        .as_ref()
        .filter(|s| matches!(s.value.status.as_str(), "archived" | "quarantined"))
    {
        let reason = status.value.reason.as_deref().unwrap_or_default();
        let [colon, said] = suffix(reason);
        return Outcome::Fails(
            Failed::new(
                [
                    "the ",
                    name,
                    " project is ",
                    &status.value.status,
                    " on its index",
                    colon,
                    said,
                ]
                .concat(),
            )
            .with_text("message", reason)
            .from("source", status)
            .with("status", status.value.status.as_str()),
        );
    }
    if let Some(fact) = &facts.advisories {
        if let Some(notice) = fact.value.advisories.iter().find(|a| a.unmaintained) {
            let summary = notice.summary.as_deref().unwrap_or_default();
            let [colon, said] = suffix(summary);
            return Outcome::Fails(
                Failed::new(
                    [
                        name,
                        " is unmaintained, says ",
                        &notice.ids.join(", "),
                        colon,
                        said,
                    ]
                    .concat(),
                )
                .with("ids", notice.ids.as_slice())
                .with_text("message", summary)
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
                Failed::new(
                    [
                        name,
                        "'s source repository ",
                        &fact.value.repository,
                        " is archived",
                    ]
                    .concat(),
                )
                .with_text("message", check.reason.as_deref().unwrap_or_default())
                .with("repository", fact.value.repository.as_str())
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
    let name = component.id.name.as_str();
    let mut message = String::with_capacity(name.len() + why.len() + 120);
    message.push_str(name);
    message.push_str(" could not be judged on ");
    for (index, criterion) in missing.iter().enumerate() {
        if index > 0 {
            message.push_str(", ");
        }
        message.push_str(criterion.as_str());
    }
    for piece in [
        ": ",
        &why,
        "; such components are on the ",
        ring.as_str(),
        " ring",
    ] {
        message.push_str(piece);
    }
    let mut finding = finding(component, Rule::HealthUnknown, ring, message);
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
/// first ten characters, read digit by digit rather than by a general-purpose parser, since
/// every component's dates are read on every run.
fn days_since(when: &str, today: i64) -> Option<i64> {
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2, ..] = *when.as_bytes() else {
        return None;
    };
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0, |number, &digit| {
            digit
                .is_ascii_digit()
                .then(|| number * 10 + u32::from(digit - b'0'))
        })
    };
    let year = i32::try_from(number(&[y1, y2, y3, y4])?).ok()?;
    let day = NaiveDate::from_ymd_opt(year, number(&[m1, m2])?, number(&[d1, d2])?)?;
    Some((today - i64::from(day.num_days_from_ce())).max(0))
}

/// The day of a timestamp.
fn date(when: &str) -> &str {
    when.get(..10).unwrap_or(when)
}

/// `: message`, or nothing: the two pieces that end a finding's message with a registry's or
/// an index's words.
fn suffix(message: &str) -> [&str; 2] {
    match message.trim() {
        "" => ["", ""],
        message => [": ", message],
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
