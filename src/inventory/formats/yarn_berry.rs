//! `yarn.lock` written by Yarn Berry (2.x and later): YAML with a `__metadata` entry.
//!
//! Reads `__metadata.version` 4 to 10 (Yarn 2.x to 4.x): the entry fields read here
//! (`resolution`, `version`, `dependencies`, `dependenciesMeta`) kept their meaning across
//! those versions, checked on real lockfiles of version 4 (Yarn's own repository) and 10
//! (jest). Before version 8 dependency ranges were written without their `npm:` protocol;
//! they resolve with it, as Yarn's default protocol. Other versions are refused.
//!
//! Entries are keyed by the descriptors they resolve (`"a@npm:^1.0.0, a@npm:^1.1.0"`) and
//! name their package by `resolution` (`a@npm:1.2.0`), whose protocol says what it is:
//! - `workspace:` (and `link:`, `portal:`: linked local directories) → a first-party root,
//!   never a component; edges between first-party packages are not followed;
//! - `npm:` → the registry (Yarn's default; `npmRegistryServer` in `.yarnrc.yml` is not
//!   recorded in the lockfile); aliases resolve to the aliased package;
//! - `patch:` → the patched package itself: the entry is folded into the entry of the
//!   package it patches, so a patched package is one component;
//! - git URLs (`…​.git#commit=…`, `git+ssh:`, …) → git; other `http(s):` URLs → their
//!   registry, as for npm's tarballs; `file:` → a local path source;
//! - any other protocol (`exec:`, plugins') → a note, not a component.
//!
//! Workspaces list their dev dependencies among their `dependencies`: only the root
//! workspace's package.json, beside the lockfile, tells them apart (its `devDependencies` →
//! dev edges, and its lines are the declaration lines). Dev dependencies of other
//! workspaces count as runtime. An edge marked `optional` in `dependenciesMeta` (or a root
//! `optionalDependencies`) is optional, and so is a package only optional edges reach. Yarn
//! records no licenses.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::js::{
    Link, Manifest, Section, link_optional, only_satisfying, relative_to_lockfile, resolved_source,
    split_descriptor,
};
use super::yaml::{self, Keyed, Mapping};
use super::{Locked, assemble};
use crate::inventory::Note;
use crate::inventory::graph::{EdgeKind, Graph};
use crate::inventory::{Format, Input, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::license::License;
use crate::model::registry;
use crate::model::{Ecosystem, Source};

pub struct YarnBerryLock;

const METADATA: &str = "__metadata";

/// An entry, or `__metadata` (whose `version` is the lockfile's).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    resolution: Option<String>,
    version: Option<String>,
    #[serde(default)]
    dependencies: Mapping<String>,
    #[serde(default)]
    dependencies_meta: BTreeMap<String, DependencyMeta>,
}

#[derive(Deserialize)]
struct DependencyMeta {
    #[serde(default)]
    optional: bool,
}

/// What an entry's resolution makes of it.
enum Resolved {
    FirstParty,
    Package(Source),
    /// A patch of the package with this locator.
    Patch(String),
    /// A protocol depgov does not read.
    Unknown(String),
}

/// Whether a yarn.lock is Berry's: its first entry is `__metadata`.
pub fn is_berry(text: &str) -> bool {
    text.lines()
        .find(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .is_some_and(|line| line.starts_with("__metadata:"))
}

impl Format for YarnBerryLock {
    fn name(&self) -> &'static str {
        "yarn-berry-lock"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Npm)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "yarn.lock"
    }

    fn sniff(&self, text: &str) -> bool {
        is_berry(text)
    }

    fn manifest_name(&self) -> Option<&'static str> {
        Some("package.json")
    }

    fn reads_member_manifests(&self) -> bool {
        true
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        check_version(input.file.text)?;
        let entries: Mapping<Entry> = yaml::from_str_in_halves(input.file.text)?;
        let manifest = Manifest::beside(input)?;
        inventory(&entries, input, manifest.as_ref())
    }
}

/// `__metadata.version`, read before the rest: it decides whether the rest can be read.
fn check_version(text: &str) -> Result<(), ParseError> {
    let (line, value) = text
        .lines()
        .zip(1u32..)
        .skip_while(|(line, _)| !line.starts_with("__metadata:"))
        .skip(1)
        .take_while(|(line, _)| line.starts_with(' ') || line.trim().is_empty())
        .find_map(|(text, line)| Some((line, text.trim().strip_prefix("version:")?)))
        .ok_or_else(|| ParseError::new("`__metadata` has no `version`"))?;
    let version: String =
        yaml::from_str(value.trim()).map_err(|e| ParseError::at(line, e.message))?;
    match version.parse::<u32>() {
        Ok(4..=10) => Ok(()),
        _ => Err(ParseError::at(
            line,
            ParseError::unsupported_version(&version, "yarn.lock").message,
        )),
    }
}

