//! Security sentinels where depgov talks to GitHub (the fake API of `common/fake_github/`):
//! a sentinel token never reaches standard output, standard error, the reports written with
//! `--output`, the job summary, the step outputs or the policy cache — also when GitHub answers
//! errors whose bodies echo the token — and a policy's `extends` cannot send depgov, or the
//! token, to any host but the configured GitHub API.
//!
//! tests/it/github_comment.rs and tests/it/policy_lifecycle.rs check standard output and error on
//! their own runs; these add every other place depgov writes, and hostile servers.

use std::path::Path;
use std::process::Output;

use crate::common;
use crate::common::fake_github as fake;
use crate::common::fake_github::{FakeGitHub, Fault, TokenKind};
use crate::common::{Depgov, code, git, stderr};
use serde_json::json;

const TOKEN: &str = "ghs_SENTINELsecurityc0ffee5e8b1c9d0a7f";
const LAYER: &str = "github:acme/.github/policies/ospo.toml@v3";

/// A repository with a failing npm lockfile (an AGPL package), a policy extending the org
/// layer on GitHub, and a pull_request event, as an Actions job sees it.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    git(dir.path(), &["init", "-q"]);
    let lock = json!({"name": "app", "lockfileVersion": 3, "packages": {
        "": {"name": "app", "dependencies": {"copyleft": "^1"}},
        "node_modules/copyleft": {"version": "1.0.0", "license": "AGPL-3.0-only",
            "resolved": "https://registry.npmjs.org/copyleft/-/copyleft-1.0.0.tgz"},
    }});
    let event = json!({"action": "synchronize", "number": fake::NUMBER,
        "pull_request": {"number": fake::NUMBER, "state": "open"}});
    let files = [
        ("package-lock.json", lock.to_string()),
        ("event.json", event.to_string()),
        (
            "depgov.toml",
            format!("version = 1\nextends = [\"{LAYER}\"]\n"),
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write project file");
    }
    dir
}

/// The org layer the fake serves: AGPL is to be removed.
const ORG_POLICY: &str = "version = 1\nname = \"Acme org\"\nextends = [\"depgov:default\"]\n";

fn server() -> FakeGitHub {
    let server = FakeGitHub::start(TOKEN, TokenKind::Installation("bot".into()), "");
    server.add_file("acme/.github", "policies/ospo.toml", "v3", ORG_POLICY);
    server
}

/// Where one run writes, besides standard output and error.
struct Outputs {
    dir: tempfile::TempDir,
}

impl Outputs {
    fn new() -> Outputs {
        Outputs {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// Every file written below the outputs directory (reports, summary, step outputs, and
    /// the policy cache), with its content.
    fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut found = Vec::new();
        let mut dirs = vec![self.dir.path().to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let content = std::fs::read(&path).expect("read output");
                    found.push((path.display().to_string(), content));
                }
            }
        }
        found
    }
}

/// `depgov check --comment always` in an Actions pull-request job pointed at `server`, with
/// every report written to a file; fails if the token is in anything the run wrote.
fn check(dir: &Path, server: &FakeGitHub, token: &str, extra: &[&str]) -> (Output, Outputs) {
    let out = Outputs::new();
    let outputs = [
        format!("json={}", out.path("report.json")),
        format!("sarif={}", out.path("report.sarif")),
        format!("markdown={}", out.path("report.md")),
    ];
    let output = Depgov::new(dir)
        .args(["check", "--comment", "always", "--format", "github"])
        .args(outputs.iter().flat_map(|o| ["--output", o.as_str()]))
        .args(extra)
        .env("DEPGOV_GITHUB_BACKOFF_MS", "1")
        .env("RUST_BACKTRACE", "full")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_TOKEN", token)
        .env_remove("GH_TOKEN")
        .env(
            "GITHUB_REPOSITORY",
            format!("{}/{}", fake::OWNER, fake::REPO),
        )
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", dir.join("event.json"))
        .env("GITHUB_API_URL", server.api_url())
        .env("GITHUB_STEP_SUMMARY", out.path("summary.md"))
        .env("GITHUB_OUTPUT", out.path("outputs"))
        .env("DEPGOV_CACHE_DIR", out.path("cache"))
        .run();
    let mut written = vec![
        ("stdout".to_owned(), output.stdout.clone()),
        ("stderr".to_owned(), output.stderr.clone()),
    ];
    written.extend(out.files());
    for (what, content) in &written {
        let text = String::from_utf8_lossy(content);
        for part in [TOKEN, &TOKEN[4..20], &TOKEN[20..]] {
            assert!(!text.contains(part), "the token is in {what}:\n{text}");
        }
    }
    (output, out)
}

/// A body that echoes the token back, as a misbehaving proxy or server might.
fn echo(status: u16) -> serde_json::Value {
    json!({"message": format!("{status}: request with Authorization: Bearer {TOKEN} refused")})
}

