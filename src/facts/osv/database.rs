//! An offline OSV database: a directory of OSV records (`*.json`, in any layout), OSV's
//! per-ecosystem `all.zip` files (`{Ecosystem}/all.zip`, as `depgov facts fetch --osv` keeps
//! them), or a mix of both.
//!
//! A database holds records for every package of its ecosystems, and a repository uses few of
//! them. The first run on a database reads every record — files and archive members on every
//! core — for its id and the packages it names, and keeps where each record lies in the facts
//! cache ([`super::index`]); later runs read that index and, of the database, only the records
//! of the packages they look up, each parsed in full once. The index stays the database's
//! while every file of it has the path, size and times (and, on Unix, inode) it had when it was
//! read: a record changed, added or removed, and the database is read again. A record read back
//! must have the CRC-32 indexed; when it does not (the database changed during the run, or
//! without its times changing), its look-up fails, which the run reports, and the index is
//! forgotten — never a wrong answer. A file that is not an OSV record is skipped, and the rest
//! are used.

use std::borrow::Cow;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use serde::Deserialize;

use super::index::{Index, Location};
use super::matching::{comparable_name, osv_ecosystem};
use super::record::Record;
use crate::error::Error;
use crate::facts::cache::Cache;
use crate::model::Ecosystem;
use crate::model::facts::FactSource;
use crate::stable_hash::fnv1a;
use crate::util::paths::display_path;

/// Larger files (a record, or an archive) and archive members are not read.
const MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// The records of an offline database, found through its index.
#[derive(Debug)]
pub struct Database {
    /// The database's files, in the order the index numbers them.
    files: Vec<PathBuf>,
    index: Index,
    /// Each record, once read: `None` when its text is not a record after all, an error when
    /// it is not the text indexed.
    parsed: Vec<OnceLock<Result<Option<Arc<Record>>, String>>>,
    cache: Cache,
    /// The index's key in the cache.
    key: String,
}

/// A file of the database: a `.json` record or a `.zip` archive of them.
struct Listed {
    path: PathBuf,
    archive: bool,
    metadata: std::fs::Metadata,
}

/// What loading reads of a record: its id and the packages it names, borrowed from its text.
#[derive(Deserialize)]
struct Outline<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
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
    ecosystem: Cow<'a, str>,
    #[serde(borrow, default)]
    name: Cow<'a, str>,
}

impl Database {
    /// The database at `path` (a directory, or one `.zip` or `.json` file), through the index
    /// `cache` keeps of it, which is written when it is missing, damaged or outdated.
    pub fn open(path: &Path, cache: &Cache) -> Result<Database, Error> {
        let listed = list(path)?;
        let fingerprint = fingerprint(path, &listed);
        let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let key = format!("index:{}", absolute.to_string_lossy());
        let kept = cache
            .get_bytes(FactSource::OsvDatabase, &key)
            .and_then(|bytes| Index::decode(&bytes, &key, listed.len()))
            .filter(|index| index.fingerprint == fingerprint);
        let index = match kept {
            Some(index) => index,
            None => {
                let index = scan(&listed, fingerprint)?;
                // A database without files costs nothing to read: no index to keep.
                if !listed.is_empty() {
                    cache.put_bytes(FactSource::OsvDatabase, &key, &index.encode(&key));
                }
                index
            }
        };
        Ok(Database {
            files: listed.into_iter().map(|file| file.path).collect(),
            parsed: (0..index.records.len()).map(|_| OnceLock::new()).collect(),
            index,
            cache: cache.clone(),
            key,
        })
    }

    /// The records that name `name` of `ecosystem` among the packages they affect, names
    /// compared as the ecosystem compares them (NuGet's and Packagist's without case); an
    /// error when one of them is no longer what was indexed.
    pub fn records_for(
        &self,
        ecosystem: Ecosystem,
        name: &str,
    ) -> Result<Vec<Arc<Record>>, String> {
        let Some(numbers) = self
            .index
            .by_package
            .get(&(ecosystem, comparable_name(ecosystem, name)))
        else {
            return Ok(Vec::new());
        };
        numbers
            .iter()
            .filter_map(|&number| {
                let slot = self.parsed.get(usize::try_from(number).ok()?)?;
                slot.get_or_init(|| self.read(number)).clone().transpose()
            })
            .collect()
    }

