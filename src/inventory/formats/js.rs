//! What the JavaScript lockfiles (npm, pnpm, Yarn) share: the `package.json` beside them,
//! npm descriptors (`name@range`), where a resolved URL says a package came from, and which
//! packages only optional dependencies bring in.

use std::collections::VecDeque;

use serde::Deserialize;

use super::Locked;
use super::json::UniqueKeys;
use crate::inventory::graph::{EdgeKind, Graph};
use crate::inventory::text::JsonLines;
use crate::inventory::{Document, Input, ParseError};
use crate::model::{Location, Source};

/// Dependency name → range, as a package.json section writes them (each name once).
pub type Dependencies = UniqueKeys<String>;

/// A dependency section of package.json.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Dependencies,
    OptionalDependencies,
    PeerDependencies,
    DevDependencies,
}

impl Section {
    /// Runtime sections first: a name declared in several is counted where it is installed
    /// for production.
    pub const ALL: [Section; 4] = [
        Section::Dependencies,
        Section::OptionalDependencies,
        Section::PeerDependencies,
        Section::DevDependencies,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Section::Dependencies => "dependencies",
            Section::OptionalDependencies => "optionalDependencies",
            Section::PeerDependencies => "peerDependencies",
            Section::DevDependencies => "devDependencies",
        }
    }

    pub fn edge_kind(self) -> EdgeKind {
        match self {
            Section::DevDependencies => EdgeKind::Dev,
            _ => EdgeKind::Normal,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Sections {
    name: Option<String>,
    #[serde(default)]
    dependencies: Dependencies,
    #[serde(default)]
    optional_dependencies: Dependencies,
    #[serde(default)]
    peer_dependencies: Dependencies,
    #[serde(default)]
    dev_dependencies: Dependencies,
    #[serde(default)]
    workspaces: Workspaces,
}

/// `workspaces`: a list of globs, or (Yarn classic) `{"packages": [globs]}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Workspaces {
    Globs(Vec<String>),
    Packages {
        #[serde(default)]
        packages: Vec<String>,
    },
}

impl Default for Workspaces {
    fn default() -> Self {
        Workspaces::Globs(Vec::new())
    }
}

/// A project's package.json (the root's, or a workspace member's): its name, what it
/// declares, and on which lines.
pub struct Manifest<'a> {
    path: &'a str,
    sections: Sections,
    lines: JsonLines<'a>,
}

impl<'a> Manifest<'a> {
    /// The manifest beside the lockfile, if discovery found one.
    pub fn beside(input: &Input<'a>) -> Result<Option<Self>, ParseError> {
        input.manifest.map(Manifest::read).transpose()
    }

    /// The package.json of the workspace member in `directory` (as the lockfile names it,
    /// relative to the lockfile), if discovery found one: where the member declares its
    /// direct dependencies, and which are dev. An error in it fails the lockfile's inventory.
    pub fn of_member(input: &Input<'a>, directory: &str) -> Result<Option<Self>, ParseError> {
        input
            .member_manifest(directory)
            .map(Manifest::read)
            .transpose()
    }

    /// Reads the manifest beside a lockfile: an error names the manifest.
    pub fn read(document: Document<'a>) -> Result<Self, ParseError> {
        Manifest::parse(document).map_err(|e| ParseError::in_manifest(document.path, e))
    }

    /// Reads a package.json that is the input itself.
    pub fn parse(document: Document<'a>) -> Result<Self, ParseError> {
        let sections = serde_json::from_str(document.text)?;
        Ok(Manifest {
            path: document.path,
            sections,
            lines: JsonLines::new(document.text),
        })
    }

    pub fn name(&self) -> Option<&str> {
        self.sections.name.as_deref()
    }

    /// Its repository-relative path.
    pub fn path(&self) -> &str {
        self.path
    }

    /// The `workspaces` globs: the member directories, relative to this manifest's.
    pub fn workspaces(&self) -> &[String] {
        match &self.sections.workspaces {
            Workspaces::Globs(globs) | Workspaces::Packages { packages: globs } => globs,
        }
    }

