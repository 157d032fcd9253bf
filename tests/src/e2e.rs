//! End-to-end behaviour over loopback: the SDK's public API against the contract
//! mock, one rule of the API per test.

use std::time::Duration;

use heffl_sdk::{
    BillingAddress, ContactKind, ContactPatch, ErrorCode, ErrorKind, RetryPolicy, mock::MockServer,
};
use serde_json::json;

use crate::support::{client_for, mock_and_client};

#[tokio::test]
async fn absent_fields_keep_their_values() {
    let (mock, client) = mock_and_client().await;
    let before = mock.contact("clt_ada").unwrap();
    let contact = client
        .update_contact("clt_ada", &ContactPatch::new().first_name("Augusta"))
        .await
        .unwrap();
    assert_eq!(contact.first_name, "Augusta");
    assert_eq!(contact.name, "Augusta Lovelace");
    assert_eq!(contact.email.as_deref(), before["email"].as_str());
    assert_eq!(contact.company_id.as_deref(), Some("clt_co_acme"));
    assert_eq!(
        contact.custom_field("cf_industry"),
        Some(&json!("Mathematics"))
    );
    assert_eq!(contact.type_, Some(ContactKind::Contact));
}

#[tokio::test]
async fn clearing_email_removes_it() {
    let (_mock, client) = mock_and_client().await;
    let contact = client
        .update_contact("clt_ada", &ContactPatch::new().clear_email())
        .await
        .unwrap();
    assert_eq!(contact.email, None);
}

#[tokio::test]
async fn linking_a_company_sets_company_name_and_parent() {
    let (_mock, client) = mock_and_client().await;
    let contact = client
        .update_contact(
            "clt_grace",
            &ContactPatch::new().company_id("clt_co_globex"),
        )
        .await
        .unwrap();
    assert_eq!(contact.company_id.as_deref(), Some("clt_co_globex"));
    assert_eq!(contact.parent_client_id.as_deref(), Some("clt_co_globex"));
    assert_eq!(contact.company_name.as_deref(), Some("Globex Corporation"));
}

#[tokio::test]
async fn clearing_the_company_unlinks_it() {
    let (mock, client) = mock_and_client().await;
    let contact = client
        .update_contact("clt_ada", &ContactPatch::new().clear_company())
        .await
        .unwrap();
    assert_eq!(contact.company_id, None);
    assert_eq!(contact.parent_client_id, None);
    assert_eq!(contact.company_name, None);
    assert_eq!(mock.contact("clt_ada").unwrap()["companyId"], json!(null));
}

#[tokio::test]
async fn custom_fields_are_merged_and_null_clears_one() {
    let (_mock, client) = mock_and_client().await;
    let patch = ContactPatch::new()
        .custom_field("cf_industry", "Computing")
        .and_then(|p| p.clear_custom_field("cf_customer_code"))
        .unwrap();
    let contact = client.update_contact("clt_ada", &patch).await.unwrap();
    assert_eq!(
        contact.custom_field("cf_industry"),
        Some(&json!("Computing"))
    );
    assert_eq!(contact.custom_field("cf_customer_code"), Some(&json!(null)));
    assert_eq!(
        contact.custom_field("cf_lead_score"),
        Some(&json!(85)),
        "untouched"
    );
}

#[tokio::test]
async fn source_id_comes_back_as_crm_source_id_and_name() {
    let (_mock, client) = mock_and_client().await;
    let contact = client
        .update_contact("clt_grace", &ContactPatch::new().source_id("src_referral"))
        .await
        .unwrap();
    assert_eq!(contact.crm_source_id.as_deref(), Some("src_referral"));
    assert_eq!(contact.source_name.as_deref(), Some("Referral"));
    assert!(!contact.extra.contains_key("sourceId"));
}

#[tokio::test]
async fn vendor_and_billing_address_are_accepted_but_not_returned() {
    let (_mock, client) = mock_and_client().await;
    let patch = ContactPatch::new()
        .vendor_id("vnd_9")
        .billing_address(BillingAddress {
            city: Some("Paris".into()),
            ..BillingAddress::default()
        });
    let contact = client.update_contact("clt_ada", &patch).await.unwrap();
    assert!(!contact.extra.contains_key("vendorId"));
    assert!(!contact.extra.contains_key("billingAddress"));
}

#[tokio::test]
async fn updated_at_moves_forward_on_every_update() {
    let (_mock, client) = mock_and_client().await;
    let first = client
        .update_contact("clt_ada", &ContactPatch::new().job_title("Analyst"))
        .await
        .unwrap();
    let second = client
        .update_contact("clt_ada", &ContactPatch::new().job_title("Programmer"))
        .await
        .unwrap();
    assert!(
        second.updated_at > first.updated_at,
        "{:?} !> {:?}",
        second.updated_at,
        first.updated_at
    );
}

#[tokio::test]
async fn empty_patch_changes_nothing() {
    let (mock, client) = mock_and_client().await;
    let before = mock.contact("clt_linus").unwrap();
    client
        .update_contact("clt_linus", &ContactPatch::new())
        .await
        .unwrap();
    assert_eq!(mock.contact("clt_linus").unwrap(), before);
}

