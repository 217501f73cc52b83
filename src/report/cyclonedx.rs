//! The cyclonedx format: a CycloneDX 1.6 JSON SBOM of the components (see [`sbom`](super::sbom)
//! for what goes in), which depgov's own `cyclonedx-json` input reads back.
//!
//! - `metadata.component` is what the document describes: the one first-party root, or a
//!   component holding each root as a sub-component; `metadata.tools` names depgov.
//! - Each component is a `library` whose `bom-ref` is its purl; a dev-only one has `scope`
//!   `excluded` ("for test and other non-runtime purposes"), an optional one `optional`.
//! - Its license is one SPDX `expression` (`acknowledgement: declared`), or a `license` with a
//!   `name` when the declared text is not SPDX; provenance and verdicts are `depgov:`
//!   properties.
//! - `dependencies` lists every root and component with what it depends on.
//!
//! The document is built from serde structs rather than with the `cyclonedx-bom` crate: its
//! newest release (0.8) serialises specification 1.5 at most, and would add an XML library,
//! a UUID generator and two procedural-macro crates to the build for the small part of the
//! model written here.

use serde::Serialize;

use super::json;
use super::sbom::{Sbom, created, spdx_expression};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom<'a> {
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata<'a>,
    components: Vec<Component<'a>>,
    dependencies: Vec<Dependency>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    timestamp: String,
    tools: Tools<'a>,
    component: Component<'a>,
}

#[derive(Serialize)]
struct Tools<'a> {
    components: [Component<'a>; 1],
}

#[derive(Serialize)]
struct Component<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    components: Vec<Component<'a>>,
}

impl<'a> Component<'a> {
    fn named(kind: &'static str, name: &'a str) -> Self {
        Component {
            kind,
            bom_ref: None,
            name,
            version: None,
            scope: None,
            licenses: Vec::new(),
            purl: None,
            properties: Vec::new(),
            components: Vec::new(),
        }
    }
}

#[derive(Serialize)]
#[serde(untagged)]
enum LicenseChoice {
    Expression {
        expression: String,
        acknowledgement: &'static str,
    },
    Named {
        license: NamedLicense,
    },
}

#[derive(Serialize)]
struct NamedLicense {
    name: String,
    acknowledgement: &'static str,
}

#[derive(Serialize)]
struct Property<'a> {
    name: &'static str,
    value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency {
    #[serde(rename = "ref")]
    reference: String,
    depends_on: Vec<String>,
}

/// The `bom-ref` of a first-party root.
fn root_ref(name: &str) -> String {
    format!("depgov:first-party:{name}")
}

pub(crate) fn write(sbom: &Sbom<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let name = sbom.name();
    let purls: Vec<&str> = sbom
        .entries
        .iter()
        .map(|entry| entry.component.id.purl.as_str())
        .collect();
    let components = sbom
        .entries
        .iter()
        .map(|entry| {
            let component = entry.component;
            let license = match (spdx_expression(component), component.license.text()) {
                (Some(expression), _) => Some(LicenseChoice::Expression {
                    expression,
                    acknowledgement: "declared",
                }),
                (None, Some(text)) => Some(LicenseChoice::Named {
                    license: NamedLicense {
                        name: text.to_owned(),
                        acknowledgement: "declared",
                    },
                }),
                (None, None) => None,
            };
            let scope = if entry.dev_only() {
                Some("excluded")
            } else if entry.optional {
                Some("optional")
            } else {
                None
            };
            Component {
                bom_ref: Some(component.id.purl.clone()),
                version: Some(&component.id.version),
                scope,
                licenses: license.into_iter().collect(),
                purl: Some(&component.id.purl),
                properties: entry
                    .properties
                    .iter()
                    .map(|(name, value)| Property { name, value })
                    .collect(),
                ..Component::named("library", &component.id.name)
            }
        })
        .collect();

    let mut roots: Vec<Component<'_>> = sbom
        .roots
        .iter()
        .map(|(root, _)| Component {
            bom_ref: Some(root_ref(root)),
            ..Component::named("application", root)
        })
        .collect();
    let described = match roots.len() {
        1 => roots.remove(0),
        _ => Component {
            bom_ref: Some(root_ref("")),
            components: roots,
            ..Component::named("application", &name)
        },
    };
    let mut dependencies: Vec<Dependency> = sbom
        .roots
        .iter()
        .map(|(root, direct)| Dependency {
            reference: root_ref(root),
            depends_on: direct.iter().map(|&at| purls[at].to_owned()).collect(),
        })
        .collect();
    dependencies.extend(sbom.entries.iter().map(|entry| {
        Dependency {
            reference: entry.component.id.purl.clone(),
            depends_on: entry
                .depends_on
                .iter()
                .map(|&at| purls[at].to_owned())
                .collect(),
        }
    }));

    let bom = Bom {
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: format!("urn:uuid:{}", sbom.content_uuid()),
        version: 1,
        metadata: Metadata {
            timestamp: created(),
            tools: Tools {
                components: [Component {
                    version: Some(&sbom.tool.version),
                    ..Component::named("application", &sbom.tool.name)
                }],
            },
            component: described,
        },
        components,
        dependencies,
    };
    json::write(&bom, out)
}
