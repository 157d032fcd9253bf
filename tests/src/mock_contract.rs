//! Wire-level contract tests of the mock server (`heffl_sdk::mock`), with raw
//! `reqwest`: mostly requests the SDK would never send, so that the mock is
//! known to answer them as the Heffl docs say before SDK tests rely on it.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use heffl_sdk::mock::{Fault, MockServer, ResetFormat};
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

/// Documented top-level message of every VALIDATION_ERROR.
const INVALID_FIELDS: &str = "Some fields are invalid. Please check and try again.";

/// What came back, with the body parsed as JSON (`Value::Null` when it is not).
struct Answer {
    status: u16,
    headers: HeaderMap,
    text: String,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    fn header_number(&self, name: &str) -> u64 {
        let value = self
            .header(name)
            .unwrap_or_else(|| panic!("no {name} header"));
        value
            .parse()
            .unwrap_or_else(|_| panic!("{name} is not a number: {value}"))
    }

    /// Asserts the v2 error envelope with this status, code and (when the
    /// docs or spec give one) message.
    fn assert_error(&self, status: u16, code: &str, message: Option<&str>) {
        assert_eq!(self.status, status, "body: {}", self.text);
        assert_eq!(self.body["error"]["code"], code, "body: {}", self.text);
        if let Some(message) = message {
            assert_eq!(self.body["error"]["message"], message);
        }
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "error bodies are JSON"
        );
    }

    fn issues(&self) -> &Value {
        &self.body["error"]["details"]["issues"]
    }
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("the mock answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a readable body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        text,
        body,
    }
}

fn contact_url(server: &MockServer, id: &str) -> String {
    format!("{}/contacts/{id}", server.base_url())
}

/// A PATCH with the full-access key, as a well-behaved client sends it.
fn patch(server: &MockServer, id: &str, body: &Value) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .patch(contact_url(server, id))
        .header("x-api-key", MockServer::API_KEY)
        .json(body)
}

async fn update(server: &MockServer, id: &str, body: Value) -> Answer {
    send(patch(server, id, &body)).await
}

// --- authentication ---------------------------------------------------------

#[tokio::test]
async fn missing_api_key_is_401_with_the_documented_message() {
    let server = MockServer::start().await;
    let answer = send(
        reqwest::Client::new()
            .patch(contact_url(&server, "clt_ada"))
            .json(&json!({"firstName": "Jane"})),
    )
    .await;
    assert_eq!(
        answer.body,
        json!({"error": {"code": "UNAUTHORIZED", "message": "API key required. Include 'x-api-key' header."}})
    );
    answer.assert_error(401, "UNAUTHORIZED", None);
    assert_eq!(answer.header("ratelimit-limit"), None, "no key, no budget");
}

#[tokio::test]
async fn bearer_authorization_alone_counts_as_a_missing_key() {
    let server = MockServer::start().await;
    let answer = send(
        reqwest::Client::new()
            .patch(contact_url(&server, "clt_ada"))
            .bearer_auth(MockServer::API_KEY)
            .json(&json!({"firstName": "Jane"})),
    )
    .await;
    answer.assert_error(
        401,
        "UNAUTHORIZED",
        Some("API key required. Include 'x-api-key' header."),
    );
}

#[tokio::test]
async fn wrong_api_key_is_401_unauthorized() {
    let server = MockServer::start().await;
    let answer = send(
        reqwest::Client::new()
            .patch(contact_url(&server, "clt_ada"))
            .header("x-api-key", "heffl_user_revoked")
            .json(&json!({"firstName": "Jane"})),
    )
    .await;
    answer.assert_error(401, "UNAUTHORIZED", Some("Invalid API key"));
}

