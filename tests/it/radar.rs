//! `depgov radar propose`: organisation reports from real scans of the fake GitHub turned into
//! proposed ring changes — the markdown, the radar CSV that `policy import-radar` reads back,
//! and the policy layer that `policy check` accepts.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};

use crate::common::fake_github::org::{FakeRepo, npm_lock_of};
use crate::common::fake_github::{FakeGitHub, TokenKind};
use crate::common::{Depgov, code, stderr, stdout};

const TOKEN: &str = "ghp_SENTINELradar4b8e1f0c2d7a9e3b5c6d";

const POLICY: &str = r#"version = 1
name = "Acme OSPO"
contact = "ospo@acme.example"

[defaults]
ring = "assess"

[licenses]
adopt = ["MIT", "Apache-2.0", "ISC"]

[[components]]
purl = "pkg:npm/left-pad"
ring = "hold"
reason = "Use String.prototype.padStart"

[[components]]
purl = "pkg:npm/moment"
ring = "adopt"

[[components]]
purl = "pkg:npm/axios"
ring = "trial"
"#;

/// A repository whose package-lock.json holds `packages` (name, version), all MIT.
fn npm_repo(name: &str, packages: &[(&str, &str)]) -> FakeRepo {
    let packages: Vec<(&str, &str, &str)> = packages
        .iter()
        .map(|(package, version)| (*package, *version, "MIT"))
        .collect();
    FakeRepo::new(name).file("package-lock.json", &npm_lock_of(name, &packages))
}

/// The organisation before: lodash in four repositories, moment in three, left-pad in one,
/// dayjs, axios and got in one or two each.
fn before() -> Vec<FakeRepo> {
    vec![
        npm_repo(
            "shop",
            &[
                ("lodash", "4.17.21"),
                ("moment", "2.29.4"),
                ("left-pad", "1.3.0"),
            ],
        ),
        npm_repo("admin", &[("lodash", "4.17.21"), ("moment", "2.29.4")]),
        npm_repo(
            "search",
            &[
                ("lodash", "4.17.20"),
                ("moment", "2.29.4"),
                ("axios", "1.6.0"),
            ],
        ),
        npm_repo(
            "billing",
            &[
                ("lodash", "4.17.21"),
                ("dayjs", "1.11.10"),
                ("axios", "1.6.0"),
            ],
        ),
        npm_repo("mailer", &[("got", "12.6.1")]),
    ]
}

/// Scans the organisation into `out` on `today`, with `args` added.
fn scan(server: &FakeGitHub, dir: &Path, out: &str, today: &str, args: &[&str]) {
    let output = Depgov::new(dir)
        .args(["scan-org", "acme", "--policy", "policy.toml", "--out", out])
        .args(["--requests-per-minute", "0"])
        .args(args)
        .today(today)
        .env("DEPGOV_GITHUB_BACKOFF_MS", "1")
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_API_URL", server.api_url())
        .run();
    assert_eq!(code(&output), 0, "scan-org: {}", stderr(&output));
}

/// A report the registry's deprecation of moment 2.29.4 and an OSV malicious-package record
/// for got 12.6.1 show in: what a scan with facts gives, written into the report the offline
/// scan made.
fn add_health_and_vulnerabilities(path: &Path) {
    let mut report: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    report["health"] = json!([{
        "rule": "health-deprecated",
        "component": {
            "ecosystem": "npm",
            "name": "moment",
            "version": "2.29.4",
            "purl": "pkg:npm/moment@2.29.4"
        },
        "message": "moment@2.29.4 is deprecated: Moment is in maintenance mode, see https://momentjs.com/docs/#/-project-status/",
        "repos": ["acme/admin", "acme/search", "acme/shop"]
    }]);
    report["vulnerabilities"] = json!([{
        "rule": "malicious",
        "component": {
            "ecosystem": "npm",
            "name": "got",
            "version": "12.6.1",
            "purl": "pkg:npm/got@12.6.1"
        },
        "message": "got@12.6.1 is malicious (MAL-2027-0001)",
        "repos": ["acme/mailer"]
    }]);
    std::fs::write(path, serde_json::to_string_pretty(&report).unwrap()).unwrap();
}

fn propose(dir: &Path, args: &[&str]) -> Output {
    Depgov::new(dir)
        .args([
            "radar",
            "propose",
            "after/report.json",
            "--policy",
            "policy.toml",
        ])
        .args(args)
        .run()
}

