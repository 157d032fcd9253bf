//! Tests of heffl-sdk through its public API: snapshots of the generated code, the
//! wire bodies, the schemas and the errors, and end-to-end calls over loopback
//! against the contract mock.
//!
//! What the SDK tells `tracing` is tested in `tests/observability.rs`, a test
//! binary of its own: it needs the process's one global subscriber. The README's
//! mock sample runs as `tests/readme_mock_sample.rs`.
#![cfg(test)]

mod auto_traits;
mod bulk;
mod decode;
mod e2e;
mod errors;
mod generated_client;
mod mock_contract;
mod msrv;
mod patch;
mod readme;
mod redaction;
mod reliability;
mod robustness;
mod schema;
mod spec;
mod support;
mod wire;
