//! Maven's transitive dependencies from deps.dev's resolved dependency graphs (issue 18): the
//! real binary on a `pom.xml` against the fake deps.dev (`common/fake_sources/`), whose graphs
//! come from the `depends_on` of its catalogue. Paths through the graph, the scope each
//! dependency passes on, Maven's nearest-wins, the cache offline, a deps.dev that fails, and
//! the PR gate.

use std::path::Path;

use serde_json::Value;

use crate::common::fake_sources::{FakeSources, Fault, Package, Route};
use crate::common::{Depgov, code, git, stderr, stdout};

const POLICY: &str = r#"version = 1

[defaults]
ring = "adopt"

[licenses]
unknown = "adopt"
unlisted = "adopt"

[[components]]
purl = "pkg:maven/com.fasterxml.jackson.core/jackson-annotations"
ring = "hold"
reason = "Testing the gate"
"#;

/// One `<dependency>`: group, artifact, version, scope (empty for the default).
type Dependency<'a> = (&'a str, &'a str, &'a str, &'a str);

fn pom(dependencies: &[Dependency]) -> String {
    let dependencies: String = dependencies
        .iter()
        .map(|(group, artifact, version, scope)| {
            let scope = if scope.is_empty() {
                String::new()
            } else {
                format!("      <scope>{scope}</scope>\n")
            };
            format!(
                "    <dependency>\n      <groupId>{group}</groupId>\n      <artifactId>{artifact}</artifactId>\n      <version>{version}</version>\n{scope}    </dependency>\n"
            )
        })
        .collect();
    format!(
        "<project>\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>com.example</groupId>\n  <artifactId>service</artifactId>\n  <version>1.0.0</version>\n  <dependencies>\n{dependencies}  </dependencies>\n</project>\n"
    )
}

/// Every scope, a version declared both directly and transitively, a tie and a nearer
/// version, a version deps.dev does not know and a range.
const DIRECT: [Dependency; 7] = [
    ("org.springframework", "spring-web", "6.1.0", ""),
    (
        "com.fasterxml.jackson.core",
        "jackson-databind",
        "2.15.0",
        "",
    ),
    ("com.fasterxml.jackson.core", "jackson-core", "2.17.0", ""),
    ("io.micrometer", "micrometer-core", "1.13.0", "runtime"),
    ("org.junit.jupiter", "junit-jupiter-api", "5.10.0", "test"),
    ("org.example", "container-api", "1.0.0", "provided"),
    ("com.example.internal", "unpublished", "1.0.0", ""),
];

/// The fake deps.dev, knowing the graphs of [`DIRECT`].
fn fake() -> FakeSources {
    let fake = FakeSources::start();
    for package in [
        Package::maven("org.springframework:spring-web", "6.1.0")
            .depends_on("org.springframework:spring-core", "6.1.0")
            .depends_on("io.micrometer:micrometer-observation", "1.12.0"),
        Package::maven("org.springframework:spring-core", "6.1.0")
            .depends_on("org.springframework:spring-jcl", "6.1.0"),
        Package::maven("org.springframework:spring-jcl", "6.1.0"),
        Package::maven("io.micrometer:micrometer-observation", "1.12.0")
            .depends_on("io.micrometer:micrometer-commons", "1.12.0"),
        Package::maven("io.micrometer:micrometer-commons", "1.12.0"),
        Package::maven("com.fasterxml.jackson.core:jackson-databind", "2.15.0")
            .depends_on("com.fasterxml.jackson.core:jackson-annotations", "2.15.0")
            .depends_on("com.fasterxml.jackson.core:jackson-core", "2.15.0"),
        Package::maven("com.fasterxml.jackson.core:jackson-annotations", "2.15.0"),
        Package::maven("com.fasterxml.jackson.core:jackson-core", "2.15.0"),
        Package::maven("com.fasterxml.jackson.core:jackson-core", "2.17.0"),
        Package::maven("io.micrometer:micrometer-core", "1.13.0")
            .depends_on("io.micrometer:micrometer-observation", "1.13.0")
            .depends_on("io.micrometer:micrometer-commons", "1.13.0"),
        Package::maven("io.micrometer:micrometer-observation", "1.13.0")
            .depends_on("io.micrometer:micrometer-commons", "1.13.0"),
        Package::maven("io.micrometer:micrometer-commons", "1.13.0"),
        Package::maven("org.junit.jupiter:junit-jupiter-api", "5.10.0")
            .depends_on("org.opentest4j:opentest4j", "1.3.0"),
        Package::maven("org.opentest4j:opentest4j", "1.3.0"),
        Package::maven("org.example:container-api", "1.0.0")
            .depends_on("org.example:container-spi", "1.0.0"),
        Package::maven("org.example:container-spi", "1.0.0"),
    ] {
        fake.add(package.license("Apache-2.0"));
    }
    fake
}

