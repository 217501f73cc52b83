//! Installed trees and package caches on this machine: what package managers unpacked knows
//! more than their lockfiles (the declared license above all), read without network.
//!
//! - [`node_modules`]: `node_modules/**/package.json` under the repository (npm, Yarn's
//!   `node_modules` linker, pnpm's `node_modules/.pnpm`), and one level down for workspace
//!   members;
//! - [`python`]: `*.dist-info/METADATA` in the `site-packages` of `.venv`, `venv` and
//!   `$VIRTUAL_ENV`;
//! - [`cargo`]: crates Cargo unpacked in `$CARGO_HOME/registry/src`;
//! - [`go`]: modules in the Go module cache (`$GOMODCACHE`, else `$GOPATH/pkg/mod`), and the
//!   `// Deprecated:` comments of their `go.mod`;
//! - [`composer`]: `vendor/composer/installed.json` under the repository;
//! - [`nuget`]: `*.nuspec` in NuGet's global packages folder (`$NUGET_PACKAGES`, else
//!   `~/.nuget/packages`);
//! - [`license_text`]: license files of those packages, recognised by their text when the
//!   package's own metadata declares no license.
//!
//! The repository's trees are indexed once, when [`Installed::read`] is called; the machine's
//! caches (Cargo, Go, NuGet) are probed for each package version asked about, never walked.
//! What is read is untrusted text: files are read only when they are regular files (never
//! through a symbolic link) and not larger than a bound, and a damaged file is no answer.

pub mod cargo;
pub mod composer;
pub mod go;
pub mod license_text;
pub mod node_modules;
pub mod nuget;
pub mod python;

use std::io::Read;
use std::path::{Path, PathBuf};

use super::known::Answer;
use crate::model::Ecosystem;

/// The installed trees of one repository, and the machine's package caches.
#[derive(Debug, Default)]
pub struct Installed {
    cargo: cargo::RegistryCache,
    node_modules: node_modules::NodeModules,
    python: python::Environments,
    go: go::ModuleCache,
    composer: composer::Vendor,
    nuget: nuget::GlobalPackages,
}

impl Installed {
    /// Finds the installed trees for the repository at `root`, and the machine's caches the
    /// environment names.
    pub fn read(root: &Path) -> Installed {
        Installed {
            cargo: cargo::RegistryCache::new(),
            node_modules: node_modules::NodeModules::read(root),
            python: python::Environments::read(root, env_path("VIRTUAL_ENV").as_deref()),
            go: go::ModuleCache::from_env(),
            composer: composer::Vendor::read(root),
            nuget: nuget::GlobalPackages::from_env(),
        }
    }

    /// What the installed trees say of a package version (`name` as the ecosystem compares
    /// names), most specific first: package metadata, then a license recognised from a
    /// license file.
    pub fn answers(&self, ecosystem: Ecosystem, name: &str, version: &str) -> Vec<Answer> {
        match ecosystem {
            Ecosystem::Cargo => self.cargo.answers(name, version),
            Ecosystem::Npm => self.node_modules.answers(name, version),
            Ecosystem::Pypi => self.python.answers(name, version),
            Ecosystem::Golang => self.go.answers(name, version),
            Ecosystem::Composer => self.composer.answers(name, version),
            Ecosystem::Nuget => self.nuget.answers(name, version),
            Ecosystem::Gem | Ecosystem::Maven => Vec::new(),
        }
    }
}

/// An environment variable naming a directory; unset and empty are alike.
fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
}

/// The user's home directory, as the package managers find it (`HOME`, on Windows
/// `USERPROFILE`).
fn home() -> Option<PathBuf> {
    if cfg!(windows) {
        env_path("USERPROFILE").or_else(|| env_path("HOME"))
    } else {
        env_path("HOME")
    }
}

/// Whether `path` is a directory itself, not a symbolic link to one.
fn is_real_dir(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_dir())
}

/// The whole of a regular file (not a symbolic link) of at most `limit` bytes; `None` for
/// anything else, a larger file included.
fn read_bounded(path: &Path, limit: u64) -> Option<Vec<u8>> {
    let metadata = std::fs::symlink_metadata(path).ok()?;
    if !metadata.file_type().is_file() || metadata.len() > limit {
        return None;
    }
    let bytes = read_prefix(path, limit.saturating_add(1))?;
    (bytes.len() as u64 <= limit).then_some(bytes)
}

