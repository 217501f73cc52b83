//! Evaluation: components × policy → findings. Pure and deterministic: no I/O, and "today"
//! (for sunset dates) is an argument.
//!
//! A component is judged on three axes, each of which can produce one finding:
//! its own entry (or the default ring), its license, and its source. An explicit adopt or
//! trial entry is an OSPO approval and settles the license axis too.

pub mod criteria;
pub mod exceptions;
pub mod license;
pub mod vulnerabilities;

use std::cmp::Reverse;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::model::{Change, Component, ComponentId, Finding, Ring, Rule, Severity, Source};
use crate::policy::{ComponentEntry, Policy};

/// The outcome for one component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Outside the policy's scope (e.g. a dev-only dependency).
    NotEvaluated,
    /// Evaluated; the worst ring across its axes.
    Ring(Ring),
}

/// Findings and per-component verdicts, in the order of the components given.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    pub verdicts: Vec<Verdict>,
}

/// Holds every component against the policy.
pub fn evaluate(components: &[Component], policy: &Policy, today: NaiveDate) -> Evaluation {
    let criteria = criteria::Plan::new(&policy.criteria, today);
    // Room for two findings a component, which most runs stay within: a vector of tens of
    // thousands of findings is then not copied as it grows (room left unused is never touched).
    let mut findings = Vec::with_capacity(components.len() * 2);
    let verdicts = components
        .iter()
        .map(|component| {
            let in_scope = component.kinds.iter().any(|k| policy.scope.contains(k));
            if in_scope {
                Verdict::Ring(judge(component, policy, today, &criteria, &mut findings))
            } else {
                Verdict::NotEvaluated
            }
        })
        .collect();
    let mut evaluation = Evaluation { findings, verdicts };
    evaluation.sort();
    evaluation
}

impl Evaluation {
    /// Puts findings in report order (after adding some). A large inventory has tens of
    /// thousands of findings: their keys are sorted in a compact vector (each with its index,
    /// so that equal findings keep the order they came in), and the findings are then moved
    /// into place ([`crate::util::order`]).
    ///
    /// The order is by group (waived, severity, change), then by component and rule. The
    /// findings of an evaluation come component by component in the inventory's order, each
    /// component's in rule order: each group is then already in order once the groups are
    /// apart. So the keys are dealt into their groups (there are a few), and only a group
    /// found out of order is sorted.
    pub fn sort(&mut self) {
        let keys: Vec<(ReportKey, usize)> = self
            .findings
            .iter()
            .enumerate()
            .map(|(index, finding)| (report_key(finding), index))
            .collect();
        let mut groups: Vec<Group> = Vec::new();
        for (key, _) in &keys {
            if !groups.contains(&group(key)) {
                groups.push(group(key));
            }
        }
        groups.sort_unstable();
        let rank = |key: &ReportKey| groups.iter().position(|g| *g == group(key)).unwrap_or(0);
        let mut starts = vec![0; groups.len() + 1];
        for (key, _) in &keys {
            starts[rank(key) + 1] += 1;
        }
        for at in 1..starts.len() {
            starts[at] += starts[at - 1];
        }
        let mut dealt = keys.clone();
        let mut next = starts.clone();
        for &(key, index) in &keys {
            let slot = &mut next[rank(&key)];
            dealt[*slot] = (key, index);
            *slot += 1;
        }
        for bounds in starts.windows(2) {
            let group = &mut dealt[bounds[0]..bounds[1]];
            if !group.is_sorted() {
                group.sort_unstable();
            }
        }
        let order = dealt.into_iter().map(|(_, index)| index).collect();
        crate::util::order::permute(&mut self.findings, order);
    }
}

/// The first part of the report order: waived, severity, change.
type Group = (bool, Reverse<Severity>, Option<Change>);

fn group(key: &ReportKey) -> Group {
    (key.0, key.1, key.2)
}

/// The report order's key, as sorted by [`Evaluation::sort`].
type ReportKey<'f> = (bool, Reverse<Severity>, Option<Change>, SharedId<'f>, Rule);

/// A finding's component identity, ordered as [`ComponentId`] is. The findings of one
/// component share one identity, which is equal to itself without comparing its names.
#[derive(Clone, Copy, Debug)]
struct SharedId<'f>(Option<&'f ComponentId>);

impl Ord for SharedId<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self.0, other.0) {
            (Some(a), Some(b)) if std::ptr::eq(a, b) => std::cmp::Ordering::Equal,
            (a, b) => a.cmp(&b),
        }
    }
}

impl PartialOrd for SharedId<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for SharedId<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for SharedId<'_> {}

