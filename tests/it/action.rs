//! The GitHub Action (action.yml), run locally the way the runner runs a composite action:
//! each step's `run` in bash, with its `env:` evaluated, `GITHUB_PATH` honoured between
//! steps, and a simulated environment (event file, job summary, step outputs, a local server
//! serving the release archive, the fake GitHub API of `common/fake_github/` for the pull-request comment).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common;
use crate::common::fake_github as fake;
use crate::common::{Depgov, git};
use serde::Deserialize;

/// The workflow's `github.token`: no output may contain it.
const TOKEN: &str = "ghs_SENTINEL_TOKEN_do_not_print";

#[derive(Deserialize)]
struct Action {
    inputs: BTreeMap<String, Input>,
    outputs: BTreeMap<String, Output>,
    runs: Runs,
}

#[derive(Deserialize)]
struct Input {
    default: Option<String>,
}

#[derive(Deserialize)]
struct Output {
    value: String,
}

#[derive(Deserialize)]
struct Runs {
    using: String,
    steps: Vec<Step>,
}

#[derive(Deserialize)]
struct Step {
    id: Option<String>,
    shell: String,
    #[serde(default)]
    env: BTreeMap<String, String>,
    run: String,
}

fn action() -> Action {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

/// What the runner knows when it evaluates `${{ … }}` in the action.
struct Context {
    inputs: BTreeMap<String, String>,
    github: BTreeMap<&'static str, String>,
    step_outputs: BTreeMap<String, BTreeMap<String, String>>,
}

impl Context {
    /// Evaluates `${{ expr }}` in `text`; an expression this emulation does not know fails the
    /// test, so the action can only use what is tested here.
    fn evaluate(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("closed expression") + start;
            let expr = rest[start + 3..end].trim();
            let value = if let Some(name) = expr.strip_prefix("inputs.") {
                self.inputs.get(name).cloned()
            } else if let Some(name) = expr.strip_prefix("github.") {
                self.github.get(name).cloned()
            } else if let Some(path) = expr.strip_prefix("steps.") {
                let (step, output) = path.split_once(".outputs.").expect("steps.ID.outputs.NAME");
                self.step_outputs
                    .get(step)
                    .and_then(|o| o.get(output))
                    .cloned()
            } else {
                None
            };
            out.push_str(&value.unwrap_or_else(|| panic!("unsupported expression `{expr}`")));
            rest = &rest[end + 2..];
        }
        out + rest
    }
}

/// Serves one file over HTTP on a local port for as long as the test runs.
fn serve(body: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/gzip\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    format!("http://{address}")
}

struct Run {
    /// The simulated RUNNER_TEMP, alive as long as the run's files are read.
    _temp: tempfile::TempDir,
    outputs: BTreeMap<String, String>,
    summary: String,
    stdout: String,
    stderr: String,
    failed_step: Option<(usize, i32)>,
}

