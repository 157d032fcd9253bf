//! What the SDK tells `tracing`: a span per call and per attempt with method,
//! path, status, attempt and duration, waits, and bodies only when asked for.
//! Captured at the most verbose level, the output never contains an API key.

use std::{
    io,
    sync::{Arc, Mutex},
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

// One thread, so that the thread-local subscriber also sees the mock's tasks and
// reqwest's `log` records (forwarded by tracing-log).
#[tokio::test(flavor = "current_thread")]
async fn trace_output_describes_calls_and_attempts_but_never_shows_a_key() {
    let _ = tracing_log::LogTracer::init();
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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

    let out = captured.text();
    for expected in [
        "heffl.update_contact",
        "heffl.attempt",
        "method=\"PATCH\"",
        "contact_id=\"clt_ada\"",
        "attempt=2",
        "status=503",
        "status=200",
        "status=401",
        "retrying",
        "request body",
        "\"jobTitle\":\"Analyst\"",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    for key in [SECRET, MockServer::API_KEY] {
        assert!(
            !out.contains(key),
            "a key leaked into the trace output:\n{out}"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn bodies_are_not_logged_unless_asked_for() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mock = MockServer::start().await;
    let client = Client::builder()
        .api_key(MockServer::API_KEY)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    client
        .update_contact(
            "clt_ada",
            &ContactPatch::new().job_title("Confidential title"),
        )
        .await
        .unwrap();
    let out = captured.text();
    assert!(out.contains("heffl.update_contact"), "{out}");
    assert!(
        !out.contains("Confidential title"),
        "a body was logged:\n{out}"
    );
}
