//! Every lockfile, SBOM and manifest format depgov reads, one module each, all behind
//! [`Format`]. Manifests are read on their own only where no lockfile covers them
//! ([`manifest`]).
//!
//! A format parses its file into [`Locked`] packages and, where the file records them, the
//! edges between them; [`assemble`] then derives paths, kinds and locations the same way for
//! all of them.

pub mod cargo_lock;
pub mod composer_json;
pub mod composer_lock;
pub mod cyclonedx;
pub mod dotnet_project;
pub mod gemfile;
pub mod gemfile_lock;
pub mod go_mod;
pub mod gradle_build;
pub mod gradle_lockfile;
pub mod js;
pub mod json;
pub mod manifest;
pub mod npm_lock;
pub mod nuget_lock;
pub mod package_json;
pub mod pipfile_lock;
pub mod pnpm_lock;
pub mod poetry_lock;
pub mod pom_xml;
pub mod pylock;
mod python;
pub mod python_manifest;
pub mod requirements_txt;
mod sbom;
pub mod spdx;
pub mod uv_lock;
mod xml;
pub mod yaml;
pub mod yarn_berry;
pub mod yarn_classic;

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};

use super::Format;
use super::graph::Graph;
use crate::model::license::License;
use crate::model::{Component, ComponentId, Ecosystem, Kind, Location, Source};

/// Every format, in the order discovery tries them.
pub fn all() -> &'static [&'static dyn Format] {
    &[
        &cargo_lock::CargoLock,
        &npm_lock::NpmLock,
        &uv_lock::UvLock,
        &poetry_lock::PoetryLock,
        &pipfile_lock::PipfileLock,
        &pylock::Pylock,
        &requirements_txt::RequirementsTxt,
        &pnpm_lock::PnpmLock,
        &yarn_classic::YarnClassicLock,
        &yarn_berry::YarnBerryLock,
        &go_mod::GoMod,
        &gemfile_lock::GEMFILE_LOCK,
        &gemfile_lock::GEMS_LOCKED,
        &composer_lock::ComposerLock,
        &gradle_lockfile::GradleLockfile,
        &nuget_lock::NugetLock,
        &cyclonedx::CycloneDx,
        &spdx::Spdx,
        &package_json::PackageJson,
        &pom_xml::PomXml,
        &dotnet_project::DotnetProject,
        &python_manifest::PyprojectToml,
        &python_manifest::Pipfile,
        &composer_json::ComposerJson,
        &gemfile::Gemfile,
        &gradle_build::GradleBuild,
    ]
}

/// The format that reads the file at this repository-relative path (or of this bare name), if
/// any (checking the text for names several formats claim).
pub fn for_file(path: &str, text: Option<&str>) -> Option<&'static dyn Format> {
    let mut candidates = all().iter().filter(|f| f.matches_path(path));
    let first = candidates.next()?;
    match text {
        Some(text) => std::iter::once(first)
            .chain(candidates)
            .find(|f| f.sniff(text))
            .copied(),
        None => Some(*first),
    }
}

/// How paths show a first-party root whose name the input does not record.
pub const UNNAMED_ROOT: &str = "(root)";

/// A directory a lockfile names relative to its own directory (`../shared`, `./engines/x`),
/// relative to the repository root instead, with `/` separators: `lockfile` is the
/// repository-relative path of the lockfile. Absolute paths, and paths that leave the
/// repository, are kept as written.
pub fn repository_path(lockfile: &str, relative: &str) -> String {
    let written = relative.replace('\\', "/");
    if written.starts_with('/') || written.as_bytes().get(1) == Some(&b':') {
        return written;
    }
    let mut parts: Vec<&str> = lockfile.split('/').collect();
    parts.pop(); // the lockfile's own name
    for part in written.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return written;
                }
            }
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// A package as a lockfile records it, before the graph says how it is reached.
#[derive(Clone, Debug)]
pub struct Locked {
    pub name: String,
    pub version: String,
    pub license: License,
    pub source: Source,
    /// The 1-based line of its entry in the lockfile.
    pub line: u32,
    pub optional: bool,
    /// Kinds the lockfile states outright (npm's `dev` flags); when `None`, the graph decides.
    pub kinds: Option<BTreeSet<Kind>>,
}

