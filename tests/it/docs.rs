//! The documentation cannot drift from the code: every rule is documented, every policy
//! example in the docs is a valid policy, and every other TOML example is valid TOML.

use crate::common;
use depgov::error::Error;
use depgov::model::Rule;
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

#[test]
fn every_rule_id_is_documented_and_every_documented_rule_exists() {
    let docs = common::read_repo_file("docs/rules.md");
    let documented: Vec<&str> = docs
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split('`').next())
        .collect();
    let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(documented, ids);
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
