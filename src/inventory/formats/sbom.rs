//! What the SBOM formats ([`cyclonedx`](super::cyclonedx), [`spdx`](super::spdx)) share.
//!
//! An SBOM mixes ecosystems, so each entry's identity comes from its package URL: the
//! ecosystem, the full name as that ecosystem writes it, and the version. An entry whose purl
//! is of a type depgov does not govern (`pkg:deb`, `pkg:generic`, `pkg:docker`, …), is not a
//! valid purl, has no version, or that has no purl at all is not guessed from its other
//! fields: it stays a node of the dependency graph (paths may run through it) and is reported
//! as a note. Sources come from the purl's qualifiers or a version-control download location,
//! else the ecosystem's public registry.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;

use super::{Locked, assemble_mixed};
use crate::inventory::Note;
use crate::inventory::graph::{EdgeKind, Graph};
use crate::inventory::text::JsonLines;
use crate::inventory::{ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::license::License;
use crate::model::purl::{ComponentPurl, read_component_purl};
use crate::model::registry;
use crate::model::{Ecosystem, Kind, Source};

/// One entry of an SBOM (a CycloneDX component, an SPDX package) as the file records it.
pub struct Entry<'a> {
    pub name: &'a str,
    pub purl: Option<&'a str>,
    /// The 1-based line of the entry, when found.
    pub line: Option<u32>,
    pub license: License,
    /// Where the entry was downloaded from, when the format says so in a field of its own
    /// (SPDX's `downloadLocation`); only a version-control location is read.
    pub download_location: Option<&'a str>,
    pub optional: bool,
    /// Kinds the SBOM states outright; when `None`, the graph decides.
    pub kinds: Option<BTreeSet<Kind>>,
}

/// An SBOM's entries as a dependency graph, with the notes on entries that are not components.
pub struct SbomGraph {
    /// What the format calls an entry (`component`, `package`), for notes.
    noun: &'static str,
    graph: Graph,
    packages: Vec<(usize, Ecosystem, Locked)>,
    notes: Vec<Note>,
}

