//! The hand-written baseline: what a user would write instead of heffl-sdk, with
//! reqwest and serde structs, no generated code and no retry layer.
//!
//! Every benchmark that reports a ratio compares heffl-sdk with this file. It is also
//! the whole source of the crate that `cargo xtask bench` builds to measure what the
//! build-time generation costs, so it depends on nothing but reqwest, serde,
//! serde_json and chrono.
//!
//! The types have the shape of the SDK's: the same fields, in the same order, with
//! the same Rust types, and custom fields (`cf_*` keys) flattened into a map. The one
//! difference is `type`, a plain `String` here where the SDK keeps an open enum.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The body of `PATCH /contacts/{id}`: `None` is not sent, and for the fields the API
/// lets you clear, `Some(None)` sends `null`.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactUpdate {
    /// `firstName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// `lastName`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// `salutation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salutation: Option<String>,
    /// `email`; `Some(None)` clears it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<Option<String>>,
    /// `phone`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// `jobTitle`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_title: Option<String>,
    /// `companyId`; `Some(None)` unlinks the company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<Option<String>>,
    /// `stageId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage_id: Option<String>,
    /// `leadStageId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_stage_id: Option<String>,
    /// `ownerUserId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_user_id: Option<String>,
    /// `vendorId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_id: Option<String>,
    /// `sourceId`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// `billingAddress`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_address: Option<BillingAddress>,
    /// `cf_*` keys, sent at the top level; `Value::Null` clears one.
    #[serde(flatten)]
    pub custom_fields: BTreeMap<String, Value>,
}

/// `billingAddress` in an update.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingAddress {
    /// Street address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// City.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Country.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Landmark.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landmark: Option<String>,
    /// Postal code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// State or region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// A contact as the API returns it; `cf_*` keys and anything unknown land in `extra`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    /// `companyId`.
    pub company_id: Option<String>,
    /// `companyName`.
    pub company_name: Option<String>,
    /// `createdAt`.
    pub created_at: Option<DateTime<Utc>>,
    /// `crmSourceId`.
    pub crm_source_id: Option<String>,
    /// `currency`.
    pub currency: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `email`.
    pub email: Option<String>,
    /// `facebook`.
    pub facebook: Option<String>,
    /// `firstName`.
    pub first_name: String,
    /// `id`.
    pub id: String,
    /// `instagram`.
    pub instagram: Option<String>,
    /// `internalNotes`.
    pub internal_notes: Option<String>,
    /// `isClientPortalEnabled`.
    pub is_client_portal_enabled: bool,
    /// `jobTitle`.
    pub job_title: Option<String>,
    /// `lastName`.
    pub last_name: Option<String>,
    /// `leadStageId`.
    pub lead_stage_id: Option<String>,
    /// `linkedin`.
    pub linkedin: Option<String>,
    /// `name`.
    pub name: String,
    /// `number`.
    pub number: String,
    /// `openingBalance`.
    pub opening_balance: f64,
    /// `ownerUserId`.
    pub owner_user_id: Option<String>,
    /// `parentClientId`.
    pub parent_client_id: Option<String>,
    /// `phone`.
    pub phone: Option<String>,
    /// `profileImage`.
    pub profile_image: Option<String>,
    /// `salutation`.
    pub salutation: Option<String>,
    /// `showJobAmountToWorker`.
    pub show_job_amount_to_worker: bool,
    /// `sourceName`.
    pub source_name: Option<String>,
    /// `stageId`.
    pub stage_id: Option<String>,
    /// `stageName`.
    pub stage_name: Option<String>,
    /// `taxNumber`.
    pub tax_number: Option<String>,
    /// `twitter`.
    pub twitter: Option<String>,
    /// `type`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// `updatedAt`.
    pub updated_at: Option<DateTime<Utc>>,
    /// `website`.
    pub website: Option<String>,
    /// Custom fields and keys this struct does not name.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `PATCH {base_url}/contacts/{id}` with `update`, returning the updated contact.
///
/// What a few lines of reqwest do: no id check, no pacing, no retries, no call
/// timeout, and any non-2xx status is an error without the API's message.
pub async fn update_contact(
    http: &reqwest::Client,
    base_url: &str,
    api_key: &str,
    id: &str,
    update: &ContactUpdate,
) -> reqwest::Result<Contact> {
    http.patch(format!("{base_url}/contacts/{id}"))
        .header("x-api-key", api_key)
        .json(update)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await
}
