//! `pnpm-lock.yaml`, lockfile versions 5.3 and 5.4 (pnpm 6 and 7), 6.x (pnpm 8) and 9.x
//! (pnpm 9 and 10).
//!
//! Every importer (the root project `.` and each workspace package, keyed by its path) is a
//! first-party root; a single-project lockfile before version 9 keeps the root importer's
//! sections at the top level. Version 5 writes an importer's dependency as its reference alone
//! (the ranges are in `specifiers`, which are not needed), later versions as a `specifier` and
//! `version` mapping. An importer's `dependencies` and `optionalDependencies` are runtime edges,
//! its `devDependencies` dev edges; `link:` versions point at other first-party directories
//! and are not followed (each workspace package is a root of its own).
//!
//! Version 5 keys packages as `/name/1.2.3` with peers after an `_` (`/name/1.2.3_peer@4.5.6`),
//! and is otherwise read as version 6.
//! Version 6 keys packages by dependency path (`/name@1.2.3(peer@4.5.6)`, one entry per peer
//! variant, each with its own `dependencies`); non-registry packages are keyed by their
//! source (`github.com/o/r/<commit>`, `file:…`) and name themselves with `name`/`version`.
//! Version 9 splits packages (`name@1.2.3`, with the resolution) from snapshots
//! (`name@1.2.3(peer@4.5.6)`, with the edges). A dependency's reference resolves to a key as
//! pnpm's own `refToRelative` does. Peer variants of one package are one component.
//!
//! Kinds: versions 5 and 6 flag packages `dev: true` (dev only) or `dev: false` (runtime
//! only) and leave the flag out for packages that are both, which the graph then decides;
//! version 9 has no flags, so kinds come from the graph (reached only through importers'
//! `devDependencies` → dev). `optional: true` (on version 5 and 6 packages, version 9 snapshots)
//! marks optional packages.
//!
//! Sources come from `resolution`: `integrity` alone → npm's registry (a registry configured
//! in `.npmrc` is not recorded), `tarball` → that URL's registry (codeload.github.com
//! archives and `file:` tarballs are git and path sources), `type: git` → `repo` at `commit`,
//! `type: directory` → a path source (pnpm copies the directory in). pnpm records no
//! licenses. Direct dependencies of an importer point at their line in its package.json
//! (the one beside the lockfile for `.`, the member's for a workspace package); other packages
//! at their `packages` entry.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Deserialize;

use super::js::{Manifest, Section, relative_to_lockfile, resolved_source, split_descriptor};
use super::yaml::{self, Halves, Keyed, Mapping};
use super::{Locked, assemble};
use crate::inventory::Note;
use crate::inventory::graph::{EdgeKind, Graph};
use crate::inventory::{Format, Input, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::license::License;
use crate::model::registry;
use crate::model::{Ecosystem, Kind, Source};

pub struct PnpmLock;

const FILE_NAME: &str = "pnpm-lock.yaml";

/// How the lockfile keys and splits its packages.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    V5,
    V6,
    V9,
}

/// The lockfile; `D` is how importers write a dependency: version 5 as the reference alone,
/// later versions as a `specifier` and `version` mapping ([`ImporterDependency`]).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Lockfile<D> {
    #[serde(default = "Mapping::default")]
    importers: Mapping<Importer<D>>,
    /// A single-project lockfile (before version 9) keeps its root importer's sections here.
    #[serde(default = "Mapping::default")]
    dependencies: Mapping<D>,
    #[serde(default = "Mapping::default")]
    optional_dependencies: Mapping<D>,
    #[serde(default = "Mapping::default")]
    dev_dependencies: Mapping<D>,
    #[serde(default)]
    packages: Mapping<Package>,
    #[serde(default)]
    snapshots: Mapping<Snapshot>,
}

impl<D> Halves for Lockfile<D> {
    fn join(self, later: Self) -> Option<Self> {
        /// A section is in one part only.
        fn either<V>(first: Mapping<V>, later: Mapping<V>) -> Option<Mapping<V>> {
            match (first.is_empty(), later.is_empty()) {
                (false, false) => None,
                (true, _) => Some(later),
                (false, true) => Some(first),
            }
        }
        Some(Lockfile {
            importers: either(self.importers, later.importers)?,
            dependencies: either(self.dependencies, later.dependencies)?,
            optional_dependencies: either(self.optional_dependencies, later.optional_dependencies)?,
            dev_dependencies: either(self.dev_dependencies, later.dev_dependencies)?,
            packages: either(self.packages, later.packages)?,
            snapshots: either(self.snapshots, later.snapshots)?,
        })
    }
}

