//! Policies built on policies: a policy's `extends` resolved into layers (local files, the
//! embedded default, `github:OWNER/REPO/PATH@REF`), then merged into one effective policy.
//!
//! Merge rules, base layer first: a setting a later layer sets replaces the earlier one;
//! licenses are the union of the lists, the later layer's ring winning per license; component
//! entries with the same purl and versions are replaced by the later layer's; exceptions are
//! the union. An entry marked `locked = true` cannot be made more lenient by a later layer,
//! neither by an entry with a better ring for any version of that component nor by an
//! exception: either is a policy error naming both places.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::lint::Lint;
use super::load::{Layer, read_layer};
use super::{Criteria, FactsSettings, LicenseRings, Policy, PolicyOrigin, SourceRings};
use crate::diagnostic::{self, Diagnostic};
use crate::error::Error;
use crate::model::codes::LintCode;
use crate::model::facts::{Endpoint, Level};
use crate::model::registry;
use crate::model::{Criterion, Kind, Location, Ring};

/// Where the files a policy names are read from: the disk, or a git commit.
pub trait Files {
    /// The text of `path` (already resolved against the file that names it); `None` when there
    /// is no such file.
    fn read(&self, path: &str) -> Result<Option<String>, Error>;
}

/// Files on disk, by path relative to the working directory.
pub struct Disk;

impl Files for Disk {
    fn read(&self, path: &str) -> Result<Option<String>, Error> {
        match std::fs::read(path) {
            Ok(bytes) => crate::inventory::discover::text(path, bytes).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(Error::Read {
                path: path.to_owned(),
                source,
            }),
        }
    }
}

/// A policy kept in a GitHub repository: `github:OWNER/REPO/PATH@REF`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GithubPolicy {
    /// `OWNER/REPO`.
    pub repo: String,
    pub path: String,
    pub reference: String,
}

impl std::fmt::Display for GithubPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "github:{}/{}@{}", self.repo, self.path, self.reference)
    }
}

/// Fetches `github:` policies (the GitHub client, with its cache and `--offline`).
pub trait Remote {
    /// The text of the policy file; the error says why not, for the user.
    fn fetch(&self, policy: &GithubPolicy) -> Result<String, String>;
}

/// Where `extends` entries are read from.
pub struct Sources<'a> {
    pub files: &'a dyn Files,
    pub remote: Option<&'a dyn Remote>,
}

/// A layer's identity: where its text comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Source {
    Embedded,
    File(String),
    Github(GithubPolicy),
}

impl Source {
    fn shown(&self) -> String {
        match self {
            Source::Embedded => EMBEDDED_NAME.to_owned(),
            Source::File(path) => path.clone(),
            Source::Github(policy) => policy.to_string(),
        }
    }
}

/// How `extends` names the embedded default policy.
pub const EMBEDDED_NAME: &str = "depgov:default";

const EMBEDDED_TEXT: &str = include_str!("../../policies/default.toml");

/// Loads the policy `file` (with `text`) and every layer it extends.
pub fn load(
    file: &str,
    text: &str,
    origin: PolicyOrigin,
    sources: &Sources<'_>,
) -> Result<Policy, Error> {
    let top = if origin == PolicyOrigin::Embedded {
        Source::Embedded
    } else {
        Source::File(file.to_owned())
    };
    let mut resolver = Resolver {
        sources,
        stack: Vec::new(),
        done: HashSet::new(),
        layers: Vec::new(),
        problems: Vec::new(),
        count: 0,
        first: None,
        lints: Vec::new(),
    };
    resolver.collect(&top, text);
    if resolver.count == 0 {
        match merge(&resolver.layers) {
            Ok(mut policy) => {
                policy.origin = origin;
                policy.lints = [resolver.lints, policy.lints].concat();
                if policy.name.is_empty() {
                    policy.name = file.to_owned();
                }
                return Ok(policy);
            }
            Err(problems) => {
                resolver.count += problems.len();
                resolver.problems.extend(problems);
            }
        }
    }
    // Problems between layers are rendered without a structured location: they are the top
    // file's, at its start.
    let first = resolver.first.unwrap_or_else(|| {
        let rendered = resolver.problems.concat();
        let message = rendered.lines().next().unwrap_or_default().to_owned();
        (
            Location {
                file: file.into(),
                line: 1,
            },
            message,
        )
    });
    Err(Error::Policy {
        file: file.to_owned(),
        count: resolver.count,
        rendered: resolver.problems.concat(),
        first,
    })
}

