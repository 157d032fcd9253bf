//! The v2 error envelope, `{"error":{"code","message","details"?}}`, and the
//! errors the mock answers with.
//!
//! Messages marked "documented" are the exact strings from the Heffl docs; the
//! others are the examples in our checked-in spec or placeholders, and a client
//! must not depend on them.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// Documented: the message for a request without an `x-api-key` header.
const MISSING_API_KEY: &str = "API key required. Include 'x-api-key' header.";
/// Documented: the top-level message of every `VALIDATION_ERROR`.
const INVALID_FIELDS: &str = "Some fields are invalid. Please check and try again.";

/// One entry of `details.issues`: what is wrong, and with which request field
/// when there is one (an unknown key has none).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Issue {
    field: Option<String>,
    message: String,
}

impl Issue {
    /// An issue with the value of `field`.
    pub(super) fn for_field(field: impl Into<String>, message: impl Into<String>) -> Issue {
        Issue {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// An issue with the body as a whole.
    pub(super) fn general(message: impl Into<String>) -> Issue {
        Issue {
            field: None,
            message: message.into(),
        }
    }

    /// Documented: a key that is neither a request field nor a `cf_*` key. The
    /// docs show this issue without a `field`, so it has none here either.
    pub(super) fn unknown_field(key: &str) -> Issue {
        Issue::general(format!(
            "Unknown field: {key}. Only documented fields and cf_* keys are allowed."
        ))
    }

    fn to_json(&self) -> Value {
        let mut issue = Map::new();
        if let Some(field) = &self.field {
            issue.insert("field".into(), field.as_str().into());
        }
        issue.insert("message".into(), self.message.as_str().into());
        Value::Object(issue)
    }
}

/// An error answer of the API: a status plus the v2 envelope.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    issues: Vec<Issue>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            issues: Vec::new(),
        }
    }

    /// 401 for a request without `x-api-key`, whatever else it sends
    /// (`Authorization: Bearer` is not supported by the API).
    pub(super) fn missing_api_key() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", MISSING_API_KEY)
    }

    /// 401 for a key the workspace does not know (undocumented message).
    pub(super) fn invalid_api_key() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", "Invalid API key")
    }

    /// 403 for a valid key whose user may not edit contacts.
    pub(super) fn forbidden() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "You do not have permission to perform this action.",
        )
    }

    /// 404 for a path that is not `PATCH /api/v2/contacts/{id}`.
    pub(super) fn route_not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "Not found")
    }

    /// 404 for an id that names no contact.
    pub(super) fn contact_not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "Contact not found")
    }

    /// 400 `BAD_REQUEST` for a body that cannot be read as JSON at all.
    pub(super) fn bad_request(message: &str) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    /// 400 `VALIDATION_ERROR` listing every issue found in the body.
    pub(super) fn validation(issues: Vec<Issue>) -> ApiError {
        ApiError {
            issues,
            ..ApiError::new(StatusCode::BAD_REQUEST, "VALIDATION_ERROR", INVALID_FIELDS)
        }
    }

    /// 409 for a value that a unique custom field already holds elsewhere.
    pub(super) fn conflict() -> ApiError {
        ApiError::new(
            StatusCode::CONFLICT,
            "CONFLICT",
            "A record with this value already exists.",
        )
    }

    /// 429 past the rate limit; the caller adds the `RateLimit-*` headers.
    pub(super) fn too_many_requests() -> ApiError {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TOO_MANY_REQUESTS",
            "Too many requests. Please try again later.",
        )
    }

    /// The envelope as JSON; `details` is present only when there are issues.
    fn to_json(&self) -> Value {
        let mut body = envelope(self.code, &self.message);
        if !self.issues.is_empty() {
            let issues: Vec<Value> = self.issues.iter().map(Issue::to_json).collect();
            body["error"]["details"] = json!({ "issues": issues });
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.to_json())).into_response()
    }
}

/// `{"error":{"code":code,"message":message}}`, shared with injected faults so
/// that a fault and a real error look alike on the wire.
pub(super) fn envelope(code: &str, message: &str) -> Value {
    json!({ "error": { "code": code, "message": message } })
}