/// The components of a lockfile: each locked package at its graph node, reached as the graph
/// says. A direct dependency points at its declaration in the manifest when the graph knows
/// it, any other package at its lockfile entry. A package no root reaches is still installed,
/// so it is listed, as runtime unless the lockfile says otherwise. The same name, version and
/// source at several places (npm's nested `node_modules`, pnpm's peer variants) is one
/// component, shown where it is best reached: directly before indirectly, declared in a
/// manifest before only locked, then by the shortest path.
pub fn assemble(
    ecosystem: Ecosystem,
    file: &str,
    graph: &Graph,
    packages: Vec<(usize, Locked)>,
) -> Vec<Component> {
    let packages = packages
        .into_iter()
        .map(|(node, locked)| (node, ecosystem, locked));
    assemble_mixed(file, graph, packages)
}

/// [`assemble`] for inputs that mix ecosystems (SBOMs): each package with its own.
pub fn assemble_mixed(
    file: &str,
    graph: &Graph,
    packages: impl IntoIterator<Item = (usize, Ecosystem, Locked)>,
) -> Vec<Component> {
    let reach = graph.walk();
    let dependents = graph.dependents();
    let mut merged: Vec<Component> = Vec::new();
    // Per merged component: whether its location is a manifest declaration.
    let mut declared: Vec<bool> = Vec::new();
    let mut seen: HashMap<(Ecosystem, String, String, Source), usize> = HashMap::new();
    for (node, ecosystem, locked) in packages {
        let reach = reach.get(node).cloned().flatten();
        let lockfile_line = Location {
            file: file.into(),
            line: locked.line,
        };
        let (kinds, path, direct, entry) = match reach {
            Some(reach) => {
                let entry = reach.entry.filter(|_| reach.direct);
                (reach.kinds, reach.path, reach.direct, entry)
            }
            None => (
                BTreeSet::from([Kind::Runtime]),
                vec![locked.name.clone()],
                false,
                None,
            ),
        };
        let is_declared = entry.is_some();
        let location = entry.unwrap_or(lockfile_line);
        let component = Component {
            id: ComponentId::new(ecosystem, &locked.name, &locked.version).into(),
            license: locked.license,
            source: locked.source,
            kinds: locked.kinds.unwrap_or(kinds),
            optional: locked.optional,
            direct,
            path: path.into(),
            location: Some(location),
            dependents: dependents.get(node).cloned().unwrap_or_default(),
            excluded: Vec::new(),
            facts: Default::default(),
        };
        let key = (
            ecosystem,
            component.id.name.clone(),
            component.id.version.clone(),
            component.source.clone(),
        );
        match seen.get(&key) {
            Some(&i) => {
                let better = (component.direct, is_declared, Reverse(component.path.len()))
                    > (merged[i].direct, declared[i], Reverse(merged[i].path.len()));
                if better {
                    declared[i] = is_declared;
                }
                merge(&mut merged[i], component, better);
            }
            None => {
                seen.insert(key, merged.len());
                merged.push(component);
                declared.push(is_declared);
            }
        }
    }
    merged
}

/// Folds another occurrence of the same package into `into`, taking its place in the graph
/// when it is `better` reached.
fn merge(into: &mut Component, other: Component, better: bool) {
    into.kinds.extend(other.kinds);
    into.optional &= other.optional;
    if better {
        into.direct = other.direct;
        into.path = other.path;
        into.location = other.location;
    }
    for dependent in other.dependents {
        if !into.dependents.contains(&dependent) {
            into.dependents.push(dependent);
        }
    }
    if matches!(into.license, License::Unknown) {
        into.license = other.license;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockfile_relative_paths_become_repository_relative() {
        assert_eq!(
            repository_path("app/Gemfile.lock", "../shared/gem"),
            "shared/gem"
        );
        assert_eq!(repository_path("app/go.mod", "./local/x"), "app/local/x");
        assert_eq!(repository_path("go.mod", "."), ".");
        assert_eq!(repository_path("go.mod", "../outside"), "../outside");
        assert_eq!(repository_path("a/go.mod", "..\\b"), "b");
        assert_eq!(repository_path("a/go.mod", "/opt/mod"), "/opt/mod");
    }
}
