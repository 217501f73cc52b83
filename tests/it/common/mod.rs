//! Shared helpers for the integration tests: fixture repositories copied into temp dirs with
//! real git, and the real depgov binary run on them.

pub mod fake_github;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Copies `tests/fixtures/NAME` into a fresh git repository in a temp dir.
pub fn repo(name: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(&fixtures().join(name), dir.path());
    git(dir.path(), &["init", "-q", "-b", "main"]);
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// Runs git with a fixed identity, failing the test if git fails.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run git");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The real binary, run in `dir` with "today" pinned to 2027-01-01.
pub fn depgov(dir: &Path, args: &[&str]) -> Output {
    depgov_on(dir, "2027-01-01", args)
}

pub fn depgov_on(dir: &Path, today: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_depgov"))
        .args(args)
        .current_dir(dir)
        .env("DEPGOV_TODAY", today)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run depgov")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn code(output: &Output) -> i32 {
    output
        .status
        .code()
        .expect("exit code (not killed by a signal)")
}

/// Stdout with depgov's own version blanked, for snapshots that survive releases.
pub fn stdout_redacted(output: &Output) -> String {
    let version = format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    stdout(output).replacen(&version, "\"version\": \"[version]\"", 1)
}

/// The JSON document on stdout, with the tool version blanked for stable snapshots.
pub fn json(output: &Output) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(output)));
    if let Some(tool) = value.get_mut("tool") {
        tool["version"] = "[version]".into();
    }
    value
}

/// `depgov inventory FILE --format json` on a copy of `tests/fixtures/DIR` in a fresh git
/// repository, with extra environment variables; returns the output.
pub fn inventory_with_env(dir: &str, file: &str, env: &[(&str, &str)]) -> Output {
    let repo = repo(dir);
    let mut command = Command::new(env!("CARGO_BIN_EXE_depgov"));
    command
        .args(["inventory", file, "--format", "json"])
        .current_dir(repo.path())
        .env("DEPGOV_TODAY", "2027-01-01");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run depgov")
}

/// The JSON inventory of one fixture file, for a snapshot; fails the test unless it exits 0.
pub fn inventory_snapshot(dir: &str, file: &str) -> String {
    let output = inventory_with_env(dir, file, &[]);
    assert_eq!(code(&output), 0, "{dir}/{file}: {}", stderr(&output));
    stdout_redacted(&output)
}

/// Runs `depgov inventory NAME` on a repository holding only `NAME` with `content` (and the
/// extra files given), for malformed-input tests.
pub fn inventory_of_text(name: &str, content: &[u8], extra: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().expect("temp dir");
    git(dir.path(), &["init", "-q"]);
    std::fs::write(dir.path().join(name), content).expect("write input");
    for (path, text) in extra {
        std::fs::write(dir.path().join(path), text).expect("write extra file");
    }
    Command::new(env!("CARGO_BIN_EXE_depgov"))
        .args(["inventory", name, "--format", "json"])
        .current_dir(dir.path())
        .output()
        .expect("run depgov")
}

/// Asserts that malformed input fails cleanly: exit 2, nothing on stdout, and an error that
/// names the file (and `FILE:LINE:` when `line` is given).
pub fn assert_rejected(output: &Output, file: &str, line: Option<u32>, mentions: &str) {
    if let Some(problem) = rejection_problem(output, file, line, mentions) {
        panic!("{problem}");
    }
}

/// What is wrong with how malformed input was rejected, if anything (see [`assert_rejected`]);
/// for tests that check many inputs and report every failure at once.
pub fn rejection_problem(
    output: &Output,
    file: &str,
    line: Option<u32>,
    mentions: &str,
) -> Option<String> {
    let err = stderr(output);
    let place = match line {
        Some(line) => format!("{file}:{line}: "),
        None => file.to_owned(),
    };
    if output.status.code() != Some(2) {
        Some(format!(
            "exit code {:?}, not 2; stderr: {err}",
            output.status
        ))
    } else if !output.stdout.is_empty() {
        Some(format!("no report on failure: {}", stdout(output)))
    } else if err.contains("panicked") {
        Some(err)
    } else if !err.contains(&place) {
        Some(format!("expected `{place}` in: {err}"))
    } else if !err.contains(mentions) {
        Some(format!("expected `{mentions}` in: {err}"))
    } else {
        None
    }
}

/// A file of this repository, e.g. `docs/policy.md`.
pub fn read_repo_file(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fenced code blocks of a markdown text in `language` (e.g. `toml`), in order.
pub fn code_blocks<'a>(markdown: &'a str, language: &str) -> Vec<&'a str> {
    markdown
        .split(&format!("```{language}\n"))
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap_or(""))
        .collect()
}

/// What a TOML example in the docs that is not a policy starts with: a comment naming its file.
pub const NOT_POLICIES: [&str; 2] = ["# .taplo.toml\n", "# radar-purls.toml\n"];

/// The policy examples of a markdown file of this repository, each a whole policy:
/// `version = 1` is added where an example leaves it out.
pub fn policy_examples(file: &str) -> Vec<String> {
    let text = read_repo_file(file);
    code_blocks(&text, "toml")
        .into_iter()
        .filter(|block| !NOT_POLICIES.iter().any(|start| block.starts_with(start)))
        .map(|block| {
            if block.contains("version = 1") {
                block.to_owned()
            } else {
                format!("version = 1\n{block}")
            }
        })
        .collect()
}
