//! Judging a change against its base: which findings the change introduces, which are debt it
//! inherits, and which components it removes. Pure, like the rest of evaluation.
//!
//! A component is *new* when its ecosystem and name are absent at base, *changed* when present
//! at base in other versions only, *existing* otherwise. A finding on a changed component that
//! none of its base versions had (a range entry the bump newly matches, a license that changed)
//! counts as new. With a base, hold and assess are stricter on what is introduced: new hold
//! usage is an error (existing: a warning), new assess usage a warning (existing: a note);
//! remove stays an error (a warning before its sunset).

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};

use serde_json::json;

use crate::evaluate::criteria::changed;
use crate::evaluate::{Evaluation, Verdict, finding};
use crate::model::purl::normalize_name;
use crate::model::{
    Change, Component, ComponentId, Criterion, Ecosystem, Finding, Ring, Rule, Severity,
};
use crate::policy::Policy;

/// An advisory that affected a component at base and affects nothing the change keeps: a
/// vulnerability the change fixes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fixed {
    /// The component version at base.
    pub component: ComponentId,
    /// The advisory's ids and aliases.
    pub ids: Vec<String>,
    pub rule: Rule,
}

/// What the change did beyond its findings: the components it removes and the
/// vulnerabilities it fixes.
#[derive(Clone, Debug, Default)]
pub struct Compared {
    pub removed: Vec<Removed>,
    pub fixed: Vec<Fixed>,
}

/// A component present at base and gone in the change: debt paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    #[serde(flatten)]
    pub component: ComponentId,
    /// Its ring at base; `None` when it was not evaluated (out of scope).
    pub ring: Option<Ring>,
}

type Key = (Ecosystem, String);

fn key(id: &ComponentId) -> Key {
    (id.ecosystem, normalize_name(id.ecosystem, &id.name))
}

/// Classifies the change's findings against the base's, adjusting their severities, and
/// lists the components the change removes. With `criteria.license-changed`, a component
/// whose version the change bumps to one under another license gets a `license-changed`
/// finding; `too-new` is judged on what the change introduces only.
pub fn compare(
    head: &mut Evaluation,
    head_components: &[Component],
    base: &Evaluation,
    base_components: &[Component],
    policy: &Policy,
) -> Compared {
    let mut base_versions: BTreeMap<Key, BTreeSet<&str>> = BTreeMap::new();
    for component in base_components {
        base_versions
            .entry(key(&component.id))
            .or_default()
            .insert(component.id.version_or_requirement());
    }
    let base_rules: HashSet<FindingKey> = base.findings.iter().filter_map(finding_key).collect();
    if policy.criteria.get(Criterion::LicenseChanged).is_some() {
        relicensed(head, head_components, base_components, policy);
    }

    for finding in &mut head.findings {
        let Some(id) = &finding.component else {
            continue;
        };
        let same_finding = finding_key(finding).is_some_and(|k| base_rules.contains(&k));
        let change = match base_versions.get(&key(id)) {
            None => Change::New,
            // A manifest's component is the same when its requirement is.
            Some(versions) if versions.contains(id.version_or_requirement()) => Change::Existing,
            Some(_) if same_finding => Change::Changed,
            Some(_) => Change::New,
        };
        finding.change = Some(change);
        finding.severity = severity(finding, change == Change::New);
    }
    head.findings
        .retain(|f| !(f.rule == Rule::HealthTooNew && f.change == Some(Change::Existing)));
    head.sort();

    let head_keys: HashSet<Key> = head_components.iter().map(|c| key(&c.id)).collect();
    let mut removed: Vec<Removed> = base_components
        .iter()
        .zip(&base.verdicts)
        .filter(|(component, _)| !head_keys.contains(&key(&component.id)))
        .map(|(component, verdict)| Removed {
            component: ComponentId::clone(&component.id),
            ring: match verdict {
                Verdict::Ring(ring) => Some(*ring),
                Verdict::NotEvaluated => None,
            },
        })
        .collect();
    removed.sort_by(|a, b| a.component.cmp(&b.component));
    let head_advisories: HashSet<FindingKey> = head
        .findings
        .iter()
        .filter(|f| matches!(f.rule, Rule::Vulnerability | Rule::Malicious))
        .filter_map(finding_key)
        .collect();
    let mut fixed: Vec<Fixed> = base
        .findings
        .iter()
        .filter(|f| matches!(f.rule, Rule::Vulnerability | Rule::Malicious))
        .filter(|f| finding_key(f).is_some_and(|k| !head_advisories.contains(&k)))
        .filter_map(|f| {
            Some(Fixed {
                component: ComponentId::clone(f.component.as_deref()?),
                ids: advisory_ids(f),
                rule: f.rule,
            })
        })
        .collect();
    fixed.sort_by(|a, b| (&a.component, &a.ids).cmp(&(&b.component, &b.ids)));
    fixed.dedup();
    Compared { removed, fixed }
}

