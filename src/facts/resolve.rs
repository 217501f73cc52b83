//! Maven's transitive dependencies, from deps.dev. Maven locks nothing, so a `pom.xml` gives
//! only its direct dependencies; as osv-scanner does, the graph deps.dev resolved for each
//! direct dependency (`GetDependencies`) gives the rest. The step runs in the facts stage,
//! before facts are filled, so that the components it adds get facts too; inventory stays
//! offline and pure.
//!
//! Only direct dependencies with one version (Maven's soft requirement) are asked about, and
//! in every scope Maven resolves transitively: what a `compile` or `runtime` dependency brings
//! is runtime, what a `provided` one brings is build, what a `test` one brings is dev (Maven's
//! scope table, "Introduction to the Dependency Mechanism"). deps.dev's graphs hold only what
//! Maven passes on (no `test`, `provided` or optional dependencies of dependencies).
//!
//! The graphs of a POM's direct dependencies are joined as Maven mediates versions: one version
//! per package, the nearest to the project, the first declared on a tie; a version the POM
//! declares always wins. Each added component is transitive, located at the declaration of the
//! direct dependency it comes through, with its path through the graph. A direct dependency's
//! `<exclusions>` leave the packages they name, and what only they bring, out of its graph.
//!
//! A POM with at least one graph says so with a `manifest-resolved` note in place of
//! `manifest-only`; the direct dependencies without one (a range, unknown to deps.dev, offline
//! and not cached, deps.dev down) are named in a `transitive-unknown` note. Graphs are cached
//! like facts (a 404 too), asked once a run, and a deps.dev that fails is not asked again in
//! the run. Nothing happens when `[facts] sources` does not allow deps.dev.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;

use super::Stage;
use super::cache::Freshness;
use super::remote::depsdev::{self, Graph, GraphNode};
use crate::inventory::graph::{self, EdgeKind};
use crate::inventory::{Format, InputNote, Inventory};
use crate::model::codes::NoteCode;
use crate::model::facts::{Endpoint, FactSource, SourceKind};
use crate::model::license::License;
use crate::model::registry;
use crate::model::{Component, ComponentId, Ecosystem, Kind, Source};
use crate::net::retry::Failure;

/// How many graphs are asked for at once.
const CONCURRENCY: usize = 8;

/// A package version: Maven's `groupId:artifactId` and the version.
type Coordinates = (String, String);

/// What deps.dev said of each direct dependency asked about in the run.
#[derive(Default)]
pub struct Graphs {
    known: Mutex<HashMap<Coordinates, Outcome>>,
}

/// What became of one direct dependency's graph.
#[derive(Clone, Debug)]
enum Outcome {
    Graph(Arc<Graph>),
    /// deps.dev does not know the version.
    NotFound,
    /// Offline, and not in the cache.
    Offline,
    /// deps.dev failed, with why.
    Failed(String),
}

impl Stage {
    /// Adds the transitive dependencies of the inventory's Maven manifests (see [the
    /// module](self)).
    pub fn resolve(&self, inventory: &mut Inventory) {
        self.resolve_all(&mut [inventory]);
    }

    /// [`Stage::resolve`] for several inventories at once, each graph asked about once.
    pub fn resolve_all(&self, inventories: &mut [&mut Inventory]) {
        if !self.config.allows(SourceKind::DepsDev) {
            return;
        }
        let wanted: BTreeSet<Coordinates> = {
            let known = lock(&self.graphs.known);
            inventories
                .iter()
                .flat_map(|inventory| poms(inventory))
                .flat_map(|(_, directs)| directs)
                .filter_map(coordinates)
                .filter(|key| !known.contains_key(key))
                .collect()
        };
        if !wanted.is_empty() {
            let found = self.fetch_graphs(wanted.into_iter().collect());
            lock(&self.graphs.known).extend(found);
        }
        let known = lock(&self.graphs.known);
        for inventory in inventories.iter_mut() {
            expand(inventory, &known);
        }
    }

