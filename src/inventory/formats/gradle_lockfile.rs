//! Gradle's dependency lock state: `gradle.lockfile` (Gradle 6.0 and later), and the
//! `buildscript-gradle.lockfile` and `settings-gradle.lockfile` of build-script and settings
//! classpaths.
//!
//! Each `group:artifact:version=configuration,…` line is one Maven component, located at that
//! line, from Maven Central (the lockfile does not record repositories). Its kinds come from
//! the configurations that resolve it, a component in several getting several kinds:
//! configurations of test source sets (`test…`, `…Test…`: `testRuntimeClasspath`,
//! `integrationTestCompileClasspath`, `debugUnitTestRuntimeClasspath`) are `dev`; annotation
//! processors (`annotationProcessor`, `…AnnotationProcessor`, `kapt…`, `ksp…`), compilers and
//! compiler plugins (`kotlinCompilerClasspath`, `kotlinCompilerPluginClasspathMain`) and the
//! build-script `classpath` are
//! `build`; compile and runtime classpaths, and configurations depgov does not recognize, are
//! `runtime`, the kind that is never under-reported. `empty=` lists configurations that
//! resolve nothing.
//!
//! The lockfile records no graph and no declarations: no component is known to be direct, and
//! each one's path is just its name. The per-configuration lockfiles of Gradle 4.8 to 5.x
//! (`gradle/dependency-locks/<configuration>.lockfile`) are not read: discovery goes by file
//! name, and `<configuration>.lockfile` names nothing Gradle-specific; running Gradle 6 or
//! later with `--write-locks` migrates them into `gradle.lockfile`.
//!
//! The format is plain lines, read by a small line reader. Gradle always writes the `empty=`
//! line last, so a lockfile without one is truncated and rejected, like any line that is not
//! a comment, `empty=…` or `group:artifact:version=configurations`.

use std::collections::BTreeSet;

use super::{Locked, assemble};
use crate::inventory::graph::Graph;
use crate::inventory::{Format, Input, ParseError, Parsed};
use crate::model::license::License;
use crate::model::{Ecosystem, Kind, Source};

pub struct GradleLockfile;

const MAVEN_CENTRAL: &str = "https://repo.maven.apache.org/maven2";

impl Format for GradleLockfile {
    fn name(&self) -> &'static str {
        "gradle-lockfile"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Maven)
    }

    fn matches(&self, file_name: &str) -> bool {
        matches!(
            file_name,
            "gradle.lockfile" | "buildscript-gradle.lockfile" | "settings-gradle.lockfile"
        )
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let mut graph = Graph::new();
        let mut packages = Vec::new();
        let mut saw_empty = false;
        for (raw, number) in input.file.text.lines().zip(1u32..) {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let expected = || {
                ParseError::at(
                    number,
                    "expected `group:artifact:version=configurations` or `empty=configurations`",
                )
            };
            let (module, configurations) = line.split_once('=').ok_or_else(expected)?;
            if module == "empty" {
                saw_empty = true;
                continue;
            }
            let coordinates: Vec<&str> = module.split(':').collect();
            let [group, artifact, version] = coordinates[..] else {
                return Err(expected());
            };
            let kinds: BTreeSet<Kind> = configurations
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(kind_of)
                .collect();
            if [group, artifact, version].contains(&"") || kinds.is_empty() {
                return Err(expected());
            }
            let name = format!("{group}:{artifact}");
            let locked = Locked {
                name: name.clone(),
                version: version.to_owned(),
                license: License::Unknown,
                source: Source::Registry {
                    url: MAVEN_CENTRAL.to_owned(),
                },
                line: number,
                optional: false,
                kinds: Some(kinds),
            };
            packages.push((graph.add(name), locked));
        }
        if !saw_empty {
            return Err(ParseError::new(
                "no `empty=` line, which Gradle always writes last: the lockfile is truncated or not written by Gradle",
            ));
        }
        Ok(assemble(Ecosystem::Maven, input.file.path, &graph, packages).into())
    }
}

/// What a configuration resolves for, from the names Gradle and its common plugins give them.
pub(super) fn kind_of(configuration: &str) -> Kind {
    let lower = configuration.to_ascii_lowercase();
    if configuration.starts_with("test") || configuration.contains("Test") {
        Kind::Dev
    } else if lower.ends_with("annotationprocessor")
        || configuration.starts_with("kapt")
        || configuration.starts_with("ksp")
        || lower.contains("compilerclasspath")
        || lower.contains("compilerpluginclasspath")
        || configuration == "classpath"
    {
        Kind::Build
    } else {
        Kind::Runtime
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configurations_map_to_kinds() {
        let cases = [
            ("compileClasspath", Kind::Runtime),
            ("releaseRuntimeClasspath", Kind::Runtime),
            ("testRuntimeClasspath", Kind::Dev),
            ("integrationTestCompileClasspath", Kind::Dev),
            ("testAnnotationProcessor", Kind::Dev),
            ("annotationProcessor", Kind::Build),
            ("kaptDebug", Kind::Build),
            ("kotlinCompilerPluginClasspathMain", Kind::Build),
            ("kotlinCompilerClasspath", Kind::Build),
            ("classpath", Kind::Build),
            ("shadow", Kind::Runtime),
        ];
        for (configuration, kind) in cases {
            assert_eq!(kind_of(configuration), kind, "{configuration}");
        }
    }
}
