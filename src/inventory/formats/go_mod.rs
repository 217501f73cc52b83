//! Go modules: `go.mod`, checked against the `go.sum` beside it.
//!
//! Since Go 1.17, the main module's go.mod lists every module in the build (module graph
//! pruning), so go.mod is both the lockfile and the manifest: each `require` (single-line or
//! block form) is one component, located at its own line. The `module` path is the
//! first-party root. A requirement marked `// indirect` is not direct; any other is, declared
//! at its line. go.mod records no edges between modules, so an indirect module's path is just
//! its own name, and every module is `runtime` (Go has no dev or build dependencies).
//!
//! `replace` directives apply as Go applies them (a versioned one only to that exact version,
//! else the unversioned one): `old => new v` makes the component the replacement module `new`
//! at `v`, since that is the code that is built; `old => ./dir` makes it `old` at its required
//! version with a `path` source. A replacement matching no requirement changes nothing and is
//! noted. `exclude`, `retract`, `tool`, `ignore`, `go`, `toolchain` and `godebug` add no
//! component. Sources are the Go module proxy; go.mod records no licenses.
//!
//! go.sum adds no components: it also holds checksums of modules that were only consulted
//! while selecting versions, so it says nothing about what is built. It is read to note every
//! required module whose code it holds no checksum for (that version is not pinned by
//! content), and its absence is noted. A go.mod for Go before 1.17 (or without a `go` line,
//! which Go reads as 1.16) does not list every module in the build, which is noted.
//!
//! go.mod is neither JSON, TOML nor YAML, and the crates that parse it either give no line
//! numbers or are unmaintained, so this is a small reader of its line grammar: `//` comments,
//! quoted tokens, and `directive (` … `)` blocks. As the go command does for the main module,
//! an unknown directive, a malformed requirement or replacement, a non-canonical version or
//! an unclosed block is an error.

use std::collections::{HashMap, HashSet};

