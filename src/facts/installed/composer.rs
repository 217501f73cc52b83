//! Composer's record of what it installed: `ROOT/vendor/composer/installed.json`, Composer 2's
//! `{ "packages": [ … ] }` or Composer 1's bare array, read once.
//!
//! From each package: `name`, `version` (indexed as the `composer.lock` inventory writes it,
//! without a leading `v` before a digit, and also as `version_normalized`), `license` (an
//! array of SPDX ids that Composer's documentation reads as alternatives: joined with `OR`),
//! `source.url` as the repository, and `abandoned` (`true`, or the name of the package to use
//! instead) as a deprecation. A package declaring no license gets it from the license files'
//! text in its `install-path` (relative to `vendor/composer/`, kept inside `vendor/`).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use super::license_text;
use super::{is_real_dir, read_bounded, shown};
use crate::facts::known::{Answer, Known, local};
use crate::facts::remote::browsable;
use crate::model::facts::{FactSource, Flag};

/// `installed.json` larger than this is not read (bytes); large projects' stay under 10 MiB.
const MAX_INSTALLED: u64 = 64 * 1024 * 1024;
const SHOWN: &str = "vendor/composer/installed.json";

/// The packages `vendor/composer/installed.json` lists, by name and version.
#[derive(Debug, Default)]
pub struct Vendor {
    packages: HashMap<(String, String), Package>,
}

#[derive(Clone, Debug)]
struct Package {
    known: Known,
    /// Where the package is installed, inside `vendor/`, and how reports show it.
    dir: Option<(PathBuf, String)>,
}

impl Vendor {
    /// Reads `vendor/composer/installed.json` of the repository at `root`, if there is one.
    pub fn read(root: &Path) -> Vendor {
        let composer = root.join("vendor").join("composer");
        if !is_real_dir(&root.join("vendor")) || !is_real_dir(&composer) {
            return Vendor::default();
        }
        let Some(bytes) = read_bounded(&composer.join("installed.json"), MAX_INSTALLED) else {
            return Vendor::default();
        };
        let Ok(document) = serde_json::from_slice::<Value>(&bytes) else {
            return Vendor::default();
        };
        let mut vendor = Vendor::default();
        let entries = match &document {
            Value::Array(packages) => packages,
            Value::Object(object) => match object.get("packages") {
                Some(Value::Array(packages)) => packages,
                _ => return vendor,
            },
            _ => return vendor,
        };
        for entry in entries {
            let Some((name, versions, package)) = read_package(root, entry) else {
                continue;
            };
            for version in versions {
                vendor
                    .packages
                    .entry((name.clone(), version))
                    .or_insert_with(|| package.clone());
            }
        }
        vendor
    }

    /// What Composer recorded of `name` `version`, then the license files' text when it
    /// declares no license.
    pub fn answers(&self, name: &str, version: &str) -> Vec<Answer> {
        let Some(package) = self.packages.get(&(name.to_owned(), version.to_owned())) else {
            return Vec::new();
        };
        let mut found = vec![Answer {
            known: package.known.clone(),
            origin: local(FactSource::ComposerInstalled, Some(SHOWN.to_owned())),
        }];
        let declares = package
            .known
            .license
            .as_deref()
            .is_some_and(|l| !l.trim().is_empty());
        if let (false, Some((dir, shown_dir))) = (declares, &package.dir) {
            found.extend(license_text::answer(&license_text::files_in(
                dir, shown_dir,
            )));
        }
        found
    }
}

/// One entry of `installed.json`: its name, the versions it is found by, and its facts.
fn read_package(root: &Path, entry: &Value) -> Option<(String, Vec<String>, Package)> {
    let name = entry.get("name")?.as_str()?.to_owned();
    let version = entry.get("version")?.as_str()?;
    let mut versions = vec![without_v(version).to_owned()];
    if let Some(normalized) = entry.get("version_normalized").and_then(Value::as_str) {
        if !versions.iter().any(|v| v == normalized) {
            versions.push(normalized.to_owned());
        }
    }
    let known = Known {
        found: true,
        license: Some(license(entry.get("license"))),
        deprecated: abandoned(entry.get("abandoned")),
        repository: entry
            .get("source")
            .and_then(|s| s.get("url"))
            .and_then(Value::as_str)
            .and_then(browsable),
        ..Known::default()
    };
    let dir = entry
        .get("install-path")
        .and_then(Value::as_str)
        .and_then(|relative| install_dir(root, relative));
    Some((name, versions, Package { known, dir }))
}

/// `v6.3.8` as `6.3.8`, as the lockfile's inventory writes it; `dev-main` kept.
fn without_v(version: &str) -> &str {
    match version.strip_prefix('v') {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => version,
    }
}

