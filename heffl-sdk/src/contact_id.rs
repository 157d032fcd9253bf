//! Checks a contact id before it becomes part of a request path.

use crate::Error;

/// Returns `id` if it can name a contact, or an error saying why not.
///
/// The generated client percent-encodes the id, but a URL parser still resolves the
/// dot segments `.` and `..` (`/contacts/..` becomes `/`), and an empty id addresses
/// the collection: each would send the update somewhere else. Prefixes are not
/// checked: Heffl may add new ones, and the server answers an unknown id with 404.
/// A backslash is refused too: the generated client does not encode it, and URL
/// parsers read it as `/` in http(s) paths, so `..\companies\x` would leave
/// `/contacts`.
pub(crate) fn check(id: &str) -> Result<&str, Error> {
    let reason = match id {
        "" => "is empty",
        "." | ".." => "is a dot segment, which would change the request path",
        _ if id.contains('\\') => "contains a backslash, which URL parsers read as `/`",
        _ => return Ok(id),
    };
    Err(Error::invalid_input(
        "contact id",
        format!("{reason}; expected an id such as `clt_abc123`"),
    ))
}