/// The policy compiled into the binary, used when a repository has none.
pub fn embedded() -> Policy {
    let sources = Sources {
        files: &Disk,
        remote: None,
    };
    load(
        EMBEDDED_NAME,
        EMBEDDED_TEXT,
        PolicyOrigin::Embedded,
        &sources,
    )
    .expect("the embedded default policy is valid (a unit test checks it)")
}

/// Reads the policy file at `path` (`display` is how reports and diagnostics name it) and the
/// layers it extends.
pub fn load_file(
    path: &std::path::Path,
    display: &str,
    remote: Option<&dyn Remote>,
) -> Result<Policy, Error> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: display.to_owned(),
        source,
    })?;
    let text = crate::inventory::discover::text(display, bytes)?;
    let sources = Sources {
        files: &Disk,
        remote,
    };
    load(
        display,
        &text,
        PolicyOrigin::File(display.to_owned()),
        &sources,
    )
}

/// Reads policy text; `file` names it, and its local `extends` are read from disk relative to
/// it. `github:` layers are not fetched.
pub fn parse(file: &str, text: &str, origin: PolicyOrigin) -> Result<Policy, Error> {
    let sources = Sources {
        files: &Disk,
        remote: None,
    };
    load(file, text, origin, &sources)
}

struct Resolver<'a, 'b> {
    sources: &'b Sources<'a>,
    /// The chain of layers being resolved, outermost first, for cycles and messages.
    stack: Vec<String>,
    done: HashSet<String>,
    /// Resolved layers, base first.
    layers: Vec<(String, Layer)>,
    problems: Vec<String>,
    count: usize,
    /// Where the first problem found is, and what it says.
    first: Option<(Location, String)>,
    /// Lints of every layer.
    lints: Vec<Lint>,
}

impl Resolver<'_, '_> {
    fn collect(&mut self, source: &Source, text: &str) {
        let shown = source.shown();
        let layer = match read_layer(&shown, text) {
            Ok(layer) => layer,
            Err(diagnostics) => {
                self.problem(&shown, text, &diagnostics);
                return;
            }
        };
        let mut lints: Vec<_> = layer.lints.iter().collect();
        lints.sort_by_key(|(_, lint)| lint.span.start);
        self.lints.extend(
            lints
                .into_iter()
                .map(|(code, lint)| Lint::in_text(*code, &shown, text, lint)),
        );
        self.stack.push(shown.clone());
        let mut problems = Vec::new();
        for (entry, span) in &layer.extends {
            match self.resolve(source, entry) {
                Err(message) => problems.push(Diagnostic::new(span.clone(), message)),
                Ok(target) => {
                    let name = target.shown();
                    if self.stack.contains(&name) {
                        let chain = self.chain(&name);
                        problems.push(Diagnostic::new(
                            span.clone(),
                            format!("`{entry}` makes the policies extend each other: {chain}"),
                        ));
                        continue;
                    }
                    if self.done.contains(&name) {
                        continue;
                    }
                    match self.text_of(&target) {
                        Ok(text) => self.collect(&target, &text),
                        Err(message) => {
                            let chain = self.chain(&name);
                            problems.push(
                                Diagnostic::new(span.clone(), message)
                                    .with_help(format!("extended through {chain}")),
                            );
                        }
                    }
                }
            }
        }
        self.stack.pop();
        if !problems.is_empty() {
            self.problem(&shown, text, &problems);
        }
        self.done.insert(shown.clone());
        self.layers.push((shown, layer));
    }

