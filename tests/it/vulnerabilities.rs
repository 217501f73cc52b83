//! Known vulnerabilities and malicious packages (OSV), end to end: the real binary on
//! repositories whose lockfiles are written from the package managers' documented formats,
//! matched offline against OSV databases the tests write (a directory of records, OSV's
//! per-ecosystem `all.zip`) and online against the fake OSV API (`common/fake_sources/osv.rs`).
//! Records follow the OSV schema (ossf/osv-schema `docs/schema.md`); their ids, packages and
//! scores are made up.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;

use crate::common::fake_github::org::FakeRepo;
use crate::common::fake_github::{FakeGitHub, TokenKind};
use crate::common::fake_sources::{FakeSources, Fault, Route};
use crate::common::{Depgov, code, git, stderr, stdout, stdout_redacted};
use crate::facts_remote::{
    cargo_lock, go_module, lines_with, locked, maven_sbom, package_lock, repository, requirements,
    set_fetched,
};
use crate::security::{runner_decode, shows};

/// Every severity has a ring of its own, low passes (no finding), and everything else adopts.
const POLICY: &str = "version = 1\n\n[defaults]\nring = \"adopt\"\n\n[licenses]\n\
    unlisted = \"adopt\"\nunknown = \"adopt\"\n\n[vulnerabilities]\ncritical = \"remove\"\n\
    high = \"hold\"\nmedium = \"assess\"\nlow = \"trial\"\nunknown = \"hold\"\n";

const MODIFIED: &str = "2026-10-01T12:00:00Z";

/// A CVSS v3.1 vector scoring 9.8 (critical).
const CVSS3_CRITICAL: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
/// A CVSS v3.1 vector scoring 3.1 (low).
const CVSS3_LOW: &str = "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N";
/// A CVSS v4.0 vector scoring 8.7 (high).
const CVSS4_HIGH: &str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N";

/// An OSV record `id` with these `affected[]` entries.
fn record(id: &str, affected: Vec<Value>) -> Value {
    json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": MODIFIED,
        "published": "2026-09-01T00:00:00Z",
        "summary": format!("Summary of {id}"),
        "affected": affected,
        "references": [
            {"type": "ADVISORY", "url": format!("https://osv.dev/vulnerability/{id}")},
            {"type": "PACKAGE", "url": "https://example.com/not-a-link-kept"},
        ],
    })
}

/// An `affected[]` entry: `name` of `ecosystem` (OSV's names) in one range of `kind` (`SEMVER`,
/// `ECOSYSTEM`) with `events` (`("introduced", "0")`, …).
fn ranged(ecosystem: &str, name: &str, kind: &str, events: &[(&str, &str)]) -> Value {
    let events: Vec<Value> = events
        .iter()
        .map(|(event, version)| json!({ *event: version }))
        .collect();
    json!({
        "package": {"ecosystem": ecosystem, "name": name},
        "ranges": [{"type": kind, "events": events}],
    })
}

/// A record `id` on the npm package `name`, in one `SEMVER` range with `events`.
fn npm_record(id: &str, name: &str, events: &[(&str, &str)]) -> Value {
    record(id, vec![ranged("npm", name, "SEMVER", events)])
}

/// An `affected[]` entry listing `versions` of `name` one by one, as osv.dev's API serves them.
fn listed(ecosystem: &str, name: &str, versions: &[&str]) -> Value {
    json!({
        "package": {"ecosystem": ecosystem, "name": name},
        "versions": versions,
    })
}

/// An offline OSV database: the records of each ecosystem in `zipped` in its
/// `{Ecosystem}/all.zip` (one `{id}.json` each, as OSV's bucket has them), the others as
/// `records/{id}.json`.
fn database(records: &[Value], zipped: &[&str]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write_database(dir.path(), records, zipped);
    dir
}

/// Writes the database of [`database`] into `dir`, over the files already there.
fn write_database(dir: &Path, records: &[Value], zipped: &[&str]) {
    let mut archives: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for record in records {
        let ecosystem = record["affected"][0]["package"]["ecosystem"]
            .as_str()
            .unwrap_or("");
        match zipped.iter().find(|zipped| **zipped == ecosystem) {
            Some(zipped) => archives.entry(zipped).or_default().push(record),
            None => {
                let path = dir.join("records");
                std::fs::create_dir_all(&path).expect("create dir");
                let id = record["id"].as_str().expect("an id");
                std::fs::write(path.join(format!("{id}.json")), record.to_string())
                    .expect("write record");
            }
        }
    }
    for (ecosystem, records) in archives {
        let path = dir.join(ecosystem);
        std::fs::create_dir_all(&path).expect("create dir");
        let file = std::fs::File::create(path.join("all.zip")).expect("create all.zip");
        let mut zip = zip::ZipWriter::new(file);
        for record in records {
            let id = record["id"].as_str().expect("an id");
            zip.start_file(
                format!("{id}.json"),
                zip::write::SimpleFileOptions::default(),
            )
            .expect("a zip member");
            zip.write_all(record.to_string().as_bytes())
                .expect("write a zip member");
        }
        zip.finish().expect("finish all.zip");
    }
}

/// depgov in `dir` with the OSV database `osv`, which must not crash or fail on its input.
fn offline(dir: &Path, osv: &Path, args: &[&str]) -> Output {
    let output = Depgov::new(dir).env("DEPGOV_OSV_DB", osv).args(args).run();
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    assert_ne!(code(&output), 2, "{}", stderr(&output));
    output
}

/// depgov in `dir` asking the fake OSV API (no offline database), with `env` on top.
fn online(dir: &Path, fake: &FakeSources, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Depgov::new(dir);
    command
        .facts_from(fake)
        .env_remove("DEPGOV_OSV_DB")
        .args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.run();
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    assert_ne!(code(&output), 2, "{}", stderr(&output));
    output
}

fn report(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(output)))
}

/// The findings of `rule` in a JSON report.
fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// `name@version` of every component with a `vulnerability` finding.
fn vulnerable(report: &Value) -> BTreeSet<String> {
    findings(report, "vulnerability")
        .iter()
        .map(|f| {
            format!(
                "{}@{}",
                f["component"]["name"].as_str().unwrap_or("?"),
                f["component"]["version"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

/// The one finding of `rule` on `name`.
fn finding_on<'a>(report: &'a Value, rule: &str, name: &str) -> &'a Value {
    let found: Vec<&Value> = findings(report, rule)
        .into_iter()
        .filter(|f| f["component"]["name"] == name)
        .collect();
    assert_eq!(found.len(), 1, "one {rule} on {name}: {report:#}");
    found[0]
}

/// A Gemfile.lock (Bundler) of `gems` from rubygems.org.
fn gemfile_lock(gems: &[(&str, &str)]) -> String {
    let mut text = String::from("GEM\n  remote: https://rubygems.org/\n  specs:\n");
    for (name, version) in gems {
        text.push_str(&format!("    {name} ({version})\n"));
    }
    text.push_str("\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n");
    for (name, _) in gems {
        text.push_str(&format!("  {name}\n"));
    }
    text.push_str("\nBUNDLED WITH\n   2.5.6\n");
    text
}

/// A NuGet packages.lock.json, version 1, every package a direct dependency of net8.0.
fn nuget_lock(packages: &[(&str, &str)]) -> String {
    let entries: serde_json::Map<String, Value> = packages
        .iter()
        .map(|(name, version)| {
            (
                (*name).to_owned(),
                json!({
                    "type": "Direct",
                    "requested": format!("[{version}, )"),
                    "resolved": version,
                    "contentHash": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
                }),
            )
        })
        .collect();
    serde_json::to_string_pretty(&json!({"version": 1, "dependencies": {"net8.0": entries}}))
        .expect("JSON")
}

/// A composer.lock of `packages` from Packagist.
fn composer_lock(packages: &[(&str, &str)]) -> String {
    let packages: Vec<Value> = packages
        .iter()
        .map(|(name, version)| {
            json!({
                "name": name,
                "version": version,
                "dist": {
                    "type": "zip",
                    "url": format!("https://api.github.com/repos/{name}/zipball/0123456789abcdef0123456789abcdef01234567"),
                    "reference": "0123456789abcdef0123456789abcdef01234567",
                    "shasum": "",
                },
                "type": "library",
                "license": ["MIT"],
            })
        })
        .collect();
    serde_json::to_string_pretty(&json!({
        "_readme": ["This file locks the dependencies of your project to a known state"],
        "content-hash": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "packages": packages,
        "packages-dev": [],
        "aliases": [],
        "minimum-stability": "stable",
        "stability-flags": {},
        "prefer-stable": false,
        "prefer-lowest": false,
        "platform": {},
        "platform-dev": {},
        "plugin-api-version": "2.6.0",
    }))
    .expect("JSON")
}

/// One package per `(version, affected)` case, named `{prefix}{i}`: the record gives every
/// one of them the same ranges, so each case is one version against the same range.
struct Cases<'a> {
    prefix: &'a str,
    cases: &'a [(&'a str, bool)],
}

