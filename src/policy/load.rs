//! Reading one policy file: TOML with spans in, a checked [`Layer`] out, or every problem at
//! file:line:col.
//!
//! Reading happens in two passes. Serde reads the structure (unknown keys are collected, not
//! fatal; `[[components]]` and `[[exceptions]]` entries are read one by one so one bad entry
//! does not hide the others); then every value with a meaning (ring, SPDX id, purl, range,
//! date, URL, glob) is checked, again collecting all problems. A layer keeps what the file
//! leaves unset unset; [`super::layers`] merges layers into a policy.

use std::collections::BTreeSet;
use std::ops::Range;

use chrono::NaiveDate;
use globset::GlobSetBuilder;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::raw::{
    RawComponent, RawCriteria, RawDefaults, RawException, RawExpiry, RawFacts, RawLicenses,
    RawPolicy, RawRingBelow, RawRingDays, RawScan, RawSources, RawVulnerabilities, Text,
};
use super::selector::Selector;
use super::{ComponentEntry, Exception, Threshold};
use crate::diagnostic::{Diagnostic, line_of};
use crate::inventory::discover::Exclude;
use crate::model::codes::LintCode;
use crate::model::facts::{Endpoint, Level, SourceKind};
use crate::model::versions::range::VersionRange;
use crate::model::{Criterion, Ecosystem, Kind, Location, Ring};
use crate::model::{purl, registry};
use crate::util::glob::path_glob;

/// A setting with the place that set it.
pub type Set<T> = Option<(T, Location)>;

/// What one policy file says, before the layers it extends are merged under it.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    pub name: Option<String>,
    pub contact: Option<String>,
    /// `extends` entries as written, with their spans (for errors about them).
    pub extends: Vec<(String, Range<usize>)>,
    pub default_ring: Set<Ring>,
    pub scope: Set<BTreeSet<Kind>>,
    pub licenses: Vec<(spdx::LicenseReq, Ring, Location)>,
    pub unlisted: Set<Ring>,
    pub unknown: Set<Ring>,
    pub git: Set<Ring>,
    /// The registries as written, and the URL prefixes they stand for.
    pub registries: Set<(Vec<String>, Vec<String>)>,
    pub unknown_registry: Set<Ring>,
    pub components: Vec<ComponentEntry>,
    pub exceptions: Vec<Exception>,
    pub scan_exclude: Set<Vec<String>>,
    pub warn_days: Set<u32>,
    pub max_days: Set<u32>,
    pub facts_sources: Set<BTreeSet<SourceKind>>,
    pub facts_urls: Vec<(Endpoint, String, Location)>,
    pub license_max_age: Set<u32>,
    pub flags_max_age: Set<u32>,
    /// `[criteria]` settings, each with where it is set.
    pub criteria: Vec<(Criterion, Ring, Threshold, Location)>,
    pub criteria_unknown: Set<Ring>,
    /// `[vulnerabilities]` rings, each with where it is set.
    pub vulnerabilities: Vec<(Level, Ring, Location)>,
    /// Things that are valid but likely mistakes (deprecated ids, duplicate entries).
    pub lints: Vec<(LintCode, Diagnostic)>,
}

/// Reads one policy file; `file` names it in diagnostics and origins.
pub fn read_layer(file: &str, text: &str) -> Result<Layer, Vec<Diagnostic>> {
    let mut loader = Loader {
        file,
        text,
        diagnostics: Vec::new(),
        lints: Vec::new(),
    };
    match loader.load() {
        Some(mut layer) if loader.diagnostics.is_empty() => {
            layer.lints = loader.lints;
            Ok(layer)
        }
        _ => Err(loader.diagnostics),
    }
}