    /// Records the problems of the layer `shown` (with `text`).
    fn problem(&mut self, shown: &str, text: &str, diagnostics: &[Diagnostic]) {
        self.count += diagnostics.len();
        self.problems
            .push(diagnostic::render(shown, text, diagnostics));
        if self.first.is_none()
            && let Some(first) = diagnostics.iter().min_by_key(|d| d.span.start)
        {
            let location = Location {
                file: shown.into(),
                line: diagnostic::line_of(text, first.span.start),
            };
            self.first = Some((location, first.message.clone()));
        }
    }

    fn chain(&self, last: &str) -> String {
        self.stack
            .iter()
            .map(String::as_str)
            .chain([last])
            .collect::<Vec<_>>()
            .join(" → ")
    }

    /// What an `extends` entry in the layer `from` names.
    fn resolve(&self, from: &Source, entry: &str) -> Result<Source, String> {
        if entry == EMBEDDED_NAME {
            return Ok(Source::Embedded);
        }
        if let Some(spec) = entry.strip_prefix("github:") {
            return parse_github(spec).map(Source::Github);
        }
        if entry.contains("://") {
            return Err(format!(
                "`{entry}`: a policy extends local files, `github:OWNER/REPO/PATH@REF` or \
                 `{EMBEDDED_NAME}`, never an arbitrary URL"
            ));
        }
        match from {
            Source::Embedded => Err("the embedded default extends nothing".to_owned()),
            Source::File(path) => Ok(Source::File(join(path, entry))),
            Source::Github(policy) => {
                let path = join(&policy.path, entry);
                let (owner, repo) = policy.repo.split_once('/').unwrap_or((&policy.repo, ""));
                GithubPolicy::new(owner, repo, path.trim_start_matches('/'), &policy.reference)
                    .map(Source::Github)
                    .map_err(|problem| format!("`{entry}` from `{policy}`: {problem}"))
            }
        }
    }

    fn text_of(&self, source: &Source) -> Result<String, String> {
        match source {
            Source::Embedded => Ok(EMBEDDED_TEXT.to_owned()),
            Source::File(path) => match self.sources.files.read(path) {
                Ok(Some(text)) => Ok(text),
                Ok(None) => Err(format!("the policy `{path}` does not exist")),
                Err(error) => Err(error.to_string()),
            },
            Source::Github(policy) => match self.sources.remote {
                Some(remote) => remote.fetch(policy),
                None => Err(format!("`{policy}` cannot be fetched here")),
            },
        }
    }
}

/// `OWNER/REPO/PATH@REF`.
fn parse_github(spec: &str) -> Result<GithubPolicy, String> {
    let usage = || {
        format!(
            "`github:{spec}` is not `github:OWNER/REPO/PATH@REF`, e.g. github:acme/.github/policies/ospo.toml@v3"
        )
    };
    let (location, reference) = spec.rsplit_once('@').ok_or_else(usage)?;
    let mut parts = location.splitn(3, '/');
    let (Some(owner), Some(repo), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(usage());
    };
    GithubPolicy::new(owner, repo, path, reference)
        .map_err(|problem| format!("{}: {problem}", usage()))
}

impl GithubPolicy {
    /// The policy at `path` of `owner/repo` at `reference`, if every part is one GitHub accepts
    /// and none can leave the repository (or the cache directory named after it): the owner and
    /// repository are plain names, the path is relative without `.` or `..` segments.
    fn new(owner: &str, repo: &str, path: &str, reference: &str) -> Result<GithubPolicy, String> {
        let name = |s: &str| {
            !s.is_empty()
                && s != "."
                && s != ".."
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        };
        let relative = |s: &str| {
            s.split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..")
                && !s.chars().any(|c| c.is_control() || c == '\\')
        };
        if !name(owner) || !name(repo) {
            return Err(format!("`{owner}/{repo}` is not a GitHub repository name"));
        }
        if !relative(path) {
            return Err(format!("`{path}` is not a path inside the repository"));
        }
        if !relative(reference) {
            return Err(format!("`{reference}` is not a git ref"));
        }
        Ok(GithubPolicy {
            repo: format!("{owner}/{repo}"),
            path: path.to_owned(),
            reference: reference.to_owned(),
        })
    }
}

