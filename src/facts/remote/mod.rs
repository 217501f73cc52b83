//! The remote sources of facts, asked as little as their terms and the benchmark allow:
//!
//! 1. deps.dev, in batches of 5,000 versions, for every component from a public registry of a
//!    system it covers;
//! 2. the registries, for what deps.dev does not carry or did not know: crates.io's sparse
//!    index for yanks (every crate), PyPI for yanks (every version), the npm registry for
//!    versions deps.dev did not answer, and crates.io's API — one request a second — for
//!    crates whose license nothing else knew.
//!
//! A package's versions, for components a manifest declares with a requirement only, are
//! listed by [`versions`].
//!
//! When several answer the same fact, the registry's answer wins over deps.dev's (the order
//! of [`crate::facts`]); the registries are only asked less. Every answer, "not found"
//! included, is cached; a fresh cache entry is not asked again. A source that fails after its
//! retries is marked down for the rest of the run, and its remaining components are reported
//! as unreachable instead of waiting on it again.

pub mod crates;
pub mod depsdev;
pub mod npm;
pub mod npmrc;
pub mod pypi;
pub mod scorecard;
pub mod versions;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, mpsc};

use futures_util::StreamExt;

use super::cache::{Cache, Entry, Freshness};
use super::config::Config;
use super::known::{Answer, Known, Missing, fetched};
use crate::model::Ecosystem;
use crate::model::facts::{Endpoint, FactSource, SourceKind};
use crate::net::http::Http;
use crate::net::retry::Failure;
use crate::net::throttle::Pace;
use npmrc::Npmrc;

/// How many requests a registry has in flight at once.
const CONCURRENCY: usize = 16;
/// crates.io's sparse index asks for no rate limit.
const INDEX_CONCURRENCY: usize = 32;

/// A package version to ask about.
#[derive(Clone, Debug)]
pub struct Wanted {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: String,
    /// From the ecosystem's public registry (what deps.dev and the default registries serve).
    pub public: bool,
    /// The registry the input recorded, when it is not the public one.
    pub registry: Option<String>,
    /// Whether a source consulted before the remote ones (an installed tree) gave a license.
    pub has_license: bool,
}

impl Wanted {
    /// The cache key: the package version, and its registry when not the public one.
    fn key(&self) -> String {
        let registry = self.registry.as_deref().unwrap_or("");
        format!(
            "{}/{}@{}#{registry}",
            self.ecosystem, self.name, self.version
        )
    }
}

/// Whether some remote source knows packages of `ecosystem`.
pub fn covers(ecosystem: Ecosystem) -> bool {
    depsdev::system(ecosystem).is_some()
        || matches!(
            ecosystem,
            Ecosystem::Npm | Ecosystem::Pypi | Ecosystem::Cargo
        )
}

/// How one source fared in a run.
#[derive(Clone, Debug, Default)]
pub struct Usage {
    /// Components it answered for, from the cache included.
    pub answered: usize,
    pub from_cache: usize,
    pub requests: u64,
    /// Why it was marked down, when it was.
    pub failure: Option<String>,
}

/// What the remote sources answered for each wanted version (by index), in precedence order,
/// and what they could not.
#[derive(Default)]
pub struct Remote {
    pub answers: Vec<Vec<(FactSource, Answer)>>,
    pub missing: Vec<Vec<Missing>>,
    /// Whether a source that could know was consulted (or would have been, online).
    pub consulted: Vec<bool>,
}

