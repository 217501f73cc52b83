//! npm's `package.json` read on its own, where no `package-lock.json`, `npm-shrinkwrap.json`,
//! `yarn.lock` or `pnpm-lock.yaml` beside it or in a workspace root above it covers it.
//!
//! Each entry of `dependencies`, `optionalDependencies` (optional), `peerDependencies` (npm
//! 7 and later install them) and `devDependencies` (dev) is a component with its range as
//! the requirement, located at its entry. A range that is one full version (`1.2.3`,
//! `=1.2.3`) is an exact pin and gives the version. npm's other specifiers say where the
//! package comes from instead: an alias `npm:name@range` is the aliased package; git
//! (`git+…`, `github:…`, `user/repo`) and `file:`/`link:` dependencies are components from
//! that source; `workspace:` dependencies are first-party; any other URL is noted, not
//! inventoried.

use super::js::{self, Manifest, Section};
use super::manifest::{self, Declared};
use crate::inventory::{Coverage, Format, Input, Note, ParseError, Parsed};
use crate::model::codes::NoteCode;
use crate::model::{Ecosystem, Kind};

pub struct PackageJson;

impl Format for PackageJson {
    fn name(&self) -> &'static str {
        "npm-package-json"
    }

    fn ecosystem(&self) -> Option<Ecosystem> {
        Some(Ecosystem::Npm)
    }

    fn matches(&self, file_name: &str) -> bool {
        file_name == "package.json"
    }

    fn covered_by(&self) -> Option<Coverage> {
        Some(Coverage {
            lockfiles: &[
                "package-lock.json",
                "npm-shrinkwrap.json",
                "yarn.lock",
                "pnpm-lock.yaml",
            ],
            from_above: true,
        })
    }

    fn parse(&self, input: &Input<'_>) -> Result<Parsed, ParseError> {
        let file = input.file.path;
        let package = Manifest::parse(input.file)?;
        let mut declared = Vec::new();
        let mut notes = Vec::new();
        for section in Section::ALL {
            for (name, spec) in package.section(section) {
                let line = package
                    .declared_at(section, name)
                    .map_or(1, |location| location.line);
                let kind = match section {
                    Section::DevDependencies => Kind::Dev,
                    _ => Kind::Runtime,
                };
                let optional = section == Section::OptionalDependencies;
                match dependency(file, name, spec, line) {
                    Ok(Some(dependency)) => {
                        declared.push(dependency.kind(kind).optional(optional));
                    }
                    Ok(None) => {}
                    Err(note) => notes.push(note),
                }
            }
        }
        let root = package.name().unwrap_or(super::UNNAMED_ROOT);
        Ok(Parsed {
            components: manifest::components(Ecosystem::Npm, file, root, declared),
            notes,
        })
    }
}

/// What one entry declares: a dependency, nothing (a workspace sibling), or a note.
fn dependency(file: &str, name: &str, spec: &str, line: u32) -> Result<Option<Declared>, Note> {
    let spec = spec.trim();
    if spec.starts_with("workspace:") {
        return Ok(None);
    }
    if let Some(aliased) = spec.strip_prefix("npm:") {
        let (target, range) = js::split_descriptor(aliased).unwrap_or((aliased, ""));
        return Ok(Some(registry_dependency(target, range, line)));
    }
    let is_url = spec.contains("://");
    let is_git = ["git+", "git:", "git@", "github:", "gitlab:", "bitbucket:"]
        .iter()
        .any(|prefix| spec.starts_with(prefix))
        || (is_url
            && spec
                .split('#')
                .next()
                .is_some_and(|url| url.ends_with(".git")));
    // `user/repo` is GitHub shorthand; a range never holds a slash.
    let is_github_shorthand =
        !spec.contains(':') && spec.contains('/') && !spec.starts_with(['.', '/', '~']);
    let is_path = ["file:", "link:"].iter().any(|p| spec.starts_with(p))
        || spec.starts_with(['.', '/'])
        || spec.starts_with("~/");
    if is_git || is_github_shorthand || is_path {
        let resolved = match spec.strip_prefix("link:") {
            Some(path) => format!("file:{path}"),
            None if is_github_shorthand => format!("github:{spec}"),
            None if is_path && !spec.starts_with("file:") => format!("file:{spec}"),
            None => spec.to_owned(),
        };
        let mut dependency = Declared::new(Ecosystem::Npm, name, spec, line);
        dependency.source = js::resolved_source(&resolved, name, file);
        return Ok(Some(dependency));
    }
    if is_url {
        return Err(Note::new(
            NoteCode::UnknownSource,
            Some(line),
            format!("`{name}` is fetched from `{spec}`, which depgov does not identify"),
        ));
    }
    Ok(Some(registry_dependency(name, spec, line)))
}

/// A dependency on `name` from the registry; a range that is one full version pins it.
fn registry_dependency(name: &str, range: &str, line: u32) -> Declared {
    let pinned = manifest::exact_version(range)
        .filter(|version| version.split('.').count() >= 3)
        .filter(|version| nodejs_semver::Version::parse(version).is_ok());
    Declared::new(Ecosystem::Npm, name, range, line).resolves_to(pinned)
}
