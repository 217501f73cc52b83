//! Gradle build scripts (Groovy and Kotlin DSL) with a version catalog, without a
//! gradle.lockfile.

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn kotlin_dsl_with_the_version_catalog() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/gradle-build",
        "app/build.gradle.kts"
    ));
}

#[test]
fn groovy_dsl_string_and_map_notation() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/gradle-build",
        "lib/build.gradle"
    ));
}

#[test]
fn unbalanced_braces_and_a_malformed_catalog_are_rejected_with_their_line() {
    assert_rejected(
        &inventory_of_text(
            "build.gradle",
            b"dependencies {\n  implementation 'a:b:1.0'\n}\n}\n",
            &[],
        ),
        "build.gradle",
        Some(4),
        "`}` closes no block",
    );
    let dir = tempfile::tempdir().expect("temp dir");
    crate::common::git(dir.path(), &["init", "-q"]);
    std::fs::create_dir(dir.path().join("gradle")).expect("gradle dir");
    std::fs::write(
        dir.path().join("gradle/libs.versions.toml"),
        "[libraries]\na = \n",
    )
    .expect("catalog");
    std::fs::write(
        dir.path().join("build.gradle"),
        "dependencies {\n  implementation libs.a\n}\n",
    )
    .expect("build");
    let output = crate::common::Depgov::new(dir.path())
        .args(["inventory", "build.gradle", "--format", "json"])
        .run();
    assert_rejected(
        &output,
        "build.gradle",
        None,
        "gradle/libs.versions.toml:2:",
    );
}
