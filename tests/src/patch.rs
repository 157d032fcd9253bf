//! `ContactPatch` read from JSON follows the same rules as the builder: what the
//! server would reject is an error, never silently dropped or turned into `null`.

use heffl_sdk::{ContactPatch, Patch};
use serde_json::json;

fn read(value: serde_json::Value) -> Result<ContactPatch, serde_json::Error> {
    serde_json::from_value(value)
}

#[test]
fn json_round_trips_all_three_states() {
    let body = json!({"firstName": "Ada", "email": null, "companyId": "clt_co_acme", "cf_region": null, "cf_score": 3});
    let patch = read(body.clone()).unwrap();
    assert_eq!(serde_json::to_value(&patch).unwrap(), body);
    assert_eq!(
        patch,
        ContactPatch::new()
            .first_name("Ada")
            .clear_email()
            .company_id("clt_co_acme")
            .clear_custom_field("cf_region")
            .and_then(|p| p.custom_field("cf_score", 3))
            .unwrap()
    );
}

#[test]
fn an_unknown_key_is_an_error_naming_it() {
    let error = read(json!({"firstName": "Ada", "website": "x"})).unwrap_err();
    assert!(
        error.to_string().contains("unknown field `website`"),
        "{error}"
    );
}

#[test]
fn null_for_a_field_that_cannot_be_cleared_is_an_error() {
    let error = read(json!({"firstName": null})).unwrap_err();
    assert!(error.to_string().contains("invalid type: null"), "{error}");
}

#[test]
fn an_empty_object_is_an_empty_patch() {
    assert!(read(json!({})).unwrap().is_empty());
    assert!(!ContactPatch::new().clear_email().is_empty());
}

#[test]
fn an_absent_patch_value_refuses_to_serialize_on_its_own() {
    // Outside a struct that skips it, writing `Absent` as anything would be a change.
    let error = serde_json::to_string(&Patch::<String>::Absent).unwrap_err();
    assert!(error.to_string().contains("Patch::Absent"), "{error}");
}

#[test]
fn patch_reads_null_as_null_and_values_as_values() {
    assert_eq!(
        serde_json::from_str::<Patch<u8>>("null").unwrap(),
        Patch::Null
    );
    assert_eq!(
        serde_json::from_str::<Patch<u8>>("7").unwrap(),
        Patch::Value(7)
    );
}

#[test]
fn a_null_inside_the_billing_address_is_an_error_not_dropped() {
    let error = read(json!({"billingAddress": {"city": null, "country": "GB"}})).unwrap_err();
    assert!(error.to_string().contains("`city` is null"), "{error}");
    let address = read(json!({"billingAddress": {"country": "GB"}})).unwrap();
    assert_eq!(
        serde_json::to_value(&address).unwrap(),
        json!({"billingAddress": {"country": "GB"}})
    );
}

#[test]
fn a_repeated_custom_field_key_is_an_error_not_a_silent_clear() {
    let error = serde_json::from_str::<ContactPatch>(r#"{"cf_x":"kept?","cf_x":null}"#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("duplicate field `cf_x`"), "{error}");
    let distinct: ContactPatch = serde_json::from_str(r#"{"cf_x":1,"cf_y":null}"#).unwrap();
    assert_eq!(
        serde_json::to_value(&distinct).unwrap(),
        json!({"cf_x": 1, "cf_y": null})
    );
}

#[test]
fn a_number_that_json_cannot_hold_is_refused_with_a_reason() {
    let error = ContactPatch::new()
        .custom_field("cf_score", f64::NAN)
        .unwrap_err();
    assert!(error.is_invalid_input());
    assert!(error.to_string().contains("NaN"), "{error}");
}
