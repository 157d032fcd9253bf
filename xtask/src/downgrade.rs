//! Converting an OpenAPI 3.1 document to 3.0, which is all progenitor reads.
//!
//! Each rewrite is recorded with its pointer so `import` can print it. Rewrites keep the
//! meaning (`type: [string, null]` is `type: string, nullable: true`); a construct 3.0
//! cannot say (`if`/`then`, `prefixItems`, a type union) is an error naming its pointer,
//! never dropped. Annotation-only keywords that 3.0 lacks (`$comment`, `contentMediaType`)
//! are dropped, and that is printed too.

use std::fmt;

use serde_json::{Map, Value, json};

use crate::{
    document::{self, Version},
    finding::Finding,
    pointer::Pointer,
    walk,
};

/// One rewrite `import` made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conversion {
    pub pointer: Pointer,
    pub what: String,
}

impl fmt::Display for Conversion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.what)
    }
}

/// The rule id of every conversion error.
pub const UNCONVERTIBLE: &str = "openapi-3.1-unconvertible";

/// The version every converted document declares.
pub const TARGET_VERSION: &str = "3.0.3";

/// JSON Schema 2020-12 keywords that constrain data and have no 3.0 spelling.
const UNSUPPORTED: &[&str] = &[
    "$defs",
    "$dynamicAnchor",
    "$dynamicRef",
    "$anchor",
    "$id",
    "$recursiveRef",
    "$vocabulary",
    "contains",
    "dependencies",
    "dependentRequired",
    "dependentSchemas",
    "else",
    "if",
    "maxContains",
    "minContains",
    "prefixItems",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
];

/// Keywords that only annotate; 3.0 has no place for them.
const ANNOTATIONS: &[&str] = &["$schema", "$comment", "contentMediaType", "contentSchema"];

/// Converts `doc` to OpenAPI 3.0 in place; a 3.0 document is left as it is.
pub fn to_3_0(doc: &mut Value) -> Result<Vec<Conversion>, Vec<Finding>> {
    let version = document::version(doc).map_err(|e| {
        vec![Finding::error(
            UNCONVERTIBLE,
            Pointer::root().push("openapi"),
            e,
        )]
    })?;
    if version == Version::V3_0 {
        return Ok(Vec::new());
    }
    let mut run = Run::default();
    run.document(doc);
    let sites = walk::sites(doc);
    for at in &sites.references {
        if let Some(Value::Object(reference)) = at.get_mut(doc) {
            run.reference_siblings(at, reference);
        }
    }
    // Subschemas first: a parent's rewrite (dropping a `null` branch of `anyOf`) then
    // sees branches that are already 3.0.
    for at in sites.schemas.iter().rev() {
        if let Some(schema) = at.get_mut(doc) {
            run.schema(at, schema);
        }
    }
    // A `null` type is fine as a branch its parent turned into `nullable`; anywhere else
    // 3.0 cannot say it.
    for at in walk::sites(doc).schemas {
        if at.get(doc).and_then(|s| s.get("type")) == Some(&json!("null")) {
            run.error(
                &at.push("type"),
                "a schema that only allows null has no 3.0 equivalent",
            );
        }
    }
    // Subschemas were converted first; report in pointer order, which reads better.
    run.conversions.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    run.errors.sort_by(|a, b| a.pointer.cmp(&b.pointer));
    if run.errors.is_empty() {
        Ok(run.conversions)
    } else {
        Err(run.errors)
    }
}

#[derive(Default)]
struct Run {
    conversions: Vec<Conversion>,
    errors: Vec<Finding>,
}

impl Run {
    fn note(&mut self, at: &Pointer, what: impl Into<String>) {
        self.conversions.push(Conversion {
            pointer: at.clone(),
            what: what.into(),
        });
    }

    fn error(&mut self, at: &Pointer, why: impl Into<String>) {
        self.errors
            .push(Finding::error(UNCONVERTIBLE, at.clone(), why));
    }

