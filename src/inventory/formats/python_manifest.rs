//! Python project manifests read on their own: `pyproject.toml` where no `uv.lock`,
//! `poetry.lock`, `pdm.lock` or `pylock.toml` beside it or in a workspace root above covers
//! it, and a `Pipfile` without its `Pipfile.lock`.
//!
//! From `pyproject.toml`: PEP 621 `[project] dependencies` (runtime) and
//! `[project.optional-dependencies]` (optional), PEP 735 `[dependency-groups]` (dev; an
//! `{include-group = …}` adds no package of its own, as the included group is read too),
//! `[tool.uv] dev-dependencies`, and Poetry's `[tool.poetry.dependencies]` (runtime; `optional
//! = true` is optional), `dev-dependencies` and `[tool.poetry.group.NAME.dependencies]` (dev,
//! except the `main` group). From a `Pipfile`: `[packages]` (runtime) and `[dev-packages]` and
//! any other category (dev). Each is a PyPI component with its specifier as the requirement
//! (PEP 440, or Poetry's `^`/`~` as written), located at its declaration; `==1.2.3`, and
//! Poetry's bare `1.2.3`, give the version. Git, path and URL dependencies are components from that source; an archive URL is
//! noted, not inventoried.

use super::manifest::{self, Declared};
use super::python::{self, Group, Manifest, Requirement};
use crate::inventory::{Coverage, Format, Input, Note, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::{Ecosystem, Kind, Source};

pub struct PyprojectToml;

pub struct Pipfile;

impl Format for PyprojectToml {
    fn name(&self) -> &'static str {
        "python-pyproject"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Pypi)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "pyproject.toml"
    }

    fn covered_by(&self) -> Option<Coverage> {
        Some(Coverage {
            lockfiles: &["uv.lock", "poetry.lock", "pdm.lock", "pylock.toml"],
            from_above: true,
        })
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let manifest = Manifest::read_pyproject(&input.file)?;
        Ok(components(input.file.path, &manifest))
    }
}

impl Format for Pipfile {
    fn name(&self) -> &'static str {
        "pipfile"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Pypi)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "Pipfile"
    }

    fn covered_by(&self) -> Option<Coverage> {
        Some(Coverage {
            lockfiles: &["Pipfile.lock"],
            from_above: false,
        })
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let manifest = Manifest::read_pipfile(&input.file)?;
        Ok(components(input.file.path, &manifest))
    }
}

/// Whether a specifier is a version without an operator.
fn bare(specifier: &str) -> bool {
    specifier.trim().starts_with(|c: char| c.is_ascii_digit())
}

/// The components a Python manifest declares, and notes on what it declares that is none.
fn components(file: &str, manifest: &Manifest) -> Parsed {
    let mut declared = Vec::new();
    let mut notes = Vec::new();
    for declaration in manifest.declared() {
        let dependency = Declared::new(Ecosystem::Pypi, &declaration.name, "", declaration.line);
        let dependency = match &declaration.requirement {
            Requirement::Version(specifier) => Declared {
                requirement: specifier.clone(),
                ..dependency
            }
            .resolves_to(
                // Poetry reads a bare version as exactly that version.
                python::pinned(specifier)
                    .map(str::to_owned)
                    .or_else(|| manifest::exact_version(specifier).filter(|_| bare(specifier))),
            ),
            Requirement::Git { url, rev } => Declared {
                requirement: rev.clone().unwrap_or_default(),
                source: Source::Git {
                    url: url.clone(),
                    rev: rev.clone(),
                },
                ..dependency
            },
            Requirement::Path(path) => Declared {
                source: python::local_source(file, path),
                ..dependency
            },
            Requirement::Url(url) => {
                notes.push(Note::new(
                    NoteCode::UnknownSource,
                    Some(declaration.line),
                    format!(
                        "`{}` is fetched from `{url}`, which depgov does not identify",
                        declaration.name
                    ),
                ));
                continue;
            }
        };
        let (kind, optional) = match declaration.group {
            Group::Runtime => (Kind::Runtime, false),
            Group::Optional => (Kind::Runtime, true),
            Group::Dev => (Kind::Dev, false),
        };
        declared.push(dependency.kind(kind).optional(optional));
    }
    let root = python::project_label(file, Some(manifest));
    Parsed {
        components: manifest::components(Ecosystem::Pypi, file, &root, declared),
        notes,
    }
}
