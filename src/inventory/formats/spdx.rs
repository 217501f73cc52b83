//! SPDX JSON documents, versions 2.2 and 2.3 (`spdxVersion: "SPDX-2.2"` / `"SPDX-2.3"`; both
//! share the package and relationship model read here).
//!
//! Files: `*.spdx.json`, and `bom.json`, `sbom.json`, `*.bom.json`, `*.sbom.json` when the
//! text is not CycloneDX (has no `bomFormat` key). SPDX tag-value and RDF files (`*.spdx`) and
//! SPDX 3 (JSON-LD) are not read.
//!
//! - **Roots**: the packages the document describes (`DESCRIBES` from the document,
//!   `DESCRIBED_BY` towards it, and the older `documentDescribes` list) are first-party. A
//!   document that describes only itself or files (as syft writes) has no roots, so nothing is
//!   direct.
//! - **Components**: every other package, identified by its `purl` external reference
//!   (category `PACKAGE-MANAGER`, or 2.2's `PACKAGE_MANAGER`), as in every SBOM format (see
//!   [`sbom`](super::sbom)).
//! - **Graph and kinds**: `A DEPENDS_ON B`, `CONTAINS`, `STATIC_LINK` and `DYNAMIC_LINK` are
//!   edges from A to B; `A DEPENDENCY_OF B` (and `RUNTIME_`, `PROVIDED_`, `OPTIONAL_`,
//!   `CONTAINED_BY`, `OPTIONAL_COMPONENT_OF`) edges from B to A; `DEV_DEPENDENCY_OF`,
//!   `TEST_DEPENDENCY_OF`, `DEV_TOOL_OF` and `TEST_TOOL_OF` dev edges, and
//!   `BUILD_DEPENDENCY_OF` and `BUILD_TOOL_OF` build edges, from B to A. A package is optional
//!   when every relationship that makes it a dependency is an optional one. Other
//!   relationships, and those with files, snippets or other documents, are not edges; one
//!   naming an element the document does not define is noted.
//! - **Licenses**: `licenseConcluded` (what the SBOM's author concluded) over
//!   `licenseDeclared` (what the package states). A concluded `NOASSERTION` (no conclusion
//!   made) falls back to the declared license; a concluded `NONE` (the author found no
//!   license) and a declared `NOASSERTION` or `NONE` are unknown.
//! - **Sources**: a `downloadLocation` of the form `git+…` (or `git://…`) or the purl's
//!   `vcs_url` means git; the purl's `repository_url` names the registry; otherwise the
//!   ecosystem's public registry. `filesAnalyzed` and file-level data are not read.
//! - **Locations**: the line of the package's `"SPDXID"`.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::sbom::{
    Entry, SbomGraph, duplicate_id, error_at, from_json, has_json_key, json_escaped,
};
use crate::inventory::graph::EdgeKind;
use crate::inventory::text::JsonLines;
use crate::inventory::{Format, Input, ParseError, Parsed};
use crate::model::Ecosystem;
use crate::model::codes::NoteCode;
use crate::model::license::License;

pub struct Spdx;

const VERSIONS: [&str; 2] = ["SPDX-2.2", "SPDX-2.3"];

/// The field that says which document this is.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Header {
    spdx_version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    spdx_version: Option<String>,
    #[serde(rename = "SPDXID")]
    spdx_id: Option<String>,
    #[serde(default)]
    document_describes: Vec<String>,
    #[serde(default)]
    packages: Vec<Package>,
    #[serde(default)]
    relationships: Vec<Relationship>,
    #[serde(default)]
    files: Vec<Element>,
    #[serde(default)]
    snippets: Vec<Element>,
}

/// A file or snippet: only which identifiers relationships may name besides packages.
#[derive(Deserialize)]
struct Element {
    #[serde(rename = "SPDXID")]
    spdx_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    name: String,
    download_location: Option<String>,
    license_concluded: Option<String>,
    license_declared: Option<String>,
    #[serde(default)]
    external_refs: Vec<ExternalRef>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    reference_category: String,
    reference_type: String,
    reference_locator: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    relationship_type: String,
    related_spdx_element: String,
}

