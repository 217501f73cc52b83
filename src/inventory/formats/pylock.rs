//! PEP 751 lock files: `pylock.toml` and `pylock.NAME.toml`, `lock-version` 1.0 (a later 1.x
//! is read as 1.0 with a note, as the specification allows; another major version is refused).
//!
//! Every `[[packages]]` entry is a node; its optional `dependencies` (informational in the
//! specification) are its edges, by name and, when given, version. A `directory` package that
//! is `editable` or is the lockfile's own directory is first-party, a root. The project — the
//! package at `.`, else a root named after the `pyproject.toml` beside the lockfile or its
//! directory — depends on what that manifest declares, at their lines. Without a manifest or
//! recorded dependencies, no package is known to be direct.
//!
//! Entries carry no dev flag: kinds come from each package's `marker` where it mentions the
//! PEP 751 marker variables. The marker is evaluated three-valued, other environment markers
//! being unknown (so possibly true): a package whose marker may hold for the default install
//! (`dependency_groups` = `default-groups`, no extras) is runtime; one whose marker may hold
//! with a dependency group it names that is not a default group is dev; one that only an
//! extra it names installs is runtime and optional. A marker that mentions neither leaves
//! kinds to the manifest's edges.
//!
//! Sources: `index` (else the origin of the wheel or sdist URLs) is a registry; `vcs` (git) is
//! its URL and `commit-id`; `archive` URLs are recorded as registry sources so the policy's
//! registries decide about them; `archive`, wheel and sdist paths and `directory` are local.
//! The specification omits `version` for source trees (`vcs`, `directory`): such packages,
//! and any whose version neither the entry nor a wheel or sdist file name gives, are noted,
//! not guessed.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;
use toml::Spanned;

