//! Policy lifecycle: expiring exceptions and layered (extended) policies.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{code, git, json, stderr};
use serde_json::Value;
use tempfile::TempDir;

/// An npm project locking `moment` 2.29.4 (in `legacy/`) and `left-pad` 1.3.0 (at the root),
/// with `files` written into it.
fn project(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let lock = |name: &str, version: &str| {
        format!(
            r#"{{"name": "app", "lockfileVersion": 3, "packages": {{"": {{"name": "app", "dependencies": {{"{name}": "*"}}}}, "node_modules/{name}": {{"version": "{version}", "resolved": "https://registry.npmjs.org/{name}/-/{name}-{version}.tgz", "license": "MIT"}}}}}}"#
        )
    };
    std::fs::create_dir_all(dir.path().join("legacy")).unwrap();
    std::fs::write(
        dir.path().join("legacy/package-lock.json"),
        lock("moment", "2.29.4"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("package-lock.json"),
        lock("left-pad", "1.3.0"),
    )
    .unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn check(dir: &Path, today: &str, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_depgov"));
    command
        .args(["check", "--format", "json"])
        .current_dir(dir)
        .env("DEPGOV_TODAY", today)
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_ACTIONS");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

fn rules(report: &Value) -> Vec<(String, String, bool)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
                !f["waiver"].is_null(),
            )
        })
        .collect()
}

fn row(rule: &str, severity: &str, waived: bool) -> (String, String, bool) {
    (rule.into(), severity.into(), waived)
}

const BASE: &str = r#"version = 1
name = "Acme"
[defaults]
ring = "adopt"
[licenses]
adopt = ["MIT"]
[[components]]
purl = "pkg:npm/moment"
ring = "remove"
reason = "Use date-fns"
"#;

const EXCEPTION: &str = r#"
[[exceptions]]
purl = "pkg:npm/moment"
versions = "<3"
paths = ["legacy/**"]
expires = 2027-03-31
approved-by = "jdoe"
ticket = "OSPO-142"
reason = "Migration to date-fns planned for Q1"
"#;

