//! Exceptions: time-limited waivers applied to the findings of an evaluation (after a base
//! comparison, when there is one), and the findings about the exceptions themselves.
//!
//! A finding an exception covers is waived: still reported, with who approved it, the ticket
//! and the expiry, but it does not fail the run. An exception past its expiry waives nothing
//! and is an `exception-expired` error; one expiring within `expiry.warn-days` is an
//! `exception-expiring` warning; one granted for longer than `expiry.max-days` waives nothing
//! and is an `exception-too-long` error; one that covers no finding is an `exception-unused`
//! warning. Exceptions scoped to other repositories (`repos`) are left alone.

use chrono::NaiveDate;

use super::Evaluation;
use crate::model::{Finding, Location, Rule, Severity, Waiver};
use crate::policy::{Exception, Policy};

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Active,
    Expiring(i64),
    Expired,
    TooLong(i64),
}

/// Waives the findings the policy's exceptions cover, and reports on the exceptions.
/// `repository` is `OWNER/NAME` when known.
pub fn apply(
    evaluation: &mut Evaluation,
    policy: &Policy,
    today: NaiveDate,
    repository: Option<&str>,
) {
    let exceptions: Vec<(&Exception, State)> = policy
        .exceptions
        .iter()
        .filter(|exception| exception.in_repository(repository))
        .map(|exception| {
            let days_left = (exception.expires - today).num_days();
            let state = if days_left < 0 {
                State::Expired
            } else if policy
                .max_days
                .is_some_and(|max| days_left > i64::from(max))
            {
                State::TooLong(days_left)
            } else if days_left <= i64::from(policy.warn_days) {
                State::Expiring(days_left)
            } else {
                State::Active
            };
            (exception, state)
        })
        .collect();
    let mut used = vec![false; exceptions.len()];
    for finding in &mut evaluation.findings {
        let Some(id) = &finding.component else {
            continue;
        };
        let file = finding.location.as_ref().map(|l| &*l.file);
        for (index, (exception, state)) in exceptions.iter().enumerate() {
            if !exception.covers(finding, id, file) {
                continue;
            }
            used[index] = true;
            if matches!(state, State::Active | State::Expiring(_)) {
                finding.waiver = Some(Box::new(Waiver {
                    expires: exception.expires.to_string(),
                    reason: exception.reason.clone(),
                    approved_by: exception.approved_by.clone(),
                    ticket: exception.ticket.clone(),
                    origin: exception.origin.clone(),
                }));
                break;
            }
        }
    }
    for ((exception, state), used) in exceptions.iter().zip(used) {
        let about = describe(exception);
        let (rule, severity, message) = match state {
            State::Expired => (
                Rule::ExceptionExpired,
                Severity::Error,
                format!(
                    "the exception for {about} expired on {}; it waives nothing now: renew it (with a new approval) or fix what it waived",
                    exception.expires
                ),
            ),
            State::TooLong(days) => (
                Rule::ExceptionTooLong,
                Severity::Error,
                format!(
                    "the exception for {about} runs {days} days, until {}; the policy grants at most {} days, so it waives nothing",
                    exception.expires,
                    policy.max_days.unwrap_or_default()
                ),
            ),
            _ if !used => (
                Rule::ExceptionUnused,
                Severity::Warning,
                format!(
                    "the exception for {about} waives nothing: no finding matches it; remove it"
                ),
            ),
            State::Expiring(days) => (
                Rule::ExceptionExpiring,
                Severity::Warning,
                format!(
                    "the exception for {about} expires on {} (in {days} days); what it waives will fail the run after that",
                    exception.expires
                ),
            ),
            State::Active => continue,
        };
        evaluation
            .findings
            .push(about_exception(rule, severity, message, exception));
    }
    evaluation.sort();
}

/// `pkg:npm/moment versions <3 (approved by jdoe, OSPO-142)`.
fn describe(exception: &Exception) -> String {
    let approval: Vec<&str> = exception
        .approved_by
        .as_deref()
        .into_iter()
        .chain(exception.ticket.as_deref())
        .collect();
    if approval.is_empty() {
        format!("`{}`", exception.subject())
    } else {
        format!("`{}` ({})", exception.subject(), approval.join(", "))
    }
}

fn about_exception(
    rule: Rule,
    severity: Severity,
    message: String,
    exception: &Exception,
) -> Finding {
    Finding {
        rule,
        severity,
        ring: None,
        change: None,
        component: None,
        message,
        reason: Some(exception.reason.clone()),
        use_instead: Vec::new(),
        link: None,
        path: Default::default(),
        location: Some(Location {
            file: exception.origin.file.clone(),
            line: exception.origin.line,
        }),
        waiver: None,
        evidence: Default::default(),
    }
}
