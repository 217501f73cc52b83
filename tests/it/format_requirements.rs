//! pip requirements files: requirements*.txt, *-requirements.txt, requirements/*.txt.

use crate::common;
use crate::common::{Depgov, assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn hand_written_pins_references_indexes_and_options() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/requirements",
        "app/requirements.txt"
    ));
}

#[test]
fn a_dev_file_name_marks_its_components_dev() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/requirements",
        "app/requirements-dev.txt"
    ));
}

#[test]
fn pip_compile_via_annotations_tell_direct_from_indirect() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/requirements",
        "compiled/requirements/main.txt"
    ));
}

#[test]
fn files_in_a_requirements_directory_are_named_by_their_stem() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/requirements",
        "compiled/requirements/tests.txt"
    ));
}

#[test]
fn discovery_finds_requirements_files_by_name_and_by_directory() {
    let repo = common::repo("formats/requirements");
    let output = Depgov::new(repo.path())
        .args(["inventory", ".", "--format", "json"])
        .run();
    assert_eq!(common::code(&output), 0, "{}", common::stderr(&output));
    let report = common::json(&output);
    let inputs: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        inputs,
        [
            "app/requirements-dev.txt",
            "app/requirements.txt",
            "compiled/requirements/main.txt",
            "compiled/requirements/tests.txt"
        ]
    );
}

#[test]
fn malformed_requirements_are_rejected_with_their_line() {
    let garbage = "flask==3.0.3\n%%% not a requirement\n";
    assert_rejected(
        &inventory_of_text("requirements.txt", garbage.as_bytes(), &[]),
        "requirements.txt",
        Some(2),
        "does not start with a package name",
    );
    // Cut off after the operator.
    let truncated = "requests==2.32.3 \\\n    --hash=sha256:00\nflask==";
    assert_rejected(
        &inventory_of_text("requirements.txt", truncated.as_bytes(), &[]),
        "requirements.txt",
        Some(3),
        "`==` is not a version specifier",
    );
    let bad_specifier = "flask!!3\n";
    assert_rejected(
        &inventory_of_text("requirements-test.txt", bad_specifier.as_bytes(), &[]),
        "requirements-test.txt",
        Some(1),
        "is not a version specifier",
    );
    let open_extras = "\n\nrequests[socks==2.32.3\n";
    assert_rejected(
        &inventory_of_text("requirements.txt", open_extras.as_bytes(), &[]),
        "requirements.txt",
        Some(3),
        "the extras are not closed",
    );
    assert_rejected(
        &inventory_of_text("requirements.txt", b"--index-url\nflask==3.0.3\n", &[]),
        "requirements.txt",
        Some(1),
        "`--index-url` needs a URL",
    );
    assert_rejected(
        &inventory_of_text("requirements.txt", b"\xff\xfe\x00garbage", &[]),
        "requirements.txt",
        None,
        "not UTF-8",
    );
}