/// A relationship read as a dependency: the dependant, the dependency, the edge's kind, and
/// whether it is optional. `A DEPENDS_ON B` points from A to B, `A DEPENDENCY_OF B` from B to A.
fn dependency(relationship: &Relationship) -> Option<(&str, &str, EdgeKind, bool)> {
    let a = relationship.spdx_element_id.as_str();
    let b = relationship.related_spdx_element.as_str();
    Some(match relationship.relationship_type.as_str() {
        "DEPENDS_ON" | "CONTAINS" | "STATIC_LINK" | "DYNAMIC_LINK" => {
            (a, b, EdgeKind::Normal, false)
        }
        "DEPENDENCY_OF" | "RUNTIME_DEPENDENCY_OF" | "PROVIDED_DEPENDENCY_OF" | "CONTAINED_BY" => {
            (b, a, EdgeKind::Normal, false)
        }
        "OPTIONAL_DEPENDENCY_OF" | "OPTIONAL_COMPONENT_OF" => (b, a, EdgeKind::Normal, true),
        "DEV_DEPENDENCY_OF" | "TEST_DEPENDENCY_OF" | "DEV_TOOL_OF" | "TEST_TOOL_OF" => {
            (b, a, EdgeKind::Dev, false)
        }
        "BUILD_DEPENDENCY_OF" | "BUILD_TOOL_OF" => (b, a, EdgeKind::Build, false),
        _ => return None,
    })
}

impl Format for Spdx {
    fn name(&self) -> &'static str {
        "spdx-json"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        None
    }

    fn matches(&self, file_name: &str) -> bool {
        matches!(file_name, "bom.json" | "sbom.json")
            || [".spdx.json", ".bom.json", ".sbom.json"]
                .iter()
                .any(|suffix| file_name.ends_with(suffix))
    }

    fn sniff(&self, text: &str) -> bool {
        !has_json_key(text, "bomFormat")
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let text = input.file.text;
        let lines = JsonLines::new(text);
        let check = |header: &Header| check_version(header.spdx_version.as_deref(), &lines);
        let document: Document = from_json(text, check)?;
        check_version(document.spdx_version.as_deref(), &lines)?;

        let document_id = document.spdx_id.as_deref().unwrap_or("SPDXRef-DOCUMENT");
        let mut described: HashSet<&str> = document
            .document_describes
            .iter()
            .map(String::as_str)
            .collect();
        for relationship in &document.relationships {
            let (from, to) = (
                relationship.spdx_element_id.as_str(),
                relationship.related_spdx_element.as_str(),
            );
            let described_package = match relationship.relationship_type.as_str() {
                "DESCRIBES" if from == document_id => Some(to),
                "DESCRIBED_BY" if to == document_id => Some(from),
                _ => None,
            };
            described.extend(described_package);
        }
        let dependencies: Vec<_> = document
            .relationships
            .iter()
            .filter_map(dependency)
            .collect();
        // Whether every relationship that makes a package a dependency is an optional one.
        let mut only_optional: HashMap<&str, bool> = HashMap::new();
        for &(_, dependency, _, optional) in &dependencies {
            *only_optional.entry(dependency).or_insert(true) &= optional;
        }

        let mut sbom = SbomGraph::new("package");
        let mut node_of: HashMap<&str, usize> = HashMap::new();
        for package in &document.packages {
            let id = package.spdx_id.as_str();
            let line = lines.pair("SPDXID", &json_escaped(id));
            let purl = package_url(package);
            let node = if described.contains(id) {
                sbom.add_root(&package.name, purl)
            } else {
                sbom.add(Entry {
                    name: &package.name,
                    purl,
                    line,
                    license: license(package),
                    download_location: package.download_location.as_deref(),
                    optional: only_optional.get(id).copied().unwrap_or(false),
                    kinds: None,
                })
            };
            if node_of.insert(id, node).is_some() {
                return Err(duplicate_id(&lines, "package", "SPDXID", id, line));
            }
        }

        // Relationships with files, snippets or other documents are not edges; one with an
        // element the document does not define is noted.
        let not_packages: HashSet<&str> = document
            .files
            .iter()
            .chain(&document.snippets)
            .map(|element| element.spdx_id.as_str())
            .chain([document_id, "NONE", "NOASSERTION"])
            .collect();
        let mut undefined: HashSet<&str> = HashSet::new();
        for (dependant, dependency, kind, _) in dependencies {
            let ends = [dependant, dependency].map(|id| (id, node_of.get(id).copied()));
            for (id, node) in ends {
                let defined =
                    node.is_some() || not_packages.contains(id) || id.starts_with("DocumentRef-");
                if !defined && undefined.insert(id) {
                    let escaped = json_escaped(id);
                    let line = lines
                        .pair("spdxElementId", &escaped)
                        .or_else(|| lines.pair("relatedSpdxElement", &escaped));
                    sbom.note(
                        NoteCode::DanglingReference,
                        line,
                        format!("a relationship names `{id}`, which the document does not define"),
                    );
                }
            }
            if let [(_, Some(from)), (_, Some(to))] = ends {
                sbom.depend(from, to, kind);
            }
        }
        Ok(sbom.finish(input.file.path))
    }
}

