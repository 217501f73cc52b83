//! Gradle build scripts (`build.gradle`, `build.gradle.kts`) read on their own, where no
//! `gradle.lockfile` beside them covers them, with the version catalog
//! `gradle/libs.versions.toml` of the build (looked for in the script's directory and the ones
//! above).
//!
//! A build script is a program; depgov does not run it. A careful line reader follows the
//! notations Gradle documents for declaring dependencies, one per line, directly inside a
//! `dependencies { … }` block (also the one of `buildscript`): string notation
//! `implementation("group:name:version")` / `implementation 'group:name:version'`, map
//! notation `implementation group: 'g', name: 'a', version: 'v'` (Kotlin: `group = "g", …`),
//! and catalog accessors `implementation(libs.some.library)` and `libs.bundles.name`, which
//! the catalog's `[libraries]` (with `version.ref` into `[versions]`) and `[bundles]` resolve.
//! Each is a Maven component from Maven Central located at its line; a plain version is what
//! Gradle resolves the declaration to unless a conflict raises it, so it gives the version;
//! ranges, dynamic (`1.+`, `latest.release`) and rich versions are only the requirement
//! (`1.2.3!!`, strictly, gives 1.2.3). The kind follows the configuration as for
//! gradle.lockfile (test configurations are dev; annotation processors, compile-only and the
//! build-script classpath are build). Project dependencies (`project(":core")`) are
//! first-party. What the reader cannot resolve without running the build (a version in a
//! variable, `platform(…)` BOMs, `files(…)`, a declaration spread over several lines, an
//! accessor the catalog does not define) is noted, never guessed. Braces are counted (outside
//! comments; braces inside strings are rare in dependency blocks): a `}` that closes nothing, or
//! a block left open at the end (a file cut off), rejects the file.

use std::collections::HashMap;

use super::gradle_lockfile::kind_of;
use super::manifest::{self, Declared};
use crate::inventory::text::LineIndex;
use crate::inventory::{Coverage, Document, Format, Input, Note, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::{Ecosystem, Kind};

pub struct GradleBuild;

impl Format for GradleBuild {
    fn name(&self) -> &'static str {
        "gradle-build-script"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Maven)
    }

    fn matches(&self, file_name: &str) -> bool {
        matches!(file_name, "build.gradle" | "build.gradle.kts")
    }

    fn covered_by(&self) -> Option<Coverage> {
        Some(Coverage {
            lockfiles: &["gradle.lockfile"],
            from_above: false,
        })
    }

    fn context(&self) -> &'static [&'static str] {
        &["gradle/libs.versions.toml"]
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let catalog = input.context.first().map(Catalog::read).transpose()?;
        let mut declared = Vec::new();
        let mut notes = Vec::new();
        // The blocks open at the start of each line: whether each is a `dependencies` block.
        let mut blocks: Vec<bool> = Vec::new();
        let mut in_comment = false;
        for (raw, line) in input.file.text.lines().zip(1u32..) {
            manifest::check_text(raw, line)?;
            let code = strip_comments(raw, &mut in_comment);
            let code = code.trim();
            if blocks.last() == Some(&true) {
                if let Some((configuration, arguments)) = declaration(code) {
                    let context = Context {
                        line,
                        configuration,
                        catalog: catalog.as_ref(),
                    };
                    match read(arguments, &context) {
                        Ok(found) => declared.extend(found),
                        Err(Some(note)) => notes.push(note),
                        Err(None) => {}
                    }
                }
            }
            for c in code.chars() {
                match c {
                    '{' => blocks.push(
                        code.starts_with("dependencies")
                            && !blocks.last().copied().unwrap_or(false),
                    ),
                    '}' if blocks.pop().is_none() => {
                        return Err(ParseError::at(line, "`}` closes no block"));
                    }
                    _ => {}
                }
            }
        }
        if !blocks.is_empty() {
            return Err(ParseError::new(format!(
                "{} block{} opened with `{{` never closed (is the file cut off?)",
                blocks.len(),
                if blocks.len() == 1 { "" } else { "s" }
            )));
        }
        Ok(Parsed {
            components: manifest::components(
                Ecosystem::Maven,
                input.file.path,
                super::UNNAMED_ROOT,
                declared,
            ),
            notes,
        })
    }
}

/// The line without comments; `in_comment` carries a `/* … */` across lines.
fn strip_comments(line: &str, in_comment: &mut bool) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    loop {
        if *in_comment {
            match rest.find("*/") {
                Some(end) => {
                    rest = &rest[end + 2..];
                    *in_comment = false;
                }
                None => return out,
            }
        }
        let block = rest.find("/*");
        let comment = rest.find("//").filter(|i| !rest[..*i].ends_with(':'));
        match (block, comment) {
            (Some(b), c) if c.is_none_or(|c| b < c) => {
                out.push_str(&rest[..b]);
                rest = &rest[b + 2..];
                *in_comment = true;
            }
            (_, Some(c)) => {
                out.push_str(&rest[..c]);
                return out;
            }
            _ => {
                out.push_str(rest);
                return out;
            }
        }
    }
}

