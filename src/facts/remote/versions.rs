//! The versions a package has published, for components a manifest declares with a
//! requirement only: facts describe versions, so the facts stage picks the newest version the
//! requirement allows from this list and asks about that one.
//!
//! Each list comes from the first source the policy allows that serves the package, asked the
//! way the other facts are: the npm registry (as `.npmrc` configures it) and PyPI for their
//! packages, deps.dev for the other systems it covers (Maven, NuGet, RubyGems, Go, and npm and
//! PyPI when the registries are not allowed). No input gives a crate with a requirement only
//! (Cargo resolves a workspace without a lockfile itself), so crates.io is not asked. Lists are cached per package like
//! other answers; a list changes with every release, so it stays fresh only as long as
//! deprecation and yank flags do (`flags-max-age`), and a list that could not be fetched
//! again is used as it was. A source that fails is not asked again in the run.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use super::npmrc::Npmrc;
use super::{CONCURRENCY, Usage, depsdev, npm, pypi};
use crate::facts::cache::{Cache, Entry, Freshness};
use crate::facts::config::Config;
use crate::facts::known::{Missing, fetched};
use crate::model::Ecosystem;
use crate::model::facts::{Endpoint, FactSource, Origin, SourceKind};
use crate::net::http::Http;
use crate::net::retry::Failure;

/// One version a package lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub version: String,
    /// Withdrawn from new resolution (PyPI; crates.io through deps.dev): no installer picks
    /// it for a range.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub yanked: bool,
}

impl Published {
    /// `version`, not yanked.
    pub fn of(version: String) -> Published {
        Published {
            version,
            yanked: false,
        }
    }
}

/// A package whose versions are wanted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Package {
    pub ecosystem: Ecosystem,
    /// As the ecosystem compares names.
    pub name: String,
    /// The registry the input recorded, when it is not the public one.
    pub registry: Option<String>,
}

/// What became of one package's list.
#[derive(Clone, Debug)]
pub enum Listing {
    /// Its versions (none when the source does not know the package), and where they came
    /// from.
    Versions {
        versions: Vec<Published>,
        origin: Origin,
    },
    /// No list: offline with nothing cached, or the source could not be reached.
    Missing(Missing),
    /// No source depgov may ask lists this package's versions.
    NotListed,
}

/// Where a package's versions are asked for.
#[derive(Clone, Debug)]
enum Lister {
    Npm { registry: String },
    Pypi { base: String },
    DepsDev { base: String, system: &'static str },
}

impl Lister {
    /// The first source `config` allows that serves `package`.
    fn of(package: &Package, config: &Config, npmrc: &Npmrc) -> Option<Lister> {
        let public = package.registry.is_none();
        if config.allows(SourceKind::Registries) {
            let url = |endpoint| config.url(endpoint).to_owned();
            let lister = match package.ecosystem {
                Ecosystem::Npm => {
                    let configured = npmrc.registry_for(&package.name).map(str::to_owned);
                    configured
                        .or_else(|| package.registry.clone())
                        .or_else(|| Some(url(Endpoint::Npm)))
                        .map(|registry| Lister::Npm { registry })
                }
                Ecosystem::Pypi if public => Some(Lister::Pypi {
                    base: url(Endpoint::Pypi),
                }),
                _ => None,
            };
            if lister.is_some() {
                return lister;
            }
        }
        let system = depsdev::system(package.ecosystem)?;
        (public && config.allows(SourceKind::DepsDev)).then(|| Lister::DepsDev {
            base: config.url(Endpoint::DepsDev).to_owned(),
            system,
        })
    }

    fn source(&self) -> FactSource {
        match self {
            Lister::Npm { .. } => FactSource::Npm,
            Lister::Pypi { .. } => FactSource::Pypi,
            Lister::DepsDev { .. } => FactSource::DepsDev,
        }
    }

