//! Reading a policy file: TOML with spans in, a checked [`Policy`] out, or every problem at
//! file:line:col.
//!
//! Reading happens in two passes. Serde reads the structure (unknown keys are collected, not
//! fatal; `[[components]]` entries are read one by one so one bad entry does not hide the
//! others); then every value with a meaning (ring, SPDX id, purl, range, date, URL) is checked,
//! again collecting all problems.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::raw::{RawComponent, RawDefaults, RawLicenses, RawPolicy, RawScan, RawSources, Text};
use super::selector::{Selector, VersionRange};
use super::{ComponentEntry, LicenseRings, Policy, PolicyOrigin, SourceRings};
use crate::diagnostic::{self, Diagnostic, line_of};
use crate::error::Error;
use crate::inventory::discover::Exclude;
use crate::model::{Ecosystem, Kind, Location, Ring};
use crate::{purl, registry};

const EMBEDDED_DEFAULT: &str = include_str!("../../policies/default.toml");

/// The policy compiled into the binary, used when a repository has none.
pub fn embedded() -> Policy {
    parse(
        "policies/default.toml",
        EMBEDDED_DEFAULT,
        PolicyOrigin::Embedded,
    )
    .expect("the embedded default policy is valid (a unit test checks it)")
}

/// Reads the policy at `path`; `display` is how reports and diagnostics name the file.
pub fn load_file(path: &Path, display: &str) -> Result<Policy, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: display.to_owned(),
        source,
    })?;
    let text = crate::inventory::discover::text(display, bytes)?;
    parse(display, &text, PolicyOrigin::File(display.to_owned()))
}

/// Reads policy text; `file` names it in diagnostics and entry origins.
pub fn parse(file: &str, text: &str, origin: PolicyOrigin) -> Result<Policy, Error> {
    let mut loader = Loader {
        file,
        text,
        diagnostics: Vec::new(),
    };
    match loader.load(origin) {
        Some(policy) if loader.diagnostics.is_empty() => Ok(policy),
        _ => Err(Error::Policy {
            file: file.to_owned(),
            count: loader.diagnostics.len(),
            rendered: diagnostic::render(file, text, &loader.diagnostics),
        }),
    }
}

