//! What changed between two specs, and the crate version bump each change calls for.
//!
//! Changes carry oasdiff's rule ids and levels, so results compare with
//! `oasdiff breaking`. What oasdiff cannot know is how *our* Rust types expose each part
//! of the spec, which decides the bump: [`RULES`] is that table, and [`SDK_TYPES`] says
//! which Rust type stands for which schema.

use std::{
    cmp::Ordering,
    collections::{BTreeMap, BTreeSet},
    fmt,
};

use serde::Serialize;
use serde_json::Value;

use crate::{
    document::resolve,
    finding::Severity,
    pointer::Pointer,
    walk::{self, METHODS},
};

/// A crate version bump.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    Patch,
    Minor,
    Major,
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

/// How the SDK's Rust API shows the part of the spec that changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// A method of the generated client: positional arguments, one return type.
    Method,
    /// A setter of the hand-written request builder `ContactPatch` (private fields).
    Builder,
    /// A field of a generated `#[non_exhaustive]` struct (`Contact`).
    OpenStruct,
    /// A field of a generated struct whose fields are all public and that is not
    /// `#[non_exhaustive]`: users build it with a struct literal.
    ClosedStruct,
    /// A generated field whose type changes: between `T` and `Option<T>` (typify makes
    /// a field `Option<T>` when it is optional or nullable), or between `String` and a
    /// validated newtype (typify makes one for a string with `minLength`, `maxLength`
    /// or `pattern`).
    FieldType,
    /// A generated field whose type stays the same: `Option<T>` before and after, or a
    /// validated newtype before and after.
    SameFieldType,
    /// A hand-written enum with a catch-all variant (`ContactKind`, `ErrorCode`).
    OpenEnum,
    /// An enum typify generates: closed and exhaustive.
    ClosedEnum,
    /// Nothing in the Rust API: every error status maps to the one `Error` type.
    Nothing,
}

/// The named schemas whose Rust type is not a plain generated struct or enum; this
/// mirrors the replacements and patches in `heffl-sdk/codegen.rs`.
pub const SDK_TYPES: &[(&str, Exposure)] = &[
    // `crate::ContactPatch`: typify cannot tell absent from null.
    ("UpdateContactRequest", Exposure::Builder),
    // Generated with `#[non_exhaustive]` and an `extra` map for cf_* keys.
    ("Contact", Exposure::OpenStruct),
    // `crate::ContactKind` and `crate::ErrorCode`: open enums with an unknown variant.
    ("ContactType", Exposure::OpenEnum),
    ("ErrorCode", Exposure::OpenEnum),
    // The error envelope's parts, generated with `#[non_exhaustive]` like `Contact`.
    ("ErrorBody", Exposure::OpenStruct),
    ("ErrorDetails", Exposure::OpenStruct),
    ("ValidationIssue", Exposure::OpenStruct),
];

/// One kind of change: its oasdiff id and level, and what it does to the Rust API.
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub exposure: Exposure,
    pub bump: Bump,
    pub rust: &'static str,
}

const fn rule(
    id: &'static str,
    severity: Severity,
    exposure: Exposure,
    bump: Bump,
    rust: &'static str,
) -> Rule {
    Rule {
        id,
        severity,
        exposure,
        bump,
        rust,
    }
}

use Bump::{Major, Minor, Patch};
use Exposure::*;
use Severity::{Error as Err, Info, Warning as Warn};