/// Asks the remote sources `config` allows about `wanted`. `usage` collects how each fared.
pub fn ask(
    config: &Config,
    cache: &Cache,
    npmrc: &Npmrc,
    wanted: &[Wanted],
    usage: &Mutex<BTreeMap<FactSource, Usage>>,
) -> Remote {
    let mut remote = Remote {
        answers: vec![Vec::new(); wanted.len()],
        missing: vec![Vec::new(); wanted.len()],
        consulted: vec![false; wanted.len()],
    };
    if wanted.is_empty() {
        return remote;
    }
    let runtime = match crate::net::runtime() {
        Ok(runtime) => runtime,
        Err(message) => {
            for missing in &mut remote.missing {
                missing.push(Missing::Unreachable(message.clone()));
            }
            return remote;
        }
    };
    // The cache is written on a thread of its own while the network is waited on: a cold
    // run writes a file per source and package version, which costs more than the requests.
    std::thread::scope(|scope| {
        let (writes, to_write) = mpsc::channel::<Write>();
        scope.spawn(move || {
            for (source, key, known) in to_write {
                cache.put(source, &key, &known);
            }
        });
        runtime.block_on(async {
            let mut run = Run {
                config,
                cache,
                npmrc,
                usage,
                remote: &mut remote,
                writes,
                stale: HashMap::new(),
            };
            run.all(wanted).await;
        });
    });
    remote
}

/// One run of the remote sources.
struct Run<'a> {
    config: &'a Config,
    cache: &'a Cache,
    npmrc: &'a Npmrc,
    usage: &'a Mutex<BTreeMap<FactSource, Usage>>,
    remote: &'a mut Remote,
    /// To the thread that writes the cache.
    writes: mpsc::Sender<Write>,
    /// Cache entries too old for flags but young enough for the rest, by how they are asked
    /// and index: used, without their flags, when asking again fails.
    stale: HashMap<(Source, usize), Entry>,
}

/// An answer to store in the cache: its source, its key, what it says.
type Write = (FactSource, String, Known);

/// What one source is asked for: indexes into `wanted`, grouped as the source answers them
/// (one group per request for per-package sources; everything in one for deps.dev).
struct Plan {
    source: FactSource,
    /// The service asked, its base URL, and the version of the package each index wants.
    groups: Vec<Group>,
}

struct Group {
    base: String,
    name: String,
    indexes: Vec<usize>,
}

