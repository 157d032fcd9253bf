//! The client users hold: configuration, construction and the calls it offers.

use std::{fmt, sync::Arc, time::Duration};

use reqwest::{Url, header::HeaderValue};

use crate::{Contact, ContactPatch, Error, contact_id, transport};

/// Where the Heffl API v2 lives.
pub const DEFAULT_BASE_URL: &str = "https://api.heffl.com/api/v2";
/// How long to wait for a TCP (and TLS) connection, unless configured.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one request may take from start to end, unless configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A client for the Heffl API. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// # async fn run() -> Result<(), heffl_sdk::Error> {
/// use heffl_sdk::{Client, ContactPatch};
///
/// let client = Client::from_env()?; // HEFFL_API_KEY, optional HEFFL_BASE_URL
/// let contact = client
///     .update_contact("clt_abc123", &ContactPatch::new().job_title("CTO"))
///     .await?;
/// println!("{} is now {:?}", contact.name, contact.job_title);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
}

struct Shared {
    http: reqwest::Client,
    base_url: String,
    /// Marked sensitive, so reqwest and `http` print it as `Sensitive`.
    api_key: HeaderValue,
    connect_timeout: Duration,
    timeout: Duration,
}

impl Client {
    /// Starts configuring a client; only the API key is required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: the key from `HEFFL_API_KEY`, the
    /// base URL from `HEFFL_BASE_URL` when it is set.
    pub fn from_env() -> Result<Client, Error> {
        let api_key = std::env::var("HEFFL_API_KEY").map_err(|_| {
            Error::invalid_input("HEFFL_API_KEY", "is not set (or is not valid Unicode)")
        })?;
        let mut builder = Client::builder().api_key(api_key);
        if let Ok(base_url) = std::env::var("HEFFL_BASE_URL") {
            builder = builder.base_url(base_url);
        }
        builder.build()
    }

    /// Updates a contact: `PATCH /contacts/{id}` with exactly the fields `patch` sets.
    ///
    /// `id` is the contact's `clt_` id. An empty id, `.` or `..` is refused before
    /// anything is sent; every other id is percent-encoded into the path.
    pub async fn update_contact(&self, id: &str, patch: &ContactPatch) -> Result<Contact, Error> {
        let id = contact_id::check(id)?;
        let shared = &*self.shared;
        transport::update_contact(&shared.http, &shared.base_url, &shared.api_key, id, patch).await
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = &*self.shared;
        f.debug_struct("Client")
            .field("base_url", &shared.base_url)
            .field("api_key", &"[redacted]")
            .field("connect_timeout", &shared.connect_timeout)
            .field("timeout", &shared.timeout)
            .finish()
    }
}

/// Configures a [`Client`].
///
/// ```
/// use std::time::Duration;
///
/// let client = heffl_sdk::Client::builder()
///     .api_key("heffl_user_example")
///     .base_url("http://127.0.0.1:8080/api/v2")
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// assert_eq!(client.base_url(), "http://127.0.0.1:8080/api/v2");
/// # Ok::<(), heffl_sdk::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
}

impl ClientBuilder {
    /// The API key, sent as `x-api-key` on every request (required).
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// Where to send requests; defaults to [`DEFAULT_BASE_URL`]. Include the
    /// `/api/v2` stem: `https://api.heffl.com/api/v2`.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// How long to wait for a connection; defaults to [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one request may take in all; defaults to [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let api_key = api_key_header(self.api_key.as_deref())?;
        let base_url = checked_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .build()
            .map_err(Error::from_reqwest)?;
        Ok(Client {
            shared: Arc::new(Shared {
                http,
                base_url,
                api_key,
                connect_timeout,
                timeout,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The key as a header value marked sensitive. Messages never quote the key.
fn api_key_header(api_key: Option<&str>) -> Result<HeaderValue, Error> {
    let invalid = |why| Error::invalid_input("api key", why);
    let api_key = api_key.ok_or_else(|| {
        invalid("is missing; set it with ClientBuilder::api_key or HEFFL_API_KEY")
    })?;
    if api_key.trim().is_empty() {
        return Err(invalid("is empty"));
    }
    if api_key.trim() != api_key {
        return Err(invalid("has leading or trailing whitespace"));
    }
    let mut header = HeaderValue::from_str(api_key).map_err(|_| {
        invalid("contains characters that cannot be sent in an HTTP header, such as a line break")
    })?;
    header.set_sensitive(true);
    Ok(header)
}

/// An absolute http(s) URL without credentials, query or fragment, and without a
/// trailing slash (the generated paths start with one).
fn checked_base_url(base_url: &str) -> Result<String, Error> {
    let invalid =
        |why: &str| Error::invalid_input(format!("base url `{base_url}`"), why.to_owned());
    let url = Url::parse(base_url).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("must use http or https"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid_input(
            "base url",
            "must not contain credentials; pass the API key with ClientBuilder::api_key",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_loses_its_trailing_slash() {
        assert_eq!(
            checked_base_url("http://127.0.0.1:1/api/v2/").unwrap(),
            "http://127.0.0.1:1/api/v2"
        );
    }

    #[test]
    fn base_url_with_credentials_is_refused_without_quoting_them() {
        let error = checked_base_url("https://user:hunter2@api.heffl.com/api/v2").unwrap_err();
        assert!(error.is_invalid_input());
        assert!(!error.to_string().contains("hunter2"), "{error}");
    }

    #[test]
    fn base_url_must_be_http() {
        assert!(
            checked_base_url("ftp://api.heffl.com")
                .unwrap_err()
                .is_invalid_input()
        );
        assert!(
            checked_base_url("api.heffl.com/api/v2")
                .unwrap_err()
                .is_invalid_input()
        );
    }
}