use super::{Locked, assemble, repository_path};
use crate::inventory::Note;
use crate::inventory::graph::{EdgeKind, Graph};
use crate::inventory::{Document, Format, Input, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::license::License;
use crate::model::{Ecosystem, Location, Source};

pub struct GoMod;

const GO_PROXY: &str = "https://proxy.golang.org";

/// Directives that name no component of the build.
const OTHER_DIRECTIVES: [&str; 7] = [
    "go",
    "toolchain",
    "godebug",
    "exclude",
    "retract",
    "tool",
    "ignore",
];

struct Require {
    path: String,
    version: String,
    indirect: bool,
    line: u32,
}

struct Replace {
    old: String,
    old_version: Option<String>,
    new: Replacement,
    line: u32,
}

enum Replacement {
    Module { path: String, version: String },
    Directory(String),
}

#[derive(Default)]
struct ModFile {
    module: Option<String>,
    /// The `go` line's version and line.
    go: Option<(String, u32)>,
    requires: Vec<Require>,
    replaces: Vec<Replace>,
}

impl Format for GoMod {
    fn name(&self) -> &'static str {
        "go-mod"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Golang)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "go.mod"
    }

    fn manifest_name(&self) -> Option<&'static str> {
        Some("go.sum")
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let file = input.file.path;
        let modfile = read_modfile(input.file.text)?;
        let module = modfile
            .module
            .clone()
            .ok_or_else(|| ParseError::new("no `module` directive: not a main module's go.mod"))?;
        let checksums = input.manifest.as_ref().map(read_go_sum).transpose()?;
        let mut notes = Vec::new();
        note_old_go_version(modfile.go.as_ref(), &mut notes);

        let mut graph = Graph::new();
        let root = graph.add_root(module);
        let mut replaces_of: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, replace) in modfile.replaces.iter().enumerate() {
            replaces_of.entry(&replace.old).or_default().push(i);
        }
        let mut used = vec![false; modfile.replaces.len()];
        let mut packages = Vec::new();
        for require in &modfile.requires {
            let candidates = replaces_of.get(require.path.as_str());
            let candidates = candidates.map_or(&[][..], Vec::as_slice);
            let replaced = replacement_for(require, candidates, &modfile.replaces);
            if let Some(index) = replaced {
                used[index] = true;
            }
            let (name, version, source) = match replaced.map(|i| &modfile.replaces[i].new) {
                None => (&require.path, &require.version, proxy()),
                Some(Replacement::Module { path, version }) => (path, version, proxy()),
                Some(Replacement::Directory(dir)) => (
                    &require.path,
                    &require.version,
                    Source::Path {
                        path: repository_path(file, dir),
                    },
                ),
            };
            let pinned = checksums
                .as_ref()
                .is_none_or(|sums| sums.contains(&(name.as_str(), version.as_str())));
            if !pinned && matches!(source, Source::Registry { .. }) {
                notes.push(Note::new(
                    NoteCode::Incomplete,
                    Some(require.line),
                    format!(
                        "go.sum holds no checksum for the code of {name} {version}: its content is not pinned"
                    ),
                ));
            }
            let node = graph.add(name.clone());
            if !require.indirect {
                let declared_at = Location {
                    file: file.into(),
                    line: require.line,
                };
                graph.depend(root, node, EdgeKind::Normal, Some(declared_at));
            }
            let locked = Locked {
                name: name.clone(),
                version: version.clone(),
                license: License::Unknown,
                source,
                line: require.line,
                optional: false,
                kinds: None,
            };
            packages.push((node, locked));
        }
        for (replace, _) in modfile.replaces.iter().zip(used).filter(|(_, used)| !used) {
            let old = match &replace.old_version {
                Some(version) => format!("{} {version}", replace.old),
                None => replace.old.clone(),
            };
            notes.push(Note::new(
                NoteCode::Ignored,
                Some(replace.line),
                format!("`replace {old}` matches no requirement, so Go ignores it"),
            ));
        }
        if checksums.is_none() && !modfile.requires.is_empty() {
            notes.push(Note::new(
                NoteCode::MissingCompanion,
                None,
                "no go.sum beside go.mod: no module's content is pinned by a checksum".to_owned(),
            ));
        }
        Ok(Parsed {
            components: assemble(Ecosystem::Golang, file, &graph, packages),
            notes,
        })
    }
}

fn proxy() -> Source {
    Source::Registry {
        url: GO_PROXY.to_owned(),
    }
}

/// The replacement Go applies to a requirement, among those of its module (`candidates`,
/// indexes into `replaces`): the one for its exact version, else the one for every version.
fn replacement_for(require: &Require, candidates: &[usize], replaces: &[Replace]) -> Option<usize> {
    let old_version = |i: &usize| replaces.get(*i).and_then(|r| r.old_version.as_deref());
    candidates
        .iter()
        .find(|i| old_version(i) == Some(require.version.as_str()))
        .or_else(|| candidates.iter().find(|i| old_version(i).is_none()))
        .copied()
}

/// Go reads a go.mod without a `go` line as Go 1.16; before 1.17, go.mod lists only some
/// of the modules in the build.
fn note_old_go_version(go: Option<&(String, u32)>, notes: &mut Vec<Note>) {
    let (version, line) = match go {
        Some((version, line)) => (version.as_str(), Some(*line)),
        None => ("1.16", None),
    };
    let mut numbers = version.split(['.', 'r', 'b']).map(str::parse::<u32>);
    let major_minor = (numbers.next(), numbers.next());
    if let (Some(Ok(major)), Some(Ok(minor))) = major_minor
        && (major, minor) < (1, 17)
    {
        notes.push(Note::new(
            NoteCode::Incomplete,
            line,
            format!(
                "go {version}: before Go 1.17, go.mod does not list every module in the build, so this inventory may miss indirect dependencies"
            ),
        ));
    }
}

