//! The HTTP surface: `PATCH /api/v2/contacts/{id}`, behind the API key and
//! rate limit checks that every request goes through, and a 404 envelope for
//! everything else.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::patch;
use axum::{Extension, Json, Router};
use serde_json::Value;

use super::auth::{self, Caller};
use super::error::ApiError;
use super::lock;
use super::rate_limit::{RateLimitPolicy, RateLimiter};
use super::state::{Store, UpdateRejection};
use super::validate;

/// What the API keeps between requests.
#[derive(Debug)]
pub(super) struct Api {
    store: Mutex<Store>,
    rate_limiter: Mutex<RateLimiter>,
}

impl Api {
    /// A freshly seeded workspace with no requests counted yet.
    pub(super) fn new(policy: RateLimitPolicy) -> Api {
        Api {
            store: Mutex::new(Store::seeded()),
            rate_limiter: Mutex::new(RateLimiter::new(policy)),
        }
    }

    /// Contact `id` as the API would return it now.
    pub(super) fn contact(&self, id: &str) -> Option<Value> {
        lock(&self.store).contact_json(id)
    }
}

/// The router for `api`. Its body limit is off because the server has read
/// the whole body before it gets here.
pub(super) fn router(api: Arc<Api>) -> Router {
    Router::new()
        .route("/api/v2/contacts/{id}", patch(update_contact))
        .fallback(unknown_route)
        .method_not_allowed_fallback(unknown_route)
        // Added after the fallbacks so that it wraps them too: an unknown
        // route is answered only to a valid key, and counts against it.
        .layer(middleware::from_fn_with_state(
            Arc::clone(&api),
            authenticate_and_limit,
        ))
        .layer(DefaultBodyLimit::disable())
        .with_state(api)
}

/// 401 without a valid key, 429 past the key's limit, and the `RateLimit-*`
/// headers on every answer to a valid key.
async fn authenticate_and_limit(
    State(api): State<Arc<Api>>,
    mut request: Request,
    next: Next,
) -> Response {
    let caller = match auth::authenticate(request.headers()) {
        Ok(caller) => caller,
        Err(error) => return error.into_response(),
    };
    let quota = lock(&api.rate_limiter).admit(caller.api_key(), Instant::now());
    let mut response = if quota.is_exceeded() {
        ApiError::too_many_requests().into_response()
    } else {
        request.extensions_mut().insert(caller);
        next.run(request).await
    };
    quota.write_headers(response.headers_mut());
    response
}

async fn update_contact(
    State(api): State<Arc<Api>>,
    Extension(caller): Extension<Caller>,
    id: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    if !caller.can_edit_contacts() {
        return Err(ApiError::forbidden());
    }
    // An id whose percent-encoding does not decode to UTF-8 names nothing.
    let Ok(Path(id)) = id else {
        return Err(ApiError::contact_not_found());
    };
    let mut store = lock(&api.store);
    // Assumed behaviour: the docs say the id "must be a contact record" but not
    // what happens with a company's id (companies share the `clt_` prefix). We
    // answer 404, as for any id that names no contact.
    if !store.has_contact(&id) {
        return Err(ApiError::contact_not_found());
    }
    let changes = validate::contact_update(&headers, &body, store.reference())?;
    store
        .update(&id, changes)
        .map(Json)
        .map_err(|rejection| match rejection {
            UpdateRejection::NotFound => ApiError::contact_not_found(),
            UpdateRejection::UniqueValueTaken => ApiError::conflict(),
        })
}

async fn unknown_route() -> ApiError {
    ApiError::route_not_found()
}
