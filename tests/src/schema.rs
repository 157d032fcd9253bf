//! The JSON Schemas of the public request and response types, and a tidy test that
//! keeps the hand-written request type in step with the spec.

use std::collections::BTreeMap;

use heffl_sdk::{Contact, ContactKind, ContactPatch, ErrorCode};
use schemars::{
    JsonSchema, Schema,
    generate::SchemaSettings,
    transform::{AddNullable, Transform},
};
use serde_json::Value;

use crate::spec;

/// The schema of `T` as OpenAPI 3.0 would write it.
fn openapi_schema_of<T: JsonSchema>() -> Value {
    let mut schema = SchemaSettings::openapi3()
        .into_generator()
        .into_root_schema_for::<T>();
    // schemars applies its OpenAPI transforms to the root schema but not to the ones
    // it moves under `components/schemas`, which would keep 2020-12 `type` arrays.
    if let Some(Value::Object(components)) = schema
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
    {
        for component in components.values_mut() {
            if let Ok(mut sub) = Schema::try_from(component.take()) {
                AddNullable::default().transform(&mut sub);
                *component = sub.to_value();
            }
        }
    }
    schema.to_value()
}

#[test]
fn contact_patch_json_schema() {
    insta::assert_json_snapshot!(openapi_schema_of::<ContactPatch>());
}

#[test]
fn contact_json_schema() {
    insta::assert_json_snapshot!(openapi_schema_of::<Contact>());
}

/// What matters about a property for the wire: its type (or the schema it refers
/// to), its format, and whether it may be `null`.
fn property_shapes(schema: &Value) -> BTreeMap<String, String> {
    let properties = schema["properties"].as_object().expect("an object schema");
    properties
        .iter()
        .map(|(name, property)| {
            let kind = match property.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    format!("ref {}", reference.rsplit('/').next().unwrap_or_default())
                }
                None => property["type"].as_str().unwrap_or("any").to_owned(),
            };
            let format = property["format"]
                .as_str()
                .map(|f| format!(" format {f}"))
                .unwrap_or_default();
            let nullable = if property["nullable"] == Value::Bool(true) {
                " nullable"
            } else {
                ""
            };
            (name.clone(), format!("{kind}{format}{nullable}"))
        })
        .collect()
}

fn required(schema: &Value) -> Vec<String> {
    let mut names: Vec<String> = schema["required"]
        .as_array()
        .map(|names| {
            names
                .iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn contact_patch_matches_the_specs_request_schema() {
    let sdk = openapi_schema_of::<ContactPatch>();
    let spec = spec::schema("UpdateContactRequest");
    assert_eq!(
        property_shapes(&sdk),
        property_shapes(&spec),
        "properties drifted apart"
    );
    assert_eq!(
        required(&sdk),
        required(&spec),
        "required properties drifted apart"
    );
    assert!(
        sdk["additionalProperties"] != Value::Bool(false)
            && spec["additionalProperties"].is_object(),
        "both must allow the cf_* keys"
    );
}

#[test]
fn every_contact_type_in_the_spec_is_a_known_contact_kind() {
    for value in spec::schema("ContactType")["enum"].as_array().unwrap() {
        let kind: ContactKind = serde_json::from_value(value.clone()).unwrap();
        assert!(
            !matches!(kind, ContactKind::Other(_)),
            "{value} reads as ContactKind::Other"
        );
        assert_eq!(serde_json::to_value(&kind).unwrap(), *value);
    }
}

#[test]
fn every_error_code_in_the_spec_is_a_known_error_code() {
    for value in spec::schema("ErrorCode")["enum"].as_array().unwrap() {
        let code: ErrorCode = serde_json::from_value(value.clone()).unwrap();
        assert!(
            !matches!(code, ErrorCode::Unknown(_)),
            "{value} reads as ErrorCode::Unknown"
        );
        assert_eq!(code.as_str(), value.as_str().unwrap());
    }
}
