//! Declared licenses: the text a package declares, read as an SPDX expression.
//!
//! Inventory stores what it found here; evaluation decides what the policy thinks of it.
//! Package metadata is messy (`MIT/Apache-2.0`, deprecated ids, `WITH Commons-Clause`), so
//! declared text is read leniently and normalized; text that still is not SPDX is kept as is
//! so that the report can show it.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A package's declared license.
#[derive(Clone, Debug)]
pub enum License {
    /// A valid (leniently parsed) SPDX expression.
    Spdx(Box<spdx::Expression>),
    /// License text that is not an SPDX expression, kept verbatim.
    Unparsed(String),
    /// No license information at all (missing, `NOASSERTION`, or only a license file).
    Unknown,
}

impl License {
    /// Reads what a package declares. `None`, blank text and SPDX's `NOASSERTION`/`NONE`
    /// markers mean unknown.
    pub fn from_declared(text: Option<&str>) -> License {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return License::Unknown;
        };
        if matches!(text, "NOASSERTION" | "NONE") {
            return License::Unknown;
        }
        let normalized = normalize_commons_clause(text);
        match spdx::Expression::parse_mode(&normalized, spdx::ParseMode::LAX) {
            Ok(expression) => License::Spdx(Box::new(expression)),
            Err(_) => License::Unparsed(text.to_owned()),
        }
    }

    /// The declared text, or `None` when unknown.
    pub fn text(&self) -> Option<&str> {
        match self {
            License::Spdx(expression) => Some((**expression).as_ref()),
            License::Unparsed(text) => Some(text),
            License::Unknown => None,
        }
    }
}

impl fmt::Display for License {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text().unwrap_or("unknown"))
    }
}

impl Serialize for License {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.text().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for License {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Option::<String>::deserialize(deserializer)?;
        Ok(License::from_declared(text.as_deref()))
    }
}

/// The Commons Clause is a restriction added to a license, not an SPDX exception, yet packages
/// write it as `Apache-2.0 WITH Commons-Clause`. Read it as what it means: the license *and* a
/// restriction the policy can name as `LicenseRef-Commons-Clause`.
fn normalize_commons_clause(text: &str) -> std::borrow::Cow<'_, str> {
    const SPELLINGS: [&str; 2] = ["Commons-Clause", "Commons Clause"];
    if !SPELLINGS.iter().any(|s| text.contains(s)) {
        return text.into();
    }
    let mut out = text.to_owned();
    for spelling in SPELLINGS {
        for with in ["WITH", "with"] {
            out = out.replace(
                &format!("{with} {spelling}"),
                "AND LicenseRef-Commons-Clause",
            );
        }
        out = out.replace(spelling, "LicenseRef-Commons-Clause");
    }
    out.replace("LicenseRef-LicenseRef-", "LicenseRef-").into()
}

/// The key a policy list and a component requirement are compared by. Deprecated GNU ids
/// (`GPL-2.0`) mean the `-only` license; `+` on a GNU id means `-or-later`.
pub fn canonical_requirement(req: &spdx::LicenseReq) -> spdx::LicenseReq {
    let license = match &req.license {
        spdx::LicenseItem::Spdx { id, or_later } if id.is_gnu() => {
            let base = id
                .name
                .trim_end_matches("-only")
                .trim_end_matches("-or-later");
            let or_later = *or_later || id.name.ends_with("-or-later");
            match spdx::gnu_license_id(base, or_later) {
                Some(id) => spdx::LicenseItem::Spdx {
                    id,
                    or_later: false,
                },
                None => req.license.clone(),
            }
        }
        other => other.clone(),
    };
    spdx::LicenseReq {
        license,
        addition: req.addition.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reqs(license: &License) -> Vec<String> {
        match license {
            License::Spdx(e) => e
                .requirements()
                .map(|r| canonical_requirement(&r.req).to_string())
                .collect(),
            other => panic!("not SPDX: {other:?}"),
        }
    }

    #[test]
    fn slash_is_or_and_text_is_kept() {
        let license = License::from_declared(Some("MIT/Apache-2.0"));
        assert_eq!(reqs(&license), ["MIT", "Apache-2.0"]);
        assert_eq!(license.text(), Some("MIT/Apache-2.0"));
    }

    #[test]
    fn deprecated_gnu_ids_mean_only_and_plus_means_or_later() {
        assert_eq!(
            reqs(&License::from_declared(Some("GPL-2.0"))),
            ["GPL-2.0-only"]
        );
        assert_eq!(
            reqs(&License::from_declared(Some("LGPL-2.1+"))),
            ["LGPL-2.1-or-later"]
        );
    }

    #[test]
    fn commons_clause_is_a_restriction_not_an_exception() {
        let license = License::from_declared(Some("Apache-2.0 WITH Commons-Clause"));
        assert_eq!(reqs(&license), ["Apache-2.0", "LicenseRef-Commons-Clause"]);
    }

    #[test]
    fn blank_and_noassertion_are_unknown_and_prose_is_unparsed() {
        assert!(matches!(License::from_declared(None), License::Unknown));
        assert!(matches!(
            License::from_declared(Some("  ")),
            License::Unknown
        ));
        assert!(matches!(
            License::from_declared(Some("NOASSERTION")),
            License::Unknown
        ));
        assert!(matches!(
            License::from_declared(Some("BSD-like")),
            License::Unparsed(_)
        ));
    }
}
