//! CycloneDX JSON SBOMs, specification versions 1.4, 1.5 and 1.6.
//!
//! Files: `bom.json`, `sbom.json`, `cyclonedx.json`, `*.cdx.json`, `*.bom.json` and
//! `*.sbom.json`. All but `*.cdx.json` and `cyclonedx.json` may also hold SPDX, so the format
//! claims a file unless it has SPDX's `spdxVersion` key; `bomFormat` must then be `CycloneDX`.
//!
//! - **Roots**: `metadata.component` (what the SBOM describes) and the sub-components nested in
//!   it are first-party. Without `metadata.component`, nothing is direct.
//! - **Components**: every entry of `components`, recursively through nested `components`.
//!   Identity (ecosystem, name, version) comes from the `purl` alone, as in every SBOM format
//!   (see [`sbom`](super::sbom)); `name`, `group` and `version` are not read for it.
//! - **Graph**: `dependencies` (`ref` → `dependsOn`, by `bom-ref`) gives the edges, and a
//!   nested component is part of its parent (an edge from parent to child). Components no root
//!   reaches are listed as not direct. A `ref` that names no component is noted.
//! - **Kinds**: the specification has no edge kinds. `scope: excluded` ("for test and other
//!   non-runtime purposes", CycloneDX 1.4–1.6) and the taxonomy properties
//!   `cdx:npm:package:development` / `cdx:maven:package:test` set to `true` make a component
//!   `dev`; `scope: optional` makes it optional; otherwise (`required`, the default) the graph
//!   decides.
//! - **Licenses**: `{license: {id}}` is an SPDX id, `{license: {name}}` free text (never read
//!   as SPDX), `{expression}` an SPDX expression. The specification leaves a list of several
//!   undefined (CycloneDX/specification#349); depgov reads it as all of them applying (AND),
//!   the reading that never hides a license from the policy. A list holding a named license is
//!   kept as unparsed text. When 1.6 `acknowledgement`s mark some entries `concluded`, only
//!   those are read.
//! - **Sources**: the purl's `vcs_url` qualifier means git, its `repository_url` names the
//!   registry; otherwise the ecosystem's public registry. `externalReferences` are not read:
//!   their `vcs` entry is the upstream project's repository, not where the package came from.
//! - **Locations**: the line of the component's `"bom-ref"`, else of its `"purl"`, else of its
//!   `"name"`.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Deserialize;

use super::sbom::{
    Entry, SbomGraph, duplicate_id, error_at, from_json, has_json_key, json_escaped,
};
use crate::inventory::graph::EdgeKind;
use crate::inventory::text::JsonLines;
use crate::inventory::{Format, Input, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::license::License;
use crate::model::{Ecosystem, Kind};

pub struct CycloneDx;

const SPEC_VERSIONS: [&str; 3] = ["1.4", "1.5", "1.6"];

/// The fields that say which document this is.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Header {
    bom_format: Option<String>,
    spec_version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    bom_format: Option<String>,
    spec_version: Option<String>,
    metadata: Option<Metadata>,
    #[serde(default)]
    components: Vec<Component>,
    #[serde(default)]
    dependencies: Vec<Dependency>,
}

#[derive(Deserialize)]
struct Metadata {
    component: Option<Component>,
}

#[derive(Deserialize)]
struct Component {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    name: String,
    purl: Option<String>,
    #[serde(default)]
    licenses: Vec<LicenseChoice>,
    scope: Option<Scope>,
    #[serde(default)]
    properties: Vec<Property>,
    #[serde(default)]
    components: Vec<Component>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Scope {
    Required,
    Optional,
    Excluded,
}

#[derive(Deserialize)]
struct Property {
    name: String,
    value: Option<String>,
}

/// One entry of `licenses`: a license, or an SPDX expression.
#[derive(Deserialize)]
struct LicenseChoice {
    license: Option<NamedLicense>,
    expression: Option<String>,
    /// 1.6: `declared` or `concluded` (of an expression; a license carries its own).
    acknowledgement: Option<String>,
}

#[derive(Deserialize)]
struct NamedLicense {
    id: Option<String>,
    name: Option<String>,
    acknowledgement: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(default)]
    depends_on: Vec<String>,
}