use super::python::{self, Group, Manifest, Problem};
use super::{Locked, assemble};
use crate::inventory::Note;
use crate::inventory::graph::{EdgeKind, Graph};
use crate::inventory::text::LineIndex;
use crate::inventory::{Format, Input, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::{Ecosystem, Kind, Source};

pub struct Pylock;

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Lockfile {
    lock_version: Option<Spanned<String>>,
    #[serde(default)]
    default_groups: Vec<String>,
    #[serde(default)]
    packages: Vec<Spanned<Package>>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: Option<String>,
    marker: Option<String>,
    #[serde(default)]
    dependencies: Vec<Spanned<DependencyRef>>,
    index: Option<String>,
    vcs: Option<Vcs>,
    directory: Option<Directory>,
    archive: Option<Artifact>,
    sdist: Option<Artifact>,
    #[serde(default)]
    wheels: Vec<Artifact>,
}

/// An entry of `dependencies`: enough keys to tell which package it is.
#[derive(Deserialize)]
struct DependencyRef {
    name: String,
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Vcs {
    #[serde(rename = "type")]
    kind: String,
    url: Option<String>,
    path: Option<String>,
    commit_id: String,
}

#[derive(Deserialize)]
struct Directory {
    path: String,
    #[serde(default)]
    editable: bool,
}

/// An archive, sdist or wheel file.
#[derive(Deserialize)]
struct Artifact {
    name: Option<String>,
    url: Option<String>,
    path: Option<String>,
}

impl Artifact {
    /// What names the file: its name, URL or path.
    fn file_name(&self) -> Option<&str> {
        self.name
            .as_deref()
            .or(self.url.as_deref())
            .or(self.path.as_deref())
    }
}

impl Package {
    fn is_first_party(&self) -> bool {
        self.directory
            .as_ref()
            .is_some_and(|d| d.editable || is_here(&d.path))
    }
}

fn is_here(path: &str) -> bool {
    matches!(path, "." | "./" | "")
}

impl Format for Pylock {
    fn name(&self) -> &'static str {
        "pylock"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Pypi)
    }

    /// `pylock.toml`, or `pylock.NAME.toml` with a NAME without dots.
    fn matches(&self, file_name: &str) -> bool {
        file_name
            .strip_prefix("pylock.")
            .and_then(|rest| rest.strip_suffix("toml"))
            .is_some_and(|name| {
                name.is_empty()
                    || name
                        .strip_suffix('.')
                        .is_some_and(|n| !n.is_empty() && !n.contains('.'))
            })
    }

    fn manifest_name(&self) -> Option<&'static str> {
        Some("pyproject.toml")
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let text = input.file.text;
        let lines = LineIndex::new(text);
        let lock: Lockfile = toml::from_str(text).map_err(|e| ParseError::toml(&e, &lines))?;
        let mut notes = Vec::new();
        let Some(version) = &lock.lock_version else {
            return Err(ParseError::new(
                "not a pylock.toml: it has no `lock-version`",
            ));
        };
        let version_line = lines.line(version.span().start);
        match version.get_ref().split_once('.') {
            Some(("1", "0")) => {}
            Some(("1", _)) => notes.push(Note::new(
                NoteCode::NewerFormat,
                Some(version_line),
                format!(
                    "lock-version {} is newer than the 1.0 this depgov knows; read as 1.0",
                    version.get_ref()
                ),
            )),
            _ => {
                let error = ParseError::unsupported_version(version.get_ref(), "pylock.toml");
                return Err(ParseError::at(version_line, error.message));
            }
        }
        let manifest = input
            .manifest
            .map(|m| Manifest::pyproject(&m))
            .transpose()?;

        // The project is the first root, so that paths start at it where they can.
        let mut graph = Graph::new();
        let here = lock.packages.iter().position(|p| {
            p.get_ref()
                .directory
                .as_ref()
                .is_some_and(|d| is_here(&d.path))
        });
        let project_name = match here {
            Some(index) => lock.packages[index].get_ref().name.clone(),
            None => python::project_label(input.file.path, manifest.as_ref()),
        };
        let project = graph.add_root(project_name);
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        let node_of: Vec<usize> = lock
            .packages
            .iter()
            .enumerate()
            .map(|(index, package)| {
                let package = package.get_ref();
                let node = if Some(index) == here {
                    project
                } else if package.is_first_party() {
                    graph.add_root(package.name.clone())
                } else {
                    graph.add(package.name.clone())
                };
                by_key
                    .entry(python::key(&package.name))
                    .or_default()
                    .push(index);
                node
            })
            .collect();
        for (package, &from) in lock.packages.iter().zip(&node_of) {
            for dependency in &package.get_ref().dependencies {
                let wanted = dependency.get_ref();
                let targets: Vec<usize> = by_key
                    .get(&python::key(&wanted.name))
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|&i| {
                        wanted.version.is_none()
                            || lock.packages[i].get_ref().version == wanted.version
                    })
                    .collect();
                if targets.is_empty() {
                    notes.push(Note::new(
                        NoteCode::DanglingReference,
                        Some(lines.line(dependency.span().start)),
                        format!(
                            "`{}` depends on `{}`, which the lockfile does not list; the edge is not followed",
                            package.get_ref().name,
                            wanted.name
                        ),
                    ));
                }
                // The project's own edges point at its manifest's declarations.
                let declared_at = manifest
                    .as_ref()
                    .filter(|_| from == project)
                    .and_then(|m| m.declaration(Group::Runtime, &wanted.name));
                for target in targets {
                    graph.depend(from, node_of[target], EdgeKind::Normal, declared_at.clone());
                }
            }
        }
        if let Some(manifest) = &manifest {
            let nodes_by_key = by_key
                .iter()
                .map(|(key, indices)| (key.clone(), indices.iter().map(|&i| node_of[i]).collect()))
                .collect();
            manifest.declare(&mut graph, project, &nodes_by_key);
        }

        let mut packages = Vec::new();
        for (package, &node) in lock.packages.iter().zip(&node_of) {
            if graph.is_root(node) {
                continue;
            }
            let line = lines.line(package.span().start);
            match locked_entry(
                package.get_ref(),
                line,
                &lock.default_groups,
                input.file.path,
            ) {
                Ok(locked) => packages.push((node, locked)),
                Err(Problem::Note(code, message)) => {
                    notes.push(Note::new(code, Some(line), message))
                }
                Err(Problem::Malformed(message)) => return Err(ParseError::at(line, message)),
            }
        }
        let components = assemble(Ecosystem::Pypi, input.file.path, &graph, packages);
        Ok(Parsed { components, notes })
    }
}

/// A package entry as a locked component, with its kinds from its marker.
fn locked_entry(
    package: &Package,
    line: u32,
    default_groups: &[String],
    lockfile: &str,
) -> Result<Locked, Problem> {
    let name = &package.name;
    let (source, file) = source(package, lockfile)?;
    let version = package
        .version
        .clone()
        .or_else(|| file.and_then(|f| python::archive_version(f, name)))
        .ok_or_else(|| {
            Problem::Note(
                NoteCode::Unpinned,
                format!(
                    "`{name}` is a source tree or file without a locked version; not inventoried"
                ),
            )
        })?;
    let mut locked = python::locked(name, &version, source, line);
    if let Some(text) = &package.marker {
        let marker = Marker::parse(text).map_err(|e| {
            Problem::Malformed(format!("`{name}` has a marker that is not valid: {e}"))
        })?;
        if let Some((kinds, optional)) = marker.kinds(default_groups) {
            locked.kinds = Some(kinds);
            locked.optional = optional;
        }
    }
    Ok(locked)
}

