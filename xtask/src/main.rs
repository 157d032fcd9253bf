//! `cargo xtask`: the maintainer loop that keeps the Heffl SDK in step with Heffl's API.
//!
//! A plain binary in the manner of matklad's xtask pattern: each subcommand is one
//! function below, readable top to bottom; what they share lives in a module named after
//! its one concept.

mod bench;
#[path = "../../heffl-sdk/codegen.rs"]
mod codegen;
mod coverage;
mod diff;
mod document;
mod downgrade;
mod example_check;
mod finding;
mod import;
mod lint;
mod overlay;
mod pointer;
mod walk;
mod workspace;

use std::{
    fs,
    path::{Path, PathBuf},
    process::ExitCode,
    time::SystemTime,
};

use clap::{Parser, Subcommand, ValueEnum};
use serde_json::{Value, json};

use crate::{
    finding::{Finding, Severity},
    import::Imported,
    workspace::{Workspace, run_captured, run_visible},
};

/// Maintainer tasks for the Heffl SDK: import Heffl's OpenAPI document, check it, see
/// what changed, and regenerate the client.
#[derive(Parser)]
#[command(name = "xtask", bin_name = "cargo xtask", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Import(ImportArgs),
    Validate(ValidateArgs),
    Diff(DiffArgs),
    Regen(RegenArgs),
    Check(CheckArgs),
    Bench(bench::BenchArgs),
}

/// Import an upstream OpenAPI document into the spec the SDK is generated from.
///
/// Reads JSON or YAML, OpenAPI 3.0.x or 3.1.x. Keeps the operations listed in
/// openapi/sdk-operations.txt and every component they reach; converts 3.1 to 3.0.3
/// (printing each conversion with its JSON pointer; a construct that cannot be converted
/// is an error naming its pointer); applies our additions from openapi/overlay.yaml;
/// writes the result in normalized form. Importing the written spec again changes
/// nothing, so `cargo xtask import openapi/heffl-contacts.json` normalizes a hand edit.
#[derive(clap::Args)]
struct ImportArgs {
    /// The upstream document (JSON or YAML).
    file: PathBuf,
    /// Where to write the spec [default: openapi/heffl-contacts.json].
    #[arg(long, short)]
    output: Option<PathBuf>,
}

/// Check a spec: openapiv3 parses it, progenitor generates a client from it, and it
/// follows our lint rules.
///
/// Each finding is printed as `severity: pointer: message [rule]`. Rules: unique
/// operationId on every operation; path parameters declared and used; every non-2xx
/// response uses the error envelope; 429 declares the RateLimit-* headers (a warning for
/// 2xx); every nullable request property says what null does; no
/// `additionalProperties: true`; every example matches its schema. Fails on errors,
/// prints warnings.
#[derive(clap::Args)]
struct ValidateArgs {
    /// The spec to check [default: openapi/heffl-contacts.json].
    file: Option<PathBuf>,
}