    /// The graph of each of `wanted`, from the cache where it is fresh (offline, whatever it
    /// holds), else from deps.dev.
    fn fetch_graphs(&self, wanted: Vec<Coordinates>) -> Vec<(Coordinates, Outcome)> {
        let config = &self.config;
        let mut found = Vec::new();
        let mut to_fetch = Vec::new();
        for key in wanted {
            let entry = self
                .cache
                .get_as::<Option<Graph>>(FactSource::DepsDev, &cache_key(&key))
                .filter(|entry| {
                    config.offline
                        || entry.freshness(config.license_max_age, config.flags_max_age)
                            != Freshness::Stale
                });
            match entry {
                Some(entry) => found.push((key, outcome(entry.known))),
                None if config.offline => found.push((key, Outcome::Offline)),
                None => to_fetch.push(key),
            }
        }
        if to_fetch.is_empty() {
            return found;
        }
        let runtime = crate::net::runtime();
        let http = config.http();
        let (runtime, http) = match runtime.and_then(|runtime| Ok((runtime, http?))) {
            Ok(both) => both,
            Err(why) => {
                self.note_failure(&why);
                found.extend(
                    to_fetch
                        .into_iter()
                        .map(|key| (key, Outcome::Failed(why.clone()))),
                );
                return found;
            }
        };
        let base = config.url(Endpoint::DepsDev);
        // A deps.dev that failed after its retries is not waited on again.
        let down: Mutex<Option<String>> = Mutex::new(None);
        let results: Vec<(Coordinates, Result<Option<Graph>, Failure>)> = runtime.block_on(async {
            futures_util::stream::iter(to_fetch)
                .map(|key| {
                    let (http, down) = (&http, &down);
                    async move {
                        if let Some(why) = lock(down).clone() {
                            return (key, Err(Failure::message(why)));
                        }
                        let result =
                            depsdev::dependencies(http, base, Ecosystem::Maven, &key.0, &key.1)
                                .await;
                        if let Err(failure) = &result {
                            lock(down).get_or_insert_with(|| failure.message.clone());
                        }
                        (key, result)
                    }
                })
                .buffer_unordered(CONCURRENCY)
                .collect()
                .await
        });
        if let Ok(mut usage) = self.usage.lock() {
            usage.entry(FactSource::DepsDev).or_default().requests += http.sent();
        }
        for (key, result) in results {
            match result {
                Ok(graph) => {
                    self.cache
                        .put_as(FactSource::DepsDev, &cache_key(&key), &graph);
                    found.push((key, outcome(graph)));
                }
                Err(failure) => {
                    self.note_failure(&failure.message);
                    found.push((key, Outcome::Failed(failure.message)));
                }
            }
        }
        found
    }

