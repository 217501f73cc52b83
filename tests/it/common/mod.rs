//! Shared helpers for the integration tests: fixture repositories copied into temp dirs with
//! real git, and the real depgov binary run on them — always through [`Depgov`], the one
//! command builder, which keeps the caller's environment (GitHub Actions, colour, caches) away
//! from the binary. `fake_github` is the fake GitHub API; `fake_sources` the fake deps.dev,
//! npm registry, PyPI and crates.io.

pub mod fake_github;
pub mod fake_sources;
pub mod http_request;

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

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

/// What "today" is for depgov in the tests, unless a test says otherwise ([`Depgov::today`]).
pub const TODAY: &str = "2027-01-01";

/// The real depgov binary, run the one way every test runs it, in the manner of nextest's own
/// integration tests:
///
/// ```ignore
/// let output = Depgov::new(dir).args(["check", "--format", "json"]).env("CARGO_HOME", home).run();
/// ```
///
/// Whatever the test's own environment holds, depgov gets:
///
/// - `DEPGOV_TODAY` pinned: [`TODAY`], or what [`Depgov::today`] says;
/// - no variable of GitHub Actions or its runner (`GITHUB_*` — `GITHUB_ACTIONS`,
///   `GITHUB_STEP_SUMMARY`, `GITHUB_OUTPUT`, `GITHUB_TOKEN`, `GITHUB_REPOSITORY`,
///   `GITHUB_EVENT_PATH`, `GITHUB_API_URL`… —, `GH_TOKEN`, `RUNNER_*`, `ACTIONS_*`, `INPUT_*`),
///   no other `DEPGOV_*` setting, and no colour or terminal variable (`NO_COLOR`, `CLICOLOR`,
///   `CLICOLOR_FORCE`, `FORCE_COLOR`, `TERM`, `COLORTERM`), unless the test sets it with
///   [`Depgov::env`];
/// - `DEPGOV_CACHE_DIR` in a fresh temp dir, removed after the run, unless the test gives one:
///   no test reads or writes `~/.cache`;
/// - `DEPGOV_OFFLINE=1` unless the test sets it: no test reaches a real registry or deps.dev;
///   tests of the facts sources point depgov at the fake sources and set it to `0`;
/// - `DEPGOV_OSV_DB`, an empty OSV database, unless the test sets it: known vulnerabilities
///   are checked, and there are none;
/// - no variable that points at the machine's installed trees or npm configuration
///   (`VIRTUAL_ENV`, `GOMODCACHE`, `GOPATH`, `NUGET_PACKAGES`, `NPM_CONFIG_USERCONFIG`).
///
/// [`stdout_redacted`] and [`json`] blank what changes between releases in what it prints.
pub struct Depgov {
    dir: PathBuf,
    args: Vec<OsString>,
    today: String,
    /// In the order the test gave them; `None` removes the variable.
    env: Vec<(OsString, Option<OsString>)>,
    stdin: Option<Stdio>,
    stdout: Option<Stdio>,
    stderr: Option<Stdio>,
}

/// Prefixes of the variables of the test's environment that depgov does not get.
const WITHHELD_PREFIXES: [&str; 5] = ["GITHUB_", "RUNNER_", "ACTIONS_", "INPUT_", "DEPGOV_"];
/// Variables of the test's environment that depgov does not get.
const WITHHELD: [&str; 12] = [
    "GH_TOKEN",
    "VIRTUAL_ENV",
    "GOMODCACHE",
    "GOPATH",
    "NUGET_PACKAGES",
    "NPM_CONFIG_USERCONFIG",
    "NO_COLOR",
    "CLICOLOR",
    "CLICOLOR_FORCE",
    "FORCE_COLOR",
    "TERM",
    "COLORTERM",
];

impl Depgov {
    /// depgov, to be run in `dir`.
    pub fn new(dir: impl AsRef<Path>) -> Depgov {
        Depgov {
            dir: dir.as_ref().to_path_buf(),
            args: Vec::new(),
            today: TODAY.to_owned(),
            env: Vec::new(),
            stdin: None,
            stdout: None,
            stderr: None,
        }
    }

