//! When a failed call is sent again, and how long to wait first.

use std::time::Duration;

/// How a [`Client`](crate::Client) retries a call that may succeed when sent again.
///
/// Only failures that leave the contact unchanged or in the requested state are
/// retried: 429, 500, 502, 503, 504, connection failures and timeouts (a PATCH sent
/// twice ends in the same state). 400, 401, 403, 404 and 409 never are, and neither
/// is a success whose body could not be decoded. The body is sent byte for byte the
/// same on every attempt.
///
/// Waits grow exponentially with jitter. A wait the server asks for (`Retry-After`,
/// or `RateLimit-Reset` when the budget is spent) is honoured instead, unless it is
/// longer than [`max_server_wait`](RetryPolicy::max_server_wait): then the call
/// returns at once with an error whose [`retry_after`](crate::Error::retry_after)
/// says how long to wait, rather than blocking a worker for minutes.
///
/// ```
/// use std::time::Duration;
/// use heffl_sdk::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_retries(5)
///     .backoff(Duration::from_millis(200), Duration::from_secs(5))
///     .max_server_wait(Duration::from_secs(120));
/// let never = RetryPolicy::none();
/// # let _ = (patient, never);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_server_wait: Duration,
}

impl Default for RetryPolicy {
    /// Two retries, backoff from 0.5 s doubling up to 8 s, server waits up to 60 s.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_server_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is one attempt.
    pub fn none() -> Self {
        RetryPolicy::default().max_retries(0)
    }

    /// How many times a call is sent again after the first attempt.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The first backoff and the longest; each retry doubles the previous one.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The longest wait the SDK sleeps through when the server or the rate limit
    /// asks for one; a longer one ends the call with an error saying how long.
    pub fn max_server_wait(mut self, wait: Duration) -> Self {
        self.max_server_wait = wait;
        self
    }

    /// The configured longest server-directed wait.
    pub fn server_wait_cap(&self) -> Duration {
        self.max_server_wait
    }

    /// Whether a call that has made `attempts` attempts may make another.
    pub(crate) fn allows_another(&self, attempts: u32) -> bool {
        attempts <= self.max_retries
    }

    /// The wait before retry number `retry` (1 for the first retry): exponential,
    /// capped, and scaled by a random factor in [0.75, 1] so that many clients that
    /// failed together do not retry together.
    pub(crate) fn backoff_before(&self, retry: u32) -> Duration {
        let doubling = 2u32.saturating_pow(retry.saturating_sub(1));
        let full = self
            .initial_backoff
            .saturating_mul(doubling)
            .min(self.max_backoff);
        full.mul_f64(0.75 + 0.25 * fastrand::f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_and_stops_at_the_cap() {
        let policy = RetryPolicy::default();
        for (retry, full_ms) in [
            (1, 500),
            (2, 1000),
            (3, 2000),
            (4, 4000),
            (5, 8000),
            (9, 8000),
        ] {
            let wait = policy.backoff_before(retry).as_millis();
            assert!(
                (full_ms * 3 / 4..=full_ms).contains(&wait),
                "retry {retry}: {wait} ms"
            );
        }
    }

    #[test]
    fn default_allows_two_retries() {
        let policy = RetryPolicy::default();
        assert!(policy.allows_another(1) && policy.allows_another(2));
        assert!(!policy.allows_another(3));
        assert!(!RetryPolicy::none().allows_another(1));
    }
}
