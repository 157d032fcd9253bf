//! Masking the API key in whatever the SDK quotes from a response or writes to a log.
//!
//! A server or proxy may echo request headers back: in an HTML error page, in an
//! error envelope's `code`, `message` or `details`, or in a field of a contact that a
//! decoding error then quotes. Everything the SDK shows of a response goes through
//! [`Redactor`] first.

use std::fmt;

use serde_json::Value;

/// What stands in for the key.
const MASK: &str = "[redacted]";

/// Masks one API key, as written raw, inside a JSON string and percent-encoded.
///
/// A real key (`heffl_user_` and letters or digits) is the same in all three forms,
/// so it is searched for once.
#[derive(Clone)]
pub(crate) struct Redactor {
    forms: Vec<Vec<u8>>,
}

impl Redactor {
    pub(crate) fn new(secret: &str) -> Self {
        let mut forms = Vec::new();
        if !secret.is_empty() {
            let json = serde_json::to_string(secret).unwrap_or_default();
            let json = json.trim_start_matches('"').trim_end_matches('"');
            for form in [secret, json, &percent_encoded(secret)] {
                if !form.is_empty() && !forms.iter().any(|f: &Vec<u8>| f == form.as_bytes()) {
                    forms.push(form.as_bytes().to_vec());
                }
            }
        }
        Redactor { forms }
    }

    /// `bytes` with every form of the key masked.
    pub(crate) fn bytes(&self, bytes: &[u8]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        for form in &self.forms {
            out = replace(&out, form);
        }
        out
    }

    /// `text` with every form of the key masked.
    pub(crate) fn text(&self, text: &str) -> String {
        // Masking whole UTF-8 sequences with ASCII keeps the text valid UTF-8; the
        // lossy conversion only guards that invariant.
        String::from_utf8_lossy(&self.bytes(text.as_bytes())).into_owned()
    }

    /// Masks the key in every string and object key of `value`.
    pub(crate) fn json(&self, value: &mut Value) {
        match value {
            Value::String(text) => *text = self.text(text),
            Value::Array(items) => items.iter_mut().for_each(|item| self.json(item)),
            Value::Object(map) => {
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(key, mut item)| {
                        self.json(&mut item);
                        (self.text(&key), item)
                    })
                    .collect();
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// A stand-in for `error` whose message has the key masked: serde_json's
    /// messages quote the value they failed on, which may be an echo of the key.
    pub(crate) fn error(&self, error: &dyn std::error::Error) -> Redacted {
        Redacted(self.text(&error.to_string()))
    }
}

/// Holds the key, so it never prints it.
impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Redactor([redacted])")
    }
}

/// An error message with the key masked, in place of the error it came from.
#[derive(Debug)]
pub(crate) struct Redacted(String);

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Redacted {}

fn replace(haystack: &[u8], needle: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest
        .windows(needle.len())
        .position(|window| window == needle)
    {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(MASK.as_bytes());
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// The key as it appears in a URL: unreserved characters as they are, the rest `%XX`.
fn percent_encoded(secret: &str) -> String {
    secret
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let shown = format!("{:?}", Redactor::new("heffl_user_s3cret"));
        assert!(!shown.contains("s3cret"), "{shown}");
    }

    #[test]
    fn every_occurrence_is_masked() {
        let redactor = Redactor::new("heffl_user_s3cret");
        let out = redactor.bytes(b"<h1>bad key heffl_user_s3cret</h1> (heffl_user_s3cret)");
        assert_eq!(out, b"<h1>bad key [redacted]</h1> ([redacted])");
    }

    #[test]
    fn json_escaped_and_percent_encoded_echoes_are_masked() {
        let redactor = Redactor::new(r#"k+y/"\ z"#);
        let echoes = r#"raw k+y/"\ z json k+y/\"\\ z url k%2By%2F%22%5C%20z"#;
        assert_eq!(
            redactor.text(echoes),
            "raw [redacted] json [redacted] url [redacted]"
        );
    }

    #[test]
    fn strings_and_keys_anywhere_in_json_are_masked() {
        let redactor = Redactor::new("heffl_user_s3cret");
        let mut value = json!({
            "code": "BAD_KEY_heffl_user_s3cret",
            "details": {"heffl_user_s3cret": ["x heffl_user_s3cret"], "n": 1},
        });
        redactor.json(&mut value);
        assert_eq!(
            value,
            json!({
                "code": "BAD_KEY_[redacted]",
                "details": {"[redacted]": ["x [redacted]"], "n": 1},
            })
        );
    }
}
