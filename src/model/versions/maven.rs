//! Maven's version order, as Maven 3's `ComparableVersion` implements it and the POM reference
//! specifies it ("Version Order Specification", maven.apache.org/pom.html):
//!
//! - a version is split into items at `.`, at `-`, and at each transition between digits and
//!   other characters; an empty item is `0`;
//! - `-` and a transition open a sub-list, nested in the list before it, so that `1-1` is
//!   `[1, [1]]` and a hyphen weighs less than a dot: `1.foo < 1-foo < 1-1 < 1.1`;
//! - numbers compare as numbers, of any length; qualifiers (case-insensitive) as
//!   `alpha < beta < milestone < rc = cr < snapshot < "" = ga = final = release < sp`, with
//!   `a`, `b` and `m` standing for alpha, beta and milestone when a digit follows them; other
//!   qualifiers after those, lexically;
//! - a number beats a qualifier and a sub-list; a sub-list beats a qualifier;
//! - trailing "null" items (`0`, `""`, `ga`, `final`, `release`, empty sub-lists) are dropped
//!   from each list, so `1 = 1.0 = 1.0.0 = 1-ga`, and `1-SNAPSHOT < 1 < 1-sp`.
//!
//! Maven nests a sub-list inside the list before it, and a sub-list is always the last item of
//! its list, so the nesting is a chain: this module keeps it flat (one [`Segment`] per list,
//! each followed by the next) and compares it with loops, so that no version, however long,
//! nests the stack. Digits are ASCII digits (Java's `Character.isDigit` also reads other
//! scripts' digits; no published Maven version uses them).
//!
//! Like Maven's, this order is not transitive for some odd versions, because a list compares
//! with nothing by its first item alone: `dRc316 < -.s68`, `-.s68 = -` (its list starts with
//! `0`), yet `dRc316 > -`.

use std::cmp::Ordering;

use super::Digits;

/// A Maven version, parsed.
#[derive(Clone, Debug)]
pub struct MavenVersion {
    /// The outer list first; each next one is the sub-list that ends the one before it.
    segments: Vec<Segment>,
}

/// The items of one list, without its sub-list.
#[derive(Clone, Debug, Default)]
struct Segment {
    items: Vec<Item>,
}

#[derive(Clone, Debug)]
enum Item {
    Number(Digits),
    Qualifier(Qualifier),
}

/// A qualifier: the known ones by rank, the others after them and lexically among themselves.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Qualifier {
    Known(u8),
    Unknown(Box<str>),
}

/// The known qualifiers, in order; a release (no qualifier) is `""`.
const KNOWN_QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
/// The rank of `""`: a qualifier below it makes a pre-release, above it a post-release.
const RELEASE_RANK: u8 = 5;

impl Qualifier {
    fn new(lowercase: &str, followed_by_digit: bool) -> Qualifier {
        let expanded = match lowercase {
            "a" if followed_by_digit => "alpha",
            "b" if followed_by_digit => "beta",
            "m" if followed_by_digit => "milestone",
            "ga" | "final" | "release" => "",
            "cr" => "rc",
            other => other,
        };
        match KNOWN_QUALIFIERS.iter().position(|known| *known == expanded) {
            Some(rank) => Qualifier::Known(rank as u8),
            None => Qualifier::Unknown(expanded.into()),
        }
    }
}

impl Item {
    fn parse(token: &str, is_number: bool, followed_by_digit: bool) -> Item {
        if is_number {
            Item::Number(Digits::new(token))
        } else {
            Item::Qualifier(Qualifier::new(token, followed_by_digit))
        }
    }

    /// Trailing items equal to "nothing" are dropped: `1.0` is `1`, `1-ga` is `1`.
    fn is_null(&self) -> bool {
        match self {
            Item::Number(digits) => digits.is_zero(),
            Item::Qualifier(qualifier) => *qualifier == Qualifier::Known(RELEASE_RANK),
        }
    }

    /// How the item compares with a missing one (the other list ended).
    fn cmp_missing(&self) -> Ordering {
        match self {
            Item::Number(digits) if digits.is_zero() => Ordering::Equal,
            Item::Number(_) => Ordering::Greater,
            Item::Qualifier(qualifier) => qualifier.cmp(&Qualifier::Known(RELEASE_RANK)),
        }
    }

    fn cmp_item(&self, other: &Item) -> Ordering {
        match (self, other) {
            (Item::Number(a), Item::Number(b)) => a.cmp(b),
            (Item::Qualifier(a), Item::Qualifier(b)) => a.cmp(b),
            (Item::Number(_), Item::Qualifier(_)) => Ordering::Greater,
            (Item::Qualifier(_), Item::Number(_)) => Ordering::Less,
        }
    }
}

