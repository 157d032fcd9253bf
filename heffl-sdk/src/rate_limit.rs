//! The `RateLimit-*` and `Retry-After` headers Heffl sends, read leniently.
//!
//! Heffl documents the header names but not the unit of `RateLimit-Reset`: it may be
//! seconds until the window resets (the IETF draft, express-rate-limit) or a Unix
//! timestamp. Both are accepted.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};

const LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
const RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

/// A `RateLimit-Reset` larger than this is a Unix timestamp, not a number of seconds:
/// no window is 30 years long, and no timestamp is this small.
const EPOCH_THRESHOLD: u64 = 1_000_000_000;

/// The longest delay a header is believed for. Larger values (a broken server, or a
/// hostile one) are clamped, so that no arithmetic on instants can overflow.
const MAX_DELAY: Duration = Duration::from_secs(24 * 60 * 60);

/// A `RateLimit-Reset` larger than this is a Unix timestamp in milliseconds.
const EPOCH_MILLIS_THRESHOLD: u64 = 1_000_000_000_000;

/// What the server said about the key's request budget on one response.
///
/// Every field is optional: each header may be missing or malformed, and a malformed
/// header is ignored rather than failing the call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `RateLimit-Limit`: requests allowed per window.
    pub limit: Option<u64>,
    /// `RateLimit-Remaining`: requests left in the current window.
    pub remaining: Option<u64>,
    /// `RateLimit-Reset`: time until the window resets, measured when the response arrived.
    pub reset: Option<Duration>,
    /// `Retry-After` (seconds or an HTTP date): how long the server asks us to wait.
    pub retry_after: Option<Duration>,
}

impl RateLimit {
    /// Reads the headers of a response received at `now`; `None` when none is present.
    pub(crate) fn from_headers(headers: &HeaderMap, now: SystemTime) -> Option<RateLimit> {
        let number = |name: &HeaderName| -> Option<u64> { header_str(headers, name)?.parse().ok() };
        let rate_limit = RateLimit {
            limit: number(&LIMIT),
            remaining: number(&REMAINING),
            reset: number(&RESET).map(|reset| reset_delay(reset, now).min(MAX_DELAY)),
            retry_after: header_str(headers, &RETRY_AFTER)
                .and_then(|v| retry_after(v, now))
                .map(|wait| wait.min(MAX_DELAY)),
        };
        (rate_limit != RateLimit::default()).then_some(rate_limit)
    }

    /// How long to wait after a 429: `Retry-After` if sent, else `RateLimit-Reset`
    /// (the one header Heffl documents), whatever `RateLimit-Remaining` says.
    pub fn wait_after_too_many_requests(&self) -> Option<Duration> {
        self.retry_after.or(self.reset)
    }

    /// How long the server wants us to wait before the next request: `Retry-After`
    /// if sent, else the reset time when the budget is spent.
    pub fn wait(&self) -> Option<Duration> {
        self.retry_after
            .or_else(|| self.reset.filter(|_| self.remaining == Some(0)))
    }
}

fn header_str<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Option<&'h str> {
    Some(headers.get(name)?.to_str().ok()?.trim())
}

fn reset_delay(reset: u64, now: SystemTime) -> Duration {
    if reset < EPOCH_THRESHOLD {
        return Duration::from_secs(reset);
    }
    let since_epoch = if reset < EPOCH_MILLIS_THRESHOLD {
        Duration::from_secs(reset)
    } else {
        Duration::from_millis(reset)
    };
    match UNIX_EPOCH.checked_add(since_epoch) {
        Some(reset_at) => reset_at.duration_since(now).unwrap_or(Duration::ZERO),
        None => MAX_DELAY,
    }
}

fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    const NOW: Duration = Duration::from_secs(1_750_000_000);

    #[test]
    fn reset_as_delta_seconds_is_a_delay() {
        let rl = RateLimit::from_headers(&headers(&[("ratelimit-reset", "42")]), UNIX_EPOCH + NOW);
        assert_eq!(rl.unwrap().reset, Some(Duration::from_secs(42)));
    }

    #[test]
    fn reset_as_unix_timestamp_is_measured_from_now() {
        let at = (NOW.as_secs() + 7).to_string();
        let rl = RateLimit::from_headers(&headers(&[("ratelimit-reset", &at)]), UNIX_EPOCH + NOW);
        assert_eq!(rl.unwrap().reset, Some(Duration::from_secs(7)));
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        let now = UNIX_EPOCH + NOW;
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        let by_date = RateLimit::from_headers(&headers(&[("retry-after", &date)]), now);
        assert_eq!(by_date.unwrap().retry_after, Some(Duration::from_secs(30)));
        let by_secs = RateLimit::from_headers(&headers(&[("retry-after", "3")]), now);
        assert_eq!(by_secs.unwrap().retry_after, Some(Duration::from_secs(3)));
    }

    #[test]
    fn malformed_headers_are_ignored() {
        let rl = RateLimit::from_headers(
            &headers(&[("ratelimit-limit", "sixty"), ("ratelimit-remaining", "0")]),
            UNIX_EPOCH + NOW,
        );
        assert_eq!(
            rl.unwrap(),
            RateLimit {
                remaining: Some(0),
                ..RateLimit::default()
            }
        );
        assert_eq!(
            RateLimit::from_headers(&HeaderMap::new(), UNIX_EPOCH + NOW),
            None
        );
    }

    #[test]
    fn reset_as_unix_milliseconds_is_measured_from_now() {
        let at = ((NOW.as_secs() + 4) * 1000).to_string();
        let rl = RateLimit::from_headers(&headers(&[("ratelimit-reset", &at)]), UNIX_EPOCH + NOW);
        assert_eq!(rl.unwrap().reset, Some(Duration::from_secs(4)));
    }

    #[test]
    fn absurd_delays_are_clamped() {
        let rl = RateLimit::from_headers(
            &headers(&[
                ("ratelimit-reset", "18446744073709551615"),
                ("retry-after", "18446744073709551615"),
            ]),
            UNIX_EPOCH + NOW,
        )
        .unwrap();
        assert_eq!(rl.reset, Some(MAX_DELAY));
        assert_eq!(rl.retry_after, Some(MAX_DELAY));
    }

    proptest::proptest! {
        #[test]
        fn any_header_values_parse_without_panicking(
            limit in "[ -~]{0,24}",
            remaining in "[ -~]{0,24}",
            reset in "[ -~]{0,24}",
            retry_after in "[ -~]{0,32}",
        ) {
            let rl = RateLimit::from_headers(
                &headers(&[
                    ("ratelimit-limit", &limit),
                    ("ratelimit-remaining", &remaining),
                    ("ratelimit-reset", &reset),
                    ("retry-after", &retry_after),
                ]),
                UNIX_EPOCH + NOW,
            );
            if let Some(rl) = rl {
                proptest::prop_assert!(rl.reset.unwrap_or_default() <= MAX_DELAY);
                proptest::prop_assert!(rl.retry_after.unwrap_or_default() <= MAX_DELAY);
            }
        }
    }

    #[test]
    fn wait_prefers_retry_after_then_reset_when_spent() {
        let spent = RateLimit {
            remaining: Some(0),
            reset: Some(Duration::from_secs(5)),
            ..Default::default()
        };
        assert_eq!(spent.wait(), Some(Duration::from_secs(5)));
        let left = RateLimit {
            remaining: Some(3),
            ..spent
        };
        assert_eq!(left.wait(), None);
        let told = RateLimit {
            retry_after: Some(Duration::from_secs(9)),
            ..spent
        };
        assert_eq!(told.wait(), Some(Duration::from_secs(9)));
    }
}