    /// Document-level differences between 3.1 and 3.0.
    fn document(&mut self, doc: &mut Value) {
        let root = Pointer::root();
        let Some(top) = doc.as_object_mut() else {
            return;
        };
        if let Some(Value::String(from)) = top.insert("openapi".into(), json!(TARGET_VERSION)) {
            self.note(&root.push("openapi"), format!("{from} → {TARGET_VERSION}"));
        }
        if top.remove("jsonSchemaDialect").is_some() {
            self.note(
                &root.push("jsonSchemaDialect"),
                "dropped (3.0 has one schema dialect)",
            );
        }
        if let Some(webhooks) = top.remove("webhooks") {
            let count = webhooks.as_object().map_or(0, Map::len);
            self.note(
                &root.push("webhooks"),
                format!("dropped {count} webhook(s): 3.0 has no webhooks and the SDK sends none"),
            );
        }
        if !top.contains_key("paths") {
            top.insert("paths".into(), json!({}));
            self.note(
                &root.push("paths"),
                "added an empty `paths` (required in 3.0)",
            );
        }
        if let Some(info) = top.get_mut("info").and_then(Value::as_object_mut) {
            if info.remove("summary").is_some() {
                self.note(
                    &root.push("info").push("summary"),
                    "dropped (3.0 has no info.summary)",
                );
            }
            if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut)
                && license.remove("identifier").is_some()
            {
                self.note(
                    &root.push("info").push("license").push("identifier"),
                    "dropped the SPDX identifier (3.0 has only name and url)",
                );
            }
        }
        if let Some(components) = top.get("components") {
            if components
                .get("pathItems")
                .and_then(Value::as_object)
                .is_some_and(|m| !m.is_empty())
            {
                self.error(
                    &root.push("components").push("pathItems"),
                    "3.0 has no reusable path items; inline them under `paths` upstream",
                );
            }
            for (name, scheme) in walk::entries(components, "securitySchemes") {
                if scheme.get("type") == Some(&json!("mutualTLS")) {
                    self.error(
                        &root
                            .push("components")
                            .push("securitySchemes")
                            .push(name)
                            .push("type"),
                        "3.0 has no mutualTLS security scheme",
                    );
                }
            }
        }
    }

    /// 3.1 lets a reference object carry `summary` and `description`; 3.0 ignores
    /// anything next to `$ref`.
    fn reference_siblings(&mut self, at: &Pointer, reference: &mut Map<String, Value>) {
        let siblings: Vec<String> = reference.keys().filter(|k| *k != "$ref").cloned().collect();
        if siblings.is_empty() {
            return;
        }
        reference.retain(|k, _| k == "$ref");
        self.note(
            at,
            format!(
                "dropped {} next to $ref (3.0 ignores siblings of a reference)",
                siblings.join(", ")
            ),
        );
    }

    fn schema(&mut self, at: &Pointer, schema: &mut Value) {
        if let Value::Bool(allow) = *schema {
            *schema = if allow { json!({}) } else { json!({"not": {}}) };
            self.note(at, format!("boolean schema {allow} → {schema}"));
            return;
        }
        let Some(map) = schema.as_object_mut() else {
            return;
        };
        self.ref_siblings(at, map);
        self.type_array(at, map);
        self.null_branch(at, map, "anyOf");
        self.null_branch(at, map, "oneOf");
        self.constant(at, map);
        self.examples(at, map);
        self.exclusive_bound(at, map, "exclusiveMinimum", "minimum");
        self.exclusive_bound(at, map, "exclusiveMaximum", "maximum");
        self.content_encoding(at, map);
        self.pattern_properties(at, map);
        self.items_array(at, map);
        for keyword in ANNOTATIONS {
            if map.remove(*keyword).is_some() {
                self.note(
                    &at.push(keyword),
                    "dropped (annotation only; 3.0 has no such keyword)",
                );
            }
        }
        for keyword in UNSUPPORTED {
            if map.contains_key(*keyword) {
                self.error(
                    &at.push(keyword),
                    format!("`{keyword}` has no OpenAPI 3.0 equivalent"),
                );
            }
        }
    }

    /// In 3.1 the keywords next to `$ref` apply too; in 3.0 only `allOf` says that.
    fn ref_siblings(&mut self, at: &Pointer, map: &mut Map<String, Value>) {
        if !map.contains_key("$ref") || map.len() == 1 {
            return;
        }
        let reference = map.remove("$ref").expect("checked above");
        let all_of = map.entry("allOf").or_insert_with(|| json!([]));
        match all_of.as_array_mut() {
            Some(list) => list.insert(0, json!({ "$ref": reference })),
            None => return self.error(&at.push("allOf"), "`allOf` is not a list"),
        }
        self.note(
            at,
            "$ref with sibling keywords → allOf: [$ref] with the siblings",
        );
    }

    /// `type: [T, "null"]` → `type: T, nullable: true`.
    fn type_array(&mut self, at: &Pointer, map: &mut Map<String, Value>) {
        let Some(Value::Array(types)) = map.get("type") else {
            return;
        };
        let nullable = types.iter().any(|t| t == "null");
        let others: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        let before = Value::Array(types.clone());
        match others.as_slice() {
            [] => {
                map.insert("type".into(), json!("null"));
            }
            [one] => {
                map.insert("type".into(), one.clone());
            }
            _ => {
                return self.error(
                    &at.push("type"),
                    format!("type {before} allows several types; 3.0 has one type per schema (use oneOf upstream)"),
                );
            }
        }
        if nullable {
            map.insert("nullable".into(), json!(true));
        }
        let after = if nullable { ", nullable: true" } else { "" };
        let single = map["type"].as_str().unwrap_or_default();
        self.note(
            &at.push("type"),
            format!("type: {before} → type: {single}{after}"),
        );
    }

    /// `anyOf`/`oneOf` with a `{type: "null"}` branch → `nullable: true` and the rest.
    fn null_branch(&mut self, at: &Pointer, map: &mut Map<String, Value>, keyword: &str) {
        let Some(Value::Array(branches)) = map.get(keyword) else {
            return;
        };
        let (nulls, rest): (Vec<Value>, Vec<Value>) =
            branches.iter().cloned().partition(is_null_branch);
        if nulls.is_empty() {
            return;
        }
        map.insert("nullable".into(), json!(true));
        let how = match rest.as_slice() {
            [] => {
                map.remove(keyword);
                map.insert("type".into(), json!("null"));
                "kept only null".to_string()
            }
            [one] => {
                map.remove(keyword);
                self.absorb(map, one.clone())
            }
            _ => {
                map.insert(keyword.into(), Value::Array(rest));
                format!("kept the other {keyword} branches")
            }
        };
        self.note(
            &at.push(keyword),
            format!("{keyword} with a null branch → nullable: true, {how}"),
        );
    }

    /// Puts the one non-null branch of an `anyOf`/`oneOf` into its parent.
    fn absorb(&mut self, map: &mut Map<String, Value>, branch: Value) -> String {
        let mergeable = branch.get("$ref").is_none()
            && branch
                .as_object()
                .is_some_and(|b| b.keys().all(|k| !map.contains_key(k)));
        if mergeable {
            if let Value::Object(b) = branch {
                map.extend(b);
            }
            return "merged the other branch into the schema".into();
        }
        // A `$ref` cannot sit next to `nullable` in 3.0; `allOf: [$ref]` is the idiom that
        // typify reads as "this type, or null".
        match map.entry("allOf").or_insert_with(|| json!([])) {
            Value::Array(list) => list.push(branch),
            other => *other = json!([branch]),
        }
        "the other branch → allOf".into()
    }

    /// `const: v` → `enum: [v]`.
    fn constant(&mut self, at: &Pointer, map: &mut Map<String, Value>) {
        let Some(value) = map.remove("const") else {
            return;
        };
        if value.is_null() {
            map.insert("type".into(), json!("null"));
            return self.note(&at.push("const"), "const null → type null");
        }
        if map.contains_key("enum") {
            return self.error(
                &at.push("const"),
                "both `const` and `enum`; say one upstream",
            );
        }
        self.note(
            &at.push("const"),
            format!("const {value} → enum: [{value}]"),
        );
        map.insert("enum".into(), json!([value]));
    }

    /// A 3.1 schema's `examples` list → the 3.0 `example`.
    fn examples(&mut self, at: &Pointer, map: &mut Map<String, Value>) {
        let Some(examples) = map.remove("examples") else {
            return;
        };
        let Value::Array(list) = examples else {
            return self.error(
                &at.push("examples"),
                "`examples` in a schema must be a list",
            );
        };
        let at = at.push("examples");
        match list.first() {
            _ if map.contains_key("example") => {
                self.note(
                    &at,
                    format!(
                        "dropped {} example(s): `example` is already set",
                        list.len()
                    ),
                );
            }
            Some(first) => {
                let dropped = match list.len() {
                    1 => String::new(),
                    n => format!(" (dropped the other {})", n - 1),
                };
                self.note(&at, format!("examples → example: the first{dropped}"));
                map.insert("example".into(), first.clone());
            }
            None => self.note(&at, "dropped an empty examples list"),
        }
    }

    /// Numeric `exclusiveMinimum: n` → `minimum: n, exclusiveMinimum: true` (and for max).
    fn exclusive_bound(
        &mut self,
        at: &Pointer,
        map: &mut Map<String, Value>,
        exclusive: &str,
        inclusive: &str,
    ) {
        let Some(limit) = map.get(exclusive).and_then(Value::as_f64) else {
            return;
        };
        let raw = map[exclusive].clone();
        let lower = inclusive == "minimum";
        let inclusive_is_stricter = map
            .get(inclusive)
            .and_then(Value::as_f64)
            .is_some_and(|m| if lower { m > limit } else { m < limit });
        let at = at.push(exclusive);
        if inclusive_is_stricter {
            map.remove(exclusive);
            self.note(
                &at,
                format!(
                    "dropped {exclusive} {raw}: {inclusive} {} is stricter",
                    map[inclusive]
                ),
            );
        } else {
            map.insert(inclusive.into(), raw.clone());
            map.insert(exclusive.into(), json!(true));
            self.note(
                &at,
                format!("{exclusive} {raw} → {inclusive}: {raw}, {exclusive}: true"),
            );
        }
    }

    /// `contentEncoding: base64` is 3.0's `format: byte`.
    fn content_encoding(&mut self, at: &Pointer, map: &mut Map<String, Value>) {
        let Some(encoding) = map.remove("contentEncoding") else {
            return;
        };
        let at = at.push("contentEncoding");
        if encoding == "base64" && !map.contains_key("format") {
            map.insert("format".into(), json!("byte"));
            self.note(&at, "contentEncoding base64 → format: byte");
        } else {
            self.note(
                &at,
                format!("dropped contentEncoding {encoding} (annotation only)"),
            );
        }
    }

    /// One `patternProperties` entry → `additionalProperties` with that schema; 3.0 cannot
    /// constrain key names, so the pattern is kept in `x-patternProperties` for readers.
    fn pattern_properties(&mut self, at: &Pointer, map: &mut Map<String, Value>) {
        let Some(patterns) = map.get("patternProperties") else {
            return;
        };
        let at = at.push("patternProperties");
        let single = patterns.as_object().filter(|p| p.len() == 1);
        let open = match map.get("additionalProperties") {
            None => true,
            Some(Value::Bool(b)) => *b,
            Some(Value::Object(o)) => o.is_empty(),
            Some(_) => false,
        };
        let Some(single) = single.filter(|_| open) else {
            return self.error(
                &at,
                "3.0 has no patternProperties; only one pattern on an otherwise open object converts",
            );
        };
        let (pattern, schema) = single.iter().next().expect("one entry");
        let (pattern, schema) = (pattern.clone(), schema.clone());
        let patterns = map.remove("patternProperties").expect("checked above");
        map.insert("additionalProperties".into(), schema);
        map.insert("x-patternProperties".into(), patterns);
        self.note(
            &at,
            format!(
                "patternProperties {pattern} → additionalProperties (3.0 cannot check key names)"
            ),
        );
    }

    /// 3.1 spells a tuple `prefixItems`; a list under `items` is neither 3.0 nor 3.1.
    fn items_array(&mut self, at: &Pointer, map: &mut Map<String, Value>) {
        if map.get("items").is_some_and(Value::is_array) {
            self.error(
                &at.push("items"),
                "`items` as a list (a tuple) has no 3.0 equivalent",
            );
        }
    }
}