/// Whether a later layer's entry decides exactly what the earlier one does.
fn same_decision(earlier: &super::ComponentEntry, later: &super::ComponentEntry) -> bool {
    earlier.ring == later.ring
        && earlier.reason == later.reason
        && earlier.use_instead == later.use_instead
        && earlier.link == later.link
        && earlier.sunset == later.sunset
        && earlier.locked == later.locked
}

/// `relative` resolved against the directory of `file`, with `.` and `..` folded.
fn join(file: &str, relative: &str) -> String {
    if relative.starts_with('/') {
        return relative.to_owned();
    }
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != ".." && !p.is_empty()) => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}

/// The effective policy of `layers` (base first), or the problems that prevent it.
fn merge(layers: &[(String, Layer)]) -> Result<Policy, Vec<String>> {
    let mut problems = Vec::new();
    let mut settings: BTreeMap<&'static str, Location> = BTreeMap::new();
    let mut set = |key: &'static str, value: &Option<(Ring, Location)>, into: &mut Ring| {
        if let Some((ring, origin)) = value {
            *into = *ring;
            settings.insert(key, origin.clone());
        }
    };
    let mut default_ring = Ring::Assess;
    let mut unlisted = Ring::Assess;
    let mut unknown = Ring::Assess;
    let mut git = Ring::Assess;
    let mut unknown_registry = Ring::Hold;
    for (_, layer) in layers {
        set("defaults.ring", &layer.default_ring, &mut default_ring);
        set("licenses.unlisted", &layer.unlisted, &mut unlisted);
        set("licenses.unknown", &layer.unknown, &mut unknown);
        set("sources.git", &layer.git, &mut git);
        set(
            "sources.unknown-registry",
            &layer.unknown_registry,
            &mut unknown_registry,
        );
    }
    let mut last = |key: &'static str, pick: &dyn Fn(&Layer) -> Option<Location>| {
        if let Some(origin) = layers.iter().rev().find_map(|(_, l)| pick(l)) {
            settings.insert(key, origin);
        }
    };
    last("defaults.scope", &|l| l.scope.as_ref().map(|s| s.1.clone()));
    last("sources.registries", &|l| {
        l.registries.as_ref().map(|s| s.1.clone())
    });
    last("scan.exclude", &|l| {
        l.scan_exclude.as_ref().map(|s| s.1.clone())
    });
    last("expiry.warn-days", &|l| {
        l.warn_days.as_ref().map(|s| s.1.clone())
    });
    last("expiry.max-days", &|l| {
        l.max_days.as_ref().map(|s| s.1.clone())
    });
    for criterion in Criterion::ALL {
        last(criterion_key(criterion), &|l| {
            l.criteria
                .iter()
                .rev()
                .find(|(c, ..)| *c == criterion)
                .map(|(.., origin)| origin.clone())
        });
    }
    for level in Level::ALL {
        last(vulnerability_key(level), &|l| {
            l.vulnerabilities
                .iter()
                .rev()
                .find(|(v, ..)| *v == level)
                .map(|(.., origin)| origin.clone())
        });
    }
    last("criteria.unknown", &|l| {
        l.criteria_unknown.as_ref().map(|s| s.1.clone())
    });
    last("facts.sources", &|l| {
        l.facts_sources.as_ref().map(|s| s.1.clone())
    });
    last("facts.license-max-age", &|l| {
        l.license_max_age.as_ref().map(|s| s.1.clone())
    });
    last("facts.flags-max-age", &|l| {
        l.flags_max_age.as_ref().map(|s| s.1.clone())
    });
    for endpoint in Endpoint::ALL {
        last(facts_url_key(endpoint), &|l| {
            l.facts_urls
                .iter()
                .rev()
                .find(|(e, _, _)| *e == endpoint)
                .map(|(_, _, origin)| origin.clone())
        });
    }
    let latest =
        |pick: &dyn Fn(&Layer) -> bool| layers.iter().rev().map(|(_, l)| l).find(|l| pick(l));
    let scope = latest(&|l| l.scope.is_some())
        .and_then(|l| l.scope.clone())
        .map_or_else(|| BTreeSet::from([Kind::Runtime, Kind::Build]), |s| s.0);
    let (registries, registry_urls) = latest(&|l| l.registries.is_some())
        .and_then(|l| l.registries.clone())
        .map_or_else(
            || {
                let names = registry::PUBLIC.iter().map(|r| r.name.to_owned()).collect();
                let urls = registry::PUBLIC
                    .iter()
                    .flat_map(|r| r.urls.iter().map(|u| (*u).to_owned()))
                    .collect();
                (names, urls)
            },
            |s| s.0,
        );

    let mut listed: BTreeMap<spdx::LicenseReq, (Ring, Location)> = BTreeMap::new();
    let mut lints = Vec::new();
    let mut components: Vec<super::ComponentEntry> = Vec::new();
    let mut exceptions = Vec::new();
    for (index, (_, layer)) in layers.iter().enumerate() {
        for (req, ring, origin) in &layer.licenses {
            if let Some((earlier_ring, earlier)) = listed.get(req)
                && earlier_ring == ring
                && earlier.file != origin.file
            {
                lints.push(Lint::at(
                    LintCode::Repeated,
                    origin,
                    format!("`{req}` is already {ring} at {earlier}; this repeats it"),
                ));
            }
            listed.insert(req.clone(), (*ring, origin.clone()));
        }
        let locked_earlier: Vec<&super::ComponentEntry> = layers[..index]
            .iter()
            .flat_map(|(_, l)| l.components.iter())
            .filter(|entry| entry.locked)
            .collect();
        for entry in &layer.components {
            for locked in &locked_earlier {
                if locked.selector.overlaps(&entry.selector) && entry.ring < locked.ring {
                    problems.push(format!(
                        "{}: this entry makes `{}` {}, but {} locks it at {} (a policy that extends another cannot weaken its locked entries)\n",
                        entry.origin,
                        entry.selector,
                        entry.ring,
                        locked.origin,
                        locked.ring
                    ));
                }
            }
            if let Some(earlier) = components
                .iter()
                .find(|earlier| earlier.selector.key() == entry.selector.key())
                .filter(|earlier| {
                    earlier.origin.file != entry.origin.file && same_decision(earlier, entry)
                })
            {
                lints.push(Lint::at(
                    LintCode::Repeated,
                    &entry.origin,
                    format!(
                        "this entry repeats the one at {} and changes nothing; remove it",
                        earlier.origin
                    ),
                ));
            }
            components.retain(|earlier: &super::ComponentEntry| {
                earlier.selector.key() != entry.selector.key()
            });
            components.push(entry.clone());
        }
        for exception in &layer.exceptions {
            for locked in &locked_earlier {
                let overlaps = exception
                    .selector
                    .as_ref()
                    .is_none_or(|selector| locked.selector.overlaps(selector));
                if overlaps && exception.advisory.is_none() {
                    problems.push(format!(
                        "{}: this exception waives `{}`, which {} locks at {} (locked entries cannot be waived by a policy that extends them)\n",
                        exception.origin, exception.subject(), locked.origin, locked.ring
                    ));
                }
            }
            exceptions.push(exception.clone());
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Policy {
        // The embedded default's name would misname every policy built on it; unnamed
        // policies are named after their file instead (by the caller).
        name: match layers {
            [(only, layer)] if only == EMBEDDED_NAME => layer.name.clone().unwrap_or_default(),
            _ => layers
                .iter()
                .rev()
                .filter(|(shown, _)| shown != EMBEDDED_NAME)
                .find_map(|(_, l)| l.name.clone())
                .unwrap_or_default(),
        },
        contact: layers.iter().rev().find_map(|(_, l)| l.contact.clone()),
        origin: PolicyOrigin::Embedded,
        layers: layers.iter().map(|(name, _)| name.clone()).collect(),
        default_ring,
        scope,
        licenses: LicenseRings {
            listed,
            unlisted,
            unknown,
        },
        sources: SourceRings {
            git,
            registries,
            registry_urls,
            unknown_registry,
        },
        components,
        exceptions,
        scan_exclude: latest(&|l| l.scan_exclude.is_some())
            .and_then(|l| l.scan_exclude.clone())
            .map(|s| s.0),
        lints,
        warn_days: latest(&|l| l.warn_days.is_some())
            .and_then(|l| l.warn_days.clone())
            .map_or(30, |s| s.0),
        max_days: latest(&|l| l.max_days.is_some())
            .and_then(|l| l.max_days.clone())
            .map(|s| s.0),
        vulnerabilities: layers
            .iter()
            .flat_map(|(_, l)| &l.vulnerabilities)
            .map(|(level, ring, _)| (*level, *ring))
            .collect(),
        criteria: Criteria {
            rings: layers
                .iter()
                .flat_map(|(_, l)| &l.criteria)
                .map(|(criterion, ring, threshold, _)| (*criterion, (*ring, *threshold)))
                .collect(),
            unknown: latest(&|l| l.criteria_unknown.is_some())
                .and_then(|l| l.criteria_unknown.clone())
                .map(|s| s.0),
        },
        facts: FactsSettings {
            sources: latest(&|l| l.facts_sources.is_some())
                .and_then(|l| l.facts_sources.clone())
                .map(|s| s.0),
            urls: layers
                .iter()
                .flat_map(|(_, l)| &l.facts_urls)
                .map(|(endpoint, url, _)| (*endpoint, url.clone()))
                .collect(),
            license_max_age: latest(&|l| l.license_max_age.is_some())
                .and_then(|l| l.license_max_age.clone())
                .map(|s| s.0),
            flags_max_age: latest(&|l| l.flags_max_age.is_some())
                .and_then(|l| l.flags_max_age.clone())
                .map(|s| s.0),
        },
        settings,
    })
}

