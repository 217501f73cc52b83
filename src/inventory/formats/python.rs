//! What the Python formats share: names compared the PEP 503 way, the start of a PEP 508
//! requirement, the project manifest beside a lockfile (`pyproject.toml` or `Pipfile`) and the
//! lines on which it declares each dependency, and sources that are local paths or archives.
//!
//! None of the Python lockfiles records licenses, so every Python component's license is
//! unknown.

use std::collections::HashMap;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::Locked;
use crate::inventory::graph::{EdgeKind, Graph};
use crate::inventory::text::LineIndex;
use crate::inventory::{Document, ParseError};
use crate::model::codes::NoteCode;
use crate::model::license::License;
use crate::model::{Ecosystem, Location, Source};

/// The default index, as `registry.rs` names it: what a lockfile means when it names none.
pub const PYPI: &str = "https://pypi.org";

/// The name as PyPI compares it (PEP 503): the key lockfile entries are matched by.
pub fn key(name: &str) -> String {
    crate::model::purl::normalize_name(Ecosystem::Pypi, name)
}

/// The project name at the start of a PEP 508 requirement (`requests[socks]>=2; ...`) and the
/// text after it; `None` when the text does not start with a valid name.
pub fn split_name(requirement: &str) -> Option<(&str, &str)> {
    let text = requirement.trim_start();
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(text.len());
    let name = &text[..end];
    let valid = name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    valid.then(|| (name, &text[end..]))
}

/// The version a specifier pins exactly (`==1.2.3`, `===1.2.3`); `None` for anything that
/// allows more than one version (`>=1`, `==1.*`, several clauses).
pub fn pinned(specifier: &str) -> Option<&str> {
    let specifier = specifier.trim();
    let version = specifier
        .strip_prefix("===")
        .or_else(|| specifier.strip_prefix("=="))?
        .trim();
    let exact = !version.is_empty() && !version.contains(['*', ',', '<', '>', '=', '!', '~', ' ']);
    exact.then_some(version)
}

/// Why a lockfile entry is not a component.
pub enum Problem {
    /// Seen but not inventoried: reported as a note.
    Note(NoteCode, String),
    /// The entry is malformed: the file is rejected.
    Malformed(String),
}

/// A locked Python package (Python lockfiles carry no licenses).
pub fn locked(name: &str, version: &str, source: Source, line: u32) -> Locked {
    Locked {
        name: name.to_owned(),
        version: version.to_owned(),
        license: License::Unknown,
        source,
        line,
        optional: false,
        kinds: None,
    }
}

/// A registry source: the index the lockfile names, else PyPI.
pub fn registry(url: Option<&str>) -> Source {
    Source::Registry {
        url: url.unwrap_or(PYPI).to_owned(),
    }
}

/// A local path written relative to the lockfile (or as a `file://` URL), as a source relative
/// to the repository root.
pub fn local_source(lockfile: &str, path: &str) -> Source {
    let path = path.strip_prefix("file://").unwrap_or(path);
    if path.starts_with('/') {
        return Source::Path {
            path: path.to_owned(),
        };
    }
    let dir = lockfile.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut parts: Vec<&str> = Vec::new();
    for part in dir.split('/').chain(path.split(['/', '\\'])) {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let path = if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    };
    Source::Path { path }
}

/// The version in the file name of a wheel or sdist of package `name` (from a path or URL);
/// `None` when the file is not named as the packaging specifications say.
pub fn archive_version(location: &str, name: &str) -> Option<String> {
    let location = location.split(['#', '?']).next().unwrap_or(location);
    let file = location.rsplit('/').next().unwrap_or(location);
    if let Some(stem) = file.strip_suffix(".whl") {
        // {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl; the name has no `-`.
        let mut fields = stem.split('-');
        let (wheel_name, version) = (fields.next()?, fields.next()?);
        return (key(wheel_name) == key(name) && fields.count() >= 3).then(|| version.to_owned());
    }
    let stem = [".tar.gz", ".zip", ".tar.bz2", ".tgz"]
        .iter()
        .find_map(|ext| file.strip_suffix(ext))?;
    // {name}-{version}: older sdists keep `-` in the name, so try each `-`.
    let wanted = key(name);
    stem.match_indices('-')
        .find(|(i, _)| key(&stem[..*i]) == wanted)
        .map(|(i, _)| stem[i + 1..].to_owned())
        .filter(|version| !version.is_empty())
}

