//! The policy that judges a change: as it is at the base (the change cannot weaken it), with a
//! `policy-changed` finding when the change edits it and a `policy-invalid` error when the
//! edit (to the policy or a layer it extends) would leave it invalid once merged.

use super::Base;
use crate::error::Error;
use crate::model::{Change, Finding, Location, Rule, Severity};
use crate::policy::discover::Lookup;
use crate::policy::{self, Policy, PolicyOrigin, Remote};
use crate::util::paths::relative_path;

/// Where a policy file in the repository is read from with `--base`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PolicyFrom {
    /// As it is at the merge-base: the change being judged cannot weaken it.
    Base,
    /// The working tree's, edits included (for editing the policy locally).
    Head,
}

/// The policy as it is at the merge-base (or, with [`PolicyFrom::Head`], the working tree's),
/// a `policy-changed` finding when the change edits it, and a `policy-invalid` finding when
/// the working tree's policy does not load. A policy file outside the repository cannot be
/// edited by the change and is read from disk.
pub fn policy(
    base: &Base,
    lookup: &Lookup<'_>,
    from: PolicyFrom,
    remote: &dyn Remote,
) -> Result<(Policy, Vec<Finding>), Error> {
    let root = base.repo_root();
    let in_repo: Vec<String> = lookup
        .candidates(root)
        .iter()
        .filter_map(|path| {
            let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| root.join(path));
            absolute
                .starts_with(root)
                .then(|| relative_path(&absolute, root))
        })
        .collect();
    let outside_repo = lookup.named.is_some() && in_repo.is_empty();
    if outside_repo || from == PolicyFrom::Head {
        return Ok((lookup.load(remote)?, Vec::new()));
    }
    let head_path = in_repo
        .iter()
        .find(|path| root.join(path).is_file())
        .cloned();
    let (policy, base_path) = base.policy(&in_repo, Some(remote))?;
    let changed = base.policy_change(
        base_path.as_deref(),
        head_path.as_deref(),
        policy.contact.as_deref(),
    );
    // Layers are TOML files anywhere in the repository: only a change to one can break the
    // policy, and only then is the working tree's loaded.
    let invalid = match &head_path {
        Some(head) if base.changed.iter().any(|path| path.ends_with(".toml")) => lookup
            .load(remote)
            .err()
            .map(|error| base.policy_invalid(error, head, root)),
        _ => None,
    };
    Ok((policy, changed.into_iter().chain(invalid).collect()))
}

impl Base {
    /// The policy at base: the first of the repository-relative `candidates` that exists
    /// there, or the embedded default. Returns it with the path it came from.
    pub fn policy(
        &self,
        candidates: &[String],
        remote: Option<&dyn policy::Remote>,
    ) -> Result<(Policy, Option<String>), Error> {
        let present: std::collections::HashSet<&str> =
            self.files.iter().map(String::as_str).collect();
        for path in candidates.iter().filter(|c| present.contains(c.as_str())) {
            if let Some(text) = self.repo.read_at(&self.commit, path)? {
                let origin = PolicyOrigin::Revision {
                    path: path.clone(),
                    commit: self.commit.clone(),
                };
                // The layers it extends are read at the base too: the change cannot edit them.
                let sources = policy::Sources {
                    files: self,
                    remote,
                };
                return Ok((
                    policy::load(path, &text, origin, &sources)?,
                    Some(path.clone()),
                ));
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
        let message = format!(
            "this change edits the policy {file}; the edit takes effect only after it is merged \
             and reviewed by {reviewer}. This run applied the policy as it is at {} (the \
             merge-base with {}).",
            crate::model::short_commit(&self.commit),
            self.rev
        );
        let location = Location {
            file: file.into(),
            line: 1,
        };
        Some(policy_finding(
            Rule::PolicyChanged,
            Severity::Warning,
            message,
            location,
        ))
    }
}

impl Base {
    /// The `policy-invalid` error for the working tree's policy (at `head`, relative to the
    /// repository `root`) failing to load with `error`: located at the first problem.
    fn policy_invalid(&self, error: Error, head: &str, root: &std::path::Path) -> Finding {
        let (location, problem) = match error {
            Error::Policy { first, .. } => first,
            Error::Parse {
                file,
                line,
                message,
            } => (
                Location {
                    file: file.into(),
                    line: line.unwrap_or(1),
                },
                message,
            ),
            other => (
                Location {
                    file: head.into(),
                    line: 1,
                },
                other.to_string(),
            ),
        };
        // Diagnostics name files as they were opened; findings name them from the root.
        let file = std::fs::canonicalize(&*location.file)
            .ok()
            .filter(|absolute| absolute.starts_with(root))
            .map_or(location.file, |absolute| {
                relative_path(&absolute, root).into()
            });
        let message = format!(
            "this change makes the policy {head} invalid: {problem}. Merged, it would stop every \
             depgov run with exit 2; this run judged the components with the policy as it is at \
             {} (the merge-base with {}).",
            crate::model::short_commit(&self.commit),
            self.rev
        );
        let location = Location {
            file,
            line: location.line,
        };
        policy_finding(Rule::PolicyInvalid, Severity::Error, message, location)
    }
}

/// A finding about the policy itself: no component, no ring, new with the change.
fn policy_finding(rule: Rule, severity: Severity, message: String, location: Location) -> Finding {
    Finding {
        rule,
        severity,
        ring: None,
        change: Some(Change::New),
        component: None,
        message,
        reason: None,
        use_instead: Vec::new(),
        link: None,
        path: Default::default(),
        location: Some(location),
        waiver: None,
        evidence: Default::default(),
    }
}

/// Policy files as they are at the base commit.
impl policy::Files for Base {
    fn read(&self, path: &str) -> Result<Option<String>, Error> {
        self.repo.read_at(&self.commit, path)
    }
}
