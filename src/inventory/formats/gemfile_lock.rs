//! Bundler's `Gemfile.lock` (and `gems.locked`), with the `Gemfile` (or `gems.rb`) beside it.
//!
//! Every gem under `specs:` of a `GEM`, `GIT` or `PATH` section is a component, located at its
//! spec line: `GEM` gems come from the section's `remote:` registry, `GIT` gems from its
//! `remote:` at its `revision:`, and `PATH` gems have a `path` source (repository-relative).
//! The gems of a `PATH` section whose `remote:` is the lockfile's own directory are the
//! project itself (a `gemspec` line in the Gemfile) and are first-party roots, as is the
//! Gemfile. A spec written `name (version-platform)` is that version of the gem; the
//! variants of one version for several platforms are one component. `DEPENDENCIES` lists the
//! Gemfile's direct gems (`!` marks git and path ones); the spec dependency lines are the
//! edges. A gem in `DEPENDENCIES` that no spec locks (one only for platforms the lockfile was
//! not resolved for) is noted. Gems of a `PLUGIN SOURCE` are noted, not inventoried, and
//! unknown sections are noted and skipped, as Bundler skips them. Gemfile.lock records no
//! licenses.
//!
//! Kinds come from the Gemfile: a direct gem declared only inside `group :development` /
//! `group :test` blocks or with `group:`/`groups:` options naming only those groups is
//! `dev`, and so is what only it pulls in; every other gem is `runtime`. Direct gems point at
//! their `gem` line. The runtime dependencies of the project's own gemspec are direct too (the
//! gemspec declares them), located at their spec line since gemspecs are not read. Without a
//! Gemfile (or for gems it does not name literally, such as a
//! gemspec's development dependencies), kinds are unknown and gems count as `runtime`.
//!
//! Neither file is JSON, TOML or YAML, and the Rust crates for Gemfile.lock are early
//! work-in-progress without line numbers, so both are read by small line readers: the
//! lockfile strictly by its indentation grammar (a malformed line, a source section without
//! its `remote:`/`revision:`, or a missing `DEPENDENCIES` section, the sign of a truncated
//! file, is an error), the Gemfile leniently, since it is Ruby code: only literal `gem` and
//! `group` lines and the nesting of `do`/`end` blocks are read.

use std::collections::HashMap;

use super::{Locked, UNNAMED_ROOT, assemble, repository_path};
use crate::inventory::Note;
use crate::inventory::graph::{EdgeKind, Graph};
use crate::inventory::{Format, Input, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::license::License;
use crate::model::{Ecosystem, Location, Source};

/// Bundler's lockfile, under one of its two pairs of names.
pub struct GemfileLock {
    lockfile: &'static str,
    manifest: &'static str,
}

pub const GEMFILE_LOCK: GemfileLock = GemfileLock {
    lockfile: "Gemfile.lock",
    manifest: "Gemfile",
};

pub const GEMS_LOCKED: GemfileLock = GemfileLock {
    lockfile: "gems.locked",
    manifest: "gems.rb",
};

/// Where a section's gems come from.
enum Origin {
    Package(Source),
    /// The project's own gemspec (`PATH` with `remote: .`).
    Project,
    /// A Bundler plugin source, of this `type:`.
    Plugin(String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SourceKind {
    Gem,
    Git,
    Path,
    Plugin,
}

/// A source section being read.
struct OpenSource<'a> {
    kind: SourceKind,
    line: u32,
    remotes: Vec<&'a str>,
    revision: Option<&'a str>,
    plugin_type: Option<&'a str>,
    in_specs: bool,
}

enum Section<'a> {
    Source(OpenSource<'a>),
    Dependencies,
    /// Sections whose lines need no reading: `PLATFORMS`, `CHECKSUMS`, `RUBY VERSION`,
    /// `BUNDLED WITH`, and sections this depgov does not know.
    Skipped,
}

struct Spec<'a> {
    name: &'a str,
    /// Without the platform suffix.
    version: &'a str,
    /// Index into `Lockfile::origins`.
    origin: usize,
    line: u32,
    /// Names and lines.
    dependencies: Vec<(&'a str, u32)>,
}

/// A `DEPENDENCIES` entry.
struct Declared<'a> {
    name: &'a str,
    line: u32,
}

#[derive(Default)]
struct Lockfile<'a> {
    origins: Vec<Origin>,
    specs: Vec<Spec<'a>>,
    dependencies: Vec<Declared<'a>>,
    notes: Vec<Note>,
}