impl Run<'_> {
    async fn all(&mut self, wanted: &[Wanted]) {
        let registries = self.config.allows(SourceKind::Registries);
        // deps.dev, crates.io's index and PyPI do not wait for another source's answers: they
        // are asked at the same time. The npm registry and crates.io's API are asked about
        // what those left unknown.
        let mut first = Vec::new();
        if self.config.allows(SourceKind::DepsDev) {
            let eligible: Vec<usize> = (0..wanted.len())
                .filter(|&i| wanted[i].public && depsdev::system(wanted[i].ecosystem).is_some())
                .collect();
            let plan = Plan {
                source: FactSource::DepsDev,
                groups: vec![Group {
                    base: self.config.url(Endpoint::DepsDev).to_owned(),
                    name: String::new(),
                    indexes: eligible,
                }],
            };
            first.push(self.prepare(wanted, plan, Service::DepsDev));
        }
        if registries {
            let index = self.per_package(wanted, FactSource::CratesIo, |w, _| {
                (w.ecosystem == Ecosystem::Cargo && w.public)
                    .then(|| self.config.url(Endpoint::CratesIndex).to_owned())
            });
            first.push(self.prepare(wanted, index, Service::Registry(Registry::CratesIndex)));
            let pypi = self.per_version(wanted, FactSource::Pypi, |w| {
                (w.ecosystem == Ecosystem::Pypi && w.public)
                    .then(|| self.config.url(Endpoint::Pypi).to_owned())
            });
            first.push(self.prepare(wanted, pypi, Service::Registry(Registry::Pypi)));
            // The Simple API tells what a release does not: the newest release's date and
            // the project's status, asked only when the criteria judge them.
            let wants = self.config.wants;
            let projects = self.per_package(wanted, FactSource::Pypi, |w, _| {
                (w.ecosystem == Ecosystem::Pypi
                    && w.public
                    && (wants.latest_release || wants.project_status))
                    .then(|| self.config.url(Endpoint::Pypi).to_owned())
            });
            first.push(self.prepare(wanted, projects, Service::Registry(Registry::PypiProject)));
        }
        let npmrc = self.npmrc;
        let asked = futures_util::future::join_all(
            first
                .iter()
                .flatten()
                .map(|asking| asking.send(wanted, npmrc)),
        )
        .await;
        for (asking, results) in first.into_iter().flatten().zip(asked) {
            self.finish(asking, results);
        }
        if registries {
            let npm = self.per_package(wanted, FactSource::Npm, |w, answers| {
                let needed = w.ecosystem == Ecosystem::Npm
                    && !depsdev_knew_everything(answers, self.config.wants.latest_release);
                needed.then(|| self.npm_registry(w)).flatten()
            });
            self.fetch_groups(wanted, npm, Registry::Npm).await;
            let api = self.per_package(wanted, FactSource::CratesIo, |w, answers| {
                let license_known =
                    w.has_license || answers.iter().any(|(_, a)| has_license(&a.known));
                (w.ecosystem == Ecosystem::Cargo && w.public && !license_known)
                    .then(|| self.config.url(Endpoint::Crates).to_owned())
            });
            self.fetch_groups(wanted, api, Registry::CratesApi).await;
        }
    }

    /// The registry to ask about an npm package: the one `.npmrc` names for it, else the one
    /// its lockfile recorded when that is not the public one, else the configured one.
    fn npm_registry(&self, wanted: &Wanted) -> Option<String> {
        let configured = self.npmrc.registry_for(&wanted.name).map(str::to_owned);
        configured.or_else(|| wanted.registry.clone()).or_else(|| {
            wanted
                .public
                .then(|| self.config.url(Endpoint::Npm).to_owned())
        })
    }

    /// Groups of versions of one package each, for the sources asked per package; `base`
    /// says whether and where a wanted version is asked.
    fn per_package(
        &self,
        wanted: &[Wanted],
        source: FactSource,
        base: impl Fn(&Wanted, &[(FactSource, Answer)]) -> Option<String>,
    ) -> Plan {
        let mut groups: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
        for (index, w) in wanted.iter().enumerate() {
            if let Some(base) = base(w, &self.remote.answers[index]) {
                groups
                    .entry((base, w.name.clone()))
                    .or_default()
                    .push(index);
            }
        }
        Plan {
            source,
            groups: groups
                .into_iter()
                .map(|((base, name), indexes)| Group {
                    base,
                    name,
                    indexes,
                })
                .collect(),
        }
    }

    /// One group per version, for sources asked per version.
    fn per_version(
        &self,
        wanted: &[Wanted],
        source: FactSource,
        base: impl Fn(&Wanted) -> Option<String>,
    ) -> Plan {
        let groups = wanted
            .iter()
            .enumerate()
            .filter_map(|(index, w)| {
                base(w).map(|base| Group {
                    base,
                    name: w.name.clone(),
                    indexes: vec![index],
                })
            })
            .collect();
        Plan { source, groups }
    }

    async fn fetch_groups(&mut self, wanted: &[Wanted], plan: Plan, registry: Registry) {
        if let Some(asking) = self.prepare(wanted, plan, Service::Registry(registry)) {
            let results = asking.send(wanted, self.npmrc).await;
            self.finish(asking, results);
        }
    }

    /// Answers what the cache can of `plan`, and gets the rest ready to send; `None` when
    /// nothing is left to ask (or nothing may be: offline).
    fn prepare(&mut self, wanted: &[Wanted], plan: Plan, service: Service) -> Option<Asking> {
        let source = plan.source;
        let kind = service.source();
        let mut groups = Vec::new();
        for group in plan.groups {
            let indexes = self.answer_from_cache(wanted, &group.indexes, source, kind);
            if !indexes.is_empty() {
                groups.push(Group { indexes, ..group });
            }
        }
        if groups.is_empty() || self.config.offline {
            return None;
        }
        let pace = match service {
            Service::Registry(Registry::CratesApi) => Pace {
                per_minute: Some(60),
                ..Pace::default()
            },
            _ => Pace::default(),
        };
        let http = self.client(source, pace)?;
        Some(Asking {
            source,
            service,
            groups,
            http,
            writes: self.writes.clone(),
        })
    }

    /// Counts what `asking` sent, and keeps what it brought back.
    fn finish(&mut self, asking: Asking, results: Vec<GroupResult>) {
        self.count_requests(asking.source, asking.http.sent());
        let source = asking.source;
        let kind = asking.service.source();
        for (indexes, result) in results {
            match result {
                Ok(known) => {
                    for (index, known) in indexes.into_iter().zip(known) {
                        self.store(index, source, known);
                    }
                }
                Err(failure) => {
                    for index in indexes {
                        let failure = Failure::message(failure.message.clone());
                        self.fail(index, source, kind, failure);
                    }
                }
            }
        }
    }

    /// The client for `source`; `None` (and the source marked down) when it cannot be built.
    fn client(&mut self, source: FactSource, pace: Pace) -> Option<Http> {
        match Http::new(&self.config.user_agent, self.config.backoff, pace) {
            Ok(http) => Some(http),
            Err(message) => {
                self.note(source, |usage| {
                    usage.failure.get_or_insert(message);
                });
                None
            }
        }
    }

    /// Answers `indexes` from the cache where it can; returns those left to fetch.
    fn answer_from_cache(
        &mut self,
        wanted: &[Wanted],
        indexes: &[usize],
        source: FactSource,
        kind: Source,
    ) -> Vec<usize> {
        let mut left = Vec::new();
        for &index in indexes {
            self.remote.consulted[index] = true;
            let key = kind.cache_key(&wanted[index]);
            let entry = self.cache.get(source, &key);
            let freshness = entry.as_ref().map(|entry| {
                entry.freshness(self.config.license_max_age, self.config.flags_max_age)
            });
            let usable = match freshness {
                _ if self.config.offline => entry,
                Some(Freshness::Fresh) => entry,
                Some(Freshness::FlagsStale) => {
                    if let Some(entry) = entry {
                        self.stale.insert((kind, index), entry);
                    }
                    None
                }
                _ => None,
            };
            match usable {
                Some(entry) => {
                    self.note(source, |usage| {
                        usage.from_cache += 1;
                        usage.answered += 1;
                    });
                    self.remote.answers[index].push((
                        source,
                        Answer {
                            known: entry.known,
                            origin: fetched(source, entry.fetched),
                        },
                    ));
                }
                None if self.config.offline => {
                    self.remote.missing[index].push(Missing::Offline);
                }
                None => left.push(index),
            }
        }
        left
    }

    /// Keeps what `source` said of `wanted[index]` (the cache has it already).
    fn store(&mut self, index: usize, source: FactSource, known: Known) {
        self.note(source, |usage| usage.answered += 1);
        self.remote.answers[index].push((
            source,
            Answer {
                known,
                origin: fetched(source, super::cache::now()),
            },
        ));
    }

    /// `source`, asked as `kind`, could not say anything of `wanted[index]`: what the cache
    /// had that does not go stale in a day (all but the flags) is still worth having.
    fn fail(&mut self, index: usize, source: FactSource, kind: Source, failure: Failure) {
        self.note(source, |usage| {
            usage.failure.get_or_insert(failure.message);
        });
        self.remote.missing[index].push(Missing::Unreachable(source.as_str().to_owned()));
        if let Some(entry) = self.stale.remove(&(kind, index)) {
            let known = Known {
                deprecated: None,
                yanked: None,
                ..entry.known
            };
            self.remote.answers[index].push((
                source,
                Answer {
                    known,
                    origin: fetched(source, entry.fetched),
                },
            ));
        }
    }

    fn count_requests(&self, source: FactSource, sent: u64) {
        self.note(source, |usage| usage.requests += sent);
    }

    /// Updates how `source` fares.
    fn note(&self, source: FactSource, update: impl FnOnce(&mut Usage)) {
        if let Ok(mut usage) = self.usage.lock() {
            update(usage.entry(source).or_default());
        }
    }
}