impl<D: Into<String>> Lockfile<D> {
    /// The lockfile with importers' dependencies as their references, and a single project's
    /// top-level sections as the root importer `.`.
    fn normalize(self) -> Lockfile<String> {
        fn references<D: Into<String>>(mapping: Mapping<D>) -> Mapping<String> {
            Mapping(
                mapping
                    .0
                    .into_iter()
                    .map(|keyed| Keyed {
                        key: keyed.key,
                        line: keyed.line,
                        value: keyed.value.into(),
                    })
                    .collect(),
            )
        }
        let importer = |importer: Importer<D>| Importer {
            dependencies: references(importer.dependencies),
            optional_dependencies: references(importer.optional_dependencies),
            dev_dependencies: references(importer.dev_dependencies),
        };
        let mut importers: Vec<Keyed<Importer<String>>> = self
            .importers
            .0
            .into_iter()
            .map(|keyed| Keyed {
                key: keyed.key,
                line: keyed.line,
                value: importer(keyed.value),
            })
            .collect();
        if importers.is_empty() {
            importers.push(Keyed {
                key: ".".to_owned(),
                line: 1,
                value: importer(Importer {
                    dependencies: self.dependencies,
                    optional_dependencies: self.optional_dependencies,
                    dev_dependencies: self.dev_dependencies,
                }),
            });
        }
        Lockfile {
            importers: Mapping(importers),
            dependencies: Mapping::default(),
            optional_dependencies: Mapping::default(),
            dev_dependencies: Mapping::default(),
            packages: self.packages,
            snapshots: self.snapshots,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Importer<D> {
    #[serde(default = "Mapping::default")]
    dependencies: Mapping<D>,
    #[serde(default = "Mapping::default")]
    optional_dependencies: Mapping<D>,
    #[serde(default = "Mapping::default")]
    dev_dependencies: Mapping<D>,
}

/// An importer's dependency from version 6 on; version 5 writes only the reference.
#[derive(Deserialize)]
struct ImporterDependency {
    version: String,
}

impl From<ImporterDependency> for String {
    fn from(dependency: ImporterDependency) -> String {
        dependency.version
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    resolution: Resolution,
    /// Set for packages not keyed by name and version (git, tarball and local packages).
    name: Option<String>,
    version: Option<String>,
    /// Version 6 only.
    dev: Option<bool>,
    /// Version 6 only; version 9 flags snapshots.
    #[serde(default)]
    optional: bool,
    /// Version 6 only; version 9 keeps edges in snapshots.
    #[serde(default)]
    dependencies: Mapping<String>,
    #[serde(default)]
    optional_dependencies: Mapping<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    dependencies: Mapping<String>,
    #[serde(default)]
    optional_dependencies: Mapping<String>,
}

#[derive(Deserialize)]
struct Resolution {
    integrity: Option<String>,
    tarball: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    repo: Option<String>,
    commit: Option<String>,
    directory: Option<String>,
}

impl Format for PnpmLock {
    fn name(&self) -> &'static str {
        "pnpm-lock"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Npm)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == FILE_NAME
    }

    fn manifest_name(&self) -> Option<&'static str> {
        Some("package.json")
    }

    fn reads_member_manifests(&self) -> bool {
        true
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let layout = layout(input.file.text)?;
        let lock = match layout {
            Layout::V5 => {
                yaml::from_str_in_halves::<Lockfile<String>>(input.file.text)?.normalize()
            }
            Layout::V6 | Layout::V9 => {
                yaml::from_str_in_halves::<Lockfile<ImporterDependency>>(input.file.text)?
                    .normalize()
            }
        };
        let manifest = Manifest::beside(input)?;
        read(layout, &lock, input, manifest.as_ref())
    }
}

/// The layout `lockfileVersion` names. It decides how the rest is read, so it is read first,
/// from its own line (pnpm writes it first): older layouts do not parse as newer ones.
fn layout(text: &str) -> Result<Layout, ParseError> {
    let (line, value) = text
        .lines()
        .zip(1u32..)
        .find_map(|(text, line)| Some((line, text.strip_prefix("lockfileVersion:")?)))
        .ok_or_else(|| ParseError::new("not a pnpm lockfile: it has no `lockfileVersion`"))?;
    // pnpm 6 and 7 wrote the version as a number (`5.4`), later ones as a string (`'6.0'`).
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Text(String),
        Number(f64),
    }
    let version = match yaml::from_str(value.trim()).map_err(|e| ParseError::at(line, e.message))? {
        Written::Text(text) => text,
        Written::Number(number) => number.to_string(),
    };
    match version.split('.').next() {
        Some("5") if matches!(version.as_str(), "5.3" | "5.4") => Ok(Layout::V5),
        Some("6") => Ok(Layout::V6),
        Some("9") => Ok(Layout::V9),
        _ => Err(ParseError::at(
            line,
            ParseError::unsupported_version(&version, FILE_NAME).message,
        )),
    }
}

