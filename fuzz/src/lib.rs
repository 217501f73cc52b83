//! What every fuzz target does, in one place: hand arbitrary bytes to one of depgov's input
//! parsers exactly as `depgov` would, and let libFuzzer report any panic, abort, hang or
//! runaway allocation. Errors are the expected outcome for most inputs and are ignored;
//! error messages are rendered too, since a diagnostic pointing into the text can panic on
//! its own.

use depgov::inventory::formats;
use depgov::inventory::{Document, Input};
use depgov::policy::{self, PolicyOrigin};

/// Feeds `data` to the format called `name` as the file at `path` (repository-relative).
///
/// The input is the lockfile, optionally followed by a NUL byte and the text of the manifest
/// beside it (package.json, pyproject.toml, go.sum, …), so that manifest readers are fuzzed
/// too. Bytes that are not UTF-8 are skipped: depgov refuses such files before any parser sees
/// them.
pub fn lockfile(name: &str, path: &str, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let format = formats::all()
        .iter()
        .find(|format| format.name() == name)
        .unwrap_or_else(|| panic!("no format is called {name}"));
    let (file, manifest) = match text.split_once('\0') {
        Some((file, manifest)) => (file, Some(manifest)),
        None => (text, None),
    };
    let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let manifest_path = format
        .manifest_name()
        .map(|m| format!("{dir}/{m}"))
        .unwrap_or_default();
    let input = Input {
        file: Document { path, text: file },
        manifest: manifest.map(|text| Document {
            path: &manifest_path,
            text,
        }),
        members: &[],
        context: &[],
    };
    let _ = format.sniff(file);
    let _ = format.parse(&input);
}

/// Feeds `data` to the policy loader as `depgov.toml`, rendering the diagnostics on failure.
pub fn policy(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let origin = PolicyOrigin::File("depgov.toml".to_owned());
    if let Err(error) = policy::parse("depgov.toml", text, origin) {
        let _ = error.render();
    }
}

/// Cargo.lock licenses are looked up in `$CARGO_HOME/registry/src`; fuzzing must not depend
/// on (or spend its time in) this machine's registry cache.
pub fn without_cargo_home() {
    // SAFETY: called once, at start-up, before libFuzzer runs any input on this thread or
    // any other.
    unsafe { std::env::set_var("CARGO_HOME", "/nonexistent/depgov-fuzz-cargo-home") };
}