/// How a source is asked, for its cache keys and its pace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Source {
    DepsDev,
    CratesIndex,
    CratesApi,
    Pypi,
    PypiProject,
    Npm,
}

impl Source {
    /// The cache key of a wanted version as this source answers it (the index and the API of
    /// crates.io answer different facts under one [`FactSource`]).
    fn cache_key(self, wanted: &Wanted) -> String {
        let tag = match self {
            Source::DepsDev => "version",
            Source::CratesIndex => "index",
            Source::CratesApi => "api",
            Source::Pypi => "release",
            Source::PypiProject => "simple",
            Source::Npm => "packument",
        };
        format!("{tag}:{}", wanted.key())
    }
}

/// What a group's request gave, with the indexes it answers for.
type GroupResult = (Vec<usize>, Result<Vec<Known>, Failure>);

/// A source's requests, ready to send. It borrows nothing of the [`Run`], so that sources
/// that do not wait for each other are asked at the same time.
struct Asking {
    source: FactSource,
    service: Service,
    groups: Vec<Group>,
    http: Http,
    /// Answers go to the cache as they come, so that writing it overlaps with waiting.
    writes: mpsc::Sender<Write>,
}

impl Asking {
    /// Sends the requests: deps.dev's in batches, a registry's a group at a time.
    async fn send(&self, wanted: &[Wanted], npmrc: &Npmrc) -> Vec<GroupResult> {
        match self.service {
            Service::DepsDev => self.send_batches(wanted).await,
            Service::Registry(registry) => self.send_groups(registry, wanted, npmrc).await,
        }
    }

