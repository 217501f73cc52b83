//! Criterion benchmarks of depgov's hot paths, in process: lockfile parsing per format (every
//! format's test fixtures, and the files of the shared corpus when it is present), policy
//! loading and component matching, license evaluation, the criteria of acceptability
//! (`[criteria]`) on a corpus-sized set of components with cached facts, rendering each report
//! format, and reading installed trees for facts (a synthesized 2,000-package `node_modules`).
//! The criteria are measured in the thread's CPU time, the rest in wall time. Whole-command
//! figures, against `cargo metadata` and cargo-deny, come from bench/compare.sh.
//!
//! `cargo bench --bench hot_paths [FILTER]`; the corpus is found at ../shared/corpus,
//! ../../shared/corpus or $DEPGOV_CORPUS.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use depgov::evaluate::evaluate;
use depgov::facts::installed::{Installed, license_text};
use depgov::inventory::{Document, Format, Input, Inventory, formats};
use depgov::model::facts::Facts;
use depgov::model::license::License;
use depgov::model::{Component, ComponentId, Ecosystem, Kind, Location, Rule, Source};
use depgov::policy::{self, Criteria, Policy, PolicyOrigin};
use depgov::report::{self, Report};
use serde_json::json;

/// Components in the synthesized inventory that matching, evaluation and rendering work on:
/// about a large application's dependency graph.
const COMPONENTS: usize = 2_000;

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir`, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The format that reads `path`, as discovery picks it (by name, then by content).
fn format_of(path: &str, text: &str) -> Option<&'static dyn Format> {
    formats::all()
        .iter()
        .copied()
        .find(|format| format.matches_path(path) && format.sniff(text))
}

/// Parses one file with its manifest, as `depgov inventory FILE` does.
fn parse(format: &dyn Format, path: &str, text: &str, manifest: Option<(&str, &str)>) -> usize {
    let input = Input {
        file: Document { path, text },
        manifest: manifest.map(|(path, text)| Document { path, text }),
        members: &[],
        context: &[],
    };
    format
        .parse(&input)
        .map_or(0, |parsed| parsed.components.len())
}

fn bench_parse(c: &mut Criterion, group_name: &str, root: &Path) {
    let mut group = c.benchmark_group(group_name);
    for file in files(root) {
        let path = file
            .strip_prefix(root)
            .expect("below root")
            .to_string_lossy();
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let Some(format) = format_of(&path, &text) else {
            continue;
        };
        let manifest_path = format
            .manifest_name()
            .map(|name| file.with_file_name(name))
            .filter(|m| m.exists());
        let manifest_text = manifest_path
            .as_ref()
            .map(|m| std::fs::read_to_string(m).expect("manifest"));
        let manifest_name = manifest_path
            .as_ref()
            .map(|m| m.strip_prefix(root).expect("below root").to_string_lossy());
        let manifest = manifest_name.as_deref().zip(manifest_text.as_deref());
        if parse(format, &path, &text, manifest) == 0 {
            continue;
        }
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(BenchmarkId::new(format.name(), &path), |b| {
            b.iter(|| parse(format, black_box(&path), black_box(&text), manifest))
        });
    }
    group.finish();
}

fn parsing(c: &mut Criterion) {
    // Cargo.lock licenses are looked up in $CARGO_HOME/registry/src: this measures parsing,
    // not this machine's registry cache.
    // SAFETY: no other thread runs yet (criterion runs benchmarks on this one).
    unsafe { std::env::set_var("CARGO_HOME", "/nonexistent/depgov-bench-cargo-home") };
    bench_parse(
        c,
        "parse/fixture",
        &repository().join("tests/fixtures/formats"),
    );
    let corpus = std::env::var_os("DEPGOV_CORPUS")
        .map(PathBuf::from)
        .into_iter()
        .chain(["../shared/corpus", "../../shared/corpus"].map(|p| repository().join(p)))
        .find(|p| p.is_dir());
    if let Some(corpus) = corpus {
        bench_parse(c, "parse/corpus", &corpus);
    }
}

/// Declared licenses as packages write them: SPDX ids and expressions, deprecated ids, a
/// license that is not SPDX, none at all.
const LICENSES: &[Option<&str>] = &[
    Some("MIT"),
    Some("MIT OR Apache-2.0"),
    Some("Apache-2.0"),
    Some("ISC"),
    Some("BSD-3-Clause"),
    Some("(MIT AND BSD-3-Clause) OR Apache-2.0 WITH LLVM-exception"),
    Some("MPL-2.0"),
    Some("GPL-3.0"),
    Some("LGPL-2.1-or-later"),
    Some("MIT/Apache-2.0"),
    Some("Commons Clause, see LICENSE"),
    None,
];

/// The components of a synthesized package-lock.json (v3) of [`COMPONENTS`] packages, read by
/// the npm format: 40 direct dependencies, each package depending on the next four, a seventh
/// of them dev-only, licenses from [`LICENSES`].
fn components() -> Vec<Component> {
    let name = |i: usize| match i % 4 {
        0 => format!("@scope-{}/pkg-{i}", i % 50),
        _ => format!("pkg-{i}"),
    };
    let requires = |range: std::ops::Range<usize>| -> serde_json::Map<String, serde_json::Value> {
        range
            .filter(|j| *j < COMPONENTS)
            .map(|j| (name(j), "*".into()))
            .collect()
    };
    let mut packages = serde_json::Map::new();
    packages.insert(
        String::new(),
        json!({"name": "app", "version": "1.0.0", "dependencies": requires(0..40)}),
    );
    for i in 0..COMPONENTS {
        let mut entry = json!({
            "version": format!("{}.{}.{}", i % 5, i % 17, i % 3),
            "resolved": format!("https://registry.npmjs.org/{0}/-/{0}-1.0.0.tgz", name(i)),
            "dependencies": requires(40 + 4 * i..44 + 4 * i),
        });
        if let Some(license) = LICENSES[i % LICENSES.len()] {
            entry["license"] = license.into();
        }
        if i % 7 == 0 {
            entry["dev"] = true.into();
        }
        packages.insert(format!("node_modules/{}", name(i)), entry);
    }
    let lock = json!({"name": "app", "lockfileVersion": 3, "packages": packages}).to_string();
    let npm = format_of("package-lock.json", &lock).expect("the npm format");
    let input = Input {
        file: Document {
            path: "package-lock.json",
            text: &lock,
        },
        manifest: None,
        members: &[],
        context: &[],
    };
    npm.parse(&input).expect("a valid lockfile").components
}

/// The embedded default policy plus 300 component entries: exact versions, name globs, scope
/// globs and version ranges, so that matching has to look at all of them.
fn large_policy() -> Policy {
    let mut text = std::fs::read_to_string(repository().join("policies/default.toml"))
        .expect("default policy");
    for i in 0..300 {
        let (purl, extra) = match i % 4 {
            0 => (
                format!("pkg:npm/pkg-{}", i * 7),
                format!("versions = \"={}.{}.0\"\n", i % 5, i % 17),
            ),
            1 => (format!("pkg:npm/%40scope-{}/*", i % 50), String::new()),
            2 => (format!("pkg:npm/pkg-{}*", i * 3), String::new()),
            _ => (
                format!("pkg:npm/pkg-{}", i * 5),
                "versions = \"<2.0.0\"\n".to_owned(),
            ),
        };
        let ring = ["hold", "assess", "remove", "trial"][i % 4];
        text.push_str(&format!(
            "\n[[components]]\npurl = \"{purl}\"\n{extra}ring = \"{ring}\"\nreason = \"benchmark entry {i}\"\n"
        ));
    }
    policy::parse(
        "depgov.toml",
        &text,
        PolicyOrigin::File("depgov.toml".into()),
    )
    .unwrap_or_else(|e| panic!("{}", e.render()))
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 1).expect("a date")
}

fn policies(c: &mut Criterion) {
    let default = std::fs::read_to_string(repository().join("policies/default.toml"))
        .expect("default policy");
    c.bench_function("policy/load-default", |b| {
        b.iter(|| {
            policy::parse(
                "depgov.toml",
                black_box(&default),
                PolicyOrigin::File("depgov.toml".into()),
            )
        })
    });
    let policy = large_policy();
    let components = components();
    let mut group = c.benchmark_group("policy");
    group.throughput(Throughput::Elements(components.len() as u64));
    group.bench_function("match-300-entries", |b| {
        b.iter(|| {
            components
                .iter()
                .filter(|c| policy.entry_for(black_box(&c.id)).is_some())
                .count()
        })
    });
    group.finish();
}

fn licenses(c: &mut Criterion) {
    let mut group = c.benchmark_group("license");
    group.throughput(Throughput::Elements(LICENSES.len() as u64));
    group.bench_function("read-declared", |b| {
        b.iter(|| {
            LICENSES
                .iter()
                .map(|text| License::from_declared(black_box(*text)))
                .collect::<Vec<_>>()
        })
    });
    // evaluate() with no component entries: every component is judged on its license (and
    // its source), which is what this measures.
    let policy = policy::embedded();
    let components = components();
    group.throughput(Throughput::Elements(components.len() as u64));
    group.bench_function("evaluate-default-policy", |b| {
        b.iter(|| {
            evaluate(black_box(&components), &policy, today())
                .findings
                .len()
        })
    });
    let large = large_policy();
    group.bench_function("evaluate-300-entry-policy", |b| {
        b.iter(|| {
            evaluate(black_box(&components), &large, today())
                .findings
                .len()
        })
    });
    group.finish();
}

/// Components in the criteria benchmark: about as many as the shared corpus holds.
const CORPUS_COMPONENTS: usize = 11_600;

/// [`CORPUS_COMPONENTS`] registry components in the corpus's proportions (seven in ten npm,
/// then Cargo, PyPI, Go and Maven), each with the facts a cached run gives the criteria: a
/// publish date (some within the too-new cooldown), the newest release (some stale), a
/// deprecation and a yank now and then, a Scorecard of ten checks (inconclusive ones among
/// them, a tenth below 3), the previous release (some relicensed), a PEP 792 status for some
/// PyPI projects; one in twenty has no facts at all (unreachable), for `health-unknown`.
///
/// With `healthy`, the same components pass every criterion: each has every fact, a recent
/// release, a good Scorecard and the license of its previous release — what judging costs
/// without the findings.
fn corpus_with_facts(healthy: bool) -> Vec<Component> {
    let source =
        |fact_source: &str| json!({"source": fact_source, "fetched": "2026-12-30T08:00:00Z"});
    let fact = |value: serde_json::Value, from: &str| {
        let mut fact = source(from);
        fact["value"] = value;
        fact
    };
    let day = |days_ago: usize| {
        (today() - chrono::Days::new(days_ago as u64))
            .format("%Y-%m-%dT10:20:30Z")
            .to_string()
    };
    (0..CORPUS_COMPONENTS)
        .map(|i| {
            let (ecosystem, registry, from, lockfile) = match i % 100 {
                0..72 => (Ecosystem::Npm, depgov::model::registry::NPMJS, "deps-dev", "package-lock.json"),
                72..91 => (Ecosystem::Cargo, depgov::model::registry::CRATES_IO, "crates-io", "Cargo.lock"),
                91..95 => (Ecosystem::Pypi, "https://pypi.org/simple", "pypi", "poetry.lock"),
                95..99 => (Ecosystem::Golang, "https://proxy.golang.org", "deps-dev", "go.mod"),
                _ => (Ecosystem::Maven, "https://repo.maven.apache.org/maven2", "deps-dev", "pom.xml"),
            };
            let license = LICENSES[i % LICENSES.len()].unwrap_or("MIT");
            let mut facts = json!({
                "published": fact(json!(day(i % 900 + 1)), from),
                "latest_release": fact(json!(day(i % 1_100)), from),
                "deprecated": fact(json!({"set": i % 50 == 0, "message": "use something else"}), from),
                "yanked": fact(json!({"set": i % 100 == 73}), from),
                "previous_release": fact(
                    json!({"version": "0.9.0", "license": if i % 40 == 0 { "BUSL-1.1" } else { license }}),
                    from,
                ),
            });
            if i % 3 != 0 {
                let checks: Vec<serde_json::Value> = (0..10_i64)
                    .map(|c| json!({"name": format!("Check-{c}"), "score": if c % 4 == 3 { -1 } else { (i as i64 + c) % 11 }, "reason": "as measured"}))
                    .collect();
                facts["scorecard"] = fact(
                    json!({"repository": format!("github.com/acme/pkg-{i}"), "score": if i % 10 == 1 { 2.1 } else { 6.4 }, "checks": checks}),
                    "deps-dev",
                );
            }
            if ecosystem == Ecosystem::Pypi && i % 7 == 0 {
                facts["project_status"] = fact(json!({"status": "archived", "reason": "read-only"}), "pypi");
            }
            if healthy {
                facts["published"] = fact(json!(day(i % 700 + 3)), from);
                facts["latest_release"] = fact(json!(day(i % 700)), from);
                facts["deprecated"] = fact(json!({"set": false}), from);
                facts["yanked"] = fact(json!({"set": false}), from);
                facts["previous_release"] = fact(json!({"version": "0.9.0", "license": license}), from);
                facts["scorecard"] = fact(
                    json!({"repository": format!("github.com/acme/pkg-{i}"), "score": 6.4, "checks": []}),
                    "deps-dev",
                );
                if let Some(status) = facts.as_object_mut() {
                    status.remove("project_status");
                }
            } else if i % 20 == 7 {
                facts = json!({"unavailable": {"why": "unreachable", "sources": ["deps.dev"]}});
            }
            Component {
                id: ComponentId::new(ecosystem, &format!("pkg-{i}"), &format!("{}.{}.{}", i % 5, i % 17, i % 3)).into(),
                license: License::from_declared(Some(license)),
                source: Source::Registry { url: registry.to_owned() },
                kinds: [Kind::Runtime].into(),
                optional: false,
                direct: i % 10 == 0,
                path: ["app".to_owned(), format!("pkg-{i}")].into(),
                // Where the lockfile records it, as every component read from one has.
                location: Some(Location { file: lockfile.into(), line: i as u32 + 1 }),
                dependents: Vec::new(),
                excluded: Vec::new(),
                facts: Box::new(serde_json::from_value::<Facts>(facts).expect("facts as the cache holds them")),
            }
        })
        .collect()
}

/// The CPU time of the measuring thread (`CLOCK_THREAD_CPUTIME_ID`), in nanoseconds: unlike
/// wall time, it does not grow when other processes share the machine's cores, so a difference
/// of a few milliseconds between two runs of ~50 ms stays measurable on a busy machine.
struct ThreadCpuTime;

impl ThreadCpuTime {
    fn now() -> u64 {
        let mut time = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `time` is a valid timespec for the call to write.
        let failed = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut time) };
        assert_eq!(failed, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
        time.tv_sec as u64 * 1_000_000_000 + time.tv_nsec as u64
    }
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        ThreadCpuTime::now()
    }

    fn end(&self, start: u64) -> u64 {
        ThreadCpuTime::now().saturating_sub(start)
    }

    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }

    fn zero(&self) -> u64 {
        0
    }

    fn to_f64(&self, value: &u64) -> f64 {
        *value as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        // Nanoseconds, shown as wall time is.
        static WALL_TIME: WallTime = WallTime;
        WALL_TIME.formatter()
    }
}

/// What the criteria of acceptability add to evaluation: the default policy with its
/// `[criteria]`, and the same policy without them, on the same components and facts; in
/// thread CPU time ([`ThreadCpuTime`]).
fn criteria(c: &mut Criterion<ThreadCpuTime>) {
    let with = policy::embedded();
    let mut without = with.clone();
    without.criteria = Criteria::default();
    let mut group = c.benchmark_group("criteria");
    group.throughput(Throughput::Elements(CORPUS_COMPONENTS as u64));
    for (set, healthy) in [("evaluate-11600", false), ("evaluate-11600-healthy", true)] {
        // In the order a run evaluates them: the inventory's.
        let mut inventory = Inventory {
            components: corpus_with_facts(healthy),
            ..Inventory::default()
        };
        inventory.sort();
        for (name, policy) in [("without", &without), ("with", &with)] {
            group.bench_function(BenchmarkId::new(set, name), |b| {
                // A run leaves its findings to the operating system as it exits (`depgov
                // check` forgets its report), so dropping them is not measured.
                b.iter_with_large_drop(|| {
                    evaluate(black_box(&inventory.components), policy, today())
                })
            });
        }
        // The cost itself, measured in pairs: each iteration times the run without the
        // criteria and the run with them back to back, in alternating order (neither always
        // finds the caches the other warmed), and the difference of the sums is reported.
        // What else loads the machine drifts over seconds: it slows both runs of a pair alike
        // and cancels out, where the two functions above are measured seconds apart.
        group.bench_function(BenchmarkId::new(set, "cost"), |b| {
            b.iter_custom(|iterations| {
                let mut spent = [0_u64; 2];
                for iteration in 0..iterations {
                    let order = if iteration % 2 == 0 { [0, 1] } else { [1, 0] };
                    for run in order {
                        let policy = [&without, &with][run];
                        let start = ThreadCpuTime::now();
                        let evaluation =
                            evaluate(black_box(&inventory.components), policy, today());
                        spent[run] += ThreadCpuTime::now().saturating_sub(start);
                        drop(evaluation);
                    }
                }
                // Criterion refuses a sample of no time: a pair whose runs took the same
                // (or the one with the criteria less, by noise) counts one nanosecond.
                spent[1].saturating_sub(spent[0]).max(1)
            })
        });
        // The least any evaluation that hands its findings over as data can spend on them:
        // copying the criteria's findings of the run, message, evidence and all, without
        // judging anything or writing a word (the healthy set has none to copy).
        if !healthy {
            let criteria_findings: Vec<_> = evaluate(&inventory.components, &with, today())
                .findings
                .into_iter()
                .filter(|finding| {
                    finding.rule == Rule::HealthUnknown
                        || depgov::model::Criterion::ALL
                            .iter()
                            .any(|criterion| criterion.rule() == finding.rule)
                })
                .collect();
            group.bench_function(BenchmarkId::new(set, "findings-copy"), |b| {
                b.iter_with_large_drop(|| black_box(&criteria_findings).clone())
            });
        }
    }
    group.finish();
}

