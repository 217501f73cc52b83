//! An offline OSV database: a directory of OSV records (`*.json`, in any layout), OSV's
//! per-ecosystem `all.zip` files (`{Ecosystem}/all.zip`, as `depgov facts fetch --osv` keeps
//! them), or a mix of both, read into an index by ecosystem and package.
//!
//! A database holds records for every package of its ecosystems, and a repository uses few of
//! them: loading reads only each record's id and the packages it names (in parallel, without
//! building the record), and keeps its text; a record is parsed in full the first time a
//! package it names is looked up. A file that is not an OSV record is skipped and counted, and
//! the rest are used.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use super::matching::{comparable_name, osv_ecosystem};
use super::record::Record;
use crate::error::Error;
use crate::model::Ecosystem;
use crate::util::paths::display_path;

/// Larger files (a record, or an archive) are not read.
const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// The records of an offline database, by the ecosystem and package they affect.
#[derive(Debug, Default)]
pub struct Database {
    /// Indexes into `texts`.
    by_package: HashMap<(Ecosystem, String), Vec<usize>>,
    /// Each record's text, until it is parsed.
    texts: Vec<Box<[u8]>>,
    /// Each record, once parsed (`None`: its text is not a record after all).
    parsed: Vec<OnceLock<Option<Arc<Record>>>>,
    /// Files that were not OSV records.
    pub skipped: usize,
}

/// What loading reads of a record: its id and the packages it names, borrowed from its text.
#[derive(Deserialize)]
struct Outline<'a> {
    #[serde(borrow)]
    id: std::borrow::Cow<'a, str>,
    #[serde(borrow, default)]
    affected: Vec<OutlineAffected<'a>>,
}

#[derive(Deserialize)]
struct OutlineAffected<'a> {
    #[serde(borrow, default)]
    package: Option<OutlinePackage<'a>>,
}

#[derive(Deserialize)]
struct OutlinePackage<'a> {
    #[serde(borrow, default)]
    ecosystem: std::borrow::Cow<'a, str>,
    #[serde(borrow, default)]
    name: std::borrow::Cow<'a, str>,
}

impl Database {
    /// Reads the database at `path`: a directory, or one `.zip` or `.json` file.
    pub fn load(path: &Path) -> Result<Database, Error> {
        let shown = display_path(path);
        let metadata = std::fs::metadata(path).map_err(|source| Error::Read {
            path: shown.clone(),
            source,
        })?;
        let mut texts: Vec<Vec<u8>> = Vec::new();
        if metadata.is_dir() {
            collect_dir(path, &mut texts, 0)?;
        } else {
            collect_file(path, &mut texts)?;
        }
        let outlines = {
            let view: Vec<&[u8]> = texts.iter().map(Vec::as_slice).collect();
            outline_all(&view)
        };
        let mut database = Database::default();
        for (text, packages) in texts.into_iter().zip(outlines) {
            let Some(packages) = packages else {
                database.skipped += 1;
                continue;
            };
            let index = database.texts.len();
            for key in packages {
                database.by_package.entry(key).or_default().push(index);
            }
            database.texts.push(text.into_boxed_slice());
        }
        database.parsed = (0..database.texts.len()).map(|_| OnceLock::new()).collect();
        Ok(database)
    }

    /// The records that name `name` of `ecosystem` among the packages they affect, names
    /// compared as the ecosystem compares them (NuGet's and Packagist's without case).
    pub fn records_for(&self, ecosystem: Ecosystem, name: &str) -> Vec<Arc<Record>> {
        let Some(indexes) = self
            .by_package
            .get(&(ecosystem, comparable_name(ecosystem, name)))
        else {
            return Vec::new();
        };
        indexes
            .iter()
            .filter_map(|&index| {
                let parsed = self.parsed.get(index)?.get_or_init(|| {
                    let text = self.texts.get(index)?;
                    serde_json::from_slice::<Record>(text).ok().map(Arc::new)
                });
                parsed.clone()
            })
            .collect()
    }
}