/// The label of the project a lockfile belongs to, in dependency paths: the name its manifest
/// gives, else its directory's name, else `(root)` at the top of the repository.
pub fn project_label(lockfile: &str, manifest: Option<&Manifest>) -> String {
    manifest
        .and_then(|m| m.name.clone())
        .or_else(|| {
            let (dir, _) = lockfile.rsplit_once('/')?;
            dir.rsplit('/').next().map(str::to_owned)
        })
        .unwrap_or_else(|| "(root)".to_owned())
}

/// Which dependency list of a manifest a declaration is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    /// `[project] dependencies`, `[tool.poetry.dependencies]`, Pipfile `[packages]`.
    Runtime,
    /// Extras: `[project.optional-dependencies]`, Poetry's `optional = true`.
    Optional,
    /// Dependency groups, Poetry's groups, uv's dev-dependencies, Pipfile `[dev-packages]`
    /// and other Pipfile categories.
    Dev,
}

impl Group {
    pub fn edge(self) -> EdgeKind {
        match self {
            Group::Runtime | Group::Optional => EdgeKind::Normal,
            Group::Dev => EdgeKind::Dev,
        }
    }
}

/// One dependency a manifest declares.
#[derive(Clone, Debug)]
pub struct Declared {
    pub group: Group,
    /// The PEP 503 key of its name.
    pub key: String,
    pub line: u32,
    /// The name as written.
    pub name: String,
    pub requirement: Requirement,
}

/// What a declaration asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Requirement {
    /// Versions from the index: the specifier as written (PEP 440, or Poetry's and Pipenv's
    /// own syntax), empty for any version.
    Version(String),
    /// A git repository, at a revision when one is named.
    Git { url: String, rev: Option<String> },
    /// A local directory or archive, as written.
    Path(String),
    /// An archive URL.
    Url(String),
}

impl Requirement {
    /// From a PEP 508 requirement's text after the name: extras and markers dropped, a
    /// direct reference (`@ URL`) told apart from a version specifier.
    fn pep508(rest: &str) -> Requirement {
        let mut rest = rest.trim_start();
        if rest.starts_with('[') {
            rest = rest.find(']').map_or("", |end| &rest[end + 1..]);
        }
        let rest = rest.split(';').next().unwrap_or_default().trim();
        match rest.strip_prefix('@') {
            Some(url) => Requirement::direct(url.trim()),
            None => Requirement::Version(
                rest.trim_start_matches('(')
                    .trim_end_matches(')')
                    .trim()
                    .to_owned(),
            ),
        }
    }

    /// A direct reference: `git+URL@REV`, `file:PATH` or an archive URL.
    fn direct(url: &str) -> Requirement {
        if let Some(git) = url.strip_prefix("git+") {
            let (url, rev) = match git.rsplit_once('@').filter(|(_, rev)| !rev.contains('/')) {
                Some((url, rev)) => (url, Some(rev.split('#').next().unwrap_or(rev).to_owned())),
                None => (git, None),
            };
            return Requirement::Git {
                url: url.to_owned(),
                rev,
            };
        }
        match url.strip_prefix("file:") {
            Some(path) => Requirement::Path(path.trim_start_matches("//").to_owned()),
            None => Requirement::Url(url.to_owned()),
        }
    }

    /// A Poetry or Pipfile value: a version string, or a table with `version`, `git` (and
    /// `rev`, `ref`, `tag` or `branch`), `path`, `file` or `url`.
    fn table_value(value: &DeValue<'_>) -> Requirement {
        if let Some(version) = value.as_str() {
            return Requirement::Version(version.trim().trim_start_matches('*').to_owned());
        }
        let Some(table) = value.as_table() else {
            return Requirement::Version(String::new());
        };
        let text = |key: &str| string(table.get(key)).map(str::to_owned);
        if let Some(url) = text("git") {
            let rev = ["rev", "ref", "tag", "branch"].into_iter().find_map(text);
            return Requirement::Git { url, rev };
        }
        if let Some(path) = text("path").or_else(|| text("file")) {
            return Requirement::Path(path);
        }
        if let Some(url) = text("url") {
            return Requirement::Url(url);
        }
        Requirement::Version(
            text("version")
                .unwrap_or_default()
                .trim()
                .trim_start_matches('*')
                .to_owned(),
        )
    }
}

