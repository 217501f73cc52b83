//! The pull-request gate: a change judged against the revision it starts from, under the
//! policy as it is there.
//!
//! The base is the merge-base of HEAD and the given revision. Its lockfiles and manifests are
//! read from git objects; a Cargo workspace at base is resolved by Cargo in a temporary
//! extraction of that commit (Cargo needs a tree). Inputs the change does not touch are not
//! read twice: the working tree's result is the base's too. A policy file in the repository is
//! applied as it is at base, so the change being judged cannot weaken it.

use std::collections::BTreeSet;
use std::path::Path;

use crate::error::Error;
use crate::git::{self, CommitTree, Repo};
use crate::inventory::Inventory;
use crate::inventory::cargo::CargoOptions;
use crate::inventory::discover::{self, DiskTree, Planned, ReadInput, ScanOptions};
use crate::model::{Change, Finding, Location, Rule, Severity};
use crate::policy::{self, Policy, PolicyOrigin};

/// A change's base, opened.
pub struct Base {
    repo: Repo,
    /// The revision as the user gave it.
    pub rev: String,
    /// The merge-base commit of HEAD and `rev`.
    pub commit: String,
    /// Files that differ between the base commit and the working tree.
    changed: BTreeSet<String>,
}

impl Base {
    /// Opens the repository containing `dir` and finds the merge-base of HEAD and `rev`.
    pub fn open(dir: &Path, rev: &str) -> Result<Base, Error> {
        let repo = Repo::open(dir)?;
        let commit = repo.merge_base(rev)?;
        let changed = repo.changed_since(&commit)?;
        Ok(Base {
            repo,
            rev: rev.to_owned(),
            commit,
            changed,
        })
    }

    pub fn repo_root(&self) -> &Path {
        self.repo.root()
    }

    /// The policy at base: the first of the repository-relative `candidates` that exists
    /// there, or the embedded default. Returns it with the path it came from.
    pub fn policy(&self, candidates: &[String]) -> Result<(Policy, Option<String>), Error> {
        for path in candidates {
            if let Some(text) = self.repo.read_at(&self.commit, path)? {
                let origin = PolicyOrigin::Revision {
                    path: path.clone(),
                    commit: self.commit.clone(),
                };
                let shown = format!("{path} (at {})", git::short(&self.commit));
                return Ok((policy::parse(&shown, &text, origin)?, Some(path.clone())));
            }
        }
        Ok((policy::embedded(), None))
    }

    /// A `policy-changed` finding when the change edits, adds, moves or deletes the policy
    /// file that would judge it. `base` and `head` are the policy paths found at base and in
    /// the working tree.
    pub fn policy_change(
        &self,
        base: Option<&str>,
        head: Option<&str>,
        contact: Option<&str>,
    ) -> Option<Finding> {
        let file = match (base, head) {
            (Some(b), Some(h)) if b == h && !self.changed.contains(h) => return None,
            (None, None) => return None,
            (_, Some(h)) => h,
            (Some(b), None) => b,
        };
        let reviewer = contact.map_or_else(
            || "the policy's owners".to_owned(),
            |c| format!("the policy's contact ({c})"),
        );
        Some(Finding {
            rule: Rule::PolicyChanged,
            severity: Severity::Warning,
            ring: None,
            change: Some(Change::New),
            component: None,
            message: format!(
                "this change edits the policy {file}; the edit takes effect only after it is \
                 merged and reviewed by {reviewer}. This run applied the policy as it is at {} \
                 (the merge-base with {}).",
                git::short(&self.commit),
                self.rev
            ),
            reason: None,
            use_instead: Vec::new(),
            link: None,
            path: Vec::new(),
            location: Some(Location {
                file: file.to_owned(),
                line: 1,
            }),
        })
    }

    /// The inventory at base, for the same scan as the working tree's (`head`, with what each
    /// of its planned inputs gave).
    pub fn inventory(
        &self,
        head: &[(Planned, ReadInput)],
        options: &ScanOptions,
        cargo_options: &CargoOptions,
    ) -> Result<Inventory, Error> {
        let files = self.repo.files_at(&self.commit)?;
        let planned = discover::plan(&files, options);
        let manifests_changed = self.changed.iter().any(|path| {
            let name = path.rsplit('/').next().unwrap_or(path);
            matches!(name, "Cargo.toml" | "Cargo.lock") || path.starts_with(".cargo/")
        });
        let unchanged = |input: &Planned| match input {
            Planned::CargoWorkspace { .. } => !manifests_changed,
            Planned::File { path, manifest } => {
                !self.changed.contains(path)
                    && manifest.as_ref().is_none_or(|m| !self.changed.contains(m))
            }
        };
        let mut inputs = Vec::new();
        let mut from_git = Vec::new();
        let mut from_cargo = Vec::new();
        for input in planned {
            match head.iter().find(|(h, _)| *h == input) {
                Some((_, read)) if unchanged(&input) => inputs.push(read.clone()),
                _ if matches!(input, Planned::CargoWorkspace { .. }) => from_cargo.push(input),
                _ => from_git.push(input),
            }
        }
        let tree = CommitTree {
            repo: &self.repo,
            commit: self.commit.clone(),
        };
        inputs.extend(discover::read_inputs(
            &from_git,
            &tree,
            options,
            cargo_options,
        )?);
        if !from_cargo.is_empty() {
            let extracted = self.repo.extract(&self.commit)?;
            let tree = DiskTree {
                root: extracted.path().to_path_buf(),
            };
            inputs.extend(discover::read_inputs(
                &from_cargo,
                &tree,
                options,
                cargo_options,
            )?);
        }
        Ok(discover::assemble(inputs))
    }
}
