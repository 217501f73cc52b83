//! uv's `uv.lock`, lockfile version 1 (any `revision`: revisions only add fields).
//!
//! Every `[[package]]` is a node; its `dependencies`, `[package.optional-dependencies]` (extras)
//! and `[package.dev-dependencies]` (dependency groups) are its edges, resolved by name and,
//! where uv writes them to tell several versions of one name apart, by `version` and `source`.
//! Packages with an `editable` or `virtual` source and `[manifest] members` are first-party
//! roots; a workspace whose root is not itself a project keeps that root's requirements and
//! dependency groups under `[manifest]`, read as one more root named after the directory.
//!
//! Kinds come from the graph: dependency groups are dev edges of the roots. A package is
//! optional when an install without extras does not need it: it is reached only through
//! extras that no required package requests. Sources: `registry` (the index URL as written),
//! `git` (repository URL and the locked commit after `#`), `path`/`directory` (local, relative
//! to the repository), `url` (a direct archive URL, recorded as a registry source so that the
//! policy's registries decide about it). A package without a `version` (a local source tree
//! with a dynamic version) is noted, not inventoried. Direct dependencies of the project at
//! the lockfile's directory point at their line in the `pyproject.toml` beside it, and those of
//! a workspace member at their line in the member's own `pyproject.toml`.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;
use toml::Spanned;

use super::assemble;
use super::python::{self, Group, Manifest};
use crate::inventory::Note;
use crate::inventory::graph::Graph;
use crate::inventory::text::LineIndex;
use crate::inventory::{Format, Input, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::{Ecosystem, Source};

pub struct UvLock;

#[derive(Deserialize)]
struct Lockfile {
    version: Option<Spanned<i64>>,
    #[serde(default)]
    manifest: Workspace,
    #[serde(default)]
    package: Vec<Spanned<Package>>,
}

/// `[manifest]`: the workspace.
#[derive(Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
struct Workspace {
    #[serde(default)]
    members: Vec<String>,
    /// The requirements of a workspace root that is not a project.
    #[serde(default)]
    requirements: Vec<Spanned<Dependency>>,
    #[serde(default)]
    dependency_groups: BTreeMap<String, Vec<Spanned<Dependency>>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Package {
    name: String,
    version: Option<String>,
    source: Option<PackageSource>,
    #[serde(default)]
    dependencies: Vec<Spanned<Dependency>>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, Vec<Spanned<Dependency>>>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, Vec<Spanned<Dependency>>>,
}

/// Where a package comes from: exactly one of these is set.
#[derive(Deserialize, PartialEq, Eq)]
struct PackageSource {
    registry: Option<String>,
    editable: Option<String>,
    #[serde(rename = "virtual")]
    virtual_root: Option<String>,
    git: Option<String>,
    path: Option<String>,
    directory: Option<String>,
    url: Option<String>,
}

impl PackageSource {
    fn is_first_party(&self) -> bool {
        self.editable.is_some() || self.virtual_root.is_some()
    }

    /// The project at the lockfile's own directory, whose manifest is the one beside it.
    fn is_beside_lockfile(&self) -> bool {
        self.first_party_directory()
            .is_some_and(|path| matches!(path, "." | "./" | ""))
    }

    /// The directory of a first-party project (a workspace member), relative to the lockfile.
    fn first_party_directory(&self) -> Option<&str> {
        self.editable.as_deref().or(self.virtual_root.as_deref())
    }
}

/// An entry of a dependency list (`[manifest]` entries spell the extras `extras`).
#[derive(Deserialize)]
struct Dependency {
    name: String,
    version: Option<String>,
    source: Option<PackageSource>,
    #[serde(default, alias = "extras")]
    extra: Vec<String>,
}

/// A dependency entry resolved to the packages it names, with the extras it requests.
struct Resolved<'a> {
    to: Vec<usize>,
    extras: &'a [String],
}

/// The resolved dependency lists of one node.
#[derive(Default)]
struct Requires<'a> {
    normal: Vec<Resolved<'a>>,
    extras: HashMap<&'a str, Vec<Resolved<'a>>>,
    dev: Vec<Resolved<'a>>,
}

