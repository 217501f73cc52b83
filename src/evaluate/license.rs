//! The ring of a declared license: an OR takes its best alternative, an AND its worst part.

use spdx::expression::{ExprNode, Operator};

use crate::model::license::License;
use crate::model::{Ring, Rule};
use crate::policy::LicenseRings;

/// What the policy makes of a declared license, and which part of it decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Judgement {
    pub ring: Ring,
    /// Whether the deciding license is named by one of the policy's lists.
    listed: bool,
    /// The deciding license (or the unparsed text); `None` when no license is declared.
    pub decided_by: Option<String>,
}

impl Judgement {
    /// The rule a failing judgement reports under; `None` when the ring passes.
    pub fn rule(&self) -> Option<Rule> {
        if self.ring.passes() {
            return None;
        }
        Some(match (&self.decided_by, self.listed, self.ring) {
            (None, _, _) => Rule::LicenseUnknown,
            (Some(_), false, _) => Rule::LicenseUnlisted,
            (Some(_), true, Ring::Remove) => Rule::LicenseRemove,
            (Some(_), true, Ring::Hold) => Rule::LicenseHold,
            (Some(_), true, _) => Rule::LicenseAssess,
        })
    }
}

pub fn judge(license: &License, rings: &LicenseRings) -> Judgement {
    let unknown = Judgement {
        ring: rings.unknown,
        listed: false,
        decided_by: None,
    };
    let expression = match license {
        License::Unknown => return unknown,
        License::Unparsed(text) => {
            return Judgement {
                ring: rings.unlisted,
                listed: false,
                decided_by: Some(text.clone()),
            };
        }
        License::Spdx(expression) => expression,
    };
    // The expression is in postfix order: operands come before their operator.
    let mut stack: Vec<Judgement> = Vec::new();
    for node in expression.iter() {
        match node {
            ExprNode::Req(req) => stack.push(match rings.listed_ring(&req.req) {
                Some(ring) => Judgement {
                    ring,
                    listed: true,
                    decided_by: Some(req.req.to_string()),
                },
                None => Judgement {
                    ring: rings.unlisted,
                    listed: false,
                    decided_by: Some(req.req.to_string()),
                },
            }),
            ExprNode::Op(op) => {
                let (Some(right), Some(left)) = (stack.pop(), stack.pop()) else {
                    return unknown;
                };
                let right_wins = match op {
                    Operator::And => right.ring > left.ring,
                    Operator::Or => right.ring < left.ring,
                };
                stack.push(if right_wins { right } else { left });
            }
        }
    }
    let mut verdict = stack.pop().unwrap_or(unknown);
    if expression.iter().nth(1).is_none() {
        // A single license decides by itself; name it as the package wrote it.
        verdict.decided_by = license.text().map(str::to_owned);
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{PolicyOrigin, parse};

    fn rings() -> LicenseRings {
        let text = r#"
            version = 1
            [licenses]
            adopt = ["MIT", "Apache-2.0"]
            hold = ["MPL-2.0", "GPL-2.0-only WITH Classpath-exception-2.0"]
            remove = ["GPL-3.0-only", "GPL-2.0-only"]
            unlisted = "hold"
            unknown = "assess"
        "#;
        parse("p.toml", text, PolicyOrigin::Embedded)
            .unwrap()
            .licenses
    }

    fn ring_of(text: Option<&str>) -> (Ring, Option<Rule>) {
        let judgement = judge(&License::from_declared(text), &rings());
        (judgement.ring, judgement.rule())
    }

    #[test]
    fn or_takes_the_best_and_and_the_worst() {
        assert_eq!(ring_of(Some("MIT OR GPL-3.0-only")), (Ring::Adopt, None));
        assert_eq!(
            ring_of(Some("MIT AND GPL-3.0-only")),
            (Ring::Remove, Some(Rule::LicenseRemove))
        );
        assert_eq!(
            ring_of(Some("(MIT OR MPL-2.0) AND Apache-2.0")),
            (Ring::Adopt, None)
        );
        assert_eq!(
            ring_of(Some("MPL-2.0 AND (GPL-3.0-only OR MIT)")),
            (Ring::Hold, Some(Rule::LicenseHold))
        );
    }

    #[test]
    fn with_exceptions_are_honoured_when_named_and_fall_back_to_the_license() {
        let named = ring_of(Some("GPL-2.0-only WITH Classpath-exception-2.0"));
        assert_eq!(named, (Ring::Hold, Some(Rule::LicenseHold)));
        let unnamed = ring_of(Some("Apache-2.0 WITH LLVM-exception"));
        assert_eq!(unnamed.0, Ring::Adopt);
        let deprecated_spelling = ring_of(Some("GPL-2.0 WITH Classpath-exception-2.0"));
        assert_eq!(deprecated_spelling, (Ring::Hold, Some(Rule::LicenseHold)));
    }

    #[test]
    fn unlisted_unknown_and_unparsed_licenses() {
        assert_eq!(
            ring_of(Some("BSD-3-Clause")),
            (Ring::Hold, Some(Rule::LicenseUnlisted))
        );
        assert_eq!(
            ring_of(Some("MIT AND BSD-3-Clause")),
            (Ring::Hold, Some(Rule::LicenseUnlisted))
        );
        assert_eq!(ring_of(None), (Ring::Assess, Some(Rule::LicenseUnknown)));
        assert_eq!(
            ring_of(Some("Proprietary, ask legal")),
            (Ring::Hold, Some(Rule::LicenseUnlisted))
        );
    }
}
