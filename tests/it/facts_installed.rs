//! Facts from installed trees, without network: each test writes a repository with a lockfile
//! (as its package manager documents it) and the installed tree beside it or in a cache the
//! environment names, runs the real binary offline, and reads the license, where it came from
//! (`facts.license`: source, file, and the confidence of a license recognised by its text),
//! the repository and the deprecation. `HOME` is an empty temp dir in every run, so that no
//! cache of the machine running the tests is read.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{self, Depgov, code, git, stderr};

/// The MIT license's text, as a package ships it.
const MIT: &str = "MIT License

Copyright (c) 2024 Acme Corp.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the \"Software\"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
";

/// MIT with the end of its disclaimer cut away: close to MIT (its best match, about 0.83),
/// below the threshold of 0.95.
fn near_miss() -> String {
    let cut = MIT.find("NONINFRINGEMENT").expect("MIT's disclaimer");
    format!("{}NONINFRINGEMENT.\n", &MIT[..cut])
}

fn write(root: &Path, path: &str, text: impl AsRef<[u8]>) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dirs");
    std::fs::write(path, text).expect("write file");
}

fn repository() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    git(dir.path(), &["init", "-q"]);
    dir
}

/// depgov in `repo`, with an empty `HOME` and the environment given.
fn depgov(repo: &Path, home: &Path, env: &[(&str, &Path)]) -> Depgov {
    let mut depgov = Depgov::new(repo);
    depgov.env("HOME", home).env("USERPROFILE", home);
    for (key, value) in env {
        depgov.env(key, value);
    }
    depgov
}

/// `depgov inventory FILE --format json`, which must succeed.
fn inventory(repo: &Path, file: &str, env: &[(&str, &Path)]) -> Value {
    let home = tempfile::tempdir().expect("temp home");
    let output = depgov(repo, home.path(), env)
        .args(["inventory", file, "--format", "json"])
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    common::json(&output)
}

/// The component named `name`.
fn component<'a>(inventory: &'a Value, name: &str) -> &'a Value {
    inventory["components"]
        .as_array()
        .expect("components")
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no component {name} in {inventory:#}"))
}

/// Asserts a component's license and where it came from (source and file).
fn assert_license(component: &Value, license: &str, source: &str, file: &str) {
    assert_eq!(component["license"], license, "{component:#}");
    assert_eq!(
        component["facts"]["license"]["source"], source,
        "{component:#}"
    );
    assert_eq!(component["facts"]["license"]["file"], file, "{component:#}");
}

/// Asserts a license recognised from a license file's text, with its confidence.
fn assert_license_text(component: &Value, license: &str, file: &str) {
    assert_license(component, license, "license-text", file);
    let confidence = component["facts"]["license"]["confidence"]
        .as_f64()
        .unwrap_or_else(|| panic!("a confidence: {component:#}"));
    assert!((0.95..=1.0).contains(&confidence), "{component:#}");
}

/// Asserts that a component's license is still unknown and nothing claims to know it.
fn assert_no_license(component: &Value) {
    assert_eq!(component["license"], Value::Null, "{component:#}");
    assert!(component["facts"]["license"].is_null(), "{component:#}");
}

fn npm_lock(packages: &[(&str, &str)]) -> String {
    let root_deps: Vec<String> = packages
        .iter()
        .filter(|(path, _)| path.matches("node_modules/").count() == 1)
        .map(|(path, _)| format!(r#""{}": "*""#, path.trim_start_matches("node_modules/")))
        .collect();
    let entries: Vec<String> = packages
        .iter()
        .map(|(path, version)| {
            let name = path.rsplit("node_modules/").next().unwrap_or(path);
            format!(
                r#""{path}": {{"version": "{version}", "resolved": "https://registry.npmjs.org/{name}/-/x-{version}.tgz", "integrity": "sha512-AAAA"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"name": "web", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": {{
  "": {{"name": "web", "version": "1.0.0", "dependencies": {{{}}}}},
  {}
}}}}"#,
        root_deps.join(", "),
        entries.join(",\n  ")
    )
}

