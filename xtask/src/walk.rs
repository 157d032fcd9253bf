//! Where schemas, examples and references sit in an OpenAPI document.
//!
//! The same keyword means different things in different places (`examples` is a list in
//! a 3.1 schema but a map in a media type; `$ref` siblings are evaluated in a 3.1 schema
//! but ignored in a response), so conversion and lint walk the document by its
//! structure, never by key name alone. This module is that structure, written once.

use serde_json::Value;

use crate::pointer::Pointer;

/// The places in a document, each by pointer.
#[derive(Debug, Default)]
pub struct Sites {
    /// Every schema, parents before their subschemas.
    pub schemas: Vec<Pointer>,
    /// Every example with the schema it must match.
    pub examples: Vec<Example>,
    /// Every reference object outside schemas (a response, parameter, … that is a `$ref`).
    pub references: Vec<Pointer>,
}

/// An example value and the schema it illustrates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub value: Pointer,
    pub schema: Pointer,
}

/// HTTP methods, as path item keys.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Collects the sites of `doc` (OpenAPI 3.0 or 3.1).
pub fn sites(doc: &Value) -> Sites {
    let mut walker = Walker {
        sites: Sites::default(),
    };
    let root = Pointer::root();
    for (key, item) in entries(doc, "paths") {
        walker.path_item(&root.push("paths").push(key), item);
    }
    for (key, item) in entries(doc, "webhooks") {
        walker.path_item(&root.push("webhooks").push(key), item);
    }
    if let Some(components) = doc.get("components") {
        let at = root.push("components");
        for (name, v) in entries(components, "schemas") {
            walker.schema(&at.push("schemas").push(name), v);
        }
        for (name, v) in entries(components, "parameters") {
            walker.parameter(&at.push("parameters").push(name), v);
        }
        for (name, v) in entries(components, "headers") {
            walker.parameter(&at.push("headers").push(name), v);
        }
        for (name, v) in entries(components, "responses") {
            walker.response(&at.push("responses").push(name), v);
        }
        for (name, v) in entries(components, "requestBodies") {
            walker.request_body(&at.push("requestBodies").push(name), v);
        }
        for (name, v) in entries(components, "callbacks") {
            walker.callback(&at.push("callbacks").push(name), v);
        }
        for (name, v) in entries(components, "pathItems") {
            walker.path_item(&at.push("pathItems").push(name), v);
        }
    }
    walker.sites
}

/// The entries of the object under `key`, or none.
pub fn entries<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = (&'a String, &'a Value)> {
    value
        .get(key)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}

/// The items of the array under `key`, or none.
pub fn items<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

struct Walker {
    sites: Sites,
}

impl Walker {
    /// Records `at` as a reference object if it is one; true if so.
    fn reference(&mut self, at: &Pointer, v: &Value) -> bool {
        let is_ref = v.get("$ref").is_some();
        if is_ref {
            self.sites.references.push(at.clone());
        }
        is_ref
    }

    fn path_item(&mut self, at: &Pointer, item: &Value) {
        for (i, p) in items(item, "parameters") {
            self.parameter(&at.push("parameters").push(i), p);
        }
        for method in METHODS {
            if let Some(op) = item.get(method) {
                self.operation(&at.push(method), op);
            }
        }
    }

    fn operation(&mut self, at: &Pointer, op: &Value) {
        for (i, p) in items(op, "parameters") {
            self.parameter(&at.push("parameters").push(i), p);
        }
        if let Some(body) = op.get("requestBody") {
            self.request_body(&at.push("requestBody"), body);
        }
        for (status, r) in entries(op, "responses") {
            self.response(&at.push("responses").push(status), r);
        }
        for (name, c) in entries(op, "callbacks") {
            self.callback(&at.push("callbacks").push(name), c);
        }
    }

    fn callback(&mut self, at: &Pointer, callback: &Value) {
        if self.reference(at, callback) {
            return;
        }
        for (expression, item) in callback.as_object().into_iter().flatten() {
            self.path_item(&at.push(expression), item);
        }
    }

    /// A parameter or a header: both carry a schema or content, and examples.
    fn parameter(&mut self, at: &Pointer, p: &Value) {
        if self.reference(at, p) {
            return;
        }
        self.examples_of(at, p);
        if let Some(schema) = p.get("schema") {
            self.schema(&at.push("schema"), schema);
        }
        for (media, m) in entries(p, "content") {
            self.media_type(&at.push("content").push(media), m);
        }
    }

