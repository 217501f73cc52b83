//! Repositories without lockfiles (issue 18): policy entries on manifest requirements, the
//! facts of the newest version a requirement allows (against the fake sources), what every
//! report says about manifest-only inputs, nothing to check, and the PR gate on manifests. The repositories are written here; the formats' own fixtures are in
//! `format_*.rs`.

use std::path::Path;

use serde_json::Value;

use crate::common::fake_sources::{FakeSources, Fault, Package, Route, System};
use crate::common::{Depgov, code, git, json, stderr, stdout};
use crate::facts_remote::{depgov, report};

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

/// Licenses named by the policy: anything else the facts give a requirement is a finding
/// that says which version it describes.
const FACTS_POLICY: &str = "version = 1\n\n[defaults]\nring = \"adopt\"\n\n[licenses]\n\
    adopt = [\"MIT\"]\nunlisted = \"hold\"\nunknown = \"adopt\"\n";

/// A repository whose manifests declare requirements only: npm's `^` and `~`, PEP 440's
/// `>=,<`, a Maven range (answered by deps.dev), and an npm requirement no version satisfies.
fn requirements_repository() -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("temp dir");
    let dir = repo.path();
    write(dir, "depgov.toml", FACTS_POLICY);
    write(
        dir,
        "web/package.json",
        "{\n  \"name\": \"web\",\n  \"dependencies\": {\n    \"lodash\": \"^4.17.0\",\n    \"left-pad\": \"~1.2.0\",\n    \"nothing\": \"^9.0.0\"\n  }\n}\n",
    );
    write(
        dir,
        "api/pyproject.toml",
        "[project]\nname = \"api\"\nversion = \"1.0.0\"\ndependencies = [\"requests>=2.30,<3\"]\n",
    );
    write(
        dir,
        "service/pom.xml",
        &pom(&[("com.google.guava", "guava", "[33.0,)")]),
    );
    // NuGet restores the lowest version a range allows.
    write(
        dir,
        "desktop/Desktop.csproj",
        "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <ItemGroup>\n    <PackageReference Include=\"Newtonsoft.Json\" Version=\"[12.0,14.0)\" />\n  </ItemGroup>\n</Project>\n",
    );
    git(dir, &["init", "-q", "-b", "main"]);
    repo
}

/// What the fake services know: for each package, versions the requirements must pass over —
/// a newer major, a pre-release, a yanked release — each with a license of its own, so that
/// the license shows which version was picked.
fn requirements_sources() -> FakeSources {
    let fake = FakeSources::start();
    let published = "2024-03-01T10:20:30Z";
    for (version, license) in [
        ("4.16.6", "ISC"),
        ("4.17.20", "ISC"),
        ("4.17.21", "MIT"),
        ("4.18.0-beta.1", "Apache-2.0"),
        ("5.0.0", "GPL-3.0-only"),
    ] {
        fake.add(
            Package::npm("lodash", version)
                .license(license)
                .published(published),
        );
    }
    fake.add(Package::npm("left-pad", "1.2.0").license("ISC"));
    fake.add(
        Package::npm("left-pad", "1.2.1")
            .license("WTFPL")
            .deprecated("use String.prototype.padStart()"),
    );
    fake.add(Package::npm("left-pad", "1.3.0").license("MIT"));
    fake.add(Package::npm("nothing", "1.0.0").license("MIT"));
    fake.add(Package::pypi("requests", "2.30.0").license("ISC"));
    fake.add(Package::pypi("requests", "2.31.0").license("Apache-2.0"));
    fake.add(
        Package::pypi("requests", "2.32.0")
            .license("BSD-3-Clause")
            .yanked("broke proxies"),
    );
    fake.add(Package::pypi("requests", "3.0.0").license("GPL-3.0-only"));
    fake.add(Package::maven("com.google.guava:guava", "32.1.3-jre").license("ISC"));
    fake.add(Package::maven("com.google.guava:guava", "33.4.0-jre").license("Apache-2.0"));
    fake.add(Package::maven("com.google.guava:guava", "34.0.0-rc1").license("GPL-3.0-only"));
    for (version, license) in [
        ("11.0.2", "ISC"),
        ("12.0.3", "MIT"),
        ("13.0.3", "Apache-2.0"),
    ] {
        fake.add(Package::new(System::Nuget, "Newtonsoft.Json", version).license(license));
    }
    fake
}

/// `name: (license, the version the facts describe, the source of the version list)` of every
/// component, or the reason its license is unknown.
fn described(report: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report["components"]
        .as_array()
        .expect("components")
        .iter()
        .map(|c| {
            let facts = &c["facts"];
            let what = match facts.get("describes") {
                Some(d) => format!(
                    "{} of {} ({}), from {}{}",
                    c["license"].as_str().unwrap_or("-"),
                    d["value"]["version"].as_str().unwrap_or("-"),
                    d["value"]["requirement"].as_str().unwrap_or("-"),
                    d["source"].as_str().unwrap_or("-"),
                    if d["value"]["lowest"] == true {
                        ", the lowest"
                    } else {
                        ""
                    },
                ),
                None => format!(
                    "unknown: {}",
                    facts["license_unknown"]["why"].as_str().unwrap_or("-")
                ),
            };
            assert_eq!(c["version"], "", "{c:#}: the version stays unknown");
            assert!(!c["purl"].as_str().unwrap_or("@").contains('@'), "{c:#}");
            (c["name"].as_str().unwrap_or("-").to_owned(), what)
        })
        .collect();
    out.sort();
    out
}

