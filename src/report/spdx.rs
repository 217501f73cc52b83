//! The spdx format: an SPDX 2.3 JSON document of the components (see [`sbom`](super::sbom)
//! for what goes in), which depgov's own `spdx-json` input reads back.
//!
//! - The document `DESCRIBES` one package per first-party root.
//! - Each component is a package with its purl as a `PACKAGE-MANAGER` external reference, a
//!   `git+URL@REV` download location when it comes from git (else `NOASSERTION`), and
//!   `filesAnalyzed: false`.
//! - Its license is `licenseDeclared` (a canonical SPDX expression, else `NOASSERTION` with the
//!   declared text in `licenseComments`); depgov concludes nothing, so `licenseConcluded` is
//!   `NOASSERTION`. Where the license came from is said in `licenseComments`.
//! - Edges are relationships. From a root, the type carries the kind: `DEV_DEPENDENCY_OF` for a
//!   dev-only dependency, `BUILD_DEPENDENCY_OF` for a build-only one (the graph carries a kind
//!   on to what such a dependency pulls in); `OPTIONAL_DEPENDENCY_OF` for an optional one,
//!   else `DEPENDS_ON`.
//! - depgov's verdicts are package `annotations` of type `OTHER` by the tool, each comment one
//!   `depgov:NAME=VALUE` property — SPDX 2.3 has no properties, and annotations are its place
//!   for what a tool says about an element.
//!
//! Built from serde structs for the same reason as the CycloneDX format: the part of the model
//! written here is small, and no crate from the SPDX project serialises 2.3 JSON.

use serde::Serialize;

use super::json;
use super::sbom::{Sbom, created, spdx_expression};
use crate::model::Source;

const NOASSERTION: &str = "NOASSERTION";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    spdx_version: &'static str,
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: String,
    document_namespace: String,
    creation_info: CreationInfo,
    packages: Vec<Package<'a>>,
    relationships: Vec<Relationship>,
}

#[derive(Serialize)]
struct CreationInfo {
    created: String,
    creators: [String; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Package<'a> {
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_info: Option<&'a str>,
    download_location: String,
    files_analyzed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_concluded: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_declared: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_comments: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalRef<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    annotations: Vec<Annotation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef<'a> {
    reference_category: &'static str,
    reference_type: &'static str,
    reference_locator: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Annotation {
    annotation_date: String,
    annotation_type: &'static str,
    annotator: String,
    comment: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    relationship_type: &'static str,
    related_spdx_element: String,
}

impl Relationship {
    fn new(from: String, relationship_type: &'static str, to: String) -> Self {
        Relationship {
            spdx_element_id: from,
            relationship_type,
            related_spdx_element: to,
        }
    }
}

pub(crate) fn write(sbom: &Sbom<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let created = created();
    let annotator = format!("Tool: {}-{}", sbom.tool.name, sbom.tool.version);
    let package_id = |at: usize| format!("SPDXRef-Package-{}", at + 1);
    let root_id = |at: usize| format!("SPDXRef-Root-{}", at + 1);

    let mut packages: Vec<Package<'_>> = sbom
        .roots
        .iter()
        .enumerate()
        .map(|(at, (root, _))| Package {
            spdx_id: root_id(at),
            name: root,
            version_info: None,
            download_location: NOASSERTION.to_owned(),
            files_analyzed: false,
            license_concluded: None,
            license_declared: None,
            license_comments: None,
            external_refs: Vec::new(),
            annotations: Vec::new(),
        })
        .collect();
    packages.extend(sbom.entries.iter().enumerate().map(|(at, entry)| {
        let component = entry.component;
        let expression = spdx_expression(component);
        let mut comments: Vec<String> = Vec::new();
        if let (None, Some(text)) = (&expression, component.license.text()) {
            comments.push(format!(
                "declared as `{text}`, which is not an SPDX expression"
            ));
        }
        let mut annotations = Vec::new();
        for (name, value) in &entry.properties {
            if name.starts_with("depgov:license:") {
                comments.push(format!("{name}={value}"));
            } else {
                annotations.push(Annotation {
                    annotation_date: created.clone(),
                    annotation_type: "OTHER",
                    annotator: annotator.clone(),
                    comment: format!("{name}={value}"),
                });
            }
        }
        let download_location = match &component.source {
            Source::Git { url, rev } => match rev {
                Some(rev) => format!("git+{url}@{rev}"),
                None => format!("git+{url}"),
            },
            Source::Registry { .. } | Source::Path { .. } => NOASSERTION.to_owned(),
        };
        Package {
            spdx_id: package_id(at),
            name: &component.id.name,
            version_info: Some(&component.id.version),
            download_location,
            files_analyzed: false,
            license_concluded: Some(NOASSERTION),
            license_declared: Some(expression.unwrap_or_else(|| NOASSERTION.to_owned())),
            license_comments: (!comments.is_empty()).then(|| comments.join("; ")),
            external_refs: vec![ExternalRef {
                reference_category: "PACKAGE-MANAGER",
                reference_type: "purl",
                reference_locator: &component.id.purl,
            }],
            annotations,
        }
    }));

    // Kinds are said on the edges from the roots: the graph carries them further, as a
    // dependency of a dev-only package is needed only for development too.
    let edge = |dependant: String, at: usize, from_root: bool| {
        let entry = &sbom.entries[at];
        let dependency = package_id(at);
        if from_root && entry.dev_only() {
            Relationship::new(dependency, "DEV_DEPENDENCY_OF", dependant)
        } else if from_root && entry.build_only() {
            Relationship::new(dependency, "BUILD_DEPENDENCY_OF", dependant)
        } else if entry.optional {
            Relationship::new(dependency, "OPTIONAL_DEPENDENCY_OF", dependant)
        } else {
            Relationship::new(dependant, "DEPENDS_ON", dependency)
        }
    };
    let mut relationships: Vec<Relationship> = (0..sbom.roots.len())
        .map(|at| Relationship::new("SPDXRef-DOCUMENT".to_owned(), "DESCRIBES", root_id(at)))
        .collect();
    for (at, (_, direct)) in sbom.roots.iter().enumerate() {
        relationships.extend(direct.iter().map(|&to| edge(root_id(at), to, true)));
    }
    for (at, entry) in sbom.entries.iter().enumerate() {
        relationships.extend(
            entry
                .depends_on
                .iter()
                .map(|&to| edge(package_id(at), to, false)),
        );
    }

    let name = sbom.name();
    let mut document = Document {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: "SPDXRef-DOCUMENT",
        name: name.clone(),
        document_namespace: String::new(),
        creation_info: CreationInfo {
            created,
            creators: [annotator],
        },
        packages,
        relationships,
    };
    let uuid = sbom.content_uuid();
    document.document_namespace = format!(
        "https://spdx.org/spdxdocs/{}-{uuid}",
        name.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '.',
            "-"
        )
    );
    json::write(&document, out)
}
