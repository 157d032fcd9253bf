//! Many updates at once: bounded concurrency under the shared rate limit, and one
//! outcome per input, in input order.

use std::{
    fmt,
    future::{Future, IntoFuture},
    pin::Pin,
    sync::atomic::{AtomicBool, Ordering},
};

use futures_util::{StreamExt, stream};

use crate::{Client, Contact, ContactPatch, Error};

/// How many updates run at once unless configured.
pub const DEFAULT_BULK_CONCURRENCY: usize = 4;

/// A batch of updates, built by [`Client::update_contacts`]; `.await` it to run it.
///
/// Every update goes through [`Client::update_contact`], so each is paced by the
/// client's rate limit and retried by its policy. A failure does not stop the
/// others unless [`stop_on_error`](BulkUpdate::stop_on_error) is set; then the
/// updates not yet started are reported as [`ErrorKind::NotSent`](crate::ErrorKind::NotSent).
/// No input is ever missing from the report.
///
/// The batch holds a clone of the client, so it borrows nothing but what its
/// progress callback borrows: without one, or with one that owns its captures, it
/// can be spawned.
///
/// ```
/// # async fn run(client: &heffl_sdk::Client) {
/// use std::future::IntoFuture;
/// use heffl_sdk::ContactPatch;
///
/// let batch = client.update_contacts([("clt_ada", ContactPatch::new().job_title("CTO"))]);
/// let report = tokio::spawn(batch.into_future()).await.unwrap();
/// assert_eq!(report.outcomes().len(), 1);
/// # }
/// ```
#[must_use = "a bulk update does nothing until it is awaited"]
pub struct BulkUpdate<'p> {
    client: Client,
    updates: Vec<(String, ContactPatch)>,
    concurrency: usize,
    stop_on_error: bool,
    on_progress: Option<Box<dyn FnMut(Progress) + Send + 'p>>,
}

impl fmt::Debug for BulkUpdate<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BulkUpdate")
            .field("updates", &self.updates.len())
            .field("concurrency", &self.concurrency)
            .field("stop_on_error", &self.stop_on_error)
            .field("on_progress", &self.on_progress.is_some())
            .finish_non_exhaustive()
    }
}

/// Where a bulk update stands, reported after each update finishes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Updates in the batch.
    pub total: usize,
    /// Updates finished so far, whatever their outcome.
    pub done: usize,
    /// Updates the server applied.
    pub succeeded: usize,
    /// Updates that failed, including those not sent after a stop.
    pub failed: usize,
}

/// What happened to one input of a bulk update.
#[derive(Debug)]
#[non_exhaustive]
pub struct UpdateOutcome {
    /// The input's position in the batch.
    pub index: usize,
    /// The contact id as given.
    pub id: String,
    /// The updated contact, or why not.
    pub result: Result<Contact, Error>,
}

/// The outcomes of a bulk update, one per input, in input order.
#[derive(Debug)]
pub struct BulkReport {
    outcomes: Vec<UpdateOutcome>,
}

impl BulkReport {
    /// Every outcome, in input order.
    pub fn outcomes(&self) -> &[UpdateOutcome] {
        &self.outcomes
    }

    /// The outcomes that failed.
    pub fn failed(&self) -> impl Iterator<Item = &UpdateOutcome> {
        self.outcomes
            .iter()
            .filter(|outcome| outcome.result.is_err())
    }

    /// True when every update was applied.
    pub fn all_succeeded(&self) -> bool {
        self.outcomes.iter().all(|outcome| outcome.result.is_ok())
    }

    /// The outcomes, in input order.
    pub fn into_outcomes(self) -> Vec<UpdateOutcome> {
        self.outcomes
    }
}

impl<'p> BulkUpdate<'p> {
    pub(crate) fn new(client: Client, updates: Vec<(String, ContactPatch)>) -> Self {
        BulkUpdate {
            client,
            updates,
            concurrency: DEFAULT_BULK_CONCURRENCY,
            stop_on_error: false,
            on_progress: None,
        }
    }

    /// How many updates may be in flight at once (at least 1).
    pub fn concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = concurrency.max(1);
        self
    }

    /// Stop starting new updates after the first failure.
    pub fn stop_on_error(mut self, stop: bool) -> Self {
        self.stop_on_error = stop;
        self
    }

    /// Calls `report` after each update finishes.
    pub fn on_progress(mut self, report: impl FnMut(Progress) + Send + 'p) -> Self {
        self.on_progress = Some(Box::new(report));
        self
    }

    async fn run(self) -> BulkReport {
        let BulkUpdate {
            client,
            updates,
            concurrency,
            stop_on_error,
            mut on_progress,
        } = self;
        let mut progress = Progress {
            total: updates.len(),
            ..Progress::default()
        };
        let stopped = AtomicBool::new(false);
        let stopped = &stopped;
        let client = &client;

        let mut finished = stream::iter(updates.into_iter().enumerate())
            .map(|(index, (id, patch))| async move {
                let result = if stopped.load(Ordering::Relaxed) {
                    Err(Error::not_sent())
                } else {
                    client.update_contact(&id, &patch).await
                };
                if result.is_err() && stop_on_error {
                    stopped.store(true, Ordering::Relaxed);
                }
                UpdateOutcome { index, id, result }
            })
            .buffer_unordered(concurrency);

        let mut slots: Vec<Option<UpdateOutcome>> = (0..progress.total).map(|_| None).collect();
        while let Some(outcome) = finished.next().await {
            progress.done += 1;
            match outcome.result {
                Ok(_) => progress.succeeded += 1,
                Err(_) => progress.failed += 1,
            }
            if let Some(report) = on_progress.as_mut() {
                report(progress);
            }
            let index = outcome.index;
            slots[index] = Some(outcome);
        }
        // `buffer_unordered` yields every future it was given exactly once.
        let outcomes = slots.into_iter().flatten().collect();
        BulkReport { outcomes }
    }
}

impl<'p> IntoFuture for BulkUpdate<'p> {
    type Output = BulkReport;
    type IntoFuture = Pin<Box<dyn Future<Output = BulkReport> + Send + 'p>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
