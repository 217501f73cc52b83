//! Bundler's Gemfile.lock / gems.locked (with the Gemfile / gems.rb beside it).

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn gemfile_lock_with_git_path_gemspec_platforms_and_gemfile_groups() {
    insta::assert_snapshot!(inventory_snapshot("formats/gem", "app/Gemfile.lock"));
}

#[test]
fn gems_locked_without_manifest_with_several_remotes_plugins_and_unknown_sections() {
    insta::assert_snapshot!(inventory_snapshot("formats/gem", "legacy/gems.locked"));
}

const HEAD: &str = "GEM\n  remote: https://rubygems.org/\n  specs:\n";

#[test]
fn malformed_gemfile_locks_are_rejected_with_their_line() {
    let reject = |text: &str, line: Option<u32>, mentions: &str| {
        assert_rejected(
            &inventory_of_text("Gemfile.lock", text.as_bytes(), &[]),
            "Gemfile.lock",
            line,
            mentions,
        );
    };
    reject(
        &format!("{HEAD}    rack (3.0.9)\n    rake (13"),
        Some(5),
        "unclosed parenthesis",
    );
    reject(
        &format!("{HEAD}    rack (3.0.9)\n"),
        None,
        "no DEPENDENCIES section",
    );
    reject("hello world\n", Some(1), "not a Gemfile.lock section name");
    reject("  rack (3.0.9)\n", Some(1), "expected a section name");
    reject(
        &format!("{HEAD}      rack (>= 1)\n\nDEPENDENCIES\n  rack\n"),
        Some(4),
        "unexpected indentation",
    );
    reject(
        &format!("{HEAD}    rack\n\nDEPENDENCIES\n  rack\n"),
        Some(4),
        "the spec `rack` has no (version)",
    );
    reject(
        "GIT\n  remote: https://github.com/a/b.git\n  specs:\n    b (1.0)\n\nDEPENDENCIES\n  b!\n",
        Some(1),
        "GIT section without `revision:`",
    );
    reject(
        "GEM\n  specs:\n    rack (3.0.9)\n\nDEPENDENCIES\n  rack\n",
        Some(1),
        "GEM section without `remote:`",
    );
    reject(
        "GEM\n  https//rubygems.org\n\nDEPENDENCIES\n",
        Some(2),
        "expected `key: value`",
    );
}
