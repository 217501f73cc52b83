//! The crates Cargo has unpacked in `$CARGO_HOME/registry/src/*/NAME-VERSION/`: the
//! published `Cargo.toml` says the license and the repository.

use std::path::PathBuf;

use serde::Deserialize;

use crate::facts::known::{Answer, Known, local};
use crate::model::facts::FactSource;

/// The unpacked registries, each `registry/src/INDEX/`.
#[derive(Debug, Default)]
pub struct RegistryCache {
    /// `$CARGO_HOME`.
    home: PathBuf,
    indexes: Vec<PathBuf>,
}

impl RegistryCache {
    pub fn new() -> Self {
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
            .unwrap_or_default();
        let indexes = std::fs::read_dir(home.join("registry/src"))
            .map(|dirs| dirs.filter_map(|d| d.ok()).map(|d| d.path()).collect())
            .unwrap_or_default();
        RegistryCache { home, indexes }
    }

    pub fn answers(&self, name: &str, version: &str) -> Vec<Answer> {
        // Both come from a lockfile: nothing in them may climb out of the registry cache.
        let plain = |text: &str| {
            !text.is_empty()
                && text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.+".contains(c))
                && !text.contains("..")
        };
        if !plain(name) || !plain(version) {
            return Vec::new();
        }
        self.indexes
            .iter()
            .find_map(|index| {
                let manifest = index.join(format!("{name}-{version}")).join("Cargo.toml");
                let text = std::fs::read_to_string(&manifest).ok()?;
                let package = package(&text)?;
                Some(Answer {
                    known: Known {
                        found: true,
                        license: package.license,
                        repository: package
                            .repository
                            .as_deref()
                            .and_then(crate::facts::remote::browsable),
                        ..Known::default()
                    },
                    origin: local(FactSource::CargoRegistryCache, Some(self.shown(&manifest))),
                })
            })
            .into_iter()
            .collect()
    }
}

impl RegistryCache {
    /// A file under `$CARGO_HOME` as `$CARGO_HOME/…`: the same on every machine.
    fn shown(&self, path: &std::path::Path) -> String {
        match path.strip_prefix(&self.home) {
            Ok(inside) => format!("$CARGO_HOME/{}", inside.display()),
            Err(_) => path.display().to_string(),
        }
    }
}

#[derive(Deserialize)]
struct Package {
    license: Option<String>,
    repository: Option<String>,
}

/// The `[package]` table of a published Cargo.toml. Published manifests are normalized by
/// Cargo, so only that table is parsed.
fn package(manifest: &str) -> Option<Package> {
    let start = manifest.find("[package]")?;
    let body = &manifest[start + "[package]".len()..];
    let end = body.find("\n[").unwrap_or(body.len());
    toml::from_str::<Package>(&body[..end]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_manifest_license_is_read_from_the_package_table() {
        let manifest = "[package]\nname = \"x\"\nlicense = \"MIT OR Apache-2.0\"\n\n[dependencies.y]\nversion = \"1\"\n";
        assert_eq!(
            package(manifest).and_then(|p| p.license).as_deref(),
            Some("MIT OR Apache-2.0")
        );
        assert_eq!(
            package("[package]\nname = \"x\"\nlicense-file = \"L\"\n").and_then(|p| p.license),
            None
        );
    }
}
