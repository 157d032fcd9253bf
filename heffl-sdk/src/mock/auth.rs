//! Who is calling: the `x-api-key` header, checked against the two keys the
//! mock knows.

use axum::http::HeaderMap;

use super::error::ApiError;

/// A key with full access to the mock workspace.
pub(super) const FULL_ACCESS_KEY: &str = "heffl_user_mock_key_0123456789";
/// A valid key whose user may read but not edit contacts.
pub(super) const READ_ONLY_KEY: &str = "heffl_user_mock_readonly_0123";

/// An authenticated caller: the key it used (rate limits are per key) and what
/// its user may do.
#[derive(Debug, Clone)]
pub(super) struct Caller {
    api_key: &'static str,
    can_edit_contacts: bool,
}

impl Caller {
    /// The key the caller authenticated with.
    pub(super) fn api_key(&self) -> &'static str {
        self.api_key
    }

    /// Whether the key's user may update contacts; a key acts as its user, so
    /// a user without that permission gets 403 through the API too.
    pub(super) fn can_edit_contacts(&self) -> bool {
        self.can_edit_contacts
    }
}

/// Reads `x-api-key`. Only that header counts: the API does not accept
/// `Authorization: Bearer`, so a request carrying only that is "missing a key".
pub(super) fn authenticate(headers: &HeaderMap) -> Result<Caller, ApiError> {
    let Some(value) = headers.get("x-api-key") else {
        return Err(ApiError::missing_api_key());
    };
    // An empty header is as good as none, as in the usual `if (!apiKey)` check.
    if value.is_empty() {
        return Err(ApiError::missing_api_key());
    }
    match value.as_bytes() {
        key if key == FULL_ACCESS_KEY.as_bytes() => Ok(Caller {
            api_key: FULL_ACCESS_KEY,
            can_edit_contacts: true,
        }),
        key if key == READ_ONLY_KEY.as_bytes() => Ok(Caller {
            api_key: READ_ONLY_KEY,
            can_edit_contacts: false,
        }),
        _ => Err(ApiError::invalid_api_key()),
    }
}
