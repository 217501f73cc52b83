//! Inventory: what third-party components a repository uses, normalized into
//! [`Component`]s whatever ecosystem they come from.
//!
//! Each ecosystem is one module. First-party code (workspace members, the project itself) is
//! the root of every dependency path and is never a component.

pub mod cargo;
mod cargo_manifest;
pub mod graph;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::Component;

/// One input file depgov read, and how many components it contributed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// Repository-relative path.
    pub path: String,
    /// How it was read, e.g. `cargo-metadata`.
    pub format: String,
    pub components: usize,
}

/// Everything inventory found.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    /// Sorted by ecosystem, name, version.
    pub components: Vec<Component>,
    pub inputs: Vec<InputFile>,
}

/// The root of the git repository containing `start` (the nearest ancestor with `.git`), or
/// `start` itself outside a repository. Locations in reports are relative to it.
pub fn repository_root(start: &Path) -> PathBuf {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map_or_else(|| start.clone(), Path::to_path_buf)
}

/// `path` relative to `root` with `/` separators; the path unchanged when it lies elsewhere.
pub fn relative_path(path: &Path, root: &Path) -> String {
    let relative = path
        .strip_prefix(root)
        .ok()
        .map(Path::to_path_buf)
        .or_else(|| {
            let canonical = std::fs::canonicalize(path).ok()?;
            canonical.strip_prefix(root).ok().map(Path::to_path_buf)
        });
    let shown = relative.as_deref().unwrap_or(path);
    let text = shown
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if text.is_empty() {
        ".".to_owned()
    } else {
        text
    }
}
