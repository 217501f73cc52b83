//! What a finding rests on (the registry's message, dates, scores…), by name.
//!
//! A run can hold tens of thousands of findings, most with two to five pieces of evidence:
//! they are kept in one small vector ordered by name, not in a `BTreeMap` (whose every map,
//! however small, allocates a node with room for eleven entries). Reports see the same thing
//! either way: the entries in the order of their names, written as a JSON object.

use std::borrow::Cow;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A finding's evidence: values by name, ordered by name, each name at most once. The names
/// depgov gives are `'static`, so a finding does not allocate its keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evidence(Vec<(Cow<'static, str>, Value)>);

impl Evidence {
    /// Room for `entries` pieces of evidence, allocated once.
    pub fn with_capacity(entries: usize) -> Evidence {
        Evidence(Vec::with_capacity(entries))
    }

    /// Sets `key` to `value`, replacing what it held.
    pub fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: Value) {
        let key = key.into();
        // Evidence is mostly given in the order of its names: appended without a search.
        if self.0.last().is_none_or(|(last, _)| *last < key) {
            self.0.push((key, value));
            return;
        }
        match self.0.binary_search_by(|(held, _)| held.as_ref().cmp(&key)) {
            Ok(at) => self.0[at].1 = value,
            Err(at) => self.0.insert(at, (key, value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0
            .binary_search_by(|(held, _)| held.as_ref().cmp(key))
            .ok()
            .map(|at| &self.0[at].1)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The entries in the order of their names.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(key, value)| (key.as_ref(), value))
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Evidence, D::Error> {
        struct Entries;

        impl<'de> Visitor<'de> for Entries {
            type Value = Evidence;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of evidence by name")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Evidence, A::Error> {
                let mut evidence = Evidence::with_capacity(map.size_hint().unwrap_or(0));
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    evidence.insert(key, value);
                }
                Ok(evidence)
            }
        }

        deserializer.deserialize_map(Entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_are_kept_by_name_once_and_written_as_an_object_in_that_order() {
        let mut evidence = Evidence::default();
        evidence.insert("source", json!("deps.dev"));
        evidence.insert("days", json!(800));
        evidence.insert("latest_release", json!("2024-01-02"));
        evidence.insert("days", json!(801));
        assert_eq!(evidence.get("days"), Some(&json!(801)));
        assert_eq!(evidence.get("missing"), None);
        let written = serde_json::to_string(&evidence).expect("evidence is JSON");
        assert_eq!(
            written,
            r#"{"days":801,"latest_release":"2024-01-02","source":"deps.dev"}"#
        );
        let read: Evidence = serde_json::from_str(&written).expect("evidence reads back");
        assert_eq!(read, evidence);
        // Given in the order of the names, as the criteria give it: appended, same result.
        let mut in_order = Evidence::default();
        in_order.insert("days", json!(801));
        in_order.insert("latest_release", json!("2024-01-02"));
        in_order.insert("source", json!("deps.dev"));
        assert_eq!(in_order, evidence);
    }
}