/// The first `limit` bytes of a regular file (not a symbolic link): for files whose start is
/// all that is wanted (the headers of a Python package's METADATA).
fn read_prefix(path: &Path, limit: u64) -> Option<Vec<u8>> {
    let metadata = std::fs::symlink_metadata(path).ok()?;
    if !metadata.file_type().is_file() {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    let capacity = usize::try_from(metadata.len().min(limit)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limit).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// The names in a directory with whether each is a directory itself (symbolic links are
/// neither directory nor file here), sorted so that the first of several copies is the same
/// on every run.
fn entries(dir: &Path) -> Vec<(String, PathBuf, EntryKind)> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(String, PathBuf, EntryKind)> = read
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let kind = match entry.file_type() {
                Ok(t) if t.is_dir() => EntryKind::Dir,
                Ok(t) if t.is_file() => EntryKind::File,
                _ => EntryKind::Other,
            };
            Some((name, entry.path(), kind))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EntryKind {
    Dir,
    File,
    /// A symbolic link (never followed), a socket…
    Other,
}

/// A path inside `base` as reports show it: relative, with `/`, after `prefix` (a variable
/// such as `$GOMODCACHE`, or nothing for the repository). Paths outside `base` are shown
/// whole.
fn shown(base: &Path, prefix: &str, path: &Path) -> String {
    match path.strip_prefix(base) {
        Ok(inside) => {
            let parts: Vec<String> = inside
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let inside = parts.join("/");
            match (prefix.is_empty(), inside.is_empty()) {
                (true, _) => inside,
                (false, true) => prefix.to_owned(),
                (false, false) => format!("{prefix}/{inside}"),
            }
        }
        Err(_) => path.display().to_string(),
    }
}

/// A relative path a package names (a license file), as a path inside its directory: `None`
/// when it is absolute or climbs out (`..`), so that untrusted metadata cannot point anywhere
/// else.
fn inside(dir: &Path, relative: &str) -> Option<PathBuf> {
    let relative = relative.trim().replace('\\', "/");
    let mut path = dir.to_path_buf();
    let mut any = false;
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part if part.contains(':') => return None,
            part => {
                path.push(part);
                any = true;
            }
        }
    }
    (any && !relative.starts_with('/')).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_files_stay_inside_the_package() {
        let dir = Path::new("/pkg");
        assert_eq!(
            inside(dir, "docs\\LICENSE.txt"),
            Some(PathBuf::from("/pkg/docs/LICENSE.txt"))
        );
        assert_eq!(
            inside(dir, "./LICENSE"),
            Some(PathBuf::from("/pkg/LICENSE"))
        );
        assert_eq!(inside(dir, "../LICENSE"), None);
        assert_eq!(inside(dir, "a/../../LICENSE"), None);
        assert_eq!(inside(dir, "/etc/passwd"), None);
        assert_eq!(inside(dir, "C:/x"), None);
        assert_eq!(inside(dir, ""), None);
    }

    #[test]
    fn files_are_shown_relative_with_their_prefix() {
        let base = Path::new("/cache");
        assert_eq!(
            shown(base, "$GOMODCACHE", Path::new("/cache/a/b")),
            "$GOMODCACHE/a/b"
        );
        assert_eq!(shown(base, "", Path::new("/cache/a/b")), "a/b");
        assert_eq!(shown(base, "", Path::new("/else/a")), "/else/a");
    }

    #[test]
    fn bounded_reads_refuse_large_files_and_links() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("f");
        std::fs::write(&file, b"12345").expect("write");
        assert_eq!(read_bounded(&file, 5).as_deref(), Some(&b"12345"[..]));
        assert_eq!(read_bounded(&file, 4), None);
        assert_eq!(read_prefix(&file, 2).as_deref(), Some(&b"12"[..]));
        #[cfg(unix)]
        {
            let link = dir.path().join("l");
            std::os::unix::fs::symlink(&file, &link).expect("link");
            assert_eq!(read_bounded(&link, 100), None);
            assert!(!is_real_dir(&dir.path().join("l")));
        }
    }
}
