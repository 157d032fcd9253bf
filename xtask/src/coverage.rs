//! Which part of the upstream document the SDK covers.
//!
//! `openapi/sdk-operations.txt` lists the operations, one `METHOD /path operationId` a
//! line. Selecting keeps those operations and every component they reach through `$ref`s
//! and security requirements, and drops the rest, so an upstream document that grows
//! does not grow the SDK by accident.

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt,
};

use serde_json::{Map, Value, json};

use crate::{pointer::Pointer, walk::METHODS};

/// An operation the SDK covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    pub method: String,
    pub path: String,
    /// The operationId to give it: it names the generated Rust method, so it is ours to
    /// choose, not upstream's.
    pub operation_id: String,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method.to_uppercase(), self.path)
    }
}

/// Parses the covered-operations file; `source` names it in errors.
pub fn parse(text: &str, source: &str) -> Result<Vec<Operation>, String> {
    let mut operations = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [method, path, operation_id] = fields[..] else {
            return Err(format!(
                "{source}:{}: expected `METHOD /path operationId`, found `{line}`",
                number + 1
            ));
        };
        let method = method.to_lowercase();
        if !METHODS.contains(&method.as_str()) || !path.starts_with('/') {
            return Err(format!(
                "{source}:{}: `{method} {path}` is not an HTTP method and a path",
                number + 1
            ));
        }
        operations.push(Operation {
            method,
            path: path.to_string(),
            operation_id: operation_id.to_string(),
        });
    }
    if operations.is_empty() {
        return Err(format!("{source}: lists no operations"));
    }
    Ok(operations)
}

/// What selecting kept and dropped, for `import` to print.
#[derive(Debug, Default)]
pub struct Selection {
    pub kept: Vec<Operation>,
    pub dropped_operations: Vec<String>,
    pub dropped_components: Vec<String>,
    /// operationIds we set, with the one upstream had.
    pub renamed: Vec<(Pointer, String)>,
}