struct Loader<'a> {
    file: &'a str,
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Loader<'a> {
    fn problem(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(span, message));
    }

    fn problem_with_help(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.diagnostics
            .push(Diagnostic::new(span, message).with_help(help));
    }

    fn load(&mut self, origin: PolicyOrigin) -> Option<Policy> {
        let (root, syntax_errors) = DeTable::parse_recoverable(self.text);
        if !syntax_errors.is_empty() {
            // Meaning is checked only once the file parses; after the first error on a line
            // the parser's recovery produces follow-on noise, so one error per line is shown.
            let mut lines_seen = std::collections::BTreeSet::new();
            for error in syntax_errors {
                let span = error.span().unwrap_or(0..0);
                if lines_seen.insert(line_of(self.text, span.start)) {
                    self.problem(span, error.message().trim().to_owned());
                }
            }
            return None;
        }
        let root_span = root.span();
        let mut table = root.into_inner();
        let components = table.remove("components");
        let raw: Option<RawPolicy> = self.read_structure(
            Spanned::new(root_span, DeValue::Table(table)),
            TablePath::Root,
        );
        let raw_components = self.read_component_entries(components);
        let raw = raw?;

        let version = *raw.version.get_ref();
        if version != 1 {
            self.problem_with_help(
                raw.version.span(),
                format!("unsupported policy version {version}"),
                "this depgov reads `version = 1`",
            );
        }
        let name = raw
            .name
            .map(Spanned::into_inner)
            .unwrap_or_else(|| self.file.to_owned());
        let defaults = self.compile_defaults(&raw.defaults);
        let licenses = self.compile_licenses(&raw.licenses);
        let sources = self.compile_sources(&raw.sources);
        let scan_exclude = self.compile_scan(&raw.scan);
        let components: Vec<ComponentEntry> = raw_components
            .into_iter()
            .filter_map(|(span, entry)| self.compile_component(span, entry?))
            .collect();
        let (default_ring, scope) = defaults?;
        Some(Policy {
            name,
            contact: raw.contact.map(Spanned::into_inner),
            origin,
            default_ring,
            scope,
            licenses: licenses?,
            sources: sources?,
            components,
            scan_exclude: scan_exclude?,
        })
    }

    fn read_component_entries(
        &mut self,
        components: Option<Spanned<DeValue<'a>>>,
    ) -> Vec<(Range<usize>, Option<RawComponent>)> {
        let Some(components) = components else {
            return Vec::new();
        };
        let span = components.span();
        match components.into_inner() {
            DeValue::Array(entries) => entries
                .into_iter()
                .map(|entry| {
                    let span = entry.span();
                    (span, self.read_structure(entry, TablePath::Component))
                })
                .collect(),
            _ => {
                self.problem_with_help(
                    span,
                    "`components` must be an array of tables",
                    "write each entry under its own `[[components]]` header",
                );
                Vec::new()
            }
        }
    }

    /// Deserializes one table, collecting unknown keys and the first type error in it.
    fn read_structure<T: DeserializeOwned>(
        &mut self,
        value: Spanned<DeValue<'a>>,
        table: TablePath,
    ) -> Option<T> {
        let tree = value.clone();
        let mut unknown: Vec<Vec<Segment>> = Vec::new();
        let result = serde_ignored::deserialize(toml::de::ValueDeserializer::from(value), |path| {
            unknown.push(segments(&path))
        });
        for path in unknown {
            self.unknown_key(&tree, table, &path);
        }
        match result {
            Ok(parsed) => Some(parsed),
            Err(error) => {
                let span = error.span().unwrap_or_else(|| tree.span());
                self.problem(span, error.message().trim().to_owned());
                None
            }
        }
    }

    fn unknown_key(&mut self, tree: &Spanned<DeValue<'a>>, table: TablePath, path: &[Segment]) {
        let Some((Segment::Key(key), parents)) = path.split_last() else {
            return;
        };
        let span = key_span(tree, path).unwrap_or_else(|| tree.span());
        let (place, expected) = table.describe(parents);
        self.problem_with_help(
            span,
            format!("unknown key `{key}` {place}"),
            format!("expected one of: {}", expected.join(", ")),
        );
    }

    fn ring(&mut self, text: &Text) -> Option<Ring> {
        let ring = Ring::from_name(text.get_ref());
        if ring.is_none() {
            self.problem_with_help(
                text.span(),
                format!("unknown ring `{}`", text.get_ref()),
                "use one of adopt, trial, assess, hold, remove",
            );
        }
        ring
    }

    fn ring_or(&mut self, text: Option<&Text>, default: Ring) -> Option<Ring> {
        text.map_or(Some(default), |t| self.ring(t))
    }

    fn compile_defaults(
        &mut self,
        raw: &RawDefaults,
    ) -> Option<(Ring, std::collections::BTreeSet<Kind>)> {
        let ring = self.ring_or(raw.ring.as_ref(), Ring::Assess);
        let scope = match &raw.scope {
            None => Some([Kind::Runtime, Kind::Build].into()),
            Some(kinds) => {
                let mut scope = std::collections::BTreeSet::new();
                let mut ok = true;
                for text in kinds {
                    match Kind::from_name(text.get_ref()) {
                        Some(kind) => {
                            scope.insert(kind);
                        }
                        None => {
                            ok = false;
                            self.problem_with_help(
                                text.span(),
                                format!("unknown dependency kind `{}`", text.get_ref()),
                                "use runtime, build or dev",
                            );
                        }
                    }
                }
                ok.then_some(scope)
            }
        };
        Some((ring?, scope?))
    }

    fn compile_licenses(&mut self, raw: &RawLicenses) -> Option<LicenseRings> {
        let mut listed: BTreeMap<spdx::LicenseReq, (Ring, Range<usize>)> = BTreeMap::new();
        let mut ok = true;
        for (ring_name, list) in raw.lists() {
            let ring = Ring::from_name(ring_name).expect("list names are ring names");
            for text in list {
                let Some(req) = self.license(text) else {
                    ok = false;
                    continue;
                };
                let req = crate::license::canonical_requirement(&req);
                if let Some((other, first)) = listed.get(&req) {
                    let line = line_of(self.text, first.start);
                    self.problem(
                        text.span(),
                        format!("`{req}` is already listed under {other} (line {line})"),
                    );
                    ok = false;
                    continue;
                }
                listed.insert(req, (ring, text.span()));
            }
        }
        let unlisted = self.ring_or(raw.unlisted.as_ref(), Ring::Assess);
        let unknown = self.ring_or(raw.unknown.as_ref(), Ring::Assess);
        ok.then_some(LicenseRings {
            listed: listed
                .into_iter()
                .map(|(req, (ring, _))| (req, ring))
                .collect(),
            unlisted: unlisted?,
            unknown: unknown?,
        })
    }

    /// One license as a policy names it: an SPDX id (or `LicenseRef-`), optionally `WITH` an
    /// exception.
    fn license(&mut self, text: &Text) -> Option<spdx::LicenseReq> {
        let id = text.get_ref().trim();
        match spdx::Licensee::parse(id) {
            Ok(licensee) => Some(licensee.into_req()),
            Err(error) => {
                let help = match spdx::license_id(id) {
                    Some(known) if known.is_deprecated() => format!(
                        "`{id}` is deprecated in SPDX; write `{id}-only` or `{id}-or-later`"
                    ),
                    _ => match spdx::imprecise_license_id(id) {
                        Some((suggestion, _)) => format!("did you mean `{}`?", suggestion.name),
                        None => "use an id from https://spdx.org/licenses/ or `LicenseRef-NAME`"
                            .to_owned(),
                    },
                };
                self.problem_with_help(
                    text.span(),
                    format!(
                        "`{id}` is not an SPDX license identifier ({})",
                        error.reason
                    ),
                    help,
                );
                None
            }
        }
    }

    fn compile_sources(&mut self, raw: &RawSources) -> Option<SourceRings> {
        let git = self.ring_or(raw.git.as_ref(), Ring::Assess);
        let unknown_registry = self.ring_or(raw.unknown_registry.as_ref(), Ring::Hold);
        let registry_urls = match &raw.registries {
            None => Some(
                registry::PUBLIC
                    .iter()
                    .flat_map(|r| r.urls.iter().map(|u| (*u).to_owned()))
                    .collect(),
            ),
            Some(list) => {
                let mut urls = Vec::new();
                let mut ok = true;
                for text in list {
                    let entry = text.get_ref().as_str();
                    if let Some(known) = registry::by_name(entry) {
                        urls.extend(known.urls.iter().map(|u| (*u).to_owned()));
                    } else if looks_like_url(entry) {
                        urls.push(entry.to_owned());
                    } else {
                        ok = false;
                        let names: Vec<&str> = registry::PUBLIC.iter().map(|r| r.name).collect();
                        self.problem_with_help(
                            text.span(),
                            format!("unknown registry `{entry}`"),
                            format!("use an index URL or one of: {}", names.join(", ")),
                        );
                    }
                }
                ok.then_some(urls)
            }
        };
        Some(SourceRings {
            git: git?,
            registry_urls: registry_urls?,
            unknown_registry: unknown_registry?,
        })
    }

    fn compile_scan(&mut self, raw: &RawScan) -> Option<Option<Vec<String>>> {
        let Some(globs) = &raw.exclude else {
            return Some(None);
        };
        let mut ok = true;
        for glob in globs {
            if let Err(message) = Exclude::new([glob.get_ref().as_str()]) {
                ok = false;
                self.problem(glob.span(), message);
            }
        }
        ok.then(|| Some(globs.iter().map(|g| g.get_ref().clone()).collect()))
    }

    fn compile_component(
        &mut self,
        span: Range<usize>,
        raw: RawComponent,
    ) -> Option<ComponentEntry> {
        let identity = self.component_identity(span.clone(), &raw);
        let ring = self.ring(&raw.ring);
        let versions = match (&identity, &raw.versions) {
            (Some((ecosystem, _)), Some(text)) => {
                match VersionRange::parse(*ecosystem, text.get_ref()) {
                    Ok(range) => Some(Some((range, text.get_ref().clone()))),
                    Err(message) => {
                        self.problem(text.span(), message);
                        None
                    }
                }
            }
            _ => Some(None),
        };
        let sunset = match &raw.sunset {
            None => Some(None),
            Some(date) => {
                let parsed = self.date(date);
                if parsed.is_some() && ring.is_some_and(|r| r != Ring::Remove) {
                    self.problem_with_help(
                        date.span(),
                        "`sunset` applies only to entries with ring = \"remove\"",
                        "remove the sunset or make the entry a remove entry",
                    );
                    None
                } else {
                    parsed.map(Some)
                }
            }
        };
        let use_instead = self.use_instead(&raw.use_instead);
        let link = match &raw.link {
            Some(link) if !looks_like_url(link.get_ref()) => {
                self.problem(link.span(), "`link` must be an http(s) URL");
                None
            }
            other => Some(other.as_ref().map(|l| l.get_ref().clone())),
        };
        let (ecosystem, name) = identity?;
        let selector = match Selector::new(ecosystem, &name, versions?) {
            Ok(selector) => selector,
            Err(message) => {
                let span = raw
                    .purl
                    .as_ref()
                    .or(raw.name.as_ref())
                    .map_or(span, |t| t.span());
                self.problem(span, message);
                return None;
            }
        };
        Some(ComponentEntry {
            selector,
            ring: ring?,
            reason: raw.reason.map(Spanned::into_inner),
            use_instead: use_instead?,
            link: link?,
            sunset: sunset?,
            origin: Location {
                file: self.file.to_owned(),
                line: line_of(self.text, entry_start(self.text, span.start)),
            },
        })
    }

    /// The ecosystem and full name an entry selects: from `purl`, or `ecosystem` + `name`.
    fn component_identity(
        &mut self,
        span: Range<usize>,
        raw: &RawComponent,
    ) -> Option<(Ecosystem, String)> {
        match (&raw.purl, &raw.ecosystem, &raw.name) {
            (Some(purl), None, None) => match purl::parse_policy_purl(purl.get_ref()) {
                Ok(parsed) => Some((parsed.ecosystem, parsed.name)),
                Err(message) => {
                    self.problem_with_help(
                        purl.span(),
                        message,
                        "write a versionless package URL such as \"pkg:cargo/openssl\"",
                    );
                    None
                }
            },
            (None, Some(ecosystem), Some(name)) => {
                match Ecosystem::from_name(ecosystem.get_ref()) {
                    Some(parsed) => Some((parsed, name.get_ref().clone())),
                    None => {
                        self.problem_with_help(
                            ecosystem.span(),
                            format!("unknown ecosystem `{}`", ecosystem.get_ref()),
                            format!(
                                "use one of: {}",
                                Ecosystem::ALL.map(Ecosystem::as_str).join(", ")
                            ),
                        );
                        None
                    }
                }
            }
            (Some(purl), _, _) => {
                self.problem(
                    purl.span(),
                    "an entry names its component by `purl` or by `ecosystem` and `name`, not both",
                );
                None
            }
            _ => {
                self.problem_with_help(
                    entry_header(self.text, span),
                    "this entry does not say which component it is about",
                    "add `purl = \"pkg:TYPE/NAME\"`, or `ecosystem` and `name`",
                );
                None
            }
        }
    }

    fn date(&mut self, value: &Spanned<toml::value::Datetime>) -> Option<NaiveDate> {
        let datetime = value.get_ref();
        let date = match (datetime.date, datetime.time) {
            (Some(date), None) => NaiveDate::from_ymd_opt(
                i32::from(date.year),
                u32::from(date.month),
                u32::from(date.day),
            ),
            _ => None,
        };
        if date.is_none() {
            self.problem_with_help(
                value.span(),
                format!("`{datetime}` is not a calendar date"),
                "write a date without time, such as 2027-06-30",
            );
        }
        date
    }

    /// `use-instead` entries are package URLs (checked) or free text.
    fn use_instead(&mut self, list: &[Text]) -> Option<Vec<String>> {
        let mut ok = true;
        for text in list {
            if text.get_ref().starts_with("pkg:") {
                if let Err(message) = purl::parse_policy_purl(text.get_ref()) {
                    ok = false;
                    self.problem(text.span(), message);
                }
            }
        }
        ok.then(|| list.iter().map(|t| t.get_ref().clone()).collect())
    }
}