/// An npm project: `node_modules` with a nested and a scoped package, one whose license is
/// only in its LICENSE file, one whose LICENSE is a near miss, a damaged package.json, a
/// deprecated package and a GPL one.
fn npm_project() -> TempDir {
    let repo = repository();
    let root = repo.path();
    write(
        root,
        "package-lock.json",
        npm_lock(&[
            ("node_modules/plain", "1.0.0"),
            ("node_modules/plain/node_modules/nested", "0.1.0"),
            ("node_modules/@scope/pkg", "2.0.0"),
            ("node_modules/file-only", "1.0.0"),
            ("node_modules/near-miss", "1.0.0"),
            ("node_modules/damaged", "1.0.0"),
            ("node_modules/old", "1.0.0"),
            ("node_modules/copyleft", "3.0.0"),
        ]),
    );
    let nm = "node_modules";
    write(
        root,
        &format!("{nm}/plain/package.json"),
        r#"{"name": "plain", "version": "1.0.0", "license": "MIT", "repository": "github:acme/plain"}"#,
    );
    write(
        root,
        &format!("{nm}/plain/node_modules/nested/package.json"),
        r#"{"name": "nested", "version": "0.1.0", "license": {"type": "ISC", "url": "https://opensource.org/licenses/ISC"},
           "repository": {"type": "git", "url": "git+ssh://git@github.com/acme/nested.git"}}"#,
    );
    write(
        root,
        &format!("{nm}/@scope/pkg/package.json"),
        r#"{"name": "@scope/pkg", "version": "2.0.0", "licenses": [{"type": "MIT"}, {"type": "Apache-2.0"}]}"#,
    );
    write(
        root,
        &format!("{nm}/file-only/package.json"),
        r#"{"name": "file-only", "version": "1.0.0"}"#,
    );
    write(root, &format!("{nm}/file-only/LICENSE"), MIT);
    write(
        root,
        &format!("{nm}/near-miss/package.json"),
        r#"{"name": "near-miss", "version": "1.0.0"}"#,
    );
    write(root, &format!("{nm}/near-miss/LICENSE.md"), near_miss());
    write(
        root,
        &format!("{nm}/damaged/package.json"),
        r#"{"name": "damaged", "version": "1.0.0", "license": "MIT""#,
    );
    write(root, &format!("{nm}/damaged/LICENSE"), MIT);
    write(
        root,
        &format!("{nm}/old/package.json"),
        r#"{"name": "old", "version": "1.0.0", "license": "MIT", "deprecated": "use plain instead"}"#,
    );
    write(
        root,
        &format!("{nm}/copyleft/package.json"),
        r#"{"name": "copyleft", "version": "3.0.0", "license": "GPL-3.0-only"}"#,
    );
    write(root, &format!("{nm}/.bin/not-a-package"), "#!/bin/sh\n");
    repo
}

#[test]
fn npm_node_modules_nested_scoped_and_license_files() {
    let repo = npm_project();
    let json = inventory(repo.path(), "package-lock.json", &[]);

    let plain = component(&json, "plain");
    assert_license(
        plain,
        "MIT",
        "node-modules",
        "node_modules/plain/package.json",
    );
    assert_eq!(
        plain["facts"]["repository"]["value"],
        "https://github.com/acme/plain"
    );
    assert_license(
        component(&json, "nested"),
        "ISC",
        "node-modules",
        "node_modules/plain/node_modules/nested/package.json",
    );
    assert_eq!(
        component(&json, "nested")["facts"]["repository"]["value"],
        "https://github.com/acme/nested"
    );
    assert_license(
        component(&json, "@scope/pkg"),
        "MIT OR Apache-2.0",
        "node-modules",
        "node_modules/@scope/pkg/package.json",
    );
    assert_license_text(
        component(&json, "file-only"),
        "MIT",
        "node_modules/file-only/LICENSE",
    );
    // A near miss below the threshold is no answer: the package declares nothing else.
    assert_no_license(component(&json, "near-miss"));
    // A damaged package.json is no answer at all, not even from the LICENSE beside it.
    assert_no_license(component(&json, "damaged"));

    let old = &component(&json, "old")["facts"]["deprecated"];
    assert_eq!(old["value"]["set"], true, "{old:#}");
    assert_eq!(old["value"]["message"], "use plain instead");
    assert_eq!(old["source"], "node-modules");
    assert_eq!(old["file"], "node_modules/old/package.json");
    assert!(component(&json, "plain")["facts"]["deprecated"].is_null());
}