struct Loader<'a> {
    file: &'a str,
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
    lints: Vec<(LintCode, Diagnostic)>,
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

    /// Where a span is, as an origin.
    fn at(&self, span: &Range<usize>) -> Location {
        Location {
            file: self.file.into(),
            line: line_of(self.text, span.start),
        }
    }

    fn load(&mut self) -> Option<Layer> {
        let (root, syntax_errors) = DeTable::parse_recoverable(self.text);
        if !syntax_errors.is_empty() {
            // Meaning is checked only once the file parses; after the first error on a line
            // the parser's recovery produces follow-on noise, so one error per line is shown.
            let mut lines_seen = BTreeSet::new();
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
        let exceptions = table.remove("exceptions");
        let raw: Option<RawPolicy> = self.read_structure(
            Spanned::new(root_span, DeValue::Table(table)),
            TablePath::Root,
        );
        let raw_components: Vec<(Range<usize>, Option<RawComponent>)> =
            self.read_entries(components, "components", TablePath::Component);
        let raw_exceptions: Vec<(Range<usize>, Option<RawException>)> =
            self.read_entries(exceptions, "exceptions", TablePath::Exception);
        let raw = raw?;

        let version = *raw.version.get_ref();
        if version != 1 {
            self.problem_with_help(
                raw.version.span(),
                format!("unsupported policy version {version}"),
                "this depgov reads `version = 1`",
            );
        }
        let mut layer = Layer {
            name: raw.name.map(Spanned::into_inner),
            contact: raw.contact.map(Spanned::into_inner),
            extends: raw
                .extends
                .unwrap_or_default()
                .into_iter()
                .map(|text| {
                    let span = text.span();
                    (text.into_inner(), span)
                })
                .collect(),
            ..Layer::default()
        };
        self.compile_defaults(&raw.defaults, &mut layer);
        self.compile_licenses(&raw.licenses, &mut layer);
        self.compile_sources(&raw.sources, &mut layer);
        self.compile_scan(&raw.scan, &mut layer);
        self.compile_expiry(&raw.expiry, &mut layer);
        self.compile_facts(&raw.facts, &mut layer);
        self.compile_criteria(&raw.criteria, &mut layer);
        for (level, text) in raw.vulnerabilities.rings() {
            if let Some((ring, origin)) = self.ring_setting(text.as_ref()) {
                layer.vulnerabilities.push((level, ring, origin));
            }
        }
        let mut first_line: std::collections::HashMap<String, u32> = Default::default();
        for (span, entry) in raw_components {
            let Some(entry) = entry.and_then(|raw| self.compile_component(span.clone(), raw))
            else {
                continue;
            };
            let key = entry.selector.to_string();
            match first_line.get(&key) {
                Some(line) => self.lints.push((
                    LintCode::DuplicateEntry,
                    Diagnostic::new(
                        entry_header(self.text, span),
                        format!("`{key}` is listed again (first at line {line}); this later entry replaces it"),
                    ),
                )),
                None => {
                    first_line.insert(key, entry.origin.line);
                }
            }
            layer.components.push(entry);
        }
        layer.exceptions = raw_exceptions
            .into_iter()
            .filter_map(|(span, entry)| self.compile_exception(span, entry?))
            .collect();
        Some(layer)
    }

    /// Reads an array of tables (`[[components]]`, `[[exceptions]]`) entry by entry.
    fn read_entries<T: DeserializeOwned>(
        &mut self,
        entries: Option<Spanned<DeValue<'a>>>,
        key: &str,
        table: TablePath,
    ) -> Vec<(Range<usize>, Option<T>)> {
        let Some(entries) = entries else {
            return Vec::new();
        };
        let span = entries.span();
        match entries.into_inner() {
            DeValue::Array(entries) => entries
                .into_iter()
                .map(|entry| {
                    let span = entry.span();
                    (span, self.read_structure(entry, table))
                })
                .collect(),
            _ => {
                self.problem_with_help(
                    span,
                    format!("`{key}` must be an array of tables"),
                    format!("write each entry under its own `[[{key}]]` header"),
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

    /// A ring setting, with where it is set.
    fn ring_setting(&mut self, text: Option<&Text>) -> Set<Ring> {
        let text = text?;
        Some((self.ring(text)?, self.at(&text.span())))
    }

    fn compile_defaults(&mut self, raw: &RawDefaults, layer: &mut Layer) {
        layer.default_ring = self.ring_setting(raw.ring.as_ref());
        let Some(kinds) = &raw.scope else {
            return;
        };
        let mut scope = BTreeSet::new();
        for text in kinds {
            match Kind::from_name(text.get_ref()) {
                Some(kind) => {
                    scope.insert(kind);
                }
                None => self.problem_with_help(
                    text.span(),
                    format!("unknown dependency kind `{}`", text.get_ref()),
                    "use runtime, build or dev",
                ),
            }
        }
        let origin = kinds.first().map_or_else(
            || Location {
                file: self.file.into(),
                line: 1,
            },
            |first| self.at(&first.span()),
        );
        layer.scope = Some((scope, origin));
    }

    fn compile_licenses(&mut self, raw: &RawLicenses, layer: &mut Layer) {
        let mut seen: std::collections::BTreeMap<spdx::LicenseReq, (Ring, Range<usize>)> =
            std::collections::BTreeMap::new();
        for (ring_name, list) in raw.lists() {
            let ring = Ring::from_name(ring_name).expect("list names are ring names");
            for text in list {
                let Some(req) = self.license(text) else {
                    continue;
                };
                let req = crate::model::license::canonical_requirement(&req);
                if let Some((other, first)) = seen.get(&req) {
                    let line = line_of(self.text, first.start);
                    self.problem(
                        text.span(),
                        format!("`{req}` is already listed under {other} (line {line})"),
                    );
                    continue;
                }
                seen.insert(req.clone(), (ring, text.span()));
                layer.licenses.push((req, ring, self.at(&text.span())));
            }
        }
        layer.unlisted = self.ring_setting(raw.unlisted.as_ref());
        layer.unknown = self.ring_setting(raw.unknown.as_ref());
    }

    /// One license as a policy names it: an SPDX id (or `LicenseRef-`), optionally `WITH` an
    /// exception.
    fn license(&mut self, text: &Text) -> Option<spdx::LicenseReq> {
        let id = text.get_ref().trim();
        let lenient = spdx::ParseMode {
            allow_deprecated: true,
            ..spdx::ParseMode::STRICT
        };
        match spdx::Licensee::parse_mode(id, lenient) {
            Ok(licensee) => {
                if spdx::license_id(id).is_some_and(|known| known.is_deprecated()) {
                    self.lints.push((
                        LintCode::DeprecatedSpdxId,
                        Diagnostic::new(text.span(), format!("`{id}` is a deprecated SPDX id"))
                            .with_help(format!(
                                "it is read as `{id}-only`; write `{id}-only` or `{id}-or-later` to say which"
                            )),
                    ));
                }
                Some(licensee.into_req())
            }
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

    fn compile_sources(&mut self, raw: &RawSources, layer: &mut Layer) {
        layer.git = self.ring_setting(raw.git.as_ref());
        layer.unknown_registry = self.ring_setting(raw.unknown_registry.as_ref());
        let Some(list) = &raw.registries else {
            return;
        };
        let mut urls = Vec::new();
        for text in list {
            let entry = text.get_ref().as_str();
            if let Some(known) = registry::by_name(entry) {
                urls.extend(known.urls.iter().map(|u| (*u).to_owned()));
            } else if looks_like_url(entry) {
                urls.push(entry.to_owned());
            } else {
                let names: Vec<&str> = registry::PUBLIC.iter().map(|r| r.name).collect();
                self.problem_with_help(
                    text.span(),
                    format!("unknown registry `{entry}`"),
                    format!("use an index URL or one of: {}", names.join(", ")),
                );
            }
        }
        let written = list.iter().map(|t| t.get_ref().clone()).collect();
        let origin = list.first().map_or_else(
            || Location {
                file: self.file.into(),
                line: 1,
            },
            |first| self.at(&first.span()),
        );
        layer.registries = Some(((written, urls), origin));
    }

    fn compile_scan(&mut self, raw: &RawScan, layer: &mut Layer) {
        let Some(globs) = &raw.exclude else {
            return;
        };
        for glob in globs {
            if let Err(message) = Exclude::new([glob.get_ref().as_str()]) {
                self.problem(glob.span(), message);
            }
        }
        let origin = globs.first().map_or_else(
            || Location {
                file: self.file.into(),
                line: 1,
            },
            |first| self.at(&first.span()),
        );
        layer.scan_exclude = Some((globs.iter().map(|g| g.get_ref().clone()).collect(), origin));
    }

    fn compile_facts(&mut self, raw: &RawFacts, layer: &mut Layer) {
        if let Some(list) = &raw.sources {
            let mut kinds = BTreeSet::new();
            for text in list {
                match SourceKind::from_name(text.get_ref()) {
                    Some(kind) => {
                        kinds.insert(kind);
                    }
                    None => self.problem_with_help(
                        text.span(),
                        format!("`{}` is not a kind of source of facts", text.get_ref()),
                        format!("use {}", SourceKind::ALL.map(SourceKind::as_str).join(", ")),
                    ),
                }
            }
            let origin = list.first().map_or_else(
                || Location {
                    file: self.file.into(),
                    line: 1,
                },
                |first| self.at(&first.span()),
            );
            layer.facts_sources = Some((kinds, origin));
        }
        for (endpoint, url) in raw.urls() {
            let Some(url) = url else { continue };
            let text = url.get_ref().trim_end_matches('/');
            if text.starts_with("https://") || text.starts_with("http://") {
                layer
                    .facts_urls
                    .push((endpoint, text.to_owned(), self.at(&url.span())));
            } else {
                self.problem(
                    url.span(),
                    format!(
                        "`{}` must be an http(s):// URL such as {}",
                        endpoint.key(),
                        endpoint.default_url()
                    ),
                );
            }
        }
        layer.license_max_age = self.days(&raw.license_max_age, "license-max-age");
        layer.flags_max_age = self.days(&raw.flags_max_age, "flags-max-age");
    }

    fn compile_criteria(&mut self, raw: &RawCriteria, layer: &mut Layer) {
        let plain = [
            (Criterion::Deprecated, &raw.deprecated),
            (Criterion::Yanked, &raw.yanked),
            (Criterion::Unmaintained, &raw.unmaintained),
            (Criterion::LicenseChanged, &raw.license_changed),
        ];
        for (criterion, text) in plain {
            if let Some((ring, origin)) = self.ring_setting(text.as_ref()) {
                layer
                    .criteria
                    .push((criterion, ring, Threshold::None, origin));
            }
        }
        for (criterion, key, setting) in [
            (Criterion::Stale, "stale.days", &raw.stale),
            (Criterion::TooNew, "too-new.days", &raw.too_new),
        ] {
            let Some(setting) = setting else { continue };
            let ring = self.ring(&setting.ring);
            let days = self.days(&Some(setting.days.clone()), key);
            if let (Some(ring), Some((days, _))) = (ring, days) {
                let origin = self.at(&setting.ring.span());
                layer
                    .criteria
                    .push((criterion, ring, Threshold::Days(days), origin));
            }
        }
        if let Some(setting) = &raw.scorecard {
            let ring = self.ring(&setting.ring);
            let below = *setting.below.get_ref();
            if !(0.0..=10.0).contains(&below) {
                self.problem(
                    setting.below.span(),
                    "`scorecard.below` is an OpenSSF Scorecard score, 0 to 10",
                );
            } else if let Some(ring) = ring {
                let origin = self.at(&setting.ring.span());
                layer
                    .criteria
                    .push((Criterion::Scorecard, ring, Threshold::Below(below), origin));
            }
        }
        layer.criteria_unknown = self.ring_setting(raw.unknown.as_ref());
    }

    /// The criteria an entry's `accept` names.
    fn accept(&mut self, list: &[Text]) -> Option<BTreeSet<Criterion>> {
        let mut accepted = BTreeSet::new();
        let mut ok = true;
        for text in list {
            match Criterion::from_name(text.get_ref()) {
                Some(criterion) => {
                    accepted.insert(criterion);
                }
                None => {
                    ok = false;
                    self.problem_with_help(
                        text.span(),
                        format!("`{}` is not a criterion", text.get_ref()),
                        format!("use {}", Criterion::ALL.map(Criterion::as_str).join(", ")),
                    );
                }
            }
        }
        ok.then_some(accepted)
    }

    /// A positive number of days, or a problem at its span.
    fn days(&mut self, value: &Option<Spanned<i64>>, key: &str) -> Set<u32> {
        let value = value.as_ref()?;
        match u32::try_from(*value.get_ref()) {
            Ok(days) if days > 0 => Some((days, self.at(&value.span()))),
            _ => {
                self.problem(
                    value.span(),
                    format!("`{key}` must be a positive number of days"),
                );
                None
            }
        }
    }

    fn compile_expiry(&mut self, raw: &RawExpiry, layer: &mut Layer) {
        layer.warn_days = self.days(&raw.warn_days, "warn-days");
        layer.max_days = self.days(&raw.max_days, "max-days");
    }

    fn compile_component(
        &mut self,
        span: Range<usize>,
        raw: RawComponent,
    ) -> Option<ComponentEntry> {
        let selector = self.selector(
            span.clone(),
            raw.purl.as_ref(),
            raw.ecosystem.as_ref(),
            raw.name.as_ref(),
            raw.versions.as_ref(),
        );
        let ring = self.ring(&raw.ring);
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
        let accept = self.accept(&raw.accept);
        let link = match &raw.link {
            Some(link) if !looks_like_url(link.get_ref()) => {
                self.problem(link.span(), "`link` must be an http(s) URL");
                None
            }
            other => Some(other.as_ref().map(|l| l.get_ref().clone())),
        };
        Some(ComponentEntry {
            selector: selector?,
            ring: ring?,
            reason: raw.reason.map(Spanned::into_inner),
            use_instead: use_instead?,
            link: link?,
            sunset: sunset?,
            locked: raw.locked.is_some_and(|l| *l.get_ref()),
            accept: accept?,
            origin: self.at(&(entry_start(self.text, span.start)..span.end)),
        })
    }

    fn compile_exception(&mut self, span: Range<usize>, raw: RawException) -> Option<Exception> {
        let advisory = raw.advisory.as_ref().map(|a| a.get_ref().trim().to_owned());
        if let Some(text) = &raw.advisory {
            let id = text.get_ref().trim();
            if id.is_empty() || id.contains(char::is_whitespace) {
                self.problem(
                    text.span(),
                    "`advisory` is one advisory id, e.g. GHSA-jfh8-c2jp-5v3q",
                );
            } else if id.to_ascii_uppercase().starts_with("MAL-") {
                self.problem_with_help(
                    text.span(),
                    format!("`{id}` is a malicious-package record: it cannot be waived"),
                    "remove the package; malicious packages are always on the remove ring",
                );
            }
        }
        let names_a_component = raw.purl.is_some() || raw.ecosystem.is_some() || raw.name.is_some();
        let selector = if advisory.is_some() && !names_a_component {
            Some(None)
        } else {
            self.selector(
                span.clone(),
                raw.purl.as_ref(),
                raw.ecosystem.as_ref(),
                raw.name.as_ref(),
                raw.versions.as_ref(),
            )
            .map(Some)
        };
        let expires = self.date(&raw.expires);
        let paths = self.globs(&raw.paths);
        let repos = self.globs(&raw.repos);
        if raw.reason.get_ref().trim().is_empty() {
            self.problem(raw.reason.span(), "an exception needs a reason");
        }
        let text = |t: &[Text]| t.iter().map(|t| t.get_ref().clone()).collect();
        Some(Exception {
            selector: selector?,
            paths: text(&raw.paths),
            repos: text(&raw.repos),
            path_globs: paths?,
            repo_globs: repos?,
            expires: expires?,
            reason: raw.reason.into_inner(),
            approved_by: raw.approved_by.map(Spanned::into_inner),
            ticket: raw.ticket.map(Spanned::into_inner),
            advisory,
            origin: self.at(&(entry_start(self.text, span.start)..span.end)),
        })
    }

    fn globs(&mut self, list: &[Text]) -> Option<globset::GlobSet> {
        let mut builder = GlobSetBuilder::new();
        let mut ok = true;
        for text in list {
            match path_glob(text.get_ref()) {
                Ok(glob) => {
                    builder.add(glob);
                }
                Err(error) => {
                    ok = false;
                    self.problem(text.span(), error);
                }
            }
        }
        if !ok {
            return None;
        }
        builder.build().ok()
    }

    /// Which components an entry selects: `purl`, or `ecosystem` + `name`, and `versions`.
    fn selector(
        &mut self,
        span: Range<usize>,
        purl: Option<&Text>,
        ecosystem: Option<&Text>,
        name: Option<&Text>,
        versions: Option<&Text>,
    ) -> Option<Selector> {
        let (ecosystem, full_name) = match (purl, ecosystem, name) {
            (Some(purl), None, None) => match purl::parse_policy_purl(purl.get_ref()) {
                Ok(parsed) => (parsed.ecosystem, parsed.name),
                Err(message) => {
                    self.problem_with_help(
                        purl.span(),
                        message,
                        "write a versionless package URL such as \"pkg:cargo/openssl\"",
                    );
                    return None;
                }
            },
            (None, Some(ecosystem), Some(name)) => {
                match Ecosystem::from_name(ecosystem.get_ref()) {
                    Some(parsed) => (parsed, name.get_ref().clone()),
                    None => {
                        self.problem_with_help(
                            ecosystem.span(),
                            format!("unknown ecosystem `{}`", ecosystem.get_ref()),
                            format!(
                                "use one of: {}",
                                Ecosystem::ALL.map(Ecosystem::as_str).join(", ")
                            ),
                        );
                        return None;
                    }
                }
            }
            (Some(purl), _, _) => {
                self.problem(
                    purl.span(),
                    "an entry names its component by `purl` or by `ecosystem` and `name`, not both",
                );
                return None;
            }
            _ => {
                self.problem_with_help(
                    entry_header(self.text, span),
                    "this entry does not say which component it is about",
                    "add `purl = \"pkg:TYPE/NAME\"`, or `ecosystem` and `name`",
                );
                return None;
            }
        };
        let versions = match versions {
            Some(text) => match VersionRange::parse(ecosystem, text.get_ref()) {
                Ok(range) => Some((range, text.get_ref().clone())),
                Err(message) => {
                    self.problem(text.span(), message);
                    return None;
                }
            },
            None => None,
        };
        match Selector::new(ecosystem, &full_name, versions) {
            Ok(selector) => Some(selector),
            Err(message) => {
                let span = purl.or(name).map_or(span, |t| t.span());
                self.problem(span, message);
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

/// What a registry URL or a `link` starts with.
pub(super) const URL_PREFIXES: [&str; 5] = [
    "https://",
    "http://",
    "sparse+https://",
    "registry+https://",
    "file://",
];

fn looks_like_url(text: &str) -> bool {
    URL_PREFIXES.iter().any(|prefix| text.starts_with(prefix))
}

/// The start of an array-of-tables entry, for its origin line: the header above the entry's
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
    Exception,
}

impl TablePath {
    fn describe(self, parents: &[Segment]) -> (String, Vec<&'static str>) {
        match (self, parents.first()) {
            (TablePath::Component, _) => ("in [[components]]".into(), fields_of::<RawComponent>()),
            (TablePath::Exception, _) => ("in [[exceptions]]".into(), fields_of::<RawException>()),
            (TablePath::Root, Some(Segment::Key(table))) => {
                let fields = match table.as_str() {
                    "defaults" => fields_of::<RawDefaults>(),
                    "licenses" => fields_of::<RawLicenses>(),
                    "sources" => fields_of::<RawSources>(),
                    "scan" => fields_of::<RawScan>(),
                    "expiry" => fields_of::<RawExpiry>(),
                    "facts" => fields_of::<RawFacts>(),
                    "vulnerabilities" => fields_of::<RawVulnerabilities>(),
                    "criteria" => match parents.get(1) {
                        Some(Segment::Key(key)) if key == "scorecard" => {
                            fields_of::<RawRingBelow>()
                        }
                        Some(Segment::Key(_)) => fields_of::<RawRingDays>(),
                        _ => fields_of::<RawCriteria>(),
                    },
                    _ => Vec::new(),
                };
                (format!("in [{table}]"), fields)
            }
            (TablePath::Root, _) => {
                let mut fields = fields_of::<RawPolicy>();
                fields.extend(["components", "exceptions"]);
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
    fn key_lists_come_from_the_structs() {
        assert_eq!(fields_of::<RawDefaults>(), ["ring", "scope"]);
        assert!(fields_of::<RawComponent>().contains(&"use-instead"));
        assert!(fields_of::<RawException>().contains(&"approved-by"));
    }
}