    /// The manifests among `input`'s members whose directories the root manifest's
    /// `workspaces` globs name, read. Only a lockfile that does not name its members itself
    /// (Yarn classic's) needs this.
    pub fn workspace_members(&self, input: &Input<'a>) -> Result<Vec<Self>, ParseError> {
        let globs = crate::util::glob::path_globs(self.workspaces().iter().map(String::as_str))
            .map_err(|e| ParseError::in_manifest(self.path, ParseError::new(e)))?;
        let lockfile_dir = input.file.path.rsplit_once('/').map(|(dir, _)| dir);
        input
            .members
            .iter()
            .filter(|member| {
                let dir = member.path.rsplit_once('/').map_or("", |(dir, _)| dir);
                let relative = match lockfile_dir {
                    Some(base) => dir.strip_prefix(base).and_then(|d| d.strip_prefix('/')),
                    None => Some(dir),
                };
                relative.is_some_and(|relative| globs.is_match(relative))
            })
            .map(|member| Manifest::read(*member))
            .collect()
    }

    pub fn section(&self, section: Section) -> &Dependencies {
        match section {
            Section::Dependencies => &self.sections.dependencies,
            Section::OptionalDependencies => &self.sections.optional_dependencies,
            Section::PeerDependencies => &self.sections.peer_dependencies,
            Section::DevDependencies => &self.sections.dev_dependencies,
        }
    }

    /// The first section declaring `name`, runtime sections first.
    pub fn section_of(&self, name: &str) -> Option<Section> {
        Section::ALL
            .into_iter()
            .find(|section| self.section(*section).contains_key(name))
    }

    /// The line on which `section` declares `name`.
    pub fn declared_at(&self, section: Section, name: &str) -> Option<Location> {
        let start = self.lines.key(section.key())?;
        let line = self.lines.key_after(name, start)?;
        Some(Location {
            file: self.path.into(),
            line,
        })
    }
}

/// Splits an npm descriptor `name@range` (or `@scope/name@range`) at the `@` ending the name.
pub fn split_descriptor(descriptor: &str) -> Option<(&str, &str)> {
    let at = descriptor.get(1..)?.find('@')? + 1;
    Some((&descriptor[..at], &descriptor[at + 1..]))
}

/// The entry a dependency `name@range` means when no entry locks that exact descriptor (a
/// `resolutions` override, a hand-edited lockfile): of the `candidates` of its name (node,
/// locked version), the one whose version satisfies the range (an `npm:` prefix aside). When
/// none or several do, the reason the edge is not followed, for its note.
pub fn only_satisfying(
    name: &str,
    range: &str,
    candidates: &[(usize, &str)],
) -> Result<usize, String> {
    let semver_range = nodejs_semver::Range::parse(range.strip_prefix("npm:").unwrap_or(range));
    let satisfying: Vec<usize> = match &semver_range {
        Ok(semver_range) => candidates
            .iter()
            .filter(|(_, version)| {
                nodejs_semver::Version::parse(version).is_ok_and(|v| semver_range.satisfies(&v))
            })
            .map(|(node, _)| *node)
            .collect(),
        Err(_) => Vec::new(),
    };
    match satisfying[..] {
        [node] => Ok(node),
        [] if candidates.is_empty() => Err(format!("no entry of `{name}` is locked")),
        [] => Err(format!(
            "none of the {} entries of `{name}` satisfies `{range}`",
            candidates.len()
        )),
        _ => Err(format!(
            "{} entries of `{name}` satisfy `{range}` and could be meant",
            satisfying.len()
        )),
    }
}

