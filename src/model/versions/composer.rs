//! Composer's version order (getcomposer.org, "Versions and constraints", and composer/semver):
//! a version is first normalised as `VersionParser::normalize` does, then two normalised
//! versions compare as PHP's `version_compare` compares them.
//!
//! Normalisation:
//! - surrounding whitespace, an `as` alias, an `@stability` flag and `+build` metadata go;
//! - `v1.2` becomes `1.2.0.0`: up to four numbers, the missing ones `0`;
//! - a stability suffix is read case-insensitively and spelt out: `a`/`alpha` → `alpha`,
//!   `b`/`beta` → `beta`, `RC`, `p`/`pl`/`patch` → `patch`, `stable` → nothing, with its
//!   number (`1.0.0-beta.2` → `1.0.0.0-beta2`), and a trailing `-dev`;
//! - a date version (`2010-01-02`, `20100102`) keeps its numbers as they are;
//! - a numeric branch (`1.x-dev`) becomes `1.9999999.9999999.9999999-dev`;
//! - a named branch (`dev-main`, `master`) is not a version that orders: it does not parse.
//!
//! `version_compare` splits both at dots and at digit/letter transitions and compares the
//! parts in turn: numbers as numbers; stabilities as `dev < alpha < beta < RC < (a number) <
//! patch`; and when one runs out, a further number makes the longer one greater, a further
//! stability compares with a number. So `1.0.0.0-dev < 1.0.0.0-alpha1 < 1.0.0.0-beta <
//! 1.0.0.0-RC1 < 1.0.0.0 < 1.0.0.0-patch1`.

use std::cmp::Ordering;

use super::Digits;

/// A Composer version, normalised.
#[derive(Clone, Debug)]
pub struct ComposerVersion {
    parts: Vec<Part>,
}

#[derive(Clone, Debug)]
enum Part {
    Number(Digits),
    Stability(Stability),
}

/// The stabilities a normalised version spells, in `version_compare`'s order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stability {
    Dev,
    Alpha,
    Beta,
    Rc,
    Patch,
}

impl Stability {
    /// `version_compare`'s weight of a part: a number weighs between RC and patch.
    fn weight(self) -> u8 {
        match self {
            Stability::Dev => 0,
            Stability::Alpha => 1,
            Stability::Beta => 2,
            Stability::Rc => 3,
            Stability::Patch => 5,
        }
    }
}

const NUMBER_WEIGHT: u8 = 4;

impl Part {
    fn weight(&self) -> u8 {
        match self {
            Part::Number(_) => NUMBER_WEIGHT,
            Part::Stability(stability) => stability.weight(),
        }
    }
}

/// The stability words of Composer's modifier pattern, in the order its alternation tries
/// them, and what each is spelt out to (`None`: `stable`, a release).
const STABILITY_WORDS: [(&str, Option<Stability>); 9] = [
    ("stable", None),
    ("beta", Some(Stability::Beta)),
    ("b", Some(Stability::Beta)),
    ("rc", Some(Stability::Rc)),
    ("alpha", Some(Stability::Alpha)),
    ("a", Some(Stability::Alpha)),
    ("patch", Some(Stability::Patch)),
    ("pl", Some(Stability::Patch)),
    ("p", Some(Stability::Patch)),
];

/// What follows the numbers: `[._-]?(stability numbers?)?([.-]?dev)?`.
#[derive(Debug, PartialEq, Eq)]
struct Modifier<'a> {
    /// The stability word as read (`None` for `stable`) and the numbers after it.
    stability: Option<(Option<Stability>, &'a str)>,
    dev: bool,
}

/// `text` without its prefix `prefix`, compared case-insensitively.
fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// The longest prefix of `(?:[.-]?\d+)*`; Composer's pattern takes it possessively.
fn stability_numbers(text: &str) -> (&str, &str) {
    let bytes = text.as_bytes();
    let mut end = 0;
    loop {
        let digits_from = match bytes.get(end) {
            Some(b'.' | b'-') if bytes.get(end + 1).is_some_and(u8::is_ascii_digit) => end + 1,
            Some(b) if b.is_ascii_digit() => end,
            _ => break,
        };
        end = digits_from
            + bytes[digits_from..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
    }
    text.split_at(end)
}

/// Whether `text` is `[.-]?dev`, case-insensitively.
fn is_dev_suffix(text: &str) -> bool {
    let text = text
        .strip_prefix('.')
        .or_else(|| text.strip_prefix('-'))
        .unwrap_or(text);
    text.eq_ignore_ascii_case("dev")
}

/// Matches the whole of `text` against Composer's modifier pattern, trying the alternatives in
/// the order the pattern does, so that the words and numbers read are the ones Composer reads.
fn modifier(text: &str) -> Option<Modifier<'_>> {
    let separated = text.strip_prefix(['.', '_', '-']).into_iter().chain([text]);
    for rest in separated {
        for (word, stability) in STABILITY_WORDS {
            let Some(after_word) = strip_prefix_ignore_case(rest, word) else {
                continue;
            };
            let (numbers, after_numbers) = stability_numbers(after_word);
            let found = Some((stability, numbers));
            if is_dev_suffix(after_numbers) {
                return Some(Modifier {
                    stability: found,
                    dev: true,
                });
            }
            if after_numbers.is_empty() {
                return Some(Modifier {
                    stability: found,
                    dev: false,
                });
            }
        }
        if is_dev_suffix(rest) {
            return Some(Modifier {
                stability: None,
                dev: true,
            });
        }
        if rest.is_empty() {
            return Some(Modifier {
                stability: None,
                dev: false,
            });
        }
    }
    None
}