/// Runs every step of the action in `workspace` with `inputs`, like the runner; `env` adds to
/// or replaces the runner's default variables (GITHUB_REF, GITHUB_SHA, …).
fn run_action(
    action_dir: &Path,
    workspace: &Path,
    inputs: &[(&str, &str)],
    event: &str,
    server: &str,
    api_url: &str,
    env: &[(&str, &str)],
) -> Run {
    let action = action();
    assert_eq!(action.runs.using, "composite");
    let temp = tempfile::tempdir().unwrap();
    let event_path = temp.path().join("event.json");
    std::fs::write(&event_path, event).unwrap();
    let event: serde_json::Value = serde_json::from_str(event).unwrap();
    let summary = temp.path().join("summary.md");
    let github_path = temp.path().join("path");
    std::fs::write(&github_path, "").unwrap();
    let mut context = Context {
        inputs: action
            .inputs
            .iter()
            .map(|(name, input)| (name.clone(), input.default.clone().unwrap_or_default()))
            .collect(),
        github: BTreeMap::from([
            ("action_path", action_dir.display().to_string()),
            ("action_repository", "acme/depgov".to_owned()),
            ("token", TOKEN.to_owned()),
            ("event.action", field(&event["action"])),
            (
                "event.pull_request.base.sha",
                field(&event["pull_request"]["base"]["sha"]),
            ),
            (
                "event.pull_request.base.ref",
                field(&event["pull_request"]["base"]["ref"]),
            ),
        ]),
        step_outputs: BTreeMap::new(),
    };
    for (name, value) in inputs {
        assert!(
            context.inputs.contains_key(*name),
            "the action has no input `{name}`"
        );
        context
            .inputs
            .insert((*name).to_owned(), (*value).to_owned());
    }
    // Input defaults may themselves be expressions (`${{ github.token }}`).
    let defaults: Vec<(String, String)> = context
        .inputs
        .iter()
        .map(|(k, v)| (k.clone(), context.evaluate(v)))
        .collect();
    context.inputs.extend(defaults);

    let (mut stdout, mut stderr) = (String::new(), String::new());
    for (index, step) in action.runs.steps.iter().enumerate() {
        assert_eq!(step.shell, "bash");
        assert!(
            !step.run.contains("${{"),
            "inputs reach scripts through env, not `run`: {}",
            step.run
        );
        let outputs_file = temp.path().join(format!("output-{index}"));
        std::fs::write(&outputs_file, "").unwrap();
        let extra_path: Vec<String> = std::fs::read_to_string(&github_path)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        let path = extra_path
            .into_iter()
            .rev()
            .chain(std::env::var("PATH").ok())
            .collect::<Vec<_>>()
            .join(":");
        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &step.run])
            .current_dir(workspace)
            .env_clear()
            .env("PATH", path)
            .env("HOME", std::env::var("HOME").unwrap_or_default())
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_PATH", &event_path)
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_REPOSITORY", "acme/app")
            .env("GITHUB_SERVER_URL", server)
            .env("GITHUB_API_URL", api_url)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("GITHUB_OUTPUT", &outputs_file)
            .env("GITHUB_PATH", &github_path)
            .env("RUNNER_TEMP", temp.path())
            .env("DEPGOV_TODAY", "2027-01-01");
        if let Ok(home) = std::env::var("CARGO_HOME") {
            command.env("CARGO_HOME", home);
        }
        command.envs(env.iter().copied());
        for (name, value) in &step.env {
            command.env(name, context.evaluate(value));
        }
        let output = command.output().unwrap();
        stdout.push_str(&String::from_utf8_lossy(&output.stdout));
        stderr.push_str(&String::from_utf8_lossy(&output.stderr));
        let produced: BTreeMap<String, String> = std::fs::read_to_string(&outputs_file)
            .unwrap()
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        if let Some(id) = &step.id {
            context.step_outputs.insert(id.clone(), produced);
        }
        if !output.status.success() {
            return Run {
                outputs: BTreeMap::new(),
                summary: std::fs::read_to_string(&summary).unwrap_or_default(),
                _temp: temp,
                stdout,
                stderr,
                failed_step: Some((index, output.status.code().unwrap_or(-1))),
            };
        }
    }
    let outputs = action
        .outputs
        .iter()
        .map(|(name, output)| (name.clone(), context.evaluate(&output.value)))
        .collect();
    Run {
        outputs,
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
        _temp: temp,
        stdout,
        stderr,
        failed_step: None,
    }
}

/// A string field of the event payload, empty when absent (as `${{ }}` gives it).
fn field(value: &serde_json::Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// A copy of the action (action.yml, action/, Cargo.toml for its version) whose checksums.txt
/// lists `archive_sha256` for this platform's release archive.
fn action_copy(archive_sha256: &str) -> (tempfile::TempDir, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root.join("action.yml"), dir.path().join("action.yml")).unwrap();
    std::fs::copy(root.join("Cargo.toml"), dir.path().join("Cargo.toml")).unwrap();
    common::copy_dir(&root.join("action"), &dir.path().join("action"));
    let version = env!("CARGO_PKG_VERSION");
    let archive = format!("depgov-{version}-x86_64-unknown-linux-gnu.tar.gz");
    let checksums = dir.path().join("action/checksums.txt");
    let mut text = std::fs::read_to_string(&checksums).unwrap();
    text.push_str(&format!("{archive_sha256}  {archive}\n"));
    std::fs::write(checksums, text).unwrap();
    (dir, archive)
}

