//! The workspace the mock serves: its contacts, and the rules by which an
//! update is merged into a contact and a contact is shown as the API shows it.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, SubsecRound, TimeDelta, Utc};
use serde_json::{Map, Value, json};

use super::seed::{self, ReferenceData};

/// A contact as stored. Names, company name and the like are derived when the
/// contact is shown, so they can never disagree with the ids they come from.
#[derive(Debug, Clone, Default)]
pub(super) struct Contact {
    pub(super) id: String,
    pub(super) number: String,
    pub(super) first_name: String,
    pub(super) last_name: Option<String>,
    pub(super) salutation: Option<String>,
    pub(super) email: Option<String>,
    pub(super) phone: Option<String>,
    pub(super) job_title: Option<String>,
    pub(super) description: Option<String>,
    pub(super) tax_number: Option<String>,
    pub(super) website: Option<String>,
    pub(super) company_id: Option<String>,
    pub(super) stage_id: Option<String>,
    pub(super) lead_stage_id: Option<String>,
    pub(super) owner_user_id: Option<String>,
    /// Write-only: accepted on update, never returned.
    pub(super) vendor_id: Option<String>,
    /// Sent as `sourceId`, returned as `crmSourceId`.
    pub(super) source_id: Option<String>,
    /// Write-only: accepted on update, never returned.
    pub(super) billing_address: Option<Map<String, Value>>,
    pub(super) currency: Option<String>,
    pub(super) internal_notes: Option<String>,
    pub(super) profile_image: Option<String>,
    pub(super) instagram: Option<String>,
    pub(super) facebook: Option<String>,
    pub(super) linkedin: Option<String>,
    pub(super) twitter: Option<String>,
    pub(super) opening_balance: f64,
    pub(super) show_job_amount_to_worker: bool,
    pub(super) is_client_portal_enabled: bool,
    pub(super) created_at: DateTime<Utc>,
    pub(super) updated_at: DateTime<Utc>,
    /// `cf_*` values set on this contact; a `null` is kept as set.
    pub(super) custom_fields: BTreeMap<String, Value>,
}

/// One validated key of an update body.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Change {
    FirstName(String),
    LastName(String),
    Salutation(String),
    /// `None` removes the email address.
    Email(Option<String>),
    Phone(String),
    JobTitle(String),
    /// A company id known to exist, or `None` to unlink.
    Company(Option<String>),
    Stage(String),
    LeadStage(String),
    Owner(String),
    Vendor(String),
    Source(String),
    BillingAddress(Map<String, Value>),
    /// A `cf_*` key and its value, `null` included.
    CustomField(String, Value),
}

/// Why a valid update could not be applied.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum UpdateRejection {
    /// No contact has this id.
    NotFound,
    /// Another contact already holds this value of a unique custom field.
    UniqueValueTaken,
}

/// The mock workspace: reference data plus contacts.
#[derive(Debug)]
pub(super) struct Store {
    reference: ReferenceData,
    contacts: BTreeMap<String, Contact>,
}

impl Store {
    /// The workspace described in the module docs.
    pub(super) fn seeded() -> Store {
        Store {
            reference: seed::reference_data(),
            contacts: seed::contacts()
                .into_iter()
                .map(|contact| (contact.id.clone(), contact))
                .collect(),
        }
    }

    /// Companies, stages, sources, users and custom field definitions.
    pub(super) fn reference(&self) -> &ReferenceData {
        &self.reference
    }

    /// Whether `id` names a contact; a company id does not.
    pub(super) fn has_contact(&self, id: &str) -> bool {
        self.contacts.contains_key(id)
    }

    /// The contact as the API returns it.
    pub(super) fn contact_json(&self, id: &str) -> Option<Value> {
        self.contacts
            .get(id)
            .map(|contact| contact.to_json(&self.reference))
    }

    /// Applies `changes` to contact `id`, all or nothing, and returns the
    /// contact as the API returns it afterwards.
    pub(super) fn update(
        &mut self,
        id: &str,
        changes: Vec<Change>,
    ) -> Result<Value, UpdateRejection> {
        if !self.contacts.contains_key(id) {
            return Err(UpdateRejection::NotFound);
        }
        if changes
            .iter()
            .any(|change| self.takes_unique_value(id, change))
        {
            return Err(UpdateRejection::UniqueValueTaken);
        }
        let contact = self.contacts.get_mut(id).ok_or(UpdateRejection::NotFound)?;
        if !changes.is_empty() {
            contact.updated_at = next_update_time(contact.updated_at);
        }
        for change in changes {
            contact.apply(change);
        }
        Ok(contact.to_json(&self.reference))
    }

    /// Whether `change` sets a unique custom field to a value that a contact
    /// other than `id` already has.
    fn takes_unique_value(&self, id: &str, change: &Change) -> bool {
        let Change::CustomField(key, value) = change else {
            return false;
        };
        let unique = self
            .reference
            .custom_field(key)
            .is_some_and(|definition| definition.unique);
        unique
            && !value.is_null()
            && self
                .contacts
                .values()
                .any(|other| other.id != id && other.custom_fields.get(key) == Some(value))
    }
}

