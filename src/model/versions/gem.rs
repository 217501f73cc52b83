//! RubyGems' version order, as `Gem::Version` documents and implements it
//! (rubygems/lib/rubygems/version.rb):
//!
//! - a version is digits, then dot-separated groups of letters and digits, with an optional
//!   `-suffix` that RubyGems reads as `.pre.suffix`;
//! - its segments are the runs of digits and of letters (`1.0.rc1` is `1, 0, rc, 1`);
//! - trailing zeros are dropped, both from the numbers before the first letter segment and
//!   from the segments after it, so `1.0 = 1`;
//! - segments compare in turn, the missing ones as `0`: numbers as numbers, letters as byte
//!   strings, and a letter segment before any number, so a version with letters is a
//!   pre-release: `1.0.a < 1.0 < 1.0.1`.
//!
//! [`GemVersion::release`] and [`GemVersion::bump`] are what the pessimistic operator `~>`
//! needs.

use std::cmp::Ordering;

use super::Digits;

/// A RubyGems version, parsed.
#[derive(Clone, Debug)]
pub struct GemVersion {
    /// The segments as written (`segments` in RubyGems).
    segments: Vec<Segment>,
    /// Without trailing zeros, which is what compares (`canonical_segments`).
    canonical: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Number(Digits),
    Letters(Box<str>),
}

impl Segment {
    fn is_zero(&self) -> bool {
        matches!(self, Segment::Number(digits) if digits.is_zero())
    }
}

/// `Gem::Version::VERSION_PATTERN`: `[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`
fn is_version(text: &str) -> bool {
    let (release, suffix) = match text.split_once('-') {
        Some((release, suffix)) => (release, Some(suffix)),
        None => (text, None),
    };
    let mut parts = release.split('.');
    let starts_with_number = parts
        .next()
        .is_some_and(|first| !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit()));
    let rest_alphanumeric =
        parts.all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric()));
    let suffix_valid = suffix.is_none_or(|suffix| {
        suffix.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
    });
    starts_with_number && rest_alphanumeric && suffix_valid
}

/// The runs of digits and of letters; everything else separates them.
fn scan_segments(text: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let first = bytes[start];
        let same_kind = |b: &u8| {
            if first.is_ascii_digit() {
                b.is_ascii_digit()
            } else {
                b.is_ascii_alphabetic()
            }
        };
        if !first.is_ascii_alphanumeric() {
            start += 1;
            continue;
        }
        let length = bytes[start..].iter().take_while(|b| same_kind(b)).count();
        let run = &text[start..start + length];
        segments.push(if first.is_ascii_digit() {
            Segment::Number(Digits::new(run))
        } else {
            Segment::Letters(run.into())
        });
        start += length;
    }
    segments
}

/// Drops trailing zeros from the numbers before the first letter segment, and from the
/// segments from it on.
fn canonical(segments: &[Segment]) -> Vec<Segment> {
    let letters_at = segments
        .iter()
        .position(|s| matches!(s, Segment::Letters(_)))
        .unwrap_or(segments.len());
    let (numbers, rest) = segments.split_at(letters_at);
    let trimmed = |part: &[Segment]| {
        let keep = part.len() - part.iter().rev().take_while(|s| s.is_zero()).count();
        part[..keep].to_vec()
    };
    let mut out = trimmed(numbers);
    out.extend(trimmed(rest));
    out
}

impl GemVersion {
    /// Reads a version as `Gem::Version.new` does, surrounding whitespace allowed; the empty
    /// version (which RubyGems reads as `0`) is refused.
    pub fn parse(text: &str) -> Option<GemVersion> {
        let text = text.trim();
        if !is_version(text) {
            return None;
        }
        Some(GemVersion::from_segments(scan_segments(
            &text.replace('-', ".pre."),
        )))
    }

    fn from_segments(segments: Vec<Segment>) -> GemVersion {
        let canonical = canonical(&segments);
        GemVersion {
            segments,
            canonical,
        }
    }

    /// Whether a letter segment makes it a pre-release (`Gem::Version#prerelease?`).
    pub fn is_prerelease(&self) -> bool {
        self.segments
            .iter()
            .any(|s| matches!(s, Segment::Letters(_)))
    }

