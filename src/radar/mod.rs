//! `depgov radar propose`: an organisation report turned into proposed ring changes, each with
//! the evidence behind it, for the OSPO to review (docs/radar.md).
//!
//! Four kinds of proposal, from the report (and the previous one):
//!
//! - **endorse**: a component no policy entry lists, used by at least `trial_at` repositories
//!   (`adopt_at` for adopt) and healthy — no health or vulnerability finding, not on hold or
//!   remove — is a candidate for trial (adopt).
//! - **escalate**: a component on hold or remove used by at least `growth` more repositories
//!   than in the previous report: hold becomes remove; remove stays remove, reported as still
//!   spreading.
//! - **retire**: a deprecated, unmaintained, relicensed (`license-changed`) or vulnerable
//!   component used by at least `wide_use` repositories is a candidate for hold — for remove
//!   when already on hold, or malicious (in any repository) — with what to use instead: the
//!   policy entry's `use-instead`, else the most used healthy library of its category.
//! - **consolidate**: when the organisation uses two or more libraries of one category
//!   ([`categories`]), the most used healthy one is proposed for adopt and the others for
//!   hold, with it as their use-instead.
//!
//! A component gets one proposal: the one with the worst ring (of equal rings, the kind listed
//! first), with the evidence of all.
//! Deciding is pure (no I/O); [`output`] renders the markdown, the radar CSV and the policy
//! layer.

pub mod categories;
pub mod output;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::{ComponentId, Ring, Rule};
use crate::policy::Policy;
use crate::report::org::{ComponentUsage, FindingUsage, OrgReport};
use categories::Category;

/// The thresholds, each a flag of `depgov radar propose`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// Repositories an unlisted healthy component is used by to be proposed for adopt.
    pub adopt_at: usize,
    /// … for trial.
    pub trial_at: usize,
    /// Repositories an unhealthy component is used by to be proposed for hold or remove.
    pub wide_use: usize,
    /// More repositories than in the previous report for a hold or remove component to be
    /// escalated.
    pub growth: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            adopt_at: 10,
            trial_at: 3,
            wide_use: 3,
            growth: 1,
        }
    }
}

/// Why a change is proposed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Escalate,
    Retire,
    Consolidate,
    Endorse,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Escalate => "escalate",
            Kind::Retire => "retire",
            Kind::Consolidate => "consolidate",
            Kind::Endorse => "endorse",
        }
    }
}

/// One proposed ring for one component, with its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub kind: Kind,
    /// The versionless package URL.
    pub purl: String,
    pub name: String,
    pub ecosystem: crate::model::Ecosystem,
    /// Its worst ring in the report; `None` when no use was evaluated.
    pub current: Option<Ring>,
    /// Whether a policy entry lists it (else its ring is the policy's default).
    pub listed: bool,
    pub proposed: Ring,
    /// Package URLs to use instead.
    pub use_instead: Vec<String>,
    /// One sentence per fact behind the proposal.
    pub evidence: Vec<String>,
    /// The repositories using it.
    pub repos: Vec<String>,
}

impl Proposal {
    /// Whether the proposal changes the component's ring (an escalated remove does not).
    pub fn changes_ring(&self) -> bool {
        !self.listed || self.current != Some(self.proposed)
    }
}

