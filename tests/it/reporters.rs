//! The CI reporters: GitHub workflow commands, the markdown comment/summary, SARIF, and the
//! files and environment they write in GitHub Actions.

use std::path::Path;
use std::process::Output;

use crate::common::{Depgov, code, git, repo, stderr, stdout, stdout_redacted};
use serde_json::Value;

fn run_with_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut depgov = Depgov::new(dir);
    depgov.args(args);
    for (key, value) in env {
        depgov.env(key, value);
    }
    depgov.run()
}

/// An npm project whose lockfile holds `names` (all version 1.0.0), under `policy`.
fn npm_project(names: &[String], policy: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let mut packages = serde_json::Map::new();
    packages.insert("".into(), serde_json::json!({"name": "app"}));
    for (i, name) in names.iter().enumerate() {
        packages.insert(
            format!("node_modules/pkg{i}"),
            serde_json::json!({
                "name": name,
                "version": "1.0.0",
                "resolved": "https://registry.npmjs.org/x/-/x-1.0.0.tgz",
                "license": "MIT"
            }),
        );
    }
    let lock = serde_json::json!({"name": "app", "lockfileVersion": 3, "packages": packages});
    std::fs::write(
        dir.path().join("package-lock.json"),
        serde_json::to_string_pretty(&lock).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.path().join("depgov.toml"), policy).unwrap();
    dir
}

#[test]
fn github_markdown_and_sarif_render_the_same_findings() {
    let repo = repo("cargo-basic");
    let ws = repo.path().join("ws");
    for (format, name) in [
        ("github", "github"),
        ("markdown", "markdown"),
        ("sarif", "sarif"),
    ] {
        let output = Depgov::new(&ws).args(["check", "--format", format]).run();
        assert_eq!(code(&output), 1, "{}", stderr(&output));
        insta::assert_snapshot!(name, stdout_redacted(&output));
    }
}

