//! Paths as users see them: relative to the repository root, with `/` separators, without a
//! leading `./`.

use std::path::{Path, PathBuf};

/// `path` split at its last `/` into its directory and file name; `("", path)` without one.
/// A byte search: discovery splits each path of a tree many times (every format asks for its
/// file name), and the general character searcher of `str::rfind` costs several times as much
/// on a short path.
pub fn split_last(path: &str) -> (&str, &str) {
    match path.bytes().rposition(|b| b == b'/') {
        // `/` is ASCII, so both sides are whole characters.
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

/// A path as the user would type it: relative paths without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.strip_prefix("./").unwrap_or(&text).to_owned()
}

/// The directory holding `path`; `.` for a bare file name.
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
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

/// The directory a PATH argument stands for.
pub fn start_dir(path: &Path) -> &Path {
    if path.is_dir() {
        path
    } else {
        parent_dir(path)
    }
}

/// depgov's cache directory: `DEPGOV_CACHE_DIR`, else the platform's cache directory
/// (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on
/// Windows) with `depgov` under it; `None` when none of them is known.
pub fn cache_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("DEPGOV_CACHE_DIR") {
        return Some(dir);
    }
    let platform = if cfg!(target_os = "macos") {
        var("HOME").map(|home| home.join("Library/Caches"))
    } else if cfg!(windows) {
        var("LOCALAPPDATA")
    } else {
        var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|home| home.join(".cache")))
    };
    platform.map(|dir| dir.join("depgov"))
}

/// Whether a path (from a remote tree, say) is a plain relative path: not empty, not absolute,
/// no `.`, `..` or empty segments, no backslashes or control characters, at most `max_bytes`.
pub fn is_plain_relative(path: &str, max_bytes: usize) -> bool {
    !path.is_empty()
        && path.len() <= max_bytes
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
        && path
            .split('/')
            .all(|segment| !segment.is_empty() && segment != "." && segment != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_read() {
        for good in ["Cargo.lock", "web/app/package-lock.json", "a b/ünï/x.lock"] {
            assert!(is_plain_relative(good, 4096), "{good}");
        }
        let long = "a/".repeat(3000);
        for bad in [
            "",
            "/etc/Cargo.lock",
            "../Cargo.lock",
            "a/../../Cargo.lock",
            "./Cargo.lock",
            "a//Cargo.lock",
            "a\\..\\Cargo.lock",
            "a\u{0}/Cargo.lock",
            "a\n/Cargo.lock",
            long.as_str(),
        ] {
            assert!(!is_plain_relative(bad, 4096), "{bad:?}");
        }
    }
}