/// What makes a finding the same finding at base and in the change: the package (not its
/// version), the rule and, for an advisory, its id.
type FindingKey = (Key, Rule, Option<String>);

fn finding_key(finding: &Finding) -> Option<FindingKey> {
    let advisory = advisory_ids(finding).into_iter().next();
    Some((key(finding.component.as_ref()?), finding.rule, advisory))
}

/// The advisory ids a vulnerability finding names (none for other findings).
fn advisory_ids(finding: &Finding) -> Vec<String> {
    finding
        .evidence
        .get("ids")
        .and_then(|ids| ids.as_array())
        .into_iter()
        .flatten()
        .filter_map(|id| id.as_str().map(str::to_owned))
        .collect()
}

/// Replaces the `license-changed` findings judged against each version's previous release
/// with those the change itself makes: a version the change bumps to, whose license differs
/// from that of every version of the package at base.
fn relicensed(
    head: &mut Evaluation,
    head_components: &[Component],
    base_components: &[Component],
    policy: &Policy,
) {
    head.findings.retain(|f| f.rule != Rule::LicenseChanged);
    let Some((ring, _)) = policy.criteria.get(Criterion::LicenseChanged) else {
        return;
    };
    let mut at_base: BTreeMap<Key, Vec<&Component>> = BTreeMap::new();
    for component in base_components {
        at_base
            .entry(key(&component.id))
            .or_default()
            .push(component);
    }
    for (component, verdict) in head_components.iter().zip(head.verdicts.iter_mut()) {
        let Verdict::Ring(worst) = verdict else {
            continue;
        };
        let Some(before) = at_base.get(&key(&component.id)) else {
            continue;
        };
        if before
            .iter()
            .any(|b| b.id.version_or_requirement() == component.id.version_or_requirement())
        {
            continue;
        }
        let accepted = policy
            .entry_for(&component.id)
            .is_some_and(|e| e.accept.contains(&Criterion::LicenseChanged));
        let differences: Vec<(String, String, &str)> = before
            .iter()
            .filter_map(|b| {
                changed(&b.license, &component.license)
                    .map(|(old, new)| (old, new, b.id.version.as_str()))
            })
            .collect();
        if accepted || ring.passes() || differences.len() != before.len() {
            continue;
        }
        let Some((old, new, version)) = differences.first() else {
            continue;
        };
        let mut finding = finding(
            component,
            Rule::LicenseChanged,
            ring,
            format!(
                "this change moves {} from {version} ({old}) to {} ({new}): its license changed",
                component.id.name, component.id.version
            ),
        );
        finding.evidence.insert("previous_version", json!(version));
        finding.evidence.insert("previous_license", json!(old));
        finding.evidence.insert("license", json!(new));
        head.findings.push(finding);
        *worst = (*worst).max(ring);
    }
}

