//! The import pipeline: an upstream document in, the spec `build.rs` reads out.
//!
//! Select the covered operations first, so a construct we cannot convert in a part of the
//! upstream document the SDK does not use is no obstacle; then convert to 3.0; then apply
//! our overlay, whose targets are written against the 3.0 shape.

use serde_json::Value;

use crate::{
    coverage::{self, Operation, Selection},
    document,
    downgrade::{self, Conversion},
    overlay::{self, Applied, Overlay},
};

/// What an import produced, and what it did on the way.
pub struct Imported {
    /// The normalized spec text, ready to write.
    pub text: String,
    pub spec: Value,
    /// The `openapi` version the upstream document declared.
    pub upstream_version: String,
    pub selection: Selection,
    pub conversions: Vec<Conversion>,
    pub overlay: Vec<Applied>,
}

/// Runs the pipeline; an error is a list of lines, each naming where.
pub fn run(
    upstream: &Value,
    covered: &[Operation],
    additions: &Overlay,
) -> Result<Imported, Vec<String>> {
    let upstream_version = upstream
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or("(none)")
        .to_string();
    document::version(upstream).map_err(|e| vec![format!("/openapi: {e}")])?;

    let (mut spec, selection) = coverage::select(upstream, covered).map_err(|e| vec![e])?;
    let conversions = downgrade::to_3_0(&mut spec)
        .map_err(|errors| errors.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    let overlay = overlay::apply(&mut spec, additions).map_err(|e| vec![e])?;

    // Refuse to hand build.rs a file it cannot read.
    document::parse_openapi(&spec).map_err(|e| vec![e.to_string()])?;
    Ok(Imported {
        text: document::normalized(&spec),
        spec,
        upstream_version,
        selection,
        conversions,
        overlay,
    })
}
