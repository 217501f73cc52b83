//! npm package-lock.json / npm-shrinkwrap.json, lockfile versions 1, 2 and 3.

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn version_3_with_workspaces_links_aliases_and_dev_optional_flags() {
    insta::assert_snapshot!(inventory_snapshot("formats/npm", "v3/package-lock.json"));
}

#[test]
fn version_2_reads_packages_and_ignores_the_legacy_tree() {
    insta::assert_snapshot!(inventory_snapshot("formats/npm", "v2/package-lock.json"));
}

#[test]
fn version_1_shrinkwrap_nested_tree_without_a_manifest() {
    insta::assert_snapshot!(inventory_snapshot("formats/npm", "v1/npm-shrinkwrap.json"));
}

#[test]
fn malformed_package_locks_are_rejected_with_their_line() {
    let truncated = "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/a\": {\n";
    assert_rejected(
        &inventory_of_text("package-lock.json", truncated.as_bytes(), &[]),
        "package-lock.json",
        Some(5),
        "EOF",
    );
    let wrong_type = "{\n  \"lockfileVersion\": 3,\n  \"packages\": []\n}\n";
    assert_rejected(
        &inventory_of_text("package-lock.json", wrong_type.as_bytes(), &[]),
        "package-lock.json",
        Some(3),
        "invalid type",
    );
    let not_a_lock = "{\"name\": \"x\"}";
    assert_rejected(
        &inventory_of_text("package-lock.json", not_a_lock.as_bytes(), &[]),
        "package-lock.json",
        None,
        "no numeric `lockfileVersion`",
    );
    let bad_manifest = "{\"lockfileVersion\": 3, \"packages\": {\"\": {}}}";
    assert_rejected(
        &inventory_of_text(
            "package-lock.json",
            bad_manifest.as_bytes(),
            &[("package.json", "{oops")],
        ),
        "package-lock.json",
        None,
        "package.json:1: ",
    );
}

#[test]
fn an_unknown_lockfile_version_is_named() {
    let future = "{\"lockfileVersion\": 4, \"packages\": {}}";
    assert_rejected(
        &inventory_of_text("package-lock.json", future.as_bytes(), &[]),
        "package-lock.json",
        None,
        "unsupported version 4 of package-lock.json",
    );
}
