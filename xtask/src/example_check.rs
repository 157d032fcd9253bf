//! Does an example match its schema? A validator for the OpenAPI 3.0 schema vocabulary.
//!
//! Written here rather than taken from a JSON Schema crate because 3.0 schemas are not
//! JSON Schema: `nullable`, boolean `exclusiveMinimum` and `$ref`s into `components` would
//! each need translating first, and the crates that do it pull in a large dependency
//! graph for the dozen keywords our specs use. Keywords it does not know (`readOnly`,
//! `discriminator`, extensions) do not constrain, as in JSON Schema. Formats checked:
//! `date-time` (which typify parses with chrono) and `email`; others are annotations.

use serde_json::Value;

use crate::{document, pointer::Pointer};

/// A place in the example that does not match, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// Where in the example (relative to the example's root).
    pub at: Pointer,
    pub message: String,
}

/// Checks `instance` against `schema`, resolving `$ref`s in `doc`.
pub fn check(doc: &Value, schema: &Value, instance: &Value) -> Vec<Mismatch> {
    let mut out = Vec::new();
    Checker { doc, out: &mut out }.check(schema, instance, &Pointer::root(), 0);
    out
}

struct Checker<'a> {
    doc: &'a Value,
    out: &'a mut Vec<Mismatch>,
}

impl Checker<'_> {
    fn fail(&mut self, at: &Pointer, message: impl Into<String>) {
        self.out.push(Mismatch {
            at: at.clone(),
            message: message.into(),
        });
    }

    /// Whether `instance` matches, without recording anything (for anyOf/oneOf/not).
    fn matches(&self, schema: &Value, instance: &Value, depth: usize) -> bool {
        let mut scratch = Vec::new();
        Checker {
            doc: self.doc,
            out: &mut scratch,
        }
        .check(schema, instance, &Pointer::root(), depth);
        scratch.is_empty()
    }

    fn check(&mut self, schema: &Value, instance: &Value, at: &Pointer, depth: usize) {
        // Deeper than any real example; a recursive schema with a recursive example.
        if depth > 64 {
            return;
        }
        let schema = match document::resolve(self.doc, schema) {
            Ok((schema, _)) => schema,
            Err(e) => return self.fail(at, format!("the schema cannot be resolved: {e}")),
        };
        let Some(s) = schema.as_object() else {
            return;
        };
        if instance.is_null() && s.get("nullable") == Some(&Value::Bool(true)) {
            return;
        }
        for part in s
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.check(part, instance, at, depth + 1);
        }
        if let Some(branches) = s.get("anyOf").and_then(Value::as_array)
            && !branches
                .iter()
                .any(|b| self.matches(b, instance, depth + 1))
        {
            self.fail(at, "matches none of the anyOf schemas");
        }
        if let Some(branches) = s.get("oneOf").and_then(Value::as_array) {
            let matching = branches
                .iter()
                .filter(|b| self.matches(b, instance, depth + 1))
                .count();
            if matching != 1 {
                self.fail(
                    at,
                    format!("matches {matching} of the oneOf schemas, not exactly one"),
                );
            }
        }
        if let Some(not) = s.get("not")
            && self.matches(not, instance, depth + 1)
        {
            self.fail(at, "matches the schema under `not`");
        }
        if let Some(allowed) = s.get("enum").and_then(Value::as_array)
            && !allowed.contains(instance)
        {
            self.fail(
                at,
                format!("{instance} is not one of {}", Value::Array(allowed.clone())),
            );
        }
        if let Some(expected) = s.get("type").and_then(Value::as_str)
            && !has_type(instance, expected)
        {
            let nullable = if instance.is_null() {
                " (the schema is not nullable)"
            } else {
                ""
            };
            let found = type_name(instance);
            return self.fail(at, format!("expected {expected}, found {found}{nullable}"));
        }
        match instance {
            Value::String(text) => self.string(s, text, at),
            Value::Number(_) => self.number(s, instance, at),
            Value::Array(items) => {
                self.count(s, at, items.len(), "items", ["minItems", "maxItems"]);
                if s.get("uniqueItems") == Some(&Value::Bool(true))
                    && items
                        .iter()
                        .enumerate()
                        .any(|(i, a)| items[..i].contains(a))
                {
                    self.fail(at, "items are not unique (uniqueItems)");
                }
                if let Some(item_schema) = s.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item_schema, item, &at.push(i), depth + 1);
                    }
                }
            }
            Value::Object(object) => {
                let properties = s.get("properties").and_then(Value::as_object);
                for name in s
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(name) = name.as_str()
                        && !object.contains_key(name)
                    {
                        self.fail(at, format!("required property `{name}` is missing"));
                    }
                }
                for (key, value) in object {
                    match (
                        properties.and_then(|p| p.get(key)),
                        s.get("additionalProperties"),
                    ) {
                        (Some(property), _) => {
                            self.check(property, value, &at.push(key), depth + 1)
                        }
                        (None, Some(Value::Bool(false))) => self.fail(
                            &at.push(key),
                            format!(
                                "property `{key}` is not allowed (additionalProperties: false)"
                            ),
                        ),
                        (None, Some(extra)) if extra.is_object() => {
                            self.check(extra, value, &at.push(key), depth + 1)
                        }
                        _ => {}
                    }
                }
                self.count(
                    s,
                    at,
                    object.len(),
                    "properties",
                    ["minProperties", "maxProperties"],
                );
            }
            Value::Null | Value::Bool(_) => {}
        }
    }

    /// A `min…`/`max…` pair of keywords over `count` (of items, properties, characters).
    fn count(
        &mut self,
        s: &serde_json::Map<String, Value>,
        at: &Pointer,
        count: usize,
        what: &str,
        [min, max]: [&str; 2],
    ) {
        let count = count as u64;
        if let Some(limit) = s.get(min).and_then(Value::as_u64)
            && count < limit
        {
            self.fail(at, format!("{count} {what}, fewer than {min} {limit}"));
        }
        if let Some(limit) = s.get(max).and_then(Value::as_u64)
            && count > limit
        {
            self.fail(at, format!("{count} {what}, more than {max} {limit}"));
        }
    }

    fn string(&mut self, s: &serde_json::Map<String, Value>, text: &str, at: &Pointer) {
        let length = text.chars().count();
        self.count(s, at, length, "characters", ["minLength", "maxLength"]);
        if let Some(pattern) = s.get("pattern").and_then(Value::as_str) {
            match regress::Regex::new(pattern) {
                Ok(re) if re.find(text).is_none() => {
                    self.fail(at, format!("\"{text}\" does not match pattern {pattern}"))
                }
                Ok(_) => {}
                Err(e) => self.fail(at, format!("pattern {pattern} is not a valid regex: {e}")),
            }
        }
        match s.get("format").and_then(Value::as_str) {
            Some("date-time") if chrono::DateTime::parse_from_rfc3339(text).is_err() => {
                self.fail(at, format!("\"{text}\" is not an RFC 3339 date-time"));
            }
            Some("email") if !is_email(text) => {
                self.fail(at, format!("\"{text}\" is not an email address"));
            }
            _ => {}
        }
    }

    fn number(&mut self, s: &serde_json::Map<String, Value>, instance: &Value, at: &Pointer) {
        let Some(n) = instance.as_f64() else { return };
        let exclusive = |key| s.get(key) == Some(&Value::Bool(true));
        if let Some(min) = s.get("minimum").and_then(Value::as_f64)
            && (n < min || (exclusive("exclusiveMinimum") && n == min))
        {
            self.fail(
                at,
                format!("{instance} is below the minimum {}", s["minimum"]),
            );
        }
        if let Some(max) = s.get("maximum").and_then(Value::as_f64)
            && (n > max || (exclusive("exclusiveMaximum") && n == max))
        {
            self.fail(
                at,
                format!("{instance} is above the maximum {}", s["maximum"]),
            );
        }
        if let Some(step) = s.get("multipleOf").and_then(Value::as_f64)
            && step > 0.0
            && ((n / step) - (n / step).round()).abs() > 1e-9
        {
            self.fail(
                at,
                format!("{instance} is not a multiple of {}", s["multipleOf"]),
            );
        }
    }
}

