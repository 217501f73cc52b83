//! Lints for `depgov policy check`: a policy that loads can still hold likely mistakes. The
//! loader reports what one file shows (deprecated SPDX ids, an entry listed twice); this
//! module what only the merged policy shows.

use chrono::NaiveDate;

use super::Policy;
use crate::model::purl;
use crate::model::{ComponentId, Ring};

/// Every lint of the policy as of `today`, rendered `FILE:LINE: message`, layers' first.
pub fn lints(policy: &Policy, today: NaiveDate) -> Vec<String> {
    let mut out = policy.lints.clone();
    for entry in &policy.components {
        for target in entry.use_instead.iter().filter(|u| u.starts_with("pkg:")) {
            let Ok(parsed) = purl::parse_policy_purl(target) else {
                continue;
            };
            let id = ComponentId::new(parsed.ecosystem, &parsed.name, "");
            if let Some(other) = policy.entry_for(&id).filter(|e| e.ring >= Ring::Hold) {
                out.push(format!(
                    "{}: `use-instead` recommends {target}, which {} puts on {}\n",
                    entry.origin, other.origin, other.ring
                ));
            }
        }
    }
    for exception in &policy.exceptions {
        let days_left = (exception.expires - today).num_days();
        if days_left < 0 {
            out.push(format!(
                "{}: the exception for `{}` expired on {}; remove or renew it\n",
                exception.origin, exception.selector, exception.expires
            ));
        } else if let Some(max) = policy.max_days.filter(|max| days_left > i64::from(*max)) {
            out.push(format!(
                "{}: the exception for `{}` runs {days_left} days; the policy allows at most {max}\n",
                exception.origin, exception.selector
            ));
        }
    }
    out
}
