//! The sticky pull-request comment, end to end: the real depgov binary, a simulated GitHub
//! Actions environment (event payload in a temp dir) and a fake GitHub API on 127.0.0.1
//! (`common/fake_github/`). Every run asserts that the token appears in no output.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use depgov::github::comment::MARKER;
use depgov::report::{Report, markdown};
use serde_json::json;
use tempfile::TempDir;

use crate::common::fake_github as fake;
use crate::common::fake_github::{FakeGitHub, Fault, TokenKind};
use crate::common::{Depgov, code, stderr, stdout};

/// A sentinel token: no output may ever contain it.
const TOKEN: &str = "ghs_SENTINEL7f3a9c1e5b2d8f4a6c0e9b7d";
const BOT: &str = "github-actions[bot]";

/// A project whose one npm lockfile fails the default policy (an AGPL-3.0-only package) or
/// passes it, with a `pull_request` event payload beside it.
struct Project {
    dir: TempDir,
}

impl Project {
    fn new(failing: bool) -> Project {
        let dir = tempfile::tempdir().expect("temp dir");
        let project = Project { dir };
        // The comment is the subject, not the criteria: offline, they would add a note per
        // package for the data they lack.
        let policy =
            "version = 1\nextends = [\"depgov:default\"]\n[criteria]\nunknown = \"adopt\"\n";
        std::fs::write(project.dir.path().join("depgov.toml"), policy).expect("write policy");
        project.set_failing(failing);
        let event = json!({ "action": "synchronize", "number": fake::NUMBER,
            "pull_request": { "number": fake::NUMBER, "state": "open" } });
        std::fs::write(project.event_path(), event.to_string()).expect("write event");
        project
    }

    fn set_failing(&self, failing: bool) {
        self.write_lockfile(failing, 1);
    }

    /// Writes a lockfile of `count` packages, all AGPL-3.0-only when `failing`, else MIT.
    fn write_lockfile(&self, failing: bool, count: usize) {
        let license = if failing { "AGPL-3.0-only" } else { "MIT" };
        let names: Vec<String> = (1..=count).map(|n| format!("copyleft-lib-{n}")).collect();
        let mut packages = serde_json::Map::new();
        let dependencies: serde_json::Map<String, serde_json::Value> = names
            .iter()
            .map(|name| (name.clone(), json!("^1.0.0")))
            .collect();
        packages.insert(
            String::new(),
            json!({ "name": "app", "version": "1.0.0", "dependencies": dependencies }),
        );
        for name in &names {
            packages.insert(
                format!("node_modules/{name}"),
                json!({
                    "version": "1.0.0",
                    "resolved": format!("https://registry.npmjs.org/{name}/-/{name}-1.0.0.tgz"),
                    "license": license
                }),
            );
        }
        let lock = json!({
            "name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
            "packages": packages
        });
        let text = serde_json::to_string_pretty(&lock).expect("lockfile JSON");
        std::fs::write(self.path().join("package-lock.json"), text).expect("write lockfile");
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn event_path(&self) -> PathBuf {
        self.path().join("event.json")
    }

    /// The environment GitHub Actions gives a pull-request job, pointed at `server`.
    fn env(&self, server: &FakeGitHub) -> Vec<(String, String)> {
        [
            ("GITHUB_TOKEN", TOKEN.to_owned()),
            (
                "GITHUB_REPOSITORY",
                format!("{}/{}", fake::OWNER, fake::REPO),
            ),
            ("GITHUB_EVENT_PATH", self.event_path().display().to_string()),
            ("GITHUB_EVENT_NAME", "pull_request".to_owned()),
            ("GITHUB_API_URL", server.api_url()),
        ]
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
    }

    /// Runs depgov here with `env`, and checks that the token is in no output.
    fn run(&self, args: &[&str], env: &[(String, String)]) -> Output {
        let mut depgov = Depgov::new(self.path());
        depgov.args(args).env("DEPGOV_GITHUB_BACKOFF_MS", "1");
        for (key, value) in env {
            depgov.env(key, value);
        }
        let output = depgov.run();
        assert_no_token(&output);
        output
    }

    /// `depgov check --format json --comment WHEN`; returns the output and the report.
    fn check(&self, when: &str, env: &[(String, String)]) -> (Output, Report) {
        let output = self.run(&["check", "--format", "json", "--comment", when], env);
        let report = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("stdout is not a report ({e}): {}", stdout(&output)));
        (output, report)
    }

