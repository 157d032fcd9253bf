//! What the SDK tells `tracing`: a span per call and per attempt with method,
//! path, status, attempt and duration, waits, and bodies only when asked for.
//! Captured at the most verbose level, the output never contains an API key.
//!
//! These tests are a test binary of their own, with one global subscriber.
//! `tracing` caches whether a callsite is enabled once per process, computed
//! against the subscriber of whichever thread reaches it first. In the shared
//! test binary a sibling test with no subscriber could reach the SDK's spans
//! first and switch them off for everyone, so a thread-local capture saw nothing.

use std::{
    io,
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use heffl_sdk::{
    Client, ContactPatch, RetryPolicy,
    mock::{Fault, MockServer},
};
use tracing_subscriber::fmt::{MakeWriter, format::FmtSpan};

const SECRET: &str = "heffl_user_TRACE_SECRET_42";

/// Everything the subscriber writes, kept for the assertions.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// The lines written inside calls for one contact: tests run in parallel
    /// into the same capture, and each test updates a contact of its own.
    fn lines_about(&self, contact_id: &str) -> String {
        let marker = format!("contact_id=\"{contact_id}\"");
        self.text()
            .lines()
            .filter(|line| line.contains(&marker))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// The process-wide capture: everything at TRACE, span closes included, and
/// reqwest's and hyper's `log` records forwarded by tracing-log.
fn captured() -> &'static Captured {
    static CAPTURED: OnceLock<Captured> = OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(FmtSpan::CLOSE)
            .with_ansi(false)
            .with_writer(captured.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
        tracing_log::LogTracer::init().expect("no other logger");
        captured
    })
}

fn client(mock: &MockServer, api_key: &str) -> Client {
    Client::builder()
        .api_key(api_key)
        .base_url(mock.base_url())
        .log_bodies(true)
        .retry_policy(
            RetryPolicy::default().backoff(Duration::from_millis(5), Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

#[tokio::test]
async fn trace_output_describes_calls_and_attempts_but_never_shows_a_key() {
    let captured = captured();
    let mock = MockServer::start().await;
    mock.inject(Fault::status(503));
    let patch = ContactPatch::new().job_title("Analyst");
    client(&mock, MockServer::API_KEY)
        .update_contact("clt_ada", &patch)
        .await
        .unwrap();
    client(&mock, SECRET)
        .update_contact("clt_ada", &patch)
        .await
        .unwrap_err();

    let about_ada = captured.lines_about("clt_ada");
    for expected in [
        "heffl.update_contact",
        "heffl.attempt",
        "method=\"PATCH\"",
        "attempt=2",
        "status=503",
        "status=200",
        "status=401",
        "retrying",
        "request body",
        "\"jobTitle\":\"Analyst\"",
    ] {
        assert!(
            about_ada.contains(expected),
            "missing {expected:?} in:\n{about_ada}"
        );
    }
    let everything = captured.text();
    for key in [SECRET, MockServer::API_KEY] {
        assert!(
            !everything.contains(key),
            "a key leaked into the trace output:\n{everything}"
        );
    }
}

#[tokio::test]
async fn bodies_are_not_logged_unless_asked_for() {
    let captured = captured();
    let mock = MockServer::start().await;
    let client = Client::builder()
        .api_key(MockServer::API_KEY)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    client
        .update_contact(
            "clt_grace",
            &ContactPatch::new().job_title("Confidential title"),
        )
        .await
        .unwrap();

    let about_grace = captured.lines_about("clt_grace");
    assert!(
        about_grace.contains("heffl.update_contact"),
        "{about_grace}"
    );
    let everything = captured.text();
    assert!(
        !everything.contains("Confidential title"),
        "a body was logged:\n{everything}"
    );
    assert!(
        !everything.contains(MockServer::API_KEY),
        "a key leaked into the trace output:\n{everything}"
    );
}