    /// Reads the record at place `number` of the index.
    fn read(&self, number: u32) -> Result<Option<Arc<Record>>, String> {
        let location = usize::try_from(number)
            .ok()
            .and_then(|n| self.index.records.get(n));
        let path = location.and_then(|l| self.files.get(usize::try_from(l.file).ok()?));
        let (Some(location), Some(path)) = (location, path) else {
            return Err("the index names no such record".to_owned());
        };
        stored(path, location)
            .and_then(|bytes| {
                let text = text(location, &bytes)?;
                Ok(serde_json::from_slice::<Record>(&text).ok().map(Arc::new))
            })
            .map_err(|why| {
                // Read whole again on the next run.
                self.cache.forget_bytes(FactSource::OsvDatabase, &self.key);
                format!(
                    "{} changed while it was read ({why}); run again",
                    display_path(path)
                )
            })
    }
}

/// The bytes stored for the record at `location` in `path`.
fn stored(path: &Path, location: &Location) -> Result<Vec<u8>, String> {
    let len = usize::try_from(location.stored).map_err(|e| e.to_string())?;
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    file.seek(SeekFrom::Start(location.offset))
        .map_err(|e| e.to_string())?;
    let mut bytes = vec![0; len];
    file.read_exact(&mut bytes).map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// A record's text from its stored bytes, inflated if need be, with the CRC-32 indexed.
fn text<'a>(location: &Location, stored: &'a [u8]) -> Result<Cow<'a, [u8]>, String> {
    let text = if location.deflated {
        let size = usize::try_from(location.size).map_err(|e| e.to_string())?;
        // One output buffer of the size the archive gives: no window to set up, and a member
        // longer than it said is an error.
        let mut text = vec![0; size];
        let inflated = miniz_oxide::inflate::decompress_slice_iter_to_slice(
            &mut text,
            std::iter::once(stored),
            false,
            true,
        )
        .map_err(|status| format!("cannot inflate: {status:?}"))?;
        if inflated != size {
            return Err("shorter than its archive says".to_owned());
        }
        Cow::Owned(text)
    } else {
        Cow::Borrowed(stored)
    };
    if crc32fast::hash(&text) == location.crc {
        Ok(text)
    } else {
        Err("its checksum differs".to_owned())
    }
}

/// The database's files: `path` itself, or every `.json` and `.zip` file below it, links not
/// followed, in a fixed order.
fn list(path: &Path) -> Result<Vec<Listed>, Error> {
    let metadata = std::fs::metadata(path).map_err(|source| Error::Read {
        path: display_path(path),
        source,
    })?;
    if !metadata.is_dir() {
        return Ok(listed(path.to_path_buf(), Ok(metadata))
            .into_iter()
            .collect());
    }
    let mut found = Vec::new();
    find(path, &mut found, 0)?;
    // A directory of records is tens of thousands of files, each asked for its size and times
    // on every run: on every core.
    let metadata = crate::util::parallel::map(&found, |entry| entry.metadata());
    Ok(found
        .iter()
        .zip(metadata)
        .filter_map(|(entry, metadata)| listed(entry.path(), metadata))
        .collect())
}

/// The files below `dir` named as records or archives.
fn find(dir: &Path, found: &mut Vec<std::fs::DirEntry>, depth: usize) -> Result<(), Error> {
    if depth > 16 {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: display_path(dir),
        source,
    })?;
    let mut entries: Vec<_> = entries.filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            find(&entry.path(), found, depth + 1)?;
        } else if kind.is_file() && archive(&entry.path()).is_some() {
            found.push(entry);
        }
    }
    Ok(())
}

