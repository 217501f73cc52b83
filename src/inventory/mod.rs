//! Inventory: what third-party components a repository uses, normalized into
//! [`Component`]s whatever ecosystem they come from.
//!
//! Two ways in: a Cargo workspace's full graph through Cargo itself ([`cargo`]), and the
//! lockfiles and SBOMs of every ecosystem read as text, each by one [`Format`] in [`formats`],
//! without running any package manager. Where no lockfile covers a manifest (`package.json`,
//! `pom.xml`, `*.csproj`, …), the manifest is read on its own: its direct dependencies, each
//! with the version requirement it declares ([`Coverage`]). [`discover`] finds them in a tree. First-party code
//! (workspace members, the project itself) is the root of every dependency path and is never
//! a component.

pub mod cargo;
mod cargo_manifest;
pub mod discover;
pub mod formats;
pub mod graph;
pub mod text;

use serde::{Deserialize, Serialize};

use crate::model::codes::NoteCode;
use crate::model::{Component, Ecosystem};

/// One input file depgov read, and how many components it contributed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// Repository-relative path.
    pub path: String,
    /// How it was read: a [`Format`] name, or `cargo-metadata`.
    pub format: String,
    pub components: usize,
}

/// Something in an input that was not inventoried, and why: reported, never guessed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InputNote {
    /// Repository-relative path.
    pub file: String,
    /// 1-based line, when the note is about one.
    pub line: Option<u32>,
    pub code: NoteCode,
    pub message: String,
}

/// A note a format makes on the file it reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub code: NoteCode,
    /// 1-based line, when the note is about one.
    pub line: Option<u32>,
    pub message: String,
}

impl Note {
    pub fn new(code: NoteCode, line: Option<u32>, message: impl Into<String>) -> Self {
        Note {
            code,
            line,
            message: message.into(),
        }
    }
}

/// What a format read from one file.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub components: Vec<Component>,
    /// Entries it saw but did not turn into components (an unpinned requirement, a package of
    /// an ecosystem depgov does not govern), and what else a reader should know.
    pub notes: Vec<Note>,
}

impl From<Vec<Component>> for Parsed {
    fn from(components: Vec<Component>) -> Self {
        Parsed {
            components,
            notes: Vec::new(),
        }
    }
}

/// Everything inventory found.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    /// Sorted by ecosystem, name, version.
    pub components: Vec<Component>,
    pub inputs: Vec<InputFile>,
    pub notes: Vec<InputNote>,
}

impl Inventory {
    /// Adds what one input gave.
    pub fn add(&mut self, path: String, format: &str, components: Vec<Component>) {
        self.inputs.push(InputFile {
            path,
            format: format.to_owned(),
            components: components.len(),
        });
        self.components.extend(components);
    }

    /// Records what an input saw but did not inventory.
    pub fn note(&mut self, file: &str, notes: Vec<Note>) {
        self.notes.extend(notes.into_iter().map(|note| InputNote {
            file: file.to_owned(),
            line: note.line,
            code: note.code,
            message: note.message,
        }));
    }

    /// Puts components in report order. One declaration several inputs read (a
    /// `GlobalPackageReference` every .NET project gets) is one component.
    pub fn sort(&mut self) {
        // Components are large: sorting their indices and then moving each component into
        // place is several times faster than the sort moving them (24,000 .NET components:
        // 650 of 2,600 million instructions).
        let mut order: Vec<usize> = (0..self.components.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&self.components[a], &self.components[b]);
            a.id.cmp(&b.id).then_with(|| a.location.cmp(&b.location))
        });
        crate::util::order::permute(&mut self.components, order);
        self.components.dedup_by(|later, kept| {
            let same = later.id == kept.id
                && later.location == kept.location
                && later.source == kept.source;
            if same {
                kept.kinds.extend(later.kinds.iter().copied());
            }
            same
        });
        self.inputs.sort_by(|a, b| a.path.cmp(&b.path));
        self.notes.sort();
    }
}

/// A file's text and its repository-relative path.
#[derive(Clone, Copy, Debug)]
pub struct Document<'a> {
    pub path: &'a str,
    pub text: &'a str,
}

/// What a format reads: the file, and the manifest beside it when the format has one and it
/// exists (for the lines that declare direct dependencies).
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    pub file: Document<'a>,
    pub manifest: Option<Document<'a>>,
    /// For formats that cover workspaces ([`Format::reads_member_manifests`]): the manifests of
    /// the same name in directories below the lockfile's, among which are the members'. The
    /// format reads only those of the members the lockfile names.
    pub members: &'a [Document<'a>],
    /// The files of [`Format::context`] found in the file's directory and those above it,
    /// nearest first (a Maven parent POM, `Directory.Packages.props`).
    pub context: &'a [Document<'a>],
}

