//! NuGet's version order (learn.microsoft.com, "NuGet Package Version Reference", and
//! `NuGet.Versioning`'s `VersionComparer`): SemVer 2.0 extended to four numbers.
//!
//! - `Major.Minor.Patch.Revision`, the missing ones `0`: `1.0 = 1.0.0 = 1.0.0.0`; leading zeros
//!   are read (`1.01` is `1.1`), as NuGet normalises them away;
//! - a version with a release label (`-beta.1`) precedes the same version without one;
//! - labels compare part by part (at the dots): numbers as numbers, before letters; letters
//!   case-insensitively (`1.0.0-Beta = 1.0.0-beta`); fewer parts first;
//! - build metadata (`+…`) is ignored.

use std::cmp::Ordering;

/// A NuGet version, parsed.
#[derive(Clone, Debug)]
pub struct NugetVersion {
    numbers: [u64; 4],
    /// Empty for a release.
    labels: Vec<Label>,
}

#[derive(Clone, Debug)]
enum Label {
    /// NuGet reads a label as a number when it parses as a 32-bit integer.
    Number(i32),
    /// Compared as `StringComparer.OrdinalIgnoreCase` does: upper-cased, then ordinally.
    Text(Box<str>),
}

impl Label {
    fn parse(text: &str) -> Label {
        match text.parse::<i32>() {
            Ok(number) => Label::Number(number),
            Err(_) => Label::Text(text.to_ascii_uppercase().into()),
        }
    }
}

impl Ord for Label {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Label::Number(a), Label::Number(b)) => a.cmp(b),
            (Label::Number(_), Label::Text(_)) => Ordering::Less,
            (Label::Text(_), Label::Number(_)) => Ordering::Greater,
            (Label::Text(a), Label::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Label {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Label {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Label {}

/// A SemVer 2.0 identifier: ASCII letters, digits and hyphens, not empty.
fn is_identifier(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl NugetVersion {
    /// Whether it has a pre-release label (`1.0.0-beta`).
    pub fn is_prerelease(&self) -> bool {
        !self.labels.is_empty()
    }

    /// Reads `1.2.3`, `1.2.3.4`, `1.2`, `1`, with an optional `-label` and `+metadata`.
    pub fn parse(text: &str) -> Option<NugetVersion> {
        let (rest, metadata) = match text.split_once('+') {
            Some((rest, metadata)) => (rest, Some(metadata)),
            None => (text, None),
        };
        if metadata.is_some_and(|m| !m.split('.').all(is_identifier)) {
            return None;
        }
        let (numbers_text, label_text) = match rest.split_once('-') {
            Some((numbers, label)) => (numbers, Some(label)),
            None => (rest, None),
        };
        let mut numbers = [0; 4];
        for (index, part) in numbers_text.split('.').enumerate() {
            let slot = numbers.get_mut(index)?;
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            *slot = part.parse().ok()?;
        }
        let labels = match label_text {
            Some(label) if label.split('.').all(is_identifier) => {
                label.split('.').map(Label::parse).collect()
            }
            Some(_) => return None,
            None => Vec::new(),
        };
        Some(NugetVersion { numbers, labels })
    }
}

impl Ord for NugetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers).then_with(|| {
            match (self.labels.is_empty(), other.labels.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                // Part by part, and a label that runs out first is the smaller one: slices
                // compare exactly so.
                (false, false) => self.labels.cmp(&other.labels),
            }
        })
    }
}

impl PartialOrd for NugetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for NugetVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for NugetVersion {}

#[cfg(test)]
mod tests {
    use crate::model::Ecosystem;
    use crate::model::versions::compare;
    use crate::model::versions::tests::{assert_ascending, assert_equal};

    /// "NuGet Package Version Reference", "Pre-release versions" and "Normalized version
    /// numbers": the examples `1.0.1-alpha < 1.0.1-beta < 1.0.1-rc < 1.0.1`, a fourth number,
    /// leading zeros and trailing zeros normalised, case-insensitive labels, metadata ignored.
    #[test]
    fn orders_the_reference_examples() {
        let nuget = Ecosystem::Nuget;
        assert_ascending(
            nuget,
            &[
                "1.0.1-alpha",
                "1.0.1-beta",
                "1.0.1-rc",
                "1.0.1",
                "1.0.1.1",
                "1.0.2",
            ],
        );
        assert_equal(nuget, "1.0", "1.0.0");
        assert_equal(nuget, "1.0.0.0", "1.0.0");
        assert_equal(nuget, "1", "1.0.0");
        assert_equal(nuget, "1.01.1", "1.1.1");
        assert_equal(nuget, "1.0.0-Beta", "1.0.0-beta");
        assert_equal(nuget, "1.0.0+githash", "1.0.0");
        assert_ascending(nuget, &["1.2.3.4-beta", "1.2.3.4", "1.2.3.5"]);
    }

    /// SemVer 2.0 §11 as `VersionComparer` applies it: numeric labels numerically and before
    /// text, fewer labels first.
    #[test]
    fn orders_release_labels() {
        assert_ascending(
            Ecosystem::Nuget,
            &[
                "1.0.0-alpha",
                "1.0.0-alpha.1",
                "1.0.0-alpha.beta",
                "1.0.0-beta",
                "1.0.0-beta.2",
                "1.0.0-beta.11",
                "1.0.0-rc.1",
                "1.0.0",
            ],
        );
    }

    #[test]
    fn refuses_what_nuget_does_not_read() {
        for bad in [
            "",
            "1.2.3.4.5",
            "1..2",
            "a.b",
            "1.0-",
            "1.0+",
            "1.0-beta..1",
            "v1.0",
        ] {
            assert_eq!(compare(Ecosystem::Nuget, bad, "1.0"), None, "{bad}");
        }
    }
}