/// What stands at one position of a list.
enum Element<'a> {
    Item(&'a Item),
    /// The sub-list that ends the list: the segment of that index.
    SubList(usize),
    /// The list has ended.
    Missing,
}

impl MavenVersion {
    /// Whether a qualifier that orders below a release (`alpha`, `beta`, `milestone`, `rc`,
    /// `snapshot`) makes this a pre-release; others (`-jre`, `.Final`, `-sp1`) do not.
    pub fn is_prerelease(&self) -> bool {
        self.segments.iter().flat_map(|s| &s.items).any(
            |item| matches!(item, Item::Qualifier(Qualifier::Known(rank)) if *rank < RELEASE_RANK),
        )
    }

    /// Maven reads any text as a version; depgov refuses only the empty one.
    pub fn parse(text: &str) -> Option<MavenVersion> {
        if text.trim().is_empty() {
            return None;
        }
        let lower = text.to_lowercase();
        let mut segments = vec![Segment::default()];
        let mut start = 0;
        let mut in_number = false;
        for (i, c) in lower.char_indices() {
            let current = segments.len() - 1;
            if c == '.' || c == '-' {
                let item = if i == start {
                    Item::Number(Digits::new("0"))
                } else {
                    Item::parse(&lower[start..i], in_number, false)
                };
                segments[current].items.push(item);
                start = i + c.len_utf8();
                if c == '-' {
                    segments.push(Segment::default());
                }
            } else if c.is_ascii_digit() {
                if !in_number && i > start {
                    let qualifier = Item::parse(&lower[start..i], false, true);
                    segments[current].items.push(qualifier);
                    start = i;
                    segments.push(Segment::default());
                }
                in_number = true;
            } else {
                if in_number && i > start {
                    let number = Item::parse(&lower[start..i], true, false);
                    segments[current].items.push(number);
                    start = i;
                    segments.push(Segment::default());
                }
                in_number = false;
            }
        }
        if lower.len() > start {
            let last = segments.len() - 1;
            segments[last]
                .items
                .push(Item::parse(&lower[start..], in_number, false));
        }
        normalize(&mut segments);
        Some(MavenVersion { segments })
    }

    fn element(&self, segment: usize, position: usize) -> Element<'_> {
        let Some(items) = self.segments.get(segment).map(|s| &s.items) else {
            return Element::Missing;
        };
        match items.get(position) {
            Some(item) => Element::Item(item),
            None if position == items.len() && segment + 1 < self.segments.len() => {
                Element::SubList(segment + 1)
            }
            None => Element::Missing,
        }
    }

    /// How the list of `segment` compares with a missing item: as its first item does.
    fn cmp_list_missing(&self, mut segment: usize) -> Ordering {
        loop {
            match self.element(segment, 0) {
                Element::Item(item) => return item.cmp_missing(),
                Element::SubList(next) => segment = next,
                Element::Missing => return Ordering::Equal,
            }
        }
    }
}