    /// The numbers before the first letter segment (`1.2.a.3` → `1.2`): the release this
    /// pre-release precedes; a release is its own.
    pub fn release(&self) -> GemVersion {
        GemVersion::from_segments(self.leading_numbers())
    }

    /// The next version a `~>` requirement excludes: the release with its last number
    /// dropped (when there are two or more) and the new last one incremented (`1.2.3` →
    /// `1.3`, `1.2` → `2`, `1` → `2`).
    pub fn bump(&self) -> GemVersion {
        let mut numbers = self.leading_numbers();
        if numbers.len() > 1 {
            numbers.pop();
        }
        if let Some(Segment::Number(last)) = numbers.last_mut() {
            *last = last.successor();
        }
        GemVersion::from_segments(numbers)
    }

    fn leading_numbers(&self) -> Vec<Segment> {
        self.segments
            .iter()
            .take_while(|s| matches!(s, Segment::Number(_)))
            .cloned()
            .collect()
    }
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Segment::Number(Digits::new("0"));
        let length = self.canonical.len().max(other.canonical.len());
        for index in 0..length {
            let left = self.canonical.get(index).unwrap_or(&zero);
            let right = other.canonical.get(index).unwrap_or(&zero);
            let order = match (left, right) {
                (Segment::Number(a), Segment::Number(b)) => a.cmp(b),
                (Segment::Letters(a), Segment::Letters(b)) => a.cmp(b),
                (Segment::Letters(_), Segment::Number(_)) => Ordering::Less,
                (Segment::Number(_), Segment::Letters(_)) => Ordering::Greater,
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for GemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GemVersion {}

#[cfg(test)]
mod tests {
    use super::GemVersion;
    use crate::model::Ecosystem;
    use crate::model::versions::compare;
    use crate::model::versions::tests::{assert_ascending, assert_equal};

    fn gem(text: &str) -> GemVersion {
        GemVersion::parse(text).unwrap()
    }

    /// `Gem::Version`'s documentation: "1.0.a < 1.0.b < 1.0", "2.1.0.pre.1 < 2.1.0", and the
    /// ordering its tests check (`test_spaceship`, `test_prerelease`).
    #[test]
    fn orders_the_documented_examples() {
        let gem = Ecosystem::Gem;
        assert_ascending(gem, &["1.0.a", "1.0.b", "1.0", "1.0.1"]);
        assert_ascending(gem, &["2.1.0.pre.1", "2.1.0"]);
        assert_ascending(gem, &["1.0.0-alpha", "1.0.0-beta", "1.0.0"]);
        assert_ascending(gem, &["5.a", "5.0.0.rc2", "5"]);
        assert_ascending(gem, &["1.8.a", "1.8.b", "1.8.b1", "1.8.b2", "1.8"]);
        assert_ascending(gem, &["1.9.3", "1.9.3.1", "1.10"]);
        assert_ascending(gem, &["1.0.0.rc1", "1.0.0.rc2", "1.0.0.rc10"]);
        assert_equal(gem, "1.0", "1.0.0");
        assert_equal(gem, "1", "1.0.0.0");
        assert_equal(gem, "1.0.0-alpha", "1.0.0.pre.alpha");
        assert_equal(gem, " 1.0 ", "1.0");
        assert_equal(gem, "1.0.a.0", "1.0.a");
        // Numbers of any length stay numbers.
        assert_ascending(
            gem,
            &["1.4294967295", "1.4294967296", "1.99999999999999999999"],
        );
    }

    /// `Gem::Version#release` and `#bump`, with the examples of their documentation.
    #[test]
    fn knows_the_release_and_the_bump() {
        assert_eq!(gem("1.2.0.a").release(), gem("1.2.0"));
        assert_eq!(gem("1.2.a.3").release(), gem("1.2"));
        assert_eq!(gem("5.3.1").bump(), gem("5.4"));
        assert_eq!(gem("5.3.1.b.2").bump(), gem("5.4"));
        assert_eq!(gem("1.9").bump(), gem("2"));
        assert_eq!(gem("1").bump(), gem("2"));
    }

    #[test]
    fn refuses_what_rubygems_does_not_read() {
        for bad in [
            "", "junk", "1.0\n2.0", "1..2", "1.", ".1", "1-", "1.0-a..b", "a.1",
        ] {
            assert_eq!(compare(Ecosystem::Gem, bad, "1.0"), None, "{bad:?}");
        }
    }
}
