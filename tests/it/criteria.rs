//! The criteria of acceptability (`[criteria]`), end to end: the real binary against the fake
//! registries, deps.dev and OpenSSF Scorecard (`common/fake_sources/`), on repositories whose
//! lockfiles are written from the package managers' documented formats. For every criterion —
//! deprecated, yanked, unmaintained, stale, scorecard, too-new, license-changed, unknown —:
//! the ring the policy gives it is the finding's ring and severity; the finding carries its
//! evidence; an adopt or trial entry answers what it may; an exception waives it; with
//! `--base` new usage is graded new and existing usage debt; and the organisation report
//! gathers the community's health by repository.

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};
use tempfile::TempDir;

use crate::common::fake_sources::{Card, FakeSources, Fault, Package, Route, Service};
use crate::common::{Depgov, code, git, stderr, stdout};
use crate::facts_remote::{
    Locked, cargo_lock, commit_lockfile, depgov, locked, package_lock, report, repository,
    requirements, scan_org,
};

/// Published well inside every window: not stale, not too new.
const RECENTLY: &str = "2026-06-01T10:20:30Z";

/// The rule ids of the criteria.
const HEALTH_RULES: [&str; 8] = [
    "health-deprecated",
    "health-yanked",
    "health-unmaintained",
    "health-stale",
    "health-scorecard",
    "health-too-new",
    "license-changed",
    "health-unknown",
];

/// A policy judging nothing but the criteria, each on `ring`, with `extra` appended.
fn policy(ring: &str, extra: &str) -> String {
    format!(
        "version = 1\n\n[defaults]\nring = \"adopt\"\n\n[licenses]\nunlisted = \"adopt\"\nunknown = \"adopt\"\n\n\
         [sources]\nunknown-registry = \"adopt\"\n\n[criteria]\ndeprecated = \"{ring}\"\nyanked = \"{ring}\"\n\
         unmaintained = \"{ring}\"\nstale = {{ ring = \"{ring}\", days = 730 }}\n\
         scorecard = {{ ring = \"{ring}\", below = 3.0 }}\ntoo-new = {{ ring = \"{ring}\", days = 3 }}\n\
         license-changed = \"{ring}\"\nunknown = \"{ring}\"\n{extra}"
    )
}

/// `github.com/acme/NAME`, the repository of every fixture package.
fn project(name: &str) -> String {
    format!("github.com/acme/{name}")
}

/// A healthy repository's card: well above the threshold, maintained.
fn healthy(name: &str) -> Card {
    Card::new(&project(name), 7.5)
        .check(
            "Maintained",
            10,
            "30 commit(s) and 12 issue activity found in the last 90 days",
        )
        .check("License", 10, "license file detected")
}

/// A package of the fixture, published [`RECENTLY`] from its repository at `github.com/acme`.
fn package(package: Package) -> Package {
    let repository = format!("https://{}", project(&package.name));
    package.published(RECENTLY).repository(&repository)
}

