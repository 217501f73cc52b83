//! Bugs found by fuzzing (fuzz/, docs/robustness.md) and by the malformed-input suite
//! (tests/it/malformed.rs), each kept by a test named after it.

use std::process::Stdio;

use crate::common;
use crate::common::{Depgov, assert_rejected, inventory_of_text};

/// Standard error on a full disk (`2>/dev/full`): printing the error panicked in `eprintln!`,
/// and the panic hook's own `eprintln!` panicked again, which turned a usage or input
/// error (exit 2) into SIGABRT.
#[cfg(target_os = "linux")]
#[test]
fn an_error_that_cannot_be_written_to_stderr_exits_2_instead_of_aborting() {
    let dir = tempfile::tempdir().expect("temp dir");
    let full = std::fs::File::create("/dev/full").expect("/dev/full");
    let status = Depgov::new(dir.path())
        .args(["check", "no-such-directory"])
        .stdout(Stdio::null())
        .stderr(full)
        .run()
        .status;
    assert_eq!(status.code(), Some(2), "{status:?}");
}

/// With standard error closed or full, a run that succeeded (`policy init`, which says on
/// standard error what it wrote; `check --comment` outside a pull request, which warns that it
/// posts nothing) exited 2, and one with findings did too, because every message was written
/// with `eprintln!` and failed.
#[cfg(target_os = "linux")]
#[test]
fn a_message_that_cannot_be_written_to_stderr_never_changes_the_exit_code() {
    let full = || std::fs::File::create("/dev/full").expect("/dev/full");
    let dir = tempfile::tempdir().expect("temp dir");
    common::git(dir.path(), &["init", "-q"]);
    std::fs::write(dir.path().join("requirements.txt"), "flask==3.0.0\n").expect("write");
    let init = Depgov::new(dir.path())
        .args(["policy", "init"])
        .stderr(full())
        .run();
    assert_eq!(init.status.code(), Some(0), "{:?}", init.status);
    assert!(dir.path().join("depgov.toml").is_file());
    std::fs::write(dir.path().join("event.json"), "{}").expect("event");
    let comment = Depgov::new(dir.path())
        .args(["check", "--comment", "always"])
        .env("GITHUB_EVENT_NAME", "push")
        .env("GITHUB_EVENT_PATH", dir.path().join("event.json"))
        .stdout(Stdio::null())
        .stderr(full())
        .run();
    assert_eq!(comment.status.code(), Some(0), "{:?}", comment.status);
}

/// A Cargo.toml beside a Cargo.lock (read with `--lockfile-only`, for direct dependencies) that
/// is not TOML was silently ignored, while every other format refuses a malformed manifest.
#[test]
fn a_malformed_cargo_toml_beside_a_cargo_lock_is_refused_instead_of_ignored() {
    let lock = "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n";
    assert_rejected(
        &inventory_of_text(
            "Cargo.lock",
            lock.as_bytes(),
            &[("Cargo.toml", "[package\nname = \"app\"\n")],
        ),
        "Cargo.lock",
        None,
        "Cargo.toml:1: ",
    );
}

/// JSON objects read as maps kept the last value of a repeated key, so an entry could hide
/// another (package-lock.json packages, Pipfile.lock and packages.lock.json sections and
/// categories, package.json and composer.json dependency maps).
#[test]
fn json_objects_with_a_repeated_key_are_refused_instead_of_keeping_the_last_value() {
    let npm = "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"node_modules/a\": {\"version\": \"1.0.0\"},\n    \"node_modules/a\": {\"version\": \"2.0.0\"}\n  }\n}\n";
    assert_rejected(
        &inventory_of_text("package-lock.json", npm.as_bytes(), &[]),
        "package-lock.json",
        Some(5),
        "duplicate key `node_modules/a`",
    );
    let manifest = "{\n  \"dependencies\": {\n    \"a\": \"^1\",\n    \"a\": \"^2\"\n  }\n}\n";
    let lock = "{\"lockfileVersion\": 3, \"packages\": {\"\": {}}}";
    assert_rejected(
        &inventory_of_text(
            "package-lock.json",
            lock.as_bytes(),
            &[("package.json", manifest)],
        ),
        "package-lock.json",
        None,
        "package.json:4: duplicate key `a`",
    );
    let pipfile = "{\n  \"_meta\": {\"pipfile-spec\": 6, \"sources\": []},\n  \"default\": {\n    \"a\": {\"version\": \"==1.0\"},\n    \"a\": {\"version\": \"==2.0\"}\n  }\n}\n";
    assert_rejected(
        &inventory_of_text("Pipfile.lock", pipfile.as_bytes(), &[]),
        "Pipfile.lock",
        Some(5),
        "duplicate key `a`",
    );
    let nuget = "{\n  \"version\": 1,\n  \"dependencies\": {\n    \"net8.0\": {},\n    \"net8.0\": {}\n  }\n}\n";
    assert_rejected(
        &inventory_of_text("packages.lock.json", nuget.as_bytes(), &[]),
        "packages.lock.json",
        Some(5),
        "duplicate key `net8.0`",
    );
    let composer = "{\n  \"packages\": [\n    {\"name\": \"a/b\", \"version\": \"1.0.0\",\n     \"require\": {\"c/d\": \"^1\", \"c/d\": \"^2\"}}\n  ]\n}\n";
    assert_rejected(
        &inventory_of_text("composer.lock", composer.as_bytes(), &[]),
        "composer.lock",
        Some(4),
        "duplicate key `c/d`",
    );
}

/// yarn.lock v1: a field given twice in one entry kept one of its values silently, and so did
/// a `dependencies` line with a value instead of a block.
#[test]
fn yarn_classic_repeated_or_misshapen_fields_are_refused_instead_of_ignored() {
    let twice = "# yarn lockfile v1\n\n\na@^1:\n  version \"1.0.0\"\n  version \"2.0.0\"\n";
    assert_rejected(
        &inventory_of_text("yarn.lock", twice.as_bytes(), &[]),
        "yarn.lock",
        Some(6),
        "`version` is given twice in this entry",
    );
    let inline = "# yarn lockfile v1\n\n\na@^1:\n  version \"1.0.0\"\n  dependencies \"b\"\n";
    assert_rejected(
        &inventory_of_text("yarn.lock", inline.as_bytes(), &[]),
        "yarn.lock",
        Some(6),
        "`dependencies` must open a block",
    );
}

/// A file that is not UTF-8 was reported with a byte offset only; now with its line too.
#[test]
fn invalid_utf8_is_reported_at_its_line_not_only_its_offset() {
    assert_rejected(
        &inventory_of_text("requirements.txt", b"a==1.0\nb==2.0\n\xff\n", &[]),
        "requirements.txt",
        Some(3),
        "not UTF-8 text (invalid byte at offset 14)",
    );
}

/// Found by fuzzing (`requirements_txt`, crash-46946910b64c29df185991ce4d6ce1c3f27fd32b): a
/// long option separated from its value by a Unicode space (U+3000, three bytes) sliced the
/// line one byte past the separator, inside the character, and panicked.
#[test]
fn a_requirements_option_followed_by_a_multibyte_space_is_read_instead_of_panicking() {
    let text = "--no-index\u{3000}x\n--index-url\u{3000}https://pypi.example/simple\nflask==2.0\n";
    let output = inventory_of_text("requirements.txt", text.as_bytes(), &[]);
    let err = common::stderr(&output);
    assert_eq!(common::code(&output), 0, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    let report = common::json(&output);
    assert_eq!(report["components"][0]["purl"], "pkg:pypi/flask@2.0");
}