impl Format for GemfileLock {
    fn name(&self) -> &'static str {
        "gemfile-lock"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Gem)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == self.lockfile
    }

    fn manifest_name(&self) -> Option<&'static str> {
        Some(self.manifest)
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let file = input.file.path;
        let mut lock = read_lockfile(input.file.text, file)?;
        let declarations = input
            .manifest
            .map(|m| (m.path, gemfile_declarations(m.text)));
        if declarations.is_none() {
            lock.notes.push(Note::new(
                NoteCode::MissingCompanion,
                None,
                format!(
                    "no {} beside {}: development and test groups are unknown, so every gem counts as runtime",
                    self.manifest, self.lockfile
                ),
            ));
        }

        let mut graph = Graph::new();
        let root = graph.add_root(UNNAMED_ROOT);
        let mut node_of: HashMap<&str, usize> = HashMap::new();
        for spec in &lock.specs {
            let is_project = matches!(lock.origins.get(spec.origin), Some(Origin::Project));
            node_of.entry(spec.name).or_insert_with(|| {
                if is_project {
                    graph.add_root(spec.name)
                } else {
                    graph.add(spec.name)
                }
            });
        }
        for spec in &lock.specs {
            let from = node_of[spec.name];
            for &(dependency, line) in &spec.dependencies {
                match node_of.get(dependency) {
                    Some(&to) => graph.depend(from, to, EdgeKind::Normal, None),
                    // Bundler locks itself under `BUNDLED WITH`, never as a spec.
                    None if dependency == "bundler" => {}
                    None => lock.notes.push(Note::new(
                        NoteCode::DanglingReference,
                        Some(line),
                        format!(
                            "`{}` depends on `{dependency}`, which no spec locks; the edge is not followed",
                            spec.name
                        ),
                    )),
                }
            }
        }
        for declared in &lock.dependencies {
            let Some(&to) = node_of.get(declared.name) else {
                lock.notes.push(Note::new(
                    NoteCode::DanglingReference,
                    Some(declared.line),
                    format!(
                        "`{}` is a dependency but no spec locks it (it is only for platforms this lockfile was not resolved for)",
                        declared.name
                    ),
                ));
                continue;
            };
            let in_gemfile = declarations
                .as_ref()
                .and_then(|(path, found)| Some((*path, found.get(declared.name)?)));
            match in_gemfile {
                Some((path, lines)) => {
                    for declaration in lines {
                        let kind = if declaration.dev {
                            EdgeKind::Dev
                        } else {
                            EdgeKind::Normal
                        };
                        let at = Location {
                            file: path.into(),
                            line: declaration.line,
                        };
                        graph.depend(root, to, kind, Some(at));
                    }
                }
                None => graph.depend(root, to, EdgeKind::Normal, None),
            }
        }

        let mut packages = Vec::new();
        for spec in &lock.specs {
            match lock.origins.get(spec.origin) {
                Some(Origin::Package(source)) => packages.push((
                    node_of[spec.name],
                    Locked {
                        name: spec.name.to_owned(),
                        version: spec.version.to_owned(),
                        license: License::Unknown,
                        source: source.clone(),
                        line: spec.line,
                        optional: false,
                        kinds: None,
                    },
                )),
                Some(Origin::Plugin(kind)) => lock.notes.push(Note::new(
                    NoteCode::UnknownSource,
                    Some(spec.line),
                    format!(
                        "{} {} comes from a Bundler plugin source (type {kind}); not inventoried",
                        spec.name, spec.version
                    ),
                )),
                Some(Origin::Project) | None => {}
            }
        }
        Ok(Parsed {
            components: assemble(Ecosystem::Gem, file, &graph, packages),
            notes: lock.notes,
        })
    }
}

