//! The rules `validate` checks once openapiv3 has parsed the spec.
//!
//! Rule ids follow Spectral and Redocly where one of them has the rule; the `heffl-`
//! rules are this API's conventions (one error envelope, `RateLimit-*` headers, `null`
//! that means "clear") and what typify needs to keep data (no `additionalProperties:
//! true`). Each finding names the pointer to fix.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::{
    document::resolve,
    example_check,
    finding::Finding,
    pointer::Pointer,
    walk::{self, METHODS},
};

/// The schema every non-2xx response must use.
pub const ERROR_ENVELOPE: &str = "#/components/schemas/ErrorResponse";

/// The headers Heffl sends with rate-limit information.
pub const RATE_LIMIT_HEADERS: [&str; 3] =
    ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"];

/// Runs every rule over a 3.0 document.
pub fn lint(doc: &Value) -> Vec<Finding> {
    let mut findings = Vec::new();
    let operations = operations(doc);
    operation_ids(&operations, &mut findings);
    path_parameters(doc, &mut findings);
    for op in &operations {
        responses(doc, op, &mut findings);
    }
    nullable_request_properties(doc, &operations, &mut findings);
    no_response_string_constraints(doc, &operations, &mut findings);
    no_additional_properties_true(doc, &mut findings);
    examples(doc, &mut findings);
    findings
}

/// An operation and where it is.
struct Operation<'a> {
    at: Pointer,
    name: String,
    op: &'a Value,
}

fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    for (path, item) in walk::entries(doc, "paths") {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                out.push(Operation {
                    at: Pointer::root().push("paths").push(path).push(method),
                    name: format!("{} {path}", method.to_uppercase()),
                    op,
                });
            }
        }
    }
    out
}

/// progenitor names each method after its operationId and refuses an operation without one.
fn operation_ids(operations: &[Operation], findings: &mut Vec<Finding>) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for op in operations {
        match op.op.get("operationId").and_then(Value::as_str) {
            None => findings.push(Finding::error(
                "operation-operationId",
                op.at.clone(),
                format!(
                    "{} has no operationId; progenitor needs one to name the method",
                    op.name
                ),
            )),
            Some(id) => {
                if let Some(first) = seen.insert(id, &op.name) {
                    findings.push(Finding::error(
                        "operation-operationId-unique",
                        op.at.push("operationId"),
                        format!("operationId `{id}` is also used by {first}"),
                    ));
                }
            }
        }
    }
}

/// Every `{name}` in a path is an `in: path` parameter, and every one declared is used.
fn path_parameters(doc: &Value, findings: &mut Vec<Finding>) {
    const RULE: &str = "path-params";
    for (path, item) in walk::entries(doc, "paths") {
        let item_at = Pointer::root().push("paths").push(path);
        let in_template: BTreeSet<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect();
        let shared = declared_path_parameters(doc, item, &item_at, findings);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let op_at = item_at.push(method);
            let own = declared_path_parameters(doc, op, &op_at, findings);
            let declared: BTreeSet<&str> =
                shared.iter().chain(&own).map(|(n, _)| n.as_str()).collect();
            for name in in_template.difference(&declared) {
                findings.push(Finding::error(
                    RULE,
                    op_at.clone(),
                    format!("path parameter `{{{name}}}` in {path} is not declared as an `in: path` parameter"),
                ));
            }
            for (name, at) in &own {
                if !in_template.contains(name.as_str()) {
                    findings.push(Finding::error(
                        RULE,
                        at.clone(),
                        format!(
                            "path parameter `{name}` is declared but {path} has no `{{{name}}}`"
                        ),
                    ));
                }
            }
        }
        for (name, at) in &shared {
            if !in_template.contains(name.as_str()) {
                findings.push(Finding::error(
                    RULE,
                    at.clone(),
                    format!("path parameter `{name}` is declared but {path} has no `{{{name}}}`"),
                ));
            }
        }
    }
}

