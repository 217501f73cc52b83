//! The policy authoring tools, run as the real binary: `policy init` (a starter policy from
//! the licenses a repository uses), `policy schema` (the JSON Schema editors use, checked
//! against the committed copy and against every policy we ship or document) and
//! `policy import-radar` (a build-your-own-radar CSV as a policy layer).

use std::path::Path;

use crate::common;
use crate::common::{Depgov, code, json, read_repo_file, repo, stderr, stdout};
use serde_json::Value;

/// The npm lockfile of a project using moment, date-fns and left-pad.
const LOCK: &str = r#"{"name": "app", "lockfileVersion": 3, "packages": {
  "": {"name": "app", "dependencies": {"moment": "*", "date-fns": "*", "left-pad": "*"}},
  "node_modules/moment": {"version": "2.29.4", "resolved": "https://registry.npmjs.org/moment/-/moment-2.29.4.tgz", "license": "MIT"},
  "node_modules/date-fns": {"version": "3.6.0", "resolved": "https://registry.npmjs.org/date-fns/-/date-fns-3.6.0.tgz", "license": "MIT"},
  "node_modules/left-pad": {"version": "1.3.0", "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz", "license": "WTFPL"}
}}"#;

// --- policy init --------------------------------------------------------------------------

/// The starter with its license lists uncommented: a policy that decides every license here.
fn uncomment_license_lists(starter: &str) -> String {
    let mut in_list = false;
    let mut out = String::new();
    for line in starter.lines() {
        let uncommented = line.strip_prefix("# ").unwrap_or(line);
        if uncommented.ends_with(" = [") {
            in_list = true;
        }
        out.push_str(if in_list { uncommented } else { line });
        out.push('\n');
        if uncommented == "]" {
            in_list = false;
        }
    }
    out
}

/// Each finding as (component, severity): what a policy decides, whatever rule says it.
fn verdicts(report: &Value) -> Vec<(String, String)> {
    let mut verdicts: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["component"]["purl"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    verdicts.sort();
    verdicts
}

#[test]
fn init_writes_a_starter_listing_the_licenses_found_with_the_default_rings() {
    let dir = repo("policy-init");
    let before = Depgov::new(dir.path())
        .args(["check", "--format", "json"])
        .run();
    assert_eq!(json(&before)["policy"]["source"], "embedded default");
    assert!(!verdicts(&json(&before)).is_empty());

    let output = Depgov::new(dir.path()).args(["policy", "init"]).run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "depgov: wrote depgov.toml: extends depgov:default and lists 6 licenses found in 10 components\n"
    );
    let starter = std::fs::read_to_string(dir.path().join("depgov.toml")).unwrap();
    insta::assert_snapshot!("starter", starter);
    Validator::new().check(&starter).unwrap();

    // `check` finds and loads it, and it judges exactly as the default it extends.
    let after = Depgov::new(dir.path())
        .args(["check", "--format", "json"])
        .run();
    assert_eq!(code(&after), code(&before), "{}", stderr(&after));
    assert_eq!(json(&after)["policy"]["source"], "depgov.toml");
    assert_eq!(
        json(&after)["policy"]["name"],
        "depgov.toml",
        "an unnamed policy is named after its file, not after the default it extends"
    );
    assert_eq!(verdicts(&json(&after)), verdicts(&json(&before)));

    // Uncommented, the lists keep every license on the ring the default gives it.
    let decided = uncomment_license_lists(&starter);
    assert!(decided.contains("\nremove = [\n"), "{decided}");
    Validator::new().check(&decided).unwrap();
    std::fs::write(dir.path().join("depgov.toml"), decided).unwrap();
    let decided = Depgov::new(dir.path())
        .args(["check", "--format", "json"])
        .run();
    assert_eq!(code(&decided), code(&before), "{}", stderr(&decided));
    assert_eq!(verdicts(&json(&decided)), verdicts(&json(&before)));
}