/// Keeps `covered` operations of `doc` and what they reach.
pub fn select(doc: &Value, covered: &[Operation]) -> Result<(Value, Selection), String> {
    let mut selection = Selection::default();
    let mut out = doc
        .as_object()
        .cloned()
        .ok_or("the document is not an object")?;
    // The SDK receives no webhooks.
    if let Some(Value::Object(webhooks)) = out.remove("webhooks") {
        let names = webhooks.keys().map(|name| format!("webhook {name}"));
        selection.dropped_operations.extend(names);
    }

    // Operations.
    let mut paths = Map::new();
    for op in covered {
        let item = doc
            .get("paths")
            .and_then(|p| p.get(&op.path))
            .ok_or_else(|| format!("upstream has no path {} (listed as {op})", op.path))?;
        let at = Pointer::root().push("paths").push(&op.path);
        if item.get("$ref").is_some() {
            return Err(format!("{at}: a path item that is a $ref is not supported"));
        }
        let operation = item
            .get(&op.method)
            .ok_or_else(|| format!("upstream has no operation {op}"))?;
        let kept_item = paths
            .entry(op.path.clone())
            .or_insert_with(|| path_item_without_operations(item));
        let mut operation = operation.clone();
        let upstream_id = operation.get("operationId").and_then(Value::as_str);
        if upstream_id != Some(op.operation_id.as_str()) {
            selection.renamed.push((
                at.push(&op.method).push("operationId"),
                upstream_id.unwrap_or("(none)").to_string(),
            ));
            operation["operationId"] = json!(op.operation_id);
        }
        kept_item[&op.method] = operation;
        selection.kept.push(op.clone());
    }
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            let is_kept = selection
                .kept
                .iter()
                .any(|k| k.path == *path && k.method == method);
            if item.get(method).is_some() && !is_kept {
                selection
                    .dropped_operations
                    .push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    out.insert("paths".into(), Value::Object(paths));

    // Components reached from what is kept (security schemes by name, the rest by $ref).
    let empty = json!({});
    let components = doc.get("components").unwrap_or(&empty);
    let mut reached: BTreeSet<(String, String)> = BTreeSet::new();
    let mut queue: Vec<(String, String)> = Vec::new();
    out.remove("components");
    collect_references(&Value::Object(out.clone()), &Pointer::root(), &mut queue)?;
    while let Some((kind, name)) = queue.pop() {
        if !reached.insert((kind.clone(), name.clone())) {
            continue;
        }
        let component = components
            .get(&kind)
            .and_then(|c| c.get(&name))
            .ok_or_else(|| {
                format!("#/components/{kind}/{name} is referenced but upstream does not define it")
            })?;
        let at = Pointer::root().push("components").push(&kind).push(&name);
        collect_references(component, &at, &mut queue)?;
    }
    let mut kept_components: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    for (kind, name) in &reached {
        kept_components
            .entry(kind.clone())
            .or_default()
            .insert(name.clone(), components[kind][name].clone());
    }
    for (kind, entries) in components.as_object().into_iter().flatten() {
        if kind.starts_with("x-") {
            continue;
        }
        for name in entries.as_object().into_iter().flatten().map(|(n, _)| n) {
            if !reached.contains(&(kind.clone(), name.clone())) {
                selection
                    .dropped_components
                    .push(format!("#/components/{kind}/{name}"));
            }
        }
    }
    if kept_components.is_empty() {
        out.remove("components");
    } else {
        let mut kept: Map<String, Value> = kept_components
            .into_iter()
            .map(|(kind, entries)| (kind, Value::Object(entries)))
            .collect();
        // Extensions on `components` itself are not components; keep them.
        for (key, value) in components.as_object().into_iter().flatten() {
            if key.starts_with("x-") {
                kept.insert(key.clone(), value.clone());
            }
        }
        out.insert("components".into(), Value::Object(kept));
    }

    // Tags the kept operations use, in upstream's order.
    let used_tags: BTreeSet<&str> = out["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(_, item)| METHODS.iter().filter_map(|m| item.get(*m)))
        .flat_map(|op| {
            op.get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(Value::as_str)
        .collect();
    if let Some(Value::Array(tags)) = out.get("tags") {
        let kept: Vec<Value> = tags
            .iter()
            .filter(|t| {
                t.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| used_tags.contains(n))
            })
            .cloned()
            .collect();
        if kept.is_empty() {
            out.remove("tags");
        } else {
            out.insert("tags".into(), Value::Array(kept));
        }
    }
    Ok((Value::Object(out), selection))
}

/// The path item with its path-level fields (parameters, servers, …) but no operations.
fn path_item_without_operations(item: &Value) -> Value {
    let mut kept = item.as_object().cloned().unwrap_or_default();
    kept.retain(|key, _| !METHODS.contains(&key.as_str()));
    Value::Object(kept)
}

/// Every component `value` (at `at`) refers to, as (kind, name).
fn collect_references(
    value: &Value,
    at: &Pointer,
    out: &mut Vec<(String, String)>,
) -> Result<(), String> {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let here = at.push(key);
                match (key.as_str(), v) {
                    ("$ref", Value::String(reference)) => out.push(component_of(reference, &here)?),
                    // A discriminator maps values to schemas by reference, outside `$ref`.
                    ("mapping", Value::Object(mapping)) => {
                        for (name, target) in mapping {
                            if let Some(target) = target.as_str() {
                                out.push(component_of(target, &here.push(name))?);
                            }
                        }
                        // …unless it is a property that happens to be called `mapping`.
                        collect_references(v, &here, out)?;
                    }
                    // Security requirements name schemes, not references.
                    ("security", Value::Array(requirements)) => {
                        for requirement in requirements.iter().filter_map(Value::as_object) {
                            for scheme in requirement.keys() {
                                out.push(("securitySchemes".into(), scheme.clone()));
                            }
                        }
                    }
                    _ => collect_references(v, &here, out)?,
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_references(v, &at.push(i), out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn component_of(reference: &str, at: &Pointer) -> Result<(String, String), String> {
    let tokens = Pointer::from_ref(reference).map(|p| p.tokens());
    match tokens.as_deref() {
        Some([components, kind, name]) if components == "components" => {
            Ok((kind.clone(), name.clone()))
        }
        _ => Err(format!(
            "{at}: `{reference}`: only references to a component (#/components/<kind>/<name>) are supported"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covered() -> Vec<Operation> {
        parse(
            "# comment\nPATCH /contacts/{id} update_contact # trailing\n",
            "ops.txt",
        )
        .unwrap()
    }

    #[test]
    fn config_lines_are_method_path_and_operation_id() {
        assert_eq!(
            covered(),
            [Operation {
                method: "patch".into(),
                path: "/contacts/{id}".into(),
                operation_id: "update_contact".into()
            }]
        );
        let err = parse("PATCH /contacts/{id}\n", "ops.txt").unwrap_err();
        assert!(err.starts_with("ops.txt:1:"), "{err}");
    }

    #[test]
    fn keeps_covered_operations_and_what_they_reach() {
        let doc = json!({
            "openapi": "3.1.0",
            "security": [{"apiKey": []}],
            "tags": [{"name": "contacts"}, {"name": "deals"}],
            "webhooks": {"x": {}},
            "paths": {
                "/contacts/{id}": {
                    "parameters": [{"$ref": "#/components/parameters/Id"}],
                    "patch": {"operationId": "updateContact", "tags": ["contacts"], "responses": {"200": {"$ref": "#/components/responses/Ok"}}},
                    "delete": {"responses": {}}
                },
                "/deals": {"get": {"tags": ["deals"], "responses": {}}}
            },
            "components": {
                "parameters": {"Id": {"name": "id", "in": "path", "schema": {"type": "string"}}},
                "responses": {"Ok": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Contact"}}}}},
                "schemas": {
                    "Contact": {"properties": {"kind": {"$ref": "#/components/schemas/Kind"}}},
                    "Kind": {"enum": ["a"]},
                    "Deal": {}
                },
                "securitySchemes": {"apiKey": {"type": "apiKey"}, "other": {"type": "http"}}
            }
        });
        let (kept, selection) = select(&doc, &covered()).unwrap();
        assert_eq!(
            kept["paths"]["/contacts/{id}"]["patch"]["operationId"],
            "update_contact"
        );
        assert!(kept["paths"]["/contacts/{id}"].get("delete").is_none());
        assert!(kept["paths"]["/contacts/{id}"].get("parameters").is_some());
        assert!(kept.get("webhooks").is_none());
        assert_eq!(kept["tags"], json!([{"name": "contacts"}]));
        assert_eq!(
            kept["components"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["parameters", "responses", "schemas", "securitySchemes"]
        );
        assert_eq!(
            selection.dropped_operations,
            ["webhook x", "DELETE /contacts/{id}", "GET /deals"]
        );
        assert_eq!(
            selection.dropped_components,
            [
                "#/components/schemas/Deal",
                "#/components/securitySchemes/other"
            ]
        );
        assert_eq!(selection.renamed[0].1, "updateContact");
    }

    #[test]
    fn a_missing_operation_or_dangling_reference_is_an_error() {
        let doc = json!({"paths": {"/contacts/{id}": {"get": {}}}});
        assert_eq!(
            select(&doc, &covered()).unwrap_err(),
            "upstream has no operation PATCH /contacts/{id}"
        );
        let doc = json!({"paths": {"/contacts/{id}": {"patch": {"requestBody": {"$ref": "#/components/requestBodies/Gone"}}}}});
        assert!(
            select(&doc, &covered())
                .unwrap_err()
                .contains("#/components/requestBodies/Gone")
        );
    }
}
