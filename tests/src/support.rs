//! What the end-to-end tests share: a mock, and a client pointed at it.

use heffl_sdk::{Client, mock::MockServer};

/// A fresh seeded mock and a client with its full-access key.
pub async fn mock_and_client() -> (MockServer, Client) {
    let mock = MockServer::start().await;
    let client = client_for(&mock, MockServer::API_KEY);
    (mock, client)
}

/// A client for `mock` that sends `api_key`.
pub fn client_for(mock: &MockServer, api_key: &str) -> Client {
    Client::builder()
        .api_key(api_key)
        .base_url(mock.base_url())
        .build()
        .expect("a valid client configuration")
}

/// The body of the last request the mock received, as text.
pub fn last_body(mock: &MockServer) -> String {
    let request = mock.requests().pop().expect("the mock received a request");
    String::from_utf8(request.body).expect("the SDK sends UTF-8 JSON")
}
