//! How the client is generated from the spec: shared by `build.rs`, which writes the
//! code the crate compiles, and `cargo xtask`, which checks it against its snapshot.
//!
//! The generated module is the spec's: it is never edited by hand. What the spec
//! cannot say to progenitor (three-state PATCH fields, open enums, auth) is written by
//! hand in `src/` and plugged in here by name.

use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TypeImpl, TypePatch};

/// The spec `build.rs` reads, relative to the `heffl-sdk` crate: a symlink to
/// `../openapi/heffl-contacts.json`, the one spec, which only xtask writes. Cargo
/// packages what a symlink inside the crate points to, but nothing outside the crate,
/// so the link is how the published crate carries its spec.
pub const SPEC_PATH: &str = "heffl-contacts.json";

/// Generates the formatted client for `spec`, or says why progenitor cannot.
pub fn generate(spec: &openapiv3::OpenAPI) -> Result<String, String> {
    let mut generator = Generator::new(&settings());
    let tokens = generator
        .generate_tokens(spec)
        .map_err(|e| format!("progenitor cannot generate a client: {e}"))?;
    let file = syn::parse2(tokens).map_err(|e| format!("progenitor emitted invalid Rust: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// Schemas whose generated type is replaced by a hand-written one, and why: typify
/// collapses "absent" and "null" into one `Option`, so the request body is the
/// three-state `ContactPatch`; typify's enums are closed, so a new value from the
/// server would fail the whole response, and these keep unknown values.
pub const REPLACED_TYPES: &[(&str, &str)] = &[
    ("UpdateContactRequest", "crate::ContactPatch"),
    ("ContactType", "crate::ContactKind"),
    ("ErrorCode", "crate::ErrorCode"),
];

/// Response types generated `#[non_exhaustive]`: the server adds fields to what it
/// returns over time, and this makes that a minor release. Request types stay
/// exhaustive because users build them.
pub const NON_EXHAUSTIVE_TYPES: &[&str] =
    &["Contact", "ErrorBody", "ErrorDetails", "ValidationIssue"];

fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Positional)
        // The per-call context carries the API key and records what came back;
        // `src/transport.rs` implements the hooks, and forgetting them fails the build.
        .with_inner_type(quote::quote!(crate::transport::CallContext))
        .with_hooks(HooksMode::Expected)
        .with_derive("schemars::JsonSchema")
        .with_derive("PartialEq");
    for (schema, rust_type) in REPLACED_TYPES {
        // `ContactPatch::default()` is the empty patch; the open enums have no default.
        let impls = (*schema == "UpdateContactRequest").then_some(TypeImpl::Default);
        settings.with_replacement(schema, rust_type, impls.into_iter());
    }
    for schema in NON_EXHAUSTIVE_TYPES {
        settings.with_patch(schema, TypePatch::default().with_attr("#[non_exhaustive]"));
    }
    settings
}

/// Hex SHA-256 of the spec file, so a build can name the exact spec it came from.
pub fn spec_sha256(spec_text: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(spec_text)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