/// The parts of a normalised version: the numbers, then the modifier's.
fn with_modifier(numbers: Vec<Part>, modifier: Modifier<'_>) -> Vec<Part> {
    let mut parts = numbers;
    match modifier.stability {
        // `stable` is a release, and Composer drops a `-dev` after it too.
        Some((None, _)) => return parts,
        Some((Some(stability), numbers)) => {
            parts.push(Part::Stability(stability));
            parts.extend(
                numbers
                    .split(['.', '-'])
                    .filter(|run| !run.is_empty())
                    .map(|run| Part::Number(Digits::new(run))),
            );
        }
        None => {}
    }
    if modifier.dev {
        parts.push(Part::Stability(Stability::Dev));
    }
    parts
}

/// The leading ASCII digits of `text`, and the rest.
fn leading_digits(text: &str) -> (&str, &str) {
    let length = text.bytes().take_while(u8::is_ascii_digit).count();
    text.split_at(length)
}

/// The numbers of a classical version, as written: `1.2.3` → `["1", "2", "3"]`, and the
/// text after them. Composer reads one to four numbers, the first of at most five digits.
fn classical_numbers(text: &str) -> Option<(Vec<&str>, &str)> {
    let text = text
        .strip_prefix('v')
        .or_else(|| text.strip_prefix('V'))
        .unwrap_or(text);
    let (major, mut rest) = leading_digits(text);
    if major.is_empty() || major.len() > 5 {
        return None;
    }
    let mut numbers = vec![major];
    while numbers.len() < 4 {
        let Some(after_dot) = rest.strip_prefix('.') else {
            break;
        };
        let (number, after) = leading_digits(after_dot);
        if number.is_empty() {
            break;
        }
        numbers.push(number);
        rest = after;
    }
    Some((numbers, rest))
}

/// `^v?(\d{1,5})(\.\d+)?(\.\d+)?(\.\d+)?` and the modifier: `1.2.3-beta1`.
fn classical(text: &str) -> Option<Vec<Part>> {
    let (numbers, rest) = classical_numbers(text)?;
    let modifier = modifier(rest)?;
    let mut parts: Vec<Part> = numbers
        .into_iter()
        .map(|n| Part::Number(Digits::new(n)))
        .collect();
    parts.resize(4, Part::Number(Digits::new("0")));
    Some(with_modifier(parts, modifier))
}

/// Where a date version's numbers may end: after `\d{4}`, one to six `[.:-]?\d{2}`, then up
/// to two `[.:-]?\d{1,3}`, tried in the order of the pattern (longest first); the first end
/// after which the modifier matches wins.
fn date_end(bytes: &[u8], at: usize, pairs: usize, tails: usize, text: &str) -> Option<usize> {
    let separator_options = |at: usize| {
        let separated = matches!(bytes.get(at), Some(b'.' | b':' | b'-'));
        [separated.then_some(at + 1), Some(at)]
            .into_iter()
            .flatten()
    };
    let digits_at = |from: usize, count: usize| {
        (bytes.len() >= from + count && bytes[from..from + count].iter().all(u8::is_ascii_digit))
            .then_some(from + count)
    };
    if tails == 0 && pairs < 6 {
        for from in separator_options(at) {
            if let Some(end) =
                digits_at(from, 2).and_then(|next| date_end(bytes, next, pairs + 1, 0, text))
            {
                return Some(end);
            }
        }
    }
    if pairs >= 1 && tails < 2 {
        for from in separator_options(at) {
            for count in (1..=3).rev() {
                if let Some(end) = digits_at(from, count)
                    .and_then(|next| date_end(bytes, next, pairs, tails + 1, text))
                {
                    return Some(end);
                }
            }
        }
    }
    (pairs >= 1 && text.get(at..).and_then(modifier).is_some()).then_some(at)
}

