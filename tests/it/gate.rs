//! `depgov check --base REV`: the pull-request gate, on real git repositories built with the git
//! CLI. A base commit on `main`, and a `feature` branch that adds, bumps and removes
//! dependencies in a Cargo workspace (full graph through cargo) and an npm project.

use std::path::Path;

use crate::common::{Depgov, code, copy_dir, fixtures, git, json, stderr, stdout};
use serde_json::Value;
use tempfile::TempDir;

const BASE_POLICY_EXTRA: &str = r#"
[[components]]
purl = "pkg:cargo/newly-held"
ring = "hold"
reason = "Held since the last review"

[[components]]
purl = "pkg:npm/left-pad"
ring = "hold"
reason = "Use String.prototype.padStart"

[[components]]
purl = "pkg:npm/react"
versions = ">=18.3"
ring = "hold"
reason = "18.3 is not yet approved"
"#;

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn edit(dir: &Path, path: &str, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(dir.join(path)).unwrap();
    write(dir, path, &f(text));
}

fn lock(deps: &[(&str, &str)]) -> String {
    let root: Vec<String> = deps
        .iter()
        .map(|(name, _)| format!("        \"{name}\": \"*\""))
        .collect();
    let entries: Vec<String> = deps
        .iter()
        .map(|(name, version)| {
            format!(
                "    \"node_modules/{name}\": {{\n      \"version\": \"{version}\",\n      \"resolved\": \"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz\",\n      \"license\": \"MIT\"\n    }}"
            )
        })
        .collect();
    format!(
        "{{\n  \"name\": \"web\",\n  \"lockfileVersion\": 3,\n  \"packages\": {{\n    \"\": {{\n      \"name\": \"web\",\n      \"dependencies\": {{\n{}\n      }}\n    }},\n{}\n  }}\n}}\n",
        root.join(",\n"),
        entries.join(",\n")
    )
}

fn manifest(deps: &[(&str, &str)]) -> String {
    let root: Vec<String> = deps
        .iter()
        .map(|(name, _)| format!("    \"{name}\": \"*\""))
        .collect();
    format!(
        "{{\n  \"name\": \"web\",\n  \"dependencies\": {{\n{}\n  }}\n}}\n",
        root.join(",\n")
    )
}

/// The repository: `main` holds the base commit; `feature` (checked out) the change.
fn repository() -> TempDir {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    copy_dir(&fixtures().join("cargo-basic"), dir);
    std::fs::rename(dir.join("ws/depgov.toml"), dir.join("depgov.toml")).unwrap();
    edit(dir, "depgov.toml", |policy| {
        policy.replace(
            "registries = [\"crates-io\"]",
            "registries = [\"crates-io\", \"npmjs\"]",
        ) + BASE_POLICY_EXTRA
    });
    let base_npm = [("moment", "2.29.4"), ("react", "18.2.0")];
    write(dir, "web/package.json", &manifest(&base_npm));
    write(dir, "web/package-lock.json", &lock(&base_npm));
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "base"]);

    git(dir, &["checkout", "-q", "-b", "feature"]);
    // Cargo: add a held crate (new), bump an assessed one (changed), drop an unlisted-license one.
    copy_dir(
        &fixtures().join("cargo-basic/crates/held-lib"),
        &dir.join("crates/newly-held"),
    );
    edit(dir, "crates/newly-held/Cargo.toml", |t| {
        t.replace("held-lib", "newly-held")
    });
    edit(dir, "crates/assessed-widget/Cargo.toml", |t| {
        t.replace("0.1.0", "0.2.0")
    });
    edit(dir, "ws/app/Cargo.toml", |t| {
        t.replace(
            "unlisted-lib = { path = \"../../crates/unlisted-lib\" }\n",
            "newly-held = { path = \"../../crates/newly-held\" }\n",
        )
    });
    let generated = std::process::Command::new("cargo")
        .args([
            "generate-lockfile",
            "--offline",
            "--manifest-path",
            "ws/Cargo.toml",
        ])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    // npm: add a held package (new), bump react into a held range (newly matched), drop moment.
    let head_npm = [("left-pad", "1.3.0"), ("react", "18.3.1")];
    write(dir, "web/package.json", &manifest(&head_npm));
    write(dir, "web/package-lock.json", &lock(&head_npm));
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "feature"]);
    repo
}

fn findings(report: &Value) -> Vec<(String, String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let name = f["component"]["name"].as_str().unwrap_or("-").to_owned();
            let field = |k: &str| f[k].as_str().unwrap_or("-").to_owned();
            (name, field("rule"), field("severity"), field("change"))
        })
        .collect()
}

fn finding(report: &Value, name: &str) -> Vec<(String, String, String, String)> {
    findings(report)
        .into_iter()
        .filter(|f| f.0 == name)
        .collect()
}