/// A release archive holding the depgov binary under test, and its sha256.
fn release_archive() -> (Vec<u8>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(Depgov::binary(), dir.path().join("depgov")).unwrap();
    let archive = dir.path().join("release.tar.gz");
    let status = Command::new("tar")
        .args(["-czf"])
        .arg(&archive)
        .args(["-C"])
        .arg(dir.path())
        .arg("depgov")
        .status()
        .unwrap();
    assert!(status.success());
    let sha = Command::new("sha256sum").arg(&archive).output().unwrap();
    let sha = String::from_utf8_lossy(&sha.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    (std::fs::read(&archive).unwrap(), sha)
}

/// A repository on a pull-request branch that adds a held npm package; returns it and the
/// base commit.
fn pull_request_workspace() -> (tempfile::TempDir, String) {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    let lock = |names: &[&str]| {
        let packages: serde_json::Map<String, serde_json::Value> = std::iter::once((
            String::new(),
            serde_json::json!({"name": "app", "dependencies": names.iter().map(|n| (n.to_string(), "*")).collect::<BTreeMap<_, _>>()}),
        ))
        .chain(names.iter().map(|n| {
            (
                format!("node_modules/{n}"),
                serde_json::json!({"version": "1.0.0", "resolved": format!("https://registry.npmjs.org/{n}/-/{n}-1.0.0.tgz"), "license": "MIT"}),
            )
        }))
        .collect();
        serde_json::to_string_pretty(
            &serde_json::json!({"name": "app", "lockfileVersion": 3, "packages": packages}),
        )
        .unwrap()
    };
    std::fs::create_dir_all(dir.join(".github")).unwrap();
    std::fs::write(
        dir.join(".github/depgov.toml"),
        "version = 1\nname = \"Acme OSPO\"\n[defaults]\nring = \"adopt\"\n[licenses]\nadopt = [\"MIT\"]\n[[components]]\npurl = \"pkg:npm/left-pad\"\nring = \"hold\"\nreason = \"Use padStart\"\n[[components]]\npurl = \"pkg:npm/old-lib\"\nring = \"hold\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("package-lock.json"), lock(&["old-lib"])).unwrap();
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "base"]);
    let base = git(dir, &["rev-parse", "HEAD"]).trim().to_owned();
    git(dir, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(
        dir.join("package-lock.json"),
        lock(&["left-pad", "old-lib"]),
    )
    .unwrap();
    git(dir, &["commit", "-qam", "add left-pad"]);
    (repo, base)
}

fn event(base: &str) -> String {
    format!(
        r#"{{"action": "opened", "pull_request": {{"number": 7, "base": {{"sha": "{base}"}}}}}}"#
    )
}

#[test]
fn the_action_installs_a_verified_release_and_gates_the_pull_request() {
    let (archive, sha) = release_archive();
    let server = serve(archive);
    let (action_dir, _) = action_copy(&sha);
    let (workspace, base) = pull_request_workspace();
    let run = run_action(
        action_dir.path(),
        workspace.path(),
        &[
            ("policy", ".github/depgov.toml"),
            ("only-new", "true"),
            ("sarif-file", "depgov.sarif"),
        ],
        &event(&base),
        &server,
        &format!("{server}/api/v3"),
        &[],
    );
    assert_eq!(
        run.failed_step,
        Some((1, 1)),
        "the check step fails on new hold usage: {}",
        run.stderr
    );
    assert!(run.stdout.contains("Downloading"), "{}", run.stdout);
    assert!(
        run.stdout.contains("::error file=package-lock.json,line="),
        "annotated: {}",
        run.stdout
    );
    assert!(
        run.summary.contains("❌ **depgov**: 1 error"),
        "{}",
        run.summary
    );
    assert!(
        run.summary.contains("Existing debt: 0 errors, 1 warning"),
        "{}",
        run.summary
    );
    assert!(workspace.path().join("depgov.sarif").is_file());
    assert!(!format!("{}{}", run.stdout, run.stderr).contains(TOKEN));
}

#[test]
fn the_action_sets_its_outputs_when_nothing_fails() {
    let (archive, sha) = release_archive();
    let server = serve(archive);
    let (action_dir, _) = action_copy(&sha);
    let (workspace, base) = pull_request_workspace();
    let run = run_action(
        action_dir.path(),
        workspace.path(),
        &[("policy", ".github/depgov.toml"), ("fail-on", "never")],
        &event(&base),
        &server,
        &format!("{server}/api/v3"),
        &[],
    );
    assert_eq!(run.failed_step, None, "{}", run.stderr);
    assert_eq!(run.outputs["errors"], "1");
    assert_eq!(run.outputs["warnings"], "1");
    let report = PathBuf::from(&run.outputs["report"]);
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
    assert_eq!(report["base"]["merge_base"], base);
    assert_eq!(report["policy"]["revision"], base);
}

#[test]
fn a_release_archive_that_does_not_match_its_checksum_is_refused() {
    let (archive, _) = release_archive();
    let server = serve(archive);
    let (action_dir, _) = action_copy(&"0".repeat(64));
    let (workspace, base) = pull_request_workspace();
    let run = run_action(
        action_dir.path(),
        workspace.path(),
        &[],
        &event(&base),
        &server,
        &format!("{server}/api/v3"),
        &[],
    );
    assert_eq!(run.failed_step, Some((0, 1)));
    assert!(run.stdout.contains("refusing to run it"), "{}", run.stdout);
}

#[test]
fn the_action_keeps_one_pull_request_comment_current() {
    let (archive, sha) = release_archive();
    let server = serve(archive);
    let api = fake::FakeGitHub::start(
        TOKEN,
        fake::TokenKind::Installation("github-actions[bot]".into()),
        "/api/v3",
    );
    let (action_dir, _) = action_copy(&sha);
    let (workspace, base) = pull_request_workspace();
    let inputs = [("policy", ".github/depgov.toml"), ("comment", "always")];
    for run_number in 1..=2 {
        let run = run_action(
            action_dir.path(),
            workspace.path(),
            &inputs,
            &event(&base),
            &server,
            &api.api_url(),
            &[],
        );
        assert_eq!(run.failed_step, Some((1, 1)), "{}", run.stderr);
        assert!(!format!("{}{}", run.stdout, run.stderr).contains(TOKEN));
        let comments = api.comments();
        assert_eq!(
            comments.len(),
            1,
            "run {run_number}: one comment, updated in place"
        );
        assert_eq!(comments[0].login, "github-actions[bot]");
        assert!(comments[0].body.contains("1 error"), "{}", comments[0].body);
    }
    let writes: Vec<String> = api
        .request_lines()
        .into_iter()
        .filter(|line| !line.starts_with("GET"))
        .map(|line| line.split(' ').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(writes, ["POST", "PATCH"]);
}

/// Moves `main` on past the pull request's base with a commit that edits the policy; returns
/// the new tip. The pull request itself never touches the policy.
fn move_the_base_branch(dir: &Path) -> String {
    git(dir, &["checkout", "-q", "main"]);
    let policy = dir.join(".github/depgov.toml");
    let text = std::fs::read_to_string(&policy).unwrap();
    std::fs::write(
        &policy,
        text + "[[components]]\npurl = \"pkg:npm/is-even\"\nring = \"hold\"\n",
    )
    .unwrap();
    git(dir, &["commit", "-qam", "hold is-even"]);
    git(dir, &["rev-parse", "HEAD"]).trim().to_owned()
}

fn pull_request_event(action: &str, base: &str) -> String {
    format!(
        r#"{{"action": "{action}", "pull_request": {{"number": 7, "base": {{"sha": "{base}", "ref": "main"}}}}}}"#
    )
}

/// The merge base and the rules of the findings of a run's JSON report.
fn judged(run: &Run) -> (String, Vec<String>) {
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&run.outputs["report"]).unwrap()).unwrap();
    let rules = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect();
    (field(&report["base"]["merge_base"]), rules)
}