/// Every change `diff` reports, by oasdiff rule id and Rust exposure.
#[rustfmt::skip]
pub const RULES: &[Rule] = &[
    // Operations
    rule("api-removed-without-deprecation", Err, Method, Major, "the client method is removed"),
    rule("endpoint-added", Info, Method, Minor, "a new client method"),
    rule("api-operation-id-updated", Warn, Method, Major, "the client method is renamed (progenitor names it after the operationId)"),
    rule("response-success-status-removed", Err, Method, Major, "the method's success type changes"),
    rule("response-non-success-status-removed", Info, Nothing, Patch, "every error status maps to the one Error type"),
    rule("response-non-success-status-added", Info, Nothing, Patch, "every error status maps to the one Error type"),
    // Parameters: the positional interface passes each one as an argument.
    rule("new-required-request-parameter", Err, Method, Major, "the method takes a new argument"),
    rule("new-optional-request-parameter", Info, Method, Major, "the method takes a new Option<T> argument"),
    rule("request-parameter-removed", Warn, Method, Major, "the method loses an argument"),
    rule("request-parameter-became-required", Err, Method, Major, "an argument changes from Option<T> to T"),
    rule("request-parameter-became-optional", Info, Method, Major, "an argument changes from T to Option<T>"),
    rule("request-parameter-type-changed", Err, Method, Major, "an argument changes type"),
    // Request body properties
    rule("new-required-request-property", Err, Builder, Major, "ContactPatch has to require it, so its constructor changes"),
    rule("new-required-request-property", Err, ClosedStruct, Major, "a new public field breaks struct literals"),
    rule("new-required-request-property", Err, OpenStruct, Minor, "a new field"),
    rule("new-optional-request-property", Info, Builder, Minor, "a new setter on ContactPatch, once the SDK adds it"),
    rule("new-optional-request-property", Info, ClosedStruct, Major, "a new public field breaks struct literals"),
    rule("new-optional-request-property", Info, OpenStruct, Minor, "a new field"),
    rule("request-property-removed", Warn, Builder, Major, "its ContactPatch setter has to go"),
    rule("request-property-removed", Warn, ClosedStruct, Major, "a public field is removed"),
    rule("request-property-removed", Warn, OpenStruct, Major, "a public field is removed"),
    rule("request-property-became-required", Err, Builder, Major, "ContactPatch has to require it, so its constructor changes"),
    rule("request-property-became-required", Err, FieldType, Major, "the field changes from Option<T> to T"),
    rule("request-property-became-required", Err, SameFieldType, Patch, "the field stays Option<T> (it is nullable)"),
    rule("request-property-became-optional", Info, Builder, Patch, "ContactPatch already treats it as optional"),
    rule("request-property-became-optional", Info, FieldType, Major, "the field changes from T to Option<T>"),
    rule("request-property-became-optional", Info, SameFieldType, Patch, "the field stays Option<T> (it is nullable)"),
    rule("request-property-became-nullable", Info, Builder, Minor, "a new clear_ method on ContactPatch"),
    rule("request-property-became-nullable", Info, FieldType, Major, "the field changes from T to Option<T>"),
    rule("request-property-became-nullable", Info, SameFieldType, Patch, "the field stays Option<T> (it is optional)"),
    rule("request-property-became-not-nullable", Err, Builder, Major, "its clear_ method on ContactPatch has to go"),
    rule("request-property-became-not-nullable", Err, FieldType, Major, "the field changes from Option<T> to T"),
    rule("request-property-became-not-nullable", Err, SameFieldType, Patch, "the field stays Option<T> (it is optional)"),
    rule("request-property-type-changed", Err, Builder, Major, "its setter's argument changes type"),
    rule("request-property-type-changed", Err, ClosedStruct, Major, "the field changes type"),
    rule("request-property-type-changed", Err, OpenStruct, Major, "the field changes type"),
    rule("request-property-enum-value-removed", Err, OpenEnum, Minor, "the variant stays (the enum is open) but the server now rejects it: deprecate it"),
    rule("request-property-enum-value-removed", Err, ClosedEnum, Major, "a variant is removed"),
    rule("request-property-enum-value-added", Info, OpenEnum, Minor, "a new variant"),
    rule("request-property-enum-value-added", Info, ClosedEnum, Major, "a new variant breaks exhaustive matches"),
    // String constraints. ContactPatch checks none (the server does); a generated field
    // becomes a validated newtype when it gains its first one, and stops being one when
    // it loses its last.
    rule("request-property-max-length-set", Warn, Builder, Patch, "ContactPatch does not check lengths: the server rejects longer values"),
    rule("request-property-max-length-set", Warn, FieldType, Major, "the field becomes a validated newtype"),
    rule("request-property-max-length-set", Warn, SameFieldType, Patch, "the field's newtype checks the new bound"),
    rule("request-property-max-length-unset", Info, Builder, Patch, "ContactPatch does not check lengths"),
    rule("request-property-max-length-unset", Info, FieldType, Major, "the field's newtype becomes a String"),
    rule("request-property-max-length-unset", Info, SameFieldType, Patch, "the field's newtype drops the bound"),
    rule("request-property-max-length-decreased", Err, Builder, Patch, "ContactPatch does not check lengths: the server rejects longer values"),
    rule("request-property-max-length-decreased", Err, SameFieldType, Patch, "the field's newtype checks the new bound"),
    rule("request-property-max-length-increased", Info, Builder, Patch, "ContactPatch does not check lengths"),
    rule("request-property-max-length-increased", Info, SameFieldType, Patch, "the field's newtype checks the new bound"),
    rule("request-property-min-length-increased", Err, Builder, Patch, "ContactPatch does not check lengths: the server rejects shorter values"),
    rule("request-property-min-length-increased", Err, FieldType, Major, "the field becomes a validated newtype"),
    rule("request-property-min-length-increased", Err, SameFieldType, Patch, "the field's newtype checks the new bound"),
    rule("request-property-min-length-decreased", Info, Builder, Patch, "ContactPatch does not check lengths"),
    rule("request-property-min-length-decreased", Info, FieldType, Major, "the field's newtype becomes a String"),
    rule("request-property-min-length-decreased", Info, SameFieldType, Patch, "the field's newtype checks the new bound"),
    rule("request-property-min-length-set", Info, Builder, Patch, "ContactPatch does not check lengths"),
    rule("request-property-min-length-set", Info, FieldType, Major, "the field becomes a validated newtype (typify makes one even for minLength 0)"),
    rule("request-property-min-length-set", Info, SameFieldType, Patch, "the field's newtype already checks other constraints"),
    rule("request-property-min-length-unset", Info, Builder, Patch, "ContactPatch does not check lengths"),
    rule("request-property-min-length-unset", Info, FieldType, Major, "the field's newtype becomes a String"),
    rule("request-property-min-length-unset", Info, SameFieldType, Patch, "the field's newtype keeps its other constraints"),
    rule("request-property-pattern-added", Warn, Builder, Patch, "ContactPatch does not check patterns: the server rejects values that do not match"),
    rule("request-property-pattern-added", Warn, FieldType, Major, "the field becomes a validated newtype; heffl-sdk then needs the regress crate"),
    rule("request-property-pattern-added", Warn, SameFieldType, Patch, "the field's newtype checks the pattern; heffl-sdk needs the regress crate if it has no pattern yet"),
    rule("request-property-pattern-removed", Info, Builder, Patch, "ContactPatch does not check patterns"),
    rule("request-property-pattern-removed", Info, FieldType, Major, "the field's newtype becomes a String"),
    rule("request-property-pattern-removed", Info, SameFieldType, Patch, "the field's newtype drops the pattern"),
    rule("request-property-pattern-changed", Warn, Builder, Patch, "ContactPatch does not check patterns: the server decides"),
    rule("request-property-pattern-changed", Warn, SameFieldType, Patch, "the field's newtype checks the new pattern"),
    // Response properties
    rule("response-required-property-removed", Err, OpenStruct, Major, "a public field is removed"),
    rule("response-required-property-removed", Err, ClosedStruct, Major, "a public field is removed"),
    rule("response-optional-property-removed", Warn, OpenStruct, Major, "a public field is removed"),
    rule("response-optional-property-removed", Warn, ClosedStruct, Major, "a public field is removed"),
    rule("response-required-property-added", Info, OpenStruct, Minor, "a new field (the struct is non_exhaustive)"),
    rule("response-required-property-added", Info, ClosedStruct, Major, "a new public field breaks struct literals and patterns"),
    rule("response-optional-property-added", Info, OpenStruct, Minor, "a new field (the struct is non_exhaustive)"),
    rule("response-optional-property-added", Info, ClosedStruct, Major, "a new public field breaks struct literals and patterns"),
    rule("response-property-became-optional", Err, FieldType, Major, "the field changes from T to Option<T>"),
    rule("response-property-became-optional", Err, SameFieldType, Patch, "the field stays Option<T> (it is nullable)"),
    rule("response-property-became-nullable", Err, FieldType, Major, "the field changes from T to Option<T>"),
    rule("response-property-became-nullable", Err, SameFieldType, Patch, "the field stays Option<T> (it is optional)"),
    rule("response-property-became-required", Info, FieldType, Major, "the field changes from Option<T> to T"),
    rule("response-property-became-required", Info, SameFieldType, Patch, "the field stays Option<T> (it is nullable), but decoding now needs the key"),
    rule("response-property-became-not-nullable", Info, FieldType, Major, "the field changes from Option<T> to T"),
    rule("response-property-became-not-nullable", Info, SameFieldType, Patch, "the field stays Option<T> (it is optional)"),
    rule("response-property-type-changed", Err, OpenStruct, Major, "the field changes type"),
    rule("response-property-type-changed", Err, ClosedStruct, Major, "the field changes type"),
    rule("response-property-enum-value-added", Warn, OpenEnum, Minor, "a new variant; older SDKs read it as the unknown variant"),
    rule("response-property-enum-value-added", Warn, ClosedEnum, Major, "older SDKs fail to parse the response, and exhaustive matches break"),
    rule("response-property-enum-value-removed", Info, OpenEnum, Minor, "the variant stays (the enum is open) but will not come back: flag it for deprecation"),
    rule("response-property-enum-value-removed", Info, ClosedEnum, Major, "a variant is removed"),
];

