//! The commands as a maintainer runs them: the built `xtask` binary on the workspace's
//! files and on the fixtures in `tests/fixtures/`.

use std::{
    fs,
    path::{Path, PathBuf},
    process::{Command, Output},
};

use serde_json::Value;

mod common;
use common::{root, text};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// Runs `cargo xtask <args>` in the workspace root.
fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the xtask binary runs")
}

/// Imports `source` into a temporary file: the command's output and what it wrote.
fn import_to_temp(source: &Path) -> (Output, Option<Vec<u8>>) {
    let dir = tempfile::tempdir().unwrap();
    let written = dir.path().join("spec.json");
    let output = xtask(&[
        "import",
        source.to_str().unwrap(),
        "--output",
        written.to_str().unwrap(),
    ]);
    (output, fs::read(&written).ok())
}

fn checked_in_spec() -> Vec<u8> {
    fs::read(root().join("openapi/heffl-contacts.json")).unwrap()
}

/// (old, new, rule id, level, bump): the fixture pairs in `tests/fixtures/diff/`, each
/// differing in one thing. A `--` suffix names a second way the Rust API exposes a rule.
#[rustfmt::skip]
const DIFF_CASES: &[(&str, &str, &str, &str, &str)] = &[
    ("base", "api-removed-without-deprecation", "api-removed-without-deprecation", "error", "major"),
    ("base", "endpoint-added", "endpoint-added", "info", "minor"),
    ("base", "api-operation-id-updated", "api-operation-id-updated", "warning", "major"),
    ("base", "new-required-request-parameter", "new-required-request-parameter", "error", "major"),
    ("base", "new-optional-request-parameter", "new-optional-request-parameter", "info", "major"),
    ("base", "request-parameter-removed", "request-parameter-removed", "warning", "major"),
    ("base", "request-parameter-became-required", "request-parameter-became-required", "error", "major"),
    ("request-parameter-became-required", "base", "request-parameter-became-optional", "info", "major"),
    ("base", "request-parameter-type-changed", "request-parameter-type-changed", "error", "major"),
    ("base", "new-required-request-property", "new-required-request-property", "error", "major"),
    ("base", "new-optional-request-property", "new-optional-request-property", "info", "minor"),
    ("base", "new-optional-request-property--closed-struct", "new-optional-request-property", "info", "major"),
    ("base", "request-property-removed", "request-property-removed", "warning", "major"),
    ("base", "request-property-became-required", "request-property-became-required", "error", "major"),
    ("request-property-became-required", "base", "request-property-became-optional", "info", "patch"),
    ("base", "request-property-became-nullable", "request-property-became-nullable", "info", "minor"),
    ("base", "request-property-became-not-nullable", "request-property-became-not-nullable", "error", "major"),
    ("base", "request-property-type-changed", "request-property-type-changed", "error", "major"),
    ("base", "request-property-enum-value-removed", "request-property-enum-value-removed", "error", "major"),
    ("base", "request-property-enum-value-added", "request-property-enum-value-added", "info", "major"),
    ("base", "request-property-max-length-set", "request-property-max-length-set", "warning", "patch"),
    ("request-property-max-length-set", "base", "request-property-max-length-unset", "info", "patch"),
    ("request-property-max-length-set", "request-property-max-length-decreased", "request-property-max-length-decreased", "error", "patch"),
    ("request-property-max-length-decreased", "request-property-max-length-set", "request-property-max-length-increased", "info", "patch"),
    ("base", "request-property-min-length-increased", "request-property-min-length-increased", "error", "patch"),
    ("request-property-min-length-increased", "base", "request-property-min-length-decreased", "info", "patch"),
    ("base", "request-property-pattern-added", "request-property-pattern-added", "warning", "patch"),
    ("request-property-pattern-added", "base", "request-property-pattern-removed", "info", "patch"),
    ("request-property-pattern-added", "request-property-pattern-changed", "request-property-pattern-changed", "warning", "patch"),
    ("base", "request-property-max-length-set--closed-struct", "request-property-max-length-set", "warning", "major"),
    ("request-property-max-length-set--closed-struct", "base", "request-property-max-length-unset", "info", "major"),
    ("request-property-max-length-set--closed-struct", "request-property-max-length-decreased--same-field-type", "request-property-max-length-decreased", "error", "patch"),
    ("base", "request-property-min-length-set--closed-struct", "request-property-min-length-set", "info", "major"),
    ("request-property-min-length-set--closed-struct", "base", "request-property-min-length-unset", "info", "major"),
    ("base-with-address-lines", "request-property-max-length-set--items", "request-property-max-length-set", "warning", "major"),
    ("base", "response-required-property-removed", "response-required-property-removed", "error", "major"),
    ("base", "response-optional-property-removed", "response-optional-property-removed", "warning", "major"),
    ("base", "response-optional-property-added", "response-optional-property-added", "info", "minor"),
    ("base", "response-required-property-added", "response-required-property-added", "info", "minor"),
    ("base", "response-optional-property-added--closed-struct", "response-optional-property-added", "info", "major"),
    ("base", "response-property-became-optional", "response-property-became-optional", "error", "major"),
    ("base", "response-property-became-optional--same-field-type", "response-property-became-optional", "error", "patch"),
    ("response-property-became-optional", "base", "response-property-became-required", "info", "major"),
    ("base", "response-property-became-nullable", "response-property-became-nullable", "error", "major"),
    ("base", "response-property-became-nullable--same-field-type", "response-property-became-nullable", "error", "patch"),
    ("response-property-became-nullable", "base", "response-property-became-not-nullable", "info", "major"),
    ("response-property-became-nullable--same-field-type", "base", "response-property-became-not-nullable", "info", "patch"),
    ("base", "response-property-type-changed", "response-property-type-changed", "error", "major"),
    ("base", "response-property-type-changed--component", "response-property-type-changed", "error", "major"),
    ("base", "response-property-enum-value-added", "response-property-enum-value-added", "warning", "minor"),
    ("base", "response-property-enum-value-added--error-code", "response-property-enum-value-added", "warning", "minor"),
    ("base", "response-property-enum-value-removed", "response-property-enum-value-removed", "info", "minor"),
    ("base", "response-success-status-removed", "response-success-status-removed", "error", "major"),
    ("base", "response-non-success-status-added", "response-non-success-status-added", "info", "patch"),
    ("base", "response-non-success-status-removed", "response-non-success-status-removed", "info", "patch"),
];

