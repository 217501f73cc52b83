//! Repositories without lockfiles (issue 18): policy entries on manifest requirements, what
//! every report says about manifest-only inputs, nothing to check, and the PR gate on
//! manifests. The repositories are written here; the formats' own fixtures are in
//! `format_*.rs`.

use std::path::Path;

use serde_json::Value;

use crate::common::{Depgov, code, git, json, stderr, stdout};

const POLICY: &str = r#"version = 1
name = "Manifest policy"

[defaults]
ring = "adopt"

[licenses]
unknown = "adopt"
unlisted = "adopt"

[[components]]
purl = "pkg:npm/lodash"
versions = "<4.17.21"
ring = "remove"
reason = "Prototype pollution before 4.17.21"

[[components]]
purl = "pkg:maven/org.apache.logging.log4j/log4j-core"
versions = "<2.17.1"
ring = "remove"
reason = "Log4Shell"

[[components]]
purl = "pkg:npm/left-pad"
ring = "hold"
reason = "Use String.prototype.padStart"
"#;

const PACKAGE_JSON: &str = r#"{
  "name": "web",
  "dependencies": {
    "lodash": "^4.17.0",
    "react": "^18.2.0"
  }
}
"#;

fn pom(dependencies: &[(&str, &str, &str)]) -> String {
    let dependencies: String = dependencies
        .iter()
        .map(|(group, artifact, version)| {
            format!(
                "    <dependency>\n      <groupId>{group}</groupId>\n      <artifactId>{artifact}</artifactId>\n      <version>{version}</version>\n    </dependency>\n"
            )
        })
        .collect();
    format!(
        "<project>\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.example</groupId>\n  <artifactId>service</artifactId>\n  <version>1.0.0</version>\n  <dependencies>\n{dependencies}  </dependencies>\n</project>\n"
    )
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A git repository with the policy, a package.json and two POMs, committed on `main`.
fn repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("temp dir");
    let dir = repo.path();
    write(dir, "depgov.toml", POLICY);
    write(dir, "web/package.json", PACKAGE_JSON);
    write(
        dir,
        "service/pom.xml",
        &pom(&[("org.apache.logging.log4j", "log4j-core", "2.14.1")]),
    );
    write(
        dir,
        "batch/pom.xml",
        &pom(&[("org.apache.logging.log4j", "log4j-core", "[2.17.1,3)")]),
    );
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "base"]);
    repo
}

/// Three fields of each finding, by JSON pointer (`/component/name`), sorted.
fn findings(report: &Value, fields: [&str; 3]) -> Vec<(String, String, String)> {
    let mut found: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let text = |pointer: &str| {
                f.pointer(pointer)
                    .and_then(Value::as_str)
                    .unwrap_or("-")
                    .to_owned()
            };
            (text(fields[0]), text(fields[1]), text(fields[2]))
        })
        .collect();
    found.sort();
    found
}

#[test]
fn versions_entries_apply_when_the_requirement_can_resolve_into_the_range() {
    let repo = repository();
    let output = Depgov::new(repo.path())
        .args(["check", "--format", "json"])
        .run();
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let found = findings(&json(&output), ["/component/name", "/rule", "/message"]);
    assert_eq!(
        found,
        [
            (
                "lodash".to_owned(),
                "component-remove".to_owned(),
                "lodash ^4.17.0 (a requirement that can resolve into versions <4.17.21) is on the remove ring"
                    .to_owned()
            ),
            (
                "org.apache.logging.log4j:log4j-core".to_owned(),
                "component-remove".to_owned(),
                "org.apache.logging.log4j:log4j-core 2.14.1 (versions <2.17.1) is on the remove ring"
                    .to_owned()
            ),
        ],
        "a range above the entry's ([2.17.1,3)) and a requirement outside it (react) match nothing"
    );
}

