//! `Cargo.lock`, versions 1 to 4, read without Cargo (lockfile-only mode).
//!
//! Packages without a `source` are first-party (workspace members and path dependencies) and
//! are the roots; a lockfile without any package (an empty file) is refused, since Cargo always
//! locks the workspace's own packages. The lockfile records no dependency kinds, so every
//! component is `runtime`.
//! It records no licenses: the facts stage finds them (the Cargo registry cache first).

use std::collections::HashMap;

use serde::Deserialize;
use toml::Spanned;

use super::{Locked, assemble};
use crate::inventory::cargo::external_source;
use crate::inventory::cargo_manifest::{DeclarationLines, Section};
use crate::inventory::graph::{EdgeKind, Graph};
use crate::inventory::text::LineIndex;
use crate::inventory::{Format, Input, Note, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::license::License;
use crate::model::{Ecosystem, Location};

pub struct CargoLock;

#[derive(Deserialize)]
struct Lockfile {
    version: Option<Spanned<i64>>,
    #[serde(default)]
    package: Vec<Package>,
    /// Lockfiles written before Cargo 1.0-era workspaces kept the root package here.
    root: Option<Package>,
    metadata: Option<toml::Table>,
}

#[derive(Deserialize)]
struct Package {
    name: Spanned<String>,
    version: String,
    source: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

impl Format for CargoLock {
    fn name(&self) -> &'static str {
        "cargo-lock"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Cargo)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "Cargo.lock"
    }

    fn manifest_name(&self) -> Option<&'static str> {
        Some("Cargo.toml")
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let text = input.file.text;
        let lines = LineIndex::new(text);
        let lock: Lockfile = toml::from_str(text).map_err(|e| ParseError::toml(&e, &lines))?;
        let version = match &lock.version {
            Some(v) => *v.get_ref(),
            None if lock.metadata.is_some() => 1,
            None => 2,
        };
        if !(1..=4).contains(&version) {
            let line = lock
                .version
                .as_ref()
                .map_or(1, |v| lines.line(v.span().start));
            let error = ParseError::unsupported_version(version, "Cargo.lock");
            return Err(ParseError::at(line, error.message));
        }

        let packages: Vec<Package> = lock.root.into_iter().chain(lock.package).collect();
        if packages.is_empty() {
            // Cargo always locks the workspace's own packages: this file was cut short.
            return Err(ParseError::new(
                "no packages, not even the workspace's own, which Cargo always records: the lockfile is empty or truncated",
            ));
        }
        let mut graph = Graph::new();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, package) in packages.iter().enumerate() {
            let name = package.name.get_ref();
            let node = if package.source.is_none() {
                graph.add_root(name.clone())
            } else {
                graph.add(name.clone())
            };
            debug_assert_eq!(node, i);
            by_name.entry(name).or_default().push(i);
        }
        let declarations = match input.manifest {
            Some(m) => {
                let declared = DeclarationLines::parse(m.text).map_err(|e| {
                    ParseError::in_manifest(m.path, ParseError::toml(&e, &LineIndex::new(m.text)))
                })?;
                Some((m.path, declared))
            }
            None => None,
        };
        let mut notes = Vec::new();
        for (from, package) in packages.iter().enumerate() {
            for dependency in &package.dependencies {
                let Some(to) = resolve(dependency, &packages, &by_name) else {
                    notes.push(Note::new(
                        NoteCode::DanglingReference,
                        Some(lines.line(package.name.span().start)),
                        format!(
                            "`{}` depends on `{dependency}`, which the lockfile does not list; the edge is not followed",
                            package.name.get_ref()
                        ),
                    ));
                    continue;
                };
                let declared_at = match (&declarations, graph.is_root(from)) {
                    (Some((path, declared)), true) => {
                        let name = packages[to].name.get_ref();
                        declared.line(Section::Normal, name).map(|line| Location {
                            file: (*path).into(),
                            line,
                        })
                    }
                    _ => None,
                };
                graph.depend(from, to, EdgeKind::Normal, declared_at);
            }
        }

        let locked = packages
            .iter()
            .enumerate()
            .filter(|(i, _)| !graph.is_root(*i))
            .map(|(i, package)| {
                let source = external_source(package.source.as_deref().unwrap_or_default());
                let header = text[..package.name.span().start]
                    .rfind("[[package]]")
                    .or_else(|| text[..package.name.span().start].rfind("[root]"))
                    .unwrap_or(package.name.span().start);
                let locked = Locked {
                    name: package.name.get_ref().clone(),
                    version: package.version.clone(),
                    // A lockfile records no licenses; the facts stage looks them up.
                    license: License::Unknown,
                    source,
                    line: lines.line(header),
                    optional: false,
                    kinds: None,
                };
                (i, locked)
            })
            .collect();
        let components = assemble(Ecosystem::Cargo, input.file.path, &graph, locked);
        Ok(Parsed { components, notes })
    }
}

/// Resolves a dependency entry: `name`, `name version` or `name version (source)`.
fn resolve(
    entry: &str,
    packages: &[Package],
    by_name: &HashMap<&str, Vec<usize>>,
) -> Option<usize> {
    let mut parts = entry.splitn(3, ' ');
    let name = parts.next()?;
    let version = parts.next();
    let source = parts
        .next()
        .map(|s| s.trim_start_matches('(').trim_end_matches(')'));
    by_name.get(name)?.iter().copied().find(|&i| {
        version.is_none_or(|v| packages[i].version == v)
            && source.is_none_or(|s| packages[i].source.as_deref() == Some(s))
    })
}