/// The severity of a finding when the change does or does not introduce it.
fn severity(finding: &Finding, introduced: bool) -> Severity {
    match (finding.ring, introduced) {
        // Remove keeps its own grading, sunset included.
        (Some(Ring::Remove), _) | (None, _) => finding.severity,
        (Some(Ring::Hold), true) => Severity::Error,
        (Some(Ring::Hold), false) => Severity::Warning,
        (Some(Ring::Assess), true) => Severity::Warning,
        (Some(_), _) => Severity::Note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::evaluate;
    use crate::model::license::License;
    use crate::model::{Kind, Source};
    use crate::policy::{PolicyOrigin, parse};
    use chrono::NaiveDate;

    fn component(name: &str, version: &str, license: &str) -> Component {
        Component {
            id: ComponentId::new(Ecosystem::Npm, name, version).into(),
            license: License::from_declared(Some(license)),
            source: Source::Registry {
                url: "https://registry.npmjs.org".into(),
            },
            kinds: [Kind::Runtime].into(),
            optional: false,
            direct: true,
            dependents: Vec::new(),
            excluded: Vec::new(),
            path: ["web".into(), name.into()].into(),
            location: None,
            facts: Default::default(),
        }
    }

    fn policy() -> Policy {
        parse(
            "p.toml",
            r#"version = 1
[defaults]
ring = "adopt"
[licenses]
adopt = ["MIT"]
hold = ["MPL-2.0"]
[criteria]
license-changed = "hold"
[[components]]
purl = "pkg:npm/held"
ring = "hold"
[[components]]
purl = "pkg:npm/ranged"
versions = ">=2"
ring = "hold"
[[components]]
purl = "pkg:npm/gone"
ring = "remove"
"#,
            PolicyOrigin::Embedded,
        )
        .unwrap()
    }

    fn judged(components: &[Component]) -> Evaluation {
        evaluate(
            components,
            &policy(),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        )
    }

    fn graded(evaluation: &Evaluation) -> Vec<(String, Rule, Severity, Change)> {
        evaluation
            .findings
            .iter()
            .map(|f| {
                let name = f.component.as_ref().unwrap().name.clone();
                (name, f.rule, f.severity, f.change.unwrap())
            })
            .collect()
    }

    #[test]
    fn hold_is_an_error_when_introduced_and_a_warning_when_inherited() {
        let base = [
            component("held", "1.0.0", "MIT"),
            component("ranged", "1.0.0", "MIT"),
            component("relicensed", "1.0.0", "MIT"),
            component("gone", "1.0.0", "MIT"),
        ];
        let head = [
            component("held", "1.0.0", "MIT"),
            component("ranged", "2.0.0", "MIT"),
            component("relicensed", "2.0.0", "MPL-2.0"),
            component("fresh", "1.0.0", "MPL-2.0"),
        ];
        let base_eval = judged(&base);
        let mut head_eval = judged(&head);
        let removed = compare(&mut head_eval, &head, &base_eval, &base, &policy()).removed;
        assert_eq!(
            graded(&head_eval),
            [
                (
                    "fresh".into(),
                    Rule::LicenseHold,
                    Severity::Error,
                    Change::New
                ),
                (
                    "ranged".into(),
                    Rule::ComponentHold,
                    Severity::Error,
                    Change::New
                ),
                (
                    "relicensed".into(),
                    Rule::LicenseHold,
                    Severity::Error,
                    Change::New
                ),
                (
                    "relicensed".into(),
                    Rule::LicenseChanged,
                    Severity::Error,
                    Change::New
                ),
                (
                    "held".into(),
                    Rule::ComponentHold,
                    Severity::Warning,
                    Change::Existing
                ),
            ]
        );
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0].component.name, "gone");
        assert_eq!(removed[0].ring, Some(Ring::Remove));
    }

    #[test]
    fn a_bump_that_keeps_the_same_finding_is_changed_not_new() {
        let base = [component("held", "1.0.0", "MIT")];
        let head = [component("held", "1.1.0", "MIT")];
        let base_eval = judged(&base);
        let mut head_eval = judged(&head);
        compare(&mut head_eval, &head, &base_eval, &base, &policy());
        assert_eq!(
            graded(&head_eval),
            [(
                "held".into(),
                Rule::ComponentHold,
                Severity::Warning,
                Change::Changed
            )]
        );
    }
}