impl Format for CycloneDx {
    fn name(&self) -> &'static str {
        "cyclonedx-json"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        None
    }

    fn matches(&self, file_name: &str) -> bool {
        matches!(file_name, "bom.json" | "sbom.json" | "cyclonedx.json")
            || [".cdx.json", ".bom.json", ".sbom.json"]
                .iter()
                .any(|suffix| file_name.ends_with(suffix))
    }

    fn sniff(&self, text: &str) -> bool {
        !has_json_key(text, "spdxVersion")
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let text = input.file.text;
        let lines = JsonLines::new(text);
        let check = |header: &Header| check_header(header, &lines);
        let bom: Bom = from_json(text, check)?;
        check(&Header {
            bom_format: bom.bom_format,
            spec_version: bom.spec_version,
        })?;

        let mut sbom = SbomGraph::new("component");
        let mut node_of: HashMap<&str, usize> = HashMap::new();
        let root = bom.metadata.as_ref().and_then(|m| m.component.as_ref());
        let mut roots: Vec<&Component> = root.into_iter().collect();
        while let Some(component) = roots.pop() {
            let node = sbom.add_root(&component.name, component.purl.as_deref());
            if let Some(bom_ref) = &component.bom_ref {
                node_of.insert(bom_ref, node);
            }
            roots.extend(&component.components);
        }

        // Depth-first in file order, each with the node of the component it is nested in.
        let mut pending: Vec<(&Component, Option<usize>)> =
            bom.components.iter().rev().map(|c| (c, None)).collect();
        while let Some((component, parent)) = pending.pop() {
            let line = component_line(component, &lines);
            let known = component.bom_ref.as_deref().and_then(|r| node_of.get(r));
            let node = match known {
                // What the SBOM describes, listed again among its components.
                Some(&node) if sbom.is_root(node) => node,
                Some(_) => {
                    let bom_ref = component.bom_ref.as_deref().unwrap_or_default();
                    return Err(duplicate_id(&lines, "component", "bom-ref", bom_ref, line));
                }
                None => {
                    let node = sbom.add(entry(component, line));
                    if let Some(bom_ref) = &component.bom_ref {
                        node_of.insert(bom_ref, node);
                    }
                    node
                }
            };
            if let Some(parent) = parent {
                sbom.depend(parent, node, EdgeKind::Normal);
            }
            pending.extend(component.components.iter().rev().map(|c| (c, Some(node))));
        }

        let mut unknown: HashSet<&str> = HashSet::new();
        for dependency in &bom.dependencies {
            let line = lines.pair("ref", &json_escaped(&dependency.reference));
            let mut resolve = |reference| {
                let found = node_of.get(reference).copied();
                if found.is_none() && unknown.insert(reference) {
                    sbom.note(
                        NoteCode::DanglingReference,
                        line,
                        format!(
                            "dependency on `{reference}`, which no component has as its bom-ref"
                        ),
                    );
                }
                found
            };
            let Some(from) = resolve(dependency.reference.as_str()) else {
                continue;
            };
            let targets: Vec<usize> = dependency
                .depends_on
                .iter()
                .filter_map(|target| resolve(target.as_str()))
                .collect();
            for to in targets {
                sbom.depend(from, to, EdgeKind::Normal);
            }
        }
        Ok(sbom.finish(input.file.path))
    }
}

fn check_header(header: &Header, lines: &JsonLines<'_>) -> Result<(), ParseError> {
    let at = |key: &str, message: String| error_at(lines.key(key), message);
    match header.bom_format.as_deref() {
        Some("CycloneDX") => {}
        Some(other) => {
            return Err(at(
                "bomFormat",
                format!("not a CycloneDX SBOM: `bomFormat` is `{other}`, not `CycloneDX`"),
            ));
        }
        None => {
            return Err(ParseError::new(
                "not a CycloneDX SBOM: it has no `bomFormat`",
            ));
        }
    }
    match header.spec_version.as_deref() {
        Some(version) if SPEC_VERSIONS.contains(&version) => Ok(()),
        Some(version) => {
            let error = ParseError::unsupported_version(version, "CycloneDX JSON");
            Err(at("specVersion", error.message))
        }
        None => Err(ParseError::new("a CycloneDX SBOM needs a `specVersion`")),
    }
}

/// The line of a component's entry: its `bom-ref`, else its `purl`, else its `name`.
fn component_line(component: &Component, lines: &JsonLines<'_>) -> Option<u32> {
    let pair = |key: &str, value: Option<&str>| lines.pair(key, &json_escaped(value?));
    pair("bom-ref", component.bom_ref.as_deref())
        .or_else(|| pair("purl", component.purl.as_deref()))
        .or_else(|| pair("name", Some(&component.name)))
}