    /// deps.dev's batches, a result for each version.
    async fn send_batches(&self, wanted: &[Wanted]) -> Vec<GroupResult> {
        let mut results = Vec::new();
        for group in &self.groups {
            let asked: Vec<Wanted> = group.indexes.iter().map(|&i| wanted[i].clone()).collect();
            let answers = depsdev::fetch(&self.http, &group.base, &asked).await;
            for (&index, answer) in group.indexes.iter().zip(&answers) {
                if let Ok(known) = answer {
                    self.cache(wanted, index, known);
                }
            }
            results.extend(
                group
                    .indexes
                    .iter()
                    .zip(answers)
                    .map(|(&index, answer)| (vec![index], answer.map(|known| vec![known]))),
            );
        }
        results
    }

    /// A registry's requests, as many at once as it allows. A registry that fails is not
    /// asked again in this run.
    async fn send_groups(
        &self,
        registry: Registry,
        wanted: &[Wanted],
        npmrc: &Npmrc,
    ) -> Vec<GroupResult> {
        let http = &self.http;
        let concurrency = match registry {
            Registry::CratesIndex => INDEX_CONCURRENCY,
            Registry::CratesApi => 1,
            Registry::Pypi | Registry::PypiProject | Registry::Npm => CONCURRENCY,
        };
        let down: Mutex<Option<String>> = Mutex::new(None);
        futures_util::stream::iter(&self.groups)
            .map(|group| {
                let down = &down;
                async move {
                    let indexes = group.indexes.clone();
                    if let Some(why) = down.lock().map(|d| d.clone()).unwrap_or(None) {
                        return (indexes, Err(Failure::message(why)));
                    }
                    let versions: Vec<&str> = group
                        .indexes
                        .iter()
                        .map(|&i| wanted[i].version.as_str())
                        .collect();
                    let result = match registry {
                        Registry::CratesIndex => {
                            crates::from_index(http, &group.base, &group.name, &versions).await
                        }
                        Registry::CratesApi => {
                            crates::from_api(http, &group.base, &group.name, &versions).await
                        }
                        Registry::Pypi => pypi::fetch(http, &group.base, &group.name, versions[0])
                            .await
                            .map(|known| vec![known]),
                        Registry::PypiProject => pypi::project(http, &group.base, &group.name)
                            .await
                            .map(|known| vec![known; versions.len()]),
                        Registry::Npm => {
                            let url = npm::url(&group.base, &group.name);
                            let token = npmrc.token_for(&url);
                            npm::fetch(http, &group.base, token, &group.name, &versions).await
                        }
                    };
                    match &result {
                        Ok(answers) => {
                            for (&index, known) in indexes.iter().zip(answers) {
                                self.cache(wanted, index, known);
                            }
                        }
                        Err(failure) => {
                            if let Ok(mut down) = down.lock() {
                                down.get_or_insert_with(|| failure.message.clone());
                            }
                        }
                    }
                    (indexes, result)
                }
            })
            .buffer_unordered(concurrency)
            .collect()
            .await
    }

