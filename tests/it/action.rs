//! The GitHub Action (action.yml), run locally the way the runner runs a composite action:
//! each step's `run` in bash, with its `env:` and `if:` evaluated, `GITHUB_PATH` honoured
//! between steps, actions/cache's restore and save emulated on a local directory (documented
//! behaviour: an exact key, else the newest entry whose key starts with a `restore-keys`
//! prefix; `cache-hit` only on an exact key; an existing key is never overwritten), and a
//! simulated environment (event file, job summary, step outputs, a local server serving the
//! release archive like cargo-dist lays it out, the fake GitHub API of `common/fake_github/`
//! for the pull-request comment).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

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
    #[serde(rename = "if")]
    condition: Option<String>,
    shell: Option<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    run: Option<String>,
    uses: Option<String>,
    #[serde(default)]
    with: BTreeMap<String, String>,
}

/// How a test sets up the simulated runner beyond the defaults.
#[derive(Default)]
struct Runner {
    /// Variables added to or replacing the runner's (GITHUB_REF, GITHUB_SHA, …).
    env: Vec<(&'static str, String)>,
    /// A directory put before everything else on the PATH (fake tools).
    path_prefix: Option<PathBuf>,
    /// actions/cache's store, kept across runs; without one, every restore misses.
    cache: Option<PathBuf>,
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
            } else if expr == "runner.os" {
                Some("Linux".to_owned())
            } else if let Some(path) = expr.strip_prefix("steps.") {
                let (step, output) = path.split_once(".outputs.").expect("steps.ID.outputs.NAME");
                // A step that was skipped, or did not set the output, gives an empty string.
                Some(
                    self.step_outputs
                        .get(step)
                        .and_then(|o| o.get(output))
                        .cloned()
                        .unwrap_or_default(),
                )
            } else {
                None
            };
            out.push_str(&value.unwrap_or_else(|| panic!("unsupported expression `{expr}`")));
            rest = &rest[end + 2..];
        }
        out + rest
    }

    /// Evaluates a step's `if:`: `always()`, `A == 'x'` and `A != 'x'` joined by `&&`, where A
    /// is an expression [`Context::evaluate`] knows. Without `always()`, a step runs only
    /// while no step has failed.
    fn condition(&self, condition: Option<&str>, failed: bool) -> bool {
        let Some(condition) = condition else {
            return !failed;
        };
        let mut always = false;
        let mut holds = true;
        for part in condition.split("&&").map(str::trim) {
            if part == "always()" {
                always = true;
                continue;
            }
            let (left, equal, right) = if let Some((l, r)) = part.split_once(" == ") {
                (l, true, r)
            } else if let Some((l, r)) = part.split_once(" != ") {
                (l, false, r)
            } else {
                panic!("unsupported condition `{part}`")
            };
            let right = right.trim_matches('\'');
            let left = self.evaluate(&format!("${{{{ {left} }}}}"));
            holds &= (left == right) == equal;
        }
        holds && (always || !failed)
    }
}