#[test]
fn check_holds_a_license_read_from_node_modules() {
    let repo = npm_project();
    write(
        repo.path(),
        "depgov.toml",
        "version = 1\nname = \"Web\"\n[licenses]\nadopt = [\"MIT\", \"ISC\", \"Apache-2.0\"]\nremove = [\"GPL-3.0-only\"]\n",
    );
    let home = tempfile::tempdir().expect("temp home");
    let output = depgov(repo.path(), home.path(), &[])
        .args(["check", "--format", "json"])
        .run();
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = common::json(&output);
    let text = report.to_string();
    assert!(text.contains("copyleft"), "{report:#}");
    assert!(text.contains("GPL-3.0-only"), "{report:#}");
    let held = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f.to_string().contains("GPL-3.0-only"))
        .count();
    assert!(held >= 1, "{report:#}");
}

#[test]
fn explain_shows_where_each_fact_came_from() {
    let repo = npm_project();
    let home = tempfile::tempdir().expect("temp home");
    for name in ["file-only", "old"] {
        let output = depgov(repo.path(), home.path(), &[])
            .args(["explain", name])
            .run();
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        insta::assert_snapshot!(name, common::stdout(&output));
    }
}

#[cfg(unix)]
#[test]
fn pnpm_store_is_read_directly_and_a_link_loop_ends() {
    use std::os::unix::fs::symlink;

    let repo = repository();
    let root = repo.path();
    write(
        root,
        "pnpm-lock.yaml",
        r"lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      '@scope/bar':
        specifier: ^2.0.0
        version: 2.0.0
      foo:
        specifier: ^1.0.0
        version: 1.0.0(@scope/bar@2.0.0)

packages:

  '@scope/bar@2.0.0':
    resolution: {integrity: sha512-AAAA==}

  foo@1.0.0:
    resolution: {integrity: sha512-BBBB==}
    peerDependencies:
      '@scope/bar': ^2.0.0

snapshots:

  '@scope/bar@2.0.0': {}

  foo@1.0.0(@scope/bar@2.0.0):
    dependencies:
      '@scope/bar': 2.0.0
",
    );
    write(
        root,
        "package.json",
        r#"{"name": "web", "dependencies": {"foo": "^1.0.0", "@scope/bar": "^2.0.0"}}"#,
    );
    let store = root.join("node_modules/.pnpm");
    let bar = "@scope+bar@2.0.0/node_modules/@scope/bar";
    let foo = "foo@1.0.0_@scope+bar@2.0.0/node_modules/foo";
    write(
        &store,
        &format!("{bar}/package.json"),
        r#"{"name": "@scope/bar", "version": "2.0.0", "repository": "https://gitlab.com/scope/bar"}"#,
    );
    write(&store, &format!("{bar}/LICENSE"), MIT);
    write(
        &store,
        &format!("{foo}/package.json"),
        r#"{"name": "foo", "version": "1.0.0", "license": "BSD-3-Clause"}"#,
    );
    let link = |target: &str, at: &str| {
        let at = root.join(at);
        std::fs::create_dir_all(at.parent().expect("parent")).expect("create dirs");
        symlink(target, at).expect("symlink");
    };
    // pnpm's links: the direct dependencies, foo's peer, the hoisted store.
    link(
        ".pnpm/foo@1.0.0_@scope+bar@2.0.0/node_modules/foo",
        "node_modules/foo",
    );
    link(
        "../.pnpm/@scope+bar@2.0.0/node_modules/@scope/bar",
        "node_modules/@scope/bar",
    );
    link(
        "../../../@scope+bar@2.0.0/node_modules/@scope/bar",
        "node_modules/.pnpm/foo@1.0.0_@scope+bar@2.0.0/node_modules/@scope/bar",
    );
    link(
        "../foo@1.0.0_@scope+bar@2.0.0/node_modules/foo",
        "node_modules/.pnpm/node_modules/foo",
    );
    // And loops back up the tree, which a walk following links would never leave.
    link(
        "../../..",
        "node_modules/.pnpm/foo@1.0.0_@scope+bar@2.0.0/node_modules/foo/node_modules/up",
    );
    link("..", "node_modules/.pnpm/loop");

    let out = tempfile::NamedTempFile::new().expect("temp file");
    let home = tempfile::tempdir().expect("temp home");
    let mut running = depgov(root, home.path(), &[])
        .args(["inventory", "pnpm-lock.yaml", "--format", "json"])
        .stdout(out.reopen().expect("reopen"))
        .spawn();
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = running.child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = running.child.kill();
            panic!("depgov did not finish within 60 s: a link loop was followed");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success());
    let json: Value =
        serde_json::from_slice(&std::fs::read(out.path()).expect("read output")).expect("JSON");
    assert_license(
        component(&json, "foo"),
        "BSD-3-Clause",
        "node-modules",
        "node_modules/.pnpm/foo@1.0.0_@scope+bar@2.0.0/node_modules/foo/package.json",
    );
    let bar = component(&json, "@scope/bar");
    assert_license_text(
        bar,
        "MIT",
        "node_modules/.pnpm/@scope+bar@2.0.0/node_modules/@scope/bar/LICENSE",
    );
    assert_eq!(
        bar["facts"]["repository"]["value"],
        "https://gitlab.com/scope/bar"
    );
    assert_eq!(
        bar["facts"]["repository"]["file"],
        "node_modules/.pnpm/@scope+bar@2.0.0/node_modules/@scope/bar/package.json"
    );
}