impl SbomGraph {
    pub fn new(noun: &'static str) -> Self {
        SbomGraph {
            noun,
            graph: Graph::new(),
            packages: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Adds a first-party root (what the SBOM describes).
    pub fn add_root(&mut self, name: &str, purl: Option<&str>) -> usize {
        let shown = purl
            .and_then(|p| read_component_purl(p).ok())
            .map_or_else(|| name.to_owned(), |p| p.name);
        self.graph.add_root(shown)
    }

    /// Adds an entry: a component of its ecosystem, or a node with a note saying why not.
    pub fn add(&mut self, entry: Entry<'_>) -> usize {
        let Some(purl_text) = entry.purl else {
            self.note(
                NoteCode::Unidentified,
                entry.line,
                format!(
                    "{} `{}` has no package URL, so its ecosystem is unknown",
                    self.noun, entry.name
                ),
            );
            return self.graph.add(entry.name);
        };
        match read_component_purl(purl_text) {
            Ok(purl) => {
                let node = self.graph.add(purl.name.clone());
                let source = source(&purl, entry.download_location);
                let ComponentPurl {
                    ecosystem,
                    name,
                    version,
                    ..
                } = purl;
                let locked = Locked {
                    name,
                    version,
                    license: entry.license,
                    source,
                    line: entry.line.unwrap_or(1),
                    optional: entry.optional,
                    kinds: entry.kinds,
                };
                self.packages.push((node, ecosystem, locked));
                node
            }
            Err(reason) => {
                self.note(
                    NoteCode::Unidentified,
                    entry.line,
                    format!("{} `{}` ({purl_text}) {reason}", self.noun, entry.name),
                );
                self.graph.add(entry.name)
            }
        }
    }

    pub fn is_root(&self, node: usize) -> bool {
        self.graph.is_root(node)
    }

    /// Adds a dependency edge; an entry depending on itself adds nothing.
    pub fn depend(&mut self, from: usize, to: usize, kind: EdgeKind) {
        if from != to {
            self.graph.depend(from, to, kind, None);
        }
    }

    /// Records something seen but not inventoried.
    pub fn note(&mut self, code: NoteCode, line: Option<u32>, message: String) {
        self.notes.push(Note::new(code, line, message));
    }

    /// The components, reached as the graph says, and the notes.
    pub fn finish(self, file: &str) -> Parsed {
        Parsed {
            components: assemble_mixed(file, &self.graph, self.packages),
            notes: self.notes,
        }
    }
}

/// Where a package came from: version control when its purl's `vcs_url` or its download
/// location says so, the registry its purl's `repository_url` names, else its ecosystem's
/// public registry.
fn source(purl: &ComponentPurl, download_location: Option<&str>) -> Source {
    let version_control =
        download_location.filter(|l| l.starts_with("git+") || l.starts_with("git://"));
    if let Some(location) = purl.vcs_url.as_deref().or(version_control) {
        return git_source(location);
    }
    let url = purl
        .repository_url
        .clone()
        .unwrap_or_else(|| registry::default_url(purl.ecosystem).to_owned());
    Source::Registry { url }
}

/// A version-control location in SPDX's `downloadLocation` syntax, which purl's `vcs_url`
/// also uses: `git+https://host/path.git@revision#subpath`. The `@` of a user (`ssh://git@host`)
/// is not a revision.
fn git_source(location: &str) -> Source {
    let location = location.strip_prefix("git+").unwrap_or(location);
    let location = location.split_once('#').map_or(location, |(l, _)| l);
    let host_start = location.find("://").map_or(0, |i| i + 3);
    let path_start = location[host_start..]
        .find('/')
        .map_or(location.len(), |i| host_start + i);
    match location[path_start..].rfind('@') {
        Some(at) => {
            let at = path_start + at;
            let rev = &location[at + 1..];
            Source::Git {
                url: location[..at].to_owned(),
                rev: (!rev.is_empty()).then(|| rev.to_owned()),
            }
        }
        None => Source::Git {
            url: location.to_owned(),
            rev: None,
        },
    }
}

/// Whether `key` is a key somewhere in the JSON text: how SBOM formats that share file names
/// (`bom.json`, `sbom.json`) tell each other apart without parsing the file twice.
pub fn has_json_key(text: &str, key: &str) -> bool {
    let quoted = format!("\"{key}\"");
    text.match_indices(&quoted)
        .any(|(i, _)| text[i + quoted.len()..].trim_start().starts_with(':'))
}

/// Parses an SBOM. When the data does not fit the model, the document's header is read on
/// its own: a version this depgov does not read is the error worth reporting, not the first
/// field that differs.
pub fn from_json<T: DeserializeOwned, H: DeserializeOwned>(
    text: &str,
    check_header: impl Fn(&H) -> Result<(), ParseError>,
) -> Result<T, ParseError> {
    serde_json::from_str(text).map_err(|error| {
        match serde_json::from_str::<H>(text).map(|header| check_header(&header)) {
            Ok(Err(header_error)) => header_error,
            _ => ParseError::from(error),
        }
    })
}

/// An error at `line`, when it is known.
pub fn error_at(line: Option<u32>, message: String) -> ParseError {
    match line {
        Some(line) => ParseError::at(line, message),
        None => ParseError::new(message),
    }
}

/// The error for two entries with the same identifier (`bom-ref`, `SPDXID`), at the second
/// when its line is found, else at the first.
pub fn duplicate_id(
    lines: &JsonLines<'_>,
    noun: &str,
    key: &str,
    id: &str,
    first: Option<u32>,
) -> ParseError {
    let second = first.and_then(|line| lines.pair_after(key, &json_escaped(id), line));
    error_at(
        second.or(first),
        format!("two {noun}s have the {key} `{id}`"),
    )
}

/// A string as JSON writes it between quotes, to find it with
/// [`JsonLines`](crate::inventory::text::JsonLines).
pub fn json_escaped(value: &str) -> String {
    let quoted = serde_json::to_string(value).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .unwrap_or(value)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(url: &str, rev: Option<&str>) -> Source {
        Source::Git {
            url: url.into(),
            rev: rev.map(Into::into),
        }
    }

    #[test]
    fn version_control_locations_split_url_and_revision() {
        assert_eq!(
            git_source("git+https://github.com/a/b.git@v1.2#sub/dir"),
            git("https://github.com/a/b.git", Some("v1.2"))
        );
        assert_eq!(
            git_source("git+ssh://git@github.com/a/b.git"),
            git("ssh://git@github.com/a/b.git", None)
        );
        assert_eq!(
            git_source("git+ssh://git@github.com/a/b.git@0123abc"),
            git("ssh://git@github.com/a/b.git", Some("0123abc"))
        );
        assert_eq!(
            git_source("git://github.com/a/b"),
            git("git://github.com/a/b", None)
        );
        assert_eq!(
            git_source("git@github.com:a/b.git"),
            git("git@github.com:a/b.git", None)
        );
    }

    #[test]
    fn sources_follow_purl_qualifiers_then_download_location_then_the_default_registry() {
        let purl = |text: &str| read_component_purl(text).unwrap();
        assert_eq!(
            source(&purl("pkg:cargo/serde@1.0.0"), None),
            Source::Registry {
                url: registry::CRATES_IO.into()
            }
        );
        assert_eq!(
            source(
                &purl("pkg:npm/x@1.0.0?repository_url=https://npm.acme.example"),
                Some("https://npm.acme.example/x/-/x-1.0.0.tgz")
            ),
            Source::Registry {
                url: "https://npm.acme.example".into()
            }
        );
        assert_eq!(
            source(
                &purl("pkg:golang/github.com/a/b@v1.0.0"),
                Some("git+https://github.com/a/b@v1.0.0")
            ),
            git("https://github.com/a/b", Some("v1.0.0"))
        );
        assert_eq!(
            source(
                &purl("pkg:golang/github.com/a/b@v1.0.0"),
                Some("NOASSERTION")
            ),
            Source::Registry {
                url: "https://proxy.golang.org".into()
            }
        );
    }

    #[test]
    fn json_keys_are_told_from_values() {
        assert!(has_json_key(
            "{\n  \"bomFormat\" : \"CycloneDX\"",
            "bomFormat"
        ));
        assert!(!has_json_key("{\"name\": \"bomFormat\"}", "bomFormat"));
        assert_eq!(json_escaped("a\"b/c"), "a\\\"b/c");
    }
}
