//! Cargo.lock, versions 1 to 4, read as text (`--lockfile-only`).

use crate::common;
use crate::common::{assert_rejected, inventory_of_text, inventory_with_env, stdout_redacted};

fn inventory(version: &str) -> String {
    let cargo_home = common::fixtures().join("formats/cargo-lock/cargo-home");
    let output = inventory_with_env(
        "formats/cargo-lock",
        &format!("{version}/Cargo.lock"),
        &[("CARGO_HOME", cargo_home.to_str().unwrap())],
    );
    assert_eq!(common::code(&output), 0, "{}", common::stderr(&output));
    stdout_redacted(&output)
}

#[test]
fn version_1_with_a_root_table_and_metadata_checksums() {
    insta::assert_snapshot!(inventory("v1"));
}

#[test]
fn version_2_with_two_versions_of_one_crate() {
    insta::assert_snapshot!(inventory("v2"));
}

#[test]
fn version_3_with_git_sparse_and_path_packages() {
    insta::assert_snapshot!(inventory("v3"));
}

#[test]
fn version_4_points_direct_dependencies_at_the_manifest_and_reads_cached_licenses() {
    insta::assert_snapshot!(inventory("v4"));
}

#[test]
fn malformed_cargo_lock_is_rejected_with_its_line() {
    let truncated = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"anyhow\",\n";
    assert_rejected(
        &inventory_of_text("Cargo.lock", truncated.as_bytes(), &[]),
        "Cargo.lock",
        Some(7),
        "unclosed array",
    );
    let wrong_type = "version = 4\n[[package]]\nname = \"app\"\nversion = 1\n";
    assert_rejected(
        &inventory_of_text("Cargo.lock", wrong_type.as_bytes(), &[]),
        "Cargo.lock",
        Some(4),
        "invalid type",
    );
}

#[test]
fn an_unknown_cargo_lock_version_is_named() {
    let future = "version = 9\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n";
    assert_rejected(
        &inventory_of_text("Cargo.lock", future.as_bytes(), &[]),
        "Cargo.lock",
        Some(1),
        "unsupported version 9 of Cargo.lock",
    );
}

#[test]
fn empty_binary_and_non_utf8_cargo_locks_are_rejected() {
    assert_rejected(
        &inventory_of_text("Cargo.lock", b"\x00\x01\x02\xff", &[]),
        "Cargo.lock",
        None,
        "not UTF-8",
    );
    // Cargo always locks the workspace's own packages: an empty file was cut short.
    assert_rejected(
        &inventory_of_text("Cargo.lock", b"", &[]),
        "Cargo.lock",
        None,
        "the lockfile is empty or truncated",
    );
}
