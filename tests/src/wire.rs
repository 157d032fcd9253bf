//! The exact bytes the SDK puts on the wire for each kind of patch, as received by
//! the mock over loopback. A field that is not set must not appear; `null` appears
//! only where a `clear_` method or a `Patch::Null` asked for it.

use heffl_sdk::{BillingAddress, ContactPatch, Patch, mock::MockServer};
use serde_json::json;

use crate::support::{last_body, mock_and_client};

/// Sends `patch` to a seeded contact and returns the body the server received.
async fn wire_body(patch: ContactPatch) -> String {
    let (mock, client) = mock_and_client().await;
    client
        .update_contact("clt_ada", &patch)
        .await
        .expect("the mock accepts the patch");
    last_body(&mock)
}

#[tokio::test]
async fn first_name_only_sends_only_first_name() {
    let body = wire_body(ContactPatch::new().first_name("Augusta")).await;
    assert_eq!(body, r#"{"firstName":"Augusta"}"#);
    insta::assert_snapshot!(body);
}

#[tokio::test]
async fn clearing_company_sends_explicit_null() {
    let body = wire_body(ContactPatch::new().clear_company()).await;
    assert_eq!(body, r#"{"companyId":null}"#);
    insta::assert_snapshot!(body);
}

#[tokio::test]
async fn linking_company_sends_its_id() {
    insta::assert_snapshot!(wire_body(ContactPatch::new().company_id("clt_co_globex")).await);
}

#[tokio::test]
async fn clearing_email_sends_explicit_null() {
    insta::assert_snapshot!(wire_body(ContactPatch::new().clear_email()).await);
}

#[tokio::test]
async fn custom_fields_set_and_cleared_are_top_level_keys() {
    let patch = ContactPatch::new()
        .custom_field("cf_industry", "Computing")
        .and_then(|p| p.custom_field("cf_lead_score", 99))
        .and_then(|p| p.clear_custom_field("cf_region"))
        .unwrap();
    insta::assert_snapshot!(wire_body(patch).await);
}

#[tokio::test]
async fn billing_address_sends_only_the_parts_set() {
    let address = BillingAddress {
        city: Some("London".into()),
        country: Some("GB".into()),
        postal_code: Some("W1 1AA".into()),
        ..BillingAddress::default()
    };
    insta::assert_snapshot!(wire_body(ContactPatch::new().billing_address(address)).await);
}

#[tokio::test]
async fn empty_patch_sends_an_empty_object() {
    let body = wire_body(ContactPatch::new()).await;
    assert_eq!(body, "{}");
    insta::assert_snapshot!(body);
}

#[tokio::test]
async fn everything_set() {
    let patch = ContactPatch::new()
        .first_name("Ada")
        .last_name("King")
        .salutation("Countess")
        .email("ada@analytical.engine")
        .phone("+44 20 7946 0000")
        .job_title("Analyst")
        .company_id("clt_co_globex")
        .stage_id("cs_customer")
        .lead_stage_id("lstg_contacted")
        .owner_user_id("usr_sales")
        .vendor_id("vnd_1")
        .source_id("src_referral")
        .billing_address(BillingAddress {
            address: Some("12 St James's Square".into()),
            landmark: Some("by the library".into()),
            city: Some("London".into()),
            state: Some("Greater London".into()),
            country: Some("GB".into()),
            postal_code: Some("SW1Y 4LB".into()),
        })
        .custom_field("cf_industry", "Mathematics")
        .and_then(|p| p.custom_field("cf_tags", json!(["engine", "notes"])))
        .unwrap();
    insta::assert_snapshot!(wire_body(patch).await);
}

#[tokio::test]
async fn request_carries_the_key_json_and_a_user_agent_but_no_api_version() {
    let (mock, client) = mock_and_client().await;
    client
        .update_contact("clt_ada", &ContactPatch::new())
        .await
        .unwrap();
    let request = mock.requests().pop().unwrap();
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(request.method, "PATCH");
    assert_eq!(request.path, "/api/v2/contacts/clt_ada");
    assert_eq!(header("x-api-key"), Some(MockServer::API_KEY));
    assert_eq!(header("content-type"), Some("application/json"));
    assert!(header("user-agent").is_some_and(|ua| ua.starts_with("heffl-sdk/")));
    assert_eq!(
        header("api-version"),
        None,
        "Heffl versions by path, not by header"
    );
    assert_eq!(header("authorization"), None);
}

#[tokio::test]
async fn a_computed_patch_sends_exactly_what_it_holds() {
    let cases = [
        (Patch::Absent, "{}"),
        (Patch::Null, r#"{"companyId":null}"#),
        (
            Patch::Value("clt_co_acme".to_owned()),
            r#"{"companyId":"clt_co_acme"}"#,
        ),
    ];
    for (company, expected) in cases {
        let body = wire_body(ContactPatch::new().set_company_id(company.clone())).await;
        assert_eq!(body, expected, "{company:?}");
    }
}
