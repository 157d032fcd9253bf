//! What the xtask test binaries share: where the workspace is, and how to read a
//! command's output.

use std::{
    path::{Path, PathBuf},
    process::Output,
};

/// The workspace root (xtask's parent directory).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// A command's stdout then stderr, for assertions and failure messages.
pub fn text(output: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