fn write(dir: &Path, path: &str, text: &str) {
    let path = dir.join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// A git repository with the policy and `service/pom.xml` declaring `dependencies`.
fn repository(dependencies: &[Dependency]) -> tempfile::TempDir {
    let repo = tempfile::tempdir().expect("temp dir");
    write(repo.path(), "depgov.toml", POLICY);
    write(repo.path(), "service/pom.xml", &pom(dependencies));
    git(repo.path(), &["init", "-q", "-b", "main"]);
    git(repo.path(), &["add", "."]);
    git(repo.path(), &["commit", "-qm", "base"]);
    repo
}

/// depgov with facts from `fake` and its cache in `cache`.
fn depgov(dir: &Path, fake: &FakeSources, cache: &Path, args: &[&str]) -> std::process::Output {
    let output = Depgov::new(dir)
        .facts_from(fake)
        .env("DEPGOV_CACHE_DIR", cache)
        .args(args)
        .run();
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    assert_ne!(code(&output), 2, "{}", stderr(&output));
    output
}

/// The JSON inventory of `dir`, with facts from `fake`.
fn inventory(dir: &Path, fake: &FakeSources, cache: &Path) -> Value {
    report(&depgov(
        dir,
        fake,
        cache,
        &["inventory", "--format", "json"],
    ))
}

fn report(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(output)))
}

/// `name version [kinds] path location-line` of every component that is not direct.
fn transitive(report: &Value) -> Vec<String> {
    report["components"]
        .as_array()
        .expect("components")
        .iter()
        .filter(|c| c["direct"] == false)
        .map(|c| {
            let list = |v: &Value| {
                v.as_array()
                    .expect("a list")
                    .iter()
                    .map(|k| k.as_str().unwrap_or("?").to_owned())
                    .collect::<Vec<_>>()
                    .join(" > ")
            };
            format!(
                "{} {} [{}] {} :{}",
                c["name"].as_str().unwrap_or("?"),
                c["version"].as_str().unwrap_or("?"),
                list(&c["kinds"]),
                list(&c["path"]),
                c["location"]["line"]
            )
        })
        .collect()
}