    /// The binary under test, for a test that must ship it somewhere rather than run it.
    pub fn binary() -> &'static Path {
        Path::new(env!("CARGO_BIN_EXE_depgov"))
    }

    pub fn args<I, S>(&mut self, args: I) -> &mut Depgov
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|arg| arg.as_ref().to_owned()));
        self
    }

    /// Facts from `fake` instead of the cache alone: `DEPGOV_OFFLINE=0`, every service's URL
    /// pointing at the fake, retries one millisecond a step, no `.npmrc` of the user's and no
    /// Cargo registry cache of this machine.
    pub fn facts_from(&mut self, fake: &fake_sources::FakeSources) -> &mut Depgov {
        self.env("DEPGOV_OFFLINE", "0")
            .env("DEPGOV_FACTS_BACKOFF_MS", "1")
            .env("NPM_CONFIG_USERCONFIG", "/nonexistent/depgov-tests/.npmrc")
            .env("CARGO_HOME", "/nonexistent/depgov-tests/cargo-home");
        for (key, value) in fake.env() {
            self.env(key, value);
        }
        self
    }

    /// `DEPGOV_TODAY`, instead of [`TODAY`].
    pub fn today(&mut self, today: &str) -> &mut Depgov {
        self.today = today.to_owned();
        self
    }

    pub fn env(&mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> &mut Depgov {
        self.env
            .push((key.as_ref().to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    pub fn env_remove(&mut self, key: impl AsRef<OsStr>) -> &mut Depgov {
        self.env.push((key.as_ref().to_owned(), None));
        self
    }

    /// Standard input; [`Depgov::run`] gives none by default.
    pub fn stdin(&mut self, stdin: impl Into<Stdio>) -> &mut Depgov {
        self.stdin = Some(stdin.into());
        self
    }

    /// Where standard output goes instead of into the [`Output`].
    pub fn stdout(&mut self, stdout: impl Into<Stdio>) -> &mut Depgov {
        self.stdout = Some(stdout.into());
        self
    }

    /// Where standard error goes instead of into the [`Output`].
    pub fn stderr(&mut self, stderr: impl Into<Stdio>) -> &mut Depgov {
        self.stderr = Some(stderr.into());
        self
    }

    /// Runs depgov to the end; its exit status and what it printed.
    pub fn run(&mut self) -> Output {
        let (mut command, _cache) = self.command();
        command.output().expect("run depgov")
    }

    /// Starts depgov, for a test that waits for it in its own way.
    pub fn spawn(&mut self) -> Running {
        let (mut command, cache) = self.command();
        Running {
            child: command.spawn().expect("run depgov"),
            _cache: cache,
        }
    }

    /// The command, and the cache directory it was given, which must outlive the run.
    fn command(&mut self) -> (Command, Option<TempDir>) {
        let mut command = Command::new(Depgov::binary());
        command.args(&self.args).current_dir(&self.dir);
        for (key, _) in std::env::vars_os() {
            let withheld = key.to_str().is_some_and(|key| {
                WITHHELD.contains(&key)
                    || WITHHELD_PREFIXES
                        .iter()
                        .any(|prefix| key.starts_with(prefix))
            });
            if withheld {
                command.env_remove(key);
            }
        }
        command.env("DEPGOV_TODAY", &self.today);
        command.env("DEPGOV_OFFLINE", "1");
        command.env("DEPGOV_OSV_DB", empty_osv_database());
        // Not the machine's Go module cache or NuGet packages (their fallbacks are under HOME).
        let sets = |name: &str| self.env.iter().any(|(key, _)| key == name);
        if !sets("GOMODCACHE") && !sets("GOPATH") {
            command.env("GOMODCACHE", "/nonexistent/depgov-tests");
        }
        if !sets("NUGET_PACKAGES") {
            command.env("NUGET_PACKAGES", "/nonexistent/depgov-tests");
        }
        let cache = if self.env.iter().any(|(key, _)| key == "DEPGOV_CACHE_DIR") {
            None
        } else {
            let cache = tempfile::tempdir().expect("temp dir for DEPGOV_CACHE_DIR");
            command.env("DEPGOV_CACHE_DIR", cache.path());
            Some(cache)
        };
        for (key, value) in &self.env {
            match value {
                Some(value) => command.env(key, value),
                None => command.env_remove(key),
            };
        }
        if let Some(stdin) = self.stdin.take() {
            command.stdin(stdin);
        }
        if let Some(stdout) = self.stdout.take() {
            command.stdout(stdout);
        }
        if let Some(stderr) = self.stderr.take() {
            command.stderr(stderr);
        }
        (command, cache)
    }
}

/// An empty directory, shared by every test: an OSV database without records.
fn empty_osv_database() -> &'static Path {
    static EMPTY: std::sync::OnceLock<TempDir> = std::sync::OnceLock::new();
    EMPTY
        .get_or_init(|| tempfile::tempdir().expect("temp dir for the empty OSV database"))
        .path()
}

/// depgov started by [`Depgov::spawn`].
pub struct Running {
    pub child: Child,
    /// Its `DEPGOV_CACHE_DIR`, when the builder made one.
    _cache: Option<TempDir>,
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
    let mut depgov = Depgov::new(repo.path());
    depgov.args(["inventory", file, "--format", "json"]);
    for (key, value) in env {
        depgov.env(key, value);
    }
    depgov.run()
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
    Depgov::new(dir.path())
        .args(["inventory", name, "--format", "json"])
        .run()
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
