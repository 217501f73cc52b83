//! What every ecosystem derives the same way from a dependency graph: the shortest path from a
//! first-party root to each package, whether a root declares it, and its kinds.
//!
//! A format that records edges (Cargo's graph, npm's tree, pnpm's snapshots, …) builds a
//! [`Graph`] and asks it to [`Graph::walk`]. Kinds follow the edges a package is reached by:
//! only through roots' dev edges is `dev`; through any build edge is `build`; otherwise
//! `runtime`. Dev edges of non-root packages are not followed: package managers do not install
//! the dev-dependencies of dependencies.

use std::collections::{BTreeSet, VecDeque};

use crate::model::{Kind, Location};

/// The kind of a dependency edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    Normal,
    Build,
    Dev,
}

#[derive(Clone, Debug)]
struct Edge {
    to: usize,
    kind: EdgeKind,
    /// Where a root declares this edge (only meaningful on edges leaving a root).
    declared_at: Option<Location>,
}

/// A dependency graph: packages by index, some of which are first-party roots.
#[derive(Clone, Debug, Default)]
pub struct Graph {
    names: Vec<String>,
    is_root: Vec<bool>,
    edges: Vec<Vec<Edge>>,
}

/// How a package is reached from the roots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reach {
    /// Never empty.
    pub kinds: BTreeSet<Kind>,
    /// Names from a root to the package, both included: the shortest path for its strongest
    /// kind (runtime, then build, then dev).
    pub path: Vec<String>,
    /// A root declares it directly.
    pub direct: bool,
    /// Where the root declares the first edge of `path`.
    pub entry: Option<Location>,
}

const MODES: [Kind; 3] = [Kind::Runtime, Kind::Build, Kind::Dev];

/// How the walk first reached a (package, mode) state.
#[derive(Clone, Copy)]
struct Visit {
    /// The state it was reached from; `None` for roots.
    parent: Option<usize>,
    /// The root and the index of the root's edge that the path starts with.
    entry: Option<(usize, usize)>,
}

fn mode_index(kind: Kind) -> usize {
    match kind {
        Kind::Runtime => 0,
        Kind::Build => 1,
        Kind::Dev => 2,
    }
}

impl Graph {
    pub fn new() -> Self {
        Graph::default()
    }

    /// Adds a package; `name` is how paths show it.
    pub fn add(&mut self, name: impl Into<String>) -> usize {
        self.names.push(name.into());
        self.is_root.push(false);
        self.edges.push(Vec::new());
        self.names.len() - 1
    }

