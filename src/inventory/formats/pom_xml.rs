//! Maven's `pom.xml` (POM 4.0.0, as the POM reference describes it). Maven has no lockfile,
//! so every POM is read on its own: each module of a reactor is its own input.
//!
//! Each `<dependencies>/<dependency>` is a component `groupId:artifactId` from Maven Central,
//! located at its `<dependency>` element. Its version is the one Maven resolves a direct
//! dependency to: a plain version is a soft requirement that Maven uses as is, so it is both
//! the requirement and the version; a range (`[1.0,2.0)`) is only the requirement. Scopes:
//! `test` is dev, `provided` and `system` are build (the container or JDK supplies them),
//! `compile` and `runtime` are runtime; `<optional>true</optional>` is optional. `<exclusions>` are kept with the component, for
//! resolving its transitive dependencies.
//!
//! `${…}` references are resolved from `<properties>` and the built-ins (`project.version`,
//! `project.groupId`, `project.artifactId`, `project.parent.version`, …), a dependency without
//! a version takes it (and its scope, if it sets none) from `<dependencyManagement>`, and both
//! are inherited: the parent POM named by `<parent>` is looked for among the `pom.xml` files of
//! the directories above (Maven's default `relativePath` is `../pom.xml`), and so on up. A
//! parent outside the repository, an imported BOM (`<scope>import</scope>`), a property
//! nobody defines and a dependency without a version are noted: what they would decide is
//! unknown, never guessed. Dependencies on the reactor's own modules (the project itself, a
//! parent, or the project's `groupId` at `${project.version}`, Maven's idiom for a sibling
//! module) are first-party. Dependencies inside `<profiles>` are noted, not read: which
//! profile is active is decided at build time.

use std::collections::HashMap;
use std::sync::Arc;

use roxmltree::Node;

use super::manifest::{self, Declared, ParsedOnce};
use super::xml::{self, child, child_text, children};
use crate::inventory::text::LineIndex;
use crate::inventory::{Coverage, Format, Input, Note, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::{Ecosystem, Kind};

pub struct PomXml;

impl Format for PomXml {
    fn name(&self) -> &'static str {
        "maven-pom"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Maven)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "pom.xml"
    }

    fn covered_by(&self) -> Option<Coverage> {
        // Maven locks nothing: a POM is always read on its own.
        Some(Coverage {
            lockfiles: &[],
            from_above: false,
        })
    }

    fn context(&self) -> &'static [&'static str] {
        &["pom.xml"]
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let document = xml::parse(input.file.text)?;
        let project = document.root_element();
        if project.tag_name().name() != "project" {
            return Err(ParseError::at(
                1,
                format!(
                    "not a Maven POM: the root element is <{}>, not <project>",
                    project.tag_name().name()
                ),
            ));
        }
        let lines = LineIndex::new(input.file.text);
        let mut notes = Vec::new();
        let own = Pom::read(project);
        let ancestors = ancestors(&own, input, &lines, &mut notes);
        let chain: Vec<&Pom> = std::iter::once(&own)
            .chain(ancestors.iter().map(AsRef::as_ref))
            .collect();
        let properties = Properties::of(&chain);

        let mut managed: HashMap<(String, String), Managed> = HashMap::new();
        for pom in chain.iter().rev() {
            for dependency in &pom.managed {
                let key = (
                    properties.resolve(&dependency.group),
                    properties.resolve(&dependency.artifact),
                );
                if dependency.scope.as_deref() == Some("import") {
                    if std::ptr::eq(*pom, &own) {
                        notes.push(Note::new(
                            NoteCode::Incomplete,
                            Some(lines.line(dependency.offset)),
                            format!(
                                "the imported BOM {}:{}:{} is not read: dependencies taking their version from it have an unknown requirement",
                                key.0,
                                key.1,
                                dependency.version.as_deref().map(|v| properties.resolve(v)).unwrap_or_default()
                            ),
                        ));
                    }
                    continue;
                }
                managed.insert(
                    key,
                    Managed {
                        version: dependency.version.clone(),
                        scope: dependency.scope.clone(),
                    },
                );
            }
        }

        let own_group = properties.resolve(own.group.as_deref().unwrap_or_default());
        let first_party: Vec<(String, String)> = chain
            .iter()
            .map(|pom| {
                (
                    properties.resolve(pom.group.as_deref().unwrap_or_default()),
                    properties.resolve(&pom.artifact),
                )
            })
            .collect();
        let mut declared = Vec::new();
        for dependency in &own.dependencies {
            let line = lines.line(dependency.offset);
            let group = properties.resolve(&dependency.group);
            let artifact = properties.resolve(&dependency.artifact);
            if group.is_empty() || artifact.is_empty() {
                notes.push(Note::new(
                    NoteCode::Unidentified,
                    Some(line),
                    "a dependency without a groupId or artifactId is not inventoried",
                ));
                continue;
            }
            let sibling_module = group == own_group
                && dependency.version.as_deref().map(str::trim) == Some("${project.version}");
            if sibling_module || first_party.contains(&(group.clone(), artifact.clone())) {
                continue;
            }
            let entry = managed.get(&(group.clone(), artifact.clone()));
            let written = dependency
                .version
                .as_deref()
                .or(entry.and_then(|m| m.version.as_deref()));
            let name = format!("{group}:{artifact}");
            let requirement = match written {
                Some(written) => {
                    let resolved = properties.resolve(written);
                    if resolved.contains("${") {
                        notes.push(Note::new(
                            NoteCode::Incomplete,
                            Some(line),
                            format!("{name}'s version `{written}` uses a property defined neither in this POM nor in a parent POM in the repository"),
                        ));
                    }
                    resolved
                }
                None => {
                    notes.push(Note::new(
                        NoteCode::Incomplete,
                        Some(line),
                        format!("{name} declares no version, and no dependencyManagement in the repository gives one"),
                    ));
                    String::new()
                }
            };
            let scope = dependency
                .scope
                .as_deref()
                .or(entry.and_then(|m| m.scope.as_deref()))
                .map(|scope| properties.resolve(scope));
            let kind = match scope.as_deref() {
                Some("test") => Kind::Dev,
                Some("provided" | "system") => Kind::Build,
                _ => Kind::Runtime,
            };
            let soft = !requirement.starts_with(['[', '('])
                && !requirement.contains("${")
                && !requirement.is_empty();
            let version = soft.then(|| requirement.clone());
            declared.push(
                Declared::new(Ecosystem::Maven, &name, &requirement, line)
                    .kind(kind)
                    .optional(dependency.optional)
                    .resolves_to(version)
                    .excluding(
                        dependency
                            .exclusions
                            .iter()
                            .map(|excluded| properties.resolve(excluded))
                            .collect(),
                    ),
            );
        }
        if let Some(profiles) = child(project, "profiles") {
            let has_dependencies = profiles
                .descendants()
                .any(|node| node.is_element() && node.tag_name().name() == "dependency");
            if has_dependencies {
                notes.push(Note::new(
                    NoteCode::Ignored,
                    Some(xml::line(&lines, profiles)),
                    "dependencies declared in <profiles> are not read: which profile is active is decided at build time",
                ));
            }
        }
        let root = format!("{own_group}:{}", properties.resolve(&own.artifact));
        Ok(Parsed {
            components: manifest::components(Ecosystem::Maven, input.file.path, &root, declared),
            notes,
        })
    }
}