fn read_modfile(text: &str) -> Result<ModFile, ParseError> {
    let mut modfile = ModFile::default();
    // The directive of the open `directive (` block, and the line that opened it.
    let mut block: Option<(String, u32)> = None;
    for (raw, number) in text.lines().zip(1u32..) {
        let (tokens, comment) = tokenize(raw, number)?;
        let Some(first) = tokens.first() else {
            continue;
        };
        if let Some((directive, _)) = &block {
            if first == ")" && tokens.len() == 1 {
                block = None;
            } else {
                statement(&mut modfile, directive, &tokens, comment, number)?;
            }
            continue;
        }
        let directive = first.as_str();
        if directive != "module"
            && directive != "require"
            && directive != "replace"
            && !OTHER_DIRECTIVES.contains(&directive)
        {
            return Err(ParseError::at(
                number,
                format!("unknown directive `{directive}`"),
            ));
        }
        match &tokens[1..] {
            [open] if open == "(" => block = Some((directive.to_owned(), number)),
            [open, close] if open == "(" && close == ")" => {}
            args => statement(&mut modfile, directive, args, comment, number)?,
        }
    }
    match block {
        Some((directive, line)) => Err(ParseError::at(
            line,
            format!("the `{directive} (` block is never closed with `)`"),
        )),
        None => Ok(modfile),
    }
}

/// One directive's arguments, on its own line or inside its block.
fn statement(
    modfile: &mut ModFile,
    directive: &str,
    args: &[String],
    comment: Option<&str>,
    line: u32,
) -> Result<(), ParseError> {
    if args.iter().any(|a| a == "(" || a == ")") {
        return Err(ParseError::at(line, "unexpected parenthesis"));
    }
    match directive {
        "module" => {
            let [path] = args else {
                return Err(ParseError::at(line, "usage: module module/path"));
            };
            if modfile.module.is_some() {
                return Err(ParseError::at(line, "repeated `module` directive"));
            }
            modfile.module = Some(path.clone());
        }
        "go" => {
            let [version] = args else {
                return Err(ParseError::at(line, "usage: go 1.23.0"));
            };
            modfile.go = Some((version.clone(), line));
        }
        "require" => {
            let [path, version] = args else {
                return Err(ParseError::at(line, "usage: require module/path v1.2.3"));
            };
            modfile.requires.push(Require {
                path: path.clone(),
                version: module_version(version, line)?,
                indirect: is_indirect(comment),
                line,
            });
        }
        "replace" => {
            let replace = read_replace(args, line)?;
            let duplicate = modfile
                .replaces
                .iter()
                .any(|r| r.old == replace.old && r.old_version == replace.old_version);
            if duplicate {
                return Err(ParseError::at(
                    line,
                    format!("`{}` is replaced more than once", replace.old),
                ));
            }
            modfile.replaces.push(replace);
        }
        _ => {}
    }
    Ok(())
}

/// `old [version] => new version` or `old [version] => ./directory`.
fn read_replace(args: &[String], line: u32) -> Result<Replace, ParseError> {
    let usage = || {
        ParseError::at(
            line,
            "usage: replace module/path [v1.2.3] => other/module v1.4.5, or => ./directory",
        )
    };
    let arrow = args.iter().position(|a| a == "=>").ok_or_else(usage)?;
    let (old, new) = (&args[..arrow], &args[arrow + 1..]);
    let (old, old_version) = match old {
        [path] => (path.clone(), None),
        [path, version] => (path.clone(), Some(module_version(version, line)?)),
        _ => return Err(usage()),
    };
    let new = match new {
        [dir] if is_directory_path(dir) => Replacement::Directory(dir.clone()),
        [path, version] if !is_directory_path(path) => Replacement::Module {
            path: path.clone(),
            version: module_version(version, line)?,
        },
        _ => return Err(usage()),
    };
    Ok(Replace {
        old,
        old_version,
        new,
        line,
    })
}