/// The notes of `code`: their messages.
fn notes(report: &Value, code: &str) -> Vec<String> {
    report["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter(|n| n["code"] == code)
        .map(|n| n["message"].as_str().unwrap_or("?").to_owned())
        .collect()
}

/// The report with what changes from run to run (when facts were fetched, the version of
/// depgov) blanked.
fn redacted(mut value: Value) -> Value {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map.iter_mut() {
                    if key == "fetched" {
                        *inner = "[fetched]".into();
                    } else {
                        walk(inner);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    value["tool"]["version"] = "[version]".into();
    value
}

#[test]
fn the_graphs_of_direct_dependencies_add_their_transitive_dependencies_as_maven_mediates() {
    let fake = fake();
    let mut direct = DIRECT.to_vec();
    direct.push(("org.example", "ranged", "[1.0,2.0)", ""));
    let repo = repository(&direct);
    let cache = tempfile::tempdir().expect("cache");
    let output = depgov(
        repo.path(),
        &fake,
        cache.path(),
        &["inventory", "--format", "json"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = report(&output);
    assert_eq!(
        transitive(&report),
        [
            // jackson-core is declared (2.17.0): the declared version wins, no transitive one.
            "com.fasterxml.jackson.core:jackson-annotations 2.15.0 [runtime] com.example:service > com.fasterxml.jackson.core:jackson-databind > com.fasterxml.jackson.core:jackson-annotations :12",
            // Nearest wins: 1.13.0 is one step from micrometer-core, 1.12.0 two from spring-web.
            "io.micrometer:micrometer-commons 1.13.0 [runtime] com.example:service > io.micrometer:micrometer-core > io.micrometer:micrometer-commons :22",
            // A tie (one step from spring-web and from micrometer-core): the first declared.
            "io.micrometer:micrometer-observation 1.12.0 [runtime] com.example:service > org.springframework:spring-web > io.micrometer:micrometer-observation :7",
            // Provided passes on as provided (build), test as test (dev).
            "org.example:container-spi 1.0.0 [build] com.example:service > org.example:container-api > org.example:container-spi :34",
            "org.opentest4j:opentest4j 1.3.0 [dev] com.example:service > org.junit.jupiter:junit-jupiter-api > org.opentest4j:opentest4j :28",
            "org.springframework:spring-core 6.1.0 [runtime] com.example:service > org.springframework:spring-web > org.springframework:spring-core :7",
            "org.springframework:spring-jcl 6.1.0 [runtime] com.example:service > org.springframework:spring-web > org.springframework:spring-core > org.springframework:spring-jcl :7",
        ]
    );
    assert_eq!(
        fake.count(Route::DepsDevDependencies),
        7,
        "one per exact version"
    );
    assert_eq!(notes(&report, "manifest-only"), Vec::<String>::new());
    assert_eq!(notes(&report, "manifest-resolved").len(), 1);
    assert_eq!(
        notes(&report, "transitive-unknown"),
        [
            "the transitive dependencies of com.example.internal:unpublished are unknown: deps.dev does not know their version",
            "the transitive dependencies of org.example:ranged are unknown: their requirement names no one version to resolve",
        ]
    );
    insta::assert_snapshot!(serde_json::to_string_pretty(&redacted(report.clone())).expect("JSON"));

    let human = stdout(&depgov(repo.path(), &fake, cache.path(), &["check"]));
    assert!(
        human.contains("Read from manifests without a lockfile: their transitive dependencies are deps.dev's resolution of each direct dependency.\n  service/pom.xml\n"),
        "{human}"
    );
    let markdown = stdout(&depgov(
        repo.path(),
        &fake,
        cache.path(),
        &["check", "--format", "markdown"],
    ));
    assert!(
        markdown.contains(
            "**Transitive dependencies from deps.dev** (no lockfile): service/pom\\.xml."
        ),
        "{markdown}"
    );
    assert!(
        markdown
            .replace('\\', "")
            .contains("service/pom.xml: the transitive dependencies of com.example.internal:unpublished are unknown"),
        "{markdown}"
    );
}

#[test]
fn exclusions_leave_what_they_name_and_what_only_it_brings_out() {
    let fake = fake();
    let dependency = |artifact: &str, exclusions: &[(&str, &str)]| {
        let exclusions: String = exclusions
            .iter()
            .map(|(group, artifact)| {
                format!("<exclusion><groupId>{group}</groupId><artifactId>{artifact}</artifactId></exclusion>")
            })
            .collect();
        format!(
            "<dependency><groupId>org.springframework</groupId><artifactId>{artifact}</artifactId><version>6.1.0</version><exclusions>{exclusions}</exclusions></dependency>"
        )
    };
    for (exclusions, left) in [
        // spring-core and spring-jcl, which only spring-core brings.
        (
            vec![("org.springframework", "spring-core")],
            vec![
                "io.micrometer:micrometer-commons",
                "io.micrometer:micrometer-observation",
            ],
        ),
        (
            vec![("io.micrometer", "*")],
            vec![
                "org.springframework:spring-core",
                "org.springframework:spring-jcl",
            ],
        ),
        (vec![("*", "*")], vec![]),
    ] {
        let pom = format!(
            "<project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId><artifactId>service</artifactId><version>1.0.0</version><dependencies>{}</dependencies></project>\n",
            dependency("spring-web", &exclusions)
        );
        let repo = repository(&[]);
        write(repo.path(), "service/pom.xml", &pom);
        let cache = tempfile::tempdir().expect("cache");
        let report = inventory(repo.path(), &fake, cache.path());
        let names: Vec<String> = transitive(&report)
            .iter()
            .map(|line| line.split(' ').next().unwrap_or("").to_owned())
            .collect();
        assert_eq!(names, left, "{exclusions:?}");
    }
}

#[test]
fn offline_the_cache_serves_the_graphs_and_without_them_only_direct_dependencies_are_known() {
    let fake = fake();
    let repo = repository(&DIRECT[..2]);
    let cache = tempfile::tempdir().expect("cache");
    let online = inventory(repo.path(), &fake, cache.path());
    fake.forget_requests();
    let args = ["inventory", "--offline", "--format", "json"];
    let warm = report(&depgov(repo.path(), &fake, cache.path(), &args));
    assert_eq!(fake.total(), 0, "{:?}", fake.requests());
    assert_eq!(transitive(&warm), transitive(&online));
    assert_eq!(transitive(&warm).len(), 6);
    assert_eq!(notes(&warm, "manifest-resolved").len(), 1);

    let cold_cache = tempfile::tempdir().expect("cache");
    let cold = report(&depgov(repo.path(), &fake, cold_cache.path(), &args));
    assert_eq!(fake.total(), 0);
    assert_eq!(transitive(&cold), Vec::<String>::new());
    assert_eq!(notes(&cold, "manifest-only").len(), 1);
    assert_eq!(
        notes(&cold, "transitive-unknown"),
        [
            "the transitive dependencies of org.springframework:spring-web, com.fasterxml.jackson.core:jackson-databind are unknown: offline, and the cache holds no deps.dev dependency graph of them"
        ]
    );
}

#[test]
fn a_failing_depsdev_leaves_direct_dependencies_and_a_note_never_exit_2() {
    let fake = fake();
    fake.always(Route::DepsDevDependencies, Fault::status(500));
    let repo = repository(&DIRECT[..2]);
    let cache = tempfile::tempdir().expect("cache");
    let output = depgov(
        repo.path(),
        &fake,
        cache.path(),
        &["check", "--format", "json"],
    );
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = report(&output);
    assert_eq!(transitive(&report), Vec::<String>::new());
    assert_eq!(notes(&report, "manifest-only").len(), 1);
    let unknown = notes(&report, "transitive-unknown");
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert!(
        unknown[0].starts_with("the transitive dependencies of org.springframework:spring-web, com.fasterxml.jackson.core:jackson-databind are unknown: deps.dev could not be reached (500"),
        "{unknown:?}"
    );
    // Three attempts each at most (both are asked at once), then deps.dev is down.
    assert!(fake.count(Route::DepsDevDependencies) <= 6);
    let human = stdout(&depgov(repo.path(), &fake, cache.path(), &["check"]));
    assert_eq!(
        human
            .lines()
            .filter(|l| l.contains("deps.dev could not be reached (500"))
            .count(),
        2,
        "the warning and the note: {human}"
    );
}

#[test]
fn without_depsdev_in_the_sources_no_graph_is_asked_for() {
    let fake = fake();
    let repo = repository(&DIRECT[..2]);
    write(
        repo.path(),
        "depgov.toml",
        &format!("{POLICY}\n[facts]\nsources = [\"registries\"]\n"),
    );
    let cache = tempfile::tempdir().expect("cache");
    let report = inventory(repo.path(), &fake, cache.path());
    assert_eq!(fake.count(Route::DepsDevDependencies), 0);
    assert_eq!(transitive(&report), Vec::<String>::new());
    assert_eq!(notes(&report, "manifest-only").len(), 1);
    assert_eq!(notes(&report, "transitive-unknown"), Vec::<String>::new());
}

#[test]
fn the_gate_grades_a_transitive_dependency_a_pom_change_brings_as_new() {
    let fake = fake();
    let repo = repository(&DIRECT[..1]);
    let dir = repo.path();
    git(dir, &["checkout", "-q", "-b", "feature"]);
    write(dir, "service/pom.xml", &pom(&DIRECT[..2]));
    git(dir, &["commit", "-qam", "jackson"]);
    let cache = tempfile::tempdir().expect("cache");
    let output = depgov(
        dir,
        &fake,
        cache.path(),
        &["check", "--base", "main", "--format", "json"],
    );
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report = report(&output);
    let findings: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let text = |pointer: &str| f.pointer(pointer).and_then(Value::as_str).unwrap_or("-");
            (
                text("/component/name").to_owned(),
                text("/change").to_owned(),
                f["path"].as_array().map_or(0, Vec::len).to_string(),
            )
        })
        .collect();
    assert_eq!(
        findings,
        [(
            "com.fasterxml.jackson.core:jackson-annotations".to_owned(),
            "new".to_owned(),
            "3".to_owned()
        )]
    );
}

#[test]
fn scan_org_resolves_every_repository_asking_for_each_graph_once() {
    use crate::common::fake_github::org::FakeRepo;
    use crate::common::fake_github::{FakeGitHub, TokenKind};
    const TOKEN: &str = "ghp_maven0transitive0sentinel012345678";
    let github = FakeGitHub::start(TOKEN, TokenKind::User("ospo".into()), "");
    let service = pom(&DIRECT[..1]);
    github.add_org(
        "acme",
        false,
        vec![
            FakeRepo::new("web").file("pom.xml", &service),
            FakeRepo::new("api").file("api/pom.xml", &service),
        ],
    );
    let fake = fake();
    let workspace = tempfile::tempdir().expect("temp dir");
    write(workspace.path(), "policy.toml", POLICY);
    let output = crate::facts_remote::scan_org(workspace.path(), &fake, &github.api_url(), TOKEN)
        .env("DEPGOV_CACHE_DIR", workspace.path().join("cache"))
        .run();
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    assert_eq!(fake.count(Route::DepsDevDependencies), 1);
    let report =
        std::fs::read_to_string(workspace.path().join("out/report.json")).expect("report.json");
    assert!(
        report.contains("org.springframework:spring-jcl"),
        "a transitive dependency of each repository's spring-web: {report}"
    );
}
