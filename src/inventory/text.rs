//! Finding lines in lockfile text, for locations.
//!
//! The data of a lockfile comes from a real parser (serde_json, toml, serde-saphyr); these
//! helpers only answer "on which line is this entry", cheaply enough for files with hundreds of
//! thousands of entries.

use std::collections::HashMap;

/// Byte offset → 1-based line, by binary search over line starts.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr_newlines(text).map(|i| i + 1));
        LineIndex { starts }
    }

    pub fn line(&self, offset: usize) -> u32 {
        let line = self.starts.partition_point(|start| *start <= offset);
        u32::try_from(line).unwrap_or(u32::MAX)
    }
}

fn memchr_newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
}

/// The lines of pretty-printed JSON on which each key appears, in file order; and, for keys
/// with a string value on the same line, the lines of each key/value pair. Machine-written
/// lockfiles put one key per line; in minified JSON everything is on line 1, which is then
/// the truth.
#[derive(Debug, Default)]
pub struct JsonLines<'a> {
    keys: HashMap<&'a str, Vec<u32>>,
    objects: HashMap<&'a str, Vec<u32>>,
    pairs: HashMap<(&'a str, &'a str), Vec<u32>>,
}

impl<'a> JsonLines<'a> {
    /// Indexes every key, object key and key/value pair.
    pub fn new(text: &'a str) -> Self {
        Self::index(text, false)
    }

    /// Indexes only keys that open an object: much less work on large lockfiles whose entries
    /// are objects keyed by name (npm's `packages`).
    pub fn objects(text: &'a str) -> Self {
        Self::index(text, true)
    }

    fn index(text: &'a str, objects_only: bool) -> Self {
        let mut lines = JsonLines::default();
        for (number, line) in text.lines().enumerate() {
            let number = u32::try_from(number + 1).unwrap_or(u32::MAX);
            let Some((key, rest)) = leading_string(line.trim_start()) else {
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix(':') else {
                continue;
            };
            let rest = rest.trim_start();
            if rest.starts_with('{') {
                lines.objects.entry(key).or_default().push(number);
            }
            if objects_only {
                continue;
            }
            lines.keys.entry(key).or_default().push(number);
            if let Some((value, _)) = leading_string(rest) {
                lines.pairs.entry((key, value)).or_default().push(number);
            }
        }
        lines
    }

    /// The first line on which `key` is a key.
    pub fn key(&self, key: &str) -> Option<u32> {
        self.keys.get(key)?.first().copied()
    }

    /// The first line on which `key` opens an object.
    pub fn object(&self, key: &str) -> Option<u32> {
        self.objects.get(key)?.first().copied()
    }

    /// The first line after `after` on which `key` is a key.
    pub fn key_after(&self, key: &str, after: u32) -> Option<u32> {
        self.keys.get(key)?.iter().copied().find(|l| *l > after)
    }

    /// The first line after `after` on which `key` opens an object.
    pub fn object_after(&self, key: &str, after: u32) -> Option<u32> {
        self.objects.get(key)?.iter().copied().find(|l| *l > after)
    }

    /// The first line on which `key` has the string value `value` (as written, unescaped
    /// characters only).
    pub fn pair(&self, key: &str, value: &str) -> Option<u32> {
        self.pairs.get(&(key, value))?.first().copied()
    }

    /// The first line after `after` on which `key` has the string value `value`.
    pub fn pair_after(&self, key: &str, value: &str, after: u32) -> Option<u32> {
        self.pairs
            .get(&(key, value))?
            .iter()
            .copied()
            .find(|l| *l > after)
    }
}

/// A JSON string at the start of `text` (without its quotes, escapes left as written) and
/// what follows it.
fn leading_string(text: &str) -> Option<(&str, &str)> {
    let body = text.strip_prefix('"')?;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some((&body[..i], &body[i + 1..])),
            _ => escaped = false,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_maps_offsets_to_lines() {
        let text = "a\nbc\n\nd";
        let index = LineIndex::new(text);
        assert_eq!(index.line(0), 1);
        assert_eq!(index.line(2), 2);
        assert_eq!(index.line(5), 3);
        assert_eq!(index.line(6), 4);
    }

    #[test]
    fn json_lines_finds_keys_and_pairs_in_order() {
        let text = r#"{
  "default": {
    "requests": {
      "version": "==2.0"
    }
  },
  "develop": {
    "requests": {
      "name": "a \"quoted\" name"
    }
  }
}"#;
        let lines = JsonLines::new(text);
        assert_eq!(lines.key("requests"), Some(3));
        let develop = lines.key("develop").unwrap();
        assert_eq!(lines.key_after("requests", develop), Some(8));
        assert_eq!(lines.pair("version", "==2.0"), Some(4));
        assert_eq!(lines.pair("name", r#"a \"quoted\" name"#), Some(9));
    }
}