fn gate(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let output = Depgov::new(dir)
        .args([&["check", "--base", "main", "--format", "json"], extra].concat())
        .run();
    assert!(matches!(code(&output), 0 | 1), "{}", stderr(&output));
    (code(&output), json(&output))
}

fn row(name: &str, rule: &str, severity: &str, change: &str) -> (String, String, String, String) {
    (name.into(), rule.into(), severity.into(), change.into())
}

#[test]
fn findings_are_classified_new_changed_or_existing_and_graded_by_what_the_change_introduces() {
    let repo = repository();
    let (exit, report) = gate(repo.path(), &[]);
    assert_eq!(exit, 1);
    // New hold usage is an error; existing hold usage a warning.
    assert_eq!(
        finding(&report, "newly-held"),
        [row("newly-held", "component-hold", "error", "new")]
    );
    assert_eq!(
        finding(&report, "held-lib"),
        [row("held-lib", "component-hold", "warning", "existing")]
    );
    assert_eq!(
        finding(&report, "left-pad"),
        [row("left-pad", "component-hold", "error", "new")]
    );
    // A bump that a version range now matches counts as new.
    assert_eq!(
        finding(&report, "react"),
        [row("react", "component-hold", "error", "new")]
    );
    // A bump that keeps its finding is changed, and assess stays a note when not introduced.
    assert_eq!(
        finding(&report, "assessed-widget"),
        [row(
            "assessed-widget",
            "component-assess",
            "note",
            "changed"
        )]
    );
    // Remove keeps its grading: an existing remove is still an error.
    assert_eq!(
        finding(&report, "deep-dep"),
        [row("deep-dep", "license-remove", "error", "existing")]
    );

    let removed: Vec<(String, String)> = report["base"]["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["name"].as_str().unwrap().into(),
                r["ring"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        removed,
        [
            ("unlisted-lib".into(), "hold".into()),
            ("moment".into(), "adopt".into())
        ]
    );
    let merge_base = git(repo.path(), &["rev-parse", "main"]).trim().to_owned();
    assert_eq!(report["base"]["rev"], "main");
    assert_eq!(report["base"]["merge_base"], merge_base);
    assert_eq!(report["policy"]["revision"], merge_base);
}

#[test]
fn human_output_marks_what_is_new_and_credits_removed_debt() {
    let repo = repository();
    let output = Depgov::new(repo.path())
        .args(["check", "--base", "main"])
        .run();
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let merge_base = git(repo.path(), &["rev-parse", "--short=7", "main"])
        .trim()
        .to_owned();
    insta::assert_snapshot!(stdout(&output).replace(&merge_base, "[merge-base]"));
}

#[test]
fn only_new_reports_what_the_change_causes_and_summarizes_existing_debt() {
    let repo = repository();
    let (exit, report) = gate(repo.path(), &["--only-new"]);
    assert_eq!(exit, 1, "new hold usage fails the run");
    assert!(
        findings(&report).iter().all(|f| f.3 != "existing"),
        "{:?}",
        findings(&report)
    );
    let debt = &report["base"]["existing_debt"];
    assert_eq!(
        (debt["errors"].as_u64(), debt["warnings"].as_u64()),
        (Some(2), Some(6))
    );
    let human = stdout(
        &Depgov::new(repo.path())
            .args(["check", "--base", "main", "--only-new"])
            .run(),
    );
    assert!(
        human.contains("existing debt: 6 warnings, 2 errors (not caused by this change)"),
        "{human}"
    );

    // A change that adds nothing: existing errors do not fail it.
    git(repo.path(), &["checkout", "-q", "-b", "docs-only", "main"]);
    write(repo.path(), "README.md", "docs\n");
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-qm", "docs"]);
    let (exit, report) = gate(repo.path(), &["--only-new"]);
    assert_eq!(exit, 0);
    assert!(findings(&report).is_empty());
    let (exit, _) = gate(repo.path(), &[]);
    assert_eq!(
        exit, 1,
        "without --only-new, existing errors are still reported"
    );
}

#[test]
fn without_base_the_foundation_semantics_stay() {
    let repo = repository();
    let output = Depgov::new(repo.path())
        .args(["check", "--format", "json"])
        .run();
    let report = json(&output);
    assert_eq!(
        finding(&report, "newly-held"),
        [row("newly-held", "component-hold", "warning", "-")]
    );
    assert!(report["base"].is_null());
}

#[test]
fn the_policy_is_read_at_the_merge_base_and_an_edit_to_it_is_flagged() {
    let repo = repository();
    edit(repo.path(), "depgov.toml", |p| {
        p.replace(
            "purl = \"pkg:cargo/newly-held\"\nring = \"hold\"",
            "purl = \"pkg:cargo/newly-held\"\nring = \"adopt\"",
        )
    });
    git(
        repo.path(),
        &["commit", "-qam", "approve my own dependency"],
    );
    let (_, report) = gate(repo.path(), &[]);
    assert_eq!(
        finding(&report, "newly-held"),
        [row("newly-held", "component-hold", "error", "new")]
    );
    let changed: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "policy-changed")
        .collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["severity"], "warning");
    assert_eq!(changed[0]["location"]["file"], "depgov.toml");
    let message = changed[0]["message"].as_str().unwrap();
    assert!(
        message.contains("reviewed by the policy's contact (ospo@fixture.example)"),
        "{message}"
    );

    // Someone editing the policy locally applies their edit.
    let (_, report) = gate(repo.path(), &["--policy-from", "head"]);
    assert!(finding(&report, "newly-held").is_empty());
    assert!(findings(&report).iter().all(|f| f.1 != "policy-changed"));
    assert!(report["policy"]["revision"].is_null());
}