/// Two scans three months apart (left-pad spreads to two more repositories in between), and
/// the proposal from them in `proposal/`.
fn proposed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.toml"), POLICY).unwrap();
    let server = FakeGitHub::start(TOKEN, TokenKind::User("ospo".into()), "");
    server.add_org("acme", false, before());
    scan(&server, dir.path(), "before", "2027-01-01", &[]);
    for (name, packages) in [
        (
            "admin",
            &[
                ("lodash", "4.17.21"),
                ("moment", "2.29.4"),
                ("left-pad", "1.3.0"),
            ][..],
        ),
        (
            "billing",
            &[
                ("lodash", "4.17.21"),
                ("dayjs", "1.11.10"),
                ("axios", "1.6.0"),
                ("left-pad", "1.3.0"),
            ],
        ),
    ] {
        let text = npm_repo(name, packages).files["package-lock.json"].clone();
        server.update_repo("acme", name, |repo| {
            repo.files.insert("package-lock.json".into(), text);
        });
    }
    scan(
        &server,
        dir.path(),
        "after",
        "2027-04-01",
        &["--previous", "before/report.json"],
    );
    add_health_and_vulnerabilities(&dir.path().join("after/report.json"));
    let output = propose(
        dir.path(),
        &["--previous", "before/report.json", "--out", "proposal"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("written to proposal"),
        "{}",
        stderr(&output)
    );
    dir
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn a_proposal_escalates_retires_consolidates_and_endorses_with_evidence() {
    let dir = proposed();
    let out = dir.path().join("proposal");
    insta::assert_snapshot!("proposal_md", read(&out, "proposal.md"));
    insta::assert_snapshot!("radar_csv", read(&out, "radar.csv"));
    insta::assert_snapshot!("radar_purls", read(&out, "radar-purls.toml"));
    insta::assert_snapshot!("proposed_toml", read(&out, "proposed.toml"));
}

/// `(purl, ring)` of every `[[components]]` entry of a policy layer.
fn entries(layer: &str) -> BTreeSet<(String, String)> {
    let table: toml::Table = layer.parse().unwrap_or_else(|e| panic!("{e}: {layer}"));
    table["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            (
                entry["purl"].as_str().unwrap().to_owned(),
                entry["ring"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_layer_is_a_valid_policy_and_the_radar_imports_back_to_the_same_rings() {
    let dir = proposed();
    let check = Depgov::new(dir.path())
        .args(["policy", "check", "proposal/proposed.toml"])
        .run();
    assert_eq!(code(&check), 0, "{}", stderr(&check));
    assert!(
        stdout(&check).contains("valid") && stdout(&check).contains("0 lints"),
        "{}",
        stdout(&check)
    );

    let imported = Depgov::new(dir.path())
        .args(["policy", "import-radar", "proposal/radar.csv"])
        .args(["--map", "proposal/radar-purls.toml"])
        .run();
    assert_eq!(code(&imported), 0, "{}", stderr(&imported));
    assert!(
        !stderr(&imported).contains("warning"),
        "{}",
        stderr(&imported)
    );
    // A radar has no remove ring: a proposed remove is Hold on the radar.
    let layer: BTreeSet<(String, String)> =
        entries(&read(&dir.path().join("proposal"), "proposed.toml"))
            .into_iter()
            .map(|(purl, ring)| {
                (
                    purl,
                    if ring == "remove" {
                        "hold".into()
                    } else {
                        ring
                    },
                )
            })
            .collect();
    assert_eq!(entries(&stdout(&imported)), layer);
    assert!(layer.len() >= 5, "{layer:?}");
}

#[test]
fn thresholds_are_flags_and_bad_inputs_are_errors() {
    let dir = proposed();
    let strict = propose(
        dir.path(),
        &[
            "--previous",
            "before/report.json",
            "--trial-at",
            "5",
            "--wide-use",
            "4",
            "--out",
            "strict",
        ],
    );
    assert_eq!(code(&strict), 0, "{}", stderr(&strict));
    let layer = read(&dir.path().join("strict"), "proposed.toml");
    assert!(
        !layer.contains("pkg:npm/lodash"),
        "lodash is in 4 repositories: {layer}"
    );
    assert!(layer.contains("pkg:npm/left-pad"), "{layer}");

    let categories = dir.path().join("categories.toml");
    std::fs::write(
        &categories,
        "[[categories]]\nname = \"Dates\"\necosystem = \"npm\"\npackages = [\"pkg:npm/moment\"]\nsource = \"https://example.com\"\n",
    )
    .unwrap();
    let output = propose(
        dir.path(),
        &["--categories", "categories.toml", "--out", "x"],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("categories.toml:1"),
        "{}",
        stderr(&output)
    );

    let output = Depgov::new(dir.path())
        .args(["radar", "propose", "policy.toml", "--out", "x"])
        .run();
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("policy.toml"),
        "{}",
        stderr(&output)
    );
}
