//! Composer's `composer.lock`, with the `composer.json` beside it.
//!
//! Every entry of `packages` is a `runtime` component and every entry of `packages-dev` a
//! `dev` one: Composer itself sorted them so. The project (`composer.json`, named by its
//! `name`) is the first-party root; its `require` and `require-dev` keys are the direct
//! dependencies and their declaration lines. Each package's `require` names are the edges,
//! resolved through package names and the names other packages `replace` or `provide`;
//! platform requirements (`php`, `ext-*`, `lib-*`, `composer-plugin-api`, …) are not
//! packages. Without composer.json, direct dependencies are unknown (noted) and paths are just
//! the package name. Licenses are the `license` array, whose ids Composer reads as
//! alternatives (`OR`).
//!
//! Versions drop a leading `v` before a digit (`v6.3.8` → `6.3.8`): Composer's version parser
//! treats both spellings as one version, the purl spec for `composer` says nothing about the
//! prefix, and CycloneDX's Composer plugin (the usual source of Composer purls) strips it the
//! same way; branch versions (`dev-main`) are kept.
//!
//! Sources: a `path` dist is a local directory (repository-relative); a package with a
//! `notification-url` comes from the repository that URL belongs to (Packagist's is
//! `https://packagist.org/downloads/`); otherwise a `git` source is a git repository at its
//! `reference`, and any other download URL (another VCS, a zip) is reported as a registry of
//! that URL. A package with neither comes from Packagist.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::json::UniqueKeys;
use super::{Locked, UNNAMED_ROOT, assemble, repository_path};
use crate::inventory::Note;
use crate::inventory::graph::{EdgeKind, Graph};
use crate::inventory::text::JsonLines;
use crate::inventory::{Document, Format, Input, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::license::License;
use crate::model::{Ecosystem, Kind, Location, Source};

pub struct ComposerLock;

const PACKAGIST: &str = "https://packagist.org";

/// Package name → version constraint, each name once.
type Links = UniqueKeys<String>;

#[derive(Deserialize)]
struct Lockfile {
    packages: Vec<Package>,
    #[serde(rename = "packages-dev")]
    packages_dev: Option<Vec<Package>>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    source: Option<Origin>,
    dist: Option<Origin>,
    license: Option<Licenses>,
    #[serde(default, deserialize_with = "links")]
    require: Links,
    #[serde(default, deserialize_with = "links")]
    replace: Links,
    #[serde(default, deserialize_with = "links")]
    provide: Links,
    #[serde(rename = "notification-url")]
    notification_url: Option<String>,
}

/// A `source` or `dist`.
#[derive(Deserialize)]
struct Origin {
    #[serde(rename = "type")]
    kind: String,
    url: Option<String>,
    reference: Option<String>,
}

#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "`license` must be a license id or an array of license ids"
)]
enum Licenses {
    One(String),
    Any(Vec<String>),
}

#[derive(Deserialize)]
struct Manifest {
    name: Option<String>,
    #[serde(default, deserialize_with = "links")]
    require: Links,
    #[serde(rename = "require-dev", default, deserialize_with = "links")]
    require_dev: Links,
}

