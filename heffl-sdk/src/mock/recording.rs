//! The log of every request the mock received, so tests can assert on what a
//! client actually put on the wire.

use std::sync::Mutex;
use std::time::Instant;

use axum::http::request::Parts;

use super::lock;

/// One request as the mock received it, and what the mock answered.
///
/// Requests are recorded as soon as their body has arrived, before any fault,
/// authentication or rate limit is applied, so a request that was stalled or
/// whose connection was dropped is in the log too.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The method, e.g. `"PATCH"`.
    pub method: String,
    /// The path exactly as received, percent-encoding kept and without the
    /// query string, e.g. `"/api/v2/contacts/clt_ada"`.
    pub path: String,
    /// Every header in the order received, names lower-cased; values that are
    /// not UTF-8 are converted lossily.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
    /// When the mock had read the whole request.
    pub received_at: Instant,
    /// The status the mock answered with; `None` while the request is still
    /// being handled and for requests that were stalled or dropped.
    pub status: Option<u16>,
}

impl RecordedRequest {
    /// The first value of header `name` (matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body parsed as JSON, or `None` when it is not JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// The requests received so far, in order of arrival.
#[derive(Debug, Default)]
pub(super) struct RequestLog {
    entries: Mutex<Vec<RecordedRequest>>,
}

/// Where a request sits in the [`RequestLog`], to fill in its status later.
#[derive(Debug, Clone, Copy)]
pub(super) struct Entry(usize);

impl RequestLog {
    /// Appends a request that is about to be handled.
    pub(super) fn record(&self, parts: &Parts, body: &[u8]) -> Entry {
        let request = RecordedRequest {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            headers: parts
                .headers
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.to_string(), value)
                })
                .collect(),
            body: body.to_vec(),
            received_at: Instant::now(),
            status: None,
        };
        let mut entries = lock(&self.entries);
        entries.push(request);
        Entry(entries.len() - 1)
    }

    /// Notes the status the mock answered `entry` with.
    pub(super) fn answered(&self, entry: Entry, status: u16) {
        if let Some(request) = lock(&self.entries).get_mut(entry.0) {
            request.status = Some(status);
        }
    }

    /// A copy of every request so far.
    pub(super) fn snapshot(&self) -> Vec<RecordedRequest> {
        lock(&self.entries).clone()
    }
}