/// Now, to the millisecond the API shows, but always later than `previous` so
/// that two quick updates still move `updatedAt` forward.
fn next_update_time(previous: DateTime<Utc>) -> DateTime<Utc> {
    let now = Utc::now().trunc_subsecs(3);
    let just_after = previous
        .checked_add_signed(TimeDelta::milliseconds(1))
        .unwrap_or(now);
    now.max(just_after)
}

/// A number as a JavaScript server writes it, and as the docs' example `123`
/// shows: whole numbers without a fraction (`0`, not `0.0`), so that a client
/// reading an integer is not tripped up by the mock alone.
fn js_number(value: f64) -> Value {
    // Below 2^53 every whole f64 converts to i64 exactly.
    const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && value.abs() < EXACT_INTEGER_LIMIT {
        json!(value as i64)
    } else {
        json!(value)
    }
}

fn timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl Contact {
    fn apply(&mut self, change: Change) {
        match change {
            Change::FirstName(value) => self.first_name = value,
            Change::LastName(value) => self.last_name = Some(value),
            Change::Salutation(value) => self.salutation = Some(value),
            Change::Email(value) => self.email = value,
            Change::Phone(value) => self.phone = Some(value),
            Change::JobTitle(value) => self.job_title = Some(value),
            Change::Company(value) => self.company_id = value,
            Change::Stage(value) => self.stage_id = Some(value),
            Change::LeadStage(value) => self.lead_stage_id = Some(value),
            Change::Owner(value) => self.owner_user_id = Some(value),
            Change::Vendor(value) => self.vendor_id = Some(value),
            Change::Source(value) => self.source_id = Some(value),
            Change::BillingAddress(value) => self.billing_address = Some(value),
            Change::CustomField(key, value) => {
                self.custom_fields.insert(key, value);
            }
        }
    }

    /// "First Last", or just the first name when there is no last name.
    fn display_name(&self) -> String {
        [Some(self.first_name.as_str()), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Every documented response field, `null` where unset, then every
    /// custom field of the workspace (`null` where unset) and any other
    /// `cf_*` key this contact holds. `vendorId` and `billingAddress` are
    /// write-only and left out.
    fn to_json(&self, reference: &ReferenceData) -> Value {
        let company_name = self
            .company_id
            .as_deref()
            .and_then(|id| reference.companies.get(id));
        let stage_name = self
            .stage_id
            .as_deref()
            .and_then(|id| reference.client_stages.get(id));
        let source_name = self
            .source_id
            .as_deref()
            .and_then(|id| reference.sources.get(id));
        let mut contact = json!({
            "id": self.id,
            "name": self.display_name(),
            "number": self.number,
            "firstName": self.first_name,
            "openingBalance": js_number(self.opening_balance),
            "showJobAmountToWorker": self.show_job_amount_to_worker,
            "isClientPortalEnabled": self.is_client_portal_enabled,
            "type": "contact",
            "lastName": self.last_name,
            "email": self.email,
            "phone": self.phone,
            "salutation": self.salutation,
            "jobTitle": self.job_title,
            "description": self.description,
            "taxNumber": self.tax_number,
            "website": self.website,
            "companyId": self.company_id,
            "companyName": company_name,
            // The API repeats the company id under this name for contacts.
            "parentClientId": self.company_id,
            "stageId": self.stage_id,
            "stageName": stage_name,
            "leadStageId": self.lead_stage_id,
            "ownerUserId": self.owner_user_id,
            "crmSourceId": self.source_id,
            "sourceName": source_name,
            "currency": self.currency,
            "internalNotes": self.internal_notes,
            "profileImage": self.profile_image,
            "instagram": self.instagram,
            "facebook": self.facebook,
            "linkedin": self.linkedin,
            "twitter": self.twitter,
            "createdAt": timestamp(self.created_at),
            "updatedAt": timestamp(self.updated_at),
        });
        if let Value::Object(fields) = &mut contact {
            for definition in &reference.custom_fields {
                fields.insert(definition.key.to_owned(), Value::Null);
            }
            for (key, value) in &self.custom_fields {
                fields.insert(key.clone(), value.clone());
            }
        }
        contact
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_update_moves_updated_at_strictly_forward() {
        let later = Utc::now() + TimeDelta::days(1);
        assert!(next_update_time(later) > later);
        let earlier = Utc::now() - TimeDelta::days(1);
        assert!(next_update_time(earlier) > earlier);
    }

    #[test]
    fn a_conflicting_update_changes_nothing() {
        let mut store = Store::seeded();
        let before = store.contact_json("clt_grace");
        let changes = vec![
            Change::FirstName("Amazing".into()),
            Change::CustomField("cf_customer_code".into(), "ADA-001".into()),
        ];
        assert_eq!(
            store.update("clt_grace", changes),
            Err(UpdateRejection::UniqueValueTaken)
        );
        assert_eq!(store.contact_json("clt_grace"), before);
    }

    #[test]
    fn a_contact_may_keep_its_own_unique_value() {
        let mut store = Store::seeded();
        let changes = vec![Change::CustomField(
            "cf_customer_code".into(),
            "ADA-001".into(),
        )];
        assert!(store.update("clt_ada", changes).is_ok());
    }
}
