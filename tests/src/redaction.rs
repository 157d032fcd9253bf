//! The API key never shows: not in `Debug` of the client or its builder, not in any
//! error, not even when a server echoes it back in a body.

use heffl_sdk::{
    Client, ContactPatch, RetryPolicy,
    mock::{Fault, MockServer},
};

const SECRET: &str = "heffl_user_SECRET123";

fn assert_hidden(text: &str) {
    assert!(!text.contains(SECRET), "the key leaked into: {text}");
    assert!(
        !text.contains("SECRET123"),
        "part of the key leaked into: {text}"
    );
}

/// A client for `mock` that sends `SECRET` and shows each response unretried.
fn secret_client(mock: &MockServer) -> Client {
    Client::builder()
        .api_key(SECRET)
        .base_url(mock.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

#[test]
fn debug_of_client_and_builder_hides_the_key() {
    let builder = Client::builder().api_key(SECRET);
    assert_hidden(&format!("{builder:?} {builder:#?}"));
    let client = builder.build().unwrap();
    assert_hidden(&format!("{client:?} {client:#?}"));
}

#[test]
fn a_key_that_is_not_a_header_value_is_refused_without_quoting_it() {
    let key = format!("{SECRET}\n");
    let error = Client::builder().api_key(key).build().unwrap_err();
    assert!(error.is_invalid_input());
    assert_hidden(&format!("{error} {error:?}"));
}

#[tokio::test]
async fn errors_hide_the_key_even_when_the_server_echoes_it() {
    let mock = MockServer::start().await;
    let client = secret_client(&mock);

    let unauthorized = client
        .update_contact("clt_ada", &ContactPatch::new())
        .await
        .unwrap_err();
    assert_hidden(&format!("{unauthorized} {unauthorized:?}"));

    mock.inject(Fault::status(502).with_body("text/html", format!("<p>bad key {SECRET}</p>")));
    let echoed = client
        .update_contact("clt_ada", &ContactPatch::new())
        .await
        .unwrap_err();
    assert_eq!(echoed.status().map(|s| s.as_u16()), Some(502));
    assert_hidden(&format!("{echoed} {echoed:?} {:?}", echoed.body_excerpt()));
    assert_hidden(&String::from_utf8_lossy(echoed.body().unwrap()));
}

#[tokio::test]
async fn an_error_message_quoting_the_key_is_masked() {
    let mock = MockServer::start().await;
    let client = secret_client(&mock);
    mock.inject(Fault::error(
        401,
        "UNAUTHORIZED",
        &format!("Invalid API key {SECRET}"),
    ));
    let error = client
        .update_contact("clt_ada", &ContactPatch::new())
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("Invalid API key [redacted]"),
        "{error}"
    );
    assert_hidden(&format!("{error} {error:?}"));
}

#[test]
fn a_base_url_error_does_not_quote_the_url() {
    // HEFFL_API_KEY and HEFFL_BASE_URL swapped, or a key in a query string.
    for url in [
        SECRET.to_owned(),
        format!("https://api.heffl.com/api/v2?key={SECRET}"),
    ] {
        let error = Client::builder()
            .api_key("heffl_user_x")
            .base_url(url)
            .build()
            .unwrap_err();
        assert!(error.is_invalid_input());
        assert_hidden(&format!("{error} {error:?}"));
    }
}

#[tokio::test]
async fn a_decode_error_quoting_an_echoed_key_is_masked() {
    // serde_json's message quotes the string it failed on; here that is the key.
    let mock = MockServer::start().await;
    let client = secret_client(&mock);
    let body = format!(
        r#"{{"id":"clt_ada","name":"Ada","number":"C-1","firstName":"Ada","openingBalance":"{SECRET}","showJobAmountToWorker":false,"isClientPortalEnabled":false}}"#
    );
    mock.inject(Fault::status(200).with_body("application/json", body));
    let error = client
        .update_contact("clt_ada", &ContactPatch::new())
        .await
        .unwrap_err();
    assert!(error.is_decode(), "{error:?}");
    let source = std::error::Error::source(&error).map(ToString::to_string);
    assert!(
        source.as_deref().is_some_and(|s| s.contains("[redacted]")),
        "{source:?}"
    );
    assert_hidden(&format!("{error} {error:?} {source:?}"));
    assert_hidden(&String::from_utf8_lossy(error.body().unwrap()));
}

#[tokio::test]
async fn a_key_echoed_anywhere_in_the_envelope_is_masked() {
    let mock = MockServer::start().await;
    let client = secret_client(&mock);
    let body = format!(
        r#"{{"error":{{"code":"BAD_KEY_{SECRET}","message":"no","details":{{"issues":[{{"field":"{SECRET}","message":"{SECRET}"}}],"{SECRET}":1}}}}}}"#
    );
    mock.inject(Fault::status(401).with_body("application/json", body));
    let error = client
        .update_contact("clt_ada", &ContactPatch::new())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert!(
        format!("{error:?}").contains("BAD_KEY_[redacted]"),
        "{error:?}"
    );
    assert_hidden(&format!("{error} {error:?}"));
}

#[tokio::test]
async fn a_documented_code_survives_a_key_that_is_part_of_it() {
    let mock = MockServer::start().await;
    let client = Client::builder()
        .api_key("O")
        .base_url(mock.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    mock.inject(Fault::error(404, "NOT_FOUND", "Contact not found"));
    let error = client
        .update_contact("clt_ada", &ContactPatch::new())
        .await
        .unwrap_err();
    assert_eq!(
        error.code(),
        Some(&heffl_sdk::ErrorCode::NotFound),
        "{error:?}"
    );
}
