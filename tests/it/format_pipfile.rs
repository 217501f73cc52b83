//! Pipfile.lock, pipfile-spec 6.

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn spec_6_with_a_pipfile_indexes_git_local_and_custom_categories() {
    insta::assert_snapshot!(inventory_snapshot("formats/pipfile", "spec-6/Pipfile.lock"));
}

#[test]
fn without_a_pipfile_no_package_is_known_to_be_direct() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/pipfile",
        "no-pipfile/Pipfile.lock"
    ));
}

const META: &str = "{\n  \"_meta\": {\n    \"pipfile-spec\": 6,\n    \"sources\": [{\"name\": \"pypi\", \"url\": \"https://pypi.org/simple\"}]\n  },\n";

#[test]
fn malformed_pipfile_locks_are_rejected_with_their_line() {
    let truncated = format!("{META}  \"default\": {{\n    \"a\": {{\n");
    assert_rejected(
        &inventory_of_text("Pipfile.lock", truncated.as_bytes(), &[]),
        "Pipfile.lock",
        Some(8),
        "EOF",
    );
    let wrong_type =
        format!("{META}  \"default\": {{\n    \"a\": {{\n      \"version\": 1\n    }}\n  }}\n}}\n");
    assert_rejected(
        &inventory_of_text("Pipfile.lock", wrong_type.as_bytes(), &[]),
        "Pipfile.lock",
        Some(7),
        "`a`: invalid type",
    );
    let not_a_category = format!("{META}  \"default\": []\n}}\n");
    assert_rejected(
        &inventory_of_text("Pipfile.lock", not_a_category.as_bytes(), &[]),
        "Pipfile.lock",
        Some(6),
        "`default` is not an object of packages",
    );
    assert_rejected(
        &inventory_of_text("Pipfile.lock", b"[packages]\nflask = \"*\"\n", &[]),
        "Pipfile.lock",
        Some(1),
        "",
    );
    assert_rejected(
        &inventory_of_text("Pipfile.lock", b"{\"default\": {}}", &[]),
        "Pipfile.lock",
        None,
        "no `_meta` object",
    );
    let unknown_index = format!(
        "{META}  \"default\": {{\n    \"a\": {{\n      \"index\": \"private\",\n      \"version\": \"==1.0\"\n    }}\n  }}\n}}\n"
    );
    assert_rejected(
        &inventory_of_text("Pipfile.lock", unknown_index.as_bytes(), &[]),
        "Pipfile.lock",
        Some(7),
        "names the index `private`, which `_meta.sources` does not list",
    );
    let lock = format!("{META}  \"default\": {{}}\n}}\n");
    assert_rejected(
        &inventory_of_text(
            "Pipfile.lock",
            lock.as_bytes(),
            &[("Pipfile", "[packages]\nflask = \"*\"\n[dev-packages\n")],
        ),
        "Pipfile.lock",
        None,
        "Pipfile:3: ",
    );
}

#[test]
fn an_unknown_pipfile_spec_is_named() {
    let old = "{\n  \"_meta\": {\n    \"pipfile-spec\": 5\n  },\n  \"default\": {}\n}\n";
    assert_rejected(
        &inventory_of_text("Pipfile.lock", old.as_bytes(), &[]),
        "Pipfile.lock",
        Some(3),
        "unsupported version 5 of Pipfile.lock",
    );
}