#[test]
fn an_exception_waives_until_it_expires_and_warns_before() {
    let dir = project(&[("depgov.toml", &format!("{BASE}{EXCEPTION}"))]);
    // Active: waived, reported with who and why, and the run passes.
    let output = check(dir.path(), "2027-01-01", &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(rules(&report), [row("component-remove", "error", true)]);
    let waiver = &report["findings"][0]["waiver"];
    assert_eq!(waiver["approved_by"], "jdoe");
    assert_eq!(waiver["ticket"], "OSPO-142");
    assert_eq!(waiver["expires"], "2027-03-31");
    assert_eq!(
        waiver["origin"],
        serde_json::json!({"file": "depgov.toml", "line": 12})
    );
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(report["summary"]["waived"], 1);

    // Within 30 days of expiry: still waived, and a warning.
    let report = json(&check(dir.path(), "2027-03-15", &[]));
    assert_eq!(
        rules(&report),
        [
            row("exception-expiring", "warning", false),
            row("component-remove", "error", true)
        ]
    );

    // Expired: the finding fails again, and the exception is an error at its line.
    let output = check(dir.path(), "2027-04-01", &[]);
    assert_eq!(code(&output), 1);
    let report = json(&output);
    assert_eq!(
        rules(&report),
        [
            row("exception-expired", "error", false),
            row("component-remove", "error", false)
        ]
    );
    let expired = &report["findings"][0];
    assert_eq!(
        expired["location"],
        serde_json::json!({"file": "depgov.toml", "line": 12})
    );
    assert!(
        expired["message"]
            .as_str()
            .unwrap()
            .contains("(jdoe, OSPO-142) expired on 2027-03-31")
    );
}

#[test]
fn human_output_shows_waived_findings_apart() {
    let dir = project(&[("depgov.toml", &format!("{BASE}{EXCEPTION}"))]);
    let output = Command::new(env!("CARGO_BIN_EXE_depgov"))
        .arg("check")
        .current_dir(dir.path())
        .env("DEPGOV_TODAY", "2027-01-01")
        .output()
        .unwrap();
    insta::assert_snapshot!(common::stdout(&output));
}

#[test]
fn exceptions_are_scoped_by_paths_and_repositories() {
    let elsewhere = EXCEPTION.replace("legacy/**", "services/**");
    let dir = project(&[("depgov.toml", &format!("{BASE}{elsewhere}"))]);
    let report = json(&check(dir.path(), "2027-01-01", &[]));
    assert_eq!(
        rules(&report),
        [
            row("component-remove", "error", false),
            row("exception-unused", "warning", false)
        ]
    );

    let for_repo = EXCEPTION.replace("paths = [\"legacy/**\"]", "repos = [\"acme/legacy-*\"]");
    let dir = project(&[("depgov.toml", &format!("{BASE}{for_repo}"))]);
    let mine = [("GITHUB_REPOSITORY", "acme/legacy-billing")];
    assert_eq!(
        rules(&json(&check(dir.path(), "2027-01-01", &mine))),
        [row("component-remove", "error", true)]
    );
    let other = [("GITHUB_REPOSITORY", "acme/web")];
    assert_eq!(
        rules(&json(&check(dir.path(), "2027-01-01", &other))),
        [row("component-remove", "error", false)],
        "an exception for other repositories neither applies nor is reported unused here"
    );
}

#[test]
fn the_policy_caps_how_long_an_exception_may_run() {
    let capped = format!("{BASE}[expiry]\nmax-days = 60\nwarn-days = 7\n{EXCEPTION}");
    let dir = project(&[("depgov.toml", &capped)]);
    let report = json(&check(dir.path(), "2027-01-01", &[]));
    assert_eq!(
        rules(&report),
        [
            row("exception-too-long", "error", false),
            row("component-remove", "error", false)
        ]
    );
    let report = json(&check(dir.path(), "2027-02-15", &[]));
    assert_eq!(
        rules(&report),
        [row("component-remove", "error", true)],
        "44 days left: fine, and no warning at 7 warn-days"
    );
}

#[test]
fn exceptions_need_an_expiry_and_a_reason() {
    let dir = project(&[(
        "depgov.toml",
        &format!(
            "{BASE}\n[[exceptions]]\npurl = \"pkg:npm/moment\"\nreason = \" \"\nexpires = 2027-01-01\n\n[[exceptions]]\npurl = \"pkg:npm/moment\"\nreason = \"x\"\n"
        ),
    )]);
    let output = check(dir.path(), "2027-01-01", &[]);
    assert_eq!(code(&output), 2);
    insta::assert_snapshot!(stderr(&output));
}

const TEAM: &str = r#"version = 1
name = "Team policy"
extends = ["depgov:default"]
contact = "team@acme.example"
[licenses]
hold = ["MIT"]
[[components]]
purl = "pkg:npm/moment"
ring = "remove"
locked = true
reason = "Security"
[[components]]
purl = "pkg:npm/left-pad"
ring = "hold"
"#;

#[test]
fn layers_merge_with_later_layers_winning() {
    let repo_policy = r#"version = 1
extends = ["../team.toml"]
[licenses]
adopt = ["MIT"]
[[components]]
purl = "pkg:npm/left-pad"
ring = "adopt"
"#;
    let dir = project(&[("team.toml", TEAM), (".github/depgov.toml", repo_policy)]);
    let output = check(dir.path(), "2027-01-01", &[]);
    let report = json(&output);
    // MIT: the repo layer's adopt wins over the team's hold; left-pad: the repo's entry
    // replaces the team's; moment: the team's locked remove stands.
    assert_eq!(rules(&report), [row("component-remove", "error", false)]);
    assert_eq!(report["findings"][0]["component"]["name"], "moment");
    assert_eq!(
        report["policy"]["contact"], "team@acme.example",
        "inherited"
    );
    assert_eq!(report["policy"]["source"], ".github/depgov.toml");
}

#[test]
fn a_layer_cannot_weaken_a_locked_entry_or_waive_it() {
    let weakening = r#"version = 1
extends = ["team.toml"]
[[components]]
purl = "pkg:npm/moment"
versions = ">=2"
ring = "adopt"
[[exceptions]]
purl = "pkg:npm/moment"
expires = 2027-03-31
reason = "please"
"#;
    let dir = project(&[("team.toml", TEAM), ("depgov.toml", weakening)]);
    let output = check(dir.path(), "2027-01-01", &[]);
    assert_eq!(code(&output), 2);
    let message = stderr(&output);
    assert!(
        message.contains("depgov.toml:3: this entry makes `pkg:npm/moment versions >=2` adopt, but team.toml:7 locks it at remove"),
        "{message}"
    );
    assert!(message.contains("depgov.toml:7: this exception waives `pkg:npm/moment`, which team.toml:7 locks at remove"), "{message}");
}

#[test]
fn cycles_missing_layers_and_urls_are_policy_errors_with_the_chain() {
    let dir = project(&[
        ("depgov.toml", "version = 1\nextends = [\"a.toml\"]\n"),
        ("a.toml", "version = 1\nextends = [\"b.toml\"]\n"),
        (
            "b.toml",
            "version = 1\nextends = [\"a.toml\", \"missing.toml\", \"https://evil.example/p.toml\"]\n",
        ),
    ]);
    let output = check(dir.path(), "2027-01-01", &[]);
    assert_eq!(code(&output), 2);
    insta::assert_snapshot!(stderr(&output));
}
