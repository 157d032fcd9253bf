//! The one error type of the SDK, and the error codes of the Heffl API.

use std::{borrow::Cow, fmt, time::Duration};

use reqwest::StatusCode;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

use crate::{RateLimit, types::ErrorBody, types::ValidationIssue};

/// How much of a body that is not the API's error envelope an error message quotes.
const EXCERPT_CHARS: usize = 200;

/// Everything that can go wrong in a call, with queries in the manner of reqwest's:
/// [`kind`](Error::kind), [`status`](Error::status), [`code`](Error::code),
/// [`issues`](Error::issues), [`rate_limit`](Error::rate_limit).
///
/// The API key never appears in an error: not in its `Display`, not in its `Debug`,
/// and not in a quoted response body.
///
/// ```
/// # async fn run(client: heffl_sdk::Client, patch: heffl_sdk::ContactPatch) {
/// use heffl_sdk::ErrorCode;
///
/// match client.update_contact("clt_abc123", &patch).await {
///     Ok(contact) => println!("updated {}", contact.name),
///     Err(e) if e.code() == Some(&ErrorCode::ValidationError) => {
///         for issue in e.issues() {
///             eprintln!("{}: {}", issue.field.as_deref().unwrap_or("(body)"), issue.message);
///         }
///     }
///     Err(e) if e.is_retryable() => eprintln!("try again later: {e}"),
///     Err(e) => eprintln!("update failed: {e}"),
/// }
/// # }
/// ```
pub struct Error(Box<Inner>);

struct Inner {
    kind: ErrorKind,
    /// For invalid input: what was wrong and where. Otherwise a short context.
    message: Cow<'static, str>,
    status: Option<StatusCode>,
    api: Option<ErrorBody>,
    rate_limit: Option<RateLimit>,
    /// The body as received when it was not the error envelope (key redacted).
    body: Option<Vec<u8>>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// How many attempts the call made; 0 when nothing was sent.
    attempts: u32,
    /// For a client-side rate-limit refusal: how long the budget needs.
    wait: Option<Duration>,
}

/// The broad class of an [`Error`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The SDK refused the input before sending anything.
    InvalidInput,
    /// No connection to the server could be made; nothing was sent.
    Connect,
    /// The request or the response did not complete in time. The server may or may
    /// not have applied the update.
    Timeout,
    /// The server answered with an error status; see [`Error::status`] and [`Error::code`].
    Api,
    /// The server answered with success, so **the update was applied**, but the
    /// response body could not be read as a contact; see [`Error::body`].
    Decode,
    /// The connection failed after the request was sent (closed or reset by the
    /// peer, or a broken body). The server may or may not have applied the update;
    /// sending it again is safe, because a PATCH ends in the same state.
    Transport,
    /// The rate-limit budget is spent for longer than the call may wait (the retry
    /// policy's `max_server_wait`, or what is left of the call timeout), and nothing
    /// had been sent yet. See [`Error::retry_after`].
    RateLimited,
    /// Not sent, because a bulk update stopped at an earlier failure.
    NotSent,
}

impl Error {
    /// The class of this error.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The HTTP status, whenever a response came back.
    pub fn status(&self) -> Option<StatusCode> {
        self.0.status
    }