/// What a POM says about itself and its dependencies, as written.
struct Pom {
    group: Option<String>,
    artifact: String,
    version: Option<String>,
    parent: Option<Coordinates>,
    properties: Vec<(String, String)>,
    managed: Vec<Dependency>,
    dependencies: Vec<Dependency>,
}

struct Coordinates {
    group: String,
    artifact: String,
    version: Option<String>,
    offset: usize,
}

struct Dependency {
    group: String,
    artifact: String,
    version: Option<String>,
    scope: Option<String>,
    optional: bool,
    /// `<exclusions>`, `groupId:artifactId` as written.
    exclusions: Vec<String>,
    /// Byte offset of the `<dependency>` element.
    offset: usize,
}

struct Managed {
    version: Option<String>,
    scope: Option<String>,
}

impl Pom {
    fn read(project: Node<'_, '_>) -> Pom {
        let parent = child(project, "parent").map(|parent| Coordinates {
            group: child_text(parent, "groupId").unwrap_or_default().to_owned(),
            artifact: child_text(parent, "artifactId")
                .unwrap_or_default()
                .to_owned(),
            version: child_text(parent, "version").map(str::to_owned),
            offset: parent.range().start,
        });
        let properties = child(project, "properties")
            .into_iter()
            .flat_map(|properties| properties.children().filter(Node::is_element))
            .map(|property| {
                (
                    property.tag_name().name().to_owned(),
                    property.text().unwrap_or_default().trim().to_owned(),
                )
            })
            .collect();
        let dependencies_of = |node: Option<Node<'_, '_>>| -> Vec<Dependency> {
            node.and_then(|n| child(n, "dependencies"))
                .into_iter()
                .flat_map(|list| children(list, "dependency"))
                .map(|dependency| Dependency {
                    group: child_text(dependency, "groupId")
                        .unwrap_or_default()
                        .to_owned(),
                    artifact: child_text(dependency, "artifactId")
                        .unwrap_or_default()
                        .to_owned(),
                    version: child_text(dependency, "version").map(str::to_owned),
                    scope: child_text(dependency, "scope").map(str::to_owned),
                    optional: child_text(dependency, "optional") == Some("true"),
                    exclusions: child(dependency, "exclusions")
                        .into_iter()
                        .flat_map(|list| children(list, "exclusion"))
                        .map(|exclusion| {
                            let part = |tag| child_text(exclusion, tag).unwrap_or("*").trim();
                            format!("{}:{}", part("groupId"), part("artifactId"))
                        })
                        .collect(),
                    offset: dependency.range().start,
                })
                .collect()
        };
        Pom {
            group: child_text(project, "groupId")
                .map(str::to_owned)
                .or_else(|| parent.as_ref().map(|p| p.group.clone())),
            artifact: child_text(project, "artifactId")
                .unwrap_or_default()
                .to_owned(),
            version: child_text(project, "version")
                .map(str::to_owned)
                .or_else(|| parent.as_ref().and_then(|p| p.version.clone())),
            parent,
            properties,
            managed: dependencies_of(child(project, "dependencyManagement")),
            dependencies: dependencies_of(Some(project)),
        }
    }
}

