//! Errors that stop a run, each rendered to the user by its `Display`, and the exit codes
//! depgov documents.

use crate::messages::{self, Message};

/// Exit codes. A crash is reported as [`exit::ERROR`], never as [`exit::FINDINGS`].
pub mod exit {
    /// Nothing at or above `--fail-on` was found.
    pub const OK: i32 = 0;
    /// The policy found problems at or above `--fail-on`.
    pub const FINDINGS: i32 = 1;
    /// Bad usage, an invalid policy, unreadable input, or an internal error.
    pub const ERROR: i32 = 2;
}

/// Everything that keeps depgov from producing a complete report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },

    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },

    /// A policy with problems; `rendered` shows each at file:line:col, `first` is where the
    /// first one is (in the layer it is in) and what it says.
    #[error("{file}: {count} problem{s} in the policy; nothing was checked", s = if *.count == 1 { "" } else { "s" })]
    Policy {
        file: String,
        count: usize,
        rendered: String,
        first: (crate::model::Location, String),
    },

    #[error("`cargo metadata` failed for {manifest}:\n{message}")]
    CargoMetadata { manifest: String, message: String },

    /// `cargo metadata --locked` refused the workspace: its Cargo.lock is out of date with
    /// its manifests, or missing. Discovery reads the lockfile as text instead.
    #[error("`cargo metadata --locked` refused {manifest}:\n{message}")]
    CargoLockRefused { manifest: String, message: String },

    /// An input file that cannot be read as its format; `line` is 1-based.
    #[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Parse {
        file: String,
        line: Option<u32>,
        message: String,
    },

    #[error(
        "found no lockfile, manifest, SBOM or Cargo workspace under {dir}, and --require-inputs asks for one; depgov reads the files listed in docs/ecosystems.md"
    )]
    NothingFound { dir: String },

    /// Several inputs failed; each is shown.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\nerror: "))]
    Several(Vec<Error>),

    #[error("{0}")]
    Usage(String),

    /// A git operation behind `--base` failed; the message says how to fix it.
    #[error("{0}")]
    Git(String),

    /// A GitHub API request failed for good (after any retries). Never holds the token.
    #[error("cannot {action}: {detail}")]
    GitHub { action: String, detail: String },
}

impl Error {
    /// The problems behind the error, laid out (each at file:line:col), when it has them.
    fn details(&self) -> &str {
        match self {
            Error::Policy { rendered, .. } => rendered,
            _ => "",
        }
    }

    /// The whole message, without colour: details first, then one `error:` line saying what
    /// stopped the run.
    pub fn render(&self) -> String {
        format!("{}{}\n", self.details(), Message::error(self.to_string()))
    }

    /// Shows [`Error::render`] on standard error, coloured where it may be; in GitHub Actions
    /// as an error annotation at the file and line of the problem, when there is one.
    pub fn show(&self) {
        let at = match self {
            Error::Policy { first, .. } => Some((&*first.0.file, first.0.line)),
            Error::Parse {
                file,
                line: Some(line),
                ..
            } => Some((file.as_str(), *line)),
            _ => None,
        };
        messages::fatal(
            "depgov stopped (exit 2)",
            at,
            self.details(),
            &self.to_string(),
        );
    }
}
