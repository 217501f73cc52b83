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

#[test]
fn variables_are_no_version_and_continuations_are_joined_before_comments() {
    let text = "django==${DJANGO_VERSION}\nrequests==2.31.0 # pinned \\\nrequests==2.0.0\nflask==\\\n3.0.0 \\\n    --hash=sha256:0000\n# a comment line ending in \\\nidna==3.7\n";
    let output = inventory_of_text("requirements.txt", text.as_bytes(), &[]);
    assert_eq!(common::code(&output), 0, "{}", common::stderr(&output));
    let report = common::json(&output);
    let pins: Vec<(String, String, u64)> = report["components"]
        .as_array()
        .expect("components")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_owned(),
                c["version"].as_str().unwrap_or_default().to_owned(),
                c["location"]["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let expected = [
        ("flask", "3.0.0", 4),
        ("idna", "3.7", 8),
        ("requests", "2.31.0", 2),
    ];
    let expected: Vec<(String, String, u64)> = expected
        .iter()
        .map(|(n, v, l)| ((*n).to_owned(), (*v).to_owned(), *l))
        .collect();
    assert_eq!(pins, expected);
    let notes = report["notes"].as_array().expect("notes");
    assert!(
        notes.iter().any(|n| n["code"] == "unpinned"
            && n["line"] == 1
            && n["message"]
                .as_str()
                .is_some_and(|m| m.contains("environment variable"))),
        "{notes:?}"
    );
}
