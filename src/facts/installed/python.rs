//! Python environments: the `*.dist-info/METADATA` of every distribution installed in
//! `ROOT/.venv`, `ROOT/venv` and `$VIRTUAL_ENV`, in their `lib/python*/site-packages` (PyPy's
//! `lib/pypy*/site-packages`, Windows' `Lib/site-packages`).
//!
//! METADATA is the core metadata specification's email-header format: `Name: value` lines,
//! a line starting with whitespace continuing the one before, up to the first blank line
//! (the description follows). From it: `Name` (indexed PEP 503-normalized) and `Version`;
//! the license as PyPI reads it — `License-Expression` (PEP 639) wins, then `License` when it
//! is a short name (a multi-line or long value is a pasted license text and is ignored), then
//! the `License :: …` classifiers mapped to SPDX; the repository from a `Project-URL`
//! labelled `Source`, `Repository` or `Code` (labels compared as the specification
//! normalizes them), else a `Home-page` on a known forge. A distribution declaring no license
//! gets it from its license files' text ([`super::license_text`]): those its `License-File`
//! headers name, else PEP 639's `licenses/` directory and `LICENSE*`-named files in the
//! `.dist-info`.
//!
//! Files of an environment in the repository are shown relative to it
//! (`.venv/lib/python3.12/site-packages/…`), those of `$VIRTUAL_ENV` as `$VIRTUAL_ENV/…`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::license_text::{self, LicenseFile};
use super::{EntryKind, entries, inside, is_real_dir, read_prefix, shown};
use crate::facts::known::{Answer, Known, local};
use crate::facts::licenses::from_classifiers;
use crate::facts::remote::{browsable, is_forge};
use crate::model::Ecosystem;
use crate::model::facts::FactSource;
use crate::model::purl::normalize_name;

/// Only this much of a METADATA file is read: its headers come first, and a long description
/// after them is not wanted (bytes).
const MAX_METADATA: u64 = 1024 * 1024;
/// A `License` longer than this is a license's text, not its name (as PyPI's reader has it).
const MAX_LICENSE_NAME: usize = 100;
/// At most this many license files of a distribution, and this deep in `licenses/`.
const MAX_LICENSE_FILES: usize = 8;
const MAX_LICENSE_DEPTH: usize = 4;

/// The distributions installed in the repository's Python environments.
#[derive(Debug, Default)]
pub struct Environments {
    /// By normalized name and version, the version also as PEP 440 normalizes it.
    dists: HashMap<(String, String), Dist>,
}

#[derive(Clone, Debug)]
struct Dist {
    /// The `.dist-info` directory, and how reports show it.
    dir: PathBuf,
    shown_dir: String,
    known: Known,
    /// `License-File` headers.
    license_files: Vec<String>,
}

impl Environments {
    /// Indexes `ROOT/.venv`, `ROOT/venv` and `virtual_env` (`$VIRTUAL_ENV`), in that order:
    /// the first copy of a distribution found is the one kept.
    pub fn read(root: &Path, virtual_env: Option<&Path>) -> Environments {
        let mut index = Environments::default();
        for name in [".venv", "venv"] {
            let env = root.join(name);
            if is_real_dir(&env) {
                index.add_environment(&env, root, "");
            }
        }
        if let Some(env) = virtual_env {
            index.add_environment(env, env, "$VIRTUAL_ENV");
        }
        index
    }

    /// Adds every distribution of the environment at `env`, shown relative to `base`.
    fn add_environment(&mut self, env: &Path, base: &Path, prefix: &str) {
        for site_packages in site_packages(env) {
            for (name, dir, kind) in entries(&site_packages) {
                if kind != EntryKind::Dir || !name.ends_with(".dist-info") {
                    continue;
                }
                let Some(bytes) = read_prefix(&dir.join("METADATA"), MAX_METADATA) else {
                    continue;
                };
                let Some(metadata) = Metadata::parse(&String::from_utf8_lossy(&bytes)) else {
                    continue;
                };
                let key_name = normalize_name(Ecosystem::Pypi, &metadata.name);
                let versions = versions(&metadata.version);
                let dist = Dist {
                    shown_dir: shown(base, prefix, &dir),
                    dir,
                    known: metadata.known(),
                    license_files: metadata.license_files,
                };
                for version in versions {
                    self.dists
                        .entry((key_name.clone(), version))
                        .or_insert_with(|| dist.clone());
                }
            }
        }
    }

