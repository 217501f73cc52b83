//! Poetry's `poetry.lock`, lock versions 1.0, 1.1, 2.0 and 2.1.
//!
//! Every `[[package]]` is a node and its `[package.dependencies]` are its edges, by name (all
//! locked versions of a name when the lock has several, as Poetry picks one by markers at
//! install time). The project itself is not in the lockfile: it is a root named after the
//! `pyproject.toml` beside the lockfile, depending on what that manifest declares
//! (`[tool.poetry.dependencies]`, groups and dev-dependencies, PEP 621 `[project]`) at their
//! lines. Without a manifest, the project is taken to depend on every package no other
//! package depends on: those are certainly direct, though a direct dependency that another
//! package also needs is then shown as indirect. A `directory` package installed in develop
//! (editable) mode is first-party, a root too.
//!
//! Kinds are what the lockfile records: `groups` (2.1; `main` is runtime, any other group is
//! dev) or `category` (`main`/`dev`, written until Poetry 1.5); lockfiles with neither leave
//! kinds to the manifest's edges. `optional = true` marks extras. Sources: none is PyPI;
//! `legacy` is the private index URL; `git` is the URL and `resolved_reference`; `file` and
//! non-develop `directory` are local paths; `url` is the archive URL, recorded as a registry
//! source so the policy's registries decide about it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::Deserialize;
use serde::de::IgnoredAny;
use toml::Spanned;

use super::assemble;
use super::python::{self, Manifest};
use crate::inventory::Note;
use crate::inventory::graph::{EdgeKind, Graph};
use crate::inventory::text::LineIndex;
use crate::inventory::{Format, Input, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::{Ecosystem, Kind, Source};

pub struct PoetryLock;

const LOCK_VERSIONS: [&str; 4] = ["1.0", "1.1", "2.0", "2.1"];

#[derive(Deserialize)]
struct Lockfile {
    #[serde(default)]
    package: Vec<Spanned<Package>>,
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Metadata {
    lock_version: Option<Spanned<String>>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    #[serde(default)]
    optional: bool,
    category: Option<String>,
    groups: Option<Vec<String>>,
    /// Name → constraint; only the names matter here.
    #[serde(default)]
    dependencies: BTreeMap<String, IgnoredAny>,
    #[serde(default)]
    develop: bool,
    source: Option<PackageSource>,
}

#[derive(Deserialize)]
struct PackageSource {
    #[serde(rename = "type")]
    kind: String,
    url: String,
    reference: Option<String>,
    resolved_reference: Option<String>,
}

impl Package {
    fn is_first_party(&self) -> bool {
        self.develop && self.source.as_ref().is_some_and(|s| s.kind == "directory")
    }

    /// The kinds the lockfile records, if it records any.
    fn kinds(&self) -> Option<BTreeSet<Kind>> {
        let kind = |group: &str| match group {
            "main" => Kind::Runtime,
            _ => Kind::Dev,
        };
        match (&self.groups, &self.category) {
            (Some(groups), _) if !groups.is_empty() => {
                Some(groups.iter().map(|g| kind(g)).collect())
            }
            (_, Some(category)) => Some(BTreeSet::from([kind(category)])),
            _ => None,
        }
    }
}

impl Format for PoetryLock {
    fn name(&self) -> &'static str {
        "poetry-lock"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Pypi)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "poetry.lock"
    }

    fn manifest_name(&self) -> Option<&'static str> {
        Some("pyproject.toml")
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let text = input.file.text;
        let lines = LineIndex::new(text);
        let lock: Lockfile = toml::from_str(text).map_err(|e| ParseError::toml(&e, &lines))?;
        let Some(metadata) = &lock.metadata else {
            return Err(ParseError::new(
                "not a poetry.lock: it has no [metadata] table",
            ));
        };
        match &metadata.lock_version {
            Some(version) if LOCK_VERSIONS.contains(&version.get_ref().as_str()) => {}
            Some(version) => {
                let error = ParseError::unsupported_version(version.get_ref(), "poetry.lock");
                return Err(ParseError::at(
                    lines.line(version.span().start),
                    error.message,
                ));
            }
            None => {
                // Poetry before 1.0 wrote no lock-version.
                return Err(ParseError::unsupported_version(
                    "(none: written before Poetry 1.0)",
                    "poetry.lock",
                ));
            }
        }
        let manifest = input
            .manifest
            .map(|m| Manifest::pyproject(&m))
            .transpose()?;

        // The project is the first root, so that paths start at it where they can.
        let mut graph = Graph::new();
        let project = graph.add_root(python::project_label(input.file.path, manifest.as_ref()));
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        let node_of: Vec<usize> = lock
            .package
            .iter()
            .map(|package| {
                let package = package.get_ref();
                let node = if package.is_first_party() {
                    graph.add_root(package.name.clone())
                } else {
                    graph.add(package.name.clone())
                };
                by_key
                    .entry(python::key(&package.name))
                    .or_default()
                    .push(node);
                node
            })
            .collect();
        let mut depended_on = HashSet::new();
        for (package, &from) in lock.package.iter().zip(&node_of) {
            for name in package.get_ref().dependencies.keys() {
                // A dependency of an extra nobody requested is not locked.
                for &to in by_key.get(&python::key(name)).into_iter().flatten() {
                    graph.depend(from, to, EdgeKind::Normal, None);
                    depended_on.insert(to);
                }
            }
        }
        match &manifest {
            Some(manifest) => manifest.declare(&mut graph, project, &by_key),
            None => {
                for &top in node_of.iter().filter(|n| !depended_on.contains(*n)) {
                    if !graph.is_root(top) {
                        graph.depend(project, top, EdgeKind::Normal, None);
                    }
                }
            }
        }

        let mut notes = Vec::new();
        let mut packages = Vec::new();
        for (package, &node) in lock.package.iter().zip(&node_of) {
            if graph.is_root(node) {
                continue;
            }
            let line = lines.line(package.span().start);
            let package = package.get_ref();
            let source = match &package.source {
                None => python::registry(None),
                Some(source) => match source.kind.as_str() {
                    "legacy" | "url" => python::registry(Some(&source.url)),
                    "git" => Source::Git {
                        url: source.url.clone(),
                        rev: source
                            .resolved_reference
                            .clone()
                            .or_else(|| source.reference.clone()),
                    },
                    "file" | "directory" => python::local_source(input.file.path, &source.url),
                    other => {
                        notes.push(Note::new(
                            NoteCode::UnknownSource,
                            Some(line),
                            format!(
                                "`{}` comes from a source of type `{other}`, which depgov does not know; not inventoried",
                                package.name
                            ),
                        ));
                        continue;
                    }
                },
            };
            let mut locked = python::locked(&package.name, &package.version, source, line);
            locked.optional = package.optional;
            locked.kinds = package.kinds();
            packages.push((node, locked));
        }
        let components = assemble(Ecosystem::Pypi, input.file.path, &graph, packages);
        Ok(Parsed { components, notes })
    }
}