/// A locked package at one graph node: a version 6 package entry, or a version 9 snapshot with
/// its package entry.
struct Unit<'a> {
    key: &'a str,
    package: Option<&'a Keyed<Package>>,
    dependencies: [&'a Mapping<String>; 2],
    optional: bool,
}

fn read(
    layout: Layout,
    lock: &Lockfile<String>,
    input: &Input<'_>,
    manifest: Option<&Manifest<'_>>,
) -> Result<Parsed, ParseError> {
    let mut parsed = Parsed::default();
    let mut graph = Graph::new();

    let importer_nodes: Vec<usize> = lock
        .importers
        .iter()
        .map(|importer| match importer.key.as_str() {
            "." => graph.add_root(manifest.and_then(Manifest::name).unwrap_or("(root)")),
            path => graph.add_root(path),
        })
        .collect();

    let units = units(layout, lock);
    let mut node_of: HashMap<&str, usize> = HashMap::with_capacity(units.len());
    let mut locked = Vec::with_capacity(units.len());
    for unit in &units {
        let identity = match unit.package {
            Some(package) => identify(layout, unit.key, package, input.file.path)
                .map(|identity| (package, identity)),
            None => Err("it has no `packages` entry".to_owned()),
        };
        let node = match identity {
            Ok((package, (name, version, source))) => {
                let node = graph.add(name.clone());
                locked.push((
                    node,
                    Locked {
                        name,
                        version,
                        license: License::Unknown,
                        source,
                        line: package.line,
                        optional: unit.optional,
                        kinds: package.value.dev.map(|dev| {
                            BTreeSet::from([if dev { Kind::Dev } else { Kind::Runtime }])
                        }),
                    },
                ));
                node
            }
            Err(why) => {
                let line = unit.package.map(|p| p.line);
                parsed.notes.push(Note::new(
                    NoteCode::UnknownSource,
                    line,
                    format!("`{}` is not inventoried: {why}", unit.key),
                ));
                graph.add(unit.key)
            }
        };
        node_of.insert(unit.key, node);
    }

    // A reference to a key the lockfile does not hold is a note on that edge: the rest of the
    // file is still read.
    let mut dangling = Vec::new();
    let mut resolve = |name: &str, reference: &str, line: u32, from: &str| {
        let key = dependency_key(layout, name, reference)?;
        let node = node_of.get(key.as_str()).copied();
        if node.is_none() {
            dangling.push(Note::new(
                NoteCode::DanglingReference,
                Some(line),
                format!(
                    "`{from}` depends on `{name}` at `{reference}`, which the lockfile does not list; the edge is not followed"
                ),
            ));
        }
        node
    };
    for (importer, &from) in lock.importers.iter().zip(&importer_nodes) {
        let member = match importer.key.as_str() {
            "." => None,
            directory => Manifest::of_member(input, directory)?,
        };
        let declaring = member.as_ref().or(manifest.filter(|_| importer.key == "."));
        let sections = [
            (&importer.value.dependencies, Section::Dependencies),
            (
                &importer.value.optional_dependencies,
                Section::OptionalDependencies,
            ),
            (&importer.value.dev_dependencies, Section::DevDependencies),
        ];
        for (dependencies, section) in sections {
            for dependency in dependencies.iter() {
                let reference = &dependency.value;
                let Some(to) = resolve(&dependency.key, reference, dependency.line, &importer.key)
                else {
                    continue;
                };
                let declared_at = declaring.and_then(|m| m.declared_at(section, &dependency.key));
                graph.depend(from, to, section.edge_kind(), declared_at);
            }
        }
    }
    for unit in &units {
        let from = node_of[unit.key];
        for dependency in unit.dependencies.into_iter().flat_map(Mapping::iter) {
            if let Some(to) = resolve(
                &dependency.key,
                &dependency.value,
                dependency.line,
                unit.key,
            ) {
                graph.depend(from, to, EdgeKind::Normal, None);
            }
        }
    }

    parsed.notes.extend(dangling);
    parsed.components = assemble(Ecosystem::Npm, input.file.path, &graph, locked);
    Ok(parsed)
}

