//! pip requirements files, as pip reads them (there is no version to the format).
//!
//! Which files: a `.txt` file whose name, split at `-`, `_` and `.`, contains the word
//! `requirements` (`requirements.txt`, `requirements-dev.txt`, `dev-requirements.txt`,
//! `prod.requirements.txt`), and any `.txt` file in a directory named `requirements`
//! (`requirements/main.txt`). A file whose name (or, in a `requirements` directory, whose
//! stem) contains one of the words in [`DEV_WORDS`] lists dev components; any other lists
//! runtime ones.
//!
//! Requirements files are not TOML, JSON or YAML and no crate reads them with line numbers,
//! so this module reads them line by line as pip does: `\` continues a line (any but a
//! comment line, joined before comments are stripped), `#` after whitespace starts a comment,
//! options (`--hash`, …) may follow a requirement. A version given by an environment variable
//! (`name==${VERSION}`), which pip expands at install time, is no version in the file: noted. A requirement
//! pinned to one version (`name==1.0`, `name===1.0`, with or without extras and markers; the
//! markers are not evaluated) is a component from the index the latest `--index-url` or
//! `--extra-index-url` above it names, else PyPI. A direct reference (`name @ URL`, a URL or
//! path, `-e`) is a component only where a wheel or sdist file name states its version:
//! VCS references and source trees are noted, as are unpinned requirements (`flask>=2`).
//! `-e` of a local directory is the first-party project. `-r`/`-c` includes are noted, not
//! followed: an included file is inventoried on its own when discovery finds it.
//!
//! The file records no graph, and every pin is direct — unless pip-compile annotated it:
//! `# via -r FILE` or `# via PROJECT (pyproject.toml)` marks a direct requirement, and
//! `# via PACKAGE` an indirect one whose path goes through that package. Paths start at the
//! directory holding the file (the one above a `requirements` directory), or `(root)`.

use std::collections::{BTreeSet, HashMap};

use super::python;
use super::{Locked, assemble};
use crate::inventory::Note;
use crate::inventory::graph::{EdgeKind, Graph};
use crate::inventory::{Format, Input, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::{Ecosystem, Kind, Location, Source};

pub struct RequirementsTxt;

/// Words in a file name that mark a file of development requirements.
pub const DEV_WORDS: [&str; 13] = [
    "dev",
    "devel",
    "develop",
    "development",
    "test",
    "tests",
    "testing",
    "lint",
    "linting",
    "doc",
    "docs",
    "ci",
    "typing",
];

/// Options that apply to the whole install and change nothing depgov reports.
const GLOBAL_OPTIONS: [&str; 13] = [
    "--pre",
    "--prefer-binary",
    "--require-hashes",
    "--trusted-host",
    "--only-binary",
    "--no-binary",
    "--use-feature",
    "--no-index",
    "--config-settings",
    "--global-option",
    "--hash",
    "-Z",
    "--always-unzip",
];

fn words(stem: &str) -> impl Iterator<Item = String> + '_ {
    stem.split(['-', '_', '.']).map(str::to_ascii_lowercase)
}

/// The directory a path is in and the file's name.
fn split(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

fn in_requirements_directory(path: &str) -> bool {
    let (dir, _) = split(path);
    split(dir).1.eq_ignore_ascii_case("requirements")
}

impl Format for RequirementsTxt {
    fn name(&self) -> &'static str {
        "pip-requirements"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Pypi)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name
            .strip_suffix(".txt")
            .is_some_and(|stem| words(stem).any(|w| w == "requirements"))
    }

    fn matches_path(&self, path: &str) -> bool {
        let (_, name) = split(path);
        self.matches(name) || name.ends_with(".txt") && in_requirements_directory(path)
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let path = input.file.path;
        let (dir, name) = split(path);
        let stem = name.strip_suffix(".txt").unwrap_or(name);
        let kind = if words(stem).any(|w| DEV_WORDS.contains(&w.as_str())) {
            Kind::Dev
        } else {
            Kind::Runtime
        };
        let project_dir = if in_requirements_directory(path) {
            split(dir).0
        } else {
            dir
        };
        let label = match split(project_dir).1 {
            "" => "(root)".to_owned(),
            name => name.to_owned(),
        };

        let file = read(path, input.file.text)?;
        let mut graph = Graph::new();
        let root = graph.add_root(label);
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        let mut packages: Vec<(usize, Locked)> = Vec::new();
        for pin in &file.pins {
            let node = graph.add(pin.locked.name.clone());
            by_key
                .entry(python::key(&pin.locked.name))
                .or_default()
                .push(node);
            let mut locked = pin.locked.clone();
            locked.kinds = Some(BTreeSet::from([kind]));
            packages.push((node, locked));
        }
        for (pin, &(node, _)) in file.pins.iter().zip(&packages) {
            let declared_at = Some(Location {
                file: path.into(),
                line: pin.locked.line,
            });
            if pin.via.is_empty() {
                graph.depend(root, node, EdgeKind::Normal, declared_at);
                continue;
            }
            for item in &pin.via {
                match Via::read(item) {
                    Via::Input => graph.depend(root, node, EdgeKind::Normal, declared_at.clone()),
                    Via::Constraint => {}
                    Via::Package(parent) => {
                        for &from in by_key.get(&python::key(parent)).into_iter().flatten() {
                            graph.depend(from, node, EdgeKind::Normal, None);
                        }
                    }
                }
            }
        }
        let components = assemble(Ecosystem::Pypi, path, &graph, packages);
        Ok(Parsed {
            components,
            notes: file.notes,
        })
    }
}