#[test]
fn init_scans_as_check_does_and_writes_where_check_reads() {
    let dir = repo("policy-init");
    // --ecosystem (like every input flag of check) limits what is listed; --policy names the
    // file, and its directory is created.
    let output = Depgov::new(dir.path())
        .args([
            "policy",
            "init",
            "--ecosystem",
            "composer",
            "--policy",
            ".github/depgov.toml",
        ])
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let starter = std::fs::read_to_string(dir.path().join(".github/depgov.toml")).unwrap();
    assert!(starter.contains("\"GPL-2.0-or-later\", # 1 component: acme/gpl-lib"));
    assert!(!starter.contains("MIT"), "{starter}");
    assert!(!dir.path().join("depgov.toml").exists());

    // Without --policy, init targets the policy check would read: here .github/depgov.toml,
    // which it will not overwrite.
    let output = Depgov::new(dir.path()).args(["policy", "init"]).run();
    assert_eq!(code(&output), 2);
    assert_eq!(
        stderr(&output),
        "error: .github/depgov.toml already exists; depgov policy init leaves it alone (pass --force to replace it)\n"
    );
    assert!(!dir.path().join("depgov.toml").exists());
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let dir = repo("policy-init");
    let policy = dir.path().join("depgov.toml");
    std::fs::write(&policy, "version = 1\n# ours\n").unwrap();
    let output = Depgov::new(dir.path()).args(["policy", "init"]).run();
    assert_eq!(code(&output), 2);
    assert!(stdout(&output).is_empty());
    assert_eq!(
        stderr(&output),
        "error: depgov.toml already exists; depgov policy init leaves it alone (pass --force to replace it)\n"
    );
    assert_eq!(
        std::fs::read_to_string(&policy).unwrap(),
        "version = 1\n# ours\n"
    );

    let output = Depgov::new(dir.path())
        .args(["policy", "init", "--force"])
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let starter = std::fs::read_to_string(&policy).unwrap();
    assert!(
        starter.contains("extends = [\"depgov:default\"]"),
        "{starter}"
    );
}

// --- policy schema ------------------------------------------------------------------------

#[test]
fn the_committed_schema_is_what_policy_schema_prints() {
    let dir = tempfile::tempdir().unwrap();
    let output = Depgov::new(dir.path()).args(["policy", "schema"]).run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(
        stdout(&output) == read_repo_file("schema/depgov.schema.json"),
        "schema/depgov.schema.json is not what `depgov policy schema` prints; regenerate it with\n\
         cargo run -- policy schema > schema/depgov.schema.json\nand commit it"
    );
}

/// The committed schema, compiled (which also checks it against the draft-07 meta-schema).
struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new() -> Self {
        let schema: Value =
            serde_json::from_str(&read_repo_file("schema/depgov.schema.json")).unwrap();
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        let url = "https://depgov.invalid/depgov.schema.json";
        compiler.add_resource(url, schema).unwrap();
        let index = compiler
            .compile(url, &mut schemas)
            .unwrap_or_else(|e| panic!("{e:#}"));
        Validator { schemas, index }
    }

    /// Whether the schema accepts a policy file, read as an editor reads it (TOML as JSON).
    fn check(&self, policy: &str) -> Result<(), String> {
        let value = to_json(policy.parse::<toml::Table>().unwrap().into());
        self.schemas
            .validate(&value, self.index)
            .map_err(|e| format!("{e:#}"))
    }
}

/// TOML as JSON, as Taplo gives it to the schema: dates become strings.
fn to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => i.into(),
        toml::Value::Float(f) => f.into(),
        toml::Value::Boolean(b) => b.into(),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => items.into_iter().map(to_json).collect(),
        toml::Value::Table(table) => table.into_iter().map(|(k, v)| (k, to_json(v))).collect(),
    }
}

#[test]
fn the_schema_accepts_every_policy_shipped_or_documented() {
    let validator = Validator::new();
    let mut policies: Vec<(String, String)> = Vec::new();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    for entry in std::fs::read_dir(shipped).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            policies.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    assert!(!policies.is_empty());
    for file in ["docs/policy.md", "README.md"] {
        for example in common::policy_examples(file) {
            policies.push((format!("an example in {file}"), example));
        }
    }
    for (name, policy) in policies {
        if let Err(error) = validator.check(&policy) {
            panic!("the schema refuses {name}: {error}\n{policy}");
        }
    }
}