/// The fake, knowing packages that each fail one criterion, and healthy cards for the rest.
fn sources() -> FakeSources {
    let fake = FakeSources::start();
    for added in [
        // deprecated, by npm (and deps.dev) and by its index (PEP 792).
        package(Package::npm("request", "2.88.2"))
            .license("Apache-2.0")
            .deprecated(
                "request has been deprecated, see https://github.com/request/request/issues/3142",
            ),
        package(Package::pypi("oldlib", "1.0"))
            .license("MIT")
            .project_status("deprecated", Some("use newlib")),
        // yanked, from crates.io and from PyPI.
        package(Package::cargo("time", "0.3.0"))
            .license("MIT OR Apache-2.0")
            .yanked(""),
        package(Package::pypi("urllib3", "2.0.0"))
            .license("MIT")
            .yanked("Broken release, use 2.0.1"),
        // unmaintained: archived on PyPI, a RustSec notice, an archived repository.
        package(Package::pypi("nose", "1.3.7"))
            .license("LGPL-2.1-only")
            .project_status("archived", Some("no longer maintained")),
        package(Package::cargo("ansi_term", "0.12.1")).license("MIT"),
        package(Package::npm("archived-lib", "1.0.0")).license("MIT"),
        // stale: its only release is from 2018.
        package(Package::npm("left-pad", "1.3.0"))
            .license("WTFPL")
            .published("2018-03-01T10:20:30Z"),
        // scorecard below 3.
        package(Package::npm("tiny-lib", "1.0.0")).license("MIT"),
        // too new: published yesterday.
        package(Package::npm("fresh", "2.0.0"))
            .license("MIT")
            .published("2026-12-31T08:00:00Z"),
        // relicensed: 1.9.0 was MPL-2.0, 2.0.0 (locked) is BUSL-1.1; 2.1.0 is the newest, so
        // deps.dev does not give the newest release's date for 2.0.0 and npm is asked.
        package(Package::npm("relicensed", "1.9.0"))
            .license("MPL-2.0")
            .published("2026-01-01T10:20:30Z"),
        package(Package::npm("relicensed", "2.0.0")).license("BUSL-1.1"),
        package(Package::npm("relicensed", "2.1.0"))
            .license("BUSL-1.1")
            .published("2026-07-01T10:20:30Z"),
        // known to no source: every criterion's data is missing.
        Package::npm("ghost", "1.0.0")
            .unknown_to(Service::DepsDev)
            .unknown_to(Service::Npm),
    ] {
        fake.add(added);
    }
    for name in [
        "request",
        "oldlib",
        "time",
        "urllib3",
        "nose",
        "ansi_term",
        "left-pad",
        "fresh",
        "relicensed",
    ] {
        fake.add_scorecard(healthy(name));
    }
    fake.add_scorecard(
        Card::new(&project("archived-lib"), 6.0)
            .check("Maintained", 0, "project is archived")
            .check("License", 10, "license file detected"),
    );
    fake.add_scorecard(
        Card::new(&project("tiny-lib"), 2.3)
            .check("Code-Review", 0, "Found 0/30 approved changesets")
            .check("Fuzzing", -1, "internal error: no fuzzer found")
            .check("SAST", -1, "internal error")
            .check("Branch-Protection", 1, "branch protection is not maximal")
            .check("Pinned-Dependencies", 3, "dependency not pinned by hash")
            .check("Maintained", 10, "30 commit(s) found in the last 90 days")
            .check("License", 10, "license file detected"),
    );
    fake
}

/// The npm packages of the fixture, as locked.
const NPM: [(&str, &str); 7] = [
    ("request", "2.88.2"),
    ("archived-lib", "1.0.0"),
    ("left-pad", "1.3.0"),
    ("tiny-lib", "1.0.0"),
    ("fresh", "2.0.0"),
    ("relicensed", "2.0.0"),
    ("ghost", "1.0.0"),
];

fn npm_lock(packages: &[(&str, &str)]) -> String {
    let locked: Vec<Locked> = packages.iter().map(|(n, v)| locked(n, v)).collect();
    package_lock(&locked)
}

/// An OSV database of one record: RustSec's notice that `ansi_term` is unmaintained (OSV
/// schema 1.6; RustSec exports informational advisories with
/// `affected[].database_specific.informational`).
fn osv_database() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let record = json!({
        "schema_version": "1.6.0",
        "id": "RUSTSEC-2021-0139",
        "modified": "2021-11-21T00:00:00Z",
        "published": "2021-08-18T12:00:00Z",
        "summary": "ansi_term is Unmaintained",
        "details": "The maintainer has advised that this crate is deprecated and will not receive any maintenance.",
        "affected": [{
            "package": {"ecosystem": "crates.io", "name": "ansi_term", "purl": "pkg:cargo/ansi_term"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0.0.0-0"}]}],
            "database_specific": {"categories": [], "cvss": null, "informational": "unmaintained"},
        }],
        "references": [{"type": "ADVISORY", "url": "https://rustsec.org/advisories/RUSTSEC-2021-0139.html"}],
    });
    std::fs::write(
        dir.path().join("RUSTSEC-2021-0139.json"),
        serde_json::to_string_pretty(&record).expect("JSON"),
    )
    .expect("write record");
    dir
}