/// The `license` array (or a lone string) as an `OR` expression; empty for none.
fn license(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(one)) => one.trim().to_owned(),
        Some(Value::Array(all)) => {
            let ids: Vec<&str> = all
                .iter()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .collect();
            match ids.as_slice() {
                [one] => (*one).to_owned(),
                many => many
                    .iter()
                    .map(|id| {
                        if id.contains(' ') {
                            format!("({id})")
                        } else {
                            (*id).to_owned()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" OR "),
            }
        }
        _ => String::new(),
    }
}

/// `abandoned`: `true`, or the package to use instead. Absent or `false`: not said.
fn abandoned(value: Option<&Value>) -> Option<Flag> {
    match value? {
        Value::Bool(true) => Some(Flag {
            set: true,
            message: Some("abandoned".to_owned()),
        }),
        Value::String(instead) if !instead.trim().is_empty() => Some(Flag {
            set: true,
            message: Some(format!("abandoned; use {} instead", instead.trim())),
        }),
        Value::String(_) => Some(Flag {
            set: true,
            message: Some("abandoned".to_owned()),
        }),
        _ => None,
    }
}

/// A package's `install-path` (relative to `vendor/composer/`) when it stays inside
/// `vendor/` and is a directory; with how reports show it.
fn install_dir(root: &Path, relative: &str) -> Option<(PathBuf, String)> {
    let vendor = root.join("vendor");
    let mut inside: Vec<String> = vec!["composer".to_owned()];
    for part in Path::new(&relative.replace('\\', "/")).components() {
        match part {
            Component::Normal(part) => inside.push(part.to_str()?.to_owned()),
            Component::CurDir => {}
            Component::ParentDir => {
                inside.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    if inside.is_empty() {
        return None;
    }
    let dir = inside.iter().fold(vendor, |dir, part| dir.join(part));
    if !is_real_dir(&dir) {
        return None;
    }
    let shown_dir = shown(root, "", &dir);
    Some((dir, shown_dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::installed::license_text::MIT;
    use serde_json::json;

    #[test]
    fn licenses_are_alternatives() {
        assert_eq!(license(Some(&json!(["MIT"]))), "MIT");
        assert_eq!(
            license(Some(&json!(["LGPL-2.1-only", "GPL-3.0-or-later"]))),
            "LGPL-2.1-only OR GPL-3.0-or-later"
        );
        assert_eq!(license(Some(&json!([]))), "");
        assert_eq!(license(None), "");
        assert_eq!(license(Some(&json!(5))), "");
    }

    #[test]
    fn abandoned_names_the_replacement() {
        assert_eq!(
            abandoned(Some(&json!("symfony/mailer"))).and_then(|f| f.message),
            Some("abandoned; use symfony/mailer instead".to_owned())
        );
        assert_eq!(abandoned(Some(&json!(true))).map(|f| f.set), Some(true));
        assert_eq!(abandoned(Some(&json!(false))), None);
        assert_eq!(abandoned(None), None);
    }

    #[test]
    fn versions_drop_their_v_as_the_lockfile_inventory_does() {
        assert_eq!(without_v("v6.3.8"), "6.3.8");
        assert_eq!(without_v("dev-main"), "dev-main");
        assert_eq!(without_v("vendor"), "vendor");
    }

    #[test]
    fn both_composer_versions_are_read_and_install_paths_stay_in_vendor() {
        let root = tempfile::tempdir().expect("temp dir");
        let vendor = root.path().join("vendor");
        std::fs::create_dir_all(vendor.join("composer")).expect("mkdir");
        std::fs::create_dir_all(vendor.join("acme/plain")).expect("mkdir");
        std::fs::write(vendor.join("acme/plain/LICENSE"), MIT).expect("write");
        let v2 = json!({"packages": [
            {"name": "acme/plain", "version": "v1.0.0", "version_normalized": "1.0.0.0",
             "install-path": "../acme/plain"},
            {"name": "acme/out", "version": "1.0.0", "install-path": "../../../etc"},
            {"name": 5, "version": "1"}
        ]});
        std::fs::write(vendor.join("composer/installed.json"), v2.to_string()).expect("write");
        let read = Vendor::read(root.path());
        let plain = read.answers("acme/plain", "1.0.0");
        assert_eq!(plain.len(), 2);
        assert_eq!(plain[1].known.license.as_deref(), Some("MIT"));
        assert_eq!(
            plain[1].origin.file.as_deref(),
            Some("vendor/acme/plain/LICENSE")
        );
        assert_eq!(read.answers("acme/plain", "1.0.0.0").len(), 2);
        assert_eq!(read.answers("acme/out", "1.0.0").len(), 1);

        let v1 = json!([{"name": "acme/old", "version": "2.0.0", "license": ["MIT"]}]);
        std::fs::write(vendor.join("composer/installed.json"), v1.to_string()).expect("write");
        let read = Vendor::read(root.path());
        assert_eq!(
            read.answers("acme/old", "2.0.0")[0]
                .known
                .license
                .as_deref(),
            Some("MIT")
        );
        std::fs::write(vendor.join("composer/installed.json"), "{\"packages\": [").expect("write");
        assert!(Vendor::read(root.path()).packages.is_empty());
    }
}
