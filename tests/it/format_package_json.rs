//! npm's package.json read on its own, where no lockfile covers it.

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn a_library_without_a_lockfile_gives_its_declared_ranges() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/package-json",
        "library/package.json"
    ));
}

#[test]
fn workspace_members_under_a_lockfile_are_covered_by_it() {
    insta::assert_snapshot!(inventory_snapshot("formats/package-json", "workspace"));
}

#[test]
fn malformed_package_json_is_rejected_with_its_line() {
    assert_rejected(
        &inventory_of_text(
            "package.json",
            b"{\n  \"dependencies\": {\n    \"a\": 1\n  }\n}\n",
            &[],
        ),
        "package.json",
        Some(3),
        "invalid type",
    );
}