/// The lockfile's packages, one per graph node.
fn units(layout: Layout, lock: &Lockfile<String>) -> Vec<Unit<'_>> {
    match layout {
        Layout::V5 | Layout::V6 => lock
            .packages
            .iter()
            .map(|package| Unit {
                key: &package.key,
                package: Some(package),
                dependencies: [
                    &package.value.dependencies,
                    &package.value.optional_dependencies,
                ],
                optional: package.value.optional,
            })
            .collect(),
        Layout::V9 => {
            let packages: HashMap<&str, &Keyed<Package>> =
                lock.packages.iter().map(|p| (p.key.as_str(), p)).collect();
            let mut snapshotted = HashSet::new();
            let mut units: Vec<Unit<'_>> = lock
                .snapshots
                .iter()
                .map(|snapshot| {
                    let package_key = without_peers(&snapshot.key);
                    snapshotted.insert(package_key);
                    Unit {
                        key: &snapshot.key,
                        package: packages.get(package_key).copied(),
                        dependencies: [
                            &snapshot.value.dependencies,
                            &snapshot.value.optional_dependencies,
                        ],
                        optional: snapshot.value.optional,
                    }
                })
                .collect();
            // A package no snapshot mentions is still locked; it has no edges.
            units.extend(
                lock.packages
                    .iter()
                    .filter(|p| !snapshotted.contains(p.key.as_str()))
                    .map(|package| Unit {
                        key: &package.key,
                        package: Some(package),
                        dependencies: [
                            &package.value.dependencies,
                            &package.value.optional_dependencies,
                        ],
                        optional: package.value.optional,
                    }),
            );
            units
        }
    }
}

/// A package's name, version and source, from its key and entry.
fn identify(
    layout: Layout,
    key: &str,
    package: &Keyed<Package>,
    lockfile: &str,
) -> Result<(String, String, Source), String> {
    let entry = &package.value;
    let named_by_key = match layout {
        // `/name/1.2.3_peer@4.5.6`: peers after the first `_` of the version.
        Layout::V5 => key
            .strip_prefix('/')
            .and_then(|path| path.rsplit_once('/'))
            .map(|(name, version)| (name, version.split('_').next().unwrap_or(version))),
        Layout::V6 => key.strip_prefix('/').and_then(split_descriptor),
        Layout::V9 => split_descriptor(key),
    };
    let (name, version) = match (&entry.name, &entry.version, named_by_key) {
        (Some(name), Some(version), _) => (name.clone(), version.clone()),
        (name, version, Some((key_name, reference))) => (
            name.clone().unwrap_or_else(|| key_name.to_owned()),
            version
                .clone()
                .unwrap_or_else(|| without_peers(reference).to_owned()),
        ),
        _ => return Err("its key names no package and it has no `name` and `version`".into()),
    };
    let source = source(&entry.resolution, &name, lockfile)?;
    Ok((name, version, source))
}