/// A replacement is a directory when it is rooted or starts with `./` or `../`, as Go decides.
fn is_directory_path(path: &str) -> bool {
    matches!(path, "." | "..")
        || ["./", "../", ".\\", "..\\", "/", "\\"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
        || path.as_bytes().get(1) == Some(&b':')
}

/// A canonical module version: `v` and a semantic version (pseudo-versions and
/// `+incompatible` included).
fn module_version(version: &str, line: u32) -> Result<String, ParseError> {
    match version.strip_prefix('v').map(semver::Version::parse) {
        Some(Ok(_)) => Ok(version.to_owned()),
        _ => Err(ParseError::at(
            line,
            format!("`{version}` is not a canonical module version (v1.2.3)"),
        )),
    }
}

/// Go's rule: the comment is `// indirect`, or starts with `// indirect;`.
fn is_indirect(comment: Option<&str>) -> bool {
    let mut words = comment.unwrap_or_default().split_whitespace();
    matches!(
        (words.next(), words.next()),
        (Some("indirect"), None) | (Some("indirect;"), Some(_))
    )
}

/// A line's tokens (quoted strings unquoted, `(` and `)` on their own) and the text of its
/// `//` comment.
fn tokenize(line: &str, number: u32) -> Result<(Vec<String>, Option<&str>), ParseError> {
    let mut tokens = Vec::new();
    let mut rest = line.trim_start();
    while let Some(first) = rest.chars().next() {
        if let Some(comment) = rest.strip_prefix("//") {
            return Ok((tokens, Some(comment)));
        }
        let (token, after) = match first {
            '(' | ')' => (first.to_string(), &rest[1..]),
            '"' => interpreted_string(rest, number)?,
            '`' => {
                let end = rest[1..]
                    .find('`')
                    .ok_or_else(|| ParseError::at(number, "unterminated `…` string"))?;
                (rest[1..=end].to_owned(), &rest[end + 2..])
            }
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '(' || c == ')')
                    .unwrap_or(rest.len());
                (rest[..end].to_owned(), &rest[end..])
            }
        };
        tokens.push(token);
        rest = after.trim_start();
    }
    Ok((tokens, None))
}

/// A `"…"` string at the start of `text`, unescaped, and what follows it.
fn interpreted_string(text: &str, number: u32) -> Result<(String, &str), ParseError> {
    let mut value = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Ok((value, &text[i + 1..])),
            '\\' => match chars.next() {
                Some((_, escaped @ ('"' | '\\'))) => value.push(escaped),
                _ => {
                    return Err(ParseError::at(
                        number,
                        "unsupported escape in a quoted string",
                    ));
                }
            },
            c => value.push(c),
        }
    }
    Err(ParseError::at(number, "unterminated \"…\" string"))
}

/// The module versions whose code go.sum holds a checksum for (not only their go.mod's).
fn read_go_sum<'a>(go_sum: &Document<'a>) -> Result<HashSet<(&'a str, &'a str)>, ParseError> {
    let mut pinned = HashSet::new();
    for (line, number) in go_sum.text.lines().zip(1u32..) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        match fields[..] {
            [] => {}
            [module, version, _hash] => {
                if !version.ends_with("/go.mod") {
                    pinned.insert((module, version));
                }
            }
            _ => {
                return Err(ParseError::new(format!(
                    "line {number} is not `module version hash` (in {}, beside go.mod)",
                    go_sum.path
                )));
            }
        }
    }
    Ok(pinned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_comments_and_quotes() {
        let (tokens, comment) = tokenize("\t\"example.com/a b\" v1.0.0 // indirect", 1).unwrap();
        assert_eq!(tokens, ["example.com/a b", "v1.0.0"]);
        assert!(is_indirect(comment));
        let (tokens, _) = tokenize("require(", 1).unwrap();
        assert_eq!(tokens, ["require", "("]);
        assert!(is_indirect(Some(" indirect; for tests")));
        assert!(!is_indirect(Some(" indirectly")));
        assert!(tokenize("\"open", 3).is_err());
    }

    #[test]
    fn versions_must_be_canonical() {
        assert!(module_version("v0.0.0-20210101000000-abcdef123456", 1).is_ok());
        assert!(module_version("v2.0.0+incompatible", 1).is_ok());
        assert!(module_version("v1.2", 1).is_err());
        assert!(module_version("master", 1).is_err());
    }
}