/// One pinned requirement and pip-compile's account of why it is there.
struct Pin {
    locked: Locked,
    via: Vec<String>,
}

/// What a requirements file holds.
#[derive(Default)]
struct File {
    pins: Vec<Pin>,
    notes: Vec<Note>,
}

/// A `# via` item.
enum Via<'a> {
    /// A requirements input (`-r requirements.in`) or the project's own manifest
    /// (`app (pyproject.toml)`): the requirement is direct.
    Input,
    /// A constraints file: says nothing about who needs it.
    Constraint,
    /// Another package needs it.
    Package(&'a str),
}

impl<'a> Via<'a> {
    fn read(item: &'a str) -> Self {
        if item.starts_with("-r ") || item.ends_with(')') && item.contains(" (") {
            Via::Input
        } else if item.starts_with("-c ") {
            Via::Constraint
        } else {
            Via::Package(item)
        }
    }
}

/// Reads the file line by line.
fn read(path: &str, text: &str) -> Result<File, ParseError> {
    let mut reader = Reader {
        path,
        index: None,
        file: File::default(),
    };
    let mut logical = String::new();
    let mut start = 0u32;
    // While a multi-line `# via` annotation is open, the pin it annotates.
    let mut via_open: Option<usize> = None;
    for (number, raw) in text.lines().enumerate() {
        let number = u32::try_from(number + 1).unwrap_or(u32::MAX);
        if logical.is_empty() {
            start = number;
        }
        // As pip does, lines are joined before comments are stripped: a `\` continues any
        // line but one that is only a comment, even one whose comment it ends.
        let comment_line = raw.trim_start().starts_with('#');
        if !comment_line && raw.ends_with('\\') {
            logical.push_str(raw.trim_end_matches('\\'));
            continue;
        }
        let joined;
        let full = if logical.is_empty() {
            raw
        } else {
            if comment_line {
                logical.push(' ');
            }
            logical.push_str(raw);
            joined = std::mem::take(&mut logical);
            joined.as_str()
        };
        let (content, comment) = split_comment(full);
        if content.trim().is_empty() {
            via_open = reader.annotate(via_open, comment);
            continue;
        }
        let pins = reader.file.pins.len();
        reader.line(content.trim(), start)?;
        via_open = None;
        if reader.file.pins.len() > pins {
            // An inline `# via` (older pip-compile) annotates the pin on its line.
            via_open = reader.annotate(Some(pins), comment).or(Some(pins));
        }
    }
    // A `\` on the last line continues into nothing.
    reader.line(split_comment(&logical).0.trim(), start)?;
    Ok(reader.file)
}

/// A line's content and its comment: `#` at the start or after whitespace.
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        if c == '#' && previous.is_whitespace() {
            return (&line[..i], Some(&line[i..]));
        }
        previous = c;
    }
    (line, None)
}

/// What a requirement gives.
enum Outcome {
    Pin {
        name: String,
        version: String,
        source: Source,
    },
    /// The first-party project (`-e .`).
    FirstParty,
    Note(NoteCode, String),
}

/// Reading state: the file so far and the index that applies to the next requirements.
struct Reader<'a> {
    path: &'a str,
    index: Option<String>,
    file: File,
}