    /// Saves the JSON report as `report.json`, for `depgov comment`.
    fn save_report(&self) -> Report {
        let output = self.run(&["check", "--format", "json"], &[]);
        std::fs::write(self.path().join("report.json"), &output.stdout).expect("save report");
        serde_json::from_slice(&output.stdout).expect("a report")
    }
}

fn assert_no_token(output: &Output) {
    for (name, text) in [("stdout", stdout(output)), ("stderr", stderr(output))] {
        assert!(!text.contains(TOKEN), "the token is on {name}:\n{text}");
    }
}

/// The body depgov posts for `report`.
fn body(report: &Report) -> String {
    format!("{MARKER}\n{}", markdown::render(report))
}

fn with(mut env: Vec<(String, String)>, key: &str, value: &str) -> Vec<(String, String)> {
    env.retain(|(name, _)| name != key);
    env.push((key.to_owned(), value.to_owned()));
    env
}

fn without(mut env: Vec<(String, String)>, key: &str) -> Vec<(String, String)> {
    env.retain(|(name, _)| name != key);
    env
}

fn count(server: &FakeGitHub, method: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|request| request.method == method)
        .count()
}

#[test]
fn check_creates_one_comment_and_later_runs_update_it_in_place() {
    let server = FakeGitHub::start(TOKEN, TokenKind::Installation(BOT.to_owned()), "");
    let project = Project::new(true);
    let env = project.env(&server);

    let (output, report) = project.check("always", &env);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let comments = server.comments();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].login, BOT);
    assert_eq!(comments[0].body, body(&report));
    assert!(stderr(&output).contains("depgov: created the pull-request comment"));

    // The saved report, through `depgov comment`: the same comment, edited.
    project.save_report();
    let output = project.run(&["comment", "--report", "report.json"], &env);
    assert_eq!(
        code(&output),
        1,
        "the policy still fails: {}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("depgov: updated the pull-request comment"));

    // The violation is fixed: the comment says so.
    project.set_failing(false);
    let (output, passing) = project.check("always", &env);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let comments = server.comments();
    assert_eq!(comments.len(), 1, "never a second comment");
    assert_eq!(comments[0].body, body(&passing));
    assert_ne!(body(&passing), body(&report));
    assert_eq!((count(&server, "POST"), count(&server, "PATCH")), (1, 2));

    // Every request carried the token, in the Authorization header only, and one user agent.
    for request in server.requests() {
        assert_eq!(
            request.header("authorization"),
            Some(&*format!("Bearer {TOKEN}"))
        );
        assert!(!request.target.contains(TOKEN) && !request.body.contains(TOKEN));
        let agents = request
            .headers
            .iter()
            .filter(|(name, _)| name == "user-agent");
        assert_eq!(agents.count(), 1);
    }
}

#[test]
fn a_marked_comment_by_someone_else_is_left_alone() {
    let server = FakeGitHub::start(TOKEN, TokenKind::Installation(BOT.to_owned()), "");
    let planted = format!("{MARKER}\nEverything passes, merge away!");
    let theirs = server.add_comment("mallory", &planted);
    let project = Project::new(true);
    let env = project.env(&server);

    for _ in 0..2 {
        let (output, _) = project.check("always", &env);
        assert_eq!(code(&output), 1, "{}", stderr(&output));
    }
    let comments = server.comments();
    assert_eq!(comments.len(), 2, "{comments:?}");
    assert_eq!((comments[0].id, &*comments[0].body), (theirs, &*planted));
    assert_eq!(comments[1].login, BOT);
    assert_eq!((count(&server, "POST"), count(&server, "PATCH")), (1, 1));
}

