//! Facts: what is known about a component beyond what its lockfile or SBOM recorded — its
//! license, when the version was published, whether it is deprecated or yanked (with the
//! registry's message), its source repository. The stage sits between inventory and
//! evaluation and fills components in place, so that evaluation stays pure.
//!
//! Sources, in precedence order — for each fact the first that knows it wins, and the fact
//! keeps it as its origin (docs/facts.md):
//!
//! 1. the input itself (inventory recorded it; never overridden);
//! 2. installed trees on this machine ([`installed`]): `node_modules`, Python environments,
//!    the Cargo registry cache, the Go module cache, Composer's `vendor/`, NuGet's packages;
//!    then license files of installed packages recognised by their text;
//! 3. the registries: npm (as `.npmrc` configures it), PyPI, crates.io ([`remote`]);
//! 4. deps.dev.
//!
//! A component a manifest declares with a requirement only (`^4.17.0`) gets the facts of the
//! newest version the requirement allows, picked from the package's version list
//! ([`remote::versions`]) by the ecosystem's own range rules, and its facts say which version
//! they describe; its own version stays unknown.
//! Before facts are filled, [`resolve`] adds the transitive dependencies of Maven manifests
//! from deps.dev's dependency graphs, so that they get facts too.
//!
//! The policy's `[facts] sources` chooses which kinds may be consulted; `--offline` allows no
//! network, and remote facts then come from the cache ([`cache`]) alone. One stage serves a
//! whole run: the base and the head of a change, and every repository of an organisation
//! scan, get the same answer for the same package version, fetched once.

pub mod cache;
pub mod config;
pub mod installed;
pub mod known;
pub mod licenses;
pub mod osv;
pub mod remote;
pub mod resolve;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use cache::Cache;
use config::Config;
use installed::Installed;
use osv::database::Database;

use crate::util::paths::display_path;
use known::{Answers, Missing};
use remote::npmrc::Npmrc;
use remote::{Usage, Wanted};

use crate::inventory::Inventory;
use crate::model::facts::{
    Described, Fact, FactSource, Facts, FactsReport, Gap, Origin, SourceKind, SourceReport,
};
use crate::model::license::License;
use crate::model::purl::normalize_name;
use crate::model::registry;
use crate::model::versions::range::{End, VersionRange};
use crate::model::{Component, Ecosystem, Source};

/// Identifies a package version for the facts about it: the same key, the same facts.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Key {
    ecosystem: Ecosystem,
    /// As the ecosystem compares names.
    name: String,
    version: String,
    /// Not the public registry: the registry's URL, or `git`/`path`.
    origin: Option<String>,
}

impl Key {
    fn of(component: &Component) -> Key {
        let id = &component.id;
        let origin = match &component.source {
            Source::Registry { url } if registry::is_public(url) => None,
            Source::Registry { url } => Some(url.clone()),
            Source::Git { url, .. } => Some(format!("git {url}")),
            Source::Path { path } => Some(format!("path {path}")),
        };
        Key {
            ecosystem: id.ecosystem,
            name: normalize_name(id.ecosystem, &id.name),
            version: id.version.clone(),
            origin,
        }
    }

    fn is_from_a_registry(&self) -> bool {
        self.origin
            .as_deref()
            .is_none_or(|o| !o.starts_with("git ") && !o.starts_with("path "))
    }
}

/// A map by package version. Each component's key is hashed several times a run; foldhash
/// hashes a short key several times faster than the standard library's SipHash, seeded anew
/// each run.
type KeyMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The requirement of a component a manifest declares without naming one version: its facts
/// are those of the newest version the requirement allows ([`Picked`]).
fn requirement_only(component: &Component) -> Option<&str> {
    let id = &component.id;
    id.requirement.as_deref().filter(|_| id.version.is_empty())
}

/// A package, as [`Key`] names it without a version, and a requirement on it.
type Required = (Key, String);