    /// The API's machine-readable `error.code`, when the body was the error envelope.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.0.api.as_ref().map(|api| &api.code)
    }

    /// The API's `error.message`, when the body was the error envelope.
    pub fn api_message(&self) -> Option<&str> {
        self.0.api.as_ref().map(|api| api.message.as_str())
    }

    /// The whole `error` object of the envelope, including any `details`.
    pub fn api_error(&self) -> Option<&ErrorBody> {
        self.0.api.as_ref()
    }

    /// The validation issues of a `VALIDATION_ERROR`; empty otherwise.
    pub fn issues(&self) -> &[ValidationIssue] {
        self.0
            .api
            .as_ref()
            .and_then(|api| api.details.as_ref())
            .map_or(&[], |details| details.issues.as_slice())
    }

    /// The `RateLimit-*` and `Retry-After` values of the response, when it had any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.0.rate_limit.as_ref()
    }

    /// The response body as received, when it was not the error envelope: an HTML
    /// page from a gateway, an empty body, or a success body that is not a contact.
    pub fn body(&self) -> Option<&[u8]> {
        self.0.body.as_deref()
    }

    /// The start of [`body`](Error::body) as text, for messages and logs.
    pub fn body_excerpt(&self) -> Option<String> {
        self.0.body.as_deref().map(excerpt)
    }

    /// How many attempts the call made before it failed (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.0.attempts
    }

    /// How long to wait before trying again, when the server or the rate limit
    /// said: `Retry-After`, or `RateLimit-Reset` when the budget is spent.
    pub fn retry_after(&self) -> Option<Duration> {
        let rate_limit = self.0.rate_limit.as_ref();
        let from_headers = if self.0.status == Some(StatusCode::TOO_MANY_REQUESTS) {
            rate_limit.and_then(RateLimit::wait_after_too_many_requests)
        } else {
            rate_limit.and_then(RateLimit::wait)
        };
        self.0.wait.or(from_headers)
    }

    /// True for a 429 from the server and for a call the SDK did not send because
    /// the rate limit was spent for too long.
    pub fn is_rate_limited(&self) -> bool {
        self.0.kind == ErrorKind::RateLimited
            || self.0.status == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// True when the SDK refused the input before sending anything.
    pub fn is_invalid_input(&self) -> bool {
        self.0.kind == ErrorKind::InvalidInput
    }

    /// True when the request or response timed out.
    pub fn is_timeout(&self) -> bool {
        self.0.kind == ErrorKind::Timeout
    }

    /// True when no connection could be made.
    pub fn is_connect(&self) -> bool {
        self.0.kind == ErrorKind::Connect
    }

    /// True when the server applied the update but its answer could not be decoded:
    /// do not send the update again.
    pub fn is_decode(&self) -> bool {
        self.0.kind == ErrorKind::Decode
    }

    /// True when sending the same request again may succeed: connection failures,
    /// timeouts, 429, 500, 502, 503 and 504. Never for 400, 401, 403, 404 or 409,
    /// and never for [`ErrorKind::Decode`] (the update was applied).
    pub fn is_retryable(&self) -> bool {
        match self.0.kind {
            ErrorKind::Connect
            | ErrorKind::Timeout
            | ErrorKind::Transport
            | ErrorKind::RateLimited => true,
            ErrorKind::Api => self
                .0
                .status
                .is_some_and(|status| matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)),
            ErrorKind::InvalidInput | ErrorKind::Decode | ErrorKind::NotSent => false,
        }
    }

    pub(crate) fn invalid_input(
        what: impl Into<Cow<'static, str>>,
        why: impl fmt::Display,
    ) -> Error {
        let what = what.into();
        Error::new(ErrorKind::InvalidInput, format!("{what}: {why}"))
    }

    pub(crate) fn api(
        status: StatusCode,
        rate_limit: Option<RateLimit>,
        api: Option<ErrorBody>,
        body: Option<Vec<u8>>,
    ) -> Error {
        let mut error = Error::new(ErrorKind::Api, "");
        error.0.status = Some(status);
        error.0.rate_limit = rate_limit;
        error.0.api = api;
        error.0.body = body;
        error
    }

    pub(crate) fn decode(
        status: StatusCode,
        body: Vec<u8>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Error {
        let mut error = Error::new(ErrorKind::Decode, "");
        error.0.status = Some(status);
        error.0.body = Some(body);
        error.0.source = Some(Box::new(source));
        error
    }

    pub(crate) fn from_reqwest(source: reqwest::Error) -> Error {
        let kind = if source.is_timeout() {
            ErrorKind::Timeout
        } else if source.is_connect() {
            ErrorKind::Connect
        } else {
            ErrorKind::Transport
        };
        let mut error = Error::new(kind, "");
        error.0.status = source.status();
        error.0.source = Some(Box::new(source));
        error
    }

    pub(crate) fn call_timed_out(deadline: Duration) -> Error {
        Error::new(
            ErrorKind::Timeout,
            format!("the call did not finish within {deadline:?}"),
        )
    }

    pub(crate) fn rate_limited(wait: Duration) -> Error {
        let mut error = Error::new(ErrorKind::RateLimited, "");
        error.0.wait = Some(wait);
        error
    }

    pub(crate) fn not_sent() -> Error {
        Error::new(ErrorKind::NotSent, "")
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Error {
        self.0.attempts = attempts;
        self
    }

    pub(crate) fn transport(message: impl Into<Cow<'static, str>>) -> Error {
        Error::new(ErrorKind::Transport, message)
    }

    fn new(kind: ErrorKind, message: impl Into<Cow<'static, str>>) -> Error {
        Error(Box::new(Inner {
            kind,
            message: message.into(),
            status: None,
            api: None,
            rate_limit: None,
            body: None,
            source: None,
            attempts: 0,
            wait: None,
        }))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_what(f)?;
        if let Some(wait) = self.retry_after().filter(|_| self.is_rate_limited()) {
            write!(f, "; retry after {}s", wait.as_secs_f64().ceil())?;
        }
        if self.0.attempts > 1 {
            write!(f, " (after {} attempts)", self.0.attempts)?;
        }
        Ok(())
    }
}

impl Error {
    fn fmt_what(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.0;
        match inner.kind {
            ErrorKind::InvalidInput => {
                write!(f, "invalid input, nothing was sent: {}", inner.message)
            }
            ErrorKind::Connect => f.write_str("could not connect to the Heffl API"),
            ErrorKind::Timeout => {
                f.write_str("the request to the Heffl API timed out")?;
                if !inner.message.is_empty() {
                    write!(f, ": {}", inner.message)?;
                }
                Ok(())
            }
            ErrorKind::RateLimited => f.write_str(
                "not sent: the rate limit is spent for longer than the call may wait \
                 (the retry policy's max_server_wait, or the call timeout)",
            ),
            ErrorKind::NotSent => {
                f.write_str("not sent: the bulk update stopped at an earlier failure")
            }
            ErrorKind::Transport => {
                f.write_str("the request to the Heffl API failed")?;
                if !inner.message.is_empty() {
                    write!(f, ": {}", inner.message)?;
                }
                Ok(())
            }
            ErrorKind::Decode => {
                write!(
                    f,
                    "the Heffl API applied the update ({}) but its response is not a contact",
                    status_text(inner.status),
                )?;
                if let Some(source) = &inner.source {
                    write!(f, ": {source}")?;
                }
                Ok(())
            }
            ErrorKind::Api => {
                write!(f, "the Heffl API answered {}", status_text(inner.status))?;
                match &inner.api {
                    Some(api) => {
                        write!(f, ": {}: {}", api.code, api.message)?;
                        for issue in self.issues() {
                            match &issue.field {
                                Some(field) => write!(f, "; {field}: {}", issue.message)?,
                                None => write!(f, "; {}", issue.message)?,
                            }
                        }
                        Ok(())
                    }
                    None => match inner.body.as_deref() {
                        Some([]) | None => f.write_str(" with an empty body"),
                        Some(body) => write!(
                            f,
                            " with a body that is not an API error: {:?}",
                            excerpt(body)
                        ),
                    },
                }
            }
        }
    }
}

/// Shows only what is set, so that a snapshot of an error reads like its meaning.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &*self.0;
        let mut s = f.debug_struct("Error");
        s.field("kind", &inner.kind);
        if !inner.message.is_empty() {
            s.field("message", &inner.message);
        }
        if let Some(status) = inner.status {
            s.field("status", &status.as_u16());
        }
        if let Some(api) = &inner.api {
            s.field("code", &api.code)
                .field("api_message", &api.message);
            if !self.issues().is_empty() {
                s.field("issues", &self.issues());
            }
        }
        if let Some(rate_limit) = &inner.rate_limit {
            s.field("rate_limit", rate_limit);
        }
        if let Some(body) = inner.body.as_deref() {
            s.field("body_excerpt", &excerpt(body));
        }
        if let Some(source) = &inner.source {
            s.field("source", &source.to_string());
        }
        if inner.attempts > 0 {
            s.field("attempts", &inner.attempts);
        }
        if let Some(wait) = inner.wait {
            s.field("retry_after", &wait);
        }
        s.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source.as_deref().map(|source| source as _)
    }
}

