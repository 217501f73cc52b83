//! Pipenv's `Pipfile.lock`, `pipfile-spec` 6.
//!
//! The lockfile maps each category to its packages: `default` is runtime, `develop` and any
//! other category (Pipenv's custom package categories) are dev; a package in several
//! categories has each of their kinds. It records no edges between packages, so the project
//! (named after its directory) depends only on what the `Pipfile` beside the lockfile declares
//! (`[packages]`, `[dev-packages]`, other categories), at their lines; every other package is
//! indirect, with a path of its own name. Without a Pipfile no package is known to be direct.
//!
//! A package pinned with `==` (or `===`) comes from the index its `index` names in
//! `_meta.sources` (else the first source, else PyPI). A `git` entry is a git source at its
//! `ref`; a `path` or `file` entry is local (or, for a URL, recorded as a registry source so
//! the policy's registries decide about it). Such entries often carry no version: one without
//! a `==` pin (nor a wheel or sdist file name that states it) is noted, not guessed. An
//! editable `path` is first-party code, not a component.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::assemble;
use super::json::UniqueKeys;
use super::python::{self, Manifest, Problem};
use crate::inventory::Note;
use crate::inventory::graph::Graph;
use crate::inventory::text::JsonLines;
use crate::inventory::{Format, Input, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::{Ecosystem, Kind, Source};

pub struct PipfileLock;

/// A top-level value: `_meta` or a category of packages, objects whose keys must be unique;
/// anything else is kept only to be reported with its key.
enum TopLevel {
    Object(UniqueKeys<Value>),
    Other,
}

impl<'de> Deserialize<'de> for TopLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TopLevelVisitor;
        impl<'de> Visitor<'de> for TopLevelVisitor {
            type Value = TopLevel;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TopLevel, A::Error> {
                UniqueKeys::deserialize(MapAccessDeserializer::new(map)).map(TopLevel::Object)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TopLevel, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TopLevel::Other)
            }

            fn visit_bool<E>(self, _: bool) -> Result<TopLevel, E> {
                Ok(TopLevel::Other)
            }

            fn visit_i64<E>(self, _: i64) -> Result<TopLevel, E> {
                Ok(TopLevel::Other)
            }

            fn visit_u64<E>(self, _: u64) -> Result<TopLevel, E> {
                Ok(TopLevel::Other)
            }

            fn visit_f64<E>(self, _: f64) -> Result<TopLevel, E> {
                Ok(TopLevel::Other)
            }

            fn visit_str<E>(self, _: &str) -> Result<TopLevel, E> {
                Ok(TopLevel::Other)
            }

            fn visit_unit<E>(self) -> Result<TopLevel, E> {
                Ok(TopLevel::Other)
            }
        }
        deserializer.deserialize_any(TopLevelVisitor)
    }
}

#[derive(Deserialize)]
struct Meta {
    #[serde(rename = "pipfile-spec")]
    pipfile_spec: Option<Value>,
    #[serde(default)]
    sources: Vec<Index>,
}

#[derive(Deserialize)]
struct Index {
    name: String,
    url: String,
}

#[derive(Deserialize)]
struct Entry {
    version: Option<String>,
    index: Option<String>,
    git: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    #[serde(default)]
    editable: bool,
    path: Option<String>,
    file: Option<String>,
}

