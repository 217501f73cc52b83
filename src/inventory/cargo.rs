//! Cargo workspaces, full graph: `cargo metadata` (through cargo_metadata) read into a guppy
//! `PackageGraph`.
//!
//! The graph is what Cargo resolves for the workspace: default features of the members and
//! every platform, unless feature or target options say otherwise, exactly as Cargo's own
//! flags do. `--locked` is passed whenever a Cargo.lock exists, so a user's lockfile is never
//! rewritten. Members are the roots of the shared [`Graph`] walk, which derives kinds, paths
//! and the member manifest line each component enters by.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use cargo_metadata::{CargoOpt, MetadataCommand};
use guppy::graph::{ExternalSource, PackageGraph, PackageMetadata, PackageSource};

use super::Inventory;
use super::cargo_manifest::{DeclarationLines, Section};
use super::graph::{EdgeKind, Graph, Reach};
use crate::error::Error;
use crate::model::license::License;
use crate::model::{Component, ComponentId, Ecosystem, Location, Source};
use crate::util::paths::relative_path;

/// Which graph to resolve, mirroring Cargo's own flags.
#[derive(Clone, Debug, Default)]
pub struct CargoOptions {
    pub all_features: bool,
    pub no_default_features: bool,
    pub features: Vec<String>,
    /// Resolve for this target triple only (`--filter-platform`).
    pub target: Option<String>,
}

/// Inventories the workspace whose manifest is `manifest`; locations are relative to
/// `repo_root`.
pub fn read_workspace(
    manifest: &Path,
    options: &CargoOptions,
    repo_root: &Path,
) -> Result<Inventory, Error> {
    let shown_manifest = relative_path(manifest, repo_root);
    let graph = package_graph(manifest, &shown_manifest, options)?;
    let workspace_manifest = graph.workspace().root().join("Cargo.toml");
    let mut inventory = Inventory::default();
    inventory.add(
        relative_path(workspace_manifest.as_std_path(), repo_root),
        "cargo-metadata",
        components(&graph, repo_root),
    );
    Ok(inventory)
}

fn package_graph(
    manifest: &Path,
    shown_manifest: &str,
    options: &CargoOptions,
) -> Result<PackageGraph, Error> {
    let mut command = MetadataCommand::new();
    command.manifest_path(manifest);
    if options.all_features {
        command.features(CargoOpt::AllFeatures);
    }
    if options.no_default_features {
        command.features(CargoOpt::NoDefaultFeatures);
    }
    if !options.features.is_empty() {
        command.features(CargoOpt::SomeFeatures(options.features.clone()));
    }
    let mut extra = Vec::new();
    if lockfile_exists(manifest) {
        extra.push("--locked".to_owned());
    }
    if let Some(target) = &options.target {
        extra.extend(["--filter-platform".to_owned(), target.clone()]);
    }
    command.other_options(extra);
    let failed = |message: String| Error::CargoMetadata {
        manifest: shown_manifest.to_owned(),
        message,
    };
    let output = command
        .cargo_command()
        .output()
        .map_err(|e| failed(format!("cannot run cargo: {e}")))?;
    if !output.status.success() {
        let message = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        if message.contains("--locked") {
            return Err(Error::CargoLockRefused {
                manifest: shown_manifest.to_owned(),
                message,
            });
        }
        return Err(failed(message));
    }
    // One parse of Cargo's JSON, straight into guppy's graph.
    let stdout = std::str::from_utf8(&output.stdout)
        .map_err(|e| failed(format!("cargo printed invalid UTF-8: {e}")))?;
    let json = stdout
        .lines()
        .find(|line| line.starts_with('{'))
        .unwrap_or("");
    let metadata = guppy::CargoMetadata::parse_json(json).map_err(|e| failed(e.to_string()))?;
    PackageGraph::from_metadata(metadata).map_err(|e| failed(e.to_string()))
}

