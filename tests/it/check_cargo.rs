//! `depgov check` and `depgov inventory` on a real Cargo workspace: the real binary, real
//! `cargo metadata`, fixture path dependencies outside the workspace (so no network).

use std::path::PathBuf;

use crate::common;
use crate::common::{Depgov, code, git, json, repo, stderr, stdout, stdout_redacted};
use serde_json::Value;
use tempfile::TempDir;

fn workspace(repo: &TempDir) -> PathBuf {
    repo.path().join("ws")
}

fn component<'a>(document: &'a Value, name: &str) -> Option<&'a Value> {
    document["components"]
        .as_array()
        .expect("components array")
        .iter()
        .find(|c| c["name"] == name)
}

fn findings_for<'a>(document: &'a Value, name: &str) -> Vec<&'a Value> {
    document["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| f["component"]["name"] == name)
        .collect()
}

#[test]
fn human_report_shows_every_finding_with_reason_path_and_manifest_line() {
    let repo = repo("cargo-basic");
    let output = Depgov::new(workspace(&repo)).args(["check"]).run();
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn json_report_has_the_documented_shape() {
    let repo = repo("cargo-basic");
    let output = Depgov::new(workspace(&repo))
        .args(["check", "--format", "json"])
        .run();
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    insta::assert_snapshot!(stdout_redacted(&output));
}

#[test]
fn inventory_json_lists_components_in_the_report_shape() {
    let repo = repo("cargo-basic");
    let output = Depgov::new(workspace(&repo))
        .args(["inventory", "--format", "json"])
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let inventory = json(&output);
    assert_eq!(inventory["schema"], "depgov.inventory/v1");
    let check = json(
        &Depgov::new(workspace(&repo))
            .args(["check", "--format", "json"])
            .run(),
    );
    assert_eq!(inventory["components"], check["components"]);
    insta::assert_snapshot!(stdout(
        &Depgov::new(workspace(&repo)).args(["inventory"]).run()
    ));
}

#[test]
fn remove_with_a_sunset_is_a_warning_until_that_day_and_an_error_after() {
    let repo = repo("cargo-basic");
    for (today, severity) in [("2027-06-30", "warning"), ("2027-07-01", "error")] {
        let report = json(
            &Depgov::new(workspace(&repo))
                .today(today)
                .args(["check", "--format", "json"])
                .run(),
        );
        let findings = findings_for(&report, "sunset-lib");
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0]["rule"], "component-remove");
        assert_eq!(findings[0]["severity"], severity, "on {today}");
    }
}

#[test]
fn fail_on_sets_the_lowest_severity_that_fails_the_run() {
    let repo = repo("cargo-basic");
    let ws = workspace(&repo);
    assert_eq!(
        code(&Depgov::new(&ws).args(["check", "--fail-on", "never"]).run()),
        0
    );
    assert_eq!(
        code(&Depgov::new(&ws).args(["check", "--fail-on", "error"]).run()),
        1
    );
    // Only notes remain under this policy: unknown licenses are assessed.
    std::fs::write(
        ws.join("lenient.toml"),
        "version = 1\n[defaults]\nring = \"adopt\"\n[licenses]\nunlisted = \"adopt\"\nunknown = \"assess\"\n",
    )
    .unwrap();
    let lenient = ["check", "--policy", "lenient.toml"];
    assert_eq!(code(&Depgov::new(&ws).args(lenient).run()), 0);
    assert_eq!(
        code(
            &Depgov::new(&ws)
                .args([&lenient[..], &["--fail-on", "warning"]].concat())
                .run()
        ),
        0
    );
    assert_eq!(
        code(
            &Depgov::new(&ws)
                .args([&lenient[..], &["--fail-on", "note"]].concat())
                .run()
        ),
        1
    );
}

#[test]
fn dev_only_components_are_listed_but_not_evaluated() {
    let repo = repo("cargo-basic");
    let report = json(
        &Depgov::new(workspace(&repo))
            .args(["check", "--format", "json"])
            .run(),
    );
    let helper = component(&report, "test-helper").expect("dev-only component is listed");
    assert_eq!(helper["kinds"], serde_json::json!(["dev"]));
    assert!(
        findings_for(&report, "test-helper").is_empty(),
        "its AGPL license is not judged: dev is out of scope"
    );
    assert_eq!(report["summary"]["not_evaluated"], 1);
}