#[test]
fn with_the_merge_ref_checked_out_the_base_is_the_merge_commits_first_parent() {
    let (archive, sha) = release_archive();
    let server = serve(archive);
    let (action_dir, _) = action_copy(&sha);
    let (workspace, stale_base) = pull_request_workspace();
    let dir = workspace.path();
    let tip = move_the_base_branch(dir);
    // What actions/checkout checks out by default: GitHub's merge of the head into the base.
    git(dir, &["checkout", "-q", "--detach", "main"]);
    git(
        dir,
        &["merge", "-q", "--no-ff", "-m", "Merge feature", "feature"],
    );
    let merge = git(dir, &["rev-parse", "HEAD"]).trim().to_owned();
    for action in ["opened", "synchronize", "reopened"] {
        let run = run_action(
            action_dir.path(),
            dir,
            &[("policy", ".github/depgov.toml"), ("fail-on", "never")],
            &pull_request_event(action, &stale_base),
            &server,
            &format!("{server}/api/v3"),
            &[("GITHUB_REF", "refs/pull/7/merge"), ("GITHUB_SHA", &merge)],
        );
        assert_eq!(run.failed_step, None, "{action}: {}", run.stderr);
        let (merge_base, rules) = judged(&run);
        assert_eq!(merge_base, tip, "{action}: the base branch as it is now");
        assert!(
            !rules.iter().any(|r| r == "policy-changed"),
            "{action}: the change never touched the policy: {rules:?}"
        );
    }
}

