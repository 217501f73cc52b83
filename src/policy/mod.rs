//! The OSPO's policy: which components, licenses and sources sit on which ring.
//!
//! [`load`] reads and validates a policy file (every problem at file:line:col); the types
//! here are the checked, compiled policy that evaluation consults. The embedded default policy
//! (`policies/default.toml`) is compiled into the binary.

mod load;
pub mod raw;
pub mod selector;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::model::{ComponentId, Kind, Location, Ring};
use crate::registry;
use selector::Selector;

pub use load::{embedded, load_file, parse};

/// Where a policy is looked for when none is named, in order: `depgov.toml`, then
/// `.github/depgov.toml`, in `dir` and then at the repository `root`.
pub fn candidates(dir: &Path, root: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = Vec::new();
    for base in [dir, root] {
        for name in ["depgov.toml", ".github/depgov.toml"] {
            let path = base.join(name);
            if !found.contains(&path) {
                found.push(path);
            }
        }
    }
    found
}

/// Where the applied policy came from; reports name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PolicyOrigin {
    Embedded,
    /// A policy file, as the user named it or as it was found.
    File(String),
    /// A policy file as it is at a commit (the base of a change).
    Revision {
        path: String,
        commit: String,
    },
}

impl PolicyOrigin {
    /// The file, or `embedded default`.
    pub fn source(&self) -> String {
        match self {
            PolicyOrigin::Embedded => "embedded default".to_owned(),
            PolicyOrigin::File(path) | PolicyOrigin::Revision { path, .. } => path.clone(),
        }
    }

    /// The commit the policy was read at, when it was not the working tree's.
    pub fn revision(&self) -> Option<&str> {
        match self {
            PolicyOrigin::Revision { commit, .. } => Some(commit),
            _ => None,
        }
    }
}

impl fmt::Display for PolicyOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyOrigin::Embedded => f.write_str("embedded default"),
            PolicyOrigin::File(path) => f.write_str(path),
            PolicyOrigin::Revision { path, commit } => {
                write!(f, "{path} at {}", crate::git::short(commit))
            }
        }
    }
}

/// A loaded, validated policy.
#[derive(Clone, Debug)]
pub struct Policy {
    pub name: String,
    pub contact: Option<String>,
    pub origin: PolicyOrigin,
    /// The ring of components no entry lists.
    pub default_ring: Ring,
    /// The kinds of components that are evaluated; others are counted as not evaluated.
    pub scope: BTreeSet<Kind>,
    pub licenses: LicenseRings,
    pub sources: SourceRings,
    /// Component entries in file order.
    pub components: Vec<ComponentEntry>,
    /// What discovery skips; `None` means the defaults.
    pub scan_exclude: Option<Vec<String>>,
}

impl Policy {
    /// The entry that decides a component's ring: of all matching entries the most specific,
    /// and of equally specific ones the last in the file.
    pub fn entry_for(&self, id: &ComponentId) -> Option<&ComponentEntry> {
        self.components
            .iter()
            .filter(|entry| entry.selector.matches(id))
            .max_by_key(|entry| entry.selector.specificity())
    }
}

/// Rings of licenses, by SPDX license (with its exception, if the policy names one).
#[derive(Clone, Debug)]
pub struct LicenseRings {
    listed: BTreeMap<spdx::LicenseReq, Ring>,
    /// The ring of a license none of the lists names.
    pub unlisted: Ring,
    /// The ring of a component without license information.
    pub unknown: Ring,
}

impl LicenseRings {
    /// The ring the lists give a license requirement. A `WITH` exception the policy names
    /// is looked up as a whole; otherwise the license is judged without its exception, since an
    /// exception only grants permissions.
    pub fn listed_ring(&self, req: &spdx::LicenseReq) -> Option<Ring> {
        let req = crate::license::canonical_requirement(req);
        self.listed.get(&req).copied().or_else(|| {
            let base = spdx::LicenseReq {
                license: req.license.clone(),
                addition: None,
            };
            self.listed.get(&base).copied()
        })
    }
}

/// Rings of where components come from.
#[derive(Clone, Debug)]
pub struct SourceRings {
    /// The ring of components fetched from git.
    pub git: Ring,
    /// URL prefixes of the registries the policy accepts.
    registry_urls: Vec<String>,
    /// The ring of components from any other registry.
    pub unknown_registry: Ring,
}

impl SourceRings {
    pub fn accepts_registry(&self, url: &str) -> bool {
        self.registry_urls
            .iter()
            .any(|prefix| registry::url_matches(url, prefix))
    }
}

/// One `[[components]]` entry.
#[derive(Clone, Debug)]
pub struct ComponentEntry {
    pub selector: Selector,
    pub ring: Ring,
    pub reason: Option<String>,
    pub use_instead: Vec<String>,
    pub link: Option<String>,
    /// For remove entries: a warning until this day, an error after it.
    pub sunset: Option<NaiveDate>,
    /// Where the entry is written.
    pub origin: Location,
}
