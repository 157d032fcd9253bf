//! The server itself: a listener on 127.0.0.1, one task per connection, the
//! request log and the faults, in front of the API's router.
//!
//! The accept loop is hand-rolled rather than `axum::serve` because one fault
//! must close a connection without answering, which only a hyper connection
//! whose service fails can do.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{self, Body};
use axum::extract::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt;

use super::auth;
use super::fault::{Fault, FaultAction, FaultQueue};
use super::lock;
use super::rate_limit::{RateLimitPolicy, ResetFormat};
use super::recording::{RecordedRequest, RequestLog};
use super::routes::{self, Api};

/// The largest request body the mock reads; a longer one closes the
/// connection. Far above any contact update.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// A contract mock of the Heffl API v2 contact update, listening on
/// 127.0.0.1 on a port of its own. Dropping it stops the server.
///
/// It serves `PATCH {base_url}/contacts/{id}` over the seeded workspace
/// described in the [module docs](super), checks keys, rate limits and
/// bodies as the docs describe, records every request, and misbehaves on
/// demand ([`MockServer::inject`]).
///
/// ```
/// use heffl_sdk::mock::{Fault, MockServer};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let server = MockServer::start().await;
/// server.inject(Fault::status(503));
///
/// let client = reqwest::Client::new();
/// let url = format!("{}/contacts/clt_ada", server.base_url());
/// let update = || {
///     client
///         .patch(&url)
///         .header("x-api-key", MockServer::API_KEY)
///         .json(&serde_json::json!({ "firstName": "Augusta" }))
/// };
///
/// assert_eq!(update().send().await.unwrap().status(), 503);
/// assert_eq!(update().send().await.unwrap().status(), 200);
/// assert_eq!(server.contact("clt_ada").unwrap()["name"], "Augusta Lovelace");
/// assert_eq!(server.requests().len(), 2);
/// # }
/// ```
#[must_use = "dropping the MockServer stops it"]
pub struct MockServer {
    address: SocketAddr,
    api: Arc<Api>,
    connections: Arc<ConnectionState>,
    accept_loop: JoinHandle<()>,
}

/// What every connection shares besides the API: the log and the faults.
#[derive(Debug, Default)]
struct ConnectionState {
    log: RequestLog,
    faults: Mutex<FaultQueue>,
}

/// Settings for a [`MockServer`]; get one from [`MockServer::builder`].
///
/// ```
/// use std::time::Duration;
/// use heffl_sdk::mock::{MockServer, ResetFormat};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let server = MockServer::builder()
///     .rate_limit(2, Duration::from_secs(1))
///     .reset_format(ResetFormat::UnixTimestamp)
///     .start()
///     .await;
/// # let _ = server;
/// # }
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct MockServerBuilder {
    rate_limit: RateLimitPolicy,
}

impl MockServerBuilder {
    /// Allows `limit` requests per key in each `window`, which opens with the
    /// first request after the previous window ended. Default: 60 per 60 s,
    /// as documented.
    pub fn rate_limit(mut self, limit: u32, window: Duration) -> Self {
        self.rate_limit.limit = limit;
        self.rate_limit.window = window;
        self
    }

    /// Whether every answer to a valid key carries `RateLimit-Limit`,
    /// `RateLimit-Remaining` and `RateLimit-Reset` (the default), or only
    /// 429 answers do. The docs mention them only on 429.
    pub fn rate_limit_headers(mut self, on_every_response: bool) -> Self {
        self.rate_limit.headers_on_every_response = on_every_response;
        self
    }

    /// How `RateLimit-Reset` is written; the docs leave the unit open.
    /// Default: [`ResetFormat::DeltaSeconds`].
    pub fn reset_format(mut self, format: ResetFormat) -> Self {
        self.rate_limit.reset_format = format;
        self
    }

    /// Binds 127.0.0.1 on a free port and starts serving on the current
    /// Tokio runtime.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime, or when no local port can be bound: a test
    /// cannot go on without its server.
    pub async fn start(self) -> MockServer {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("the mock server could not bind a port on 127.0.0.1");
        let address = listener
            .local_addr()
            .expect("a bound listener has a local address");
        let api = Arc::new(Api::new(self.rate_limit));
        let connections = Arc::new(ConnectionState::default());
        let accept_loop = tokio::spawn(accept_connections(
            listener,
            Arc::clone(&connections),
            routes::router(Arc::clone(&api)),
        ));
        tracing::debug!(%address, "heffl mock server listening");
        MockServer {
            address,
            api,
            connections,
            accept_loop,
        }
    }
}