/// A finding's place in the order reports show them: waived ones last; most severe first,
/// then what the change introduces, then by component and rule.
fn report_key(finding: &Finding) -> ReportKey<'_> {
    (
        finding.waiver.is_some(),
        Reverse(finding.severity),
        finding.change,
        SharedId(finding.component.as_deref()),
        finding.rule,
    )
}

/// The ring a component gets on each axis; its verdict is the worst of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Axes {
    pub component: Ring,
    pub license: Ring,
    pub source: Ring,
    /// The worst ring of the criteria of acceptability (`[criteria]`).
    pub health: Ring,
    /// The worst ring of the known vulnerabilities (`[vulnerabilities]`).
    pub security: Ring,
}

impl Axes {
    pub fn worst(self) -> Ring {
        self.component
            .max(self.license)
            .max(self.source)
            .max(self.health)
            .max(self.security)
    }
}

/// Judges one component on each axis, pushing a finding per failing axis; returns its worst
/// ring.
fn judge(
    component: &Component,
    policy: &Policy,
    today: NaiveDate,
    criteria: &criteria::Plan,
    out: &mut Vec<Finding>,
) -> Ring {
    judge_axes(component, policy, today, criteria, out).worst()
}

/// The rings of one component on each axis (for `depgov explain`).
pub fn axes(component: &Component, policy: &Policy, today: NaiveDate) -> Axes {
    let criteria = criteria::Plan::new(&policy.criteria, today);
    judge_axes(component, policy, today, &criteria, &mut Vec::new())
}

fn judge_axes(
    component: &Component,
    policy: &Policy,
    today: NaiveDate,
    criteria: &criteria::Plan,
    out: &mut Vec<Finding>,
) -> Axes {
    let entry = policy.entry_for(&component.id);
    let component_ring = judge_component(component, entry, policy, today, out);
    let settled_by_approval = entry.is_some_and(|e| e.ring.passes());
    let license_ring = if settled_by_approval {
        Ring::Adopt
    } else {
        judge_license(component, policy, out)
    };
    Axes {
        component: component_ring,
        license: license_ring,
        source: judge_source(component, policy, out),
        health: criteria.judge(component, entry, out),
        security: vulnerabilities::judge(component, policy, out),
    }
}

fn judge_component(
    component: &Component,
    entry: Option<&ComponentEntry>,
    policy: &Policy,
    today: NaiveDate,
    out: &mut Vec<Finding>,
) -> Ring {
    let name = &component.id.name;
    let (ring, message) = match entry {
        Some(entry) => {
            let requirement_only = component.id.version.is_empty();
            let versions = entry
                .selector
                .versions_text
                .as_ref()
                .map(|range| match requirement_only {
                    // A manifest's requirement, not an installed version: say what matched.
                    true => format!(" (a requirement that can resolve into versions {range})"),
                    false => format!(" (versions {range})"),
                })
                .unwrap_or_default();
            let sunset = match entry.sunset {
                Some(day) if today <= day => format!("; it must be gone by {day}"),
                Some(day) => format!("; its sunset date {day} has passed"),
                None => String::new(),
            };
            let message = format!(
                "{name} {}{versions} is on the {} ring{sunset}",
                component.id.version_or_requirement(),
                entry.ring
            );
            (entry.ring, message)
        }
        None => {
            let ring = policy.default_ring;
            let message = format!(
                "{name} is not listed in the policy; unlisted components are on the {ring} ring"
            );
            (ring, message)
        }
    };
    let rule = match ring {
        Ring::Adopt | Ring::Trial => return ring,
        Ring::Assess => Rule::ComponentAssess,
        Ring::Hold => Rule::ComponentHold,
        Ring::Remove => Rule::ComponentRemove,
    };
    let before_sunset = entry.and_then(|e| e.sunset).is_some_and(|day| today <= day);
    let mut finding = finding(component, rule, ring, message);
    if ring == Ring::Remove && before_sunset {
        finding.severity = Severity::Warning;
    }
    if let Some(entry) = entry {
        finding.reason.clone_from(&entry.reason);
        finding.use_instead.clone_from(&entry.use_instead);
        finding.link.clone_from(&entry.link);
    }
    out.push(finding);
    ring
}

