//! Reading YAML lockfiles (pnpm-lock.yaml, Yarn Berry's yarn.lock) with serde-saphyr.
//!
//! serde-saphyr's default budgets are sized for configuration files; a lockfile of 100,000
//! packages has millions of YAML events, so the event and node budgets grow with the input
//! (a node takes at least one byte of text). Alias budgets stay at their defaults: lockfiles
//! use no anchors, and those budgets are what stops alias amplification.
//!
//! serde-saphyr reads about 25 MB a second, so a lockfile of 100,000 packages (about 30 MB)
//! would take over a second: large documents are split at the top-level key nearest their
//! middle and the halves parsed on two threads ([`from_str_in_halves`]). The second half is
//! padded with the first half's line breaks, so every line stays the line of the whole file.
//! Whenever a half fails or the halves conflict, the whole document is parsed as one, so the
//! split never changes a result, only its speed.
//!
//! [`Mapping`] keeps a mapping's keys in file order with their lines, for entry locations.

use std::collections::HashSet;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_saphyr::{Budget, Options, Spanned};

use crate::inventory::ParseError;

/// Parses a whole YAML document, with the error's line when serde-saphyr knows it.
pub fn from_str<'de, T: Deserialize<'de>>(text: &'de str) -> Result<T, ParseError> {
    let mut budget = Budget::default();
    budget.max_events = budget.max_events.max(text.len().saturating_mul(2));
    budget.max_nodes = budget.max_nodes.max(text.len());
    let mut options = Options::default();
    options.budget = Some(budget);
    serde_saphyr::from_str_with_options(text, options).map_err(|error| {
        let line = error
            .location()
            .and_then(|l| u32::try_from(l.line()).ok())
            .filter(|l| *l > 0);
        // The message without the source snippet; the line is reported separately. A
        // duplicate key's message ends with advice for programmers, not for the user.
        let text = error.without_snippet().to_string();
        let message = match text.rfind(" at line ") {
            Some(i) if line.is_some() => &text[..i],
            _ => &text,
        };
        let message = message
            .trim_end_matches(", set DuplicateKeyPolicy in Options if acceptable")
            .to_owned();
        ParseError { line, message }
    })
}

/// Documents smaller than this are parsed on one thread: a thread costs more than it saves.
const HALVES_FROM_BYTES: usize = 2 << 20;

/// A document type whose top-level keys can be read in two parts and joined.
pub trait Halves: Sized {
    /// The document holding this part's keys, then `later`'s; `None` when both hold the same
    /// key (a duplicate, which the whole-document parse reports).
    fn join(self, later: Self) -> Option<Self>;
}

/// [`from_str`], on two threads for large documents.
pub fn from_str_in_halves<T>(text: &str) -> Result<T, ParseError>
where
    T: DeserializeOwned + Halves + Send,
{
    parse_in_halves(text, HALVES_FROM_BYTES)
}

fn parse_in_halves<T>(text: &str, from_bytes: usize) -> Result<T, ParseError>
where
    T: DeserializeOwned + Halves + Send,
{
    if let Some(split) = middle_key(text).filter(|_| text.len() >= from_bytes) {
        let (first, second) = text.split_at(split);
        let line_breaks = first.bytes().filter(|b| *b == b'\n').count();
        let mut padded = "\n".repeat(line_breaks);
        padded.push_str(second);
        let (first, second) = std::thread::scope(|scope| {
            let first = scope.spawn(|| from_str::<T>(first));
            let second = from_str::<T>(&padded);
            (first.join(), second)
        });
        if let (Ok(Ok(first)), Ok(second)) = (first, second) {
            if let Some(joined) = first.join(second) {
                return Ok(joined);
            }
        }
    }
    from_str(text)
}