/// A package's source, and the file whose name may state its version.
fn source<'p>(package: &'p Package, lockfile: &str) -> Result<(Source, Option<&'p str>), Problem> {
    let name = &package.name;
    if let Some(vcs) = &package.vcs {
        if vcs.kind != "git" {
            return Err(Problem::Note(
                NoteCode::UnknownSource,
                format!(
                    "`{name}` comes from a {} repository; depgov records git sources only; not inventoried",
                    vcs.kind
                ),
            ));
        }
        let url = vcs.url.as_ref().or(vcs.path.as_ref()).ok_or_else(|| {
            Problem::Malformed(format!("`{name}`: `vcs` has neither `url` nor `path`"))
        })?;
        let source = Source::Git {
            url: url.clone(),
            rev: Some(vcs.commit_id.clone()),
        };
        return Ok((source, None));
    }
    if let Some(directory) = &package.directory {
        return Ok((python::local_source(lockfile, &directory.path), None));
    }
    if let Some(archive) = &package.archive {
        let source = match (&archive.url, &archive.path) {
            (Some(url), _) => python::registry(Some(url)),
            (None, Some(path)) => python::local_source(lockfile, path),
            (None, None) => {
                return Err(Problem::Malformed(format!(
                    "`{name}`: `archive` has neither `url` nor `path`"
                )));
            }
        };
        return Ok((source, archive.file_name()));
    }
    let Some(file) = package.wheels.first().or(package.sdist.as_ref()) else {
        return Err(Problem::Note(
            NoteCode::UnknownSource,
            format!(
                "`{name}` records no source (index, vcs, directory, archive, sdist or wheels); not inventoried"
            ),
        ));
    };
    let source = match (&package.index, &file.url, &file.path) {
        (Some(index), ..) => python::registry(Some(index)),
        (None, Some(url), _) => python::registry(Some(origin(url))),
        (None, None, Some(path)) => python::local_source(lockfile, path),
        (None, None, None) => python::registry(None),
    };
    Ok((source, file.file_name()))
}

/// `scheme://host[:port]` of a URL: the index a file was served from.
fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find('/') {
        Some(i) => &url[..after_scheme + i],
        None => url,
    }
}

/// A PEP 508 environment marker, with the PEP 751 `extras` and `dependency_groups` sets.
#[derive(Debug)]
enum Marker {
    Any(Vec<Marker>),
    All(Vec<Marker>),
    Compare {
        left: Operand,
        op: String,
        right: Operand,
    },
}

#[derive(Debug)]
enum Operand {
    Literal(String),
    Variable(String),
}

/// The value of a marker when only some variables are known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Truth {
    False,
    Unknown,
    True,
}

impl Truth {
    fn of(value: bool) -> Self {
        if value { Truth::True } else { Truth::False }
    }

    fn not(self) -> Self {
        match self {
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
            Truth::True => Truth::False,
        }
    }
}

/// The sets a marker is evaluated for: the requested dependency groups and extras.
struct Install<'a> {
    groups: &'a [&'a str],
    extras: &'a [&'a str],
}

impl Marker {
    fn parse(text: &str) -> Result<Self, String> {
        let tokens = tokenize(text)?;
        let mut position = 0;
        let marker = parse_any(&tokens, &mut position)?;
        match tokens.get(position) {
            None => Ok(marker),
            Some(token) => Err(format!("unexpected `{}`", token.text())),
        }
    }