#[test]
fn its_comment_is_found_past_the_first_hundred() {
    // A personal access token: GET /user names the author.
    let server = FakeGitHub::start(TOKEN, TokenKind::User("octocat".to_owned()), "");
    for n in 0..130 {
        server.add_comment("reviewer", &format!("comment {n}"));
    }
    server.add_comment(BOT, &format!("{MARKER}\nposted by another token"));
    let ours = server.add_comment("octocat", &format!("{MARKER}\nan earlier report"));
    for n in 0..40 {
        server.add_comment("reviewer", &format!("later comment {n}"));
    }
    let project = Project::new(true);

    let (output, report) = project.check("always", &project.env(&server));
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let comments = server.comments();
    assert_eq!(comments.len(), 172, "nothing created");
    let updated = comments.iter().find(|c| c.id == ours).expect("our comment");
    assert_eq!(updated.body, body(&report));
    let lines = server.request_lines();
    assert_eq!(lines[0], "GET /user");
    assert_eq!(
        lines[1],
        format!(
            "GET /repos/acme/app/issues/{}/comments?per_page=100",
            fake::NUMBER
        )
    );
    assert!(lines[2].starts_with("GET /repositories/") && lines[2].ends_with("&page=2"));
    assert_eq!(
        lines[3],
        format!("PATCH /repos/acme/app/issues/comments/{ours}")
    );
    assert_eq!(lines.len(), 4, "{lines:?}");
}

#[test]
fn a_forbidden_write_is_a_warning_and_the_exit_code_is_the_policys() {
    let server = FakeGitHub::start(TOKEN, TokenKind::Installation(BOT.to_owned()), "");
    let fork = || {
        Fault::new("POST", "/comments", 403).body(json!({
            "message": "Resource not accessible by integration",
            "documentation_url":
                "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
            "status": "403"
        }))
    };
    let project = Project::new(true);
    let env = project.env(&server);
    let env = with(env, "GITHUB_SERVER_URL", "https://github.com");
    let env = with(env, "GITHUB_RUN_ID", "4242");

    server.fault(fork());
    let (output, _) = project.check("always", &env);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("warning: cannot post the pull-request comment"),
        "{err}"
    );
    assert!(
        err.contains("403: Resource not accessible by integration"),
        "{err}"
    );
    assert!(
        err.contains(
            "job summary of this workflow run (https://github.com/acme/app/actions/runs/4242)"
        ),
        "{err}"
    );

    project.set_failing(false);
    server.fault(fork());
    let (output, _) = project.check("always", &env);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(stderr(&output).contains("warning: cannot post"));
    assert!(server.comments().is_empty());
}

#[test]
fn in_actions_the_forbidden_write_is_an_annotation_and_no_level_passes_ten() {
    let server = FakeGitHub::start(TOKEN, TokenKind::Installation(BOT.to_owned()), "");
    server.fault(Fault::new("POST", "/comments", 403).body(json!({
        "message": "Resource not accessible by integration", "status": "403"
    })));
    let project = Project::new(true);
    project.write_lockfile(true, 25);
    let env = with(project.env(&server), "GITHUB_ACTIONS", "true");
    let output = project.run(
        &["check", "--format", "github", "--comment", "always"],
        &env,
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let (out, err) = (stdout(&output), stderr(&output));
    assert!(
        err.contains(
            "::warning title=depgov%3A no pull-request comment::cannot post the pull-request comment"
        ),
        "{err}"
    );
    // Both streams are read by the runner: one step, one budget per level.
    let both = format!("{out}{err}");
    for level in ["::error ", "::warning ", "::notice "] {
        let annotations = both.lines().filter(|l| l.starts_with(level)).count();
        assert!(annotations <= 10, "{annotations} × {level}:\n{both}");
    }
    assert_eq!(
        both.lines().filter(|l| l.starts_with("::error ")).count(),
        9
    );
    assert!(
        both.contains("16 more findings are not annotated"),
        "{both}"
    );
}

#[test]
fn a_body_github_finds_too_long_is_replaced_by_a_short_one() {
    let server = FakeGitHub::start(TOKEN, TokenKind::Installation(BOT.to_owned()), "");
    let project = Project::new(true);
    project.write_lockfile(true, 30);
    let report = project.save_report();
    let env = with(
        project.env(&server),
        "GITHUB_SERVER_URL",
        "https://github.com",
    );
    let env = with(env, "GITHUB_RUN_ID", "4242");
    let short = format!(
        "{MARKER}\n**depgov**: this pull request fails the policy (30 errors). The full report \
         is too long for a comment; it is in the job summary of [this workflow \
         run](https://github.com/acme/app/actions/runs/4242).\n"
    );
    assert!(body(&report).len() > short.len());
    server.set_max_body(short.chars().count());

    let output = project.run(&["comment", "--report", "report.json"], &env);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(stderr(&output).contains("the report is too long for a comment"));
    let comments = server.comments();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].body, short);
    assert_eq!(count(&server, "POST"), 2);
}

