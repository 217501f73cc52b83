//! Bugs found by fuzzing (fuzz/, docs/robustness.md) and by the malformed-input suite
//! (tests/malformed.rs), each kept by a test named after it.

mod common;

use std::process::{Command, Stdio};

/// error (exit 2) into SIGABRT.
#[cfg(target_os = "linux")]
#[test]
fn an_error_that_cannot_be_written_to_stderr_exits_2_instead_of_aborting() {
    let dir = tempfile::tempdir().expect("temp dir");
    let full = std::fs::File::create("/dev/full").expect("/dev/full");
    let status = Command::new(env!("CARGO_BIN_EXE_depgov"))
        .args(["check", "no-such-directory"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(full)
        .status()
        .expect("run depgov");
    assert_eq!(status.code(), Some(2), "{status:?}");
}