fn status_text(status: Option<StatusCode>) -> String {
    status.map_or_else(|| "no status".to_owned(), |status| status.to_string())
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut chars = text.chars();
    let mut out: String = chars.by_ref().take(EXCERPT_CHARS).collect();
    if chars.next().is_some() {
        out.push('…');
    }
    out
}

/// The API's machine-readable error code (`error.code`).
///
/// Two codes share status 400 (`VALIDATION_ERROR` and `BAD_REQUEST`), so branch on
/// the code, not only on the status. Codes the SDK does not know yet are kept in
/// [`ErrorCode::Unknown`] instead of failing the decoding of the error.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum ErrorCode {
    /// 401: the API key is missing or invalid.
    Unauthorized,
    /// 403: the key is valid, but its user may not do this.
    Forbidden,
    /// 404: the resource does not exist.
    NotFound,
    /// 400: the body or parameters failed validation; see [`Error::issues`].
    ValidationError,
    /// 400: a malformed request.
    BadRequest,
    /// 409: the request clashes with existing data.
    Conflict,
    /// 429: the rate limit was hit.
    TooManyRequests,
    /// 500: an unexpected server error.
    InternalServerError,
    /// A code this version of the SDK does not know.
    #[serde(untagged)]
    Unknown(String),
}

impl ErrorCode {
    /// The code as the API spells it, e.g. `"NOT_FOUND"`.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::Unauthorized => "UNAUTHORIZED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::ValidationError => "VALIDATION_ERROR",
            ErrorCode::BadRequest => "BAD_REQUEST",
            ErrorCode::Conflict => "CONFLICT",
            ErrorCode::TooManyRequests => "TOO_MANY_REQUESTS",
            ErrorCode::InternalServerError => "INTERNAL_SERVER_ERROR",
            ErrorCode::Unknown(code) => code,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An open enum is a string on the wire; the known values are listed, not enforced.
impl JsonSchema for ErrorCode {
    fn schema_name() -> Cow<'static, str> {
        "ErrorCode".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "Machine-readable error code: UNAUTHORIZED, FORBIDDEN, NOT_FOUND, \
                VALIDATION_ERROR, BAD_REQUEST, CONFLICT, TOO_MANY_REQUESTS or \
                INTERNAL_SERVER_ERROR; other codes are kept as they are.",
        })
    }
}
