//! `depgov scan-org` and `depgov merge`, end to end: the real binary against the fake GitHub
//! (`common/fake_github/`), which generates organisations. Every run asserts that the token
//! appears in no output and in no file written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use std::time::Duration;

use serde_json::Value;
use tempfile::TempDir;

use crate::common::fake_github::org::{self, Chaos, FakeRepo};
use crate::common::fake_github::{FakeGitHub, TokenKind};
use crate::common::{Depgov, code, stderr};

/// A sentinel token: no output may ever contain it.
const TOKEN: &str = "ghp_SENTINELorgscan9c1e5b2d8f4a6c0e9b7d";

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

    /// depgov with `args` against `server`, in the workspace, with one-millisecond backoff
    /// steps.
    fn command(&self, server: &FakeGitHub, args: &[&str]) -> Depgov {
        let mut command = Depgov::new(self.dir.path());
        command
            .args(args)
            .env("DEPGOV_GITHUB_BACKOFF_MS", "1")
            .env("DEPGOV_GITHUB_TIMEOUT_MS", "1500")
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_API_URL", server.api_url());
        command
    }

    /// Runs `command`, checking that the token is in no output.
    fn run(&self, mut command: Depgov) -> Output {
        let output = command.run();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            stderr(&output)
        );
        assert!(!text.contains(TOKEN), "the token leaked: {text}");
        output
    }

    /// Runs depgov with `args` against `server`.
    fn depgov(&self, server: &FakeGitHub, args: &[&str]) -> Output {
        self.run(self.command(server, args))
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

    /// The `report.json` in `out`, after checking that no file there holds the token.
    fn report(&self, out: &str) -> Value {
        for entry in std::fs::read_dir(self.path(out))
            .expect("out dir")
            .flatten()
        {
            let text = std::fs::read_to_string(entry.path()).expect("a text file");
            assert!(
                !text.contains(TOKEN),
                "the token leaked into {:?}",
                entry.path()
            );
        }
        let text = std::fs::read_to_string(self.path(out).join("report.json"))
            .expect("report.json written");
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
    let output = workspace.depgov(
        &server,
        &[
            "scan-org",
            "acme",
            "--policy",
            "policy.toml",
            "--out",
            "out",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    // Not a terminal: plain progress lines, the last one with the totals.
    let err = stderr(&output);
    assert!(err.contains("depgov: acme: 6 to scan\n"), "{err}");
    assert!(
        err.contains("depgov: 6/6 done, 2 failed, rate limit 4999 left\n"),
        "{err}"
    );
    assert!(
        err.contains("depgov: 6 repositories of acme: 4 ok, 2 failed, 2 skipped; 2 hold and 3 remove usages; 18 requests (2.8 a repository); report in out\n"),
        "{err}"
    );
    assert!(
        err.contains("warning: 2 repositories could not be scanned completely"),
        "{err}"
    );
    let report = workspace.report("out");
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

/// `name (why)` of every skipped repository.
fn skipped(report: &Value) -> Vec<String> {
    report["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| format!("{} ({})", text(&s["name"]), text(&s["why"])))
        .collect()
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("?")
}

/// The requests the fake received whose target contains `part`.
fn requests_to(server: &FakeGitHub, part: &str) -> Vec<String> {
    server
        .request_lines()
        .into_iter()
        .filter(|line| line.contains(part))
        .collect()
}

#[test]
fn the_list_is_paged_and_filtered_by_name_topic_archive_and_fork() {
    let server = server();
    let mut repos = org::generated(250, 1);
    repos[6].archived = true;
    repos[7].fork = true;
    for (i, repo) in repos.iter_mut().enumerate() {
        if (i + 1) % 10 == 0 {
            repo.topics.push("prod".into());
        }
    }
    server.add_org("acme", false, repos);
    let workspace = Workspace::new();
    let report = workspace.scan(
        &server,
        "out",
        &["--include", "repo-00*", "--exclude", "acme/repo-0050"],
    );
    let pages = requests_to(&server, "/orgs/acme/repos");
    assert_eq!(pages.len(), 3, "{pages:#?}");
    assert!(
        pages[0].ends_with("/orgs/acme/repos?type=all&per_page=100"),
        "{pages:#?}"
    );
    assert!(pages[2].contains("page=3"), "{pages:#?}");
    assert_eq!(report["selection"]["listed"], 250);
    assert_eq!(report["totals"]["repos"], 96);
    assert_eq!(report["totals"]["skipped"], 154);
    assert_eq!(report["totals"]["requests"]["listing"], 3);
    let skipped = skipped(&report);
    for expected in [
        "acme/repo-0007 (archived)",
        "acme/repo-0008 (fork)",
        "acme/repo-0050 (excluded)",
        "acme/repo-0100 (excluded)",
    ] {
        assert!(
            skipped.iter().any(|s| s == expected),
            "{expected} in {skipped:?}"
        );
    }

    let report = workspace.scan(
        &server,
        "topics",
        &["--topic", "PROD", "--include-archived", "--include-forks"],
    );
    assert_eq!(report["totals"]["repos"], 25);
    let report = workspace.scan(&server, "all", &["--include-archived", "--include-forks"]);
    assert_eq!(report["totals"]["repos"], 250);
    assert_eq!(report["totals"]["skipped"], 0);
}

#[test]
fn a_user_account_a_repository_list_and_an_enterprise_server() {
    let server = FakeGitHub::start(TOKEN, TokenKind::User("ospo".into()), "/api/v3");
    server.add_org(
        "octocat",
        true,
        vec![
            FakeRepo::new("hello").file("package-lock.json", &org::npm_lock(3)),
            FakeRepo::new("archived").archived(),
        ],
    );
    let workspace = Workspace::new();
    let api_url = server.api_url();
    let output = workspace.depgov(
        &server,
        &[
            "scan-org",
            "octocat",
            "--out",
            "user",
            "--api-url",
            &api_url,
            "--requests-per-minute",
            "0",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = workspace.report("user");
    assert_eq!(statuses(&report), ["octocat/hello: \"ok\""]);
    assert_eq!(report["policy"]["source"], "embedded default");
    let lines = server.request_lines();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("GET /api/v3/orgs/octocat/repos"))
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("GET /api/v3/users/octocat/repos?type=owner"))
    );

    std::fs::write(
        workspace.path("repos.txt"),
        "# the ones we care about\nhello\n\noctocat/archived\noctocat/gone\n",
    )
    .expect("write list");
    server.forget_requests();
    let output = workspace.depgov(
        &server,
        &[
            "scan-org",
            "octocat",
            "--repos",
            "repos.txt",
            "--out",
            "named",
            "--requests-per-minute",
            "0",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = workspace.report("named");
    assert_eq!(
        statuses(&report),
        ["octocat/gone: \"failed\"", "octocat/hello: \"ok\""]
    );
    assert!(text(&report["repos"][0]["reason"]).contains("answered 404"));
    assert_eq!(skipped(&report), ["octocat/archived (archived)"]);
    assert!(
        requests_to(&server, "/repos?").is_empty(),
        "no listing with --repos"
    );

    std::fs::write(workspace.path("bad.txt"), "hello\nnot a/repo/name\n").expect("write");
    let output = workspace.depgov(
        &server,
        &["scan-org", "octocat", "--repos", "bad.txt", "--out", "bad"],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("bad.txt:2: `not a/repo/name` is not a repository"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_unchanged_repository_costs_one_304_and_no_blob_with_the_cache() {
    let server = server();
    server.add_org("acme", false, small_org());
    let workspace = Workspace::new();
    let first = workspace.scan(&server, "first", &["--cache", "cache"]);
    let counts = server.org_counts();
    assert_eq!(counts.get("tree-304"), None, "{counts:?}");
    assert_eq!(counts.get("blob"), Some(&9), "{counts:?}");

    server.forget_requests();
    let second = workspace.scan(&server, "second", &["--cache", "cache"]);
    let counts = server.org_counts();
    // Every tree but the empty repository's (409, not cached) answers 304; no blob is fetched.
    assert_eq!(counts.get("tree-304"), Some(&5), "{counts:?}");
    assert_eq!(counts.get("tree"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("blob"), None, "{counts:?}");
    assert_eq!(second["totals"]["requests"]["blobs_downloaded"], 0);
    assert_eq!(second["totals"]["requests"]["blobs_cached"], 9);
    assert_eq!(second["totals"]["requests"]["not_modified"], 5);
    assert_eq!(without_requests(&first), without_requests(&second));

    // A push changes one file: one tree and one blob are downloaded.
    server.update_repo("acme", "web", |repo| {
        repo.files
            .insert("package-lock.json".into(), org::npm_lock(30));
    });
    server.forget_requests();
    workspace.scan(&server, "third", &["--cache", "cache"]);
    let counts = server.org_counts();
    assert_eq!(
        (counts.get("tree"), counts.get("blob")),
        (Some(&2), Some(&1)),
        "{counts:?}"
    );
}

/// The report with every request count blanked, for comparing scans.
fn without_requests(report: &Value) -> Value {
    let mut report = report.clone();
    report["totals"]["requests"] = Value::Null;
    for repo in report["repos"].as_array_mut().expect("repos") {
        repo["requests"] = Value::Null;
    }
    report
}

#[test]
fn tree_paths_from_the_server_never_become_file_names() {
    let server = server();
    let long = format!("{}Cargo.lock", "deep/".repeat(900));
    server.add_org(
        "acme",
        false,
        vec![
            FakeRepo::new("hostile")
                .file("package-lock.json", &org::npm_lock(3))
                .odd_entry("../../../escape/package-lock.json", "100644", "blob")
                .odd_entry("/abs/Cargo.lock", "100644", "blob")
                .odd_entry("a/./b/../../../requirements.txt", "100644", "blob")
                .odd_entry("bell\u{7}/requirements.txt", "100644", "blob")
                .odd_entry("win\\..\\Cargo.lock", "100644", "blob")
                .odd_entry(&long, "100644", "blob")
                .odd_entry("linked/package-lock.json", "120000", "blob")
                .odd_entry("vendored", "160000", "commit"),
        ],
    );
    let workspace = Workspace::new();
    let report = workspace.scan(&server, "out", &["--cache", "cache"]);
    let repo = &report["repos"][0];
    assert_eq!(repo["status"], "ok", "{repo}");
    assert_eq!(repo["inputs"].as_array().map(Vec::len), Some(1), "{repo}");
    let note = text(&repo["notes"][0]["message"]);
    assert!(
        note.starts_with("6 tree entries with a path that is not a plain relative path not read"),
        "{note}"
    );
    assert_eq!(server.org_counts().get("blob"), Some(&1));
    // Nothing but the policy, the report and the cache's hashed entries was written.
    let mut written = Vec::new();
    let mut stack = vec![workspace.dir.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            let relative = path
                .strip_prefix(workspace.dir.path())
                .expect("inside")
                .to_string_lossy()
                .into_owned();
            if path.is_dir() {
                stack.push(path);
            } else {
                written.push(relative);
            }
        }
    }
    written.sort();
    assert_eq!(written.len(), 6, "{written:#?}");
    assert!(
        written.iter().all(|p| p == "policy.toml"
            || p.starts_with("out/")
            || p.starts_with("cache/answers/")
            || p.starts_with("cache/blobs/")),
        "{written:#?}"
    );
    let parent = workspace.dir.path().parent().expect("temp parent");
    assert!(!parent.join("escape").exists() && !Path::new("/abs").exists());
}

#[test]
fn previous_report_shows_new_and_removed_hold_and_remove_usages() {
    let server = server();
    server.add_org("acme", false, small_org());
    let workspace = Workspace::new();
    workspace.scan(&server, "before", &[]);
    // web drops moment and left-pad; docs takes up left-pad.
    server.update_repo("acme", "web", |repo| {
        repo.files
            .insert("package-lock.json".into(), org::npm_lock(1));
    });
    server.update_repo("acme", "docs", |repo| {
        repo.files
            .insert("package-lock.json".into(), org::npm_lock(3));
    });
    let report = workspace.scan(&server, "after", &["--previous", "before/report.json"]);
    let usages = |key: &str| -> Vec<String> {
        report["changes"][key]
            .as_array()
            .expect("changes")
            .iter()
            .map(|u| {
                format!(
                    "{} {} {} ({})",
                    text(&u["repo"]),
                    text(&u["name"]),
                    text(&u["version"]),
                    text(&u["ring"])
                )
            })
            .collect()
    };
    assert_eq!(usages("new"), ["acme/docs left-pad 1.3.0 (hold)"]);
    assert_eq!(
        usages("removed"),
        [
            "acme/web left-pad 1.3.0 (hold)",
            "acme/web moment 2.25.0 (remove)"
        ]
    );
    assert_eq!(report["changes"]["since"], "2027-01-01");
    assert_eq!(
        report["changes"]["not_compared"],
        serde_json::json!(["acme/broken-lock"])
    );

    let output = workspace.depgov(
        &server,
        &[
            "scan-org",
            "acme",
            "--out",
            "x",
            "--previous",
            "policy.toml",
        ],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("policy.toml"),
        "{}",
        stderr(&output)
    );
}

/// The repositories whose tree always fails in the 1,000-repository organisation.
const BROKEN: [&str; 5] = [
    "acme/repo-0013",
    "acme/repo-0200",
    "acme/repo-0501",
    "acme/repo-0777",
    "acme/repo-0999",
];

fn chaos() -> Chaos {
    Chaos {
        server_errors: 4,
        secondary_limits: 3,
        timeouts: 1,
        delay: Duration::from_millis(2000),
        broken: BROKEN.iter().map(|r| (*r).to_owned()).collect(),
    }
}

#[test]
fn a_thousand_repositories_under_faults_all_reported_and_shards_merge_to_the_same() {
    let server = server();
    server.add_org("acme", false, org::generated(1000, 3));
    server.set_chaos(Some(chaos()));
    let workspace = Workspace::new();
    let whole = workspace.scan(&server, "whole", &["--concurrency", "16"]);
    let names: Vec<&str> = whole["repos"]
        .as_array()
        .expect("repos")
        .iter()
        .map(|r| text(&r["name"]))
        .collect();
    let expected: Vec<String> = (1..=1000).map(|i| format!("acme/repo-{i:04}")).collect();
    assert_eq!(names, expected, "every repository is in the report, once");
    let failed: Vec<(&str, &str)> = whole["repos"]
        .as_array()
        .expect("repos")
        .iter()
        .filter(|r| r["status"] == "failed")
        .map(|r| (text(&r["name"]), text(&r["reason"])))
        .collect();
    assert_eq!(
        failed.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
        BROKEN,
        "{failed:#?}"
    );
    assert!(
        failed
            .iter()
            .all(|(_, reason)| reason.contains("answered 500")),
        "{failed:#?}"
    );
    assert_eq!(whole["totals"]["ok"], 995);
    // The chaos was met: more requests than the 10 pages, 1,000 trees and 3,000 blobs.
    let sent = whole["totals"]["requests"]["sent"].as_u64().expect("sent");
    assert!(sent > 4010 + 4 * 5, "{sent}");
    assert!(whole["totals"]["by_ring"]["hold"].as_u64() > Some(0));

    for index in 1..=4 {
        let shard = format!("{index}/4");
        let out = format!("shard-{index}");
        workspace.scan(&server, &out, &["--shard", &shard, "--concurrency", "16"]);
        assert!(
            !workspace.path(&out).join("index.html").exists(),
            "a shard writes JSON only"
        );
    }
    let output = workspace.depgov(
        &server,
        &[
            "merge", "shard-1", "shard-2", "shard-3", "shard-4", "--out", "merged",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let merged = workspace.report("merged");
    assert_eq!(merged["merged_shards"], 4);
    let comparable = |report: &Value| {
        let mut report = without_requests(report);
        report["merged_shards"] = Value::Null;
        report
    };
    assert_eq!(comparable(&merged), comparable(&whole));

    let output = workspace.depgov(
        &server,
        &["merge", "shard-1", "shard-2", "shard-4", "--out", "partial"],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("shard 3/4 is missing"),
        "{}",
        stderr(&output)
    );
    let output = workspace.depgov(
        &server,
        &[
            "merge", "shard-1", "shard-2", "shard-3", "shard-4", "shard-2", "--out", "twice",
        ],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains(
            "shards overlap: shard-2/report.json and shard-2/report.json are both shard 2/4"
        ),
        "{}",
        stderr(&output)
    );
    let output = workspace.depgov(&server, &["merge", "whole", "--out", "nope"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("whole/report.json is not a shard's output"),
        "{}",
        stderr(&output)
    );
    assert!(!workspace.path("partial").exists() && !workspace.path("twice").exists());
}

/// A repository whose package names and license try to inject markup.
fn evil_repo() -> FakeRepo {
    let lock = serde_json::json!({
        "name": "app", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
        "packages": {
            "": { "name": "app", "version": "1.0.0",
                  "dependencies": { "<img src=x onerror=alert(1)>": "1.0.0" } },
            "node_modules/<img src=x onerror=alert(1)>": {
                "version": "1.0.0</td><script>alert(2)</script>",
                "resolved": "https://registry.npmjs.org/x/-/x-1.0.0.tgz",
                "license": "[click](https://evil.example) | <b>GPL</b>"
            }
        }
    });
    FakeRepo::new("evil").file("package-lock.json", &lock.to_string())
}

/// The report files with what changes from run to run blanked: the fake's port and depgov's
/// version.
fn redacted(server: &FakeGitHub, text: &str) -> String {
    text.replace(&server.api_url(), "[api]")
        .replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn report_md_and_json_snapshots() {
    let server = server();
    let mut repos = small_org();
    repos.push(evil_repo());
    server.add_org("acme", false, repos);
    server.set_chaos(Some(Chaos {
        broken: vec!["acme/flaky".into()],
        ..Chaos::default()
    }));
    let workspace = Workspace::new();
    workspace.scan(&server, "before", &[]);
    server.update_repo("acme", "web", |repo| {
        repo.files
            .insert("package-lock.json".into(), org::npm_lock(1));
    });
    workspace.scan(
        &server,
        "out",
        &["--previous", "before/report.json", "--group-by", "topic"],
    );
    let read = |name: &str| {
        let text = std::fs::read_to_string(workspace.path("out").join(name)).expect(name);
        redacted(&server, &text)
    };
    let markdown = read("report.md");
    assert!(!markdown.contains("<img") && !markdown.contains("<script"));
    insta::assert_snapshot!("org_report_md", markdown);
    insta::assert_snapshot!("org_report_json", read("report.json"));
}

/// Chromium, as Debian names it, or as other systems do.
fn chromium() -> PathBuf {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|path| path.is_file())
            })
        })
        .unwrap_or_else(|| {
            panic!(
                "this test opens index.html in a headless Chromium: install it \
                 (`apt-get install -y chromium` on Debian; ./test does)"
            )
        })
}

/// Records script errors from the very start of the page.
const ERROR_RECORDER: &str = "<script>window.__errors = []; window.addEventListener('error', \
    function (e) { window.__errors.push(String(e.message)); });</script>";

/// Sorts and filters the repositories table the way a reader would, and writes what it saw
/// into the page as JSON.
const PAGE_TEST: &str = r#"<script>
(function () {
  var out = { errors: window.__errors };
  try {
    var table = document.getElementById('repos-table');
    var heads = table.tHead.rows[0].cells;
    function column(index) {
      return Array.prototype.map.call(table.tBodies[0].rows, function (row) {
        return row.cells[index].textContent;
      });
    }
    heads[0].click();
    out.ascending = column(0);
    heads[0].click();
    out.descending = column(0);
    heads[3].click();
    out.components = column(3).map(Number);
    var input = document.querySelector('input[data-filter="repos-table"]');
    input.value = 'LEGACY';
    input.dispatchEvent(new Event('input'));
    out.visible = Array.prototype.filter.call(table.tBodies[0].rows, function (row) {
      return !row.hidden;
    }).length;
    out.bars = document.querySelectorAll('#ring-chart rect.bar').length;
    out.lines = Array.prototype.map.call(
      document.querySelectorAll('#history-chart polyline.line'),
      function (line) {
        return line.getAttribute('data-ring') + ' ' + line.points.numberOfItems;
      });
    out.dates = document.querySelectorAll('#history-chart text.date').length;
    out.licenses = Array.prototype.map.call(
      document.querySelectorAll('#licenses-table tbody tr'),
      function (row) { return row.cells[0].textContent + ' ' + row.cells[2].textContent; });
    out.topics = Array.prototype.map.call(
      document.querySelectorAll('#topics-table tbody tr'),
      function (row) { return row.cells[0].textContent + ' ' + row.cells[1].textContent; });
    var used = document.getElementById('most-used-table');
    used.tHead.rows[0].cells[4].click();
    out.mostUsed = Array.prototype.map.call(used.tBodies[0].rows, function (row) {
      return Number(row.cells[4].textContent);
    });
    out.images = document.querySelectorAll('img').length;
    out.held = document.querySelectorAll('#held-table tbody tr').length;
    out.evil = document.body.textContent.indexOf('<img src=x onerror=alert(1)>') >= 0;
    out.external = document.querySelectorAll('[src], link[href]').length;
  } catch (error) {
    out.errors.push('test: ' + error);
  }
  var pre = document.createElement('pre');
  pre.id = 'test-result';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"#;

#[test]
fn index_html_renders_sorts_and_filters_in_headless_chromium() {
    let chromium = chromium();
    let server = server();
    let mut repos = small_org();
    repos.push(evil_repo());
    server.add_org("acme", false, repos);
    let workspace = Workspace::new();
    // Three scans, each with the one before as --previous: three points over time.
    workspace.scan(&server, "first", &[]);
    workspace.scan(&server, "second", &["--previous", "first/report.json"]);
    workspace.scan(
        &server,
        "out",
        &["--previous", "second/report.json", "--group-by", "topic"],
    );
    let page = std::fs::read_to_string(workspace.path("out/index.html")).expect("index.html");
    assert!(!page.contains("<img") && !page.contains("<script>alert"));
    let test_page = page
        .replacen("<head>", &format!("<head>\n{ERROR_RECORDER}"), 1)
        .replacen("</body>", &format!("{PAGE_TEST}\n</body>"), 1);
    let path = workspace.path("out/test.html");
    std::fs::write(&path, test_page).expect("write test page");
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
        ])
        .arg(format!(
            "--user-data-dir={}",
            workspace.path("chromium").display()
        ))
        .arg("--dump-dom")
        .arg(format!("file://{}", path.display()))
        // Its caches and settings (dconf's among them) in the workspace, not in ~/.cache.
        .env("XDG_CACHE_HOME", workspace.path("chromium/cache"))
        .env("XDG_CONFIG_HOME", workspace.path("chromium/config"))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&output.stdout);
    let result = dom
        .split_once("<pre id=\"test-result\">")
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(json, _)| {
            json.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .unwrap_or_else(|| {
            panic!(
                "no test result in the page; chromium said: {}",
                stderr(&output)
            )
        });
    let result: Value = serde_json::from_str(&result).expect("the test result is JSON");
    assert_eq!(result["errors"], serde_json::json!([]), "{result}");
    let names = |key: &str| -> Vec<String> {
        result[key]
            .as_array()
            .expect("names")
            .iter()
            .map(|n| text(n).to_owned())
            .collect()
    };
    let mut sorted = names("ascending");
    sorted.sort();
    assert_eq!(names("ascending"), sorted);
    sorted.reverse();
    assert_eq!(names("descending"), sorted);
    assert_eq!(sorted.len(), 7);
    let components: Vec<f64> = result["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    assert!(
        components.windows(2).all(|w| w[0] <= w[1]),
        "{components:?}"
    );
    assert_eq!(result["visible"], 1, "{result}");
    assert_eq!(result["bars"], 6);
    assert_eq!(
        result["lines"],
        serde_json::json!(["adopt 3", "trial 3", "assess 3", "hold 3", "remove 3"])
    );
    assert_eq!(result["dates"], 3);
    let licenses = names("licenses");
    assert!(licenses.contains(&"MIT 2".to_owned()), "{licenses:?}");
    assert!(licenses.contains(&"WTFPL 1".to_owned()), "{licenses:?}");
    assert_eq!(names("topics"), ["frontend 1", "no topic 6"]);
    let most_used: Vec<u64> = result["mostUsed"]
        .as_array()
        .expect("most used")
        .iter()
        .filter_map(Value::as_u64)
        .collect();
    assert!(most_used.len() >= 5, "{result}");
    assert!(most_used.windows(2).all(|w| w[0] <= w[1]), "{most_used:?}");
    assert_eq!(result["images"], 0, "an untrusted name became an element");
    assert_eq!(result["evil"], true, "the untrusted name is shown as text");
    assert_eq!(result["external"], 0);
    assert!(result["held"].as_u64() >= Some(3), "{result}");
}

#[test]
fn requests_wait_for_the_primary_limit_to_reset_and_respect_the_pace() {
    let server = server();
    server.add_org("acme", false, org::generated(8, 1));
    server.set_rate_limit(10, Duration::from_secs(1));
    let workspace = Workspace::new();
    let started = std::time::Instant::now();
    let mut command = workspace.command(
        &server,
        &[
            "scan-org",
            "acme",
            "--out",
            "limited",
            "--concurrency",
            "2",
            "--requests-per-minute",
            "0",
        ],
    );
    // Real one-second steps: GitHub's reset times are whole seconds.
    command.env_remove("DEPGOV_GITHUB_BACKOFF_MS");
    let output = workspace.run(command);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = workspace.report("limited");
    assert_eq!(report["totals"]["ok"], 8, "{}", stderr(&output));
    let counts = server.org_counts();
    assert_eq!(counts.get("rate-limited"), None, "{counts:?}");
    assert!(started.elapsed() >= Duration::from_secs(1));

    let server = self::server();
    server.add_org("acme", false, org::generated(5, 1));
    let started = std::time::Instant::now();
    let output = workspace.depgov(
        &server,
        &[
            "scan-org",
            "acme",
            "--out",
            "paced",
            "--requests-per-minute",
            "600",
        ],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = workspace.report("paced");
    // 11 requests, one every 100 ms.
    assert_eq!(report["totals"]["requests"]["sent"], 11);
    assert!(
        started.elapsed() >= Duration::from_millis(1000),
        "{:?}",
        started.elapsed()
    );

    for bad in ["0", "101"] {
        let output = workspace.depgov(
            &server,
            &["scan-org", "acme", "--out", "x", "--concurrency", bad],
        );
        assert_eq!(code(&output), 2);
        assert!(stderr(&output).contains("GitHub allows at most 100 concurrent requests"));
    }
}

/// Repositories without lockfiles: a Maven reactor is fetched (the module POM and the parent
/// POM it inherits versions from) and judged from its manifests, and counted so; a repository
/// of documentation is "no dependencies found", apart from failures.
#[test]
fn repositories_judged_from_manifests_only_and_without_dependencies_are_counted() {
    let parent = "<project>\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.acme</groupId>\n  <artifactId>parent</artifactId>\n  <version>1.0.0</version>\n  <packaging>pom</packaging>\n  <properties>\n    <log4j.version>2.14.1</log4j.version>\n  </properties>\n</project>\n";
    let module = "<project>\n  <modelVersion>4.0.0</modelVersion>\n  <parent>\n    <groupId>com.acme</groupId>\n    <artifactId>parent</artifactId>\n    <version>1.0.0</version>\n  </parent>\n  <artifactId>api</artifactId>\n  <dependencies>\n    <dependency>\n      <groupId>org.apache.logging.log4j</groupId>\n      <artifactId>log4j-core</artifactId>\n      <version>${log4j.version}</version>\n    </dependency>\n  </dependencies>\n</project>\n";
    let server = server();
    server.add_org(
        "acme",
        false,
        vec![
            FakeRepo::new("java-service")
                .file("pom.xml", parent)
                .file("api/pom.xml", module),
            FakeRepo::new("handbook").file("README.md", "# Handbook\n"),
            FakeRepo::new("web")
                .file("package-lock.json", &org::npm_lock(2))
                .file("package.json", "{\"name\": \"app\"}"),
        ],
    );
    let workspace = Workspace::new();
    let report = workspace.scan(&server, "out", &[]);
    assert_eq!(
        report["totals"]["manifests_only"], 1,
        "{}",
        report["totals"]
    );
    assert_eq!(
        report["totals"]["without_inputs"], 1,
        "{}",
        report["totals"]
    );
    let repos = report["repos"].as_array().expect("repos");
    let java = repos
        .iter()
        .find(|r| r["name"] == "acme/java-service")
        .expect("the Maven repository");
    let inputs: Vec<&str> = java["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .filter_map(|i| i["path"].as_str())
        .collect();
    assert_eq!(inputs, ["api/pom.xml", "pom.xml"]);
    let log4j = report["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|c| c["name"] == "org.apache.logging.log4j:log4j-core")
        .expect("log4j-core, its version from the parent POM's property");
    assert_eq!(log4j["versions"][0]["version"], "2.14.1", "{log4j}");
    let markdown = std::fs::read_to_string(workspace.path("out").join("report.md"))
        .expect("report.md written");
    assert!(
        markdown.contains("no dependencies found in 1; 1 judged from manifests only"),
        "{markdown}"
    );
}