/// Show what changed between two specs, and the crate version bump it calls for.
///
/// Each change has an oasdiff rule id and level (error, warning, info) and the bump it
/// calls for given how the SDK's Rust types expose that part of the spec (a new field
/// on the non_exhaustive Contact is minor; a required response field that becomes
/// optional changes a Rust field type and is major). 3.1 documents are converted to 3.0
/// first.
#[derive(clap::Args)]
struct DiffArgs {
    /// The spec before.
    old: PathBuf,
    /// The spec after.
    new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with 1 when a change at this level or above is found.
    #[arg(long, value_enum)]
    fail_on: Option<Severity>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Regenerate the SDK from a new upstream document.
///
/// Runs import, validate, and diff against the current spec in memory; only if the new
/// spec validates, writes it and keeps the upstream document as
/// openapi/upstream/heffl-api-v2.openapi.json (so the spec stays what import makes of
/// it); then builds heffl-sdk and runs the workspace tests (without xtask's own), with
/// new insta snapshots written as .snap.new for review. Ends with a
/// summary: what changed, the suggested version bump, and the snapshots that changed
/// (`cargo insta review` to accept them).
#[derive(clap::Args)]
struct RegenArgs {
    /// The upstream document (JSON or YAML, 3.0 or 3.1).
    upstream: PathBuf,
    /// Build, but do not run the tests.
    #[arg(long)]
    skip_tests: bool,
}

/// The CI gate: the checked-in spec is normalized, validates, and the generated client
/// matches its snapshot.
///
/// The snapshot step runs `cargo test -p heffl-sdk-tests --lib generated_client` with
/// INSTA_UPDATE=no. Each failure says what to run.
#[derive(clap::Args)]
struct CheckArgs {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Import(args) => Workspace::find().and_then(|ws| import(&ws, args)),
        Command::Validate(args) => validate(args),
        Command::Diff(args) => diff(args),
        Command::Regen(args) => Workspace::find().and_then(|ws| regen(&ws, args)),
        Command::Check(_) => Workspace::find().and_then(|ws| check(&ws)),
        Command::Bench(args) => Workspace::find().and_then(|ws| bench::run(&ws, args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn import(ws: &Workspace, args: ImportArgs) -> Result<(), String> {
    let upstream = document::load(&args.file)?;
    let imported = import_document(ws, &upstream, &args.file)?;
    let output = args.output.unwrap_or_else(|| ws.spec());
    let before = fs::read_to_string(&output).ok();
    if before.as_deref() == Some(imported.text.as_str()) {
        println!("{} is up to date", ws.display(&output));
        return Ok(());
    }
    fs::write(&output, &imported.text)
        .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    println!("wrote {}", ws.display(&output));
    println!("next: cargo xtask validate, then cargo xtask diff against the last commit's spec");
    Ok(())
}

fn validate(args: ValidateArgs) -> Result<(), String> {
    let path = match args.file {
        Some(file) => file,
        None => Workspace::find()?.spec(),
    };
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc = document::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    println!(
        "validate {} (info.version {}, sha256 {})",
        path.display(),
        doc.pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or("?"),
        codegen::spec_sha256(text.as_bytes()),
    );
    let findings = validate_document(&doc);
    report_findings(&findings)
}

fn diff(args: DiffArgs) -> Result<(), String> {
    let old = load_as_3_0(&args.old)?;
    let new = load_as_3_0(&args.new)?;
    let changes = diff::diff(&old, &new);
    let bump = diff::overall_bump(&changes);
    match args.format {
        Format::Json => {
            let report = json!({
                "old": args.old.display().to_string(),
                "new": args.new.display().to_string(),
                "bump": bump,
                "changes": changes,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("a Value serializes")
            );
        }
        Format::Text => {
            println!("diff {} → {}", args.old.display(), args.new.display());
            print_changes(&changes);
        }
    }
    match args.fail_on {
        Some(level) if changes.iter().any(|c| c.level >= level) => {
            Err(format!("changes at level {level} or above"))
        }
        _ => Ok(()),
    }
}

fn regen(ws: &Workspace, args: RegenArgs) -> Result<(), String> {
    let started = SystemTime::now();
    let spec_path = ws.spec();

    println!("== regen 1/6: import {}", args.upstream.display());
    let source = &args.upstream;
    let upstream_text =
        fs::read_to_string(source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
    let upstream =
        document::parse(&upstream_text).map_err(|e| format!("{}: {e}", source.display()))?;
    let imported = import_document(ws, &upstream, source)?;

    println!("\n== regen 2/6: validate");
    let findings = validate_document(&imported.spec);
    report_findings(&findings).map_err(|e| format!("{e}; nothing was written"))?;

    println!("\n== regen 3/6: diff against {}", ws.display(&spec_path));
    let current = document::load(&spec_path)?;
    let changes = diff::diff(&current, &imported.spec);
    print_changes(&changes);

    // The upstream document is kept next to the spec, so that the spec stays what
    // `import` makes of it (a test holds them to that). JSON is kept as it came.
    let upstream_copy = ws.upstream();
    println!(
        "\n== regen 4/6: write {} and {}",
        ws.display(&spec_path),
        ws.display(&upstream_copy)
    );
    let upstream_json = if upstream_text.trim_start().starts_with('{') {
        upstream_text
    } else {
        serde_json::to_string_pretty(&upstream).expect("a Value serializes") + "\n"
    };
    fs::write(&upstream_copy, upstream_json)
        .map_err(|e| format!("cannot write {}: {e}", upstream_copy.display()))?;
    if fs::read_to_string(&spec_path).ok().as_deref() == Some(imported.text.as_str()) {
        println!("\nThe spec is unchanged: nothing to rebuild.");
        return Ok(());
    }
    fs::write(&spec_path, &imported.text)
        .map_err(|e| format!("cannot write {}: {e}", spec_path.display()))?;

    println!("\n== regen 5/6: build (cargo build -p heffl-sdk)");
    let built = run_visible(ws.cargo(&["build", "-p", "heffl-sdk"]))?;

    let tested = if !built {
        None
    } else if args.skip_tests {
        println!("\n== regen 6/6: tests skipped (--skip-tests)");
        None
    } else {
        println!("\n== regen 6/6: test (cargo test --workspace --exclude xtask)");
        // xtask's own tests test this tool, not the SDK (and one of them runs regen).
        // FORCE_PASS lets a changed snapshot be written for review without failing.
        let mut test = ws.cargo(&["test", "--workspace", "--exclude", "xtask"]);
        test.env("INSTA_UPDATE", "new").env("INSTA_FORCE_PASS", "1");
        Some(run_visible(test)?)
    };
    let snapshots = pending_snapshots(&ws.root, started);

    println!("\n== regen summary");
    println!(
        "spec: {} ({} conversions, {} overlay actions)",
        ws.display(&spec_path),
        imported.conversions.len(),
        imported.overlay.len()
    );
    println!("changes: {}", changes.len());
    for change in &changes {
        println!(
            "  {:<7} {:<5} {} — {}",
            change.level, change.bump, change.id, change.message
        );
    }
    println!(
        "suggested version bump: {}",
        suggested_version(ws, diff::overall_bump(&changes))
    );
    if snapshots.is_empty() {
        println!("snapshots changed: none");
    } else {
        println!(
            "snapshots changed ({}): review them with `cargo insta review`",
            snapshots.len()
        );
        for snapshot in &snapshots {
            println!("  {}", ws.display(snapshot));
        }
    }
    if !built {
        return Err(format!(
            "heffl-sdk does not build against the new spec (see above): the hand-written layer needs updating; `git checkout {}` reverts the spec",
            ws.display(&spec_path)
        ));
    }
    match tested {
        None => println!("tests: skipped"),
        Some(true) => println!("tests: passed"),
        Some(false) => {
            return Err(
                "tests failed (see above); a changed snapshot alone does not fail them".into(),
            );
        }
    }
    Ok(())
}

fn check(ws: &Workspace) -> Result<(), String> {
    let spec_path = ws.spec();
    let spec_name = ws.display(&spec_path);
    let mut failures = Vec::new();

    println!("== check 1/3: {spec_name} is normalized");
    let text =
        fs::read_to_string(&spec_path).map_err(|e| format!("cannot read {spec_name}: {e}"))?;
    let doc = document::parse(&text).map_err(|e| format!("{spec_name}: {e}"))?;
    match first_difference(&text, &document::normalized(&doc)) {
        None => println!("ok"),
        Some(line) => failures.push(format!(
            "{spec_name} is not normalized (first difference on line {line}): run `cargo xtask import {spec_name}`, review the diff and commit it"
        )),
    }
    // A copy in place of the link would build the SDK from a spec xtask never writes.
    let link = ws.sdk_spec_link();
    if fs::canonicalize(&link).ok() != fs::canonicalize(&spec_path).ok() {
        failures.push(format!(
            "{} is not a link to {spec_name}: build.rs reads it, so the SDK would be built from another spec; run `ln -sf ../{spec_name} {}`",
            ws.display(&link),
            ws.display(&link),
        ));
    }

    println!("\n== check 2/3: cargo xtask validate");
    let findings = validate_document(&doc);
    if report_findings(&findings).is_err() {
        failures.push(format!("{spec_name} does not validate: fix the errors above (`cargo xtask validate` shows them)"));
    }

    println!("\n== check 3/3: the generated client matches its snapshot");
    let filter = ["test", "-p", "heffl-sdk-tests", "--lib", "generated_client"];
    // Listing first tells "no such test yet" apart from "the test passed".
    println!("(building the tests crate to list its snapshot test)");
    let listing = run_captured(ws.cargo(&[&filter[..], &["--", "--list"]].concat()))?;
    let listed = String::from_utf8_lossy(&listing.stdout);
    let tests = listed.lines().filter(|l| l.ends_with(": test")).count();
    if !listing.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&listing.stderr));
        failures.push("the tests crate does not build (see above)".into());
    } else if tests == 0 {
        println!(
            "SKIPPED: heffl-sdk-tests has no test matching `generated_client` yet, so the generated code is NOT compared with a snapshot"
        );
    } else {
        let mut test = ws.cargo(&filter);
        test.env("INSTA_UPDATE", "no").env("CI", "true");
        if run_visible(test)? {
            println!("ok");
        } else {
            failures.push(
                "the generated client differs from its snapshot: run `INSTA_UPDATE=always cargo test -p heffl-sdk-tests --lib generated_client` (or `cargo insta review` if installed) and review the snapshot diff".into(),
            );
        }
    }

    if failures.is_empty() {
        println!("\ncheck passed");
        return Ok(());
    }
    println!();
    for failure in &failures {
        eprintln!("check failed: {failure}");
    }
    Err(format!("{} of 3 checks failed", failures.len()))
}

/// Runs the import pipeline with the workspace's config, printing what it did.
fn import_document(ws: &Workspace, upstream: &Value, source: &Path) -> Result<Imported, String> {
    let operations_path = ws.operations();
    let operations_text = fs::read_to_string(&operations_path)
        .map_err(|e| format!("cannot read {}: {e}", operations_path.display()))?;
    let covered = coverage::parse(&operations_text, &ws.display(&operations_path))?;
    let overlay_path = ws.overlay();
    let overlay_text = fs::read_to_string(&overlay_path)
        .map_err(|e| format!("cannot read {}: {e}", overlay_path.display()))?;
    let additions = overlay::parse(&overlay_text, &ws.display(&overlay_path))?;

    let imported = import::run(upstream, &covered, &additions).map_err(|errors| {
        format!(
            "cannot import {}:\n  {}",
            source.display(),
            errors.join("\n  ")
        )
    })?;

    println!(
        "import {} (OpenAPI {})",
        source.display(),
        imported.upstream_version
    );
    let selection = &imported.selection;
    println!(
        "kept {} operation(s) listed in {}:",
        selection.kept.len(),
        ws.display(&operations_path)
    );
    for op in &selection.kept {
        println!("  {op} as {}", op.operation_id);
    }
    for (at, upstream_id) in &selection.renamed {
        println!("  {at}: set (upstream: {upstream_id})");
    }
    if !selection.dropped_operations.is_empty() {
        println!(
            "dropped {} operation(s): {}",
            selection.dropped_operations.len(),
            selection.dropped_operations.join(", ")
        );
    }
    if !selection.dropped_components.is_empty() {
        println!(
            "dropped {} unreached component(s): {}",
            selection.dropped_components.len(),
            selection.dropped_components.join(", ")
        );
    }
    if !imported.conversions.is_empty() {
        println!(
            "converted to OpenAPI {} ({} changes):",
            downgrade::TARGET_VERSION,
            imported.conversions.len()
        );
        for conversion in &imported.conversions {
            println!("  {conversion}");
        }
    }
    println!(
        "applied {} ({} actions):",
        ws.display(&overlay_path),
        imported.overlay.len()
    );
    for action in &imported.overlay {
        let what = action.description.as_deref().unwrap_or("");
        let first_line = what.lines().next().unwrap_or_default();
        println!(
            "  {} ({} node(s)) {first_line}",
            action.target,
            action.nodes.len()
        );
    }
    Ok(imported)
}

/// openapiv3 parse, progenitor in memory, then the lint rules.
fn validate_document(doc: &Value) -> Vec<Finding> {
    let spec = match document::parse_openapi(doc) {
        Ok(spec) => spec,
        Err(e) => return vec![Finding::error("openapiv3-parse", e.pointer, e.message)],
    };
    let mut findings = Vec::new();
    match generate_quietly(&spec) {
        Ok(code) => println!(
            "progenitor: generated {} lines of client code",
            code.lines().count()
        ),
        Err(e) => findings.push(Finding::error(
            "progenitor-generate",
            pointer::Pointer::root(),
            e,
        )),
    }
    findings.extend(lint::lint(doc));
    findings
}

/// Runs progenitor as `build.rs` does. progenitor asserts some of what it cannot
/// handle (error responses with different schemas) instead of returning an error; that
/// panic becomes a finding too, without its backtrace noise.
fn generate_quietly(spec: &openapiv3::OpenAPI) -> Result<String, String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(|| codegen::generate(spec));
    std::panic::set_hook(hook);
    result.unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("(no message)");
        Err(format!("progenitor panicked: {why}"))
    })
}

