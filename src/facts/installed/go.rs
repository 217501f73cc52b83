//! The Go module cache: `$GOMODCACHE`, else `$GOPATH/pkg/mod` (the first entry of `GOPATH`;
//! by default `~/go`). Probed for each module version asked about, never walked.
//!
//! A module version is extracted in `{module}@{version}/`, both case-encoded as the module
//! cache does it (each upper-case letter becomes `!` and its lower-case letter, so that
//! `github.com/Azure/x` is `github.com/!azure/x`). Go modules declare no license: it is read
//! from the text of the module's license files (`LICENSE*`, `COPYING*`,
//! [`super::license_text`]). Deprecation is read from `go.mod` files the cache keeps in
//! `cache/download/{module}/@v/{version}.mod`: a comment paragraph starting `Deprecated:`
//! directly above the `module` line or after it on the same line (the Go modules reference);
//! the module's own version first, else a later version's, since a deprecation applies to the
//! whole module. Files are shown as `$GOMODCACHE/…` on every machine.

use std::path::{Path, PathBuf};

use super::license_text;
use super::{EntryKind, entries, env_path, home, is_real_dir, read_bounded, shown};
use crate::facts::known::{Answer, Known, local};
use crate::model::facts::{FactSource, Flag};

/// `go.mod` files larger than this are not read (bytes).
const MAX_GO_MOD: u64 = 1024 * 1024;
/// How reports show the cache's directory.
const SHOWN: &str = "$GOMODCACHE";

/// The module cache, if this machine has one.
#[derive(Debug, Default)]
pub struct ModuleCache {
    root: Option<PathBuf>,
}

impl ModuleCache {
    /// The cache the environment names: `GOMODCACHE`, else `GOPATH`'s first entry's
    /// `pkg/mod`, else `~/go/pkg/mod`.
    pub fn from_env() -> ModuleCache {
        let root = env_path("GOMODCACHE").or_else(|| {
            let gopath = env_path("GOPATH")
                .and_then(|paths| std::env::split_paths(&paths).find(|p| !p.as_os_str().is_empty()))
                .or_else(|| home().map(|home| home.join("go")))?;
            Some(gopath.join("pkg").join("mod"))
        });
        ModuleCache::at(root)
    }

    pub fn at(root: Option<PathBuf>) -> ModuleCache {
        ModuleCache {
            root: root.filter(|r| r.is_dir()),
        }
    }

    /// What the cache holds of `module` `version`: the extracted module (its license files'
    /// text) and the deprecation its `go.mod` declares.
    pub fn answers(&self, module: &str, version: &str) -> Vec<Answer> {
        let Some(root) = &self.root else {
            return Vec::new();
        };
        let (Some(escaped), Some(escaped_version)) = (escape(module), escape(version)) else {
            return Vec::new();
        };
        let mut found = Vec::new();
        let dir = root.join(format!("{escaped}@{escaped_version}"));
        let text = if is_real_dir(&dir) {
            let shown_dir = shown(root, SHOWN, &dir);
            let files = license_text::files_in(&dir, &shown_dir);
            found.push(Answer {
                known: Known {
                    found: true,
                    // No license file at all: the module declares none.
                    license: files.is_empty().then(String::new),
                    ..Known::default()
                },
                origin: local(FactSource::GoModuleCache, Some(shown_dir)),
            });
            license_text::answer(&files)
        } else {
            None
        };
        if let Some((file, message)) = deprecation(root, &escaped, &escaped_version, version) {
            found.push(Answer {
                known: Known {
                    // The go.mod alone does not say the module's code is here.
                    found: false,
                    deprecated: Some(Flag {
                        set: true,
                        message: Some(message).filter(|m| !m.is_empty()),
                    }),
                    ..Known::default()
                },
                origin: local(FactSource::GoModuleCache, Some(shown(root, SHOWN, &file))),
            });
        }
        found.extend(text);
        found
    }
}

/// The deprecation a cached `go.mod` of the module declares: the version's own, else the
/// latest later version's that the cache holds. The file and the message.
fn deprecation(
    root: &Path,
    escaped: &str,
    escaped_version: &str,
    version: &str,
) -> Option<(PathBuf, String)> {
    let versions_dir = root.join("cache").join("download").join(escaped).join("@v");
    let declared = |file: PathBuf| {
        let bytes = read_bounded(&file, MAX_GO_MOD)?;
        let message = deprecated(&String::from_utf8_lossy(&bytes))?;
        Some((file, message))
    };
    if let Some(own) = declared(versions_dir.join(format!("{escaped_version}.mod"))) {
        return Some(own);
    }
    let own = semver_of(version)?;
    let mut later: Vec<(semver::Version, PathBuf)> = entries(&versions_dir)
        .into_iter()
        .filter(|(_, _, kind)| *kind == EntryKind::File)
        .filter_map(|(name, path, _)| {
            let other = semver_of(&unescape(name.strip_suffix(".mod")?)?)?;
            (other > own).then_some((other, path))
        })
        .collect();
    later.sort_by(|a, b| a.0.cmp(&b.0));
    let (_, latest) = later.pop()?;
    declared(latest)
}

/// A Go version (`v1.2.3`, `v2.0.0+incompatible`, a pseudo-version) as semver.
fn semver_of(version: &str) -> Option<semver::Version> {
    semver::Version::parse(version.strip_prefix('v')?).ok()
}

