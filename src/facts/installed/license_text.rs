//! License files of installed packages (`LICENSE`, `LICENCE`, `COPYING`…), recognised by their
//! text with the `spdx` crate's detection (askalono's, over the SPDX license list, with the
//! store built into the crate): a file's text is scored against every license, and the best
//! match counts only at or above [`THRESHOLD`]; the score is recorded as the fact's
//! confidence. Files larger than [`MAX_FILE`] are not read. Scoring a text takes milliseconds
//! (every license of the store is compared), so it is done only for packages whose metadata
//! declares no license, and each distinct text once a run.
//!
//! A package with several license files gets a license only when every one is recognised:
//! their licenses joined with `AND`, the lowest score as the confidence. A package that ships
//! two license texts may offer either (`OR`) or need both (`AND`); the files do not say which,
//! and `AND` is the reading that never allows more than the package does. A file that is not
//! recognised leaves the license unknown rather than half-known.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use spdx::detection::{Store, TextData};

use super::{EntryKind, entries, read_bounded};
use crate::facts::known::{Answer, Known, local};
use crate::model::facts::FactSource;

/// The lowest score a license text must reach to count (0 to 1).
pub const THRESHOLD: f32 = 0.95;

/// License files larger than this are not read (bytes).
pub const MAX_FILE: u64 = 256 * 1024;

/// At most this many license files of one package are scored.
const MAX_FILES: usize = 8;

/// A license file, and how reports show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LicenseFile {
    pub path: PathBuf,
    pub shown: String,
}

/// The store of license texts, loaded once, when a first text is scored; `None` if the
/// crate's store cannot be read (then nothing is recognised).
fn store() -> Option<&'static Store> {
    static STORE: OnceLock<Option<Store>> = OnceLock::new();
    STORE.get_or_init(|| Store::load_inline().ok()).as_ref()
}

/// Texts already scored in this run, with their result: packages of one author or
/// organisation often ship the very same file (every `golang.org/x/` module's LICENSE), and
/// scoring one costs milliseconds.
const MAX_REMEMBERED: usize = 4096;

/// [`recognise`], remembering each distinct text's result for the rest of the run.
fn recognise_once(text: &str) -> Option<(String, f32)> {
    type Seen = Mutex<HashMap<String, Option<(String, f32)>>>;
    static SEEN: OnceLock<Seen> = OnceLock::new();
    let seen = SEEN.get_or_init(Seen::default);
    let lock = || seen.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(known) = lock().get(text) {
        return known.clone();
    }
    let found = recognise(text);
    let mut remembered = lock();
    if remembered.len() < MAX_REMEMBERED {
        remembered.insert(text.to_owned(), found.clone());
    }
    found
}

/// The license `text` is, with the match's score, when it reaches [`THRESHOLD`].
pub fn recognise(text: &str) -> Option<(String, f32)> {
    if text.trim().is_empty() {
        return None;
    }
    let found = store()?.analyze(&TextData::new(text));
    (found.score >= THRESHOLD && found.score.is_finite())
        .then(|| (found.name.to_owned(), found.score.min(1.0)))
}

/// Whether a file name is a license file's: `LICENSE*`, `LICENCE*`, `COPYING*`,
/// `UNLICENSE*`, in any case.
pub fn is_license_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["license", "licence", "copying", "unlicense"]
        .iter()
        .any(|start| lower.starts_with(start))
}

/// The license files directly in `dir` (regular files, not links), sorted, each shown as
/// `shown_dir/NAME`.
pub fn files_in(dir: &Path, shown_dir: &str) -> Vec<LicenseFile> {
    entries(dir)
        .into_iter()
        .filter(|(name, _, kind)| *kind == EntryKind::File && is_license_name(name))
        .take(MAX_FILES)
        .map(|(name, path, _)| LicenseFile {
            path,
            shown: format!("{shown_dir}/{name}"),
        })
        .collect()
}

