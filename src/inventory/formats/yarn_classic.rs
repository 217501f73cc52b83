//! `yarn.lock` written by Yarn classic (1.x): the `# yarn lockfile v1` format.
//!
//! The format is Yarn's own, neither JSON nor YAML: blocks keyed by the descriptors they
//! resolve (`"a@^1.0.0", a@^1.1.0:`), holding indented `version`, `resolved` and
//! `integrity` lines and `dependencies:` / `optionalDependencies:` blocks of `name "range"`
//! lines. The crates that read it (`yarn-lock-parser`) give neither entry lines nor the line
//! of a syntax error, so a small line-oriented reader here does: quoted strings are JSON
//! strings (Yarn writes them with `JSON.stringify`) and are decoded by serde_json; anything
//! the reader does not expect is an error at its line.
//!
//! The lockfile names no project and no dev dependencies, so the root is the package.json
//! beside it: its `dependencies`, `optionalDependencies` (runtime) and `devDependencies`
//! (dev) are resolved to blocks by descriptor (`name@range`), as Yarn does, and so is every
//! block's own dependencies. Kinds follow the graph; a package only optional dependencies
//! reach is optional. Without package.json there is no root: every package is listed as an
//! indirect runtime dependency. Workspace packages are not in the lockfile: the members the
//! root's `workspaces` globs name are roots too, declaring in their own package.json, and a
//! dependency on one of them is a link, not followed.
//!
//! Sources come from `resolved` (registry tarballs, git URLs, codeload.github.com archives,
//! `file:` paths); a block without one is from Yarn's default registry, or the local path
//! its `file:` descriptor names. Aliases (`a@npm:b@^1`) are the aliased package. Yarn
//! records no licenses.

use std::collections::HashMap;

use super::js::{
    Link, Manifest, Section, link_optional, only_satisfying, relative_to_lockfile, resolved_source,
    split_descriptor,
};
use super::{Locked, assemble, yarn_berry};
use crate::inventory::Note;
use crate::inventory::graph::Graph;
use crate::inventory::{Format, Input, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::license::License;
use crate::model::registry;
use crate::model::{Ecosystem, Source};

pub struct YarnClassicLock;

/// One block of the lockfile.
struct Block {
    line: u32,
    descriptors: Vec<String>,
    version: Option<String>,
    resolved: Option<String>,
    dependencies: Vec<Dependency>,
}

/// A `name "range"` line of a block's `dependencies` or `optionalDependencies`.
struct Dependency {
    name: String,
    range: String,
    line: u32,
    optional: bool,
}

/// Which nested block of an entry the reader is in.
#[derive(Clone, Copy)]
enum Nested {
    Dependencies { optional: bool },
    Ignored,
}

impl Format for YarnClassicLock {
    fn name(&self) -> &'static str {
        "yarn-classic-lock"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Npm)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "yarn.lock"
    }

    fn sniff(&self, text: &str) -> bool {
        !yarn_berry::is_berry(text)
    }

    fn manifest_name(&self) -> Option<&'static str> {
        Some("package.json")
    }

    fn reads_member_manifests(&self) -> bool {
        true
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        check_header(input.file.text)?;
        let blocks = read_blocks(input.file.text)?;
        let manifest = Manifest::beside(input)?;
        let members = match &manifest {
            Some(root) => root.workspace_members(input)?,
            None => Vec::new(),
        };
        inventory(&blocks, input.file.path, manifest.as_ref(), &members)
    }
}

/// Yarn classic opens its lockfiles with `# yarn lockfile v1`.
fn check_header(text: &str) -> Result<(), ParseError> {
    let version = text
        .lines()
        .zip(1u32..)
        .take_while(|(line, _)| line.trim().is_empty() || line.starts_with('#'))
        .find_map(|(line, number)| Some((number, line.trim().strip_prefix("# yarn lockfile v")?)));
    match version {
        Some((_, "1")) => Ok(()),
        Some((line, other)) => Err(ParseError::at(
            line,
            ParseError::unsupported_version(other, "yarn.lock").message,
        )),
        None => Err(ParseError::new(
            "not a Yarn lockfile: it has neither the `# yarn lockfile v1` header nor `__metadata`",
        )),
    }
}

fn read_blocks(text: &str) -> Result<Vec<Block>, ParseError> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut nested: Option<Nested> = None;
    for (raw, number) in text.lines().zip(1u32..) {
        let line = raw.trim_end();
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        if content.starts_with('\t') {
            return Err(ParseError::at(
                number,
                "tabs are not indentation in yarn.lock",
            ));
        }
        let at = |message: String| ParseError::at(number, message);
        match line.len() - content.len() {
            0 => {
                blocks.push(Block {
                    line: number,
                    descriptors: header(content).map_err(at)?,
                    version: None,
                    resolved: None,
                    dependencies: Vec::new(),
                });
                nested = None;
            }
            2 => {
                let block = blocks
                    .last_mut()
                    .ok_or_else(|| at("an indented line before the first entry".into()))?;
                nested = field(block, content).map_err(at)?;
            }
            4 => match nested {
                Some(Nested::Dependencies { optional }) => {
                    let (name, range) = pair(content).map_err(at)?;
                    if let Some(block) = blocks.last_mut() {
                        block.dependencies.push(Dependency {
                            name,
                            range,
                            line: number,
                            optional,
                        });
                    }
                }
                Some(Nested::Ignored) => {}
                None => return Err(at("an indented line outside a nested block".into())),
            },
            _ => return Err(at("unexpected indentation".into())),
        }
    }
    blocks
        .into_iter()
        .map(|block| match block.version {
            Some(_) => Ok(block),
            None => Err(ParseError::at(
                block.line,
                format!("`{}` has no version", block.descriptors.join(", ")),
            )),
        })
        .collect()
}

