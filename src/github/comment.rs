//! The sticky pull-request comment: one comment per pull request holding the Markdown report,
//! updated in place on every run (docs/github.md).
//!
//! **Which comment is depgov's.** One whose body holds [`MARKER`] *and* whose author is the
//! token's user; the first such comment, in the order GitHub lists them, is updated. Anyone can
//! paste the marker into a comment, so a marked comment by someone else is left alone. The
//! token's user is, in order:
//! 1. `DEPGOV_COMMENT_AUTHOR`, when set — for a GitHub App's token, `APP-SLUG[bot]`;
//! 2. the login `GET /user` answers, as it does for personal access tokens;
//! 3. [`ACTIONS_AUTHOR`] when `GET /user` answers 403, as it does for installation tokens such
//!    as the Actions `GITHUB_TOKEN`, whose comments are by `github-actions[bot]`.
//!
//! A created comment whose author is not the one assumed (an App token without
//! `DEPGOV_COMMENT_AUTHOR`) gets a warning naming the `DEPGOV_COMMENT_AUTHOR` that would let
//! later runs find it.
//!
//! **When.** [`When::Always`] creates or updates the comment. [`When::OnFailure`] creates one
//! only when the report fails; an existing comment is always updated, so that it says when the
//! violations are gone.
//!
//! **Failures.** GitHub refusing permission (403: fork pull requests get a read-only token) is
//! a warning pointing to the job summary; the exit code stays the policy's. A body GitHub
//! finds too long (422) is replaced by a short one pointing to the job summary. A POST that
//! failed in a way GitHub may have carried out (5xx, no answer) is not simply repeated: the
//! comments are listed again first, so that the comment is never posted twice.

use std::ops::ControlFlow;

use serde::Deserialize;

use super::actions::{self, Event, Repository};
use super::client::{ApiError, Client};
use crate::error::Error;
use crate::messages::Message;
use crate::report::{Report, markdown};

/// The hidden line that marks depgov's comment.
pub const MARKER: &str = "<!-- depgov:report -->";

/// The account the Actions `GITHUB_TOKEN` comments as.
pub const ACTIONS_AUTHOR: &str = "github-actions[bot]";

/// GitHub's limit on a comment's body, in characters.
const MAX_BODY: usize = 65_536;

/// When to post the comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum When {
    /// Create or update the comment on every run.
    Always,
    /// Create the comment only when the report fails; update an existing one on every run.
    OnFailure,
}

/// Where the comment goes: a pull request, or nowhere and why.
#[derive(Debug)]
pub enum Destination {
    PullRequest(Box<Commenter>),
    Nowhere(Message),
}

/// Reads the environment (before the check runs, so that a missing variable fails fast).
pub fn destination() -> Result<Destination, Error> {
    match actions::event()? {
        Event::Other(name) => Ok(Destination::Nowhere(Message::warning(format!(
            "{name} is not a pull request event: no pull-request comment posted"
        )))),
        Event::PullRequest(pull_request) => Ok(Destination::PullRequest(Box::new(Commenter {
            client: Client::new(pull_request.client)?,
            repository: pull_request.repository,
            number: pull_request.number,
            run_url: pull_request.run_url,
            author: pull_request.author,
        }))),
    }
}

/// Posts and updates depgov's comment on one pull request.
#[derive(Debug)]
pub struct Commenter {
    client: Client,
    repository: Repository,
    number: u64,
    run_url: Option<String>,
    /// `DEPGOV_COMMENT_AUTHOR`.
    author: Option<String>,
}

/// The parts of GitHub's issue comment depgov reads.
#[derive(Debug, Deserialize)]
struct IssueComment {
    id: u64,
    body: Option<String>,
    /// `null` for a deleted account.
    user: Option<User>,
    html_url: String,
}

#[derive(Debug, Deserialize)]
struct User {
    login: String,
}

/// Whose comment is depgov's, and how that was decided.
struct Author {
    login: String,
    source: &'static str,
}

impl Commenter {
    /// Creates or updates the comment for `report`; `failing` is whether the report fails
    /// the run. GitHub refusing permission is a warning, not an error.
    pub fn post(&self, report: &Report, when: When, failing: bool) -> Result<Vec<Message>, Error> {
        match self.client.block_on(self.upsert(report, when, failing)) {
            Err(error) if error.is_forbidden() => {
                let place = match &self.run_url {
                    Some(url) => format!("the job summary of this workflow run ({url})"),
                    None => "the job summary of this workflow run".to_owned(),
                };
                Ok(vec![
                    Message::warning(format!(
                        "cannot post the pull-request comment: {error}. The token cannot write \
                         to pull requests: GITHUB_TOKEN is read-only on pull requests from \
                         forks, and otherwise needs `permissions: pull-requests: write`. The \
                         report is in {place}."
                    ))
                    .titled("depgov: no pull-request comment"),
                ])
            }
            result => result.map_err(|error| error.into_error("post the pull-request comment")),
        }
    }