/// `^v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3}){0,2})` and the modifier: `2010-01-02`.
fn date(text: &str) -> Option<Vec<Part>> {
    let text = text
        .strip_prefix('v')
        .or_else(|| text.strip_prefix('V'))
        .unwrap_or(text);
    let bytes = text.as_bytes();
    if bytes.len() < 4 || !bytes[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let end = date_end(bytes, 4, 0, 0, text)?;
    let (date, rest) = text.split_at(end);
    let numbers = date
        .split(|c: char| !c.is_ascii_digit())
        .map(|run| Part::Number(Digits::new(run)))
        .collect();
    Some(with_modifier(numbers, modifier(rest)?))
}

/// `VersionParser::normalizeBranch` for a branch ending in `-dev`: `1.x`, `2.1.*`.
fn numeric_branch(text: &str) -> Option<Vec<Part>> {
    let (name, dev) = text.split_at_checked(text.len().checked_sub(3)?)?;
    if !dev.eq_ignore_ascii_case("dev") {
        return None;
    }
    let name = name.strip_suffix(['.', '-']).unwrap_or(name).trim();
    let name = name
        .strip_prefix('v')
        .or_else(|| name.strip_prefix('V'))
        .unwrap_or(name);
    let mut parts: Vec<Part> = Vec::new();
    for (index, piece) in name.split('.').enumerate() {
        let wildcard = matches!(piece, "x" | "X" | "*") && index > 0;
        let number = !piece.is_empty() && piece.bytes().all(|b| b.is_ascii_digit());
        if parts.len() == 4 || !(wildcard || number) {
            return None;
        }
        let digits = if wildcard { "9999999" } else { piece };
        parts.push(Part::Number(Digits::new(digits)));
    }
    parts.resize(4, Part::Number(Digits::new("9999999")));
    parts.push(Part::Stability(Stability::Dev));
    Some(parts)
}

/// The stability flags a constraint may end in (`@dev`), which do not change the version.
const STABILITY_FLAGS: [&str; 5] = ["stable", "rc", "beta", "alpha", "dev"];

/// `VersionParser::normalize`'s clean-up before the version itself is read.
fn strip_decorations(text: &str) -> &str {
    let mut version = text.trim();
    // `1.0.x-dev as 1.0.1`: the version is the aliased one.
    let words: Vec<&str> = version.split_whitespace().collect();
    if let [aliased, "as", _] = words.as_slice() {
        if !words.iter().any(|w| w.contains(',')) {
            version = aliased;
        }
    }
    if let Some((before, flag)) = version.rsplit_once('@') {
        if STABILITY_FLAGS.iter().any(|f| flag.eq_ignore_ascii_case(f)) {
            version = before;
        }
    }
    // `^([^,\s+]+)\+[^\s]+$`: build metadata.
    if let Some((before, metadata)) = version.split_once('+') {
        let before_valid =
            !before.is_empty() && !before.contains(|c: char| c == ',' || c.is_whitespace());
        let metadata_valid = !metadata.is_empty() && !metadata.contains(char::is_whitespace);
        if before_valid && metadata_valid {
            version = before;
        }
    }
    version
}

/// What the numbers of a classical version say, for constraints that count them (`^1.2`,
/// `~1.2.3`, `1.2.*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    /// One to four numbers, as written.
    pub numbers: Vec<u64>,
    /// Whether a stability or `-dev` follows them (`1.2.0-beta`).
    pub has_modifier: bool,
}

impl Release {
    /// Reads a classical version (`v1.2`, `1.2.3-beta1`); date versions and branches are not.
    pub fn parse(text: &str) -> Option<Release> {
        let (numbers, rest) = classical_numbers(strip_decorations(text))?;
        let modifier = modifier(rest)?;
        let numbers = numbers
            .into_iter()
            .map(|n| n.parse().ok())
            .collect::<Option<Vec<u64>>>()?;
        Some(Release {
            numbers,
            has_modifier: modifier.stability.is_some() || modifier.dev,
        })
    }
}

impl ComposerVersion {
    /// Whether its stability is below `stable` (dev, alpha, beta, RC); a patch is stable.
    pub fn is_prerelease(&self) -> bool {
        self.parts
            .iter()
            .any(|part| matches!(part, Part::Stability(s) if *s != Stability::Patch))
    }

    /// Normalises `text` as Composer does; `None` for branches and what Composer refuses.
    pub fn parse(text: &str) -> Option<ComposerVersion> {
        let version = strip_decorations(text);
        let is_named_branch = ["master", "trunk", "default"].contains(&version)
            || strip_prefix_ignore_case(version, "dev-").is_some();
        if is_named_branch {
            return None;
        }
        let parts = classical(version)
            .or_else(|| date(version))
            .or_else(|| numeric_branch(version))?;
        Some(ComposerVersion { parts })
    }
}

