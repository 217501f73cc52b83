//! An unexpected panic in the real binary ends in exit code 2 (never 0, which would pass a
//! gate, nor 1, which would look like findings), a short message that asks for a report, and
//! nothing on standard output.
//!
//! The panic is a real one, not a test hook compiled into the binary: `RUST_MIN_STACK`, which
//! the standard library honours in every build, asks for thread stacks larger than the
//! address space, so the thread `check --base` starts to read the base cannot be spawned and
//! the standard library panics. That is the kind of failure the handler exists for: one
//! depgov cannot recover from and did not anticipate.

use std::process::{Output, Stdio};

use crate::common;
use crate::common::{Depgov, code, git, repo, stderr};

/// 1 PiB: page-aligned, and more than any machine can map.
const IMPOSSIBLE_STACK: &str = "1125899906842624";

fn check_base_with_impossible_stacks(stderr_to: Stdio) -> Output {
    let repo = repo("formats/npm/v3");
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-qm", "base"]);
    Depgov::new(repo.path())
        .args(["check", "--base", "HEAD"])
        .env("RUST_MIN_STACK", IMPOSSIBLE_STACK)
        .env_remove("RUST_BACKTRACE")
        .stdout(Stdio::piped())
        .stderr(stderr_to)
        .run()
}

#[test]
fn an_unexpected_panic_exits_2_with_a_short_request_to_report_it() {
    let output = check_base_with_impossible_stacks(Stdio::piped());
    let err = stderr(&output);
    assert_eq!(code(&output), 2, "{err}");
    assert!(output.stdout.is_empty(), "{}", common::stdout(&output));
    assert!(err.starts_with("depgov: internal error: "), "{err}");
    assert!(err.contains("failed to spawn thread"), "{err}");
    assert!(err.contains("This is a bug in depgov"), "{err}");
    assert!(
        err.contains("Please report it with the command you ran."),
        "{err}"
    );
    assert!(
        err.lines().count() <= 4,
        "a short message, no backtrace: {err}"
    );
}

/// The handler itself must not panic when standard error cannot be written: a panic inside
/// the panic hook aborts the process, which a CI job would see as a signal, not exit 2.
#[cfg(target_os = "linux")]
#[test]
fn a_panic_with_an_unwritable_standard_error_still_exits_2() {
    let full = std::fs::File::create("/dev/full").expect("/dev/full");
    let output = check_base_with_impossible_stacks(Stdio::from(full));
    assert_eq!(output.status.code(), Some(2), "{:?}", output.status);
}