/// The version whose facts a requirement-only component gets, or why there is none.
#[derive(Clone, Debug)]
enum Picked {
    /// The newest version the requirement allows, and where the version list came from.
    Version {
        version: String,
        origin: Origin,
    },
    Gap(Gap),
}

/// Where the facts of a component are found.
enum Target<'a> {
    /// Under this key: the component's own, or for a requirement-only component that of the
    /// version picked for it, with the requirement and the pick.
    Key(Key, Option<(String, &'a str, &'a Origin)>),
    /// No version was picked for the requirement, for this reason.
    Gap(&'a Gap),
    /// The requirement was not decided.
    Undecided,
}

impl<'a> Target<'a> {
    fn of(component: &Component, picked: &'a KeyMap<Required, Picked>) -> Target<'a> {
        let key = Key::of(component);
        let Some(requirement) = requirement_only(component) else {
            return Target::Key(key, None);
        };
        let required = (key, requirement.to_owned());
        match picked.get(&required) {
            None => Target::Undecided,
            Some(Picked::Gap(gap)) => Target::Gap(gap),
            Some(Picked::Version { version, origin }) => {
                let (key, requirement) = required;
                let key = Key {
                    version: version.clone(),
                    ..key
                };
                Target::Key(key, Some((requirement, version, origin)))
            }
        }
    }
}

/// The facts stage of one run.
pub struct Stage {
    config: Config,
    cache: Cache,
    installed: OnceLock<Installed>,
    osv_database: OnceLock<Result<Database, crate::error::Error>>,
    npmrc: OnceLock<Npmrc>,
    /// What the sources said of each package version asked about so far.
    answers: Mutex<KeyMap<Key, Arc<Answers>>>,
    /// The version picked for each requirement so far.
    picked: Mutex<KeyMap<Required, Picked>>,
    usage: Mutex<BTreeMap<FactSource, Usage>>,
    /// The dependency graphs deps.dev gave for Maven manifests' direct dependencies.
    graphs: resolve::Graphs,
}

impl Stage {
    pub fn new(config: Config) -> Stage {
        Stage {
            cache: Cache::new(config.cache_dir.as_deref()),
            config,
            installed: OnceLock::new(),
            osv_database: OnceLock::new(),
            npmrc: OnceLock::new(),
            answers: Mutex::new(KeyMap::default()),
            picked: Mutex::new(KeyMap::default()),
            usage: Mutex::new(BTreeMap::new()),
            graphs: resolve::Graphs::default(),
        }
    }

    /// The stage's settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Fills in what the inventory's inputs did not record.
    pub fn fill(&self, inventory: &mut Inventory) {
        self.fill_all(&mut [inventory]);
    }

    /// Fills several inventories at once (the base and the head of a change, the repositories
    /// of a scan), asking about each package version once.
    pub fn fill_all(&self, inventories: &mut [&mut Inventory]) {
        let picked = self.pick(inventories);
        let targets: Vec<Target> = inventories
            .iter()
            .flat_map(|inventory| &inventory.components)
            .map(|component| Target::of(component, &picked))
            .collect();
        let new_keys: Vec<(Key, bool)> = {
            let known = self.lock_answers();
            let mut seen = HashSet::with_hasher(foldhash::fast::RandomState::default());
            inventories
                .iter()
                .flat_map(|inventory| &inventory.components)
                .zip(&targets)
                .filter_map(|(component, target)| {
                    let Target::Key(key, _) = target else {
                        return None;
                    };
                    let has_license = !matches!(component.license, License::Unknown);
                    (!known.contains_key(key) && seen.insert(key))
                        .then(|| (key.clone(), has_license))
                })
                .collect()
        };
        if !new_keys.is_empty() {
            let answered = self.ask(&new_keys);
            let mut known = self.lock_answers();
            for ((key, _), answers) in new_keys.into_iter().zip(answered) {
                known.insert(key, Arc::new(answers));
            }
        }
        let known = self.lock_answers();
        let components = inventories
            .iter_mut()
            .flat_map(|inventory| &mut inventory.components);
        for (component, target) in components.zip(targets) {
            let (key, picked) = match target {
                Target::Key(key, picked) => (key, picked),
                Target::Undecided => continue,
                Target::Gap(gap) => {
                    if matches!(component.license, License::Unknown) {
                        component.facts.license_unknown = Some(gap.clone());
                    }
                    // Remote facts are missing for the same reason, unless no source could
                    // list the versions at all (as for a package of no registry).
                    if *gap != Gap::RequirementOnly {
                        component.facts.unavailable = Some(gap.clone());
                    }
                    continue;
                }
            };
            let Some(answers) = known.get(&key) else {
                continue;
            };
            // For a requirement, which version the facts describe.
            let describes = picked.map(|(requirement, version, origin)| Fact {
                value: Described {
                    lowest: End::for_requirement(key.ecosystem, &requirement) == End::Lowest,
                    version: version.to_owned(),
                    requirement,
                },
                origin: origin.clone(),
            });
            let (license, facts) = answers.merge(&component.license);
            if let Some(license) = license {
                component.license = license;
            }
            *component.facts = Facts { describes, ..facts };
        }
    }

