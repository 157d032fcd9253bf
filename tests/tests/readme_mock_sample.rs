use heffl_sdk::{
    Client, ContactPatch,
    mock::{Fault, MockServer},
};

#[tokio::test]
async fn my_sync_unlinks_the_company() {
    let mock = MockServer::start().await; // seeded: clt_ada, clt_grace, clt_linus, …
    let client = Client::builder()
        .api_key(MockServer::API_KEY)
        .base_url(mock.base_url())
        .build()
        .unwrap();
    assert_eq!(mock.contact("clt_ada").unwrap()["companyId"], "clt_co_acme");

    client
        .update_contact("clt_ada", &ContactPatch::new().clear_company())
        .await
        .unwrap();
    assert_eq!(
        mock.contact("clt_ada").unwrap()["companyId"],
        serde_json::Value::Null
    );

    mock.inject(Fault::status(503)); // the next request fails; see Fault for more
}