fn inventory(
    entries: &Mapping<Entry>,
    input: &Input<'_>,
    manifest: Option<&Manifest<'_>>,
) -> Result<Parsed, ParseError> {
    let lockfile = input.file.path;
    let mut parsed = Parsed::default();
    let mut graph = Graph::new();
    let mut locked = Vec::with_capacity(entries.0.len());
    let entries: Vec<&Keyed<Entry>> = entries.iter().filter(|e| e.key != METADATA).collect();

    // Every entry but patches gets its node; patches then join the package they patch.
    let mut by_resolution: HashMap<&str, usize> = HashMap::with_capacity(entries.len());
    let mut node_of_entry: Vec<Option<usize>> = vec![None; entries.len()];
    let mut patches = Vec::new();
    let mut root_workspace = None;
    let mut members: HashMap<usize, Manifest<'_>> = HashMap::new();
    for (index, entry) in entries.iter().enumerate() {
        let resolution = entry.value.resolution.as_deref().ok_or_else(|| {
            ParseError::at(entry.line, format!("`{}` has no resolution", entry.key))
        })?;
        let (name, reference) = split_descriptor(resolution).ok_or_else(|| {
            ParseError::at(
                entry.line,
                format!("resolution `{resolution}` names no package"),
            )
        })?;
        let node = match classify(reference, name, lockfile) {
            Resolved::Patch(original) => {
                patches.push((index, original));
                continue;
            }
            resolved => add(&mut graph, &mut locked, &mut parsed, entry, name, resolved)?,
        };
        match reference.strip_prefix("workspace:") {
            Some(".") => root_workspace = Some(node),
            // Other workspaces declare in their own package.json.
            Some(directory) => {
                if let Some(member) = Manifest::of_member(input, directory)? {
                    members.insert(node, member);
                }
            }
            None => {}
        }
        by_resolution.insert(resolution, node);
        node_of_entry[index] = Some(node);
    }
    for (index, original) in patches {
        let entry = entries[index];
        let node = match by_resolution.get(original.as_str()) {
            Some(&node) => node,
            // The patched package has no entry of its own: the patch entry stands for it.
            None => {
                let (name, reference) = split_descriptor(&original).ok_or_else(|| {
                    ParseError::at(
                        entry.line,
                        format!("patch of `{original}` names no package"),
                    )
                })?;
                let resolved = classify(reference, name, lockfile);
                add(&mut graph, &mut locked, &mut parsed, entry, name, resolved)?
            }
        };
        node_of_entry[index] = Some(node);
    }

    let mut by_descriptor: HashMap<&str, usize> = HashMap::with_capacity(entries.len() * 2);
    // Per name, its entries' nodes and versions.
    let mut by_name: HashMap<&str, Vec<(usize, &str)>> = HashMap::with_capacity(entries.len());
    for (entry, node) in entries.iter().zip(&node_of_entry) {
        let Some(node) = *node else { continue };
        let version = entry.value.version.as_deref().unwrap_or_default();
        for descriptor in entry.key.split(',').map(str::trim) {
            by_descriptor.insert(descriptor, node);
            if let Some((name, _)) = split_descriptor(descriptor) {
                let nodes = by_name.entry(name).or_default();
                if !nodes.iter().any(|(n, _)| *n == node) {
                    nodes.push((node, version));
                }
            }
        }
    }

    let mut links = Vec::new();
    for (entry, node) in entries.iter().zip(&node_of_entry) {
        let Some(from) = *node else { continue };
        let declaring = members
            .get(&from)
            .or(manifest.filter(|_| Some(from) == root_workspace));
        for dependency in entry.value.dependencies.iter() {
            let (name, range) = (&dependency.key, &dependency.value);
            let found = by_descriptor
                .get(format!("{name}@{range}").as_str())
                .or_else(|| {
                    let bare_range = !range.contains(':');
                    bare_range
                        .then(|| by_descriptor.get(format!("{name}@npm:{range}").as_str()))
                        .flatten()
                });
            let missing = || {
                format!(
                    "`{}` depends on `{name}@{range}`, which is not locked in this file",
                    entry.key
                )
            };
            // The lockfile keeps the descriptors a `resolutions` override in package.json
            // resolves to, not the ones it replaces: a range of a name with one entry is that
            // entry, as the override made it.
            let candidates = by_name.get(name.as_str()).map_or(&[][..], Vec::as_slice);
            let to = match (found, candidates) {
                (Some(&to), _) | (None, &[(to, _)]) => to,
                (None, candidates) => match only_satisfying(name, range, candidates) {
                    Ok(to) => to,
                    Err(why) => {
                        let why = format!("{}; {why}; the edge is not followed", missing());
                        parsed.notes.push(Note::new(
                            NoteCode::DanglingReference,
                            Some(dependency.line),
                            why,
                        ));
                        continue;
                    }
                },
            };
            if graph.is_root(to) {
                continue;
            }
            let section = declaring.and_then(|m| m.section_of(name));
            let optional_meta = entry
                .value
                .dependencies_meta
                .get(name.as_str())
                .is_some_and(|m| m.optional);
            links.push(Link {
                from,
                to,
                kind: section.map_or(EdgeKind::Normal, Section::edge_kind),
                optional: optional_meta || section == Some(Section::OptionalDependencies),
                declared_at: declaring
                    .zip(section)
                    .and_then(|(m, s)| m.declared_at(s, name)),
            });
        }
    }
    link_optional(&mut graph, links, &mut locked);
    parsed.components = assemble(Ecosystem::Npm, lockfile, &graph, locked);
    Ok(parsed)
}

