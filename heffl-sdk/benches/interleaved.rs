//! The ratios of BENCHMARKS.md, measured with the SDK and the baseline taking turns.
//!
//! criterion (`benches/overhead.rs`) measures one benchmark after the other. On a
//! machine shared with other work the load changes in between, and on the 2-core
//! machine these figures come from, that moved two runs of the *same* code by 20%:
//! more than the differences being measured. Here each comparison alternates a block
//! of SDK calls with a block of baseline calls (a few milliseconds each, the order
//! swapped every round), and each pair of neighbouring blocks gives one ratio. A burst
//! of load lands on one pair rather than on one side, and the median of the pairs'
//! ratios ignores it.
//!
//! ```text
//! cargo bench -p heffl-sdk --no-default-features --features mock --bench interleaved [-- --seconds 3 --json out.json]
//! ```

mod support;

use std::{
    hint::black_box,
    process::ExitCode,
    time::{Duration, Instant},
};

use heffl_sdk::Contact;
use serde_json::json;
use support::{CONTACT_ID, Clients, baseline, runtime, server::Servers};
use tokio::runtime::Runtime;

/// How long one block of calls should take: long enough to time precisely, short
/// enough that load rarely changes between the two blocks of a pair.
const BLOCK: Duration = Duration::from_millis(3);

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; the options of our own are `--seconds S` (per
    // comparison, default 3) and `--json PATH`.
    let args: Vec<String> = std::env::args().collect();
    let option = |name: &str| {
        let at = args.iter().position(|arg| arg == name)?;
        args.get(at + 1).cloned()
    };
    let seconds = option("--seconds").map_or(Ok(3.0), |s| s.parse::<f64>());
    let Ok(seconds) = seconds else {
        eprintln!("--seconds takes a number");
        return ExitCode::from(2);
    };
    let budget = Duration::from_secs_f64(seconds);

    let runtime = runtime();
    let servers = Servers::start(&runtime, CONTACT_ID);
    let canned = Clients::new(&servers.canned_base_url);
    let mock = Clients::new(&servers.mock.base_url());
    let (patch, update, contact) = (canned.patch(), canned.update(), &servers.contact);
    let (canned, mock, runtime) = (&canned, &mock, &runtime);
    let comparisons = [
        compare(
            "round_trip",
            budget,
            calls(runtime, || canned.sdk_round_trip()),
            calls(runtime, || canned.baseline_round_trip()),
        ),
        compare(
            "round_trip_no_retries",
            budget,
            calls(runtime, || canned.sdk_round_trip_without_retries()),
            calls(runtime, || canned.baseline_round_trip()),
        ),
        compare(
            "round_trip_mock",
            budget,
            calls(runtime, || mock.sdk_round_trip()),
            calls(runtime, || mock.baseline_round_trip()),
        ),
        compare(
            "encode",
            budget,
            |n| {
                for _ in 0..n {
                    black_box(serde_json::to_vec(black_box(patch)).expect("serializes"));
                }
            },
            |n| {
                for _ in 0..n {
                    black_box(serde_json::to_vec(black_box(update)).expect("serializes"));
                }
            },
        ),
        compare(
            "decode",
            budget,
            |n| {
                for _ in 0..n {
                    black_box(serde_json::from_slice::<Contact>(black_box(contact)).ok());
                }
            },
            |n| {
                for _ in 0..n {
                    black_box(serde_json::from_slice::<baseline::Contact>(black_box(contact)).ok());
                }
            },
        ),
        compare(
            "concurrency",
            budget,
            calls(runtime, || canned.sdk_in_flight()),
            calls(runtime, || canned.baseline_in_flight()),
        ),
        compare(
            "concurrency_update_contacts",
            budget,
            calls(runtime, || canned.sdk_bulk()),
            calls(runtime, || canned.baseline_in_flight()),
        ),
    ];

    for c in &comparisons {
        println!(
            "{:<28} sdk/baseline time ratio {:.3} (quartiles {:.3}–{:.3}, {} pairs of {} calls); \
             mean per call: sdk {:.0} ns, baseline {:.0} ns",
            c.name,
            c.median,
            c.lower_quartile,
            c.upper_quartile,
            c.pairs,
            c.per_block,
            c.sdk_ns,
            c.baseline_ns
        );
    }
    if let Some(path) = option("--json") {
        let result: serde_json::Map<String, serde_json::Value> = comparisons
            .iter()
            .map(|c| {
                let value = json!({
                    "median": c.median,
                    "lower_quartile": c.lower_quartile,
                    "upper_quartile": c.upper_quartile,
                    "pairs": c.pairs,
                    "per_block": c.per_block,
                    "sdk_ns": c.sdk_ns,
                    "baseline_ns": c.baseline_ns,
                });
                (c.name.to_owned(), value)
            })
            .collect();
        let text = serde_json::to_string_pretty(&result).expect("a Map serializes");
        if let Err(error) = std::fs::write(&path, text) {
            eprintln!("cannot write {path}: {error}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// What one comparison found: the SDK's time over the baseline's, per pair of blocks.
struct Comparison {
    name: &'static str,
    median: f64,
    lower_quartile: f64,
    upper_quartile: f64,
    pairs: usize,
    per_block: u64,
    sdk_ns: f64,
    baseline_ns: f64,
}

/// Alternates blocks of `sdk(n)` and `baseline(n)` for `budget`, after sizing `n` so
/// that a block takes about [`BLOCK`] and warming both sides up for a tenth of it.
fn compare(
    name: &'static str,
    budget: Duration,
    mut sdk: impl FnMut(u64),
    mut baseline: impl FnMut(u64),
) -> Comparison {
    let mut per_block = 1;
    while time(&mut baseline, per_block) < BLOCK && per_block < 1 << 30 {
        per_block *= 2;
    }
    let warm_up = Instant::now() + budget / 10;
    while Instant::now() < warm_up {
        time(&mut sdk, per_block);
        time(&mut baseline, per_block);
    }

    let deadline = Instant::now() + budget;
    let (mut ratios, mut sdk_total, mut baseline_total) = (Vec::new(), 0.0, 0.0);
    while Instant::now() < deadline || ratios.len() < 10 {
        // Swapping the order every round cancels what going first or second does.
        let (sdk_time, baseline_time) = if ratios.len() % 2 == 0 {
            let s = time(&mut sdk, per_block);
            (s, time(&mut baseline, per_block))
        } else {
            let b = time(&mut baseline, per_block);
            (time(&mut sdk, per_block), b)
        };
        sdk_total += sdk_time.as_secs_f64();
        baseline_total += baseline_time.as_secs_f64();
        ratios.push(sdk_time.as_secs_f64() / baseline_time.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let quantile = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    let calls = (ratios.len() as u64 * per_block) as f64;
    Comparison {
        name,
        median: quantile(0.5),
        lower_quartile: quantile(0.25),
        upper_quartile: quantile(0.75),
        pairs: ratios.len(),
        per_block,
        sdk_ns: sdk_total * 1e9 / calls,
        baseline_ns: baseline_total * 1e9 / calls,
    }
}

/// `n` calls of `call`, one after the other, on the shared runtime.
fn calls<'a, Fut: Future<Output = ()>>(
    runtime: &'a Runtime,
    call: impl Fn() -> Fut + 'a,
) -> impl FnMut(u64) + 'a {
    move |n| {
        runtime.block_on(async {
            for _ in 0..n {
                call().await;
            }
        })
    }
}

fn time(run: &mut impl FnMut(u64), n: u64) -> Duration {
    let started = Instant::now();
    run(n);
    started.elapsed()
}