fn read_lockfile<'a>(text: &'a str, file: &str) -> Result<Lockfile<'a>, ParseError> {
    let mut lock = Lockfile::default();
    let mut section: Option<Section<'a>> = None;
    let mut saw_dependencies = false;
    // Whether the last spec line belongs to the current section (for its dependency lines).
    let mut spec_open = false;
    for (raw, number) in text.lines().zip(1u32..) {
        let content = raw.trim_start_matches(' ').trim_end();
        if content.is_empty() {
            continue;
        }
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        if indent == 0 {
            if let Some(Section::Source(open)) = section.take() {
                lock.origins
                    .push(close_source(open, file, &mut lock.notes)?);
            }
            spec_open = false;
            let header = read_header(content, number, &mut lock.notes)?;
            saw_dependencies |= matches!(header, Section::Dependencies);
            section = Some(header);
            continue;
        }
        match &mut section {
            None => {
                return Err(ParseError::at(
                    number,
                    "expected a section name such as GEM or DEPENDENCIES",
                ));
            }
            Some(Section::Source(open)) => match indent {
                2 if content == "specs:" => open.in_specs = true,
                2 => {
                    let (key, value) = content
                        .split_once(':')
                        .ok_or_else(|| ParseError::at(number, "expected `key: value`"))?;
                    if !key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                        return Err(ParseError::at(number, "expected `key: value`"));
                    }
                    let value = value.trim();
                    match key {
                        "remote" => open.remotes.push(value),
                        "revision" => open.revision = Some(value),
                        "type" => open.plugin_type = Some(value),
                        _ => {}
                    }
                }
                4 if open.in_specs => {
                    let (name, version) = name_and_parenthesis(content, number)?;
                    let version = version.ok_or_else(|| {
                        ParseError::at(number, format!("the spec `{name}` has no (version)"))
                    })?;
                    // `1.15.4-x86_64-linux`: gem versions never contain `-`, platforms may.
                    let version = version.split_once('-').map_or(version, |(v, _)| v);
                    lock.specs.push(Spec {
                        name,
                        version,
                        origin: lock.origins.len(),
                        line: number,
                        dependencies: Vec::new(),
                    });
                    spec_open = true;
                }
                6 if spec_open => {
                    let (name, _) = name_and_parenthesis(content, number)?;
                    if let Some(spec) = lock.specs.last_mut() {
                        spec.dependencies.push((name, number));
                    }
                }
                _ => return Err(unexpected_indentation(number)),
            },
            Some(Section::Dependencies) => {
                if indent != 2 {
                    return Err(unexpected_indentation(number));
                }
                let pinned = content.strip_suffix('!').unwrap_or(content);
                let (name, _) = name_and_parenthesis(pinned, number)?;
                lock.dependencies.push(Declared { name, line: number });
            }
            Some(Section::Skipped) => {}
        }
    }
    if let Some(Section::Source(open)) = section {
        lock.origins
            .push(close_source(open, file, &mut lock.notes)?);
    }
    if !saw_dependencies {
        return Err(ParseError::new(
            "no DEPENDENCIES section, which Bundler always writes: the lockfile is truncated or not a Gemfile.lock",
        ));
    }
    Ok(lock)
}

fn unexpected_indentation(line: u32) -> ParseError {
    ParseError::at(line, "unexpected indentation for this section")
}

fn read_header<'a>(
    content: &str,
    line: u32,
    notes: &mut Vec<Note>,
) -> Result<Section<'a>, ParseError> {
    let source = |kind| {
        Section::Source(OpenSource {
            kind,
            line,
            remotes: Vec::new(),
            revision: None,
            plugin_type: None,
            in_specs: false,
        })
    };
    Ok(match content {
        "GEM" => source(SourceKind::Gem),
        "GIT" => source(SourceKind::Git),
        "PATH" => source(SourceKind::Path),
        "PLUGIN SOURCE" => source(SourceKind::Plugin),
        "DEPENDENCIES" => Section::Dependencies,
        "PLATFORMS" | "CHECKSUMS" | "RUBY VERSION" | "BUNDLED WITH" => Section::Skipped,
        other if other.chars().all(|c| c.is_ascii_uppercase() || c == ' ') => {
            notes.push(Note::new(
                NoteCode::Ignored,
                Some(line),
                format!("section `{other}` is not read by this depgov"),
            ));
            Section::Skipped
        }
        other => {
            return Err(ParseError::at(
                line,
                format!("`{other}` is not a Gemfile.lock section name"),
            ));
        }
    })
}

