//! The servers both sides of a comparison talk to.
//!
//! The canned server answers every request with one fixed contact, so a round trip
//! measures the client and the loopback, not the server: the SDK's overhead is then as
//! large a share of the time as it can be. The contract mock is measured too, as the
//! server users test against, but it validates, merges and records every request in
//! memory, which makes it slower and slowly heavier over a long run.

use std::{
    convert::Infallible,
    net::{Ipv4Addr, SocketAddr},
    time::Duration,
};

use axum::body::{Body, Bytes};
use heffl_sdk::mock::MockServer;
use hyper::{
    Request, Response,
    body::Incoming,
    header::{CONTENT_TYPE, HeaderValue},
    server::conn::http1,
    service::service_fn,
};
use hyper_util::rt::TokioIo;
use tokio::{net::TcpListener, runtime::Runtime};

/// A rate limit no benchmark reaches, so that neither the mock nor the SDK's pacer
/// ever makes a request wait: the benchmarks measure HTTP, not waiting.
pub const UNREACHABLE_LIMIT: u32 = 1_000_000_000;
/// The window that goes with [`UNREACHABLE_LIMIT`]. Short, because the pacer keeps
/// the send time of each request for one window: at 60 s it would hold millions.
pub const WINDOW: Duration = Duration::from_secs(1);

/// The servers, serving on the runtime they were started on.
pub struct Servers {
    /// The contract mock, with a rate limit no benchmark reaches.
    pub mock: MockServer,
    /// Base URL of the canned server.
    pub canned_base_url: String,
    /// The contact the canned server answers with, as the mock sent it.
    pub contact: Bytes,
}

impl Servers {
    /// Starts the mock, takes the contact `id` it answers the benchmarks' update with
    /// (raw bytes, as the real API would send them), and starts the canned server
    /// answering with those. Both serve on `runtime`, whenever it runs.
    pub fn start(runtime: &Runtime, id: &str) -> Servers {
        let mock = runtime.block_on(
            MockServer::builder()
                .rate_limit(UNREACHABLE_LIMIT, WINDOW)
                .start(),
        );
        let update = super::baseline_update();
        let contact = runtime.block_on(contact_from_mock(&mock.base_url(), id, &update));
        let listener = runtime
            .block_on(TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))
            .expect("a port on 127.0.0.1 for the canned server");
        let address: SocketAddr = listener.local_addr().expect("a bound address");
        runtime.spawn(serve_canned(listener, contact.clone()));
        Servers {
            mock,
            canned_base_url: format!("http://{address}/api/v2"),
            contact,
        }
    }
}

/// The body the mock answers `update` with.
async fn contact_from_mock(
    base_url: &str,
    id: &str,
    update: &super::baseline::ContactUpdate,
) -> Bytes {
    let response = reqwest::Client::new()
        .patch(format!("{base_url}/contacts/{id}"))
        .header("x-api-key", MockServer::API_KEY)
        .json(update)
        .send()
        .await
        .expect("the mock answers");
    assert!(
        response.status().is_success(),
        "the mock refused the benchmark's update: {}",
        response.status()
    );
    response.bytes().await.expect("the mock's body")
}

async fn serve_canned(listener: TcpListener, contact: Bytes) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let contact = contact.clone();
        let _ = stream.set_nodelay(true);

        tokio::spawn(async move {
            let service = service_fn(move |request| answer(request, contact.clone()));
            // A client hanging up at the end of a benchmark is not worth reporting.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Reads the whole request, as a real server must before answering, then sends the
/// contact with the `RateLimit-*` headers the mock sends, so the SDK does all the work
/// it does against the API.
async fn answer(request: Request<Incoming>, contact: Bytes) -> Result<Response<Body>, Infallible> {
    let _ = axum::body::to_bytes(Body::new(request.into_body()), usize::MAX).await;
    let mut response = Response::new(Body::from(contact));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert("ratelimit-limit", HeaderValue::from(UNREACHABLE_LIMIT));
    headers.insert(
        "ratelimit-remaining",
        HeaderValue::from(UNREACHABLE_LIMIT - 1),
    );
    headers.insert("ratelimit-reset", HeaderValue::from(WINDOW.as_secs()));
    Ok(response)
}
