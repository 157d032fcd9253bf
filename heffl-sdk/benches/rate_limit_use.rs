//! Does `update_contacts` use the whole rate limit, and only that? 600 updates
//! against the contract mock at 60 requests a second: the elapsed time (10 s at the
//! limit's average rate) and the number of 429s (none, if the pacer is right).
//!
//! Not a criterion benchmark: one run takes 10 s and its result is a count and a
//! duration, not a distribution. The client is configured as users get it: the
//! default budget (60 a minute) until the mock's `RateLimit-*` headers say 60 a
//! second, default retry policy and bulk concurrency.
//!
//! ```text
//! cargo bench -p heffl-sdk --features mock --bench rate_limit_use [-- --json out.json]
//! ```
//!
//! `--json PATH` also writes the result for `cargo xtask bench`.

use std::{
    process::ExitCode,
    time::{Duration, Instant},
};

use heffl_sdk::{Client, ContactPatch, DEFAULT_BULK_CONCURRENCY, mock::MockServer};
use serde_json::json;

/// Updates in the batch.
const UPDATES: usize = 600;
/// The mock's limit: requests per window.
const LIMIT: u32 = 60;
/// The mock's window.
const WINDOW: Duration = Duration::from_secs(1);
/// The seeded contacts, updated in turn.
const CONTACTS: [&str; 3] = ["clt_ada", "clt_grace", "clt_linus"];

#[tokio::main]
async fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; the only option of our own is `--json PATH`.
    let args: Vec<String> = std::env::args().collect();
    let json_path = args
        .iter()
        .position(|arg| arg == "--json")
        .and_then(|at| args.get(at + 1));

    let mock = MockServer::builder()
        .rate_limit(LIMIT, WINDOW)
        .start()
        .await;
    let client = Client::builder()
        .api_key(MockServer::API_KEY)
        .base_url(mock.base_url())
        .build()
        .expect("a valid client configuration");
    let updates = (0..UPDATES).map(|i| {
        let patch = ContactPatch::new().job_title(format!("Analyst #{i}"));
        (CONTACTS[i % CONTACTS.len()], patch)
    });

    let started = Instant::now();
    let report = client.update_contacts(updates).await;
    let elapsed = started.elapsed();

    let requests = mock.requests();
    let too_many = requests.iter().filter(|r| r.status == Some(429)).count();
    let failed = report.failed().count();
    // The ideal at the average rate; fixed windows allow bursts, so the true floor
    // is 9 windows plus the time to send the last 60.
    let ideal = WINDOW * (UPDATES as u32 / LIMIT);
    let ratio = elapsed.as_secs_f64() / ideal.as_secs_f64();
    println!(
        "rate_limit_use: {UPDATES} updates at {LIMIT}/{}s, concurrency {DEFAULT_BULK_CONCURRENCY}: \
         {:.3} s ({ratio:.3} of {:.0} s), {} requests, {too_many} answered 429, {failed} failed",
        WINDOW.as_secs(),
        elapsed.as_secs_f64(),
        ideal.as_secs_f64(),
        requests.len(),
    );

    if let Some(path) = json_path {
        let result = json!({
            "updates": UPDATES,
            "limit": LIMIT,
            "window_s": WINDOW.as_secs_f64(),
            "concurrency": DEFAULT_BULK_CONCURRENCY,
            "elapsed_s": elapsed.as_secs_f64(),
            "ideal_s": ideal.as_secs_f64(),
            "requests": requests.len(),
            "too_many_requests": too_many,
            "failed": failed,
        });
        let text = serde_json::to_string_pretty(&result).expect("a Value serializes");
        if let Err(error) = std::fs::write(path, text) {
            eprintln!("cannot write {path}: {error}");
            return ExitCode::FAILURE;
        }
    }
    if failed > 0 {
        eprintln!(
            "{failed} updates failed; the first: {:?}",
            report.failed().next()
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