fn source(resolution: &Resolution, name: &str, lockfile: &str) -> Result<Source, String> {
    match (resolution.kind.as_deref(), resolution) {
        (
            Some("git"),
            Resolution {
                repo: Some(repo),
                commit,
                ..
            },
        ) => Ok(Source::Git {
            url: repo.clone(),
            rev: commit.clone(),
        }),
        (
            Some("directory"),
            Resolution {
                directory: Some(directory),
                ..
            },
        ) => Ok(Source::Path {
            path: relative_to_lockfile(lockfile, directory),
        }),
        (
            None,
            Resolution {
                tarball: Some(tarball),
                ..
            },
        ) => Ok(resolved_source(tarball, name, lockfile)),
        (
            None,
            Resolution {
                integrity: Some(_), ..
            },
        ) => Ok(Source::Registry {
            url: registry::NPMJS.to_owned(),
        }),
        (kind, _) => Err(format!(
            "its resolution ({}) is not one depgov reads",
            kind.map_or_else(
                || "no integrity, tarball or type".to_owned(),
                |k| format!("type `{k}`")
            )
        )),
    }
}

/// The key a dependency's reference points at, as pnpm's `refToRelative` computes it; `None`
/// for `link:` references to first-party directories.
fn dependency_key(layout: Layout, name: &str, reference: &str) -> Option<String> {
    if reference.starts_with("link:") {
        return None;
    }
    let key = match layout {
        Layout::V5 => {
            // Peers follow the first `_`, and may hold `/` of their own.
            let before_peers = reference.split('_').next().unwrap_or(reference);
            if reference.starts_with("file:") || before_peers.contains('/') {
                reference.to_owned()
            } else {
                format!("/{name}/{reference}")
            }
        }
        Layout::V6 => {
            let registry_version = match reference.find('(') {
                Some(paren) => !reference[..paren].contains('/'),
                None => !reference.contains('/'),
            };
            if reference.starts_with("file:") || !registry_version {
                reference.to_owned()
            } else {
                format!("/{name}@{reference}")
            }
        }
        Layout::V9 => {
            // A reference that names a package itself is an alias (`string-width@4.2.3`).
            let at = reference.find('@');
            let before = |c: char| {
                reference
                    .find(c)
                    .is_none_or(|i| at.is_some_and(|at| at < i))
            };
            if reference.starts_with('@') || at.is_some() && before(':') && before('(') {
                reference.to_owned()
            } else {
                format!("{name}@{reference}")
            }
        }
    };
    Some(key)
}

/// A dependency path without its peer (and patch) suffix: `a@1.0.0(b@2.0.0)` → `a@1.0.0`.
fn without_peers(key: &str) -> &str {
    key.find('(').map_or(key, |i| &key[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_resolve_to_keys_as_pnpm_does() {
        use Layout::{V5, V6, V9};
        let cases = [
            (V9, "a", "1.0.0", Some("a@1.0.0")),
            (V9, "a", "1.0.0(b@2.0.0)", Some("a@1.0.0(b@2.0.0)")),
            (V9, "cjs", "string-width@4.2.3", Some("string-width@4.2.3")),
            (V9, "x", "@s/y@1.0.0", Some("@s/y@1.0.0")),
            (
                V9,
                "g",
                "git+https://git@github.com:o/g.git#abc",
                Some("g@git+https://git@github.com:o/g.git#abc"),
            ),
            (V9, "w", "link:../w", None),
            (V6, "a", "1.0.0(b@2.0.0)", Some("/a@1.0.0(b@2.0.0)")),
            (
                V6,
                "@s/a",
                "1.0.0(@p/b@2.0.0)",
                Some("/@s/a@1.0.0(@p/b@2.0.0)"),
            ),
            (
                V6,
                "cjs",
                "/string-width@4.2.3",
                Some("/string-width@4.2.3"),
            ),
            (V6, "g", "github.com/o/g/abc", Some("github.com/o/g/abc")),
            (V6, "l", "file:../l", Some("file:../l")),
            (V5, "a", "1.0.0", Some("/a/1.0.0")),
            (
                V5,
                "@s/a",
                "1.0.0_@p+b@2.0.0",
                Some("/@s/a/1.0.0_@p+b@2.0.0"),
            ),
            (
                V5,
                "cjs",
                "/string-width/4.2.3",
                Some("/string-width/4.2.3"),
            ),
            (V5, "g", "github.com/o/g/abc", Some("github.com/o/g/abc")),
            (V5, "w", "link:../w", None),
        ];
        for (layout, name, reference, key) in cases {
            assert_eq!(
                dependency_key(layout, name, reference).as_deref(),
                key,
                "{name} at {reference}"
            );
        }
    }
}
