//! `depgov scan-org` and `depgov merge`, end to end: the real binary against the fake GitHub
//! (`common/fake_github/`), which generates organisations. Every run asserts that the token
//! appears in no output and in no file written.

mod common;
#[path = "common/fake_github/mod.rs"]
mod fake;

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;
use tempfile::TempDir;

use common::{code, stderr};
use fake::org::{self, Chaos, FakeRepo};
use fake::{FakeGitHub, TokenKind};

/// A sentinel token: no output may ever contain it.
const TOKEN: &str = "ghp_SENTINELorgscan9c1e5b2d8f4a6c0e9b7d";

/// Variables of the runner's own environment that must not leak into a test.
const CLEARED: [&str; 6] = [
    "GITHUB_ACTIONS",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITHUB_API_URL",
    "GITHUB_REPOSITORY",
];

const POLICY: &str = r#"version = 1
name = "Acme OSPO"
contact = "ospo@acme.example"

[defaults]
ring = "adopt"

[licenses]
adopt = ["MIT", "Apache-2.0"]
unlisted = "assess"
unknown = "adopt"

[[components]]
purl = "pkg:npm/left-pad"
ring = "hold"
reason = "Use String.prototype.padStart"

[[components]]
purl = "pkg:npm/moment"
ring = "remove"
reason = "In maintenance mode"
use-instead = ["pkg:npm/date-fns"]

[[components]]
purl = "pkg:cargo/openssl"
versions = "<0.10.55"
ring = "hold"
reason = "TLS goes through rustls"

[[components]]
purl = "pkg:pypi/pyyaml"
versions = "<5.4"
ring = "remove"
reason = "CVE-2020-14343"

[[exceptions]]
purl = "pkg:npm/moment"
repos = ["acme/legacy-*"]
expires = 2027-01-20
reason = "Migration to date-fns planned for Q1"
approved-by = "jdoe"
ticket = "OSPO-12"

[[exceptions]]
purl = "pkg:npm/left-pad"
expires = 2027-06-30
reason = "Long-lived waiver, not listed as expiring"
"#;

/// A workspace: the policy file, and room for outputs and caches.
struct Workspace {
    dir: TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("policy.toml"), POLICY).expect("write policy");
        Workspace { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs depgov with `args` against `server`.
    fn depgov(&self, server: &FakeGitHub, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_depgov"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("DEPGOV_TODAY", "2027-01-01")
            .env("DEPGOV_GITHUB_BACKOFF_MS", "1")
            .env("DEPGOV_GITHUB_TIMEOUT_MS", "2000");
        for name in CLEARED {
            command.env_remove(name);
        }
        let output = command
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_API_URL", server.api_url())
            .output()
            .expect("run depgov");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            stderr(&output)
        );
        assert!(!text.contains(TOKEN), "the token leaked: {text}");
        output
    }

    /// `depgov scan-org acme --policy policy.toml --out OUT --requests-per-minute 0 ARGS…`,
    /// which must succeed.
    fn scan(&self, server: &FakeGitHub, out: &str, args: &[&str]) -> Value {
        let mut all = vec![
            "scan-org",
            "acme",
            "--policy",
            "policy.toml",
            "--out",
            out,
            "--requests-per-minute",
            "0",
        ];
        all.extend_from_slice(args);
        let output = self.depgov(server, &all);
        assert_eq!(code(&output), 0, "scan-org failed: {}", stderr(&output));
        self.report(out)
    }

    fn report(&self, out: &str) -> Value {
        let text = std::fs::read_to_string(self.path(out).join("report.json"))
            .expect("report.json written");
        assert!(!text.contains(TOKEN), "the token leaked into report.json");
        serde_json::from_str(&text).expect("report.json is JSON")
    }
}

fn server() -> FakeGitHub {
    FakeGitHub::start(TOKEN, TokenKind::User("ospo".into()), "")
}

/// The repositories of a report, `name: status`.
fn statuses(report: &Value) -> Vec<String> {
    report["repos"]
        .as_array()
        .expect("repos")
        .iter()
        .map(|r| format!("{}: {}", r["name"].as_str().unwrap_or("?"), r["status"]))
        .collect()
}

/// A small organisation with every case once.
fn small_org() -> Vec<FakeRepo> {
    vec![
        FakeRepo::new("web")
            .file("package-lock.json", &org::npm_lock(15))
            .file(
                "package.json",
                "{\"name\": \"app\", \"dependencies\": {\"moment\": \"^2\"}}",
            )
            .file("node_modules/x/package-lock.json", &org::npm_lock(3))
            .topic("frontend"),
        FakeRepo::new("legacy-billing")
            .branch("release/v1")
            .file("app/package-lock.json", &org::npm_lock(10))
            .file("services/api/Cargo.lock", &org::cargo_lock(4))
            .file("tools/scripts/requirements.txt", &org::requirements(2))
            .file("go/worker/go.mod", &org::go_mod(1)),
        FakeRepo::new("docs").file("README.md", "# Docs\n"),
        FakeRepo::new("old-site")
            .archived()
            .file("package-lock.json", &org::npm_lock(3)),
        FakeRepo::new("forked-lib")
            .fork()
            .file("Cargo.lock", &org::cargo_lock(8)),
        FakeRepo::new("broken-lock")
            .file("package-lock.json", "{ not json")
            .file("Cargo.lock", &org::cargo_lock(1)),
        FakeRepo {
            empty: true,
            ..FakeRepo::new("empty")
        },
        FakeRepo::new("flaky").file("requirements.txt", &org::requirements(4)),
    ]
}

#[test]
fn a_scan_reports_every_repository_with_its_findings_and_failures() {
    let server = server();
    server.add_org("acme", false, small_org());
    server.set_chaos(Some(Chaos {
        broken: vec!["acme/flaky".into()],
        ..Chaos::default()
    }));
    let workspace = Workspace::new();
    let report = workspace.scan(&server, "out", &[]);
    eprintln!("{}", serde_json::to_string_pretty(&report).unwrap());
    eprintln!(
        "{}",
        std::fs::read_to_string(workspace.path("out/report.md")).unwrap()
    );
    assert_eq!(
        statuses(&report),
        [
            "acme/broken-lock: \"failed\"",
            "acme/docs: \"ok\"",
            "acme/empty: \"ok\"",
            "acme/flaky: \"failed\"",
            "acme/legacy-billing: \"ok\"",
            "acme/web: \"ok\"",
        ]
    );
    let skipped: Vec<String> = report["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| {
            format!(
                "{} ({})",
                s["name"].as_str().unwrap_or("?"),
                s["why"].as_str().unwrap_or("?")
            )
        })
        .collect();
    assert_eq!(
        skipped,
        ["acme/forked-lib (fork)", "acme/old-site (archived)"]
    );
    for name in ["index.html", "report.md"] {
        assert!(workspace.path("out").join(name).is_file(), "{name}");
    }
}