const SITE: &str = ".venv/lib/python3.12/site-packages";

#[test]
fn python_venv_metadata_classifiers_and_license_files() {
    let repo = repository();
    let root = repo.path();
    write(
        root,
        "requirements.txt",
        "alpha==1.0.0\nBeta_Pkg==2.0\ngamma==3.0.0\nbroken==1.0\ndelta==4.0\n",
    );
    write(
        root,
        &format!("{SITE}/alpha-1.0.0.dist-info/METADATA"),
        "Metadata-Version: 2.4\nName: alpha\nVersion: 1.0.0\nLicense-Expression: Apache-2.0\nLicense-File: LICENSE\nClassifier: License :: OSI Approved :: MIT License\nProject-URL: Documentation, https://alpha.readthedocs.io\nProject-URL: Source, https://github.com/acme/alpha\n\nLicense: the description is not a header\n",
    );
    write(
        root,
        &format!("{SITE}/beta_pkg-2.0.dist-info/METADATA"),
        "Metadata-Version: 2.1\nName: Beta.Pkg\nVersion: 2.0\nLicense: Permission to use, copy, modify\n        and distribute this software is granted.\nClassifier: Programming Language :: Python :: 3\nClassifier: License :: OSI Approved :: ISC License (ISCL)\nHome-page: https://gitlab.com/acme/beta\n",
    );
    write(
        root,
        &format!("{SITE}/gamma-3.0.0.dist-info/METADATA"),
        "Metadata-Version: 2.4\nName: gamma\nVersion: 3.0.0\nLicense-File: LICENSE.txt\n",
    );
    write(
        root,
        &format!("{SITE}/gamma-3.0.0.dist-info/licenses/LICENSE.txt"),
        MIT,
    );
    write(
        root,
        &format!("{SITE}/broken-1.0.dist-info/METADATA"),
        b"\xff\xfe\x00N\x00a\x00m\x00e\x00\n\x00".as_slice(),
    );
    write(root, &format!("{SITE}/broken-1.0.dist-info/LICENSE"), MIT);
    write(
        root,
        "venv/Lib/site-packages/delta-4.0.dist-info/METADATA",
        "Name: delta\nVersion: 4.0\nLicense: BSD-2-Clause\n",
    );
    let json = inventory(root, "requirements.txt", &[]);

    let alpha = component(&json, "alpha");
    assert_license(
        alpha,
        "Apache-2.0",
        "python-environment",
        &format!("{SITE}/alpha-1.0.0.dist-info/METADATA"),
    );
    assert_eq!(
        alpha["facts"]["repository"]["value"],
        "https://github.com/acme/alpha"
    );
    let beta = component(&json, "Beta_Pkg");
    assert_license(
        beta,
        "ISC",
        "python-environment",
        &format!("{SITE}/beta_pkg-2.0.dist-info/METADATA"),
    );
    assert_eq!(
        beta["facts"]["repository"]["value"],
        "https://gitlab.com/acme/beta"
    );
    assert_license_text(
        component(&json, "gamma"),
        "MIT",
        &format!("{SITE}/gamma-3.0.0.dist-info/licenses/LICENSE.txt"),
    );
    assert_no_license(component(&json, "broken"));
    assert_license(
        component(&json, "delta"),
        "BSD-2-Clause",
        "python-environment",
        "venv/Lib/site-packages/delta-4.0.dist-info/METADATA",
    );
}