impl Format for UvLock {
    fn name(&self) -> &'static str {
        "uv-lock"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Pypi)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "uv.lock"
    }

    fn reads_member_manifests(&self) -> bool {
        true
    }

    fn manifest_name(&self) -> Option<&'static str> {
        Some("pyproject.toml")
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let text = input.file.text;
        let lines = LineIndex::new(text);
        let lock: Lockfile = toml::from_str(text).map_err(|e| ParseError::toml(&e, &lines))?;
        match &lock.version {
            Some(version) if *version.get_ref() == 1 => {}
            Some(version) => {
                let error = ParseError::unsupported_version(version.get_ref(), "uv.lock");
                return Err(ParseError::at(
                    lines.line(version.span().start),
                    error.message,
                ));
            }
            None => return Err(ParseError::new("not a uv.lock: it has no `version`")),
        }
        let manifest = input
            .manifest
            .map(|m| Manifest::pyproject(&m))
            .transpose()?;
        // Workspace members declare in their own pyproject.toml.
        let mut member_manifests: HashMap<usize, Manifest> = HashMap::new();
        for (index, package) in lock.package.iter().enumerate() {
            let directory = package
                .get_ref()
                .source
                .as_ref()
                .filter(|s| !s.is_beside_lockfile())
                .and_then(PackageSource::first_party_directory);
            if let Some(document) = directory.and_then(|d| input.member_manifest(d)) {
                member_manifests.insert(index, Manifest::pyproject(&document)?);
            }
        }

        let members: HashSet<String> = lock
            .manifest
            .members
            .iter()
            .map(|m| python::key(m))
            .collect();
        let workspace = &lock.manifest;
        let beside: Vec<bool> = lock
            .package
            .iter()
            .map(|p| {
                p.get_ref()
                    .source
                    .as_ref()
                    .is_some_and(PackageSource::is_beside_lockfile)
            })
            .collect();
        // The project beside the lockfile is the first root, so that paths start at it where
        // they can.
        let mut graph = Graph::new();
        let workspace_root = (!workspace.requirements.is_empty()
            || !workspace.dependency_groups.is_empty())
        .then(|| graph.add_root(python::project_label(input.file.path, manifest.as_ref())));
        let mut node_of = vec![0; lock.package.len()];
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        let beside_first = (0..lock.package.len())
            .filter(|&i| beside[i])
            .chain((0..lock.package.len()).filter(|&i| !beside[i]));
        for index in beside_first {
            let package = lock.package[index].get_ref();
            let first_party = members.contains(&python::key(&package.name))
                || package
                    .source
                    .as_ref()
                    .is_some_and(PackageSource::is_first_party);
            node_of[index] = if first_party {
                graph.add_root(package.name.clone())
            } else {
                graph.add(package.name.clone())
            };
            by_key
                .entry(python::key(&package.name))
                .or_default()
                .push(index);
        }

        let edges = Edges {
            packages: &lock.package,
            node_of: &node_of,
            by_key: &by_key,
            lines: &lines,
            dangling: RefCell::new(Vec::new()),
        };
        let mut requires: Vec<Requires<'_>> =
            (0..graph.len()).map(|_| Requires::default()).collect();
        for (index, package) in lock.package.iter().enumerate() {
            let package = package.get_ref();
            let from = Dependent {
                node: node_of[index],
                name: &package.name,
                manifest: if beside[index] {
                    manifest.as_ref()
                } else {
                    member_manifests.get(&index)
                },
            };
            let lists = &mut requires[from.node];
            lists.normal = edges.add(&mut graph, &from, Group::Runtime, &package.dependencies);
            for (extra, entries) in &package.optional_dependencies {
                let resolved = edges.add(&mut graph, &from, Group::Optional, entries);
                lists.extras.insert(extra.as_str(), resolved);
            }
            for entries in package.dev_dependencies.values() {
                lists
                    .dev
                    .extend(edges.add(&mut graph, &from, Group::Dev, entries));
            }
        }
        if let Some(node) = workspace_root {
            let from = Dependent {
                node,
                name: "the workspace root",
                manifest: manifest.as_ref(),
            };
            let lists = &mut requires[node];
            lists.normal = edges.add(&mut graph, &from, Group::Runtime, &workspace.requirements);
            for entries in workspace.dependency_groups.values() {
                lists
                    .dev
                    .extend(edges.add(&mut graph, &from, Group::Dev, entries));
            }
        }

        let roots: Vec<usize> = (0..graph.len()).filter(|&n| graph.is_root(n)).collect();
        let needed = reached(&requires, &roots, false);
        let installable = reached(&requires, &roots, true);
        let mut notes = edges.dangling.into_inner();
        let mut packages = Vec::new();
        for (package, &node) in lock.package.iter().zip(&node_of) {
            if graph.is_root(node) {
                continue;
            }
            let line = lines.line(package.span().start);
            let package = package.get_ref();
            let Some(version) = &package.version else {
                notes.push(Note::new(
                    NoteCode::Unpinned,
                    Some(line),
                    format!(
                        "`{}` has no locked version (a source tree with a dynamic version); not inventoried",
                        package.name
                    ),
                ));
                continue;
            };
            let Some(source) = package
                .source
                .as_ref()
                .and_then(|s| source(s, input.file.path))
            else {
                notes.push(Note::new(
                    NoteCode::UnknownSource,
                    Some(line),
                    format!(
                        "`{}` has no source depgov knows; not inventoried",
                        package.name
                    ),
                ));
                continue;
            };
            let mut locked = python::locked(&package.name, version, source, line);
            locked.optional = installable[node] && !needed[node];
            packages.push((node, locked));
        }
        let components = assemble(Ecosystem::Pypi, input.file.path, &graph, packages);
        Ok(Parsed { components, notes })
    }
}

