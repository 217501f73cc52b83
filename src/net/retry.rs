//! Retries, in one place for every request depgov sends (GitHub, package registries, deps.dev,
//! OSV): what is worth sending again, and how long to wait first.
//!
//! - **Rate limits** (429; or 403 with `x-ratelimit-remaining: 0`, with `retry-after`, or with
//!   GitHub's "secondary rate limit" message) are retried for every request, since the server
//!   did not act on it: after `retry-after` seconds, else at `x-ratelimit-reset`, else with
//!   exponential backoff. A wait longer than [`Backoff::longest_wait`] is not waited for: the
//!   request fails at once, saying when the limit resets.
//! - **5xx answers, timeouts and connection failures** are retried with exponential backoff
//!   (1, 2, 4 … steps) only for requests that are safe to repeat ([`Repeat::Safe`]: GET,
//!   PATCH). A POST that failed this way may have been carried out; its caller decides.
//! - Anything else (4xx, an unreadable answer) fails at once.
//!
//! Every wait is counted in steps of [`Backoff::step`] — one second, so that `retry-after: 5`
//! waits five seconds. Each client names the environment variables that shorten the step and
//! the time an attempt may take (`DEPGOV_GITHUB_BACKOFF_MS`, `DEPGOV_GITHUB_TIMEOUT_MS`, …);
//! they exist for tests, which must not sleep for seconds.

use std::future::Future;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::Error;

/// How often and how long requests are retried.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    /// How long one step of waiting lasts.
    pub step: Duration,
    /// How many times a request is sent at most.
    pub attempts: u32,
    /// The longest single wait depgov accepts, in steps.
    pub longest_wait: u64,
    /// How long one attempt may take before it counts as failed.
    pub timeout: Duration,
}

impl Backoff {
    /// `attempts` attempts, one-second steps, at most a minute's wait, `timeout` per attempt;
    /// the step from the variable `step_env` and the timeout from `timeout_env` when set.
    pub fn from_env(
        attempts: u32,
        timeout: Duration,
        step_env: &str,
        timeout_env: &str,
    ) -> Result<Backoff, Error> {
        Ok(Backoff {
            step: millis_from_env(step_env)?.unwrap_or(Duration::from_secs(1)),
            attempts,
            longest_wait: 60,
            timeout: millis_from_env(timeout_env)?.unwrap_or(timeout),
        })
    }
}

fn millis_from_env(name: &str) -> Result<Option<Duration>, Error> {
    match std::env::var(name) {
        Ok(text) => text
            .trim()
            .parse::<u64>()
            .map(|ms| Some(Duration::from_millis(ms)))
            .map_err(|_| {
                Error::Usage(format!(
                    "{name}={text} is not a whole number of milliseconds"
                ))
            }),
        Err(_) => Ok(None),
    }
}

/// Whether a request may be sent again when it failed in a way the server may have acted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// Sending it twice does what sending it once does (GET, PATCH).
    Safe,
    /// Retried only when the server rejected it unseen (rate limits): a POST.
    OnlyIfRejected,
}

/// Why an attempt failed, as far as retrying goes.
#[derive(Debug)]
pub struct Failure {
    /// The HTTP status; `None` when no answer came (network failure, timeout) or it could not
    /// be read.
    pub status: Option<u16>,
    /// The server's message, or what went wrong on the way.
    pub message: String,
    /// Whether an answer came but could not be read (a 2xx with an unexpected body).
    pub unreadable: bool,
    pub limits: Limits,
}

/// The rate-limit headers on a failed answer.
#[derive(Debug, Default, Clone, Copy)]
pub struct Limits {
    pub retry_after: Option<u64>,
    pub remaining: Option<u64>,
    pub reset: Option<u64>,
}

impl Limits {
    /// `retry-after`, `x-ratelimit-remaining` and `x-ratelimit-reset`, where they are whole
    /// numbers of seconds.
    pub fn from_headers(headers: &http::HeaderMap) -> Limits {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<u64>().ok())
        };
        Limits {
            retry_after: number("retry-after"),
            remaining: number("x-ratelimit-remaining"),
            reset: number("x-ratelimit-reset"),
        }
    }
}

impl Failure {
    /// A failure that is not an HTTP answer, with this message.
    pub fn message(message: String) -> Failure {
        Failure {
            status: None,
            message,
            unreadable: false,
            limits: Limits::default(),
        }
    }

    /// An answer with a failing status.
    pub fn answer(status: u16, message: String, limits: Limits) -> Failure {
        Failure {
            status: Some(status),
            message,
            unreadable: false,
            limits,
        }
    }

    /// An answer that came but could not be read.
    pub fn unreadable(message: String) -> Failure {
        Failure {
            status: None,
            message,
            unreadable: true,
            limits: Limits::default(),
        }
    }

    /// The same failure with its message rewritten (a secret blanked out).
    pub fn map_message(self, rewrite: impl FnOnce(&str) -> String) -> Failure {
        Failure {
            message: rewrite(&self.message),
            ..self
        }
    }

    fn timed_out(after: Duration) -> Failure {
        let after = match after.as_secs() {
            0 => format!("{} ms", after.as_millis()),
            seconds => format!("{seconds} seconds"),
        };
        Failure::message(format!("no answer within {after}"))
    }

    /// A rate limit: the server did not act on the request and asks to wait.
    pub fn is_rate_limit(&self) -> bool {
        match self.status {
            Some(429) => true,
            Some(403) => {
                self.limits.remaining == Some(0)
                    || self.limits.retry_after.is_some()
                    || self.message.to_ascii_lowercase().contains("rate limit")
            }
            _ => false,
        }
    }