#[test]
fn python_virtual_env_outside_the_repository() {
    let repo = repository();
    write(repo.path(), "requirements.txt", "epsilon==5.0\n");
    let env = tempfile::tempdir().expect("temp env");
    write(
        env.path(),
        "lib/python3.11/site-packages/epsilon-5.0.dist-info/METADATA",
        "Name: epsilon\nVersion: 5.0\nLicense: MIT\n",
    );
    let json = inventory(
        repo.path(),
        "requirements.txt",
        &[("VIRTUAL_ENV", env.path())],
    );
    assert_license(
        component(&json, "epsilon"),
        "MIT",
        "python-environment",
        "$VIRTUAL_ENV/lib/python3.11/site-packages/epsilon-5.0.dist-info/METADATA",
    );
    // Without VIRTUAL_ENV, nothing is known.
    assert_no_license(component(
        &inventory(repo.path(), "requirements.txt", &[]),
        "epsilon",
    ));
}

/// A Go module cache holding a case-encoded module with a license file, and a deprecated
/// module's go.mod.
fn go_cache(cache: &Path) {
    write(
        cache,
        "github.com/!burnt!sushi/toml@v1.3.2/COPYING",
        MIT.replace("MIT License\n\n", ""),
    );
    write(
        cache,
        "github.com/!burnt!sushi/toml@v1.3.2/go.mod",
        "module github.com/BurntSushi/toml\n",
    );
    write(
        cache,
        "example.com/old@v1.0.0/go.mod",
        "module example.com/old\n",
    );
    write(
        cache,
        "cache/download/example.com/old/@v/v1.0.0.mod",
        "// Package old was the first try.\n//\n// Deprecated: use example.com/new\n// instead.\nmodule example.com/old\n\ngo 1.20\n",
    );
}