/// What `files` say, read and recognised: one answer from [`FactSource::LicenseText`] when
/// every file is recognised, else none.
pub fn answer(files: &[LicenseFile]) -> Option<Answer> {
    if files.is_empty() {
        return None;
    }
    let mut licenses: Vec<String> = Vec::new();
    let mut confidence = 1.0_f32;
    for file in files.iter().take(MAX_FILES) {
        let bytes = read_bounded(&file.path, MAX_FILE)?;
        let (license, score) = recognise_once(&String::from_utf8_lossy(&bytes))?;
        confidence = confidence.min(score);
        if !licenses.contains(&license) {
            licenses.push(license);
        }
    }
    let shown: Vec<&str> = files
        .iter()
        .take(MAX_FILES)
        .map(|f| f.shown.as_str())
        .collect();
    Some(Answer {
        known: Known {
            found: true,
            license: Some(licenses.join(" AND ")),
            license_confidence: Some(confidence),
            ..Known::default()
        },
        origin: local(FactSource::LicenseText, Some(shown.join(", "))),
    })
}

/// The file a package's license field points at instead of naming a license: npm's
/// `SEE LICENSE IN <file>` (also written `SEE LICENCE IN`).
pub fn pointed_at(declared: &str) -> Option<&str> {
    let declared = declared.trim();
    let upper = declared.to_ascii_uppercase();
    for start in ["SEE LICENSE IN ", "SEE LICENCE IN "] {
        if upper.starts_with(start) {
            let file = declared.get(start.len()..)?.trim();
            return (!file.is_empty()).then_some(file);
        }
    }
    None
}

/// The MIT license's text, for the tests of every tree.
#[cfg(test)]
pub(crate) const MIT: &str = "MIT License

Copyright (c) 2024 Someone

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the \"Software\"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mit_text_is_recognised_with_its_score() {
        let (license, score) = recognise(MIT).expect("MIT is recognised");
        assert_eq!(license, "MIT");
        assert!((THRESHOLD..=1.0).contains(&score), "{score}");
    }

    #[test]
    fn a_near_miss_is_no_answer() {
        // MIT with the end of its disclaimer cut away: MIT is still its best match.
        let cut = MIT.find("NONINFRINGEMENT").expect("MIT's disclaimer");
        let text = format!("{}NONINFRINGEMENT.\n", &MIT[..cut]);
        let best = store().expect("store").analyze(&TextData::new(&text));
        assert_eq!(best.name, "MIT");
        assert!(best.score > 0.7 && best.score < THRESHOLD, "{}", best.score);
        assert_eq!(recognise(&text), None);
    }

    #[test]
    fn text_that_is_no_license_is_not_recognised() {
        assert_eq!(recognise(""), None);
        assert_eq!(
            recognise("Copyright 2024 Someone. All rights reserved."),
            None
        );
        assert_eq!(recognise("\u{0}\u{1}garbage\u{fffd}"), None);
    }

    #[test]
    fn every_file_must_be_recognised() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("LICENSE"), MIT).expect("write");
        std::fs::write(
            dir.path().join("LICENSE-THIRD-PARTY"),
            "bundled: see each file",
        )
        .expect("write");
        std::fs::write(dir.path().join("README"), "hello").expect("write");
        let files = files_in(dir.path(), "pkg");
        let names: Vec<&str> = files.iter().map(|f| f.shown.as_str()).collect();
        assert_eq!(names, ["pkg/LICENSE", "pkg/LICENSE-THIRD-PARTY"]);
        assert!(answer(&files).is_none());
        let found = answer(&files[..1]).expect("MIT alone");
        assert_eq!(found.known.license.as_deref(), Some("MIT"));
        assert_eq!(found.origin.source, FactSource::LicenseText);
        assert_eq!(found.origin.file.as_deref(), Some("pkg/LICENSE"));
    }

    #[test]
    fn large_files_are_not_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut text = MIT.to_owned();
        while (text.len() as u64) <= MAX_FILE {
            text.push_str(MIT);
        }
        std::fs::write(dir.path().join("LICENSE"), text).expect("write");
        assert!(answer(&files_in(dir.path(), "pkg")).is_none());
    }

    #[test]
    fn pointers_to_a_file_are_read() {
        assert_eq!(pointed_at("SEE LICENSE IN LICENSE.md"), Some("LICENSE.md"));
        assert_eq!(
            pointed_at("see licence in docs/terms.txt"),
            Some("docs/terms.txt")
        );
        assert_eq!(pointed_at("SEE LICENSE IN "), None);
        assert_eq!(pointed_at("MIT"), None);
    }
}