#[tokio::test]
async fn read_only_key_is_403_forbidden_and_changes_nothing() {
    let server = MockServer::start().await;
    let before = server.contact("clt_ada");
    let answer = send(
        reqwest::Client::new()
            .patch(contact_url(&server, "clt_ada"))
            .header("x-api-key", MockServer::READ_ONLY_API_KEY)
            .json(&json!({"firstName": "Jane"})),
    )
    .await;
    answer.assert_error(403, "FORBIDDEN", None);
    assert_eq!(answer.header("ratelimit-remaining"), Some("59"));
    assert_eq!(server.contact("clt_ada"), before);
}

// --- routing ----------------------------------------------------------------

#[tokio::test]
async fn unknown_contact_id_is_404_contact_not_found() {
    let server = MockServer::start().await;
    update(&server, "clt_nobody", json!({"firstName": "Jane"}))
        .await
        .assert_error(404, "NOT_FOUND", Some("Contact not found"));
}

/// Assumed behaviour: the docs say the id must be a contact's.
#[tokio::test]
async fn company_id_in_the_path_is_404_not_found() {
    let server = MockServer::start().await;
    update(&server, "clt_co_acme", json!({"firstName": "Jane"}))
        .await
        .assert_error(404, "NOT_FOUND", Some("Contact not found"));
}

#[tokio::test]
async fn id_that_does_not_decode_to_utf8_is_404_not_found() {
    let server = MockServer::start().await;
    update(&server, "%FF", json!({})).await.assert_error(
        404,
        "NOT_FOUND",
        Some("Contact not found"),
    );
}

#[tokio::test]
async fn percent_encoded_id_is_decoded_and_recorded_raw() {
    let server = MockServer::start().await;
    let answer = update(&server, "clt%5Fada", json!({})).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["id"], "clt_ada");
    assert_eq!(server.requests()[0].path, "/api/v2/contacts/clt%5Fada");
}

#[tokio::test]
async fn other_routes_and_methods_are_404_not_found() {
    let server = MockServer::start().await;
    let client = reqwest::Client::new();
    let base = server.base_url();
    let elsewhere = [
        client.get(format!("{base}/contacts/clt_ada")),
        client.put(format!("{base}/contacts/clt_ada")),
        client.post(format!("{base}/contacts")),
        client.patch(format!("{base}/contacts/clt_ada/extra")),
        client.patch(format!("{base}/companies/clt_co_acme")),
        client.patch(base.replace("/api/v2", "/api/v1/contacts/clt_ada")),
    ];
    for request in elsewhere {
        let answer = send(request.header("x-api-key", MockServer::API_KEY)).await;
        answer.assert_error(404, "NOT_FOUND", None);
        assert!(answer.header("ratelimit-limit").is_some());
    }
}

// --- request body -----------------------------------------------------------

