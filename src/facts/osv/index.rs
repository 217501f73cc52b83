//! The index of an offline OSV database, kept in the facts cache so that a run reads only the
//! records of the packages it looks up, not the whole database: where each record lies (a
//! `.json` file, or a member of an `all.zip`: its data's offset, stored and inflated sizes,
//! compression and CRC-32) and which records name each package.
//!
//! The index holds the database's fingerprint (each file's path, size and times, see
//! `database.rs`) and is used only while the database still has it. On disk it is a private
//! binary layout — the database's path, then the index, then a CRC-32 of everything before —
//! because it is read on every run and a third the size of the same in JSON; bytes that do not
//! decode whole, for this path and with their checksum, are no index.

use std::collections::HashMap;

use crate::model::Ecosystem;

/// Changes whenever the layout does: an index of another layout does not decode.
const MAGIC: &[u8] = b"depgov osv-database index 1\n";

/// Where one record's text lies in the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// The database file, by its place in the database's listing.
    pub file: u32,
    /// Where the record's stored bytes start in the file (0 for a `.json` file).
    pub offset: u64,
    /// How many bytes are stored.
    pub stored: u64,
    /// How long the text is once inflated.
    pub size: u64,
    /// Whether the stored bytes are deflated (else they are the text).
    pub deflated: bool,
    /// The text's CRC-32: a record read back must be the one indexed.
    pub crc: u32,
}

/// The records of a database and the packages they name.
#[derive(Debug, Default, PartialEq)]
pub struct Index {
    /// The database's fingerprint when it was read.
    pub fingerprint: u64,
    pub records: Vec<Location>,
    /// The records (places in `records`) naming each package: depgov's ecosystem, and the name
    /// as the ecosystem compares names.
    pub by_package: HashMap<(Ecosystem, String), Vec<u32>>,
}

impl Index {
    /// The index as kept for the database at `path` (its key in the cache).
    pub fn encode(&self, path: &str) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        put_bytes(&mut out, path.as_bytes());
        out.extend(self.fingerprint.to_le_bytes());
        put_len(&mut out, self.records.len());
        for location in &self.records {
            out.extend(location.file.to_le_bytes());
            out.extend(location.offset.to_le_bytes());
            out.extend(location.stored.to_le_bytes());
            out.extend(location.size.to_le_bytes());
            out.push(u8::from(location.deflated));
            out.extend(location.crc.to_le_bytes());
        }
        // In a fixed order, so that the same database gives the same bytes.
        let mut packages: Vec<_> = self.by_package.iter().collect();
        packages.sort();
        put_len(&mut out, packages.len());
        for ((ecosystem, name), records) in packages {
            let ecosystem = Ecosystem::ALL.iter().position(|e| e == ecosystem);
            out.push(
                ecosystem
                    .and_then(|e| u8::try_from(e).ok())
                    .unwrap_or(u8::MAX),
            );
            put_bytes(&mut out, name.as_bytes());
            put_len(&mut out, records.len());
            for record in records {
                out.extend(record.to_le_bytes());
            }
        }
        let crc = crc32fast::hash(&out);
        out.extend(crc.to_le_bytes());
        out
    }

    /// The index `bytes` hold for the database at `path`, of a database of `files` files;
    /// `None` unless they are whole, of this layout and for this path.
    pub fn decode(bytes: &[u8], path: &str, files: usize) -> Option<Index> {
        let (body, crc) = bytes.split_at_checked(bytes.len().checked_sub(4)?)?;
        if crc32fast::hash(body).to_le_bytes() != crc {
            return None;
        }
        let mut reader = Reader(body.strip_prefix(MAGIC)?);
        if reader.bytes()? != path.as_bytes() {
            return None;
        }
        let fingerprint = reader.u64()?;
        let count = reader.u32()?;
        let records = (0..count)
            .map(|_| {
                let location = Location {
                    file: reader.u32()?,
                    offset: reader.u64()?,
                    stored: reader.u64()?,
                    size: reader.u64()?,
                    deflated: match reader.take(1)? {
                        [0] => false,
                        [1] => true,
                        _ => return None,
                    },
                    crc: reader.u32()?,
                };
                (usize::try_from(location.file).ok()? < files).then_some(location)
            })
            .collect::<Option<Vec<Location>>>()?;
        let mut by_package = HashMap::new();
        for _ in 0..reader.u32()? {
            let [ecosystem] = reader.take(1)? else {
                return None;
            };
            let ecosystem = *Ecosystem::ALL.get(usize::from(*ecosystem))?;
            let name = std::str::from_utf8(reader.bytes()?).ok()?.to_owned();
            let named = (0..reader.u32()?)
                .map(|_| reader.u32().filter(|&r| r < count))
                .collect::<Option<Vec<u32>>>()?;
            by_package.insert((ecosystem, name), named);
        }
        reader.0.is_empty().then_some(Index {
            fingerprint,
            records,
            by_package,
        })
    }
}

/// A count, which an index of more than 4 billion records or packages could not hold.
fn put_len(out: &mut Vec<u8>, len: usize) {
    out.extend(u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_len(out, bytes.len());
    out.extend(bytes);
}

/// Reads an index's fields from the front, `None` past its end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(taken)
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn bytes(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u32()?).ok()?;
        self.take(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> Index {
        let location = |file, deflated| Location {
            file,
            offset: 30,
            stored: 400,
            size: 900,
            deflated,
            crc: 0xdead_beef,
        };
        Index {
            fingerprint: 42,
            records: vec![location(0, true), location(1, false)],
            by_package: HashMap::from([
                ((Ecosystem::Npm, "left-pad".to_owned()), vec![0, 1]),
                ((Ecosystem::Pypi, "requests".to_owned()), vec![1]),
            ]),
        }
    }

    #[test]
    fn decodes_what_it_encodes_for_its_path_only_and_nothing_damaged() {
        let bytes = index().encode("/osv");
        assert_eq!(Index::decode(&bytes, "/osv", 2), Some(index()));
        assert_eq!(Index::decode(&bytes, "/other", 2), None);
        assert_eq!(Index::decode(&bytes, "/osv", 1), None, "a file not listed");
        for len in 0..bytes.len() {
            assert_eq!(
                Index::decode(&bytes[..len], "/osv", 2),
                None,
                "cut at {len}"
            );
        }
        for at in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x10;
            assert_eq!(
                Index::decode(&damaged, "/osv", 2),
                None,
                "byte {at} changed"
            );
        }
    }
}
