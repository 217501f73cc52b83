//! Bundler's Gemfile read without its Gemfile.lock.

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn gems_with_requirements_groups_and_sources() {
    insta::assert_snapshot!(inventory_snapshot("formats/gemfile", "Gemfile"));
}

#[test]
fn unbalanced_blocks_are_rejected_with_their_line() {
    assert_rejected(
        &inventory_of_text("Gemfile", b"gem \"rails\"\nend\n", &[]),
        "Gemfile",
        Some(2),
        "`end` closes no block",
    );
    assert_rejected(
        &inventory_of_text("Gemfile", b"group :test do\n  gem \"rspec\"\n", &[]),
        "Gemfile",
        None,
        "never closed",
    );
}