impl Cases<'_> {
    fn names(&self) -> Vec<String> {
        (0..self.cases.len())
            .map(|i| format!("{}{i}", self.prefix))
            .collect()
    }

    /// The locked `(name, version)` of every case.
    fn locked(&self) -> Vec<(String, String)> {
        self.names()
            .into_iter()
            .zip(self.cases)
            .map(|(name, (version, _))| (name, (*version).to_owned()))
            .collect()
    }

    /// `name@version` of the affected cases.
    fn affected(&self) -> BTreeSet<String> {
        self.locked()
            .into_iter()
            .zip(self.cases)
            .filter(|(_, (_, affected))| *affected)
            .map(|((name, version), _)| format!("{name}@{version}"))
            .collect()
    }

    /// A record affecting every case's package in `kind` ranges with `events`; `osv_name` turns
    /// a locked name into the record's.
    fn record(
        &self,
        id: &str,
        ecosystem: &str,
        kind: &str,
        events: &[(&str, &str)],
        osv_name: impl Fn(&str) -> String,
    ) -> Value {
        let affected = self
            .names()
            .iter()
            .map(|name| ranged(ecosystem, &osv_name(name), kind, events))
            .collect();
        record(id, affected)
    }
}

fn pairs(locked: &[(String, String)]) -> Vec<(&str, &str)> {
    locked
        .iter()
        .map(|(name, version)| (name.as_str(), version.as_str()))
        .collect()
}

#[test]
fn every_ecosystem_matches_offline_records_by_its_own_version_order() {
    // npm: SemVer 2.0 precedence; a pre-release of the fix is still affected, `last_affected`
    // is itself affected.
    let npm = Cases {
        prefix: "npm-case-",
        cases: &[
            ("1.1.9", false),
            ("1.2.0", true),
            ("1.3.7", true),
            ("1.4.0-rc.1", true),
            ("1.4.0", false),
            ("2.0.0", true),
            ("2.1.0", true),
            ("2.1.1", false),
        ],
    };
    // PyPI: PEP 440 (`1.0.0` is `1.0`; dev and rc releases sort before the release, post
    // releases after it); names compared normalised.
    let pypi = Cases {
        prefix: "py-case-",
        cases: &[
            ("0.9", false),
            ("1.0.0", true),
            ("1.5.dev1", true),
            ("2.0rc1", true),
            ("2.0", false),
            ("2.0.post1", false),
        ],
    };
    // Go: OSV writes versions without the `v`; pseudo-versions order by their base and time.
    let go = Cases {
        prefix: "example.com/go-case-",
        cases: &[
            ("v0.0.0-20230101000000-0123456789ab", true),
            ("v0.0.0-20230601000000-0123456789ab", false),
            ("v0.1.0", false),
        ],
    };
    // Go: a v2+ module without a go.mod, `+incompatible`.
    let incompatible = Cases {
        prefix: "github.com/acme/legacy-",
        cases: &[
            ("v1.9.0", false),
            ("v2.1.0+incompatible", true),
            ("v2.4.0+incompatible", false),
        ],
    };
    // Maven: ComparableVersion (`-beta9` before the release, `-rc1` before `2.15.0`).
    let maven = Cases {
        prefix: "org.example:mvn-case-",
        cases: &[
            ("2.0-beta8", false),
            ("2.0-beta9", true),
            ("2.0", true),
            ("2.14.1", true),
            ("2.15.0-rc1", true),
            ("2.15.0", false),
        ],
    };
    // RubyGems: `.rc1` is a pre-release.
    let gems = Cases {
        prefix: "gem-case-",
        cases: &[("1.13.9", true), ("1.13.10.rc1", true), ("1.13.10", false)],
    };
    // NuGet: SemVer with case-insensitive ids.
    let nuget = Cases {
        prefix: "Contoso.Case",
        cases: &[
            ("12.0.3", false),
            ("13.0.0", true),
            ("13.0.1-beta1", true),
            ("13.0.1", false),
        ],
    };
    // crates.io: a range with a `limit` (nothing at or past it is affected) and no fix.
    let crates = Cases {
        prefix: "crate-case-",
        cases: &[
            ("0.4.0", false),
            ("0.5.0", true),
            ("0.7.3", true),
            ("0.8.0", false),
        ],
    };
    // Packagist: Composer's `v` prefix; case-insensitive names.
    let packagist = Cases {
        prefix: "acme/php-case-",
        cases: &[("v5.4.9", true), ("v5.4.10", false), ("4.4.0", false)],
    };
    let records = vec![
        npm.record(
            "GHSA-npm0-0000-0001",
            "npm",
            "SEMVER",
            &[
                ("introduced", "1.2.0"),
                ("fixed", "1.4.0"),
                ("introduced", "2.0.0-beta.1"),
                ("last_affected", "2.1.0"),
            ],
            str::to_owned,
        ),
        pypi.record(
            "PYSEC-2026-1",
            "PyPI",
            "ECOSYSTEM",
            &[("introduced", "1.0"), ("fixed", "2.0")],
            // The record writes the name as the project does; the lockfile normalised.
            |name| name.replace('-', "_").to_uppercase(),
        ),
        go.record(
            "GO-2026-0001",
            "Go",
            "SEMVER",
            &[
                ("introduced", "0"),
                ("fixed", "0.0.0-20230601000000-0123456789ab"),
            ],
            str::to_owned,
        ),
        incompatible.record(
            "GO-2026-0002",
            "Go",
            "SEMVER",
            &[
                ("introduced", "2.0.0+incompatible"),
                ("fixed", "2.3.1+incompatible"),
            ],
            str::to_owned,
        ),
        maven.record(
            "GHSA-mvn0-0000-0001",
            "Maven",
            "ECOSYSTEM",
            &[("introduced", "2.0-beta9"), ("fixed", "2.15.0")],
            str::to_owned,
        ),
        gems.record(
            "GHSA-gem0-0000-0001",
            "RubyGems",
            "ECOSYSTEM",
            &[("introduced", "0"), ("fixed", "1.13.10")],
            str::to_owned,
        ),
        nuget.record(
            "GHSA-nug0-0000-0001",
            "NuGet",
            "ECOSYSTEM",
            &[("introduced", "13.0.0"), ("fixed", "13.0.1")],
            |name| name.to_lowercase(),
        ),
        crates.record(
            "RUSTSEC-2026-0001",
            "crates.io",
            "SEMVER",
            &[("introduced", "0.5.0"), ("limit", "0.8.0")],
            str::to_owned,
        ),
        packagist.record(
            "GHSA-php0-0000-0001",
            "Packagist",
            "ECOSYSTEM",
            &[("introduced", "5.0.0"), ("fixed", "5.4.10")],
            |name| name.replacen("acme", "Acme", 1),
        ),
        // Versions listed one by one, without a range.
        record(
            "RUSTSEC-2026-0002",
            vec![listed("crates.io", "listed-crate", &["1.0.0", "1.0.1"])],
        ),
        // A withdrawn record affects nothing.
        {
            let mut withdrawn = npm_record(
                "GHSA-with-draw-0001",
                "npm-withdrawn",
                &[("introduced", "0")],
            );
            withdrawn["withdrawn"] = json!("2026-09-15T00:00:00Z");
            withdrawn
        },
        // A GIT range names commits, which a lockfile version is not compared with.
        record(
            "OSV-2026-0001",
            vec![ranged(
                "npm",
                "npm-git-range",
                "GIT",
                &[
                    ("introduced", "0"),
                    ("fixed", "0123456789abcdef0123456789abcdef01234567"),
                ],
            )],
        ),
    ];
    let go_modules: Vec<(String, String)> = go
        .locked()
        .into_iter()
        .chain(incompatible.locked())
        .collect();
    let [go_mod, go_sum] = go_module(&pairs(&go_modules));
    let npm_locked = npm.locked();
    let mut npm_packages: Vec<_> = pairs(&npm_locked)
        .into_iter()
        .map(|(name, version)| locked(name, version))
        .collect();
    npm_packages.push(locked("npm-withdrawn", "1.0.0"));
    npm_packages.push(locked("npm-git-range", "1.0.0"));
    let repo = repository(&[
        ("package-lock.json", package_lock(&npm_packages)),
        ("requirements.txt", requirements(&pairs(&pypi.locked()))),
        go_mod,
        go_sum,
        ("bom.cdx.json", maven_sbom(&pairs(&maven.locked()))),
        ("ruby/Gemfile.lock", gemfile_lock(&pairs(&gems.locked()))),
        (
            "dotnet/packages.lock.json",
            nuget_lock(&pairs(&nuget.locked())),
        ),
        (
            "rust/Cargo.lock",
            cargo_lock(
                &crates
                    .locked()
                    .iter()
                    .map(|(n, v)| (n.as_str(), v.as_str(), None))
                    .chain([
                        ("listed-crate", "1.0.1", None),
                        ("listed-crate-other", "1.0.1", None),
                    ])
                    .collect::<Vec<_>>(),
            ),
        ),
        (
            "php/composer.lock",
            composer_lock(&pairs(&packagist.locked())),
        ),
        ("depgov.toml", POLICY.to_owned()),
    ]);
    let mut expected: BTreeSet<String> = [
        &npm,
        &pypi,
        &go,
        &incompatible,
        &maven,
        &gems,
        &nuget,
        &crates,
        &packagist,
    ]
    .iter()
    .flat_map(|cases| cases.affected())
    .collect();
    expected.insert("listed-crate@1.0.1".to_owned());
    // Composer's `v` is not part of the version depgov reports.
    expected = expected
        .into_iter()
        .map(|v| v.replace("@v5.", "@5."))
        .collect();

    // The same records as a directory of records, and as OSV's per-ecosystem archives.
    for zipped in [
        &[][..],
        &[
            "npm",
            "PyPI",
            "Go",
            "Maven",
            "RubyGems",
            "NuGet",
            "crates.io",
            "Packagist",
        ][..],
    ] {
        let osv = database(&records, zipped);
        let output = offline(
            repo.path(),
            osv.path(),
            &[
                "check",
                "--lockfile-only",
                "--fail-on",
                "warning",
                "--format",
                "json",
            ],
        );
        assert_eq!(code(&output), 1, "{}", stderr(&output));
        let report = report(&output);
        let all_components = report["components"].as_array().expect("components").len();
        assert_eq!(all_components, 44, "every lockfile read: {report:#}");
        let found = vulnerable(&report);
        let missed: Vec<&String> = expected.difference(&found).collect();
        let wrong: Vec<&String> = found.difference(&expected).collect();
        assert!(
            missed.is_empty() && wrong.is_empty(),
            "zipped: {zipped:?}: missed {missed:?}, wrongly found {wrong:?}"
        );
        let used = &report["facts"]["used"];
        assert!(
            used.as_array()
                .expect("used")
                .iter()
                .any(|u| u["source"] == "osv-database" && u["answered"] == 44),
            "{used:#}"
        );
    }
}