    /// The kinds this marker gives the package, and whether it is optional; `None` when the
    /// marker does not mention dependency groups or extras.
    fn kinds(&self, default_groups: &[String]) -> Option<(BTreeSet<Kind>, bool)> {
        let (mut groups, mut extras) = (Vec::new(), Vec::new());
        self.mentions(&mut groups, &mut extras);
        if groups.is_empty() && extras.is_empty() {
            return None;
        }
        let defaults: Vec<&str> = default_groups.iter().map(String::as_str).collect();
        let may_hold = |groups: &[&str], extras: &[&str]| {
            self.eval(&Install { groups, extras }) != Truth::False
        };
        let runtime = may_hold(&defaults, &[]);
        let dev = groups
            .iter()
            .filter(|g| !defaults.contains(g))
            .any(|g| may_hold(&[g], &[]));
        let by_extra = !runtime && extras.iter().any(|e| may_hold(&defaults, &[e]));
        let mut kinds = BTreeSet::new();
        if runtime || by_extra {
            kinds.insert(Kind::Runtime);
        }
        if dev {
            kinds.insert(Kind::Dev);
        }
        (!kinds.is_empty()).then_some((kinds, by_extra))
    }

    /// The dependency groups and extras the marker names.
    fn mentions<'m>(&'m self, groups: &mut Vec<&'m str>, extras: &mut Vec<&'m str>) {
        match self {
            Marker::Any(all) | Marker::All(all) => {
                all.iter().for_each(|m| m.mentions(groups, extras));
            }
            Marker::Compare { left, op, right } => match membership(left, op, right) {
                Some((Set::Groups, name, _)) => groups.push(name),
                Some((Set::Extras, name, _)) => extras.push(name),
                None => {}
            },
        }
    }

    fn eval(&self, install: &Install<'_>) -> Truth {
        match self {
            Marker::Any(any) => any
                .iter()
                .map(|m| m.eval(install))
                .max()
                .unwrap_or(Truth::False),
            Marker::All(all) => all
                .iter()
                .map(|m| m.eval(install))
                .min()
                .unwrap_or(Truth::True),
            Marker::Compare { left, op, right } => match membership(left, op, right) {
                Some((Set::Groups, name, negated)) => {
                    let found = Truth::of(install.groups.contains(&name));
                    if negated { found.not() } else { found }
                }
                Some((Set::Extras, name, negated)) => {
                    let wanted = python::key(name);
                    let found = Truth::of(install.extras.iter().any(|e| python::key(e) == wanted));
                    if negated { found.not() } else { found }
                }
                None => Truth::Unknown,
            },
        }
    }
}

enum Set {
    Groups,
    Extras,
}

/// Reads `'x' in dependency_groups`, `'x' in extras` and the older `extra == 'x'` (with their
/// negations) as membership of a name in a set.
fn membership<'m>(left: &'m Operand, op: &str, right: &'m Operand) -> Option<(Set, &'m str, bool)> {
    use Operand::{Literal, Variable};
    match (left, op, right) {
        (Literal(name), "in" | "not in", Variable(set)) => {
            let set = match set.as_str() {
                "dependency_groups" => Set::Groups,
                "extras" => Set::Extras,
                _ => return None,
            };
            Some((set, name, op == "not in"))
        }
        (Variable(var), "==" | "!=", Literal(name))
        | (Literal(name), "==" | "!=", Variable(var))
            if var == "extra" =>
        {
            Some((Set::Extras, name, op == "!="))
        }
        _ => None,
    }
}