/// Prints findings, errors last so they stay in view; fails when there is an error.
fn report_findings(findings: &[Finding]) -> Result<(), String> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| f.severity);
    for finding in &sorted {
        println!("{finding}");
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    println!("{errors} error(s), {warnings} warning(s)");
    if errors > 0 {
        Err(format!("{errors} validation error(s)"))
    } else {
        Ok(())
    }
}

fn print_changes(changes: &[diff::Change]) {
    for change in changes {
        println!(
            "{:<7} {:<5} {}  {}",
            change.level, change.bump, change.id, change.operation
        );
        println!("        {}", change.message);
        println!("        at {}", change.pointer);
        println!("        rust: {}", change.rust);
    }
    match diff::overall_bump(changes) {
        Some(bump) => println!("{} change(s); suggested crate bump: {bump}", changes.len()),
        None => println!("no changes; no version bump"),
    }
}

/// Loads a spec for `diff`, converting a 3.1 document to 3.0 in memory.
fn load_as_3_0(path: &Path) -> Result<Value, String> {
    let mut doc = document::load(path)?;
    downgrade::to_3_0(&mut doc).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        format!(
            "{}: cannot convert to 3.0:\n  {}",
            path.display(),
            lines.join("\n  ")
        )
    })?;
    document::parse_openapi(&doc).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(doc)
}

