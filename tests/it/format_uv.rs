//! uv.lock, version 1 (revisions 1 to 3 and later).

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn a_project_with_extras_groups_a_member_and_every_kind_of_source() {
    insta::assert_snapshot!(inventory_snapshot("formats/uv", "project/uv.lock"));
}

#[test]
fn a_workspace_whose_root_is_not_a_project_keeps_its_requirements_in_the_manifest() {
    insta::assert_snapshot!(inventory_snapshot("formats/uv", "workspace/uv.lock"));
}

#[test]
fn malformed_uv_locks_are_rejected_with_their_line() {
    let truncated = "version = 1\nrevision = 3\n\n[[package]]\nname = \"a\"\nsource = { registry = \"https://pypi.org/simple\"\n";
    assert_rejected(
        &inventory_of_text("uv.lock", truncated.as_bytes(), &[]),
        "uv.lock",
        Some(6),
        "",
    );
    let wrong_type = "version = 1\n\n[[package]]\nname = 3\n";
    assert_rejected(
        &inventory_of_text("uv.lock", wrong_type.as_bytes(), &[]),
        "uv.lock",
        Some(4),
        "invalid type",
    );
    assert_rejected(
        &inventory_of_text("uv.lock", b"\x7fELF {{{ not toml", &[]),
        "uv.lock",
        Some(1),
        "",
    );
    assert_rejected(
        &inventory_of_text("uv.lock", b"[[package]]\nname = \"a\"\n", &[]),
        "uv.lock",
        None,
        "no `version`",
    );
    let bad_manifest = "version = 1\n";
    assert_rejected(
        &inventory_of_text(
            "uv.lock",
            bad_manifest.as_bytes(),
            &[(
                "pyproject.toml",
                "[project]\nname = \"x\"\ndependencies = [\"a\",\n",
            )],
        ),
        "uv.lock",
        None,
        "pyproject.toml:3: ",
    );
}

#[test]
fn an_unknown_lockfile_version_is_named() {
    assert_rejected(
        &inventory_of_text("uv.lock", b"version = 2\nrevision = 1\n", &[]),
        "uv.lock",
        Some(1),
        "unsupported version 2 of uv.lock",
    );
}