#[test]
fn aliases_merge_into_one_finding_with_its_evidence_and_the_smallest_fix_to_use_instead() {
    let mut ghsa = npm_record(
        "GHSA-aaaa-bbbb-cccc",
        "web-lib",
        &[("introduced", "0"), ("fixed", "1.2.0")],
    );
    ghsa["aliases"] = json!(["CVE-2026-1000"]);
    ghsa["severity"] = json!([{"type": "CVSS_V3", "score": CVSS3_CRITICAL}]);
    ghsa["summary"] = json!("Prototype pollution in web-lib");
    // The same vulnerability as published by another database, under the CVE id, naming the
    // GHSA among its aliases and a later fix.
    let mut cve = npm_record(
        "CVE-2026-1000",
        "web-lib",
        &[("introduced", "0"), ("fixed", "1.2.0")],
    );
    cve["aliases"] = json!(["GHSA-aaaa-bbbb-cccc"]);
    // A second advisory on the same package, fixed later: the use-instead fixes both.
    let mut second = npm_record(
        "GHSA-dddd-eeee-ffff",
        "web-lib",
        &[
            ("introduced", "1.0.0"),
            ("fixed", "1.1.5"),
            ("introduced", "1.1.9"),
            ("fixed", "1.3.0"),
        ],
    );
    second["severity"] = json!([{"type": "CVSS_V4", "score": CVSS4_HIGH}]);
    second["references"] = json!([
        {"type": "WEB", "url": "https://example.com/blog/web-lib-rce"},
        {"type": "FIX", "url": "http://example.com/insecure-link-dropped"},
    ]);
    let osv = database(&[ghsa, cve, second], &[]);
    let repo = repository(&[
        (
            "package-lock.json",
            package_lock(&[locked("web-lib", "1.1.9")]),
        ),
        ("depgov.toml", POLICY.to_owned()),
    ]);
    let output = offline(
        repo.path(),
        osv.path(),
        &["check", "--lockfile-only", "--format", "json"],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = report(&output);
    let found = findings(&report, "vulnerability");
    assert_eq!(found.len(), 2, "{report:#}");
    let critical = found
        .iter()
        .find(|f| f["evidence"]["ids"][0] == "GHSA-aaaa-bbbb-cccc")
        .expect("the GHSA and its CVE as one finding");
    assert_eq!(
        critical["evidence"]["ids"],
        json!(["GHSA-aaaa-bbbb-cccc", "CVE-2026-1000"])
    );
    assert_eq!(critical["ring"], "remove");
    assert_eq!(critical["severity"], "error");
    assert_eq!(critical["evidence"]["severity"], "critical");
    assert_eq!(critical["evidence"]["score"], 9.8);
    assert_eq!(critical["evidence"]["vector"], CVSS3_CRITICAL);
    assert_eq!(
        critical["evidence"]["summary"],
        "Prototype pollution in web-lib"
    );
    assert_eq!(critical["evidence"]["fixed"], json!(["1.2.0"]));
    assert_eq!(critical["evidence"]["fixed_by"], "1.3.0");
    assert_eq!(critical["evidence"]["source"], "OSV database");
    assert_eq!(critical["use_instead"], json!(["pkg:npm/web-lib@1.3.0"]));
    assert_eq!(
        critical["link"],
        "https://osv.dev/vulnerability/GHSA-aaaa-bbbb-cccc"
    );
    let high = found
        .iter()
        .find(|f| f["evidence"]["ids"][0] == "GHSA-dddd-eeee-ffff")
        .expect("the second advisory");
    assert_eq!(high["ring"], "hold");
    assert_eq!(high["evidence"]["severity"], "high");
    assert_eq!(high["evidence"]["vector"], CVSS4_HIGH);
    assert_eq!(high["evidence"]["fixed"], json!(["1.1.5", "1.3.0"]));
    assert_eq!(
        high["evidence"]["links"],
        json!(["https://example.com/blog/web-lib-rce"])
    );
    assert_eq!(high["use_instead"], json!(["pkg:npm/web-lib@1.3.0"]));
}

/// Records of every severity, on one package each, for the severity and snapshot tests.
fn severity_records() -> Vec<Value> {
    let mut critical = npm_record(
        "GHSA-crit-0000-0001",
        "sev-critical",
        &[("introduced", "0"), ("fixed", "1.0.1")],
    );
    critical["aliases"] = json!(["CVE-2026-2001"]);
    critical["severity"] = json!([{"type": "CVSS_V3", "score": CVSS3_CRITICAL}]);
    let mut high = npm_record(
        "GHSA-high-0000-0001",
        "sev-high",
        &[("introduced", "0"), ("fixed", "2.0.0")],
    );
    high["severity"] = json!([{"type": "CVSS_V4", "score": CVSS4_HIGH}]);
    // No CVSS vector: GitHub's own severity word decides.
    let mut medium = npm_record(
        "GHSA-medi-0000-0001",
        "sev-medium",
        &[("introduced", "0"), ("fixed", "3.1.4")],
    );
    medium["database_specific"] = json!({"severity": "MODERATE"});
    let mut low = npm_record(
        "GHSA-loww-0000-0001",
        "sev-low",
        &[("introduced", "0"), ("fixed", "1.0.1")],
    );
    low["severity"] = json!([{"type": "CVSS_V3", "score": CVSS3_LOW}]);
    // Nothing says how severe, and nothing fixes it.
    let unknown = npm_record("OSV-2026-0009", "sev-unknown", &[("introduced", "0")]);
    vec![critical, high, medium, low, unknown]
}

fn severity_repository() -> TempDir {
    repository(&[
        (
            "package-lock.json",
            package_lock(&[
                locked("sev-critical", "1.0.0"),
                locked("sev-high", "1.9.0"),
                locked("sev-medium", "3.1.3"),
                locked("sev-low", "1.0.0"),
                locked("sev-unknown", "0.1.0"),
                locked("sev-none", "1.0.0"),
            ]),
        ),
        ("depgov.toml", POLICY.to_owned()),
    ])
}

#[test]
fn each_severity_gets_the_ring_the_policy_gives_it() {
    let osv = database(&severity_records(), &["npm"]);
    let repo = severity_repository();
    let output = offline(
        repo.path(),
        osv.path(),
        &["check", "--lockfile-only", "--format", "json"],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = report(&output);
    let rings: BTreeMap<String, (String, String, String)> = findings(&report, "vulnerability")
        .iter()
        .map(|f| {
            (
                f["component"]["name"].as_str().unwrap_or("?").to_owned(),
                (
                    f["evidence"]["severity"].as_str().unwrap_or("?").to_owned(),
                    f["ring"].as_str().unwrap_or("?").to_owned(),
                    f["severity"].as_str().unwrap_or("?").to_owned(),
                ),
            )
        })
        .collect();
    let expected: BTreeMap<String, (String, String, String)> = [
        ("sev-critical", ("critical", "remove", "error")),
        ("sev-high", ("high", "hold", "warning")),
        ("sev-medium", ("medium", "assess", "note")),
        ("sev-unknown", ("unknown", "hold", "warning")),
    ]
    .into_iter()
    .map(|(name, (level, ring, severity))| {
        (
            name.to_owned(),
            (level.to_owned(), ring.to_owned(), severity.to_owned()),
        )
    })
    .collect();
    // Low is on the trial ring, which passes: no finding.
    assert_eq!(rings, expected, "{report:#}");
    let unknown = finding_on(&report, "vulnerability", "sev-unknown");
    assert!(
        unknown["message"].as_str().is_some_and(
            |m| m.contains("severity unknown") && m.contains("no fixed version is known")
        ),
        "{unknown:#}"
    );
    assert_eq!(unknown["use_instead"], json!([]));
}

/// The JSON report's findings, with what changes between runs left out.
fn findings_only(output: &Output) -> String {
    let report: Value = serde_json::from_str(&stdout_redacted(output)).expect("JSON");
    serde_json::to_string_pretty(&report["findings"]).expect("JSON")
}

#[test]
fn human_json_and_sarif_reports_of_vulnerabilities() {
    let osv = database(&severity_records(), &[]);
    let repo = severity_repository();
    let run = |format: &str| {
        let output = offline(
            repo.path(),
            osv.path(),
            &["check", "--lockfile-only", "--format", format],
        );
        assert_eq!(code(&output), 1, "{}", stderr(&output));
        output
    };
    insta::assert_snapshot!("human", stdout(&run("human")));
    insta::assert_snapshot!("json_findings", findings_only(&run("json")));
    let sarif: Value = serde_json::from_slice(&run("sarif").stdout).expect("SARIF");
    let run0 = &sarif["runs"][0];
    // GitHub code scanning ranks security results by the rule's `security-severity`, and
    // each result carries its own.
    let results: Vec<Value> = run0["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            json!({
                "ruleId": r["ruleId"],
                "level": r["level"],
                "message": r["message"]["text"],
                "properties": r["properties"],
            })
        })
        .collect();
    let rules: Vec<Value> = run0["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter(|r| r["id"] == "vulnerability" || r["id"] == "malicious")
        .cloned()
        .collect();
    insta::assert_snapshot!(
        "sarif",
        serde_json::to_string_pretty(&json!({"rules": rules, "results": results})).expect("JSON")
    );
    let scores: BTreeSet<String> = run0["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["ruleId"] == "vulnerability")
        .map(|r| {
            r["properties"]["security-severity"]
                .as_str()
                .unwrap_or_else(|| panic!("security-severity: {r:#}"))
                .to_owned()
        })
        .collect();
    assert!(scores.contains("9.8"), "{scores:?}");
    // GitHub reads the score from the rule: the highest of its results.
    assert_eq!(rules[0]["id"], "vulnerability");
    assert_eq!(rules[0]["properties"]["security-severity"], "9.8");
}

#[test]
fn a_malicious_package_is_removed_whatever_entry_or_exception_names_it() {
    let malicious = record(
        "MAL-2026-4242",
        vec![listed("npm", "evil-helper", &["1.0.0", "1.0.1"])],
    );
    let mut vulnerable = npm_record(
        "GHSA-waiv-0000-0001",
        "web-lib",
        &[("introduced", "0"), ("fixed", "2.0.0")],
    );
    vulnerable["aliases"] = json!(["CVE-2026-3001"]);
    vulnerable["severity"] = json!([{"type": "CVSS_V3", "score": CVSS3_CRITICAL}]);
    let osv = database(&[malicious, vulnerable], &[]);
    let lock = package_lock(&[locked("evil-helper", "1.0.1"), locked("web-lib", "1.0.0")]);
    // The OSPO adopts evil-helper and waives everything about it, and waives the CVE of
    // web-lib by its alias.
    let policy = format!(
        "{POLICY}\n[[components]]\npurl = \"pkg:npm/evil-helper\"\nring = \"adopt\"\n\n\
         [[exceptions]]\npurl = \"pkg:npm/evil-helper\"\nexpires = 2027-06-30\n\
         reason = \"Vetted by hand\"\napproved-by = \"jdoe\"\n\n\
         [[exceptions]]\nadvisory = \"CVE-2026-3001\"\nexpires = 2027-06-30\n\
         reason = \"The vulnerable parser is not used\"\napproved-by = \"security@acme.example\"\n\
         ticket = \"SEC-7\"\n"
    );
    let repo = repository(&[("package-lock.json", lock.clone()), ("depgov.toml", policy)]);
    let output = offline(
        repo.path(),
        osv.path(),
        &["check", "--lockfile-only", "--format", "json"],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = report(&output);
    let evil = finding_on(&report, "malicious", "evil-helper");
    assert_eq!(evil["ring"], "remove");
    assert_eq!(evil["severity"], "error");
    assert!(evil["waiver"].is_null(), "{evil:#}");
    assert_eq!(evil["evidence"]["ids"], json!(["MAL-2026-4242"]));
    assert_eq!(
        evil["use_instead"],
        json!([]),
        "no fixed version of malware"
    );
    let waived = finding_on(&report, "vulnerability", "web-lib");
    assert_eq!(waived["waiver"]["approved_by"], "security@acme.example");
    assert_eq!(waived["waiver"]["ticket"], "SEC-7");
    assert_eq!(waived["waiver"]["expires"], "2027-06-30");
    // The component exception waived nothing: it is unused.
    let unused = findings(&report, "exception-unused");
    assert_eq!(unused.len(), 1, "{report:#}");

    // Without the malicious package, the waived vulnerability fails nothing.
    std::fs::write(
        repo.path().join("package-lock.json"),
        package_lock(&[locked("web-lib", "1.0.0")]),
    )
    .expect("write lockfile");
    let output = offline(repo.path(), osv.path(), &["check", "--lockfile-only"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));

    // An exception naming the MAL- record is a policy error.
    std::fs::write(repo.path().join("package-lock.json"), lock).expect("write lockfile");
    std::fs::write(
        repo.path().join("depgov.toml"),
        format!(
            "{POLICY}\n[[exceptions]]\nadvisory = \"MAL-2026-4242\"\nexpires = 2027-06-30\n\
             reason = \"Vetted by hand\"\napproved-by = \"jdoe\"\n"
        ),
    )
    .expect("write policy");
    let output = Depgov::new(repo.path())
        .env("DEPGOV_OSV_DB", osv.path())
        .args(["check", "--lockfile-only"])
        .run();
    assert_eq!(code(&output), 2, "{}", stdout(&output));
    let err = stderr(&output);
    assert!(err.contains("depgov.toml"), "{err}");
    assert!(
        err.contains("`MAL-2026-4242` is a malicious-package record: it cannot be waived"),
        "{err}"
    );
}

/// Commits `files` in `dir` with `message`.
fn commit(dir: &Path, files: &[(&str, String)], message: &str) {
    for (path, text) in files {
        std::fs::write(dir.join(path), text).expect("write file");
    }
    git(dir, &["add", "-A"]);
    git(
        dir,
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-m",
            message,
        ],
    );
}

#[test]
fn with_a_base_added_and_bumped_into_vulnerabilities_are_new_kept_ones_debt_fixed_ones_credited() {
    let advisory = |id: &str, name: &str, events: &[(&str, &str)]| {
        let mut record = npm_record(id, name, events);
        record["severity"] = json!([{"type": "CVSS_V3", "score": CVSS3_CRITICAL}]);
        record
    };
    let osv = database(
        &[
            advisory("GHSA-kept-0000-0001", "kept", &[("introduced", "0")]),
            advisory(
                "GHSA-fixd-0000-0001",
                "fixed-by-bump",
                &[("introduced", "0"), ("fixed", "1.1.0")],
            ),
            advisory(
                "GHSA-into-0000-0001",
                "bumped-into",
                &[("introduced", "2.0.0"), ("fixed", "2.0.1")],
            ),
            advisory("GHSA-addd-0000-0001", "added", &[("introduced", "0")]),
            advisory("GHSA-gone-0000-0001", "removed", &[("introduced", "0")]),
        ],
        &[],
    );
    let dir = tempfile::tempdir().expect("temp dir");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    commit(
        dir.path(),
        &[
            ("depgov.toml", POLICY.to_owned()),
            (
                "package-lock.json",
                package_lock(&[
                    locked("kept", "1.0.0"),
                    locked("fixed-by-bump", "1.0.0"),
                    locked("bumped-into", "1.0.0"),
                    locked("removed", "1.0.0"),
                ]),
            ),
        ],
        "base",
    );
    git(dir.path(), &["checkout", "-q", "-b", "change"]);
    commit(
        dir.path(),
        &[(
            "package-lock.json",
            package_lock(&[
                locked("kept", "1.0.0"),
                locked("fixed-by-bump", "1.1.0"),
                locked("bumped-into", "2.0.0"),
                locked("added", "1.0.0"),
            ]),
        )],
        "change",
    );
    let output = offline(
        dir.path(),
        osv.path(),
        &[
            "check",
            "--lockfile-only",
            "--base",
            "main",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = report(&output);
    let changes: BTreeMap<String, String> = findings(&report, "vulnerability")
        .iter()
        .map(|f| {
            (
                f["component"]["name"].as_str().unwrap_or("?").to_owned(),
                f["change"].as_str().unwrap_or("?").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        BTreeMap::from([
            ("added".to_owned(), "new".to_owned()),
            ("bumped-into".to_owned(), "new".to_owned()),
            ("kept".to_owned(), "existing".to_owned()),
        ]),
        "{report:#}"
    );
    let fixed: Vec<String> = report["base"]["fixed"]
        .as_array()
        .unwrap_or_else(|| panic!("base.fixed: {report:#}"))
        .iter()
        .map(|f| {
            format!(
                "{}@{} {}",
                f["component"]["name"].as_str().unwrap_or("?"),
                f["component"]["version"].as_str().unwrap_or("?"),
                f["ids"][0].as_str().unwrap_or("?")
            )
        })
        .collect();
    assert_eq!(
        fixed,
        [
            "fixed-by-bump@1.0.0 GHSA-fixd-0000-0001",
            "removed@1.0.0 GHSA-gone-0000-0001",
        ]
    );
    // The comment names what is new and what the change fixes.
    let output = offline(
        dir.path(),
        osv.path(),
        &[
            "check",
            "--lockfile-only",
            "--base",
            "main",
            "--format",
            "markdown",
        ],
    );
    let markdown = stdout(&output).replace('\\', "");
    for shown in [
        "GHSA-addd-0000-0001",
        "GHSA-into-0000-0001",
        "GHSA-fixd-0000-0001",
    ] {
        assert!(markdown.contains(shown), "{shown}: {markdown}");
    }
}

/// The ecosystem, name and version of every query of every querybatch request.
fn queries(fake: &FakeSources) -> Vec<Vec<Value>> {
    fake.requests()
        .iter()
        .filter(|r| r.route == Route::OsvBatch)
        .map(|r| {
            let body: Value = serde_json::from_str(&r.body).expect("a JSON body");
            body["queries"].as_array().expect("queries").clone()
        })
        .collect()
}

#[test]
fn the_api_is_asked_in_batches_of_1000_pages_are_followed_and_a_warm_cache_asks_nothing() {
    let fake = FakeSources::start();
    fake.set_osv_page_size(2);
    let mut packages: Vec<(String, String)> = (0..1500)
        .map(|i| (format!("pkg-{i:04}"), format!("1.{}.0", i % 7)))
        .collect();
    packages.push(("web-lib".to_owned(), "1.1.0".to_owned()));
    // Three records on web-lib: two pages of ids for its query. One also affects another
    // package, and is fetched once.
    for (id, extra) in [
        ("GHSA-pag1-0000-0001", None),
        ("GHSA-pag2-0000-0001", Some("pkg-0001")),
        ("GHSA-pag3-0000-0001", None),
    ] {
        let mut affected = vec![listed("npm", "web-lib", &["1.0.0", "1.1.0"])];
        if let Some(name) = extra {
            affected.push(listed("npm", name, &["1.1.0"]));
        }
        let mut record = record(id, affected);
        record["severity"] = json!([{"type": "CVSS_V3", "score": CVSS3_CRITICAL}]);
        fake.add_osv(record);
    }
    let lock = package_lock(
        &packages
            .iter()
            .map(|(name, version)| locked(name, version))
            .collect::<Vec<_>>(),
    );
    let repo = repository(&[
        ("package-lock.json", lock),
        ("depgov.toml", POLICY.to_owned()),
    ]);
    let cache = tempfile::tempdir().expect("temp dir");
    let cache_dir = cache.path().to_string_lossy().into_owned();
    let env = [("DEPGOV_CACHE_DIR", cache_dir.as_str())];
    let args = ["check", "--lockfile-only", "--format", "json"];
    let output = online(repo.path(), &fake, &args, &env);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let cold = report(&output);
    assert_eq!(
        vulnerable(&cold),
        BTreeSet::from(["web-lib@1.1.0".to_owned(), "pkg-0001@1.1.0".to_owned()])
    );
    assert_eq!(findings(&cold, "vulnerability").len(), 4, "{cold:#}");
    let asked = queries(&fake);
    let sizes: Vec<usize> = asked.iter().map(Vec::len).collect();
    // 1,501 versions: 1,000 and 501, then web-lib's second page on its own.
    assert_eq!(sizes, [1000, 501, 1], "{sizes:?}");
    assert_eq!(asked[2][0]["package"]["name"], "web-lib");
    assert_eq!(asked[2][0]["page_token"], "2");
    // Only package names and versions leave the machine.
    for query in asked.iter().flatten() {
        let keys: BTreeSet<&str> = query
            .as_object()
            .expect("a query object")
            .keys()
            .map(String::as_str)
            .collect();
        assert!(
            keys == BTreeSet::from(["package", "version"])
                || keys == BTreeSet::from(["package", "version", "page_token"]),
            "{query}"
        );
        let package: BTreeSet<&str> = query["package"]
            .as_object()
            .expect("a package")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(package, BTreeSet::from(["ecosystem", "name"]), "{query}");
    }
    assert_eq!(fake.count(Route::OsvVuln), 3, "each record fetched once");

    // Warm: nothing is sent, and the answer is the same.
    fake.forget_requests();
    let output = online(repo.path(), &fake, &args, &env);
    assert_eq!(fake.total(), 0, "{:?}", fake.requests());
    let warm = report(&output);
    assert_eq!(
        findings(&warm, "vulnerability"),
        findings(&cold, "vulnerability")
    );
    let used = warm["facts"]["used"]
        .as_array()
        .expect("used")
        .iter()
        .find(|u| u["source"] == "osv")
        .cloned()
        .unwrap_or_else(|| panic!("{warm:#}"));
    assert_eq!(used["requests"].as_u64().unwrap_or(0), 0, "{used:#}");
    assert!(
        used["from_cache"].as_u64().is_some_and(|n| n > 1500),
        "{used:#}"
    );
}

#[test]
fn a_rate_limit_is_waited_out_and_a_changed_record_is_fetched_again() {
    let fake = FakeSources::start();
    let mut advisory = record(
        "GHSA-rate-0000-0001",
        vec![listed("PyPI", "Web_Lib", &["1.0"])],
    );
    advisory["severity"] = json!([{"type": "CVSS_V3", "score": CVSS3_CRITICAL}]);
    fake.add_osv(advisory.clone());
    fake.fault(Route::OsvBatch, Fault::rate_limited(0));
    fake.fault(Route::OsvVuln, Fault::status(502));
    let repo = repository(&[
        ("requirements.txt", requirements(&[("web-lib", "1.0")])),
        ("depgov.toml", POLICY.to_owned()),
    ]);
    let cache = tempfile::tempdir().expect("temp dir");
    let cache_dir = cache.path().to_string_lossy().into_owned();
    let env = [("DEPGOV_CACHE_DIR", cache_dir.as_str())];
    let args = ["check", "--lockfile-only", "--format", "json"];
    let output = online(repo.path(), &fake, &args, &env);
    let first = report(&output);
    assert_eq!(
        vulnerable(&first),
        BTreeSet::from(["web-lib@1.0".to_owned()])
    );
    assert_eq!(fake.count(Route::OsvBatch), 2);
    assert_eq!(fake.count(Route::OsvVuln), 2);
    assert_eq!(
        queries(&fake)[0][0],
        json!({"package": {"ecosystem": "PyPI", "name": "web-lib"}, "version": "1.0"})
    );

    // OSV says the record changed: the cached copy is not used, the new one is. (The list of
    // ids stays fresh as long as deprecation flags do, a day by default: two days later it is
    // asked again.)
    advisory["modified"] = json!("2026-11-01T00:00:00Z");
    advisory["summary"] = json!("Revised summary");
    fake.add_osv(advisory);
    fake.forget_requests();
    set_fetched(cache.path(), chrono::Utc::now() - chrono::Duration::days(2));
    let output = online(repo.path(), &fake, &args, &env);
    let second = report(&output);
    let found = finding_on(&second, "vulnerability", "web-lib");
    assert_eq!(
        found["evidence"]["summary"], "Revised summary",
        "{second:#}"
    );
    assert_eq!(fake.count(Route::OsvVuln), 1);
}

#[test]
fn a_failing_osv_is_one_line_in_every_report_never_exit_2_and_never_a_hang() {
    let fake = FakeSources::start();
    let repo = repository(&[
        (
            "package-lock.json",
            package_lock(&[locked("web-lib", "1.0.0")]),
        ),
        ("depgov.toml", POLICY.to_owned()),
    ]);
    fake.add_osv(record(
        "GHSA-down-0000-0001",
        vec![listed("npm", "web-lib", &["1.0.0"])],
    ));
    fake.always(Route::OsvBatch, Fault::status(503));
    let note = "OSV could not be reached (503 Service Unavailable";
    for format in ["human", "markdown", "github", "sarif", "json"] {
        fake.forget_requests();
        let output = online(
            repo.path(),
            &fake,
            &["check", "--lockfile-only", "--format", format],
            &[],
        );
        assert_eq!(code(&output), 0, "{format}: {}", stderr(&output));
        assert_eq!(fake.count(Route::OsvBatch), 3, "three attempts");
        let text = stdout(&output).replace('\\', "");
        if format == "json" {
            let report = report(&output);
            let failed: Vec<&Value> = report["facts"]["used"]
                .as_array()
                .expect("used")
                .iter()
                .filter(|u| u.get("failure").is_some())
                .collect();
            assert_eq!(failed.len(), 1, "{text}");
            assert_eq!(failed[0]["source"], "osv");
            assert!(
                failed[0]["failure"]
                    .as_str()
                    .is_some_and(|f| f.starts_with("503 Service Unavailable")),
                "{text}"
            );
            continue;
        }
        let lines = text
            .lines()
            .filter(|l| l.contains("could not be reached (503"))
            .count();
        assert_eq!(lines, 1, "{format}: {text}");
        if format == "human" {
            assert_eq!(lines_with(&text, note), 1, "{text}");
        }
    }

    // Malformed JSON, and a record that cannot be had: notes, not crashes, and no partial
    // answer passed off as complete.
    let fresh = FakeSources::start();
    fresh.add_osv(record(
        "GHSA-down-0000-0001",
        vec![listed("npm", "web-lib", &["1.0.0"])],
    ));
    fresh.always(Route::OsvBatch, Fault::Truncated);
    let output = online(
        repo.path(),
        &fresh,
        &["check", "--lockfile-only", "--format", "json"],
        &[],
    );
    let failure = report(&output)["facts"]["used"]
        .as_array()
        .expect("used")
        .iter()
        .find(|u| u["source"] == "osv")
        .map(|u| u["failure"].as_str().unwrap_or("").to_owned())
        .unwrap_or_default();
    assert!(failure.contains("not the JSON it documents"), "{failure}");
    let fresh = FakeSources::start();
    fresh.add_osv(record(
        "GHSA-down-0000-0001",
        vec![listed("npm", "web-lib", &["1.0.0"])],
    ));
    fresh.always(Route::OsvVuln, Fault::Html(503));
    let output = online(
        repo.path(),
        &fresh,
        &["check", "--lockfile-only", "--format", "json"],
        &[],
    );
    let report = report(&output);
    assert!(vulnerable(&report).is_empty(), "{report:#}");
    assert!(
        report["components"][0]["facts"]["advisories"].is_null(),
        "not checked, rather than clean: {report:#}"
    );
    let human = stdout(&online(
        repo.path(),
        &fresh,
        &["check", "--lockfile-only"],
        &[],
    ));
    assert_eq!(
        lines_with(&human, "OSV could not be reached (503"),
        1,
        "{human}"
    );
    assert!(!human.contains("<html"), "{human}");

    // A server that never answers costs seconds.
    let hung = FakeSources::start();
    hung.always(Route::OsvBatch, Fault::Hang);
    let started = Instant::now();
    let output = online(
        repo.path(),
        &hung,
        &["check", "--lockfile-only"],
        &[("DEPGOV_FACTS_TIMEOUT_MS", "300")],
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stdout(&output).contains("OSV could not be reached (no answer within 300 ms"),
        "{}",
        stdout(&output)
    );
}

/// Summaries that try to break out of every report format.
const HOSTILE: &[&str] = &[
    "evil\n::set-env name=pwned::1",
    "cr\r::error::forged by a carriage return",
    "encoded%0A::error::forged%0D%0Aby percent%25",
    "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "pipe|in|the|summary and `back`tick``",
    "[click](javascript:alert(1)) @octocat #1",
];

#[test]
fn hostile_advisory_text_injects_into_no_report() {
    let records: Vec<Value> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let mut record = record(
                &format!("GHSA-evil-0000-000{i}"),
                vec![listed("npm", &format!("evil-{i}"), &["1.0.0"])],
            );
            record["summary"] = json!(text);
            record["severity"] = json!([{"type": "CVSS_V3", "score": CVSS3_CRITICAL}]);
            // A link that is not https is not one depgov shows.
            record["references"] = json!([{"type": "WEB", "url": "javascript:alert(1)"}]);
            record
        })
        .collect();
    let osv = database(&records, &[]);
    let packages: Vec<String> = (0..HOSTILE.len()).map(|i| format!("evil-{i}")).collect();
    let repo = repository(&[
        (
            "package-lock.json",
            package_lock(
                &packages
                    .iter()
                    .map(|n| locked(n, "1.0.0"))
                    .collect::<Vec<_>>(),
            ),
        ),
        ("depgov.toml", POLICY.to_owned()),
    ]);
    let run = |format: &str| {
        let output = offline(
            repo.path(),
            osv.path(),
            &["check", "--lockfile-only", "--format", format],
        );
        assert_eq!(code(&output), 1, "{}", stderr(&output));
        stdout(&output)
    };
    // Workflow commands: every line is one of depgov's, the text shown and not obeyed.
    let github = run("github");
    assert!(!github.contains('\r'));
    for line in github.lines() {
        let known = ["::error ", "::warning ", "::notice ", "depgov: "];
        assert!(
            known.iter().any(|p| line.starts_with(p)),
            "stray line: {line}"
        );
    }
    for text in HOSTILE {
        let first_line = text.lines().next().unwrap_or(text);
        let shown = github.lines().any(|line| {
            line.split_once("::")
                .and_then(|(_, rest)| rest.split_once("::"))
                .is_some_and(|(_, data)| shows(data, first_line.trim_end_matches('\r')))
        });
        assert!(shown, "{text:?} is shown: {github}");
    }
    assert!(!runner_decode(&github).contains("\n::set-env"));
    // Markdown: no HTML, no link, every row keeps its cells.
    let markdown = run("markdown");
    for raw in ["<img", "<script", "](javascript", "\r"] {
        assert!(
            !markdown.contains(raw),
            "raw `{raw}` in markdown: {markdown}"
        );
    }
    let rows: Vec<&str> = markdown.lines().filter(|l| l.starts_with('|')).collect();
    let cells = |row: &str| row.matches('|').count() - row.matches("\\|").count();
    for row in &rows {
        assert_eq!(cells(row), cells(rows[0]), "a row keeps its cells: {row}");
    }
    // Human: no line starts a workflow command, no control character.
    let human = run("human");
    for line in human.lines() {
        assert!(!line.starts_with("::"), "{line}");
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "{line:?}"
        );
    }
    // JSON and SARIF keep the text as data.
    let report: Value = serde_json::from_str(&run("json")).expect("JSON");
    for (i, text) in HOSTILE.iter().enumerate() {
        let found = finding_on(&report, "vulnerability", &format!("evil-{i}"));
        let first_line = text.lines().next().unwrap_or(text).trim();
        assert_eq!(found["evidence"]["summary"], first_line, "{found:#}");
        assert!(found["link"].is_null(), "{found:#}");
    }
    let sarif: Value = serde_json::from_str(&run("sarif")).expect("SARIF");
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .is_some_and(|r| r.len() >= HOSTILE.len())
    );
}

#[test]
fn an_org_scan_lists_vulnerable_components_by_the_repositories_using_them() {
    const TOKEN: &str = "ghp_SENTINELosvscan0123456789abcdefABCD";
    let mut advisory = npm_record(
        "GHSA-orgs-0000-0001",
        "web-lib",
        &[("introduced", "0"), ("fixed", "2.0.0")],
    );
    advisory["severity"] = json!([{"type": "CVSS_V3", "score": CVSS3_CRITICAL}]);
    let malicious = record(
        "MAL-2026-0077",
        vec![listed("npm", "evil-helper", &["6.6.6"])],
    );
    let osv = database(&[advisory, malicious], &[]);
    let server = FakeGitHub::start(TOKEN, TokenKind::User("ospo".into()), "");
    server.add_org(
        "acme",
        false,
        vec![
            FakeRepo::new("web").file(
                "package-lock.json",
                &package_lock(&[locked("web-lib", "1.0.0"), locked("evil-helper", "6.6.6")]),
            ),
            FakeRepo::new("api").file(
                "package-lock.json",
                &package_lock(&[locked("web-lib", "1.0.0")]),
            ),
            FakeRepo::new("fixed").file(
                "package-lock.json",
                &package_lock(&[locked("web-lib", "2.0.0")]),
            ),
        ],
    );
    let workspace = tempfile::tempdir().expect("temp dir");
    std::fs::write(workspace.path().join("policy.toml"), POLICY).expect("write policy");
    let output = Depgov::new(workspace.path())
        .args([
            "scan-org",
            "acme",
            "--policy",
            "policy.toml",
            "--out",
            "out",
            "--requests-per-minute",
            "0",
        ])
        .env("DEPGOV_OSV_DB", osv.path())
        .env("DEPGOV_GITHUB_BACKOFF_MS", "1")
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_API_URL", server.api_url())
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace.path().join("out/report.json")).expect("report.json"),
    )
    .expect("JSON");
    let usages: Vec<String> = report["vulnerabilities"]
        .as_array()
        .unwrap_or_else(|| panic!("vulnerabilities: {report:#}"))
        .iter()
        .map(|usage| usage.to_string())
        .collect();
    let text = usages.join("\n");
    assert!(
        text.contains("web-lib") && text.contains("evil-helper"),
        "{text}"
    );
    let web_lib = report["vulnerabilities"]
        .as_array()
        .expect("vulnerabilities")
        .iter()
        .find(|u| u.to_string().contains("web-lib"))
        .expect("web-lib");
    let repos = web_lib.to_string();
    assert!(
        repos.contains("acme/web") && repos.contains("acme/api"),
        "{repos}"
    );
    assert!(!repos.contains("acme/fixed"), "{repos}");
    let markdown =
        std::fs::read_to_string(workspace.path().join("out/report.md")).expect("report.md");
    assert!(markdown.contains("Vulnerable components"), "{markdown}");
    let markdown = markdown.replace('\\', "");
    assert!(
        markdown.contains("| **web-lib** | 1.0.0 | vulnerability | web-lib 1.0.0 is affected by GHSA-orgs-0000-0001"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| **evil-helper** | 6.6.6 | malicious |"),
        "{markdown}"
    );
}

