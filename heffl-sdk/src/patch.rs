//! Three-state values for PATCH bodies: leave a field alone, clear it, or set it.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What a PATCH request does with one field that the API lets you clear.
///
/// [`Patch::Absent`] (the default) sends nothing, so the server keeps the stored
/// value; [`Patch::Null`] sends JSON `null`, which clears it; [`Patch::Value`] sends
/// the new value. `Option<T>` cannot tell the first two apart, and mixing them up
/// either loses an update or erases a customer's data, so they are separate here.
///
/// ```
/// use heffl_sdk::Patch;
///
/// let keep: Patch<String> = Patch::default();
/// assert!(keep.is_absent());
/// assert_eq!(serde_json::to_string(&Patch::<String>::Null).unwrap(), "null");
/// assert_eq!(serde_json::to_string(&Patch::Value("a@b.co")).unwrap(), r#""a@b.co""#);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Patch<T> {
    /// Not sent: the server keeps the current value.
    #[default]
    Absent,
    /// Sent as `null`: the server clears the value.
    Null,
    /// Sent as this value.
    Value(T),
}

impl<T> Patch<T> {
    /// True when the field is not sent. Used as serde's `skip_serializing_if`.
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// True when the field is sent as `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Patch::Null)
    }

    /// The value to set, if any.
    pub fn as_value(&self) -> Option<&T> {
        match self {
            Patch::Value(value) => Some(value),
            Patch::Absent | Patch::Null => None,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Patch::Value(value) => value.serialize(serializer),
            Patch::Null => serializer.serialize_none(),
            // Writing anything here would turn "leave it alone" into a change; a
            // struct holding a `Patch` must skip absent fields instead.
            Patch::Absent => Err(serde::ser::Error::custom(
                "Patch::Absent cannot be serialized: mark the field \
                 #[serde(default, skip_serializing_if = \"Patch::is_absent\")]",
            )),
        }
    }
}

/// A present `null` reads as [`Patch::Null`]; a missing key needs `#[serde(default)]`
/// on the field to read as [`Patch::Absent`].
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Patch::Value(value),
            None => Patch::Null,
        })
    }
}

/// On the wire a `Patch<T>` is exactly a nullable `T`.
impl<T: JsonSchema> JsonSchema for Patch<T> {
    fn schema_name() -> Cow<'static, str> {
        Option::<T>::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        Option::<T>::json_schema(generator)
    }

    fn inline_schema() -> bool {
        true
    }
}