#[tokio::test]
async fn malformed_json_is_400_bad_request() {
    let server = MockServer::start().await;
    let answer = send(
        reqwest::Client::new()
            .patch(contact_url(&server, "clt_ada"))
            .header("x-api-key", MockServer::API_KEY)
            .header("content-type", "application/json")
            .body(r#"{"firstName": "Jane""#),
    )
    .await;
    answer.assert_error(400, "BAD_REQUEST", None);
}

#[tokio::test]
async fn body_without_json_content_type_is_400_bad_request() {
    let server = MockServer::start().await;
    let answer = send(
        reqwest::Client::new()
            .patch(contact_url(&server, "clt_ada"))
            .header("x-api-key", MockServer::API_KEY)
            .header("content-type", "text/plain")
            .body(r#"{"firstName": "Jane"}"#),
    )
    .await;
    answer.assert_error(400, "BAD_REQUEST", None);
    assert_eq!(server.contact("clt_ada").unwrap()["firstName"], "Ada");
}

#[tokio::test]
async fn json_that_is_not_an_object_is_400_validation_error() {
    let server = MockServer::start().await;
    let answer = update(&server, "clt_ada", json!(["firstName", "Jane"])).await;
    answer.assert_error(400, "VALIDATION_ERROR", Some(INVALID_FIELDS));
}

#[tokio::test]
async fn deeply_nested_json_is_400_and_the_server_keeps_serving() {
    let server = MockServer::start().await;
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let answer = send(
        reqwest::Client::new()
            .patch(contact_url(&server, "clt_ada"))
            .header("x-api-key", MockServer::API_KEY)
            .header("content-type", "application/json")
            .body(nested),
    )
    .await;
    answer.assert_error(400, "BAD_REQUEST", None);
    assert_eq!(update(&server, "clt_ada", json!({})).await.status, 200);
}

#[tokio::test]
async fn unknown_key_is_the_documented_issue_without_a_field() {
    let server = MockServer::start().await;
    let answer = update(&server, "clt_ada", json!({"foo": 1})).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.body,
        json!({"error": {
            "code": "VALIDATION_ERROR",
            "message": INVALID_FIELDS,
            "details": {"issues": [
                {"message": "Unknown field: foo. Only documented fields and cf_* keys are allowed."}
            ]}
        }})
    );
}

#[tokio::test]
async fn response_only_field_website_is_an_unknown_field() {
    let server = MockServer::start().await;
    let answer = update(&server, "clt_ada", json!({"website": "x"})).await;
    answer.assert_error(400, "VALIDATION_ERROR", Some(INVALID_FIELDS));
    assert_eq!(
        answer.issues(),
        &json!([{"message": "Unknown field: website. Only documented fields and cf_* keys are allowed."}])
    );
}

#[tokio::test]
async fn invalid_email_is_the_documented_validation_error() {
    let server = MockServer::start().await;
    let answer = update(&server, "clt_ada", json!({"email": "not-an-email"})).await;
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.body,
        json!({"error": {
            "code": "VALIDATION_ERROR",
            "message": INVALID_FIELDS,
            "details": {"issues": [
                {"field": "email", "message": "Please enter a valid email address."}
            ]}
        }})
    );
}

#[tokio::test]
async fn wrong_typed_custom_field_is_an_issue_on_that_key() {
    let server = MockServer::start().await;
    let answer = update(&server, "clt_ada", json!({"cf_lead_score": "abc"})).await;
    answer.assert_error(400, "VALIDATION_ERROR", Some(INVALID_FIELDS));
    let issues = answer.issues().as_array().expect("issues");
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0]["field"], "cf_lead_score");
    assert_eq!(server.contact("clt_ada").unwrap()["cf_lead_score"], 85);
}

#[tokio::test]
async fn null_for_a_non_nullable_field_is_an_issue_on_that_field() {
    let server = MockServer::start().await;
    for field in [
        "firstName",
        "lastName",
        "phone",
        "stageId",
        "sourceId",
        "billingAddress",
    ] {
        let answer = update(&server, "clt_ada", json!({ field: null })).await;
        answer.assert_error(400, "VALIDATION_ERROR", Some(INVALID_FIELDS));
        assert_eq!(answer.issues()[0]["field"], field);
    }
}

#[tokio::test]
async fn ids_of_missing_records_are_issues_on_their_fields() {
    let server = MockServer::start().await;
    let answer = update(
        &server,
        "clt_ada",
        json!({"companyId": "clt_grace", "stageId": "cs_nope", "leadStageId": "lstg_nope",
               "ownerUserId": "usr_nope", "sourceId": "src_nope"}),
    )
    .await;
    answer.assert_error(400, "VALIDATION_ERROR", Some(INVALID_FIELDS));
    let fields: Vec<&str> = answer
        .issues()
        .as_array()
        .expect("issues")
        .iter()
        .filter_map(|issue| issue["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "companyId",
            "leadStageId",
            "ownerUserId",
            "sourceId",
            "stageId"
        ]
    );
}

#[tokio::test]
async fn every_issue_of_a_body_comes_in_one_answer_and_nothing_changes() {
    let server = MockServer::start().await;
    let before = server.contact("clt_ada");
    let answer = update(
        &server,
        "clt_ada",
        json!({"firstName": "Jane", "email": "nope", "foo": 1}),
    )
    .await;
    answer.assert_error(400, "VALIDATION_ERROR", Some(INVALID_FIELDS));
    assert_eq!(
        answer.issues(),
        &json!([
            {"field": "email", "message": "Please enter a valid email address."},
            {"message": "Unknown field: foo. Only documented fields and cf_* keys are allowed."}
        ])
    );
    assert_eq!(server.contact("clt_ada"), before);
}

