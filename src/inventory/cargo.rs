//! Cargo workspaces, full graph: `cargo metadata` (through cargo_metadata) read into a guppy
//! `PackageGraph`.
//!
//! The graph is what Cargo resolves for the workspace: default features of the members and
//! every platform, unless feature or target options say otherwise, exactly as Cargo's own
//! flags do. `--locked` is passed whenever a Cargo.lock exists, so a user's lockfile is never
//! rewritten. Kinds follow the edges a component is reached through: only through members'
//! dev-dependencies is `dev`, through any build-dependency edge is `build`.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};

use cargo_metadata::{CargoOpt, MetadataCommand};
use guppy::graph::{ExternalSource, PackageGraph, PackageMetadata, PackageSource};

use super::cargo_manifest::{DeclarationLines, Section};
use super::{InputFile, Inventory, relative_path};
use crate::error::Error;
use crate::license::License;
use crate::model::{Component, ComponentId, Ecosystem, Kind, Location, Source};
use crate::purl;

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
    let components = Walk::new(&graph, repo_root).components();
    Ok(Inventory {
        inputs: vec![InputFile {
            path: relative_path(workspace_manifest.as_std_path(), repo_root),
            format: "cargo-metadata".to_owned(),
            components: components.len(),
        }],
        components,
    })
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
        let mut message = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        if message.contains("--locked") {
            message.push_str(
                "\nCargo.lock does not match the manifests. depgov never rewrites a lockfile: \
                 update it with `cargo update --workspace` (or any cargo build) and commit it.",
            );
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

/// How a package is reached; a package reached several ways has several kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mode {
    Runtime = 0,
    Build = 1,
    Dev = 2,
}

const MODES: [Mode; 3] = [Mode::Runtime, Mode::Build, Mode::Dev];

impl Mode {
    fn kind(self) -> Kind {
        match self {
            Mode::Runtime => Kind::Runtime,
            Mode::Build => Kind::Build,
            Mode::Dev => Kind::Dev,
        }
    }
}

/// The first edge out of a workspace member on the way to a package: the declaration that
/// brings it in.
#[derive(Clone, Copy)]
struct Entry<'g> {
    member: usize,
    dep_name: &'g str,
    section: Section,
}

/// A breadth-first walk from every workspace member over (package, mode) states, keeping
/// the shortest path to each state.
struct Walk<'g> {
    packages: Vec<PackageMetadata<'g>>,
    index: HashMap<&'g guppy::PackageId, usize>,
    is_member: Vec<bool>,
    /// Per state: the state it was reached from, and the member declaration it entered by.
    reached: Vec<Option<(Option<usize>, Option<Entry<'g>>)>>,
    repo_root: &'g Path,
}

fn state(package: usize, mode: Mode) -> usize {
    package * MODES.len() + mode as usize
}

