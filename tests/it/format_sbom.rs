//! SBOMs: CycloneDX JSON 1.4, 1.5 and 1.6, SPDX JSON 2.2 and 2.3.

use crate::common;
use crate::common::{
    Depgov, assert_rejected, code, inventory_of_text, inventory_snapshot, json, repo,
};

#[test]
fn cyclonedx_1_4_maven_scopes_license_lists_nested_components_and_a_private_registry() {
    insta::assert_snapshot!(inventory_snapshot("formats/cyclonedx", "v1.4/bom.json"));
}

#[test]
fn cyclonedx_1_5_npm_workspace_root_nested_duplicates_dev_property_and_git_source() {
    insta::assert_snapshot!(inventory_snapshot("formats/cyclonedx", "v1.5/sbom.json"));
}

#[test]
fn cyclonedx_1_6_mixes_ecosystems_and_notes_what_depgov_does_not_govern() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/cyclonedx",
        "v1.6/api-image.cdx.json"
    ));
}

#[test]
fn spdx_2_3_described_root_relationships_both_ways_and_several_ecosystems() {
    insta::assert_snapshot!(inventory_snapshot("formats/spdx", "v2.3/sbom.spdx.json"));
}

#[test]
fn spdx_2_2_in_a_bom_json_with_document_describes() {
    insta::assert_snapshot!(inventory_snapshot("formats/spdx", "v2.2/bom.json"));
}

#[test]
fn ambiguous_file_names_are_read_by_the_format_their_text_is_in() {
    for (dir, expected) in [
        ("formats/cyclonedx", "cyclonedx-json"),
        ("formats/spdx", "spdx-json"),
    ] {
        let repo = repo(dir);
        let output = Depgov::new(repo.path())
            .args(["inventory", ".", "--format", "json"])
            .run();
        assert_eq!(code(&output), 0, "{}", common::stderr(&output));
        let report = json(&output);
        let inputs = report["inputs"].as_array().expect("inputs");
        assert_eq!(inputs.len(), 3 - usize::from(dir.ends_with("spdx")));
        for input in inputs {
            assert_eq!(input["format"], expected, "{input}");
        }
    }
}

#[test]
fn components_of_other_ecosystems_are_left_out_on_request() {
    let repo = repo("formats/cyclonedx");
    let output = Depgov::new(repo.path())
        .args([
            "inventory",
            "v1.6/api-image.cdx.json",
            "--ecosystem",
            "pypi",
            "--format",
            "json",
        ])
        .run();
    assert_eq!(code(&output), 0, "{}", common::stderr(&output));
    let report = json(&output);
    let names: Vec<&str> = report["components"]
        .as_array()
        .expect("components")
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["jinja2", "markupsafe"]);
}