impl Reader<'_> {
    /// Reads a comment after a pin: `# via a, b` annotates it; `# via` opens a list of
    /// `#   item` lines. Returns the pin a list is open for.
    fn annotate(&mut self, open: Option<usize>, comment: Option<&str>) -> Option<usize> {
        let pin = open?;
        let comment = comment?.trim_start_matches('#');
        let items = match comment.trim().strip_prefix("via") {
            Some(rest) if rest.is_empty() || rest.starts_with(' ') => rest,
            // List items are indented further than the `via` line.
            _ if comment.starts_with("   ") => comment,
            _ => return None,
        };
        let target = self.file.pins.get_mut(pin)?;
        target.via.extend(
            items
                .split(',')
                .map(str::trim)
                .filter(|i| !i.is_empty())
                .map(str::to_owned),
        );
        Some(pin)
    }

    /// One logical line: an option or a requirement.
    fn line(&mut self, line: &str, number: u32) -> Result<(), ParseError> {
        if line.is_empty() {
            return Ok(());
        }
        if line.starts_with('-') {
            return self.option(line, number);
        }
        // pip's rule: the requirement ends at the first word that is an option.
        let requirement = line
            .split_whitespace()
            .take_while(|word| !word.starts_with('-'))
            .collect::<Vec<_>>()
            .join(" ");
        let outcome = self
            .requirement(&requirement)
            .map_err(|message| ParseError::at(number, message))?;
        self.record(outcome, number);
        Ok(())
    }

    fn record(&mut self, outcome: Outcome, number: u32) {
        match outcome {
            Outcome::Pin {
                name,
                version,
                source,
            } => self.file.pins.push(Pin {
                locked: python::locked(&name, &version, source, number),
                via: Vec::new(),
            }),
            Outcome::FirstParty => {}
            Outcome::Note(code, message) => {
                self.file.notes.push(Note::new(code, Some(number), message))
            }
        }
    }

    fn note(&mut self, number: u32, message: String) {
        self.file
            .notes
            .push(Note::new(NoteCode::Ignored, Some(number), message));
    }

    fn option(&mut self, line: &str, number: u32) -> Result<(), ParseError> {
        let end_of_flag = line
            .char_indices()
            .find(|(_, c)| *c == '=' || c.is_whitespace());
        let (flag, value) = match end_of_flag {
            // The separator may be any Unicode space, several bytes long.
            Some((i, c)) if line.starts_with("--") => (&line[..i], &line[i + c.len_utf8()..]),
            None if line.starts_with("--") => (line, ""),
            // Short options may be glued to their value: `-rbase.txt`.
            _ => line.split_at(line.char_indices().nth(2).map_or(line.len(), |(i, _)| i)),
        };
        let value = value.trim().trim_start_matches('=').trim();
        let value = value.split_whitespace().next().unwrap_or("");
        match flag {
            "-r" | "--requirement" => self.note(
                number,
                format!(
                    "includes `{value}`, which is not followed here; it is inventoried on its own when discovery finds it as a requirements file"
                ),
            ),
            "-c" | "--constraint" => self.note(
                number,
                format!("constraints file `{value}` is not followed (constraints install nothing)"),
            ),
            "-i" | "--index-url" | "--extra-index-url" => {
                if value.is_empty() {
                    return Err(ParseError::at(number, format!("`{flag}` needs a URL")));
                }
                self.index = Some(value.to_owned());
            }
            "-f" | "--find-links" => self.note(
                number,
                format!("`{flag} {value}`: packages may come from there, yet are recorded with the index"),
            ),
            "-e" | "--editable" => {
                if value.is_empty() {
                    return Err(ParseError::at(number, format!("`{flag}` needs a path or URL")));
                }
                // A local directory is the first-party project; anything else a reference.
                let outcome = if is_url(value) && !value.starts_with("file:") {
                    self.reference(None, value)
                } else {
                    Outcome::FirstParty
                };
                self.record(outcome, number);
            }
            known if GLOBAL_OPTIONS.contains(&known) => {}
            unknown => self.note(
                number,
                format!("option `{unknown}` is unknown to depgov; ignored"),
            ),
        }
        Ok(())
    }

    /// A requirement: `name[extras] spec ; markers`, `name @ URL ; markers`, or a URL or path.
    fn requirement(&self, text: &str) -> Result<Outcome, String> {
        let first = text.split([' ', ';']).next().unwrap_or(text);
        if is_bare_reference(first) {
            return Ok(self.reference(None, first));
        }
        let (name, rest) = python::split_name(text).ok_or_else(|| {
            format!("`{text}` is not a requirement: it does not start with a package name")
        })?;
        let mut rest = rest.trim_start();
        if let Some(extras) = rest.strip_prefix('[') {
            let end = extras
                .find(']')
                .ok_or_else(|| format!("`{text}`: the extras are not closed with `]`"))?;
            rest = extras[end + 1..].trim_start();
        }
        let spec = rest.split(';').next().unwrap_or(rest).trim();
        if let Some(url) = spec.strip_prefix('@') {
            return Ok(self.reference(Some(name), url.trim()));
        }
        let spec = spec
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .unwrap_or(spec);
        if spec.contains("${") {
            return Ok(Outcome::Note(
                NoteCode::Unpinned,
                format!(
                    "`{text}` takes its version from an environment variable, which pip expands at install time: the file holds no version; not inventoried"
                ),
            ));
        }
        if !is_specifier(spec) {
            return Err(format!(
                "`{text}` is not a requirement: `{spec}` is not a version specifier"
            ));
        }
        Ok(match python::pinned(spec) {
            Some(version) => Outcome::Pin {
                name: name.to_owned(),
                version: version.to_owned(),
                source: python::registry(self.index.as_deref()),
            },
            None => Outcome::Note(
                NoteCode::Unpinned,
                format!("`{text}` is not pinned to one version; not inventoried"),
            ),
        })
    }

    /// A direct reference to a VCS, an archive or a local path; `name` when PEP 508 gave
    /// one, else the `#egg=` fragment or the wheel file name tells it.
    fn reference(&self, name: Option<&str>, target: &str) -> Outcome {
        let egg = target
            .split_once("#egg=")
            .map(|(_, egg)| egg.split('&').next().unwrap_or(egg));
        let file_name = target.split(['#', '?']).next().unwrap_or(target);
        let file_name = file_name.rsplit('/').next().unwrap_or(file_name);
        let wheel_name = file_name
            .strip_suffix(".whl")
            .and_then(|stem| stem.split('-').next());
        let Some(name) = name.or(egg).or(wheel_name) else {
            return Outcome::Note(
                NoteCode::Unidentified,
                format!(
                    "`{target}` names no package (no `name @`, `#egg=` or wheel file name); not inventoried"
                ),
            );
        };
        if let Some(scheme) = VCS_SCHEMES.iter().find(|s| target.starts_with(*s)) {
            let url = target.split('#').next().unwrap_or(target);
            return Outcome::Note(
                NoteCode::Unpinned,
                if *scheme == "git+" {
                    format!(
                        "`{name}` comes from git ({}) without a version; not inventoried",
                        &url[scheme.len()..]
                    )
                } else {
                    format!(
                        "`{name}` comes from {url}, a version control system depgov does not record; not inventoried"
                    )
                },
            );
        }
        let Some(version) = python::archive_version(target, name) else {
            return Outcome::Note(
                NoteCode::Unpinned,
                format!(
                    "`{name}` comes from {target} without a version in its file name; not inventoried"
                ),
            );
        };
        let source = if target.contains("://") && !target.starts_with("file:") {
            python::registry(Some(target))
        } else {
            python::local_source(self.path, target)
        };
        Outcome::Pin {
            name: name.to_owned(),
            version,
            source,
        }
    }
}

