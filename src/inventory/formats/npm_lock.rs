//! npm's `package-lock.json` and `npm-shrinkwrap.json`, lockfile versions 1, 2 and 3.
//!
//! Versions 2 and 3 list every installed package under `packages`, keyed by its
//! `node_modules` path; version 1 nests them under `dependencies`. Both are read into the same
//! path-keyed form. The root project (`""`) and workspace packages (paths outside
//! `node_modules`, and the `link` entries that point at them) are first-party. Edges follow
//! Node's module resolution (the nearest enclosing `node_modules`). npm's own `dev`,
//! `optional` and `devOptional` flags decide kinds.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Deserialize;

use super::js::{Dependencies, Manifest, Section, resolved_source, split_descriptor};
use super::json::UniqueKeys;
use super::{Locked, assemble};
use crate::inventory::graph::Graph;
use crate::inventory::text::JsonLines;
use crate::inventory::{Format, Input, Note, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::license::License;
use crate::model::registry;
use crate::model::{Component, Ecosystem, Kind, Source};

pub struct NpmLock;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Lockfile {
    name: Option<String>,
    lockfile_version: Option<serde_json::Value>,
    packages: Option<UniqueKeys<Entry>>,
    dependencies: Option<UniqueKeys<TreeEntry>>,
}

/// An entry of `packages` (versions 2 and 3).
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Entry {
    name: Option<String>,
    version: Option<String>,
    resolved: Option<String>,
    license: Option<serde_json::Value>,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    dev_optional: bool,
    #[serde(default)]
    link: bool,
    #[serde(default)]
    dependencies: Dependencies,
    #[serde(default)]
    optional_dependencies: Dependencies,
    #[serde(default)]
    peer_dependencies: Dependencies,
    #[serde(default)]
    dev_dependencies: Dependencies,
    /// Only for version 1 entries: their line, found while flattening the tree.
    #[serde(skip)]
    line: Option<u32>,
}

/// A node of version 1's nested `dependencies` tree.
#[derive(Deserialize)]
struct TreeEntry {
    version: String,
    resolved: Option<String>,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    requires: Dependencies,
    #[serde(default)]
    dependencies: UniqueKeys<TreeEntry>,
}

impl Format for NpmLock {
    fn name(&self) -> &'static str {
        "npm-package-lock"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Npm)
    }

    fn matches(&self, file_name: &str) -> bool {
        matches!(file_name, "package-lock.json" | "npm-shrinkwrap.json")
    }

    fn manifest_name(&self) -> Option<&'static str> {
        Some("package.json")
    }

    fn reads_member_manifests(&self) -> bool {
        true
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let text = input.file.text;
        let lock: Lockfile = serde_json::from_str(text)?;
        let lines = JsonLines::objects(text);
        let manifest = Manifest::beside(input)?;
        let version = match &lock.lockfile_version {
            Some(serde_json::Value::Number(n)) => n.as_u64(),
            _ => None,
        };
        let packages = match (version, lock.packages, lock.dependencies) {
            (Some(2 | 3), Some(packages), _) => packages.into_inner(),
            // Without `packages`, npm falls back to the legacy tree, as for version 1.
            (Some(1), _, tree) | (Some(2), None, tree @ Some(_)) => {
                flatten_v1(tree.unwrap_or_default(), manifest.as_ref(), &lines)
            }
            (Some(2 | 3), None, _) => {
                return Err(ParseError::new(
                    "lockfile version 2 and 3 need a `packages` object (or, for version 2, the legacy `dependencies` tree)",
                ));
            }
            (Some(other), ..) => {
                return Err(ParseError::unsupported_version(other, "package-lock.json"));
            }
            (None, ..) => {
                return Err(ParseError::new(
                    "not an npm lockfile: it has no numeric `lockfileVersion`",
                ));
            }
        };
        let root_name = lock
            .name
            .or_else(|| manifest.as_ref().and_then(|m| m.name().map(str::to_owned)))
            .unwrap_or_else(|| "(root)".to_owned());

        // Workspace packages (keys outside node_modules) declare in their own package.json.
        let mut declaring: HashMap<&str, Manifest<'_>> = HashMap::new();
        if let Some(root) = manifest {
            declaring.insert("", root);
        }
        for key in packages.keys().filter(|key| is_workspace_package(key)) {
            if let Some(member) = Manifest::of_member(input, key)? {
                declaring.insert(key, member);
            }
        }
        let mut notes = Vec::new();
        let tree = Tree::build(&packages, &root_name, &declaring, &lines, &mut notes);
        let components = tree.components(input);
        Ok(Parsed { components, notes })
    }
}

