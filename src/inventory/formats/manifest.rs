//! What every manifest reader shares. A manifest that no lockfile covers is read on its own:
//! it gives the direct dependencies it declares, each with its version requirement as written
//! ([`ComponentId::requirement`]) and located at its declaring line. Nothing installed is
//! known, so a component's version is the one the requirement resolves to only where the
//! ecosystem's rules decide it from the manifest alone (an exact pin, Maven's soft
//! requirement, NuGet's lowest applicable version); otherwise it is empty.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use crate::inventory::Document;

use crate::model::license::License;
use crate::model::registry;
use crate::model::{Component, ComponentId, Ecosystem, Kind, Location, Source};

/// One dependency a manifest declares.
#[derive(Clone, Debug)]
pub struct Declared {
    pub name: String,
    /// As written; empty when the manifest gives none (any version).
    pub requirement: String,
    /// The one version the requirement resolves to, when the manifest alone decides it.
    pub version: Option<String>,
    pub kind: Kind,
    pub optional: bool,
    /// 1-based line of the declaration.
    pub line: u32,
    pub source: Source,
    /// What the declaration excludes from its transitive dependencies (Maven's
    /// `<exclusions>`, `groupId:artifactId`).
    pub excluded: Vec<String>,
}

impl Declared {
    /// A runtime dependency from the ecosystem's public registry.
    pub fn new(ecosystem: Ecosystem, name: &str, requirement: &str, line: u32) -> Self {
        Declared {
            name: name.to_owned(),
            requirement: requirement.trim().to_owned(),
            version: None,
            kind: Kind::Runtime,
            optional: false,
            line,
            source: Source::Registry {
                url: registry::default_url(ecosystem).to_owned(),
            },
            excluded: Vec::new(),
        }
    }

    pub fn excluding(mut self, excluded: Vec<String>) -> Self {
        self.excluded = excluded;
        self
    }

    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    pub fn optional(mut self, optional: bool) -> Self {
        self.optional = optional;
        self
    }

    /// Sets the resolved version: `version` when the requirement names exactly one.
    pub fn resolves_to(mut self, version: Option<String>) -> Self {
        self.version = version.filter(|v| !v.is_empty());
        self
    }
}

/// The components of a manifest: one per package, requirement and source, its kinds the union
/// of the sections declaring it and located at its first declaration; `root` names the
/// first-party project in paths.
pub fn components(
    ecosystem: Ecosystem,
    file: &str,
    root: &str,
    declared: Vec<Declared>,
) -> Vec<Component> {
    // Which component each declaration goes into: the first with its name, requirement and
    // source. Found with keys borrowed from the declarations, before they are moved.
    let into: Vec<usize> = {
        let mut first: HashMap<(&str, &str, &Source), usize> =
            HashMap::with_capacity(declared.len());
        declared
            .iter()
            .map(|dependency| {
                let key = (
                    dependency.name.as_str(),
                    dependency.requirement.as_str(),
                    &dependency.source,
                );
                let next = first.len();
                *first.entry(key).or_insert(next)
            })
            .collect()
    };
    let mut merged: Vec<Component> = Vec::with_capacity(declared.len());
    for (dependency, into) in declared.into_iter().zip(into) {
        if let Some(into) = merged.get_mut(into) {
            into.kinds.insert(dependency.kind);
            into.optional &= dependency.optional;
            continue;
        }
        let id = ComponentId::required(
            ecosystem,
            &dependency.name,
            dependency.version.as_deref(),
            &dependency.requirement,
        );
        merged.push(Component {
            id: id.into(),
            license: License::Unknown,
            source: dependency.source,
            kinds: BTreeSet::from([dependency.kind]),
            optional: dependency.optional,
            direct: true,
            path: [root.to_owned(), dependency.name].into(),
            location: Some(Location {
                file: file.into(),
                line: dependency.line,
            }),
            dependents: vec![root.to_owned()],
            excluded: dependency.excluded,
            facts: Default::default(),
        });
    }
    merged
}

/// A context file parsed once for every input that reads it: the projects of a .NET solution
/// share one `Directory.Packages.props`, the modules of a Maven reactor one parent POM, and
/// parsing it once rather than once per input keeps thousands of inputs fast. Entries are
/// keyed by path and checked against the text, so a different text (another tree, the base of
/// a change) is parsed anew.
pub struct ParsedOnce<T> {
    parsed: Mutex<Option<ByPath<T>>>,
}

/// What was parsed, by path: the text it was parsed from, and the result.
type ByPath<T> = HashMap<String, (String, Arc<T>)>;

impl<T> Default for ParsedOnce<T> {
    fn default() -> Self {
        ParsedOnce::new()
    }
}

impl<T> ParsedOnce<T> {
    pub const fn new() -> Self {
        ParsedOnce {
            parsed: Mutex::new(None),
        }
    }

    /// `parse` of the document, or what it gave for the same path and text before.
    pub fn get<E>(
        &self,
        document: &Document<'_>,
        parse: impl FnOnce(&Document<'_>) -> Result<T, E>,
    ) -> Result<Arc<T>, E> {
        let known = self.lock().as_ref().and_then(|parsed| {
            parsed
                .get(document.path)
                .filter(|(text, _)| text == document.text)
                .map(|(_, value)| Arc::clone(value))
        });
        if let Some(value) = known {
            return Ok(value);
        }
        let value = Arc::new(parse(document)?);
        self.lock().get_or_insert_with(HashMap::new).insert(
            document.path.to_owned(),
            (document.text.to_owned(), Arc::clone(&value)),
        );
        Ok(value)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<ByPath<T>>> {
        // A panic while holding the lock leaves entries that are still valid.
        self.parsed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Rejects a line of a text manifest (Gemfile, build script) that holds a control character:
/// such a file is not the source text it claims to be.
pub fn check_text(line: &str, number: u32) -> Result<(), crate::inventory::ParseError> {
    match line
        .chars()
        .find(|c| c.is_control() && *c != '\t' && *c != '\r')
    {
        Some(c) => Err(crate::inventory::ParseError::at(
            number,
            format!(
                "control character U+{:04X} in what should be source text",
                u32::from(c)
            ),
        )),
        None => Ok(()),
    }
}

/// The single version a requirement written as a bare version names (`1.2.3`, `=1.2.3`,
/// `==1.2.3`), for ecosystems where such a requirement is an exact pin.
pub fn exact_version(requirement: &str) -> Option<String> {
    let bare = requirement
        .trim()
        .trim_start_matches("==")
        .trim_start_matches('=')
        .trim_start_matches('v')
        .trim();
    let is_version = !bare.is_empty()
        && bare.starts_with(|c: char| c.is_ascii_digit())
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
        && !bare.split('.').any(|part| part.eq_ignore_ascii_case("x"));
    is_version.then(|| bare.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bare_versions_are_exact() {
        assert_eq!(exact_version("1.2.3").as_deref(), Some("1.2.3"));
        assert_eq!(exact_version("==2.0").as_deref(), Some("2.0"));
        assert_eq!(exact_version("= 1.0.0-rc.1").as_deref(), Some("1.0.0-rc.1"));
        for range in [
            "^1.2", "~1.2", ">=1", "1.x || 2", "1.x", "*", "", "latest", "1.2.*",
        ] {
            assert_eq!(exact_version(range), None, "{range}");
        }
    }
}