/// The offset of the first line at or after the middle of `text` that starts a top-level key.
fn middle_key(text: &str) -> Option<usize> {
    let mut offset = text.len() / 2;
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    let mut start = offset + text[offset..].find('\n')? + 1;
    loop {
        let line = &text[start..];
        let top_level_key = line.bytes().next().is_some_and(|b| {
            !matches!(
                b,
                b' ' | b'\t' | b'\r' | b'\n' | b'#' | b'-' | b'.' | b'?' | b'}' | b']'
            )
        });
        if top_level_key {
            return Some(start);
        }
        start += line.find('\n')? + 1;
    }
}

impl<V> Halves for Mapping<V> {
    fn join(mut self, later: Self) -> Option<Self> {
        let keys: HashSet<&str> = self.0.iter().map(|k| k.key.as_str()).collect();
        if later.0.iter().any(|k| keys.contains(k.key.as_str())) {
            return None;
        }
        self.0.extend(later.0);
        Some(self)
    }
}

/// One key of a [`Mapping`], with the 1-based line it is written on.
#[derive(Debug)]
pub struct Keyed<V> {
    pub key: String,
    pub line: u32,
    pub value: V,
}

/// A YAML mapping with string keys, in file order, each key with its line.
#[derive(Debug)]
pub struct Mapping<V>(pub Vec<Keyed<V>>);

impl<V> Default for Mapping<V> {
    fn default() -> Self {
        Mapping(Vec::new())
    }
}

impl<V> Mapping<V> {
    pub fn iter(&self) -> std::slice::Iter<'_, Keyed<V>> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Mapping<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MappingVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for MappingVisitor<V> {
            type Value = Mapping<V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let value = map.next_value()?;
                    entries.push(Keyed {
                        line: u32::try_from(key.referenced.line()).unwrap_or(u32::MAX),
                        key: key.value,
                        value,
                    });
                }
                Ok(Mapping(entries))
            }
        }

        deserializer.deserialize_map(MappingVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_keep_key_order_and_lines() {
        let text = "b:\n  x: 1\n\n'@a/c@1.0.0(p@1)': {}\n";
        let mapping: Mapping<serde::de::IgnoredAny> = from_str(text).unwrap();
        let keys: Vec<(&str, u32)> = mapping.iter().map(|k| (k.key.as_str(), k.line)).collect();
        assert_eq!(keys, [("b", 1), ("@a/c@1.0.0(p@1)", 4)]);
    }

    #[test]
    fn halves_give_what_the_whole_gives_or_fall_back_to_it() {
        let text = "a:\n  x: 1\nb:\n  x: 2\n# note\n\nc:\n  x: 3\nd: {x: 4}\n";
        let keys = |mapping: &Mapping<serde::de::IgnoredAny>| -> Vec<(String, u32)> {
            mapping.iter().map(|k| (k.key.clone(), k.line)).collect()
        };
        let whole: Mapping<serde::de::IgnoredAny> = from_str(text).unwrap();
        let halves: Mapping<serde::de::IgnoredAny> = parse_in_halves(text, 0).unwrap();
        assert_eq!(keys(&halves), keys(&whole));
        assert_eq!(middle_key(text).map(|i| &text[i..i + 2]), Some("c:"));

        // An alias in the second half of an anchor in the first: only the whole resolves it.
        let aliased = "a: &shared\n  x: 1\nb: 2\nc: *shared\nd: 4\n";
        let mapping: Mapping<serde::de::IgnoredAny> = parse_in_halves(aliased, 0).unwrap();
        assert_eq!(mapping.0.len(), 4);
        // A key in both halves is the whole document's duplicate.
        let duplicate = "a: 1\nb: 2\nc: 3\na: 4\n";
        let error = parse_in_halves::<Mapping<serde::de::IgnoredAny>>(duplicate, 0).unwrap_err();
        assert_eq!(error.line, Some(4));
    }

    #[test]
    fn errors_carry_the_line_without_the_snippet() {
        let error = from_str::<Mapping<String>>("a: b\nc: [\n").unwrap_err();
        assert_eq!(error.line, Some(2));
        assert!(!error.message.contains("line 2"), "{}", error.message);
    }
}
