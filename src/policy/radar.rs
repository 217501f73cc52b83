//! `depgov policy import-radar`: a Thoughtworks build-your-own-radar CSV (`name`, `ring`,
//! `quadrant`, `isNew`, `description`) turned into a policy layer of `[[components]]`.
//!
//! A radar names technologies ("Moment.js"), a policy names packages, so a mapping file says
//! which package URLs each radar name stands for:
//!
//! ```toml
//! [names]
//! "Moment.js" = "pkg:npm/moment"
//! "Log4j" = ["pkg:maven/org.apache.logging.log4j/log4j-core", "pkg:maven/log4j/log4j"]
//! "Pair programming" = []        # not a package: left out on purpose
//! ```
//!
//! The radar's rings are depgov's (Adopt, Trial, Assess, Hold become adopt, trial, assess,
//! hold), and an entry's description becomes its `reason`. A name the mapping does not know is
//! reported and listed in the output, never dropped silently. The output is generated with
//! the toml crate, so any description (HTML, quotes, newlines) stays one valid string; only the
//! comments are written by hand, from escaped text.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostic::line_of;
use crate::error::Error;
use crate::messages::Message;
use crate::model::Ring;
use crate::model::purl::parse_policy_purl;
use crate::util::paths::display_path;

/// The policy layer and what the user should be told about the import.
pub struct Imported {
    pub toml: String,
    /// For standard error: a warning (`FILE:LINE: …`) for every radar name without a purl and
    /// every purl given twice, then how many entries were imported.
    pub messages: Vec<Message>,
}

/// Reads the radar `csv` and the `map` and builds the layer.
pub fn import(csv: &Path, map: &Path) -> Result<Imported, Error> {
    let (map_name, map_bytes) = read(map)?;
    let map_text = std::str::from_utf8(&map_bytes).map_err(|error| {
        let valid = &map_bytes[..error.valid_up_to()];
        Error::Parse {
            file: map_name.clone(),
            line: Some(
                1 + u32::try_from(valid.iter().filter(|b| **b == b'\n').count())
                    .unwrap_or(u32::MAX),
            ),
            message: "not UTF-8 text".to_owned(),
        }
    })?;
    let names = read_map(&map_name, map_text)?;
    let (csv_name, csv_bytes) = read(csv)?;
    let entries = read_radar(&csv_name, &csv_bytes)?;
    Ok(layer(&csv_name, &map_name, &entries, &names))
}

/// A file's name as messages show it, and its bytes.
fn read(path: &Path) -> Result<(String, Vec<u8>), Error> {
    let name = display_path(path);
    match std::fs::read(path) {
        Ok(bytes) => Ok((name, bytes)),
        Err(source) => Err(Error::Read { path: name, source }),
    }
}

/// `[names]`: radar name → the package URLs it stands for (none: not a package).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMap {
    #[serde(default)]
    names: BTreeMap<String, Spanned<toml::Value>>,
}

/// Reads the mapping file; every bad value is reported at its line.
fn read_map(file: &str, text: &str) -> Result<BTreeMap<String, Vec<String>>, Error> {
    let parse_error = |line, message: String| Error::Parse {
        file: file.to_owned(),
        line: Some(line),
        message,
    };
    let raw: RawMap = toml::from_str(text).map_err(|error| {
        let line = error.span().map_or(1, |span| line_of(text, span.start));
        parse_error(line, error.message().trim().to_owned())
    })?;
    let mut problems = Vec::new();
    let mut names = BTreeMap::new();
    for (name, value) in raw.names {
        let line = line_of(text, value.span().start);
        let purls: Vec<String> = match value.into_inner() {
            toml::Value::String(purl) => vec![purl],
            toml::Value::Array(items) => items
                .into_iter()
                .filter_map(|item| match item {
                    toml::Value::String(purl) => Some(purl),
                    _ => {
                        problems.push(parse_error(
                            line,
                            format!("`{}`: a purl is a string", name.escape_debug()),
                        ));
                        None
                    }
                })
                .collect(),
            _ => {
                problems.push(parse_error(
                    line,
                    format!(
                        "`{}` must map to a purl or a list of purls, e.g. \"pkg:npm/moment\"",
                        name.escape_debug()
                    ),
                ));
                continue;
            }
        };
        for purl in &purls {
            if let Err(message) = parse_policy_purl(purl) {
                problems.push(parse_error(
                    line,
                    format!("`{}`: {message}", purl.escape_debug()),
                ));
            }
        }
        names.insert(name, purls);
    }
    checked(names, problems)
}

/// One row of the radar.
struct Entry {
    line: u64,
    name: String,
    ring: Ring,
    quadrant: String,
    description: String,
}