#[tokio::test]
async fn billing_address_must_be_an_object_of_known_string_keys() {
    let server = MockServer::start().await;
    for bad in [
        json!("Main St"),
        json!({"city": 1}),
        json!({"planet": "Mars"}),
    ] {
        let answer = update(&server, "clt_ada", json!({ "billingAddress": bad })).await;
        answer.assert_error(400, "VALIDATION_ERROR", Some(INVALID_FIELDS));
        let field = answer.issues()[0]["field"].as_str().unwrap_or_default();
        assert!(field.starts_with("billingAddress"), "{field}");
    }
}

#[tokio::test]
async fn unique_custom_field_value_of_another_contact_is_409_conflict() {
    let server = MockServer::start().await;
    let answer = update(&server, "clt_grace", json!({"cf_customer_code": "ADA-001"})).await;
    answer.assert_error(409, "CONFLICT", None);
    assert_eq!(
        server.contact("clt_grace").unwrap()["cf_customer_code"],
        "GRACE-002"
    );
}

// --- successful updates -----------------------------------------------------

#[tokio::test]
async fn empty_update_returns_the_whole_contact_unchanged() {
    let server = MockServer::start().await;
    let answer = update(&server, "clt_ada", json!({})).await;
    assert_eq!(answer.status, 200);
    assert_eq!(Some(&answer.body), server.contact("clt_ada").as_ref());
    insta::assert_json_snapshot!("seeded_contact_ada", answer.body);
}

#[tokio::test]
async fn first_name_update_changes_only_first_name_name_and_updated_at() {
    let server = MockServer::start().await;
    let mut before = server.contact("clt_ada").expect("seeded");
    let answer = update(&server, "clt_ada", json!({"firstName": "Jane"})).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["type"], "contact");
    let updated_at = answer.body["updatedAt"].as_str().expect("updatedAt");
    assert!(updated_at > "2025-01-15T10:30:00.000Z");
    assert!(
        updated_at.len() == 24 && updated_at.ends_with('Z') && &updated_at[19..20] == ".",
        "RFC 3339 UTC with milliseconds: {updated_at}"
    );
    before["firstName"] = json!("Jane");
    before["name"] = json!("Jane Lovelace");
    before["updatedAt"] = json!(updated_at);
    assert_eq!(answer.body, before);
}

#[tokio::test]
async fn updated_at_moves_strictly_forward_on_each_update() {
    let server = MockServer::start().await;
    let mut last = String::new();
    for salutation in ["Dr.", "Ms.", "Dr."] {
        let answer = update(&server, "clt_ada", json!({"salutation": salutation})).await;
        let updated_at = answer.body["updatedAt"]
            .as_str()
            .expect("updatedAt")
            .to_owned();
        assert!(updated_at > last, "{updated_at} after {last}");
        last = updated_at;
    }
}

#[tokio::test]
async fn company_id_links_the_company_and_its_parent_client_id() {
    let server = MockServer::start().await;
    let answer = update(&server, "clt_grace", json!({"companyId": "clt_co_globex"})).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["companyId"], "clt_co_globex");
    assert_eq!(answer.body["parentClientId"], "clt_co_globex");
    assert_eq!(answer.body["companyName"], "Globex Corporation");
}

#[tokio::test]
async fn null_company_id_unlinks_the_company() {
    let server = MockServer::start().await;
    let answer = update(&server, "clt_ada", json!({"companyId": null})).await;
    assert_eq!(answer.status, 200);
    for field in ["companyId", "parentClientId", "companyName"] {
        assert_eq!(answer.body[field], Value::Null, "{field}");
    }
}

