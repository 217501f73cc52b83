//! yarn.lock, Yarn classic (`# yarn lockfile v1`) and Yarn Berry (`__metadata` versions 4-10).

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn classic_v1_with_multi_descriptor_entries_nested_versions_optional_git_and_codeload() {
    insta::assert_snapshot!(inventory_snapshot("formats/yarn-classic", "v1/yarn.lock"));
}

#[test]
fn berry_v8_with_workspaces_patches_git_an_alias_and_an_exec_package() {
    insta::assert_snapshot!(inventory_snapshot("formats/yarn-berry", "v8/yarn.lock"));
}

#[test]
fn berry_v6_ranges_without_protocol_and_a_tarball_without_a_manifest() {
    insta::assert_snapshot!(inventory_snapshot("formats/yarn-berry", "v6/yarn.lock"));
}

fn yarn(text: &str) -> std::process::Output {
    inventory_of_text("yarn.lock", text.as_bytes(), &[])
}

const CLASSIC: &str = "# yarn lockfile v1\n\n\n";
const BERRY: &str = "__metadata:\n  version: 8\n  cacheKey: 10c0\n\n";

#[test]
fn malformed_classic_locks_are_rejected_with_their_line() {
    let cases = [
        (
            "\"a@^1\":\n  version \"1.0.0\"\n  resolved \"https://registry.yarnpkg.com/a/-/a-1.0.0.tgz",
            6,
            "unterminated quoted string",
        ),
        (
            "\"a@^1\":\n   version \"1.0.0\"\n",
            5,
            "unexpected indentation",
        ),
        (
            "\"a@^1\"\n  version \"1.0.0\"\n",
            4,
            "expected `,` or a final `:`",
        ),
        (
            "\"a@^1\":\n  resolved \"https://x.example/a.tgz\"\n",
            4,
            "`a@^1` has no version",
        ),
        (
            "  version \"1\"\n",
            4,
            "an indented line before the first entry",
        ),
    ];
    for (body, line, mentions) in cases {
        let text = format!("{CLASSIC}{body}");
        assert_rejected(&yarn(&text), "yarn.lock", Some(line), mentions);
    }
    assert_rejected(
        &yarn("\u{1}PK\u{3} garbage {}"),
        "yarn.lock",
        None,
        "not a Yarn lockfile",
    );
    let bad_manifest = inventory_of_text(
        "yarn.lock",
        CLASSIC.as_bytes(),
        &[("package.json", "{\"devDependencies\": {\"a\": 1}}")],
    );
    assert_rejected(&bad_manifest, "yarn.lock", None, "package.json:1: ");
}

#[test]
fn malformed_berry_locks_are_rejected_with_their_line() {
    let cases = [
        (
            "\"a@npm:^1\":\n  version: 1.0.0\n  resolution: \"a@npm:1.0",
            7,
            "unclosed quote",
        ),
        (
            "\"a@npm:^1\":\n  version: 1.0.0\n  resolution: \"a@npm:1.0.0\"\n  dependencies: [b, c]\n",
            8,
            "expected mapping",
        ),
        (
            "\"a@npm:^1\":\n  version: 1.0.0\n  languageName: node\n",
            5,
            "has no resolution",
        ),
    ];
    for (body, line, mentions) in cases {
        let text = format!("{BERRY}{body}");
        assert_rejected(&yarn(&text), "yarn.lock", Some(line), mentions);
    }
    assert_rejected(
        &yarn("__metadata:\n  cacheKey: 5\n"),
        "yarn.lock",
        None,
        "`__metadata` has no `version`",
    );
}

#[test]
fn unknown_yarn_lockfile_versions_are_named() {
    assert_rejected(
        &yarn("# yarn lockfile v2\n\na@^1:\n  version \"1\"\n"),
        "yarn.lock",
        Some(1),
        "unsupported version 2 of yarn.lock",
    );
    for version in ["3", "11"] {
        let text = format!("__metadata:\n  version: {version}\n  cacheKey: 5\n");
        assert_rejected(
            &yarn(&text),
            "yarn.lock",
            Some(2),
            &format!("unsupported version {version} of yarn.lock"),
        );
    }
}
