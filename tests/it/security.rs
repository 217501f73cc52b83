//! Security sentinels, on the real binary: a token in the environment never reaches any output,
//! and text from packages (names, versions, licenses) cannot inject GitHub workflow commands,
//! HTML or markdown into any report, whichever input format carries it.
//!
//! The package text is hostile on purpose: `::` to start a workflow command, `%0A` that the
//! Actions runner would decode into a line break if `%` were not escaped, CR and LF, `<script>`,
//! markdown pipes, backticks, links and mentions. It reaches every report through findings (the
//! policy holds every component, and no license is on its lists).

use std::path::Path;
use std::process::Output;

use crate::common;
use crate::common::{Depgov, code, git, stderr};
use serde_json::{Value, json};

/// Set in every token variable depgov or a GitHub action could read.
const SENTINEL: &str = "ghp_DEPGOVSENTINEL0123456789abcdefABCDEF";
const TOKEN_VARIABLES: &[&str] = &[
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "INPUT_GITHUB-TOKEN",
    "INPUT_TOKEN",
];

/// Names, and license texts, that try to break out of every report format.
const HOSTILE: &[&str] = &[
    "evil\n::set-env name=pwned::1",
    "cr\r::error::forged by a carriage return",
    "encoded%0A::error::forged%0D%0Aby percent%25",
    "::error file=x,line=1::forged",
    "<script>alert(1)</script><img src=x onerror=alert(1)>",
    "pipe|in|the|name",
    "back`tick` and ```fence",
    "[click](javascript:alert(1)) @octocat #1",
];

/// The policy: every component is to be removed, and so is every license it does not list, so
/// each hostile text shows up in error findings (names in titles, licenses in messages).
const POLICY: &str = "version = 1\nname = \"sentinel policy\"\n\n[defaults]\nring = \"remove\"\n\n\
    [licenses]\nadopt = [\"MIT\"]\nunlisted = \"remove\"\n";

/// A repository with a package-lock.json and a CycloneDX SBOM, each holding a component per
/// text (as its name, and as its license).
fn hostile_repository(texts: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    git(dir.path(), &["init", "-q"]);
    let mut packages = serde_json::Map::new();
    packages.insert("".into(), json!({"name": "app", "version": "1.0.0"}));
    let mut components = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        packages.insert(
            format!("node_modules/pkg{i}"),
            json!({
                "name": text,
                "version": "1.0.0",
                "resolved": format!("https://registry.npmjs.org/pkg{i}/-/pkg{i}-1.0.0.tgz"),
                "license": text,
            }),
        );
        let purl_name: String = text
            .bytes()
            .map(|b| match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        components.push(json!({
            "type": "library",
            "bom-ref": format!("c{i}"),
            "name": text,
            "version": "2.0.0",
            "purl": format!("pkg:pypi/{purl_name}@2.0.0"),
            "licenses": [{"license": {"name": text}}],
        }));
    }
    let lock = json!({"name": "app", "lockfileVersion": 3, "packages": packages});
    let bom = json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "components": components,
    });
    let write = |name: &str, value: &Value| {
        let text = serde_json::to_string_pretty(value).expect("json");
        std::fs::write(dir.path().join(name), text).expect("write input");
    };
    write("package-lock.json", &lock);
    write("app.cdx.json", &bom);
    std::fs::write(dir.path().join("depgov.toml"), POLICY).expect("write policy");
    dir
}

/// The real binary in `dir` with the sentinel in every token variable and `env` set (and no
/// other GitHub Actions variable from the test's own environment).
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut depgov = Depgov::new(dir);
    depgov.args(args).env("RUST_BACKTRACE", "full");
    for var in TOKEN_VARIABLES {
        depgov.env(var, SENTINEL);
    }
    for (key, value) in env {
        depgov.env(key, value);
    }
    depgov.run()
}