#[tokio::test]
async fn custom_fields_are_merged_into_the_existing_ones() {
    let server = MockServer::start().await;
    let answer = update(
        &server,
        "clt_ada",
        json!({"cf_industry": "SaaS", "cf_lead_score": 90}),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["cf_industry"], "SaaS");
    assert_eq!(answer.body["cf_lead_score"], 90);
    assert_eq!(answer.body["cf_customer_code"], "ADA-001");
    assert_eq!(answer.body.get("cf_region"), Some(&Value::Null));
}

#[tokio::test]
async fn null_clears_email_and_custom_fields() {
    let server = MockServer::start().await;
    let answer = update(
        &server,
        "clt_ada",
        json!({"email": null, "cf_industry": null}),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body.get("email"), Some(&Value::Null));
    assert_eq!(answer.body.get("cf_industry"), Some(&Value::Null));
}

#[tokio::test]
async fn custom_fields_the_workspace_does_not_define_are_stored_as_sent() {
    let server = MockServer::start().await;
    let answer = update(&server, "clt_linus", json!({"cf_favourite_os": ["linux"]})).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["cf_favourite_os"], json!(["linux"]));
    assert_eq!(answer.body.get("cf_region"), Some(&Value::Null));
}

#[tokio::test]
async fn source_id_comes_back_as_crm_source_id_with_its_name() {
    let server = MockServer::start().await;
    let answer = update(&server, "clt_ada", json!({"sourceId": "src_referral"})).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["crmSourceId"], "src_referral");
    assert_eq!(answer.body["sourceName"], "Referral");
    assert_eq!(answer.body.get("sourceId"), None);
}

#[tokio::test]
async fn stage_id_comes_back_with_its_name() {
    let server = MockServer::start().await;
    let answer = update(&server, "clt_ada", json!({"stageId": "cs_customer"})).await;
    assert_eq!(answer.body["stageId"], "cs_customer");
    assert_eq!(answer.body["stageName"], "Customer");
}

#[tokio::test]
async fn vendor_id_and_billing_address_are_accepted_but_never_returned() {
    let server = MockServer::start().await;
    let answer = update(
        &server,
        "clt_ada",
        json!({"vendorId": "ven_1", "billingAddress": {"city": "London", "postalCode": "W1"}}),
    )
    .await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body.get("vendorId"), None);
    assert_eq!(answer.body.get("billingAddress"), None);
}

// --- rate limit -------------------------------------------------------------

#[tokio::test]
async fn the_61st_request_in_a_minute_is_429_with_rate_limit_headers() {
    let server = MockServer::start().await;
    for sent in 1..=60u64 {
        let answer = update(&server, "clt_ada", json!({})).await;
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header_number("ratelimit-limit"), 60);
        assert_eq!(answer.header_number("ratelimit-remaining"), 60 - sent);
    }
    let answer = update(&server, "clt_ada", json!({})).await;
    answer.assert_error(
        429,
        "TOO_MANY_REQUESTS",
        Some("Too many requests. Please try again later."),
    );
    assert_eq!(answer.header_number("ratelimit-limit"), 60);
    assert_eq!(answer.header_number("ratelimit-remaining"), 0);
    let reset = answer.header_number("ratelimit-reset");
    assert!((1..=60).contains(&reset), "reset in {reset} s");
    assert_eq!(answer.header_number("retry-after"), reset);
}

#[tokio::test]
async fn the_window_reopens_once_it_has_ended() {
    let server = MockServer::builder()
        .rate_limit(1, Duration::from_secs(1))
        .start()
        .await;
    assert_eq!(update(&server, "clt_ada", json!({})).await.status, 200);
    let limited = update(&server, "clt_ada", json!({})).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header_number("retry-after"), 1, "rounded up");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let answer = update(&server, "clt_ada", json!({})).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header_number("ratelimit-remaining"), 0);
}

