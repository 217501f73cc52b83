//! Workspace members' manifests: where a lockfile covers several projects (npm, pnpm, Yarn
//! classic and Berry, and uv workspaces), a member's direct dependency is located at the line of the
//! member's own manifest that declares it, and a member's dev dependencies are dev.

use crate::common::{Depgov, code, json, repo, stderr};

/// (name, kinds, location file, location line) of each component `depgov inventory TARGET`
/// lists in a copy of `tests/fixtures/DIR`.
fn located(dir: &str, target: &str) -> Vec<(String, String, String, u64)> {
    let repo = repo(dir);
    let output = Depgov::new(repo.path())
        .args(["inventory", target, "--format", "json"])
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    json(&output)["components"]
        .as_array()
        .expect("components")
        .iter()
        .map(|c| {
            let kinds: Vec<&str> = c["kinds"]
                .as_array()
                .expect("kinds")
                .iter()
                .filter_map(|k| k.as_str())
                .collect();
            (
                c["name"].as_str().unwrap_or_default().to_owned(),
                kinds.join(","),
                c["location"]["file"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                c["location"]["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

fn row(name: &str, kinds: &str, file: &str, line: u64) -> (String, String, String, u64) {
    (name.into(), kinds.into(), file.into(), line)
}

#[test]
fn npm_workspace_members_declare_their_own_dependencies() {
    let member = "workspace-members/packages/compiler-core/package.json";
    let expected = [
        row("@babel/parser", "runtime", member, 5),
        row("estree-walker", "runtime", member, 6),
        row("tinybench", "dev", member, 9),
        row("typescript", "dev", "workspace-members/package.json", 8),
    ];
    // Found by a directory scan and when the lockfile is named alone.
    for target in ["workspace-members", "workspace-members/package-lock.json"] {
        assert_eq!(located("formats/npm", target), expected, "{target}");
    }
}

#[test]
fn yarn_berry_workspace_members_declare_their_own_dependencies_and_dev_kinds() {
    let member = "workspace-members/packages/lib/package.json";
    assert_eq!(
        located("formats/yarn-berry", "workspace-members/yarn.lock"),
        [
            row("lodash", "runtime", member, 5),
            row("prettier", "dev", "workspace-members/package.json", 8),
            row("vitest", "dev", member, 8),
        ]
    );
}

#[test]
fn pnpm_importers_declare_in_their_own_package_json() {
    let located = located("formats/pnpm", "v5.4");
    let member = "v5.4/packages/ui/package.json";
    for expected in [
        row("react", "runtime", member, 5),
        row("strip-ansi", "runtime", member, 7),
        row("vitest", "dev", member, 10),
        row("typescript", "dev", "v5.4/package.json", 9),
    ] {
        assert!(located.contains(&expected), "{expected:?} in {located:?}");
    }
}

#[test]
fn uv_workspace_members_declare_in_their_own_pyproject() {
    let located = located("formats/uv", "workspace/uv.lock");
    let expected = row(
        "celery",
        "runtime",
        "workspace/services/worker/pyproject.toml",
        6,
    );
    assert!(located.contains(&expected), "{located:?}");
}

#[test]
fn yarn_classic_workspaces_named_by_the_root_globs_declare_their_own_dependencies() {
    let located = located("formats/yarn-classic", "workspace-members/yarn.lock");
    assert_eq!(
        located,
        [
            row("lerna", "dev", "workspace-members/package.json", 10),
            row(
                "mocha",
                "dev",
                "workspace-members/packages/core/package.json",
                8
            ),
            row(
                "semver",
                "runtime",
                "workspace-members/packages/cli/package.json",
                6
            ),
        ]
    );
}