impl Ord for ComposerVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        for (left, right) in self.parts.iter().zip(&other.parts) {
            let order = match (left, right) {
                (Part::Number(a), Part::Number(b)) => a.cmp(b),
                _ => left.weight().cmp(&right.weight()),
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        // The longer one's next part decides: a number makes it greater (`1.0.0 > 1.0`), a
        // stability weighs against a number (`1.0-beta < 1.0 < 1.0-patch`).
        let shorter = self.parts.len().min(other.parts.len());
        match (self.parts.get(shorter), other.parts.get(shorter)) {
            (Some(extra), None) => extra.weight().cmp(&NUMBER_WEIGHT).then(Ordering::Greater),
            (None, Some(extra)) => NUMBER_WEIGHT.cmp(&extra.weight()).then(Ordering::Less),
            _ => Ordering::Equal,
        }
    }
}

impl PartialOrd for ComposerVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ComposerVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ComposerVersion {}

#[cfg(test)]
mod tests {
    use super::Release;
    use crate::model::Ecosystem;
    use crate::model::versions::compare;
    use crate::model::versions::tests::{assert_ascending, assert_equal};

    /// "Versions and constraints", "Stabilities", and composer/semver's `VersionParser`
    /// normalisation examples: `v` dropped, four numbers, stability suffixes spelt out.
    #[test]
    fn normalises_as_composer_does() {
        let composer = Ecosystem::Composer;
        assert_equal(composer, "1.0.0", "1.0.0.0");
        assert_equal(composer, "1.2", "1.2.0.0");
        assert_equal(composer, "v1.0.0", "1.0.0.0");
        assert_equal(composer, "1.0.0-stable", "1.0.0");
        assert_equal(composer, "1.0.0RC1", "1.0.0.0-RC1");
        assert_equal(composer, "1.0.0-rc1", "1.0.0.0-RC1");
        assert_equal(composer, "1.0.0-b1", "1.0.0.0-beta1");
        assert_equal(composer, "1.0.0-beta.1", "1.0.0.0-beta1");
        assert_equal(composer, "1.0.0-a2", "1.0.0.0-alpha2");
        assert_equal(composer, "1.0.0-pl3", "1.0.0.0-patch3");
        assert_equal(composer, "1.0.0-p3", "1.0.0.0-patch3");
        assert_equal(composer, "1.0.0+build.5", "1.0.0");
        assert_equal(composer, "1.0.0 as 2.0.0", "1.0.0");
        assert_equal(composer, "1.0.0@beta", "1.0.0");
        assert_equal(composer, "2010-01-02", "2010:01:02");
        assert_equal(composer, "1.x-dev", "1.9999999.9999999.9999999-dev");
    }

    /// "Stabilities": dev < alpha < beta < RC < stable, and patch releases after the release.
    #[test]
    fn orders_stabilities() {
        assert_ascending(
            Ecosystem::Composer,
            &[
                "1.0.0-dev",
                "1.0.0-alpha1",
                "1.0.0-alpha2",
                "1.0.0-beta",
                "1.0.0-beta2",
                "1.0.0-RC1",
                "1.0.0-RC2",
                "1.0.0",
                "1.0.0-patch1",
                "1.0.1",
                "1.1",
                "2.0.0.0",
                "v2.0.1",
            ],
        );
        assert_ascending(Ecosystem::Composer, &["1.0.0-beta2-dev", "1.0.0-beta2"]);
        assert_ascending(Ecosystem::Composer, &["1.2.3", "1.x-dev", "2.0.0"]);
        assert_ascending(Ecosystem::Composer, &["20100102", "20100103"]);
    }

    #[test]
    fn branches_and_junk_do_not_order() {
        for unordered in [
            "dev-main",
            "dev-feature/x",
            "master",
            "trunk",
            "",
            "1.0-1",
            "junk",
        ] {
            assert_eq!(
                compare(Ecosystem::Composer, unordered, "1.0.0"),
                None,
                "{unordered}"
            );
        }
        assert_eq!(compare(Ecosystem::Composer, "1.2.3.4.5", "1.0.0"), None);
    }

    #[test]
    fn reads_the_numbers_constraints_count() {
        let release = Release::parse("v1.2-beta").unwrap();
        assert_eq!(release.numbers, vec![1, 2]);
        assert!(release.has_modifier);
        assert!(!Release::parse("1.2.3.4").unwrap().has_modifier);
        assert!(Release::parse("2010-01-02").is_none());
    }
}
