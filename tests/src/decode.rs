//! How responses decode: the reference example, and what the server may add.

use heffl_sdk::{Contact, ContactKind};
use serde_json::json;

use crate::spec;

#[test]
fn reference_example_decodes() {
    let contact: Contact = serde_json::from_value(spec::response_example("200")).unwrap();
    insta::assert_debug_snapshot!(contact);
}

#[test]
fn unknown_type_and_custom_fields_are_kept() {
    let contact: Contact = serde_json::from_value(json!({
        "id": "clt_abc123",
        "name": "Jane Smith",
        "number": "CON001",
        "firstName": "Jane",
        "openingBalance": 0,
        "showJobAmountToWorker": false,
        "isClientPortalEnabled": true,
        "type": "lead",
        "email": null,
        "createdAt": "2025-01-15T10:30:00.000Z",
        "updatedAt": "2025-01-15T10:30:00.000Z",
        "cf_industry": "SaaS",
        "cf_lead_score": 85,
        "cf_tags": ["vip", "north"],
        "cf_region": null,
        "someNewServerField": {"nested": true}
    }))
    .unwrap();
    assert_eq!(contact.type_, Some(ContactKind::Other("lead".into())));
    let custom: Vec<_> = contact.custom_fields().map(|(key, _)| key).collect();
    assert_eq!(
        custom,
        ["cf_industry", "cf_lead_score", "cf_region", "cf_tags"]
    );
    assert_eq!(
        contact.custom_field("cf_region"),
        Some(&serde_json::Value::Null)
    );
    insta::assert_debug_snapshot!(contact);
}

#[test]
fn a_response_without_a_required_field_is_an_error_not_a_default() {
    let error = serde_json::from_value::<Contact>(json!({"id": "clt_1", "name": "x"})).unwrap_err();
    assert!(error.to_string().contains("missing field"), "{error}");
}
