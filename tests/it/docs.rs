//! The documentation cannot drift from the code: every rule is documented, every policy
//! example in the docs is a valid policy, and every other TOML example is valid TOML.

use crate::common;
use depgov::error::Error;
use depgov::model::Rule;
use depgov::model::codes::{LintCode, NoteCode};
use depgov::policy::{Files, GithubPolicy, PolicyOrigin, Remote, Sources, load};

struct AnyLayer;

impl Files for AnyLayer {
    fn read(&self, _: &str) -> Result<Option<String>, Error> {
        Ok(Some("version = 1\n".to_owned()))
    }
}

impl Remote for AnyLayer {
    fn fetch(&self, _: &GithubPolicy) -> Result<String, String> {
        Ok("version = 1\n".to_owned())
    }
}

/// The ids in the first column of the tables of one `#`-section of docs/rules.md (the
/// section whose heading is `heading`, up to the next heading of any level).
fn documented_ids(heading: &str) -> Vec<String> {
    let docs = common::read_repo_file("docs/rules.md");
    let mut ids = Vec::new();
    let mut inside = false;
    for line in docs.lines() {
        if line.starts_with('#') {
            inside = line.trim_start_matches('#').trim() == heading;
            continue;
        }
        if let Some(id) = line
            .strip_prefix("| `")
            .and_then(|rest| rest.split('`').next())
            .filter(|_| inside)
        {
            ids.push(id.to_owned());
        }
    }
    ids
}

#[test]
fn every_rule_id_is_documented_and_every_documented_rule_exists() {
    let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(documented_ids("Rules"), ids);
}

#[test]
fn every_diagnostic_code_is_documented_and_every_documented_code_exists() {
    let notes: Vec<&str> = NoteCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(documented_ids("Input notes"), notes);
    let lints: Vec<&str> = LintCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(documented_ids("Policy lints"), lints);
}

#[test]
fn every_policy_example_in_the_docs_is_a_valid_policy() {
    for file in ["docs/policy.md", "README.md"] {
        let examples = common::policy_examples(file);
        assert!(!examples.is_empty(), "{file} has policy examples");
        for policy in examples {
            // Layers an example extends stand in as minimal policies: the example is what is
            // checked.
            let sources = Sources {
                files: &AnyLayer,
                remote: Some(&AnyLayer),
            };
            let origin = PolicyOrigin::File(file.to_owned());
            if let Err(error) = load(file, &policy, origin, &sources) {
                panic!(
                    "an example in {file} is not a valid policy:\n{}",
                    error.render()
                );
            }
        }
    }
}

#[test]
fn every_toml_example_that_is_not_a_policy_is_valid_toml() {
    for file in ["docs/policy.md", "README.md"] {
        let text = common::read_repo_file(file);
        for block in common::code_blocks(&text, "toml") {
            if common::NOT_POLICIES
                .iter()
                .any(|start| block.starts_with(start))
            {
                if let Err(error) = block.parse::<toml::Table>() {
                    panic!("an example in {file} is not TOML: {error}\n{block}");
                }
            }
        }
    }
}
