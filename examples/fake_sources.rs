//! The fake package-data services of the tests (`tests/it/common/fake_sources/`), standalone,
//! for `bench/facts.sh` and `bench/osv.sh`: deps.dev, the npm registry, PyPI, crates.io and
//! OSV on one base URL, knowing the package versions of a catalogue and the OSV records of
//! OSV_DIR (every `*.json` in it, when given), each answer DELAY_MS late (default 0). Prints the
//! base URL on a line of its own and serves until it is killed. `GET /_fake/counts` gives the
//! requests to each service so far, `POST /_fake/forget` forgets them. Point depgov at it with
//!
//! ```text
//! DEPGOV_DEPSDEV_URL=BASE DEPGOV_PYPI_URL=BASE DEPGOV_CRATES_URL=BASE DEPGOV_OSV_URL=BASE
//! DEPGOV_NPM_URL=BASE/npm DEPGOV_CRATES_INDEX_URL=BASE/index
//! ```
//!
//! The catalogue is a JSON file: either a list of package versions, each
//! `{"system": "npm", "name": …, "version": …, "license": …, "published": "2024-01-01T00:00:00Z",
//! "deprecated": …, "yanked": …, "repository": …}` (every key but the first three optional),
//! or the report of `depgov inventory --format json`, whose components are all known, each
//! with its recorded license (else MIT), a publish date and a repository.
//!
//! usage: fake_sources CATALOGUE.json [DELAY_MS] [OSV_DIR]

// A tool the bench scripts run: standard output and error are its interface.
#![allow(clippy::disallowed_macros)]

// The example uses a small part of the fake; the tests use all of it.
#[allow(dead_code)]
#[path = "../tests/it/common/fake_sources/mod.rs"]
mod fake_sources;
#[allow(dead_code)]
#[path = "../tests/it/common/http_request.rs"]
mod http_request;

use std::time::Duration;

use fake_sources::{FakeSources, Fault, Package, Route, System};
use serde_json::Value;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: fake_sources CATALOGUE.json [DELAY_MS] [OSV_DIR]");
        std::process::exit(2);
    };
    let delay: u64 = match args.get(1).map(|text| text.parse()) {
        None => 0,
        Some(Ok(ms)) => ms,
        Some(Err(_)) => {
            eprintln!("fake_sources: DELAY_MS must be a whole number");
            std::process::exit(2);
        }
    };
    let catalogue: Value = match std::fs::read(path)
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
    {
        Ok(value) => value,
        Err(error) => {
            eprintln!("fake_sources: {path}: {error}");
            std::process::exit(2);
        }
    };
    let packages: Vec<Package> = match &catalogue {
        Value::Array(items) => items.iter().filter_map(listed).collect(),
        report => report["components"]
            .as_array()
            .map(|components| components.iter().filter_map(component).collect())
            .unwrap_or_default(),
    };
    let records = match args.get(2).map(|dir| osv_records(dir)).transpose() {
        Ok(records) => records.unwrap_or_default(),
        Err(error) => {
            eprintln!("fake_sources: {error}");
            std::process::exit(2);
        }
    };
    let fake = FakeSources::start();
    let count = packages.len();
    for package in packages {
        fake.add(package);
    }
    let advisories = records.len();
    for record in records {
        fake.add_osv(record);
    }
    if delay > 0 {
        for route in [
            Route::DepsDevBatch,
            Route::DepsDevVersion,
            Route::Npm,
            Route::NpmPrivate,
            Route::Pypi,
            Route::CratesIndex,
            Route::CratesApi,
            Route::OsvBatch,
            Route::OsvVuln,
        ] {
            fake.always(route, Fault::Delay(Duration::from_millis(delay)));
        }
    }
    println!("{}", fake.base());
    eprintln!(
        "fake_sources: {count} package versions, {advisories} OSV records, answers {delay} ms late"
    );
    loop {
        std::thread::park();
    }
}

/// The OSV records of the `*.json` files in `dir`.
fn osv_records(dir: &str) -> Result<Vec<Value>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{dir}: {e}"))?;
    let mut records = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let record =
                serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            records.push(record);
        }
    }
    Ok(records)
}

/// A package version of a catalogue list.
fn listed(item: &Value) -> Option<Package> {
    let text = |key: &str| item.get(key).and_then(Value::as_str);
    let system = System::from_name(text("system")?)?;
    let mut package = Package::new(system, text("name")?, text("version")?);
    package.license = text("license").map(str::to_owned);
    package.published = text("published").map(str::to_owned);
    package.deprecated = text("deprecated").map(str::to_owned);
    package.yanked = text("yanked").map(str::to_owned);
    package.repository = text("repository").map(str::to_owned);
    Some(package)
}

/// A component of an inventory report, known with its license (else MIT), a publish date and
/// a repository.
fn component(item: &Value) -> Option<Package> {
    let text = |key: &str| item.get(key).and_then(Value::as_str);
    let system = System::from_name(text("ecosystem")?)?;
    let name = text("name")?;
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Some(
        Package::new(system, name, text("version")?)
            .license(text("license").unwrap_or("MIT"))
            .published("2024-01-01T00:00:00Z")
            .repository(&format!("https://github.com/example/{slug}")),
    )
}
