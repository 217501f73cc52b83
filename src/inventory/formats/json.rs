//! Reading JSON objects whose keys must be unique.
//!
//! JSON leaves duplicate keys to the reader, and readers disagree: serde_json and JavaScript's
//! `JSON.parse` keep the last value, other readers the first. A lockfile with two entries under
//! one key is ambiguous about what is installed, so it is refused, at the line of the second
//! key, rather than judged on one of its entries while the other is silently dropped. serde
//! already refuses a repeated field of a struct; [`UniqueKeys`] is for objects read as maps.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};

/// A JSON object as a map by key, refusing a key it already holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UniqueKeys<V>(BTreeMap<String, V>);

impl<V> UniqueKeys<V> {
    pub fn into_inner(self) -> BTreeMap<String, V> {
        self.0
    }
}

impl<V> Default for UniqueKeys<V> {
    fn default() -> Self {
        UniqueKeys(BTreeMap::new())
    }
}

impl<V> Deref for UniqueKeys<V> {
    type Target = BTreeMap<String, V>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<V> FromIterator<(String, V)> for UniqueKeys<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        UniqueKeys(iter.into_iter().collect())
    }
}

impl<V> IntoIterator for UniqueKeys<V> {
    type Item = (String, V);
    type IntoIter = std::collections::btree_map::IntoIter<String, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a, V> IntoIterator for &'a UniqueKeys<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = std::collections::btree_map::Iter<'a, String, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for UniqueKeys<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(UniqueKeysVisitor(PhantomData))
    }
}

/// Reads a map's entries, failing at a repeated key before reading its value, so that the
/// error is at the key's line.
struct UniqueKeysVisitor<V>(PhantomData<V>);

impl<'de, V: Deserialize<'de>> Visitor<'de> for UniqueKeysVisitor<V> {
    type Value = UniqueKeys<V>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            if entries.contains_key(&key) {
                return Err(A::Error::custom(format!("duplicate key `{key}`")));
            }
            let value = map.next_value()?;
            entries.insert(key, value);
        }
        Ok(UniqueKeys(entries))
    }
}

/// For `#[serde(deserialize_with)]` on a plain map field.
pub fn unique_keys<'de, D, V>(deserializer: D) -> Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    UniqueKeys::deserialize(deserializer).map(UniqueKeys::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_key_is_an_error_at_its_line() {
        let text = "{\n  \"a\": 1,\n  \"b\": 2,\n  \"a\": 3\n}";
        let error = serde_json::from_str::<UniqueKeys<u32>>(text).unwrap_err();
        assert_eq!(error.line(), 4);
        assert!(
            error.to_string().starts_with("duplicate key `a`"),
            "{error}"
        );
        let unique: UniqueKeys<u32> = serde_json::from_str("{\"b\": 2, \"a\": 1}").unwrap();
        assert_eq!(
            unique.into_inner(),
            BTreeMap::from([("a".into(), 1), ("b".into(), 2)])
        );
    }
}