/// A project manifest beside a lockfile: the project's name and the line of each dependency it
/// declares.
#[derive(Debug)]
pub struct Manifest {
    path: String,
    pub name: Option<String>,
    declared: Vec<Declared>,
    first: HashMap<(Group, String), u32>,
}

/// Top-level Pipfile tables that are not package categories.
const PIPFILE_SETTINGS: [&str; 4] = ["source", "requires", "scripts", "pipenv"];

impl Manifest {
    /// Reads `pyproject.toml`: PEP 621 `[project]` dependencies and extras, PEP 735
    /// `[dependency-groups]`, `[tool.uv] dev-dependencies`, and Poetry's `[tool.poetry]`
    /// dependencies, dev-dependencies and groups.
    pub fn pyproject(document: &Document<'_>) -> Result<Self, ParseError> {
        Manifest::read_pyproject(document).map_err(|e| ParseError::in_manifest(document.path, e))
    }

    /// [`Manifest::pyproject`] for a `pyproject.toml` that is the input itself.
    pub fn read_pyproject(document: &Document<'_>) -> Result<Self, ParseError> {
        let (mut reader, root) = Reader::parse(document)?;
        let root = root.get_ref();
        let project = table(root.get("project"));
        let tool = table(root.get("tool"));
        let poetry = tool.and_then(|t| table(t.get("poetry")));
        let uv = tool.and_then(|t| table(t.get("uv")));
        let name = project
            .and_then(|p| string(p.get("name")))
            .or_else(|| poetry.and_then(|p| string(p.get("name"))));
        if let Some(project) = project {
            reader.requirements(Group::Runtime, project.get("dependencies"));
            for (_, extra) in table(project.get("optional-dependencies"))
                .into_iter()
                .flatten()
            {
                reader.requirements(Group::Optional, Some(extra));
            }
        }
        if let Some(groups) = table(root.get("dependency-groups")) {
            for (_, group) in groups {
                reader.requirements(Group::Dev, Some(group));
            }
        }
        if let Some(uv) = uv {
            reader.requirements(Group::Dev, uv.get("dev-dependencies"));
        }
        if let Some(poetry) = poetry {
            reader.names_table(Group::Runtime, poetry.get("dependencies"));
            reader.names_table(Group::Dev, poetry.get("dev-dependencies"));
            for (group_name, group) in table(poetry.get("group")).into_iter().flatten() {
                let group_kind = match group_name.get_ref().as_ref() {
                    "main" => Group::Runtime,
                    _ => Group::Dev,
                };
                let dependencies = table(Some(group)).and_then(|g| g.get("dependencies"));
                reader.names_table(group_kind, dependencies);
            }
        }
        Ok(reader.finish(name))
    }

    /// Reads a `Pipfile`: `[packages]` are runtime, `[dev-packages]` and any other package
    /// category are dev.
    pub fn pipfile(document: &Document<'_>) -> Result<Self, ParseError> {
        Manifest::read_pipfile(document).map_err(|e| ParseError::in_manifest(document.path, e))
    }

    /// [`Manifest::pipfile`] for a `Pipfile` that is the input itself.
    pub fn read_pipfile(document: &Document<'_>) -> Result<Self, ParseError> {
        let (mut reader, root) = Reader::parse(document)?;
        for (category, packages) in root.get_ref() {
            let group = match category.get_ref().as_ref() {
                "packages" => Group::Runtime,
                settings if PIPFILE_SETTINGS.contains(&settings) => continue,
                _ => Group::Dev,
            };
            reader.names_table(group, Some(packages));
        }
        Ok(reader.finish(None))
    }

    /// Every declaration, in file order.
    pub fn declared(&self) -> &[Declared] {
        &self.declared
    }