/// What resolving dependency entries into graph edges needs.
struct Edges<'a> {
    packages: &'a [Spanned<Package>],
    node_of: &'a [usize],
    /// Package indices by name.
    by_key: &'a HashMap<String, Vec<usize>>,
    lines: &'a LineIndex,
    /// Notes on entries naming a package the lockfile does not hold.
    dangling: RefCell<Vec<Note>>,
}

/// The node dependency entries are read for.
struct Dependent<'a> {
    node: usize,
    name: &'a str,
    /// Its pyproject.toml, when read (beside the lockfile, or a member's), for the lines of
    /// its declarations.
    manifest: Option<&'a Manifest>,
}

impl Edges<'_> {
    /// Adds an edge from `from` for each entry of one of its dependency lists.
    fn add<'e>(
        &self,
        graph: &mut Graph,
        from: &Dependent<'_>,
        group: Group,
        entries: &'e [Spanned<Dependency>],
    ) -> Vec<Resolved<'e>> {
        let mut resolved = Vec::with_capacity(entries.len());
        for entry in entries {
            let to = self.resolve(entry, from.name);
            let dependency = entry.get_ref();
            let declared_at = from
                .manifest
                .and_then(|m| m.declaration(group, &dependency.name));
            for &target in &to {
                graph.depend(from.node, target, group.edge(), declared_at.clone());
            }
            resolved.push(Resolved {
                to,
                extras: &dependency.extra,
            });
        }
        resolved
    }

    /// The nodes of the packages an entry names: by name, narrowed by `version` and `source`
    /// when given. Should an entry still match several, it depends on each of them; should it
    /// match none, it is noted and depends on nothing.
    fn resolve(&self, entry: &Spanned<Dependency>, from_name: &str) -> Vec<usize> {
        let dependency = entry.get_ref();
        let to: Vec<usize> = self
            .by_key
            .get(&python::key(&dependency.name))
            .into_iter()
            .flatten()
            .copied()
            .filter(|&index| {
                let package = self.packages[index].get_ref();
                dependency
                    .version
                    .as_ref()
                    .is_none_or(|v| package.version.as_ref() == Some(v))
                    && dependency
                        .source
                        .as_ref()
                        .is_none_or(|s| package.source.as_ref() == Some(s))
            })
            .map(|index| self.node_of[index])
            .collect();
        if to.is_empty() {
            self.dangling.borrow_mut().push(Note::new(
                NoteCode::DanglingReference,
                Some(self.lines.line(entry.span().start)),
                format!(
                    "`{from_name}` depends on `{}`, which the lockfile does not list; the edge is not followed",
                    dependency.name
                ),
            ));
        }
        to
    }
}

