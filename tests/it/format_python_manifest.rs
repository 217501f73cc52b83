//! pyproject.toml (PEP 621, PEP 735, Poetry) and Pipfile read on their own.

use crate::common::{assert_rejected, inventory_of_text, inventory_snapshot};

#[test]
fn pep_621_dependencies_extras_and_dependency_groups() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/python-manifest",
        "pep621/pyproject.toml"
    ));
}

#[test]
fn poetry_dependencies_and_groups() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/python-manifest",
        "poetry/pyproject.toml"
    ));
}

#[test]
fn a_pipfile_without_its_lock() {
    insta::assert_snapshot!(inventory_snapshot(
        "formats/python-manifest",
        "pipenv/Pipfile"
    ));
}

#[test]
fn malformed_python_manifests_are_rejected_with_their_line() {
    assert_rejected(
        &inventory_of_text(
            "pyproject.toml",
            b"[project]\nname = \"a\"\ndependencies = [\"x\"\n",
            &[],
        ),
        "pyproject.toml",
        Some(3),
        "",
    );
    assert_rejected(
        &inventory_of_text(
            "Pipfile",
            b"[packages]\nflask = \"*\"\nflask = \"*\"\n",
            &[],
        ),
        "Pipfile",
        Some(3),
        "duplicate key",
    );
}
