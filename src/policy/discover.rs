//! Which policy judges a repository: the file named with `--policy`, else the first of
//! `depgov.toml` and `.github/depgov.toml` in the directory being checked and then at the
//! repository root, else the embedded default.

use std::path::{Path, PathBuf};

use super::{Policy, Remote, embedded, load_file};
use crate::error::Error;
use crate::util::paths::{display_path, repository_root, start_dir};

/// Where to look for the policy of a run.
#[derive(Clone, Copy, Debug)]
pub struct Lookup<'a> {
    /// The PATH the command was given (a directory or one input file).
    pub path: &'a Path,
    /// The `--policy` file, when one is named.
    pub named: Option<&'a Path>,
}

impl Lookup<'_> {
    /// The policy files to look for, in order: the one named, or the usual candidates in the
    /// directory of PATH and then at `root`.
    pub fn candidates(&self, root: &Path) -> Vec<PathBuf> {
        match self.named {
            Some(path) => vec![path.to_path_buf()],
            None => candidates(start_dir(self.path), root),
        }
    }

    /// The repository root of PATH (PATH's directory outside a repository).
    pub fn root(&self) -> PathBuf {
        repository_root(start_dir(self.path))
    }

    /// The working tree's policy: the file named, else the first candidate that exists, else
    /// the embedded default. `remote` fetches the `github:` layers it extends.
    pub fn load(&self, remote: &dyn Remote) -> Result<Policy, Error> {
        let found = match self.named {
            Some(path) => Some(path.to_path_buf()),
            None => self
                .candidates(&self.root())
                .into_iter()
                .find(|path| path.is_file()),
        };
        match found {
            Some(path) => load_file(&path, &display_path(&path), Some(remote)),
            None => Ok(embedded()),
        }
    }
}

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