    /// A failure the server may have acted on before failing: a 5xx, or no (readable) answer.
    pub fn may_have_succeeded(&self) -> bool {
        match self.status {
            Some(status) => status >= 500,
            None => !self.unreadable,
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    /// Wait this many steps, then send again.
    Retry(u64),
    /// A rate limit asks for a longer wait than depgov accepts.
    WaitTooLong(u64),
    Fail,
}

fn plan(failure: &Failure, attempt: u32, backoff: &Backoff, repeat: Repeat, now: u64) -> Plan {
    let exponential = 1u64 << attempt.saturating_sub(1).min(16);
    let wait = if failure.is_rate_limit() {
        let until_reset = failure
            .limits
            .reset
            .filter(|_| failure.limits.remaining == Some(0))
            .map(|reset| reset.saturating_sub(now).max(1));
        failure
            .limits
            .retry_after
            .or(until_reset)
            .unwrap_or(exponential)
    } else if repeat == Repeat::Safe && failure.may_have_succeeded() {
        exponential
    } else {
        return Plan::Fail;
    };
    if wait > backoff.longest_wait {
        Plan::WaitTooLong(wait)
    } else if attempt >= backoff.attempts {
        Plan::Fail
    } else {
        Plan::Retry(wait)
    }
}

/// Runs `attempt` until it succeeds or [`plan`] says to stop; the failure returned is the
/// last one, its message saying how many attempts were made or why no more were.
pub async fn send<T, F, Fut>(
    backoff: &Backoff,
    repeat: Repeat,
    mut attempt: F,
) -> Result<T, Failure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let mut attempts = 1;
    loop {
        let failure = match tokio::time::timeout(backoff.timeout, attempt()).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(failure)) => failure,
            Err(_) => Failure::timed_out(backoff.timeout),
        };
        match plan(&failure, attempts, backoff, repeat, unix_now()) {
            Plan::Retry(steps) => {
                let steps = u32::try_from(steps).unwrap_or(u32::MAX);
                tokio::time::sleep(backoff.step.saturating_mul(steps)).await;
                attempts += 1;
            }
            Plan::WaitTooLong(steps) => {
                let message = format!(
                    "{} (the server's rate limit asks for a wait of {steps} seconds; depgov \
                     waits at most {})",
                    failure.message, backoff.longest_wait
                );
                return Err(Failure { message, ..failure });
            }
            Plan::Fail if attempts > 1 => {
                let message = format!("{} (after {attempts} attempts)", failure.message);
                return Err(Failure { message, ..failure });
            }
            Plan::Fail => return Err(failure),
        }
    }
}

/// An error and its sources in one line, without repeating a source its parent already shows.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// Seconds since the Unix epoch, as `x-ratelimit-reset` counts them.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BACKOFF: Backoff = Backoff {
        step: Duration::from_millis(1),
        attempts: 4,
        longest_wait: 60,
        timeout: Duration::from_secs(30),
    };

    fn failure(status: Option<u16>, message: &str, limits: Limits) -> Failure {
        Failure {
            status,
            message: message.to_owned(),
            unreadable: false,
            limits,
        }
    }

    #[test]
    fn server_errors_back_off_exponentially_for_safe_requests_only() {
        let bad_gateway = failure(Some(502), "Bad Gateway", Limits::default());
        let plans: Vec<Plan> = (1..=4)
            .map(|attempt| plan(&bad_gateway, attempt, &BACKOFF, Repeat::Safe, 0))
            .collect();
        assert_eq!(
            plans,
            [Plan::Retry(1), Plan::Retry(2), Plan::Retry(4), Plan::Fail]
        );
        assert_eq!(
            plan(&bad_gateway, 1, &BACKOFF, Repeat::OnlyIfRejected, 0),
            Plan::Fail
        );
    }

    #[test]
    fn rate_limits_wait_as_github_asks_for_any_request() {
        let retry_after = Limits {
            retry_after: Some(7),
            ..Limits::default()
        };
        let secondary = failure(
            Some(403),
            "You have exceeded a secondary rate limit",
            retry_after,
        );
        assert_eq!(
            plan(&secondary, 1, &BACKOFF, Repeat::OnlyIfRejected, 0),
            Plan::Retry(7)
        );
        let exhausted = Limits {
            remaining: Some(0),
            reset: Some(1_000_030),
            ..Limits::default()
        };
        let primary = failure(Some(403), "API rate limit exceeded", exhausted);
        assert_eq!(
            plan(&primary, 1, &BACKOFF, Repeat::Safe, 1_000_000),
            Plan::Retry(30)
        );
        assert_eq!(
            plan(&primary, 1, &BACKOFF, Repeat::Safe, 990_000),
            Plan::WaitTooLong(10_030)
        );
        let too_many = failure(Some(429), "Too Many Requests", Limits::default());
        assert_eq!(
            plan(&too_many, 2, &BACKOFF, Repeat::Safe, 0),
            Plan::Retry(2)
        );
    }

    #[test]
    fn permission_and_validation_errors_are_not_retried() {
        let forbidden = failure(
            Some(403),
            "Resource not accessible by integration",
            Limits {
                remaining: Some(4999),
                ..Limits::default()
            },
        );
        assert_eq!(plan(&forbidden, 1, &BACKOFF, Repeat::Safe, 0), Plan::Fail);
        let invalid = failure(Some(422), "Validation Failed", Limits::default());
        assert_eq!(plan(&invalid, 1, &BACKOFF, Repeat::Safe, 0), Plan::Fail);
    }
}
