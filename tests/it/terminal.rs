//! What a user sees at a terminal and in a shell: colour (`--color`, `NO_COLOR`,
//! `CLICOLOR_FORCE`, never into files), completions and man pages generated from the command
//! definitions, and diagnostics that stay data (codes in JSON and SARIF).

use std::path::Path;

use crate::common::{Depgov, code, git, json, stderr, stdout};

/// A project with one component to remove, one unpinned requirement (an input note) and a policy
/// using a deprecated SPDX id (a lint).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    git(dir.path(), &["init", "-q"]);
    std::fs::write(
        dir.path().join("requirements.txt"),
        "flask==3.0.0\nrequests>=2\n",
    )
    .expect("write requirements");
    std::fs::write(
        dir.path().join("depgov.toml"),
        "version = 1\n\n[licenses]\nunknown = \"assess\"\nhold = [\"GPL-2.0\"]\n\n[[components]]\npurl = \"pkg:pypi/flask\"\nring = \"remove\"\nreason = \"one web framework\"\n",
    )
    .expect("write policy");
    dir
}

fn check(dir: &Path, args: &[&str]) -> std::process::Output {
    Depgov::new(dir)
        .args(["check"])
        .args(args.iter().copied())
        .run()
}

const ESC: &str = "\u{1b}[";

#[test]
fn human_output_is_plain_in_a_pipe_and_coloured_when_asked() {
    let dir = project();
    let plain = check(dir.path(), &[]);
    assert_eq!(code(&plain), 1, "{}", stderr(&plain));
    assert!(!stdout(&plain).contains(ESC), "{}", stdout(&plain));
    let coloured = check(dir.path(), &["--color", "always"]);
    let text = stdout(&coloured);
    assert!(text.contains(&format!("{ESC}1m")), "bold: {text:?}");
    assert!(text.contains("[31m"), "errors in red: {text:?}");
    assert_eq!(
        strip(&text),
        stdout(&plain),
        "colour adds nothing but colour"
    );
    let forced = Depgov::new(dir.path())
        .args(["check"])
        .env("CLICOLOR_FORCE", "1")
        .run();
    assert!(stdout(&forced).contains(ESC));
    let never = Depgov::new(dir.path())
        .args(["check"])
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .run();
    assert!(!stdout(&never).contains(ESC), "NO_COLOR wins");
    let off = check(dir.path(), &["--color", "never"]);
    assert_eq!(stdout(&off), stdout(&plain));
}

#[test]
fn reports_written_to_files_are_never_coloured() {
    let dir = project();
    let output = check(
        dir.path(),
        &["--color", "always", "--output", "human=out.txt"],
    );
    assert_eq!(code(&output), 1);
    let file = std::fs::read_to_string(dir.path().join("out.txt")).expect("written");
    assert!(!file.contains(ESC), "{file:?}");
    assert_eq!(file, strip(&stdout(&output)));
}

#[test]
fn errors_on_stderr_use_one_prefix_and_are_coloured_only_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plain = Depgov::new(dir.path()).args(["check", "missing"]).run();
    assert_eq!(code(&plain), 2);
    assert!(stderr(&plain).starts_with("error: "), "{}", stderr(&plain));
    let coloured = Depgov::new(dir.path())
        .args(["--color", "always", "check", "missing"])
        .run();
    assert!(
        stderr(&coloured).starts_with(ESC),
        "{:?}",
        stderr(&coloured)
    );
    assert_eq!(strip(&stderr(&coloured)), stderr(&plain));
}

#[test]
fn completions_and_man_pages_come_from_the_command_definitions() {
    let dir = tempfile::tempdir().expect("temp dir");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let output = Depgov::new(dir.path()).args(["completions", shell]).run();
        assert_eq!(code(&output), 0, "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        for command in ["check", "explain", "scan-org", "import-radar"] {
            assert!(script.contains(command), "{shell} completes {command}");
        }
    }
    let bad = Depgov::new(dir.path()).args(["completions", "tcsh"]).run();
    assert_eq!(code(&bad), 2);
    let man = Depgov::new(dir.path()).args(["man"]).run();
    assert_eq!(code(&man), 0);
    assert!(stdout(&man).starts_with(".ie"), "roff: {}", stdout(&man));
    assert!(stdout(&man).contains(".TH depgov 1"));
    let pages = dir.path().join("man");
    std::fs::create_dir(&pages).expect("dir");
    let written = Depgov::new(dir.path()).args(["man", "--dir", "man"]).run();
    assert_eq!(code(&written), 0, "{}", stderr(&written));
    for page in ["depgov.1", "depgov-check.1", "depgov-policy-init.1"] {
        let text = std::fs::read_to_string(pages.join(page)).expect(page);
        assert!(text.contains(".TH"), "{page}");
    }
}

#[test]
fn input_notes_and_policy_lints_carry_codes_in_json_and_sarif() {
    let dir = project();
    let output = check(
        dir.path(),
        &["--format", "json", "--output", "sarif=out.sarif"],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = json(&output);
    let notes = report["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["code"], "unpinned");
    assert_eq!(notes[0]["file"], "requirements.txt");
    assert_eq!(notes[0]["line"], 2);
    let lints = report["lints"].as_array().expect("lints");
    assert_eq!(lints.len(), 1, "{lints:?}");
    assert_eq!(lints[0]["code"], "policy-deprecated-spdx-id");
    assert_eq!(lints[0]["file"], "depgov.toml");
    assert_eq!(lints[0]["line"], 5);

    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out.sarif")).expect("sarif written"),
    )
    .expect("SARIF is JSON");
    let run = &sarif["runs"][0];
    let descriptors: Vec<&str> = run["tool"]["driver"]["notifications"]
        .as_array()
        .expect("notification descriptors")
        .iter()
        .filter_map(|d| d["id"].as_str())
        .collect();
    assert!(descriptors.contains(&"unpinned") && descriptors.contains(&"policy-repeated"));
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let raised = invocation["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    let summary: Vec<(String, String, u64)> = raised
        .iter()
        .map(|n| {
            let location = &n["locations"][0]["physicalLocation"];
            (
                n["descriptor"]["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                location["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                location["region"]["startLine"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("unpinned".into(), "requirements.txt".into(), 2),
            ("policy-deprecated-spdx-id".into(), "depgov.toml".into(), 5),
        ]
    );
    assert_eq!(raised[0]["level"], "note");
    assert_eq!(raised[1]["level"], "warning");
}

/// Removes ANSI escape sequences (`ESC [ … m`).
fn strip(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('\u{1b}') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        match rest.find('m') {
            Some(end) => rest = &rest[end + 1..],
            None => break,
        }
    }
    out.push_str(rest);
    out
}