    /// Stores what the source said of `wanted[index]`. The writer goes away only with the run,
    /// and a cache that is not written is no error.
    fn cache(&self, wanted: &[Wanted], index: usize, known: &Known) {
        let key = self.service.source().cache_key(&wanted[index]);
        let _ = self.writes.send((self.source, key, known.clone()));
    }
}

/// A service asked: deps.dev, in batches, or a registry.
#[derive(Clone, Copy, Debug)]
enum Service {
    DepsDev,
    Registry(Registry),
}

impl Service {
    fn source(self) -> Source {
        match self {
            Service::DepsDev => Source::DepsDev,
            Service::Registry(registry) => registry.source(),
        }
    }
}

/// A registry asked per package (or per version).
#[derive(Clone, Copy, Debug)]
enum Registry {
    CratesIndex,
    CratesApi,
    Pypi,
    /// PyPI's Simple API, per project.
    PypiProject,
    Npm,
}

impl Registry {
    fn source(self) -> Source {
        match self {
            Registry::CratesIndex => Source::CratesIndex,
            Registry::CratesApi => Source::CratesApi,
            Registry::Pypi => Source::Pypi,
            Registry::PypiProject => Source::PypiProject,
            Registry::Npm => Source::Npm,
        }
    }
}

/// Whether deps.dev already answered every fact wanted of the npm registry (the newest
/// release's date only when the policy judges staleness: deps.dev gives it for the newest
/// version alone).
fn depsdev_knew_everything(answers: &[(FactSource, Answer)], latest_release: bool) -> bool {
    answers.iter().any(|(source, answer)| {
        *source == FactSource::DepsDev
            && answer.known.found
            && has_license(&answer.known)
            && answer.known.published.is_some()
            && (!latest_release || answer.known.latest_release.is_some())
    })
}

fn has_license(known: &Known) -> bool {
    known
        .license
        .as_deref()
        .is_some_and(|l| !l.trim().is_empty())
}

/// A repository URL as a browser opens it: `git+https://…`, `git://…`, `ssh://git@…` and
/// `git@host:owner/repo` become `https://host/owner/repo`, without `.git`; npm's
/// `github:owner/repo` and bare `owner/repo` shorthands too. `None` for what is not a URL.
pub fn browsable(url: &str) -> Option<String> {
    let url = url.trim();
    let url = url.strip_prefix("git+").unwrap_or(url);
    let rest = if let Some(rest) = url.strip_prefix("github:") {
        format!("github.com/{rest}")
    } else if let Some((_, rest)) = url.split_once("://") {
        let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
        rest.to_owned()
    } else if let Some(rest) = url.strip_prefix("git@") {
        rest.replacen(':', "/", 1)
    } else if url.split('/').count() == 2 && !url.contains(':') && !url.contains(' ') {
        format!("github.com/{url}")
    } else {
        return None;
    };
    let rest = rest.trim_end_matches('/').trim_end_matches(".git");
    let host = rest.split('/').next().unwrap_or("");
    let plain = !rest.is_empty()
        && host.contains('.')
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~/:%+".contains(c));
    plain.then(|| format!("https://{rest}"))
}

/// Whether a URL is on a forge that hosts source repositories.
pub fn is_forge(url: &str) -> bool {
    [
        "https://github.com/",
        "https://gitlab.com/",
        "https://bitbucket.org/",
        "https://codeberg.org/",
    ]
    .iter()
    .any(|forge| url.starts_with(forge))
}
