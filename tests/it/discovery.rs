//! `depgov check PATH` on a monorepo: discovery finds every supported file below PATH,
//! honours .gitignore and the default excludes, reads a manifest + lockfile directory once, and
//! reports per file.

use std::path::Path;

use crate::common;
use crate::common::{Depgov, code, json, stderr, stdout};
use serde_json::Value;
use tempfile::TempDir;

fn monorepo() -> TempDir {
    let repo = common::repo("monorepo");
    std::fs::rename(
        repo.path().join("dot-gitignore"),
        repo.path().join(".gitignore"),
    )
    .unwrap();
    repo
}

fn inputs(report: &Value) -> Vec<(String, String, u64)> {
    report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap().to_owned(),
                i["format"].as_str().unwrap().to_owned(),
                i["components"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn check_json(dir: &Path, args: &[&str]) -> Value {
    let output = Depgov::new(dir)
        .args([&["check", "--format", "json", "--fail-on", "never"], args].concat())
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    json(&output)
}

#[test]
fn every_supported_file_below_path_is_read_once_and_reported_per_file() {
    let repo = monorepo();
    let report = check_json(repo.path(), &[]);
    assert_eq!(
        inputs(&report),
        [
            ("frontend/pnpm-lock.yaml".into(), "pnpm-lock".into(), 1),
            ("sbom/appliance.cdx.json".into(), "cyclonedx-json".into(), 1),
            ("services/api/Cargo.toml".into(), "cargo-metadata".into(), 1),
            (
                "services/billing/composer.lock".into(),
                "composer-lock".into(),
                2
            ),
            ("services/worker/go.mod".into(), "go-mod".into(), 2),
            (
                "tools/requirements.txt".into(),
                "pip-requirements".into(),
                2
            ),
            ("web/package-lock.json".into(), "npm-package-lock".into(), 2),
        ],
        "node_modules, .gitignored and test fixture folders are skipped; the library without \
         a Cargo.lock is read as part of the workspace that depends on it"
    );
    let human = stdout(
        &Depgov::new(repo.path())
            .args(["check", "--fail-on", "never"])
            .run(),
    );
    insta::assert_snapshot!(human);
}

#[test]
fn ecosystem_restricts_what_is_read() {
    let repo = monorepo();
    let report = check_json(repo.path(), &["--ecosystem", "npm,golang"]);
    assert_eq!(
        inputs(&report),
        [
            ("frontend/pnpm-lock.yaml".into(), "pnpm-lock".into(), 1),
            // SBOMs mix ecosystems: read, with components of other ecosystems dropped.
            ("sbom/appliance.cdx.json".into(), "cyclonedx-json".into(), 0),
            ("services/worker/go.mod".into(), "go-mod".into(), 2),
            ("web/package-lock.json".into(), "npm-package-lock".into(), 2),
        ]
    );
    let output = Depgov::new(repo.path())
        .args(["check", "--ecosystem", "cobol"])
        .run();
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("--ecosystem cobol: unknown ecosystem"));
}

#[test]
fn lockfile_only_reads_cargo_lock_without_running_cargo() {
    let repo = monorepo();
    let output = Depgov::new(repo.path())
        .args([
            "check",
            "--lockfile-only",
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .env("CARGO", "/nonexistent/cargo")
        .env("PATH", "/nonexistent")
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = json(&output);
    assert!(
        inputs(&report).contains(&("services/api/Cargo.lock".into(), "cargo-lock".into(), 0)),
        "{:?}",
        inputs(&report)
    );
}

#[test]
fn the_policy_scan_exclude_replaces_the_default_excludes() {
    let repo = monorepo();
    std::fs::write(
        repo.path().join("depgov.toml"),
        "version = 1\n[scan]\nexclude = [\"web\", \"tests/fixtures\"]\n",
    )
    .unwrap();
    let report = check_json(repo.path(), &[]);
    let paths: Vec<String> = inputs(&report).into_iter().map(|i| i.0).collect();
    assert!(paths.contains(&"services/api/Cargo.toml".to_owned()));
    assert!(
        !paths.iter().any(|p| p.starts_with("web/")),
        "web is excluded now, and node_modules too since it lies below web: {paths:?}"
    );
    std::fs::write(
        repo.path().join("depgov.toml"),
        "version = 1\n[scan]\nexclude = []\n",
    )
    .unwrap();
    let report = check_json(repo.path(), &[]);
    let paths: Vec<String> = inputs(&report).into_iter().map(|i| i.0).collect();
    assert!(paths.contains(&"web/node_modules/left-pad/package-lock.json".to_owned()));
    assert!(paths.contains(&"tests/fixtures/package-lock.json".to_owned()));
    assert!(
        !paths.contains(&"ignored/package-lock.json".to_owned()),
        ".gitignore still applies"
    );
}

#[test]
fn a_bad_exclude_glob_is_a_policy_error() {
    let repo = monorepo();
    std::fs::write(
        repo.path().join("depgov.toml"),
        "version = 1\n[scan]\nexclude = [\"web/[\"]\n",
    )
    .unwrap();
    let output = Depgov::new(repo.path()).args(["check"]).run();
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("depgov.toml:3:12: `web/[` is not a valid glob"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn one_named_file_is_read_alone() {
    let repo = monorepo();
    let output = Depgov::new(repo.path())
        .args(["inventory", "web/package-lock.json", "--format", "json"])
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        inputs(&json(&output)),
        [("web/package-lock.json".into(), "npm-package-lock".into(), 2)]
    );
    let output = Depgov::new(repo.path())
        .args(["inventory", "web/package.json"])
        .run();
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output)
            .contains("web/package.json is not a lockfile, SBOM or Cargo.toml depgov reads")
    );
}

#[test]
fn scanning_a_subdirectory_reads_only_below_it_and_finds_the_policy_at_the_root() {
    let repo = monorepo();
    std::fs::write(
        repo.path().join("depgov.toml"),
        "version = 1\nname = \"Root policy\"\n",
    )
    .unwrap();
    let report = check_json(&repo.path().join("web"), &[]);
    assert_eq!(inputs(&report).len(), 1);
    assert_eq!(report["policy"]["name"], "Root policy");
}

#[test]
fn symlink_loops_do_not_hang_discovery() {
    let repo = monorepo();
    std::os::unix::fs::symlink("..", repo.path().join("web/loop")).unwrap();
    std::os::unix::fs::symlink(
        repo.path().join("services"),
        repo.path().join("services/api/back"),
    )
    .unwrap();
    let report = check_json(repo.path(), &[]);
    assert_eq!(inputs(&report).len(), 7, "symlinks are not followed");
}
