//! The OSV API and OSV's offline database, as google/osv.dev's `docs/api/` and `docs/data.md`
//! describe them, serving the records (ossf/osv-schema JSON) a test adds:
//!
//! - `POST /v1/querybatch` with `{queries: [{package: {ecosystem, name}, version, page_token?}]}`
//!   answers `{results: [{vulns: [{id, modified}], next_page_token?}]}` in request order: ids
//!   and modification times only, and no `vulns` key at all for a version nothing affects. At
//!   most 1,000 queries a request (more is a 400, as `maxBatchQueries` makes it); a query with
//!   more records than the page size gets a page of them and a `next_page_token` to ask again
//!   with;
//! - `GET /v1/vulns/{id}` answers the whole record (the id is case-sensitive), or a 404;
//! - `GET /{Ecosystem}/all.zip` answers the records affecting that ecosystem, one `{id}.json`
//!   each, as OSV's storage bucket serves them.
//!
//! osv.dev expands every range of a record into the versions it covers when it imports it, and
//! the fake, knowing no package's release history, matches only those: a record is listed for a
//! query when one of its `affected[]` entries names the package (PyPI names compared PEP 503
//! normalised, NuGet and Packagist ones without case) and lists the version in `versions[]`
//! (Go's without its `v`). The ranges are there for depgov's own matching of the offline
//! database.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;

use serde_json::{Value, json};

use super::{Reply, State, System};

/// OSV answers at most this many queries a request.
pub const BATCH: usize = 1000;

/// The records the fake serves, by id and by the packages they name, and how many it lists a
/// page.
pub(super) struct Osv {
    records: BTreeMap<String, Value>,
    /// The ids of the records naming each package (OSV ecosystem, comparable name).
    by_package: HashMap<(String, String), BTreeSet<String>>,
    pub page_size: usize,
}

impl Default for Osv {
    fn default() -> Osv {
        // osv.dev starts paging past 1,000 records for one query.
        Osv {
            records: BTreeMap::new(),
            by_package: HashMap::new(),
            page_size: 1000,
        }
    }
}

/// A name as OSV's ecosystem compares names.
fn comparable(ecosystem: &str, name: &str) -> String {
    match ecosystem {
        "PyPI" => System::Pypi.normalize(name),
        "NuGet" | "Packagist" => name.to_lowercase(),
        _ => name.to_owned(),
    }
}

/// A version as the ecosystem's records write it: Go's without the `v`.
fn comparable_version<'a>(ecosystem: &str, version: &'a str) -> &'a str {
    match ecosystem {
        "Go" => version.strip_prefix('v').unwrap_or(version),
        _ => version,
    }
}

/// The packages a record names, as the index keys them.
fn packages(record: &Value) -> impl Iterator<Item = (String, String)> + '_ {
    entries(record).filter_map(|affected| {
        let ecosystem = affected["package"]["ecosystem"].as_str()?;
        let name = affected["package"]["name"].as_str()?;
        Some((ecosystem.to_owned(), comparable(ecosystem, name)))
    })
}

impl Osv {
    /// Serves `record` from now on, in place of one with its id.
    pub fn add(&mut self, record: Value) {
        let id = record["id"].as_str().unwrap_or("").to_owned();
        if let Some(old) = self.records.remove(&id) {
            for key in packages(&old) {
                if let Some(ids) = self.by_package.get_mut(&key) {
                    ids.remove(&id);
                }
            }
        }
        for key in packages(&record) {
            self.by_package.entry(key).or_default().insert(id.clone());
        }
        self.records.insert(id, record);
    }

    /// The records listing `version` of the package.
    fn affecting(&self, ecosystem: &str, name: &str, version: &str) -> Vec<&Value> {
        let name = comparable(ecosystem, name);
        let version = comparable_version(ecosystem, version);
        let Some(ids) = self.by_package.get(&(ecosystem.to_owned(), name.clone())) else {
            return Vec::new();
        };
        ids.iter()
            .filter_map(|id| self.records.get(id))
            .filter(|record| {
                entries(record).any(|affected| {
                    let package = &affected["package"];
                    package["ecosystem"] == ecosystem
                        && comparable(ecosystem, package["name"].as_str().unwrap_or("")) == name
                        && affected["versions"].as_array().is_some_and(|versions| {
                            versions.iter().any(|listed| {
                                comparable_version(ecosystem, listed.as_str().unwrap_or(""))
                                    == version
                            })
                        })
                })
            })
            .collect()
    }
}

fn entries(record: &Value) -> impl Iterator<Item = &Value> {
    record["affected"].as_array().into_iter().flatten()
}

/// `POST /v1/querybatch`.
pub(super) fn querybatch(state: &State, body: &str) -> Reply {
    let invalid = |message: &str| Reply::json(400, &json!({"code": 3, "message": message}));
    let Ok(body) = serde_json::from_str::<Value>(body) else {
        return invalid("Invalid JSON payload received.");
    };
    let Some(queries) = body["queries"].as_array() else {
        return invalid("Invalid JSON payload received. Missing queries.");
    };
    if queries.len() > BATCH {
        return invalid("Too many queries.");
    }
    let osv = &state.osv;
    let mut results = Vec::with_capacity(queries.len());
    for query in queries {
        let text = |pointer: &str| query.pointer(pointer).and_then(Value::as_str);
        let (Some(ecosystem), Some(name), Some(version)) = (
            text("/package/ecosystem"),
            text("/package/name"),
            text("/version"),
        ) else {
            return invalid("Invalid query: a package and a version are needed.");
        };
        let start: usize = match text("/page_token").map(str::parse) {
            None => 0,
            Some(Ok(start)) => start,
            Some(Err(_)) => return invalid("Invalid page token."),
        };
        let affecting = osv.affecting(ecosystem, name, version);
        let page: Vec<Value> = affecting
            .iter()
            .skip(start)
            .take(osv.page_size)
            .map(|record| json!({"id": record["id"], "modified": record["modified"]}))
            .collect();
        let mut result = serde_json::Map::new();
        if !page.is_empty() {
            result.insert("vulns".to_owned(), Value::Array(page));
        }
        let next = start + osv.page_size;
        if next < affecting.len() {
            result.insert("next_page_token".to_owned(), json!(next.to_string()));
        }
        results.push(Value::Object(result));
    }
    Reply::json(200, &json!({ "results": results }))
}

/// `GET /v1/vulns/{id}`.
pub(super) fn vuln(state: &State, id: &str) -> Reply {
    match state.osv.records.get(id) {
        Some(record) => Reply::json(200, record),
        None => Reply::json(404, &json!({"code": 5, "message": "Bug not found."})),
    }
}

/// `GET /{Ecosystem}/all.zip`.
pub(super) fn archive(state: &State, ecosystem: &str) -> Reply {
    let records: Vec<&Value> = state
        .osv
        .records
        .values()
        .filter(|record| entries(record).any(|a| a["package"]["ecosystem"] == ecosystem))
        .collect();
    if records.is_empty() {
        return Reply::typed(
            404,
            "application/xml",
            "<Error><Code>NoSuchKey</Code></Error>".into(),
        );
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut bytes);
    for record in records {
        let name = format!("{}.json", record["id"].as_str().unwrap_or("record"));
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .expect("a zip member");
        zip.write_all(record.to_string().as_bytes())
            .expect("a zip member's bytes");
    }
    zip.finish().expect("a zip archive");
    Reply {
        status: 200,
        headers: vec![("content-type".to_owned(), "application/zip".to_owned())],
        body: bytes.into_inner(),
    }
}