/// A repository (one commit) using every package of the fixture, with `policy` as
/// `depgov.toml`.
fn fixture(policy: &str) -> TempDir {
    let repo = repository(&[
        ("depgov.toml", policy.to_owned()),
        ("package-lock.json", npm_lock(&NPM)),
        (
            "requirements.txt",
            requirements(&[("oldlib", "1.0"), ("urllib3", "2.0.0"), ("nose", "1.3.7")]),
        ),
        (
            "Cargo.lock",
            cargo_lock(&[("time", "0.3.0", None), ("ansi_term", "0.12.1", None)]),
        ),
    ]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-qm", "base"]);
    repo
}

/// `depgov ARGS` in `dir` with facts from `fake` and the RustSec notice.
fn run(dir: &Path, fake: &FakeSources, osv: &TempDir, args: &[&str]) -> Output {
    let database = osv.path().to_string_lossy().into_owned();
    depgov(dir, fake, args, &[("DEPGOV_OSV_DB", &database)])
}

/// The findings of the criteria in a JSON report, as `(rule, name, severity, ring)`.
fn health(report: &Value) -> Vec<(String, String, String, String)> {
    columns(report, "/severity", "/ring")
}

/// The findings of the criteria in a JSON report, as `(rule, name, …)` with the fields at two
/// JSON pointers, sorted.
fn columns(report: &Value, third: &str, fourth: &str) -> Vec<(String, String, String, String)> {
    let text = |f: &Value, pointer: &str| {
        f.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let mut found: Vec<_> = findings(report)
        .map(|f| {
            (
                text(f, "/rule"),
                text(f, "/component/name"),
                text(f, third),
                text(f, fourth),
            )
        })
        .collect();
    found.sort();
    found
}

/// The findings of the criteria in a JSON report.
fn findings(report: &Value) -> impl Iterator<Item = &Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| HEALTH_RULES.contains(&f["rule"].as_str().unwrap_or("")))
}

/// The one finding of `rule` on `name`.
fn finding<'a>(report: &'a Value, rule: &str, name: &str) -> &'a Value {
    let mut matching =
        findings(report).filter(|f| f["rule"] == rule && f["component"]["name"] == name);
    let found = matching
        .next()
        .unwrap_or_else(|| panic!("no {rule} on {name} in {:#}", report["findings"]));
    assert!(matching.next().is_none(), "two {rule} on {name}");
    found
}

/// What the fixture fails, every finding on `ring` with `severity`.
fn expected(severity: &str, ring: &str) -> Vec<(String, String, String, String)> {
    let mut all: Vec<_> = [
        ("health-deprecated", "oldlib"),
        ("health-deprecated", "request"),
        ("health-scorecard", "tiny-lib"),
        ("health-stale", "left-pad"),
        ("health-too-new", "fresh"),
        ("health-unknown", "ghost"),
        ("health-unmaintained", "ansi_term"),
        ("health-unmaintained", "archived-lib"),
        ("health-unmaintained", "nose"),
        ("health-yanked", "time"),
        ("health-yanked", "urllib3"),
        ("license-changed", "relicensed"),
    ]
    .into_iter()
    .map(|(rule, name)| (rule.into(), name.into(), severity.into(), ring.into()))
    .collect();
    all.sort();
    all
}