/// Reads the radar's rows; every bad row is reported at its line.
fn read_radar(file: &str, bytes: &[u8]) -> Result<Vec<Entry>, Error> {
    let problem = |line: u64, message: String| Error::Parse {
        file: file.to_owned(),
        line: Some(u32::try_from(line).unwrap_or(u32::MAX)),
        message,
    };
    let csv_problem = |error: csv::Error| {
        let line = error.position().map_or(1, csv::Position::line);
        let message = match error.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("this row has {len} fields, the header {expected_len}"),
            csv::ErrorKind::Utf8 { err, .. } => {
                format!("not UTF-8 text (field {})", err.field() + 1)
            }
            _ => error.to_string(),
        };
        problem(line, message)
    };
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader.headers().map_err(csv_problem)?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(name_at), Some(ring_at)) = (column("name"), column("ring")) else {
        return Err(problem(
            1,
            "a radar CSV has the columns name, ring, quadrant, isNew, description; this header lacks name or ring".to_owned(),
        ));
    };
    let quadrant_at = column("quadrant");
    let description_at = column("description");
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.push(csv_problem(error));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        let field = |at: Option<usize>| at.and_then(|i| record.get(i)).unwrap_or("").trim();
        let name = field(Some(name_at));
        let ring_text = field(Some(ring_at));
        if name.is_empty() {
            problems.push(problem(line, "this row has no name".to_owned()));
            continue;
        }
        let Some(ring) = radar_ring(ring_text) else {
            problems.push(problem(
                line,
                format!(
                    "`{}` has the ring `{}`; a radar's rings are Adopt, Trial, Assess and Hold",
                    name.escape_debug(),
                    ring_text.escape_debug()
                ),
            ));
            continue;
        };
        entries.push(Entry {
            line,
            name: name.to_owned(),
            ring,
            quadrant: field(quadrant_at).to_owned(),
            description: field(description_at).to_owned(),
        });
    }
    checked(entries, problems)
}

/// `value`, unless problems were found reading it: then the one problem, or all of them in
/// file order.
fn checked<T>(value: T, mut problems: Vec<Error>) -> Result<T, Error> {
    problems.sort_by_key(|problem| match problem {
        Error::Parse { line, .. } => *line,
        _ => None,
    });
    match problems.len() {
        0 => Ok(value),
        1 => Err(problems.remove(0)),
        _ => Err(Error::Several(problems)),
    }
}

/// A radar ring as a depgov ring: the four are the same rings (depgov adds remove).
fn radar_ring(text: &str) -> Option<Ring> {
    Ring::from_name(&text.to_ascii_lowercase()).filter(|ring| *ring != Ring::Remove)
}

#[derive(Serialize)]
struct Layer<'a> {
    components: [Component<'a>; 1],
}

#[derive(Serialize)]
struct Component<'a> {
    purl: &'a str,
    ring: Ring,
    #[serde(skip_serializing_if = "str::is_empty")]
    reason: &'a str,
}

/// The policy layer for `entries`, with the messages about what it leaves out.
fn layer(
    csv: &str,
    map: &str,
    entries: &[Entry],
    names: &BTreeMap<String, Vec<String>>,
) -> Imported {
    let (csv, map) = (
        csv.escape_debug().to_string(),
        map.escape_debug().to_string(),
    );
    let mut messages = Vec::new();
    let mut unmapped = Vec::new();
    let mut not_packages = 0;
    let mut given: BTreeMap<&str, &Entry> = BTreeMap::new();
    let mut body = String::new();
    for entry in entries {
        let name = entry.name.escape_debug();
        let place = match entry.quadrant.as_str() {
            "" => format!("{csv}:{}", entry.line),
            quadrant => format!("{csv}:{}, {}", entry.line, quadrant.escape_debug()),
        };
        let Some(purls) = names.get(&entry.name) else {
            messages.push(Message::warning(format!(
                "{csv}:{}: \"{name}\" has no purl in {map}; add it under [names], or map it to [] if it is not a package",
                entry.line
            )));
            unmapped.push(format!("#   \"{name}\" ({place})"));
            continue;
        };
        if purls.is_empty() {
            not_packages += 1;
        }
        for purl in purls {
            if let Some(first) = given.get(purl.as_str()) {
                messages.push(Message::warning(format!(
                    "{csv}:{}: \"{name}\" maps to {purl}, which \"{}\" (line {}) already gave; the first is kept",
                    entry.line,
                    first.name.escape_debug(),
                    first.line
                )));
                continue;
            }
            given.insert(purl, entry);
            let component = Component {
                purl,
                ring: entry.ring,
                reason: &entry.description,
            };
            let _ = writeln!(body, "\n# \"{name}\" ({place})");
            let table = toml::to_string(&Layer {
                components: [component],
            });
            body.push_str(&table.expect("strings and a ring always serialize as TOML"));
        }
    }

    let mut out = format!(
        "# A policy layer generated by `depgov policy import-radar` from the radar {csv}, with\n\
         # the package URLs {map} gives its names. Regenerate it rather than edit it, and\n\
         # extend it from the repository's policy (extends = [\"radar.toml\"], relative to it).\n\
         # Radar rings are depgov rings (Adopt, Trial, Assess, Hold); descriptions are reasons.\n"
    );
    if !unmapped.is_empty() {
        let _ = writeln!(
            out,
            "#\n# Not imported: {} without a purl in {map}:\n{}",
            count(unmapped.len(), "radar"),
            unmapped.join("\n")
        );
    }
    if not_packages > 0 {
        let _ = writeln!(
            out,
            "#\n# Left out: {} {map} maps to no package ([]).",
            count(not_packages, "radar")
        );
    }
    out.push_str("\nversion = 1\n");
    out.push_str(&body);
    messages.push(Message::info(format!(
        "imported {} from {csv}",
        count(given.len(), "component")
    )));
    Imported {
        toml: out,
        messages,
    }
}

/// `1 radar entry`, `2 radar entries`.
fn count(n: usize, of: &str) -> String {
    let plural = if n == 1 { "y" } else { "ies" };
    format!("{n} {of} entr{plural}")
}
