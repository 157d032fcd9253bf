//! The per-key rate limit: a fixed window that opens with the first request
//! after the previous one ended, and the `RateLimit-*` headers that report it.
//!
//! The docs name only `RateLimit-Reset` and leave its unit open; the other
//! headers follow the IETF draft / express-rate-limit "standard headers" that
//! the docs' naming suggests. [`ResetFormat`] lets a test try both readings.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, HeaderName, HeaderValue};

/// How the mock writes `RateLimit-Reset`; the Heffl docs do not say which
/// one the API uses, so a client should cope with both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResetFormat {
    /// Seconds until the window ends, rounded up (`RateLimit-Reset: 42`).
    #[default]
    DeltaSeconds,
    /// The Unix time, in seconds rounded up, at which the window ends.
    UnixTimestamp,
}

/// What the mock enforces and reports; set through `MockServerBuilder`.
#[derive(Debug, Clone, Copy)]
pub(super) struct RateLimitPolicy {
    pub(super) limit: u32,
    pub(super) window: Duration,
    /// When false, the headers are sent on 429 answers only.
    pub(super) headers_on_every_response: bool,
    pub(super) reset_format: ResetFormat,
}

impl Default for RateLimitPolicy {
    /// The documented limit: 60 requests a minute per key.
    fn default() -> Self {
        RateLimitPolicy {
            limit: 60,
            window: Duration::from_secs(60),
            headers_on_every_response: true,
            reset_format: ResetFormat::DeltaSeconds,
        }
    }
}

/// The budget of each key, one window per key.
#[derive(Debug)]
pub(super) struct RateLimiter {
    policy: RateLimitPolicy,
    windows: HashMap<&'static str, Window>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    used: u32,
}

/// The outcome of [`RateLimiter::admit`] for one request.
#[derive(Debug, Clone, Copy)]
pub(super) struct Quota {
    policy: RateLimitPolicy,
    remaining: u32,
    resets_in: Duration,
    exceeded: bool,
}

impl RateLimiter {
    pub(super) fn new(policy: RateLimitPolicy) -> RateLimiter {
        RateLimiter {
            policy,
            windows: HashMap::new(),
        }
    }

    /// Counts a request by `api_key` made at `now`, unless the window's budget
    /// is spent: a rejected request does not use budget.
    pub(super) fn admit(&mut self, api_key: &'static str, now: Instant) -> Quota {
        let policy = self.policy;
        let window = self.windows.entry(api_key).or_insert(Window {
            started: now,
            used: 0,
        });
        if now.saturating_duration_since(window.started) >= policy.window {
            *window = Window {
                started: now,
                used: 0,
            };
        }
        let exceeded = window.used >= policy.limit;
        if !exceeded {
            window.used += 1;
        }
        Quota {
            policy,
            remaining: policy.limit - window.used,
            resets_in: policy
                .window
                .saturating_sub(now.saturating_duration_since(window.started)),
            exceeded,
        }
    }
}

impl Quota {
    /// Whether the request is over the limit and must be answered with 429.
    pub(super) fn is_exceeded(&self) -> bool {
        self.exceeded
    }

    /// Adds `RateLimit-Limit`, `-Remaining` and `-Reset` when the policy sends
    /// them on this answer, plus `Retry-After` on a 429.
    pub(super) fn write_headers(&self, headers: &mut HeaderMap) {
        if !(self.exceeded || self.policy.headers_on_every_response) {
            return;
        }
        let reset = match self.policy.reset_format {
            ResetFormat::DeltaSeconds => whole_seconds_rounded_up(self.resets_in),
            ResetFormat::UnixTimestamp => {
                // A clock before 1970 would be a broken machine; 0 keeps the
                // header well-formed rather than failing the request.
                let since_epoch = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default();
                whole_seconds_rounded_up(since_epoch.saturating_add(self.resets_in))
            }
        };
        insert_number(headers, "ratelimit-limit", self.policy.limit.into());
        insert_number(headers, "ratelimit-remaining", self.remaining.into());
        insert_number(headers, "ratelimit-reset", reset);
        if self.exceeded {
            insert_number(
                headers,
                "retry-after",
                whole_seconds_rounded_up(self.resets_in),
            );
        }
    }
}

/// Rounds up so that a client waiting this long is sure to be in a new window.
fn whole_seconds_rounded_up(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

fn insert_number(headers: &mut HeaderMap, name: &'static str, value: u64) {
    headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(limit: u32) -> RateLimiter {
        RateLimiter::new(RateLimitPolicy {
            limit,
            window: Duration::from_secs(60),
            ..RateLimitPolicy::default()
        })
    }

    #[test]
    fn the_request_past_the_limit_is_exceeded_and_does_not_use_budget() {
        let mut limiter = limiter(2);
        let start = Instant::now();
        assert!(!limiter.admit("k", start).is_exceeded());
        assert!(!limiter.admit("k", start).is_exceeded());
        let third = limiter.admit("k", start + Duration::from_secs(1));
        assert!(third.is_exceeded());
        assert_eq!(third.remaining, 0);
        assert_eq!(limiter.windows["k"].used, 2);
    }

    #[test]
    fn a_new_window_opens_with_the_first_request_after_the_old_one_ends() {
        let mut limiter = limiter(1);
        let start = Instant::now();
        limiter.admit("k", start);
        assert!(
            limiter
                .admit("k", start + Duration::from_secs(59))
                .is_exceeded()
        );
        let later = start + Duration::from_secs(90);
        let quota = limiter.admit("k", later);
        assert!(!quota.is_exceeded());
        assert_eq!(quota.resets_in, Duration::from_secs(60));
    }

    #[test]
    fn reset_and_retry_after_round_up_to_whole_seconds() {
        let mut limiter = limiter(1);
        let start = Instant::now();
        limiter.admit("k", start);
        let quota = limiter.admit("k", start + Duration::from_millis(20_500));
        let mut headers = HeaderMap::new();
        quota.write_headers(&mut headers);
        assert_eq!(headers["ratelimit-limit"], "1");
        assert_eq!(headers["ratelimit-remaining"], "0");
        assert_eq!(headers["ratelimit-reset"], "40");
        assert_eq!(headers["retry-after"], "40");
    }

    #[test]
    fn keys_have_separate_budgets() {
        let mut limiter = limiter(1);
        let now = Instant::now();
        limiter.admit("a", now);
        assert!(!limiter.admit("b", now).is_exceeded());
    }
}