#[test]
fn the_token_stays_out_of_every_output_when_github_works() {
    let server = server();
    let dir = project();
    let (output, out) = check(dir.path(), &server, TOKEN, &[]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(server.comments().len(), 1, "{:?}", server.request_lines());
    let written: Vec<String> = out.files().into_iter().map(|(path, _)| path).collect();
    for name in [
        "report.json",
        "report.sarif",
        "report.md",
        "summary.md",
        "outputs",
    ] {
        assert!(
            written.iter().any(|path| path.ends_with(name)),
            "{name} in {written:?}"
        );
    }
    assert!(
        written.iter().any(|path| path.contains("/cache/")),
        "the layer is cached: {written:?}"
    );
    let comment = &server.comments()[0].body;
    assert!(!comment.contains(TOKEN), "{comment}");
}

#[test]
fn the_token_stays_out_of_every_output_when_github_answers_errors_that_echo_it() {
    let dir = project();
    // Policy layer fetch failures: the run stops (exit 2) before any report is written.
    for status in [401, 403, 404, 500] {
        let server = server();
        for _ in 0..5 {
            server.fault(Fault::new("GET", "/contents/", status).body(echo(status)));
        }
        let (output, _) = check(dir.path(), &server, TOKEN, &[]);
        assert_eq!(code(&output), 2, "{status}: {}", stderr(&output));
        assert!(stderr(&output).contains(LAYER), "{}", stderr(&output));
        assert!(output.stdout.is_empty(), "no report after a failed layer");
    }
    // Comment failures, after the reports are written: on reading, creating and on the
    // account check, including a rate limit.
    let faults = [
        Fault::new("GET", "/user", 401),
        Fault::new("GET", "/comments", 403),
        Fault::new("GET", "/comments", 500),
        Fault::new("POST", "/comments", 422),
        Fault::new("POST", "/comments", 502),
        Fault::new("POST", "/comments", 403)
            .header("x-ratelimit-remaining", "0")
            .header("x-ratelimit-reset", "1"),
    ];
    for fault in faults {
        let server = server();
        let status = fault.status;
        for _ in 0..5 {
            server.fault(fault.clone().body(echo(status)));
        }
        let (output, out) = check(dir.path(), &server, TOKEN, &[]);
        let err = stderr(&output);
        assert!([1, 2].contains(&code(&output)), "{status}: {err}");
        // The echoed token is shown redacted, in the message that names the failure.
        assert!(
            err.contains("cannot post the pull-request comment") && err.contains("Bearer ***"),
            "{status}: {err}"
        );
        assert!(
            !out.files().is_empty(),
            "{status}: reports are written before commenting"
        );
    }
}

#[test]
fn a_malformed_token_is_named_by_its_variable_never_shown() {
    let server = server();
    let dir = project();
    for token in [format!("{TOKEN}\n::add-mask::x"), format!(" {TOKEN} extra")] {
        let output = Depgov::new(dir.path())
            .args(["check", "--comment", "always"])
            .env("GITHUB_TOKEN", &token)
            .env("GITHUB_API_URL", server.api_url())
            .env("DEPGOV_CACHE_DIR", dir.path().join(".cache"))
            .run();
        let err = stderr(&output);
        assert_eq!(code(&output), 2, "{err}");
        assert!(err.contains("GITHUB_TOKEN"), "{err}");
        assert!(!err.contains(&TOKEN[4..20]), "{err}");
        assert!(!common::stdout(&output).contains(&TOKEN[4..20]));
    }
    assert!(server.requests().is_empty(), "{:?}", server.request_lines());
}

/// `extends` names local files, the embedded default or `github:` layers fetched from the
/// configured API; a URL, even one pointing at that very API, is refused before any request,
/// so a policy cannot send the token anywhere.
#[test]
fn extends_cannot_point_depgov_at_another_host() {
    let server = server();
    let dir = project();
    let direct = format!(
        "{}/repos/acme/.github/contents/policies/ospo.toml?ref=v3",
        server.api_url()
    );
    for extends in [
        "https://evil.example/policy.toml",
        "http://evil.example/policy.toml",
        "//evil.example/policy.toml",
        direct.as_str(),
        "github:https://evil.example/x/y.toml@v1",
    ] {
        std::fs::write(
            dir.path().join("depgov.toml"),
            format!("version = 1\nextends = [\"{extends}\"]\n"),
        )
        .expect("write policy");
        let (output, _) = check(dir.path(), &server, TOKEN, &[]);
        let err = stderr(&output);
        assert_eq!(code(&output), 2, "{extends}: {err}");
        assert!(err.contains("depgov.toml:2"), "{extends}: {err}");
    }
    assert!(server.requests().is_empty(), "{:?}", server.request_lines());
}