fn check_version(version: Option<&str>, lines: &JsonLines<'_>) -> Result<(), ParseError> {
    match version {
        Some(version) if VERSIONS.contains(&version) => Ok(()),
        Some(version) => {
            let version = version.strip_prefix("SPDX-").unwrap_or(version);
            let message = ParseError::unsupported_version(version, "SPDX JSON").message;
            Err(error_at(lines.key("spdxVersion"), message))
        }
        None => Err(ParseError::new(
            "not an SPDX document: it has no `spdxVersion`",
        )),
    }
}

/// The package's purl: its first package-manager external reference of type `purl`.
fn package_url(package: &Package) -> Option<&str> {
    package
        .external_refs
        .iter()
        .find(|r| {
            matches!(
                r.reference_category.as_str(),
                "PACKAGE-MANAGER" | "PACKAGE_MANAGER"
            ) && r.reference_type == "purl"
        })
        .map(|r| r.reference_locator.as_str())
}

/// The concluded license when the SBOM's author concluded one, else the declared one.
/// `NOASSERTION` (or no field) means no conclusion was made; a concluded `NONE` means the
/// author found no license, which no declaration overrides.
fn license(package: &Package) -> License {
    match package.license_concluded.as_deref().map(str::trim) {
        None | Some("" | "NOASSERTION") => {
            License::from_declared(package.license_declared.as_deref())
        }
        concluded => License::from_declared(concluded),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn license_of(concluded: Option<&str>, declared: Option<&str>) -> Option<String> {
        let package = Package {
            spdx_id: "SPDXRef-a".into(),
            name: "a".into(),
            download_location: None,
            license_concluded: concluded.map(Into::into),
            license_declared: declared.map(Into::into),
            external_refs: Vec::new(),
        };
        license(&package).text().map(str::to_owned)
    }

    #[test]
    fn concluded_licenses_win_unless_no_conclusion_was_made() {
        let mit = Some("MIT".to_owned());
        assert_eq!(license_of(Some("MIT"), Some("Apache-2.0")), mit);
        assert_eq!(license_of(Some("NOASSERTION"), Some("MIT")), mit);
        assert_eq!(license_of(None, Some("MIT")), mit);
        assert_eq!(license_of(Some("NONE"), Some("MIT")), None);
        assert_eq!(license_of(Some("NOASSERTION"), Some("NOASSERTION")), None);
    }
}