/// The rule for `id` as the Rust API exposes it. A spec can put a schema where our Rust
/// types never do (a request type in a response); then the row for `id` with the
/// largest bump stands, so that an unforeseen case errs towards a major release.
fn lookup(id: &str, exposure: Exposure) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id && r.exposure == exposure)
        .or_else(|| RULES.iter().filter(|r| r.id == id).max_by_key(|r| r.bump))
        // The comparisons below only name ids from the table.
        .unwrap_or_else(|| panic!("no rule {id} in diff::RULES"))
}

/// One change between the two specs.
#[derive(Debug, Serialize)]
pub struct Change {
    pub id: &'static str,
    pub level: Severity,
    pub bump: Bump,
    pub operation: String,
    /// Where, in the new spec (in the old one for something removed).
    pub pointer: String,
    pub message: String,
    /// What it does to the SDK's Rust API.
    pub rust: &'static str,
}

/// The changes from `old` to `new` (both OpenAPI 3.0).
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut differ = Differ {
        old,
        new,
        changes: Vec::new(),
        operation: String::new(),
        direction: Direction::Request,
        visited: BTreeSet::new(),
    };
    differ.operations();
    differ.changes
}

/// The bump the whole set of changes calls for, or `None` when nothing changed.
pub fn overall_bump(changes: &[Change]) -> Option<Bump> {
    changes.iter().map(|c| c.bump).max()
}