/// The proposals for `report`, by kind, then most repositories first, then purl.
pub fn propose(
    report: &OrgReport,
    previous: Option<&OrgReport>,
    policy: &Policy,
    categories: &[Category],
    thresholds: &Thresholds,
) -> Vec<Proposal> {
    let problems = problems(report);
    let healthy = |usage: &ComponentUsage| {
        !problems.contains_key(usage.purl.as_str())
            && usage.ring.is_none_or(|ring| ring < Ring::Hold)
    };
    let by_purl: BTreeMap<&str, &ComponentUsage> = report
        .components
        .iter()
        .map(|usage| (usage.purl.as_str(), usage))
        .collect();
    let mut proposals: BTreeMap<String, Proposal> = BTreeMap::new();
    let mut add = |usage: &ComponentUsage, kind: Kind, ring: Ring, evidence: String| {
        let proposal = proposals
            .entry(usage.purl.clone())
            .or_insert_with(|| Proposal {
                kind,
                purl: usage.purl.clone(),
                name: usage.name.clone(),
                ecosystem: usage.ecosystem,
                current: usage.ring,
                listed: listed(policy, usage),
                proposed: ring,
                use_instead: policy_use_instead(policy, usage),
                evidence: Vec::new(),
                repos: repos_of(usage),
            });
        // The worst ring wins; of equal rings, the kind listed first (the more pressing).
        if (std::cmp::Reverse(ring), kind) < (std::cmp::Reverse(proposal.proposed), proposal.kind) {
            proposal.proposed = ring;
            proposal.kind = kind;
        }
        proposal.evidence.push(evidence);
    };

    // Consolidation first: its winners are the use-instead of the other kinds.
    let mut winner_of: BTreeMap<&str, (&ComponentUsage, &Category)> = BTreeMap::new();
    for category in categories {
        let mut used: Vec<&ComponentUsage> = category
            .packages
            .iter()
            .filter_map(|purl| by_purl.get(purl.as_str()).copied())
            .collect();
        used.sort_by(|a, b| b.repos.cmp(&a.repos).then_with(|| a.purl.cmp(&b.purl)));
        let Some(winner) = used.iter().copied().find(|usage| healthy(usage)) else {
            continue;
        };
        for usage in &used {
            winner_of.insert(usage.purl.as_str(), (winner, category));
        }
        if used.len() < 2 {
            continue;
        }
        let others: Vec<String> = used
            .iter()
            .filter(|usage| usage.purl != winner.purl)
            .map(|usage| format!("{} ({})", usage.name, repositories(usage.repos)))
            .collect();
        add(
            winner,
            Kind::Consolidate,
            Ring::Adopt,
            format!(
                "the most used healthy library for {} in {} ({}); the organisation also uses {} (category source: {})",
                category.name.to_lowercase(),
                category.ecosystem,
                repositories(winner.repos),
                others.join(", "),
                category.source
            ),
        );
        for usage in used.iter().filter(|usage| usage.purl != winner.purl) {
            add(
                usage,
                Kind::Consolidate,
                Ring::Hold,
                format!(
                    "does the job of {} ({} in {}), which is used by {}, this by {} (category source: {})",
                    winner.name,
                    category.name.to_lowercase(),
                    category.ecosystem,
                    repositories(winner.repos),
                    repositories(usage.repos),
                    category.source
                ),
            );
        }
    }

    if let Some(previous) = previous {
        let before: BTreeMap<&str, &ComponentUsage> = previous
            .components
            .iter()
            .map(|usage| (usage.purl.as_str(), usage))
            .collect();
        for usage in &report.components {
            let Some(ring @ (Ring::Hold | Ring::Remove)) = usage.ring else {
                continue;
            };
            let then: BTreeSet<String> = before
                .get(usage.purl.as_str())
                .map(|usage| repos_of(usage).into_iter().collect())
                .unwrap_or_default();
            let now = repos_of(usage);
            if usage.repos < then.len() + thresholds.growth {
                continue;
            }
            let new: Vec<&str> = now
                .iter()
                .filter(|repo| !then.contains(*repo))
                .map(String::as_str)
                .collect();
            add(
                usage,
                Kind::Escalate,
                Ring::Remove,
                format!(
                    "on {ring}, yet used by {} now and {} on {}; new: {}",
                    repositories(usage.repos),
                    repositories(then.len()),
                    previous.date,
                    new.join(", ")
                ),
            );
        }
    }

    for (purl, found) in &problems {
        let Some(usage) = by_purl.get(purl).copied() else {
            continue;
        };
        let malicious = found.iter().any(|f| f.rule == Rule::Malicious);
        if usage.repos < thresholds.wide_use && !malicious {
            continue;
        }
        let ring = if malicious || usage.ring.is_some_and(|ring| ring >= Ring::Hold) {
            Ring::Remove
        } else {
            Ring::Hold
        };
        for finding in found {
            add(
                usage,
                Kind::Retire,
                ring,
                format!(
                    "{} in version {} ({}): {}",
                    finding.rule,
                    finding.component.version,
                    repositories(finding.repos.len()),
                    finding.message
                ),
            );
        }
    }

    for usage in &report.components {
        let Some(ring) = [
            (thresholds.adopt_at, Ring::Adopt),
            (thresholds.trial_at, Ring::Trial),
        ]
        .into_iter()
        .find_map(|(at, ring)| (usage.repos >= at).then_some(ring)) else {
            continue;
        };
        if usage.ring.is_none() || !healthy(usage) || listed(policy, usage) {
            continue;
        }
        add(
            usage,
            Kind::Endorse,
            ring,
            format!(
                "no policy entry lists it; used by {} with no health or vulnerability finding",
                repositories(usage.repos)
            ),
        );
    }

    let mut proposals: Vec<Proposal> = proposals.into_values().collect();
    for proposal in &mut proposals {
        if proposal.proposed >= Ring::Hold && proposal.use_instead.is_empty() {
            let winner = winner_of
                .get(proposal.purl.as_str())
                .filter(|(winner, _)| winner.purl != proposal.purl);
            proposal
                .use_instead
                .extend(winner.map(|(winner, _)| winner.purl.clone()));
        }
        if proposal.proposed < Ring::Hold {
            proposal.use_instead.clear();
        }
    }
    proposals.sort_by(|a, b| {
        (a.kind, std::cmp::Reverse(a.repos.len()), &a.purl).cmp(&(
            b.kind,
            std::cmp::Reverse(b.repos.len()),
            &b.purl,
        ))
    });
    proposals
}

