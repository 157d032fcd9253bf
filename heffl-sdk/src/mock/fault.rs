//! Faults a test injects to see how a client copes with a misbehaving server:
//! error statuses, odd bodies, slow answers, no answer, a dropped connection.

use std::collections::VecDeque;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::Response;

use super::error::envelope;

/// How the mock answers one request instead of handling it normally.
///
/// Faults are taken one per request, first in first out, before
/// authentication and rate limiting; the request is still recorded. Build one
/// with a constructor and refine it with the `with_*` methods:
///
/// ```
/// use std::time::Duration;
/// use heffl_sdk::mock::Fault;
///
/// // A proxy's 503 page, after a second.
/// let fault = Fault::status(503)
///     .with_header("retry-after", "2")
///     .with_body("text/html", "<h1>Service Unavailable</h1>")
///     .with_delay(Duration::from_secs(1));
/// # let _ = fault;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Fault {
    delay: Duration,
    action: FaultAction,
}

/// What a fault does once its delay is over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FaultAction {
    /// Answer with this response instead of handling the request.
    Respond(CannedResponse),
    /// Handle the request normally.
    Proceed,
    /// Never answer.
    Stall,
    /// Close the connection without writing a response.
    DropConnection,
}

/// The response of a [`FaultAction::Respond`] fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CannedResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Option<(String, Vec<u8>)>,
}

impl Fault {
    /// Answers with `status` and an empty body.
    ///
    /// A number that is not an HTTP status (outside 100–999) is answered
    /// with 500 instead.
    pub fn status(status: u16) -> Fault {
        Fault::respond(CannedResponse {
            status,
            headers: Vec::new(),
            body: None,
        })
    }

    /// Answers with `status` and the v2 error envelope
    /// `{"error":{"code":code,"message":message}}`, e.g.
    /// `Fault::error(500, "INTERNAL_SERVER_ERROR", "Something went wrong.")`.
    pub fn error(status: u16, code: &str, message: &str) -> Fault {
        let body = envelope(code, message).to_string().into_bytes();
        Fault::status(status).with_body("application/json", body)
    }

    /// Waits for `delay`, then handles the request normally.
    pub fn delay(delay: Duration) -> Fault {
        Fault {
            delay,
            action: FaultAction::Proceed,
        }
    }

    /// Reads the request and never answers, until the client gives up or the
    /// server is dropped: the way to test a client's timeout.
    pub fn stall() -> Fault {
        Fault {
            delay: Duration::ZERO,
            action: FaultAction::Stall,
        }
    }

    /// Reads the request and closes the connection without answering, as a
    /// crashed server or a reset connection would.
    pub fn drop_connection() -> Fault {
        Fault {
            delay: Duration::ZERO,
            action: FaultAction::DropConnection,
        }
    }

    fn respond(response: CannedResponse) -> Fault {
        Fault {
            delay: Duration::ZERO,
            action: FaultAction::Respond(response),
        }
    }

    /// Adds a header to the response of a [`Fault::status`] or
    /// [`Fault::error`] fault; other faults send no response and ignore it.
    /// A name or value that is not valid in HTTP is skipped with a warning.
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Fault {
        if let FaultAction::Respond(response) = &mut self.action {
            response.headers.push((name.into(), value.into()));
        }
        self
    }

    /// Replaces the body of a [`Fault::status`] or [`Fault::error`] fault,
    /// sent with this `Content-Type`; other faults ignore it.
    pub fn with_body(mut self, content_type: impl Into<String>, body: impl Into<Vec<u8>>) -> Fault {
        if let FaultAction::Respond(response) = &mut self.action {
            response.body = Some((content_type.into(), body.into()));
        }
        self
    }

    /// Waits this long before doing what the fault does.
    pub fn with_delay(mut self, delay: Duration) -> Fault {
        self.delay = delay;
        self
    }

    /// How long to wait before [`Fault::into_action`].
    pub(super) fn delay_before_action(&self) -> Duration {
        self.delay
    }

    /// What to do once the delay is over.
    pub(super) fn into_action(self) -> FaultAction {
        self.action
    }
}

impl CannedResponse {
    /// The HTTP response. Invalid parts are test-author mistakes, not network
    /// input, but they still must not take the server down: they are logged
    /// and left out.
    pub(super) fn into_response(self) -> Response {
        let (content_type, body) = match self.body {
            Some((content_type, body)) => (Some(content_type), Body::from(body)),
            None => (None, Body::empty()),
        };
        let mut response = Response::new(body);
        *response.status_mut() = StatusCode::from_u16(self.status).unwrap_or_else(|_| {
            tracing::warn!(
                status = self.status,
                "mock fault: not an HTTP status, answering 500"
            );
            StatusCode::INTERNAL_SERVER_ERROR
        });
        let content_type = content_type.map(|value| (header::CONTENT_TYPE.to_string(), value));
        for (name, value) in content_type.into_iter().chain(self.headers) {
            if let (Ok(name), Ok(value)) = (
                HeaderName::try_from(name.as_str()),
                HeaderValue::try_from(value),
            ) {
                response.headers_mut().append(name, value);
            } else {
                tracing::warn!(header = %name, "mock fault: invalid header left out");
            }
        }
        response
    }
}

/// The faults waiting for requests: one-shot faults first, in the order
/// injected, then the standing fault, if any, for every request after.
#[derive(Debug, Default)]
pub(super) struct FaultQueue {
    queued: VecDeque<(Fault, usize)>,
    standing: Option<Fault>,
}

impl FaultQueue {
    /// Queues `fault` for the next `times` requests that find no earlier
    /// fault waiting.
    pub(super) fn push(&mut self, fault: Fault, times: usize) {
        if times > 0 {
            self.queued.push_back((fault, times));
        }
    }

    /// Applies `fault` to every request once the queue is empty, until
    /// [`FaultQueue::clear`].
    pub(super) fn set_standing(&mut self, fault: Fault) {
        self.standing = Some(fault);
    }

    /// Forgets every fault.
    pub(super) fn clear(&mut self) {
        *self = FaultQueue::default();
    }

    /// The fault for the request that just arrived, if any.
    pub(super) fn take_next(&mut self) -> Option<Fault> {
        let Some((fault, times_left)) = self.queued.front_mut() else {
            return self.standing.clone();
        };
        *times_left -= 1;
        if *times_left == 0 {
            self.queued.pop_front().map(|(fault, _)| fault)
        } else {
            Some(fault.clone())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_faults_come_first_in_order_then_the_standing_fault() {
        let mut queue = FaultQueue::default();
        queue.set_standing(Fault::status(503));
        queue.push(Fault::status(500), 2);
        queue.push(Fault::stall(), 1);
        queue.push(Fault::drop_connection(), 0);
        let taken: Vec<_> = std::iter::from_fn(|| queue.take_next()).take(5).collect();
        assert_eq!(
            taken,
            [
                Fault::status(500),
                Fault::status(500),
                Fault::stall(),
                Fault::status(503),
                Fault::status(503)
            ]
        );
        queue.clear();
        assert_eq!(queue.take_next(), None);
    }

    #[test]
    fn an_invalid_status_or_header_does_not_panic() {
        let response = Fault::status(42)
            .with_header("bad header", "x")
            .with_header("x-ok", "bad\nvalue")
            .with_body("text/plain\n", "body");
        let FaultAction::Respond(response) = response.into_action() else {
            panic!("a status fault responds");
        };
        let response = response.into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().is_empty());
    }
}