/// An operation, keyed so that a renamed path parameter is still the same operation.
type OperationKey = (String, String);

fn operations(doc: &Value) -> BTreeMap<OperationKey, (Pointer, String, &Value)> {
    let mut out = BTreeMap::new();
    for (path, item) in walk::entries(doc, "paths") {
        let template: String = path
            .split('{')
            .enumerate()
            .map(|(i, part)| match (i, part.split_once('}')) {
                (0, _) | (_, None) => part.to_string(),
                (_, Some((_, rest))) => format!("{{}}{rest}"),
            })
            .collect();
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let at = Pointer::root().push("paths").push(path).push(method);
                let name = format!("{} {path}", method.to_uppercase());
                out.insert((template.clone(), method.to_string()), (at, name, op));
            }
        }
    }
    out
}

/// Whether a comparison is of what the client sends or what it receives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Request,
    Response,
}

/// A schema with its `$ref`s and single-`allOf` wrappers looked through.
struct View<'a> {
    schema: &'a Value,
    at: Pointer,
    /// The last component schema the references went through.
    component: Option<String>,
    nullable: bool,
}

impl View<'_> {
    fn str(&self, key: &str) -> Option<&str> {
        self.schema.get(key).and_then(Value::as_str)
    }

    fn properties(&self) -> BTreeMap<&str, &Value> {
        walk::entries(self.schema, "properties")
            .map(|(k, v)| (k.as_str(), v))
            .collect()
    }

    fn required(&self) -> BTreeSet<&str> {
        walk::items(self.schema, "required")
            .filter_map(|(_, v)| v.as_str())
            .collect()
    }

    fn is_object(&self) -> bool {
        self.str("type") == Some("object") || self.schema.get("properties").is_some()
    }

    /// The Rust type that stands for this object or enum.
    fn exposure(&self, otherwise: Exposure) -> Exposure {
        self.component
            .as_deref()
            .and_then(|c| SDK_TYPES.iter().find(|(name, _)| *name == c))
            .map_or(otherwise, |(_, exposure)| *exposure)
    }
}

fn view<'a>(doc: &'a Value, schema: &'a Value, at: Pointer) -> View<'a> {
    let mut view = View {
        schema,
        at,
        component: None,
        nullable: false,
    };
    // Deeper than any real chain of references and wrappers.
    for _ in 0..16 {
        view.nullable |= view.schema.get("nullable") == Some(&Value::Bool(true));
        if view.schema.get("$ref").is_some() {
            let Ok((target, Some(pointer))) = resolve(doc, view.schema) else {
                break;
            };
            if let [components, schemas, name] = pointer.tokens().as_slice()
                && components == "components"
                && schemas == "schemas"
            {
                view.component = Some(name.clone());
            }
            view.schema = target;
            view.at = pointer;
            continue;
        }
        match view
            .schema
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            Some([single]) if view.schema.get("properties").is_none() => {
                view.at = view.at.push("allOf").push(0);
                view.schema = single;
            }
            _ => break,
        }
    }
    view
}

