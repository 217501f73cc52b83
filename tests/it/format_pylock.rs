//! PEP 751 pylock.toml and pylock.NAME.toml, lock-version 1.0.

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn a_multi_use_lock_takes_kinds_and_extras_from_markers() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/pylock",
        "multi-use/pylock.toml"
    ));
}

#[test]
fn a_named_single_use_lock_of_a_newer_minor_version_is_read_with_a_note() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/pylock",
        "single-use/pylock.single.toml"
    ));
}

const HEAD: &str = "lock-version = \"1.0\"\ncreated-by = \"test\"\n\n";

#[test]
fn malformed_pylocks_are_rejected_with_their_line() {
    let truncated = format!(
        "{HEAD}[[packages]]\nname = \"a\"\nwheels = [\n    {{ url = \"https://x.example/a-1.0-py3-none-any.whl\"\n"
    );
    assert_rejected(
        &inventory_of_text("pylock.toml", truncated.as_bytes(), &[]),
        "pylock.toml",
        Some(7),
        "unclosed inline table",
    );
    let wrong_type = format!("{HEAD}[[packages]]\nname = \"a\"\nversion = 1\n");
    assert_rejected(
        &inventory_of_text("pylock.toml", wrong_type.as_bytes(), &[]),
        "pylock.toml",
        Some(6),
        "invalid type",
    );
    assert_rejected(
        &inventory_of_text("pylock.ci.toml", b"{\"lock-version\": \"1.0\"}\n", &[]),
        "pylock.ci.toml",
        Some(1),
        "",
    );
    assert_rejected(
        &inventory_of_text(
            "pylock.toml",
            b"created-by = \"x\"\n[[packages]]\nname = \"a\"\n",
            &[],
        ),
        "pylock.toml",
        None,
        "no `lock-version`",
    );
    let bad_marker = format!(
        "{HEAD}[[packages]]\nname = \"a\"\nversion = \"1.0\"\nmarker = \"'dev' in\"\nsdist = {{ url = \"https://x.example/a-1.0.tar.gz\" }}\n"
    );
    assert_rejected(
        &inventory_of_text("pylock.toml", bad_marker.as_bytes(), &[]),
        "pylock.toml",
        Some(4),
        "`a` has a marker that is not valid",
    );
    assert_rejected(
        &inventory_of_text(
            "pylock.toml",
            HEAD.as_bytes(),
            &[("pyproject.toml", "[project]\nname = \"x\"\n[project]\n")],
        ),
        "pylock.toml",
        None,
        "pyproject.toml:3: ",
    );
}

#[test]
fn an_unknown_major_lock_version_is_named() {
    assert_rejected(
        &inventory_of_text(
            "pylock.toml",
            b"lock-version = \"2.0\"\ncreated-by = \"x\"\n",
            &[],
        ),
        "pylock.toml",
        Some(1),
        "unsupported version 2.0 of pylock.toml",
    );
}
