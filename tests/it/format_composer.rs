//! Composer's composer.lock (with composer.json beside it).

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn composer_lock_with_dev_packages_git_path_private_registry_and_license_arrays() {
    insta::assert_snapshot!(inventory_snapshot("formats/composer", "app/composer.lock"));
}

#[test]
fn composer_lock_without_manifest_other_vcs_and_metapackages() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/composer",
        "no-manifest/composer.lock"
    ));
}

#[test]
fn malformed_composer_locks_are_rejected_with_their_line() {
    let reject = |text: &str, extra: &[(&str, &str)], line: Option<u32>, mentions: &str| {
        assert_rejected(
            &inventory_of_text("composer.lock", text.as_bytes(), extra),
            "composer.lock",
            line,
            mentions,
        );
    };
    reject(
        "{\n    \"packages\": [\n        {\n            \"name\": \"a/b\",\n",
        &[],
        Some(5),
        "EOF",
    );
    reject("{\n    \"packages\": {}\n}\n", &[], Some(2), "invalid type");
    reject(
        "{\n    \"packages\": [\n        {\"name\": \"a/b\", \"version\": \"1.0.0\", \"license\": 7}\n    ]\n}\n",
        &[],
        Some(3),
        "`license` must be a license id or an array of license ids",
    );
    reject("not json at all", &[], Some(1), "expected");
    reject(
        "{\"content-hash\": \"x\"}",
        &[],
        Some(1),
        "missing field `packages`",
    );
    reject(
        "{\"packages\": []}",
        &[("composer.json", "{\"require\": [\"a/b\"]}")],
        None,
        "composer.json:1: package links must be an object of package names and version constraints (the manifest beside the lockfile)",
    );
}