    /// Picks the version whose facts each requirement-only component gets: the newest its
    /// requirement allows, from the package's version list ([`remote::versions`]). Each
    /// package's list is asked for once a run, and each requirement decided once.
    fn pick(&self, inventories: &[&mut Inventory]) -> KeyMap<Required, Picked> {
        let mut picked = self
            .picked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut new: Vec<Required> = inventories
            .iter()
            .flat_map(|inventory| &inventory.components)
            .filter_map(|component| {
                let requirement = requirement_only(component)?;
                let required = (Key::of(component), requirement.to_owned());
                (!picked.contains_key(&required)).then_some(required)
            })
            .collect();
        // Sorted, a package's requirements are side by side: its list is asked for once.
        new.sort();
        new.dedup();
        // What cannot be read, or be listed, needs no list.
        let mut to_list: Vec<(Required, VersionRange)> = Vec::new();
        for required in new {
            let (key, requirement) = &required;
            let listable = key.is_from_a_registry() && remote::covers(key.ecosystem);
            match VersionRange::of_requirement(key.ecosystem, requirement) {
                _ if !listable => {
                    picked.insert(required, Picked::Gap(Gap::RequirementOnly));
                }
                Err(_) => {
                    picked.insert(required, Picked::Gap(Gap::RequirementUnreadable));
                }
                Ok(range) => to_list.push((required, range)),
            }
        }
        let mut packages: Vec<remote::versions::Package> = to_list
            .iter()
            .map(|((key, _), _)| remote::versions::Package {
                ecosystem: key.ecosystem,
                name: key.name.clone(),
                registry: key.origin.clone(),
            })
            .collect();
        packages.dedup();
        let listings = if self.remote_allowed() && !packages.is_empty() {
            let npmrc = self.npmrc();
            remote::versions::list(&self.config, &self.cache, npmrc, &packages, &self.usage)
        } else {
            vec![remote::versions::Listing::NotListed; packages.len()]
        };
        let listed: HashMap<&remote::versions::Package, &remote::versions::Listing> =
            packages.iter().zip(&listings).collect();
        for ((key, requirement), range) in to_list {
            let package = remote::versions::Package {
                ecosystem: key.ecosystem,
                name: key.name.clone(),
                registry: key.origin.clone(),
            };
            let choice = match listed.get(&package) {
                Some(remote::versions::Listing::Versions { versions, origin }) => {
                    let allowed = versions.iter().filter(|v| !v.yanked);
                    let end = End::for_requirement(key.ecosystem, &requirement);
                    let version =
                        range.pick(key.ecosystem, end, allowed.map(|v| v.version.as_str()));
                    match version {
                        Some(version) => Picked::Version {
                            version: version.to_owned(),
                            origin: origin.clone(),
                        },
                        None => Picked::Gap(Gap::NoVersionAllowed),
                    }
                }
                Some(remote::versions::Listing::Missing(Missing::Offline)) => {
                    Picked::Gap(Gap::Offline)
                }
                Some(remote::versions::Listing::Missing(Missing::Unreachable(source))) => {
                    Picked::Gap(Gap::Unreachable {
                        sources: vec![source.clone()],
                    })
                }
                Some(remote::versions::Listing::NotListed) | None => {
                    Picked::Gap(Gap::RequirementOnly)
                }
            };
            picked.insert((key, requirement), choice);
        }
        picked.clone()
    }