fn reports(c: &mut Criterion) {
    let policy = large_policy();
    let components = components();
    let evaluation = evaluate(&components, &policy, today());
    let mut inventory = Inventory::default();
    inventory.add("package-lock.json".into(), "npm-package-lock", components);
    let report = Report::new(inventory, evaluation, Vec::new(), &policy);
    let mut group = c.benchmark_group("report");
    group.throughput(Throughput::Elements(report.components.len() as u64));
    for (name, format) in [
        ("human", report::Format::Human),
        ("json", report::Format::Json),
        ("github", report::Format::Github),
        ("markdown", report::Format::Markdown),
        ("sarif", report::Format::Sarif),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut out = Vec::with_capacity(1 << 20);
                report.write(format, &mut out).expect("in memory");
                out.len()
            })
        });
    }
    group.finish();
}

/// The MIT license's text.
const MIT_TEXT: &str = "MIT License

Copyright (c) {year} Acme Corp.

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files (the \"Software\"), to deal in the Software without
restriction, including without limitation the rights to use, copy, modify, merge, publish,
distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the
Software is furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR
ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE,
ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
";

/// A `package.json` as npm installs it: a little over 1 KiB of the fields packages carry.
fn package_json(name: &str, version: &str, license: &str) -> String {
    let dependencies: Vec<String> = (0..6)
        .map(|d| format!(r#""dep-{d}-of-{}": "^{d}.0.0""#, name.len()))
        .collect();
    format!(
        r#"{{
  "name": "{name}",
  "version": "{version}",
  "description": "A package of the synthesized node_modules, with a description of some length as packages have",
  "keywords": ["bench", "synthetic", "depgov", "facts"],
  "homepage": "https://github.com/acme/{name}#readme",
  "bugs": {{ "url": "https://github.com/acme/{name}/issues" }},
  "license": "{license}",
  "author": "Acme Corp <dev@acme.example>",
  "main": "index.js",
  "types": "index.d.ts",
  "files": ["index.js", "index.d.ts", "lib/"],
  "repository": {{ "type": "git", "url": "git+https://github.com/acme/{name}.git" }},
  "scripts": {{ "test": "node test.js", "build": "tsc -p ." }},
  "dependencies": {{ {} }},
  "devDependencies": {{ "typescript": "^5.4.0" }},
  "engines": {{ "node": ">=18" }},
  "_resolved": "https://registry.npmjs.org/{name}/-/{name}-{version}.tgz",
  "_integrity": "sha512-AAAA"
}}
"#,
        dependencies.join(", ")
    )
}

/// A `node_modules` of [`COMPONENTS`] packages in a temp dir, as npm lays it out: a tenth
/// scoped, a fifth nested in another package's `node_modules`, a LICENSE file in each. Returns
/// the directory and every package's name and version.
fn node_modules() -> (tempfile::TempDir, Vec<(String, String)>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("node_modules");
    let mut packages = Vec::with_capacity(COMPONENTS);
    for i in 0..COMPONENTS {
        let version = format!("{}.{}.{}", i % 7, i % 13, i % 3);
        let (name, path) = match i % 10 {
            0 => {
                let name = format!("@scope-{}/pkg-{i}", i % 20);
                (name.clone(), root.join(&name))
            }
            1 | 2 if i > 10 => {
                let name = format!("nested-{i}");
                let parent = format!("pkg-{}", i - i % 10 + 3);
                (
                    name.clone(),
                    root.join(parent).join("node_modules").join(&name),
                )
            }
            _ => {
                let name = format!("pkg-{i}");
                (name.clone(), root.join(&name))
            }
        };
        std::fs::create_dir_all(&path).expect("package dir");
        let license = LICENSES[i % LICENSES.len()].unwrap_or("MIT");
        std::fs::write(
            path.join("package.json"),
            package_json(&name, &version, license),
        )
        .expect("package.json");
        std::fs::write(path.join("LICENSE"), "MIT License\n\nCopyright (c) Acme\n")
            .expect("LICENSE");
        std::fs::write(path.join("index.js"), "module.exports = 1;\n").expect("index.js");
        packages.push((name, version));
    }
    (dir, packages)
}

fn installed(c: &mut Criterion) {
    // The machine's own caches are not what is measured.
    // SAFETY: no other thread runs yet (criterion runs benchmarks on this one).
    unsafe {
        std::env::set_var("CARGO_HOME", "/nonexistent/depgov-bench-cargo-home");
        std::env::set_var("GOMODCACHE", "/nonexistent/depgov-bench-gomodcache");
        std::env::set_var("NUGET_PACKAGES", "/nonexistent/depgov-bench-nuget");
        std::env::remove_var("VIRTUAL_ENV");
    }
    let (dir, packages) = node_modules();
    let mut group = c.benchmark_group("facts/installed");
    group.throughput(Throughput::Elements(packages.len() as u64));
    group.bench_function("node_modules-read", |b| {
        b.iter(|| Installed::read(black_box(dir.path())))
    });
    group.bench_function("node_modules-read-and-look-up", |b| {
        b.iter(|| {
            let installed = Installed::read(black_box(dir.path()));
            packages
                .iter()
                .map(|(name, version)| installed.answers(Ecosystem::Npm, name, version).len())
                .sum::<usize>()
        })
    });
    group.finish();
    // What one package without a declared license costs: its LICENSE's text scored against
    // every license of the store (loaded before, once).
    let mit = MIT_TEXT.replace("{year}", "2024");
    let _ = license_text::recognise(&mit);
    let mut group = c.benchmark_group("facts/license-text");
    group.throughput(Throughput::Elements(1));
    group.bench_function("recognise-one-file", |b| {
        b.iter(|| license_text::recognise(black_box(&mit)))
    });
    group.finish();
}

criterion_group!(benches, parsing, policies, licenses, reports, installed);
criterion_group! {
    name = cpu_time;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = criteria
}
criterion_main!(benches, cpu_time);
