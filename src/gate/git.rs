//! The only code that runs git: the repository a check runs in, the merge-base of a change,
//! and the files of a commit, read straight from git objects without touching the user's
//! working tree or index.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::Error;
use crate::inventory::discover::Tree;

/// A git repository, by the root of its working tree.
#[derive(Clone, Debug)]
pub struct Repo {
    root: PathBuf,
}

/// What a git command printed, or why it could not run.
fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, Error> {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::Git(format!("cannot run git: {e}; --base needs git on the PATH")))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim().to_owned()
}

impl Repo {
    /// The repository containing `dir`.
    pub fn open(dir: &Path) -> Result<Repo, Error> {
        // The nearest `.git` (a directory, or a file for worktrees and submodules), found
        // without starting a git process.
        let root = crate::util::paths::repository_root(dir);
        if !root.join(".git").exists() {
            return Err(Error::Git(format!(
                "--base compares with a git revision, but {} is not inside a git repository",
                crate::util::paths::display_path(dir)
            )));
        }
        Ok(Repo { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn run(&self, args: &[&str]) -> Result<std::process::Output, Error> {
        git(&self.root, args)
    }

    fn is_shallow(&self) -> bool {
        self.run(&["rev-parse", "--is-shallow-repository"])
            .is_ok_and(|o| text(&o.stdout) == "true")
    }

    /// The merge-base of HEAD and `rev`: the commit a change starts from.
    pub fn merge_base(&self, rev: &str) -> Result<String, Error> {
        let base = self.run(&["merge-base", "HEAD", rev])?;
        if base.status.success() {
            return Ok(text(&base.stdout));
        }
        // Say why: an unknown revision, a shallow history, or unrelated histories.
        let fetch_hint = "fetch it first, e.g. `git fetch origin main`; in GitHub Actions, check \
                          out with `fetch-depth: 0`";
        let known = self.run(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{rev}^{{commit}}"),
        ])?;
        if !known.status.success() {
            let shallow = if self.is_shallow() {
                " This clone is shallow."
            } else {
                ""
            };
            return Err(Error::Git(format!(
                "base revision `{rev}` is not in this repository.{shallow} To compare with it, \
                 {fetch_hint}"
            )));
        }
        if self.is_shallow() {
            return Err(Error::Git(format!(
                "this is a shallow clone that does not contain the common ancestor of HEAD and \
                 `{rev}`; fetch the history with `git fetch --unshallow` (in GitHub Actions, check \
                 out with `fetch-depth: 0`)"
            )));
        }
        Err(Error::Git(format!(
            "HEAD and `{rev}` have no common ancestor, so there is no base to compare with ({})",
            text(&base.stderr)
        )))
    }

    /// Every file of `commit`, as repository-relative paths.
    pub fn files_at(&self, commit: &str) -> Result<Vec<String>, Error> {
        let output = self.run(&["ls-tree", "-r", "-z", "--name-only", commit])?;
        if !output.status.success() {
            return Err(Error::Git(format!(
                "cannot list {commit}: {}",
                text(&output.stderr)
            )));
        }
        Ok(split_nul(&output.stdout))
    }

    /// The files that differ between `commit` and the working tree: modified, added, deleted
    /// or untracked.
    pub fn changed_since(&self, commit: &str) -> Result<BTreeSet<String>, Error> {
        let diff = self.run(&["diff", "--name-only", "-z", "--no-renames", commit])?;
        let untracked = self.run(&["ls-files", "--others", "--exclude-standard", "-z"])?;
        for output in [&diff, &untracked] {
            if !output.status.success() {
                return Err(Error::Git(format!(
                    "cannot compare with {commit}: {}",
                    text(&output.stderr)
                )));
            }
        }
        Ok(split_nul(&diff.stdout)
            .into_iter()
            .chain(split_nul(&untracked.stdout))
            .collect())
    }

    /// A file's text at `commit`; `None` when the commit has no such file.
    pub fn read_at(&self, commit: &str, path: &str) -> Result<Option<String>, Error> {
        let output = self.run(&["cat-file", "blob", &format!("{commit}:{path}")])?;
        if !output.status.success() {
            return Ok(None);
        }
        let file = format!("{path} (at {})", crate::model::short_commit(commit));
        crate::inventory::discover::text(&file, output.stdout).map(Some)
    }

    /// Writes files of `commit` (all of them, or only `paths`) into a new temporary directory,
    /// for tools that need a real tree (Cargo). Uses `git archive`, so the repository's
    /// worktrees and index are untouched.
    pub fn extract(
        &self,
        commit: &str,
        paths: Option<&[String]>,
    ) -> Result<tempfile::TempDir, Error> {
        let dir = tempfile::tempdir()
            .map_err(|e| Error::Git(format!("cannot create a temporary directory: {e}")))?;
        let mut archive = Command::new("git");
        archive.args(["archive", "--format=tar", commit]);
        if let Some(paths) = paths {
            archive.arg("--").args(paths);
        }
        let mut archive = archive
            .current_dir(&self.root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::Git(format!("cannot run git archive: {e}")))?;
        let stdout = archive
            .stdout
            .take()
            .ok_or_else(|| Error::Git("git archive produced no output".to_owned()))?;
        let untar = Command::new("tar")
            .args(["-x", "-f", "-", "-C"])
            .arg(dir.path())
            .stdin(stdout)
            .output()
            .map_err(|e| Error::Git(format!("cannot run tar: {e}")))?;
        let archived = archive
            .wait_with_output()
            .map_err(|e| Error::Git(format!("git archive failed: {e}")))?;
        if !archived.status.success() || !untar.status.success() {
            return Err(Error::Git(format!(
                "cannot extract {commit}: {}{}",
                text(&archived.stderr),
                text(&untar.stderr)
            )));
        }
        Ok(dir)
    }
}

fn split_nul(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

/// The files of one commit, read from git objects.
pub struct CommitTree<'a> {
    pub repo: &'a Repo,
    pub commit: String,
}

impl Tree for CommitTree<'_> {
    fn read(&self, path: &str) -> Result<String, Error> {
        self.repo.read_at(&self.commit, path)?.ok_or_else(|| {
            Error::Git(format!(
                "{path} is not in {}",
                crate::model::short_commit(&self.commit)
            ))
        })
    }

    fn dir(&self) -> Option<&Path> {
        None
    }
}

/// `OWNER/NAME` of the GitHub repository the `origin` remote of the repository at `dir` points
/// to (`git@host:OWNER/NAME.git`, `https://host/OWNER/NAME(.git)`), if it has one.
pub fn origin_repository(dir: &Path) -> Option<String> {
    let output = git(dir, &["config", "--get", "remote.origin.url"]).ok()?;
    owner_and_name(&text(&output.stdout))
}

fn owner_and_name(url: &str) -> Option<String> {
    let path = match url.split_once("://") {
        Some((_, rest)) => rest.split_once('/')?.1,
        None => url.split_once(':')?.1,
    };
    let path = path.trim_end_matches('/').trim_end_matches(".git");
    let mut parts = path.rsplitn(3, '/');
    let (name, owner) = (parts.next()?, parts.next()?);
    (!owner.is_empty() && !name.is_empty()).then(|| format!("{owner}/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_urls_name_owner_and_repository() {
        for url in [
            "git@github.com:acme/app.git",
            "https://github.com/acme/app",
            "https://github.example.com/acme/app.git/",
            "ssh://git@github.com/acme/app.git",
        ] {
            assert_eq!(owner_and_name(url).as_deref(), Some("acme/app"), "{url}");
        }
        assert_eq!(owner_and_name("/srv/repo"), None);
    }
}