    /// What is installed of `name` (normalized) `version`: its METADATA, then its license
    /// files when it declares no license.
    pub fn answers(&self, name: &str, version: &str) -> Vec<Answer> {
        let dist = self
            .dists
            .get(&(name.to_owned(), version.to_owned()))
            .or_else(|| {
                versions(version)
                    .into_iter()
                    .find_map(|v| self.dists.get(&(name.to_owned(), v)))
            });
        let Some(dist) = dist else {
            return Vec::new();
        };
        let mut found = vec![Answer {
            known: dist.known.clone(),
            origin: local(
                FactSource::PythonEnvironment,
                Some(format!("{}/METADATA", dist.shown_dir)),
            ),
        }];
        let declares = dist
            .known
            .license
            .as_deref()
            .is_some_and(|l| !l.trim().is_empty());
        if !declares {
            found.extend(license_text::answer(&dist.license_files()));
        }
        found
    }
}

impl Dist {
    /// The license files: those `License-File` names (in `licenses/`, as PEP 639 places them,
    /// else beside METADATA, as setuptools did before), else every license-named file in
    /// `licenses/` and beside METADATA.
    fn license_files(&self) -> Vec<LicenseFile> {
        let file = |path: PathBuf| LicenseFile {
            shown: shown(&self.dir, &self.shown_dir, &path),
            path,
        };
        let named: Vec<LicenseFile> = self
            .license_files
            .iter()
            .filter_map(|name| {
                [self.dir.join("licenses"), self.dir.clone()]
                    .iter()
                    .filter_map(|base| inside(base, name))
                    .find(|path| {
                        std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file())
                    })
            })
            .filter(|path| is_license_path(path))
            .take(MAX_LICENSE_FILES)
            .map(file)
            .collect();
        if !named.is_empty() {
            return named;
        }
        let mut found = Vec::new();
        let mut dirs = vec![(self.dir.join("licenses"), 0)];
        while let Some((dir, depth)) = dirs.pop() {
            for (_, path, kind) in entries(&dir) {
                match kind {
                    EntryKind::Dir if depth < MAX_LICENSE_DEPTH => dirs.push((path, depth + 1)),
                    EntryKind::File if is_license_path(&path) => found.push(path),
                    _ => {}
                }
            }
        }
        found.sort();
        found.extend(
            license_text::files_in(&self.dir, &self.shown_dir)
                .into_iter()
                .map(|f| f.path),
        );
        found
            .into_iter()
            .take(MAX_LICENSE_FILES)
            .map(file)
            .collect()
    }
}

/// Whether a file of a distribution is a license text: named as one (`LICENSE*`, `COPYING*`…)
/// or in a `LICENSES/` directory, as REUSE lays them out (`LICENSES/MIT.txt`). `NOTICE` and
/// `AUTHORS` files, which PEP 639 tools also collect, are not.
fn is_license_path(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if license_text::is_license_name(name) {
        return true;
    }
    let in_licenses_dir = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .is_some_and(|dir| {
            dir.eq_ignore_ascii_case("licenses") || dir.eq_ignore_ascii_case("licences")
        });
    let upper = name.to_ascii_uppercase();
    in_licenses_dir && !upper.starts_with("NOTICE") && !upper.starts_with("AUTHORS")
}

/// The `site-packages` directories of an environment.
fn site_packages(env: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for (name, path, kind) in entries(&env.join("lib")) {
        if kind == EntryKind::Dir && (name.starts_with("python") || name.starts_with("pypy")) {
            let site = path.join("site-packages");
            if is_real_dir(&site) {
                found.push(site);
            }
        }
    }
    let windows = env.join("Lib").join("site-packages");
    if is_real_dir(&windows) && !found.contains(&windows) {
        found.push(windows);
    }
    found
}

/// A version as written, and as PEP 440 normalizes it when that differs.
fn versions(version: &str) -> Vec<String> {
    let mut all = vec![version.to_owned()];
    if let Ok(parsed) = pep440_rs::Version::from_str(version) {
        let normalized = parsed.to_string();
        if normalized != version {
            all.push(normalized);
        }
    }
    all
}