#[tokio::test]
async fn wrong_key_is_unauthorized() {
    let mock = MockServer::start().await;
    let client = client_for(&mock, "heffl_user_not_a_real_key");
    let error = client
        .update_contact("clt_ada", &ContactPatch::new())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(error.code(), Some(&ErrorCode::Unauthorized));
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn key_without_permission_is_forbidden() {
    let mock = MockServer::start().await;
    let client = client_for(&mock, MockServer::READ_ONLY_API_KEY);
    let error = client
        .update_contact("clt_ada", &ContactPatch::new())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(error.code(), Some(&ErrorCode::Forbidden));
}

#[tokio::test]
async fn unknown_contact_and_company_ids_are_not_found() {
    let (_mock, client) = mock_and_client().await;
    for id in ["clt_nobody", "clt_co_acme"] {
        let error = client
            .update_contact(id, &ContactPatch::new())
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{id}");
        assert_eq!(error.code(), Some(&ErrorCode::NotFound), "{id}");
    }
}

#[tokio::test]
async fn invalid_email_is_a_validation_error_naming_the_field() {
    let (_mock, client) = mock_and_client().await;
    let error = client
        .update_contact("clt_ada", &ContactPatch::new().email("not-an-email"))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.code(), Some(&ErrorCode::ValidationError));
    assert_eq!(error.issues().len(), 1);
    assert_eq!(error.issues()[0].field.as_deref(), Some("email"));
    assert_eq!(
        error.issues()[0].message,
        "Please enter a valid email address."
    );
}

#[tokio::test]
async fn a_taken_unique_custom_field_value_is_a_conflict() {
    let (_mock, client) = mock_and_client().await;
    let patch = ContactPatch::new()
        .custom_field("cf_customer_code", "ADA-001")
        .unwrap();
    let error = client
        .update_contact("clt_grace", &patch)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(error.code(), Some(&ErrorCode::Conflict));
}

#[tokio::test]
async fn past_the_limit_the_error_carries_the_rate_limit_headers() {
    let mock = MockServer::builder()
        .rate_limit(2, Duration::from_secs(60))
        .start()
        .await;
    // Another process spends the key's budget; this client has not seen it yet, and
    // does not retry, so the server's 429 reaches the caller.
    let other = client_for(&mock, MockServer::API_KEY);
    for _ in 0..2 {
        other
            .update_contact("clt_ada", &ContactPatch::new())
            .await
            .unwrap();
    }
    let client = client_for(&mock, MockServer::API_KEY).with_retry_policy(RetryPolicy::none());
    let error = client
        .update_contact("clt_ada", &ContactPatch::new())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.code(), Some(&ErrorCode::TooManyRequests));
    assert!(error.is_retryable());
    let rate_limit = error.rate_limit().expect("429 carries RateLimit-* headers");
    assert_eq!(rate_limit.limit, Some(2));
    assert_eq!(rate_limit.remaining, Some(0));
    let reset = rate_limit.reset.expect("RateLimit-Reset");
    assert!(
        reset > Duration::ZERO && reset <= Duration::from_secs(60),
        "{reset:?}"
    );
}

#[tokio::test]
async fn ids_that_would_change_the_path_never_reach_the_network() {
    let (mock, client) = mock_and_client().await;
    for id in ["", ".", "..", "..\\companies\\clt_co_acme", "clt_a\\x"] {
        let error = client
            .update_contact(id, &ContactPatch::new())
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{id:?}");
        assert!(error.to_string().contains("contact id"), "{error}");
    }
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn other_ids_are_percent_encoded_into_one_segment() {
    let (mock, client) = mock_and_client().await;
    for id in ["a/b", "../x y?#", "%2e%2e", "ünï"] {
        let error = client
            .update_contact(id, &ContactPatch::new())
            .await
            .unwrap_err();
        assert_eq!(error.code(), Some(&ErrorCode::NotFound), "{id:?}");
    }
    let paths: Vec<String> = mock.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [
            "/api/v2/contacts/a%2Fb",
            "/api/v2/contacts/..%2Fx%20y%3F%23",
            "/api/v2/contacts/%252e%252e",
            "/api/v2/contacts/%C3%BCn%C3%AF",
        ]
    );
}

#[tokio::test]
async fn a_bad_custom_field_key_is_refused_before_sending() {
    for key in ["industry", "cf_", "cf_has space", "CF_industry", "website"] {
        let error = ContactPatch::new().custom_field(key, "x").unwrap_err();
        assert!(error.is_invalid_input(), "{key}");
        assert!(
            error.to_string().contains(key),
            "the message names the key: {error}"
        );
    }
}

#[tokio::test]
async fn a_null_custom_field_value_must_be_a_deliberate_clear() {
    let error = ContactPatch::new()
        .custom_field("cf_industry", json!(null))
        .unwrap_err();
    assert!(error.is_invalid_input());
    assert!(error.to_string().contains("clear_custom_field"), "{error}");
}
