//! One HTTP exchange through the generated client: the hooks that add the API key
//! and record the response, and the mapping of progenitor's errors to ours.

use std::{
    sync::{Arc, OnceLock},
    time::SystemTime,
};

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::{
    StatusCode,
    header::{HeaderName, HeaderValue},
};

use crate::{
    ContactPatch, Error, ErrorCode, RateLimit, generated,
    redact::Redactor,
    types::{Contact, ErrorBody, ErrorResponse},
};

/// The header Heffl reads the API key from. Bearer tokens are not accepted.
pub(crate) const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");

/// What the generated client carries through one call: the key to send, and the
/// status and headers of the response once it arrives.
///
/// progenitor's errors lose the status when a body fails to decode (an HTML 502, or
/// a 200 whose body is not a contact); the recorded response keeps it.
#[derive(Clone)]
pub struct CallContext {
    api_key: HeaderValue,
    response: Arc<OnceLock<ResponseHead>>,
}

/// What the SDK keeps of a response's head: its status and its rate-limit headers,
/// read once when it arrives (cheaper than keeping a copy of every header).
#[derive(Debug)]
pub(crate) struct ResponseHead {
    pub(crate) status: StatusCode,
    pub(crate) rate_limit: Option<RateLimit>,
}

impl CallContext {
    fn new(api_key: HeaderValue) -> Self {
        CallContext {
            api_key,
            response: Arc::default(),
        }
    }

    fn rate_limit(&self) -> Option<RateLimit> {
        self.response.get()?.rate_limit
    }
}

impl std::fmt::Debug for CallContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallContext")
            .field("api_key", &"[redacted]")
            .field("response", &self.response.get())
            .finish()
    }
}

impl ClientHooks<CallContext> for generated::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let headers = request.headers_mut();
        headers.insert(API_KEY_HEADER, self.inner().api_key.clone());
        // progenitor sends `api-version: <info.version>` on every request; Heffl
        // versions its API in the path and documents no such header.
        headers.remove("api-version");
        Ok(())
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        if let Ok(response) = result {
            // Set once: each call has its own context.
            let _ = self.inner().response.set(ResponseHead {
                status: response.status(),
                rate_limit: RateLimit::from_headers(response.headers(), SystemTime::now()),
            });
        }
        Ok(())
    }
}

/// What one attempt produced: the contact or an error, and what the response said
/// about the rate limit (for pacing, on success as well as on failure).
pub(crate) struct Attempt {
    pub(crate) result: Result<Contact, Error>,
    pub(crate) status: Option<StatusCode>,
    pub(crate) rate_limit: Option<RateLimit>,
}

/// Sends one `PATCH /contacts/{id}`.
pub(crate) async fn update_contact(
    http: &reqwest::Client,
    base_url: &str,
    api_key: &HeaderValue,
    redactor: &Redactor,
    id: &str,
    patch: &ContactPatch,
) -> Attempt {
    let context = CallContext::new(api_key.clone());
    let client = generated::Client::new_with_client(base_url, http.clone(), context.clone());
    let result = match client.update_contact(id, patch).await {
        Ok(response) => Ok(response.into_inner()),
        Err(error) => from_generated_error(error, &context, redactor).await,
    };
    Attempt {
        result,
        status: context.response.get().map(|head| head.status),
        rate_limit: context.rate_limit(),
    }
}

/// Maps what progenitor reports as an error to our result. Usually an error, but a
/// success status the spec does not list (such as 201) still carries the contact.
///
/// Whatever the error quotes of the response (body, envelope, decoder message) has
/// the key masked.
async fn from_generated_error(
    error: progenitor_client::Error<ErrorResponse>,
    context: &CallContext,
    redactor: &Redactor,
) -> Result<Contact, Error> {
    use progenitor_client::Error as Generated;

    let head = context.response.get();
    let rate_limit = context.rate_limit();
    Err(match error {
        Generated::ErrorResponse(response) => {
            let status = response.status();
            let envelope = redacted_envelope(response.into_inner().error, redactor);
            Error::api(status, rate_limit, envelope, None)
        }
        Generated::UnexpectedResponse(response) => {
            let status = response.status();
            let body = match response.bytes().await {
                Ok(body) => body.to_vec(),
                Err(source) if status.is_success() => {
                    return Err(Error::decode(status, Vec::new(), source));
                }
                Err(_) => Vec::new(),
            };
            if status.is_success() {
                return serde_json::from_slice::<Contact>(&body).map_err(|source| {
                    Error::decode(status, redactor.bytes(&body), redactor.error(&source))
                });
            }
            // A status the spec does not list may still carry the envelope.
            match serde_json::from_slice::<ErrorResponse>(&body) {
                Ok(envelope) => {
                    let envelope = redacted_envelope(envelope.error, redactor);
                    Error::api(status, rate_limit, envelope, None)
                }
                Err(_) => Error::api(status, rate_limit, None, Some(redactor.bytes(&body))),
            }
        }
        Generated::InvalidResponsePayload(body, decode_error) => match head {
            Some(head) if head.status.is_success() => Error::decode(
                head.status,
                redactor.bytes(&body),
                redactor.error(&decode_error),
            ),
            Some(head) => Error::api(head.status, rate_limit, None, Some(redactor.bytes(&body))),
            None => Error::transport(format!(
                "undecodable response: {}",
                redactor.error(&decode_error)
            )),
        },
        Generated::ResponseBodyError(source) => match head {
            // The body broke off after a success status: the update was applied.
            Some(head) if head.status.is_success() => {
                Error::decode(head.status, Vec::new(), source)
            }
            Some(head) => Error::api(head.status, rate_limit, None, Some(Vec::new())),
            None => Error::from_reqwest(source),
        },
        Generated::CommunicationError(source) => Error::from_reqwest(source),
        Generated::InvalidRequest(message) => Error::invalid_input("request", message),
        other => Error::transport(redactor.text(&other.to_string())),
    })
}

/// The envelope with the key masked in every string: its code, message and issues
/// are shown in `Display`, its details to whoever asks, and a server may well say
/// "invalid key <the key>" in any of them.
fn redacted_envelope(envelope: ErrorBody, redactor: &Redactor) -> Option<ErrorBody> {
    let mut value = serde_json::to_value(&envelope).ok()?;
    redactor.json(&mut value);
    // Only the contents of strings changed, and every string in the envelope takes
    // any text, so this reads back; if it ever did not, the envelope is left out
    // rather than shown unmasked.
    let mut redacted: ErrorBody = serde_json::from_value(value).ok()?;
    // A documented code holds no key; masking a short key inside one (`O` in
    // `NOT_FOUND`) would only turn it into an unknown code.
    if !matches!(envelope.code, ErrorCode::Unknown(_)) {
        redacted.code = envelope.code;
    }
    Some(redacted)
}