#[test]
fn sarif_has_one_rule_per_id_levels_lines_and_stable_fingerprints() {
    let repo = repo("cargo-basic");
    let ws = repo.path().join("ws");
    let sarif = |dir: &Path| -> Value {
        serde_json::from_slice(
            &Depgov::new(dir)
                .args(["check", "--format", "sarif"])
                .run()
                .stdout,
        )
        .unwrap()
    };
    let first = sarif(&ws);
    let run = &first["runs"][0];
    assert_eq!(first["version"], "2.1.0");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), depgov::model::Rule::ALL.len());
    assert!(
        rules
            .iter()
            .all(|r| r["help"]["text"].as_str().is_some_and(|t| !t.is_empty()))
    );
    let results = run["results"].as_array().unwrap();
    let deep = results
        .iter()
        .find(|r| r["properties"]["purl"] == "pkg:cargo/deep-dep@0.3.0")
        .unwrap();
    assert_eq!(deep["level"], "error");
    let location = &deep["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "ws/app/Cargo.toml");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(location["region"]["startLine"], 13);
    let fingerprint = deep["partialFingerprints"]["depgovFinding/v1"].clone();
    assert_eq!(
        sarif(&ws)["runs"][0]["results"],
        run["results"],
        "the same run, the same SARIF"
    );

    // A line shift keeps the finding's identity; a version bump makes it another finding.
    let manifest = repo.path().join("crates/deep-dep/Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("0.3.0", "0.3.1");
    std::fs::write(&manifest, text).unwrap();
    let app = ws.join("app/Cargo.toml");
    let text = std::fs::read_to_string(&app)
        .unwrap()
        .replace("[dependencies]\n", "[dependencies]\n# pinned\n");
    std::fs::write(&app, text).unwrap();
    std::fs::remove_file(ws.join("Cargo.lock")).unwrap();
    let bumped_result = || {
        sarif(&ws)["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["properties"]["purl"] == "pkg:cargo/deep-dep@0.3.1")
            .unwrap()
            .clone()
    };
    let bumped = bumped_result();
    assert_eq!(
        bumped["locations"][0]["physicalLocation"]["region"]["startLine"],
        14
    );
    assert_ne!(
        bumped["partialFingerprints"]["depgovFinding/v1"],
        fingerprint
    );
    std::fs::write(
        &app,
        std::fs::read_to_string(&app)
            .unwrap()
            .replace("# pinned\n", "# pinned\n# twice\n"),
    )
    .unwrap();
    let moved = bumped_result();
    assert_eq!(
        moved["locations"][0]["physicalLocation"]["region"]["startLine"],
        15
    );
    assert_eq!(
        moved["partialFingerprints"]["depgovFinding/v1"],
        bumped["partialFingerprints"]["depgovFinding/v1"]
    );
}

/// The SARIF document depgov writes for `dir` with further `args`.
fn sarif_of(dir: &Path, args: &[&str]) -> Value {
    let output = Depgov::new(dir)
        .args([&["check", "--format", "sarif"], args].concat())
        .run();
    assert!(matches!(code(&output), 0 | 1), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn sarif_fingerprints_tell_two_versions_of_a_package_in_one_file_apart() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let entry = |version: &str| {
        serde_json::json!({"version": version, "license": "MIT",
            "resolved": format!("https://registry.npmjs.org/dup/-/dup-{version}.tgz")})
    };
    let lock = serde_json::json!({"name": "app", "lockfileVersion": 3, "packages": {
        "": {"name": "app", "dependencies": {"dup": "^1", "wrap": "^1"}},
        "node_modules/dup": entry("1.0.0"),
        "node_modules/wrap": {"version": "1.0.0", "license": "MIT",
            "resolved": "https://registry.npmjs.org/wrap/-/wrap-1.0.0.tgz",
            "dependencies": {"dup": "^2"}},
        "node_modules/wrap/node_modules/dup": entry("2.0.0"),
    }});
    std::fs::write(dir.path().join("package-lock.json"), lock.to_string()).unwrap();
    std::fs::write(
        dir.path().join("depgov.toml"),
        "version = 1\n[defaults]\nring = \"adopt\"\n[licenses]\nadopt = [\"MIT\"]\n[[components]]\npurl = \"pkg:npm/dup\"\nring = \"hold\"\n",
    )
    .unwrap();
    let sarif = sarif_of(dir.path(), &[]);
    let fingerprints: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["partialFingerprints"]["depgovFinding/v1"])
        .collect();
    assert_eq!(fingerprints.len(), 2, "{sarif}");
    assert_ne!(fingerprints[0], fingerprints[1]);
}

#[test]
fn sarif_names_files_outside_the_repository_without_the_source_root() {
    let project = npm_project(&["left-pad".to_owned()], "version = 1\n");
    let elsewhere = tempfile::tempdir().unwrap();
    let policy = elsewhere.path().join("ospo policy.toml");
    std::fs::write(
        &policy,
        "version = 1\n[defaults]\nring = \"hold\"\n[[exceptions]]\npurl = \"pkg:npm/left-pad\"\nreason = \"legacy\"\nexpires = 2020-01-01\n",
    )
    .unwrap();
    let sarif = sarif_of(project.path(), &["--policy", policy.to_str().unwrap()]);
    let mut artifacts: Vec<&Value> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"].as_object())
        .map(|a| a.get("uri").unwrap())
        .collect();
    artifacts.sort_by_key(|uri| uri.to_string());
    let absolute = format!(
        "file://{}",
        policy.display().to_string().replace(' ', "%20")
    );
    assert!(
        artifacts.iter().any(|uri| **uri == absolute),
        "{artifacts:?}"
    );
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = artifact["uri"].as_str().unwrap_or_default();
        assert_eq!(
            artifact.get("uriBaseId").is_some(),
            !uri.starts_with("file:"),
            "{artifact}"
        );
    }
}

#[test]
fn sarif_keeps_the_5000_most_severe_results_and_says_how_many_it_left_out() {
    let names: Vec<String> = (0..5_000)
        .map(|i| format!("held-{i:04}"))
        .chain((0..7).map(|i| format!("bad-{i}")))
        .collect();
    let project = npm_project(
        &names,
        "version = 1\n[defaults]\nring = \"adopt\"\n[licenses]\nadopt = [\"MIT\"]\n[[components]]\npurl = \"pkg:npm/held-*\"\nring = \"hold\"\n[[components]]\npurl = \"pkg:npm/bad-*\"\nring = \"remove\"\n",
    );
    let sarif = sarif_of(project.path(), &[]);
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5_000);
    assert_eq!(results.iter().filter(|r| r["level"] == "error").count(), 7);
    let dropped: Vec<&Value> = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["descriptor"]["id"] == "sarif-results-dropped")
        .collect();
    assert_eq!(dropped.len(), 1);
    assert!(
        dropped[0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("7 of 5007 results are not in this file"),
        "{}",
        dropped[0]
    );
}

#[test]
fn package_text_cannot_inject_workflow_commands_html_or_table_rows() {
    let evil = [
        "evil\n::set-env name=PWNED::1",
        "per%cent\r::error::forged",
        "<script>alert(1)</script>",
        "pipe|in|name`tick`",
        "@octocat [x](javascript:alert(1)) www.evil.example",
    ]
    .map(String::from);
    let project = npm_project(&evil, "version = 1\n[defaults]\nring = \"hold\"\n");
    let in_actions = [("GITHUB_ACTIONS", "true")];

    let github = stdout(&run_with_env(
        project.path(),
        &["check", "--format", "github"],
        &in_actions,
    ));
    for line in github.lines() {
        let known = ["::error ", "::warning ", "::notice ", "depgov: "];
        // Text after a command's `::` is data, even if it holds `::`: only a line's start
        // can begin a command, and every line is one of ours.
        assert!(
            known.iter().any(|p| line.starts_with(p)),
            "stray line: {line:?}"
        );
    }
    assert!(!github.contains('\r'));

    let markdown = stdout(&run_with_env(
        project.path(),
        &["check", "--format", "markdown"],
        &[],
    ));
    assert!(!markdown.contains("<script>"));
    assert!(!markdown.contains("](javascript"));
    assert_eq!(
        markdown.matches("@octocat").count(),
        markdown.matches("`@octocat`").count(),
        "mentions are code spans: {markdown}"
    );
    for row in markdown.lines().filter(|l| l.starts_with("| ")) {
        let unescaped = row.matches('|').count() - row.matches("\\|").count();
        assert_eq!(unescaped, 9, "a row keeps its 8 cells: {row}");
    }

    let human = stdout(&run_with_env(project.path(), &["check"], &in_actions));
    let first = human.lines().next().unwrap();
    let token = first
        .strip_prefix("::stop-commands::")
        .expect("fenced in Actions");
    assert!(token.len() >= 16);
    assert_eq!(human.lines().last().unwrap(), format!("::{token}::"));
    assert!(!human.contains("\n::set-env"), "{human}");
}