#[test]
fn go_module_cache_license_files_and_deprecation() {
    let repo = repository();
    write(
        repo.path(),
        "go.mod",
        "module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/BurntSushi/toml v1.3.2\n\texample.com/old v1.0.0\n\texample.com/absent v0.1.0\n)\n",
    );
    let cache = tempfile::tempdir().expect("temp cache");
    go_cache(cache.path());
    let json = inventory(repo.path(), "go.mod", &[("GOMODCACHE", cache.path())]);

    assert_license_text(
        component(&json, "github.com/BurntSushi/toml"),
        "MIT",
        "$GOMODCACHE/github.com/!burnt!sushi/toml@v1.3.2/COPYING",
    );
    let old = component(&json, "example.com/old");
    // Its module declares no license file.
    assert_no_license(old);
    let deprecated = &old["facts"]["deprecated"];
    assert_eq!(deprecated["value"]["set"], true, "{old:#}");
    assert_eq!(
        deprecated["value"]["message"],
        "use example.com/new instead."
    );
    assert_eq!(deprecated["source"], "go-module-cache");
    assert_eq!(
        deprecated["file"],
        "$GOMODCACHE/cache/download/example.com/old/@v/v1.0.0.mod"
    );
    assert_no_license(component(&json, "example.com/absent"));

    // Without GOMODCACHE, GOPATH's first entry's pkg/mod is the cache.
    let gopath = tempfile::tempdir().expect("temp GOPATH");
    go_cache(&gopath.path().join("pkg/mod"));
    let paths =
        std::env::join_paths([gopath.path(), Path::new("/nonexistent/gopath")]).expect("GOPATH");
    let json = inventory(repo.path(), "go.mod", &[("GOPATH", Path::new(&paths))]);
    assert_license_text(
        component(&json, "github.com/BurntSushi/toml"),
        "MIT",
        "$GOMODCACHE/github.com/!burnt!sushi/toml@v1.3.2/COPYING",
    );
}

const COMPOSER_JSON: &str = r#"{"name": "acme/app", "require": {"acme/kept": "^1.2", "acme/old": "^2.0", "acme/bare": "^1.0"}}"#;

const COMPOSER_LOCK: &str = r#"{
    "_readme": ["This file locks the dependencies of your project to a known state"],
    "content-hash": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "packages": [
        {"name": "acme/bare", "version": "1.0.0", "type": "library"},
        {"name": "acme/kept", "version": "v1.2.0", "type": "library",
         "source": {"type": "git", "url": "https://github.com/acme/kept.git", "reference": "0123456789abcdef0123456789abcdef01234567"}},
        {"name": "acme/old", "version": "2.0.0", "type": "library"}
    ],
    "packages-dev": [],
    "aliases": [],
    "minimum-stability": "stable",
    "stability-flags": {},
    "prefer-stable": false,
    "prefer-lowest": false,
    "platform": {},
    "platform-dev": {},
    "plugin-api-version": "2.6.0"
}"#;

fn composer_project(installed: &str) -> TempDir {
    let repo = repository();
    write(repo.path(), "composer.json", COMPOSER_JSON);
    write(repo.path(), "composer.lock", COMPOSER_LOCK);
    write(repo.path(), "vendor/composer/installed.json", installed);
    write(repo.path(), "vendor/acme/bare/LICENSE", MIT);
    repo
}

#[test]
fn composer_2_installed_json_with_abandoned_packages() {
    let repo = composer_project(
        r#"{
    "packages": [
        {"name": "acme/bare", "version": "1.0.0", "version_normalized": "1.0.0.0", "type": "library",
         "install-path": "../acme/bare"},
        {"name": "acme/kept", "version": "v1.2.0", "version_normalized": "1.2.0.0",
         "source": {"type": "git", "url": "https://github.com/acme/kept.git", "reference": "0123456789abcdef0123456789abcdef01234567"},
         "type": "library", "license": ["MIT", "Apache-2.0"], "install-path": "../acme/kept"},
        {"name": "acme/old", "version": "2.0.0", "version_normalized": "2.0.0.0", "type": "library",
         "license": ["BSD-3-Clause"], "abandoned": "acme/new", "install-path": "../acme/old"}
    ],
    "dev": true,
    "dev-package-names": []
}"#,
    );
    let json = inventory(repo.path(), "composer.lock", &[]);
    let kept = component(&json, "acme/kept");
    assert_license(
        kept,
        "MIT OR Apache-2.0",
        "composer-installed",
        "vendor/composer/installed.json",
    );
    assert_eq!(
        kept["facts"]["repository"]["value"],
        "https://github.com/acme/kept"
    );
    let old = component(&json, "acme/old");
    assert_license(
        old,
        "BSD-3-Clause",
        "composer-installed",
        "vendor/composer/installed.json",
    );
    assert_eq!(old["facts"]["deprecated"]["value"]["set"], true);
    assert_eq!(
        old["facts"]["deprecated"]["value"]["message"],
        "abandoned; use acme/new instead"
    );
    assert_license_text(
        component(&json, "acme/bare"),
        "MIT",
        "vendor/acme/bare/LICENSE",
    );
}