fn expected_descriptions() -> Vec<(String, String)> {
    [
        (
            "Newtonsoft.Json",
            "MIT of 12.0.3 ([12.0,14.0)), from deps-dev, the lowest",
        ),
        (
            "com.google.guava:guava",
            "Apache-2.0 of 33.4.0-jre ([33.0,)), from deps-dev",
        ),
        ("left-pad", "WTFPL of 1.2.1 (~1.2.0), from npm"),
        ("lodash", "MIT of 4.17.21 (^4.17.0), from npm"),
        ("nothing", "unknown: no-version-allowed"),
        ("requests", "Apache-2.0 of 2.31.0 (>=2.30,<3), from pypi"),
    ]
    .into_iter()
    .map(|(name, what)| (name.to_owned(), what.to_owned()))
    .collect()
}

#[test]
fn facts_of_a_requirement_describe_the_newest_version_it_allows() {
    let repo = requirements_repository();
    let fake = requirements_sources();
    let cache = tempfile::tempdir().expect("temp dir");
    let cache_dir = cache.path().to_string_lossy().into_owned();
    let env = [("DEPGOV_CACHE_DIR", cache_dir.as_str())];
    let output = depgov(repo.path(), &fake, &["inventory", "--format", "json"], &env);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(described(&report(&output)), expected_descriptions());
    let left_pad = report(&output)["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|c| c["name"] == "left-pad")
        .cloned()
        .expect("left-pad");
    assert_eq!(
        left_pad["facts"]["deprecated"]["value"]["message"], "use String.prototype.padStart()",
        "health facts are those of the picked version too"
    );
    // The version lists: one request per package, from the registry that serves it, else
    // deps.dev; none for what was not wanted.
    assert_eq!(fake.count(Route::DepsDevPackage), 2);
    let lists: Vec<String> = fake
        .requests()
        .iter()
        .filter(|r| r.route == Route::Npm || r.route == Route::Pypi)
        .filter(|r| {
            r.header("accept")
                .is_some_and(|a| a.contains("vnd.npm.install-v1"))
                || r.target.ends_with("/json") && r.target.matches('/').count() == 3
        })
        .map(|r| r.target.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        lists,
        [
            "/npm/left-pad",
            "/npm/lodash",
            "/npm/nothing",
            "/pypi/requests/json"
        ]
    );

    // A warm cache gives the same answer offline, and nothing is asked.
    fake.forget_requests();
    let offline = [
        ("DEPGOV_CACHE_DIR", cache_dir.as_str()),
        ("DEPGOV_OFFLINE", "1"),
    ];
    let output = depgov(
        repo.path(),
        &fake,
        &["inventory", "--format", "json"],
        &offline,
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(described(&report(&output)), expected_descriptions());
    assert_eq!(fake.total(), 0, "{:?}", fake.requests());

    // Every report that shows facts says what they describe.
    let output = depgov(repo.path(), &fake, &["inventory"], &offline);
    insta::assert_snapshot!(stdout(&output));
    let output = depgov(repo.path(), &fake, &["check", "--format", "json"], &offline);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let messages = findings(&report(&output), ["/component/name", "/rule", "/message"]);
    assert!(
        messages.contains(&(
            "com.google.guava:guava".to_owned(),
            "license-unlisted".to_owned(),
            "license Apache-2.0 is not named by the policy; unlisted licenses are on the hold ring (facts of 33.4.0-jre, the newest version [33.0,) allows)".to_owned()
        )),
        "{messages:#?}"
    );
    let output = depgov(
        repo.path(),
        &fake,
        &["inventory", "--format", "cyclonedx"],
        &offline,
    );
    let sbom = stdout(&output);
    assert!(
        sbom.contains("\"depgov:facts:describes\"")
            && sbom.contains("4.17.21, the newest version ^4.17.0 allows"),
        "{sbom}"
    );
    let output = depgov(repo.path(), &fake, &["explain", "lodash"], &offline);
    assert!(
        stdout(&output).contains(
            "of 4.17.21, the newest version ^4.17.0 allows (versions from npm registry, fetched "
        ),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_source_that_cannot_list_versions_is_a_note_and_the_license_says_why() {
    let repo = requirements_repository();
    let fake = requirements_sources();
    fake.always(Route::Npm, Fault::status(503));
    fake.always(Route::DepsDevPackage, Fault::Html(503));
    let output = depgov(repo.path(), &fake, &["check", "--format", "json"], &[]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = report(&output);
    let descriptions = described(&report);
    assert_eq!(
        descriptions,
        [
            ("Newtonsoft.Json", "unknown: unreachable"),
            ("com.google.guava:guava", "unknown: unreachable"),
            ("left-pad", "unknown: unreachable"),
            ("lodash", "unknown: unreachable"),
            ("nothing", "unknown: unreachable"),
            ("requests", "Apache-2.0 of 2.31.0 (>=2.30,<3), from pypi"),
        ]
        .map(|(name, what)| (name.to_owned(), what.to_owned()))
    );
    let failed: Vec<&str> = report["facts"]["used"]
        .as_array()
        .expect("used")
        .iter()
        .filter(|u| u.get("failure").is_some())
        .filter_map(|u| u["source"].as_str())
        .collect();
    assert_eq!(failed, ["npm", "deps-dev"]);
    let human = depgov(repo.path(), &fake, &["check"], &[]);
    assert!(
        stdout(&human).contains("facts: npm registry could not be reached"),
        "{}",
        stdout(&human)
    );
}