/// What a finished source section says about its gems.
fn close_source(
    open: OpenSource<'_>,
    file: &str,
    notes: &mut Vec<Note>,
) -> Result<Origin, ParseError> {
    let name = match open.kind {
        SourceKind::Gem => "GEM",
        SourceKind::Git => "GIT",
        SourceKind::Path => "PATH",
        SourceKind::Plugin => "PLUGIN SOURCE",
    };
    let missing = |key: &str| ParseError::at(open.line, format!("{name} section without `{key}:`"));
    let remote = *open.remotes.first().ok_or_else(|| missing("remote"))?;
    Ok(match open.kind {
        SourceKind::Gem => {
            let url = remote.trim_end_matches('/').to_owned();
            if open.remotes.len() > 1 {
                notes.push(Note::new(
                    NoteCode::Incomplete,
                    Some(open.line),
                    format!(
                        "GEM section with {} remotes: Bundler may take each gem from any of them; its gems are reported as from {url}",
                        open.remotes.len()
                    ),
                ));
            }
            Origin::Package(Source::Registry { url })
        }
        SourceKind::Git => Origin::Package(Source::Git {
            url: remote.to_owned(),
            rev: Some(open.revision.ok_or_else(|| missing("revision"))?.to_owned()),
        }),
        SourceKind::Path => match repository_path(file, remote) {
            // The lockfile's own directory: the project's gemspec.
            path if path == repository_path(file, ".") => Origin::Project,
            path => Origin::Package(Source::Path { path }),
        },
        SourceKind::Plugin => Origin::Plugin(open.plugin_type.unwrap_or("unknown").to_owned()),
    })
}

/// `name` or `name (text)`.
fn name_and_parenthesis(content: &str, line: u32) -> Result<(&str, Option<&str>), ParseError> {
    let (name, inside) = match content.split_once(" (") {
        Some((name, rest)) => {
            let inside = rest
                .strip_suffix(')')
                .ok_or_else(|| ParseError::at(line, "unclosed parenthesis"))?;
            (name, Some(inside))
        }
        None => (content, None),
    };
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(ParseError::at(
            line,
            format!("`{content}` is not a gem name"),
        ));
    }
    Ok((name, inside))
}

/// Where a Gemfile declares a gem, and whether only for development and test.
struct Declaration {
    line: u32,
    dev: bool,
}

/// The literal `gem "name"` lines of a Gemfile, with the groups of the blocks around them.
fn gemfile_declarations(text: &str) -> HashMap<&str, Vec<Declaration>> {
    let mut found: HashMap<&str, Vec<Declaration>> = HashMap::new();
    // One entry per open block: the groups a `group … do` block adds, none for other blocks.
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    for (raw, number) in text.lines().zip(1u32..) {
        let line = strip_comment(raw).trim();
        let word_end = line
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(line.len());
        let (word, rest) = line.split_at(word_end);
        match word {
            "end" => {
                blocks.pop();
            }
            "gem" => {
                let Some((name, options)) = quoted_argument(rest) else {
                    continue;
                };
                let mut groups: Vec<&str> = blocks.iter().flatten().copied().collect();
                groups.extend(inline_groups(options));
                let dev = !groups.is_empty()
                    && groups.iter().all(|g| matches!(*g, "development" | "test"));
                found
                    .entry(name)
                    .or_default()
                    .push(Declaration { line: number, dev });
            }
            "group" if opens_block(line) => blocks.push(group_names(rest)),
            _ if opens_block(line) => blocks.push(Vec::new()),
            _ => {}
        }
    }
    found
}

/// Ruby code before a `#` comment (a `#` inside a string is kept).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (c, quote) {
            ('"' | '\'', None) => quote = Some(c),
            (c, Some(q)) if c == q => quote = None,
            ('#', None) => return &line[..i],
            _ => {}
        }
    }
    line
}

