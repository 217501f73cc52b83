//! Gradle's gradle.lockfile and buildscript-gradle.lockfile.

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn gradle_lockfile_kinds_follow_configurations() {
    insta::assert_snapshot!(inventory_snapshot("formats/gradle", "app/gradle.lockfile"));
}

#[test]
fn buildscript_lockfile_is_build_classpath() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/gradle",
        "buildscript/buildscript-gradle.lockfile"
    ));
}

#[test]
fn malformed_gradle_lockfiles_are_rejected_with_their_line() {
    let reject = |text: &str, line: Option<u32>, mentions: &str| {
        assert_rejected(
            &inventory_of_text("gradle.lockfile", text.as_bytes(), &[]),
            "gradle.lockfile",
            line,
            mentions,
        );
    };
    let header = "# This is a Gradle generated file for dependency locking.\n";
    reject(
        &format!("{header}com.google.guava:guava:33.0.0-jre=compileClasspath\n"),
        None,
        "no `empty=` line",
    );
    reject(
        &format!("{header}com.google.guava:guava:33.0.0-jre\nempty=\n"),
        Some(2),
        "expected `group:artifact:version=configurations`",
    );
    reject(
        &format!("{header}com.google.guava:33.0.0-jre=compileClasspath\nempty=\n"),
        Some(2),
        "expected `group:artifact:version=configurations`",
    );
    reject(
        &format!("{header}com.google.guava:guava:33.0.0-jre=\nempty=\n"),
        Some(2),
        "expected `group:artifact:version=configurations`",
    );
    reject("<html>not a lockfile</html>\n", Some(1), "expected");
}
