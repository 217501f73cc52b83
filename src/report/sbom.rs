//! What the SBOM formats ([`cyclonedx`](super::cyclonedx), [`spdx`](super::spdx)) share: the
//! components of an inventory or a check, one entry per package URL, with their dependency
//! graph, their license and its provenance, and depgov's verdict as name–value properties.
//!
//! - **Entries**: components with the same purl (one package read from two lockfiles) are one
//!   entry; its kinds, direct flag and dependencies are the union of theirs.
//! - **Graph**: the first-party roots are the first names of the components' paths. A direct
//!   component is a dependency of its root; otherwise of every component (of its ecosystem)
//!   named among its dependents, else of the one before it on its shortest path. Dependents are
//!   recorded by name, so a package depended on by a name held in two versions is a dependency
//!   of both.
//! - **Properties** (`depgov:` namespace): `depgov:license:source` (where the license came
//!   from: the input, or the facts source with `depgov:license:fetched` and
//!   `depgov:license:confidence`), `depgov:license:unknown` (why no license is known); with a
//!   check, `depgov:ring` (the worst ring across the component's axes, or `not-evaluated`),
//!   one `depgov:rule` per rule id of its findings that counts, and one `depgov:waiver` per
//!   waived finding (`RULE: reason; expires DATE; approved by NAME`).
//! - **Determinism**: the document's identifier (CycloneDX `serialNumber`, SPDX
//!   `documentNamespace`) is a UUID derived from the document's content, and its creation time
//!   is `SOURCE_DATE_EPOCH` when set (reproducible builds' convention), else now.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{InventoryReport, Report, Tool};
use crate::evaluate::Verdict;
use crate::model::{Component, Finding, Kind};

/// One SBOM entry: the components sharing a purl.
pub(crate) struct Entry<'a> {
    pub component: &'a Component,
    pub kinds: BTreeSet<Kind>,
    pub direct: bool,
    pub optional: bool,
    /// Indices of the entries it depends on.
    pub depends_on: BTreeSet<usize>,
    /// `depgov:` properties, in a fixed order.
    pub properties: Vec<(&'static str, String)>,
}

impl Entry<'_> {
    /// Needed only by tests, benchmarks and examples.
    pub fn dev_only(&self) -> bool {
        self.kinds.iter().all(|kind| *kind == Kind::Dev)
    }

    /// Needed only to build.
    pub fn build_only(&self) -> bool {
        self.kinds.iter().all(|kind| *kind == Kind::Build)
    }
}

/// The components as SBOM entries, with the first-party roots that depend on them.
pub(crate) struct Sbom<'a> {
    pub tool: &'a Tool,
    /// Each first-party root's name and the entries it depends on directly.
    pub roots: Vec<(String, BTreeSet<usize>)>,
    pub entries: Vec<Entry<'a>>,
}

impl<'a> Sbom<'a> {
    /// A check's components with their verdicts.
    pub fn of_check(report: &'a Report) -> Self {
        let mut findings: HashMap<&str, Vec<&Finding>> = HashMap::new();
        for finding in &report.findings {
            if let Some(component) = &finding.component {
                findings.entry(&component.purl).or_default().push(finding);
            }
        }
        let verdict = |index: usize, component: &Component| {
            let ring = match report.verdicts.get(index) {
                Some(Verdict::Ring(ring)) => ring.as_str(),
                Some(Verdict::NotEvaluated) | None => "not-evaluated",
            };
            let mut rules = BTreeSet::new();
            let mut waivers = Vec::new();
            let found = findings.get(component.id.purl.as_str());
            for finding in found.into_iter().flatten() {
                match &finding.waiver {
                    None => {
                        rules.insert(finding.rule.as_str());
                    }
                    Some(waiver) => {
                        let mut text = format!(
                            "{}: {}; expires {}",
                            finding.rule, waiver.reason, waiver.expires
                        );
                        if let Some(approver) = &waiver.approved_by {
                            text.push_str(&format!("; approved by {approver}"));
                        }
                        waivers.push(("depgov:waiver", text));
                    }
                }
            }
            let mut properties = vec![("depgov:ring", ring.to_owned())];
            properties.extend(
                rules
                    .into_iter()
                    .map(|rule| ("depgov:rule", rule.to_owned())),
            );
            properties.extend(waivers);
            properties
        };
        Sbom::new(&report.tool, &report.components, verdict)
    }

    /// An inventory's components.
    pub fn of_inventory(report: &'a InventoryReport) -> Self {
        Sbom::new(&report.tool, &report.components, |_, _| Vec::new())
    }

