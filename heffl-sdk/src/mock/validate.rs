//! Checks an update body the way the API does: JSON object, documented keys
//! and `cf_*` keys only, the right type for each, ids that exist. Every issue
//! in a body is reported at once.
//!
//! Where the docs give the message of an issue, it is used verbatim; the other
//! messages are placeholders in the style of the documented ones.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

use super::error::{ApiError, Issue};
use super::seed::{CustomFieldKind, ReferenceData};
use super::state::Change;

/// The keys of `billingAddress`, all strings.
const BILLING_ADDRESS_KEYS: [&str; 6] = [
    "city",
    "address",
    "landmark",
    "state",
    "country",
    "postalCode",
];

/// Reads and checks the body of `PATCH /contacts/{id}`.
///
/// A body that is not JSON (or not declared as JSON) is a `BAD_REQUEST`; a
/// JSON body with wrong content is a `VALIDATION_ERROR` with every issue.
pub(super) fn contact_update(
    headers: &HeaderMap,
    body: &[u8],
    reference: &ReferenceData,
) -> Result<Vec<Change>, ApiError> {
    if !declares_json(headers) {
        return Err(ApiError::bad_request(
            "Content-Type must be application/json.",
        ));
    }
    let Ok(body) = serde_json::from_slice::<Value>(body) else {
        return Err(ApiError::bad_request("Request body must be valid JSON."));
    };
    let Value::Object(fields) = body else {
        let issue = Issue::general(expected("object", &body));
        return Err(ApiError::validation(vec![issue]));
    };
    let mut checker = Checker {
        reference,
        issues: Vec::new(),
    };
    let changes: Vec<Change> = fields
        .into_iter()
        .filter_map(|(key, value)| checker.change(key, value))
        .collect();
    if checker.issues.is_empty() {
        Ok(changes)
    } else {
        Err(ApiError::validation(checker.issues))
    }
}

/// Whether `Content-Type` is `application/json`, parameters such as
/// `charset` allowed.
fn declares_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|media_type| media_type.trim().eq_ignore_ascii_case("application/json"))
}

/// Turns body keys into changes, collecting the issues on the way.
struct Checker<'a> {
    reference: &'a ReferenceData,
    issues: Vec<Issue>,
}

impl Checker<'_> {
    /// The change for one key of the body, or `None` with an issue noted.
    fn change(&mut self, key: String, value: Value) -> Option<Change> {
        let reference = self.reference;
        match key.as_str() {
            "firstName" => self.string(&key, value).map(Change::FirstName),
            "lastName" => self.string(&key, value).map(Change::LastName),
            "salutation" => self.string(&key, value).map(Change::Salutation),
            "phone" => self.string(&key, value).map(Change::Phone),
            "jobTitle" => self.string(&key, value).map(Change::JobTitle),
            "vendorId" => self.string(&key, value).map(Change::Vendor),
            "email" => self.email(&key, value).map(Change::Email),
            "companyId" => self.company(&key, value).map(Change::Company),
            "stageId" => self
                .existing_id(&key, value, &reference.client_stages, "Client stage")
                .map(Change::Stage),
            "leadStageId" => self
                .existing_id(&key, value, &reference.lead_stages, "Lead stage")
                .map(Change::LeadStage),
            "ownerUserId" => self
                .existing_id(&key, value, &reference.users, "User")
                .map(Change::Owner),
            "sourceId" => self
                .existing_id(&key, value, &reference.sources, "Source")
                .map(Change::Source),
            "billingAddress" => self
                .billing_address(&key, value)
                .map(Change::BillingAddress),
            _ if is_custom_field_key(&key) => {
                let value = self.custom_field(&key, value)?;
                Some(Change::CustomField(key, value))
            }
            _ => {
                self.issues.push(Issue::unknown_field(&key));
                None
            }
        }
    }

    fn string(&mut self, field: &str, value: Value) -> Option<String> {
        match value {
            Value::String(value) => Some(value),
            other => self.reject(field, expected("string", &other)),
        }
    }

    /// An email address, or `null` to remove it.
    fn email(&mut self, field: &str, value: Value) -> Option<Option<String>> {
        match value {
            Value::Null => Some(None),
            Value::String(email) if is_plausible_email(&email) => Some(Some(email)),
            // Documented message.
            Value::String(_) => self.reject(field, "Please enter a valid email address."),
            other => self.reject(field, expected("string", &other)),
        }
    }

    /// A company id, or `null` to unlink. A contact's id is not a company,
    /// though both start with `clt_`.
    fn company(&mut self, field: &str, value: Value) -> Option<Option<String>> {
        match value {
            Value::Null => Some(None),
            value => {
                let reference = self.reference;
                self.existing_id(field, value, &reference.companies, "Company")
                    .map(Some)
            }
        }
    }

    /// A string naming one of `records`.
    fn existing_id(
        &mut self,
        field: &str,
        value: Value,
        records: &BTreeMap<&'static str, &'static str>,
        record_kind: &str,
    ) -> Option<String> {
        let id = self.string(field, value)?;
        if records.contains_key(id.as_str()) {
            Some(id)
        } else {
            self.reject(field, format!("{record_kind} not found: {id}"))
        }
    }

    /// An object with only the documented keys, each a string.
    fn billing_address(&mut self, field: &str, value: Value) -> Option<Map<String, Value>> {
        let Value::Object(address) = value else {
            return self.reject(field, expected("object", &value));
        };
        let issues_before = self.issues.len();
        for (key, value) in &address {
            let path = format!("{field}.{key}");
            if !BILLING_ADDRESS_KEYS.contains(&key.as_str()) {
                self.issues.push(Issue::for_field(
                    path,
                    format!(
                        "Unknown field: {key}. Allowed: {}.",
                        BILLING_ADDRESS_KEYS.join(", ")
                    ),
                ));
            } else if !value.is_string() {
                self.issues
                    .push(Issue::for_field(path, expected("string", value)));
            }
        }
        (self.issues.len() == issues_before).then_some(address)
    }

    /// A value of the field's type, or `null`. Keys the workspace does not
    /// define are accepted as they are: the docs do not say what the API does
    /// with them, and their rule reads as "any cf_* key is allowed".
    fn custom_field(&mut self, key: &str, value: Value) -> Option<Value> {
        let Some(definition) = self.reference.custom_field(key) else {
            return Some(value);
        };
        let fits = match definition.kind {
            CustomFieldKind::Text => value.is_string(),
            CustomFieldKind::Number => value.is_number(),
        };
        if fits || value.is_null() {
            return Some(value);
        }
        let kind = match definition.kind {
            CustomFieldKind::Text => "string",
            CustomFieldKind::Number => "number",
        };
        self.reject(key, expected(kind, &value))
    }

    /// Notes an issue with `field`; returns `None` so callers can end with it.
    fn reject<T>(&mut self, field: &str, message: impl Into<String>) -> Option<T> {
        self.issues.push(Issue::for_field(field, message));
        None
    }
}

