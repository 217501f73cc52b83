//! `--shard I/N`: which repositories one of N scan jobs takes. A repository belongs to the
//! shard its full name (lowercased, as GitHub compares names) hashes to, with a hash that never
//! changes ([`crate::stable_hash`]), so every job of a matrix agrees without talking to the
//! others and a repository keeps its shard from run to run.

use crate::report::org::Shard;
use crate::stable_hash::fnv1a;

/// The most shards a scan may be split into (GitHub's matrix allows 256 jobs).
pub const MAX_SHARDS: u32 = 256;

/// Reads `I/N`, `1 <= I <= N <= MAX_SHARDS`.
pub fn parse(text: &str) -> Result<Shard, String> {
    let bad = || {
        format!("`{text}` is not a shard I/N such as 3/16 (I from 1 to N, N at most {MAX_SHARDS})")
    };
    let (index, count) = text.split_once('/').ok_or_else(bad)?;
    let index: u32 = index.trim().parse().map_err(|_| bad())?;
    let count: u32 = count.trim().parse().map_err(|_| bad())?;
    if index == 0 || index > count || count > MAX_SHARDS {
        return Err(bad());
    }
    Ok(Shard { index, count })
}

/// The 1-based index of the shard out of `count` that `full_name` belongs to.
pub fn index_of(full_name: &str, count: u32) -> u32 {
    let hash = fnv1a(full_name.to_ascii_lowercase().as_bytes());
    // The remainder is below `count`, a u32.
    (hash % u64::from(count.max(1))) as u32 + 1
}

/// Whether `full_name` belongs to `shard`.
pub fn holds(shard: Shard, full_name: &str) -> bool {
    index_of(full_name, shard.count) == shard.index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_one_based_and_checked() {
        assert_eq!(
            parse("3/16"),
            Ok(Shard {
                index: 3,
                count: 16
            })
        );
        for bad in ["0/4", "5/4", "4", "a/b", "1/0", "1/257", "-1/4"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_name_has_exactly_one_shard_whatever_its_case() {
        let names: Vec<String> = (0..1000).map(|i| format!("acme/repo-{i}")).collect();
        let mut sizes = [0usize; 4];
        for name in &names {
            let index = index_of(name, 4);
            assert_eq!(index, index_of(&name.to_uppercase(), 4));
            sizes[(index - 1) as usize] += 1;
        }
        // Spread roughly evenly.
        assert!(
            sizes.iter().all(|size| (200..300).contains(size)),
            "{sizes:?}"
        );
    }
}
