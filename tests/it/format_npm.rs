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
fn version_1_aliases_are_the_real_package_and_file_versions_are_local_paths() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/npm",
        "v1-aliases-and-files/package-lock.json"
    ));
}

#[test]
fn version_2_without_packages_falls_back_to_the_legacy_tree() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/npm",
        "v2-legacy-tree/package-lock.json"
    ));
}

#[test]
fn a_shrinkwrap_beside_a_package_lock_is_read_alone() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/npm",
        "shrinkwrap-beside-package-lock"
    ));
    // Named on its own, the package-lock is read.
    let output = crate::common::inventory_with_env(
        "formats/npm",
        "shrinkwrap-beside-package-lock/package-lock.json",
        &[],
    );
    assert_eq!(crate::common::code(&output), 0);
    assert!(crate::common::stdout(&output).contains("\"11.0.0\""));
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