/// Where a package came from, by the URL or spec its lockfile resolved it to: a git
/// repository (`git+…`, `github:…`, a `….git` URL, or a codeload.github.com tarball of a
/// commit), a local `file:` path (made relative to the repository root through the
/// lockfile's own path), or a registry tarball, whose registry is what precedes
/// `/<name>/-/`. Any other URL is kept whole as the registry, for the policy to judge.
pub fn resolved_source(resolved: &str, name: &str, lockfile: &str) -> Source {
    let (location, fragment) = match resolved.split_once('#') {
        Some((location, fragment)) => (location, Some(fragment)),
        None => (resolved, None),
    };
    let git_prefixes = [
        "git+",
        "git:",
        "git@",
        "github:",
        "gitlab:",
        "bitbucket:",
        "ssh://",
    ];
    let is_http = location.starts_with("https://") || location.starts_with("http://");
    if git_prefixes.iter().any(|p| resolved.starts_with(p)) || is_http && location.ends_with(".git")
    {
        return Source::Git {
            url: location.trim_start_matches("git+").to_owned(),
            rev: fragment.map(git_commit),
        };
    }
    if let Some(path) = location.strip_prefix("file:") {
        let path = path.split("::").next().unwrap_or(path);
        return Source::Path {
            path: relative_to_lockfile(lockfile, path),
        };
    }
    if let Some(git) = codeload_commit(location) {
        return git;
    }
    let registry = location
        .find(&format!("/{name}/-/"))
        .map_or(location, |i| &location[..i]);
    Source::Registry {
        url: registry.to_owned(),
    }
}

/// The commit a git fragment names: npm and Yarn classic write `#<commit>`, Yarn Berry
/// `#commit=<commit>` among other `&`-separated settings.
fn git_commit(fragment: &str) -> String {
    fragment
        .split('&')
        .find_map(|part| part.strip_prefix("commit="))
        .unwrap_or(fragment)
        .to_owned()
}

/// `https://codeload.github.com/OWNER/REPO/tar.gz/COMMIT`: GitHub's archive of a commit.
fn codeload_commit(url: &str) -> Option<Source> {
    let path = url.strip_prefix("https://codeload.github.com/")?;
    let mut parts = path.split('/');
    let (owner, repo, _archive, commit) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    Some(Source::Git {
        url: format!("https://github.com/{owner}/{repo}"),
        rev: Some(commit.to_owned()),
    })
}

/// `relative`, written relative to the lockfile's directory, as a repository-relative path.
pub fn relative_to_lockfile(lockfile: &str, relative: &str) -> String {
    if relative.starts_with('/') {
        return relative.to_owned();
    }
    let directory = lockfile.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut parts: Vec<&str> = directory.split('/').filter(|p| !p.is_empty()).collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    }
}

/// A dependency edge, before it is added to the [`Graph`]; `optional` when the package manager
/// may skip it.
pub struct Link {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    pub optional: bool,
    pub declared_at: Option<Location>,
}

/// Adds `links` to `graph` and flags the `locked` packages installed only because of optional
/// dependencies: the roots reach them, but not without optional edges. Lockfiles that do not
/// flag optional packages (Yarn's) derive the flag this way.
pub fn link_optional(graph: &mut Graph, links: Vec<Link>, locked: &mut [(usize, Locked)]) {
    let mut edges: Vec<Vec<(usize, bool, EdgeKind)>> = vec![Vec::new(); graph.len()];
    for link in &links {
        edges[link.from].push((link.to, link.optional, link.kind));
    }
    let reached_any = reach(graph, &edges, true);
    let reached_required = reach(graph, &edges, false);
    for link in links {
        graph.depend(link.from, link.to, link.kind, link.declared_at);
    }
    for (node, package) in locked {
        package.optional = reached_any[*node] && !reached_required[*node];
    }
}

