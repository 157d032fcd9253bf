//! Retries, pacing, timeouts and honest outcomes, each over real HTTP against the
//! mock with injected faults.

use std::time::{Duration, Instant};

use heffl_sdk::{
    Client, ContactPatch, ErrorKind, RateLimitBudget, RetryPolicy,
    mock::{Fault, MockServer, ResetFormat},
};

use crate::support::client_for;

/// A client that retries quickly, so tests of the retry rules stay fast.
fn fast_retrying_client(mock: &MockServer) -> Client {
    client_for(mock, MockServer::API_KEY).with_retry_policy(
        RetryPolicy::default().backoff(Duration::from_millis(10), Duration::from_millis(40)),
    )
}

fn statuses(mock: &MockServer) -> Vec<Option<u16>> {
    mock.requests().iter().map(|r| r.status).collect()
}

fn gaps(mock: &MockServer) -> Vec<Duration> {
    let times: Vec<Instant> = mock.requests().iter().map(|r| r.received_at).collect();
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

/// Answers one update's first attempt with `fault`, lets the retry succeed, and
/// returns the time between the two attempts.
async fn retry_gap_after(fault: Fault) -> Duration {
    let mock = MockServer::start().await;
    mock.inject(fault);
    update(&fast_retrying_client(&mock)).await.unwrap();
    gaps(&mock)[0]
}

/// Sends `count` updates one after another; none may draw a 429.
async fn updates_without_a_429(mock: &MockServer, client: &Client, count: usize) {
    for _ in 0..count {
        update(client).await.unwrap();
    }
    let statuses = statuses(mock);
    assert!(!statuses.contains(&Some(429)), "{statuses:?}");
}

/// A client configured with the mock's limit of `limit` a second.
fn client_told_per_second(mock: &MockServer, limit: u32) -> Client {
    Client::builder()
        .api_key(MockServer::API_KEY)
        .base_url(mock.base_url())
        .rate_limit(RateLimitBudget {
            limit,
            window: Duration::from_secs(1),
        })
        .build()
        .unwrap()
}

async fn update(client: &Client) -> Result<heffl_sdk::Contact, heffl_sdk::Error> {
    client
        .update_contact("clt_ada", &ContactPatch::new().job_title("Analyst"))
        .await
}

#[tokio::test]
async fn server_errors_are_retried_with_the_same_body() {
    let mock = MockServer::start().await;
    mock.inject(Fault::error(
        500,
        "INTERNAL_SERVER_ERROR",
        "Something went wrong.",
    ));
    mock.inject(Fault::status(503));
    update(&fast_retrying_client(&mock))
        .await
        .expect("the third attempt succeeds");
    assert_eq!(statuses(&mock), [Some(500), Some(503), Some(200)]);
    let bodies: Vec<Vec<u8>> = mock.requests().into_iter().map(|r| r.body).collect();
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "every attempt sends the same bytes"
    );
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    for (status, code) in [
        (400, "BAD_REQUEST"),
        (401, "UNAUTHORIZED"),
        (403, "FORBIDDEN"),
        (404, "NOT_FOUND"),
        (409, "CONFLICT"),
    ] {
        let mock = MockServer::start().await;
        mock.inject_always(Fault::error(status, code, "no"));
        let error = update(&fast_retrying_client(&mock)).await.unwrap_err();
        assert_eq!(mock.requests().len(), 1, "{status} was retried");
        assert_eq!(error.attempts(), 1);
    }
}

#[tokio::test]
async fn the_last_error_says_how_many_attempts_were_made() {
    let mock = MockServer::start().await;
    mock.inject_always(Fault::status(502).with_body("text/html", "<h1>Bad Gateway</h1>"));
    let error = update(&fast_retrying_client(&mock)).await.unwrap_err();
    assert_eq!(
        mock.requests().len(),
        3,
        "one attempt and the default two retries"
    );
    assert_eq!(error.attempts(), 3);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert!(error.to_string().contains("after 3 attempts"), "{error}");
}

