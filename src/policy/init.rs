//! `depgov policy init`: a starter policy for a repository. It extends the embedded default
//! and lists, commented out and ready to edit, every license the repository's components
//! declare under the ring the default policy gives it, so that the OSPO starts from what is
//! actually in use.
//!
//! The starter is valid as written (everything but `version` and `extends` is a comment), and
//! uncommenting the license lists keeps every ring as the default gives it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::show::quote;
use super::{EMBEDDED_NAME, Policy};
use crate::error::Error;
use crate::model::license::{License, canonical_requirement};
use crate::model::{Component, Ring};
use crate::util::paths::{display_path, parent_dir};

/// How many component names a license's comment shows.
const NAMES_SHOWN: usize = 3;

/// The file `policy init` writes: the policy `check` would read (the first candidate that
/// exists); else the first candidate at the repository `root`, which is where `check` looks
/// last and so finds it from anywhere in the repository.
pub fn target(candidates: &[PathBuf], root: &Path) -> PathBuf {
    let at_root = |path: &&PathBuf| {
        std::fs::canonicalize(parent_dir(path)).is_ok_and(|dir| dir == root)
            && path.file_name().is_some_and(|name| name == "depgov.toml")
    };
    candidates
        .iter()
        .find(|path| path.is_file())
        .or_else(|| candidates.iter().find(at_root))
        .or(candidates.first())
        .cloned()
        .unwrap_or_else(|| root.join("depgov.toml"))
}

/// Fails with a usage error (exit 2) when `path` exists and `force` is not given; checked
/// before the repository is scanned.
pub fn refuse_overwrite(path: &Path, force: bool) -> Result<(), Error> {
    if force || !path.exists() {
        return Ok(());
    }
    Err(exists(path))
}

fn exists(path: &Path) -> Error {
    Error::Usage(format!(
        "{} already exists; depgov policy init leaves it alone (pass --force to replace it)",
        display_path(path)
    ))
}

/// Writes the starter for `components` to `path` and says what it wrote. Without `force` the
/// file is created only if it still does not exist.
pub fn write(
    path: &Path,
    force: bool,
    components: &[Component],
    default: &Policy,
) -> Result<String, Error> {
    refuse_overwrite(path, force)?;
    let shown = display_path(path);
    let failed = |source| Error::Write {
        path: shown.clone(),
        source,
    };
    let (text, licenses) = starter(components, default);
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .create_new(!force)
        .open(path)
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => exists(path),
            _ => failed(source),
        })?;
    file.write_all(text.as_bytes()).map_err(failed)?;
    Ok(format!(
        "wrote {shown}: extends {EMBEDDED_NAME} and lists {licenses} license{s} found in {n} component{cs}",
        s = plural(licenses),
        n = components.len(),
        cs = plural(components.len()),
    ))
}

/// What the components declare, and which of them declare it.
#[derive(Default)]
struct Found<'a> {
    /// By SPDX license requirement as the policy would list it.
    spdx: BTreeMap<String, (spdx::LicenseReq, Vec<&'a Component>)>,
    /// License text that is not an SPDX expression.
    unparsed: BTreeMap<&'a str, Vec<&'a Component>>,
    unknown: Vec<&'a Component>,
}

fn found(components: &[Component]) -> Found<'_> {
    let mut found = Found::default();
    for component in components {
        match &component.license {
            License::Spdx(expression) => {
                let reqs: BTreeMap<String, spdx::LicenseReq> = expression
                    .requirements()
                    .map(|r| {
                        let req = canonical_requirement(&r.req);
                        (req.to_string(), req)
                    })
                    .collect();
                for (name, req) in reqs {
                    found
                        .spdx
                        .entry(name)
                        .or_insert_with(|| (req, Vec::new()))
                        .1
                        .push(component);
                }
            }
            License::Unparsed(text) => found.unparsed.entry(text).or_default().push(component),
            License::Unknown => found.unknown.push(component),
        }
    }
    found
}

