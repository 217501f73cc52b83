//! go.mod (with go.sum beside it).

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn go_mod_with_blocks_indirect_replacements_pseudo_versions_and_go_sum() {
    insta::assert_snapshot!(inventory_snapshot("formats/go-mod", "modules/go.mod"));
}

#[test]
fn go_1_16_module_without_go_sum_is_noted() {
    insta::assert_snapshot!(inventory_snapshot("formats/go-mod", "go116/go.mod"));
}

#[test]
fn malformed_go_mods_are_rejected_with_their_line() {
    let reject = |text: &str, line: Option<u32>, mentions: &str| {
        assert_rejected(
            &inventory_of_text("go.mod", text.as_bytes(), &[]),
            "go.mod",
            line,
            mentions,
        );
    };
    reject(
        "module example.com/x\n\nrequire (\n\tgithub.com/a/b v1.0.0\n",
        Some(3),
        "block is never closed",
    );
    reject(
        "module example.com/x\n\nrequire github.com/a/b v1.",
        Some(3),
        "not a canonical module version",
    );
    reject(
        "module example.com/x\nrequire github.com/a/b\n",
        Some(2),
        "usage: require module/path v1.2.3",
    );
    reject(
        "this is not a go.mod\n",
        Some(1),
        "unknown directive `this`",
    );
    reject(
        "module example.com/x\nreplace example.com/a => ./a v1.0.0\n",
        Some(2),
        "usage: replace",
    );
    reject(
        "module example.com/x\nreplace example.com/a => ./a\nreplace example.com/a => ./b\n",
        Some(3),
        "replaced more than once",
    );
    reject(
        "module example.com/x\nrequire \"github.com/a/b v1.0.0\n",
        Some(2),
        "unterminated",
    );
    reject("go 1.22\n", None, "no `module` directive");
}

#[test]
fn a_malformed_go_sum_beside_go_mod_is_named() {
    let go_mod = "module example.com/x\n\nrequire github.com/a/b v1.0.0\n";
    assert_rejected(
        &inventory_of_text(
            "go.mod",
            go_mod.as_bytes(),
            &[("go.sum", "github.com/a/b v1.0.0\n")],
        ),
        "go.mod",
        None,
        "line 1 is not `module version hash` (in go.sum, beside go.mod)",
    );
}