#[test]
fn components_reached_through_a_build_dependency_have_kind_build() {
    let repo = repo("cargo-basic");
    let report = json(
        &Depgov::new(workspace(&repo))
            .args(["inventory", "--format", "json"])
            .run(),
    );
    for name in ["build-helper", "build-deep"] {
        let c = component(&report, name).unwrap();
        assert_eq!(c["kinds"], serde_json::json!(["build"]), "{name}");
    }
    let deep = component(&report, "build-deep").unwrap();
    assert_eq!(
        deep["path"],
        serde_json::json!(["app", "build-helper", "build-deep"])
    );
    assert_eq!(deep["direct"], false);
}

#[test]
fn locations_point_at_the_manifest_line_that_brings_a_component_in() {
    let repo = repo("cargo-basic");
    let report = json(
        &Depgov::new(workspace(&repo))
            .args(["inventory", "--format", "json"])
            .run(),
    );
    let line_of = |file: &str, line: u64| -> String {
        let text = std::fs::read_to_string(repo.path().join(file)).unwrap();
        text.lines().nth(line as usize - 1).unwrap().to_owned()
    };
    // Transitive: the direct dependency's declaration.
    let deep = component(&report, "deep-dep").unwrap();
    assert_eq!(
        deep["path"],
        serde_json::json!(["app", "permissive", "deep-dep"])
    );
    assert_eq!(deep["location"]["file"], "ws/app/Cargo.toml");
    let line = deep["location"]["line"].as_u64().unwrap();
    assert!(line_of("ws/app/Cargo.toml", line).starts_with("permissive ="));
    // Declared by the other member, under a target table, and as a build-dependency.
    for (name, file, starts) in [
        ("sunset-lib", "ws/tool/Cargo.toml", "sunset-lib ="),
        ("win-only", "ws/app/Cargo.toml", "win-only ="),
        ("build-deep", "ws/app/Cargo.toml", "build-helper ="),
    ] {
        let c = component(&report, name).unwrap();
        assert_eq!(c["location"]["file"], file, "{name}");
        let line = c["location"]["line"].as_u64().unwrap();
        assert!(line_of(file, line).starts_with(starts), "{name}");
    }
}

#[test]
fn features_and_target_change_the_graph_as_cargos_own_flags_do() {
    let repo = repo("cargo-basic");
    let ws = workspace(&repo);
    let has = |args: &[&str], name: &str| -> bool {
        let output = Depgov::new(&ws)
            .args([&["inventory", "--format", "json"], args].concat())
            .run();
        assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
        component(&json(&output), name).is_some()
    };
    assert!(has(&[], "default-lib"));
    assert!(!has(&[], "optional-lib"));
    assert!(has(&["--features", "app/extras"], "optional-lib"));
    assert!(has(&["--all-features"], "optional-lib"));
    assert!(!has(&["--no-default-features"], "default-lib"));
    // Every platform by default; one platform with --target.
    assert!(has(&[], "win-only"));
    assert!(!has(&["--target", "x86_64-unknown-linux-gnu"], "win-only"));
    assert!(has(&["--target", "x86_64-pc-windows-msvc"], "win-only"));
}

#[test]
fn the_policy_is_found_beside_the_workspace_then_in_dot_github_then_embedded() {
    let repo = repo("cargo-basic");
    let ws = workspace(&repo);
    let source = || {
        json(&Depgov::new(&ws).args(["check", "--format", "json"]).run())["policy"]["source"]
            .clone()
    };
    assert_eq!(source(), "depgov.toml");
    std::fs::create_dir(ws.join(".github")).unwrap();
    std::fs::rename(ws.join("depgov.toml"), ws.join(".github/depgov.toml")).unwrap();
    assert_eq!(source(), ".github/depgov.toml");
    std::fs::remove_file(ws.join(".github/depgov.toml")).unwrap();
    assert_eq!(source(), "embedded default");
    let human = stdout(&Depgov::new(&ws).args(["check"]).run());
    assert!(
        human.contains("policy: depgov default policy (embedded default)"),
        "{human}"
    );
}