/// A branch that allows only `null`.
fn is_null_branch(branch: &Value) -> bool {
    let Some(map) = branch.as_object() else {
        return false;
    };
    let only_null =
        map.get("type") == Some(&json!("null")) || map.get("const") == Some(&Value::Null);
    only_null
        && map
            .keys()
            .all(|k| matches!(k.as_str(), "type" | "const" | "description" | "title"))
}

#[cfg(test)]
mod tests {
    use std::{fs, path::PathBuf};

    use super::*;

    /// A fixture in `tests/fixtures/convert/`: a 3.1 document, the 3.0 document it must
    /// become, and the pointers the conversion must report.
    fn assert_converts(name: &str) {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/convert")
            .join(format!("{name}.json"));
        let fixture: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let mut doc = fixture["input"].clone();
        let conversions = to_3_0(&mut doc).unwrap_or_else(|errors| {
            panic!(
                "{name}: {}",
                errors
                    .iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert_eq!(doc, fixture["output"], "{name}: converted document");
        let pointers: Vec<_> = conversions.iter().map(|c| c.pointer.to_string()).collect();
        assert_eq!(
            pointers,
            fixture["conversions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect::<Vec<_>>(),
            "{name}: reported conversions"
        );
    }

    /// A fixture whose document cannot be converted: every error names its pointer.
    fn assert_refuses(name: &str) {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/convert")
            .join(format!("{name}.json"));
        let fixture: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        let mut doc = fixture["input"].clone();
        let errors = to_3_0(&mut doc).expect_err(name);
        let pointers: Vec<_> = errors.iter().map(|e| e.pointer.to_string()).collect();
        assert_eq!(
            pointers,
            fixture["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_str().unwrap())
                .collect::<Vec<_>>(),
            "{name}: errors {errors:?}"
        );
    }

    #[test]
    fn type_array_with_null_becomes_nullable() {
        assert_converts("type-array-null");
    }

    #[test]
    fn any_of_with_null_and_a_ref_becomes_nullable_all_of() {
        assert_converts("any-of-null-ref");
    }

    #[test]
    fn one_of_with_null_and_an_inline_schema_is_merged() {
        assert_converts("one-of-null-inline");
    }

    #[test]
    fn const_becomes_a_one_value_enum() {
        assert_converts("const");
    }

    #[test]
    fn schema_examples_become_example() {
        assert_converts("schema-examples");
    }

    #[test]
    fn numeric_exclusive_bounds_become_boolean_flags() {
        assert_converts("exclusive-bounds");
    }

    #[test]
    fn ref_siblings_move_into_all_of() {
        assert_converts("ref-siblings");
    }

    #[test]
    fn reference_object_siblings_are_dropped() {
        assert_converts("reference-object-siblings");
    }

    #[test]
    fn document_level_3_1_fields_are_dropped_or_converted() {
        assert_converts("document-fields");
    }

    #[test]
    fn annotations_and_content_encoding_are_converted() {
        assert_converts("content-keywords");
    }

    #[test]
    fn one_pattern_property_becomes_additional_properties() {
        assert_converts("pattern-properties");
    }

    #[test]
    fn boolean_subschemas_become_objects() {
        assert_converts("boolean-schemas");
    }

    #[test]
    fn type_unions_and_conditionals_are_refused_with_their_pointers() {
        assert_refuses("unconvertible");
    }

    #[test]
    fn a_3_0_document_is_left_alone() {
        let mut doc = json!({"openapi": "3.0.3", "paths": {}, "components": {"schemas": {"A": {"type": "string", "nullable": true}}}});
        let before = doc.clone();
        assert_eq!(to_3_0(&mut doc), Ok(vec![]));
        assert_eq!(doc, before);
    }
}