/// Drops the trailing null items of each list, innermost first, and the sub-lists left empty.
fn normalize(segments: &mut Vec<Segment>) {
    for index in (0..segments.len()).rev() {
        let sub_list_is_empty =
            segments.len() == index + 2 && segments.last().is_some_and(|sub| sub.items.is_empty());
        if sub_list_is_empty {
            segments.truncate(index + 1);
        }
        let items = &mut segments[index].items;
        while items.last().is_some_and(Item::is_null) {
            items.pop();
        }
    }
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let (mut left, mut right) = (0, 0);
        let mut position = 0;
        loop {
            let order = match (self.element(left, position), other.element(right, position)) {
                (Element::Missing, Element::Missing) => return Ordering::Equal,
                // A sub-list is the last element of both lists: the lists compare as the
                // sub-lists do.
                (Element::SubList(l), Element::SubList(r)) => {
                    (left, right, position) = (l, r, 0);
                    continue;
                }
                (Element::Item(a), Element::Item(b)) => a.cmp_item(b),
                (Element::Item(a), Element::Missing) => a.cmp_missing(),
                (Element::Missing, Element::Item(b)) => b.cmp_missing().reverse(),
                (Element::SubList(l), Element::Missing) => self.cmp_list_missing(l),
                (Element::Missing, Element::SubList(r)) => other.cmp_list_missing(r).reverse(),
                // 1.1 > 1-1 > 1-sp
                (Element::Item(Item::Number(_)), Element::SubList(_)) => Ordering::Greater,
                (Element::Item(Item::Qualifier(_)), Element::SubList(_)) => Ordering::Less,
                (Element::SubList(_), Element::Item(Item::Number(_))) => Ordering::Less,
                (Element::SubList(_), Element::Item(Item::Qualifier(_))) => Ordering::Greater,
            };
            if order != Ordering::Equal {
                return order;
            }
            position += 1;
        }
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for MavenVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for MavenVersion {}

#[cfg(test)]
mod tests {
    use crate::model::Ecosystem;
    use crate::model::versions::tests::{assert_ascending, assert_equal};

    /// The examples of the POM reference, "Version Order Specification": number padding,
    /// qualifier padding, switching to numeric order, hyphen versus dot, and the trimming of
    /// null values.
    #[test]
    fn orders_the_pom_reference_examples() {
        let maven = Ecosystem::Maven;
        assert_ascending(maven, &["1", "1.1"]);
        assert_ascending(maven, &["1-snapshot", "1", "1-sp"]);
        assert_ascending(maven, &["1-foo2", "1-foo10"]);
        assert_ascending(maven, &["1.foo", "1-foo", "1-1", "1.1"]);
        for same in ["1.ga", "1-ga", "1-0", "1.0", "1"] {
            assert_equal(maven, same, "1");
        }
        assert_ascending(maven, &["1-ga", "1-sp"]);
        assert_ascending(maven, &["1-ga.1", "1-sp.1"]);
        assert_equal(maven, "1-a1", "1-alpha-1");
    }

    /// The qualifier order of `ComparableVersion`'s documentation, and its aliases.
    #[test]
    fn orders_qualifiers() {
        assert_ascending(
            Ecosystem::Maven,
            &[
                "1.0-alpha-1",
                "1.0-alpha-2",
                "1.0-beta-1",
                "1.0-milestone-1",
                "1.0-rc-1",
                "1.0-SNAPSHOT",
                "1.0",
                "1.0-sp",
                "1.0-abc",
                "1.0-xyz",
                "1.0-1",
                "1.0.1",
            ],
        );
        assert_equal(Ecosystem::Maven, "1.0-cr-1", "1.0-RC-1");
        assert_equal(Ecosystem::Maven, "1.0.Final", "1.0");
        assert_equal(Ecosystem::Maven, "1.0.GA", "1.0.0");
        assert_equal(Ecosystem::Maven, "1.0.RELEASE", "1");
        assert_equal(Ecosystem::Maven, "1.0b2", "1.0-beta-2");
        assert_equal(Ecosystem::Maven, "1.0M3", "1.0-milestone-3");
        // `a` stands for alpha only when a digit follows it.
        assert_ascending(Ecosystem::Maven, &["1-alpha", "1-a"]);
    }

    /// Cases the familiar libraries publish: Log4j and Jackson release candidates, Spring's
    /// `.RELEASE`, Guava's flavours, numbers longer than a `long`.
    #[test]
    fn orders_published_versions() {
        let maven = Ecosystem::Maven;
        assert_ascending(maven, &["2.14.1", "2.15.0-rc1", "2.15.0-rc2", "2.15.0"]);
        assert_ascending(maven, &["2.17.0-rc1", "2.17.0", "2.17.1"]);
        assert_ascending(maven, &["1.0-SNAPSHOT", "1.0", "1.0.1-SNAPSHOT", "1.0.1"]);
        assert_ascending(maven, &["5.3.9.RELEASE", "5.3.10"]);
        assert_ascending(maven, &["30.1-android", "30.1-jre", "31.0-jre"]);
        assert_ascending(maven, &["1.1", "1.01.1"]);
        assert_equal(maven, "1.01", "1.1");
        assert_ascending(
            maven,
            &[
                "20190126.230843",
                "1234567890.12345",
                "123456789012345.1H.5-beta",
                "12345678901234567890.1H.5-beta",
            ],
        );
        assert_ascending(maven, &["6.1.0rc3", "6.1.0", "6.1H.5-beta"]);
    }

    #[test]
    fn reads_any_text_but_the_empty_one() {
        use crate::model::versions::{Version, compare};
        assert!(Version::parse(Ecosystem::Maven, "").is_none());
        assert!(Version::parse(Ecosystem::Maven, "  ").is_none());
        for odd in ["-", "..", "a-b-c", "1--1", "ünïcödé-1", "1.-.a"] {
            assert!(Version::parse(Ecosystem::Maven, odd).is_some(), "{odd}");
        }
        // Each hyphen nests a list in Maven; here they stay flat: no stack overflow.
        let deep = "1-".repeat(100_000);
        let order = compare(Ecosystem::Maven, &format!("{deep}1"), &format!("{deep}2"));
        assert_eq!(order, Some(std::cmp::Ordering::Less));
    }
}
