//! The GitHub Actions environment a pull-request comment is posted from.
//!
//! | variable | use |
//! |---|---|
//! | `GITHUB_EVENT_PATH` | the event's JSON payload; a pull request's carries `pull_request.number` |
//! | `GITHUB_REPOSITORY` | `owner/name` |
//! | `GITHUB_TOKEN` | the token; the workflow step passes it (`secrets.GITHUB_TOKEN` or another) |
//! | `GITHUB_API_URL` | the REST API root, default `https://api.github.com` |
//! | `GITHUB_SERVER_URL`, `GITHUB_RUN_ID` | optional: link the comment to the workflow run |
//! | `GITHUB_EVENT_NAME` | optional: named when the event is not a pull request |
//! | `DEPGOV_COMMENT_AUTHOR` | optional: the login whose comment is depgov's (see comment.rs) |
//!
//! The event is read first: an event without `pull_request` (a push, a schedule) is not an
//! error, and needs nothing else. Otherwise every missing variable is named in one error.

use std::fmt;
use std::path::Path;

use super::client::{ClientConfig, DEFAULT_API_URL, Token};
use crate::error::Error;

/// A repository, `owner/name`, checked to be safe in an API route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repository {
    pub owner: String,
    pub name: String,
}

impl Repository {
    /// Parses `owner/name` as `GITHUB_REPOSITORY` holds it.
    pub fn parse(text: &str) -> Option<Repository> {
        let (owner, name) = text.trim().split_once('/')?;
        let valid = |part: &str| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b"-_.".contains(&byte))
        };
        (valid(owner) && valid(name)).then(|| Repository {
            owner: owner.to_owned(),
            name: name.to_owned(),
        })
    }
}

impl fmt::Display for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

/// Where a pull-request comment goes, and how to reach GitHub.
#[derive(Debug)]
pub struct PullRequest {
    pub repository: Repository,
    pub number: u64,
    pub client: ClientConfig,
    /// The workflow run's page, when `GITHUB_SERVER_URL` and `GITHUB_RUN_ID` are set.
    pub run_url: Option<String>,
    /// `DEPGOV_COMMENT_AUTHOR`, when set.
    pub author: Option<String>,
}

/// What the environment says about the event being handled.
#[derive(Debug)]
pub enum Event {
    PullRequest(PullRequest),
    /// Not a pull request; the event's name, as far as it is known.
    Other(String),
}

/// Reads the environment; fails naming every variable that is missing or invalid.
pub fn event() -> Result<Event, Error> {
    let mut missing = Vec::new();
    let number = match var("GITHUB_EVENT_PATH") {
        Some(path) => match pull_request_number(Path::new(&path))? {
            Some(number) => Some(number),
            None => {
                let name = var("GITHUB_EVENT_NAME").unwrap_or_else(|| "this event".to_owned());
                return Ok(Event::Other(name));
            }
        },
        None => {
            missing.push("GITHUB_EVENT_PATH (the event's JSON payload)");
            None
        }
    };
    let repository =
        match var("GITHUB_REPOSITORY") {
            Some(text) => Some(Repository::parse(&text).ok_or_else(|| {
                Error::Usage(format!("GITHUB_REPOSITORY={text} is not OWNER/NAME"))
            })?),
            None => {
                missing.push("GITHUB_REPOSITORY (OWNER/NAME)");
                None
            }
        };
    let token = match var("GITHUB_TOKEN") {
        Some(text) => Some(Token::new(&text, "GITHUB_TOKEN")?),
        None => {
            missing.push(
                "GITHUB_TOKEN (in the workflow step: `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`)",
            );
            None
        }
    };
    let (Some(number), Some(repository), Some(token)) = (number, repository, token) else {
        return Err(Error::Usage(format!(
            "the pull-request comment needs {}; GitHub Actions sets all but GITHUB_TOKEN \
             (docs/github.md)",
            missing.join(", ")
        )));
    };
    let api_url = var("GITHUB_API_URL").unwrap_or_else(|| DEFAULT_API_URL.to_owned());
    let run_url = var("GITHUB_SERVER_URL")
        .zip(var("GITHUB_RUN_ID"))
        .map(|(server, run)| {
            format!(
                "{}/{repository}/actions/runs/{run}",
                server.trim_end_matches('/')
            )
        });
    Ok(Event::PullRequest(PullRequest {
        repository,
        number,
        client: ClientConfig::new(api_url.trim().trim_end_matches('/').to_owned(), token)?,
        run_url,
        author: var("DEPGOV_COMMENT_AUTHOR"),
    }))
}

/// A variable's value, unless it is unset or blank.
fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

/// The event payload's `pull_request.number`; `None` when the event is not a pull request's.
fn pull_request_number(path: &Path) -> Result<Option<u64>, Error> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: format!("GITHUB_EVENT_PATH={file}"),
        source,
    })?;
    let event: serde_json::Value = serde_json::from_str(&text).map_err(|error| Error::Parse {
        file: file.clone(),
        line: u32::try_from(error.line()).ok().filter(|&line| line > 0),
        message: format!("GITHUB_EVENT_PATH is not a JSON event payload: {error}"),
    })?;
    let Some(pull_request) = event.get("pull_request") else {
        return Ok(None);
    };
    match pull_request
        .get("number")
        .and_then(serde_json::Value::as_u64)
    {
        Some(number) if number > 0 => Ok(Some(number)),
        _ => Err(Error::Parse {
            file,
            line: None,
            message: "pull_request.number is missing or not a positive integer".to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::Repository;

    #[test]
    fn repositories_are_owner_slash_name_and_safe_in_a_route() {
        let parsed = Repository::parse("acme/web.app_2").map(|r| r.to_string());
        assert_eq!(parsed.as_deref(), Some("acme/web.app_2"));
        for bad in [
            "acme",
            "acme/",
            "/app",
            "acme/app/extra",
            "acme/..",
            "acme/a?b",
        ] {
            assert_eq!(Repository::parse(bad), None, "{bad}");
        }
    }
}