fn judge_license(component: &Component, policy: &Policy, out: &mut Vec<Finding>) -> Ring {
    let judgement = license::judge(&component.license, &policy.licenses);
    let ring = judgement.ring;
    let Some(rule) = judgement.rule() else {
        return ring;
    };
    let message = match (&judgement.decided_by, rule) {
        (None, _) => match &component.facts.license_unknown {
            // The facts stage looked and says why it found nothing.
            Some(gap) => format!(
                "{}'s license is unknown: {}; components without license information are on the {ring} ring",
                component.id.name,
                gap.reason()
            ),
            None => format!(
                "{} declares no license; components without license information are on the {ring} ring",
                component.id.name
            ),
        },
        (Some(part), Rule::LicenseUnlisted) => format!(
            "license {} is not named by the policy; unlisted licenses are on the {ring} ring{}",
            component.license,
            decided_by_part(&component.license, part)
        ),
        (Some(part), _) => format!(
            "license {} is on the {ring} ring{}",
            component.license,
            decided_by_part(&component.license, part)
        ),
    };
    out.push(finding(component, rule, ring, message));
    ring
}

/// Says which part of a compound expression decided, when it is not the whole expression.
fn decided_by_part(license: &crate::model::license::License, part: &str) -> String {
    if license.text() == Some(part) {
        String::new()
    } else {
        format!(" (decided by {part})")
    }
}

fn judge_source(component: &Component, policy: &Policy, out: &mut Vec<Finding>) -> Ring {
    let sources = &policy.sources;
    let (ring, rule, message) = match &component.source {
        Source::Git { url, .. } => (
            sources.git,
            Rule::SourceGit,
            format!(
                "{} comes from git ({url}); git sources are on the {} ring",
                component.id.name, sources.git
            ),
        ),
        Source::Registry { url } if !sources.accepts_registry(url) => (
            sources.unknown_registry,
            Rule::SourceUnknownRegistry,
            format!(
                "{} comes from {url}, a registry the policy does not list; such sources are on the {} ring",
                component.id.name, sources.unknown_registry
            ),
        ),
        Source::Registry { .. } | Source::Path { .. } => return Ring::Adopt,
    };
    if !ring.passes() {
        out.push(finding(component, rule, ring, message));
    }
    ring
}

/// The severity a ring has without a base revision to compare with.
pub fn severity_of(ring: Ring) -> Option<Severity> {
    match ring {
        Ring::Adopt | Ring::Trial => None,
        Ring::Assess => Some(Severity::Note),
        Ring::Hold => Some(Severity::Warning),
        Ring::Remove => Some(Severity::Error),
    }
}

