//! JSON Pointers (RFC 6901): how every conversion, finding and change says where it is.

use std::fmt;

use serde_json::Value;

/// A JSON Pointer into an OpenAPI document, such as
/// `/paths/~1contacts~1{id}/patch/responses/404`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// The whole document.
    pub fn root() -> Self {
        Pointer(String::new())
    }

    /// The pointer one level down, escaping `~` and `/` in `token`.
    pub fn push(&self, token: impl fmt::Display) -> Self {
        let token = token.to_string().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{token}", self.0))
    }

    /// The pointer a local `$ref` names (`#/components/schemas/Contact`), or `None` for a
    /// reference into another file, which no document here uses.
    pub fn from_ref(reference: &str) -> Option<Self> {
        let fragment = reference.strip_prefix('#')?;
        if !fragment.is_empty() && !fragment.starts_with('/') {
            return None;
        }
        // A `$ref` is a URI fragment, so `{` may arrive as `%7B`.
        Some(Pointer(percent_decode(fragment)?))
    }

    /// `relative` (a pointer into the value this one names) as a pointer from the root.
    pub fn join(&self, relative: &Pointer) -> Self {
        Pointer(format!("{}{}", self.0, relative.0))
    }

    /// The `$ref` string that names this pointer.
    pub fn to_ref(&self) -> String {
        format!("#{}", self.0)
    }

    /// The raw pointer string, as `serde_json::Value::pointer` takes it.
    #[cfg(test)]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unescaped tokens, root first.
    pub fn tokens(&self) -> Vec<String> {
        self.0
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect()
    }

    /// The value this pointer names in `doc`.
    pub fn get<'a>(&self, doc: &'a Value) -> Option<&'a Value> {
        doc.pointer(&self.0)
    }

    /// The value this pointer names in `doc`, mutably.
    pub fn get_mut<'a>(&self, doc: &'a mut Value) -> Option<&'a mut Value> {
        doc.pointer_mut(&self.0)
    }

    /// The parent pointer and the last token, or `None` for the root.
    pub fn split_last(&self) -> Option<(Pointer, String)> {
        let mut tokens = self.tokens();
        let last = tokens.pop()?;
        let parent = tokens
            .iter()
            .fold(Pointer::root(), |parent, token| parent.push(token));
        Some((parent, last))
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("/")
        } else {
            f.write_str(&self.0)
        }
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_keys_are_escaped_and_refs_decoded() {
        let p = Pointer::root().push("paths").push("/contacts/{id}");
        assert_eq!(p.as_str(), "/paths/~1contacts~1{id}");
        assert_eq!(
            Pointer::from_ref("#/paths/~1contacts~1%7Bid%7D"),
            Some(p.clone())
        );
        assert_eq!(p.tokens(), ["paths", "/contacts/{id}"]);
        assert_eq!(
            p.split_last(),
            Some((Pointer::root().push("paths"), "/contacts/{id}".into()))
        );
        assert_eq!(Pointer::from_ref("other.yaml#/x"), None);
    }
}
