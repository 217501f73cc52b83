//! Policy lifecycle: expiring exceptions and layered (extended) policies.

use std::path::Path;
use std::process::Output;

use crate::common;
use crate::common::fake_github as fake;
use crate::common::{Depgov, code, git, json, stderr};
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
    run(dir, today, &[], env)
}

/// `depgov check --format json ARGS` in `dir` on `today`, away from the caller's GitHub
/// environment.
fn run(dir: &Path, today: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut depgov = Depgov::new(dir);
    depgov
        .args(["check", "--format", "json"])
        .args(args)
        .today(today);
    for (key, value) in env {
        depgov.env(key, value);
    }
    depgov.run()
}

/// The findings' rules, severities and whether each is waived; `health-unknown` left out (the
/// tests run offline, where the default policy's criteria have no data).
fn rules(report: &Value) -> Vec<(String, String, bool)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] != "health-unknown")
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
    let output = Depgov::new(dir.path()).args(["check"]).run();
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

const TOKEN: &str = "ghp_SENTINELpolicy0c4e1b9a7d3f";

/// The org policy as the fake GitHub serves it at acme/.github, with a relative `extends`
/// resolved inside that repository.
fn org_policy_server() -> fake::FakeGitHub {
    let server = fake::FakeGitHub::start(TOKEN, fake::TokenKind::User("ospo".into()), "/api/v3");
    let org = "version = 1\nname = \"Acme org\"\nextends = [\"base.toml\"]\n[[components]]\npurl = \"pkg:npm/left-pad\"\nring = \"hold\"\nreason = \"Use String.prototype.padStart\"\n";
    server.add_file("acme/.github", "policies/ospo.toml", "v3", org);
    server.add_file("acme/.github", "policies/base.toml", "v3", BASE);
    server
}

const EXTENDS_GITHUB: &str =
    "version = 1\nextends = [\"github:acme/.github/policies/ospo.toml@v3\"]\n";

#[test]
fn github_layers_are_fetched_cached_by_ref_and_read_offline() {
    let server = org_policy_server();
    let dir = project(&[("depgov.toml", EXTENDS_GITHUB)]);
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = cache.path().to_str().unwrap();
    let api_url = server.api_url();
    let online = [
        ("GITHUB_TOKEN", TOKEN),
        ("GITHUB_API_URL", api_url.as_str()),
        ("DEPGOV_CACHE_DIR", cache_dir),
    ];
    let output = check(dir.path(), "2027-01-01", &online);
    let report = json(&output);
    let mut found = rules(&report);
    found.sort();
    assert_eq!(
        found,
        [
            row("component-hold", "warning", false),
            row("component-remove", "error", false)
        ]
    );
    assert_eq!(report["policy"]["name"], "Acme org");
    assert_eq!(
        server.request_lines(),
        [
            "GET /api/v3/repos/acme/.github/contents/policies/ospo.toml?ref=v3",
            "GET /api/v3/repos/acme/.github/contents/policies/base.toml?ref=v3",
        ]
    );
    assert!(!String::from_utf8_lossy(&output.stdout).contains(TOKEN));
    assert!(!stderr(&output).contains(TOKEN));
    assert!(
        cache
            .path()
            .join("policies/acme/.github/ref-v3/policies/ospo.toml")
            .is_file()
    );

    // --offline: the same result from the cache, without a request or a token.
    let offline = [
        ("DEPGOV_CACHE_DIR", cache_dir),
        ("GITHUB_API_URL", api_url.as_str()),
    ];
    let output = run(dir.path(), "2027-01-01", &["--offline"], &offline);
    assert_eq!(json(&output)["policy"]["name"], "Acme org");
    assert_eq!(server.requests().len(), 2, "no request offline");

    // A ref never fetched is not in the cache: exit 2, naming the layer.
    std::fs::write(
        dir.path().join("depgov.toml"),
        EXTENDS_GITHUB.replace("@v3", "@v4"),
    )
    .unwrap();
    let output = run(dir.path(), "2027-01-01", &["--offline"], &offline);
    assert_eq!(code(&output), 2);
    let message = stderr(&output);
    assert!(
        message.contains("`github:acme/.github/policies/ospo.toml@v4` is not in the cache"),
        "{message}"
    );
}

#[test]
fn github_layers_fail_clearly_without_a_token_or_when_missing() {
    let server = org_policy_server();
    let dir = project(&[(
        "depgov.toml",
        "version = 1\nextends = [\"github:acme/.github/policies/gone.toml@v3\"]\n",
    )]);
    let cache = tempfile::tempdir().unwrap();
    let api_url = server.api_url();
    let env = [
        ("GITHUB_API_URL", api_url.as_str()),
        ("DEPGOV_CACHE_DIR", cache.path().to_str().unwrap()),
    ];
    let output = check(dir.path(), "2027-01-01", &env);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("set GITHUB_TOKEN or GH_TOKEN"),
        "{}",
        stderr(&output)
    );

    let env = [env[0], env[1], ("GH_TOKEN", TOKEN)];
    let output = check(dir.path(), "2027-01-01", &env);
    assert_eq!(code(&output), 2);
    let message = stderr(&output);
    assert!(message.contains("depgov.toml:2"), "{message}");
    assert!(
        message.contains("github:acme/.github/policies/gone.toml@v3"),
        "{message}"
    );
    assert!(message.contains("404"), "{message}");
    assert!(!message.contains(TOKEN));
}

#[test]
fn github_layers_cannot_name_paths_outside_the_repository_or_cache() {
    let server = org_policy_server();
    server.add_file(
        "acme/.github",
        "policies/escape.toml",
        "v3",
        "version = 1\nextends = [\"../../../../etc/passwd\"]\n",
    );
    let cache = tempfile::tempdir().unwrap();
    let api_url = server.api_url();
    let env = [
        ("GITHUB_TOKEN", TOKEN),
        ("GITHUB_API_URL", api_url.as_str()),
        ("DEPGOV_CACHE_DIR", cache.path().to_str().unwrap()),
    ];
    for extends in [
        "github:acme/.github/../../etc/passwd@v3",
        "github:acme/../policies/x.toml@v3",
        "github:acme/.github/policies/x.toml@../../x",
        "github:acme/.github/policies/escape.toml@v3",
    ] {
        let dir = project(&[(
            "depgov.toml",
            &format!("version = 1\nextends = [\"{extends}\"]\n"),
        )]);
        let output = check(dir.path(), "2027-01-01", &env);
        assert_eq!(code(&output), 2, "{extends}");
        assert!(
            stderr(&output).contains("depgov.toml"),
            "{}",
            stderr(&output)
        );
    }
    let requested = server.request_lines();
    assert_eq!(
        requested,
        ["GET /api/v3/repos/acme/.github/contents/policies/escape.toml?ref=v3"],
        "only the well-formed layer is fetched"
    );
    let written: Vec<_> = walk(cache.path());
    assert_eq!(
        written,
        ["policies/acme/.github/ref-v3/policies/escape.toml"],
        "nothing lands outside the cache"
    );
}

/// Every file under `root`, relative, sorted.
fn walk(root: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let relative = path.strip_prefix(root).unwrap();
                files.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    files.sort();
    files
}