impl<'g> Walk<'g> {
    fn new(graph: &'g PackageGraph, repo_root: &'g Path) -> Self {
        let packages: Vec<PackageMetadata<'g>> = graph.packages().collect();
        let index: HashMap<_, usize> = packages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id(), i))
            .collect();
        let is_member: Vec<bool> = packages.iter().map(|p| p.in_workspace()).collect();
        let mut walk = Walk {
            reached: vec![None; packages.len() * MODES.len()],
            packages,
            index,
            is_member,
            repo_root,
        };
        let mut queue = VecDeque::new();
        for (i, member) in walk.is_member.iter().enumerate() {
            if *member {
                walk.reached[state(i, Mode::Runtime)] = Some((None, None));
                queue.push_back((i, Mode::Runtime));
            }
        }
        while let Some((from, mode)) = queue.pop_front() {
            let from_state = state(from, mode);
            let entry_so_far = walk.reached[from_state].and_then(|(_, entry)| entry);
            for link in walk.packages[from].direct_links() {
                let Some(&to) = walk.index.get(link.to().id()) else {
                    continue;
                };
                let mut steps = Vec::with_capacity(3);
                if link.normal().is_present() {
                    steps.push((mode, Section::Normal));
                }
                if link.build().is_present() {
                    let next = if mode == Mode::Runtime {
                        Mode::Build
                    } else {
                        mode
                    };
                    steps.push((next, Section::Build));
                }
                // Cargo builds dev-dependencies of workspace members only.
                if link.dev().is_present() && walk.is_member[from] && mode == Mode::Runtime {
                    steps.push((Mode::Dev, Section::Dev));
                }
                for (next, section) in steps {
                    let to_state = state(to, next);
                    if walk.reached[to_state].is_some() {
                        continue;
                    }
                    let entry = entry_so_far.or(Some(Entry {
                        member: from,
                        dep_name: link.dep_name(),
                        section,
                    }));
                    walk.reached[to_state] = Some((Some(from_state), entry));
                    queue.push_back((to, next));
                }
            }
        }
        walk
    }

    fn components(&self) -> Vec<Component> {
        let mut manifests: HashMap<usize, (String, DeclarationLines)> = HashMap::new();
        let mut direct = vec![false; self.packages.len()];
        for (i, package) in self.packages.iter().enumerate() {
            if self.is_member[i] {
                for link in package.direct_links() {
                    if let Some(&j) = self.index.get(link.to().id()) {
                        direct[j] = true;
                    }
                }
            }
        }
        let mut components: Vec<Component> = (0..self.packages.len())
            .filter(|&i| !self.is_member[i])
            .filter_map(|i| self.component(i, direct[i], &mut manifests))
            .collect();
        components.sort_by(|a, b| a.id.cmp(&b.id));
        components
    }

    fn component(
        &self,
        i: usize,
        direct: bool,
        manifests: &mut HashMap<usize, (String, DeclarationLines)>,
    ) -> Option<Component> {
        let kinds: BTreeSet<Kind> = MODES
            .iter()
            .filter(|m| self.reached[state(i, **m)].is_some())
            .map(|m| m.kind())
            .collect();
        // The path shown is the one for the strongest kind: runtime, then build, then dev.
        let shown_mode = *MODES
            .iter()
            .find(|m| self.reached[state(i, **m)].is_some())?;
        let package = &self.packages[i];
        let (path, entry) = self.path_to(state(i, shown_mode));
        let location = entry.and_then(|entry| self.location(entry, manifests));
        let name = package.name();
        let version = package.version().to_string();
        let license = match package.license() {
            Some(text) => License::from_declared(Some(text)),
            None => License::Unknown,
        };
        Some(Component {
            id: ComponentId {
                ecosystem: Ecosystem::Cargo,
                purl: purl::for_component(Ecosystem::Cargo, name, &version),
                name: name.to_owned(),
                version,
            },
            license,
            source: self.source(package),
            kinds,
            optional: false,
            direct,
            path,
            location,
        })
    }

    /// Package names from a member to the state's package, and the declaration it entered by.
    fn path_to(&self, target: usize) -> (Vec<String>, Option<Entry<'g>>) {
        let entry = self.reached[target].and_then(|(_, entry)| entry);
        let mut names = Vec::new();
        let mut cursor = Some(target);
        while let Some(s) = cursor {
            names.push(self.packages[s / MODES.len()].name().to_owned());
            cursor = self.reached[s].and_then(|(parent, _)| parent);
        }
        names.reverse();
        (names, entry)
    }

    fn location(
        &self,
        entry: Entry<'g>,
        manifests: &mut HashMap<usize, (String, DeclarationLines)>,
    ) -> Option<Location> {
        let (file, lines) = manifests.entry(entry.member).or_insert_with(|| {
            let manifest = self.packages[entry.member].manifest_path().as_std_path();
            let text = std::fs::read_to_string(manifest).unwrap_or_default();
            (
                relative_path(manifest, self.repo_root),
                DeclarationLines::read(&text),
            )
        });
        Some(Location {
            file: file.clone(),
            line: lines.line(entry.section, entry.dep_name)?,
        })
    }

    fn source(&self, package: &PackageMetadata<'g>) -> Source {
        match package.source() {
            PackageSource::External(raw) => match ExternalSource::new(raw) {
                Some(ExternalSource::Registry(url) | ExternalSource::Sparse(url)) => {
                    Source::Registry {
                        url: url.to_owned(),
                    }
                }
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
            },
            PackageSource::Path(_) | PackageSource::Workspace(_) => {
                let dir = package
                    .manifest_path()
                    .parent()
                    .map_or_else(PathBuf::new, |d| d.as_std_path().to_path_buf());
                Source::Path {
                    path: relative_path(&dir, self.repo_root),
                }
            }
        }
    }
}