#[test]
fn server_errors_are_retried_and_a_post_github_carried_out_is_not_repeated() {
    let server = FakeGitHub::start(TOKEN, TokenKind::Installation(BOT.to_owned()), "");
    server.fault(Fault::new("GET", "/comments", 502));
    server.fault(Fault::new("GET", "/comments", 503));
    // GitHub creates the comment, then answers 502: depgov must look before posting again.
    server.fault(Fault::new("POST", "/comments", 502).after_applying());
    let project = Project::new(true);
    let env = project.env(&server);

    let (output, _) = project.check("always", &env);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(server.comments().len(), 1, "{:?}", server.request_lines());
    assert_eq!(count(&server, "POST"), 1);

    server.fault(Fault::new("PATCH", "/issues/comments/", 500));
    let (output, report) = project.check("always", &env);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(server.comments()[0].body, body(&report));
    assert_eq!(count(&server, "PATCH"), 2);

    // A server that keeps failing: a bounded number of attempts, then exit 2 naming it.
    for _ in 0..4 {
        server.fault(Fault::new("GET", "/comments", 502));
    }
    let (output, _) = project.check("always", &env);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("error: cannot post the pull-request comment: GET ")
            && err.contains("answered 502: Bad Gateway (after 4 attempts)"),
        "{err}"
    );
}

#[test]
fn rate_limits_are_waited_for_as_github_asks_within_a_bound() {
    let server = FakeGitHub::start(TOKEN, TokenKind::Installation(BOT.to_owned()), "");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let exhausted = |reset: u64| {
        let mut fault = Fault::new("GET", "/comments", 403).body(json!({
            "message": "API rate limit exceeded for installation ID 1.",
            "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
        }));
        for (name, value) in fake::rate_limit_headers(0, reset) {
            fault = fault.header(&name, &value);
        }
        fault
    };
    server.fault(Fault::new("GET", "/user", 429).header("retry-after", "2"));
    server.fault(exhausted(now + 3));
    server.fault(
        Fault::new("POST", "/comments", 403)
            .body(json!({ "message": "You have exceeded a secondary rate limit." }))
            .header("retry-after", "1"),
    );
    let project = Project::new(true);
    let env = project.env(&server);

    let (output, _) = project.check("always", &env);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(server.comments().len(), 1);
    assert_eq!(
        count(&server, "POST"),
        2,
        "a rate-limited POST is sent again"
    );

    // A limit that resets in an hour is not waited for: exit 2 at once, saying so.
    server.fault(exhausted(now + 3600));
    let started = Instant::now();
    let (output, _) = project.check("always", &env);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("API rate limit exceeded"), "{err}");
    assert!(err.contains("depgov waits at most 60"), "{err}");
}

#[test]
fn a_github_enterprise_api_url_with_a_path_is_followed_through_pages() {
    let server = FakeGitHub::start(TOKEN, TokenKind::Installation(BOT.to_owned()), "/api/v3");
    for n in 0..120 {
        server.add_comment("reviewer", &format!("comment {n}"));
    }
    let project = Project::new(true);
    let env = project.env(&server);
    assert!(server.api_url().ends_with("/api/v3"));

    for _ in 0..2 {
        let (output, _) = project.check("always", &env);
        assert_eq!(code(&output), 1, "{}", stderr(&output));
    }
    assert_eq!(server.comments().len(), 121);
    assert_eq!((count(&server, "POST"), count(&server, "PATCH")), (1, 1));
    let lines = server.request_lines();
    assert!(
        lines.iter().all(|line| line.contains(" /api/v3/")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|line| line.ends_with("&page=2")),
        "{lines:?}"
    );
}