const VCS_SCHEMES: [&str; 4] = ["git+", "hg+", "svn+", "bzr+"];

const ARCHIVE_SUFFIXES: [&str; 5] = [".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"];

fn is_url(text: &str) -> bool {
    text.contains("://") || VCS_SCHEMES.iter().any(|s| text.starts_with(s))
}

/// Whether a requirement's first word is a URL or path rather than a package name.
fn is_bare_reference(first: &str) -> bool {
    if first.contains('@') {
        return false; // `name@URL`
    }
    first.starts_with(['.', '/'])
        || is_url(first)
        || ARCHIVE_SUFFIXES.iter().any(|s| first.ends_with(s))
}

/// Whether text is a PEP 440 specifier set (or empty): clauses of an operator and a version.
fn is_specifier(spec: &str) -> bool {
    spec.is_empty()
        || spec.split(',').all(|clause| {
            let clause = clause.trim();
            ["===", "~=", "==", "!=", "<=", ">=", "<", ">"]
                .iter()
                .find_map(|op| clause.strip_prefix(op))
                .is_some_and(|version| !version.trim().is_empty())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_directories_decide_what_is_a_requirements_file() {
        for path in [
            "requirements.txt",
            "svc/requirements-dev.txt",
            "dev-requirements.txt",
            "prod.requirements.txt",
            "requirements/main.txt",
            "app/Requirements/tests.txt",
        ] {
            assert!(RequirementsTxt.matches_path(path), "{path}");
        }
        for path in [
            "notes.txt",
            "myrequirements.txt",
            "requirements.in",
            "docs/README.txt",
        ] {
            assert!(!RequirementsTxt.matches_path(path), "{path}");
        }
    }

    #[test]
    fn comments_start_at_a_hash_after_whitespace() {
        assert_eq!(split_comment("a==1 # via b"), ("a==1 ", Some("# via b")));
        assert_eq!(
            split_comment("x @ https://h/x.whl#sha256=00"),
            ("x @ https://h/x.whl#sha256=00", None)
        );
        assert_eq!(split_comment("# only"), ("", Some("# only")));
    }
}