/// Which nodes the roots reach, through optional edges or not; like [`Graph::walk`], dev
/// edges count only from roots.
fn reach(
    graph: &Graph,
    edges: &[Vec<(usize, bool, EdgeKind)>],
    through_optional: bool,
) -> Vec<bool> {
    let mut reached = vec![false; graph.len()];
    let mut queue: VecDeque<usize> = (0..graph.len()).filter(|n| graph.is_root(*n)).collect();
    for root in &queue {
        reached[*root] = true;
    }
    while let Some(from) = queue.pop_front() {
        for &(to, optional, kind) in &edges[from] {
            let followed =
                (through_optional || !optional) && (kind != EdgeKind::Dev || graph.is_root(from));
            if followed && !reached[to] {
                reached[to] = true;
                queue.push_back(to);
            }
        }
    }
    reached
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptors_split_after_the_scope() {
        assert_eq!(split_descriptor("lodash@^4"), Some(("lodash", "^4")));
        assert_eq!(
            split_descriptor("@babel/core@npm:^7.0.0"),
            Some(("@babel/core", "npm:^7.0.0"))
        );
        assert_eq!(
            split_descriptor("alias@npm:real@^1"),
            Some(("alias", "npm:real@^1"))
        );
        assert_eq!(split_descriptor("@scope"), None);
        assert_eq!(split_descriptor(""), None);
    }

    #[test]
    fn a_range_is_followed_to_the_one_entry_that_satisfies_it() {
        let candidates = [(1, "1.2.0"), (2, "2.0.1"), (3, "2.3.0")];
        assert_eq!(only_satisfying("a", "^1.0.0", &candidates), Ok(1));
        assert_eq!(only_satisfying("a", "npm:~2.0.0", &candidates), Ok(2));
        let ambiguous = only_satisfying("a", "^2", &candidates).unwrap_err();
        assert!(ambiguous.starts_with("2 entries"), "{ambiguous}");
        let none = only_satisfying("a", "^3", &candidates).unwrap_err();
        assert!(none.starts_with("none of the 3"), "{none}");
        assert!(only_satisfying("a", "latest", &candidates).is_err());
        assert!(only_satisfying("a", "^1", &[]).is_err());
    }

    #[test]
    fn resolved_urls_name_their_source() {
        let registry = |url: &str| Source::Registry { url: url.into() };
        assert_eq!(
            resolved_source(
                "https://registry.yarnpkg.com/@babel/core/-/core-7.0.0.tgz#abc",
                "@babel/core",
                "yarn.lock"
            ),
            registry("https://registry.yarnpkg.com")
        );
        assert_eq!(
            resolved_source(
                "https://codeload.github.com/webpack/tooling/tar.gz/4c13a00",
                "tooling",
                "yarn.lock"
            ),
            Source::Git {
                url: "https://github.com/webpack/tooling".into(),
                rev: Some("4c13a00".into())
            }
        );
        assert_eq!(
            resolved_source(
                "https://github.com/a/b.git#commit=0123abc",
                "b",
                "yarn.lock"
            ),
            Source::Git {
                url: "https://github.com/a/b.git".into(),
                rev: Some("0123abc".into())
            }
        );
        assert_eq!(
            resolved_source("file:../vendor/x.tgz#sha", "x", "web/app/yarn.lock"),
            Source::Path {
                path: "web/vendor/x.tgz".into()
            }
        );
    }

    #[test]
    fn paths_relative_to_the_lockfile_become_repository_relative() {
        assert_eq!(relative_to_lockfile("a/pnpm-lock.yaml", "./b"), "a/b");
        assert_eq!(relative_to_lockfile("pnpm-lock.yaml", "../b"), "../b");
        assert_eq!(relative_to_lockfile("a/b/yarn.lock", "../.."), ".");
    }

    #[test]
    fn packages_behind_optional_edges_only_are_optional() {
        let mut graph = Graph::new();
        let root = graph.add_root("app");
        let names = ["both", "fsevents", "under-fsevents"];
        let mut locked: Vec<(usize, Locked)> = names
            .iter()
            .map(|name| {
                let locked = Locked {
                    name: (*name).to_owned(),
                    version: "1.0.0".to_owned(),
                    license: crate::model::license::License::Unknown,
                    source: Source::Path { path: ".".into() },
                    line: 1,
                    optional: false,
                    kinds: None,
                };
                (graph.add(*name), locked)
            })
            .collect();
        let (both, optional, beneath) = (locked[0].0, locked[1].0, locked[2].0);
        let link = |from, to, optional| Link {
            from,
            to,
            kind: EdgeKind::Normal,
            optional,
            declared_at: None,
        };
        let links = vec![
            link(root, both, false),
            link(root, optional, true),
            link(optional, both, false),
            link(optional, beneath, false),
        ];
        link_optional(&mut graph, links, &mut locked);
        let flags: Vec<bool> = locked.iter().map(|(_, l)| l.optional).collect();
        assert_eq!(flags, [false, true, true]);
    }
}