/// actions/cache/restore and actions/cache/save on the `store` directory; returns the step's
/// outputs.
fn emulate_cache(
    uses: &str,
    with: &BTreeMap<String, String>,
    store: Option<&Path>,
) -> BTreeMap<String, String> {
    let path = PathBuf::from(&with["path"]);
    let key = &with["key"];
    assert!(!key.contains('/'), "a plain key: {key}");
    let mut outputs = BTreeMap::new();
    match uses {
        "actions/cache/restore@v4" => {
            let prefixes: Vec<&str> = with
                .get("restore-keys")
                .map(|keys| {
                    keys.lines()
                        .map(str::trim)
                        .filter(|k| !k.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let mut entries: Vec<(std::time::SystemTime, String)> = store
                .and_then(|store| std::fs::read_dir(store).ok())
                .into_iter()
                .flatten()
                .filter_map(|entry| {
                    let entry = entry.ok()?;
                    Some((
                        entry.metadata().ok()?.modified().ok()?,
                        entry.file_name().into_string().ok()?,
                    ))
                })
                .collect();
            entries.sort();
            let exact = entries.iter().any(|(_, name)| name == key);
            let matched = if exact {
                Some(key.clone())
            } else {
                prefixes.iter().find_map(|prefix| {
                    entries
                        .iter()
                        .rev()
                        .find(|(_, name)| name.starts_with(prefix))
                        .map(|(_, n)| n.clone())
                })
            };
            if let (Some(store), Some(matched)) = (store, &matched) {
                common::copy_dir(&store.join(matched), &path);
                outputs.insert("cache-matched-key".to_owned(), matched.clone());
            }
            outputs.insert("cache-hit".to_owned(), exact.to_string());
        }
        "actions/cache/save@v4" => {
            if let Some(store) = store
                && path.exists()
                && !store.join(key).exists()
            {
                common::copy_dir(&path, &store.join(key));
            }
        }
        other => panic!("the simulated runner does not know `{other}`"),
    }
    outputs
}

/// A local server serving one file, like a release download.
struct Served {
    url: String,
    /// The request lines received (`GET /path HTTP/1.1`).
    requests: Arc<Mutex<Vec<String>>>,
}

impl Served {
    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

/// Serves one file over HTTP on a local port for as long as the test runs.
fn serve(body: Vec<u8>) -> Served {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&requests);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let read = stream.read(&mut request).unwrap_or(0);
            let text = String::from_utf8_lossy(&request[..read]);
            seen.lock()
                .unwrap()
                .push(text.lines().next().unwrap_or_default().to_owned());
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nContent-Type: application/x-xz\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    Served {
        url: format!("http://{address}"),
        requests,
    }
}

impl Served {
    /// Runs the action with this server holding the releases and the GitHub API at /api/v3.
    fn run(
        &self,
        action_dir: &Path,
        workspace: &Path,
        inputs: &[(&str, &str)],
        event: &str,
        runner: &Runner,
    ) -> Run {
        let api_url = format!("{}/api/v3", self.url);
        run_action(
            action_dir, workspace, inputs, event, &self.url, &api_url, runner,
        )
    }
}

/// The index of the action's step with `id`.
fn step(id: &str) -> usize {
    action()
        .runs
        .steps
        .iter()
        .position(|s| s.id.as_deref() == Some(id))
        .unwrap_or_else(|| panic!("no step `{id}`"))
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
    runner: &Runner,
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
            ("run_id", "4242".to_owned()),
            ("run_attempt", "1".to_owned()),
            ("event.action", field(&event["action"])),
            (
                "event.pull_request.base.sha",
                field(&event["pull_request"]["base"]["sha"]),
            ),
            (
                "event.pull_request.base.ref",
                field(&event["pull_request"]["base"]["ref"]),
            ),
            (
                "event.merge_group.base_sha",
                field(&event["merge_group"]["base_sha"]),
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
    let mut failed_step = None;
    for (index, step) in action.runs.steps.iter().enumerate() {
        if !context.condition(step.condition.as_deref(), failed_step.is_some()) {
            continue;
        }
        if let Some(uses) = &step.uses {
            let with = step
                .with
                .iter()
                .map(|(k, v)| (k.clone(), context.evaluate(v)))
                .collect();
            let produced = emulate_cache(uses, &with, runner.cache.as_deref());
            if let Some(id) = &step.id {
                context.step_outputs.insert(id.clone(), produced);
            }
            continue;
        }
        assert_eq!(step.shell.as_deref(), Some("bash"));
        let run = step
            .run
            .as_deref()
            .expect("a step runs a script or uses an action");
        assert!(
            !run.contains("${{"),
            "inputs reach scripts through env, not `run`: {run}"
        );
        let outputs_file = temp.path().join(format!("output-{index}"));
        std::fs::write(&outputs_file, "").unwrap();
        let extra_path: Vec<String> = std::fs::read_to_string(&github_path)
            .unwrap()
            .lines()
            .map(str::to_owned)
            .collect();
        let path = runner
            .path_prefix
            .iter()
            .map(|p| p.display().to_string())
            .chain(extra_path.into_iter().rev())
            .chain(std::env::var("PATH").ok())
            .collect::<Vec<_>>()
            .join(":");
        let mut command = Command::new("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", run])
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
        command.envs(runner.env.iter().map(|(k, v)| (k, v)));
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
        if !output.status.success() && failed_step.is_none() {
            failed_step = Some((index, output.status.code().unwrap_or(-1)));
        }
    }
    if failed_step.is_some() {
        return Run {
            outputs: BTreeMap::new(),
            summary: std::fs::read_to_string(&summary).unwrap_or_default(),
            _temp: temp,
            stdout,
            stderr,
            failed_step,
        };
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

/// The release archive of this platform as cargo-dist names it.
const ARCHIVE: &str = "depgov-x86_64-unknown-linux-musl.tar.xz";

/// A copy of the action (action.yml, action/, Cargo.toml for its version) whose checksums.txt
/// lists `archive_sha256` for this platform's release archive of its own version.
fn action_copy(archive_sha256: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    copy_action_to(dir.path());
    let listed = format!("v{}/{ARCHIVE}", env!("CARGO_PKG_VERSION"));
    list_checksum(dir.path(), archive_sha256, &listed);
    (dir, listed)
}

/// Copies the action (action.yml, action/, Cargo.toml for its version) into `dir`, as it is
/// committed: no release of this version listed.
fn copy_action_to(dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(root.join("action.yml"), dir.join("action.yml")).unwrap();
    std::fs::copy(root.join("Cargo.toml"), dir.join("Cargo.toml")).unwrap();
    common::copy_dir(&root.join("action"), &dir.join("action"));
}

/// Adds `SHA256  LISTED` to the action copy's checksums.txt.
fn list_checksum(action_dir: &Path, sha256: &str, listed: &str) {
    let checksums = action_dir.join("action/checksums.txt");
    let mut text = std::fs::read_to_string(&checksums).unwrap();
    text.push_str(&format!("{sha256}  {listed}\n"));
    std::fs::write(checksums, text).unwrap();
}

/// A release archive holding the depgov binary under test, laid out as cargo-dist lays it out
/// (`depgov-TARGET/depgov` in a .tar.xz), and its sha256; made once for all the tests.
fn release_archive() -> (Vec<u8>, String) {
    static ARCHIVE_AND_SHA: std::sync::OnceLock<(Vec<u8>, String)> = std::sync::OnceLock::new();
    ARCHIVE_AND_SHA
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let folder = dir.path().join("depgov-x86_64-unknown-linux-musl");
            std::fs::create_dir(&folder).unwrap();
            std::fs::copy(Depgov::binary(), folder.join("depgov")).unwrap();
            let archive = dir.path().join(ARCHIVE);
            // The fastest preset: a debug binary is large, and the ratio does not matter here.
            let status = Command::new("tar")
                .env("XZ_OPT", "-0 -T0")
                .args(["-cJf"])
                .arg(&archive)
                .args(["-C"])
                .arg(dir.path())
                .arg("depgov-x86_64-unknown-linux-musl")
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
        })
        .clone()
}

/// The release archive served locally, and a copy of the action that lists its checksum.
fn released() -> (Served, tempfile::TempDir) {
    let (archive, sha) = release_archive();
    let (action_dir, _) = action_copy(&sha);
    (serve(archive), action_dir)
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
    let (server, action_dir) = released();
    let (workspace, base) = pull_request_workspace();
    let run = server.run(
        action_dir.path(),
        workspace.path(),
        &[
            ("policy", ".github/depgov.toml"),
            ("only-new", "true"),
            ("sarif-file", "depgov.sarif"),
        ],
        &event(&base),
        &Runner::default(),
    );
    assert_eq!(
        run.failed_step,
        Some((step("check"), 1)),
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
    // The SARIF file holds the existing debt too: only-new narrows the gate, not code scanning.
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(workspace.path().join("depgov.sarif")).unwrap(),
    )
    .unwrap();
    let mut purls: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| field(&r["properties"]["purl"]))
        .collect();
    purls.sort();
    assert_eq!(
        purls,
        ["pkg:npm/left-pad@1.0.0", "pkg:npm/old-lib@1.0.0"],
        "{sarif}"
    );
    assert!(!format!("{}{}", run.stdout, run.stderr).contains(TOKEN));
}

#[test]
fn the_action_sets_its_outputs_when_nothing_fails() {
    let (server, action_dir) = released();
    let (workspace, base) = pull_request_workspace();
    let run = server.run(
        action_dir.path(),
        workspace.path(),
        &[("policy", ".github/depgov.toml"), ("fail-on", "never")],
        &event(&base),
        &Runner::default(),
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
    let run = server.run(
        action_dir.path(),
        workspace.path(),
        &[],
        &event(&base),
        &Runner::default(),
    );
    assert_eq!(run.failed_step, Some((step("install"), 1)));
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
            &server.url,
            &api.api_url(),
            &Runner::default(),
        );
        assert_eq!(run.failed_step, Some((step("check"), 1)), "{}", run.stderr);
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
    let (server, action_dir) = released();
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
        let run = server.run(
            action_dir.path(),
            dir,
            &[("policy", ".github/depgov.toml"), ("fail-on", "never")],
            &pull_request_event(action, &stale_base),
            &Runner {
                env: vec![
                    ("GITHUB_REF", "refs/pull/7/merge".to_owned()),
                    ("GITHUB_SHA", merge.clone()),
                ],
                ..Runner::default()
            },
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
    let (server, action_dir) = released();
    let (workspace, stale_base) = pull_request_workspace();
    let dir = workspace.path();
    let tip = move_the_base_branch(dir);
    // While closed, the pull request caught up with its base; `fetch-depth: 0` fetched it.
    git(dir, &["checkout", "-q", "feature"]);
    git(dir, &["merge", "-q", "--no-ff", "-m", "Catch up", "main"]);
    git(dir, &["update-ref", "refs/remotes/origin/main", "main"]);
    let head = git(dir, &["rev-parse", "HEAD"]).trim().to_owned();
    let runner = Runner {
        env: vec![
            ("GITHUB_REF", "refs/pull/7/merge".to_owned()),
            ("GITHUB_SHA", "0123abc".to_owned()),
        ],
        ..Runner::default()
    };
    let run_for = |action: &str| {
        server.run(
            action_dir.path(),
            dir,
            &[("policy", ".github/depgov.toml"), ("fail-on", "never")],
            &pull_request_event(action, &stale_base),
            &runner,
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
    let (server, action_dir) = released();
    let (workspace, base) = pull_request_workspace();
    std::fs::create_dir(workspace.path().join("out dir")).unwrap();
    let run = server.run(
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
        &Runner::default(),
    );
    assert_eq!(run.failed_step, None, "{}", run.stderr);
    assert!(workspace.path().join("out dir/extra.json").is_file());
    assert!(workspace.path().join("$HOME`id`.md").is_file());
    // --policy-from head: the working tree's policy, not the base's revision.
    let (_, rules) = judged(&run);
    assert!(!rules.is_empty());

    let run = server.run(
        action_dir.path(),
        workspace.path(),
        &[("args", "--output 'json=unclosed")],
        &event(&base),
        &Runner::default(),
    );
    assert_eq!(run.failed_step, Some((step("check"), 2)));
    assert!(
        run.stdout
            .contains("::error title=depgov: the args input cannot be split into words::"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_version_input_installs_that_versions_archive_from_the_repository_input() {
    let (archive, sha) = release_archive();
    let server = serve(archive);
    let (action_dir, _) = action_copy(&"0".repeat(64));
    list_checksum(action_dir.path(), &sha, &format!("v0.0.9/{ARCHIVE}"));
    let (workspace, base) = pull_request_workspace();
    let run = server.run(
        action_dir.path(),
        workspace.path(),
        &[
            ("version", "v0.0.9"),
            ("repository", "fork-owner/depgov-fork"),
            ("fail-on", "never"),
        ],
        &event(&base),
        &Runner::default(),
    );
    assert_eq!(run.failed_step, None, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        server.requests(),
        [format!(
            "GET /fork-owner/depgov-fork/releases/download/v0.0.9/{ARCHIVE} HTTP/1.1"
        )]
    );

    // A version this checkout lists no checksum for cannot be verified: a clear failure.
    let run = server.run(
        action_dir.path(),
        workspace.path(),
        &[("version", "9.9.9")],
        &event(&base),
        &Runner::default(),
    );
    assert_eq!(run.failed_step, Some((step("plan"), 1)));
    assert!(
        run.stdout.contains(
            "::error title=depgov install::depgov 9.9.9 has no release archive for x86_64-unknown-linux-musl listed"
        ),
        "{}",
        run.stdout
    );
    assert_eq!(server.requests().len(), 1, "nothing downloaded");
}

#[test]
fn without_github_action_repository_the_repository_comes_from_the_action_path() {
    let (archive, sha) = release_archive();
    let server = serve(archive);
    let runner_home = tempfile::tempdir().unwrap();
    let action_dir = runner_home.path().join("_actions/acme/depgov/v0");
    copy_action_to(&action_dir);
    list_checksum(
        &action_dir,
        &sha,
        &format!("v{}/{ARCHIVE}", env!("CARGO_PKG_VERSION")),
    );
    let (workspace, base) = pull_request_workspace();
    let run = server.run(
        &action_dir,
        workspace.path(),
        &[("repository", ""), ("fail-on", "never")],
        &event(&base),
        &Runner::default(),
    );
    assert_eq!(run.failed_step, None, "{}{}", run.stdout, run.stderr);
    assert!(server.requests()[0].starts_with("GET /acme/depgov/releases/download/v"));

    // Nowhere to tell it from: an error, not a silent build.
    let (elsewhere, _) = action_copy(&sha);
    let run = server.run(
        elsewhere.path(),
        workspace.path(),
        &[("repository", "")],
        &event(&base),
        &Runner::default(),
    );
    assert_eq!(run.failed_step, Some((step("install"), 1)));
    assert!(
        run.stdout
            .contains("set the action's repository input to OWNER/NAME"),
        "{}",
        run.stdout
    );
}

#[test]
fn without_a_release_depgov_is_built_once_with_a_warning_and_the_caches_are_kept() {
    let (archive, _) = release_archive();
    let server = serve(archive);
    let action_dir = tempfile::tempdir().unwrap();
    copy_action_to(action_dir.path());
    let (workspace, base) = pull_request_workspace();
    // A stand-in for `cargo install --root ROOT`: the binary under test, and a log of calls.
    let tools = tempfile::tempdir().unwrap();
    let calls = tools.path().join("calls");
    std::fs::write(
        tools.path().join("cargo"),
        format!(
            "#!/usr/bin/env bash\nset -eu\necho \"$*\" >> '{calls}'\nwhile [ \"$1\" != --root ]; do shift; done\nmkdir -p \"$2/bin\"\ncp '{binary}' \"$2/bin/depgov\"\n",
            calls = calls.display(),
            binary = Depgov::binary().display()
        ),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(tools.path().join("cargo"))
        .status()
        .unwrap();
    let store = tempfile::tempdir().unwrap();
    let runner = Runner {
        path_prefix: Some(tools.path().to_path_buf()),
        cache: Some(store.path().to_path_buf()),
        ..Runner::default()
    };
    let version = env!("CARGO_PKG_VERSION");
    for attempt in 1..=2 {
        let run = server.run(
            action_dir.path(),
            workspace.path(),
            &[("fail-on", "never")],
            &event(&base),
            &runner,
        );
        assert_eq!(run.failed_step, None, "{}{}", run.stdout, run.stderr);
        let built = run
            .stdout
            .contains("::warning title=depgov built from source::No release archive of depgov");
        assert_eq!(built, attempt == 1, "attempt {attempt}: {}", run.stdout);
        let calls = std::fs::read_to_string(&calls).unwrap();
        assert_eq!(calls.lines().count(), 1, "built once: {calls}");
        assert!(calls.starts_with("install --locked"), "{calls}");
    }
    assert!(server.requests().is_empty(), "no release to download");
    let mut keys: Vec<String> = std::fs::read_dir(store.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            format!("depgov-build-{version}-x86_64-unknown-linux-musl"),
            "depgov-facts-Linux-4242-1".to_owned(),
        ]
    );
}

#[test]
fn push_and_merge_group_runs_work_with_the_pull_request_inputs() {
    let (server, action_dir) = released();
    let (workspace, base) = pull_request_workspace();
    let inputs = [
        ("policy", ".github/depgov.toml"),
        ("only-new", "true"),
        ("comment", "on-failure"),
        ("sarif-file", "depgov.sarif"),
        ("fail-on", "never"),
    ];
    let run_on = |event_name: &str, event: &str| {
        server.run(
            action_dir.path(),
            workspace.path(),
            &inputs,
            event,
            &Runner {
                env: vec![("GITHUB_EVENT_NAME", event_name.to_owned())],
                ..Runner::default()
            },
        )
    };
    // A push has no base: every finding, no comment, and no usage error for only-new.
    let run = run_on("push", r#"{"ref": "refs/heads/main", "after": "0123"}"#);
    assert_eq!(run.failed_step, None, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("only-new needs a base; this push has none, so every finding is reported"),
        "{}",
        run.stdout
    );
    let (merge_base, rules) = judged(&run);
    assert_eq!(merge_base, "");
    assert_eq!(rules.len(), 2, "{rules:?}");
    // A merge queue's group is judged against its base.
    let run = run_on(
        "merge_group",
        &format!(r#"{{"merge_group": {{"base_sha": "{base}", "head_sha": "0123"}}}}"#),
    );
    assert_eq!(run.failed_step, None, "{}{}", run.stdout, run.stderr);
    let (merge_base, rules) = judged(&run);
    assert_eq!(merge_base, base);
    assert_eq!(rules, ["component-hold"], "only what the group introduces");
}

#[test]
fn the_example_workflow_covers_pull_requests_the_default_branch_and_merge_queues() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/depgov.yml"),
    )
    .unwrap();
    let workflow: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let triggers = &workflow["on"];
    for event in ["pull_request", "merge_group", "push"] {
        assert!(triggers.get(event).is_some(), "on: {event}");
    }
    assert_eq!(triggers["push"]["branches"], serde_json::json!(["main"]));
    let steps = workflow["jobs"]["depgov"]["steps"].as_array().unwrap();
    let upload = steps
        .iter()
        .find(|s| field(&s["uses"]).starts_with("github/codeql-action/upload-sarif@"))
        .expect("a SARIF upload");
    assert_eq!(upload["with"]["category"], "depgov");
    let condition = field(&upload["if"]);
    assert!(
        condition.contains("github.event.pull_request.head.repo.full_name == github.repository"),
        "skipped on forks: {condition}"
    );
    let check = steps.iter().find(|s| s["uses"] == "./").unwrap();
    assert_eq!(check["with"]["only-new"], true);
    // docs/action.md shows the same workflow.
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/action.md"))
            .unwrap();
    for line in [
        "  merge_group:",
        "    branches: [main]",
        "          category: depgov",
        "           github.event.pull_request.head.repo.full_name == github.repository)",
    ] {
        assert!(docs.contains(line), "docs/action.md: {line}");
    }
}
