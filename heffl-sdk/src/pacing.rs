//! Client-side pacing: stay inside the rate limit instead of drawing 429s.
//!
//! Heffl counts requests per key in fixed windows (60 a minute). Its windows start
//! when a request arrives, so the client cannot know where they begin; it can make
//! sure that no stretch of one window's length ever holds more than the limit of its
//! own requests, which keeps every server window within the limit too. The limit and
//! the window length are learned from the `RateLimit-*` headers; until a response
//! carries them, the configured local limit applies. The window's length is what
//! `RateLimit-Reset` says on the first response of a window; any other response may
//! only stretch it. No header makes it longer than the configured window, so that
//! one odd header (a gateway's, or a timestamp read with a skewed clock) cannot slow
//! the client down for good; a server whose windows are longer draws one 429 per
//! window, which then blocks until its reset. `RateLimit-Remaining: 0` that our own
//! requests do not explain (another process using the same key), or a 429, blocks
//! sending until the reset.

use std::{
    collections::VecDeque,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::RateLimit;

/// Extra room per window for the spread in network latency: requests sent one
/// window apart may arrive a little less than one window apart.
const LATENCY_MARGIN: Duration = Duration::from_millis(50);

/// The longest window a configured budget may have.
const MAX_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// A request budget: `limit` requests per `window`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimitBudget {
    /// Requests allowed per window.
    pub limit: u32,
    /// The window's length.
    pub window: Duration,
}

impl Default for RateLimitBudget {
    /// Heffl's documented limit: 60 requests a minute per key.
    fn default() -> Self {
        RateLimitBudget {
            limit: 60,
            window: Duration::from_secs(60),
        }
    }
}

/// The budget of one API key, shared by every clone of a client.
#[derive(Debug)]
pub(crate) struct Pacer {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    budget: RateLimitBudget,
    /// The window the client was configured with: the longest that headers can
    /// make the learned one.
    configured_window: Duration,
    learned_from_headers: bool,
    /// The server has said `Remaining == Limit`: it reports what was left before the
    /// request it answers, so only that value opens a window, not `Limit - 1`.
    reports_before_counting: bool,
    /// When our most recent requests were sent, oldest first; at most `limit`.
    sent: VecDeque<Instant>,
    /// The server said the budget is spent until then.
    blocked_until: Option<Instant>,
}

impl Pacer {
    pub(crate) fn new(mut budget: RateLimitBudget) -> Self {
        // Keeps every `Instant + window` far from overflow, and a zero limit from
        // blocking forever.
        budget.limit = budget.limit.max(1);
        budget.window = budget.window.min(MAX_WINDOW);
        Pacer {
            state: Mutex::new(State {
                configured_window: budget.window,
                budget,
                learned_from_headers: false,
                reports_before_counting: false,
                sent: VecDeque::new(),
                blocked_until: None,
            }),
        }
    }