/// The descriptors of a block's first line: `"a@^1", a@^2:`.
fn header(content: &str) -> Result<Vec<String>, String> {
    let mut descriptors = Vec::new();
    let mut rest = content;
    loop {
        let (descriptor, after) = token(rest)?;
        descriptors.push(descriptor);
        let after = after.trim_start();
        if let Some(next) = after.strip_prefix(',') {
            rest = next.trim_start();
        } else if after == ":" {
            return Ok(descriptors);
        } else {
            return Err("expected `,` or a final `:` after a descriptor".into());
        }
    }
}

/// A `key value` line of a block, or the `key:` opening a nested block.
fn field(block: &mut Block, content: &str) -> Result<Option<Nested>, String> {
    let (key, after) = token(content)?;
    if after.trim() == ":" {
        return Ok(Some(match key.as_str() {
            "dependencies" => Nested::Dependencies { optional: false },
            "optionalDependencies" => Nested::Dependencies { optional: true },
            _ => Nested::Ignored,
        }));
    }
    let value = value(&key, after)?;
    let slot = match key.as_str() {
        "version" => &mut block.version,
        "resolved" => &mut block.resolved,
        "dependencies" | "optionalDependencies" => {
            return Err(format!(
                "`{key}` must open a block of `name \"range\"` lines, not hold a value"
            ));
        }
        _ => return Ok(None),
    };
    // Two values would leave one of them silently unread.
    if slot.replace(value).is_some() {
        return Err(format!("`{key}` is given twice in this entry"));
    }
    Ok(None)
}

/// A `key value` line: two tokens and nothing else.
fn pair(content: &str) -> Result<(String, String), String> {
    let (key, after) = token(content)?;
    let value = value(&key, after)?;
    Ok((key, value))
}

/// The value token that follows `key`, alone on the rest of its line.
fn value(key: &str, after: &str) -> Result<String, String> {
    let after = after.trim_start();
    if after.is_empty() {
        return Err(format!("`{key}` has no value"));
    }
    let (value, rest) = token(after)?;
    if !rest.trim().is_empty() {
        return Err(format!("unexpected `{}` after `{key}`", rest.trim()));
    }
    Ok(value)
}

/// The next token: a JSON string, or a bare word ending at a space, `,` or `:` (as Yarn's
/// tokenizer reads them); and what follows it.
fn token(text: &str) -> Result<(String, &str), String> {
    if text.starts_with('"') {
        let mut escaped = false;
        for (i, c) in text.char_indices().skip(1) {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    let value = serde_json::from_str(&text[..=i])
                        .map_err(|e| format!("invalid quoted string: {e}"))?;
                    return Ok((value, &text[i + 1..]));
                }
                _ => escaped = false,
            }
        }
        return Err("unterminated quoted string".into());
    }
    let end = text.find([' ', ',', ':']).unwrap_or(text.len());
    if end == 0 {
        return Err(format!("expected a name or a quoted string at `{text}`"));
    }
    Ok((text[..end].to_owned(), &text[end..]))
}

