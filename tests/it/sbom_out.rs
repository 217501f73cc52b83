//! SBOMs out: `--format cyclonedx` (CycloneDX 1.6 JSON) and `--format spdx` (SPDX 2.3 JSON)
//! for `inventory` and `check`: their shape, their determinism, and a round trip through
//! depgov's own SBOM inputs.
//!
//! The outputs were validated against the official schemas while developing (docs/reports.md
//! says how); the schemas are not part of the repository, so the tests below check by hand
//! the structure those schemas require.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use serde_json::Value;

use crate::common::fake_sources::{FakeSources, Package};
use crate::common::{Depgov, code, git, repo, stderr, stdout};

/// The npm fixture (a workspace, dev, optional, git and unlicensed packages) with a policy
/// that holds lodash, waives that finding, and assesses what it does not list.
fn npm_repository() -> tempfile::TempDir {
    let repo = repo("formats/npm/v3");
    std::fs::write(
        repo.path().join("depgov.toml"),
        r#"version = 1
name = "SBOM OSPO"

[defaults]
ring = "adopt"
scope = ["runtime", "build"]

[licenses]
adopt = ["MIT", "Apache-2.0", "ISC"]
unknown = "assess"

[sources]
git = "hold"

[[components]]
purl = "pkg:npm/lodash"
ring = "hold"
reason = "Use the platform's own functions"

[[exceptions]]
purl = "pkg:npm/lodash"
expires = 2099-12-31
approved-by = "ospo@example.com"
reason = "The legacy build needs it until the rewrite"
"#,
    )
    .unwrap();
    git(repo.path(), &["add", "-A"]);
    repo
}

/// depgov's output in `format`, with `SOURCE_DATE_EPOCH` pinning the creation time and the
/// tool's version blanked.
fn sbom(dir: &Path, command: &str, format: &str) -> String {
    let output = Depgov::new(dir)
        .args([command, "--format", format])
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .run();
    assert!(code(&output) <= 1, "{}", stderr(&output));
    let version = env!("CARGO_PKG_VERSION");
    stdout(&output)
        .replace(
            &format!("\"version\": \"{version}\""),
            "\"version\": \"[version]\"",
        )
        .replace(&format!("depgov-{version}"), "depgov-[version]")
}

fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn check_as_cyclonedx_and_spdx() {
    let repo = npm_repository();
    insta::assert_snapshot!("check_cyclonedx", sbom(repo.path(), "check", "cyclonedx"));
    insta::assert_snapshot!("check_spdx", sbom(repo.path(), "check", "spdx"));
}

#[test]
fn inventory_as_cyclonedx_and_spdx_has_no_verdicts() {
    let repo = npm_repository();
    for format in ["cyclonedx", "spdx"] {
        let text = sbom(repo.path(), "inventory", format);
        assert!(text.contains("depgov:license:source"), "{text}");
        assert!(!text.contains("depgov:ring"), "{text}");
    }
    insta::assert_snapshot!(
        "inventory_cyclonedx",
        sbom(repo.path(), "inventory", "cyclonedx")
    );
}

