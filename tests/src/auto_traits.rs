//! What async code needs of the SDK's types: clients, patches, contacts and errors
//! cross threads and print with `Debug`, calls and batches can be spawned, and `Error` works with `?` into
//! `Box<dyn Error + Send + Sync>`. These tests fail by not compiling.

use std::{error::Error as StdError, future::IntoFuture};

use heffl_sdk::{
    BulkReport, BulkUpdate, Client, ClientBuilder, Contact, ContactPatch, Error, Patch, Progress,
    RateLimit, RetryPolicy, UpdateOutcome, mock::MockServer,
};

fn shared_across_threads<T: Send + Sync + std::fmt::Debug + 'static>() {}

fn a_std_error<E: StdError + Send + Sync + 'static>() {}

#[test]
fn public_types_can_be_shared_across_threads() {
    shared_across_threads::<Client>();
    shared_across_threads::<ClientBuilder>();
    shared_across_threads::<ContactPatch>();
    shared_across_threads::<Patch<String>>();
    shared_across_threads::<Contact>();
    shared_across_threads::<Error>();
    shared_across_threads::<RateLimit>();
    shared_across_threads::<RetryPolicy>();
    shared_across_threads::<BulkReport>();
    shared_across_threads::<UpdateOutcome>();
    shared_across_threads::<Progress>();
    shared_across_threads::<MockServer>();
}

#[test]
fn a_batch_can_move_to_another_thread() {
    fn sendable<T: Send + std::fmt::Debug>() {}
    sendable::<BulkUpdate<'static>>();
}

#[test]
fn error_is_a_std_error_that_boxes_and_crosses_threads() {
    a_std_error::<Error>();
    let missing_key = Client::builder().build().unwrap_err();
    let boxed: Box<dyn StdError + Send + Sync> = Box::new(missing_key);
    assert!(boxed.to_string().contains("api key"), "{boxed}");
}

#[tokio::test]
async fn calls_and_batches_can_be_spawned() {
    let mock = MockServer::start().await;
    let client = crate::support::client_for(&mock, MockServer::API_KEY);
    let call = {
        let client = client.clone();
        async move {
            client
                .update_contact("clt_ada", &ContactPatch::new().job_title("spawned"))
                .await
        }
    };
    let contact = tokio::spawn(call).await.unwrap().unwrap();
    assert_eq!(contact.job_title.as_deref(), Some("spawned"));

    let batch = client
        .update_contacts([("clt_grace", ContactPatch::new().job_title("batched"))])
        .into_future();
    assert!(tokio::spawn(batch).await.unwrap().all_succeeded());
}