    async fn upsert(
        &self,
        report: &Report,
        when: When,
        failing: bool,
    ) -> Result<Vec<Message>, ApiError> {
        let author = self.author().await?;
        let existing = self.find(&author).await?.map(|comment| comment.id);
        if existing.is_none() && when == When::OnFailure && !failing {
            return Ok(vec![Message::info(
                "nothing fails and there is no earlier comment to update: no pull-request \
                 comment posted"
                    .to_owned(),
            )]);
        }
        let full = format!("{MARKER}\n{}", markdown::render(report));
        let first = if full.chars().count() <= MAX_BODY {
            Some(self.write(existing, &author, &full).await)
        } else {
            None
        };
        let (comment, shortened) = match first {
            Some(Ok(comment)) => (comment, false),
            Some(Err(error)) if !error.is_body_too_long() => return Err(error),
            _ => {
                let short = self.short_body(report, failing);
                (self.write(existing, &author, &short).await?, true)
            }
        };
        let done = if existing.is_some() {
            "updated"
        } else {
            "created"
        };
        let mut notices = vec![Message::info(format!(
            "{done} the pull-request comment {}",
            comment.html_url
        ))];
        if shortened {
            notices.push(Message::info(
                "the report is too long for a comment; the comment points to the job summary"
                    .to_owned(),
            ));
        }
        if let Some(user) = comment.user.filter(|_| existing.is_none())
            && !user.login.eq_ignore_ascii_case(&author.login)
        {
            notices.push(Message::warning(format!(
                "the comment was posted as {posted}, but depgov looks for comments by {assumed} \
                 ({source}); set DEPGOV_COMMENT_AUTHOR={posted} so that the next run updates \
                 this comment instead of adding another",
                posted = user.login,
                assumed = author.login,
                source = author.source,
            ))
            .titled("depgov: set DEPGOV_COMMENT_AUTHOR"));
        }
        Ok(notices)
    }

    /// The login depgov's comment is by (see the module documentation).
    async fn author(&self) -> Result<Author, ApiError> {
        if let Some(login) = &self.author {
            return Ok(Author {
                login: login.clone(),
                source: "DEPGOV_COMMENT_AUTHOR",
            });
        }
        match self.client.get::<User>("/user").await {
            Ok(user) => Ok(Author {
                login: user.login,
                source: "the token's user",
            }),
            Err(error) if error.is_forbidden() => Ok(Author {
                login: ACTIONS_AUTHOR.to_owned(),
                source: "the Actions GITHUB_TOKEN's account, as GET /user is refused",
            }),
            Err(error) => Err(error),
        }
    }

    /// depgov's comment on the pull request, if there is one.
    async fn find(&self, author: &Author) -> Result<Option<IssueComment>, ApiError> {
        let ours = |comment: &IssueComment| {
            comment.body.as_deref().is_some_and(|b| b.contains(MARKER))
                && comment
                    .user
                    .as_ref()
                    .is_some_and(|user| user.login.eq_ignore_ascii_case(&author.login))
        };
        self.client
            .pages(&self.comments_route(), |page: Vec<IssueComment>| match page
                .into_iter()
                .find(ours)
            {
                Some(comment) => ControlFlow::Break(comment),
                None => ControlFlow::Continue(()),
            })
            .await
    }

    /// Updates the comment `existing`, or creates one.
    async fn write(
        &self,
        existing: Option<u64>,
        author: &Author,
        body: &str,
    ) -> Result<IssueComment, ApiError> {
        let body = serde_json::json!({ "body": body });
        if let Some(id) = existing {
            let route = format!("/repos/{}/issues/comments/{id}", self.repository);
            return self.client.patch(&route, &body).await;
        }
        let route = self.comments_route();
        match self.client.post(&route, &body).await {
            // GitHub may have created it before failing: look before posting again.
            Err(error) if error.failure.may_have_succeeded() => match self.find(author).await? {
                Some(comment) => Ok(comment),
                None => self.client.post(&route, &body).await,
            },
            result => result,
        }
    }

    fn comments_route(&self) -> String {
        format!("/repos/{}/issues/{}/comments", self.repository, self.number)
    }

    /// The comment when the report does not fit in one: the verdict and where the report is.
    fn short_body(&self, report: &Report, failing: bool) -> String {
        let summary = &report.summary;
        let counts = [
            (summary.errors, "error"),
            (summary.warnings, "warning"),
            (summary.notes, "note"),
        ]
        .iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, noun)| format!("{count} {noun}{}", if *count == 1 { "" } else { "s" }))
        .collect::<Vec<_>>()
        .join(", ");
        let verdict = match (failing, counts.is_empty()) {
            (true, _) => format!("fails the policy ({counts})"),
            (false, true) => "passes the policy".to_owned(),
            (false, false) => format!("passes the policy ({counts})"),
        };
        let place = match &self.run_url {
            Some(url) => format!("the job summary of [this workflow run]({url})"),
            None => "the job summary of this workflow run".to_owned(),
        };
        format!(
            "{MARKER}\n**depgov**: this pull request {verdict}. The full report is too long \
             for a comment; it is in {place}.\n"
        )
    }
}
