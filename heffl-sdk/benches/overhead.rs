//! What heffl-sdk costs over a few lines of hand-written reqwest, measured side by side
//! in one criterion group per question, against the same server with the same body.
//!
//! - `round_trip`: one update over loopback against a server that answers with a
//!   canned contact, so the client's cost is as visible as it can be;
//!   `round_trip_mock` is the same against the contract mock.
//! - `encode` / `decode`: serializing the update, and decoding the full contact
//!   (custom fields included) the mock answers it with.
//! - `concurrency`: 64 updates in flight on one client.
//!
//! Client and servers share one thread (see `support::runtime`). The SDK is measured
//! as users get it: default retry policy (a success is never retried) and timeouts;
//! only its rate limit is set out of reach, so that its pacer runs on every call but
//! never waits. criterion runs each benchmark after the other, so a change in the
//! machine's load between them moves their ratio; `benches/interleaved.rs` measures
//! the ratios with both sides taking turns. `cargo xtask bench` runs both with short
//! measurement times and writes BENCHMARKS.md; by hand:
//!
//! ```text
//! cargo bench -p heffl-sdk --no-default-features --features mock --bench overhead -- --warm-up-time 1 --measurement-time 3
//! ```

mod support;

use std::hint::black_box;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use heffl_sdk::Contact;
use support::{CONTACT_ID, Clients, IN_FLIGHT, baseline, runtime, server::Servers};

/// One update's round trip, against the canned server and against the mock.
fn round_trip(c: &mut Criterion) {
    let runtime = runtime();
    let servers = Servers::start(&runtime, CONTACT_ID);
    for (group_name, base_url) in [
        ("round_trip", servers.canned_base_url.clone()),
        ("round_trip_mock", servers.mock.base_url()),
    ] {
        let clients = Clients::new(&base_url);
        let mut group = c.benchmark_group(group_name);
        group.bench_function("baseline", |b| {
            b.to_async(&runtime).iter(|| clients.baseline_round_trip())
        });
        group.bench_function("sdk", |b| {
            b.to_async(&runtime).iter(|| clients.sdk_round_trip())
        });
        if group_name == "round_trip" {
            group.bench_function("sdk_no_retries", |b| {
                b.to_async(&runtime)
                    .iter(|| clients.sdk_round_trip_without_retries())
            });
        }
        group.finish();
    }
}

/// Serializing the update, and decoding the contact the mock answers it with.
fn codec(c: &mut Criterion) {
    let runtime = runtime();
    let servers = Servers::start(&runtime, CONTACT_ID);
    let clients = Clients::new(&servers.canned_base_url);
    let (patch, update, contact) = (clients.patch(), clients.update(), &servers.contact);

    let mut group = c.benchmark_group("encode");
    group.bench_function("baseline", |b| {
        b.iter(|| serde_json::to_vec(black_box(update)).expect("serializes"))
    });
    group.bench_function("sdk", |b| {
        b.iter(|| serde_json::to_vec(black_box(patch)).expect("serializes"))
    });
    group.finish();

    let mut group = c.benchmark_group("decode");
    group.bench_function("baseline", |b| {
        b.iter(|| serde_json::from_slice::<baseline::Contact>(black_box(contact)).expect("decodes"))
    });
    group.bench_function("sdk", |b| {
        b.iter(|| serde_json::from_slice::<Contact>(black_box(contact)).expect("decodes"))
    });
    group.finish();
}

/// 64 updates in flight on one client, against the canned server.
fn concurrency(c: &mut Criterion) {
    let runtime = runtime();
    let servers = Servers::start(&runtime, CONTACT_ID);
    let clients = Clients::new(&servers.canned_base_url);

    let mut group = c.benchmark_group("concurrency");
    group.throughput(Throughput::Elements(IN_FLIGHT as u64));
    // One iteration is 64 round trips; flat sampling keeps the run within its time.
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("baseline", |b| {
        b.to_async(&runtime).iter(|| clients.baseline_in_flight())
    });
    group.bench_function("sdk", |b| {
        b.to_async(&runtime).iter(|| clients.sdk_in_flight())
    });
    group.bench_function("sdk_update_contacts", |b| {
        b.to_async(&runtime).iter(|| clients.sdk_bulk())
    });
    group.finish();
}

criterion_group!(benches, round_trip, codec, concurrency);
criterion_main!(benches);