/// Adds the node of an entry resolved as `resolved`, and its component if it is one.
fn add(
    graph: &mut Graph,
    locked: &mut Vec<(usize, Locked)>,
    parsed: &mut Parsed,
    entry: &Keyed<Entry>,
    name: &str,
    resolved: Resolved,
) -> Result<usize, ParseError> {
    match resolved {
        Resolved::FirstParty => Ok(graph.add_root(name)),
        Resolved::Package(source) => {
            let version = entry.value.version.clone().ok_or_else(|| {
                ParseError::at(entry.line, format!("`{}` has no version", entry.key))
            })?;
            let node = graph.add(name);
            locked.push((
                node,
                Locked {
                    name: name.to_owned(),
                    version,
                    license: License::Unknown,
                    source,
                    line: entry.line,
                    optional: false,
                    kinds: None,
                },
            ));
            Ok(node)
        }
        Resolved::Patch(original) => {
            let why = format!("it patches `{original}`, itself a patch");
            Ok(unreadable(graph, parsed, entry, name, why))
        }
        Resolved::Unknown(protocol) => {
            let why = format!("depgov does not read its `{protocol}:` resolution");
            Ok(unreadable(graph, parsed, entry, name, why))
        }
    }
}

/// The node of an entry that is no component, with a note saying why.
fn unreadable(
    graph: &mut Graph,
    parsed: &mut Parsed,
    entry: &Keyed<Entry>,
    name: &str,
    why: String,
) -> usize {
    parsed.notes.push(Note::new(
        NoteCode::UnknownSource,
        Some(entry.line),
        format!("`{}` is not inventoried: {why}", entry.key),
    ));
    graph.add(name)
}

/// What a resolution's reference (after `name@`) says the package is.
fn classify(reference: &str, name: &str, lockfile: &str) -> Resolved {
    // Yarn appends binding parameters after `::`.
    let location = reference.split("::").next().unwrap_or(reference);
    let protocol = location
        .split_once(':')
        .map_or("", |(protocol, _)| protocol);
    match protocol {
        "workspace" | "link" | "portal" => Resolved::FirstParty,
        "npm" => Resolved::Package(Source::Registry {
            url: registry::YARNPKG.to_owned(),
        }),
        "patch" => {
            let patched = &location["patch:".len()..];
            let original = patched.split('#').next().unwrap_or(patched);
            Resolved::Patch(percent_decode(original))
        }
        "file" => {
            let path = &location["file:".len()..];
            Resolved::Package(Source::Path {
                path: relative_to_lockfile(lockfile, path.split('#').next().unwrap_or(path)),
            })
        }
        "http" | "https" | "ssh" | "github" | "gitlab" | "bitbucket" => {
            Resolved::Package(resolved_source(location, name, lockfile))
        }
        _ if location.starts_with("git") => {
            Resolved::Package(resolved_source(location, name, lockfile))
        }
        _ => Resolved::Unknown(protocol.to_owned()),
    }
}

/// Decodes the `%XX` escapes Yarn writes in locators nested in another locator.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let escaped = (byte == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(value) => {
                decoded.push(value);
                i += 3;
            }
            None => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_name_the_locator_they_patch() {
        let reference = concat!(
            "patch:resolve@npm%3A1.22.12#optional!builtin<compat/resolve>",
            "::version=1.22.12&hash=9bd1a5"
        );
        match classify(reference, "resolve", "yarn.lock") {
            Resolved::Patch(original) => assert_eq!(original, "resolve@npm:1.22.12"),
            _ => panic!("not a patch"),
        }
        assert_eq!(percent_decode("a%40b%2"), "a@b%2");
    }

    #[test]
    fn berry_is_told_apart_by_its_metadata() {
        assert!(is_berry("# generated\n\n__metadata:\n  version: 8\n"));
        assert!(!is_berry(
            "# yarn lockfile v1\n\n\"a@^1\":\n  version \"1.0.0\"\n"
        ));
    }
}
