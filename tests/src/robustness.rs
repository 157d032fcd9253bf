//! Whatever the server sends, the SDK answers with a result, never a panic, and
//! keeps the status. Bounded property tests over real HTTP against the mock.

use std::sync::{LazyLock, Mutex};

use heffl_sdk::{
    Client, ContactPatch, ErrorKind, RetryPolicy,
    mock::{Fault, MockServer},
};
use proptest::prelude::*;

/// One runtime, mock and client for all cases: a case is one request. The lock keeps
/// the tests, which run in parallel, from taking each other's injected faults.
struct Harness {
    runtime: tokio::runtime::Runtime,
    mock: MockServer,
    client: Client,
}

static HARNESS: LazyLock<Mutex<Harness>> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mock = runtime.block_on(
        MockServer::builder()
            .rate_limit(1_000_000, std::time::Duration::from_secs(60))
            .start(),
    );
    let client = Client::builder()
        .api_key(MockServer::API_KEY)
        .base_url(mock.base_url())
        .retry_policy(RetryPolicy::none())
        .rate_limit(heffl_sdk::RateLimitBudget {
            limit: 1_000_000,
            window: std::time::Duration::from_secs(60),
        })
        .build()
        .unwrap();
    Mutex::new(Harness {
        runtime,
        mock,
        client,
    })
});

fn answer(
    status: u16,
    content_type: &str,
    body: Vec<u8>,
) -> Result<heffl_sdk::Contact, heffl_sdk::Error> {
    let harness = HARNESS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    harness.runtime.block_on(async {
        harness.mock.clear_faults();
        harness
            .mock
            .inject(Fault::status(status).with_body(content_type, body));
        harness
            .client
            .update_contact("clt_ada", &ContactPatch::new())
            .await
    })
}

/// Bytes that are sometimes JSON-ish, to reach deeper into the decoders.
fn bodies() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..256),
        "\\{\"(id|name|error|code|message|details|issues|cf_x|type)\":(null|1|\"x\"|\\[\\]|\\{\\}|true)\\}"
            .prop_map(String::into_bytes),
        "\\{\"error\":\\{\"code\":\"[A-Z_]{0,12}\",\"message\":\"[ -~]{0,20}\"(,\"details\":(null|1|\\{\"issues\":(null|\\[\\]|\\[\\{\\}\\])\\}))?\\}\\}"
            .prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_error_status_and_body_gives_an_error_with_that_status(
        status in prop_oneof![400u16..=599, 300u16..=399],
        body in bodies(),
    ) {
        let error = answer(status, "application/json", body).unwrap_err();
        prop_assert_eq!(error.kind(), ErrorKind::Api);
        prop_assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        let _ = (error.to_string(), format!("{error:?}"), error.body_excerpt());
    }

    #[test]
    fn any_success_body_that_is_not_a_contact_is_a_decode_error(
        status in 200u16..=203,
        body in bodies(),
    ) {
        let error = answer(status, "application/json", body).unwrap_err();
        prop_assert_eq!(error.kind(), ErrorKind::Decode);
        prop_assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        prop_assert!(!error.is_retryable());
    }
}