fn has_type(instance: &Value, expected: &str) -> bool {
    match expected {
        "string" => instance.is_string(),
        "number" => instance.is_number(),
        "integer" => {
            instance.is_i64()
                || instance.is_u64()
                || instance.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        "boolean" => instance.is_boolean(),
        "array" => instance.is_array(),
        "object" => instance.is_object(),
        _ => true,
    }
}

fn type_name(instance: &Value) -> &'static str {
    match instance {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The shape of an address (one `@`, something either side, a dot in the domain), not
/// RFC 5322: enough to catch a placeholder like `<string>` in an example.
fn is_email(text: &str) -> bool {
    let mut parts = text.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn mismatches(schema: Value, instance: Value) -> Vec<String> {
        let doc = json!({"components": {"schemas": {
            "Kind": {"type": "string", "enum": ["contact", "company"]},
            "Contact": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string", "pattern": "^clt_"},
                    "email": {"type": "string", "format": "email", "nullable": true},
                    "kind": {"allOf": [{"$ref": "#/components/schemas/Kind"}], "nullable": true},
                    "createdAt": {"type": "string", "format": "date-time"},
                    "balance": {"type": "number", "minimum": 0, "exclusiveMinimum": true}
                },
                "additionalProperties": false
            }
        }}});
        check(&doc, &schema, &instance)
            .into_iter()
            .map(|m| format!("{}: {}", m.at, m.message))
            .collect()
    }

    #[test]
    fn a_matching_example_has_no_mismatches() {
        let contact = json!({"$ref": "#/components/schemas/Contact"});
        let example = json!({"id": "clt_1", "email": null, "kind": null, "createdAt": "2023-11-07T05:31:56Z", "balance": 1});
        assert_eq!(mismatches(contact, example), Vec::<String>::new());
    }

    #[test]
    fn each_mismatch_names_its_place() {
        let contact = json!({"$ref": "#/components/schemas/Contact"});
        let example = json!({"email": "<string>", "kind": "lead", "createdAt": "yesterday", "balance": 0, "extra": 1});
        assert_eq!(
            mismatches(contact, example),
            [
                "/: required property `id` is missing",
                "/balance: 0 is below the minimum 0",
                "/createdAt: \"yesterday\" is not an RFC 3339 date-time",
                "/email: \"<string>\" is not an email address",
                "/extra: property `extra` is not allowed (additionalProperties: false)",
                "/kind: \"lead\" is not one of [\"contact\",\"company\"]",
            ]
        );
    }

    #[test]
    fn lengths_and_counts_are_checked() {
        let schema =
            json!({"type": "array", "maxItems": 1, "items": {"type": "string", "minLength": 2}});
        assert_eq!(
            mismatches(schema, json!(["a", "bc"])),
            [
                "/: 2 items, more than maxItems 1",
                "/0: 1 characters, fewer than minLength 2"
            ]
        );
    }

    #[test]
    fn null_needs_nullable() {
        assert_eq!(
            mismatches(json!({"type": "string"}), json!(null)),
            ["/: expected string, found null (the schema is not nullable)"]
        );
    }
}
