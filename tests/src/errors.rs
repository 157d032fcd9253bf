//! Each documented error as the SDK reports it (its `Display` line, then its
//! `Debug`), plus the responses a gateway sends instead of the envelope.

use std::time::Duration;

use heffl_sdk::{
    Client, ContactPatch, Error, ErrorKind, RetryPolicy,
    mock::{Fault, MockServer},
};

use crate::support::client_for;

/// Each test shows how one response is reported, so none is retried.
async fn mock_and_client() -> (MockServer, Client) {
    let mock = MockServer::start().await;
    let client = one_shot(&mock, MockServer::API_KEY);
    (mock, client)
}

fn one_shot(mock: &MockServer, api_key: &str) -> Client {
    client_for(mock, api_key).with_retry_policy(RetryPolicy::none())
}

fn report(error: &Error) -> String {
    format!("{error}\n\n{error:#?}")
}

/// Snapshots `error`, with the seconds left in the rate-limit window (which vary
/// from run to run) replaced by a marker.
macro_rules! assert_error_snapshot {
    ($name:expr, $error:expr) => {
        insta::with_settings!({ filters => vec![(r"reset: Some\(\s*\d+(\.\d+)?m?s,?\s*\)", "reset: Some([seconds])")] }, {
            insta::assert_snapshot!($name, report(&$error));
        })
    };
}

async fn update(client: &Client, id: &str, patch: ContactPatch) -> Error {
    client
        .update_contact(id, &patch)
        .await
        .expect_err("the call fails")
}

#[tokio::test]
async fn validation_error() {
    let (_mock, client) = mock_and_client().await;
    let error = update(
        &client,
        "clt_ada",
        ContactPatch::new().email("not-an-email"),
    )
    .await;
    assert_eq!(error.kind(), ErrorKind::Api);
    assert_error_snapshot!("validation_error_400", error);
}

#[tokio::test]
async fn bad_request() {
    let (mock, client) = mock_and_client().await;
    mock.inject(Fault::error(400, "BAD_REQUEST", "Malformed JSON body"));
    let error = update(&client, "clt_ada", ContactPatch::new()).await;
    assert_error_snapshot!("bad_request_400", error);
}

#[tokio::test]
async fn unauthorized() {
    let mock = MockServer::start().await;
    let error = update(
        &one_shot(&mock, "heffl_user_wrong"),
        "clt_ada",
        ContactPatch::new(),
    )
    .await;
    assert_error_snapshot!("unauthorized_401", error);
}

#[tokio::test]
async fn forbidden() {
    let mock = MockServer::start().await;
    let client = one_shot(&mock, MockServer::READ_ONLY_API_KEY);
    let error = update(&client, "clt_ada", ContactPatch::new()).await;
    assert_error_snapshot!("forbidden_403", error);
}

#[tokio::test]
async fn not_found() {
    let (_mock, client) = mock_and_client().await;
    let error = update(&client, "clt_nobody", ContactPatch::new()).await;
    assert_error_snapshot!("not_found_404", error);
}

#[tokio::test]
async fn conflict() {
    let (_mock, client) = mock_and_client().await;
    let patch = ContactPatch::new()
        .custom_field("cf_customer_code", "ADA-001")
        .unwrap();
    let error = update(&client, "clt_grace", patch).await;
    assert_error_snapshot!("conflict_409", error);
}

#[tokio::test]
async fn too_many_requests() {
    let mock = MockServer::builder()
        .rate_limit(1, Duration::from_secs(60))
        .start()
        .await;
    // Another process spends the key's budget; this client has not seen it yet.
    let other = one_shot(&mock, MockServer::API_KEY);
    other
        .update_contact("clt_ada", &ContactPatch::new())
        .await
        .unwrap();
    let client = one_shot(&mock, MockServer::API_KEY);
    let error = update(&client, "clt_ada", ContactPatch::new()).await;
    assert_error_snapshot!("too_many_requests_429", error);
}

#[tokio::test]
async fn internal_server_error() {
    let (mock, client) = mock_and_client().await;
    mock.inject(Fault::error(
        500,
        "INTERNAL_SERVER_ERROR",
        "Something went wrong.",
    ));
    let error = update(&client, "clt_ada", ContactPatch::new()).await;
    assert!(error.is_retryable());
    assert_error_snapshot!("internal_server_error_500", error);
}

#[tokio::test]
async fn unknown_error_code_is_kept() {
    let (mock, client) = mock_and_client().await;
    mock.inject(Fault::error(
        422,
        "UNPROCESSABLE_ENTITY",
        "Cannot process this contact.",
    ));
    let error = update(&client, "clt_ada", ContactPatch::new()).await;
    assert_error_snapshot!("unknown_code_422", error);
}

#[tokio::test]
async fn html_from_a_gateway_keeps_the_status() {
    let (mock, client) = mock_and_client().await;
    mock.inject(Fault::status(502).with_body(
        "text/html",
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    ));
    let error = update(&client, "clt_ada", ContactPatch::new()).await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502));
    assert!(error.is_retryable());
    assert_error_snapshot!("html_502", error);
}

#[tokio::test]
async fn empty_body_on_a_documented_status_keeps_the_status() {
    let (mock, client) = mock_and_client().await;
    mock.inject(Fault::status(401));
    let error = update(&client, "clt_ada", ContactPatch::new()).await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error.code(), None);
    assert!(!error.is_retryable());
    assert_error_snapshot!("empty_401", error);
}

#[tokio::test]
async fn success_with_an_undecodable_body_says_the_update_was_applied() {
    let (mock, client) = mock_and_client().await;
    mock.inject(Fault::status(200).with_body("application/json", r#"{"id":"clt_ada","name":42}"#));
    let error = update(&client, "clt_ada", ContactPatch::new()).await;
    assert!(error.is_decode());
    assert!(
        !error.is_retryable(),
        "retrying would apply the update twice"
    );
    assert_eq!(error.body(), Some(&br#"{"id":"clt_ada","name":42}"#[..]));
    assert_error_snapshot!("undecodable_200", error);
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder()
        .api_key("heffl_user_x")
        .base_url(format!("http://127.0.0.1:{port}/api/v2"))
        .build()
        .unwrap();
    let error = update(&client, "clt_ada", ContactPatch::new()).await;
    assert_eq!(error.kind(), ErrorKind::Connect);
    assert_eq!(error.status(), None);
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_stalled_server_is_a_timeout() {
    let mock = MockServer::start().await;
    mock.inject(Fault::stall());
    let client = Client::builder()
        .api_key(MockServer::API_KEY)
        .base_url(mock.base_url())
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = update(&client, "clt_ada", ContactPatch::new()).await;
    assert!(error.is_timeout(), "{error:?}");
}

#[tokio::test]
async fn invalid_input_says_what_and_where() {
    let error = ContactPatch::new()
        .custom_field("industry", "SaaS")
        .unwrap_err();
    assert_error_snapshot!("invalid_custom_field_key", error);
    let error = Client::builder().api_key("").build().unwrap_err();
    assert_error_snapshot!("empty_api_key", error);
}
