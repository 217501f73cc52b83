//! The documentation cannot drift from the code: every rule is documented, and every policy
//! example in the docs is a valid policy.

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

fn read(path: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_rule_id_is_documented_and_every_documented_rule_exists() {
    let docs = read("docs/rules.md");
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
        let text = read(file);
        let blocks: Vec<&str> = text
            .split("```toml\n")
            .skip(1)
            .map(|rest| rest.split("```").next().unwrap_or(""))
            .collect();
        assert!(!blocks.is_empty(), "{file} has policy examples");
        for block in blocks {
            let policy = if block.contains("version = 1") {
                block.to_owned()
            } else {
                format!("version = 1\n{block}")
            };
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
