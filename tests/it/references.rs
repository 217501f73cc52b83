//! One strictness rule in every format (docs/ecosystems.md): a dependency naming an entry the
//! file does not hold is a `dangling-reference` note on that edge, and the rest of the file is
//! inventoried; a reference exactly one entry satisfies by its range is followed.

use crate::common::{code, inventory_of_text, json, stderr};

/// Inventories `text` as `file` and checks it exits 0, lists `components` (by name) and notes
/// each `(line, mentions)` as a dangling reference.
fn assert_noted(file: &str, text: &str, notes: &[(u32, &str)], components: &[&str]) {
    let output = inventory_of_text(file, text.as_bytes(), &[]);
    assert_eq!(code(&output), 0, "{file}: {}", stderr(&output));
    let report = json(&output);
    let names: Vec<&str> = report["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for name in components {
        assert!(names.contains(name), "{file}: `{name}` not in {names:?}");
    }
    let noted: Vec<(u64, &str)> = report["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter(|n| n["code"] == "dangling-reference")
        .map(|n| {
            (
                n["line"].as_u64().unwrap_or(0),
                n["message"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(noted.len(), notes.len(), "{file}: {noted:?}");
    for (line, mentions) in notes {
        assert!(
            noted
                .iter()
                .any(|(l, m)| *l == u64::from(*line) && m.contains(mentions)),
            "{file}: no note at line {line} mentioning `{mentions}` in {noted:?}"
        );
    }
}

#[test]
fn cargo_lock() {
    let text = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"ghost\", \"itoa\"]\n\n[[package]]\nname = \"itoa\"\nversion = \"1.0.11\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
    assert_noted(
        "Cargo.lock",
        text,
        &[(
            4,
            "`app` depends on `ghost`, which the lockfile does not list",
        )],
        &["itoa"],
    );
}

#[test]
fn npm_package_lock() {
    let text = r#"{
  "lockfileVersion": 3,
  "packages": {
    "": {"dependencies": {"a": "^1.0.0", "absent": "^2.0.0"}},
    "node_modules/a": {
      "version": "1.0.0",
      "resolved": "https://registry.npmjs.org/a/-/a-1.0.0.tgz",
      "dependencies": {"ghost": "^1.0.0"},
      "peerDependencies": {"optional-peer": "*"}
    }
  }
}
"#;
    assert_noted(
        "package-lock.json",
        text,
        &[
            (4, "`(root)` depends on `absent`"),
            (5, "`node_modules/a` depends on `ghost`"),
        ],
        &["a"],
    );
}

#[test]
fn pnpm_lock_importers_and_packages() {
    let text = "lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      a:\n        specifier: ^1.0.0\n        version: 1.0.0\n      b:\n        specifier: ^1.0.0\n        version: 1.0.0\n\npackages:\n\n  b@1.0.0:\n    resolution: {integrity: sha512-AAAA}\n\nsnapshots:\n\n  b@1.0.0:\n    dependencies:\n      c: 2.0.0\n";
    assert_noted(
        "pnpm-lock.yaml",
        text,
        &[
            (6, "`.` depends on `a` at `1.0.0`"),
            (22, "`b@1.0.0` depends on `c` at `2.0.0`"),
        ],
        &["b"],
    );
}

#[test]
fn yarn_classic_follows_the_one_entry_a_range_satisfies() {
    let text = "# yarn lockfile v1\n\n\na@^1:\n  version \"1.0.0\"\n  dependencies:\n    b \"^2.1.0\"\n    c \"^3\"\n    ghost \"^1\"\n\nb@^1:\n  version \"1.4.0\"\n\nb@^2.0.0:\n  version \"2.3.0\"\n\nc@^3.0.0:\n  version \"3.1.0\"\n\nc@^3.1.0:\n  version \"3.2.0\"\n";
    assert_noted(
        "yarn.lock",
        text,
        &[
            (8, "2 entries of `c` satisfy `^3`"),
            (
                9,
                "`ghost@^1` is not locked in this file (no entry of `ghost` is locked)",
            ),
        ],
        &["a", "b", "c"],
    );
    // `b@^2.1.0` is locked by no key, and followed to the one entry that satisfies it.
    let manifest = r#"{"name": "app", "dependencies": {"a": "^1"}}"#;
    let output = inventory_of_text("yarn.lock", text.as_bytes(), &[("package.json", manifest)]);
    let report = json(&output);
    let b2 = report["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|c| c["name"] == "b" && c["version"] == "2.3.0")
        .expect("b 2.3.0");
    assert_eq!(b2["path"], serde_json::json!(["app", "a", "b"]));
}

#[test]
fn yarn_classic_keys_without_a_range() {
    let text = "# yarn lockfile v1\n\n\nleft-pad:\n  version \"1.3.0\"\n  resolved \"https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz\"\n\nuses-it@^1:\n  version \"1.0.0\"\n  dependencies:\n    left-pad \"\"\n";
    assert_noted("yarn.lock", text, &[], &["left-pad", "uses-it"]);
}

#[test]
fn yarn_berry_counts_only_entries_that_satisfy_the_range() {
    let text = "__metadata:\n  version: 8\n  cacheKey: 10c0\n\n\"a@npm:^1\":\n  version: 1.0.0\n  resolution: \"a@npm:1.0.0\"\n  dependencies:\n    b: \"npm:^2.2.0\"\n    c: \"npm:^1.0.0\"\n    ghost: \"npm:^1.0.0\"\n\n\"b@npm:^1\":\n  version: 1.9.0\n  resolution: \"b@npm:1.9.0\"\n\n\"b@npm:^2\":\n  version: 2.4.0\n  resolution: \"b@npm:2.4.0\"\n\n\"b@npm:^3\":\n  version: 3.0.0\n  resolution: \"b@npm:3.0.0\"\n\n\"c@npm:1.0.0\":\n  version: 1.0.0\n  resolution: \"c@npm:1.0.0\"\n\n\"c@npm:1.1.0\":\n  version: 1.1.0\n  resolution: \"c@npm:1.1.0\"\n";
    assert_noted(
        "yarn.lock",
        text,
        &[
            (10, "2 entries of `c` satisfy `npm:^1.0.0`"),
            (11, "no entry of `ghost` is locked"),
        ],
        &["a", "b", "c"],
    );
}

#[test]
fn uv_lock() {
    let text = "version = 1\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\ndependencies = [\n    { name = \"ghost\" },\n    { name = \"idna\" },\n]\n\n[[package]]\nname = \"idna\"\nversion = \"3.7\"\nsource = { registry = \"https://pypi.org/simple\" }\n";
    assert_noted(
        "uv.lock",
        text,
        &[(
            8,
            "`app` depends on `ghost`, which the lockfile does not list",
        )],
        &["idna"],
    );
}

#[test]
fn pylock() {
    let text = "lock-version = \"1.0\"\ncreated-by = \"test\"\n\n[[packages]]\nname = \"a\"\nversion = \"1.0\"\nsdist = { name = \"a-1.0.tar.gz\", url = \"https://files.example/a-1.0.tar.gz\", hashes = { sha256 = \"00\" } }\ndependencies = [\n    { name = \"ghost\" },\n]\n";
    assert_noted(
        "pylock.toml",
        text,
        &[(
            9,
            "`a` depends on `ghost`, which the lockfile does not list",
        )],
        &["a"],
    );
}

#[test]
fn gemfile_lock() {
    let text = "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack (2.2.8)\n      ghost (>= 1)\n    rails (7.1.0)\n      bundler (>= 1.15.0)\n      rack (>= 2.2.4)\n\nPLATFORMS\n  ruby\n\nDEPENDENCIES\n  rails\n\nBUNDLED WITH\n   2.4.10\n";
    assert_noted(
        "Gemfile.lock",
        text,
        &[(5, "`rack` depends on `ghost`, which no spec locks")],
        &["rack", "rails"],
    );
}