    fn request_body(&mut self, at: &Pointer, body: &Value) {
        if self.reference(at, body) {
            return;
        }
        for (media, m) in entries(body, "content") {
            self.media_type(&at.push("content").push(media), m);
        }
    }

    fn response(&mut self, at: &Pointer, response: &Value) {
        if self.reference(at, response) {
            return;
        }
        for (name, h) in entries(response, "headers") {
            self.parameter(&at.push("headers").push(name), h);
        }
        for (media, m) in entries(response, "content") {
            self.media_type(&at.push("content").push(media), m);
        }
    }

    fn media_type(&mut self, at: &Pointer, media: &Value) {
        self.examples_of(at, media);
        if let Some(schema) = media.get("schema") {
            self.schema(&at.push("schema"), schema);
        }
        for (property, encoding) in entries(media, "encoding") {
            for (name, h) in entries(encoding, "headers") {
                self.parameter(
                    &at.push("encoding")
                        .push(property)
                        .push("headers")
                        .push(name),
                    h,
                );
            }
        }
    }

    /// `example` and `examples` of a media type, parameter or header.
    fn examples_of(&mut self, at: &Pointer, holder: &Value) {
        if holder.get("schema").is_none() {
            return;
        }
        let schema = at.push("schema");
        if holder.get("example").is_some() {
            self.sites.examples.push(Example {
                value: at.push("example"),
                schema: schema.clone(),
            });
        }
        for (name, example) in entries(holder, "examples") {
            let example_at = at.push("examples").push(name);
            let value = match example.get("$ref").and_then(Value::as_str) {
                Some(reference) => {
                    self.sites.references.push(example_at);
                    match Pointer::from_ref(reference) {
                        Some(target) => target.push("value"),
                        None => continue,
                    }
                }
                None if example.get("value").is_some() => example_at.push("value"),
                // An `externalValue` cannot be checked without fetching it.
                None => continue,
            };
            self.sites.examples.push(Example {
                value,
                schema: schema.clone(),
            });
        }
    }

    fn schema(&mut self, at: &Pointer, schema: &Value) {
        self.sites.schemas.push(at.clone());
        if !schema.is_object() {
            return;
        }
        if schema.get("example").is_some() {
            self.sites.examples.push(Example {
                value: at.push("example"),
                schema: at.clone(),
            });
        }
        for keyword in ["properties", "patternProperties"] {
            for (name, s) in entries(schema, keyword) {
                self.schema(&at.push(keyword).push(name), s);
            }
        }
        for keyword in ["allOf", "anyOf", "oneOf"] {
            for (i, s) in items(schema, keyword) {
                self.schema(&at.push(keyword).push(i), s);
            }
        }
        for keyword in ["items", "not"] {
            if let Some(s) = schema.get(keyword).filter(|s| !s.is_array()) {
                self.schema(&at.push(keyword), s);
            }
        }
        // `true` and `false` are 3.0 values here, not schemas to convert.
        if let Some(s) = schema.get("additionalProperties").filter(|s| s.is_object()) {
            self.schema(&at.push("additionalProperties"), s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_schemas_examples_and_references_by_structure() {
        let doc = json!({
            "paths": {"/a": {"get": {
                "responses": {
                    "200": {"content": {"application/json": {
                        "schema": {"type": "object", "properties": {"examples": {"type": "array"}}},
                        "examples": {"one": {"value": {}}}
                    }}},
                    "404": {"$ref": "#/components/responses/NotFound"}
                }
            }}},
            "components": {"schemas": {"A": {"anyOf": [{"type": "string"}], "example": "x"}}}
        });
        let sites = sites(&doc);
        let schemas: Vec<_> = sites.schemas.iter().map(Pointer::as_str).collect();
        assert_eq!(
            schemas,
            [
                "/paths/~1a/get/responses/200/content/application~1json/schema",
                "/paths/~1a/get/responses/200/content/application~1json/schema/properties/examples",
                "/components/schemas/A",
                "/components/schemas/A/anyOf/0",
            ]
        );
        assert_eq!(sites.examples.len(), 2);
        assert_eq!(sites.references[0].as_str(), "/paths/~1a/get/responses/404");
    }
}
