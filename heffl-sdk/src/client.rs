//! The client users hold: configuration, construction and the calls it offers.

use std::{
    fmt,
    net::IpAddr,
    sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    },
    time::{Duration, Instant},
};

use reqwest::{StatusCode, Url, header::HeaderValue};
use tracing::Instrument;

use crate::{
    BulkUpdate, Contact, ContactPatch, Error, RateLimitBudget, RetryPolicy, contact_id,
    pacing::Pacer, redact::Redactor, transport,
};

/// Where the Heffl API v2 lives.
pub const DEFAULT_BASE_URL: &str = "https://api.heffl.com/api/v2";
/// The host and path of [`DEFAULT_BASE_URL`], to catch a base URL missing its path.
const DEFAULT_HOST: &str = "api.heffl.com";
const DEFAULT_PATH: &str = "/api/v2";
/// How long to wait for a TCP (and TLS) connection, unless configured.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one attempt may take from start to end, unless configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a whole call may take, retries and waits included, unless configured.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(120);

const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A client for the Heffl API. Cheap to clone: clones share one connection pool and
/// one rate-limit budget.
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
    options: CallOptions,
}

/// What every clone shares: the connection pool, the key and the rate-limit budget.
struct Shared {
    http: reqwest::Client,
    base_url: String,
    /// Marked sensitive, so reqwest and `http` print it as `Sensitive`.
    api_key: HeaderValue,
    /// Masks the key in what errors quote and what is logged.
    redactor: Redactor,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    pacer: Pacer,
    log_bodies: bool,
}

/// What a clone may change for its own calls.
#[derive(Clone, Debug)]
struct CallOptions {
    retry: RetryPolicy,
    call_timeout: Duration,
}

impl Client {
    /// Starts configuring a client; only the API key is required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: the key from `HEFFL_API_KEY`, the
    /// base URL from `HEFFL_BASE_URL` when it is set.
    pub fn from_env() -> Result<Client, Error> {
        Client::from_vars(|name| std::env::var(name).ok())
    }

    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Client, Error> {
        let api_key = var("HEFFL_API_KEY").ok_or_else(|| {
            Error::invalid_input("HEFFL_API_KEY", "is not set (or is not valid Unicode)")
        })?;
        let mut builder = Client::builder().api_key(api_key);
        if let Some(base_url) = var("HEFFL_BASE_URL") {
            builder = builder.base_url(base_url);
        }
        builder.build()
    }

    /// A clone that retries its calls by `policy`; pool and rate limit stay shared.
    ///
    /// ```
    /// # fn run(client: &heffl_sdk::Client) {
    /// let no_retries = client.with_retry_policy(heffl_sdk::RetryPolicy::none());
    /// # }
    /// ```
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Client {
        let mut client = self.clone();
        client.options.retry = policy;
        client
    }

    /// A clone whose calls, retries and waits included, end after `timeout`.
    pub fn with_call_timeout(&self, timeout: Duration) -> Client {
        let mut client = self.clone();
        client.options.call_timeout = timeout;
        client
    }

    /// Updates a contact: `PATCH /contacts/{id}` with exactly the fields `patch` sets.
    ///
    /// `id` is the contact's `clt_` id. An empty id, `.`, `..` or an id with a `\` is
    /// refused before anything is sent; every other id is percent-encoded into the
    /// path. The call waits for the rate limit, retries what the [`RetryPolicy`]
    /// allows, and ends after the call timeout at the latest.
    ///
    /// Dropping the future cancels the call. If a request was already on its way,
    /// the server may or may not have applied it; the same patch sent again ends in
    /// the same state, so repeating the call is safe.
    pub async fn update_contact(&self, id: &str, patch: &ContactPatch) -> Result<Contact, Error> {
        let id = contact_id::check(id)?;
        let span = tracing::info_span!(
            "heffl.update_contact",
            method = "PATCH",
            path = "/contacts/{id}",
            contact_id = id,
            attempts = tracing::field::Empty,
        );
        if self.shared.log_bodies {
            let body = self
                .shared
                .redactor
                .text(&serde_json::to_string(patch).unwrap_or_default());
            tracing::debug!(parent: &span, %body, "request body");
        }
        let attempts = AtomicU32::new(0);
        let timeout = self.options.call_timeout;
        // Saturates: a huge call timeout means "no deadline", not an overflow.
        let deadline = Instant::now()
            .checked_add(timeout)
            .unwrap_or_else(far_future);
        let call = self.send_with_retries(id, patch, deadline, &attempts);
        let result = tokio::time::timeout(timeout, call)
            .instrument(span.clone())
            .await
            .unwrap_or_else(|_| Err(Error::call_timed_out(timeout)));
        let attempts = attempts.into_inner();
        span.record("attempts", attempts);
        result.map_err(|error| error.with_attempts(attempts))
    }