/// The module cache's case encoding of a module path or version: each upper-case letter as
/// `!` and the lower-case letter. `None` for what is no valid module path or version (other
/// characters, an empty, `.` or `..` element, a leading `/`), so that no name can point
/// outside the cache.
pub fn escape(path: &str) -> Option<String> {
    if path.is_empty() || path.starts_with('/') {
        return None;
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-._~/+".contains(c);
    if !path.chars().all(allowed) {
        return None;
    }
    if path.split('/').any(|part| matches!(part, "" | "." | "..")) {
        return None;
    }
    let mut out = String::with_capacity(path.len() + 4);
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// The reverse of [`escape`]; `None` for what is not an encoding.
fn unescape(escaped: &str) -> Option<String> {
    let mut out = String::with_capacity(escaped.len());
    let mut chars = escaped.chars();
    while let Some(c) = chars.next() {
        match c {
            '!' => out.push(
                chars
                    .next()
                    .filter(char::is_ascii_lowercase)?
                    .to_ascii_uppercase(),
            ),
            c if c.is_ascii_uppercase() => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// The deprecation message of a `go.mod`, as the Go modules reference defines it: the
/// comments directly above the `module` directive (no blank line between) and after it on its
/// line, one paragraph of which starts with `Deprecated:`; the message is the rest of that
/// paragraph. `None` when it is not deprecated.
pub fn deprecated(go_mod: &str) -> Option<String> {
    let mut above: Vec<&str> = Vec::new();
    for line in go_mod.lines() {
        let line = line.trim();
        if let Some(comment) = line.strip_prefix("//") {
            above.push(comment.trim());
            continue;
        }
        let Some(rest) = line.strip_prefix("module") else {
            // A blank line or another directive: the comments so far are not the module's.
            above.clear();
            continue;
        };
        if !rest.starts_with([' ', '\t']) {
            above.clear();
            continue;
        }
        let mut comments = above;
        if let Some((_, suffix)) = rest.split_once("//") {
            comments.push(suffix.trim());
        }
        let text = comments.join("\n");
        return text.split("\n\n").find_map(|paragraph| {
            let message = paragraph.strip_prefix("Deprecated:")?;
            Some(message.split_whitespace().collect::<Vec<_>>().join(" "))
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::installed::license_text::MIT;

    #[test]
    fn paths_and_versions_are_case_encoded_and_checked() {
        assert_eq!(
            escape("github.com/Azure/azure-sdk-for-go").as_deref(),
            Some("github.com/!azure/azure-sdk-for-go")
        );
        assert_eq!(escape("v1.0.0-RC1").as_deref(), Some("v1.0.0-!r!c1"));
        assert_eq!(
            unescape("github.com/!azure/x").as_deref(),
            Some("github.com/Azure/x")
        );
        assert_eq!(unescape("a/!1"), None);
        for bad in ["", "/etc", "a/../b", "a//b", "a/./b", "a\\b", "a!b", "a b"] {
            assert_eq!(escape(bad), None, "{bad}");
        }
    }

    #[test]
    fn deprecation_comments_above_or_beside_the_module_line() {
        let go_mod =
            "// Deprecated: use example.com/b\n// instead.\nmodule example.com/a\n\ngo 1.21\n";
        assert_eq!(
            deprecated(go_mod).as_deref(),
            Some("use example.com/b instead.")
        );
        let go_mod = "// The a module.\n//\n// Deprecated: gone.\nmodule example.com/a\n";
        assert_eq!(deprecated(go_mod).as_deref(), Some("gone."));
        let go_mod = "module example.com/a // Deprecated: see b\n";
        assert_eq!(deprecated(go_mod).as_deref(), Some("see b"));
        // Separated by a blank line, or not at the start of a paragraph: not the module's.
        let go_mod = "// Deprecated: old\n\nmodule example.com/a\n";
        assert_eq!(deprecated(go_mod), None);
        let go_mod = "// This is not Deprecated: really\nmodule example.com/a\n";
        assert_eq!(deprecated(go_mod), None);
        assert_eq!(deprecated("modulex\n"), None);
    }

    #[test]
    fn the_cache_is_probed_by_encoded_path() {
        let cache = tempfile::tempdir().expect("temp dir");
        let root = cache.path();
        let dir = root.join("github.com/!burnt!sushi/toml@v1.3.2");
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("COPYING"), MIT).expect("write");
        let versions = root.join("cache/download/github.com/!burnt!sushi/toml/@v");
        std::fs::create_dir_all(&versions).expect("mkdir");
        std::fs::write(
            versions.join("v1.3.2.mod"),
            "module github.com/BurntSushi/toml\n",
        )
        .expect("write");
        std::fs::write(
            versions.join("v1.4.0.mod"),
            "// Deprecated: moved\nmodule github.com/BurntSushi/toml\n",
        )
        .expect("write");
        let cache = ModuleCache::at(Some(root.to_path_buf()));
        let answers = cache.answers("github.com/BurntSushi/toml", "v1.3.2");
        assert_eq!(answers.len(), 3);
        assert_eq!(
            answers[0].origin.file.as_deref(),
            Some("$GOMODCACHE/github.com/!burnt!sushi/toml@v1.3.2")
        );
        assert_eq!(
            answers[1].origin.file.as_deref(),
            Some("$GOMODCACHE/cache/download/github.com/!burnt!sushi/toml/@v/v1.4.0.mod")
        );
        assert_eq!(
            answers[1]
                .known
                .deprecated
                .as_ref()
                .and_then(|f| f.message.as_deref()),
            Some("moved")
        );
        assert_eq!(answers[2].known.license.as_deref(), Some("MIT"));
        assert_eq!(
            answers[2].origin.file.as_deref(),
            Some("$GOMODCACHE/github.com/!burnt!sushi/toml@v1.3.2/COPYING")
        );
        assert!(
            cache
                .answers("github.com/burntsushi/toml", "v1.3.2")
                .is_empty()
        );
        assert!(cache.answers("../x", "v1").is_empty());
    }
}