/// Whether `path` is named as an archive (`.zip`) or as a record (`.json`); `None` for
/// neither.
fn archive(path: &Path) -> Option<bool> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "json" => Some(false),
        "zip" => Some(true),
        _ => None,
    }
}

/// `path` as a file of the database, unless it is neither a record nor an archive, or too big
/// or gone.
fn listed(path: PathBuf, metadata: std::io::Result<std::fs::Metadata>) -> Option<Listed> {
    let metadata = metadata.ok()?;
    (metadata.len() <= MAX_FILE_BYTES).then_some(Listed {
        archive: archive(&path)?,
        path,
        metadata,
    })
}

/// What identifies the database's content without reading it: each file's path below `root`,
/// size and modification time, and on Unix its change time (which no tool sets back) and inode
/// (a file replaced by a rename).
fn fingerprint(root: &Path, listed: &[Listed]) -> u64 {
    let mut stamps = Vec::new();
    for file in listed {
        let relative = file.path.strip_prefix(root).unwrap_or(&file.path);
        stamps.extend(relative.as_os_str().as_encoded_bytes());
        stamps.push(0);
        stamps.extend(file.metadata.len().to_le_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let metadata = &file.metadata;
            for stamp in [
                metadata.mtime(),
                metadata.mtime_nsec(),
                metadata.ctime(),
                metadata.ctime_nsec(),
            ] {
                stamps.extend(stamp.to_le_bytes());
            }
            stamps.extend(metadata.ino().to_le_bytes());
        }
        #[cfg(not(unix))]
        {
            let modified = file.metadata.modified().ok();
            let since = modified.and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok());
            stamps.extend(since.unwrap_or_default().as_nanos().to_le_bytes());
        }
    }
    fnv1a(&stamps)
}