/// A finding about `component` on `ring`, graded as without a base. One on its facts (license,
/// health, vulnerabilities) says which version they describe when it is not the component's
/// own: a manifest's requirement, judged by the version its installer would pick.
pub(crate) fn finding(component: &Component, rule: Rule, ring: Ring, message: String) -> Finding {
    let on_facts = matches!(
        rule,
        Rule::LicenseAssess
            | Rule::LicenseHold
            | Rule::LicenseRemove
            | Rule::LicenseUnlisted
            | Rule::LicenseUnknown
            | Rule::LicenseChanged
            | Rule::HealthDeprecated
            | Rule::HealthYanked
            | Rule::HealthUnmaintained
            | Rule::HealthStale
            | Rule::HealthScorecard
            | Rule::HealthTooNew
            | Rule::HealthUnknown
            | Rule::Vulnerability
            | Rule::Malicious
    );
    let message = match &component.facts.describes {
        Some(described) if on_facts => {
            format!("{message} (facts of {})", described.value.phrase())
        }
        _ => message,
    };
    Finding {
        rule,
        severity: severity_of(ring).unwrap_or(Severity::Note),
        ring: Some(ring),
        change: None,
        component: Some(Arc::clone(&component.id)),
        message,
        reason: None,
        use_instead: Vec::new(),
        link: None,
        path: Arc::clone(&component.path),
        location: component.location.clone(),
        waiver: None,
        evidence: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::license::License;
    use crate::model::{ComponentId, Ecosystem, Kind};
    use crate::policy::{PolicyOrigin, parse};

    fn component(name: &str, version: &str, source: Source, kind: Kind) -> Component {
        Component {
            id: ComponentId::new(Ecosystem::Cargo, name, version).into(),
            license: License::from_declared(Some("MIT")),
            source,
            kinds: [kind].into(),
            optional: false,
            direct: true,
            dependents: Vec::new(),
            excluded: Vec::new(),
            path: ["app".into(), name.into()].into(),
            location: None,
            facts: Default::default(),
        }
    }

    fn crates_io() -> Source {
        Source::Registry {
            url: crate::model::registry::CRATES_IO.into(),
        }
    }

    fn policy(text: &str) -> Policy {
        let text = format!("version = 1\n[licenses]\nadopt = [\"MIT\"]\n{text}");
        parse("p.toml", &text, PolicyOrigin::Embedded).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
    }

    fn rules(components: &[Component], policy: &Policy) -> Vec<(String, Rule, Severity)> {
        evaluate(components, policy, today())
            .findings
            .into_iter()
            .map(|f| {
                (
                    f.component.map(|c| c.name.clone()).unwrap_or_default(),
                    f.rule,
                    f.severity,
                )
            })
            .collect()
    }

    #[test]
    fn registries_outside_the_list_get_the_unknown_registry_ring() {
        let policy = policy(
            "[defaults]\nring = \"adopt\"\n[sources]\nregistries = [\"crates-io\"]\nunknown-registry = \"remove\"\n",
        );
        let mirror = Source::Registry {
            url: "https://mirror.example/index".into(),
        };
        let components = [
            component("ok", "1.0.0", crates_io(), Kind::Runtime),
            component("mirrored", "1.0.0", mirror, Kind::Runtime),
        ];
        assert_eq!(
            rules(&components, &policy),
            [(
                "mirrored".into(),
                Rule::SourceUnknownRegistry,
                Severity::Error
            )]
        );
    }

    #[test]
    fn the_most_specific_entry_wins_and_ties_go_to_the_last() {
        let policy = policy(
            r#"[defaults]
ring = "adopt"
[[components]]
purl = "pkg:cargo/open*"
ring = "remove"
[[components]]
purl = "pkg:cargo/openssl"
ring = "hold"
[[components]]
purl = "pkg:cargo/openssl"
versions = ">=1"
ring = "adopt"
[[components]]
purl = "pkg:cargo/opendal"
ring = "assess"
[[components]]
purl = "pkg:cargo/opendal"
ring = "trial"
"#,
        );
        let components = [
            component("openssl", "0.10.0", crates_io(), Kind::Runtime),
            component("openssl", "1.0.0", crates_io(), Kind::Runtime),
            component("opendal", "1.0.0", crates_io(), Kind::Runtime),
            component("openai", "1.0.0", crates_io(), Kind::Runtime),
        ];
        assert_eq!(
            rules(&components, &policy),
            [
                ("openai".into(), Rule::ComponentRemove, Severity::Error),
                ("openssl".into(), Rule::ComponentHold, Severity::Warning),
            ]
        );
    }

    #[test]
    fn findings_sort_into_report_order_whatever_order_the_components_came_in() {
        let policy = policy("[defaults]\nring = \"hold\"\n[sources]\ngit = \"assess\"\n");
        let git = Source::Git {
            url: "https://example.com/x.git".into(),
            rev: None,
        };
        let mut components: Vec<Component> = (0..40)
            .map(|i| {
                let source = if i % 3 == 0 { git.clone() } else { crates_io() };
                let mut component =
                    component(&format!("c{}", i % 17), "1.0.0", source, Kind::Runtime);
                if i % 4 == 0 {
                    component.license = License::from_declared(Some("GPL-3.0-only"));
                }
                component
            })
            .collect();
        let listed = |evaluation: &Evaluation| -> Vec<(Severity, String, Rule, String)> {
            evaluation
                .findings
                .iter()
                .map(|f| {
                    let name = f
                        .component
                        .as_ref()
                        .map(|c| c.name.clone())
                        .unwrap_or_default();
                    (f.severity, name, f.rule, f.message.clone())
                })
                .collect()
        };
        // The inventory's order, its reverse and an interleaving: the same findings, in the
        // order a full sort of their keys gives.
        for arrangement in 0..3 {
            match arrangement {
                0 => components.sort_by(|a, b| a.id.cmp(&b.id)),
                1 => components.reverse(),
                _ => components.rotate_left(7),
            }
            let evaluation = evaluate(&components, &policy, today());
            let mut expected = evaluation.clone();
            expected
                .findings
                .sort_by(|a, b| report_key(a).cmp(&report_key(b)));
            assert_eq!(
                listed(&evaluation),
                listed(&expected),
                "arrangement {arrangement}"
            );
            assert!(evaluation.findings.len() > 40);
        }
    }

    #[test]
    fn components_outside_the_scope_are_not_evaluated() {
        let policy = policy("[defaults]\nring = \"hold\"\nscope = [\"runtime\"]\n");
        let components = [
            component("tool", "1.0.0", crates_io(), Kind::Build),
            component("lib", "1.0.0", crates_io(), Kind::Runtime),
        ];
        let evaluation = evaluate(&components, &policy, today());
        assert_eq!(
            evaluation.verdicts,
            [Verdict::NotEvaluated, Verdict::Ring(Ring::Hold)]
        );
        assert_eq!(evaluation.findings.len(), 1);
    }
}