/// Version 1's nested tree as version 2's flat `node_modules/a/node_modules/b` keys, with a
/// root entry made from package.json (or, without one, depending on every top-level package).
fn flatten_v1(
    tree: UniqueKeys<TreeEntry>,
    manifest: Option<&Manifest>,
    lines: &JsonLines<'_>,
) -> BTreeMap<String, Entry> {
    let mut flat = BTreeMap::new();
    let root = match manifest {
        Some(m) => Entry {
            dependencies: m.section(Section::Dependencies).clone(),
            optional_dependencies: m.section(Section::OptionalDependencies).clone(),
            peer_dependencies: m.section(Section::PeerDependencies).clone(),
            dev_dependencies: m.section(Section::DevDependencies).clone(),
            ..Entry::default()
        },
        None => {
            let (dev, normal): (Vec<_>, Vec<_>) = tree.iter().partition(|(_, e)| e.dev);
            let names = |list: Vec<(&String, &TreeEntry)>| {
                list.into_iter()
                    .map(|(n, e)| (n.clone(), e.version.clone()))
                    .collect()
            };
            Entry {
                dependencies: names(normal),
                dev_dependencies: names(dev),
                ..Entry::default()
            }
        }
    };
    flat.insert(String::new(), root);
    let start = lines.object("dependencies").unwrap_or(0);
    flatten_into(&mut flat, "", tree, lines, start);
    flat
}

/// Flattens `tree` under `parent`; returns the last line its entries were found on, so that
/// the next sibling is looked for after this whole subtree.
fn flatten_into(
    flat: &mut BTreeMap<String, Entry>,
    parent: &str,
    tree: UniqueKeys<TreeEntry>,
    lines: &JsonLines<'_>,
    after: u32,
) -> u32 {
    let mut cursor = after;
    for (name, node) in tree {
        let key = if parent.is_empty() {
            format!("node_modules/{name}")
        } else {
            format!("{parent}/node_modules/{name}")
        };
        let line = lines.object_after(&name, cursor);
        cursor = line.unwrap_or(cursor);
        cursor = flatten_into(flat, &key, node.dependencies, lines, cursor);
        // Version 1 writes an alias's real package as its version (`npm:real@1.0.0`), and a
        // local package's path as its version (`file:../x`), with nothing resolved.
        let (real_name, version, resolved) = match node.version.strip_prefix("npm:") {
            Some(aliased) => match split_descriptor(aliased) {
                Some((real, version)) => (Some(real.to_owned()), version.to_owned(), node.resolved),
                None => (None, node.version, node.resolved),
            },
            None if node.version.starts_with("file:") => {
                (None, String::new(), node.resolved.or(Some(node.version)))
            }
            None => (None, node.version, node.resolved),
        };
        flat.insert(
            key,
            Entry {
                name: real_name,
                version: Some(version),
                resolved,
                dev: node.dev,
                optional: node.optional,
                dependencies: node.requires,
                line,
                ..Entry::default()
            },
        );
    }
    cursor
}

/// The lockfile's packages as a graph.
struct Tree<'a> {
    graph: Graph,
    node_of: HashMap<&'a str, usize>,
    entries: &'a BTreeMap<String, Entry>,
    lines: &'a JsonLines<'a>,
}

