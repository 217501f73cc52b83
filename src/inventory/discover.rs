//! Discovery: which lockfiles, SBOMs and Cargo workspaces a tree holds, and reading them.
//!
//! [`plan`] decides from a list of repository-relative paths alone, so a working directory,
//! a git revision and a remote tree are treated the same; [`walk`] lists a directory
//! (honouring `.gitignore`, never following symlinks); [`read`] reads what was planned
//! through a [`Tree`].

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use globset::GlobSet;

use super::cargo::{self, CargoOptions};
use super::formats;
use super::{Document, Format, Input, Inventory, Note, ParseError};
use crate::error::Error;
use crate::model::Ecosystem;
use crate::model::codes::NoteCode;
use crate::util::paths;

/// Directories skipped unless the policy's `[scan] exclude` says otherwise: installed
/// packages, build output, vendored code, and test fixtures.
pub const DEFAULT_EXCLUDE: &[&str] = &[
    "**/node_modules",
    "**/target",
    "**/vendor",
    "**/.git",
    "**/fixtures",
    "**/testdata",
    "**/test-fixtures",
    "**/__fixtures__",
];

/// Files larger than this are refused rather than read into memory.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Paths (and everything below them) that discovery skips.
#[derive(Clone, Debug)]
pub struct Exclude {
    globs: GlobSet,
}

impl Exclude {
    /// Compiles globs over repository-relative paths; the error names the bad glob.
    pub fn new<'a>(globs: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        crate::util::glob::path_globs(globs).map(|globs| Exclude { globs })
    }

    pub fn default_set() -> Self {
        Exclude::new(DEFAULT_EXCLUDE.iter().copied()).expect("the default globs are valid")
    }

    /// The policy's `[scan] exclude` globs, or the defaults when it sets none.
    pub fn for_policy(globs: Option<&[String]>) -> Result<Self, Error> {
        match globs {
            Some(globs) => Exclude::new(globs.iter().map(String::as_str)).map_err(Error::Usage),
            None => Ok(Exclude::default_set()),
        }
    }

    /// Whether `path`, or a directory above it but below `base`, is excluded. The directory a
    /// scan starts from is never excluded: the user asked for it.
    pub fn excludes(&self, path: &str, base: &str) -> bool {
        let mut prefix = path;
        while prefix.len() > base.len() {
            if self.globs.is_match(prefix) {
                return true;
            }
            match paths::split_last(prefix) {
                ("", _) => break,
                (dir, _) => prefix = dir,
            }
        }
        false
    }
}

/// What discovery looks for and how.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// The repository-relative directory to scan (`""` for the whole repository).
    pub base: String,
    pub exclude: Exclude,
    /// Only these ecosystems, when set.
    pub ecosystems: Option<BTreeSet<Ecosystem>>,
    /// Read Cargo.lock as text instead of resolving Cargo workspaces with Cargo.
    pub lockfile_only: bool,
    /// A directory without any input is an error (`--require-inputs`), not nothing to check.
    pub require_inputs: bool,
}

impl ScanOptions {
    /// Options for the whole repository: `exclude` globs (the policy's `[scan] exclude`; the
    /// defaults when `None`), the `ecosystems` wanted (all when `None`).
    pub fn new(
        exclude: Option<&[String]>,
        ecosystems: Option<BTreeSet<Ecosystem>>,
        lockfile_only: bool,
    ) -> Result<Self, Error> {
        Ok(ScanOptions {
            base: String::new(),
            exclude: Exclude::for_policy(exclude)?,
            ecosystems,
            lockfile_only,
            require_inputs: false,
        })
    }

    fn wants(&self, ecosystem: Option<Ecosystem>) -> bool {
        match (&self.ecosystems, ecosystem) {
            (Some(wanted), Some(ecosystem)) => wanted.contains(&ecosystem),
            _ => true,
        }
    }
}