/// (fixture and rule, the pointer the finding must name): the specs in
/// `tests/fixtures/lint/`, each breaking one rule of `lint/valid.json`.
#[rustfmt::skip]
const LINT_CASES: &[(&str, &str)] = &[
    ("operation-operationId", "/paths/~1contacts~1{id}/patch"),
    ("operation-operationId-unique", "/paths/~1contacts~1{id}/patch/operationId"),
    ("path-params", "/paths/~1contacts~1{id}/patch/parameters/0"),
    ("heffl-error-envelope", "/paths/~1contacts~1{id}/patch/responses/404"),
    ("heffl-rate-limit-headers", "/paths/~1contacts~1{id}/patch/responses/429"),
    ("heffl-nullable-request-property-says-null", "/components/schemas/UpdateContactRequest/properties/companyId"),
    ("heffl-no-additional-properties-true", "/components/schemas/UpdateContactRequest/additionalProperties"),
    ("heffl-no-response-string-constraints", "/components/schemas/Contact/properties/lastName/maxLength"),
    ("oas3-valid-media-example", "/paths/~1contacts~1{id}/patch/requestBody/content/application~1json/example/companyId"),
    ("oas3-valid-schema-example", "/components/schemas/Contact/properties/id/example"),
    ("progenitor-generate", "/"),
];

fn upstream_document() -> Value {
    let path = root().join("openapi/upstream/heffl-api-v2.openapi.json");
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

#[test]
fn import_of_the_upstream_document_reproduces_the_checked_in_spec() {
    let (output, written) = import_to_temp(Path::new("openapi/upstream/heffl-api-v2.openapi.json"));
    let log = text(&output);
    assert!(output.status.success(), "{log}");
    assert!(
        written == Some(checked_in_spec()),
        "openapi/heffl-contacts.json is no longer what `cargo xtask import` makes of the upstream \
         document plus openapi/overlay.yaml: put a hand edit into the overlay, then re-import"
    );
    // Each conversion is printed with its pointer.
    for line in [
        "/openapi: 3.1.0 → 3.0.3",
        "/components/schemas/Contact/properties/type/anyOf: anyOf with a null branch → nullable: true",
        "/components/schemas/UpdateContactRequest/properties/email/type: type: [\"string\",\"null\"] → type: string, nullable: true",
        "dropped 3 operation(s): PATCH /companies/{id}, GET /contacts, DELETE /contacts/{id}",
    ] {
        assert!(log.contains(line), "missing `{line}` in:\n{log}");
    }
}

#[test]
fn import_reads_yaml_as_well_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("upstream.yaml");
    fs::write(&yaml, yaml_serde::to_string(&upstream_document()).unwrap()).unwrap();
    let (output, written) = import_to_temp(&yaml);
    assert!(output.status.success(), "{}", text(&output));
    assert!(written == Some(checked_in_spec()));
}

#[test]
fn importing_the_spec_again_changes_nothing() {
    let (output, written) = import_to_temp(Path::new("openapi/heffl-contacts.json"));
    assert!(output.status.success(), "{}", text(&output));
    assert!(written == Some(checked_in_spec()));
}

