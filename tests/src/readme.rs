//! The README's mock sample is a `#[tokio::test]`, which doctests skip. It runs as
//! `tests/tests/readme_mock_sample.rs`, and this keeps the README showing exactly
//! that file.

use std::{fs, path::Path};

fn workspace_file(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_readme_shows_the_mock_sample_that_runs() {
    let readme = workspace_file("README.md");
    let sample = workspace_file("tests/tests/readme_mock_sample.rs");
    let block = format!("```rust,ignore\n{sample}```\n");
    assert!(
        readme.contains(&block),
        "README.md's mock sample differs from tests/tests/readme_mock_sample.rs; \
         copy the file into the README's ```rust,ignore block"
    );
}