/// Fails if the sentinel, or a recognizable part of it, is in `text`.
fn assert_no_token(what: &str, text: &[u8]) {
    let text = String::from_utf8_lossy(text);
    for part in [SENTINEL, &SENTINEL[4..20], &SENTINEL[20..]] {
        assert!(!text.contains(part), "{what} holds the token: {text}");
    }
}

#[test]
fn a_token_in_the_environment_never_reaches_any_output() {
    let repo = hostile_repository(HOSTILE);
    let dir = repo.path();
    let out = tempfile::tempdir().expect("temp dir");
    let file = |name: &str| out.path().join(name).to_string_lossy().into_owned();
    let (summary, outputs) = (file("summary.md"), file("outputs"));
    let actions = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_STEP_SUMMARY", summary.as_str()),
        ("GITHUB_OUTPUT", outputs.as_str()),
    ];
    let (json, sarif, markdown) = (file("r.json"), file("r.sarif"), file("r.md"));
    let outputs_args = [
        "--output",
        &format!("json={json}"),
        "--output",
        &format!("sarif={sarif}"),
        "--output",
        &format!("markdown={markdown}"),
    ];

    let mut runs: Vec<(String, Output)> = Vec::new();
    for format in ["human", "json", "github", "markdown", "sarif"] {
        let mut args = vec!["check", "--format", format];
        args.extend(outputs_args.iter().copied());
        let output = run(dir, &args, &actions);
        assert_eq!(code(&output), 1, "{format}: {}", stderr(&output));
        runs.push((format!("check --format {format}"), output));
    }
    runs.push((
        "inventory".into(),
        run(dir, &["inventory", "--format", "json"], &actions),
    ));
    // Error paths: a malformed lockfile, a malformed policy, an option depgov does not know.
    std::fs::create_dir_all(dir.join("broken")).expect("create dir");
    std::fs::write(
        dir.join("broken/package-lock.json"),
        "{\"lockfileVersion\": ",
    )
    .expect("write broken lockfile");
    runs.push((
        "check, malformed lockfile".into(),
        run(dir, &["check", "broken/package-lock.json"], &actions),
    ));
    std::fs::write(dir.join("bad.toml"), "version = 1\n[licenses]\nadopt = 5\n").expect("write");
    runs.push((
        "check, malformed policy".into(),
        run(dir, &["check", "--policy", "bad.toml"], &actions),
    ));
    runs.push((
        "an unknown option".into(),
        run(dir, &["check", "--token", SENTINEL], &[]),
    ));
    // An internal error (a panic, with RUST_BACKTRACE=full): see tests/it/internal_error.rs.
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "base"]);
    runs.push((
        "a panic".into(),
        run(
            dir,
            &["check", "--base", "HEAD"],
            &[("RUST_MIN_STACK", "1125899906842624")],
        ),
    ));

    for (what, output) in &runs {
        assert_no_token(&format!("{what}: stdout"), &output.stdout);
        assert_no_token(&format!("{what}: stderr"), &output.stderr);
    }
    let (_, unknown_option) = &runs[runs.len() - 2];
    assert_eq!(code(unknown_option), 2);
    let (_, panic) = &runs[runs.len() - 1];
    assert_eq!(code(panic), 2, "{}", stderr(panic));
    for path in [&json, &sarif, &markdown, &summary, &outputs] {
        let written = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(!written.is_empty(), "{path} is written");
        assert_no_token(path, &written);
    }
}

