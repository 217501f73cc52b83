//! NuGet's packages.lock.json, versions 1 and 2.

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn version_1_with_two_frameworks_a_runtime_and_a_project_reference() {
    insta::assert_snapshot!(inventory_snapshot("formats/nuget", "v1/packages.lock.json"));
}

#[test]
fn version_2_with_central_transitive_pins_and_unknown_types() {
    insta::assert_snapshot!(inventory_snapshot("formats/nuget", "v2/packages.lock.json"));
}

#[test]
fn malformed_nuget_locks_are_rejected_with_their_line() {
    let reject = |text: &str, line: Option<u32>, mentions: &str| {
        assert_rejected(
            &inventory_of_text("packages.lock.json", text.as_bytes(), &[]),
            "packages.lock.json",
            line,
            mentions,
        );
    };
    reject(
        "{\n  \"version\": 1,\n  \"dependencies\": {\n    \"net8.0\": {\n",
        Some(5),
        "EOF",
    );
    reject(
        "{\n  \"version\": 1,\n  \"dependencies\": []\n}\n",
        Some(3),
        "invalid type",
    );
    reject("garbage", Some(1), "expected");
    reject("{\"dependencies\": {}}", None, "no `version`");
    reject("{\"version\": 2}", None, "no `dependencies`");
    reject(
        "{\n  \"version\": 1,\n  \"dependencies\": {\n    \"net8.0\": {\n      \"A\": {\n        \"type\": \"Transitive\"\n      }\n    }\n  }\n}\n",
        Some(5),
        "`A` under net8.0 has no `resolved` version",
    );
}

#[test]
fn an_unknown_nuget_lock_version_is_named() {
    assert_rejected(
        &inventory_of_text(
            "packages.lock.json",
            b"{\"version\": 3, \"dependencies\": {}}",
            &[],
        ),
        "packages.lock.json",
        None,
        "unsupported version 3 of packages.lock.json",
    );
}