    fn new(
        tool: &'a Tool,
        components: &'a [Component],
        verdict: impl Fn(usize, &Component) -> Vec<(&'static str, String)>,
    ) -> Self {
        let mut entry_of_purl: HashMap<&str, usize> = HashMap::new();
        let mut entries: Vec<Entry<'a>> = Vec::new();
        let mut entry_of: Vec<usize> = Vec::with_capacity(components.len());
        for (index, component) in components.iter().enumerate() {
            let at = *entry_of_purl.entry(&component.id.purl).or_insert_with(|| {
                let mut properties = verdict(index, component);
                properties.splice(0..0, license_properties(component));
                entries.push(Entry {
                    component,
                    kinds: BTreeSet::new(),
                    direct: false,
                    optional: true,
                    depends_on: BTreeSet::new(),
                    properties,
                });
                entries.len() - 1
            });
            let entry = &mut entries[at];
            entry.kinds.extend(&component.kinds);
            entry.direct |= component.direct;
            entry.optional &= component.optional;
            entry_of.push(at);
        }

        let mut by_name: HashMap<(crate::model::Ecosystem, &str), Vec<usize>> = HashMap::new();
        for (index, component) in components.iter().enumerate() {
            let named = by_name
                .entry((component.id.ecosystem, &component.id.name))
                .or_default();
            if !named.contains(&entry_of[index]) {
                named.push(entry_of[index]);
            }
        }
        let mut roots: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for (index, component) in components.iter().enumerate() {
            let to = entry_of[index];
            let ecosystem = component.id.ecosystem;
            let parents_named = |name: &str| by_name.get(&(ecosystem, name)).cloned();
            if component.direct {
                let root = component.path.first().cloned().unwrap_or_default();
                roots.entry(root).or_default().insert(to);
                continue;
            }
            let mut parents: Vec<usize> = component
                .dependents
                .iter()
                .filter_map(|name| parents_named(name))
                .flatten()
                .collect();
            if parents.is_empty() {
                let before = component.path.len().checked_sub(2);
                let parent = before.and_then(|at| parents_named(&component.path[at]));
                parents.extend(parent.into_iter().flatten());
            }
            for from in parents.into_iter().filter(|from| *from != to) {
                entries[from].depends_on.insert(to);
            }
        }
        Sbom {
            tool,
            roots: roots.into_iter().collect(),
            entries,
        }
    }

    /// A UUID derived from the entries, their licenses, properties and edges, and the roots:
    /// the same components give the same identifier, on any machine. It is marked as an
    /// RFC 9562 version 8 (custom) UUID.
    pub fn content_uuid(&self) -> String {
        let mut content = String::new();
        for (root, direct) in &self.roots {
            content.push_str(&format!("{root}\0{direct:?}\n"));
        }
        for entry in &self.entries {
            let component = entry.component;
            content.push_str(&format!(
                "{}\0{}\0{:?}\0{}\0{}\0{:?}\0{:?}\n",
                component.id.purl,
                component.license,
                entry.kinds,
                entry.direct,
                entry.optional,
                entry.depends_on,
                entry.properties,
            ));
        }
        uuid_of(content.as_bytes())
    }

    /// What the document describes: the one first-party root, or all of them.
    pub fn name(&self) -> String {
        match self.roots.as_slice() {
            [(name, _)] if !name.is_empty() => name.clone(),
            _ => "first-party packages".to_owned(),
        }
    }
}

/// Where the component's license came from, or why it is unknown.
fn license_properties(component: &Component) -> Vec<(&'static str, String)> {
    let mut properties = Vec::new();
    if let Some(described) = &component.facts.describes {
        properties.push(("depgov:facts:describes", described.value.phrase()));
    }
    if let Some(gap) = &component.facts.license_unknown {
        properties.push(("depgov:license:unknown", gap.reason()));
    } else if component.license.text().is_some() {
        match &component.facts.license {
            None => properties.push(("depgov:license:source", "input".to_owned())),
            Some(origin) => {
                properties.push(("depgov:license:source", origin.source.as_str().to_owned()));
                if let Some(file) = &origin.file {
                    properties.push(("depgov:license:file", file.clone()));
                }
                if let Some(fetched) = &origin.fetched {
                    properties.push(("depgov:license:fetched", fetched.clone()));
                }
                if let Some(confidence) = origin.confidence {
                    properties.push(("depgov:license:confidence", format!("{confidence:.2}")));
                }
            }
        }
    }
    properties
}

/// A component's license as a valid SPDX expression, in canonical form; `None` when unknown or
/// not SPDX.
pub(crate) fn spdx_expression(component: &Component) -> Option<String> {
    match &component.license {
        crate::model::license::License::Spdx(expression) => {
            let text: &str = (**expression).as_ref();
            match spdx::Expression::canonicalize(text) {
                Ok(Some(canonical)) => Some(canonical),
                Ok(None) => Some(text.to_owned()),
                Err(_) => None,
            }
        }
        _ => None,
    }
}

/// A version 8 UUID made of two hashes of `content`.
fn uuid_of(content: &[u8]) -> String {
    let high = crate::stable_hash::fnv1a(content);
    let low = crate::stable_hash::fnv1a(&[&high.to_le_bytes()[..], content].concat());
    let high = (high & !0xf000) | 0x8000;
    let low = (low & !(0b11 << 62)) | (0b10 << 62);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        high >> 32,
        (high >> 16) & 0xffff,
        high & 0xffff,
        low >> 48,
        low & 0xffff_ffff_ffff
    )
}

/// When the document was made: `SOURCE_DATE_EPOCH` (seconds since 1970) when set and valid,
/// else now; RFC 3339 in UTC, to the second.
pub(crate) fn created() -> String {
    let pinned = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|text| text.trim().parse::<i64>().ok())
        .and_then(|seconds| chrono::DateTime::from_timestamp(seconds, 0));
    pinned
        .unwrap_or_else(chrono::Utc::now)
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_uuids_are_stable_and_well_formed() {
        let uuid = uuid_of(b"depgov");
        assert_eq!(uuid, uuid_of(b"depgov"));
        assert_ne!(uuid, uuid_of(b"depgov "));
        let parts: Vec<&str> = uuid.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('8'));
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"));
    }
}