/// The 1-based line where two texts first differ.
fn first_difference(a: &str, b: &str) -> Option<usize> {
    if a == b {
        return None;
    }
    let mut lines = a.lines().zip(b.lines()).enumerate();
    let same = lines.find(|(_, (x, y))| x != y).map(|(i, _)| i);
    Some(same.unwrap_or_else(|| a.lines().count().min(b.lines().count())) + 1)
}

/// The `.snap.new` / `.pending-snap` files insta wrote since `since`.
fn pending_snapshots(root: &Path, since: SystemTime) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    dirs.push(path);
                }
            } else if (name.ends_with(".snap.new") || name.ends_with(".pending-snap"))
                && entry
                    .metadata()
                    .and_then(|m| m.modified())
                    .is_ok_and(|t| t >= since)
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The bump, with the version it leads to from heffl-sdk's current one.
fn suggested_version(ws: &Workspace, bump: Option<diff::Bump>) -> String {
    let Some(bump) = bump else {
        return "none".into();
    };
    let current = run_captured(ws.cargo(&["metadata", "--no-deps", "--format-version", "1"]))
        .ok()
        .and_then(|out| serde_json::from_slice::<Value>(&out.stdout).ok())
        .and_then(|meta| {
            meta["packages"]
                .as_array()?
                .iter()
                .find(|p| p["name"] == "heffl-sdk")?["version"]
                .as_str()
                .map(str::to_string)
        });
    let Some(current) = current else {
        return bump.to_string();
    };
    match next_version(&current, bump) {
        Some(next) => format!("{bump}: heffl-sdk {current} → {next}"),
        None => format!("{bump} (heffl-sdk is {current})"),
    }
}