/// The `in: path` parameters of a path item or operation; reports one not marked required.
fn declared_path_parameters(
    doc: &Value,
    holder: &Value,
    at: &Pointer,
    findings: &mut Vec<Finding>,
) -> Vec<(String, Pointer)> {
    let mut out = Vec::new();
    for (i, parameter) in walk::items(holder, "parameters") {
        let at = at.push("parameters").push(i);
        let Ok((parameter, _)) = resolve(doc, parameter) else {
            continue;
        };
        if parameter.get("in").and_then(Value::as_str) != Some("path") {
            continue;
        }
        let Some(name) = parameter.get("name").and_then(Value::as_str) else {
            continue;
        };
        if parameter.get("required") != Some(&Value::Bool(true)) {
            findings.push(Finding::error(
                "path-params",
                at.clone(),
                format!("path parameter `{name}` must say `required: true`"),
            ));
        }
        out.push((name.to_string(), at));
    }
    out
}

/// Errors share one envelope; 429 says when to retry; success responses carry the
/// rate-limit headers too (the SDK paces itself by them).
fn responses(doc: &Value, op: &Operation, findings: &mut Vec<Finding>) {
    let mut has_4xx = false;
    for (status, response) in walk::entries(op.op, "responses") {
        let at = op.at.push("responses").push(status);
        let Ok((response, target)) = resolve(doc, response) else {
            continue;
        };
        let via = target
            .map(|t| format!(" (via {})", t.to_ref()))
            .unwrap_or_default();
        has_4xx |= status.starts_with('4');
        if !status.starts_with('2') {
            let schema_ref = response
                .pointer("/content/application~1json/schema/$ref")
                .and_then(Value::as_str);
            if schema_ref != Some(ERROR_ENVELOPE) {
                findings.push(Finding::error(
                    "heffl-error-envelope",
                    at.clone(),
                    format!("{status} response{via} does not use the error envelope: its application/json schema must be {{$ref: {ERROR_ENVELOPE}}}"),
                ));
            }
        }
        let declared: BTreeSet<String> = walk::entries(response, "headers")
            .map(|(name, _)| name.to_ascii_lowercase())
            .collect();
        let missing: Vec<&str> = RATE_LIMIT_HEADERS
            .into_iter()
            .filter(|h| !declared.contains(&h.to_ascii_lowercase()))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let message = format!(
            "{status} response{via} does not declare {}",
            missing.join(", ")
        );
        if status == "429" {
            findings.push(Finding::error("heffl-rate-limit-headers", at, message));
        } else if status.starts_with('2') {
            findings.push(Finding::warning(
                "heffl-rate-limit-headers-success",
                at,
                message,
            ));
        }
    }
    if !has_4xx {
        findings.push(Finding::warning(
            "operation-4xx-response",
            op.at.push("responses"),
            format!(
                "{} declares no 4xx response, so its errors are untyped",
                op.name
            ),
        ));
    }
}

/// A nullable request property must say what sending `null` does: in a PATCH it usually
/// clears the field, and the SDK's `clear_…` method documents that from the spec.
fn nullable_request_properties(doc: &Value, operations: &[Operation], findings: &mut Vec<Finding>) {
    let mut visited = BTreeSet::new();
    for op in operations {
        for (schema, at) in body_schemas(doc, op, Side::Request) {
            reachable_schemas(doc, schema, at, &mut visited, &mut |schema, at| {
                for (name, property) in walk::entries(schema, "properties") {
                    let Ok((resolved, _)) = resolve(doc, property) else {
                        continue;
                    };
                    let nullable = property.get("nullable") == Some(&Value::Bool(true))
                        || resolved.get("nullable") == Some(&Value::Bool(true));
                    let description = property
                        .get("description")
                        .or_else(|| resolved.get("description"))
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let says_null = description
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|word| word.eq_ignore_ascii_case("null"));
                    if nullable && !says_null {
                        findings.push(Finding::error(
                            "heffl-nullable-request-property-says-null",
                            at.push("properties").push(name),
                            format!("nullable request property `{name}` does not say what null does; say it in the description (\"Pass null to …\")"),
                        ));
                    }
                }
            });
        }
    }
}

