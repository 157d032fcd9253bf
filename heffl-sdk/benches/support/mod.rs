//! What the benchmarks share: the update both sides send, the two clients as each
//! side builds them, what each benchmark asks of them, and the servers they talk to.

// Decoding fills every field of the baseline's contact and nothing reads them, which
// is the point: the same work the SDK's decoding does.
#[allow(dead_code)]
pub mod baseline;
pub mod server;

use std::collections::BTreeMap;

use futures_util::future::join_all;
use heffl_sdk::{Client, ContactPatch, RateLimitBudget, RetryPolicy, mock::MockServer};
use serde_json::{Value, json};
use tokio::runtime::{Builder, Runtime};

/// The contact every benchmark updates; seeded in the mock with custom fields.
pub const CONTACT_ID: &str = "clt_ada";

/// Updates in flight at once in the concurrency benchmark.
pub const IN_FLIGHT: usize = 64;

/// A typical update through the SDK: names, a job title, an email, a company
/// unlinked (`null`), two custom fields set and one cleared.
pub fn sdk_patch() -> ContactPatch {
    ContactPatch::new()
        .first_name("Ada")
        .last_name("Lovelace")
        .job_title("Analyst")
        .email("ada@example.com")
        .clear_company()
        .custom_field("cf_industry", "Mathematics")
        .and_then(|patch| patch.custom_field("cf_lead_score", 85))
        .and_then(|patch| patch.clear_custom_field("cf_region"))
        .expect("valid custom-field keys")
}

/// The same update, hand-written.
pub fn baseline_update() -> baseline::ContactUpdate {
    baseline::ContactUpdate {
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        job_title: Some("Analyst".into()),
        email: Some(Some("ada@example.com".into())),
        company_id: Some(None),
        custom_fields: BTreeMap::from([
            ("cf_industry".into(), json!("Mathematics")),
            ("cf_lead_score".into(), json!(85)),
            ("cf_region".into(), Value::Null),
        ]),
        ..baseline::ContactUpdate::default()
    }
}

/// The runtime that drives clients and servers alike: one thread, the benchmark's
/// own. A round trip is then the work of both ends and of the kernel's loopback,
/// without cross-core wake-ups, whose latency on a shared machine depends on the
/// scheduler more than on either client (it made the slower client look faster).
pub fn runtime() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime")
}

/// The two clients under comparison, pointed at the same server, with the same update.
pub struct Clients {
    /// heffl-sdk as users get it (default retry policy, timeouts and user agent),
    /// except for a rate limit no benchmark reaches: the pacer still runs on every
    /// call but never makes one wait.
    pub sdk: Client,
    /// The same client with `RetryPolicy::none()`.
    sdk_without_retries: Client,
    /// The baseline's client: `reqwest::Client::new()`, as a few lines of reqwest
    /// would have it.
    pub http: reqwest::Client,
    base_url: String,
    patch: ContactPatch,
    update: baseline::ContactUpdate,
}

impl Clients {
    /// Both clients for the server at `base_url`. Fails unless both put the same
    /// bytes on the wire, so that no comparison times two different requests.
    pub fn new(base_url: &str) -> Clients {
        let patch = sdk_patch();
        let update = baseline_update();
        let sdk_body = serde_json::to_string(&patch).expect("a patch serializes");
        let baseline_body = serde_json::to_string(&update).expect("an update serializes");
        assert_eq!(
            sdk_body, baseline_body,
            "the SDK and the baseline send different bodies"
        );
        let sdk = Client::builder()
            .api_key(MockServer::API_KEY)
            .base_url(base_url)
            .rate_limit(RateLimitBudget {
                limit: server::UNREACHABLE_LIMIT,
                window: server::WINDOW,
            })
            .build()
            .expect("a valid client configuration");
        Clients {
            sdk_without_retries: sdk.with_retry_policy(RetryPolicy::none()),
            sdk,
            http: reqwest::Client::new(),
            base_url: base_url.to_owned(),
            patch,
            update,
        }
    }

    /// The update as the SDK sends it.
    pub fn patch(&self) -> &ContactPatch {
        &self.patch
    }

    /// The update as the baseline sends it.
    pub fn update(&self) -> &baseline::ContactUpdate {
        &self.update
    }

    /// One update through the SDK.
    pub async fn sdk_round_trip(&self) {
        self.sdk
            .update_contact(CONTACT_ID, &self.patch)
            .await
            .expect("the SDK's update succeeds");
    }

    /// One update through the SDK with `RetryPolicy::none()`: the retry layer's cost
    /// when nothing fails.
    pub async fn sdk_round_trip_without_retries(&self) {
        self.sdk_without_retries
            .update_contact(CONTACT_ID, &self.patch)
            .await
            .expect("the SDK's update succeeds");
    }

    /// One update through the baseline.
    pub async fn baseline_round_trip(&self) {
        self.baseline_call()
            .await
            .expect("the baseline's update succeeds");
    }

    /// [`IN_FLIGHT`] updates at once through the SDK.
    pub async fn sdk_in_flight(&self) {
        let updates = (0..IN_FLIGHT).map(|_| self.sdk.update_contact(CONTACT_ID, &self.patch));
        let results = join_all(updates).await;
        assert!(results.iter().all(Result::is_ok), "every update succeeds");
    }

    /// [`IN_FLIGHT`] updates through `update_contacts(…).concurrency(IN_FLIGHT)`.
    pub async fn sdk_bulk(&self) {
        let updates = (0..IN_FLIGHT).map(|_| (CONTACT_ID, self.patch.clone()));
        let report = self
            .sdk
            .update_contacts(updates)
            .concurrency(IN_FLIGHT)
            .await;
        assert!(report.all_succeeded(), "every update succeeds");
    }

    /// [`IN_FLIGHT`] updates at once through the baseline, on one `reqwest::Client`.
    pub async fn baseline_in_flight(&self) {
        let results = join_all((0..IN_FLIGHT).map(|_| self.baseline_call())).await;
        assert!(results.iter().all(Result::is_ok), "every update succeeds");
    }

    fn baseline_call(&self) -> impl Future<Output = reqwest::Result<baseline::Contact>> + '_ {
        baseline::update_contact(
            &self.http,
            &self.base_url,
            MockServer::API_KEY,
            CONTACT_ID,
            &self.update,
        )
    }
}