/// The health and vulnerability findings of the report that make a component unhealthy, by
/// versionless purl. Yanked versions are left out: the fix is another version, not another
/// library.
fn problems(report: &OrgReport) -> BTreeMap<&str, Vec<&FindingUsage>> {
    let mut problems: BTreeMap<&str, Vec<&FindingUsage>> = BTreeMap::new();
    let versionless: BTreeMap<(crate::model::Ecosystem, &str), &str> = report
        .components
        .iter()
        .map(|usage| ((usage.ecosystem, usage.name.as_str()), usage.purl.as_str()))
        .collect();
    for finding in report.health.iter().chain(&report.vulnerabilities) {
        if finding.rule == Rule::HealthYanked {
            continue;
        }
        let ComponentId {
            ecosystem, name, ..
        } = &finding.component;
        if let Some(purl) = versionless.get(&(*ecosystem, name.as_str())) {
            problems.entry(purl).or_default().push(finding);
        }
    }
    problems
}

/// Whether a policy entry lists any version of the component in use.
fn listed(policy: &Policy, usage: &ComponentUsage) -> bool {
    usage.versions.iter().any(|version| {
        let id = ComponentId::new(usage.ecosystem, &usage.name, &version.version);
        policy.entry_for(&id).is_some()
    })
}

/// The package URLs the policy's entry recommends instead.
fn policy_use_instead(policy: &Policy, usage: &ComponentUsage) -> Vec<String> {
    let mut found: BTreeSet<String> = BTreeSet::new();
    for version in &usage.versions {
        let id = ComponentId::new(usage.ecosystem, &usage.name, &version.version);
        if let Some(entry) = policy.entry_for(&id) {
            found.extend(
                entry
                    .use_instead
                    .iter()
                    .filter(|u| u.starts_with("pkg:"))
                    .cloned(),
            );
        }
    }
    found.into_iter().collect()
}

fn repos_of(usage: &ComponentUsage) -> Vec<String> {
    let all: BTreeSet<&String> = usage.versions.iter().flat_map(|v| &v.repos).collect();
    all.into_iter().cloned().collect()
}

/// `1 repository`, `3 repositories`.
fn repositories(count: usize) -> String {
    match count {
        1 => "1 repository".to_owned(),
        _ => format!("{count} repositories"),
    }
}
