//! Criterion benchmarks of depgov's hot paths, in process: lockfile parsing per format (every
//! format's test fixtures, and the files of the shared corpus when it is present), policy
//! loading and component matching, license evaluation, and rendering each report format.
//! Whole-command figures, against `cargo metadata` and cargo-deny, come from bench/compare.sh.
//!
//! `cargo bench --bench hot_paths [FILTER]`; the corpus is found at ../shared/corpus,
//! ../../shared/corpus or $DEPGOV_CORPUS.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use depgov::evaluate::evaluate;
use depgov::inventory::{Document, Format, Input, Inventory, formats};
use depgov::model::Component;
use depgov::model::license::License;
use depgov::policy::{self, Policy, PolicyOrigin};
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

criterion_group!(benches, parsing, policies, licenses, reports);
criterion_main!(benches);