#[test]
fn on_failure_creates_nothing_until_something_fails_then_keeps_the_comment_current() {
    let server = FakeGitHub::start(TOKEN, TokenKind::Installation(BOT.to_owned()), "");
    let project = Project::new(false);
    let env = project.env(&server);

    let (output, _) = project.check("on-failure", &env);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(server.comments().is_empty());
    assert!(stderr(&output).contains("no pull-request comment posted"));

    project.set_failing(true);
    let (output, _) = project.check("on-failure", &env);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(server.comments().len(), 1);

    project.set_failing(false);
    let (output, passing) = project.check("on-failure", &env);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let comments = server.comments();
    assert_eq!(comments.len(), 1);
    assert_eq!(
        comments[0].body,
        body(&passing),
        "the comment says the violation is gone"
    );

    // `depgov comment --comment on-failure` follows --fail-on.
    project.save_report();
    let output = project.run(
        &[
            "comment",
            "--report",
            "report.json",
            "--comment",
            "on-failure",
            "--fail-on",
            "never",
        ],
        &env,
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!((count(&server, "POST"), count(&server, "PATCH")), (1, 2));
}

#[test]
fn an_event_that_is_not_a_pull_request_is_a_warning_and_nothing_is_sent() {
    let server = FakeGitHub::start(TOKEN, TokenKind::Installation(BOT.to_owned()), "");
    let project = Project::new(true);
    let push = project.path().join("push.json");
    std::fs::write(&push, json!({ "ref": "refs/heads/main" }).to_string()).expect("write");
    let env = with(
        project.env(&server),
        "GITHUB_EVENT_PATH",
        &push.display().to_string(),
    );
    let env = with(env, "GITHUB_EVENT_NAME", "push");

    let (output, _) = project.check("always", &env);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("warning: push is not a pull request event"),
        "{}",
        stderr(&output)
    );
    assert!(server.requests().is_empty());
}

#[test]
fn a_missing_or_invalid_environment_is_a_usage_error_saying_what_to_set() {
    let server = FakeGitHub::start(TOKEN, TokenKind::Installation(BOT.to_owned()), "");
    let project = Project::new(true);
    let env = project.env(&server);
    let usage = |env: &[(String, String)], expected: &str| {
        let output = project.run(&["check", "--comment", "always"], env);
        assert_eq!(code(&output), 2, "{}", stderr(&output));
        assert!(stdout(&output).is_empty(), "fails before the check");
        assert!(stderr(&output).contains(expected), "{}", stderr(&output));
    };

    usage(
        &without(without(env.clone(), "GITHUB_TOKEN"), "GITHUB_REPOSITORY"),
        "the pull-request comment needs GITHUB_REPOSITORY (OWNER/NAME), GITHUB_TOKEN",
    );
    usage(
        &without(env.clone(), "GITHUB_EVENT_PATH"),
        "GITHUB_EVENT_PATH",
    );
    usage(
        &with(env.clone(), "GITHUB_REPOSITORY", "acme"),
        "GITHUB_REPOSITORY=acme is not OWNER/NAME",
    );
    usage(
        &with(env.clone(), "GITHUB_API_URL", "ftp://example.com"),
        "GITHUB_API_URL=ftp://example.com is not an http(s) URL",
    );
    usage(
        &with(env.clone(), "GITHUB_TOKEN", &format!("{TOKEN} {TOKEN}")),
        "GITHUB_TOKEN holds spaces",
    );
    let unreadable = project.path().join("missing.json").display().to_string();
    usage(
        &with(env.clone(), "GITHUB_EVENT_PATH", &unreadable),
        "cannot read GITHUB_EVENT_PATH=",
    );
    let output = project.run(&["comment", "--report", "event.json"], &env);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("not a depgov report"),
        "{}",
        stderr(&output)
    );
    assert!(server.requests().is_empty());
}

#[test]
fn the_token_never_appears_even_when_github_echoes_it() {
    let server = FakeGitHub::start(TOKEN, TokenKind::User("octocat".to_owned()), "");
    let echo = json!({ "message": format!("bad credentials: Bearer {TOKEN}") });
    let project = Project::new(true);
    let env = project.env(&server);

    server.fault(Fault::new("GET", "/user", 401).body(echo.clone()));
    let (output, _) = project.check("always", &env);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("bad credentials: Bearer ***"),
        "{}",
        stderr(&output)
    );

    for _ in 0..4 {
        server.fault(Fault::new("GET", "/comments", 500).body(echo.clone()));
    }
    let (output, _) = project.check("always", &env);
    assert_eq!(code(&output), 2, "{}", stderr(&output));

    // A token GitHub does not know: depgov's own messages do not show it either.
    let wrong = with(env, "GITHUB_TOKEN", &format!("{TOKEN}-old"));
    let (output, _) = project.check("always", &wrong);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("401: Requires authentication"),
        "{}",
        stderr(&output)
    );
    assert!(server.comments().is_empty());
}