    async fn fetch(
        &self,
        http: &Http,
        npmrc: &Npmrc,
        package: &Package,
    ) -> Result<Vec<Published>, Failure> {
        let name = package.name.as_str();
        match self {
            Lister::Npm { registry } => {
                let token = npmrc.token_for(&npm::url(registry, name));
                npm::versions(http, registry, token, name).await
            }
            Lister::Pypi { base } => pypi::versions(http, base, name).await,
            Lister::DepsDev { base, system } => depsdev::versions(http, base, system, name).await,
        }
    }
}

/// A cached list.
type Cached = Entry<Vec<Published>>;

/// The cache key of `package`'s list.
fn cache_key(package: &Package) -> String {
    let registry = package.registry.as_deref().unwrap_or("");
    format!("versions:{}/{}#{registry}", package.ecosystem, package.name)
}

/// The versions of each of `packages`, in that order. `usage` collects how each source fared.
pub fn list(
    config: &Config,
    cache: &Cache,
    npmrc: &Npmrc,
    packages: &[Package],
    usage: &Mutex<BTreeMap<FactSource, Usage>>,
) -> Vec<Listing> {
    let note = |source: FactSource, update: &dyn Fn(&mut Usage)| {
        if let Ok(mut usage) = usage.lock() {
            update(usage.entry(source).or_default());
        }
    };
    let mut listings = vec![Listing::NotListed; packages.len()];
    // What is left to fetch: index, where, and the cached list too old to use unless asking
    // again fails.
    let mut to_fetch: Vec<(usize, Lister, Option<Cached>)> = Vec::new();
    for (index, package) in packages.iter().enumerate() {
        let Some(lister) = Lister::of(package, config, npmrc) else {
            continue;
        };
        let source = lister.source();
        let entry: Option<Cached> = cache.get_as(source, &cache_key(package));
        let fresh = entry.as_ref().is_some_and(|entry| {
            config.offline
                || entry.freshness(config.license_max_age, config.flags_max_age) == Freshness::Fresh
        });
        match entry {
            Some(entry) if fresh => {
                note(source, &|usage| {
                    usage.from_cache += 1;
                    usage.answered += 1;
                });
                listings[index] = listed(entry, source);
            }
            _ if config.offline => listings[index] = Listing::Missing(Missing::Offline),
            stale => to_fetch.push((index, lister, stale)),
        }
    }
    if to_fetch.is_empty() {
        return listings;
    }
    let runtime = match crate::net::runtime() {
        Ok(runtime) => runtime,
        Err(message) => {
            for (index, lister, _) in to_fetch {
                note(lister.source(), &|usage| {
                    usage.failure.get_or_insert(message.clone());
                });
                listings[index] = Listing::Missing(Missing::Unreachable(message.clone()));
            }
            return listings;
        }
    };
    let mut clients: HashMap<FactSource, Http> = HashMap::new();
    for (_, lister, _) in &to_fetch {
        let source = lister.source();
        if clients.contains_key(&source) {
            continue;
        }
        match config.http() {
            Ok(http) => {
                clients.insert(source, http);
            }
            Err(message) => note(source, &|usage| {
                usage.failure.get_or_insert(message.clone());
            }),
        }
    }
    // Why each source that failed is down: the rest of its packages are not asked.
    let down: Mutex<HashMap<FactSource, String>> = Mutex::new(HashMap::new());
    let results: Vec<(usize, Result<Vec<Published>, Failure>)> = runtime.block_on(
        futures_util::stream::iter(&to_fetch)
            .map(|(index, lister, _)| {
                let (clients, down) = (&clients, &down);
                async move {
                    let source = lister.source();
                    let known_down = down.lock().ok().and_then(|d| d.get(&source).cloned());
                    let result = match (known_down, clients.get(&source)) {
                        (Some(why), _) => Err(Failure::message(why)),
                        (None, None) => Err(Failure::message("no HTTP client".to_owned())),
                        (None, Some(http)) => lister.fetch(http, npmrc, &packages[*index]).await,
                    };
                    if let (Err(failure), Ok(mut down)) = (&result, down.lock()) {
                        down.entry(source)
                            .or_insert_with(|| failure.message.clone());
                    }
                    (*index, result)
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect(),
    );
    for (source, http) in &clients {
        note(*source, &|usage| usage.requests += http.sent());
    }
    let mut stale: HashMap<usize, (FactSource, Option<Cached>)> = to_fetch
        .into_iter()
        .map(|(index, lister, entry)| (index, (lister.source(), entry)))
        .collect();
    for (index, result) in results {
        let Some((source, entry)) = stale.remove(&index) else {
            continue;
        };
        listings[index] = match result {
            Ok(versions) => {
                cache.put_as(source, &cache_key(&packages[index]), &versions);
                note(source, &|usage| usage.answered += 1);
                Listing::Versions {
                    versions,
                    origin: fetched(source, crate::facts::cache::now()),
                }
            }
            Err(failure) => {
                note(source, &|usage| {
                    usage.failure.get_or_insert(failure.message.clone());
                });
                match entry {
                    Some(entry) => listed(entry, source),
                    None => Listing::Missing(Missing::Unreachable(source.as_str().to_owned())),
                }
            }
        };
    }
    listings
}

/// A cached list, with the time it was fetched.
fn listed(entry: Cached, source: FactSource) -> Listing {
    Listing::Versions {
        versions: entry.known,
        origin: fetched(source, entry.fetched),
    }
}