impl<'a> Input<'a> {
    /// The manifest of the workspace member in `directory` (relative to the lockfile's, as
    /// lockfiles name members), if discovery found one.
    pub fn member_manifest(&self, directory: &str) -> Option<Document<'a>> {
        let wanted = formats::repository_path(self.file.path, directory);
        self.members.iter().copied().find(|member| {
            member
                .path
                .rsplit_once('/')
                .is_some_and(|(dir, _)| dir == wanted)
        })
    }
}

/// Which lockfiles make a manifest's own reading unnecessary: a lockfile of these names in
/// the manifest's directory (or, with `from_above`, in a directory above: a workspace root)
/// records what the manifest declares, resolved.
#[derive(Clone, Copy, Debug)]
pub struct Coverage {
    pub lockfiles: &'static [&'static str],
    pub from_above: bool,
}

/// Why a file could not be read; `line` is 1-based.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<u32>,
    pub message: String,
}

impl ParseError {
    pub fn at(line: u32, message: impl Into<String>) -> Self {
        ParseError {
            line: Some(line),
            message: message.into(),
        }
    }

    pub fn new(message: impl Into<String>) -> Self {
        ParseError {
            line: None,
            message: message.into(),
        }
    }

    /// A TOML parser's error, at the line where it found the problem.
    pub fn toml(error: &toml::de::Error, lines: &text::LineIndex) -> Self {
        let message = error.message().trim().to_owned();
        match error.span() {
            Some(span) => ParseError::at(lines.line(span.start), message),
            None => ParseError::new(message),
        }
    }

    /// An error in the manifest beside the lockfile, which fails the lockfile's inventory: the
    /// message names the manifest and the line in it.
    pub fn in_manifest(manifest: &str, error: ParseError) -> Self {
        let place = error.line.map(|l| format!(":{l}")).unwrap_or_default();
        ParseError::new(format!(
            "{manifest}{place}: {} (the manifest beside the lockfile)",
            error.message
        ))
    }

    /// An error in a context file read with the input (a `Directory.Packages.props`), which
    /// fails the input's inventory: the message names the file and the line in it.
    pub fn in_context(file: &str, error: ParseError) -> Self {
        let place = error.line.map(|l| format!(":{l}")).unwrap_or_default();
        ParseError::new(format!(
            "{file}{place}: {} (read with this file)",
            error.message
        ))
    }

    /// The error for a format version this depgov does not read.
    pub fn unsupported_version(version: impl std::fmt::Display, format: &str) -> Self {
        ParseError::new(format!(
            "unsupported version {version} of {format}; this depgov reads the versions listed in docs/ecosystems.md"
        ))
    }
}

impl From<serde_json::Error> for ParseError {
    fn from(error: serde_json::Error) -> Self {
        let line = u32::try_from(error.line()).ok().filter(|l| *l > 0);
        // serde_json appends " at line L column C"; the line is reported separately.
        let text = error.to_string();
        let message = match text.rfind(" at line ") {
            Some(i) if line.is_some() => text[..i].to_owned(),
            _ => text,
        };
        ParseError { line, message }
    }
}

impl From<toml::de::Error> for ParseError {
    fn from(error: toml::de::Error) -> Self {
        ParseError {
            line: None,
            message: error.message().trim().to_owned(),
        }
    }
}

/// A lockfile or SBOM format, read without running any package manager and without network.
pub trait Format: Sync {
    /// Stable name, shown in reports: `npm-package-lock`, `cyclonedx-json`, ….
    fn name(&self) -> &'static str;

    /// The ecosystem of its components; `None` for SBOMs, which may mix ecosystems.
    fn ecosystem(&self) -> Option<Ecosystem>;

    /// Whether a file of this name is in this format (the name only, not the path).
    fn matches(&self, file_name: &str) -> bool;

    /// Whether the file at this repository-relative path is in this format. The name decides,
    /// unless a format also knows its files by the directory they are in
    /// (`requirements/*.txt`).
    fn matches_path(&self, path: &str) -> bool {
        self.matches(crate::util::paths::split_last(path).1)
    }

    /// For names several formats claim (`bom.json`, `sbom.json`): whether the text is this
    /// format.
    fn sniff(&self, _text: &str) -> bool {
        true
    }

    /// The file beside the input that the format reads with it: the manifest that declares
    /// the direct dependencies (or, for go.mod, which is its own manifest, go.sum).
    fn manifest_name(&self) -> Option<&'static str> {
        None
    }

    /// Whether the lockfile covers a workspace whose members' manifests (of
    /// [`Format::manifest_name`], in directories below its own) it reads for the lines that
    /// declare their direct dependencies and their kinds.
    fn reads_member_manifests(&self) -> bool {
        false
    }

    /// For a manifest read on its own (direct dependencies and their requirements only): the
    /// lockfiles that cover it, so that discovery reads those instead. `None` for lockfiles
    /// and SBOMs.
    fn covered_by(&self) -> Option<Coverage> {
        None
    }

    /// Files (relative to a directory) that the format reads with its input when they exist in
    /// the input's directory or one above it: a Maven parent POM, .NET's central package
    /// versions, a Gradle version catalog.
    fn context(&self) -> &'static [&'static str] {
        &[]
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError>;
}
