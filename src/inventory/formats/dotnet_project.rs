//! .NET SDK project files (`*.csproj`, `*.fsproj`, `*.vbproj`) read on their own, where no
//! `packages.lock.json` beside them covers them, with NuGet's central package management.
//!
//! Each `<PackageReference Include="Id" Version="…">` (the version as an attribute or a child
//! element) is a NuGet component from nuget.org, located at its element. NuGet reads a bare
//! version `1.2.3` as "1.2.3 or later" and restores the lowest version a range allows, so a
//! bare version and an exact range `[1.2.3]` both give that version; other ranges
//! (`[1.0,2.0)`) and floating versions (`1.*`) are only the requirement. A reference with
//! `PrivateAssets="all"` (analyzers, build tools: it does not flow to the project's consumers)
//! is build.
//!
//! With central package management (`ManagePackageVersionsCentrally` set to `true` in the
//! project or in `Directory.Packages.props`), a reference without a version takes the one
//! the nearest `Directory.Packages.props` in its directory or above gives in a
//! `<PackageVersion>` (or its own `VersionOverride`), and every `<GlobalPackageReference>`
//! there is a build dependency of the project, located in the props file. `$(Property)`
//! references are resolved from the `<PropertyGroup>`s of the project and the props file;
//! one nobody defines, and a reference without any version, are noted. `Update` items (which
//! change a reference another file makes) and conditions are not evaluated.

use std::collections::HashMap;

use roxmltree::Node;

use super::manifest::{self, Declared, ParsedOnce};
use super::xml::{self, child_text};
use crate::inventory::text::LineIndex;
use crate::inventory::{Coverage, Document, Format, Input, Note, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::{Ecosystem, Kind};

pub struct DotnetProject;

impl Format for DotnetProject {
    fn name(&self) -> &'static str {
        "dotnet-project"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Nuget)
    }

    fn matches(&self, file_name: &str) -> bool {
        [".csproj", ".fsproj", ".vbproj"]
            .iter()
            .any(|extension| file_name.len() > extension.len() && file_name.ends_with(extension))
    }

    fn covered_by(&self) -> Option<Coverage> {
        Some(Coverage {
            lockfiles: &["packages.lock.json"],
            from_above: false,
        })
    }

    fn context(&self) -> &'static [&'static str] {
        &["Directory.Packages.props"]
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let project = xml::parse(input.file.text)?;
        let root = project.root_element();
        if root.tag_name().name() != "Project" {
            return Err(ParseError::at(
                1,
                format!(
                    "not an MSBuild project: the root element is <{}>, not <Project>",
                    root.tag_name().name()
                ),
            ));
        }
        let lines = LineIndex::new(input.file.text);
        // The nearest Directory.Packages.props is the one MSBuild imports.
        static CENTRAL: ParsedOnce<Central> = ParsedOnce::new();
        let props = input
            .context
            .first()
            .map(|document| CENTRAL.get(document, Central::read))
            .transpose()?;
        let mut properties = props
            .as_ref()
            .map(|central| central.properties.clone())
            .unwrap_or_default();
        properties.extend(property_groups(root));
        let central_enabled = properties
            .get("ManagePackageVersionsCentrally")
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("true"));
        let central = props.filter(|_| central_enabled);

        let mut notes = Vec::new();
        let mut declared = Vec::new();
        for reference in elements(root, "PackageReference") {
            let line = xml::line(&lines, reference);
            let Some(id) = reference.attribute("Include").map(str::trim) else {
                continue; // `Update` items change a reference made elsewhere.
            };
            let written = value(reference, "VersionOverride")
                .or_else(|| value(reference, "Version"))
                .or_else(|| {
                    central
                        .as_ref()
                        .and_then(|c| c.versions.get(&id.to_lowercase()).cloned())
                });
            let Some(written) = written else {
                notes.push(Note::new(
                    NoteCode::Incomplete,
                    Some(line),
                    format!(
                        "{id} has no version here{}: its requirement is unknown",
                        if central_enabled {
                            " nor in Directory.Packages.props"
                        } else {
                            ""
                        }
                    ),
                ));
                declared.push(Declared::new(Ecosystem::Nuget, id, "", line));
                continue;
            };
            let requirement = resolve(&written, &properties);
            if requirement.contains("$(") {
                notes.push(Note::new(
                    NoteCode::Incomplete,
                    Some(line),
                    format!(
                        "{id}'s version `{written}` uses a property this project does not define"
                    ),
                ));
            }
            let private = value(reference, "PrivateAssets")
                .is_some_and(|assets| assets.trim().eq_ignore_ascii_case("all"));
            let kind = if private { Kind::Build } else { Kind::Runtime };
            declared.push(
                Declared::new(Ecosystem::Nuget, id, &requirement, line)
                    .kind(kind)
                    .resolves_to(lowest_version(&requirement)),
            );
        }
        let mut components = manifest::components(
            Ecosystem::Nuget,
            input.file.path,
            super::UNNAMED_ROOT,
            declared,
        );
        if let (Some(central), Some(props)) = (&central, input.context.first()) {
            let global = central
                .global
                .iter()
                .map(|(id, version, line)| {
                    Declared::new(Ecosystem::Nuget, id, version, *line)
                        .kind(Kind::Build)
                        .resolves_to(lowest_version(version))
                })
                .collect();
            components.extend(manifest::components(
                Ecosystem::Nuget,
                props.path,
                super::UNNAMED_ROOT,
                global,
            ));
        }
        Ok(Parsed { components, notes })
    }
}