#[test]
fn facts_fetch_osv_downloads_each_ecosystems_archive_for_offline_runs() {
    let fake = FakeSources::start();
    fake.add_osv(npm_record(
        "GHSA-dwnl-0000-0001",
        "web-lib",
        &[("introduced", "0"), ("fixed", "2.0.0")],
    ));
    fake.add_osv(record(
        "PYSEC-2026-77",
        vec![ranged(
            "PyPI",
            "py-lib",
            "ECOSYSTEM",
            &[("introduced", "0"), ("fixed", "3.0")],
        )],
    ));
    let repo = repository(&[
        (
            "package-lock.json",
            package_lock(&[locked("web-lib", "1.0.0")]),
        ),
        ("requirements.txt", requirements(&[("py-lib", "2.0")])),
        ("depgov.toml", POLICY.to_owned()),
    ]);
    let cache = tempfile::tempdir().expect("temp dir");
    let cache_dir = cache.path().to_string_lossy().into_owned();
    let fetch = || {
        let output = online(
            repo.path(),
            &fake,
            &["facts", "fetch", "--lockfile-only", "--osv"],
            &[("DEPGOV_CACHE_DIR", cache_dir.as_str())],
        );
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        output
    };
    // Offline, with the cache only: the downloaded database is the one used.
    let check = || {
        let output = Depgov::new(repo.path())
            .env_remove("DEPGOV_OSV_DB")
            .env("DEPGOV_CACHE_DIR", &cache_dir)
            .args(["check", "--lockfile-only", "--format", "json"])
            .run();
        assert_ne!(code(&output), 2, "{}", stderr(&output));
        report(&output)
    };

    // A proxy's HTML page instead of the first archive: a warning, and nothing written in
    // its place.
    fake.fault(Route::OsvArchive, Fault::Html(200));
    let output = fetch();
    let err = stderr(&output);
    assert_eq!(lines_with(&err, "OSV database for"), 1, "{err}");
    assert!(err.contains("not a zip archive"), "{err}");
    assert_eq!(fake.count(Route::OsvArchive), 2);
    let first = check();
    assert_eq!(vulnerable(&first).len(), 1, "{first:#}");

    let output = fetch();
    assert_eq!(
        database_indexes(cache.path()).len(),
        1,
        "the download is indexed"
    );
    assert!(
        stdout(&output).contains("OSV database npm")
            && stdout(&output).contains("OSV database PyPI"),
        "{}",
        stdout(&output)
    );
    let second = check();
    assert_eq!(
        vulnerable(&second),
        BTreeSet::from(["web-lib@1.0.0".to_owned(), "py-lib@2.0".to_owned()]),
        "{second:#}"
    );
    let used = &second["facts"]["used"];
    assert!(
        used.as_array()
            .expect("used")
            .iter()
            .any(|u| u["source"] == "osv-database" && u["failure"].is_null()),
        "{used:#}"
    );
}