#[test]
fn every_report_names_the_inputs_read_from_manifests_only() {
    let repo = repository();
    let run = |format: &str| {
        let output = Depgov::new(repo.path())
            .args(["check", "--format", format])
            .run();
        assert_eq!(code(&output), 1, "{format}: {}", stderr(&output));
        stdout(&output)
    };
    let human = run("human");
    assert!(
        human.contains("Read from manifests only, without a lockfile: their transitive dependencies are unknown.\n  batch/pom.xml\n  service/pom.xml\n  web/package.json\n  Commit the lockfile, or produce an SBOM in CI and point depgov at it."),
        "{human}"
    );
    let markdown = run("markdown");
    assert!(
        markdown.contains("**Read from manifests only** (no lockfile): batch/pom\\.xml, service/pom\\.xml, web/package\\.json. Their transitive dependencies are unknown: commit the lockfile, or produce an SBOM in CI and point depgov at it."),
        "{markdown}"
    );
    let sarif: Value = serde_json::from_str(&run("sarif")).expect("SARIF");
    let notifications = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    let manifest_only: Vec<&str> = notifications
        .iter()
        .filter(|n| n["descriptor"]["id"] == "manifest-only")
        .filter_map(|n| n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert_eq!(
        manifest_only,
        ["batch/pom.xml", "service/pom.xml", "web/package.json"]
    );
    let report: Value = serde_json::from_str(&run("json")).expect("JSON");
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter(|n| n["code"] == "manifest-only")
        .filter_map(|n| n["file"].as_str())
        .collect();
    assert_eq!(
        notes,
        ["batch/pom.xml", "service/pom.xml", "web/package.json"]
    );
}

#[test]
fn nothing_to_check_exits_0_in_every_format_unless_inputs_are_required() {
    let repo = tempfile::tempdir().expect("temp dir");
    write(repo.path(), "README.md", "Documentation only.\n");
    git(repo.path(), &["init", "-q"]);
    for (format, says) in [
        (
            "human",
            "Nothing to check: no lockfile, manifest, SBOM or Cargo workspace",
        ),
        ("markdown", "**Nothing to check:**"),
        ("json", "\"code\": \"nothing-to-check\""),
        ("sarif", "\"id\": \"nothing-to-check\""),
    ] {
        let output = Depgov::new(repo.path())
            .args(["check", "--format", format])
            .run();
        assert_eq!(code(&output), 0, "{format}: {}", stderr(&output));
        assert!(
            stdout(&output).contains(says),
            "{format}: {}",
            stdout(&output)
        );
    }
    let output = Depgov::new(repo.path())
        .args(["check", "--require-inputs"])
        .run();
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("found no lockfile, manifest, SBOM or Cargo workspace"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_gate_sees_a_dependency_added_to_a_manifest_as_new() {
    let repo = repository();
    let dir = repo.path();
    git(dir, &["checkout", "-q", "-b", "feature"]);
    write(
        dir,
        "web/package.json",
        &PACKAGE_JSON.replace(
            "\"react\": \"^18.2.0\"",
            "\"react\": \"^18.2.0\",\n    \"left-pad\": \"^1.3.0\"",
        ),
    );
    write(
        dir,
        "service/pom.xml",
        &pom(&[
            ("org.apache.logging.log4j", "log4j-core", "2.14.1"),
            ("org.apache.logging.log4j", "log4j-api", "2.14.1"),
        ]),
    );
    write(
        dir,
        "batch/pom.xml",
        &pom(&[("org.apache.logging.log4j", "log4j-core", "2.16.0")]),
    );
    git(dir, &["commit", "-qam", "feature"]);
    let output = Depgov::new(dir)
        .args(["check", "--base", "main", "--format", "json"])
        .run();
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    let changes = findings(&report, ["/component/name", "/location/file", "/change"]);
    assert_eq!(
        changes,
        [
            ("left-pad".into(), "web/package.json".into(), "new".into()),
            (
                "lodash".into(),
                "web/package.json".into(),
                "existing".into()
            ),
            // The base already uses log4j-core with this finding (service/pom.xml): the gate
            // compares by package, so the bump is a change, not new usage.
            (
                "org.apache.logging.log4j:log4j-core".into(),
                "batch/pom.xml".into(),
                "changed".into()
            ),
            (
                "org.apache.logging.log4j:log4j-core".into(),
                "service/pom.xml".into(),
                "existing".into()
            ),
        ]
    );
}
