//! Every lockfile and SBOM format depgov reads, one module each, all behind [`Format`].
//!
//! A format parses its file into [`Locked`] packages and, where the file records them, the
//! edges between them; [`assemble`] then derives paths, kinds and locations the same way for
//! all of them.

pub mod cargo_lock;
pub mod cyclonedx;
pub mod npm_lock;
mod sbom;
pub mod spdx;

use std::collections::{BTreeSet, HashMap};

use super::Format;
use super::graph::Graph;
use crate::license::License;
use crate::model::{Component, ComponentId, Ecosystem, Kind, Location, Source};

/// Every format, in the order discovery tries them.
pub fn all() -> &'static [&'static dyn Format] {
    &[
        &cargo_lock::CargoLock,
        &npm_lock::NpmLock,
        &cyclonedx::CycloneDx,
        &spdx::Spdx,
    ]
}

/// The format that reads a file of this name, if any (checking the text for names several
/// formats claim).
pub fn for_file(file_name: &str, text: Option<&str>) -> Option<&'static dyn Format> {
    let mut candidates = all().iter().filter(|f| f.matches(file_name));
    let first = candidates.next()?;
    match text {
        Some(text) => std::iter::once(first)
            .chain(candidates)
            .find(|f| f.sniff(text))
            .copied(),
        None => Some(*first),
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
/// source at several places (npm's nested `node_modules`) is one component.
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
    let mut merged: Vec<Component> = Vec::new();
    let mut seen: HashMap<(Ecosystem, String, String, Source), usize> = HashMap::new();
    for (node, ecosystem, locked) in packages {
        let reach = reach.get(node).cloned().flatten();
        let lockfile_line = Location {
            file: file.to_owned(),
            line: locked.line,
        };
        let (kinds, path, direct, location) = match reach {
            Some(reach) => {
                let location = if reach.direct {
                    reach.entry.unwrap_or(lockfile_line)
                } else {
                    lockfile_line
                };
                (reach.kinds, reach.path, reach.direct, location)
            }
            None => (
                BTreeSet::from([Kind::Runtime]),
                vec![locked.name.clone()],
                false,
                lockfile_line,
            ),
        };
        let component = Component {
            id: ComponentId::new(ecosystem, &locked.name, &locked.version),
            license: locked.license,
            source: locked.source,
            kinds: locked.kinds.unwrap_or(kinds),
            optional: locked.optional,
            direct,
            path,
            location: Some(location),
        };
        let key = (
            ecosystem,
            component.id.name.clone(),
            component.id.version.clone(),
            component.source.clone(),
        );
        match seen.get(&key) {
            Some(&i) => merge(&mut merged[i], component),
            None => {
                seen.insert(key, merged.len());
                merged.push(component);
            }
        }
    }
    merged
}

/// Folds another occurrence of the same package into `into`.
fn merge(into: &mut Component, other: Component) {
    into.kinds.extend(other.kinds);
    into.optional &= other.optional;
    if other.direct && !into.direct
        || other.path.len() < into.path.len() && into.direct == other.direct
    {
        into.direct = other.direct;
        into.path = other.path;
        into.location = other.location;
    }
    if matches!(into.license, License::Unknown) {
        into.license = other.license;
    }
}
