//! Known vulnerabilities and malicious packages (`[vulnerabilities]`): each advisory affecting
//! a component version is a finding on the ring its severity has in the policy; a
//! malicious-package record (OSV `MAL-`) is always on the remove ring, whatever any entry says.
//! An advisory the policy does not rank (no ring for its severity) is not judged. Waiving an
//! advisory is an `[[exceptions]]` entry naming it ([`super::exceptions`]).

use serde_json::json;

use super::finding;
use crate::model::evidence::Evidence;
use crate::model::facts::{Advisory, Level};
use crate::model::{Component, ComponentId, Finding, Ring, Rule};
use crate::policy::Policy;

/// Judges `component` on the advisories affecting it; returns the worst ring.
pub(crate) fn judge(component: &Component, policy: &Policy, out: &mut Vec<Finding>) -> Ring {
    let Some(fact) = &component.facts.advisories else {
        return Ring::Adopt;
    };
    let fixed_by = fact.value.fixed_by.as_deref();
    let mut worst = Ring::Adopt;
    for advisory in &fact.value.advisories {
        let (rule, ring) = if advisory.malicious {
            (Rule::Malicious, Ring::Remove)
        } else if advisory.unmaintained {
            // An informational notice, judged by `criteria.unmaintained`.
            continue;
        } else {
            match policy.vulnerabilities.get(&advisory.level) {
                Some(ring) if !ring.passes() => (Rule::Vulnerability, *ring),
                _ => continue,
            }
        };
        let mut found = finding(
            component,
            rule,
            ring,
            message(component, advisory, fixed_by),
        );
        found.evidence = evidence(advisory);
        let source = fact.origin.source.as_str();
        found.evidence.insert("source", json!(source));
        if let Some(version) = fixed_by.filter(|_| !advisory.malicious) {
            let fixed = ComponentId::new(component.id.ecosystem, &component.id.name, version);
            found.use_instead = vec![fixed.purl];
            found.evidence.insert("fixed_by", json!(version));
        }
        found.link = advisory.links.first().cloned();
        out.push(found);
        worst = worst.max(ring);
    }
    worst
}

fn message(component: &Component, advisory: &Advisory, fixed_by: Option<&str>) -> String {
    let name = &component.id.name;
    let version = &component.id.version;
    let ids = advisory.ids.join(", ");
    let summary = advisory
        .summary
        .as_deref()
        .map(|s| format!(": {}", s.trim()))
        .unwrap_or_default();
    if advisory.malicious {
        return format!("{name} {version} is a malicious package ({ids}){summary}");
    }
    let severity = match (advisory.level, advisory.score) {
        (Level::Unknown, _) => "severity unknown".to_owned(),
        (level, Some(score)) => format!("{} severity, CVSS {score:.1}", level.as_str()),
        (level, None) => format!("{} severity", level.as_str()),
    };
    let fix = match fixed_by {
        Some(version) => format!("; {version} fixes it"),
        None if advisory.fixed.is_empty() => "; no fixed version is known".to_owned(),
        None => format!("; fixed in {}", advisory.fixed.join(", ")),
    };
    format!("{name} {version} is affected by {ids} ({severity}){summary}{fix}")
}

fn evidence(advisory: &Advisory) -> Evidence {
    let mut evidence = Evidence::with_capacity(8);
    evidence.insert("ids", json!(advisory.ids));
    if let Some(summary) = &advisory.summary {
        evidence.insert("summary", json!(summary));
    }
    evidence.insert("severity", json!(advisory.level.as_str()));
    if let Some(score) = advisory.score {
        evidence.insert("score", json!(score));
    }
    if let Some(vector) = &advisory.vector {
        evidence.insert("vector", json!(vector));
    }
    if !advisory.fixed.is_empty() {
        evidence.insert("fixed", json!(advisory.fixed));
    }
    if !advisory.links.is_empty() {
        evidence.insert("links", json!(advisory.links));
    }
    evidence
}