/// A dependency declaration's configuration and arguments: `name(args)` or `name args`, for
/// a configuration name (not a block like `constraints {`).
fn declaration(code: &str) -> Option<(&str, &str)> {
    let end = code
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(code.len());
    let (name, rest) = code.split_at(end);
    let first = name.chars().next()?;
    let is_configuration = first.is_ascii_lowercase()
        && !matches!(
            name,
            "constraints" | "components" | "modules" | "if" | "for" | "val" | "def" | "var"
        );
    let rest = rest.trim_start();
    let arguments = if let Some(inside) = rest.strip_prefix('(') {
        // `implementation("g:a:v") { … }`: the arguments end at the matching parenthesis
        // outside strings (a range `[1.0,2.0)` holds one).
        let (mut depth, mut quote) = (1, None);
        let close = inside.char_indices().find_map(|(i, c)| {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '(') => depth += 1,
                (None, ')') => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(i)
        })?;
        &inside[..close]
    } else if rest.starts_with(['"', '\''])
        || rest.starts_with("group")
        || rest.starts_with("libs.")
    {
        rest.split(" {").next().unwrap_or(rest)
    } else {
        return None;
    };
    (is_configuration && !rest.starts_with('{')).then(|| (name, arguments.trim()))
}

/// Where a declaration is, and what resolves it.
struct Context<'a> {
    line: u32,
    configuration: &'a str,
    catalog: Option<&'a Catalog>,
}

impl Context<'_> {
    fn note(&self, code: NoteCode, message: String) -> Option<Note> {
        Some(Note::new(code, Some(self.line), message))
    }

    fn dependency(&self, group: &str, artifact: &str, version: &str) -> Declared {
        let name = format!("{group}:{artifact}");
        let lower = self.configuration.to_ascii_lowercase();
        let kind = match kind_of(self.configuration) {
            Kind::Runtime if lower.contains("compileonly") => Kind::Build,
            kind => kind,
        };
        Declared::new(Ecosystem::Maven, &name, version, self.line)
            .kind(kind)
            .resolves_to(resolved_version(version))
    }
}

/// The components one declaration's arguments give; `Err` with a note for what cannot be
/// read, `Err(None)` for first-party projects.
fn read(arguments: &str, context: &Context<'_>) -> Result<Vec<Declared>, Option<Note>> {
    if arguments.starts_with("project(") || arguments.starts_with("project ") {
        return Err(None);
    }
    for wrapper in ["platform(", "enforcedPlatform("] {
        if arguments.starts_with(wrapper) {
            return Err(context.note(
                NoteCode::Incomplete,
                format!(
                    "`{}` imports a platform (BOM), whose managed versions are not read",
                    shorten(arguments)
                ),
            ));
        }
    }
    if let Some(accessor) = arguments.strip_prefix("libs.") {
        let accessor = accessor.trim().trim_end_matches(".get()");
        let Some(catalog) = context.catalog else {
            return Err(context.note(
                NoteCode::Incomplete,
                format!("`libs.{accessor}` names a version catalog entry, and there is no gradle/libs.versions.toml"),
            ));
        };
        let libraries = match accessor.strip_prefix("bundles.") {
            Some(bundle) => catalog.bundles.get(&accessor_key(bundle)).cloned(),
            None => Some(vec![accessor_key(accessor)]),
        };
        let found: Option<Vec<Declared>> = libraries.and_then(|aliases| {
            aliases
                .iter()
                .map(|alias| {
                    let library = catalog.libraries.get(alias)?;
                    Some(context.dependency(&library.group, &library.artifact, &library.version))
                })
                .collect()
        });
        return found.ok_or_else(|| {
            context.note(
                NoteCode::Incomplete,
                format!("`libs.{accessor}` is not defined by the version catalog"),
            )
        });
    }
    if let Some(text) = string_literal(arguments) {
        if text.contains('$') {
            return Err(context.note(
                NoteCode::Incomplete,
                format!(
                    "`{}` uses a variable, which depgov does not evaluate",
                    shorten(&text)
                ),
            ));
        }
        let coordinates = text.split('@').next().unwrap_or(&text);
        let mut parts = coordinates.split(':');
        let (Some(group), Some(artifact)) = (parts.next(), parts.next()) else {
            return Err(context.note(
                NoteCode::Unidentified,
                format!("`{}` is not `group:name:version`", shorten(&text)),
            ));
        };
        let version = parts.next().unwrap_or_default();
        return Ok(vec![context.dependency(group, artifact, version)]);
    }
    if let Some(map) = map_notation(arguments) {
        let get = |key: &str| map.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str());
        if let (Some(group), Some(name)) = (get("group"), get("name")) {
            let version = get("version").unwrap_or_default();
            if [group, name, version].iter().any(|v| v.contains('$')) {
                return Err(context.note(
                    NoteCode::Incomplete,
                    format!(
                        "`{}` uses a variable, which depgov does not evaluate",
                        shorten(arguments)
                    ),
                ));
            }
            return Ok(vec![context.dependency(group, name, version)]);
        }
    }
    Err(context.note(
        NoteCode::Incomplete,
        format!(
            "`{} {}` is not a notation depgov reads without running Gradle",
            context.configuration,
            shorten(arguments)
        ),
    ))
}