#[test]
fn malformed_cyclonedx_is_rejected_with_its_line() {
    let truncated = "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.5\",\n  \"components\": [\n    {\n      \"name\": \"a\",\n";
    assert_rejected(
        &inventory_of_text("bom.json", truncated.as_bytes(), &[]),
        "bom.json",
        Some(7),
        "EOF",
    );
    let wrong_type = "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.5\",\n  \"components\": {\"name\": \"a\"}\n}\n";
    assert_rejected(
        &inventory_of_text("app.cdx.json", wrong_type.as_bytes(), &[]),
        "app.cdx.json",
        Some(4),
        "invalid type",
    );
    let nameless = "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": [\n    {\"purl\": \"pkg:npm/a@1.0.0\"}\n  ]\n}\n";
    assert_rejected(
        &inventory_of_text("bom.json", nameless.as_bytes(), &[]),
        "bom.json",
        Some(5),
        "missing field `name`",
    );
    assert_rejected(
        &inventory_of_text("sbom.json", b"\x7fELF garbage", &[]),
        "sbom.json",
        Some(1),
        "expected value",
    );
    let not_cyclonedx = "{\n  \"bomFormat\": \"SWID\",\n  \"specVersion\": \"1.5\"\n}\n";
    assert_rejected(
        &inventory_of_text("bom.json", not_cyclonedx.as_bytes(), &[]),
        "bom.json",
        Some(2),
        "not a CycloneDX SBOM",
    );
    assert_rejected(
        &inventory_of_text("bom.json", b"{\"components\": []}", &[]),
        "bom.json",
        None,
        "no `bomFormat`",
    );
    let twice = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.4",
  "components": [
    {
      "bom-ref": "a",
      "name": "a"
    },
    {
      "bom-ref": "a",
      "name": "b"
    }
  ]
}"#;
    assert_rejected(
        &inventory_of_text("bom.json", twice.as_bytes(), &[]),
        "bom.json",
        Some(10),
        "two components have the bom-ref `a`",
    );
}

#[test]
fn cyclonedx_versions_before_1_4_and_after_1_6_are_named() {
    for version in ["1.3", "2.0"] {
        let bom = format!(
            "{{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"{version}\",\n  \"components\": []\n}}\n"
        );
        assert_rejected(
            &inventory_of_text("bom.json", bom.as_bytes(), &[]),
            "bom.json",
            Some(3),
            &format!("unsupported version {version} of CycloneDX JSON"),
        );
    }
    // An old document whose data does not fit this model still reports its version.
    let old = "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.2\",\n  \"components\": [{\"type\": \"library\"}]\n}\n";
    assert_rejected(
        &inventory_of_text("bom.json", old.as_bytes(), &[]),
        "bom.json",
        Some(3),
        "unsupported version 1.2 of CycloneDX JSON",
    );
}

#[test]
fn malformed_spdx_is_rejected_with_its_line() {
    let truncated = "{\n  \"spdxVersion\": \"SPDX-2.3\",\n  \"packages\": [\n    {\n      \"SPDXID\": \"SPDXRef-a\",\n";
    assert_rejected(
        &inventory_of_text("sbom.spdx.json", truncated.as_bytes(), &[]),
        "sbom.spdx.json",
        Some(6),
        "EOF",
    );
    let wrong_type =
        "{\n  \"spdxVersion\": \"SPDX-2.3\",\n  \"packages\": [],\n  \"relationships\": {}\n}\n";
    assert_rejected(
        &inventory_of_text("sbom.spdx.json", wrong_type.as_bytes(), &[]),
        "sbom.spdx.json",
        Some(4),
        "invalid type",
    );
    assert_rejected(
        &inventory_of_text(
            "app.spdx.json",
            b"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n",
            &[],
        ),
        "app.spdx.json",
        Some(1),
        "expected value",
    );
    assert_rejected(
        &inventory_of_text("app.spdx.json", b"{\"packages\": []}", &[]),
        "app.spdx.json",
        None,
        "no `spdxVersion`",
    );
    let twice = r#"{
  "spdxVersion": "SPDX-2.3",
  "packages": [
    {
      "SPDXID": "SPDXRef-a",
      "name": "a"
    },
    {
      "SPDXID": "SPDXRef-a",
      "name": "b"
    }
  ]
}"#;
    assert_rejected(
        &inventory_of_text("sbom.spdx.json", twice.as_bytes(), &[]),
        "sbom.spdx.json",
        Some(9),
        "two packages have the SPDXID `SPDXRef-a`",
    );
    // A CycloneDX document under an SPDX-only name is no SBOM depgov reads there.
    assert_rejected(
        &inventory_of_text(
            "app.spdx.json",
            b"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\"}",
            &[],
        ),
        "app.spdx.json",
        None,
        "not a lockfile or SBOM depgov reads",
    );
}

#[test]
fn spdx_versions_other_than_2_2_and_2_3_are_named() {
    for version in ["2.1", "3.0"] {
        let document =
            format!("{{\n  \"spdxVersion\": \"SPDX-{version}\",\n  \"packages\": []\n}}\n");
        assert_rejected(
            &inventory_of_text("sbom.json", document.as_bytes(), &[]),
            "sbom.json",
            Some(2),
            &format!("unsupported version {version} of SPDX JSON"),
        );
    }
}