/// Whether a line opens a block closed by `end`: `… do`, `… do |x|`, or a compound statement
/// that is not closed on the same line.
fn opens_block(line: &str) -> bool {
    let body = match line.strip_suffix('|') {
        Some(before) => before.rfind('|').map_or(line, |i| before[..i].trim_end()),
        None => line,
    };
    let ends_with_word = |word: &str| {
        body.strip_suffix(word).is_some_and(|before| {
            !before.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
    };
    let keyword = line.split_whitespace().next().is_some_and(|first| {
        matches!(
            first,
            "if" | "unless" | "case" | "while" | "until" | "begin" | "def" | "class" | "module"
        )
    });
    ends_with_word("do") || keyword && !ends_with_word("end")
}

/// The first argument when it is a string literal (`"name"`, `('name'`), and the text after.
fn quoted_argument(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start();
    let text = text.strip_prefix('(').unwrap_or(text).trim_start();
    let quote = text.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let body = &text[1..];
    let end = body.find(quote)?;
    Some((&body[..end], &body[end + 1..]))
}

/// The groups a `group:`/`groups:` option names (`:test`, `[:development, :test]`).
fn inline_groups(options: &str) -> Vec<&str> {
    const KEYS: [&str; 6] = [
        "groups:",
        "group:",
        ":groups =>",
        ":group =>",
        ":groups=>",
        ":group=>",
    ];
    let Some(value) = KEYS
        .iter()
        .find_map(|key| options.find(key).map(|i| &options[i + key.len()..]))
    else {
        return Vec::new();
    };
    let value = value.trim_start();
    let value = match value.strip_prefix('[') {
        Some(list) => list.split(']').next().unwrap_or(list),
        None => value.split(',').next().unwrap_or(value),
    };
    group_names(value)
}

/// The symbols (`:test`) and string literals (`"test"`) in a list of group names; hash keys
/// (`optional: true`) are not names.
fn group_names(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let ident_end = |s: &str| {
        s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len())
    };
    let mut rest = text;
    let mut previous: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        let symbol_start = previous.is_none_or(|p| !(p.is_ascii_alphanumeric() || p == '_'));
        match c {
            ':' if symbol_start && ident_end(after) > 0 => {
                let end = ident_end(after);
                names.push(&after[..end]);
                rest = &after[end..];
                previous = Some('x');
                continue;
            }
            '"' | '\'' => {
                if let Some(end) = after.find(c) {
                    names.push(&after[..end]);
                    rest = &after[end + 1..];
                    previous = Some(c);
                    continue;
                }
            }
            _ => {}
        }
        previous = Some(c);
        rest = after;
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemfile_groups_blocks_and_options() {
        let gemfile = r#"source "https://rubygems.org"
gem "rails", "~> 7.1" # the framework
group :development, :test do
  gem 'rspec-rails'
  platforms :mri do
    gem "byebug"
  end
end
gem "pry", group: :development
gem "sidekiq", groups: [:production, :test]
gem("puma")
group :tools, optional: true do
  gem "rubocop", require: false
end
gem "debug", :group => [:development]
"#;
        let found = gemfile_declarations(gemfile);
        let dev = |name: &str| {
            found[name]
                .iter()
                .map(|d| (d.line, d.dev))
                .collect::<Vec<_>>()
        };
        assert_eq!(dev("rails"), [(2, false)]);
        assert_eq!(dev("rspec-rails"), [(4, true)]);
        assert_eq!(dev("byebug"), [(6, true)]);
        assert_eq!(dev("pry"), [(9, true)]);
        assert_eq!(dev("sidekiq"), [(10, false)]);
        assert_eq!(dev("puma"), [(11, false)]);
        assert_eq!(dev("rubocop"), [(13, false)]);
        assert_eq!(dev("debug"), [(15, true)]);
    }

    #[test]
    fn group_names_skip_hash_keys() {
        assert_eq!(
            group_names(" :development, \"test\", optional: true do"),
            ["development", "test"]
        );
    }
}