    /// Whether a remote source may be consulted at all.
    fn remote_allowed(&self) -> bool {
        self.config.allows(SourceKind::Registries) || self.config.allows(SourceKind::DepsDev)
    }

    /// `.npmrc`, read once.
    fn npmrc(&self) -> &Npmrc {
        self.npmrc
            .get_or_init(|| Npmrc::read(self.config.local_root.as_deref()))
    }

    /// How each source fared, for the report on `components`.
    pub fn report(&self, components: &[Component]) -> FactsReport {
        let licenses_unknown = components
            .iter()
            .filter(|c| matches!(c.license, License::Unknown))
            .count();
        let usage = self.usage.lock().map(|u| u.clone()).unwrap_or_default();
        FactsReport {
            offline: self.config.offline,
            sources: self
                .config
                .sources
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            used: usage
                .into_iter()
                .map(|(source, usage)| SourceReport {
                    source,
                    answered: usage.answered,
                    from_cache: usage.from_cache,
                    requests: usage.requests,
                    failure: usage.failure,
                })
                .collect(),
            licenses_unknown,
            vulnerabilities_unchecked: self.vulnerabilities_unchecked(components),
        }
    }

    /// Why the components' known vulnerabilities were not checked, when none was.
    fn vulnerabilities_unchecked(&self, components: &[Component]) -> Option<String> {
        let checked = components.iter().any(|c| c.facts.advisories.is_some());
        let from_registry = components
            .iter()
            .any(|c| matches!(c.source, Source::Registry { .. }));
        let allowed = self.config.osv_database.is_some() || self.config.allows(SourceKind::Osv);
        if checked || !from_registry || !allowed {
            return None;
        }
        let failed = self
            .usage
            .lock()
            .is_ok_and(|u| u.values().any(|used| used.failure.is_some()));
        (self.config.offline && !failed).then(|| {
            "known vulnerabilities were not checked: offline, and no OSV database in the cache \
             (depgov facts fetch --osv fills it) nor --osv-db"
                .to_owned()
        })
    }

