//! A typed Rust client for the [Heffl](https://heffl.com) CRM API v2.
//!
//! The client is generated at build time by [progenitor] from the OpenAPI spec
//! checked in at `openapi/heffl-contacts.json`; this crate adds what the spec cannot
//! express: the API key, three-state PATCH fields ([`Patch`], [`ContactPatch`]),
//! checked custom-field keys and ids, and one [`Error`] type.
//!
//! ```no_run
//! use heffl_sdk::{Client, ContactPatch};
//!
//! # async fn run() -> Result<(), heffl_sdk::Error> {
//! let client = Client::builder().api_key("heffl_user_…").build()?;
//! let patch = ContactPatch::new()
//!     .first_name("Ada")
//!     .clear_company() // sends "companyId": null, which unlinks the company
//!     .custom_field("cf_industry", "Mathematics")?;
//! let contact = client.update_contact("clt_abc123", &patch).await?;
//! println!("{} ({})", contact.name, contact.id);
//! # Ok(())
//! # }
//! ```
//!
//! With the `mock` feature, `mock::MockServer` runs a contract mock of the API on
//! 127.0.0.1 for your own tests.
//!
//! [progenitor]: https://github.com/oxidecomputer/progenitor
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod bulk;
mod client;
mod contact;
mod contact_id;
mod contact_patch;
mod custom_fields;
mod error;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
mod pacing;
mod patch;
mod rate_limit;
mod redact;
mod retry;
mod transport;

/// The code progenitor generates from the spec, included verbatim.
#[allow(missing_docs, dead_code, unused_imports, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
}

pub use bulk::{BulkReport, BulkUpdate, DEFAULT_BULK_CONCURRENCY, Progress, UpdateOutcome};
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_CALL_TIMEOUT, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT,
};
pub use contact::ContactKind;
pub use contact_patch::ContactPatch;
pub use custom_fields::CUSTOM_FIELD_PREFIX;
pub use error::{Error, ErrorCode, ErrorKind};
pub use generated::types;
pub use pacing::RateLimitBudget;
pub use patch::Patch;
pub use rate_limit::RateLimit;
pub use retry::RetryPolicy;
pub use types::{BillingAddress, Contact, ValidationIssue};

/// The `info.version` of the spec this crate was generated from.
pub const SPEC_VERSION: &str = env!("HEFFL_SPEC_VERSION");

/// The SHA-256 of the spec file this crate was generated from, so a bug report can
/// name the exact spec.
pub const SPEC_SHA256: &str = env!("HEFFL_SPEC_SHA256");

/// The generated client source, for the snapshot test that makes generator and spec
/// changes visible in review. Not part of the API.
#[doc(hidden)]
pub const GENERATED_SOURCE: &str = include_str!(concat!(env!("OUT_DIR"), "/codegen.rs"));

/// Compiles the README's code samples as doctests, so they cannot rot. The mock
/// sample is a `#[tokio::test]`, which doctests skip: it runs as
/// `tests/tests/readme_mock_sample.rs`, and a test keeps the two identical.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeSamples;