/// One input to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Planned {
    /// A Cargo workspace, resolved by Cargo itself.
    CargoWorkspace { manifest: String },
    /// A lockfile, SBOM or manifest, with the manifest beside it when the format has one and
    /// the context files it reads with it.
    File {
        path: String,
        manifest: Option<String>,
        /// A file beside it that its package manager ignores in its favour, so depgov does too.
        shadows: Option<String>,
        /// Manifests below it that may be its workspace members'
        /// ([`Format::reads_member_manifests`]).
        members: Vec<String>,
        /// Files read with it from its directory and those above ([`Format::context`]).
        context: Vec<String>,
    },
}

/// Lockfiles that make their package manager ignore another beside them: (preferred,
/// ignored). npm reads `npm-shrinkwrap.json` and ignores `package-lock.json` when both exist.
const PRECEDENCE: &[(&str, &str)] = &[("npm-shrinkwrap.json", "package-lock.json")];

impl Planned {
    pub fn path(&self) -> &str {
        match self {
            Planned::CargoWorkspace { manifest } => manifest,
            Planned::File { path, .. } => path,
        }
    }

    /// The same input where only the files `present` says exist are there (the base of a
    /// change, for an input named on the command line): its companions that are missing
    /// there are left out.
    pub fn within(&self, present: &dyn Fn(&str) -> bool) -> Planned {
        let keep = |files: &[String]| files.iter().filter(|f| present(f)).cloned().collect();
        match self {
            Planned::File {
                path,
                manifest,
                shadows,
                members,
                context,
            } => Planned::File {
                path: path.clone(),
                manifest: manifest.clone().filter(|m| present(m)),
                shadows: shadows.clone().filter(|s| present(s)),
                members: keep(members),
                context: keep(context),
            },
            cargo => cargo.clone(),
        }
    }