#[test]
fn each_criterion_fails_on_the_ring_the_policy_gives_it() {
    let fake = sources();
    let osv = osv_database();
    for (ring, severity, exit) in [
        ("assess", "note", 0),
        ("hold", "warning", 0),
        ("remove", "error", 1),
    ] {
        let repo = fixture(&policy(ring, ""));
        let output = run(repo.path(), &fake, &osv, &["check", "--format", "json"]);
        assert_eq!(code(&output), exit, "{ring}: {}", stderr(&output));
        assert_eq!(health(&report(&output)), expected(severity, ring), "{ring}");
    }
    // A criterion on adopt, or not set, is not judged.
    let repo = fixture(&policy("adopt", ""));
    let output = run(repo.path(), &fake, &osv, &["check", "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(health(&report(&output)), []);
}

#[test]
fn each_finding_carries_its_evidence() {
    let fake = sources();
    let osv = osv_database();
    let repo = fixture(&policy("hold", ""));
    let output = run(repo.path(), &fake, &osv, &["check", "--format", "json"]);
    let report = report(&output);
    let evidence = |rule: &str, name: &str| finding(&report, rule, name)["evidence"].clone();
    let message = |rule: &str, name: &str| {
        finding(&report, rule, name)["message"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };
    let source = |evidence: &Value| {
        let source = evidence["source"].as_str().unwrap_or("").to_owned();
        let (from, when) = source.split_once(", fetched ").unwrap_or((&source, ""));
        assert!(when.len() >= 20, "a fetched fact says when: {source}");
        from.to_owned()
    };

    let request = evidence("health-deprecated", "request");
    assert_eq!(
        request["message"],
        "request has been deprecated, see https://github.com/request/request/issues/3142"
    );
    assert_eq!(source(&request), "deps.dev");
    assert!(message("health-deprecated", "request").contains("is deprecated by its registry"));
    let oldlib = evidence("health-deprecated", "oldlib");
    assert_eq!(oldlib["status"], "deprecated");
    assert_eq!(oldlib["message"], "use newlib");
    assert_eq!(source(&oldlib), "PyPI");

    let urllib3 = evidence("health-yanked", "urllib3");
    assert_eq!(urllib3["message"], "Broken release, use 2.0.1");
    assert_eq!(source(&urllib3), "PyPI");
    assert_eq!(source(&evidence("health-yanked", "time")), "crates.io");
    assert!(message("health-yanked", "time").contains("time 0.3.0 was yanked"));

    let nose = evidence("health-unmaintained", "nose");
    assert_eq!(nose["status"], "archived");
    assert_eq!(nose["message"], "no longer maintained");
    let ansi_term = evidence("health-unmaintained", "ansi_term");
    assert_eq!(ansi_term["ids"], json!(["RUSTSEC-2021-0139"]));
    assert_eq!(ansi_term["message"], "ansi_term is Unmaintained");
    let archived = evidence("health-unmaintained", "archived-lib");
    assert_eq!(archived["repository"], "github.com/acme/archived-lib");
    assert_eq!(archived["message"], "project is archived");

    let left_pad = evidence("health-stale", "left-pad");
    assert!(
        left_pad["latest_release"]
            .as_str()
            .is_some_and(|d| d.starts_with("2018-03-01")),
        "{left_pad}"
    );
    assert_eq!(left_pad["days"], 3228);
    assert!(message("health-stale", "left-pad").contains("possibly unmaintained"));

    let tiny = evidence("health-scorecard", "tiny-lib");
    assert_eq!(tiny["score"], 2.3);
    assert_eq!(tiny["repository"], "github.com/acme/tiny-lib");
    // The inconclusive checks (-1) are not the weakest.
    assert_eq!(
        tiny["weakest_checks"],
        json!([
            "Code-Review 0",
            "Branch-Protection 1",
            "Pinned-Dependencies 3"
        ])
    );
    assert_eq!(
        tiny["link"],
        "https://scorecard.dev/viewer/?uri=github.com/acme/tiny-lib"
    );

    let fresh = evidence("health-too-new", "fresh");
    assert!(
        fresh["published"]
            .as_str()
            .is_some_and(|d| d.starts_with("2026-12-31")),
        "{fresh}"
    );
    assert_eq!(fresh["days"], 1);

    let relicensed = evidence("license-changed", "relicensed");
    assert_eq!(relicensed["previous_version"], "1.9.0");
    assert_eq!(relicensed["previous_license"], "MPL-2.0");
    assert_eq!(relicensed["license"], "BUSL-1.1");
    assert_eq!(source(&relicensed), "npm registry");

    let ghost = evidence("health-unknown", "ghost");
    assert_eq!(
        ghost["criteria"],
        json!([
            "deprecated",
            "unmaintained",
            "stale",
            "scorecard",
            "too-new"
        ])
    );
    assert!(message("health-unknown", "ghost").contains("could not be judged"));
}

/// The packages of the fixture that fail a criterion.
const FAILING: [&str; 11] = [
    "pkg:npm/request",
    "pkg:pypi/oldlib",
    "pkg:cargo/time",
    "pkg:pypi/urllib3",
    "pkg:pypi/nose",
    "pkg:cargo/ansi_term",
    "pkg:npm/archived-lib",
    "pkg:npm/left-pad",
    "pkg:npm/tiny-lib",
    "pkg:npm/fresh",
    "pkg:npm/relicensed",
];

/// A policy entry for each of `purls`: `ring`, with `extra` lines.
fn entries(purls: &[&str], ring: &str, extra: &str) -> String {
    let mut text = String::new();
    for purl in purls {
        text.push_str(&format!(
            "\n[[components]]\npurl = \"{purl}\"\nring = \"{ring}\"\nreason = \"The OSPO reviewed it\"\n\
             use-instead = [\"{purl}-next\"]\nlink = \"https://ospo.example/radar\"\n{extra}"
        ));
    }
    text
}

#[test]
fn an_adopt_or_trial_entry_answers_the_soft_criteria_but_not_deprecated_yanked_or_relicensed() {
    let fake = sources();
    let osv = osv_database();
    // Deprecated, yanked and relicensed stay, with the entry's reason, link and use-instead.
    let must_stay: Vec<_> = expected("warning", "hold")
        .into_iter()
        .filter(|(rule, ..)| {
            matches!(
                rule.as_str(),
                "health-deprecated" | "health-yanked" | "license-changed" | "health-unknown"
            )
        })
        .collect();
    for ring in ["adopt", "trial"] {
        let repo = fixture(&policy("hold", &entries(&FAILING, ring, "")));
        let output = run(repo.path(), &fake, &osv, &["check", "--format", "json"]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        let report = report(&output);
        assert_eq!(health(&report), must_stay, "{ring}");
        let request = finding(&report, "health-deprecated", "request");
        assert_eq!(request["reason"], "The OSPO reviewed it");
        assert_eq!(request["use_instead"], json!(["pkg:npm/request-next"]));
        assert_eq!(request["link"], "https://ospo.example/radar");
    }
    // Unless the entry accepts them.
    let accept = "accept = [\"deprecated\", \"yanked\", \"license-changed\"]\n";
    let repo = fixture(&policy("hold", &entries(&FAILING, "trial", accept)));
    let output = run(repo.path(), &fake, &osv, &["check", "--format", "json"]);
    assert_eq!(
        health(&report(&output)),
        [(
            "health-unknown".into(),
            "ghost".into(),
            "warning".into(),
            "hold".into()
        )]
    );
    // An entry on hold or assess answers nothing: its own finding, and every criterion's.
    let repo = fixture(&policy("remove", &entries(&FAILING, "assess", accept)));
    let output = run(repo.path(), &fake, &osv, &["check", "--format", "json"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let mut remaining = expected("error", "remove");
    remaining.retain(|(rule, ..)| {
        !matches!(
            rule.as_str(),
            "health-deprecated" | "health-yanked" | "license-changed"
        )
    });
    assert_eq!(health(&report(&output)), remaining);
}

#[test]
fn an_exception_waives_the_criteria() {
    let fake = sources();
    let osv = osv_database();
    let mut exceptions = String::new();
    for purl in ["pkg:npm/*", "pkg:pypi/*", "pkg:cargo/*"] {
        exceptions.push_str(&format!(
            "\n[[exceptions]]\npurl = \"{purl}\"\nexpires = 2027-03-31\nreason = \"Migration planned\"\n\
             approved-by = \"ospo\"\nticket = \"OSPO-7\"\n"
        ));
    }
    let repo = fixture(&policy("remove", &exceptions));
    let output = run(repo.path(), &fake, &osv, &["check", "--format", "json"]);
    // Reported, waived, and failing nothing.
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = report(&output);
    assert_eq!(health(&report), expected("error", "remove"));
    for finding in findings(&report) {
        assert_eq!(finding["waiver"]["ticket"], "OSPO-7", "{finding}");
    }
}

#[test]
fn with_a_base_new_usage_is_new_and_existing_usage_is_debt() {
    let fake = sources();
    // At base: request (deprecated), left-pad (stale), fresh (too new, already used),
    // relicensed at its MPL-2.0 release.
    fake.add(
        package(Package::npm("fresh", "1.0.0"))
            .license("MIT")
            .published("2026-12-30T08:00:00Z"),
    );
    let osv = osv_database();
    let repo = repository(&[("depgov.toml", policy("hold", ""))]);
    commit_lockfile(
        repo.path(),
        &[
            ("request", "2.88.2"),
            ("left-pad", "1.3.0"),
            ("fresh", "1.0.0"),
            ("relicensed", "1.9.0"),
        ],
        "base",
    );
    git(repo.path(), &["checkout", "-qb", "change"]);
    // The change keeps request and left-pad, keeps fresh 1.0.0, bumps relicensed to its
    // BUSL-1.1 release, and adds tiny-lib (low Scorecard), archived-lib (archived) and
    // fresh's brand-new major under another name.
    fake.add(
        package(Package::npm("fresher", "1.0.0"))
            .license("MIT")
            .published("2026-12-31T20:00:00Z"),
    );
    fake.add_scorecard(healthy("fresher"));
    commit_lockfile(
        repo.path(),
        &[
            ("request", "2.88.2"),
            ("left-pad", "1.3.0"),
            ("fresh", "1.0.0"),
            ("relicensed", "2.0.0"),
            ("tiny-lib", "1.0.0"),
            ("archived-lib", "1.0.0"),
            ("fresher", "1.0.0"),
        ],
        "bump relicensed, add tiny-lib, archived-lib and fresher",
    );
    let output = run(
        repo.path(),
        &fake,
        &osv,
        &["check", "--base", "main", "--format", "json"],
    );
    // New hold usage is an error.
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let judged = report(&output);
    let graded = columns(&judged, "/change", "/severity");
    let row = |rule: &str, name: &str, change: &str, severity: &str| {
        (rule.into(), name.into(), change.into(), severity.into())
    };
    assert_eq!(
        graded,
        [
            // Existing usage is debt: a warning on hold.
            row("health-deprecated", "request", "existing", "warning"),
            // fresh 1.0.0 is too new, but the change does not introduce it: not judged.
            row("health-scorecard", "tiny-lib", "new", "error"),
            row("health-stale", "left-pad", "existing", "warning"),
            row("health-too-new", "fresher", "new", "error"),
            row("health-unmaintained", "archived-lib", "new", "error"),
            row("license-changed", "relicensed", "new", "error"),
        ]
    );
    let relicensed = finding(&judged, "license-changed", "relicensed");
    assert_eq!(
        relicensed["message"],
        "this change moves relicensed from 1.9.0 (MPL-2.0) to 2.0.0 (BUSL-1.1): its license changed"
    );
    assert_eq!(relicensed["evidence"]["previous_version"], "1.9.0");
    assert_eq!(relicensed["evidence"]["previous_license"], "MPL-2.0");
    assert_eq!(relicensed["evidence"]["license"], "BUSL-1.1");

    // --only-new leaves the debt out.
    let output = run(
        repo.path(),
        &fake,
        &osv,
        &["check", "--base", "main", "--only-new", "--format", "json"],
    );
    let changes: Vec<String> = findings(&report(&output))
        .map(|f| f["change"].as_str().unwrap_or("").to_owned())
        .collect();
    assert!(
        !changes.is_empty() && changes.iter().all(|c| c == "new"),
        "{changes:?}"
    );
}

#[test]
fn missing_data_is_health_unknown_on_its_ring_and_never_fails_by_default() {
    let fake = sources();
    // Every source is down.
    for route in [
        Route::DepsDevBatch,
        Route::DepsDevVersion,
        Route::DepsDevProjects,
        Route::Scorecard,
        Route::Npm,
        Route::Pypi,
        Route::PypiSimple,
        Route::CratesIndex,
        Route::CratesApi,
    ] {
        fake.always(route, Fault::status(503));
    }
    let repo = repository(&[
        ("package-lock.json", npm_lock(&[("request", "2.88.2")])),
        ("requirements.txt", requirements(&[("urllib3", "2.0.0")])),
        ("Cargo.lock", cargo_lock(&[("time", "0.3.0", None)])),
    ]);
    // The default policy: one note per component, naming the criteria and why, and exit 0.
    let output = depgov(repo.path(), &fake, &["check", "--format", "json"], &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let judged = report(&output);
    assert_eq!(
        health(&judged),
        ["request", "time", "urllib3"].map(|name| (
            "health-unknown".to_owned(),
            name.to_owned(),
            "note".to_owned(),
            "assess".to_owned()
        ))
    );
    let unknown = finding(&judged, "health-unknown", "request");
    assert_eq!(
        unknown["evidence"]["criteria"],
        json!([
            "deprecated",
            "unmaintained",
            "stale",
            "scorecard",
            "too-new"
        ])
    );
    assert!(
        unknown["message"]
            .as_str()
            .is_some_and(|m| m.contains("could not be reached")),
        "{unknown}"
    );
    // Only crates.io and PyPI yank: the npm component above is not missing a yank, the PyPI
    // one is.
    let urllib3 = finding(&judged, "health-unknown", "urllib3");
    assert!(
        urllib3["evidence"]["criteria"]
            .as_array()
            .is_some_and(|c| c.contains(&json!("yanked"))),
        "{urllib3}"
    );
    // Offline with an empty cache, the same.
    let output = Depgov::new(repo.path())
        .args(["check", "--offline", "--format", "json"])
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(health(&crate::common::json(&output)).len(), 3);
    // The policy's ring decides.
    std::fs::write(repo.path().join("depgov.toml"), policy("remove", "")).expect("write policy");
    let output = depgov(repo.path(), &fake, &["check", "--format", "json"], &[]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        health(&report(&output))
            .iter()
            .all(|(rule, _, severity, _)| rule == "health-unknown" && severity == "error")
    );
}

/// `fetched 2026-…` in a report, where the real clock shows.
fn redact_fetched(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("fetched ") {
        let (before, after) = rest.split_at(at + "fetched ".len());
        out.push_str(before);
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '.' | '+')))
            .unwrap_or(after.len());
        out.push_str("[time]");
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn the_human_and_json_reports_show_the_findings_with_their_evidence() {
    let fake = sources();
    let osv = osv_database();
    // On trial, request and relicensed keep their hard findings, with the entry's reason.
    let trial = entries(&["pkg:npm/request", "pkg:npm/relicensed"], "trial", "");
    let repo = fixture(&policy("hold", &trial));
    let human = run(repo.path(), &fake, &osv, &["check"]);
    assert_eq!(code(&human), 0, "{}", stderr(&human));
    insta::assert_snapshot!("criteria_human", redact_fetched(&stdout(&human)));
    let output = run(repo.path(), &fake, &osv, &["check", "--format", "json"]);
    let mut report = crate::common::json(&output);
    // The report's findings of the criteria, as JSON.
    let findings: Vec<Value> = findings(&report).cloned().collect();
    report = Value::Array(findings);
    let text = redact_fetched(&serde_json::to_string_pretty(&report).expect("JSON"));
    insta::assert_snapshot!("criteria_json", text);
}

/// Every crate was `health-unknown` "on deprecated: no source reports them": crates.io has no
/// deprecation and deps.dev's flag on a crate is its yank, so a crate's deprecation was always
/// missing.
#[test]
fn crates_are_not_health_unknown_for_a_deprecation_crates_io_does_not_have() {
    let fake = sources();
    let repo = repository(&[("Cargo.lock", cargo_lock(&[("ansi_term", "0.12.1", None)]))]);
    let output = depgov(repo.path(), &fake, &["check", "--format", "json"], &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(health(&report(&output)), []);
}

#[test]
fn the_org_report_gathers_community_health_by_repository() {
    use crate::common::fake_github::org::FakeRepo;
    use crate::common::fake_github::{FakeGitHub, TokenKind};
    const TOKEN: &str = "ghp_criteria0health0sentinel0123456789a";
    let github = FakeGitHub::start(TOKEN, TokenKind::User("ospo".into()), "");
    github.add_org(
        "acme",
        false,
        vec![
            FakeRepo::new("web").file(
                "package-lock.json",
                &npm_lock(&[
                    ("request", "2.88.2"),
                    ("relicensed", "2.0.0"),
                    ("left-pad", "1.3.0"),
                ]),
            ),
            FakeRepo::new("api")
                .file(
                    "package-lock.json",
                    &npm_lock(&[("request", "2.88.2"), ("archived-lib", "1.0.0")]),
                )
                .file(
                    "requirements.txt",
                    &requirements(&[("urllib3", "2.0.0"), ("nose", "1.3.7")]),
                ),
            FakeRepo::new("tools").file(
                "Cargo.lock",
                &cargo_lock(&[("time", "0.3.0", None), ("ansi_term", "0.12.1", None)]),
            ),
            FakeRepo::new("site").file("package-lock.json", &npm_lock(&[("tiny-lib", "1.0.0")])),
        ],
    );
    let fake = sources();
    let osv = osv_database();
    let workspace = tempfile::tempdir().expect("temp dir");
    std::fs::write(workspace.path().join("policy.toml"), policy("hold", "")).expect("policy");
    let output = scan_org(workspace.path(), &fake, &github.api_url(), TOKEN)
        .env("DEPGOV_OSV_DB", osv.path())
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let read = |name: &str| {
        std::fs::read_to_string(workspace.path().join("out").join(name)).expect("a report file")
    };
    let report: Value = serde_json::from_str(&read("report.json")).expect("JSON");
    let mut health: Vec<(String, String, Vec<String>)> = report["health"]
        .as_array()
        .expect("a community-health section")
        .iter()
        .map(|usage| {
            let repos = usage["repos"]
                .as_array()
                .expect("repos")
                .iter()
                .map(|r| r.as_str().unwrap_or("").to_owned())
                .collect();
            (
                usage["rule"].as_str().unwrap_or("").to_owned(),
                usage["component"]["name"].as_str().unwrap_or("").to_owned(),
                repos,
            )
        })
        .collect();
    health.sort();
    let row = |rule: &str, name: &str, repos: &[&str]| {
        (
            rule.to_owned(),
            name.to_owned(),
            repos.iter().map(|r| (*r).to_owned()).collect::<Vec<_>>(),
        )
    };
    // Deprecated, unmaintained, yanked and relicensed; not stale, a low Scorecard or unknown.
    assert_eq!(
        health,
        [
            row("health-deprecated", "request", &["acme/api", "acme/web"]),
            row("health-unmaintained", "ansi_term", &["acme/tools"]),
            row("health-unmaintained", "archived-lib", &["acme/api"]),
            row("health-unmaintained", "nose", &["acme/api"]),
            row("health-yanked", "time", &["acme/tools"]),
            row("health-yanked", "urllib3", &["acme/api"]),
            row("license-changed", "relicensed", &["acme/web"]),
        ]
    );
    let markdown = read("report.md");
    assert!(markdown.contains("## Community health (7)"), "{markdown}");
    assert!(
        markdown.contains(r"| **request** | 2\.88\.2 | health-deprecated | request 2\.88\.2 is deprecated by its registry")
            && markdown.contains("| 2: acme/api, acme/web |"),
        "{markdown}"
    );
    assert!(read("index.html").contains("Community health"));
}

/// `license-changed` compared the texts of SPDX expressions: a release that wrote its licenses
/// another way — `MIT OR Apache-2.0` after `(MIT OR Apache-2.0)`, `MIT/Apache-2.0` — was
/// reported relicensed, with or without a base.
#[test]
fn the_same_licenses_written_another_way_are_not_license_changed() {
    let fake = FakeSources::start();
    for (version, license) in [
        ("1.0.0", "(MIT OR Apache-2.0)"),
        ("1.1.0", "MIT OR Apache-2.0"),
        ("1.2.0", "MIT/Apache-2.0"),
        ("1.3.0", "MIT OR Apache-2.0"),
    ] {
        fake.add(package(Package::npm("reworded", version)).license(license));
    }
    fake.add_scorecard(healthy("reworded"));
    let osv = osv_database();
    let repo = repository(&[("depgov.toml", policy("hold", ""))]);
    commit_lockfile(repo.path(), &[("reworded", "1.0.0")], "base");
    git(repo.path(), &["checkout", "-qb", "change"]);
    for version in ["1.1.0", "1.2.0"] {
        commit_lockfile(repo.path(), &[("reworded", version)], "bump");
        for args in [
            &["check", "--format", "json"][..],
            &["check", "--base", "main", "--format", "json"],
        ] {
            let output = run(repo.path(), &fake, &osv, args);
            assert_eq!(code(&output), 0, "{}", stderr(&output));
            let judged = report(&output);
            let license = judged["components"][0]["license"].clone();
            assert_eq!(health(&judged), [], "{version} ({license}), {args:?}");
        }
    }
}