    /// Adds a first-party root (a workspace member, a project).
    pub fn add_root(&mut self, name: impl Into<String>) -> usize {
        let node = self.add(name);
        self.is_root[node] = true;
        node
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn is_root(&self, node: usize) -> bool {
        self.is_root[node]
    }

    /// Adds an edge; `declared_at` is where a root's manifest declares it.
    pub fn depend(
        &mut self,
        from: usize,
        to: usize,
        kind: EdgeKind,
        declared_at: Option<Location>,
    ) {
        self.edges[from].push(Edge {
            to,
            kind,
            declared_at,
        });
    }

    /// For each package, the names of the packages with an edge to it, sorted and unique.
    pub fn dependents(&self) -> Vec<Vec<String>> {
        let mut names: Vec<std::collections::BTreeSet<&str>> = vec![Default::default(); self.len()];
        for (from, edges) in self.edges.iter().enumerate() {
            for edge in edges {
                names[edge.to].insert(&self.names[from]);
            }
        }
        names
            .into_iter()
            .map(|set| set.into_iter().map(str::to_owned).collect())
            .collect()
    }

    /// How each package is reached; `None` for roots and for packages no root reaches.
    pub fn walk(&self) -> Vec<Option<Reach>> {
        let states = self.len() * MODES.len();
        // Per (package, mode): the state it was first reached from, and the root's edge it
        // entered by. Breadth-first, so the first visit is along a shortest path.
        let mut reached: Vec<Option<Visit>> = vec![None; states];
        let state = |node: usize, kind: Kind| node * MODES.len() + mode_index(kind);
        let mut queue = VecDeque::new();
        for node in (0..self.len()).filter(|&n| self.is_root[n]) {
            reached[state(node, Kind::Runtime)] = Some(Visit {
                parent: None,
                entry: None,
            });
            queue.push_back((node, Kind::Runtime));
        }
        while let Some((from, mode)) = queue.pop_front() {
            let from_state = state(from, mode);
            let entered_by = reached[from_state].and_then(|visit| visit.entry);
            for (edge_index, edge) in self.edges[from].iter().enumerate() {
                let next = match (edge.kind, mode) {
                    (EdgeKind::Normal, mode) => mode,
                    (EdgeKind::Build, Kind::Runtime) => Kind::Build,
                    (EdgeKind::Build, mode) => mode,
                    (EdgeKind::Dev, Kind::Runtime) if self.is_root[from] => Kind::Dev,
                    (EdgeKind::Dev, _) => continue,
                };
                let to_state = state(edge.to, next);
                if reached[to_state].is_some() {
                    continue;
                }
                let entry = entered_by.or(Some((from, edge_index)));
                reached[to_state] = Some(Visit {
                    parent: Some(from_state),
                    entry,
                });
                queue.push_back((edge.to, next));
            }
        }

        let mut direct = vec![false; self.len()];
        for root in (0..self.len()).filter(|&n| self.is_root[n]) {
            for edge in &self.edges[root] {
                direct[edge.to] = true;
            }
        }
        (0..self.len())
            .map(|node| {
                if self.is_root[node] {
                    return None;
                }
                let kinds: BTreeSet<Kind> = MODES
                    .into_iter()
                    .filter(|kind| reached[state(node, *kind)].is_some())
                    .collect();
                let strongest = *kinds.first()?;
                let target = state(node, strongest);
                let mut path = Vec::new();
                let mut cursor = Some(target);
                while let Some(s) = cursor {
                    path.push(self.names[s / MODES.len()].clone());
                    cursor = reached[s].and_then(|visit| visit.parent);
                }
                path.reverse();
                let entry = reached[target]
                    .and_then(|visit| visit.entry)
                    .and_then(|(root, edge)| self.edges[root][edge].declared_at.clone());
                Some(Reach {
                    kinds,
                    path,
                    direct: direct[node],
                    entry,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u32) -> Option<Location> {
        Some(Location {
            file: "Cargo.toml".into(),
            line,
        })
    }

    #[test]
    fn kinds_paths_and_entries_follow_the_edges() {
        let mut g = Graph::new();
        let app = g.add_root("app");
        let lib = g.add("lib");
        let deep = g.add("deep");
        let cc = g.add("cc");
        let test = g.add("test-helper");
        let test_dev = g.add("dev-of-dep");
        g.depend(app, lib, EdgeKind::Normal, at(5));
        g.depend(lib, deep, EdgeKind::Normal, None);
        g.depend(app, cc, EdgeKind::Build, at(9));
        g.depend(cc, deep, EdgeKind::Normal, None);
        g.depend(app, test, EdgeKind::Dev, at(12));
        g.depend(lib, test_dev, EdgeKind::Dev, None);
        let reach = g.walk();
        assert!(reach[app].is_none());
        let deep_reach = reach[deep].as_ref().unwrap();
        assert_eq!(deep_reach.kinds, [Kind::Runtime, Kind::Build].into());
        assert_eq!(deep_reach.path, ["app", "lib", "deep"]);
        assert_eq!(deep_reach.entry, at(5));
        assert!(!deep_reach.direct);
        let cc_reach = reach[cc].as_ref().unwrap();
        assert_eq!(cc_reach.kinds, [Kind::Build].into());
        assert!(cc_reach.direct);
        assert_eq!(reach[test].as_ref().unwrap().kinds, [Kind::Dev].into());
        assert!(
            reach[test_dev].is_none(),
            "dev edges of dependencies are not followed"
        );
    }
}
