//! Pacing for many requests, shared by every request of one client: a rate limit as the
//! answers report it (`x-ratelimit-remaining`, `x-ratelimit-reset`, as GitHub sends them), a
//! pause for everyone after an answer asks to wait (`retry-after`, a secondary limit), and an
//! optional cap on requests per minute (GitHub's secondary limit of 900 points a minute for
//! REST; crates.io's one request a second). Many requests slow down instead of failing;
//! [`retry`](super::retry) still decides about each failed request.
//!
//! Waits derived from the headers are counted in [`Backoff::step`]s, like retries, so that
//! tests need not sleep for seconds.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use http::{HeaderMap, StatusCode};

use super::retry::{Backoff, Failure, unix_now};

/// How requests are paced; [`Pace::default`] does not pace.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pace {
    /// At most this many requests start per minute; `None` for no cap.
    pub per_minute: Option<u32>,
    /// Requests wait for the primary limit's reset once no more than this many remain: the
    /// ones other tasks may have in flight.
    pub reserve: u64,
    /// The longest wait for the primary limit's reset, in steps; longer and requests fail.
    pub longest_reset: u64,
}

/// The shared pacing state.
#[derive(Debug)]
pub struct Throttle {
    step: Duration,
    pace: Pace,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// When the next request may start, under [`Pace::per_minute`].
    next_start: Option<Instant>,
    /// No request starts before this (after a `retry-after`, or until the primary reset).
    paused_until: Option<Instant>,
    /// The primary limit's remaining requests and reset time, from the latest answers.
    remaining: Option<u64>,
    reset: Option<u64>,
}

impl Throttle {
    pub fn new(backoff: &Backoff, pace: Pace) -> Throttle {
        Throttle {
            step: backoff.step,
            pace: Pace {
                longest_reset: pace.longest_reset.max(backoff.longest_wait),
                ..pace
            },
            state: Mutex::new(State::default()),
        }
    }

    /// Waits until a request may start; fails when the primary limit is used up for longer
    /// than [`Pace::longest_reset`].
    pub async fn turn(&self) -> Result<(), Failure> {
        let start = {
            let mut state = self.lock();
            let now = Instant::now();
            if state
                .remaining
                .is_some_and(|left| left <= self.pace.reserve)
            {
                let until_reset = state
                    .reset
                    .map_or(1, |reset| reset.saturating_sub(unix_now()).max(1));
                if until_reset > self.pace.longest_reset {
                    return Err(Failure::message(format!(
                        "the server's rate limit is used up for another {until_reset} seconds; \
                         depgov waits at most {}",
                        self.pace.longest_reset
                    )));
                }
                let resumed = now + self.steps(until_reset);
                state.paused_until = Some(state.paused_until.map_or(resumed, |p| p.max(resumed)));
                // The next answer says how many are left after the reset.
                state.remaining = None;
            }
            let mut start = state.paused_until.map_or(now, |until| until.max(now));
            if let Some(per_minute) = self.pace.per_minute.filter(|n| *n > 0) {
                let interval = Duration::from_secs(60) / per_minute;
                start = state.next_start.map_or(start, |next| next.max(start));
                state.next_start = Some(start + interval);
            }
            start
        };
        tokio::time::sleep_until(start.into()).await;
        Ok(())
    }

    /// Records what an answer says about the limits.
    pub fn observe(&self, status: StatusCode, headers: &HeaderMap) {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<u64>().ok())
        };
        let mut state = self.lock();
        if let (Some(remaining), Some(reset)) =
            (number("x-ratelimit-remaining"), number("x-ratelimit-reset"))
        {
            // Answers arrive out of order: within one window the smallest count is the latest.
            let same_window = state.reset == Some(reset);
            if !same_window || state.remaining.is_none_or(|left| remaining < left) {
                state.remaining = Some(remaining);
            }
            state.reset = Some(reset);
        }
        let asked_to_wait = matches!(status.as_u16(), 403 | 429);
        if let Some(seconds) = number("retry-after").filter(|_| asked_to_wait) {
            let resumed = Instant::now() + self.steps(seconds);
            state.paused_until = Some(state.paused_until.map_or(resumed, |p| p.max(resumed)));
        }
    }

    /// How many requests the primary limit has left, as last reported.
    pub fn remaining(&self) -> Option<u64> {
        self.lock().remaining
    }

    fn steps(&self, count: u64) -> Duration {
        self.step
            .saturating_mul(u32::try_from(count).unwrap_or(u32::MAX))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backoff() -> Backoff {
        Backoff {
            step: Duration::from_millis(1),
            attempts: 4,
            longest_wait: 60,
            timeout: Duration::from_secs(30),
        }
    }

    fn headers(pairs: &[(&'static str, String)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("header value"));
        }
        map
    }

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    #[test]
    fn a_used_up_limit_waits_for_the_reset_or_fails_when_it_is_too_far() {
        let throttle = Throttle::new(
            &backoff(),
            Pace {
                reserve: 2,
                longest_reset: 3600,
                ..Pace::default()
            },
        );
        let soon = (unix_now() + 5).to_string();
        throttle.observe(
            StatusCode::OK,
            &headers(&[
                ("x-ratelimit-remaining", "2".into()),
                ("x-ratelimit-reset", soon),
            ]),
        );
        let started = Instant::now();
        block_on(throttle.turn()).expect("waits, then goes");
        assert!(started.elapsed() >= Duration::from_millis(4));
        let far = (unix_now() + 10_000).to_string();
        throttle.observe(
            StatusCode::OK,
            &headers(&[
                ("x-ratelimit-remaining", "0".into()),
                ("x-ratelimit-reset", far),
            ]),
        );
        let failure = block_on(throttle.turn()).expect_err("too long a wait");
        assert!(
            failure.message.contains("rate limit is used up"),
            "{failure:?}"
        );
    }

    #[test]
    fn retry_after_pauses_everyone_and_the_cap_spaces_requests() {
        let throttle = Throttle::new(
            &backoff(),
            Pace {
                per_minute: Some(6000),
                ..Pace::default()
            },
        );
        throttle.observe(
            StatusCode::FORBIDDEN,
            &headers(&[("retry-after", "30".into())]),
        );
        let started = Instant::now();
        block_on(async {
            for _ in 0..3 {
                throttle.turn().await.expect("no limit used up");
            }
        });
        // 30 one-millisecond steps of pause, then 10 ms between starts.
        assert!(started.elapsed() >= Duration::from_millis(50));
    }
}
