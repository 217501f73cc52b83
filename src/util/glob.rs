//! Globs over repository-relative paths (`**/node_modules`, `services/*/package.json`), as
//! the policy's `[scan] exclude` and exceptions' `paths` write them.

use globset::{Glob, GlobSet, GlobSetBuilder};

/// One path glob; the error names it.
pub fn path_glob(text: &str) -> Result<Glob, String> {
    Glob::new(text).map_err(|e| format!("`{text}` is not a valid glob: {e}"))
}

/// A set of path globs; the error names the first bad one.
pub fn path_globs<'a>(globs: impl IntoIterator<Item = &'a str>) -> Result<GlobSet, String> {
    let mut builder = GlobSetBuilder::new();
    for text in globs {
        builder.add(path_glob(text)?);
    }
    builder.build().map_err(|e| e.to_string())
}