    fn lock_answers(&self) -> std::sync::MutexGuard<'_, KeyMap<Key, Arc<Answers>>> {
        // A panic while holding the lock leaves answers that are still answers.
        self.answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Asks every allowed source about `keys`.
    fn ask(&self, keys: &[(Key, bool)]) -> Vec<Answers> {
        let mut answers: Vec<Answers> = keys
            .iter()
            .map(|(key, _)| Answers {
                could_know: key.is_from_a_registry() && remote::covers(key.ecosystem),
                ..Answers::default()
            })
            .collect();
        let mut has_license: Vec<bool> = keys.iter().map(|(_, has)| *has).collect();
        if self.config.allows(SourceKind::Installed) {
            if let Some(root) = &self.config.local_root {
                let installed = self.installed.get_or_init(|| Installed::read(root));
                for (index, (key, _)) in keys.iter().enumerate() {
                    let found = installed.answers(key.ecosystem, &key.name, &key.version);
                    answers[index].consulted |= !found.is_empty();
                    has_license[index] |= found.iter().any(|a| {
                        a.known
                            .license
                            .as_deref()
                            .is_some_and(|l| !l.trim().is_empty())
                    });
                    answers[index].answers.extend(found);
                }
            }
        }
        if self.remote_allowed() {
            let npmrc = self.npmrc();
            let (indexes, wanted): (Vec<usize>, Vec<Wanted>) = keys
                .iter()
                .enumerate()
                .filter(|(_, (key, _))| key.is_from_a_registry())
                .map(|(index, (key, _))| {
                    let wanted = Wanted {
                        ecosystem: key.ecosystem,
                        name: key.name.clone(),
                        version: key.version.clone(),
                        public: key.origin.is_none(),
                        registry: key.origin.clone(),
                        has_license: has_license[index],
                    };
                    (index, wanted)
                })
                .unzip();
            let remote = remote::ask(&self.config, &self.cache, npmrc, &wanted, &self.usage);
            let remote::Remote {
                answers: remote_answers,
                missing,
                consulted,
            } = remote;
            for (((index, found), missing), consulted) in indexes
                .into_iter()
                .zip(remote_answers)
                .zip(missing)
                .zip(consulted)
            {
                let answer = &mut answers[index];
                answer.consulted |= consulted;
                answer.answers.extend(in_precedence(found));
                answer.missing.extend(missing);
            }
        }
        if self.config.wants.scorecard {
            self.scorecards(&mut answers);
        }
        self.vulnerabilities(keys, &mut answers);
        answers
    }
}

impl Stage {
    /// Adds the advisories affecting each package version from a registry (OSV's API never
    /// hears of a private registry's packages; an offline database knows them all).
    fn vulnerabilities(&self, keys: &[(Key, bool)], answers: &mut [Answers]) {
        let database = match &self.config.osv_database {
            Some(path) => match self
                .osv_database
                .get_or_init(|| Database::open(path, &self.cache))
            {
                Ok(database) => Some((database, display_path(path))),
                Err(error) => {
                    if let Ok(mut usage) = self.usage.lock() {
                        let usage = usage.entry(FactSource::OsvDatabase).or_default();
                        usage.failure.get_or_insert(error.to_string());
                    }
                    return;
                }
            },
            None => None,
        };
        let (indexes, wanted): (Vec<usize>, Vec<osv::Wanted>) = keys
            .iter()
            .enumerate()
            // OSV covers every ecosystem depgov reads.
            .filter(|(_, (key, _))| database.is_some() || key.origin.is_none())
            .map(|(index, (key, _))| {
                let wanted = osv::Wanted {
                    ecosystem: key.ecosystem,
                    name: key.name.clone(),
                    version: key.version.clone(),
                };
                (index, wanted)
            })
            .unzip();
        if wanted.is_empty() {
            return;
        }
        let database = database.as_ref().map(|(db, shown)| (*db, shown.as_str()));
        let found = osv::ask(&self.config, &self.cache, database, &wanted, &self.usage);
        for (index, answer) in indexes.into_iter().zip(found) {
            if let Some(answer) = answer {
                answers[index].answers.push(answer);
            }
        }
    }

    /// Adds the Scorecard of each component's source repository, as the sources allow: a
    /// project asked about once however many versions and packages it publishes.
    fn scorecards(&self, answers: &mut [Answers]) {
        let allowed =
            self.config.allows(SourceKind::DepsDev) || self.config.allows(SourceKind::Scorecard);
        if !allowed {
            return;
        }
        let projects: Vec<Option<String>> = answers
            .iter()
            .map(|a| {
                let repository = a
                    .answers
                    .iter()
                    .find_map(|a| a.known.repository.as_deref())?;
                remote::scorecard::project_id(repository)
            })
            .collect();
        let mut unique: Vec<String> = projects.iter().flatten().cloned().collect();
        unique.sort();
        unique.dedup();
        if unique.is_empty() {
            return;
        }
        let cards = remote::scorecard::ask(&self.config, &self.cache, &unique, &self.usage);
        for (answer, project) in answers.iter_mut().zip(projects) {
            if let Some(card) = project.and_then(|p| cards.get(&p)) {
                answer.answers.push(card.clone());
            }
        }
    }
}

/// Remote answers in precedence order: the registries before deps.dev.
fn in_precedence(
    mut found: Vec<(FactSource, known::Answer)>,
) -> impl Iterator<Item = known::Answer> {
    found.sort_by_key(|(source, _)| *source == FactSource::DepsDev);
    found.into_iter().map(|(_, answer)| answer)
}