#[tokio::test]
async fn retries_are_configurable_on_the_client_and_per_call() {
    let mock = MockServer::start().await;
    mock.inject_always(Fault::status(503));
    let client = Client::builder()
        .api_key(MockServer::API_KEY)
        .base_url(mock.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    update(&client).await.unwrap_err();
    assert_eq!(mock.requests().len(), 1);

    let patient = client.with_retry_policy(
        RetryPolicy::default()
            .max_retries(4)
            .backoff(Duration::from_millis(1), Duration::from_millis(1)),
    );
    update(&patient).await.unwrap_err();
    assert_eq!(mock.requests().len(), 1 + 5);
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let gap = retry_gap_after(Fault::status(503).with_header("Retry-After", "1")).await;
    assert!(gap >= Duration::from_millis(990), "{gap:?}");
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let at = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
    let gap = retry_gap_after(Fault::status(503).with_header("Retry-After", &at)).await;
    // HTTP dates have whole seconds, so the wait is between one and two seconds.
    assert!(gap >= Duration::from_millis(900), "{gap:?}");
}

#[tokio::test]
async fn a_server_wait_longer_than_the_cap_returns_at_once_saying_how_long() {
    let mock = MockServer::start().await;
    mock.inject_always(
        Fault::error(429, "TOO_MANY_REQUESTS", "Slow down").with_header("Retry-After", "3600"),
    );
    let started = Instant::now();
    let error = update(&fast_retrying_client(&mock)).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(mock.requests().len(), 1);
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert!(error.to_string().contains("retry after 3600s"), "{error}");
}

#[tokio::test]
async fn a_429_storm_sees_bounded_attempts_none_inside_the_announced_window() {
    let mock = MockServer::start().await;
    mock.inject_always(
        Fault::error(429, "TOO_MANY_REQUESTS", "Too many requests")
            .with_header("RateLimit-Limit", "60")
            .with_header("RateLimit-Remaining", "0")
            .with_header("RateLimit-Reset", "1"),
    );
    let error = update(&fast_retrying_client(&mock)).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(mock.requests().len(), 3, "bounded by the retry policy");
    for gap in gaps(&mock) {
        assert!(
            gap >= Duration::from_millis(990),
            "an attempt came inside the window: {gap:?}"
        );
    }
}

#[tokio::test]
async fn pacing_from_headers_avoids_429s() {
    let mock = MockServer::builder()
        .rate_limit(5, Duration::from_secs(1))
        .start()
        .await;
    let client = client_for(&mock, MockServer::API_KEY);
    let started = Instant::now();
    updates_without_a_429(&mock, &client, 12).await;
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "12 requests at 5/s need two resets"
    );
}

#[tokio::test]
async fn pacing_handles_a_reset_given_as_a_unix_timestamp() {
    let mock = MockServer::builder()
        .rate_limit(5, Duration::from_secs(1))
        .reset_format(ResetFormat::UnixTimestamp)
        .start()
        .await;
    let client = client_for(&mock, MockServer::API_KEY);
    updates_without_a_429(&mock, &client, 12).await;
}

#[tokio::test]
async fn one_odd_reset_header_does_not_stall_the_client() {
    // A gateway's 503 claims a day-long window; the server's own windows last 1 s.
    let mock = MockServer::builder()
        .rate_limit(3, Duration::from_secs(1))
        .start()
        .await;
    mock.inject(
        Fault::status(503)
            .with_header("RateLimit-Limit", "3")
            .with_header("RateLimit-Reset", "86400"),
    );
    let client = fast_retrying_client(&mock);
    update(&client).await.unwrap();
    let started = Instant::now();
    updates_without_a_429(&mock, &client, 7).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "paced as if the window were longer than 1 s: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_odd_reset_on_what_looks_like_a_windows_first_answer_is_capped() {
    // Mid-window, an answer claims to open a day-long window; the client was told
    // the limit is 3 a second, and that is as long as a window may get.
    let mock = MockServer::builder()
        .rate_limit(3, Duration::from_secs(1))
        .start()
        .await;
    let client = client_told_per_second(&mock, 3);
    let contact = update(&client).await.unwrap();
    mock.inject(
        Fault::status(200)
            .with_body("application/json", serde_json::to_vec(&contact).unwrap())
            .with_header("RateLimit-Limit", "3")
            .with_header("RateLimit-Remaining", "2")
            .with_header("RateLimit-Reset", "86400"),
    );
    updates_without_a_429(&mock, &client, 7).await;
}

