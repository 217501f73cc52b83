//! Bugs found by fuzzing (fuzz/, docs/robustness.md) and by the malformed-input suite
//! (tests/malformed.rs), each kept by a test named after it.

mod common;

use std::process::{Command, Stdio};

use common::{assert_rejected, inventory_of_text};

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
