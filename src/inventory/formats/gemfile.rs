//! Bundler's `Gemfile` read on its own, where no `Gemfile.lock` beside it covers it.
//!
//! A Gemfile is Ruby; depgov does not run it. A careful line reader follows the documented
//! forms: `gem "name", "requirement", …, option: value` (or `:option => value`) on one line,
//! inside `group :development, :test do … end` blocks (and `source …`, `platforms …` and
//! `install_if …` blocks, which change nothing here). Each gem is a component from RubyGems
//! with its requirements joined by commas (`~> 7.1, >= 7.1.3`), located at its line; `= 1.2.3`
//! or a bare `1.2.3` gives the version. Gems in the `development` or `test` group (by block or
//! `group:` option) are dev. `git:`, `github:` and `path:` gems are components from that
//! source. A `gem` line the reader cannot follow (a name or requirement that is not a literal
//! string, a gem spread over several lines) is noted, not guessed; `gemspec` is noted too, as
//! the gems it adds are in the gemspec.

use super::manifest::{self, Declared};
use crate::inventory::{Coverage, Format, Input, Note, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::{Ecosystem, Kind, Source};

pub struct Gemfile;

impl Format for Gemfile {
    fn name(&self) -> &'static str {
        "gemfile"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Gem)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "Gemfile"
    }

    fn covered_by(&self) -> Option<Coverage> {
        Some(Coverage {
            lockfiles: &["Gemfile.lock"],
            from_above: false,
        })
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let mut declared = Vec::new();
        let mut notes = Vec::new();
        // Per open block: whether it is a development or test group.
        let mut blocks: Vec<bool> = Vec::new();
        for (raw, line) in input.file.text.lines().zip(1u32..) {
            manifest::check_text(raw, line)?;
            let code = strip_comment(raw).trim();
            if code == "end" {
                if blocks.pop().is_none() {
                    return Err(ParseError::at(line, "`end` closes no block"));
                }
                continue;
            }
            let opens_block = code.ends_with(" do") || code.contains(" do |");
            if opens_block {
                let dev = code.starts_with("group") && dev_groups(code);
                blocks.push(dev);
                continue;
            }
            if code == "gemspec" || code.starts_with("gemspec ") || code.starts_with("gemspec(") {
                notes.push(Note::new(
                    NoteCode::Ignored,
                    Some(line),
                    "`gemspec` adds the gems the gemspec declares, which depgov does not read",
                ));
                continue;
            }
            let Some(arguments) = code
                .strip_prefix("gem ")
                .or_else(|| code.strip_prefix("gem("))
            else {
                continue;
            };
            match gem(arguments) {
                Some(gem) => {
                    let dev = blocks.iter().any(|dev| *dev) || gem.dev;
                    let requirement = gem.requirements.join(", ");
                    let version = match gem.requirements.as_slice() {
                        [only] => manifest::exact_version(only),
                        _ => None,
                    };
                    let mut dependency =
                        Declared::new(Ecosystem::Gem, &gem.name, &requirement, line)
                            .kind(if dev { Kind::Dev } else { Kind::Runtime })
                            .resolves_to(version);
                    if let Some(url) = gem.git {
                        dependency.source = Source::Git { url, rev: None };
                    } else if let Some(path) = gem.path {
                        dependency.source = Source::Path {
                            path: super::repository_path(input.file.path, &path),
                        };
                    }
                    declared.push(dependency);
                }
                None => notes.push(Note::new(
                    NoteCode::Unidentified,
                    Some(line),
                    "a `gem` line depgov cannot read without running Ruby (a name or requirement that is not a literal string, or a gem spread over several lines)",
                )),
            }
        }
        if !blocks.is_empty() {
            return Err(ParseError::new(format!(
                "{} block{} opened with `do` never closed with `end`",
                blocks.len(),
                if blocks.len() == 1 { "" } else { "s" }
            )));
        }
        Ok(Parsed {
            components: manifest::components(
                Ecosystem::Gem,
                input.file.path,
                super::UNNAMED_ROOT,
                declared,
            ),
            notes,
        })
    }
}

/// What a `gem` line declares.
struct Gem {
    name: String,
    requirements: Vec<String>,
    dev: bool,
    /// The git repository it comes from (`git:`, `github:`).
    git: Option<String>,
    /// The directory it comes from (`path:`), relative to the Gemfile.
    path: Option<String>,
}

/// Reads the arguments of `gem`: literal strings, then `key: value` options. `None` when an
/// argument is neither.
fn gem(arguments: &str) -> Option<Gem> {
    let arguments = arguments.trim().trim_end_matches(')');
    let mut parts = split_arguments(arguments).into_iter();
    let name = string_literal(parts.next()?)?;
    let mut gem = Gem {
        name,
        requirements: Vec::new(),
        dev: false,
        git: None,
        path: None,
    };
    for part in parts {
        if let Some(requirement) = string_literal(part) {
            gem.requirements.push(requirement);
            continue;
        }
        let (key, value) = option(part)?;
        match key {
            "group" | "groups" => gem.dev |= dev_groups(value),
            "git" => gem.git = Some(string_literal(value)?),
            "github" => gem.git = Some(format!("https://github.com/{}", string_literal(value)?)),
            "path" => gem.path = Some(string_literal(value)?),
            _ => {}
        }
    }
    Some(gem)
}

/// Whether a `group` line or option names the development or test group.
fn dev_groups(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|word| matches!(word, "development" | "test"))
}

/// Splits on commas outside quotes and brackets.
fn split_arguments(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '(' | '{') => depth += 1,
            (None, ']' | ')' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                parts.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim());
    parts
}

/// `"text"` or `'text'` without interpolation.
fn string_literal(text: &str) -> Option<String> {
    let text = text.trim();
    let quote = text.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    // Double quotes interpolate `#{…}`, which only Ruby can evaluate.
    let interpolates = quote == '"' && inner.contains("#{");
    let plain = !(inner.contains(quote) || interpolates);
    plain.then(|| inner.to_owned())
}

/// `key: value` or `:key => value`.
fn option(text: &str) -> Option<(&str, &str)> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix(':') {
        let (key, value) = rest.split_once("=>")?;
        return Some((key.trim(), value.trim()));
    }
    let (key, value) = text.split_once(':')?;
    let key = key.trim();
    key.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        .then(|| (key, value.trim()))
}

/// The line without a trailing `# comment` (outside quotes).
fn strip_comment(line: &str) -> &str {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => return &line[..i],
            _ => {}
        }
    }
    line
}