fn entry(component: &Component, line: Option<u32>) -> Entry<'_> {
    let flagged = |name: &str| {
        component
            .properties
            .iter()
            .any(|p| p.name == name && p.value.as_deref() == Some("true"))
    };
    let dev = component.scope == Some(Scope::Excluded)
        || flagged("cdx:npm:package:development")
        || flagged("cdx:maven:package:test");
    Entry {
        name: &component.name,
        purl: component.purl.as_deref(),
        line,
        license: license(&component.licenses),
        download_location: None,
        optional: component.scope == Some(Scope::Optional),
        kinds: dev.then(|| BTreeSet::from([Kind::Dev])),
    }
}

/// 1.6's `acknowledgement` of a license entry: on an expression, or inside its license.
fn acknowledgement(choice: &LicenseChoice) -> Option<&str> {
    choice
        .acknowledgement
        .as_deref()
        .or_else(|| choice.license.as_ref()?.acknowledgement.as_deref())
}

/// A component's `licenses` as one license: every entry applies (AND).
fn license(choices: &[LicenseChoice]) -> License {
    let concluded = choices
        .iter()
        .any(|choice| acknowledgement(choice) == Some("concluded"));
    let read = choices
        .iter()
        .filter(|choice| !concluded || acknowledgement(choice) == Some("concluded"));
    // Each entry's text, and whether it is an expression (parenthesized when combined).
    let mut parts: Vec<(String, bool)> = Vec::new();
    let mut named = false;
    for choice in read {
        let part = match (&choice.expression, &choice.license) {
            (Some(expression), _) => (expression.trim(), true),
            (None, Some(license)) => match (&license.id, &license.name) {
                (Some(id), _) => (id.trim(), false),
                (None, Some(name)) => {
                    named = true;
                    (name.trim(), false)
                }
                (None, None) => continue,
            },
            (None, None) => continue,
        };
        if !part.0.is_empty() && !parts.iter().any(|(text, _)| text == part.0) {
            parts.push((part.0.to_owned(), part.1));
        }
    }
    let text = match parts.as_slice() {
        [(single, _)] => single.clone(),
        _ => parts
            .iter()
            .map(|(text, expression)| match expression {
                true => format!("({text})"),
                false => text.clone(),
            })
            .collect::<Vec<_>>()
            .join(" AND "),
    };
    if named {
        License::Unparsed(text)
    } else {
        License::from_declared(Some(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn licenses(json: &str) -> License {
        license(&serde_json::from_str::<Vec<LicenseChoice>>(json).unwrap())
    }

    #[test]
    fn license_lists_combine_with_and_and_names_stay_text() {
        let single = licenses(r#"[{"license": {"id": "MIT"}}]"#);
        assert!(matches!(single, License::Spdx(_)));
        assert_eq!(single.text(), Some("MIT"));
        let both = licenses(r#"[{"license": {"id": "MIT"}}, {"license": {"id": "Apache-2.0"}}]"#);
        assert_eq!(both.text(), Some("MIT AND Apache-2.0"));
        let repeated = licenses(r#"[{"license": {"id": "MIT"}}, {"license": {"id": "MIT"}}]"#);
        assert_eq!(repeated.text(), Some("MIT"));
        let expression = licenses(r#"[{"expression": "MIT OR Apache-2.0"}]"#);
        assert!(matches!(expression, License::Spdx(_)));
        assert_eq!(expression.text(), Some("MIT OR Apache-2.0"));
        let named = licenses(r#"[{"license": {"name": "Apache License 2.0"}}]"#);
        assert!(matches!(named, License::Unparsed(ref t) if t == "Apache License 2.0"));
        let mixed =
            licenses(r#"[{"license": {"id": "EPL-2.0"}}, {"license": {"name": "EDL 1.0"}}]"#);
        assert!(matches!(mixed, License::Unparsed(ref t) if t == "EPL-2.0 AND EDL 1.0"));
        let expression_and_id = licenses(
            r#"[{"expression": "MIT OR Apache-2.0"}, {"license": {"id": "BSD-3-Clause"}}]"#,
        );
        assert!(matches!(expression_and_id, License::Spdx(_)));
        assert_eq!(
            expression_and_id.text(),
            Some("(MIT OR Apache-2.0) AND BSD-3-Clause")
        );
        assert!(matches!(licenses("[]"), License::Unknown));
    }

    #[test]
    fn concluded_licenses_win_over_declared_ones() {
        let license = licenses(
            r#"[{"license": {"id": "MIT", "acknowledgement": "declared"}},
                {"expression": "MIT AND BSD-3-Clause", "acknowledgement": "concluded"}]"#,
        );
        assert_eq!(license.text(), Some("MIT AND BSD-3-Clause"));
    }
}