#[tokio::test]
async fn each_key_has_its_own_budget() {
    let server = MockServer::builder()
        .rate_limit(1, Duration::from_secs(60))
        .start()
        .await;
    assert_eq!(update(&server, "clt_ada", json!({})).await.status, 200);
    assert_eq!(update(&server, "clt_ada", json!({})).await.status, 429);
    let read_only = send(
        reqwest::Client::new()
            .patch(contact_url(&server, "clt_ada"))
            .header("x-api-key", MockServer::READ_ONLY_API_KEY)
            .json(&json!({})),
    )
    .await;
    assert_eq!(read_only.status, 403);
}

#[tokio::test]
async fn reset_can_be_sent_as_a_unix_timestamp() {
    let server = MockServer::builder()
        .reset_format(ResetFormat::UnixTimestamp)
        .start()
        .await;
    let answer = update(&server, "clt_ada", json!({})).await;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let reset = answer.header_number("ratelimit-reset");
    assert!(
        (now..=now + 61).contains(&reset),
        "reset {reset}, now {now}"
    );
}

#[tokio::test]
async fn rate_limit_headers_can_be_kept_to_429_answers() {
    let server = MockServer::builder()
        .rate_limit(1, Duration::from_secs(60))
        .rate_limit_headers(false)
        .start()
        .await;
    let answer = update(&server, "clt_ada", json!({})).await;
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("ratelimit-limit"), None);
    let limited = update(&server, "clt_ada", json!({})).await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.header_number("ratelimit-limit"), 1);
    assert_eq!(limited.header_number("ratelimit-remaining"), 0);
    assert!(limited.header("ratelimit-reset").is_some());
    assert!(limited.header("retry-after").is_some());
}

// --- faults -----------------------------------------------------------------

#[tokio::test]
async fn error_fault_answers_with_the_v2_envelope_once() {
    let server = MockServer::start().await;
    server.inject(Fault::error(
        500,
        "INTERNAL_SERVER_ERROR",
        "Something went wrong.",
    ));
    let answer = update(&server, "clt_ada", json!({"firstName": "Jane"})).await;
    answer.assert_error(500, "INTERNAL_SERVER_ERROR", Some("Something went wrong."));
    assert_eq!(server.contact("clt_ada").unwrap()["firstName"], "Ada");
    assert_eq!(update(&server, "clt_ada", json!({})).await.status, 200);
}

#[tokio::test]
async fn status_fault_sends_an_empty_body_and_its_headers() {
    let server = MockServer::start().await;
    server.inject(Fault::status(503).with_header("Retry-After", "7"));
    let answer = update(&server, "clt_ada", json!({})).await;
    assert_eq!(answer.status, 503);
    assert_eq!(answer.text, "");
    assert_eq!(answer.header("retry-after"), Some("7"));
    assert_eq!(answer.header("ratelimit-limit"), None);
}

#[tokio::test]
async fn status_fault_with_a_body_sends_it_with_its_content_type() {
    let server = MockServer::start().await;
    server.inject(Fault::status(502).with_body("text/html", "<h1>Bad Gateway</h1>"));
    let answer = update(&server, "clt_ada", json!({})).await;
    assert_eq!(answer.status, 502);
    assert_eq!(answer.header("content-type"), Some("text/html"));
    assert_eq!(answer.text, "<h1>Bad Gateway</h1>");
}

#[tokio::test]
async fn faults_come_before_authentication_and_rate_limiting() {
    let server = MockServer::builder()
        .rate_limit(0, Duration::from_secs(60))
        .start()
        .await;
    server.inject(Fault::status(500));
    let answer = send(reqwest::Client::new().patch(contact_url(&server, "clt_ada"))).await;
    assert_eq!(answer.status, 500);
    assert_eq!(server.requests()[0].status, Some(500));
}

#[tokio::test]
async fn delay_fault_waits_then_handles_the_request() {
    let server = MockServer::start().await;
    server.inject(Fault::delay(Duration::from_millis(300)));
    let started = Instant::now();
    let answer = update(&server, "clt_ada", json!({"firstName": "Jane"})).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body["firstName"], "Jane");
}