    /// Takes one request from the budget, waiting as long as needed. Returns the
    /// wait instead when it would be longer than `max_wait`.
    pub(crate) async fn acquire(&self, max_wait: Duration) -> Result<Duration, Duration> {
        let mut waited = Duration::ZERO;
        loop {
            let wait = match self.state().try_take(Instant::now()) {
                None => return Ok(waited),
                Some(wait) => wait,
            };
            if wait > max_wait {
                return Err(wait);
            }
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "waiting for the rate limit"
            );
            tokio::time::sleep(wait).await;
            waited += wait;
        }
    }

    /// Learns from the rate-limit headers of a response; `too_many` for a 429.
    pub(crate) fn observe(&self, rate_limit: Option<&RateLimit>, too_many: bool) {
        let now = Instant::now();
        let mut state = self.state();
        if let Some(rate_limit) = rate_limit {
            state.learn(rate_limit, now);
        }
        let spent = rate_limit.is_some_and(|rl| rl.remaining == Some(0));
        if too_many || (spent && !state.explains_spent_budget(now)) {
            let wait = rate_limit
                .and_then(RateLimit::wait_after_too_many_requests)
                .unwrap_or(state.budget.window);
            // Header delays are clamped when parsed; a day from now cannot overflow.
            let until = now + wait;
            state.blocked_until = Some(state.blocked_until.map_or(until, |b| b.max(until)));
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked: every update is a
        // single assignment or push.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl State {
    fn span(&self) -> Duration {
        self.budget.window + LATENCY_MARGIN
    }

    /// Records a send at `now` if the budget allows it, or says how long to wait.
    fn try_take(&mut self, now: Instant) -> Option<Duration> {
        if let Some(until) = self.blocked_until {
            if now < until {
                return Some(until - now);
            }
            self.blocked_until = None;
        }
        let span = self.span();
        while self
            .sent
            .front()
            .is_some_and(|&at| now.duration_since(at) >= span)
        {
            self.sent.pop_front();
        }
        if self.sent.len() < self.budget.limit.max(1) as usize {
            self.sent.push_back(now);
            return None;
        }
        let oldest = *self.sent.front()?;
        Some((oldest + span).saturating_duration_since(now))
    }

    fn learn(&mut self, rate_limit: &RateLimit, now: Instant) {
        let Some(limit) = rate_limit.limit.and_then(|l| u32::try_from(l).ok()) else {
            return;
        };
        let reset = rate_limit
            .reset
            .unwrap_or_default()
            .min(self.configured_window);
        // Right after a window opens, its reset is its length. Later in the window the
        // reset is shorter than that, and says only "at least this long". Until the
        // first headers, the configured budget was a guess, and the server's word
        // replaces it.
        let opens_window = self.opens_window(rate_limit, limit);
        let window = if opens_window || !self.learned_from_headers {
            reset
        } else {
            self.budget.window.max(reset)
        };
        self.learned_from_headers = true;
        self.budget.limit = limit;
        self.budget.window = window.max(Duration::from_secs(1));
        let span = self.span();
        while self.sent.len() > limit as usize
            || self
                .sent
                .front()
                .is_some_and(|&at| now.duration_since(at) >= span)
        {
            self.sent.pop_front();
        }
    }

    /// True when `rate_limit` answers the first request of a window. Learns, on the
    /// way, whether the server counts that request in `Remaining`.
    fn opens_window(&mut self, rate_limit: &RateLimit, limit: u32) -> bool {
        let Some(remaining) = rate_limit.remaining else {
            return false;
        };
        let limit = u64::from(limit);
        self.reports_before_counting |= remaining >= limit;
        let remaining_at_opening = if self.reports_before_counting {
            limit
        } else {
            limit.saturating_sub(1)
        };
        remaining >= remaining_at_opening
    }

    /// True when our own recent requests account for a spent budget.
    fn explains_spent_budget(&self, now: Instant) -> bool {
        let span = self.span();
        let recent = self
            .sent
            .iter()
            .filter(|&&at| now.duration_since(at) < span)
            .count();
        recent >= self.budget.limit as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(limit: u32, window_ms: u64) -> State {
        State {
            budget: RateLimitBudget {
                limit,
                window: Duration::from_millis(window_ms),
            },
            configured_window: Duration::from_millis(window_ms),
            learned_from_headers: false,
            reports_before_counting: false,
            sent: VecDeque::new(),
            blocked_until: None,
        }
    }

    #[test]
    fn the_limit_is_sent_at_once_then_the_next_waits_for_the_oldest_to_age_out() {
        let mut state = budget(3, 1000);
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(state.try_take(start), None);
        }
        let wait = state.try_take(start + Duration::from_millis(400)).unwrap();
        assert_eq!(
            wait,
            Duration::from_millis(650),
            "1000 ms window + 50 ms margin - 400 ms"
        );
        assert_eq!(state.try_take(start + Duration::from_millis(1050)), None);
    }

    #[test]
    fn headers_replace_the_configured_budget() {
        let mut state = budget(60, 60_000);
        let now = Instant::now();
        let rl = RateLimit {
            limit: Some(5),
            remaining: Some(4),
            reset: Some(Duration::from_secs(1)),
            ..Default::default()
        };
        state.learn(&rl, now);
        assert_eq!(
            state.budget,
            RateLimitBudget {
                limit: 5,
                window: Duration::from_secs(1)
            }
        );
    }

    fn headers(limit: u64, remaining: Option<u64>, reset_secs: u64) -> RateLimit {
        RateLimit {
            limit: Some(limit),
            remaining,
            reset: Some(Duration::from_secs(reset_secs)),
            ..Default::default()
        }
    }

    #[test]
    fn later_in_a_window_the_longest_reset_seen_is_the_window() {
        let mut state = budget(60, 60_000);
        let now = Instant::now();
        for reset in [20, 60, 3] {
            state.learn(&headers(60, Some(30), reset), now);
        }
        assert_eq!(state.budget.window, Duration::from_secs(60));
    }

    #[test]
    fn an_odd_reset_later_in_a_window_stretches_it_no_further_than_configured() {
        let mut state = budget(60, 60_000);
        let now = Instant::now();
        state.learn(&headers(60, Some(59), 30), now);
        assert_eq!(state.budget.window, Duration::from_secs(30));
        for remaining in [None, Some(10)] {
            state.learn(&headers(60, remaining, 86_400), now);
            assert_eq!(state.budget.window, Duration::from_secs(60));
        }
    }

    #[test]
    fn even_the_first_response_of_a_window_stretches_it_no_further_than_configured() {
        for limit in [60, 1] {
            let mut state = budget(limit as u32, 60_000);
            let now = Instant::now();
            state.learn(&headers(limit, Some(limit - 1), 86_400), now);
            assert_eq!(
                state.budget.window,
                Duration::from_secs(60),
                "limit {limit}"
            );
        }
    }

    #[test]
    fn a_server_reporting_before_counting_opens_a_window_only_with_remaining_at_the_limit() {
        let mut state = budget(60, 60_000);
        let now = Instant::now();
        state.learn(&headers(60, Some(60), 60), now);
        state.learn(&headers(60, Some(59), 20), now);
        assert_eq!(state.budget.window, Duration::from_secs(60));
        state.learn(&headers(60, Some(60), 30), now);
        assert_eq!(state.budget.window, Duration::from_secs(30));
    }

    #[test]
    fn the_first_response_of_a_window_gives_its_length_even_after_an_odd_one() {
        let mut state = budget(60, 60_000);
        let now = Instant::now();
        state.learn(&headers(60, Some(10), 86_400), now);
        state.learn(&headers(60, Some(59), 5), now);
        assert_eq!(state.budget.window, Duration::from_secs(5));
    }

    #[test]
    fn a_spent_budget_we_did_not_spend_blocks_until_the_reset() {
        let pacer = Pacer::new(RateLimitBudget::default());
        let rl = RateLimit {
            limit: Some(60),
            remaining: Some(0),
            reset: Some(Duration::from_secs(7)),
            ..Default::default()
        };
        pacer.observe(Some(&rl), false);
        let wait = pacer.state().try_take(Instant::now()).expect("blocked");
        assert!(
            wait > Duration::from_secs(6) && wait <= Duration::from_secs(7),
            "{wait:?}"
        );
    }

    #[test]
    fn a_429_blocks_for_retry_after() {
        let pacer = Pacer::new(RateLimitBudget::default());
        let rl = RateLimit {
            retry_after: Some(Duration::from_secs(3)),
            ..Default::default()
        };
        pacer.observe(Some(&rl), true);
        let wait = pacer.state().try_take(Instant::now()).expect("blocked");
        assert!(
            wait > Duration::from_secs(2) && wait <= Duration::from_secs(3),
            "{wait:?}"
        );
    }
}