/// The parent POMs of `own`, nearest first, found among the POMs above it in the repository.
/// A parent that is not there, or not a POM, ends the chain with a note.
fn ancestors(
    own: &Pom,
    input: &Input<'_>,
    lines: &LineIndex,
    notes: &mut Vec<Note>,
) -> Vec<Arc<Pom>> {
    // The modules of a reactor share their parents: each is parsed once.
    static POMS: ParsedOnce<Pom> = ParsedOnce::new();
    let mut chain: Vec<Arc<Pom>> = Vec::new();
    let mut wanted = own.parent.as_ref().map(|p| {
        (
            p.group.clone(),
            p.artifact.clone(),
            p.version.clone(),
            p.offset,
        )
    });
    while let Some((group, artifact, version, offset)) = wanted.take() {
        let found = input.context.iter().find_map(|document| {
            // A parent that is not XML is rejected as an input of its own.
            let pom = POMS
                .get(document, |document| {
                    xml::parse(document.text).map(|parsed| Pom::read(parsed.root_element()))
                })
                .ok()?;
            (pom.group.as_deref() == Some(group.as_str()) && pom.artifact == artifact)
                .then_some(pom)
        });
        match found {
            Some(pom) if chain.len() < 32 => {
                wanted = pom.parent.as_ref().map(|p| {
                    (
                        p.group.clone(),
                        p.artifact.clone(),
                        p.version.clone(),
                        p.offset,
                    )
                });
                chain.push(pom);
            }
            _ => {
                if chain.is_empty() {
                    notes.push(Note::new(
                        NoteCode::Incomplete,
                        Some(lines.line(offset)),
                        format!(
                            "the parent POM {group}:{artifact}:{} is not in a directory above this one: the properties and managed versions it defines are unknown",
                            version.unwrap_or_default()
                        ),
                    ));
                } else {
                    notes.push(Note::new(
                        NoteCode::Incomplete,
                        None,
                        format!(
                            "the parent POM {group}:{artifact}:{} (a parent of the parent) is not in the repository: the properties and managed versions it defines are unknown",
                            version.unwrap_or_default()
                        ),
                    ));
                }
            }
        }
    }
    chain
}

/// The properties a POM sees: its own, then its parents', and the built-in `project.*` ones.
struct Properties {
    values: HashMap<String, String>,
}

impl Properties {
    fn of(chain: &[&Pom]) -> Properties {
        let mut values = HashMap::new();
        for pom in chain.iter().rev() {
            for (name, value) in &pom.properties {
                values.insert(name.clone(), value.clone());
            }
        }
        let own = chain[0];
        let mut builtin = |name: &str, value: Option<&str>| {
            if let Some(value) = value {
                values.insert(name.to_owned(), value.to_owned());
            }
        };
        builtin("project.groupId", own.group.as_deref());
        builtin("project.artifactId", Some(&own.artifact));
        builtin("project.version", own.version.as_deref());
        builtin("pom.version", own.version.as_deref());
        builtin("version", own.version.as_deref());
        if let Some(parent) = &own.parent {
            builtin("project.parent.groupId", Some(&parent.group));
            builtin("project.parent.artifactId", Some(&parent.artifact));
            builtin("project.parent.version", parent.version.as_deref());
        }
        Properties { values }
    }

    /// `text` with every `${name}` it can resolve replaced, references within values too (to
    /// a depth that stops cycles); the others are kept as written.
    fn resolve(&self, text: &str) -> String {
        let mut text = text.trim().to_owned();
        // Values may refer to each other; a bounded number of rounds and length stops cycles
        // and values that double on each round.
        for _ in 0..16 {
            if !text.contains("${") || text.len() > 4096 {
                break;
            }
            let mut changed = false;
            let mut out = String::with_capacity(text.len());
            let mut rest = &text[..];
            while let Some(open) = rest.find("${") {
                let Some(close) = rest[open..].find('}') else {
                    break;
                };
                let name = &rest[open + 2..open + close];
                out.push_str(&rest[..open]);
                match self.values.get(name) {
                    Some(value) => {
                        out.push_str(value);
                        changed = true;
                    }
                    None => out.push_str(&rest[open..=open + close]),
                }
                rest = &rest[open + close + 1..];
            }
            out.push_str(rest);
            text = out;
            if !changed {
                break;
            }
        }
        text
    }
}
