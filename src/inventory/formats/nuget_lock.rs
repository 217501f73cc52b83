//! NuGet's `packages.lock.json`, versions 1 and 2 (2 adds central package management's
//! `CentralTransitive` entries).
//!
//! `dependencies` maps each target framework (`net8.0`, and runtime-specific ones such as
//! `net8.0/linux-x64`) to the packages restored for it. Every `Direct`, `Transitive` and
//! `CentralTransitive` entry is a component at its `resolved` version, located at its entry;
//! the same package under several frameworks is one component. The project that owns the
//! lockfile is the first-party root: its `Direct` entries are its direct dependencies.
//! `Project` entries (project references) are first-party too, never components: the root
//! reaches them and they reach their own dependencies, which NuGet types `Transitive` here
//! (their own lockfile lists them as direct). Edges are each entry's `dependencies`, resolved
//! in the same framework, then (for a runtime-specific one) in its base framework. NuGet has
//! no dev or build dependencies, so every component is `runtime`.
//!
//! The lockfile records neither licenses nor feeds: sources are nuget.org, the default feed
//! (a `nuget.config` may map packages elsewhere; depgov does not read it). The project file
//! (`*.csproj`) is not read, so direct dependencies point at their lockfile entries. An entry
//! of a type this depgov does not know is noted, not inventoried.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use super::json::UniqueKeys;
use super::{Locked, UNNAMED_ROOT, assemble};
use crate::inventory::Note;
use crate::inventory::graph::{EdgeKind, Graph};
use crate::inventory::text::JsonLines;
use crate::inventory::{Format, Input, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::license::License;
use crate::model::{Ecosystem, Source};

pub struct NugetLock;

const NUGET_ORG: &str = "https://api.nuget.org/v3/index.json";

#[derive(Deserialize)]
struct Lockfile {
    version: Option<serde_json::Value>,
    dependencies: Option<UniqueKeys<UniqueKeys<Entry>>>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type")]
    kind: String,
    resolved: Option<String>,
    #[serde(default)]
    dependencies: UniqueKeys<String>,
}

impl Format for NugetLock {
    fn name(&self) -> &'static str {
        "nuget-packages-lock"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Nuget)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "packages.lock.json"
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let text = input.file.text;
        let lock: Lockfile = serde_json::from_str(text)?;
        match lock.version.as_ref().map(|v| (v, v.as_u64())) {
            Some((_, Some(1 | 2))) => {}
            Some((version, _)) => {
                return Err(ParseError::unsupported_version(
                    version,
                    "packages.lock.json",
                ));
            }
            None => {
                return Err(ParseError::new("not a NuGet lockfile: it has no `version`"));
            }
        }
        let frameworks = lock
            .dependencies
            .ok_or_else(|| ParseError::new("not a NuGet lockfile: it has no `dependencies`"))?;
        let lines = JsonLines::new(text);
        let start = lines.key("dependencies").unwrap_or(1);

        let mut graph = Graph::new();
        let root = graph.add_root(UNNAMED_ROOT);
        let mut notes = Vec::new();
        let mut packages = Vec::new();
        let mut package_nodes: HashMap<(String, &str), usize> = HashMap::new();
        let mut project_nodes: HashMap<String, usize> = HashMap::new();
        let mut direct = HashSet::new();
        // Per framework: package name (NuGet ids are case-insensitive) → node.
        let mut by_framework: HashMap<&str, HashMap<String, usize>> = HashMap::new();
        for (framework, entries) in &frameworks {
            let framework_line = lines.object_after(framework, start).unwrap_or(start);
            let names = by_framework.entry(framework).or_default();
            for (name, entry) in entries {
                let key = name.to_lowercase();
                let line = lines
                    .object_after(name, framework_line)
                    .unwrap_or(framework_line);
                let node = match entry.kind.as_str() {
                    "Project" => *project_nodes
                        .entry(key.clone())
                        .or_insert_with(|| graph.add(name.clone())),
                    "Direct" | "Transitive" | "CentralTransitive" => {
                        let version = entry.resolved.as_deref().ok_or_else(|| {
                            ParseError::at(
                                line,
                                format!("`{name}` under {framework} has no `resolved` version"),
                            )
                        })?;
                        let node = *package_nodes
                            .entry((key.clone(), version))
                            .or_insert_with(|| graph.add(name.clone()));
                        packages.push((
                            node,
                            Locked {
                                name: name.clone(),
                                version: version.to_owned(),
                                license: License::Unknown,
                                source: Source::Registry {
                                    url: NUGET_ORG.to_owned(),
                                },
                                line,
                                optional: false,
                                kinds: None,
                            },
                        ));
                        node
                    }
                    other => {
                        notes.push(Note::new(
                            NoteCode::UnknownSource,
                            Some(line),
                            format!("`{name}` under {framework} has type `{other}`, which this depgov does not know; not inventoried"),
                        ));
                        continue;
                    }
                };
                if matches!(entry.kind.as_str(), "Direct" | "Project") && direct.insert(node) {
                    graph.depend(root, node, EdgeKind::Normal, None);
                }
                names.insert(key, node);
            }
        }
        for (framework, entries) in &frameworks {
            let base = framework.split('/').next().unwrap_or(framework);
            let lookup = |name: &str| {
                let key = name.to_lowercase();
                [framework.as_str(), base]
                    .iter()
                    .find_map(|f| by_framework.get(f)?.get(&key).copied())
            };
            let own = by_framework.get(framework.as_str());
            for (name, entry) in entries {
                // Entries of unknown types have no node.
                let Some(&from) = own.and_then(|names| names.get(&name.to_lowercase())) else {
                    continue;
                };
                for dependency in entry.dependencies.keys() {
                    if let Some(to) = lookup(dependency) {
                        graph.depend(from, to, EdgeKind::Normal, None);
                    }
                }
            }
        }
        Ok(Parsed {
            components: assemble(Ecosystem::Nuget, input.file.path, &graph, packages),
            notes,
        })
    }
}