/// The headers of a METADATA file that say something about the distribution.
#[derive(Debug, Default, PartialEq)]
struct Metadata {
    name: String,
    version: String,
    license_expression: Option<String>,
    /// `License`, unless it ran over several lines.
    license: Option<String>,
    classifiers: Vec<String>,
    /// `Project-URL` as label and URL.
    project_urls: Vec<(String, String)>,
    home_page: Option<String>,
    license_files: Vec<String>,
}

impl Metadata {
    /// Reads the headers; `None` without a name and a version.
    fn parse(text: &str) -> Option<Metadata> {
        let mut metadata = Metadata::default();
        for (key, value, continued) in headers(text) {
            let value = value.trim();
            match key.to_ascii_lowercase().as_str() {
                "name" => metadata.name = value.to_owned(),
                "version" => metadata.version = value.to_owned(),
                "license-expression" => metadata.license_expression = Some(value.to_owned()),
                "license" if !continued => metadata.license = Some(value.to_owned()),
                "classifier" => metadata.classifiers.push(value.to_owned()),
                "project-url" => {
                    if let Some((label, url)) = value.split_once(',') {
                        metadata
                            .project_urls
                            .push((label.trim().to_owned(), url.trim().to_owned()));
                    }
                }
                "home-page" => metadata.home_page = Some(value.to_owned()),
                "license-file" => metadata.license_files.push(value.to_owned()),
                _ => {}
            }
        }
        (!metadata.name.is_empty() && !metadata.version.is_empty()).then_some(metadata)
    }

    fn known(&self) -> Known {
        Known {
            found: true,
            license: Some(self.license()),
            repository: self.repository(),
            ..Known::default()
        }
    }

    /// As PyPI reads it: the expression, a short `License`, the classifiers; empty for none.
    fn license(&self) -> String {
        if let Some(expression) = self.license_expression.as_deref().map(str::trim) {
            if !expression.is_empty() {
                return expression.to_owned();
            }
        }
        if let Some(license) = self.license.as_deref().map(str::trim) {
            let a_name = !license.is_empty() && license.len() <= MAX_LICENSE_NAME;
            if a_name && !matches!(license, "UNKNOWN" | "LICENSE" | "LICENSE.txt") {
                return license.to_owned();
            }
        }
        from_classifiers(self.classifiers.iter().map(String::as_str)).unwrap_or_default()
    }

    /// A `Project-URL` for the source (labels normalized as the core metadata specification
    /// says: lower case, without punctuation or spaces), else a home page on a forge.
    fn repository(&self) -> Option<String> {
        const WANTED: [&str; 5] = ["source", "repository", "code", "sourcecode", "github"];
        let by_label = self.project_urls.iter().find_map(|(label, url)| {
            let label: String = label
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect();
            WANTED
                .contains(&label.as_str())
                .then(|| browsable(url))
                .flatten()
        });
        by_label.or_else(|| {
            self.home_page
                .as_deref()
                .and_then(browsable)
                .filter(|url| is_forge(url))
        })
    }
}