#[test]
fn composer_1_installed_json_with_an_abandoned_package() {
    let repo = composer_project(
        r#"[
    {"name": "acme/kept", "version": "v1.2.0", "version_normalized": "1.2.0.0", "license": ["MIT"]},
    {"name": "acme/old", "version": "2.0.0", "license": ["BSD-3-Clause"], "abandoned": true}
]"#,
    );
    let json = inventory(repo.path(), "composer.lock", &[]);
    assert_license(
        component(&json, "acme/kept"),
        "MIT",
        "composer-installed",
        "vendor/composer/installed.json",
    );
    let old = &component(&json, "acme/old")["facts"]["deprecated"];
    assert_eq!(old["value"]["set"], true, "{old:#}");
    assert_eq!(old["value"]["message"], "abandoned");
    // No install-path in Composer 1's entry: its LICENSE is not looked for.
    assert_no_license(component(&json, "acme/bare"));
}

#[test]
fn nuget_nuspec_expression_file_and_url_licenses() {
    let repo = repository();
    write(
        repo.path(),
        "packages.lock.json",
        r#"{
  "version": 1,
  "dependencies": {
    "net8.0": {
      "Acme.Expr": {"type": "Direct", "requested": "[1.0.0, )", "resolved": "1.0.0", "contentHash": "AAAA"},
      "Acme.File": {"type": "Transitive", "resolved": "2.0.0", "contentHash": "BBBB"},
      "Acme.Url": {"type": "Transitive", "resolved": "3.0.0", "contentHash": "CCCC"}
    }
  }
}"#,
    );
    let packages = tempfile::tempdir().expect("temp packages");
    let nuspec = |id: &str, metadata: &str| {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>{id}</id>
    {metadata}
  </metadata>
</package>"#
        )
    };
    write(
        packages.path(),
        "acme.expr/1.0.0/acme.expr.nuspec",
        nuspec(
            "Acme.Expr",
            r#"<version>1.0.0</version>
    <license type="expression">Apache-2.0 OR MIT</license>
    <licenseUrl>https://licenses.nuget.org/Apache-2.0%20OR%20MIT</licenseUrl>
    <repository type="git" url="https://github.com/acme/expr.git" />"#,
        ),
    );
    write(
        packages.path(),
        "acme.file/2.0.0/acme.file.nuspec",
        nuspec(
            "Acme.File",
            r#"<version>2.0.0</version>
    <license type="file">docs\LICENSE.txt</license>
    <projectUrl>https://github.com/acme/file</projectUrl>"#,
        ),
    );
    write(packages.path(), "acme.file/2.0.0/docs/LICENSE.txt", MIT);
    write(
        packages.path(),
        "acme.url/3.0.0/Acme.Url.nuspec",
        nuspec(
            "Acme.Url",
            "<version>3.0.0</version>\n    <licenseUrl>https://acme.example/license</licenseUrl>",
        ),
    );
    let json = inventory(
        repo.path(),
        "packages.lock.json",
        &[("NUGET_PACKAGES", packages.path())],
    );
    let expr = component(&json, "Acme.Expr");
    assert_license(
        expr,
        "Apache-2.0 OR MIT",
        "nuget-packages",
        "$NUGET_PACKAGES/acme.expr/1.0.0/acme.expr.nuspec",
    );
    assert_eq!(
        expr["facts"]["repository"]["value"],
        "https://github.com/acme/expr"
    );
    let file = component(&json, "Acme.File");
    assert_license_text(
        file,
        "MIT",
        "$NUGET_PACKAGES/acme.file/2.0.0/docs/LICENSE.txt",
    );
    assert_eq!(
        file["facts"]["repository"]["value"],
        "https://github.com/acme/file"
    );
    // A license URL alone names no license.
    assert_no_license(component(&json, "Acme.Url"));
}
