//! Custom fields: top-level `cf_*` keys with any JSON value, in requests and responses.
//!
//! Heffl accepts only documented fields and `cf_*` keys in a request body and rejects
//! the whole update otherwise, so keys are checked here before anything is sent.

use std::{borrow::Cow, collections::BTreeMap, fmt};

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, de};
use serde_json::Value;

use crate::Error;

/// The prefix every custom-field key carries.
pub const CUSTOM_FIELD_PREFIX: &str = "cf_";

/// Checks that `key` is `cf_` followed by a name of ASCII letters, digits and `_`.
pub(crate) fn check_key(key: &str) -> Result<(), Error> {
    let name = key.strip_prefix(CUSTOM_FIELD_PREFIX).ok_or_else(|| {
        Error::invalid_input(
            format!("custom field `{key}`"),
            "custom field keys start with `cf_` (only documented fields and cf_* keys are accepted)",
        )
    })?;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(Error::invalid_input(
            format!("custom field `{key}`"),
            "the name after `cf_` must be one or more ASCII letters, digits or underscores",
        ));
    }
    Ok(())
}

/// The custom-field changes of one patch: every key checked, `null` clears a value.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub(crate) struct CustomFieldChanges(BTreeMap<String, Value>);

impl CustomFieldChanges {
    pub(crate) fn set(&mut self, key: &str, value: Value) -> Result<(), Error> {
        check_key(key)?;
        if value.is_null() {
            return Err(Error::invalid_input(
                format!("custom field `{key}`"),
                "a null value would clear the field (a NaN or infinite number is null in JSON); \
                 call clear_custom_field to do that on purpose",
            ));
        }
        self.0.insert(key.to_owned(), value);
        Ok(())
    }

    pub(crate) fn clear(&mut self, key: &str) -> Result<(), Error> {
        check_key(key)?;
        self.0.insert(key.to_owned(), Value::Null);
        Ok(())
    }
}

/// Deserializing a patch from JSON must not drop a key the server would reject, so
/// every key left over after the documented fields has to be a valid `cf_*` key; and
/// must not pick one of two values for a key, so a repeated key is an error, as it
/// is for documented fields.
impl<'de> Deserialize<'de> for CustomFieldChanges {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(CustomFieldsVisitor)
    }
}

struct CustomFieldsVisitor;

impl<'de> de::Visitor<'de> for CustomFieldsVisitor {
    type Value = CustomFieldChanges;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cf_* keys with JSON values")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut fields = BTreeMap::new();
        while let Some(key) = map.next_key::<String>()? {
            check_key(&key).map_err(|_| {
                de::Error::custom(format_args!(
                    "unknown field `{key}`: only documented fields and cf_* keys are accepted"
                ))
            })?;
            let value = map.next_value::<Value>()?;
            if fields.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
            }
            fields.insert(key, value);
        }
        Ok(CustomFieldChanges(fields))
    }
}

impl JsonSchema for CustomFieldChanges {
    fn schema_name() -> Cow<'static, str> {
        "CustomFieldChanges".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "object",
            "additionalProperties": true,
        })
    }

    fn inline_schema() -> bool {
        true
    }
}

/// Iterates the `cf_*` entries of a response's catch-all map, in key order.
pub(crate) fn in_map(map: &serde_json::Map<String, Value>) -> impl Iterator<Item = (&str, &Value)> {
    map.iter()
        .filter(|(key, _)| key.starts_with(CUSTOM_FIELD_PREFIX))
        .map(|(key, value)| (key.as_str(), value))
}
