//! The workspace `xtask` works on: where its files are, and running cargo in it.

use std::{
    env,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

use crate::codegen;

/// The workspace root and the files xtask reads and writes.
pub struct Workspace {
    pub root: PathBuf,
}

impl Workspace {
    /// The workspace around the current directory: the nearest ancestor with both a
    /// `Cargo.toml` and `xtask/Cargo.toml`. Found at run time, not compile time, so the
    /// same binary works on a copy of the workspace (as the `regen` test does).
    pub fn find() -> Result<Self, String> {
        let cwd =
            env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
        cwd.ancestors()
            .find(|dir| dir.join("Cargo.toml").is_file() && dir.join("xtask/Cargo.toml").is_file())
            .map(|root| Workspace {
                root: root.to_path_buf(),
            })
            .ok_or_else(|| format!("{} is not inside the heffl-sdk workspace", cwd.display()))
    }

    /// The spec (`openapi/heffl-contacts.json`); `build.rs` reads it through the
    /// symlink `heffl-sdk/heffl-contacts.json`.
    pub fn spec(&self) -> PathBuf {
        self.root.join("openapi/heffl-contacts.json")
    }

    /// The path `build.rs` reads the spec from, which must lead to [`spec`](Self::spec).
    pub fn sdk_spec_link(&self) -> PathBuf {
        self.root.join("heffl-sdk").join(codegen::SPEC_PATH)
    }

    /// The covered operations.
    pub fn operations(&self) -> PathBuf {
        self.root.join("openapi/sdk-operations.txt")
    }

    /// The upstream document the spec was last imported from.
    pub fn upstream(&self) -> PathBuf {
        self.root.join("openapi/upstream/heffl-api-v2.openapi.json")
    }

    /// Our additions to the upstream document.
    pub fn overlay(&self) -> PathBuf {
        self.root.join("openapi/overlay.yaml")
    }

    /// `path` relative to the root, for messages.
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }

    /// A `cargo` command run in the root: the cargo that runs us, if any.
    pub fn cargo(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        command.args(args).current_dir(&self.root);
        command
    }
}

/// Runs `command` with its output going to ours; true if it succeeded.
pub fn run_visible(mut command: Command) -> Result<bool, String> {
    let status = command
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    Ok(status.success())
}

/// Runs `command` capturing its output.
pub fn run_captured(mut command: Command) -> Result<Output, String> {
    command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))
}