impl<'a> Tree<'a> {
    fn build(
        entries: &'a BTreeMap<String, Entry>,
        root_name: &str,
        declaring: &HashMap<&str, Manifest<'_>>,
        lines: &'a JsonLines<'a>,
        notes: &mut Vec<Note>,
    ) -> Self {
        let mut graph = Graph::new();
        let mut node_of = HashMap::new();
        for (key, entry) in entries {
            let node = if key.is_empty() {
                graph.add_root(root_name)
            } else if is_workspace_package(key) {
                graph.add_root(entry.name.clone().unwrap_or_else(|| key.clone()))
            } else {
                graph.add(package_name(key, entry))
            };
            node_of.insert(key.as_str(), node);
        }
        // A link entry stands for the workspace package it points at.
        for (key, entry) in entries.iter().filter(|(_, e)| e.link) {
            if let Some(&target) = entry.resolved.as_deref().and_then(|r| node_of.get(r)) {
                node_of.insert(key.as_str(), target);
            }
        }
        let mut tree = Tree {
            graph,
            node_of,
            entries,
            lines,
        };
        for (key, entry) in entries.iter().filter(|(_, e)| !e.link) {
            let from = tree.node_of[key.as_str()];
            let sections = [
                (&entry.dependencies, Section::Dependencies),
                (&entry.optional_dependencies, Section::OptionalDependencies),
                (&entry.peer_dependencies, Section::PeerDependencies),
                (&entry.dev_dependencies, Section::DevDependencies),
            ];
            for (dependencies, section) in sections {
                for name in dependencies.keys() {
                    let Some(to) = tree.resolve(key, name) else {
                        // Optional and peer dependencies may be absent, and only roots'
                        // dev dependencies are installed.
                        let required = section == Section::Dependencies
                            || section == Section::DevDependencies && tree.graph.is_root(from);
                        if required {
                            let entry_line = entry.line.or_else(|| tree.lines.object(key));
                            notes.push(Note::new(
                                NoteCode::DanglingReference,
                                entry_line,
                                format!(
                                    "`{}` depends on `{name}`, which no `node_modules` entry above it holds; the edge is not followed",
                                    if key.is_empty() { "(root)" } else { key.as_str() }
                                ),
                            ));
                        }
                        continue;
                    };
                    let declared_at = declaring
                        .get(key.as_str())
                        .and_then(|m| m.declared_at(section, name));
                    tree.graph
                        .depend(from, to, section.edge_kind(), declared_at);
                }
            }
        }
        tree
    }

    /// Node's resolution: `name` in the nearest `node_modules` at or above `from`.
    fn resolve(&self, from: &str, name: &str) -> Option<usize> {
        let mut base = from;
        loop {
            let candidate = if base.is_empty() {
                format!("node_modules/{name}")
            } else {
                format!("{base}/node_modules/{name}")
            };
            if let Some(&node) = self.node_of.get(candidate.as_str()) {
                return Some(node);
            }
            if base.is_empty() {
                return None;
            }
            base = match base.rfind("node_modules/") {
                Some(0) => "",
                Some(i) => base[..i].trim_end_matches('/'),
                // A workspace package resolves in its own node_modules, then the root's.
                None => "",
            };
        }
    }

    fn components(self, input: &Input<'_>) -> Vec<Component> {
        let packages = self
            .entries
            .iter()
            .filter(|(key, entry)| !key.is_empty() && !is_workspace_package(key) && !entry.link)
            .map(|(key, entry)| {
                let name = package_name(key, entry);
                let kinds = match (entry.dev, entry.optional, entry.dev_optional) {
                    (_, _, true) => BTreeSet::from([Kind::Runtime, Kind::Dev]),
                    (true, _, _) => BTreeSet::from([Kind::Dev]),
                    _ => BTreeSet::from([Kind::Runtime]),
                };
                let line = entry.line.or_else(|| self.lines.object(key)).unwrap_or(1);
                let locked = Locked {
                    version: entry.version.clone().unwrap_or_default(),
                    license: license(entry.license.as_ref()),
                    source: match &entry.resolved {
                        Some(resolved) => resolved_source(resolved, &name, input.file.path),
                        None => Source::Registry {
                            url: registry::NPMJS.to_owned(),
                        },
                    },
                    name,
                    line,
                    optional: entry.optional || entry.dev_optional,
                    kinds: Some(kinds),
                };
                (self.node_of[key.as_str()], locked)
            })
            .collect();
        assemble(Ecosystem::Npm, input.file.path, &self.graph, packages)
    }
}

fn is_workspace_package(key: &str) -> bool {
    !key.is_empty() && !key.starts_with("node_modules/") && !key.contains("/node_modules/")
}

/// The package's name: its `name` (set for aliases) or the last `node_modules/` segment.
fn package_name(key: &str, entry: &Entry) -> String {
    entry.name.clone().unwrap_or_else(|| {
        key.rfind("node_modules/")
            .map_or(key, |i| &key[i + "node_modules/".len()..])
            .to_owned()
    })
}

/// `license` is a string in current lockfiles; old package metadata used `{"type": …}` or a
/// list of those.
fn license(value: Option<&serde_json::Value>) -> License {
    use serde_json::Value;
    let text = match value {
        Some(Value::String(text)) => Some(text.clone()),
        Some(Value::Object(object)) => object
            .get("type")
            .and_then(Value::as_str)
            .map(str::to_owned),
        Some(Value::Array(list)) => {
            let names: Vec<&str> = list
                .iter()
                .filter_map(|item| item.get("type").and_then(Value::as_str))
                .collect();
            (!names.is_empty()).then(|| names.join(" OR "))
        }
        _ => None,
    };
    License::from_declared(text.as_deref())
}