/// The version `bump` leads to from `current` (`major.minor.patch`), as Cargo reads it:
/// below 1.0 everything moves one place to the right, so 0.1 → 0.2 is the breaking step.
fn next_version(current: &str, bump: diff::Bump) -> Option<String> {
    let parts: Vec<u64> = current
        .split(['.', '-', '+'])
        .take(3)
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [major, minor, patch] = parts[..] else {
        return None;
    };
    Some(match (bump, major) {
        (diff::Bump::Major, 0) => format!("0.{}.0", minor + 1),
        (diff::Bump::Major, _) => format!("{}.0.0", major + 1),
        (diff::Bump::Minor, 0) | (diff::Bump::Patch, _) => format!("{major}.{minor}.{}", patch + 1),
        (diff::Bump::Minor, _) => format!("{major}.{}.0", minor + 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_suggested_version_follows_cargo_semver_below_and_above_1_0() {
        use diff::Bump::{Major, Minor, Patch};
        assert_eq!(next_version("0.1.3", Major).as_deref(), Some("0.2.0"));
        assert_eq!(next_version("0.1.3", Minor).as_deref(), Some("0.1.4"));
        assert_eq!(next_version("0.1.3", Patch).as_deref(), Some("0.1.4"));
        assert_eq!(next_version("1.4.2", Major).as_deref(), Some("2.0.0"));
        assert_eq!(next_version("1.4.2", Minor).as_deref(), Some("1.5.0"));
        assert_eq!(next_version("1.4.2", Patch).as_deref(), Some("1.4.3"));
        assert_eq!(next_version("1.x", Patch), None);
    }

    #[test]
    fn first_difference_names_the_line() {
        assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
        assert_eq!(first_difference("a\nb\n", "a\nc\n"), Some(2));
        assert_eq!(first_difference("a\n", "a\nb\n"), Some(2));
    }

    #[test]
    fn the_checked_in_spec_validates_and_reimports_unchanged() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let ws = Workspace {
            root: root.to_path_buf(),
        };
        let text = fs::read_to_string(ws.spec()).unwrap();
        let doc = document::parse(&text).unwrap();
        let findings = validate_document(&doc);
        assert!(
            findings.iter().all(|f| f.severity != Severity::Error),
            "{findings:#?}"
        );
        let imported = import_document(&ws, &doc, &ws.spec()).unwrap();
        assert_eq!(imported.text, text);
    }
}