    /// Many updates at once, paced by the shared rate limit; see [`BulkUpdate`].
    ///
    /// ```no_run
    /// # async fn run(client: heffl_sdk::Client) {
    /// use heffl_sdk::ContactPatch;
    ///
    /// let updates = vec![
    ///     ("clt_1", ContactPatch::new().job_title("CTO")),
    ///     ("clt_2", ContactPatch::new().clear_company()),
    /// ];
    /// let report = client
    ///     .update_contacts(updates)
    ///     .concurrency(8)
    ///     .on_progress(|p| eprintln!("{}/{} done", p.done, p.total))
    ///     .await;
    /// for outcome in report.failed() {
    ///     eprintln!("#{} {}: {}", outcome.index, outcome.id, outcome.result.as_ref().unwrap_err());
    /// }
    /// # }
    /// ```
    pub fn update_contacts<I, S>(&self, updates: I) -> BulkUpdate<'static>
    where
        I: IntoIterator<Item = (S, ContactPatch)>,
        S: Into<String>,
    {
        BulkUpdate::new(
            self.clone(),
            updates
                .into_iter()
                .map(|(id, patch)| (id.into(), patch))
                .collect(),
        )
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    async fn send_with_retries(
        &self,
        id: &str,
        patch: &ContactPatch,
        deadline: Instant,
        attempts: &AtomicU32,
    ) -> Result<Contact, Error> {
        let shared = &*self.shared;
        let policy = &self.options.retry;
        let time_left = || deadline.saturating_duration_since(Instant::now());
        let mut attempt = 0;
        let mut last_error: Option<Error> = None;
        loop {
            let max_wait = policy.server_wait_cap().min(time_left());
            if let Err(wait) = shared.pacer.acquire(max_wait).await {
                // After a failed attempt, that failure is the news, not the wait.
                return Err(last_error.unwrap_or_else(|| Error::rate_limited(wait)));
            }
            attempt += 1;
            attempts.store(attempt, Ordering::Relaxed);

            let span = tracing::debug_span!(
                "heffl.attempt",
                attempt,
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            let started = Instant::now();
            let outcome = transport::update_contact(
                &shared.http,
                &shared.base_url,
                &shared.api_key,
                &shared.redactor,
                id,
                patch,
            )
            .instrument(span.clone())
            .await;
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            if let Some(status) = outcome.status {
                span.record("status", status.as_u16());
            }
            let too_many = outcome.status == Some(StatusCode::TOO_MANY_REQUESTS);
            shared.pacer.observe(outcome.rate_limit.as_ref(), too_many);

            let error = match outcome.result {
                Ok(contact) => {
                    if shared.log_bodies {
                        let body = serde_json::to_string(&contact).unwrap_or_default();
                        let body = shared.redactor.text(&body);
                        tracing::debug!(parent: &span, %body, "response body");
                    }
                    return Ok(contact);
                }
                Err(error) => error,
            };
            if !error.is_retryable() || !policy.allows_another(attempt) {
                return Err(error);
            }
            let wait = match error.retry_after() {
                // Sleeping for minutes would tie up the caller; it decides instead.
                Some(wait) if wait > policy.server_wait_cap() => return Err(error),
                Some(wait) => wait,
                None => policy.backoff_before(attempt),
            };
            // A wait that outlasts the call would end in a bare timeout and lose
            // what the server said; return that instead.
            if wait >= time_left() {
                return Err(error);
            }
            tracing::debug!(parent: &span, wait_ms = wait.as_millis() as u64, %error, "retrying");
            tokio::time::sleep(wait).await;
            last_error = Some(error);
        }
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = &*self.shared;
        f.debug_struct("Client")
            .field("base_url", &shared.base_url)
            .field("api_key", &"[redacted]")
            .field("connect_timeout", &shared.connect_timeout)
            .field("timeout", &shared.attempt_timeout)
            .field("call_timeout", &self.options.call_timeout)
            .field("retry", &self.options.retry)
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
    call_timeout: Option<Duration>,
    retry: RetryPolicy,
    rate_limit: RateLimitBudget,
    log_bodies: bool,
    allow_remote_http: bool,
}

impl ClientBuilder {
    /// The API key, sent as `x-api-key` on every request (required).
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// Where to send requests; defaults to [`DEFAULT_BASE_URL`]. Include the
    /// `/api/v2` stem: `https://api.heffl.com/api/v2`.
    ///
    /// Plain `http://` is accepted only for a loopback host (`localhost`,
    /// `127.0.0.1`, `[::1]`), as the key would otherwise cross the network
    /// unencrypted; see [`danger_allow_remote_http`](Self::danger_allow_remote_http).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// How long to wait for a connection; defaults to [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one attempt may take in all; defaults to [`DEFAULT_TIMEOUT`].
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How long a whole call may take, retries and rate-limit waits included;
    /// defaults to [`DEFAULT_CALL_TIMEOUT`].
    pub fn call_timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }

    /// How calls are retried; defaults to [`RetryPolicy::default`].
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The budget to pace requests by until the server's `RateLimit-*` headers say
    /// otherwise; defaults to Heffl's documented 60 requests a minute.
    ///
    /// Its window is also the longest the headers can make it, so that one odd
    /// `RateLimit-Reset` cannot slow the client down for good. Against a server
    /// whose windows are longer, set the longer window here.
    pub fn rate_limit(mut self, budget: RateLimitBudget) -> Self {
        self.rate_limit = budget;
        self
    }

    /// Logs request and response bodies at `DEBUG` (off by default: bodies hold
    /// customer data). The API key is never logged.
    pub fn log_bodies(mut self, log_bodies: bool) -> Self {
        self.log_bodies = log_bodies;
        self
    }

    /// Accepts a plain `http://` base URL on a host that is not loopback, such as
    /// a mock in another container. The API key then crosses the network
    /// unencrypted: never use it with a real key.
    pub fn danger_allow_remote_http(mut self, allow: bool) -> Self {
        self.allow_remote_http = allow;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let api_key = api_key_header(self.api_key.as_deref())?;
        let redactor = Redactor::new(self.api_key.as_deref().unwrap_or_default());
        let base_url = checked_base_url(
            self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
            self.allow_remote_http,
        )?;
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        let attempt_timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let mut http = reqwest::Client::builder()
            // A redirect would carry x-api-key to wherever it points (reqwest strips
            // only Authorization), and a 303 would turn the PATCH into a GET that
            // "succeeds" without applying anything. A 3xx is reported instead.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .connect_timeout(connect_timeout)
            .timeout(attempt_timeout);
        if Url::parse(&base_url).is_ok_and(|url| is_loopback(&url)) {
            // HTTP_PROXY or ALL_PROXY would otherwise take loopback requests too,
            // handing the key (over plain http, readable) to the proxy, which cannot
            // reach our loopback anyway.
            http = http.no_proxy();
        }
        let http = http.build().map_err(Error::from_reqwest)?;
        let shared = Shared {
            http,
            base_url,
            api_key,
            redactor,
            connect_timeout,
            attempt_timeout,
            pacer: Pacer::new(self.rate_limit),
            log_bodies: self.log_bodies,
        };
        let options = CallOptions {
            retry: self.retry,
            call_timeout: self.call_timeout.unwrap_or(DEFAULT_CALL_TIMEOUT),
        };
        Ok(Client {
            shared: Arc::new(shared),
            options,
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            // Shown only once checked, for the reason `checked_base_url` gives.
            .field(
                "base_url",
                &self.base_url.as_deref().map(|url| {
                    checked_base_url(url, true).unwrap_or_else(|_| "[invalid]".to_owned())
                }),
            )
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("call_timeout", &self.call_timeout)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .field("log_bodies", &self.log_bodies)
            .field("allow_remote_http", &self.allow_remote_http)
            .finish()
    }
}

/// An instant no call reaches: a century from now.
fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(100 * 365 * 24 * 60 * 60)
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
/// trailing slash (the generated paths start with one). Plain http only to a
/// loopback host unless `allow_remote_http`.
fn checked_base_url(base_url: &str, allow_remote_http: bool) -> Result<String, Error> {
    // The URL is never quoted: a misplaced key (HEFFL_API_KEY and HEFFL_BASE_URL
    // swapped, or a key in a query string) would end up in the message.
    let invalid = |why: &str| Error::invalid_input("base url", why.to_owned());
    let url = Url::parse(base_url)
        .map_err(|e| invalid(&format!("is not an absolute http(s) URL ({e})")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "must not contain credentials; pass the API key with ClientBuilder::api_key",
        ));
    }
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("must use http or https"));
    }
    if url.scheme() == "http" && !is_loopback(&url) && !allow_remote_http {
        return Err(invalid(
            "uses plain http to a host that is not loopback, so the API key would cross \
             the network unencrypted; use https, or ClientBuilder::danger_allow_remote_http \
             for a test server",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("must not have a query or fragment"));
    }
    // Without the path every call is a 404 that reads like an unknown contact.
    // `api.heffl.com.` is the same host written as a fully qualified name.
    let host = url.host_str().map(|host| host.trim_end_matches('.'));
    if host == Some(DEFAULT_HOST) && url.path().trim_end_matches('/') != DEFAULT_PATH {
        return Err(invalid(&format!(
            "points at {DEFAULT_HOST} without {DEFAULT_PATH}, where API v2 lives; \
             use {DEFAULT_BASE_URL}"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(url: &Url) -> bool {
    // The parser has lowercased the host and put an IPv6 address in brackets;
    // `localhost.` is `localhost` written as a fully qualified name.
    let host = url.host_str().unwrap_or_default();
    let host = host.strip_suffix('.').unwrap_or(host);
    let address = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || address
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.to_canonical().is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_env_reads_the_key_and_an_optional_base_url() {
        let vars = |key: &'static str, url: Option<&'static str>| {
            move |name: &str| match name {
                "HEFFL_API_KEY" => Some(key.to_owned()),
                "HEFFL_BASE_URL" => url.map(str::to_owned),
                _ => None,
            }
        };
        let default = Client::from_vars(vars("heffl_user_k", None)).unwrap();
        assert_eq!(default.base_url(), DEFAULT_BASE_URL);
        let local =
            Client::from_vars(vars("heffl_user_k", Some("http://127.0.0.1:9/api/v2/"))).unwrap();
        assert_eq!(local.base_url(), "http://127.0.0.1:9/api/v2");
        let missing = Client::from_vars(|_| None).unwrap_err();
        assert!(missing.is_invalid_input());
        assert!(missing.to_string().contains("HEFFL_API_KEY"), "{missing}");
    }

    #[test]
    fn base_url_loses_its_trailing_slash() {
        assert_eq!(
            checked_base_url("http://127.0.0.1:1/api/v2/", false).unwrap(),
            "http://127.0.0.1:1/api/v2"
        );
    }

    #[test]
    fn base_url_with_credentials_is_refused_without_quoting_them() {
        let error =
            checked_base_url("https://user:hunter2@api.heffl.com/api/v2", false).unwrap_err();
        assert!(error.is_invalid_input());
        assert!(!error.to_string().contains("hunter2"), "{error}");
    }

    #[test]
    fn the_default_base_url_is_its_host_and_path() {
        assert_eq!(
            DEFAULT_BASE_URL,
            format!("https://{DEFAULT_HOST}{DEFAULT_PATH}")
        );
    }

    #[test]
    fn heffls_host_without_the_api_path_is_refused() {
        for url in [
            "https://api.heffl.com",
            "https://api.heffl.com./",
            "https://api.heffl.com/v2",
            "https://api.heffl.com/api",
        ] {
            let error = checked_base_url(url, false).unwrap_err();
            assert!(error.is_invalid_input());
            assert!(error.to_string().contains(DEFAULT_BASE_URL), "{error}");
        }
        assert!(checked_base_url("https://api.heffl.com/api/v2/", false).is_ok());
        assert!(checked_base_url("https://proxy.example.com", false).is_ok());
    }

    #[test]
    fn builder_debug_shows_only_a_checked_base_url() {
        let shown = |url: &str| format!("{:?}", Client::builder().base_url(url));
        assert!(
            shown("https://api.heffl.com/api/v2/")
                .contains(r#"Some("https://api.heffl.com/api/v2")"#)
        );
        assert!(shown("heffl_user_swapped").contains(r#"Some("[invalid]")"#));
        assert!(!shown("https://x.example/?key=heffl_user_q").contains("heffl_user_q"));
    }

    #[test]
    fn base_url_must_be_http() {
        assert!(
            checked_base_url("ftp://api.heffl.com", false)
                .unwrap_err()
                .is_invalid_input()
        );
        assert!(
            checked_base_url("api.heffl.com/api/v2", false)
                .unwrap_err()
                .is_invalid_input()
        );
    }

    #[test]
    fn plain_http_is_only_for_loopback_unless_allowed() {
        for local in [
            "http://127.0.0.1:8080/api/v2",
            "http://127.1.2.3/api/v2",
            "http://localhost:8080/api/v2",
            "http://LOCALHOST/api/v2",
            "http://[::1]:8080/api/v2",
            "http://localhost./api/v2",
            "http://[::ffff:127.0.0.1]/api/v2",
        ] {
            assert!(checked_base_url(local, false).is_ok(), "{local}");
        }
        for remote in [
            "http://api.heffl.com/api/v2",
            "http://10.0.0.5:8080/api/v2",
            "http://localhost.example.com/api/v2",
            "http://[::ffff:10.0.0.5]/api/v2",
        ] {
            let error = checked_base_url(remote, false).unwrap_err();
            assert!(error.is_invalid_input(), "{remote}");
            assert!(error.to_string().contains("unencrypted"), "{error}");
            assert!(checked_base_url(remote, true).is_ok(), "{remote}");
        }
        assert!(checked_base_url("https://api.heffl.com/api/v2", false).is_ok());
    }
}