/// The `policy-invalid` findings of a report: (file, line, severity).
fn policy_invalid(report: &Value) -> Vec<(String, u64, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "policy-invalid")
        .map(|f| {
            (
                f["location"]["file"].as_str().unwrap().to_owned(),
                f["location"]["line"].as_u64().unwrap(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn a_change_that_breaks_the_policy_fails_the_gate_at_the_broken_line() {
    let repo = repository();
    edit(repo.path(), "depgov.toml", |p| {
        format!("{p}\n[[components]]\npurl = \"pkg:npm/moment\"\nring = \"sideways\"\n")
    });
    git(repo.path(), &["commit", "-qam", "break the policy"]);
    let line = std::fs::read_to_string(repo.path().join("depgov.toml"))
        .unwrap()
        .lines()
        .position(|l| l.contains("sideways"))
        .unwrap() as u64
        + 1;
    let (exit, report) = gate(repo.path(), &["--only-new"]);
    assert_eq!(exit, 1, "the gate fails on the broken policy");
    assert_eq!(
        policy_invalid(&report),
        [("depgov.toml".to_owned(), line, "error".to_owned())]
    );
    // The base's policy still judges the components.
    assert_eq!(report["policy"]["name"], "Fixture OSPO");
    assert_eq!(
        finding(&report, "newly-held"),
        [row("newly-held", "component-hold", "error", "new")]
    );
}

#[test]
fn a_change_that_breaks_an_extended_layer_is_located_in_that_layer() {
    let repo = repository();
    write(
        repo.path(),
        "policies/base.toml",
        "version = 1\n[licenses]\nadopt = [\"MIT\"]\n",
    );
    edit(repo.path(), "depgov.toml", |p| {
        p.replacen(
            "version = 1",
            "version = 1\nextends = [\"policies/base.toml\"]",
            1,
        )
    });
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-qm", "layer the policy"]);
    git(repo.path(), &["branch", "-f", "main", "HEAD"]);
    write(
        repo.path(),
        "policies/base.toml",
        "version = 1\n[licenses]\nadopt = [\"MIT\"\n",
    );
    git(repo.path(), &["commit", "-qam", "break the layer"]);
    let (exit, report) = gate(repo.path(), &[]);
    assert_eq!(exit, 1);
    let invalid = policy_invalid(&report);
    assert_eq!(invalid.len(), 1, "{invalid:?}");
    assert_eq!(invalid[0].0, "policies/base.toml");
    assert!(invalid[0].1 >= 3, "{invalid:?}");
    // A change that leaves the policy alone loads it once, and finds nothing wrong.
    git(repo.path(), &["checkout", "-q", "HEAD~1"]);
    let (_, report) = gate(repo.path(), &[]);
    assert!(policy_invalid(&report).is_empty());
}

#[test]
fn deleting_the_policy_does_not_escape_it() {
    let repo = repository();
    git(repo.path(), &["rm", "-q", "depgov.toml"]);
    git(repo.path(), &["commit", "-qm", "no more policy"]);
    let (_, report) = gate(repo.path(), &[]);
    assert_eq!(report["policy"]["name"], "Fixture OSPO");
    assert_eq!(
        finding(&report, "newly-held"),
        [row("newly-held", "component-hold", "error", "new")]
    );
    assert!(findings(&report).iter().any(|f| f.1 == "policy-changed"));
}

#[test]
fn the_working_tree_index_and_worktrees_are_left_untouched() {
    let repo = repository();
    write(repo.path(), "uncommitted.txt", "work in progress\n");
    let status = git(repo.path(), &["status", "--porcelain"]);
    let worktrees = git(repo.path(), &["worktree", "list"]);
    gate(repo.path(), &[]);
    assert_eq!(git(repo.path(), &["status", "--porcelain"]), status);
    assert_eq!(git(repo.path(), &["worktree", "list"]), worktrees);
}

#[test]
fn uncommitted_changes_are_part_of_the_change() {
    let repo = repository();
    git(repo.path(), &["checkout", "-q", "main"]);
    let head_npm = [
        ("left-pad", "1.3.0"),
        ("moment", "2.29.4"),
        ("react", "18.2.0"),
    ];
    write(repo.path(), "web/package.json", &manifest(&head_npm));
    write(repo.path(), "web/package-lock.json", &lock(&head_npm));
    let (exit, report) = gate(repo.path(), &["--only-new"]);
    assert_eq!(exit, 1);
    assert_eq!(
        findings(&report),
        [row("left-pad", "component-hold", "error", "new")]
    );
}

#[test]
fn a_missing_base_a_shallow_clone_and_no_repository_are_errors_that_say_how_to_fix_them() {
    let repo = repository();
    let output = Depgov::new(repo.path())
        .args(["check", "--base", "origin/nope"])
        .run();
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("base revision `origin/nope` is not in this repository"));
    assert!(stderr(&output).contains("git fetch origin main"));

    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git(
        clones.path(),
        &[
            "clone", "-q", "--depth", "1", "--branch", "feature", &url, "shallow",
        ],
    );
    let shallow = clones.path().join("shallow");
    let output = Depgov::new(&shallow)
        .args(["check", "--base", "main"])
        .run();
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("This clone is shallow"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("fetch-depth: 0"),
        "{}",
        stderr(&output)
    );

    git(
        &shallow,
        &["fetch", "-q", "--depth", "1", "origin", "main:main"],
    );
    let output = Depgov::new(&shallow)
        .args(["check", "--base", "main"])
        .run();
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("shallow clone that does not contain the common ancestor"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("git fetch --unshallow"));

    let plain = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("monorepo/web"), plain.path());
    let output = Depgov::new(plain.path())
        .args(["check", "--base", "main"])
        .run();
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("is not inside a git repository"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn only_new_and_policy_from_need_a_base() {
    let repo = repository();
    let output = Depgov::new(repo.path()).args(["check", "--only-new"]).run();
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("--base"), "{}", stderr(&output));
}

#[test]
fn ci_formats_show_what_the_change_introduces_and_the_debt_it_leaves() {
    let repo = repository();
    let merge_base = git(repo.path(), &["rev-parse", "--short=7", "main"])
        .trim()
        .to_owned();
    for (name, args) in [
        ("markdown", &["--format", "markdown"][..]),
        (
            "markdown_only_new",
            &["--format", "markdown", "--only-new"][..],
        ),
        ("github", &["--format", "github"][..]),
    ] {
        let output = Depgov::new(repo.path())
            .args([&["check", "--base", "main"], args].concat())
            .run();
        assert_eq!(code(&output), 1, "{}", stderr(&output));
        insta::assert_snapshot!(name, stdout(&output).replace(&merge_base, "[merge-base]"));
    }
}

/// The names of the components the change removes, as the report lists them.
fn removed(report: &Value) -> Vec<String> {
    report["base"]["removed"]
        .as_array()
        .expect("base.removed")
        .iter()
        .map(|r| r["name"].as_str().unwrap_or("-").to_owned())
        .collect()
}

#[test]
fn the_base_reads_the_same_selection_of_inputs_as_the_head() {
    let repo = repository();
    let dir = repo.path();
    // Everything: the change drops moment (npm) and unlisted-lib (Cargo).
    let (_, everything) = gate(dir, &["--fail-on", "never"]);
    let all_removed = removed(&everything);
    assert!(
        all_removed.contains(&"moment".to_owned()),
        "{all_removed:?}"
    );
    assert!(all_removed.contains(&"unlisted-lib".to_owned()));
    // One workspace, by --manifest-path or by ecosystem: the base reads no npm input either,
    // so nothing npm is "removed".
    for selection in [
        &["--manifest-path", "ws/Cargo.toml"][..],
        &["--ecosystem", "cargo"][..],
    ] {
        let (_, report) = gate(dir, &[&["--fail-on", "never"], selection].concat());
        let names = removed(&report);
        assert_eq!(names, ["unlisted-lib"], "{selection:?}");
    }
    // The policy's excludes apply to the base too.
    git(dir, &["checkout", "-q", "main"]);
    edit(dir, "depgov.toml", |policy| {
        format!("{policy}\n[scan]\nexclude = [\"web\"]\n")
    });
    git(dir, &["commit", "-qam", "exclude web"]);
    git(dir, &["checkout", "-q", "feature"]);
    git(dir, &["rebase", "-q", "main"]);
    let (_, report) = gate(dir, &["--fail-on", "never"]);
    assert_eq!(removed(&report), ["unlisted-lib"]);
}
