//! The facts cache: one small JSON file per source and package version, under
//! `CACHE_DIR/facts/v1/SOURCE/`, written atomically (a temporary file renamed into place), so
//! that concurrent runs and a run killed mid-write never leave a torn entry. An entry that
//! cannot be read — damaged, from another version of depgov, for another key — is a miss.
//!
//! A source may also keep one binary file per key ([`Cache::get_bytes`]): the offline OSV
//! database's index. It is written the same way; its payload names its key and checks itself.
//!
//! Each entry records when it was fetched; facts in it stay fresh as long as their kind allows
//! ([`Freshness`]). Offline, every entry counts, however old: an air-gapped runner uses the
//! cache another machine filled (`depgov facts fetch`).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::known::Known;
use crate::model::facts::FactSource;
use crate::stable_hash::fnv1a;

/// The cache, or no cache when depgov has nowhere to keep one.
#[derive(Clone, Debug)]
pub struct Cache {
    root: Option<PathBuf>,
}

/// What the cache holds for one key: by default what a source knows of a package version
/// ([`Known`]); other payloads (OSV's answers and records) go through [`Cache::get_as`].
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry<T = Known> {
    /// The key it was stored under: a hash collision or a stray file is not taken for it.
    pub key: String,
    /// When the source answered (RFC 3339).
    pub fetched: String,
    pub known: T,
}

/// How fresh an entry is for the facts in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Young enough for every fact.
    Fresh,
    /// Too old for deprecation and yank flags, young enough for the rest.
    FlagsStale,
    /// Too old for anything (online; offline an entry is never stale).
    Stale,
}

impl Cache {
    /// The cache under `dir`; none when `dir` is `None`.
    pub fn new(dir: Option<&Path>) -> Cache {
        Cache {
            root: dir.map(|dir| dir.join("facts").join("v1")),
        }
    }

    /// Where `key` of `source` is kept: a `.json` entry, or a `.bin` file of bytes.
    fn path(&self, source: FactSource, key: &str, extension: &str) -> Option<PathBuf> {
        let hash = format!("{:016x}", fnv1a(key.as_bytes()));
        let source = serde_json::to_value(source).ok()?;
        Some(
            self.root
                .as_ref()?
                .join(source.as_str()?)
                .join(&hash[..2])
                .join(format!("{hash}.{extension}")),
        )
    }

    /// The entry for `key`, if the cache holds a readable one.
    pub fn get(&self, source: FactSource, key: &str) -> Option<Entry> {
        self.get_as(source, key)
    }

    /// The entry for `key` holding a `T`, if the cache holds a readable one.
    pub fn get_as<T: DeserializeOwned>(&self, source: FactSource, key: &str) -> Option<Entry<T>> {
        let bytes = std::fs::read(self.path(source, key, "json")?).ok()?;
        let entry: Entry<T> = serde_json::from_slice(&bytes).ok()?;
        (entry.key == key).then_some(entry)
    }

    /// Stores what `source` answered for `key` now. A cache that cannot be written is no
    /// error: the run goes on without it.
    pub fn put(&self, source: FactSource, key: &str, known: &Known) {
        self.put_as(source, key, known);
    }

    /// Stores a `T` that `source` answered for `key` now.
    pub fn put_as<T: Serialize>(&self, source: FactSource, key: &str, known: &T) {
        let entry = Entry {
            key: key.to_owned(),
            fetched: now(),
            known,
        };
        if let Ok(bytes) = serde_json::to_vec(&entry) {
            write(self.path(source, key, "json"), &bytes);
        }
    }

    /// The bytes kept for `key` of `source`, if any; the caller checks that they are whole and
    /// for `key`.
    pub fn get_bytes(&self, source: FactSource, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.path(source, key, "bin")?).ok()
    }

    /// Keeps `bytes` for `key` of `source`, replacing what was kept.
    pub fn put_bytes(&self, source: FactSource, key: &str, bytes: &[u8]) {
        write(self.path(source, key, "bin"), bytes);
    }

    /// Forgets the bytes kept for `key` of `source`.
    pub fn forget_bytes(&self, source: FactSource, key: &str) {
        if let Some(path) = self.path(source, key, "bin") {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Writes `bytes` at `path` through a temporary file renamed into place. A cache that cannot
/// be written is no error: the run goes on without it.
fn write(path: Option<PathBuf>, bytes: &[u8]) {
    let Some(path) = path else { return };
    let Some(dir) = path.parent() else { return };
    if std::fs::create_dir_all(dir).is_err() {
        return;
    }
    if let Ok(mut file) = tempfile::NamedTempFile::new_in(dir) {
        use std::io::Write;
        if file.write_all(bytes).is_ok() {
            let _ = file.persist(&path);
        }
    }
}

impl<T> Entry<T> {
    /// How fresh the entry is, given how long each kind of fact stays fresh.
    pub fn freshness(&self, license_max_age: Duration, flags_max_age: Duration) -> Freshness {
        let age = DateTime::parse_from_rfc3339(&self.fetched)
            .ok()
            .and_then(|fetched| {
                SystemTime::now()
                    .duration_since(SystemTime::from(fetched))
                    .ok()
            })
            .unwrap_or(Duration::MAX);
        if age <= flags_max_age {
            Freshness::Fresh
        } else if age <= license_max_age {
            Freshness::FlagsStale
        } else {
            Freshness::Stale
        }
    }
}

/// Now, as RFC 3339 in UTC.
pub fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}
