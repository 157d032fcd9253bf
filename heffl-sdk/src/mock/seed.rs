//! The data every mock server starts with; the module docs list it for users.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::state::Contact;

/// When every seeded record was created and last updated:
/// `2025-01-15T10:30:00.000Z`, the timestamp of the docs' examples.
const SEED_TIME_MILLIS: i64 = 1_736_937_000_000;

/// The records a contact refers to, by id, with their display names.
#[derive(Debug, Clone)]
pub(super) struct ReferenceData {
    /// Company `clt_` ids and names. Companies share the prefix with contacts
    /// but are not contacts.
    pub(super) companies: BTreeMap<&'static str, &'static str>,
    /// Client stages (`cs_`) and their labels, shown as `stageName`.
    pub(super) client_stages: BTreeMap<&'static str, &'static str>,
    /// Lead stages (`lstg_`) and their labels.
    pub(super) lead_stages: BTreeMap<&'static str, &'static str>,
    /// CRM sources (`src_`) and their names, shown as `sourceName`.
    pub(super) sources: BTreeMap<&'static str, &'static str>,
    /// Team users (`usr_`) and their names.
    pub(super) users: BTreeMap<&'static str, &'static str>,
    /// The contact custom fields configured in the workspace.
    pub(super) custom_fields: Vec<CustomFieldDefinition>,
}

/// A custom field configured for contacts.
#[derive(Debug, Clone)]
pub(super) struct CustomFieldDefinition {
    pub(super) key: &'static str,
    pub(super) kind: CustomFieldKind,
    /// No two contacts may hold the same value.
    pub(super) unique: bool,
}

/// The JSON type a custom field's value must have (besides `null`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CustomFieldKind {
    Text,
    Number,
}

impl ReferenceData {
    /// The definition of custom field `key`, if the workspace has one.
    pub(super) fn custom_field(&self, key: &str) -> Option<&CustomFieldDefinition> {
        self.custom_fields
            .iter()
            .find(|definition| definition.key == key)
    }
}

pub(super) fn reference_data() -> ReferenceData {
    let text = |key, unique| CustomFieldDefinition {
        key,
        kind: CustomFieldKind::Text,
        unique,
    };
    ReferenceData {
        companies: BTreeMap::from([
            ("clt_co_acme", "Acme LLC"),
            ("clt_co_globex", "Globex Corporation"),
        ]),
        client_stages: BTreeMap::from([("cs_lead", "Lead"), ("cs_customer", "Customer")]),
        lead_stages: BTreeMap::from([("lstg_new", "New"), ("lstg_contacted", "Contacted")]),
        sources: BTreeMap::from([("src_web", "Website"), ("src_referral", "Referral")]),
        users: BTreeMap::from([("usr_owner", "Olivia Owner"), ("usr_sales", "Sam Sales")]),
        custom_fields: vec![
            text("cf_industry", false),
            CustomFieldDefinition {
                key: "cf_lead_score",
                kind: CustomFieldKind::Number,
                unique: false,
            },
            text("cf_customer_code", true),
            text("cf_region", false),
        ],
    }
}

pub(super) fn contacts() -> Vec<Contact> {
    // The constant is well inside chrono's range, so this cannot fail.
    let seed_time =
        DateTime::<Utc>::from_timestamp_millis(SEED_TIME_MILLIS).expect("seed time is in range");
    let seeded = |id: &str, number: &str, first_name: &str| Contact {
        id: id.into(),
        number: number.into(),
        first_name: first_name.into(),
        created_at: seed_time,
        updated_at: seed_time,
        ..Contact::default()
    };
    let some = |value: &str| Some(value.to_owned());
    vec![
        Contact {
            last_name: some("Lovelace"),
            salutation: some("Ms."),
            email: some("ada@example.com"),
            phone: some("+44 20 7946 0018"),
            job_title: some("Analyst"),
            company_id: some("clt_co_acme"),
            stage_id: some("cs_lead"),
            lead_stage_id: some("lstg_new"),
            owner_user_id: some("usr_owner"),
            source_id: some("src_web"),
            currency: some("GBP"),
            custom_fields: custom_field_values(json!({
                "cf_industry": "Mathematics",
                "cf_lead_score": 85,
                "cf_customer_code": "ADA-001",
                "cf_region": null,
            })),
            ..seeded("clt_ada", "CON001", "Ada")
        },
        Contact {
            last_name: some("Hopper"),
            email: some("grace@example.com"),
            stage_id: some("cs_customer"),
            owner_user_id: some("usr_sales"),
            source_id: some("src_referral"),
            custom_fields: custom_field_values(json!({ "cf_customer_code": "GRACE-002" })),
            ..seeded("clt_grace", "CON002", "Grace")
        },
        seeded("clt_linus", "CON003", "Linus"),
    ]
}

fn custom_field_values(values: Value) -> BTreeMap<String, Value> {
    match values {
        Value::Object(values) => values.into_iter().collect(),
        _ => BTreeMap::new(),
    }
}
