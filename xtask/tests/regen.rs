//! `regen` and `check` end to end, on a copy of the workspace: they write the spec and
//! run cargo, so they must not touch the real one.
//!
//! Everything lives under the real `target/`, in `regen-e2e/`: the copy
//! (`workspace/`, made afresh each run) and its own target directory (`target/`). This
//! test runs under `cargo test`, which holds the lock on the real target directory, so
//! the nested cargo must use another; keeping it, at a fixed path, lets later runs reuse
//! every dependency and replace (not pile up) the workspace's own artifacts.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Output},
};

use serde_json::{Value, json};

mod common;
use common::{root, text};

/// `target/regen-e2e`, in the target directory this test binary was built in.
fn e2e_dir() -> PathBuf {
    let binary = Path::new(env!("CARGO_BIN_EXE_xtask"));
    // target/<profile>/xtask → target
    let target = binary
        .parent()
        .and_then(Path::parent)
        .expect("the binary sits in target/<profile>/");
    target.join("regen-e2e")
}

/// Copies the workspace's sources (not `target/`, not `.git`, no pending snapshots),
/// symlinks as symlinks.
fn copy_workspace(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let (source, dest) = (entry.path(), to.join(&name));
        if name == "target"
            || name == ".git"
            || name.ends_with(".snap.new")
            || name.ends_with(".pending-snap")
        {
            continue;
        }
        let file_type = entry.file_type().unwrap();
        if file_type.is_symlink() {
            // heffl-sdk/heffl-contacts.json must stay a link to the copy's spec.
            std::os::unix::fs::symlink(fs::read_link(&source).unwrap(), &dest).unwrap();
        } else if file_type.is_dir() {
            fs::create_dir_all(&dest).unwrap();
            copy_workspace(&source, &dest);
        } else {
            fs::copy(&source, &dest).unwrap();
        }
    }
}

fn xtask_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", e2e_dir().join("target"))
        // The copy's sources are new on every run; incremental state would only pile up.
        .env("CARGO_INCREMENTAL", "0")
        // The copy is found from the current directory; make sure nothing points the
        // nested cargo back at the real workspace.
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .expect("the xtask binary runs")
}

/// Heffl's next release, as a realistic change: a new optional field, a field made
/// required (`type`, which the reference page lists among the required ones), an enum
/// value removed (this endpoint only ever returns contacts).
fn next_upstream_release(upstream: &mut Value) {
    let contact = &mut upstream["components"]["schemas"]["Contact"];
    contact["properties"]["nickname"] =
        json!({"type": ["string", "null"], "description": "Nickname"});
    contact["required"]
        .as_array_mut()
        .unwrap()
        .push(json!("type"));
    upstream["components"]["schemas"]["ContactType"]["enum"] = json!(["contact"]);
    // validate holds the example to the schema, so the release fixes it too.
    let example = "/paths/~1contacts~1{id}/patch/responses/200/content/application~1json/example";
    upstream.pointer_mut(example).unwrap()["type"] = json!("contact");
}

#[test]
fn regen_takes_an_upstream_release_to_a_summary_and_check_guards_the_result() {
    let copy = &e2e_dir().join("workspace");
    if copy.exists() {
        fs::remove_dir_all(copy).unwrap();
    }
    fs::create_dir_all(copy).unwrap();
    copy_workspace(&root(), copy);

    let upstream_path = copy.join("openapi/upstream/heffl-api-v2.openapi.json");
    let mut upstream: Value = serde_json::from_slice(&fs::read(&upstream_path).unwrap()).unwrap();
    next_upstream_release(&mut upstream);
    let release = copy.join("next-release.json");
    fs::write(&release, serde_json::to_string_pretty(&upstream).unwrap()).unwrap();

    let output = xtask_in(copy, &["regen", "next-release.json"]);
    let log = text(&output);
    for expected in [
        "== regen 6/6: test",
        "== regen summary",
        "info    minor response-optional-property-added — new optional response property `nickname`",
        // `type` is nullable, so its Rust field stays Option<ContactKind>.
        "info    patch response-property-became-required — response property `type` became required",
        "info    minor response-property-enum-value-removed — response property `type`: enum value \"company\" was removed",
        "suggested version bump: minor: heffl-sdk 0.1.0 → 0.1.1",
        "snapshots changed",
        "heffl_sdk_tests__generated_client__generated_client.snap.new",
    ] {
        assert!(log.contains(expected), "missing `{expected}` in:\n{log}");
    }
    // Whether the SDK's own tests pass on the new spec is theirs to say (a doc example
    // that decodes a contact without `type` rightly fails); regen's exit says which.
    if output.status.success() {
        assert!(log.contains("tests: passed"), "{log}");
    } else {
        assert!(log.contains("error: tests failed (see above)"), "{log}");
    }
    let spec = fs::read_to_string(copy.join("openapi/heffl-contacts.json")).unwrap();
    assert!(spec.contains("\"nickname\""), "the new spec is written");
    assert_eq!(
        fs::read(&upstream_path).unwrap(),
        fs::read(&release).unwrap(),
        "the upstream document is kept next to the spec it gave"
    );

    // The generated client changed, so its snapshot is stale: `check` says what to run.
    // A hand edit that is not normalized fails too.
    let doc: Value = serde_json::from_str(&spec).unwrap();
    let mut hand_edited = serde_json::to_vec(&doc).unwrap();
    hand_edited.push(b'\n');
    fs::write(copy.join("openapi/heffl-contacts.json"), hand_edited).unwrap();
    let output = xtask_in(copy, &["check"]);
    let log = text(&output);
    assert!(!output.status.success(), "check passed:\n{log}");
    assert!(
        log.contains("openapi/heffl-contacts.json is not normalized (first difference on line 1): run `cargo xtask import openapi/heffl-contacts.json`"),
        "{log}"
    );
    if !log.contains("SKIPPED") {
        assert!(
            log.contains(
                "run `INSTA_UPDATE=always cargo test -p heffl-sdk-tests --lib generated_client`"
            ),
            "{log}"
        );
    }
}