/// The Actions runner's reading of a command's data or property: `%25`, `%0D`, `%0A` (and in
/// properties `%3A`, `%2C`) decoded.
pub(crate) fn runner_decode(text: &str) -> String {
    text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// Whether the runner shows `text` in a command's escaped `value`, with its invisible
/// characters (a carriage return too) written as escapes. Case is ignored: PyPI names (from the
/// SBOM's `pkg:pypi` purls) are normalized to lower case.
pub(crate) fn shows(value: &str, text: &str) -> bool {
    runner_decode(value)
        .to_lowercase()
        .contains(&depgov::util::text::visible(text).to_lowercase())
}

#[test]
fn package_text_cannot_inject_workflow_commands() {
    // One text at a time: GitHub shows 10 annotations per level, and each must be seen whole.
    for text in HOSTILE {
        let repo = hostile_repository(&[text]);
        let output = run(repo.path(), &["check", "--format", "github"], &[]);
        assert_eq!(code(&output), 1, "{}", stderr(&output));
        let github = common::stdout(&output);
        assert!(!github.contains('\r'), "{github:?}");
        let mut annotations = 0;
        for line in github.lines() {
            // Only a line's start can begin a command; every line must be one of depgov's.
            if line.starts_with("depgov: ") {
                assert!(
                    !line.contains("::"),
                    "a summary line with a command: {line:?}"
                );
                continue;
            }
            let (level, rest) = line
                .strip_prefix("::")
                .and_then(|l| l.split_once(' '))
                .unwrap_or_else(|| panic!("stray line: {line:?}"));
            assert_eq!(level, "error", "{line:?}");
            // `PROPERTIES::DATA`: the first `::` ends the properties, which hold no `::` or
            // unescaped `,` from package text.
            let (properties, data) = rest.split_once("::").expect("a command has data");
            for property in properties.split(',') {
                let (key, value) = property.split_once('=').expect("key=value");
                assert!(["file", "line", "title"].contains(&key), "{line:?}");
                if key == "title" {
                    // What the runner shows is the package text as it is: `%0A` in a name
                    // stays those three characters and does not become a line break.
                    assert!(shows(value, text), "{line:?}");
                }
            }
            assert!(shows(data, text), "{line:?}");
            annotations += 1;
        }
        // The name and the license of each of the two components.
        assert_eq!(annotations, 4, "{github}");
    }

    let repo = hostile_repository(HOSTILE);
    // Every other format is fenced off in Actions with an unguessable stop token.
    for format in ["human", "json", "markdown", "sarif"] {
        let output = run(
            repo.path(),
            &["check", "--format", format],
            &[("GITHUB_ACTIONS", "true")],
        );
        let text = common::stdout(&output);
        let first = text.lines().next().expect("output");
        let token = first
            .strip_prefix("::stop-commands::")
            .unwrap_or_else(|| panic!("{format}: not fenced: {first}"));
        assert!(token.len() >= 16, "{token}");
        assert!(!HOSTILE.iter().any(|h| h.contains(token)));
        assert_eq!(text.lines().last(), Some(format!("::{token}::").as_str()));
    }
}

#[test]
fn package_text_cannot_inject_html_or_break_the_markdown_table() {
    let repo = hostile_repository(HOSTILE);
    let out = tempfile::tempdir().expect("temp dir");
    let summary = out.path().join("summary.md");
    let file = out.path().join("report.md");
    let output = run(
        repo.path(),
        &[
            "check",
            "--format",
            "markdown",
            "--output",
            &format!("markdown={}", file.display()),
        ],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf-8"))],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let bodies = [
        ("stdout", common::stdout(&output)),
        ("--output", std::fs::read_to_string(&file).expect("report")),
        (
            "job summary",
            std::fs::read_to_string(&summary).expect("summary"),
        ),
    ];
    for (what, markdown) in &bodies {
        for raw in ["<script", "<img", "](javascript", "```", "\r"] {
            assert!(!markdown.contains(raw), "{what}: raw `{raw}` in {markdown}");
        }
        // A mention is a code span: GitHub pings nobody, and it copies as typed.
        assert_eq!(
            markdown.matches("@octocat").count(),
            markdown.matches("`@octocat`").count(),
            "{what}: {markdown}"
        );
        // No line starts with hostile text: line breaks in it did not end a row.
        for line in markdown.lines() {
            assert!(
                !line.starts_with("::") && !line.starts_with("by percent"),
                "{what}: {line:?}"
            );
        }
        let rows: Vec<&str> = markdown.lines().filter(|l| l.starts_with('|')).collect();
        assert!(rows.len() > HOSTILE.len(), "{what}: {markdown}");
        let cells = |row: &str| row.matches('|').count() - row.matches("\\|").count();
        let header = cells(rows[0]);
        for row in &rows {
            assert_eq!(cells(row), header, "{what}: a row keeps its cells: {row}");
        }
    }
}

#[test]
fn json_and_sarif_keep_package_text_as_data() {
    let repo = hostile_repository(HOSTILE);
    let json: Value =
        serde_json::from_slice(&run(repo.path(), &["check", "--format", "json"], &[]).stdout)
            .expect("valid JSON");
    let names: Vec<&str> = json["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for text in HOSTILE {
        assert!(names.contains(text), "{text:?} in {names:?}");
    }
    let sarif: Value =
        serde_json::from_slice(&run(repo.path(), &["check", "--format", "sarif"], &[]).stdout)
            .expect("valid SARIF JSON");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    assert!(results.len() >= HOSTILE.len() * 2);
}

/// Texts that hide, reorder or glue text where they are printed.
const INVISIBLE: &[&str] = &[
    "zero\u{200B}width\u{200D}joiner",
    "bidi\u{202E}gpj.exe\u{2066}isolate\u{2069}",
    "bom\u{FEFF}and\u{00AD}soft-hyphen",
    "tag\u{E0041}\u{E007F}chars",
    "line\u{2028}paragraph\u{2029}separators",
    "c1\u{85}control\u{1B}[31m",
];

#[test]
fn no_output_holds_an_invisible_character_and_addresses_stay_copyable() {
    let repo = hostile_repository(INVISIBLE);
    let policy = POLICY.replace(
        "name = \"sentinel policy\"",
        "name = \"sentinel policy\"\ncontact = \"ospo@acme.example\"",
    );
    std::fs::write(repo.path().join("depgov.toml"), policy).expect("policy");
    let out = tempfile::tempdir().expect("temp dir");
    let summary = out.path().join("summary.md");
    let in_actions = [
        ("GITHUB_ACTIONS", "true"),
        ("GITHUB_STEP_SUMMARY", summary.to_str().expect("utf-8")),
    ];
    for format in ["human", "json", "sarif", "markdown", "github"] {
        let output = run(repo.path(), &["check", "--format", format], &in_actions);
        assert_eq!(code(&output), 1, "{format}: {}", stderr(&output));
        for (stream, text) in [
            ("stdout", common::stdout(&output)),
            ("stderr", stderr(&output)),
        ] {
            let hidden: Vec<char> = text
                .chars()
                .filter(|c| depgov::util::text::is_invisible(*c))
                .collect();
            assert!(hidden.is_empty(), "{format} {stream}: {hidden:?} in {text}");
        }
        if format == "json" {
            // Still the same data: the escapes decode to the package's text. (In Actions the
            // report is fenced by `::stop-commands::` lines.)
            let stdout = common::stdout(&output);
            let inside: Vec<&str> = stdout.lines().filter(|l| !l.starts_with("::")).collect();
            let json: Value = serde_json::from_str(&inside.join("\n")).expect("JSON");
            let names: Vec<&str> = json["components"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|c| c["name"].as_str())
                .collect();
            assert!(names.contains(&INVISIBLE[1]), "{names:?}");
        }
        if format == "markdown" {
            let text = common::stdout(&output);
            assert!(text.contains("ospo\\@acme\\.example"), "{text}");
        }
    }
    let summary = std::fs::read_to_string(&summary).expect("summary");
    assert!(!summary.chars().any(depgov::util::text::is_invisible));
    assert!(summary.contains("bidi\\\\u\\{202e\\}gpj"), "{summary}");
}