    /// Records that deps.dev failed, for the report's one line about it.
    fn note_failure(&self, why: &str) {
        if let Ok(mut usage) = self.usage.lock() {
            let usage = usage.entry(FactSource::DepsDev).or_default();
            usage.failure.get_or_insert_with(|| why.to_owned());
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // What a panicking holder left is still what was found.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn cache_key((name, version): &Coordinates) -> String {
    format!("graph:maven/{name}@{version}")
}

fn outcome(graph: Option<Graph>) -> Outcome {
    graph.map_or(Outcome::NotFound, |graph| Outcome::Graph(Arc::new(graph)))
}

/// The `pom.xml` inputs of `inventory`, each with its direct dependencies in the order the
/// POM declares them.
fn poms(inventory: &Inventory) -> Vec<(String, Vec<&Component>)> {
    let pom = crate::inventory::formats::pom_xml::PomXml.name();
    // Grouped by file once: a reactor has hundreds of POMs.
    let mut by_file: HashMap<&str, Vec<&Component>> = HashMap::new();
    for component in &inventory.components {
        let manifest_direct = component.direct
            && component.id.ecosystem == Ecosystem::Maven
            && component.id.requirement.is_some();
        if let Some(location) = component.location.as_ref().filter(|_| manifest_direct) {
            by_file.entry(&location.file).or_default().push(component);
        }
    }
    inventory
        .inputs
        .iter()
        .filter(|input| input.format == pom)
        .map(|input| {
            let mut directs = by_file.remove(input.path.as_str()).unwrap_or_default();
            directs.sort_by_key(|c| c.location.as_ref().map(|l| l.line));
            (input.path.clone(), directs)
        })
        .collect()
}

/// The version of a direct dependency to ask deps.dev about: one version, from Maven Central.
fn coordinates(direct: &Component) -> Option<Coordinates> {
    // The URL pom.xml records is the default one: compared first, since normalising a URL
    // for `is_public` costs more than the rest of this step on a large reactor.
    let public = matches!(&direct.source, Source::Registry { url }
        if url == registry::default_url(Ecosystem::Maven) || registry::is_public(url));
    (public && !direct.id.version.is_empty())
        .then(|| (direct.id.name.clone(), direct.id.version.clone()))
}

/// Adds to `inventory` what the graphs in `known` say each POM's direct dependencies bring,
/// and says per POM what was resolved and what was not.
fn expand(inventory: &mut Inventory, known: &HashMap<Coordinates, Outcome>) {
    let mut added = Vec::new();
    let mut notes = Vec::new();
    let mut counts = Vec::new();
    let mut resolved = Vec::new();
    for (file, directs) in poms(inventory) {
        if directs.is_empty() {
            continue;
        }
        let graphs: Vec<Option<&Graph>> = directs
            .iter()
            .map(
                |direct| match coordinates(direct).and_then(|key| known.get(&key)) {
                    Some(Outcome::Graph(graph)) => Some(graph.as_ref()),
                    _ => None,
                },
            )
            .collect();
        let components = transitive(&directs, &graphs);
        counts.push((file.clone(), components.len()));
        added.extend(components);
        notes.extend(unresolved(&file, &directs, known));
        if graphs.iter().any(Option::is_some) {
            notes.push(InputNote {
                file: file.clone(),
                line: None,
                code: NoteCode::ManifestResolved,
                message: "no lockfile covers this manifest: its transitive dependencies are \
                          deps.dev's resolution of each direct dependency, as Maven resolves \
                          one alone; for the build's own resolution, produce an SBOM in CI and \
                          point depgov at it"
                    .to_owned(),
            });
            resolved.push(file.clone());
        }
    }
    inventory
        .notes
        .retain(|note| !(note.code == NoteCode::ManifestOnly && resolved.contains(&note.file)));
    for (file, count) in counts {
        if let Some(input) = inventory.inputs.iter_mut().find(|i| i.path == file) {
            input.components += count;
        }
    }
    inventory.notes.extend(notes);
    if added.is_empty() {
        // Offline without graphs: only notes to put in order, not thousands of components.
        inventory.notes.sort();
    } else {
        inventory.components.extend(added);
        inventory.sort();
    }
}

/// The components the graphs bring into one POM, mediated as Maven does: `graphs[i]` is
/// `directs[i]`'s, when deps.dev gave one.
fn transitive(directs: &[&Component], graphs: &[Option<&Graph>]) -> Vec<Component> {
    // The version of each package: declared, else the nearest, else the first declared.
    let mut chosen: HashMap<&str, (usize, usize, &str)> = HashMap::new();
    for (order, direct) in directs.iter().enumerate() {
        chosen.insert(&direct.id.name, (0, order, &direct.id.version));
    }
    for (order, (direct, graph)) in directs.iter().zip(graphs).enumerate() {
        let Some(graph) = graph else { continue };
        for (node, depth) in depths(graph, &direct.excluded) {
            let GraphNode { name, version, .. } = &graph.nodes[node];
            let candidate = (depth, order, version.as_str());
            let current = chosen.entry(name).or_insert(candidate);
            if (candidate.0, candidate.1) < (current.0, current.1) {
                *current = candidate;
            }
        }
    }
    let Some(root_name) = directs.first().and_then(|d| d.path.first()) else {
        return Vec::new();
    };
    let mut walked = graph::Graph::new();
    let root = walked.add_root(root_name.clone());
    let mut nodes: BTreeMap<&str, usize> = BTreeMap::new();
    for direct in directs {
        let node = *nodes
            .entry(&direct.id.name)
            .or_insert_with(|| walked.add(direct.id.name.clone()));
        for kind in &direct.kinds {
            let edge = match kind {
                Kind::Runtime => EdgeKind::Normal,
                Kind::Build => EdgeKind::Build,
                Kind::Dev => EdgeKind::Dev,
            };
            walked.depend(root, node, edge, direct.location.clone());
        }
    }
    for (direct, graph) in directs.iter().zip(graphs) {
        let Some(graph) = graph else { continue };
        let reachable: BTreeSet<usize> = depths(graph, &direct.excluded)
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        for &(from, to) in &graph.edges {
            if !reachable.contains(&to) || !(from == 0 || reachable.contains(&from)) {
                continue;
            }
            // The edges of a version that mediation did not choose are not Maven's.
            let from_name = if from == 0 {
                direct.id.name.as_str()
            } else {
                let node = &graph.nodes[from];
                let kept = chosen
                    .get(node.name.as_str())
                    .is_some_and(|(_, _, version)| *version == node.version);
                if !kept {
                    continue;
                }
                node.name.as_str()
            };
            let from_node = node_of(&mut walked, &mut nodes, from_name);
            let to_node = node_of(&mut walked, &mut nodes, &graph.nodes[to].name);
            walked.depend(from_node, to_node, EdgeKind::Normal, None);
        }
    }
    let dependents = walked.dependents();
    let reaches = walked.walk();
    let declared: BTreeSet<&str> = directs.iter().map(|d| d.id.name.as_str()).collect();
    let mut components = Vec::new();
    for (name, &node) in &nodes {
        if declared.contains(name) {
            continue;
        }
        let (Some(reach), Some((_, _, version))) = (&reaches[node], chosen.get(name)) else {
            continue;
        };
        let through = directs.iter().find(|direct| direct.location == reach.entry);
        components.push(Component {
            id: ComponentId::new(Ecosystem::Maven, name, version).into(),
            license: License::Unknown,
            source: through.map_or_else(
                || Source::Registry {
                    url: registry::default_url(Ecosystem::Maven).to_owned(),
                },
                |direct| direct.source.clone(),
            ),
            kinds: reach.kinds.clone(),
            optional: through.is_some_and(|direct| direct.optional),
            direct: false,
            path: reach.path.as_slice().into(),
            location: reach.entry.clone(),
            dependents: dependents[node].clone(),
            excluded: Vec::new(),
            facts: Default::default(),
        });
    }
    components
}

/// The node of the walked graph named `name`, added if it is new.
fn node_of<'a>(
    walked: &mut graph::Graph,
    nodes: &mut BTreeMap<&'a str, usize>,
    name: &'a str,
) -> usize {
    *nodes.entry(name).or_insert_with(|| walked.add(name))
}

/// How far from the version asked about (node 0) each node of `graph` it reaches is, in
/// edges, leaving out bundled nodes, nodes without a version (unresolved), and what
/// `excluded` (the direct dependency's `<exclusions>`) leaves out, with all below it.
fn depths(graph: &Graph, excluded: &[String]) -> Vec<(usize, usize)> {
    let mut adjacent: Vec<Vec<usize>> = vec![Vec::new(); graph.nodes.len()];
    for &(from, to) in &graph.edges {
        adjacent[from].push(to);
    }
    let usable = |node: usize| {
        let node = &graph.nodes[node];
        !node.bundled
            && !node.version.is_empty()
            && !node.name.is_empty()
            && !excluded.iter().any(|pattern| excludes(pattern, &node.name))
    };
    let mut depth: Vec<Option<usize>> = vec![None; graph.nodes.len()];
    let mut queue = VecDeque::new();
    if !graph.nodes.is_empty() {
        depth[0] = Some(0);
        queue.push_back(0);
    }
    while let Some(node) = queue.pop_front() {
        let next = depth[node].unwrap_or_default() + 1;
        for &to in &adjacent[node] {
            if depth[to].is_none() && usable(to) {
                depth[to] = Some(next);
                queue.push_back(to);
            }
        }
    }
    depth
        .into_iter()
        .enumerate()
        .filter(|&(node, _)| node != 0)
        .filter_map(|(node, depth)| depth.map(|d| (node, d)))
        .collect()
}

/// Whether the exclusion `pattern` (`groupId:artifactId`, either part `*` for any) names
/// the package `name`.
fn excludes(pattern: &str, name: &str) -> bool {
    let (group, artifact) = pattern.split_once(':').unwrap_or((pattern, "*"));
    let (name_group, name_artifact) = name.split_once(':').unwrap_or((name, ""));
    (group == "*" || group == name_group) && (artifact == "*" || artifact == name_artifact)
}

/// The notes on `file`'s direct dependencies whose transitive dependencies stay unknown, one
/// per reason, naming them; and on graphs deps.dev says are incomplete.
fn unresolved(
    file: &str,
    directs: &[&Component],
    known: &HashMap<Coordinates, Outcome>,
) -> Vec<InputNote> {
    let mut why: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut notes = Vec::new();
    for direct in directs {
        let name = &direct.id.name;
        let reason = match coordinates(direct).map(|key| (known.get(&key), key)) {
            None if direct.id.version.is_empty() => {
                "their requirement names no one version to resolve".to_owned()
            }
            None => "they do not come from Maven Central".to_owned(),
            Some((None, _)) => continue,
            Some((Some(Outcome::Graph(graph)), key)) => {
                if !graph.errors.is_empty() {
                    notes.push(InputNote {
                        file: file.to_owned(),
                        line: direct.location.as_ref().map(|l| l.line),
                        code: NoteCode::TransitiveUnknown,
                        message: format!(
                            "deps.dev's dependency graph of {}:{} may be incomplete: {}",
                            key.0,
                            key.1,
                            graph.errors.join("; ")
                        ),
                    });
                }
                continue;
            }
            Some((Some(Outcome::NotFound), _)) => "deps.dev does not know their version".to_owned(),
            Some((Some(Outcome::Offline), _)) => {
                "offline, and the cache holds no deps.dev dependency graph of them".to_owned()
            }
            Some((Some(Outcome::Failed(failure)), _)) => {
                format!("deps.dev could not be reached ({failure})")
            }
        };
        why.entry(reason).or_default().push(name.clone());
    }
    notes.extend(why.into_iter().map(|(reason, names)| InputNote {
        file: file.to_owned(),
        line: None,
        code: NoteCode::TransitiveUnknown,
        message: format!(
            "the transitive dependencies of {} are unknown: {reason}",
            names.join(", ")
        ),
    }));
    notes
}