/// Whether a Cargo.lock sits beside the manifest or in a directory above it (where the
/// workspace root's lockfile lives).
fn lockfile_exists(manifest: &Path) -> bool {
    let dir = manifest
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
    dir.ancestors().any(|d| d.join("Cargo.lock").is_file())
}

/// The workspace's components: a [`Graph`] of Cargo's links, walked from the members.
fn components(graph: &PackageGraph, repo_root: &Path) -> Vec<Component> {
    let packages: Vec<PackageMetadata<'_>> = graph.packages().collect();
    let index: HashMap<_, usize> = packages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id(), i))
        .collect();
    let mut deps = Graph::new();
    for package in &packages {
        if package.in_workspace() {
            deps.add_root(package.name());
        } else {
            deps.add(package.name());
        }
    }
    for (from, package) in packages.iter().enumerate() {
        let declarations = package.in_workspace().then(|| {
            let manifest = package.manifest_path().as_std_path();
            let text = std::fs::read_to_string(manifest).unwrap_or_default();
            (
                relative_path(manifest, repo_root),
                DeclarationLines::read(&text),
            )
        });
        for link in package.direct_links() {
            let Some(&to) = index.get(link.to().id()) else {
                continue;
            };
            let sections = [
                (
                    link.normal().is_present(),
                    EdgeKind::Normal,
                    Section::Normal,
                ),
                (link.build().is_present(), EdgeKind::Build, Section::Build),
                (link.dev().is_present(), EdgeKind::Dev, Section::Dev),
            ];
            for (_, kind, section) in sections.into_iter().filter(|(present, ..)| *present) {
                let declared_at = declarations.as_ref().and_then(|(file, lines)| {
                    Some(Location {
                        file: file.as_str().into(),
                        line: lines.line(section, link.dep_name())?,
                    })
                });
                deps.depend(from, to, kind, declared_at);
            }
        }
    }
    let dependents = deps.dependents();
    let mut components: Vec<Component> = packages
        .iter()
        .zip(deps.walk())
        .zip(dependents)
        .filter_map(|((package, reach), dependents)| {
            let mut component = component(package, reach?, repo_root);
            component.dependents = dependents;
            Some(component)
        })
        .collect();
    components.sort_by(|a, b| a.id.cmp(&b.id));
    components
}

fn component(package: &PackageMetadata<'_>, reach: Reach, repo_root: &Path) -> Component {
    let version = package.version().to_string();
    Component {
        id: ComponentId::new(Ecosystem::Cargo, package.name(), &version).into(),
        license: License::from_declared(package.license()),
        source: source(package, repo_root),
        kinds: reach.kinds,
        optional: false,
        direct: reach.direct,
        path: reach.path.into(),
        location: reach.entry,
        dependents: Vec::new(),
        excluded: Vec::new(),
        facts: Default::default(),
    }
}

fn source(package: &PackageMetadata<'_>, repo_root: &Path) -> Source {
    match package.source() {
        PackageSource::External(raw) => external_source(raw),
        PackageSource::Path(_) | PackageSource::Workspace(_) => {
            let dir = package
                .manifest_path()
                .parent()
                .map_or_else(PathBuf::new, |d| d.as_std_path().to_path_buf());
            Source::Path {
                path: relative_path(&dir, repo_root),
            }
        }
    }
}

/// A registry or git source as Cargo writes it (`registry+URL`, `sparse+URL`,
/// `git+URL?branch=x#commit`), in `cargo metadata` and in Cargo.lock alike.
pub(crate) fn external_source(raw: &str) -> Source {
    match ExternalSource::new(raw) {
        Some(ExternalSource::Registry(url) | ExternalSource::Sparse(url)) => Source::Registry {
            url: url.to_owned(),
        },
        Some(ExternalSource::Git {
            repository,
            resolved,
            ..
        }) => Source::Git {
            url: repository.to_owned(),
            rev: Some(resolved.to_owned()),
        },
        _ => Source::Registry {
            url: raw.to_owned(),
        },
    }
}
