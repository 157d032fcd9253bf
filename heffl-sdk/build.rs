//! Generates the typed client from the checked-in OpenAPI spec into `OUT_DIR`.

mod codegen;

use std::{env, fs, path::PathBuf};

fn main() {
    let spec_path = codegen::SPEC_PATH;
    println!("cargo:rerun-if-changed={spec_path}");
    println!("cargo:rerun-if-changed=codegen.rs");

    let text = fs::read_to_string(spec_path)
        .unwrap_or_else(|e| fail(&format!("cannot read {spec_path}: {e}")));
    let spec: openapiv3::OpenAPI = serde_json::from_str(&text)
        .unwrap_or_else(|e| fail(&format!("{spec_path} is not an OpenAPI 3.0 document: {e}")));
    let code = codegen::generate(&spec).unwrap_or_else(|e| fail(&format!("{spec_path}: {e}")));

    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("codegen.rs"), code).expect("OUT_DIR is writable");

    println!("cargo:rustc-env=HEFFL_SPEC_VERSION={}", spec.info.version);
    println!(
        "cargo:rustc-env=HEFFL_SPEC_SHA256={}",
        codegen::spec_sha256(text.as_bytes())
    );
}

/// A build script reports errors by panicking; this keeps the message to one line.
fn fail(message: &str) -> ! {
    panic!("heffl-sdk code generation failed: {message}\n(run `cargo xtask validate` for details)")
}