/// The headers of an email-header text, up to the first blank line: each key, its value
/// (continuation lines joined with `\n`), and whether it ran over several lines. Lines that
/// are not headers are skipped.
fn headers(text: &str) -> Vec<(&str, String, bool)> {
    let mut found: Vec<(&str, String, bool)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, value, continued)) = found.last_mut() {
                value.push('\n');
                value.push_str(line.trim());
                *continued = true;
            }
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            let key = key.trim();
            if !key.is_empty() && !key.contains(' ') {
                found.push((key, value.trim().to_owned(), false));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::installed::license_text::MIT;

    #[test]
    fn headers_continue_and_stop_at_the_body() {
        let text = "Metadata-Version: 2.1\nName: Foo.Bar\nVersion: 1.0\nLicense: Copyright\n  All rights\nClassifier: License :: OSI Approved :: MIT License\n\nLicense: body\n";
        let metadata = Metadata::parse(text).expect("parsed");
        assert_eq!(metadata.name, "Foo.Bar");
        assert_eq!(metadata.license, None);
        assert_eq!(metadata.known().license.as_deref(), Some("MIT"));
    }

    #[test]
    fn the_expression_wins_then_a_short_license_then_classifiers() {
        let text = "Name: a\nVersion: 1\nLicense: BSD\nLicense-Expression: MIT OR Apache-2.0\nClassifier: License :: OSI Approved :: ISC License (ISCL)\n";
        let metadata = Metadata::parse(text).expect("parsed");
        assert_eq!(metadata.license(), "MIT OR Apache-2.0");
        let text = "Name: a\nVersion: 1\nLicense: BSD-3-Clause\nClassifier: License :: OSI Approved :: ISC License (ISCL)\n";
        assert_eq!(
            Metadata::parse(text).expect("parsed").license(),
            "BSD-3-Clause"
        );
        let long = format!("Name: a\nVersion: 1\nLicense: {}\n", "x".repeat(200));
        assert_eq!(Metadata::parse(&long).expect("parsed").license(), "");
        assert_eq!(Metadata::parse("Name: a\n"), None);
        assert_eq!(Metadata::parse("garbage\u{0}\n\n"), None);
    }

    #[test]
    fn repository_from_project_urls_or_a_forge_home_page() {
        let text = "Name: a\nVersion: 1\nProject-URL: Documentation, https://a.rtfd.io\nProject-URL: Source Code, https://github.com/o/a\nHome-page: https://a.example\n";
        let metadata = Metadata::parse(text).expect("parsed");
        assert_eq!(
            metadata.repository().as_deref(),
            Some("https://github.com/o/a")
        );
        let text = "Name: a\nVersion: 1\nHome-page: https://gitlab.com/o/a\n";
        assert_eq!(
            Metadata::parse(text)
                .expect("parsed")
                .repository()
                .as_deref(),
            Some("https://gitlab.com/o/a")
        );
        let text = "Name: a\nVersion: 1\nHome-page: https://a.example\n";
        assert_eq!(Metadata::parse(text).expect("parsed").repository(), None);
    }

    #[test]
    fn license_files_are_license_named_or_in_a_licenses_directory() {
        for yes in [
            "a/LICENSE",
            "a/COPYING.LESSER",
            "a/licenses/Apache-2.0.txt",
            "LICENSES/MIT.txt",
        ] {
            assert!(is_license_path(Path::new(yes)), "{yes}");
        }
        for no in [
            "a/NOTICE",
            "a/licenses/NOTICE.txt",
            "a/licenses/AUTHORS.rst",
            "a/README",
        ] {
            assert!(!is_license_path(Path::new(no)), "{no}");
        }
    }

    #[test]
    fn environments_are_indexed_by_normalized_name_and_license_files_read() {
        let root = tempfile::tempdir().expect("temp dir");
        let dist = root
            .path()
            .join(".venv/lib/python3.12/site-packages/Foo_Bar-1.0.dist-info");
        std::fs::create_dir_all(dist.join("licenses/sub")).expect("mkdir");
        std::fs::write(dist.join("METADATA"), "Name: Foo_Bar\nVersion: 1.0\n").expect("write");
        std::fs::write(dist.join("licenses/sub/LICENSE"), MIT).expect("write");
        let envs = Environments::read(root.path(), None);
        let answers = envs.answers("foo-bar", "1.0");
        assert_eq!(answers.len(), 2);
        assert_eq!(
            answers[0].origin.file.as_deref(),
            Some(".venv/lib/python3.12/site-packages/Foo_Bar-1.0.dist-info/METADATA")
        );
        assert_eq!(answers[1].known.license.as_deref(), Some("MIT"));
        assert_eq!(
            answers[1].origin.file.as_deref(),
            Some(".venv/lib/python3.12/site-packages/Foo_Bar-1.0.dist-info/licenses/sub/LICENSE")
        );
        // 1.0 and 1.0.0 are one version to PEP 440 only when written alike; `1.0` is found
        // by its normalized spelling too.
        assert_eq!(envs.answers("foo-bar", "1.0.0").len(), 0);
        assert_eq!(envs.answers("foo-bar", "01.0").len(), 2);
    }
}