/// One record to read when the database is scanned.
enum Unread<'a> {
    /// A `.json` file, by its place in the listing.
    File(u32, &'a Path),
    /// An archive member, with its stored bytes.
    Member(Location, &'a [u8]),
}

/// Reads every record of the database into an index.
fn scan(listed: &[Listed], fingerprint: u64) -> Result<Index, Error> {
    // Archives are read whole: every member is read, and an archive is smaller than the
    // texts it holds.
    let mut archives = Vec::new();
    for (number, file) in (0u32..).zip(listed) {
        if file.archive {
            let bytes = std::fs::read(&file.path).map_err(|source| Error::Read {
                path: display_path(&file.path),
                source,
            })?;
            archives.push((number, file, bytes));
        }
    }
    let mut unread = Vec::new();
    for (number, file, bytes) in &archives {
        let members = members(*number, bytes).map_err(|e| Error::Parse {
            file: display_path(&file.path),
            line: None,
            message: format!("not a zip archive of OSV records: {e}"),
        })?;
        unread.extend(members.into_iter().filter_map(|location| {
            let start = usize::try_from(location.offset).ok()?;
            let end = start.checked_add(usize::try_from(location.stored).ok()?)?;
            Some(Unread::Member(location, bytes.get(start..end)?))
        }));
    }
    unread.extend(
        (0u32..)
            .zip(listed)
            .filter(|(_, file)| !file.archive)
            .map(|(number, file)| Unread::File(number, &file.path)),
    );
    let outlines = crate::util::parallel::map(&unread, |unread| {
        let (location, text) = match unread {
            Unread::File(number, path) => {
                let text = std::fs::read(path).ok()?;
                let len = u64::try_from(text.len()).ok()?;
                let location = Location {
                    file: *number,
                    offset: 0,
                    stored: len,
                    size: len,
                    deflated: false,
                    crc: crc32fast::hash(&text),
                };
                (location, Cow::Owned(text))
            }
            Unread::Member(location, stored) => (*location, text(location, stored).ok()?),
        };
        Some((location, outline(&text)?))
    });
    let mut index = Index {
        fingerprint,
        ..Index::default()
    };
    for (location, packages) in outlines.into_iter().flatten() {
        // A record of other ecosystems only is never looked up.
        if packages.is_empty() {
            continue;
        }
        let Ok(number) = u32::try_from(index.records.len()) else {
            break;
        };
        index.records.push(location);
        for key in packages {
            index.by_package.entry(key).or_default().push(number);
        }
    }
    Ok(index)
}

/// Where the `.json` members of the archive `bytes` (file `number` of the database) lie;
/// members compressed otherwise than deflated, encrypted or too big are left out.
fn members(number: u32, bytes: &[u8]) -> Result<Vec<Location>, zip::result::ZipError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    let mut members = Vec::new();
    for index in 0..archive.len() {
        let Ok(member) = archive.by_index_raw(index) else {
            continue;
        };
        let deflated = match member.compression() {
            zip::CompressionMethod::Stored => false,
            zip::CompressionMethod::Deflated => true,
            _ => continue,
        };
        let wanted = member.is_file() && member.name().ends_with(".json") && !member.encrypted();
        if wanted && member.size() <= MAX_FILE_BYTES {
            members.push(Location {
                file: number,
                offset: member.data_start(),
                stored: member.compressed_size(),
                size: member.size(),
                deflated,
                crc: member.crc32(),
            });
        }
    }
    Ok(members)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_outlines_skips_what_is_no_record_and_parses_a_record_when_looked_up() {
        let dir = tempfile::tempdir().unwrap();
        let cache_dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(Some(cache_dir.path()));
        let record = r#"{"id": "GHSA-1", "affected": [
            {"package": {"ecosystem": "NuGet", "name": "Contoso.Lib"}, "versions": ["1.0.0"]},
            {"package": {"ecosystem": "npm", "name": "left-pad"}, "versions": ["1.0.0"]},
            {"package": {"ecosystem": "Debian:12", "name": "openssl"}}]}"#;
        std::fs::write(dir.path().join("GHSA-1.json"), record).unwrap();
        std::fs::write(dir.path().join("not-a-record.json"), "[1, 2]").unwrap();
        std::fs::write(dir.path().join("no-id.json"), r#"{"id": ""}"#).unwrap();
        std::fs::write(dir.path().join("README.md"), "not read").unwrap();
        let database = Database::open(dir.path(), &cache).unwrap();
        assert_eq!(database.files.len(), 3);
        assert_eq!(database.index.records.len(), 1);
        assert!(
            database.parsed[0].get().is_none(),
            "parsed before any look-up"
        );
        let found = database
            .records_for(Ecosystem::Nuget, "contoso.lib")
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, "GHSA-1");
        assert!(Arc::ptr_eq(
            &found[0],
            &database.records_for(Ecosystem::Npm, "left-pad").unwrap()[0]
        ));
        assert!(
            database
                .records_for(Ecosystem::Npm, "Left-Pad")
                .unwrap()
                .is_empty()
        );

        // The index kept is the one a second opening uses.
        let again = Database::open(dir.path(), &cache).unwrap();
        assert_eq!(again.index, database.index);
    }

    #[test]
    fn a_record_changed_since_it_was_indexed_is_an_error_and_the_index_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let cache_dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(Some(cache_dir.path()));
        let record = |id: &str| {
            format!(
                r#"{{"id": "{id}", "affected": [{{"package": {{"ecosystem": "npm", "name": "left-pad"}}}}]}}"#
            )
        };
        std::fs::write(dir.path().join("GHSA-1.json"), record("GHSA-1")).unwrap();
        let database = Database::open(dir.path(), &cache).unwrap();
        assert!(
            cache
                .get_bytes(FactSource::OsvDatabase, &database.key)
                .is_some()
        );
        std::fs::write(dir.path().join("GHSA-1.json"), record("GHSA-2")).unwrap();
        let error = database
            .records_for(Ecosystem::Npm, "left-pad")
            .unwrap_err();
        assert!(error.contains("changed while it was read"), "{error}");
        assert!(
            cache
                .get_bytes(FactSource::OsvDatabase, &database.key)
                .is_none()
        );
    }
}