#[tokio::test]
async fn status_fault_with_delay_waits_before_answering() {
    let server = MockServer::start().await;
    server.inject(Fault::status(504).with_delay(Duration::from_millis(200)));
    let started = Instant::now();
    let answer = update(&server, "clt_ada", json!({})).await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(answer.status, 504);
}

#[tokio::test]
async fn stall_fault_never_answers_but_is_recorded() {
    let server = MockServer::start().await;
    server.inject(Fault::stall());
    let error = patch(&server, "clt_ada", &json!({"firstName": "Jane"}))
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .expect_err("a stalled request times out");
    assert!(error.is_timeout(), "{error}");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].status, None);
    assert_eq!(requests[0].json(), Some(json!({"firstName": "Jane"})));
    assert_eq!(server.contact("clt_ada").unwrap()["firstName"], "Ada");
}

#[tokio::test]
async fn drop_connection_fault_closes_the_connection_without_an_answer() {
    let server = MockServer::start().await;
    // One client throughout, so the dropped request rides a pooled connection
    // as an SDK's would, and a silent client-side retry would show.
    let client = reqwest::Client::new();
    let request = || {
        client
            .patch(contact_url(&server, "clt_ada"))
            .header("x-api-key", MockServer::API_KEY)
            .json(&json!({}))
    };
    assert_eq!(send(request()).await.status, 200);
    server.inject(Fault::drop_connection());
    let error = request().send().await.expect_err("no response");
    assert!(!error.is_timeout() && error.status().is_none(), "{error}");
    assert_eq!(send(request()).await.status, 200);
    let statuses: Vec<_> = server.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(200), None, Some(200)]);
}

#[tokio::test]
async fn inject_times_applies_to_that_many_requests_in_injection_order() {
    let server = MockServer::start().await;
    server.inject_times(Fault::status(503), 2);
    server.inject(Fault::status(502));
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(update(&server, "clt_ada", json!({})).await.status);
    }
    assert_eq!(statuses, [503, 503, 502, 200]);
}

#[tokio::test]
async fn inject_always_lasts_until_clear_faults() {
    let server = MockServer::start().await;
    server.inject_always(Fault::status(500));
    for _ in 0..3 {
        assert_eq!(update(&server, "clt_ada", json!({})).await.status, 500);
    }
    server.clear_faults();
    assert_eq!(update(&server, "clt_ada", json!({})).await.status, 200);
}

// --- recording and robustness -----------------------------------------------

#[tokio::test]
async fn requests_are_recorded_in_order_with_headers_body_and_status() {
    let server = MockServer::start().await;
    update(&server, "clt_ada", json!({"firstName": "Jane"})).await;
    update(&server, "clt_nobody", json!({})).await;
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "PATCH");
    assert_eq!(requests[0].path, "/api/v2/contacts/clt_ada");
    assert_eq!(requests[0].header("X-Api-Key"), Some(MockServer::API_KEY));
    assert_eq!(requests[0].body, br#"{"firstName":"Jane"}"#);
    assert_eq!(requests[0].status, Some(200));
    assert_eq!(requests[1].status, Some(404));
    assert!(requests[0].received_at <= requests[1].received_at);
}

#[tokio::test]
async fn garbage_on_the_socket_does_not_stop_the_server() {
    use std::io::Write;
    let server = MockServer::start().await;
    let address = server
        .base_url()
        .trim_start_matches("http://")
        .trim_end_matches("/api/v2")
        .to_owned();
    let mut socket = std::net::TcpStream::connect(address).expect("connect");
    socket
        .write_all(b"\x00\xffNOT HTTP AT ALL\r\n\r\n")
        .expect("write");
    drop(socket);
    assert_eq!(update(&server, "clt_ada", json!({})).await.status, 200);
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = MockServer::start().await;
    let url = contact_url(&server, "clt_ada");
    drop(server);
    tokio::task::yield_now().await;
    let result = reqwest::Client::new()
        .patch(url)
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(result.is_err());
}
