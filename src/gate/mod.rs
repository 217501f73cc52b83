//! The pull-request gate: a change judged against the revision it starts from, under the
//! policy as it is there.
//!
//! The base is the merge-base of HEAD and the given revision. Its lockfiles and manifests are
//! read from git objects; a Cargo workspace at base is resolved by Cargo in a temporary
//! extraction of that commit (Cargo needs a tree). Inputs the change does not touch are not
//! read twice: the working tree's result is the base's too. A policy file in the repository is
//! applied as it is at base, so the change being judged cannot weaken it.
//!
//! Everything `--base` needs is here: [`git`] (the only code that runs git), [`policy`] (the
//! policy at base and `policy-changed`), [`compare`] (which findings the change introduces,
//! which are debt, what it removes).

pub mod compare;
pub mod git;
mod policy;

use std::collections::BTreeSet;
use std::path::Path;

use crate::error::Error;
use crate::inventory::Inventory;
use crate::inventory::cargo::CargoOptions;
use crate::inventory::discover::{self, DiskTree, Planned, ReadInput, Scan, ScanOptions};
use git::{CommitTree, Repo};

pub use compare::{Compared, Fixed, Removed, compare};
pub use policy::{PolicyFrom, policy};

/// A change's base, opened.
pub struct Base {
    repo: Repo,
    /// The revision as the user gave it.
    pub rev: String,
    /// The merge-base commit of HEAD and `rev`.
    pub commit: String,
    /// Every file of the base commit.
    files: Vec<String>,
    /// Files that differ between the base commit and the working tree.
    changed: BTreeSet<String>,
}

impl Base {
    /// Opens the repository containing `dir` and finds the merge-base of HEAD and `rev`.
    pub fn open(dir: &Path, rev: &str) -> Result<Base, Error> {
        let repo = Repo::open(dir)?;
        let commit = repo.merge_base(rev)?;
        // Two independent listings: each is mostly git process start-up.
        let (files, changed) = std::thread::scope(|scope| {
            let files = scope.spawn(|| repo.files_at(&commit));
            let changed = repo.changed_since(&commit);
            let files = files
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (files, changed)
        });
        Ok(Base {
            files: files?,
            changed: changed?,
            repo,
            rev: rev.to_owned(),
            commit,
        })
    }

    pub fn repo_root(&self) -> &Path {
        self.repo.root()
    }

    /// What reading the base takes, for the same scan as the working tree's (`head`), with
    /// the same selection: a searched directory is searched at base with the same excludes
    /// and ecosystems; named inputs (a file, `--manifest-path`) are the same inputs at base,
    /// where they exist. Inputs the change does not touch are the working tree's results; the
    /// others are read.
    pub fn plan(&self, head: &Scan, options: &ScanOptions) -> Result<BasePlan, Error> {
        let manifests_changed = self.changed.iter().any(|path| {
            let name = path.rsplit('/').next().unwrap_or(path);
            matches!(name, "Cargo.toml" | "Cargo.lock") || path.starts_with(".cargo/")
        });
        let unchanged = |input: &Planned| match input {
            Planned::CargoWorkspace { .. } => !manifests_changed,
            Planned::File { .. } => input.files().all(|f| !self.changed.contains(f)),
        };
        let at_base = |path: &str| self.files.iter().any(|file| file == path);
        let inputs = if head.named {
            head.planned
                .iter()
                .filter(|input| at_base(input.path()))
                .map(|input| input.within(&at_base))
                .collect()
        } else {
            discover::plan(&self.files, options)
        };
        let mut plan = BasePlan::default();
        for input in inputs {
            match head.planned.iter().position(|h| *h == input) {
                Some(index) if unchanged(&input) => plan.reuse.push(index),
                _ if matches!(input, Planned::CargoWorkspace { .. }) => plan.cargo.push(input),
                _ => plan.git.push(input),
            }
        }
        Ok(plan)
    }

    /// Reads the base inputs `plan` does not reuse: files from git objects, Cargo workspaces
    /// from an extraction of the base commit.
    pub fn read(
        &self,
        plan: &BasePlan,
        options: &ScanOptions,
        cargo_options: &CargoOptions,
    ) -> Result<Vec<ReadInput>, Error> {
        let tree = CommitTree {
            repo: &self.repo,
            commit: self.commit.clone(),
        };
        let mut inputs = discover::read_inputs(&plan.git, &tree, options, cargo_options)?;
        if !plan.cargo.is_empty() {
            // Cargo needs manifests, lockfiles, configuration and the files that make targets
            // exist; the rest of the tree is extracted only if that turns out not to be enough.
            let needed: Vec<String> = self
                .files
                .iter()
                .filter(|f| cargo_needs(f))
                .cloned()
                .collect();
            let read = |paths: Option<&[String]>| -> Result<Vec<ReadInput>, Error> {
                let extracted = self.repo.extract(&self.commit, paths)?;
                let tree = DiskTree {
                    root: extracted.path().to_path_buf(),
                };
                discover::read_inputs(&plan.cargo, &tree, options, cargo_options)
            };
            inputs.extend(read(Some(&needed)).or_else(|_| read(None))?);
        }
        Ok(inputs)
    }
}

/// Which base inputs are the working tree's (by index into its planned inputs) and which must
/// be read from git or resolved by Cargo.
#[derive(Clone, Debug, Default)]
pub struct BasePlan {
    pub reuse: Vec<usize>,
    git: Vec<Planned>,
    cargo: Vec<Planned>,
}

impl BasePlan {
    /// The base inventory: what was read for it, and the reused results of `head`.
    pub fn inventory(&self, read: Vec<ReadInput>, head: &[ReadInput]) -> Inventory {
        let reused = self.reuse.iter().filter_map(|&i| head.get(i).cloned());
        discover::assemble(read.into_iter().chain(reused).collect())
    }
}

/// Whether Cargo needs a file to resolve a workspace.
fn cargo_needs(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(name, "Cargo.toml" | "Cargo.lock" | "build.rs")
        || path.ends_with("src/lib.rs")
        || path.ends_with("src/main.rs")
        || path.starts_with(".cargo/")
        || path.contains("/.cargo/")
}
