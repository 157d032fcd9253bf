//! The declared `rust-version` holds for the dependencies too: no crate in
//! `Cargo.lock` asks for a newer Rust than the workspace promises. Only one toolchain
//! is on the build machines, so this and clippy's `incompatible_msrv` lint (which
//! checks our use of std against `rust-version`) are what guard the promise.

use std::process::Command;

use serde_json::Value;

/// `1.88` or `1.88.0` as comparable numbers.
fn version(text: &str) -> (u64, u64, u64) {
    let mut parts = text.split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    let mut next = || parts.next().unwrap_or(0);
    (next(), next(), next())
}

#[test]
fn no_locked_dependency_needs_a_newer_rust_than_the_workspace_declares() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Every feature, so the native-tls stack counts too. This platform only: other
    // platforms' crates are never built here. Crates the build did not need are
    // fetched from the registry.
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--all-features",
        ])
        .args(["--filter-platform", &host_triple()])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let members: Vec<&str> = metadata["workspace_members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let packages = metadata["packages"].as_array().unwrap();
    let ours = packages
        .iter()
        .filter(|p| members.contains(&p["id"].as_str().unwrap_or_default()))
        .filter_map(|p| p["rust_version"].as_str())
        .min_by_key(|v| version(v))
        .expect("the workspace declares rust-version");

    let too_new: Vec<String> = packages
        .iter()
        .filter_map(|p| {
            Some((
                p["name"].as_str()?,
                p["version"].as_str()?,
                p["rust_version"].as_str()?,
            ))
        })
        .filter(|(_, _, needs)| version(needs) > version(ours))
        .map(|(name, v, needs)| format!("{name} {v} needs Rust {needs}"))
        .collect();
    assert!(
        too_new.is_empty(),
        "rust-version is {ours}, but: {too_new:?}; pin older versions with `cargo update -p <crate> --precise <version>` or raise rust-version"
    );
}

fn host_triple() -> String {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = Command::new(rustc).arg("-vV").output().expect("rustc runs");
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|line| line.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}

#[test]
fn versions_compare_by_number_not_by_text() {
    assert!(version("1.88") < version("1.100"));
    assert_eq!(version("1.88"), version("1.88.0"));
}