#[test]
fn import_names_the_pointer_of_a_construct_it_cannot_convert() {
    let dir = tempfile::tempdir().unwrap();
    let mut upstream = upstream_document();
    upstream["components"]["schemas"]["Contact"]["properties"]["openingBalance"]["type"] =
        serde_json::json!(["number", "string"]);
    let path = dir.path().join("upstream.json");
    fs::write(&path, upstream.to_string()).unwrap();
    let (output, written) = import_to_temp(&path);
    assert!(!output.status.success());
    let expected = "/components/schemas/Contact/properties/openingBalance/type: type [\"number\",\"string\"] allows several types";
    assert!(text(&output).contains(expected), "{}", text(&output));
    assert_eq!(written, None, "nothing is written on error");
}

#[test]
fn validate_passes_on_the_checked_in_spec() {
    let output = xtask(&["validate"]);
    let log = text(&output);
    assert!(output.status.success(), "{log}");
    assert!(log.contains("progenitor: generated"), "{log}");
    assert!(log.contains("0 error(s), 0 warning(s)"), "{log}");
}

#[test]
fn validate_reports_each_lint_rule_with_its_pointer() {
    let valid = xtask(&["validate", fixture("lint/valid.json").to_str().unwrap()]);
    assert!(valid.status.success(), "{}", text(&valid));
    for &(rule, pointer) in LINT_CASES {
        let path = fixture(&format!("lint/{rule}.json"));
        let output = xtask(&["validate", path.to_str().unwrap()]);
        let log = text(&output);
        assert!(!output.status.success(), "{rule}: validate passed:\n{log}");
        let expected = format!("error: {pointer}: ");
        assert!(
            log.lines()
                .any(|l| l.starts_with(&expected) && l.ends_with(&format!("[{rule}]"))),
            "{rule}: no `{expected}… [{rule}]` in:\n{log}"
        );
    }
}

#[test]
fn diff_classifies_each_fixture_pair() {
    for &(old, new, id, level, bump) in DIFF_CASES {
        let old_path = fixture(&format!("diff/{old}.json"));
        let new_path = fixture(&format!("diff/{new}.json"));
        let output = xtask(&[
            "diff",
            old_path.to_str().unwrap(),
            new_path.to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert!(output.status.success(), "{old} → {new}: {}", text(&output));
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        let changes = report["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 1, "{old} → {new}: {changes:#?}");
        let change = &changes[0];
        assert_eq!(
            (
                change["id"].as_str(),
                change["level"].as_str(),
                change["bump"].as_str()
            ),
            (Some(id), Some(level), Some(bump)),
            "{old} → {new}"
        );
        assert_eq!(report["bump"], bump, "{old} → {new}: overall bump");
        assert!(
            change["pointer"].as_str().unwrap().starts_with('/'),
            "{change}"
        );
    }
}

#[test]
fn diff_of_a_spec_with_itself_finds_nothing_and_fail_on_gates() {
    let spec = "openapi/heffl-contacts.json";
    let output = xtask(&["diff", spec, spec]);
    assert!(output.status.success());
    assert!(text(&output).contains("no changes; no version bump"));

    let base = fixture("diff/base.json");
    let removed = fixture("diff/request-property-removed.json");
    let args = [
        "diff",
        base.to_str().unwrap(),
        removed.to_str().unwrap(),
        "--fail-on",
        "warning",
    ];
    let output = xtask(&args);
    assert!(
        !output.status.success(),
        "a warning fails --fail-on warning"
    );
    let log = text(&output);
    assert!(
        log.contains("warning major request-property-removed  PATCH /contacts/{id}"),
        "{log}"
    );
    assert!(
        log.contains("rust: its ContactPatch setter has to go"),
        "{log}"
    );
}

#[test]
fn diff_reads_an_upstream_3_1_document_against_the_spec() {
    let output = xtask(&[
        "diff",
        "openapi/heffl-contacts.json",
        "openapi/upstream/heffl-api-v2.openapi.json",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", text(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let ids: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    // Upstream documents no errors and names the operation its own way.
    assert!(ids.contains(&"api-operation-id-updated"), "{ids:?}");
    assert!(
        ids.contains(&"response-non-success-status-removed"),
        "{ids:?}"
    );
}

#[test]
fn every_command_has_help() {
    for command in ["import", "validate", "diff", "regen", "check", "bench"] {
        let output = xtask(&[command, "--help"]);
        let log = text(&output);
        assert!(output.status.success(), "{command}: {log}");
        assert!(
            log.contains(&format!("Usage: cargo xtask {command}")),
            "{command}: {log}"
        );
    }
    let output = xtask(&["--help"]);
    assert!(text(&output).contains("regen"), "{}", text(&output));
}