#[derive(Debug, PartialEq)]
enum Token<'a> {
    Open,
    Close,
    Literal(&'a str),
    Word(&'a str),
    Operator(&'a str),
}

impl Token<'_> {
    fn text(&self) -> &str {
        match self {
            Token::Open => "(",
            Token::Close => ")",
            Token::Literal(text) | Token::Word(text) | Token::Operator(text) => text,
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token<'_>>, String> {
    let mut tokens = Vec::new();
    let mut rest = text.trim_start();
    while let Some(first) = rest.chars().next() {
        let (token, length) = match first {
            '(' => (Token::Open, 1),
            ')' => (Token::Close, 1),
            '\'' | '"' => {
                let end = rest[1..]
                    .find(first)
                    .ok_or_else(|| format!("unterminated string `{rest}`"))?;
                (Token::Literal(&rest[1..=end]), end + 2)
            }
            '<' | '>' | '=' | '!' | '~' => {
                let end = rest
                    .find(|c| !matches!(c, '<' | '>' | '=' | '!' | '~'))
                    .unwrap_or(rest.len());
                (Token::Operator(&rest[..end]), end)
            }
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.')))
                    .unwrap_or(rest.len());
                (Token::Word(&rest[..end]), end)
            }
            other => return Err(format!("unexpected `{other}`")),
        };
        tokens.push(token);
        rest = rest[length..].trim_start();
    }
    Ok(tokens)
}

fn parse_any(tokens: &[Token<'_>], position: &mut usize) -> Result<Marker, String> {
    let mut any = vec![parse_all(tokens, position)?];
    while tokens.get(*position) == Some(&Token::Word("or")) {
        *position += 1;
        any.push(parse_all(tokens, position)?);
    }
    Ok(if any.len() == 1 {
        any.remove(0)
    } else {
        Marker::Any(any)
    })
}

fn parse_all(tokens: &[Token<'_>], position: &mut usize) -> Result<Marker, String> {
    let mut all = vec![parse_one(tokens, position)?];
    while tokens.get(*position) == Some(&Token::Word("and")) {
        *position += 1;
        all.push(parse_one(tokens, position)?);
    }
    Ok(if all.len() == 1 {
        all.remove(0)
    } else {
        Marker::All(all)
    })
}

fn parse_one(tokens: &[Token<'_>], position: &mut usize) -> Result<Marker, String> {
    if tokens.get(*position) == Some(&Token::Open) {
        *position += 1;
        let inner = parse_any(tokens, position)?;
        if tokens.get(*position) != Some(&Token::Close) {
            return Err("a `(` is not closed".to_owned());
        }
        *position += 1;
        return Ok(inner);
    }
    let left = operand(tokens, position)?;
    let op = match (tokens.get(*position), tokens.get(*position + 1)) {
        (Some(Token::Word("not")), Some(Token::Word("in"))) => {
            *position += 2;
            "not in".to_owned()
        }
        (Some(Token::Word("in")), _) => {
            *position += 1;
            "in".to_owned()
        }
        (Some(Token::Operator(op)), _)
            if matches!(*op, "<" | "<=" | "!=" | "==" | ">=" | ">" | "~=" | "===") =>
        {
            *position += 1;
            (*op).to_owned()
        }
        (Some(other), _) => return Err(format!("`{}` is not a comparison", other.text())),
        (None, _) => return Err("a comparison is missing its operator".to_owned()),
    };
    let right = operand(tokens, position)?;
    Ok(Marker::Compare { left, op, right })
}

fn operand(tokens: &[Token<'_>], position: &mut usize) -> Result<Operand, String> {
    let operand = match tokens.get(*position) {
        Some(Token::Literal(text)) => Operand::Literal((*text).to_owned()),
        Some(Token::Word(word)) if !matches!(*word, "and" | "or" | "not" | "in") => {
            Operand::Variable((*word).to_owned())
        }
        Some(other) => return Err(format!("expected a value, found `{}`", other.text())),
        None => return Err("the marker ends where a value was expected".to_owned()),
    };
    *position += 1;
    Ok(operand)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(marker: &str, defaults: &[&str]) -> Option<(Vec<Kind>, bool)> {
        let defaults: Vec<String> = defaults.iter().map(|d| (*d).to_owned()).collect();
        Marker::parse(marker)
            .unwrap()
            .kinds(&defaults)
            .map(|(k, optional)| (k.into_iter().collect(), optional))
    }

    #[test]
    fn markers_decide_kinds_by_groups_and_extras() {
        use Kind::{Dev, Runtime};
        assert_eq!(kinds("sys_platform == 'win32'", &["default"]), None);
        assert_eq!(
            kinds("'dev' in dependency_groups", &["default"]),
            Some((vec![Dev], false))
        );
        assert_eq!(
            kinds(
                "'default' in dependency_groups or ('dev' in dependency_groups and python_version < '3.12')",
                &["default"]
            ),
            Some((vec![Runtime, Dev], false))
        );
        assert_eq!(
            kinds("\"socks\" in extras and os_name != \"nt\"", &[]),
            Some((vec![Runtime], true))
        );
        assert_eq!(kinds("extra == 'socks'", &[]), Some((vec![Runtime], true)));
        assert_eq!(
            kinds("'test' not in dependency_groups", &["default"]),
            Some((vec![Runtime], false))
        );
    }

    #[test]
    fn malformed_markers_are_errors() {
        for bad in [
            "'dev' in",
            "(python_version < '3'",
            "'x' 'y'",
            "a @ b",
            "'open",
        ] {
            assert!(Marker::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn file_names_follow_the_specification() {
        for name in ["pylock.toml", "pylock.dev.toml", "pylock.my-service.toml"] {
            assert!(Pylock.matches(name), "{name}");
        }
        for name in [
            "pylock.a.b.toml",
            "pylock..toml",
            "pylock.tomlx",
            "mypylock.toml",
        ] {
            assert!(!Pylock.matches(name), "{name}");
        }
    }
}
