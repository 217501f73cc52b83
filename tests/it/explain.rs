//! `depgov explain`, `depgov policy show` and `depgov policy check` on a layered policy over
//! an npm monorepo: the real binary, snapshots of what the user reads.

use std::path::Path;

use crate::common::{Depgov, code, git, stderr, stdout};
use tempfile::TempDir;

/// `web/` locks left-pad 1.3.0 twice over (app → a → left-pad, app → b → left-pad) and
/// `legacy/` locks left-pad 1.1.0 directly; the repository policy extends a team policy that
/// holds left-pad, and waives it in `legacy/` only.
fn monorepo(policy: &str) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let package = |name: &str, version: &str, license: &str, deps: &str| {
        format!(
            r#""node_modules/{name}": {{"version": "{version}", "resolved": "https://registry.npmjs.org/{name}/-/{name}-{version}.tgz", "license": "{license}", "dependencies": {{{deps}}}}}"#
        )
    };
    let web = format!(
        r#"{{"name": "web", "lockfileVersion": 3, "packages": {{
  "": {{"name": "web", "dependencies": {{"a": "^1", "b": "^2"}}}},
  {},
  {},
  {}
}}}}"#,
        package("a", "1.0.0", "MIT", r#""left-pad": "^1""#),
        package("b", "2.0.0", "ISC", r#""left-pad": "^1""#),
        package("left-pad", "1.3.0", "WTFPL", ""),
    );
    let legacy = format!(
        r#"{{"name": "legacy", "lockfileVersion": 3, "packages": {{
  "": {{"name": "legacy", "dependencies": {{"left-pad": "1.1.0"}}}},
  {}
}}}}"#,
        package("left-pad", "1.1.0", "WTFPL", ""),
    );
    let team = r#"version = 1
name = "Team"
[defaults]
ring = "adopt"
[licenses]
adopt = ["MIT", "ISC"]
hold = ["WTFPL"]
[[components]]
purl = "pkg:npm/left-*"
ring = "assess"
[[components]]
purl = "pkg:npm/left-pad"
ring = "hold"
reason = "Use String.prototype.padStart"
use-instead = ["pkg:npm/string.prototype.padstart"]
"#;
    for (path, text) in [
        ("web/package-lock.json", web.as_str()),
        ("legacy/package-lock.json", legacy.as_str()),
        ("policies/team.toml", team),
        ("depgov.toml", policy),
    ] {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const REPO_POLICY: &str = r#"version = 1
name = "Web"
extends = ["policies/team.toml"]
[[exceptions]]
purl = "pkg:npm/left-pad"
versions = "<1.2"
paths = ["legacy/**"]
expires = 2027-03-31
approved-by = "jdoe"
ticket = "OSPO-142"
reason = "Legacy is frozen until its rewrite"
"#;

#[test]
fn explain_shows_every_version_path_entry_axis_and_exception() {
    let repo = monorepo(REPO_POLICY);
    let output = Depgov::new(repo.path()).args(["explain", "left-pad"]).run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn explain_takes_a_purl_with_a_version() {
    let repo = monorepo(REPO_POLICY);
    let output = Depgov::new(repo.path())
        .args(["explain", "pkg:npm/left-pad@1.1.0"])
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("pkg:npm/left-pad@1.1.0"), "{text}");
    assert!(!text.contains("left-pad@1.3.0"), "{text}");
    assert!(text.contains("applies — Legacy is frozen"), "{text}");
}

#[test]
fn explain_of_an_absent_package_is_a_usage_error() {
    let repo = monorepo(REPO_POLICY);
    let output = Depgov::new(repo.path())
        .args(["explain", "right-pad"])
        .run();
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("`right-pad` is not among the 4 components found"),
        "{}",
        stderr(&output)
    );
    let output = Depgov::new(repo.path())
        .args(["explain", "pkg:nope/x"])
        .run();
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("unsupported package type `nope`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn policy_show_gives_every_entry_with_its_origin() {
    let repo = monorepo(REPO_POLICY);
    let output = Depgov::new(repo.path()).args(["policy", "show"]).run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    insta::assert_snapshot!("policy_show_toml", stdout(&output));
    let output = Depgov::new(repo.path())
        .args(["policy", "show", "--format", "json"])
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    insta::assert_snapshot!("policy_show_json", stdout(&output));
}

#[test]
fn policy_show_toml_is_itself_a_policy_that_judges_the_same() {
    let repo = monorepo(REPO_POLICY);
    let shown = stdout(&Depgov::new(repo.path()).args(["policy", "show"]).run());
    std::fs::write(repo.path().join("flat.toml"), shown).unwrap();
    let layered = stdout(
        &Depgov::new(repo.path())
            .args(["check", "--format", "json"])
            .run(),
    );
    let flat = stdout(
        &Depgov::new(repo.path())
            .args(["check", "--format", "json", "--policy", "flat.toml"])
            .run(),
    );
    // The same findings; only a waiver's origin differs, the flat file being another file.
    let findings = |text: &str| {
        let mut report: serde_json::Value = serde_json::from_str(text).unwrap();
        for finding in report["findings"].as_array_mut().unwrap() {
            if let Some(waiver) = finding["waiver"].as_object_mut() {
                waiver.remove("origin");
            }
        }
        report["findings"].clone()
    };
    assert_eq!(findings(&layered), findings(&flat));
}

#[test]
fn policy_check_prints_lints_and_passes() {
    let linted = r#"version = 1
extends = ["policies/team.toml"]
[licenses]
hold = ["GPL-2.0", "WTFPL"]
[[components]]
purl = "pkg:npm/left-*"
ring = "assess"
[[components]]
purl = "pkg:npm/moment"
ring = "hold"
[[components]]
purl = "pkg:npm/moment"
ring = "remove"
use-instead = ["pkg:npm/left-pad"]
[[exceptions]]
purl = "pkg:npm/left-pad"
expires = 2026-12-01
reason = "Expired already"
"#;
    let repo = monorepo(linted);
    let output = Depgov::new(repo.path())
        .args(["policy", "check", "depgov.toml"])
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn policy_check_reports_every_error_and_exits_2() {
    let broken = r#"version = 1
extends = ["policies/team.toml", "policies/missing.toml"]
[licenses]
adopt = ["Not-A-License"]
[[components]]
purl = "pkg:npm/moment"
ring = "someday"
[[exceptions]]
purl = "pkg:npm/left-pad"
reason = "No expiry"
"#;
    let repo = monorepo(broken);
    let output = Depgov::new(repo.path())
        .args(["policy", "check", "depgov.toml"])
        .run();
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "", "no verdict on a broken policy");
    insta::assert_snapshot!(stderr(&output));
}

#[test]
fn policy_check_of_a_missing_file_names_it() {
    let output = Depgov::new(Path::new("."))
        .args(["policy", "check", "no-such-policy.toml"])
        .run();
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("no-such-policy.toml"),
        "{}",
        stderr(&output)
    );
}