#[test]
fn annotations_stop_at_ten_per_level_with_a_notice_for_the_rest() {
    let names: Vec<String> = (0..25).map(|i| format!("held-{i:02}")).collect();
    let project = npm_project(
        &names,
        "version = 1\n[defaults]\nring = \"adopt\"\n[licenses]\nadopt = [\"MIT\"]\n[[components]]\npurl = \"pkg:npm/held-*\"\nring = \"hold\"\n",
    );
    let github = stdout(
        &Depgov::new(project.path())
            .args(["check", "--format", "github"])
            .run(),
    );
    // Nine: the tenth place is kept for depgov's own warning in the same step.
    assert_eq!(
        github
            .lines()
            .filter(|l| l.starts_with("::warning "))
            .count(),
        9
    );
    let notice = github.lines().find(|l| l.starts_with("::notice ")).unwrap();
    assert!(
        notice.contains("16 more findings are not annotated"),
        "{notice}"
    );
}

#[test]
fn in_actions_an_error_that_stops_the_run_is_an_annotation_at_its_line() {
    let project = npm_project(
        &["left-pad".to_owned()],
        "version = 1\n[defaults]\nring = \"sideways\"\n",
    );
    let output = Depgov::new(project.path())
        .args(["check", "--format", "github"])
        .env("GITHUB_ACTIONS", "true")
        .run();
    assert_eq!(code(&output), 2);
    let err = stderr(&output);
    let annotation = err
        .lines()
        .find(|l| l.starts_with("::error "))
        .unwrap_or_else(|| panic!("no annotation: {err}"));
    assert!(
        annotation.starts_with("::error file=depgov.toml,line=3,title=depgov stopped (exit 2)::"),
        "{annotation}"
    );
    assert!(annotation.contains("nothing was checked"), "{annotation}");
    assert_eq!(
        err.lines().count(),
        1,
        "one annotation, nothing else: {err}"
    );
    // Outside Actions, the same error is laid out for a terminal.
    let output = Depgov::new(project.path()).args(["check"]).run();
    assert!(!stderr(&output).contains("::error"), "{}", stderr(&output));
}

#[test]
fn the_comment_body_never_exceeds_githubs_limit() {
    let names: Vec<String> = (0..3000)
        .map(|i| format!("a-rather-long-package-name-for-a-large-table-{i:04}"))
        .collect();
    let project = npm_project(&names, "version = 1\n[defaults]\nring = \"hold\"\n");
    let markdown = stdout(
        &Depgov::new(project.path())
            .args(["check", "--format", "markdown"])
            .run(),
    );
    assert!(markdown.len() <= 65_536, "{} bytes", markdown.len());
    assert!(markdown.contains("more; see the job summary or the JSON report artifact"));
}

#[test]
fn outputs_job_summary_and_step_outputs_are_written_in_actions() {
    let repo = repo("cargo-basic");
    let ws = repo.path().join("ws");
    let out = tempfile::tempdir().unwrap();
    let summary = out.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let outputs = out.path().join("outputs");
    let json = out.path().join("report.json");
    let sarif = out.path().join("report.sarif");
    let output = run_with_env(
        &ws,
        &[
            "check",
            "--format",
            "github",
            "--output",
            &format!("json={}", json.display()),
            "--output",
            &format!("sarif={}", sarif.display()),
        ],
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
            ("GITHUB_OUTPUT", outputs.to_str().unwrap()),
        ],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(stdout(&output).starts_with("::error "));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["summary"]["errors"], 2);
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary.starts_with("earlier step\n❌ **depgov**: 2 errors, 7 warnings"),
        "{summary}"
    );
    assert_eq!(
        std::fs::read_to_string(&outputs).unwrap(),
        format!("errors=2\nwarnings=7\nreport={}\n", json.display())
    );

    let bad = Depgov::new(&ws).args(["check", "--output", "yaml=x"]).run();
    assert_eq!(code(&bad), 2);
    assert!(
        stderr(&bad).contains("unknown format `yaml`"),
        "{}",
        stderr(&bad)
    );
}