fn inventory(
    blocks: &[Block],
    lockfile: &str,
    manifest: Option<&Manifest<'_>>,
    members: &[Manifest<'_>],
) -> Result<Parsed, ParseError> {
    let mut parsed = Parsed::default();
    let mut graph = Graph::new();
    let mut by_descriptor: HashMap<&str, usize> = HashMap::new();
    let mut locked = Vec::with_capacity(blocks.len());
    for block in blocks {
        let (name, source) = identify(block, lockfile).ok_or_else(|| {
            ParseError::at(
                block.line,
                format!("`{}` is not a descriptor", block.descriptors.join(", ")),
            )
        })?;
        let node = graph.add(name.clone());
        for descriptor in &block.descriptors {
            if by_descriptor.insert(descriptor, node).is_some() {
                return Err(ParseError::at(
                    block.line,
                    format!("`{descriptor}` is locked twice"),
                ));
            }
        }
        locked.push((
            node,
            Locked {
                name,
                version: block.version.clone().unwrap_or_default(),
                license: License::Unknown,
                source,
                line: block.line,
                optional: false,
                kinds: None,
            },
        ));
    }

    let mut by_name: HashMap<&str, Vec<(usize, &str)>> = HashMap::new();
    for (node, package) in &locked {
        by_name
            .entry(package.name.as_str())
            .or_default()
            .push((*node, package.version.as_str()));
    }
    // A descriptor no block locks is followed to the one entry of its name that satisfies
    // its range; otherwise it is a note on that edge.
    let find = |name: &str, range: &str| -> Result<usize, String> {
        let exact = by_descriptor.get(format!("{name}@{range}").as_str());
        // A range-less dependency (`name ""`) is the range-less key (`name:`).
        let rangeless = || by_descriptor.get(name).filter(|_| range.is_empty());
        match exact.or_else(rangeless) {
            Some(&node) => Ok(node),
            None => only_satisfying(name, range, by_name.get(name).map_or(&[], Vec::as_slice)),
        }
    };

    let mut links = Vec::new();
    // The root project and each workspace member (named by the root's `workspaces` globs)
    // declare their own dependencies.
    let member_names: Vec<&str> = members.iter().filter_map(Manifest::name).collect();
    for manifest in manifest.into_iter().chain(members) {
        let root = graph.add_root(manifest.name().unwrap_or("(root)"));
        // Yarn installs no peer dependencies.
        let sections = [
            Section::Dependencies,
            Section::OptionalDependencies,
            Section::DevDependencies,
        ];
        for section in sections {
            for (name, range) in manifest.section(section) {
                // Workspace packages are linked, never locked.
                if member_names.contains(&name.as_str()) {
                    continue;
                }
                let Ok(to) = find(name, range) else {
                    let why = format!(
                        "{} declares `{name}@{range}`, which yarn.lock does not lock \
                         (a workspace package or a link)",
                        manifest.path()
                    );
                    parsed
                        .notes
                        .push(Note::new(NoteCode::DanglingReference, None, why));
                    continue;
                };
                links.push(Link {
                    from: root,
                    to,
                    kind: section.edge_kind(),
                    optional: section == Section::OptionalDependencies,
                    declared_at: manifest.declared_at(section, name),
                });
            }
        }
    }
    for (block, (from, _)) in blocks.iter().zip(&locked) {
        for dependency in &block.dependencies {
            let to = match find(&dependency.name, &dependency.range) {
                Ok(to) => to,
                Err(why) => {
                    let message = format!(
                        "`{}@{}` is not locked in this file ({why}); the edge is not followed",
                        dependency.name, dependency.range
                    );
                    parsed.notes.push(Note::new(
                        NoteCode::DanglingReference,
                        Some(dependency.line),
                        message,
                    ));
                    continue;
                }
            };
            links.push(Link {
                from: *from,
                to,
                kind: crate::inventory::graph::EdgeKind::Normal,
                optional: dependency.optional,
                declared_at: None,
            });
        }
    }
    link_optional(&mut graph, links, &mut locked);
    parsed.components = assemble(Ecosystem::Npm, lockfile, &graph, locked);
    Ok(parsed)
}

/// A block's package name (the aliased package for `a@npm:b@^1`) and source; `None` when its
/// first descriptor names no package.
fn identify(block: &Block, lockfile: &str) -> Option<(String, Source)> {
    let first = block.descriptors.first()?;
    // Yarn accepts a key without a range (`name:`), as it accepts such a dependency.
    let (name, range) = split_descriptor(first).unwrap_or((first.as_str(), ""));
    if name.is_empty() {
        return None;
    }
    let name = match range.strip_prefix("npm:") {
        Some(aliased) => split_descriptor(aliased).map_or(aliased, |(real, _)| real),
        None => name,
    };
    let source = match (&block.resolved, range.strip_prefix("file:")) {
        (Some(resolved), _) => resolved_source(resolved, name, lockfile),
        (None, Some(path)) => Source::Path {
            path: relative_to_lockfile(lockfile, path),
        },
        (None, None) => Source::Registry {
            url: registry::YARNPKG.to_owned(),
        },
    };
    Some((name.to_owned(), source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_json_strings_or_bare_words() {
        assert_eq!(token(r#""a\"b" rest"#), Ok((r#"a"b"#.to_owned(), " rest")));
        assert_eq!(token("lodash@^4, x:"), Ok(("lodash@^4".to_owned(), ", x:")));
        assert!(token(r#""open"#).is_err());
    }

    #[test]
    fn blocks_hold_their_descriptors_fields_and_dependencies() {
        let text = concat!(
            "# yarn lockfile v1\n\n",
            "\"@a/b@^1\", \"@a/b@^1.1\":\n",
            "  version \"1.2.0\"\n",
            "  dependencies:\n",
            "    c \"^2\"\n",
            "  optionalDependencies:\n",
            "    d \"~3\"\n",
            "\n",
            "c@^2:\n",
            "  version \"2.0.0\"\n",
        );
        let blocks = read_blocks(text).unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].descriptors, ["@a/b@^1", "@a/b@^1.1"]);
        assert_eq!(blocks[0].line, 3);
        let deps: Vec<(&str, bool, u32)> = blocks[0]
            .dependencies
            .iter()
            .map(|d| (d.range.as_str(), d.optional, d.line))
            .collect();
        assert_eq!(deps, [("^2", false, 6), ("~3", true, 8)]);
        assert_eq!(blocks[1].version.as_deref(), Some("2.0.0"));
    }
}