#[test]
fn the_schema_refuses_what_the_loader_refuses() {
    let validator = Validator::new();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("package-lock.json"), LOCK).unwrap();
    let refused = [
        "name = \"no version\"",
        "version = 2",
        "version = 1\nnmae = \"typo\"",
        "version = 1\n[defaults]\nring = \"hodl\"",
        "version = 1\n[defaults]\nscope = [\"test\"]",
        "version = 1\n[licenses]\nadopt = \"MIT\"",
        "version = 1\n[sources]\nregistries = [\"crates.io\"]",
        "version = 1\n[expiry]\nwarn-days = 0",
        "version = 1\n[[components]]\nring = \"hold\"",
        "version = 1\n[[components]]\npurl = \"pkg:npm/x\"\nring = \"hold\"\nlink = \"ftp://x\"",
        "version = 1\n[[components]]\npurl = \"pkg:npm/x@1.0\"\nring = \"hold\"",
        "version = 1\n[[components]]\npurl = \"pkg:npm/x\"\nname = \"x\"\necosystem = \"npm\"\nring = \"hold\"",
        "version = 1\n[[components]]\npurl = \"pkg:npm/x\"\nring = \"hold\"\nsunset = \"soon\"",
        "version = 1\n[[exceptions]]\npurl = \"pkg:npm/x\"\nreason = \"no expiry\"",
    ];
    for policy in refused {
        assert!(
            validator.check(policy).is_err(),
            "the schema accepts:\n{policy}"
        );
        std::fs::write(dir.path().join("p.toml"), policy).unwrap();
        let loaded = Depgov::new(dir.path())
            .args(["check", "--policy", "p.toml"])
            .run();
        assert_eq!(code(&loaded), 2, "the loader accepts:\n{policy}");
        assert!(stderr(&loaded).contains("problem"), "{}", stderr(&loaded));
    }
}

// --- policy import-radar ------------------------------------------------------------------

#[test]
fn import_radar_writes_components_and_lists_unmapped_names() {
    let dir = repo("radar");
    let args = [
        "policy",
        "import-radar",
        "radar.csv",
        "--map",
        "radar-purls.toml",
    ];
    let output = Depgov::new(dir.path()).args(args).run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    insta::assert_snapshot!("radar_layer", stdout(&output));
    insta::assert_snapshot!("radar_stderr", stderr(&output));
    Validator::new().check(&stdout(&output)).unwrap();

    // --output writes the same layer, which a policy extends.
    let written = Depgov::new(dir.path())
        .args([&args[..], &["--output", "radar.toml"]].concat())
        .run();
    assert_eq!(code(&written), 0, "{}", stderr(&written));
    assert!(stdout(&written).is_empty());
    let layer = std::fs::read_to_string(dir.path().join("radar.toml")).unwrap();
    assert_eq!(layer, stdout(&output));
    std::fs::write(dir.path().join("package-lock.json"), LOCK).unwrap();
    std::fs::write(
        dir.path().join("depgov.toml"),
        "version = 1\nextends = [\"depgov:default\", \"radar.toml\"]\n",
    )
    .unwrap();
    let check = Depgov::new(dir.path())
        .args(["check", "--format", "json"])
        .run();
    assert_eq!(code(&check), 0, "{}", stderr(&check));
    let report = json(&check);
    let moment = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["component"]["name"] == "moment")
        .expect("a finding for moment");
    assert_eq!(moment["rule"], "component-hold");
    assert_eq!(
        moment["reason"],
        "<p>Moment is in <strong>maintenance mode</strong>; its maintainers say \"use something else\" for new work.</p>\n\
         <p>See <a href='https://momentjs.com/docs/#/-project-status/'>the project status</a>.</p>"
    );
    // date-fns is adopted by the radar: an approval, so its license is settled too (offline,
    // the default policy's criteria still say what they could not judge).
    assert!(
        !report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["component"]["name"] == "date-fns" && f["rule"] != "health-unknown")
    );
}