impl MockServer {
    /// A key with full access to the mock workspace.
    pub const API_KEY: &'static str = auth::FULL_ACCESS_KEY;

    /// A valid key whose user lacks the permission to edit contacts: updates
    /// with it are answered 403 `FORBIDDEN` (after counting against its rate
    /// limit, like any request with a valid key).
    pub const READ_ONLY_API_KEY: &'static str = auth::READ_ONLY_KEY;

    /// Starts a server with the default settings and the seeded workspace.
    ///
    /// # Panics
    ///
    /// As [`MockServerBuilder::start`].
    pub async fn start() -> MockServer {
        MockServer::builder().start().await
    }

    /// Settings for a server that differs from the default.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// The API's base URL, `http://127.0.0.1:<port>/api/v2`; a client appends
    /// `/contacts/{id}`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v2", self.address)
    }

    /// Every request received so far, in order of arrival.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.connections.log.snapshot()
    }

    /// Contact `id` as the API would return it now, or `None` if no contact
    /// has that id (companies are not contacts).
    pub fn contact(&self, id: &str) -> Option<serde_json::Value> {
        self.api.contact(id)
    }

    /// Answers the next request that finds no earlier fault waiting with
    /// `fault`.
    pub fn inject(&self, fault: Fault) {
        self.inject_times(fault, 1);
    }

    /// Answers the next `times` requests that find no earlier fault waiting
    /// with `fault`.
    pub fn inject_times(&self, fault: Fault, times: usize) {
        lock(&self.connections.faults).push(fault, times);
    }

    /// Answers every request with `fault` once the faults injected with
    /// [`inject`](Self::inject) and [`inject_times`](Self::inject_times) are
    /// used up, until [`clear_faults`](Self::clear_faults).
    pub fn inject_always(&self, fault: Fault) {
        lock(&self.connections.faults).set_standing(fault);
    }

    /// Forgets every fault not yet used, standing or not.
    pub fn clear_faults(&self) {
        lock(&self.connections.faults).clear();
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.accept_loop.abort();
    }
}

async fn accept_connections(
    listener: TcpListener,
    connections: Arc<ConnectionState>,
    router: Router,
) {
    // The connection tasks belong to this set, so aborting the accept loop
    // drops the set and aborts them too, stalled requests included.
    let mut open = JoinSet::new();
    loop {
        while open.try_join_next().is_some() {}
        match listener.accept().await {
            Ok((stream, _)) => {
                open.spawn(serve_connection(
                    stream,
                    Arc::clone(&connections),
                    router.clone(),
                ));
            }
            // Typically out of file descriptors; the next accept may succeed.
            Err(error) => tracing::warn!(%error, "heffl mock server: accept failed"),
        }
    }
}

async fn serve_connection(stream: TcpStream, connections: Arc<ConnectionState>, router: Router) {
    let service =
        service_fn(move |request| answer(request, Arc::clone(&connections), router.clone()));
    let served = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
    if let Err(error) = served {
        // Expected after a dropped-connection fault or a client hanging up.
        tracing::debug!(%error, "heffl mock server: connection ended with an error");
    }
}

/// Records the request, applies the next fault, and otherwise lets the API
/// answer. An `Err` makes hyper close the connection without a response.
async fn answer(
    request: hyper::Request<Incoming>,
    connections: Arc<ConnectionState>,
    router: Router,
) -> Result<Response, io::Error> {
    let (parts, incoming) = request.into_parts();
    let body = match body::to_bytes(Body::new(incoming), MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(error) => {
            connections.log.record(&parts, &[]);
            return Err(io::Error::other(format!(
                "unreadable request body: {error}"
            )));
        }
    };
    let entry = connections.log.record(&parts, &body);
    let fault = lock(&connections.faults).take_next();
    if let Some(fault) = fault {
        tokio::time::sleep(fault.delay_before_action()).await;
        match fault.into_action() {
            FaultAction::Proceed => {}
            FaultAction::Stall => return std::future::pending().await,
            FaultAction::DropConnection => {
                return Err(io::Error::other("connection dropped by an injected fault"));
            }
            FaultAction::Respond(canned) => {
                let response = canned.into_response();
                connections.log.answered(entry, response.status().as_u16());
                return Ok(response);
            }
        }
    }
    let request = Request::from_parts(parts, Body::from(body));
    let response = match router.oneshot(request).await {
        Ok(response) => response,
        Err(infallible) => match infallible {},
    };
    tracing::debug!(status = %response.status(), "heffl mock server answered");
    connections.log.answered(entry, response.status().as_u16());
    Ok(response)
}
