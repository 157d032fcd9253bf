//! The contact the API returns, and the kinds of record it can be.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{custom_fields, types::Contact};

impl Contact {
    /// The contact's custom fields (`cf_*` keys) in key order. Fields the workspace
    /// defines but this contact has no value for come back as `null`.
    ///
    /// ```
    /// let contact: heffl_sdk::Contact = serde_json::from_value(serde_json::json!({
    ///     "id": "clt_abc123", "name": "Jane Smith", "number": "CON001", "firstName": "Jane",
    ///     "openingBalance": 0, "showJobAmountToWorker": false, "isClientPortalEnabled": false,
    ///     "cf_industry": "SaaS", "cf_region": null,
    /// })).unwrap();
    /// let fields: Vec<_> = contact.custom_fields().map(|(key, _)| key).collect();
    /// assert_eq!(fields, ["cf_industry", "cf_region"]);
    /// assert_eq!(contact.custom_field("cf_industry"), Some(&serde_json::json!("SaaS")));
    /// ```
    pub fn custom_fields(&self) -> impl Iterator<Item = (&str, &Value)> {
        custom_fields::in_map(&self.extra)
    }

    /// One custom field's value; `Some(&Value::Null)` when the field is unset.
    pub fn custom_field(&self, key: &str) -> Option<&Value> {
        self.custom_fields()
            .find_map(|(k, value)| (k == key).then_some(value))
    }
}

/// The kind of client record (`type` in the response): always `contact` from the
/// contact endpoints, but kept open so that a new kind does not fail decoding.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ContactKind {
    /// A contact person.
    Contact,
    /// A company.
    Company,
    /// A kind this version of the SDK does not know, as the server spelled it.
    #[serde(untagged)]
    Other(String),
}

/// An open enum is a string on the wire; the known values are listed, not enforced.
impl JsonSchema for ContactKind {
    fn schema_name() -> Cow<'static, str> {
        "ContactKind".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "Kind of client record: `contact` or `company`; other values are kept as they are.",
        })
    }
}