/// The packages (depgov's ecosystem, comparable name) a record names, each once; `None` for a
/// text that is not an OSV record.
fn outline(text: &[u8]) -> Option<Vec<(Ecosystem, String)>> {
    let outline: Outline = serde_json::from_slice(text).ok()?;
    if outline.id.is_empty() {
        return None;
    }
    let mut packages: Vec<(Ecosystem, String)> = outline
        .affected
        .iter()
        .filter_map(|affected| {
            let package = affected.package.as_ref()?;
            let ecosystem = Ecosystem::ALL
                .into_iter()
                .find(|e| osv_ecosystem(*e) == package.ecosystem)?;
            Some((ecosystem, comparable_name(ecosystem, &package.name)))
        })
        .collect();
    packages.sort();
    packages.dedup();
    Some(packages)
}

/// Every `.json` and `.zip` file below `dir`, links not followed.
fn collect_dir(dir: &Path, texts: &mut Vec<Vec<u8>>, depth: usize) -> Result<(), Error> {
    if depth > 16 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: display_path(dir),
        source,
    })?;
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    paths.sort_by_key(|e| e.file_name());
    for entry in paths {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            collect_dir(&path, texts, depth + 1)?;
        } else if kind.is_file() {
            collect_file(&path, texts)?;
        }
    }
    Ok(())
}

/// A `.json` record, or the records of a `.zip` archive; other files are ignored.
fn collect_file(path: &Path, texts: &mut Vec<Vec<u8>>) -> Result<(), Error> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let shown = display_path(path);
    let too_big = std::fs::metadata(path).is_ok_and(|m| m.len() > MAX_FILE_BYTES);
    match extension.as_deref() {
        _ if too_big => Ok(()),
        Some("json") => {
            if let Ok(bytes) = std::fs::read(path) {
                texts.push(bytes);
            }
            Ok(())
        }
        Some("zip") => {
            // Read whole: every member is read anyway, and the archive is smaller than the texts
            // it holds. Through a buffered file, each member's seek would discard the buffer
            // and read it again.
            let bytes = std::fs::read(path).map_err(|source| Error::Read {
                path: shown.clone(),
                source,
            })?;
            let mut archive =
                zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| Error::Parse {
                    file: shown.clone(),
                    line: None,
                    message: format!("not a zip archive of OSV records: {e}"),
                })?;
            for index in 0..archive.len() {
                let Ok(mut member) = archive.by_index(index) else {
                    continue;
                };
                if !member.is_file() || !member.name().ends_with(".json") {
                    continue;
                }
                if member.size() > MAX_FILE_BYTES {
                    continue;
                }
                let mut bytes = Vec::with_capacity(usize::try_from(member.size()).unwrap_or(0));
                if member.read_to_end(&mut bytes).is_ok() {
                    texts.push(bytes);
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The outline of each of `texts`, in order, read on every core.
fn outline_all(texts: &[&[u8]]) -> Vec<Option<Vec<(Ecosystem, String)>>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = texts.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = texts
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|t| outline(t)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_outlines_skips_what_is_no_record_and_parses_a_record_when_looked_up() {
        let dir = tempfile::tempdir().unwrap();
        let record = r#"{"id": "GHSA-1", "affected": [
            {"package": {"ecosystem": "NuGet", "name": "Contoso.Lib"}, "versions": ["1.0.0"]},
            {"package": {"ecosystem": "npm", "name": "left-pad"}, "versions": ["1.0.0"]},
            {"package": {"ecosystem": "Debian:12", "name": "openssl"}}]}"#;
        std::fs::write(dir.path().join("GHSA-1.json"), record).unwrap();
        std::fs::write(dir.path().join("not-a-record.json"), "[1, 2]").unwrap();
        std::fs::write(dir.path().join("no-id.json"), r#"{"id": ""}"#).unwrap();
        std::fs::write(dir.path().join("README.md"), "not read").unwrap();
        let database = Database::load(dir.path()).unwrap();
        assert_eq!(database.skipped, 2);
        assert_eq!(database.texts.len(), 1);
        assert!(
            database.parsed[0].get().is_none(),
            "parsed before any look-up"
        );
        let found = database.records_for(Ecosystem::Nuget, "contoso.lib");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "GHSA-1");
        assert!(Arc::ptr_eq(
            &found[0],
            &database.records_for(Ecosystem::Npm, "left-pad")[0]
        ));
        assert!(database.records_for(Ecosystem::Npm, "Left-Pad").is_empty());
    }
}
