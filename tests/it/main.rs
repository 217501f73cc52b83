//! The integration tests, as one test binary (`it`) so that the crates they link (tokio, hyper,
//! rustls, guppy…) are linked once. Each module below was a file `tests/NAME.rs` of its own and
//! is now `tests/it/NAME.rs`; `common/` holds what they share: the `Depgov` command builder
//! every test runs the binary with, and the fake GitHub API. Fixtures stay in
//! `tests/fixtures/`; snapshots are in `tests/it/snapshots/`, named `it__MODULE__NAME.snap`.
//! Cargo.toml sets `autotests = false`, so a new test file must be declared here.

mod common;

mod action;
mod check_cargo;
mod criteria;
mod discovery;
mod docs;
mod explain;
mod facts_installed;
mod facts_remote;
mod format_cargo_lock;
mod format_composer;
mod format_composer_json;
mod format_dotnet;
mod format_gemfile;
mod format_gemfile_lock;
mod format_go_mod;
mod format_gradle;
mod format_gradle_build;
mod format_maven;
mod format_npm;
mod format_nuget;
mod format_package_json;
mod format_pipfile;
mod format_pnpm;
mod format_poetry;
mod format_pylock;
mod format_python_manifest;
mod format_requirements;
mod format_sbom;
mod format_uv;
mod format_yarn;
mod gate;
mod github_comment;
mod internal_error;
mod malformed;
mod manifests;
mod maven_transitive;
mod org_scan;
mod policy_lifecycle;
mod policy_tools;
mod radar;
mod references;
mod regressions;
mod reporters;
mod sbom_out;
mod security;
mod security_github;
mod terminal;
mod vulnerabilities;
mod workspaces;
