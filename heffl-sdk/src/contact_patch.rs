//! The body of a contact update: which fields to set, which to clear, which to leave.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::{Error, Patch, custom_fields::CustomFieldChanges, types::BillingAddress};

/// A partial update of a contact.
///
/// Only what you set is sent: a new `ContactPatch` sends `{}` and changes nothing.
/// Fields the API lets you clear have a `clear_` method that sends `null`, and a
/// `set_` method that takes a [`Patch`] worked out elsewhere; fields it does not let
/// you clear have neither, so `null` cannot be sent by accident.
///
/// ```
/// use heffl_sdk::ContactPatch;
///
/// let patch = ContactPatch::new()
///     .first_name("Ada")
///     .clear_company()
///     .custom_field("cf_industry", "Mathematics")?;
/// assert_eq!(
///     serde_json::to_string(&patch).unwrap(),
///     r#"{"firstName":"Ada","companyId":null,"cf_industry":"Mathematics"}"#
/// );
/// # Ok::<(), heffl_sdk::Error>(())
/// ```
///
/// Deserializing a patch from JSON applies the same rules: a key that is neither a
/// documented field nor a `cf_*` key, or a `null` for a field that cannot be cleared,
/// is an error rather than silently dropped.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(
    rename = "UpdateContactRequest",
    description = "Partial update of a contact: only the keys present change; null clears \
                   email and companyId; cf_* keys set or clear custom fields."
)]
pub struct ContactPatch {
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    first_name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    last_name: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    salutation: Option<String>,
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    #[schemars(email)]
    email: Patch<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    phone: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    job_title: Option<String>,
    #[serde(default, skip_serializing_if = "Patch::is_absent")]
    company_id: Patch<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    stage_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    lead_stage_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    owner_user_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    vendor_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    #[schemars(with = "String")]
    source_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present_without_nulls"
    )]
    #[schemars(with = "BillingAddress")]
    billing_address: Option<BillingAddress>,
    #[serde(flatten)]
    custom_fields: CustomFieldChanges,
}

/// Setters for fields that can be set but not cleared.
macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty;)*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: impl Into<$ty>) -> Self {
            self.$name = Some(value.into());
            self
        }
    )*};
}

impl ContactPatch {
    /// An empty patch: sends `{}` and changes nothing.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Sets the first name (`firstName`).
        first_name: String;
        /// Sets the last name (`lastName`).
        last_name: String;
        /// Sets the salutation (`salutation`), such as "Dr.".
        salutation: String;
        /// Sets the phone number with country code (`phone`).
        phone: String;
        /// Sets the job title (`jobTitle`).
        job_title: String;
        /// Sets the client stage (`stageId`, a `cs_` id).
        stage_id: String;
        /// Sets the lead stage (`leadStageId`, an `lstg_` id).
        lead_stage_id: String;
        /// Sets the owner (`ownerUserId`, a `usr_` id).
        owner_user_id: String;
        /// Sets the vendor (`vendorId`). The API does not return it.
        vendor_id: String;
        /// Sets the CRM source (`sourceId`, a `src_` id); it comes back as `crm_source_id`.
        source_id: String;
        /// Sets the billing address (`billingAddress`). The API does not return it.
        billing_address: BillingAddress;
    }

    /// Sets the email address (`email`).
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Patch::Value(email.into());
        self
    }

    /// Removes the email address: sends `"email": null`.
    pub fn clear_email(mut self) -> Self {
        self.email = Patch::Null;
        self
    }

    /// Links the contact to a company (`companyId`, the company's `clt_` id).
    pub fn company_id(mut self, company_id: impl Into<String>) -> Self {
        self.company_id = Patch::Value(company_id.into());
        self
    }

    /// Unlinks the contact from its company: sends `"companyId": null`.
    pub fn clear_company(mut self) -> Self {
        self.company_id = Patch::Null;
        self
    }

    /// Sets, clears or leaves the email address as `email` says: for code that has
    /// worked out the change already, such as a sync from another system.
    ///
    /// ```
    /// use heffl_sdk::{ContactPatch, Patch};
    ///
    /// fn email_change(before: Option<&str>, after: Option<&str>) -> Patch<String> {
    ///     match after {
    ///         _ if after == before => Patch::Absent,
    ///         None => Patch::Null,
    ///         Some(email) => Patch::Value(email.to_owned()),
    ///     }
    /// }
    ///
    /// let removed = ContactPatch::new().set_email(email_change(Some("a@b.co"), None));
    /// assert_eq!(serde_json::to_string(&removed).unwrap(), r#"{"email":null}"#);
    /// let same = ContactPatch::new().set_email(email_change(Some("a@b.co"), Some("a@b.co")));
    /// assert!(same.is_empty());
    /// ```
    pub fn set_email(mut self, email: Patch<String>) -> Self {
        self.email = email;
        self
    }

    /// Links, unlinks or leaves the company as `company_id` says; see
    /// [`set_email`](Self::set_email).
    pub fn set_company_id(mut self, company_id: Patch<String>) -> Self {
        self.company_id = company_id;
        self
    }

    /// Sets a custom field, such as `cf_industry`, to any JSON value other than `null`.
    ///
    /// Fails when `key` is not `cf_` followed by letters, digits or underscores, and
    /// when `value` is `null` (use [`clear_custom_field`](Self::clear_custom_field)).
    pub fn custom_field(mut self, key: &str, value: impl Into<Value>) -> Result<Self, Error> {
        self.custom_fields.set(key, value.into())?;
        Ok(self)
    }

    /// Clears a custom field: sends `"cf_…": null`.
    pub fn clear_custom_field(mut self, key: &str) -> Result<Self, Error> {
        self.custom_fields.clear(key)?;
        Ok(self)
    }

    /// True when the patch changes nothing (it would send `{}`).
    pub fn is_empty(&self) -> bool {
        *self == ContactPatch::default()
    }
}

/// Like [`present`], for an object whose parts cannot be cleared either: a `null`
/// inside (`{"city": null}`) would read as "not set" and vanish from the request.
fn present_without_nulls<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::Error as _;

    let object = serde_json::Map::<String, Value>::deserialize(deserializer)?;
    if let Some((key, _)) = object.iter().find(|(_, value)| value.is_null()) {
        return Err(D::Error::custom(format_args!(
            "`{key}` is null, which would be dropped: leave the key out instead"
        )));
    }
    serde_json::from_value(Value::Object(object))
        .map(Some)
        .map_err(D::Error::custom)
}

/// Reads a field that may be absent but, when present, must not be `null`: the API
/// does not let these fields be cleared, and treating `null` as "absent" would
/// silently drop what the caller wrote.
fn present<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}
