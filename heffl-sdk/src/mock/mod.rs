//! A contract mock of the Heffl API v2 contact update, `PATCH
//! /api/v2/contacts/{id}`: a real HTTP server on 127.0.0.1 for your tests.
//!
//! Enabled by the `mock` feature. Start it with [`MockServer::start`], point a
//! client at [`MockServer::base_url`] with the key [`MockServer::API_KEY`],
//! and assert on the answers, on [`MockServer::requests`] and on
//! [`MockServer::contact`].
//!
//! The mock is written from the API's public docs, not from this crate's
//! types, so that a mistake in the client is not mirrored by the server. Where
//! the docs give an exact string (the missing-key message, the validation
//! messages) the mock uses it; its other messages are placeholders that a
//! client must not depend on.
//!
//! # What it checks, in order
//!
//! 1. **Faults** injected with [`MockServer::inject`] and friends take the
//!    request before anything else (the request is still recorded).
//! 2. **Key**: without `x-api-key` (an `Authorization: Bearer` header does not
//!    count) → 401 `UNAUTHORIZED` "API key required. Include 'x-api-key'
//!    header."; an unknown key → 401 `UNAUTHORIZED` "Invalid API key".
//! 3. **Rate limit** per valid key: 60 requests in a fixed 60-second window
//!    that opens with its first request (see [`MockServerBuilder`]). Past it →
//!    429 `TOO_MANY_REQUESTS` with `RateLimit-Limit`, `RateLimit-Remaining:
//!    0`, `RateLimit-Reset` and `Retry-After`; a 429 uses no budget. Every
//!    other answer to a valid key carries the three `RateLimit-*` headers too.
//! 4. **Route**: anything but `PATCH /api/v2/contacts/{id}` → 404 `NOT_FOUND`.
//! 5. **Permission**: [`MockServer::READ_ONLY_API_KEY`] → 403 `FORBIDDEN`.
//! 6. **Contact**: an id that names no contact → 404 `NOT_FOUND` "Contact not
//!    found". That includes a company's id: the docs only say the id "must be
//!    a contact record", so this is assumed behaviour.
//! 7. **Body**: not declared or not parseable as JSON → 400 `BAD_REQUEST`.
//!    Otherwise every issue is collected into one 400 `VALIDATION_ERROR`
//!    "Some fields are invalid. Please check and try again." with
//!    `details.issues`:
//!    - a key that is neither a documented request field nor a `cf_*` key
//!      (`^cf_[A-Za-z0-9_]+$`): `{"message":"Unknown field: <key>. Only
//!      documented fields and cf_* keys are allowed."}`, with no `field`;
//!    - an invalid email: `{"field":"email","message":"Please enter a valid
//!      email address."}`;
//!    - `null` anywhere but `email`, `companyId` and `cf_*` keys, or a value
//!      of the wrong type: an issue with that `field`;
//!    - `companyId`, `stageId`, `leadStageId`, `ownerUserId` and `sourceId`
//!      naming no seeded record;
//!    - `billingAddress` not an object of strings under `city`, `address`,
//!      `landmark`, `state`, `country`, `postalCode` (issue fields such as
//!      `billingAddress.city`);
//!    - a workspace custom field with a value of the wrong type.
//! 8. **Uniqueness**: a `cf_customer_code` another contact holds → 409
//!    `CONFLICT`.
//!
//! # How an update is merged
//!
//! Keys left out keep their value; `null` clears `email`, `companyId` (with
//! `parentClientId` and `companyName`) and any `cf_*` key (returned as
//! `"cf_x": null`). `companyId` also sets `parentClientId` and `companyName`;
//! `sourceId` is returned as `crmSourceId` with `sourceName`; `stageId` comes
//! with `stageName`; `name` follows `firstName` and `lastName`. `vendorId` and
//! `billingAddress` are stored but, as documented, never returned. `cf_*` keys
//! the workspace does not define are stored and returned as sent (the docs do
//! not say what the API does with them). Every non-empty update moves
//! `updatedAt` strictly forward; `{}` returns the contact unchanged.
//!
//! The answer is the whole contact, not wrapped in `data`: every documented
//! response field (`null` where unset), `"type": "contact"`, and every `cf_*`
//! key. Timestamps are RFC 3339 in UTC with milliseconds.
//!
//! # The seeded workspace
//!
//! Every server starts with this data; createdAt and updatedAt of every
//! contact are `2025-01-15T10:30:00.000Z`.
//!
//! | contact id | number | name | other fields |
//! |---|---|---|---|
//! | `clt_ada` | CON001 | Ada Lovelace | email `ada@example.com`, salutation `Ms.`, phone `+44 20 7946 0018`, jobTitle `Analyst`, company `clt_co_acme` (Acme LLC), stage `cs_lead` (Lead), leadStage `lstg_new`, owner `usr_owner`, source `src_web` (Website), currency `GBP`; `cf_industry` "Mathematics", `cf_lead_score` 85, `cf_customer_code` "ADA-001", `cf_region` null |
//! | `clt_grace` | CON002 | Grace Hopper | email `grace@example.com`, no company, stage `cs_customer` (Customer), owner `usr_sales`, source `src_referral` (Referral); `cf_customer_code` "GRACE-002" |
//! | `clt_linus` | CON003 | Linus | nothing else set |
//!
//! Every contact has `openingBalance` 0, `showJobAmountToWorker` and
//! `isClientPortalEnabled` false.
//!
//! | kind | ids |
//! |---|---|
//! | companies | `clt_co_acme` "Acme LLC", `clt_co_globex` "Globex Corporation" |
//! | client stages (`stageId`) | `cs_lead` "Lead", `cs_customer` "Customer" |
//! | lead stages (`leadStageId`) | `lstg_new` "New", `lstg_contacted` "Contacted" |
//! | sources (`sourceId`) | `src_web` "Website", `src_referral` "Referral" |
//! | users (`ownerUserId`) | `usr_owner`, `usr_sales` |
//! | contact custom fields | `cf_industry` text, `cf_lead_score` number, `cf_customer_code` text and unique, `cf_region` text |
//!
//! `vendorId` is accepted as any string: the docs define no vendor ids.
//!
//! # Faults
//!
//! [`Fault`]s make the server misbehave for the next request
//! ([`MockServer::inject`]), the next few ([`MockServer::inject_times`]) or
//! all of them ([`MockServer::inject_always`]): an error status with any body
//! and headers, a delay, no answer at all, or a dropped connection. Faults
//! come before the key check and the rate limit; a fault that answers in the
//! API's place uses no rate budget, while [`Fault::delay`] hands the request
//! on to every check after its wait.

mod auth;
mod error;
mod fault;
mod rate_limit;
mod recording;
mod routes;
mod seed;
mod server;
mod state;
mod validate;

use std::sync::{Mutex, MutexGuard, PoisonError};

pub use fault::Fault;
pub use rate_limit::ResetFormat;
pub use recording::RecordedRequest;
pub use server::{MockServer, MockServerBuilder};

/// Locks `mutex`, recovering it if a thread panicked while holding it: no
/// critical section here leaves its data half-changed, and one panicking test
/// thread must not take the server down for the others.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