fn looks_like_url(text: &str) -> bool {
    [
        "https://",
        "http://",
        "sparse+https://",
        "registry+https://",
        "file://",
    ]
    .iter()
    .any(|scheme| text.starts_with(scheme))
}

/// The start of a `[[components]]` entry, for its origin line: the header above the entry's
/// first key when there is one.
fn entry_start(text: &str, span_start: usize) -> usize {
    let before = &text[..span_start.min(text.len())];
    match before.trim_end().rfind("[[") {
        Some(header) if before[header..].trim_end().ends_with("]]") => header,
        _ => span_start,
    }
}

/// The header line of an entry, to underline when the entry itself is the problem.
fn entry_header(text: &str, span: Range<usize>) -> Range<usize> {
    let start = entry_start(text, span.start);
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    start..end
}

/// A step into a TOML value: a key in a table or an index in an array.
#[derive(Debug)]
enum Segment {
    Key(String),
    Index(usize),
}

fn segments(path: &serde_ignored::Path<'_>) -> Vec<Segment> {
    use serde_ignored::Path;
    let mut out = match path {
        Path::Root => return Vec::new(),
        Path::Seq { parent, .. }
        | Path::Map { parent, .. }
        | Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => segments(parent),
    };
    match path {
        Path::Seq { index, .. } => out.push(Segment::Index(*index)),
        Path::Map { key, .. } => out.push(Segment::Key(key.clone())),
        _ => {}
    }
    out
}