struct Differ<'a> {
    old: &'a Value,
    new: &'a Value,
    changes: Vec<Change>,
    /// The operation being compared, for the report.
    operation: String,
    /// Whether the schemas being compared are sent or received.
    direction: Direction,
    /// Schema pairs already compared, so recursive schemas end.
    visited: BTreeSet<(Pointer, Pointer)>,
}

impl Differ<'_> {
    fn report(&mut self, id: &str, exposure: Exposure, at: &Pointer, message: String) {
        let rule = lookup(id, exposure);
        self.changes.push(Change {
            id: rule.id,
            level: rule.severity,
            bump: rule.bump,
            operation: self.operation.clone(),
            pointer: at.to_string(),
            message,
            rust: rule.rust,
        });
    }

    fn operations(&mut self) {
        let old_ops = operations(self.old);
        let new_ops = operations(self.new);
        for (key, (at, name, op)) in &old_ops {
            self.operation = name.clone();
            match new_ops.get(key) {
                None => self.report(
                    "api-removed-without-deprecation",
                    Method,
                    at,
                    format!("{name} was removed"),
                ),
                Some((new_at, _, new_op)) => self.operation(at, op, new_at, new_op),
            }
        }
        for (key, (at, name, _)) in &new_ops {
            if !old_ops.contains_key(key) {
                self.operation = name.clone();
                self.report("endpoint-added", Method, at, format!("{name} was added"));
            }
        }
    }

    fn operation(&mut self, old_at: &Pointer, old: &Value, new_at: &Pointer, new: &Value) {
        let (old_id, new_id) = (old.get("operationId"), new.get("operationId"));
        if old_id != new_id {
            self.report(
                "api-operation-id-updated",
                Method,
                &new_at.push("operationId"),
                format!(
                    "operationId changed from {} to {}",
                    old_id.unwrap_or(&Value::Null),
                    new_id.unwrap_or(&Value::Null)
                ),
            );
        }
        self.parameters(old_at, new_at);
        let body = |doc: &Value, at: &Pointer| -> Option<Pointer> {
            let (body, target) = resolve(doc, at.push("requestBody").get(doc)?).ok()?;
            let base = target.unwrap_or_else(|| at.push("requestBody"));
            body.pointer("/content/application~1json/schema")?;
            Some(base.push("content").push("application/json").push("schema"))
        };
        if let (Some(o), Some(n)) = (body(self.old, old_at), body(self.new, new_at)) {
            self.direction = Direction::Request;
            self.schemas("", o, n, None);
        }
        self.responses(old_at, old, new_at, new);
    }

    fn parameters(&mut self, old_at: &Pointer, new_at: &Pointer) {
        let collect = |doc: &Value, at: &Pointer| -> BTreeMap<(String, String), (Pointer, Value)> {
            let mut out = BTreeMap::new();
            let (item_at, _) = at
                .split_last()
                .expect("an operation is below its path item");
            for holder in [item_at, at.clone()] {
                let Some(list) = holder.get(doc) else {
                    continue;
                };
                for (i, p) in walk::items(list, "parameters") {
                    let Ok((p, _)) = resolve(doc, p) else {
                        continue;
                    };
                    let field = |k: &str| {
                        p.get(k)
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string()
                    };
                    out.insert(
                        (field("in"), field("name")),
                        (holder.push("parameters").push(i), p.clone()),
                    );
                }
            }
            out
        };
        let (old, new) = (collect(self.old, old_at), collect(self.new, new_at));
        for ((place, name), (at, _)) in &old {
            if !new.contains_key(&(place.clone(), name.clone())) {
                self.report(
                    "request-parameter-removed",
                    Method,
                    at,
                    format!("{place} parameter `{name}` was removed"),
                );
            }
        }
        for ((place, name), (at, p)) in &new {
            let required = p.get("required") == Some(&Value::Bool(true));
            match old.get(&(place.clone(), name.clone())) {
                None if required => self.report(
                    "new-required-request-parameter",
                    Method,
                    at,
                    format!("new required {place} parameter `{name}`"),
                ),
                None => self.report(
                    "new-optional-request-parameter",
                    Method,
                    at,
                    format!("new optional {place} parameter `{name}`"),
                ),
                Some((_, old_p)) => {
                    let was_required = old_p.get("required") == Some(&Value::Bool(true));
                    if required && !was_required {
                        self.report(
                            "request-parameter-became-required",
                            Method,
                            at,
                            format!("{place} parameter `{name}` became required"),
                        );
                    } else if was_required && !required {
                        self.report(
                            "request-parameter-became-optional",
                            Method,
                            at,
                            format!("{place} parameter `{name}` became optional"),
                        );
                    }
                    let old_view = view(
                        self.old,
                        old_p.get("schema").unwrap_or(&Value::Null),
                        Pointer::root(),
                    );
                    let new_view = view(
                        self.new,
                        p.get("schema").unwrap_or(&Value::Null),
                        Pointer::root(),
                    );
                    if let Some(what) = type_change(&old_view, &new_view) {
                        self.report(
                            "request-parameter-type-changed",
                            Method,
                            at,
                            format!("{place} parameter `{name}` {what}"),
                        );
                    }
                }
            }
        }
    }

    fn responses(&mut self, old_at: &Pointer, old: &Value, new_at: &Pointer, new: &Value) {
        let statuses = |op: &Value| -> BTreeSet<String> {
            walk::entries(op, "responses")
                .map(|(s, _)| s.clone())
                .collect()
        };
        let (old_statuses, new_statuses) = (statuses(old), statuses(new));
        for status in old_statuses.difference(&new_statuses) {
            let at = old_at.push("responses").push(status);
            if status.starts_with('2') {
                self.report(
                    "response-success-status-removed",
                    Method,
                    &at,
                    format!("success response {status} was removed"),
                );
            } else {
                self.report(
                    "response-non-success-status-removed",
                    Nothing,
                    &at,
                    format!("response {status} was removed"),
                );
            }
        }
        for status in new_statuses.difference(&old_statuses) {
            if !status.starts_with('2') {
                let at = new_at.push("responses").push(status);
                self.report(
                    "response-non-success-status-added",
                    Nothing,
                    &at,
                    format!("response {status} was added"),
                );
            }
        }
        // Error bodies too: the envelope is generated into Rust types as well.
        for status in old_statuses.intersection(&new_statuses) {
            let schema = |doc: &Value, at: &Pointer| -> Option<Pointer> {
                let at = at.push("responses").push(status);
                let (response, target) = resolve(doc, at.get(doc)?).ok()?;
                response.pointer("/content/application~1json/schema")?;
                Some(
                    target
                        .unwrap_or(at)
                        .push("content")
                        .push("application/json")
                        .push("schema"),
                )
            };
            if let (Some(o), Some(n)) = (schema(self.old, old_at), schema(self.new, new_at)) {
                self.direction = Direction::Response;
                self.schemas("", o, n, None);
            }
        }
    }

    /// What this side of the exchange is called in ids and messages.
    fn side(&self) -> &'static str {
        match self.direction {
            Direction::Request => "request",
            Direction::Response => "response",
        }
    }

    /// Compares the schemas at two pointers: a body (`name` empty), array items, or a
    /// property of an object.
    fn schemas(
        &mut self,
        name: &str,
        old_at: Pointer,
        new_at: Pointer,
        property: Option<Property>,
    ) {
        let (Some(old_schema), Some(new_schema)) = (old_at.get(self.old), new_at.get(self.new))
        else {
            return;
        };
        let old = view(self.old, old_schema, old_at);
        let new = view(self.new, new_schema, new_at.clone());
        if let Some(property) = &property {
            self.property(name, &old, &new, &new_at, property);
            if self.direction == Direction::Request {
                self.string_constraints(name, &old, &new, &new_at, property.container);
            }
            if let Some(what) = type_change(&old, &new) {
                let side = self.side();
                self.report(
                    &format!("{side}-property-type-changed"),
                    property.container,
                    &new_at,
                    format!("{side} property `{name}` {what}"),
                );
                return;
            }
        }
        self.enum_values(name, &old, &new);
        if !self.visited.insert((old.at.clone(), new.at.clone())) {
            return;
        }
        if old.is_object() && new.is_object() {
            self.object(name, &old, &new);
        }
        if let (Some(_), Some(_)) = (old.schema.get("items"), new.schema.get("items")) {
            let items = if name.is_empty() {
                "items".to_string()
            } else {
                format!("{name}/items")
            };
            // Items are a property that is always present, held by the same Rust type
            // as their array: `Vec<T>` changes with `T`.
            let items_property = property.map(|p| Property {
                was_required: true,
                is_required: true,
                container: p.container,
            });
            let (old_items, new_items) = (old.at.push("items"), new.at.push("items"));
            self.schemas(&items, old_items, new_items, items_property);
        }
    }

    /// Properties added, removed, and changed; `prefix` names the object.
    fn object(&mut self, prefix: &str, old: &View, new: &View) {
        let side = self.side();
        let container = new.exposure(ClosedStruct);
        let (old_props, new_props) = (old.properties(), new.properties());
        let (old_required, new_required) = (old.required(), new.required());
        let qualified = |name: &str| {
            if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}/{name}")
            }
        };
        for name in old_props.keys().filter(|n| !new_props.contains_key(*n)) {
            let id = match self.direction {
                Direction::Request => "request-property-removed",
                Direction::Response if old_required.contains(name) => {
                    "response-required-property-removed"
                }
                Direction::Response => "response-optional-property-removed",
            };
            let at = old.at.push("properties").push(name);
            let message = format!("{side} property `{}` was removed", qualified(name));
            self.report(id, container, &at, message);
        }
        for name in new_props.keys().filter(|n| !old_props.contains_key(*n)) {
            let required = new_required.contains(name);
            let id = match (self.direction, required) {
                (Direction::Request, true) => "new-required-request-property",
                (Direction::Request, false) => "new-optional-request-property",
                (Direction::Response, true) => "response-required-property-added",
                (Direction::Response, false) => "response-optional-property-added",
            };
            let kind = if required { "required" } else { "optional" };
            let at = new.at.push("properties").push(name);
            let message = format!("new {kind} {side} property `{}`", qualified(name));
            self.report(id, container, &at, message);
        }
        for name in old_props.keys().filter(|n| new_props.contains_key(*n)) {
            let property = Property {
                was_required: old_required.contains(name),
                is_required: new_required.contains(name),
                container,
            };
            self.schemas(
                &qualified(name),
                old.at.push("properties").push(name),
                new.at.push("properties").push(name),
                Some(property),
            );
        }
    }

    /// Required and nullable changes of one property.
    fn property(&mut self, name: &str, old: &View, new: &View, at: &Pointer, property: &Property) {
        let Property {
            was_required,
            is_required,
            container,
        } = *property;
        // typify makes a field Option<T> when it may be absent or null.
        let was_option = !was_required || old.nullable;
        let is_option = !is_required || new.nullable;
        let exposure = if container == Builder {
            Builder
        } else if was_option != is_option {
            FieldType
        } else {
            SameFieldType
        };
        let changes = [
            (
                is_required && !was_required,
                "became-required",
                "became required",
            ),
            (
                was_required && !is_required,
                "became-optional",
                "became optional",
            ),
            (
                new.nullable && !old.nullable,
                "became-nullable",
                "became nullable",
            ),
            (
                old.nullable && !new.nullable,
                "became-not-nullable",
                "became not nullable",
            ),
        ];
        let side = self.side();
        for (_, suffix, what) in changes.into_iter().filter(|(changed, ..)| *changed) {
            let message = format!("{side} property `{name}` {what}");
            self.report(&format!("{side}-property-{suffix}"), exposure, at, message);
        }
    }

    /// `minLength`, `maxLength` and `pattern` of a request property set, changed or
    /// removed. Response schemas carry none (`validate` refuses them).
    fn string_constraints(
        &mut self,
        name: &str,
        old: &View,
        new: &View,
        at: &Pointer,
        container: Exposure,
    ) {
        let length = |v: &View, key: &str| v.schema.get(key).and_then(Value::as_u64);
        let (old_max, new_max) = (length(old, "maxLength"), length(new, "maxLength"));
        let (old_min, new_min) = (length(old, "minLength"), length(new, "minLength"));
        let (old_pattern, new_pattern) = (old.str("pattern"), new.str("pattern"));
        let max_length = match (old_max, new_max) {
            (None, Some(n)) => Some(("max-length-set", format!("maxLength was set to {n}"))),
            (Some(o), None) => Some(("max-length-unset", format!("maxLength {o} was removed"))),
            (Some(o), Some(n)) if n < o => Some((
                "max-length-decreased",
                format!("maxLength was decreased from {o} to {n}"),
            )),
            (Some(o), Some(n)) if n > o => Some((
                "max-length-increased",
                format!("maxLength was increased from {o} to {n}"),
            )),
            _ => None,
        };
        // An absent minLength is 0, as in oasdiff; but typify makes a newtype even for
        // `minLength: 0`, so setting or removing it is a change of its own.
        let (o, n) = (old_min.unwrap_or(0), new_min.unwrap_or(0));
        let min_length = match (o.cmp(&n), old_min, new_min) {
            (Ordering::Less, ..) => Some((
                "min-length-increased",
                format!("minLength was increased from {o} to {n}"),
            )),
            (Ordering::Greater, ..) => Some((
                "min-length-decreased",
                format!("minLength was decreased from {o} to {n}"),
            )),
            (Ordering::Equal, None, Some(_)) => {
                Some(("min-length-set", "minLength 0 was set".to_owned()))
            }
            (Ordering::Equal, Some(_), None) => {
                Some(("min-length-unset", "minLength 0 was removed".to_owned()))
            }
            (Ordering::Equal, ..) => None,
        };
        let pattern = match (old_pattern, new_pattern) {
            (None, Some(n)) => Some(("pattern-added", format!("pattern {n:?} was added"))),
            (Some(o), None) => Some(("pattern-removed", format!("pattern {o:?} was removed"))),
            (Some(o), Some(n)) if o != n => Some((
                "pattern-changed",
                format!("pattern changed from {o:?} to {n:?}"),
            )),
            _ => None,
        };
        let constrained = |v: &View| {
            ["minLength", "maxLength", "pattern"]
                .iter()
                .any(|key| v.schema.get(*key).is_some())
        };
        let exposure = if container == Builder {
            Builder
        } else if constrained(old) != constrained(new) {
            FieldType
        } else {
            SameFieldType
        };
        for (suffix, what) in [max_length, min_length, pattern].into_iter().flatten() {
            let message = format!("request property `{name}`: {what}");
            self.report(&format!("request-property-{suffix}"), exposure, at, message);
        }
    }

    /// Enum values added and removed.
    fn enum_values(&mut self, name: &str, old: &View, new: &View) {
        let values = |v: &View| -> Option<Vec<Value>> {
            v.schema.get("enum").and_then(Value::as_array).cloned()
        };
        let (Some(old_values), Some(new_values)) = (values(old), values(new)) else {
            return;
        };
        let side = self.side();
        let exposure = new.exposure(ClosedEnum);
        let at = new.at.push("enum");
        let subject = if name.is_empty() {
            format!("{side} body")
        } else {
            format!("{side} property `{name}`")
        };
        for value in old_values.iter().filter(|v| !new_values.contains(v)) {
            let message = format!("{subject}: enum value {value} was removed");
            self.report(
                &format!("{side}-property-enum-value-removed"),
                exposure,
                &at,
                message,
            );
        }
        for value in new_values.iter().filter(|v| !old_values.contains(v)) {
            let message = format!("{subject}: enum value {value} was added");
            self.report(
                &format!("{side}-property-enum-value-added"),
                exposure,
                &at,
                message,
            );
        }
    }
}