    /// Where the manifest declares the package `name` in `group`, else in any group.
    pub fn declaration(&self, group: Group, name: &str) -> Option<Location> {
        let key = key(name);
        let line = self.first.get(&(group, key.clone())).copied().or_else(|| {
            [Group::Runtime, Group::Optional, Group::Dev]
                .iter()
                .find_map(|g| self.first.get(&(*g, key.clone())).copied())
        })?;
        Some(self.location(line))
    }

    fn location(&self, line: u32) -> Location {
        Location {
            file: self.path.as_str().into(),
            line,
        }
    }

    /// Adds an edge from `root` to every package (by key in `nodes`) that the manifest
    /// declares, pointing at its declaration.
    pub fn declare(&self, graph: &mut Graph, root: usize, nodes: &HashMap<String, Vec<usize>>) {
        for declared in &self.declared {
            for &to in nodes.get(&declared.key).into_iter().flatten() {
                let at = Some(self.location(declared.line));
                graph.depend(root, to, declared.group.edge(), at);
            }
        }
    }
}

/// Collects declarations while walking a parsed manifest.
struct Reader<'a> {
    path: &'a str,
    lines: LineIndex,
    declared: Vec<Declared>,
}

impl<'a> Reader<'a> {
    /// Parses the manifest; a manifest that is not TOML fails the lockfile's inventory, as the
    /// lockfile cannot be placed in its project.
    fn parse(document: &Document<'a>) -> Result<(Self, Spanned<DeTable<'a>>), ParseError> {
        let lines = LineIndex::new(document.text);
        let root = DeTable::parse(document.text).map_err(|e| ParseError::toml(&e, &lines))?;
        let reader = Reader {
            path: document.path,
            lines,
            declared: Vec::new(),
        };
        Ok((reader, root))
    }

    fn add(&mut self, group: Group, name: &str, offset: usize, requirement: Requirement) {
        self.declared.push(Declared {
            group,
            key: key(name),
            line: self.lines.line(offset),
            name: name.to_owned(),
            requirement,
        });
    }

    /// An array of PEP 508 requirement strings (PEP 735 `{include-group = ...}` tables are
    /// not requirements).
    fn requirements(&mut self, group: Group, value: Option<&Spanned<DeValue<'_>>>) {
        let Some(DeValue::Array(items)) = value.map(Spanned::get_ref) else {
            return;
        };
        for item in items {
            if let Some((name, rest)) = item.get_ref().as_str().and_then(split_name) {
                self.add(group, name, item.span().start, Requirement::pep508(rest));
            }
        }
    }

    /// A table keyed by package name (Poetry, Pipfile). Poetry's interpreter constraint
    /// `python` is not a package; a package marked `optional = true` is an extra.
    fn names_table(&mut self, group: Group, value: Option<&Spanned<DeValue<'_>>>) {
        for (name, spec) in table(value).into_iter().flatten() {
            if name.get_ref().eq_ignore_ascii_case("python") {
                continue;
            }
            let optional = table(Some(spec))
                .and_then(|t| t.get("optional"))
                .and_then(|o| o.get_ref().as_bool())
                .unwrap_or(false);
            let group = if optional && group == Group::Runtime {
                Group::Optional
            } else {
                group
            };
            let requirement = Requirement::table_value(spec.get_ref());
            self.add(group, name.get_ref(), name.span().start, requirement);
        }
    }

    fn finish(mut self, name: Option<&str>) -> Manifest {
        // In file order, whatever order the TOML tables iterate in.
        self.declared.sort_by_key(|d| d.line);
        let mut first = HashMap::new();
        for declared in &self.declared {
            first
                .entry((declared.group, declared.key.clone()))
                .or_insert(declared.line);
        }
        Manifest {
            path: self.path.to_owned(),
            name: name.map(str::to_owned),
            declared: self.declared,
            first,
        }
    }
}

fn table<'t, 'i>(value: Option<&'t Spanned<DeValue<'i>>>) -> Option<&'t DeTable<'i>> {
    value?.get_ref().as_table()
}

