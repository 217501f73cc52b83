//! `depgov facts fetch --osv`: OSV's database for the ecosystems a repository uses, downloaded
//! (`{Ecosystem}/all.zip`) into the cache, where offline runs find it. An answer that is not a
//! zip archive is refused, and the archive already there kept. The archives are indexed
//! right away ([`index`]), so that the first offline run does not pay for it.

use std::path::Path;
use std::time::Duration;

use super::database::Database;
use super::matching::osv_ecosystem;
use crate::error::Error;
use crate::facts::cache::Cache;
use crate::facts::config::{Config, osv_download_dir};
use crate::model::Ecosystem;
use crate::model::facts::Endpoint;
use crate::net::http::{Http, Request};
use crate::net::retry::{Backoff, Repeat};
use crate::net::throttle::Pace;

/// OSV's largest per-ecosystem archives are hundreds of megabytes.
const MAX_ARCHIVE_BYTES: usize = 2 * 1024 * 1024 * 1024;

/// What downloading one ecosystem's archive gave.
pub struct Downloaded {
    pub ecosystem: &'static str,
    /// Its size, or why it could not be had.
    pub result: Result<usize, String>,
}

/// Downloads the archive of each of `ecosystems` into the cache directory.
pub fn fetch(config: &Config, cache_dir: &Path, ecosystems: &[Ecosystem]) -> Vec<Downloaded> {
    let backoff = Backoff {
        // A large archive takes a while to arrive.
        timeout: config.backoff.timeout.max(Duration::from_secs(600)),
        ..config.backoff
    };
    let runtime = match crate::net::runtime() {
        Ok(runtime) => runtime,
        Err(error) => {
            return ecosystems
                .iter()
                .map(|e| Downloaded {
                    ecosystem: osv_ecosystem(*e),
                    result: Err(error.clone()),
                })
                .collect();
        }
    };
    let http = match Http::new(&config.user_agent, backoff, Pace::default()) {
        Ok(http) => http.taking_up_to(MAX_ARCHIVE_BYTES),
        Err(message) => {
            return ecosystems
                .iter()
                .map(|e| Downloaded {
                    ecosystem: osv_ecosystem(*e),
                    result: Err(message.clone()),
                })
                .collect();
        }
    };
    let base = config.url(Endpoint::OsvDatabase);
    ecosystems
        .iter()
        .map(|ecosystem| {
            let name = osv_ecosystem(*ecosystem);
            let url = format!("{base}/{name}/all.zip");
            let result = runtime
                .block_on(http.send(&Request::get(url), Repeat::Safe, &[]))
                .map_err(|failure| failure.message)
                .and_then(|answer| {
                    readable(&answer.body)?;
                    let dir = osv_download_dir(cache_dir).join(name);
                    store(&dir, &answer.body).map(|()| answer.body.len())
                });
            Downloaded {
                ecosystem: name,
                result,
            }
        })
        .collect()
}

/// Indexes the database downloaded into the cache directory, if any, as an offline run would.
pub fn index(cache_dir: &Path) -> Result<(), Error> {
    let dir = osv_download_dir(cache_dir);
    if !dir.is_dir() {
        return Ok(());
    }
    Database::open(&dir, &Cache::new(Some(cache_dir))).map(|_| ())
}

/// Whether `bytes` are a zip archive: a proxy's or portal's page answered with 200 must not
/// replace the archive already in the cache, nor make every offline run's database unreadable.
fn readable(bytes: &[u8]) -> Result<(), String> {
    zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map(|_| ())
        .map_err(|e| format!("the answer is not a zip archive ({e}); nothing was replaced"))
}

/// Writes `all.zip` into `dir` atomically: a run reading the database never sees half of it.
fn store(dir: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    file.write_all(bytes)
        .map_err(|e| format!("cannot write in {}: {e}", dir.display()))?;
    file.persist(dir.join("all.zip"))
        .map(|_| ())
        .map_err(|e| format!("cannot write {}: {e}", dir.join("all.zip").display()))
}