/// The starter policy's text and how many SPDX licenses it lists.
pub fn starter(components: &[Component], default: &Policy) -> (String, usize) {
    let found = found(components);
    let rings = &default.licenses;
    let mut by_ring: BTreeMap<Ring, Vec<(String, String)>> = BTreeMap::new();
    for (name, (req, users)) in &found.spdx {
        let (ring, note) = match rings.listed_ring(req) {
            Some(ring) => (ring, String::new()),
            None => (
                rings.unlisted,
                "not listed by the default (licenses.unlisted); ".to_owned(),
            ),
        };
        by_ring
            .entry(ring)
            .or_default()
            .push((quote(name), format!("{note}{}", who(users))));
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# The depgov policy of this repository, started by `depgov policy init`.\n\
         # It extends depgov's embedded default policy ({EMBEDDED_NAME}); what this file sets\n\
         # overrides it. Every key is explained in depgov's docs/policy.md; check the file with\n\
         # `depgov policy check`.\n\
         \n\
         version = 1\n\
         extends = [{}]\n\
         # name = \"Acme OSPO\"\n\
         # contact = \"ospo@acme.example\"\n\
         \n\
         # [defaults]\n\
         # ring = \"adopt\"                # the ring of components no entry lists\n\
         # scope = [\"runtime\", \"build\"]  # dev-only dependencies are listed, not judged\n\
         \n\
         [licenses]",
        quote(EMBEDDED_NAME)
    );
    if found.spdx.is_empty() {
        out.push_str("# No component in this repository declares an SPDX license.\n");
    } else {
        let _ = writeln!(
            out,
            "# Every license the {} component{} found here declare{}, under the ring {EMBEDDED_NAME}\n\
             # gives it. Uncomment a list to decide here: the licenses this file lists take its\n\
             # rings instead of the default's. A license may appear in one list only.",
            components.len(),
            plural(components.len()),
            if components.len() == 1 { "s" } else { "" },
        );
    }
    for (ring, licenses) in &by_ring {
        let width = licenses.iter().map(|(q, _)| q.len()).max().unwrap_or(0) + 1;
        let _ = writeln!(out, "# {ring} = [");
        for (quoted, comment) in licenses {
            let _ = writeln!(out, "#     {:width$} # {comment}", format!("{quoted},"));
        }
        out.push_str("# ]\n");
    }
    if !found.unparsed.is_empty() {
        let _ = writeln!(
            out,
            "#\n# License text that is not an SPDX expression takes licenses.unlisted ({}):",
            rings.unlisted
        );
    }
    for (text, users) in &found.unparsed {
        let _ = writeln!(out, "#   \"{}\": {}", text.escape_debug(), who(users));
    }
    if !found.unknown.is_empty() {
        let _ = writeln!(
            out,
            "#\n# Components that declare no license take licenses.unknown ({}):\n#   {}",
            rings.unknown,
            who(&found.unknown)
        );
    }
    let _ = writeln!(
        out,
        "#\n# unlisted = \"{}\"\n\
         # unknown = \"{}\"\n\
         \n\
         # One entry per decision about a component:\n\
         # [[components]]\n\
         # purl = \"pkg:npm/moment\"\n\
         # ring = \"hold\"\n\
         # reason = \"In maintenance mode\"\n\
         # use-instead = [\"pkg:npm/date-fns\"]\n\
         \n\
         # A time-limited, approved waiver:\n\
         # [[exceptions]]\n\
         # purl = \"pkg:npm/moment\"\n\
         # paths = [\"legacy/**\"]\n\
         # expires = 2027-03-31\n\
         # reason = \"Migration to date-fns planned for Q1\"\n\
         # approved-by = \"jdoe\"\n\
         # ticket = \"OSPO-142\"",
        rings.unlisted, rings.unknown
    );
    (out, found.spdx.len())
}

/// `3 components: a, b, c, …`, names escaped so that none can end the comment.
fn who(users: &[&Component]) -> String {
    let mut names: Vec<&str> = users.iter().map(|c| c.id.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let mut shown: Vec<String> = names
        .iter()
        .take(NAMES_SHOWN)
        .map(|name| name.escape_debug().to_string())
        .collect();
    if names.len() > NAMES_SHOWN {
        shown.push("…".to_owned());
    }
    format!(
        "{} component{}: {}",
        users.len(),
        plural(users.len()),
        shown.join(", ")
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