/// A property being compared: required before and after, and the Rust type holding it.
struct Property {
    was_required: bool,
    is_required: bool,
    container: Exposure,
}

/// How the type changed, if it did: its JSON type or format, or the component it
/// refers to (which names the Rust type, even when the two have the same shape).
fn type_change(old: &View, new: &View) -> Option<String> {
    let describe = |v: &View| match (v.str("type"), v.str("format")) {
        (Some(t), Some(f)) => Some(format!("{t} ({f})")),
        (Some(t), None) => Some(t.to_string()),
        (None, _) => None,
    };
    match (describe(old), describe(new), &old.component, &new.component) {
        (Some(o), Some(n), ..) if o != n => Some(format!("changed type from {o} to {n}")),
        (.., Some(o), Some(n)) if o != n => Some(format!("changed type from {o} to {n}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tidy test: each type `codegen.rs` replaces or patches is one `SDK_TYPES` knows,
    /// so a new hand-written type cannot slip past the bump it changes.
    #[test]
    fn sdk_types_names_every_type_codegen_replaces_or_patches() {
        let replaced = crate::codegen::REPLACED_TYPES
            .iter()
            .map(|(schema, _)| *schema);
        let named: Vec<&str> = replaced
            .chain(crate::codegen::NON_EXHAUSTIVE_TYPES.iter().copied())
            .collect();
        for name in named {
            assert!(
                SDK_TYPES.iter().any(|(known, _)| *known == name),
                "codegen.rs replaces or patches {name}: say in diff::SDK_TYPES how the SDK exposes it"
            );
        }
    }

    #[test]
    fn every_rule_id_and_exposure_pair_is_listed_once() {
        let mut seen = BTreeSet::new();
        for rule in RULES {
            assert!(
                seen.insert((rule.id, format!("{:?}", rule.exposure))),
                "{} {:?} twice",
                rule.id,
                rule.exposure
            );
        }
    }
}