/// What `Directory.Packages.props` gives: versions by lower-cased package id, global
/// references (id, version, line) and properties.
struct Central {
    versions: HashMap<String, String>,
    global: Vec<(String, String, u32)>,
    properties: HashMap<String, String>,
}

impl Central {
    fn read(document: &Document<'_>) -> Result<Central, ParseError> {
        let parsed =
            xml::parse(document.text).map_err(|e| ParseError::in_context(document.path, e))?;
        let root = parsed.root_element();
        let lines = LineIndex::new(document.text);
        let properties = property_groups(root);
        let versions = elements(root, "PackageVersion")
            .filter_map(|item| {
                let id = item.attribute("Include")?.trim().to_lowercase();
                Some((id, resolve(&value(item, "Version")?, &properties)))
            })
            .collect();
        let global = elements(root, "GlobalPackageReference")
            .filter_map(|item| {
                let id = item.attribute("Include")?.trim().to_owned();
                let version = resolve(&value(item, "Version").unwrap_or_default(), &properties);
                Some((id, version, xml::line(&lines, item)))
            })
            .collect();
        Ok(Central {
            versions,
            global,
            properties,
        })
    }
}

/// Every element called `name` in the document (items sit in `ItemGroup`s, possibly inside
/// `Choose`/`When`).
fn elements<'a, 'input: 'a>(
    root: Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    root.descendants()
        .filter(move |node| node.is_element() && node.tag_name().name() == name)
}

/// An item's metadata, written as an attribute or as a child element.
fn value(item: Node<'_, '_>, name: &str) -> Option<String> {
    item.attribute(name)
        .or_else(|| child_text(item, name))
        .map(|text| text.trim().to_owned())
}

/// The properties `<PropertyGroup>`s set, the later winning.
fn property_groups(root: Node<'_, '_>) -> HashMap<String, String> {
    elements(root, "PropertyGroup")
        .flat_map(|group| group.children().filter(Node::is_element))
        .map(|property| {
            (
                property.tag_name().name().to_owned(),
                property.text().unwrap_or_default().trim().to_owned(),
            )
        })
        .collect()
}

/// `text` with each `$(Name)` that `properties` defines replaced (one round: MSBuild
/// properties used as versions are plain values).
fn resolve(text: &str, properties: &HashMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text.trim();
    while let Some(open) = rest.find("$(") {
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        out.push_str(&rest[..open]);
        let name = &rest[open + 2..open + close];
        match properties.get(name) {
            Some(value) => out.push_str(value),
            None => out.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The version NuGet restores for a requirement without looking at the feed: a bare version
/// (its minimum, NuGet's lowest applicable version) or an exact range `[1.2.3]`.
fn lowest_version(requirement: &str) -> Option<String> {
    let exact = requirement
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .filter(|inside| !inside.contains(','));
    manifest::exact_version(exact.unwrap_or(requirement)).filter(|version| !version.contains('*'))
}