/// `cf_` followed by letters, digits and underscores, as the spec's
/// `x-heffl-custom-field-key` pattern `^cf_[A-Za-z0-9_]+$` says.
fn is_custom_field_key(key: &str) -> bool {
    key.strip_prefix("cf_").is_some_and(|name| {
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// `local@domain.tld` with no spaces: the bar a typical form validator sets.
fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !email.chars().any(char::is_whitespace)
        && !domain.contains('@')
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
}

/// "Expected string, received number", as schema validators phrase it.
fn expected(kind: &str, value: &Value) -> String {
    let received = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    format!("Expected {kind}, received {received}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mock::seed::reference_data;
    use serde_json::json;

    fn check(body: Value) -> Result<Vec<Change>, ApiError> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "application/json; charset=utf-8"
                .parse()
                .expect("valid header"),
        );
        contact_update(&headers, body.to_string().as_bytes(), &reference_data())
    }

    #[test]
    fn every_issue_in_a_body_is_reported_at_once() {
        let body = json!({
            "foo": 1,
            "email": "nope",
            "firstName": null,
            "cf_lead_score": "abc",
            "stageId": "cs_missing",
            "billingAddress": { "city": 7, "planet": "Mars" },
        });
        let expected = ApiError::validation(vec![
            Issue::for_field("billingAddress.city", "Expected string, received number"),
            Issue::for_field(
                "billingAddress.planet",
                "Unknown field: planet. Allowed: city, address, landmark, state, country, postalCode.",
            ),
            Issue::for_field("cf_lead_score", "Expected number, received string"),
            Issue::for_field("email", "Please enter a valid email address."),
            Issue::for_field("firstName", "Expected string, received null"),
            Issue::unknown_field("foo"),
            Issue::for_field("stageId", "Client stage not found: cs_missing"),
        ]);
        assert_eq!(check(body), Err(expected));
    }

    #[test]
    fn null_is_accepted_for_email_company_and_custom_fields_only() {
        let changes = check(json!({ "email": null, "companyId": null, "cf_region": null }));
        assert_eq!(
            changes,
            Ok(vec![
                Change::CustomField("cf_region".into(), Value::Null),
                Change::Company(None),
                Change::Email(None),
            ])
        );
    }

    #[test]
    fn a_contact_id_is_not_a_company() {
        assert!(check(json!({ "companyId": "clt_ada" })).is_err());
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        assert!(is_plausible_email("jane@example.com"));
        for bad in [
            "",
            "jane",
            "@example.com",
            "jane@example",
            "jane@@example.com",
            "ja ne@x.io",
            "jane@x..io",
        ] {
            assert!(!is_plausible_email(bad), "{bad}");
        }
    }

    #[test]
    fn custom_field_keys_follow_the_spec_pattern() {
        assert!(is_custom_field_key("cf_contract_end_date"));
        for bad in ["cf_", "cf_a-b", "CF_x", "cfx"] {
            assert!(!is_custom_field_key(bad), "{bad}");
        }
    }
}
