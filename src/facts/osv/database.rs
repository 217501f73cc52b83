//! An offline OSV database: a directory of OSV records (`*.json`, in any layout), OSV's
//! per-ecosystem `all.zip` files (`{Ecosystem}/all.zip`, as `depgov facts fetch --osv` keeps
//! them), or a mix of both, read into an index by ecosystem and package. Records are parsed in
//! parallel; one that does not parse is skipped and counted, and the rest are used.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

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
    by_package: HashMap<(Ecosystem, String), Vec<Arc<Record>>>,
    /// Records read.
    pub records: usize,
    /// Files that were not OSV records.
    pub skipped: usize,
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
        let mut database = Database::default();
        for record in parse_all(texts, &mut database.skipped) {
            database.add(Arc::new(record));
        }
        Ok(database)
    }

    fn add(&mut self, record: Arc<Record>) {
        self.records += 1;
        let mut packages: Vec<(Ecosystem, String)> = record
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
        for key in packages {
            self.by_package
                .entry(key)
                .or_default()
                .push(Arc::clone(&record));
        }
    }

    /// The records that name `name` of `ecosystem` among the packages they affect, names
    /// compared as the ecosystem compares them (NuGet's and Packagist's without case).
    pub fn records_for(&self, ecosystem: Ecosystem, name: &str) -> &[Arc<Record>] {
        self.by_package
            .get(&(ecosystem, comparable_name(ecosystem, name)))
            .map_or(&[], Vec::as_slice)
    }
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
            let file = std::fs::File::open(path).map_err(|source| Error::Read {
                path: shown.clone(),
                source,
            })?;
            let mut archive =
                zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| Error::Parse {
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

/// The records among `texts`, parsed on every core; `skipped` counts those that are not.
fn parse_all(texts: Vec<Vec<u8>>, skipped: &mut usize) -> Vec<Record> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let chunk = texts.len().div_ceil(threads).max(1);
    let parsed: Vec<(Vec<Record>, usize)> = std::thread::scope(|scope| {
        let handles: Vec<_> = texts
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut records = Vec::with_capacity(part.len());
                    let mut bad = 0;
                    for text in part {
                        match serde_json::from_slice::<Record>(text) {
                            Ok(record) if !record.id.is_empty() => records.push(record),
                            _ => bad += 1,
                        }
                    }
                    (records, bad)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut out = Vec::new();
    for (records, bad) in parsed {
        out.extend(records);
        *skipped += bad;
    }
    out
}
