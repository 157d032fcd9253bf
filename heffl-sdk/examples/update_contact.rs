//! Updates a Heffl contact and prints what was sent and what came back.
//!
//! Without `HEFFL_API_KEY` it starts the contract mock on 127.0.0.1 and walks a
//! seeded contact through a few changes. With `HEFFL_API_KEY` set it updates the
//! contact whose id is given on the command line on the real API:
//!
//! ```text
//! cargo run -p heffl-sdk --features mock --example update_contact
//! HEFFL_API_KEY=heffl_user_… cargo run -p heffl-sdk --features mock --example update_contact -- clt_abc123
//! ```

use std::process::ExitCode;

use heffl_sdk::{Client, Contact, ContactPatch, Error, mock::MockServer};

#[tokio::main]
async fn main() -> ExitCode {
    let outcome = if std::env::var_os("HEFFL_API_KEY").is_some() {
        let Some(id) = std::env::args().nth(1) else {
            eprintln!("usage: update_contact <contact id, e.g. clt_abc123>");
            return ExitCode::from(2);
        };
        update_real_contact(&id).await
    } else {
        walk_through_mock().await
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// One update on the real API: sets the job title of the contact `id`.
async fn update_real_contact(id: &str) -> Result<(), Error> {
    let client = Client::from_env()?;
    update(
        &client,
        id,
        ContactPatch::new().job_title("Updated by heffl-sdk"),
    )
    .await?;
    Ok(())
}

/// The same calls against the mock, showing each kind of change.
async fn walk_through_mock() -> Result<(), Error> {
    let mock = MockServer::start().await;
    println!(
        "no HEFFL_API_KEY: using the contract mock at {}\n",
        mock.base_url()
    );
    let client = Client::builder()
        .api_key(MockServer::API_KEY)
        .base_url(mock.base_url())
        .build()?;
    let id = "clt_grace";

    update(
        &client,
        id,
        ContactPatch::new().first_name("Amazing").last_name("Grace"),
    )
    .await?;
    update(&client, id, ContactPatch::new().company_id("clt_co_acme")).await?;
    update(&client, id, ContactPatch::new().clear_company()).await?;
    update(
        &client,
        id,
        ContactPatch::new().custom_field("cf_industry", "Computing")?,
    )
    .await?;
    let last = update(
        &client,
        id,
        ContactPatch::new().clear_custom_field("cf_industry")?,
    )
    .await?;

    println!(
        "done: {} ({}), company {:?}, cf_industry {}",
        last.name,
        last.id,
        last.company_id,
        last.custom_field("cf_industry")
            .unwrap_or(&serde_json::Value::Null)
    );
    Ok(())
}

async fn update(client: &Client, id: &str, patch: ContactPatch) -> Result<Contact, Error> {
    println!("PATCH /contacts/{id}\n  sent:     {}", to_json(&patch));
    let contact = client.update_contact(id, &patch).await?;
    println!("  received: {}\n", to_json(&contact));
    Ok(contact)
}

fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("<not serializable: {e}>"))
}
