//! Composer's composer.json read without its composer.lock.

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn require_and_require_dev_without_platform_packages() {
    insta::assert_snapshot!(inventory_snapshot("formats/composer-json", "composer.json"));
}

#[test]
fn malformed_composer_json_is_rejected_with_its_line() {
    assert_rejected(
        &inventory_of_text(
            "composer.json",
            b"{\n  \"require\": {\n    \"a/b\": \"^1\",\n    \"a/b\": \"^2\"\n  }\n}\n",
            &[],
        ),
        "composer.json",
        Some(4),
        "duplicate key `a/b`",
    );
}
