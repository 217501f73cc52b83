//! poetry.lock, lock versions 1.0, 1.1, 2.0 and 2.1.

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn lock_2_1_groups_sources_extras_and_a_develop_directory_root() {
    insta::assert_snapshot!(inventory_snapshot("formats/poetry", "lock-2.1/poetry.lock"));
}

#[test]
fn lock_2_0_without_categories_takes_kinds_from_the_manifest() {
    insta::assert_snapshot!(inventory_snapshot("formats/poetry", "lock-2.0/poetry.lock"));
}

#[test]
fn lock_1_1_categories_without_a_manifest() {
    insta::assert_snapshot!(inventory_snapshot("formats/poetry", "lock-1.1/poetry.lock"));
}

#[test]
fn lock_1_0_categories_and_sorted_keys() {
    insta::assert_snapshot!(inventory_snapshot("formats/poetry", "lock-1.0/poetry.lock"));
}

#[test]
fn malformed_poetry_locks_are_rejected_with_their_line() {
    let truncated = "[[package]]\nname = \"a\"\nversion = \"1.0\"\n\n[package.dependencies]\nb = {version = \">=1\"\n";
    assert_rejected(
        &inventory_of_text("poetry.lock", truncated.as_bytes(), &[]),
        "poetry.lock",
        Some(6),
        "",
    );
    let wrong_type =
        "[[package]]\nname = \"a\"\nversion = 1.0\n\n[metadata]\nlock-version = \"2.1\"\n";
    assert_rejected(
        &inventory_of_text("poetry.lock", wrong_type.as_bytes(), &[]),
        "poetry.lock",
        Some(3),
        "invalid type",
    );
    assert_rejected(
        &inventory_of_text("poetry.lock", b"<html>not a lockfile</html>\n", &[]),
        "poetry.lock",
        Some(1),
        "",
    );
    assert_rejected(
        &inventory_of_text(
            "poetry.lock",
            b"[[package]]\nname = \"a\"\nversion = \"1\"\n",
            &[],
        ),
        "poetry.lock",
        None,
        "no [metadata] table",
    );
    let bad_manifest = "[metadata]\nlock-version = \"2.1\"\n";
    assert_rejected(
        &inventory_of_text(
            "poetry.lock",
            bad_manifest.as_bytes(),
            &[("pyproject.toml", "[tool.poetry]\nname = = \"x\"\n")],
        ),
        "poetry.lock",
        None,
        "pyproject.toml:2: ",
    );
}

#[test]
fn unknown_lock_versions_are_named() {
    let future = "[metadata]\npython-versions = \"^3.9\"\nlock-version = \"3.0\"\n";
    assert_rejected(
        &inventory_of_text("poetry.lock", future.as_bytes(), &[]),
        "poetry.lock",
        Some(3),
        "unsupported version 3.0 of poetry.lock",
    );
    let ancient = "[metadata]\ncontent-hash = \"00\"\n";
    assert_rejected(
        &inventory_of_text("poetry.lock", ancient.as_bytes(), &[]),
        "poetry.lock",
        None,
        "written before Poetry 1.0",
    );
}