    /// Every file reading it takes as text: the input, the manifest beside it, its workspace
    /// members' manifests, its context files. (Cargo reads a workspace's own files itself.)
    pub fn files(&self) -> impl Iterator<Item = &String> {
        let (path, manifest, members, context) = match self {
            Planned::CargoWorkspace { manifest } => (manifest, None, &[][..], &[][..]),
            Planned::File {
                path,
                manifest,
                members,
                context,
                ..
            } => (
                path,
                manifest.as_ref(),
                members.as_slice(),
                context.as_slice(),
            ),
        };
        std::iter::once(path)
            .chain(manifest)
            .chain(members)
            .chain(context)
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// The files discovery cares about: files some format reads, manifests, and context files.
pub fn interesting(path: &str) -> bool {
    let (_, file_name) = paths::split_last(path);
    file_name == "Cargo.toml"
        || formats::all().iter().any(|f| {
            f.matches_path(path)
                || f.manifest_name() == Some(file_name)
                || f.context().iter().any(|c| {
                    path.strip_suffix(c)
                        .is_some_and(|dir| dir.is_empty() || dir.ends_with('/'))
                })
        })
}

/// `dir` and every directory above it, nearest first, ending with the root (`""`).
fn ancestors(dir: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(dir);
    std::iter::from_fn(move || {
        let current = next?;
        next = match current.rfind('/') {
            Some(i) => Some(&current[..i]),
            None if current.is_empty() => None,
            None => Some(""),
        };
        Some(current)
    })
}

/// Whether a lockfile covers the manifest at `path`, among all the tree's files.
fn covered(path: &str, coverage: super::Coverage, all: &HashSet<&str>) -> bool {
    let (dir, _) = paths::split_last(path);
    let mut dirs = ancestors(dir);
    let lock_in = |dir: &str| {
        coverage
            .lockfiles
            .iter()
            .any(|lock| all.contains(join(dir, lock).as_str()))
    };
    if coverage.from_above {
        dirs.any(lock_in)
    } else {
        lock_in(dir)
    }
}

/// Picks the inputs among a tree's repository-relative file paths. A directory with a
/// manifest and a lockfile is one input (the lockfile, reading the manifest for lines); a
/// Cargo workspace is one input at its root.
pub fn plan(all_files: &[String], options: &ScanOptions) -> Vec<Planned> {
    let files: Vec<&str> = all_files
        .iter()
        .map(String::as_str)
        .filter(|f| {
            is_ancestor(&options.base, paths::split_last(f).0)
                || paths::split_last(f).0 == options.base
        })
        .filter(|f| !options.exclude.excludes(f, &options.base))
        .collect();
    let present: HashSet<&str> = files.iter().copied().collect();
    // Lockfiles and context files above the scanned directory count too.
    let everywhere: HashSet<&str> = all_files.iter().map(String::as_str).collect();
    let cargo_dirs: BTreeSet<&str> = files
        .iter()
        .filter(|f| paths::split_last(f).1 == "Cargo.toml")
        .map(|f| paths::split_last(f).0)
        .collect();
    let mut planned = Vec::new();
    if !options.lockfile_only && options.wants(Some(Ecosystem::Cargo)) {
        // Cargo resolves workspaces that have a lockfile, and the one the scan starts at. A
        // nested Cargo.toml without one is a member or a path dependency of another workspace;
        // resolving it on its own would also make Cargo write a Cargo.lock into the tree.
        for dir in &cargo_dirs {
            let has_lock = present.contains(join(dir, "Cargo.lock").as_str());
            if has_lock || *dir == options.base {
                planned.push(Planned::CargoWorkspace {
                    manifest: join(dir, "Cargo.toml"),
                });
            }
        }
    }
    for file in &files {
        let (dir, _) = paths::split_last(file);
        let Some(format) = formats::for_file(file, None) else {
            continue;
        };
        if !options.wants(format.ecosystem()) {
            continue;
        }
        let read_by_cargo = format.ecosystem() == Some(Ecosystem::Cargo)
            && planned.contains(&Planned::CargoWorkspace {
                manifest: join(dir, "Cargo.toml"),
            });
        if read_by_cargo {
            continue;
        }
        if let Some(coverage) = format.covered_by() {
            if covered(file, coverage, &everywhere) {
                continue;
            }
        }
        let file_name = paths::split_last(file).1;
        let beside = |name: &str| Some(join(dir, name)).filter(|p| present.contains(p.as_str()));
        let shadowed = PRECEDENCE
            .iter()
            .any(|(preferred, ignored)| file_name == *ignored && beside(preferred).is_some());
        if shadowed {
            continue;
        }
        let shadows = PRECEDENCE
            .iter()
            .filter(|(preferred, _)| file_name == *preferred)
            .find_map(|(_, ignored)| beside(ignored));
        let members = match member_manifest_name(file) {
            Some(name) => files
                .iter()
                .filter(|f| {
                    let (member_dir, member_name) = paths::split_last(f);
                    member_name == name && member_dir != dir && is_ancestor(dir, member_dir)
                })
                .map(|f| (*f).to_owned())
                .collect(),
            _ => Vec::new(),
        };
        let context = ancestors(dir)
            .flat_map(|d| format.context().iter().map(move |c| join(d, c)))
            .filter(|c| c != file && everywhere.contains(c.as_str()))
            .collect();
        planned.push(Planned::File {
            path: (*file).to_owned(),
            manifest: format.manifest_name().and_then(beside),
            shadows,
            members,
            context,
        });
    }
    planned.sort_by(|a, b| a.path().cmp(b.path()));
    planned
}

/// The name of the workspace members' manifests the lockfile at `path` reads, if its format
/// reads them (by name alone: `yarn.lock` is told Berry or classic only by its text).
fn member_manifest_name(path: &str) -> Option<&'static str> {
    formats::all()
        .iter()
        .filter(|f| f.matches_path(path) && f.reads_member_manifests())
        .find_map(|f| f.manifest_name())
}

fn is_ancestor(dir: &str, of: &str) -> bool {
    dir.is_empty() || of.starts_with(&format!("{dir}/"))
}

/// What a scan reads: the repository root (locations are relative to it) and the inputs.
#[derive(Clone, Debug)]
pub struct Scan {
    pub root: PathBuf,
    pub planned: Vec<Planned>,
    /// The inputs were named (one file, `--manifest-path`), not found by searching a
    /// directory: a base revision reads the same ones, not all it holds.
    pub named: bool,
}

/// Plans the inputs for `path`: a directory is searched (setting `options.base` to it); a
/// single file is read alone, with the manifest beside it, whatever the excludes say;
/// `manifest_path` names one Cargo workspace and nothing else.
pub fn scan(
    path: &Path,
    manifest_path: Option<&Path>,
    options: &mut ScanOptions,
) -> Result<Scan, Error> {
    if let Some(manifest) = manifest_path {
        if !manifest.is_file() {
            return Err(Error::Usage(format!(
                "--manifest-path {}: no such file",
                paths::display_path(manifest)
            )));
        }
        let root = paths::repository_root(paths::parent_dir(manifest));
        let manifest = paths::relative_path(manifest, &root);
        return Ok(Scan {
            root,
            planned: vec![Planned::CargoWorkspace { manifest }],
            named: true,
        });
    }
    if path.is_dir() {
        let root = paths::repository_root(path);
        options.base = match paths::relative_path(path, &root) {
            dot if dot == "." => String::new(),
            base => base,
        };
        let files = walk(&root, path, &options.exclude)?;
        let planned = plan(&files, options);
        if planned.is_empty() && options.require_inputs {
            return Err(Error::NothingFound {
                dir: paths::display_path(path),
            });
        }
        return Ok(Scan {
            root,
            planned,
            named: false,
        });
    }
    if !path.is_file() {
        return Err(Error::Usage(format!(
            "{}: no such file or directory",
            paths::display_path(path)
        )));
    }
    let dir = paths::parent_dir(path);
    let root = paths::repository_root(dir);
    let file = paths::relative_path(path, &root);
    let named_cargo_toml = paths::split_last(&file).1 == "Cargo.toml";
    options.base = paths::split_last(&file).0.to_owned();
    let exclude = std::mem::replace(
        &mut options.exclude,
        Exclude::new([]).map_err(Error::Usage)?,
    );
    options.lockfile_only |= !named_cargo_toml;
    let mut siblings: Vec<String> = std::fs::read_dir(dir)
        .map_err(|source| Error::Read {
            path: paths::display_path(dir),
            source,
        })?
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .map(|entry| paths::relative_path(&entry.path(), &root))
        // A file named on its own is read even where another would take precedence over it.
        .filter(|sibling| {
            let (name, named) = (paths::split_last(sibling).1, paths::split_last(&file).1);
            !PRECEDENCE
                .iter()
                .any(|(preferred, ignored)| name == *preferred && named == *ignored)
        })
        .collect();
    // A lockfile of a workspace reads its members' manifests, found below it as a directory
    // scan finds them (with the excludes).
    if member_manifest_name(&file).is_some() {
        let below = walk(&root, dir, &exclude)?;
        siblings.extend(
            below
                .into_iter()
                .filter(|f| paths::split_last(f).0 != options.base),
        );
    }
    // The files the format reads with this one from the directories above (a parent POM).
    let context = formats::for_file(&file, None).map_or(&[][..], |format| format.context());
    let mut siblings: Vec<String> = ancestors(paths::split_last(&file).0)
        .flat_map(|dir| context.iter().map(move |name| join(dir, name)))
        .filter(|path| root.join(path).is_file())
        .chain(siblings)
        .collect();
    siblings.sort();
    siblings.dedup();
    let planned: Vec<Planned> = plan(&siblings, options)
        .into_iter()
        .filter(|p| {
            p.path() == file || named_cargo_toml && paths::split_last(p.path()).1 == "Cargo.lock"
        })
        .collect();
    if planned.is_empty() {
        return Err(Error::Usage(format!(
            "{} is not a lockfile, SBOM or Cargo.toml depgov reads (see docs/ecosystems.md)",
            paths::display_path(path)
        )));
    }
    Ok(Scan {
        root,
        planned,
        named: true,
    })
}

/// Lists the files under `start` that discovery may want, as paths relative to `root` (the
/// repository root). Honours `.gitignore` files, skips excluded directories without entering
/// them, and never follows symlinks (so links cannot loop or leave the tree).
pub fn walk(root: &Path, start: &Path, exclude: &Exclude) -> Result<Vec<String>, Error> {
    // `root` is canonical: walking from the canonical start gives paths that lie under it as
    // written, where a relative start (`.`, the default) made every path be canonicalised to
    // be placed (eleven readlink calls a file).
    let start = &std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let mut files = Vec::new();
    let relative = |path: &Path| paths::relative_path(path, root);
    let base = match relative(start) {
        dot if dot == "." => String::new(),
        base => base,
    };
    let walker = ignore::WalkBuilder::new(start)
        .standard_filters(false)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .parents(true)
        .follow_links(false)
        .filter_entry({
            let exclude = exclude.clone();
            let root = root.to_path_buf();
            let base = base.clone();
            move |entry| !exclude.excludes(&paths::relative_path(entry.path(), &root), &base)
        })
        .build();
    for entry in walker {
        let entry = entry.map_err(|e| Error::Read {
            path: relative(start),
            source: std::io::Error::other(e.to_string()),
        })?;
        if entry.file_type().is_some_and(|t| t.is_file()) {
            let path = relative(entry.path());
            if interesting(&path) {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Where planned inputs are read from.
pub trait Tree: Sync {
    /// The text of a repository-relative file.
    fn read(&self, path: &str) -> Result<String, Error>;
    /// The directory holding the tree, when it is one on disk (Cargo needs a real tree).
    fn dir(&self) -> Option<&Path>;
}

/// A tree on disk: the repository's working directory.
pub struct DiskTree {
    pub root: PathBuf,
}

impl Tree for DiskTree {
    fn read(&self, path: &str) -> Result<String, Error> {
        let full = self.root.join(path);
        let read_error = |source| Error::Read {
            path: path.to_owned(),
            source,
        };
        let size = std::fs::metadata(&full).map_err(read_error)?.len();
        if size > MAX_FILE_BYTES {
            return Err(Error::Parse {
                file: path.to_owned(),
                line: None,
                message: format!(
                    "{size} bytes is larger than the {MAX_FILE_BYTES} bytes depgov reads"
                ),
            });
        }
        let bytes = std::fs::read(&full).map_err(read_error)?;
        text(path, bytes)
    }

    fn dir(&self) -> Option<&Path> {
        Some(&self.root)
    }
}

/// A file's bytes as text; `file` names it in the error, which gives the line of the first
/// byte that is not UTF-8.
pub fn text(file: &str, bytes: Vec<u8>) -> Result<String, Error> {
    crate::util::text::utf8(bytes).map_err(|e| Error::Parse {
        file: file.to_owned(),
        line: Some(e.line),
        message: e.to_string(),
    })
}

/// Reads every planned input into one inventory.
pub fn read(
    planned: &[Planned],
    tree: &dyn Tree,
    options: &ScanOptions,
    cargo_options: &CargoOptions,
) -> Result<Inventory, Error> {
    read_inputs(planned, tree, options, cargo_options).map(assemble)
}

/// Reads every planned input, in the planned order. Any input that cannot be read fails the
/// whole inventory: a report must never look complete when it is not. All failures are
/// reported together.
pub fn read_inputs(
    planned: &[Planned],
    tree: &dyn Tree,
    options: &ScanOptions,
    cargo_options: &CargoOptions,
) -> Result<Vec<ReadInput>, Error> {
    let contexts = ContextTexts::default();
    let results = crate::util::parallel::map(planned, |input| {
        read_one(input, tree, &contexts, options, cargo_options)
    });
    let mut inputs = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(read) => inputs.push(read),
            Err(error) => errors.push(error),
        }
    }
    match errors.len() {
        0 => Ok(inputs),
        1 => Err(errors.remove(0)),
        _ => Err(Error::Several(errors)),
    }
}

/// Notes that a tree without any input has nothing to check, for the reports of a local run
/// (an organisation scan counts such repositories instead).
pub fn note_nothing_to_check(inventory: &mut Inventory) {
    if inventory.inputs.is_empty() {
        inventory.note(
            ".",
            vec![super::Note::new(
                NoteCode::NothingToCheck,
                None,
                "no lockfile, manifest, SBOM or Cargo workspace that depgov reads was found: \
                 nothing to check (--require-inputs makes this an error)",
            )],
        );
    }
}

/// One inventory from what each input gave.
pub fn assemble(inputs: Vec<ReadInput>) -> Inventory {
    let mut inventory = Inventory::default();
    for read in inputs {
        inventory.note(&read.path, read.notes);
        inventory.add(read.path, &read.format, read.components);
    }
    inventory.sort();
    inventory
}

/// What one input gave.
#[derive(Clone, Debug)]
pub struct ReadInput {
    pub path: String,
    pub format: String,
    pub components: Vec<crate::model::Component>,
    pub notes: Vec<super::Note>,
}

/// The context files read so far (a parent POM, `Directory.Packages.props`): thousands of
/// inputs may read the same one, which is read from the tree once.
#[derive(Default)]
struct ContextTexts(std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<str>>>);

impl ContextTexts {
    fn read(&self, tree: &dyn Tree, path: &str) -> Result<std::sync::Arc<str>, Error> {
        let lock = || {
            // A panic while holding the lock leaves texts that are still the files' texts.
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(text) = lock().get(path) {
            return Ok(std::sync::Arc::clone(text));
        }
        let text: std::sync::Arc<str> = tree.read(path)?.into();
        lock().insert(path.to_owned(), std::sync::Arc::clone(&text));
        Ok(text)
    }
}

fn read_one(
    input: &Planned,
    tree: &dyn Tree,
    contexts: &ContextTexts,
    options: &ScanOptions,
    cargo_options: &CargoOptions,
) -> Result<ReadInput, Error> {
    match input {
        Planned::CargoWorkspace { manifest } => {
            let root = tree.dir().ok_or_else(|| {
                Error::Usage(format!(
                    "{manifest}: a Cargo workspace needs a checked-out tree; use --lockfile-only"
                ))
            })?;
            let inventory = match cargo::read_workspace(&root.join(manifest), cargo_options, root) {
                Err(Error::CargoLockRefused { .. }) => {
                    return read_refused_workspace(manifest, tree, options);
                }
                read => read?,
            };
            let input = inventory.inputs.into_iter().next();
            let path = input.map_or_else(|| manifest.clone(), |i| i.path);
            Ok(ReadInput {
                path,
                format: "cargo-metadata".to_owned(),
                components: inventory.components,
                notes: Vec::new(),
            })
        }
        Planned::File {
            path,
            manifest,
            shadows,
            members,
            context,
        } => {
            let text = tree.read(path)?;
            let context_texts = context
                .iter()
                .map(|c| contexts.read(tree, c))
                .collect::<Result<Vec<_>, _>>()?;
            let context: Vec<Document> = context
                .iter()
                .zip(&context_texts)
                .map(|(path, text)| Document { path, text })
                .collect();
            let format: &dyn Format =
                formats::for_file(path, Some(&text)).ok_or_else(|| Error::Parse {
                    file: path.clone(),
                    line: None,
                    message: "not a lockfile or SBOM depgov reads".to_owned(),
                })?;
            let manifest_text = manifest.as_deref().map(|m| tree.read(m)).transpose()?;
            let member_texts = members
                .iter()
                .map(|m| tree.read(m))
                .collect::<Result<Vec<_>, _>>()?;
            let member_documents: Vec<Document<'_>> = members
                .iter()
                .zip(&member_texts)
                .map(|(path, text)| Document { path, text })
                .collect();
            let input = Input {
                file: Document { path, text: &text },
                manifest: manifest
                    .as_deref()
                    .zip(manifest_text.as_deref())
                    .map(|(path, text)| Document { path, text }),
                members: &member_documents,
                context: &context,
            };
            let mut parsed = format.parse(&input).map_err(|e| parse_error(path, e))?;
            if let Some(shadowed) = shadows {
                let why = format!(
                    "`{shadowed}` is not read: its package manager reads this file instead when both are present"
                );
                parsed.notes.push(Note::new(NoteCode::Ignored, None, why));
            }
            if format.covered_by().is_some() && !parsed.components.is_empty() {
                parsed.notes.push(super::Note::new(
                    NoteCode::ManifestOnly,
                    None,
                    "no lockfile covers this manifest, so only its direct dependencies and \
                     their version requirements are known, not their transitive dependencies \
                     or the versions installed: commit the lockfile, or produce an SBOM in CI \
                     and point depgov at it",
                ));
            }
            if let Some(wanted) = &options.ecosystems {
                parsed
                    .components
                    .retain(|c| wanted.contains(&c.id.ecosystem));
            }
            Ok(ReadInput {
                path: path.clone(),
                format: format.name().to_owned(),
                components: parsed.components,
                notes: parsed.notes,
            })
        }
    }
}

/// A workspace `cargo metadata --locked` refused (its Cargo.lock is stale or missing) does not
/// stop the others: its Cargo.lock is read as text, as `--lockfile-only` does, with a
/// `lockfile-only` note naming the fix. Without a Cargo.lock of its own, only the note is left.
fn read_refused_workspace(
    manifest: &str,
    tree: &dyn Tree,
    options: &ScanOptions,
) -> Result<ReadInput, Error> {
    let lockfile = join(paths::split_last(manifest).0, "Cargo.lock");
    let why = "`cargo metadata --locked` refused it: its Cargo.lock is out of date with the manifests, or missing";
    let fix = format!(
        "update or create it with `cargo update --workspace --manifest-path {manifest}` (or any cargo build there) and commit it"
    );
    let lockfile_only = Planned::File {
        path: lockfile.clone(),
        manifest: Some(manifest.to_owned()),
        shadows: None,
        members: Vec::new(),
        context: Vec::new(),
    };
    let (mut read, message) = match tree.read(&lockfile) {
        Ok(_) => (
            read_one(
                &lockfile_only,
                tree,
                &ContextTexts::default(),
                options,
                &CargoOptions::default(),
            )?,
            format!(
                "Cargo did not resolve this workspace ({why}); its Cargo.lock was read as text, as --lockfile-only does, so features, platforms and path dependencies are not resolved; {fix}"
            ),
        ),
        Err(_) => (
            ReadInput {
                path: manifest.to_owned(),
                format: "cargo-metadata".to_owned(),
                components: Vec::new(),
                notes: Vec::new(),
            },
            format!(
                "Cargo did not resolve this workspace ({why}), and it has no Cargo.lock of its own to read: none of its dependencies are inventoried; {fix}"
            ),
        ),
    };
    read.notes
        .push(Note::new(NoteCode::LockfileOnly, None, message));
    Ok(read)
}

fn parse_error(file: &str, error: ParseError) -> Error {
    Error::Parse {
        file: file.to_owned(),
        line: error.line,
        message: error.message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(lockfile_only: bool) -> ScanOptions {
        ScanOptions {
            base: String::new(),
            exclude: Exclude::default_set(),
            ecosystems: None,
            lockfile_only,
            require_inputs: false,
        }
    }

    fn paths(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_directory_with_manifest_and_lockfile_is_one_input() {
        let files = paths(&[
            "Cargo.toml",
            "Cargo.lock",
            "crates/member/Cargo.toml",
            "web/package.json",
            "web/package-lock.json",
            "web/node_modules/x/package-lock.json",
            "tests/fixtures/Cargo.lock",
        ]);
        assert_eq!(
            plan(&files, &options(false)),
            [
                Planned::CargoWorkspace {
                    manifest: "Cargo.toml".into()
                },
                Planned::File {
                    path: "web/package-lock.json".into(),
                    manifest: Some("web/package.json".into()),
                    shadows: None,
                    members: Vec::new(),
                    context: Vec::new(),
                },
            ]
        );
        assert_eq!(
            plan(&files, &options(true))[0],
            Planned::File {
                path: "Cargo.lock".into(),
                manifest: Some("Cargo.toml".into()),
                shadows: None,
                members: Vec::new(),
                context: Vec::new(),
            }
        );
    }

    #[test]
    fn ecosystems_restrict_and_excludes_cover_whole_directories() {
        let files = paths(&["Cargo.toml", "Cargo.lock", "legacy/app/package-lock.json"]);
        let mut only_npm = options(false);
        only_npm.ecosystems = Some([Ecosystem::Npm].into());
        assert_eq!(plan(&files, &only_npm).len(), 1);
        let mut no_legacy = options(false);
        no_legacy.exclude = Exclude::new(["legacy"]).unwrap();
        assert_eq!(plan(&files, &no_legacy).len(), 1);
        // Scanning inside an excluded directory reads it: the user asked for it.
        no_legacy.base = "legacy/app".into();
        assert_eq!(plan(&files, &no_legacy).len(), 1);
    }
}