/// The indexes of offline databases the cache directory `cache` holds.
fn database_indexes(cache: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![cache.join("facts/v1/osv-database")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "bin") {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn the_database_index_is_kept_follows_a_changed_record_and_a_damaged_one_is_rebuilt() {
    let repo = repository(&[
        (
            "package-lock.json",
            package_lock(&[locked("web-lib", "1.0.0"), locked("other-lib", "1.0.0")]),
        ),
        ("depgov.toml", POLICY.to_owned()),
    ]);
    // `fixed` at 2.0.0 affects web-lib 1.0.0; at 1.0.0, of the same length, it does not.
    let records = |fixed: &str| {
        vec![
            npm_record(
                "GHSA-indx-0000-0001",
                "web-lib",
                &[("introduced", "0"), ("fixed", fixed)],
            ),
            npm_record(
                "GHSA-indx-0000-0002",
                "other-lib",
                &[("introduced", "0"), ("fixed", "1.0.1")],
            ),
        ]
    };
    let both = BTreeSet::from(["web-lib@1.0.0".to_owned(), "other-lib@1.0.0".to_owned()]);
    let one = BTreeSet::from(["other-lib@1.0.0".to_owned()]);
    for zipped in [&[][..], &["npm"][..]] {
        let osv = database(&records("2.0.0"), zipped);
        let cache = tempfile::tempdir().expect("temp dir");
        let check = || {
            let output = Depgov::new(repo.path())
                .env("DEPGOV_OSV_DB", osv.path())
                .env("DEPGOV_CACHE_DIR", cache.path())
                .args(["check", "--lockfile-only", "--format", "json"])
                .run();
            assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
            assert_ne!(code(&output), 2, "{}", stderr(&output));
            vulnerable(&report(&output))
        };
        let state = |path: &Path| {
            let metadata = std::fs::metadata(path).expect("the index");
            (
                std::fs::read(path).expect("the index"),
                metadata.modified().ok(),
            )
        };

        // The first run writes the index, the second reads it and leaves it as it is.
        assert_eq!(check(), both, "{zipped:?}");
        let [index] = &database_indexes(cache.path())[..] else {
            panic!("not one index: {:?}", database_indexes(cache.path()));
        };
        let kept = state(index);
        assert_eq!(check(), both, "{zipped:?}");
        assert_eq!(
            state(index),
            kept,
            "{zipped:?}: the index was written again"
        );

        // A record changed in place: the next run reads it as it is now.
        write_database(osv.path(), &records("1.0.0"), zipped);
        assert_eq!(check(), one, "{zipped:?}");
        let good = std::fs::read(index).expect("the index");
        assert_ne!(
            good, kept.0,
            "{zipped:?}: the index did not follow the change"
        );

        // An index cut short, with a byte changed, or not an index at all, is read again
        // (never a wrong answer) and written whole.
        let mut changed = good.clone();
        changed[good.len() / 2] ^= 0x20;
        for damaged in [good[..good.len() / 2].to_vec(), changed, b"{}".to_vec()] {
            std::fs::write(index, &damaged).expect("damage the index");
            assert_eq!(check(), one, "{zipped:?}");
            assert_eq!(std::fs::read(index).expect("the index"), good, "{zipped:?}");
        }
    }
}
