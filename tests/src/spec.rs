//! Read-only access to the checked-in spec, for tests that hold the SDK to it.

use serde_json::Value;

/// The spec as JSON.
pub fn json() -> Value {
    serde_json::from_str(include_str!("../../openapi/heffl-contacts.json"))
        .expect("the checked-in spec is JSON")
}

/// `components.schemas.<name>`.
pub fn schema(name: &str) -> Value {
    let schema = json()["components"]["schemas"][name].clone();
    assert!(schema.is_object(), "the spec has no schema {name}");
    schema
}

/// The example the spec gives for the update's response with `status`.
pub fn response_example(status: &str) -> Value {
    let spec = json();
    let mut response = &spec["paths"]["/contacts/{id}"]["patch"]["responses"][status];
    if let Some(Value::String(reference)) = response.get("$ref") {
        let name = reference.rsplit('/').next().unwrap_or_default();
        response = &spec["components"]["responses"][name];
    }
    let example = response["content"]["application/json"]["example"].clone();
    assert!(!example.is_null(), "the {status} response has no example");
    example
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