#[test]
fn a_reopened_pull_request_with_its_head_checked_out_is_judged_against_the_base_branch_now() {
    let (archive, sha) = release_archive();
    let server = serve(archive);
    let (action_dir, _) = action_copy(&sha);
    let (workspace, stale_base) = pull_request_workspace();
    let dir = workspace.path();
    let tip = move_the_base_branch(dir);
    // While closed, the pull request caught up with its base; `fetch-depth: 0` fetched it.
    git(dir, &["checkout", "-q", "feature"]);
    git(dir, &["merge", "-q", "--no-ff", "-m", "Catch up", "main"]);
    git(dir, &["update-ref", "refs/remotes/origin/main", "main"]);
    let head = git(dir, &["rev-parse", "HEAD"]).trim().to_owned();
    let env = [
        ("GITHUB_REF", "refs/pull/7/merge"),
        ("GITHUB_SHA", "0123abc"),
    ];
    let run_for = |action: &str| {
        run_action(
            action_dir.path(),
            dir,
            &[("policy", ".github/depgov.toml"), ("fail-on", "never")],
            &pull_request_event(action, &stale_base),
            &server,
            &format!("{server}/api/v3"),
            &env,
        )
    };
    let run = run_for("reopened");
    assert_eq!(run.failed_step, None, "{}", run.stderr);
    let (merge_base, rules) = judged(&run);
    assert_eq!(merge_base, tip, "head {head}");
    assert!(!rules.iter().any(|r| r == "policy-changed"), "{rules:?}");
    // Any other event's base.sha is current: it is taken as it is.
    let run = run_for("synchronize");
    assert_eq!(run.failed_step, None, "{}", run.stderr);
    assert_eq!(judged(&run).0, stale_base);
}

#[test]
fn the_args_input_passes_further_flags_split_into_words_and_never_expanded() {
    let (archive, sha) = release_archive();
    let server = serve(archive);
    let (action_dir, _) = action_copy(&sha);
    let (workspace, base) = pull_request_workspace();
    std::fs::create_dir(workspace.path().join("out dir")).unwrap();
    let run = run_action(
        action_dir.path(),
        workspace.path(),
        &[
            ("policy", ".github/depgov.toml"),
            ("fail-on", "never"),
            (
                "args",
                "--output \"json=out dir/extra.json\"\n  --output 'markdown=$HOME`id`.md' --policy-from head",
            ),
        ],
        &event(&base),
        &server,
        &format!("{server}/api/v3"),
        &[],
    );
    assert_eq!(run.failed_step, None, "{}", run.stderr);
    assert!(workspace.path().join("out dir/extra.json").is_file());
    assert!(workspace.path().join("$HOME`id`.md").is_file());
    // --policy-from head: the working tree's policy, not the base's revision.
    let (_, rules) = judged(&run);
    assert!(!rules.is_empty());

    let run = run_action(
        action_dir.path(),
        workspace.path(),
        &[("args", "--output 'json=unclosed")],
        &event(&base),
        &server,
        &format!("{server}/api/v3"),
        &[],
    );
    assert_eq!(run.failed_step, Some((1, 2)));
    assert!(
        run.stdout
            .contains("::error title=depgov: the args input cannot be split into words::"),
        "{}",
        run.stdout
    );
}