/// typify turns a string with `minLength`, `maxLength` or `pattern` into a newtype that
/// checks it, also when decoding a response. A server that breaks its own documented
/// constraint would then turn an applied update into a decode error, so responses carry
/// none (constraints copied from request docs are the usual source).
fn no_response_string_constraints(
    doc: &Value,
    operations: &[Operation],
    findings: &mut Vec<Finding>,
) {
    let mut visited = BTreeSet::new();
    for op in operations {
        for (schema, at) in body_schemas(doc, op, Side::Response) {
            reachable_schemas(doc, schema, at, &mut visited, &mut |schema, at| {
                for keyword in ["minLength", "maxLength", "pattern"] {
                    if schema.get(keyword).is_some() {
                        findings.push(Finding::error(
                            "heffl-no-response-string-constraints",
                            at.push(keyword),
                            format!("{keyword} in a response schema makes typify check it when decoding, so a response that breaks it fails after the update was applied; remove it in openapi/overlay.yaml"),
                        ));
                    }
                }
            });
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Request,
    Response,
}

/// The schemas of an operation's request body or of its responses, with their pointers.
fn body_schemas<'a>(doc: &'a Value, op: &Operation<'a>, side: Side) -> Vec<(&'a Value, Pointer)> {
    let bodies: Vec<(&Value, Pointer)> = match side {
        Side::Request => op
            .op
            .get("requestBody")
            .map(|body| (body, op.at.push("requestBody")))
            .into_iter()
            .collect(),
        Side::Response => walk::entries(op.op, "responses")
            .map(|(status, response)| (response, op.at.push("responses").push(status)))
            .collect(),
    };
    let mut out = Vec::new();
    for (body, at) in bodies {
        let Ok((body, target)) = resolve(doc, body) else {
            continue;
        };
        let at = target.unwrap_or(at);
        for (media, content) in walk::entries(body, "content") {
            if let Some(schema) = content.get("schema") {
                out.push((schema, at.push("content").push(media).push("schema")));
            }
        }
    }
    out
}

/// Calls `visit` once with every schema reachable from `schema`, references resolved,
/// with the pointer of where it is written.
fn reachable_schemas<'a>(
    doc: &'a Value,
    schema: &'a Value,
    at: Pointer,
    visited: &mut BTreeSet<Pointer>,
    visit: &mut dyn FnMut(&'a Value, &Pointer),
) {
    let Ok((schema, target)) = resolve(doc, schema) else {
        return;
    };
    let at = target.unwrap_or(at);
    if !visited.insert(at.clone()) {
        return;
    }
    visit(schema, &at);
    for (name, property) in walk::entries(schema, "properties") {
        let property_at = at.push("properties").push(name);
        reachable_schemas(doc, property, property_at, visited, visit);
    }
    for keyword in ["allOf", "anyOf", "oneOf"] {
        for (i, part) in walk::items(schema, keyword) {
            reachable_schemas(doc, part, at.push(keyword).push(i), visited, visit);
        }
    }
    for keyword in ["items", "additionalProperties"] {
        if let Some(sub) = schema.get(keyword).filter(|s| s.is_object()) {
            reachable_schemas(doc, sub, at.push(keyword), visited, visit);
        }
    }
}

/// typify gives `additionalProperties: true` no field, so the extra keys are silently lost.
fn no_additional_properties_true(doc: &Value, findings: &mut Vec<Finding>) {
    for at in walk::sites(doc).schemas {
        if at.get(doc).and_then(|s| s.get("additionalProperties")) == Some(&Value::Bool(true)) {
            findings.push(Finding::error(
                "heffl-no-additional-properties-true",
                at.push("additionalProperties"),
                "additionalProperties: true makes typify drop the extra keys; use a schema such as {\"description\": …} to keep them in an `extra` map, or false to reject them",
            ));
        }
    }
}

/// Every example matches its schema (Spectral's oas3-valid-*-example).
fn examples(doc: &Value, findings: &mut Vec<Finding>) {
    for example in walk::sites(doc).examples {
        let (Some(value), Some(schema)) = (example.value.get(doc), example.schema.get(doc)) else {
            continue;
        };
        let rule = if example.value.split_last().map(|(parent, _)| parent)
            == Some(example.schema.clone())
        {
            "oas3-valid-schema-example"
        } else {
            "oas3-valid-media-example"
        };
        for mismatch in example_check::check(doc, schema, value) {
            findings.push(Finding::error(
                rule,
                example.value.join(&mismatch.at),
                format!("example does not match its schema: {}", mismatch.message),
            ));
        }
    }
}