/// PHP writes an empty map as `[]`.
fn links<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Links, D::Error> {
    const EXPECTED: &str =
        "package links must be an object of package names and version constraints";
    struct LinksVisitor;
    impl<'de> Visitor<'de> for LinksVisitor {
        type Value = Links;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(EXPECTED)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Links, A::Error> {
            Links::deserialize(MapAccessDeserializer::new(map))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Links, A::Error> {
            match seq.next_element::<IgnoredAny>()? {
                None => Ok(Links::default()),
                Some(_) => Err(A::Error::custom(EXPECTED)),
            }
        }
    }
    deserializer.deserialize_any(LinksVisitor)
}

impl Format for ComposerLock {
    fn name(&self) -> &'static str {
        "composer-lock"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Composer)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "composer.lock"
    }

    fn manifest_name(&self) -> Option<&'static str> {
        Some("composer.json")
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let file = input.file.path;
        let text = input.file.text;
        let lock: Lockfile = serde_json::from_str(text)?;
        let manifest = input.manifest.as_ref().map(read_manifest).transpose()?;
        let lines = JsonLines::new(text);
        let mut notes = Vec::new();

        let sections = [
            (lock.packages, Kind::Runtime, "packages"),
            (
                lock.packages_dev.unwrap_or_default(),
                Kind::Dev,
                "packages-dev",
            ),
        ];
        let mut graph = Graph::new();
        let root_name = manifest.as_ref().and_then(|m| m.name.clone());
        let root = graph.add_root(root_name.unwrap_or_else(|| UNNAMED_ROOT.to_owned()));
        let mut provider: HashMap<String, usize> = HashMap::new();
        let mut entries = Vec::new();
        for (packages, kind, section) in &sections {
            let section_line = lines.key(section).unwrap_or(1);
            for package in packages {
                let node = graph.add(package.name.clone());
                provider.insert(package.name.to_lowercase(), node);
                let line = lines
                    .pair_after("name", &package.name, section_line)
                    .unwrap_or(section_line);
                entries.push((node, package, *kind, line));
            }
        }
        // Real packages win over names that others replace or provide.
        for &(node, package, ..) in &entries {
            for name in package.replace.keys().chain(package.provide.keys()) {
                provider.entry(name.to_lowercase()).or_insert(node);
            }
        }
        let resolve = |name: &str| {
            (!is_platform(name))
                .then(|| provider.get(&name.to_lowercase()).copied())
                .flatten()
        };
        for &(from, package, ..) in &entries {
            for name in package.require.keys() {
                if let Some(to) = resolve(name) {
                    graph.depend(from, to, EdgeKind::Normal, None);
                }
            }
        }
        match (&manifest, &input.manifest) {
            (Some(manifest), Some(document)) => {
                let declared = JsonLines::new(document.text);
                let sections = [
                    (&manifest.require, EdgeKind::Normal, "require"),
                    (&manifest.require_dev, EdgeKind::Dev, "require-dev"),
                ];
                for (links, kind, section) in sections {
                    let start = declared.key(section).unwrap_or(1);
                    for name in links.keys() {
                        let Some(to) = resolve(name) else {
                            continue;
                        };
                        let at = declared.key_after(name, start).map(|line| Location {
                            file: document.path.into(),
                            line,
                        });
                        graph.depend(root, to, kind, at);
                    }
                }
            }
            _ => notes.push(Note::new(
                NoteCode::MissingCompanion,
                None,
                "no composer.json beside composer.lock: which packages are direct dependencies is unknown"
                    .to_owned(),
            )),
        }

        let packages = entries
            .iter()
            .map(|&(node, package, kind, line)| {
                let locked = Locked {
                    name: package.name.clone(),
                    version: version(&package.version).to_owned(),
                    license: license(package.license.as_ref()),
                    source: source(package, file),
                    line,
                    optional: false,
                    kinds: Some(BTreeSet::from([kind])),
                };
                (node, locked)
            })
            .collect();
        Ok(Parsed {
            components: assemble(Ecosystem::Composer, file, &graph, packages),
            notes,
        })
    }
}

fn read_manifest(document: &Document<'_>) -> Result<Manifest, ParseError> {
    serde_json::from_str(document.text)
        .map_err(|e| ParseError::in_manifest(document.path, e.into()))
}

/// Composer's platform packages: the PHP runtime, its extensions and libraries, Composer.
pub(super) fn is_platform(name: &str) -> bool {
    matches!(
        name,
        "php"
            | "php-64bit"
            | "php-ipv6"
            | "php-zts"
            | "php-debug"
            | "hhvm"
            | "composer"
            | "composer-plugin-api"
            | "composer-runtime-api"
    ) || name.starts_with("ext-")
        || name.starts_with("lib-")
}

/// The version without the `v` Composer treats as optional (`v1.2.3` is `1.2.3`).
fn version(pretty: &str) -> &str {
    match pretty.strip_prefix('v') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => pretty,
    }
}

fn license(declared: Option<&Licenses>) -> License {
    match declared {
        Some(Licenses::One(id)) => License::from_declared(Some(id)),
        Some(Licenses::Any(ids)) => License::from_declared(Some(&ids.join(" OR "))),
        None => License::Unknown,
    }
}

fn source(package: &Package, file: &str) -> Source {
    fn url_of(origin: Option<&Origin>) -> Option<(&str, String, Option<String>)> {
        origin.and_then(|o| Some((o.kind.as_str(), o.url.clone()?, o.reference.clone())))
    }
    if let Some(("path", path, _)) = url_of(package.dist.as_ref()) {
        return Source::Path {
            path: repository_path(file, &path),
        };
    }
    if let Some(notify) = &package.notification_url {
        let url = notify.trim_end_matches('/');
        return Source::Registry {
            url: url.strip_suffix("/downloads").unwrap_or(url).to_owned(),
        };
    }
    match (
        url_of(package.source.as_ref()),
        url_of(package.dist.as_ref()),
    ) {
        (Some(("git", url, rev)), _) => Source::Git { url, rev },
        (Some((_, url, _)), _) | (None, Some((_, url, _))) => Source::Registry { url },
        (None, None) => Source::Registry {
            url: PACKAGIST.to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_lose_only_a_v_before_a_digit() {
        assert_eq!(version("v6.3.8"), "6.3.8");
        assert_eq!(version("2.0.0"), "2.0.0");
        assert_eq!(version("dev-main"), "dev-main");
        assert_eq!(version("vendor-branch"), "vendor-branch");
    }
}