#[tokio::test]
async fn without_headers_the_configured_local_limit_applies() {
    let mock = MockServer::builder()
        .rate_limit(5, Duration::from_secs(1))
        .rate_limit_headers(false)
        .start()
        .await;
    let client = client_told_per_second(&mock, 5);
    updates_without_a_429(&mock, &client, 12).await;
}

#[tokio::test]
async fn clones_share_one_budget() {
    let mock = MockServer::builder()
        .rate_limit(5, Duration::from_secs(1))
        .start()
        .await;
    let client = client_for(&mock, MockServer::API_KEY);
    let (a, b) = (
        client.clone(),
        client.with_retry_policy(RetryPolicy::none()),
    );
    let run = |client: Client| async move {
        for _ in 0..6 {
            update(&client).await.unwrap();
        }
    };
    tokio::join!(run(a), run(b));
    assert!(
        !statuses(&mock).contains(&Some(429)),
        "{:?}",
        statuses(&mock)
    );
}

#[tokio::test]
async fn a_stalled_server_ends_in_a_timeout_within_the_call_deadline() {
    let mock = MockServer::start().await;
    mock.inject_always(Fault::stall());
    let client = fast_retrying_client(&mock).with_call_timeout(Duration::from_millis(600));
    let started = Instant::now();
    let error = update(&client).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_stalled_attempt_times_out_and_the_retry_succeeds() {
    let mock = MockServer::start().await;
    mock.inject(Fault::stall());
    let client = Client::builder()
        .api_key(MockServer::API_KEY)
        .base_url(mock.base_url())
        .timeout(Duration::from_millis(300))
        .retry_policy(
            RetryPolicy::default().backoff(Duration::from_millis(10), Duration::from_millis(10)),
        )
        .build()
        .unwrap();
    update(&client).await.unwrap();
    assert_eq!(statuses(&mock), [None, Some(200)]);
}

#[tokio::test]
async fn a_dropped_connection_is_a_retryable_transport_error() {
    let mock = MockServer::start().await;
    mock.inject_always(Fault::drop_connection());
    let error = update(&fast_retrying_client(&mock)).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error:?}");
    assert_eq!(error.status(), None);
    assert_eq!(error.attempts(), 3);
}

#[tokio::test]
async fn an_undecodable_success_is_not_retried() {
    let mock = MockServer::start().await;
    mock.inject(Fault::status(200).with_body("application/json", "{\"id\":"));
    let error = update(&fast_retrying_client(&mock)).await.unwrap_err();
    assert!(error.is_decode());
    assert_eq!(
        mock.requests().len(),
        1,
        "the update was applied; sending it again is wrong"
    );
    assert!(error.to_string().contains("applied the update"), "{error}");
}

#[tokio::test]
async fn an_empty_401_from_a_gateway_keeps_its_status_and_is_not_retried() {
    let mock = MockServer::start().await;
    mock.inject(Fault::status(401));
    let error = update(&fast_retrying_client(&mock)).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn a_redirect_is_reported_not_followed() {
    let mock = MockServer::start().await;
    mock.inject(
        Fault::status(307).with_header("Location", "http://127.0.0.1:9/api/v2/contacts/clt_ada"),
    );
    let error = update(&fast_retrying_client(&mock)).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(
        mock.requests().len(),
        1,
        "the key must not follow a redirect"
    );
}

#[tokio::test]
async fn a_429_with_only_ratelimit_reset_waits_for_the_reset() {
    let fault = Fault::error(429, "TOO_MANY_REQUESTS", "Too many requests")
        .with_header("RateLimit-Reset", "1");
    let gap = retry_gap_after(fault).await;
    assert!(gap >= Duration::from_millis(990), "{gap:?}");
}

#[tokio::test]
async fn a_wait_longer_than_the_call_has_left_returns_the_servers_error() {
    let mock = MockServer::start().await;
    mock.inject(Fault::status(503).with_header("Retry-After", "5"));
    let client = fast_retrying_client(&mock).with_call_timeout(Duration::from_secs(2));
    let started = Instant::now();
    let error = update(&client).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error:?}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(5)));
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}