impl Format for PipfileLock {
    fn name(&self) -> &'static str {
        "pipfile-lock"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Pypi)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "Pipfile.lock"
    }

    fn manifest_name(&self) -> Option<&'static str> {
        Some("Pipfile")
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let text = input.file.text;
        let document: UniqueKeys<TopLevel> = serde_json::from_str(text)?;
        let lines = JsonLines::new(text);
        let meta_line = lines.key("_meta");
        let meta = match document.get("_meta") {
            Some(TopLevel::Object(meta)) => Value::Object(meta.clone().into_iter().collect()),
            Some(TopLevel::Other) => return Err(at_line(meta_line, "`_meta` is not an object")),
            None => {
                return Err(ParseError::new(
                    "not a Pipfile.lock: it has no `_meta` object",
                ));
            }
        };
        let meta: Meta = serde_json::from_value(meta)
            .map_err(|e| at_line(meta_line, format!("`_meta`: {e}")))?;
        let spec_line = lines.key("pipfile-spec");
        match &meta.pipfile_spec {
            Some(spec) if spec.as_u64() == Some(6) => {}
            Some(spec) => {
                let error = ParseError::unsupported_version(spec, "Pipfile.lock");
                return Err(at_line(spec_line, error.message));
            }
            None => return Err(at_line(meta_line, "`_meta` has no `pipfile-spec`")),
        }
        let manifest = input.manifest.map(|m| Manifest::pipfile(&m)).transpose()?;

        let mut graph = Graph::new();
        let project = graph.add_root(python::project_label(input.file.path, None));
        let mut node_of: HashMap<String, usize> = HashMap::new();
        let mut notes = Vec::new();
        let mut packages = Vec::new();
        for (category, entries) in document.into_iter().filter(|(c, _)| c != "_meta") {
            let category_line = lines.key(&category).unwrap_or(1);
            let TopLevel::Object(entries) = entries else {
                return Err(ParseError::at(
                    category_line,
                    format!("`{category}` is not an object of packages"),
                ));
            };
            let kind = match category.as_str() {
                "default" => Kind::Runtime,
                _ => Kind::Dev,
            };
            for (name, entry) in entries {
                let line = lines
                    .object_after(&name, category_line)
                    .unwrap_or(category_line);
                let entry: Entry = serde_json::from_value(entry)
                    .map_err(|e| ParseError::at(line, format!("`{name}`: {e}")))?;
                let located = match locate(&name, &entry, &meta.sources, input.file.path) {
                    Ok(Some(located)) => located,
                    Ok(None) => continue,
                    Err(Problem::Note(code, message)) => {
                        notes.push(Note::new(code, Some(line), message));
                        continue;
                    }
                    Err(Problem::Malformed(message)) => return Err(ParseError::at(line, message)),
                };
                let (version, source) = located;
                let node = *node_of
                    .entry(python::key(&name))
                    .or_insert_with(|| graph.add(name.clone()));
                let mut locked = python::locked(&name, &version, source, line);
                locked.kinds = Some(BTreeSet::from([kind]));
                packages.push((node, locked));
            }
        }
        if let Some(manifest) = &manifest {
            let by_key = node_of.into_iter().map(|(k, n)| (k, vec![n])).collect();
            manifest.declare(&mut graph, project, &by_key);
        }
        let components = assemble(Ecosystem::Pypi, input.file.path, &graph, packages);
        Ok(Parsed { components, notes })
    }
}

/// An entry's version and source; `None` for first-party (editable local) code.
fn locate(
    name: &str,
    entry: &Entry,
    indexes: &[Index],
    lockfile: &str,
) -> Result<Option<(String, Source)>, Problem> {
    let pinned = entry.version.as_deref().and_then(python::pinned);
    if let Some(url) = &entry.git {
        let url = url.strip_prefix("git+").unwrap_or(url);
        let Some(version) = pinned else {
            let at = entry.reference.as_deref().unwrap_or("its default branch");
            return Err(Problem::Note(
                NoteCode::Unpinned,
                format!(
                    "`{name}` comes from git ({url} at {at}) without a locked version; not inventoried"
                ),
            ));
        };
        let source = Source::Git {
            url: url.to_owned(),
            rev: entry.reference.clone(),
        };
        return Ok(Some((version.to_owned(), source)));
    }
    if let Some(local) = entry.path.as_ref().or(entry.file.as_ref()) {
        if entry.editable && entry.path.is_some() {
            return Ok(None);
        }
        let version = pinned
            .map(str::to_owned)
            .or_else(|| python::archive_version(local, name))
            .ok_or_else(|| {
                Problem::Note(
                    NoteCode::Unpinned,
                    format!(
                        "`{name}` comes from {local} without a locked version; not inventoried"
                    ),
                )
            })?;
        let source = if local.contains("://") && !local.starts_with("file://") {
            python::registry(Some(local))
        } else {
            python::local_source(lockfile, local)
        };
        return Ok(Some((version, source)));
    }
    let Some(version) = pinned else {
        let written = entry.version.as_deref().unwrap_or("no version");
        return Err(Problem::Note(
            NoteCode::Unpinned,
            format!(
                "`{name}` is locked as `{written}`, not pinned to one version; not inventoried"
            ),
        ));
    };
    let url = match &entry.index {
        Some(index) => {
            let source = indexes.iter().find(|s| &s.name == index).ok_or_else(|| {
                Problem::Malformed(format!(
                    "`{name}` names the index `{index}`, which `_meta.sources` does not list"
                ))
            })?;
            Some(source.url.as_str())
        }
        None => indexes.first().map(|s| s.url.as_str()),
    };
    Ok(Some((version.to_owned(), python::registry(url))))
}

fn at_line(line: Option<u32>, message: impl Into<String>) -> ParseError {
    match line {
        Some(line) => ParseError::at(line, message),
        None => ParseError::new(message),
    }
}