#[test]
fn the_lockfile_is_used_locked_and_never_rewritten() {
    let repo = repo("cargo-basic");
    let ws = workspace(&repo);
    let lock_before = std::fs::read(ws.join("Cargo.lock")).unwrap();
    assert_eq!(
        code(&Depgov::new(&ws).args(["check", "--fail-on", "never"]).run()),
        0
    );
    assert_eq!(std::fs::read(ws.join("Cargo.lock")).unwrap(), lock_before);

    // A manifest change the lockfile does not reflect: cargo refuses under --locked, and the
    // workspace is read from its Cargo.lock as text, with a note naming the fix.
    let manifest = ws.join("tool/Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        format!("{text}held-lib = {{ path = \"../../crates/held-lib\" }}\n"),
    )
    .unwrap();
    let output = Depgov::new(&ws)
        .args(["check", "--fail-on", "never", "--format", "json"])
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["inputs"][0]["path"], "ws/Cargo.lock");
    assert_eq!(report["inputs"][0]["format"], "cargo-lock");
    let note = &report["notes"][0];
    assert_eq!(note["code"], "lockfile-only", "{note}");
    assert!(
        note["message"]
            .as_str()
            .is_some_and(|m| m.contains("cargo update --workspace --manifest-path ws/Cargo.toml")),
        "{note}"
    );
    assert_eq!(std::fs::read(ws.join("Cargo.lock")).unwrap(), lock_before);
}

/// A second workspace, `ws/fuzz`, whose Cargo.lock is out of date with its manifest (it lacks
/// `default-lib` and still locks `itoa`), as a fuzzing workspace often is.
fn add_stale_fuzz_workspace(ws: &std::path::Path) {
    let fuzz = ws.join("fuzz");
    std::fs::create_dir_all(fuzz.join("src")).unwrap();
    std::fs::write(fuzz.join("src/lib.rs"), "").unwrap();
    std::fs::write(
        fuzz.join("Cargo.toml"),
        "[package]\nname = \"fuzz-targets\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\npermissive = { path = \"../../crates/permissive\" }\n\
         default-lib = { path = \"../../crates/default-lib\" }\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(
        fuzz.join("Cargo.lock"),
        "version = 4\n\n[[package]]\nname = \"deep-dep\"\nversion = \"1.0.0\"\n\n\
         [[package]]\nname = \"fuzz-targets\"\nversion = \"0.0.0\"\ndependencies = [\n \"itoa\",\n \"permissive\",\n]\n\n\
         [[package]]\nname = \"itoa\"\nversion = \"1.0.11\"\n\
         source = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
         [[package]]\nname = \"permissive\"\nversion = \"1.0.0\"\ndependencies = [\n \"deep-dep\",\n]\n",
    )
    .unwrap();
}