/// The key of a vulnerability severity's setting, as `policy show` names it.
pub(super) fn vulnerability_key(level: Level) -> &'static str {
    match level {
        Level::Critical => "vulnerabilities.critical",
        Level::High => "vulnerabilities.high",
        Level::Medium => "vulnerabilities.medium",
        Level::Low => "vulnerabilities.low",
        Level::Unknown => "vulnerabilities.unknown",
    }
}

/// The key of a criterion's setting, as `policy show` names it.
pub(super) fn criterion_key(criterion: Criterion) -> &'static str {
    match criterion {
        Criterion::Deprecated => "criteria.deprecated",
        Criterion::Yanked => "criteria.yanked",
        Criterion::Unmaintained => "criteria.unmaintained",
        Criterion::Stale => "criteria.stale",
        Criterion::Scorecard => "criteria.scorecard",
        Criterion::TooNew => "criteria.too-new",
        Criterion::LicenseChanged => "criteria.license-changed",
    }
}

/// The key of an endpoint's setting, as `policy show` names it.
pub(super) fn facts_url_key(endpoint: Endpoint) -> &'static str {
    match endpoint {
        Endpoint::Npm => "facts.npm",
        Endpoint::Pypi => "facts.pypi",
        Endpoint::Crates => "facts.crates",
        Endpoint::CratesIndex => "facts.crates-index",
        Endpoint::DepsDev => "facts.deps-dev",
        Endpoint::Scorecard => "facts.scorecard",
        Endpoint::Osv => "facts.osv",
        Endpoint::OsvDatabase => "facts.osv-database",
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
        assert_eq!(policy.layers, [EMBEDDED_NAME]);
    }

    #[test]
    fn relative_extends_resolve_against_the_extending_file() {
        assert_eq!(join(".github/depgov.toml", "../team.toml"), "team.toml");
        assert_eq!(join("a/b/depgov.toml", "./x/y.toml"), "a/b/x/y.toml");
        assert_eq!(join("depgov.toml", "../up.toml"), "../up.toml");
        assert_eq!(join("depgov.toml", "/etc/p.toml"), "/etc/p.toml");
    }

    #[test]
    fn github_references_are_owner_repo_path_and_ref() {
        let parsed = parse_github("acme/.github/policies/ospo.toml@v3").unwrap();
        assert_eq!(parsed.repo, "acme/.github");
        assert_eq!(parsed.path, "policies/ospo.toml");
        assert_eq!(parsed.reference, "v3");
        assert!(parse_github("acme/.github@v3").is_err());
        assert!(parse_github("acme/x/../../etc/passwd@v1").is_err());
    }
}