#[test]
fn cyclonedx_has_the_structure_the_1_6_schema_requires() {
    let repo = npm_repository();
    let bom = parsed(&sbom(repo.path(), "check", "cyclonedx"));
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    let serial = bom["serialNumber"].as_str().unwrap();
    let uuid = serial.strip_prefix("urn:uuid:").unwrap();
    let groups: Vec<usize> = uuid.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{serial}");
    assert!(uuid.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    assert_eq!(bom["metadata"]["timestamp"], "2026-01-01T00:00:00Z");
    let mut refs: HashSet<&str> = HashSet::new();
    let described = &bom["metadata"]["component"];
    for root in std::iter::once(described).chain(described["components"].as_array().unwrap()) {
        assert!(refs.insert(root["bom-ref"].as_str().unwrap()));
    }
    for component in bom["components"].as_array().unwrap() {
        assert_eq!(component["type"], "library");
        assert!(component["name"].is_string() && component["version"].is_string());
        assert_eq!(component["bom-ref"], component["purl"]);
        assert!(refs.insert(component["bom-ref"].as_str().unwrap()));
        // A list of one expression, or of named licenses (the schema's two shapes).
        for license in component["licenses"].as_array().into_iter().flatten() {
            let expression = license["expression"].is_string();
            assert!(
                expression != license["license"]["name"].is_string(),
                "{license}"
            );
        }
        let allowed = ["required", "optional", "excluded"];
        assert!(
            component["scope"]
                .as_str()
                .is_none_or(|s| allowed.contains(&s))
        );
        for property in component["properties"].as_array().unwrap() {
            let name = property["name"].as_str().unwrap();
            assert!(name.starts_with("depgov:") && property["value"].is_string());
        }
    }
    for dependency in bom["dependencies"].as_array().unwrap() {
        assert!(
            refs.contains(dependency["ref"].as_str().unwrap()),
            "{dependency}"
        );
        for target in dependency["dependsOn"].as_array().unwrap() {
            assert!(refs.contains(target.as_str().unwrap()), "{target}");
        }
    }
}

#[test]
fn spdx_has_the_structure_the_2_3_schema_requires() {
    let repo = npm_repository();
    let document = parsed(&sbom(repo.path(), "check", "spdx"));
    assert_eq!(document["spdxVersion"], "SPDX-2.3");
    assert_eq!(document["dataLicense"], "CC0-1.0");
    assert_eq!(document["SPDXID"], "SPDXRef-DOCUMENT");
    assert!(document["name"].is_string());
    let namespace = document["documentNamespace"].as_str().unwrap();
    assert!(namespace.starts_with("https://") && !namespace.contains('#'));
    assert_eq!(document["creationInfo"]["created"], "2026-01-01T00:00:00Z");
    assert_eq!(
        document["creationInfo"]["creators"][0],
        "Tool: depgov-[version]"
    );
    let mut ids: HashSet<&str> = HashSet::from(["SPDXRef-DOCUMENT"]);
    for package in document["packages"].as_array().unwrap() {
        let id = package["SPDXID"].as_str().unwrap();
        assert!(id.starts_with("SPDXRef-") && ids.insert(id));
        assert!(package["name"].is_string() && package["downloadLocation"].is_string());
        for annotation in package["annotations"].as_array().into_iter().flatten() {
            for key in ["annotationDate", "annotationType", "annotator", "comment"] {
                assert!(annotation[key].is_string(), "{annotation}");
            }
        }
    }
    for relationship in document["relationships"].as_array().unwrap() {
        for key in ["spdxElementId", "relatedSpdxElement"] {
            assert!(ids.contains(relationship[key].as_str().unwrap()));
        }
    }
}

#[test]
fn the_document_identifier_follows_the_content_not_the_clock() {
    let repo = npm_repository();
    let identifier = |format: &str, key: &str| {
        let output = Depgov::new(repo.path())
            .args(["inventory", "--format", format])
            .run();
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        parsed(&stdout(&output))[key].as_str().unwrap().to_owned()
    };
    let serial = identifier("cyclonedx", "serialNumber");
    let namespace = identifier("spdx", "documentNamespace");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(identifier("cyclonedx", "serialNumber"), serial);
    assert_eq!(identifier("spdx", "documentNamespace"), namespace);
    assert!(namespace.ends_with(serial.strip_prefix("urn:uuid:").unwrap()));

    let lock = repo.path().join("package-lock.json");
    let text = std::fs::read_to_string(&lock).unwrap();
    std::fs::write(&lock, text.replace("4.17.21", "4.17.20")).unwrap();
    assert_ne!(identifier("cyclonedx", "serialNumber"), serial);
}

/// What a round trip keeps: purl, version, license, direct, dev-only and optional.
fn components_of(inventory: &Value, file: Option<&str>) -> BTreeSet<String> {
    inventory["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| file.is_none_or(|file| c["location"]["file"] == file))
        .map(|c| {
            let dev_only = c["kinds"] == serde_json::json!(["dev"]);
            format!(
                "{} {} license={} direct={} dev-only={dev_only} optional={}",
                c["purl"], c["version"], c["license"], c["direct"], c["optional"]
            )
        })
        .collect()
}

#[test]
fn both_sboms_read_back_through_depgov_give_the_same_components() {
    let repo = npm_repository();
    let original = Depgov::new(repo.path())
        .args(["inventory", "--format", "json"])
        .run();
    assert_eq!(code(&original), 0, "{}", stderr(&original));
    let expected = components_of(&parsed(&stdout(&original)), None);
    assert!(expected.len() > 5, "{expected:?}");

    let sboms = tempfile::tempdir().unwrap();
    git(sboms.path(), &["init", "-q"]);
    for (format, file) in [("cyclonedx", "bom.cdx.json"), ("spdx", "bom.spdx.json")] {
        let text = sbom(repo.path(), "check", format);
        std::fs::write(sboms.path().join(file), text).unwrap();
    }
    let read_back = Depgov::new(sboms.path())
        .args(["inventory", "--format", "json"])
        .run();
    assert_eq!(code(&read_back), 0, "{}", stderr(&read_back));
    let read_back = parsed(&stdout(&read_back));
    assert_eq!(read_back["notes"], serde_json::json!([]));
    for file in ["bom.cdx.json", "bom.spdx.json"] {
        assert_eq!(components_of(&read_back, Some(file)), expected, "{file}");
    }
}

#[test]
fn a_license_from_the_facts_stage_carries_its_source_and_date() {
    let repo = npm_repository();
    // no-license from the public registry, which the fake answers for.
    let lock = repo.path().join("package-lock.json");
    let text = std::fs::read_to_string(&lock).unwrap();
    std::fs::write(
        &lock,
        text.replace("npm.acme.example", "registry.npmjs.org"),
    )
    .unwrap();
    let fake = FakeSources::start();
    fake.add(Package::npm("no-license", "1.0.0").license("BSD-3-Clause"));
    let run = |format: &str| {
        let output = Depgov::new(repo.path())
            .args(["inventory", "--format", format])
            .facts_from(&fake)
            .run();
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        parsed(&stdout(&output))
    };
    let bom = run("cyclonedx");
    let component = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "no-license")
        .unwrap();
    assert_eq!(component["licenses"][0]["expression"], "BSD-3-Clause");
    let property = |name: &str| -> Vec<&str> {
        component["properties"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["name"] == name)
            .filter_map(|p| p["value"].as_str())
            .collect()
    };
    assert_eq!(property("depgov:license:source"), ["npm registry"]);
    assert_eq!(property("depgov:license:fetched").len(), 1, "{component}");

    let document = run("spdx");
    let package = document["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "no-license")
        .unwrap();
    assert_eq!(package["licenseDeclared"], "BSD-3-Clause");
    let comments = package["licenseComments"].as_str().unwrap();
    assert!(
        comments.contains("depgov:license:source=npm registry")
            && comments.contains("depgov:license:fetched="),
        "{comments}"
    );
}