#[test]
fn import_radar_names_the_line_of_every_bad_row_or_mapping() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &[u8]| std::fs::write(dir.path().join(name), text).unwrap();
    write("map.toml", "[names]\n\"A\" = \"pkg:npm/a\"\n".as_bytes());
    write("bad.csv", "name,ring,quadrant,isNew,description\nA,Adopt,Tools,FALSE,x\nB,Maybe,Tools,FALSE,y\nC,Hold,Tools\n,Hold,Tools,FALSE,z\n".as_bytes());
    write("no-ring.csv", "name,quadrant\nA,Tools\n".as_bytes());
    write(
        "good.csv",
        "name,ring,quadrant,isNew,description\nA,Adopt,Tools,FALSE,x\n".as_bytes(),
    );
    write(
        "bad-map.toml",
        "[names]\n\"A\" = \"pkg:npm/a@1.0\"\n\"B\" = 3\n\"C\" = [\"pkg:nope/x\"]\n".as_bytes(),
    );
    write("broken-map.toml", "[names]\n\"A\" = \n".as_bytes());
    write(
        "typo-map.toml",
        "[nmes]\n\"A\" = \"pkg:npm/a\"\n".as_bytes(),
    );
    write("latin1.csv", b"name,ring\nCaf\xe9,Adopt\n");
    write(
        "latin1-map.toml",
        b"[names]\n\"A\" = \"pkg:npm/a\"\n\"Caf\xe9\" = \"pkg:npm/cafe\"\n",
    );
    let cases: [(&str, &str, &str); 7] = [
        (
            "bad.csv",
            "map.toml",
            "error: bad.csv:3: `B` has the ring `Maybe`; a radar's rings are Adopt, Trial, Assess and Hold\n\
             error: bad.csv:4: this row has 3 fields, the header 5\n\
             error: bad.csv:5: this row has no name\n",
        ),
        (
            "no-ring.csv",
            "map.toml",
            "error: no-ring.csv:1: a radar CSV has the columns name, ring, quadrant, isNew, description; this header lacks name or ring\n",
        ),
        (
            "good.csv",
            "bad-map.toml",
            "error: bad-map.toml:2: `pkg:npm/a@1.0`: a policy purl has no version; put version ranges in `versions`\n\
             error: bad-map.toml:3: `B` must map to a purl or a list of purls, e.g. \"pkg:npm/moment\"\n\
             error: bad-map.toml:4: `pkg:nope/x`: unsupported package type `nope`; supported: cargo, npm, pypi, golang, gem, composer, maven, nuget\n",
        ),
        (
            "good.csv",
            "broken-map.toml",
            "error: broken-map.toml:2: string values must be quoted, expected literal string\n",
        ),
        (
            "good.csv",
            "typo-map.toml",
            "error: typo-map.toml:1: unknown field `nmes`, expected `names`\n",
        ),
        (
            "latin1.csv",
            "map.toml",
            "error: latin1.csv:2: not UTF-8 text (field 1)\n",
        ),
        (
            "good.csv",
            "latin1-map.toml",
            "error: latin1-map.toml:3: not UTF-8 text\n",
        ),
    ];
    for (csv, map, expected) in cases {
        let output = Depgov::new(dir.path())
            .args([
                "policy",
                "import-radar",
                csv,
                "--map",
                map,
                "--output",
                "out.toml",
            ])
            .run();
        assert_eq!(code(&output), 2, "{csv} {map}");
        assert_eq!(stderr(&output), expected);
        assert!(!dir.path().join("out.toml").exists());
    }
}

#[test]
fn the_radar_example_in_the_docs_imports() {
    let docs = read_repo_file("docs/policy.md");
    let csv = common::code_blocks(&docs, "csv");
    let map = common::code_blocks(&docs, "toml")
        .into_iter()
        .find(|block| block.starts_with("# radar-purls.toml\n"));
    let (Some(csv), Some(map)) = (csv.first(), map) else {
        panic!("docs/policy.md shows a radar CSV and a radar-purls.toml");
    };
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("radar.csv"), csv).unwrap();
    std::fs::write(dir.path().join("radar-purls.toml"), map).unwrap();
    let output = Depgov::new(dir.path())
        .args([
            "policy",
            "import-radar",
            "radar.csv",
            "--map",
            "radar-purls.toml",
        ])
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    Validator::new().check(&stdout(&output)).unwrap();
    assert!(
        docs.contains(&stderr(&output)),
        "docs/policy.md shows:\n{}",
        stderr(&output)
    );
}
