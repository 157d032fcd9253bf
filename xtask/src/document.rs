//! Reading OpenAPI documents (JSON or YAML) and writing them in normalized form.
//!
//! Normalized means: serde_json pretty-printed with a 2-space indent, object keys sorted,
//! non-ASCII kept as is, one trailing newline. Every spec `xtask` writes is in this form,
//! so a spec change is a small, readable diff.

use std::{fmt, fs, path::Path};

use serde_json::{Map, Value};

use crate::pointer::Pointer;

/// The OpenAPI versions `import` reads; progenitor reads only the first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V3_0,
    V3_1,
}

/// Reads a JSON or YAML document.
pub fn load(path: &Path) -> Result<Value, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses JSON (a document that starts with `{`) or YAML (anything else).
pub fn parse(text: &str) -> Result<Value, String> {
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))
    } else {
        yaml_serde::from_str(text).map_err(|e| format!("invalid YAML: {e}"))
    }
}

/// The document in normalized form.
pub fn normalized(doc: &Value) -> String {
    // Serializing a `Value` cannot fail: its keys are strings and it holds no NaN.
    let mut text = serde_json::to_string_pretty(&sorted(doc)).expect("a Value serializes");
    text.push('\n');
    text
}

/// Sorts object keys explicitly, so the output does not depend on whether some crate in
/// the build turned on serde_json's `preserve_order`.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted(v)))
                    .collect::<Map<_, _>>(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Which OpenAPI version the document declares.
pub fn version(doc: &Value) -> Result<Version, String> {
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => Ok(Version::V3_0),
        Some(v) if v.starts_with("3.1.") => Ok(Version::V3_1),
        Some(v) => Err(format!(
            "openapi version {v} is not supported (only 3.0.x and 3.1.x)"
        )),
        None => Err("no `openapi` version: this is not an OpenAPI 3 document".into()),
    }
}

/// Why openapiv3 (and so `build.rs`) cannot read a document, and where.
#[derive(Debug)]
pub struct Unreadable {
    pub pointer: Pointer,
    pub message: String,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// Parses a 3.0 document with openapiv3, as `build.rs` does, saying where it failed.
pub fn parse_openapi(doc: &Value) -> Result<openapiv3::OpenAPI, Unreadable> {
    let at_version = || Pointer::root().push("openapi");
    match version(doc) {
        Ok(Version::V3_0) => {}
        Ok(Version::V3_1) => {
            return Err(Unreadable {
                pointer: at_version(),
                message: "this is OpenAPI 3.1; progenitor reads 3.0 only (`cargo xtask import` converts it)".into(),
            });
        }
        Err(message) => {
            return Err(Unreadable {
                pointer: at_version(),
                message,
            });
        }
    }
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let path = e.path().to_string();
        let pointer = path
            .split('.')
            .filter(|t| !t.is_empty() && *t != "?")
            .fold(Pointer::root(), |p, t| p.push(t));
        Unreadable {
            pointer,
            message: format!("not valid OpenAPI 3.0: {}", e.inner()),
        }
    })
}

/// Follows `$ref`s from `value` to what they name; the pointer is that of the last
/// target, or `None` when `value` was not a reference.
pub fn resolve<'a>(
    doc: &'a Value,
    value: &'a Value,
) -> Result<(&'a Value, Option<Pointer>), String> {
    let mut current = value;
    let mut at = None;
    // A chain longer than this is a cycle of references.
    for _ in 0..32 {
        let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
            return Ok((current, at));
        };
        let pointer = Pointer::from_ref(reference)
            .ok_or_else(|| format!("`{reference}` is not a reference into this document"))?;
        current = pointer
            .get(doc)
            .ok_or_else(|| format!("`{reference}` names nothing in this document"))?;
        at = Some(pointer);
    }
    Err("a cycle of `$ref`s".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalized_sorts_keys_keeps_unicode_and_ends_with_one_newline() {
        let doc = parse(r#"{"b": 1, "a": {"z": "ü", "y": [2, 1]}}"#).unwrap();
        assert_eq!(
            normalized(&doc),
            "{\n  \"a\": {\n    \"y\": [\n      2,\n      1\n    ],\n    \"z\": \"ü\"\n  },\n  \"b\": 1\n}\n"
        );
    }

    #[test]
    fn yaml_status_codes_become_string_keys() {
        let doc = parse("responses:\n  200:\n    description: OK\n").unwrap();
        assert_eq!(doc["responses"]["200"]["description"], "OK");
    }

    #[test]
    fn openapiv3_errors_name_the_pointer() {
        let doc = parse(
            r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {},
                "components": {"schemas": {"A": {"type": ["string", "null"]}}}}"#,
        )
        .unwrap();
        let err = parse_openapi(&doc).unwrap_err();
        assert_eq!(err.pointer.to_string(), "/components/schemas/A", "{err}");
    }
}
