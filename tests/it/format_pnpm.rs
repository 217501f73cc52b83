//! pnpm-lock.yaml, lockfile versions 6.x and 9.x.

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn version_9_workspace_with_peers_git_links_aliases_and_a_runtime_it_cannot_read() {
    insta::assert_snapshot!(inventory_snapshot("formats/pnpm", "v9/pnpm-lock.yaml"));
}

#[test]
fn version_6_workspace_with_dev_flags_peer_suffixed_keys_and_a_github_tarball() {
    insta::assert_snapshot!(inventory_snapshot("formats/pnpm", "v6/pnpm-lock.yaml"));
}

#[test]
fn version_6_single_project_without_a_manifest() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/pnpm",
        "v6-single/pnpm-lock.yaml"
    ));
}

#[test]
fn version_5_4_workspace_with_specifiers_peer_suffixes_an_alias_and_a_github_tarball() {
    insta::assert_snapshot!(inventory_snapshot("formats/pnpm", "v5.4/pnpm-lock.yaml"));
}

#[test]
fn version_5_3_single_project_with_optional_and_dev_sections() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/pnpm",
        "v5.3-single/pnpm-lock.yaml"
    ));
}

#[test]
fn other_version_5_lockfiles_are_named_as_unsupported() {
    assert_rejected(
        &pnpm(
            "lockfileVersion: 5.1
",
        ),
        "pnpm-lock.yaml",
        Some(1),
        "unsupported version 5.1 of pnpm-lock.yaml",
    );
}

fn pnpm(text: &str) -> std::process::Output {
    inventory_of_text("pnpm-lock.yaml", text.as_bytes(), &[])
}

#[test]
fn malformed_pnpm_locks_are_rejected_with_their_line() {
    let truncated = "lockfileVersion: '9.0'\n\npackages:\n\n  a@1.0.0:\n    resolution: {integrity: sha512-AAAA\n";
    assert_rejected(&pnpm(truncated), "pnpm-lock.yaml", Some(6), "unclosed");
    let wrong_type =
        "lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      a: 1.0.0\n";
    assert_rejected(
        &pnpm(wrong_type),
        "pnpm-lock.yaml",
        Some(6),
        "expected mapping",
    );
    let no_resolution =
        "lockfileVersion: '9.0'\n\npackages:\n\n  a@1.0.0:\n    engines: {node: '>=8'}\n";
    assert_rejected(
        &pnpm(no_resolution),
        "pnpm-lock.yaml",
        Some(6),
        "missing field `resolution`",
    );
    let garbage = "\u{0}\u{1}PK\u{3}\u{4} not a lockfile";
    assert_rejected(
        &pnpm(garbage),
        "pnpm-lock.yaml",
        None,
        "no `lockfileVersion`",
    );
    let bad_manifest = inventory_of_text(
        "pnpm-lock.yaml",
        b"lockfileVersion: '9.0'\n",
        &[("package.json", "{\"dependencies\": []}")],
    );
    assert_rejected(&bad_manifest, "pnpm-lock.yaml", None, "package.json:1: ");
}

#[test]
fn pnpm_lock_versions_other_than_5_3_5_4_6_and_9_are_named() {
    for (version, shown) in [
        ("5.1", "5.1"),
        ("5.2", "5.2"),
        ("'7.0'", "7.0"),
        ("'10.0'", "10.0"),
    ] {
        let text = format!(
            "lockfileVersion: {version}\n\npackages:\n\n  /a/1.0.0:\n    resolution: {{integrity: sha512-AAAA}}\n"
        );
        assert_rejected(
            &pnpm(&text),
            "pnpm-lock.yaml",
            Some(1),
            &format!("unsupported version {shown} of pnpm-lock.yaml"),
        );
    }
}