/// Which nodes an install from the roots reaches: through dependencies and dependency groups,
/// and through the extras requested on the way — or, with `all_extras`, through every extra.
fn reached(requires: &[Requires<'_>], roots: &[usize], all_extras: bool) -> Vec<bool> {
    enum Work<'a> {
        Package(usize),
        Extra(usize, &'a str),
    }
    let mut seen = vec![false; requires.len()];
    let mut extras_seen: HashSet<(usize, &str)> = HashSet::new();
    let mut stack: Vec<Work<'_>> = roots.iter().map(|&r| Work::Package(r)).collect();
    while let Some(work) = stack.pop() {
        let entries: Vec<&Resolved<'_>> = match work {
            Work::Package(node) => {
                if std::mem::replace(&mut seen[node], true) {
                    continue;
                }
                let lists = &requires[node];
                let extras = lists.extras.values().flatten().filter(|_| all_extras);
                lists
                    .normal
                    .iter()
                    .chain(&lists.dev)
                    .chain(extras)
                    .collect()
            }
            Work::Extra(node, extra) => {
                if !extras_seen.insert((node, extra)) {
                    continue;
                }
                requires[node]
                    .extras
                    .get(extra)
                    .into_iter()
                    .flatten()
                    .collect()
            }
        };
        for entry in entries {
            for &to in &entry.to {
                stack.push(Work::Package(to));
                stack.extend(entry.extras.iter().map(|e| Work::Extra(to, e.as_str())));
            }
        }
    }
    seen
}

/// A package's source; `None` for a kind of source uv did not write when this was written.
fn source(source: &PackageSource, lockfile: &str) -> Option<Source> {
    if let Some(url) = source.registry.as_ref().or(source.url.as_ref()) {
        return Some(python::registry(Some(url)));
    }
    if let Some(git) = &source.git {
        return Some(git_source(git));
    }
    let local = source.path.as_ref().or(source.directory.as_ref())?;
    Some(python::local_source(lockfile, local))
}

/// uv writes git sources as `URL?rev=…#COMMIT` (or `?tag=`, `?branch=`, nothing); the commit
/// after `#` is what is locked.
fn git_source(reference: &str) -> Source {
    let (url_and_query, commit) = match reference.split_once('#') {
        Some((url, commit)) => (url, Some(commit)),
        None => (reference, None),
    };
    let (url, query) = url_and_query.split_once('?').unwrap_or((url_and_query, ""));
    let requested = query.split('&').find_map(|pair| {
        ["rev=", "tag=", "branch="]
            .iter()
            .find_map(|k| pair.strip_prefix(k))
    });
    Source::Git {
        url: url.to_owned(),
        rev: commit.or(requested).map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_sources_keep_the_locked_commit() {
        assert_eq!(
            git_source("https://github.com/a/b?rev=main#0123abcd"),
            Source::Git {
                url: "https://github.com/a/b".into(),
                rev: Some("0123abcd".into())
            }
        );
        assert_eq!(
            git_source("https://github.com/a/b?subdirectory=x&tag=v1"),
            Source::Git {
                url: "https://github.com/a/b".into(),
                rev: Some("v1".into())
            }
        );
    }
}