#[test]
fn a_stale_nested_workspace_is_read_as_text_and_the_others_still_resolve() {
    let repo = repo("cargo-basic");
    let ws = workspace(&repo);
    add_stale_fuzz_workspace(&ws);
    let fuzz_lock = std::fs::read(ws.join("fuzz/Cargo.lock")).unwrap();
    let output = Depgov::new(&ws)
        .args(["check", "--fail-on", "never", "--format", "json"])
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = json(&output);
    let inputs: Vec<(&str, &str)> = report["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .map(|i| (i["path"].as_str().unwrap(), i["format"].as_str().unwrap()))
        .collect();
    assert_eq!(
        inputs,
        [
            ("ws/Cargo.toml", "cargo-metadata"),
            ("ws/fuzz/Cargo.lock", "cargo-lock")
        ]
    );
    let notes = report["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["code"], "lockfile-only");
    assert_eq!(notes[0]["file"], "ws/fuzz/Cargo.lock");
    let message = notes[0]["message"].as_str().unwrap();
    assert!(message.contains("--lockfile-only"), "{message}");
    assert!(
        message.contains("cargo update --workspace --manifest-path ws/fuzz/Cargo.toml"),
        "{message}"
    );
    // The resolved workspace's components, and the stale one's from its lockfile.
    assert!(component(&report, "default-lib").is_some());
    // Path dependencies are first-party in a lockfile read as text; a registry one is not.
    assert_eq!(report["inputs"][1]["components"], 1);
    assert!(component(&report, "itoa").is_some());
    assert_eq!(
        std::fs::read(ws.join("fuzz/Cargo.lock")).unwrap(),
        fuzz_lock
    );

    // Every report says which input was read in the weaker mode.
    for (format, shows) in [
        ("human", "input: ws/fuzz/Cargo.lock: Cargo did not resolve"),
        (
            "markdown",
            "**input:** ws/fuzz/Cargo\\.lock\\: Cargo did not resolve",
        ),
        (
            "github",
            "::warning title=depgov%3A input::ws/fuzz/Cargo.lock: Cargo did not resolve",
        ),
        ("sarif", "\"lockfile-only\""),
    ] {
        let output = Depgov::new(&ws)
            .args(["check", "--fail-on", "never", "--format", format])
            .env("NO_COLOR", "1")
            .run();
        assert_eq!(code(&output), 0, "{format}: {}", stderr(&output));
        let text = stdout(&output);
        assert!(text.contains(shows), "{format}: {text}");
    }
}

#[test]
fn git_sources_are_judged_by_the_sources_policy() {
    let upstream = tempfile::tempdir().unwrap();
    common::copy_dir(
        &common::fixtures().join("cargo-basic/crates/held-lib"),
        upstream.path(),
    );
    let manifest = upstream.path().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("held-lib", "from-git");
    std::fs::write(&manifest, text).unwrap();
    git(upstream.path(), &["init", "-q"]);
    git(upstream.path(), &["add", "."]);
    git(upstream.path(), &["commit", "-qm", "initial"]);
    let rev = git(upstream.path(), &["rev-parse", "HEAD"])
        .trim()
        .to_owned();

    let repo = repo("cargo-basic");
    let ws = workspace(&repo);
    let url = format!("file://{}", upstream.path().display());
    let tool = ws.join("tool/Cargo.toml");
    let text = std::fs::read_to_string(&tool).unwrap();
    std::fs::write(&tool, format!("{text}from-git = {{ git = \"{url}\" }}\n")).unwrap();
    std::fs::remove_file(ws.join("Cargo.lock")).unwrap();

    let output = Depgov::new(&ws).args(["check", "--format", "json"]).run();
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    let from_git = component(&report, "from-git").unwrap();
    assert_eq!(
        from_git["source"],
        serde_json::json!({"type": "git", "url": url, "rev": rev})
    );
    let findings = findings_for(&report, "from-git");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["rule"], "source-git");
    assert_eq!(findings[0]["severity"], "warning");
    assert_eq!(findings[0]["location"]["file"], "ws/tool/Cargo.toml");
}

#[test]
fn all_policy_problems_are_reported_at_file_line_col_and_exit_2() {
    let repo = repo("cargo-basic");
    let ws = workspace(&repo);
    std::fs::write(
        ws.join("depgov.toml"),
        r#"version = 1
name = "Broken"
colour = "blue"

[defaults]
ring = "hodl"
scope = ["runtime", "docs"]

[licenses]
adopt = ["MIT", "Apachee-2.0"]
hold = ["GPL-2.0", "MIT"]

[sources]
registries = ["crates-io", "my-mirror"]

[[components]]
purl = "openssl"
ring = "hold"

[[components]]
purl = "pkg:cargo/time"
versions = "not a range"
ring = "remove"
sunset = 2027-06-30T10:00:00

[[components]]
purl = "pkg:cargo/left-pad"
ring = "hold"
sunset = 2027-06-30
resaon = "typo"

[[components]]
ring = "hold"
"#,
    )
    .unwrap();
    let output = Depgov::new(&ws).args(["check"]).run();
    assert_eq!(code(&output), 2);
    assert!(stdout(&output).is_empty(), "no report may be printed");
    insta::assert_snapshot!(stderr(&output));
}

#[test]
fn a_policy_syntax_error_points_at_the_broken_line() {
    let repo = repo("cargo-basic");
    let ws = workspace(&repo);
    std::fs::write(
        ws.join("depgov.toml"),
        "version = 1\n[defaults\nring = \"hold\"\n",
    )
    .unwrap();
    let output = Depgov::new(&ws).args(["check"]).run();
    assert_eq!(code(&output), 2);
    insta::assert_snapshot!(stderr(&output));
}

#[test]
fn usage_and_input_errors_exit_2_with_what_to_do() {
    let empty = tempfile::tempdir().unwrap();
    let output = Depgov::new(empty.path())
        .args(["check", "--require-inputs"])
        .run();
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("found no lockfile, manifest, SBOM or Cargo workspace under ."),
        "{}",
        stderr(&output)
    );

    let output = Depgov::new(empty.path())
        .args(["check", "--policy", "missing.toml"])
        .run();
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("cannot read missing.toml"),
        "{}",
        stderr(&output)
    );

    let output = Depgov::new(empty.path())
        .args(["check", "--format", "yaml"])
        .run();
    assert_eq!(code(&output), 2);

    let repo = repo("cargo-basic");
    let output = Depgov::new(workspace(&repo))
        .today("soon")
        .args(["check"])
        .run();
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("DEPGOV_TODAY=soon is not a date"));
}

#[test]
fn manifest_path_selects_the_workspace_from_elsewhere() {
    let repo = repo("cargo-basic");
    let output = Depgov::new(repo.path())
        .args([
            "check",
            "--manifest-path",
            "ws/Cargo.toml",
            "--policy",
            "ws/depgov.toml",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(report["summary"]["components"], 19);
    assert_eq!(report["inputs"][0]["path"], "ws/Cargo.toml");
}