/// The span of the key a path ends in.
fn key_span(tree: &Spanned<DeValue<'_>>, path: &[Segment]) -> Option<Range<usize>> {
    let (last, parents) = path.split_last()?;
    let mut node = tree;
    for segment in parents {
        node = match (segment, node.get_ref()) {
            (Segment::Key(key), DeValue::Table(table)) => table.get(key.as_str())?,
            (Segment::Index(i), DeValue::Array(array)) => array.get(*i)?,
            _ => return None,
        };
    }
    match (last, node.get_ref()) {
        (Segment::Key(key), DeValue::Table(table)) => table
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(k, _)| k.span()),
        _ => None,
    }
}

/// Which kind of table a structure was read from, to name it and list its keys.
#[derive(Clone, Copy)]
enum TablePath {
    Root,
    Component,
}

impl TablePath {
    fn describe(self, parents: &[Segment]) -> (String, Vec<&'static str>) {
        match (self, parents.first()) {
            (TablePath::Component, _) => ("in [[components]]".into(), fields_of::<RawComponent>()),
            (TablePath::Root, Some(Segment::Key(table))) => {
                let fields = match table.as_str() {
                    "defaults" => fields_of::<RawDefaults>(),
                    "licenses" => fields_of::<RawLicenses>(),
                    "sources" => fields_of::<RawSources>(),
                    "scan" => fields_of::<RawScan>(),
                    _ => Vec::new(),
                };
                (format!("in [{table}]"), fields)
            }
            (TablePath::Root, _) => {
                let mut fields = fields_of::<RawPolicy>();
                fields.push("components");
                ("at the top level".into(), fields)
            }
        }
    }
}

/// The keys a serde-derived struct accepts, asked of its `Deserialize` impl itself so that the
/// list can never drift from the struct.
fn fields_of<T: DeserializeOwned>() -> Vec<&'static str> {
    use serde::de::{self, Visitor};

    #[derive(Debug)]
    struct Fields(&'static [&'static str]);
    impl std::fmt::Display for Fields {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("fields probe")
        }
    }
    impl std::error::Error for Fields {}
    impl de::Error for Fields {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Fields(&[])
        }
    }
    struct Probe;
    impl<'de> de::Deserializer<'de> for Probe {
        type Error = Fields;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Fields> {
            Err(Fields(&[]))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Fields> {
            Err(Fields(fields))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    match T::deserialize(Probe) {
        Err(Fields(fields)) => fields.to_vec(),
        Ok(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_default_policy_is_valid() {
        let policy = embedded();
        assert_eq!(policy.origin, PolicyOrigin::Embedded);
        assert!(!policy.components.is_empty());
    }

    #[test]
    fn key_lists_come_from_the_structs() {
        assert_eq!(fields_of::<RawDefaults>(), ["ring", "scope"]);
        assert!(fields_of::<RawComponent>().contains(&"use-instead"));
    }
}