fn string<'t>(value: Option<&'t Spanned<DeValue<'_>>>) -> Option<&'t str> {
    value?.get_ref().as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_names_end_where_the_name_ends() {
        assert_eq!(
            split_name("requests[socks]>=2; python_version < '3.8'"),
            Some(("requests", "[socks]>=2; python_version < '3.8'"))
        );
        assert_eq!(split_name("  zope.interface"), Some(("zope.interface", "")));
        assert_eq!(split_name("-e ."), None);
        assert_eq!(split_name("bad-"), None);
    }

    #[test]
    fn only_exact_specifiers_pin_a_version() {
        assert_eq!(pinned("==2.31.0"), Some("2.31.0"));
        assert_eq!(pinned(" === 1.0-custom "), Some("1.0-custom"));
        assert_eq!(pinned("==2.*"), None);
        assert_eq!(pinned(">=2"), None);
        assert_eq!(pinned("==2.0,!=2.0.1"), None);
        assert_eq!(pinned("*"), None);
    }

    #[test]
    fn archive_file_names_give_their_version() {
        let wheel = "https://x.example/pkgs/Foo_Bar-1.2.3-py3-none-any.whl#sha256=00";
        assert_eq!(archive_version(wheel, "foo-bar").as_deref(), Some("1.2.3"));
        assert_eq!(
            archive_version("dist/foo-bar-2.0.tar.gz", "foo-bar").as_deref(),
            Some("2.0")
        );
        assert_eq!(archive_version("dist/other-2.0.tar.gz", "foo"), None);
        assert_eq!(archive_version("main.zip", "foo"), None);
    }

    #[test]
    fn local_paths_become_repository_relative() {
        let path = |lock, p| match local_source(lock, p) {
            Source::Path { path } => path,
            other => panic!("{other:?}"),
        };
        assert_eq!(path("app/uv.lock", "../libs/x"), "libs/x");
        assert_eq!(path("uv.lock", "./wheels/x.whl"), "wheels/x.whl");
        assert_eq!(path("uv.lock", "."), ".");
        assert_eq!(path("uv.lock", "../outside"), "../outside");
        assert_eq!(path("a/uv.lock", "file:///opt/x"), "/opt/x");
    }

    #[test]
    fn pyproject_declarations_cover_pep_621_groups_uv_and_poetry() {
        let text = r#"[project]
name = "app"
dependencies = [
    "Requests>=2",
    "attrs",
]

[project.optional-dependencies]
socks = ["pysocks"]

[dependency-groups]
test = ["pytest>=8", { include-group = "lint" }]

[tool.uv]
dev-dependencies = ["ruff"]

[tool.poetry.dependencies]
python = "^3.9"
click = "^8"
rich = { version = "*", optional = true }

[tool.poetry.group.docs.dependencies]
sphinx = "*"
"#;
        let document = Document {
            path: "app/pyproject.toml",
            text,
        };
        let manifest = Manifest::pyproject(&document).unwrap();
        assert_eq!(manifest.name.as_deref(), Some("app"));
        let found: Vec<(Group, &str, u32)> = manifest
            .declared
            .iter()
            .map(|d| (d.group, d.key.as_str(), d.line))
            .collect();
        assert_eq!(
            found,
            [
                (Group::Runtime, "requests", 4),
                (Group::Runtime, "attrs", 5),
                (Group::Optional, "pysocks", 9),
                (Group::Dev, "pytest", 12),
                (Group::Dev, "ruff", 15),
                (Group::Runtime, "click", 19),
                (Group::Optional, "rich", 20),
                (Group::Dev, "sphinx", 23),
            ]
        );
        assert_eq!(
            manifest.declaration(Group::Dev, "requests").map(|l| l.line),
            Some(4)
        );
    }

    #[test]
    fn pipfile_categories_other_than_packages_are_dev() {
        let text = "[[source]]\nurl = \"https://pypi.org/simple\"\n\n[packages]\nflask = \"*\"\n\n[dev-packages]\npytest = \"*\"\n\n[docs]\nsphinx = \"*\"\n\n[requires]\npython_version = \"3.12\"\n";
        let document = Document {
            path: "Pipfile",
            text,
        };
        let manifest = Manifest::pipfile(&document).unwrap();
        let found: Vec<(Group, &str)> = manifest
            .declared
            .iter()
            .map(|d| (d.group, d.key.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (Group::Runtime, "flask"),
                (Group::Dev, "pytest"),
                (Group::Dev, "sphinx")
            ]
        );
    }
}
