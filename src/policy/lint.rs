//! Lints: a policy that loads can still hold likely mistakes. The loader finds what one file
//! shows (deprecated SPDX ids, an entry listed twice), layering what only layers show (an
//! entry repeating an extended layer's), and [`lints`] what only the merged policy shows as of
//! a day (`use-instead` naming a held component, expired exceptions). Each is data with a
//! stable code until `policy check` shows it or a report carries it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Policy;
use crate::diagnostic::{Diagnostic, Excerpt};
use crate::model::codes::LintCode;
use crate::model::purl;
use crate::model::{ComponentId, Location, Ring};

/// One lint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lint {
    pub code: LintCode,
    /// The policy file, as the policy names it.
    pub file: String,
    /// 1-based.
    pub line: u32,
    pub message: String,
    /// The line and column it points at, when it points into the text of a file.
    #[serde(skip)]
    pub excerpt: Option<Excerpt>,
}

impl Lint {
    /// A lint at an entry's or a setting's origin.
    pub fn at(code: LintCode, origin: &Location, message: String) -> Lint {
        Lint {
            code,
            file: origin.file.to_string(),
            line: origin.line,
            message,
            excerpt: None,
        }
    }

    /// A lint at a span of `file`'s `text`.
    pub fn in_text(code: LintCode, file: &str, text: &str, diagnostic: &Diagnostic) -> Lint {
        let excerpt = Excerpt::of(text, diagnostic);
        Lint {
            code,
            file: file.to_owned(),
            line: u32::try_from(excerpt.line).unwrap_or(u32::MAX),
            message: diagnostic.message.clone(),
            excerpt: Some(excerpt),
        }
    }

    /// As `policy check` shows it: `FILE:LINE: message`, or with the line and a caret when
    /// the lint points into a file's text.
    pub fn render(&self) -> String {
        match &self.excerpt {
            Some(excerpt) => {
                let mut out = String::new();
                excerpt.render(&mut out, &self.file, &self.message);
                out
            }
            None => format!("{}:{}: {}\n", self.file, self.line, self.message),
        }
    }
}

/// Every lint of the policy as of `today`, layers' first.
pub fn lints(policy: &Policy, today: NaiveDate) -> Vec<Lint> {
    let mut out = policy.lints.clone();
    for entry in &policy.components {
        for target in entry.use_instead.iter().filter(|u| u.starts_with("pkg:")) {
            let Ok(parsed) = purl::parse_policy_purl(target) else {
                continue;
            };
            let id = ComponentId::new(parsed.ecosystem, &parsed.name, "");
            if let Some(other) = policy.entry_for(&id).filter(|e| e.ring >= Ring::Hold) {
                out.push(Lint::at(
                    LintCode::UseInsteadHeld,
                    &entry.origin,
                    format!(
                        "`use-instead` recommends {target}, which {} puts on {}",
                        other.origin, other.ring
                    ),
                ));
            }
        }
    }
    for exception in &policy.exceptions {
        let days_left = (exception.expires - today).num_days();
        if days_left < 0 {
            out.push(Lint::at(
                LintCode::ExceptionExpired,
                &exception.origin,
                format!(
                    "the exception for `{}` expired on {}; remove or renew it",
                    exception.subject(),
                    exception.expires
                ),
            ));
        } else if let Some(max) = policy.max_days.filter(|max| days_left > i64::from(*max)) {
            out.push(Lint::at(
                LintCode::ExceptionTooLong,
                &exception.origin,
                format!(
                    "the exception for `{}` runs {days_left} days; the policy allows at most {max}",
                    exception.subject()
                ),
            ));
        }
    }
    out
}