/// At most 80 characters of untrusted text for a note.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// `"text"` or `'text'`, and nothing else.
fn string_literal(text: &str) -> Option<String> {
    let text = text.trim();
    let quote = text.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    (!inner.contains(quote)).then(|| inner.to_owned())
}

/// `key: 'value', …` (Groovy) or `key = "value", …` (Kotlin), each value a string literal.
fn map_notation(text: &str) -> Option<Vec<(&str, String)>> {
    text.split(',')
        .map(|pair| {
            let (key, value) = pair.split_once(':').or_else(|| pair.split_once('='))?;
            Some((key.trim(), string_literal(value)?))
        })
        .collect()
}

/// The version a declaration resolves to when it names one: a plain version, or a strict
/// one (`1.2.3!!`); not ranges, dynamic or rich versions.
fn resolved_version(version: &str) -> Option<String> {
    let version = version.strip_suffix("!!").unwrap_or(version);
    let dynamic = version.contains(['+', '[', '(', ',']) || version.starts_with("latest.");
    (!dynamic)
        .then(|| manifest::exact_version(version))
        .flatten()
}

/// A catalog alias as its accessor spells it: `-`, `_` and `.` all separate.
fn accessor_key(alias: &str) -> String {
    alias.replace(['-', '_'], ".")
}

/// What a version catalog defines, by accessor key.
struct Catalog {
    libraries: HashMap<String, Library>,
    bundles: HashMap<String, Vec<String>>,
}

struct Library {
    group: String,
    artifact: String,
    /// The version requirement; empty when the catalog gives none (a platform decides).
    version: String,
}

impl Catalog {
    fn read(document: &Document<'_>) -> Result<Catalog, ParseError> {
        let lines = LineIndex::new(document.text);
        let table: toml::Table = toml::from_str(document.text).map_err(|e| {
            let error = match e.span() {
                Some(span) => ParseError::at(lines.line(span.start), e.message().trim()),
                None => ParseError::new(e.message().trim()),
            };
            ParseError::in_context(document.path, error)
        })?;
        let section = |name: &str| table.get(name).and_then(toml::Value::as_table);
        let versions: HashMap<&str, String> = section("versions")
            .into_iter()
            .flatten()
            .filter_map(|(name, value)| Some((name.as_str(), version_of(value)?)))
            .collect();
        let libraries = section("libraries")
            .into_iter()
            .flatten()
            .filter_map(|(alias, value)| {
                Some((accessor_key(alias), Library::read(value, &versions)?))
            })
            .collect();
        let bundles = section("bundles")
            .into_iter()
            .flatten()
            .filter_map(|(name, value)| {
                let aliases = value
                    .as_array()?
                    .iter()
                    .filter_map(|alias| alias.as_str().map(accessor_key))
                    .collect();
                Some((accessor_key(name), aliases))
            })
            .collect();
        Ok(Catalog { libraries, bundles })
    }
}

impl Library {
    /// `"g:a:v"`, or `{ module = "g:a", version = … }`, or `{ group, name, version }`, the
    /// version a string, `version.ref` or a rich version table.
    fn read(value: &toml::Value, versions: &HashMap<&str, String>) -> Option<Library> {
        if let Some(text) = value.as_str() {
            let mut parts = text.split(':');
            return Some(Library {
                group: parts.next()?.to_owned(),
                artifact: parts.next()?.to_owned(),
                version: parts.next().unwrap_or_default().to_owned(),
            });
        }
        let table = value.as_table()?;
        let text = |key: &str| table.get(key).and_then(toml::Value::as_str);
        let (group, artifact) = match text("module") {
            Some(module) => module.split_once(':')?,
            None => (text("group")?, text("name")?),
        };
        let version = match table.get("version") {
            Some(toml::Value::Table(rich)) => match rich.get("ref").and_then(toml::Value::as_str) {
                Some(name) => versions.get(name).cloned().unwrap_or_default(),
                None => version_of(&toml::Value::Table(rich.clone())).unwrap_or_default(),
            },
            Some(other) => version_of(other).unwrap_or_default(),
            None => String::new(),
        };
        Some(Library {
            group: group.to_owned(),
            artifact: artifact.to_owned(),
            version,
        })
    }
}

/// A catalog version: a string, or a rich version's `strictly` (written `v!!`), `require` or
/// `prefer`.
fn version_of(value: &toml::Value) -> Option<String> {
    if let Some(text) = value.as_str() {
        return Some(text.to_owned());
    }
    let rich = value.as_table()?;
    let text = |key: &str| rich.get(key).and_then(toml::Value::as_str);
    text("strictly").map(|v| format!("{v}!!")).or_else(|| {
        text("require")
            .or_else(|| text("prefer"))
            .map(str::to_owned)
    })
}
