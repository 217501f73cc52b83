//! OpenSSF Scorecard of source repositories: from deps.dev's `POST /v3alpha/projectbatch`
//! (up to 5,000 projects a request), and, for repositories it has none for (or when deps.dev
//! may not be asked), from Scorecard's own API, `GET /projects/github.com/OWNER/REPO` (404 with
//! an empty body: not scored). Both field sets are read: deps.dev says `overallScore` and
//! `shortDescription`, Scorecard's API `score` and `short`.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use super::Usage;
use crate::facts::cache::{Cache, Freshness, now};
use crate::facts::config::Config;
use crate::facts::known::{Answer, Known, fetched};
use crate::model::facts::{Endpoint, FactSource, Scorecard, ScorecardCheck, SourceKind};
use crate::net::http::{Http, Request};
use crate::net::retry::{Failure, Repeat};

/// Scorecard's API is asked about this many repositories at once.
const CONCURRENCY: usize = 8;

/// The Scorecard of each of `projects` (ids) that a source `config` allows has, from the
/// cache where it is fresh; `usage` collects how each source fared.
pub fn ask(
    config: &Config,
    cache: &Cache,
    projects: &[String],
    usage: &Mutex<BTreeMap<FactSource, Usage>>,
) -> HashMap<String, Answer> {
    let mut found = HashMap::new();
    let note = |source: FactSource, update: &dyn Fn(&mut Usage)| {
        if let Ok(mut usage) = usage.lock() {
            update(usage.entry(source).or_default());
        }
    };
    let mut sources = Vec::new();
    if config.allows(SourceKind::DepsDev) {
        sources.push(FactSource::DepsDev);
    }
    if config.allows(SourceKind::Scorecard) {
        sources.push(FactSource::Scorecard);
    }
    let Ok(runtime) = crate::net::runtime() else {
        return found;
    };
    let mut left: Vec<String> = projects.to_vec();
    for source in sources {
        // What the cache holds: a card, or the knowledge that the source has none.
        let mut to_fetch = Vec::new();
        for project in std::mem::take(&mut left) {
            let key = format!("project:{project}");
            let entry = cache.get(source, &key).filter(|entry| {
                config.offline
                    || entry.freshness(config.license_max_age, config.flags_max_age)
                        == Freshness::Fresh
            });
            match entry {
                Some(entry) => {
                    note(source, &|usage| usage.from_cache += 1);
                    match entry.known.scorecard.clone() {
                        Some(_) => {
                            note(source, &|usage| usage.answered += 1);
                            found.insert(
                                project,
                                Answer {
                                    known: entry.known,
                                    origin: fetched(source, entry.fetched),
                                },
                            );
                        }
                        None => left.push(project),
                    }
                }
                None if config.offline => left.push(project),
                None => to_fetch.push(project),
            }
        }
        if to_fetch.is_empty() || config.offline {
            continue;
        }
        let http = match config.http() {
            Ok(http) => http,
            Err(message) => {
                note(source, &|usage| {
                    usage.failure.get_or_insert(message.clone());
                });
                left.extend(to_fetch);
                continue;
            }
        };
        let results: Vec<(String, Result<Option<Scorecard>, Failure>)> = runtime.block_on(async {
            match source {
                FactSource::DepsDev => {
                    let base = config.url(Endpoint::DepsDev);
                    match from_depsdev(&http, base, &to_fetch).await {
                        Ok(cards) => to_fetch
                            .iter()
                            .cloned()
                            .zip(cards.into_iter().map(Ok))
                            .collect(),
                        Err(failure) => to_fetch
                            .iter()
                            .map(|p| (p.clone(), Err(Failure::message(failure.message.clone()))))
                            .collect(),
                    }
                }
                _ => {
                    let base = config.url(Endpoint::Scorecard);
                    futures_util::stream::iter(to_fetch.iter().cloned())
                        .map(|project| {
                            let http = &http;
                            async move {
                                let card = from_api(http, base, &project).await;
                                (project, card)
                            }
                        })
                        .buffer_unordered(CONCURRENCY)
                        .collect()
                        .await
                }
            }
        });
        let requests = http.sent();
        note(source, &|usage| usage.requests += requests);
        for (project, result) in results {
            match result {
                Ok(card) => {
                    let known = Known {
                        scorecard: card,
                        ..Known::default()
                    };
                    cache.put(source, &format!("project:{project}"), &known);
                    match known.scorecard {
                        Some(_) => {
                            note(source, &|usage| usage.answered += 1);
                            found.insert(
                                project,
                                Answer {
                                    known,
                                    origin: fetched(source, now()),
                                },
                            );
                        }
                        None => left.push(project),
                    }
                }
                Err(failure) => {
                    note(source, &|usage| {
                        usage.failure.get_or_insert(failure.message.clone());
                    });
                    left.push(project);
                }
            }
        }
    }
    found
}

/// deps.dev answers at most this many projects a request.
const BATCH: usize = 5000;
/// More pages than this for one batch means a server that keeps sending tokens.
const MAX_PAGES: usize = 100;

/// The Scorecard project id of a repository URL (`github.com/OWNER/REPO`), for the forges
/// Scorecard scores.
pub fn project_id(repository: &str) -> Option<String> {
    let rest = repository
        .strip_prefix("https://")
        .or_else(|| repository.strip_prefix("http://"))?;
    let mut parts = rest.trim_end_matches('/').split('/');
    let (host, owner, repo) = (parts.next()?, parts.next()?, parts.next()?);
    let host = host.to_ascii_lowercase();
    let scored = matches!(host.as_str(), "github.com" | "gitlab.com");
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    };
    (scored && plain(owner) && plain(repo)).then(|| format!("{host}/{owner}/{repo}"))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchRequest<'a> {
    requests: Vec<ProjectRequest<'a>>,
    page_token: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProjectRequest<'a> {
    project_key: ProjectKey<'a>,
}

#[derive(Serialize)]
struct ProjectKey<'a> {
    id: &'a str,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchAnswer {
    #[serde(default)]
    responses: Vec<Response>,
    #[serde(default)]
    next_page_token: String,
}

#[derive(Deserialize)]
struct Response {
    request: serde_json::Value,
    #[serde(default)]
    project: Option<Project>,
}

#[derive(Deserialize)]
struct Project {
    #[serde(default)]
    scorecard: Option<Card>,
}

/// A Scorecard as either service writes it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Card {
    #[serde(default, alias = "score")]
    overall_score: Option<f64>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    checks: Vec<Check>,
}

#[derive(Deserialize)]
struct Check {
    name: String,
    #[serde(default)]
    score: Option<i64>,
    #[serde(default)]
    reason: Option<String>,
}

impl Card {
    fn into_scorecard(self, repository: &str) -> Option<Scorecard> {
        Some(Scorecard {
            repository: repository.to_owned(),
            score: self.overall_score?,
            date: self.date,
            checks: self
                .checks
                .into_iter()
                .map(|check| ScorecardCheck {
                    name: check.name,
                    score: check.score.unwrap_or(-1),
                    reason: check.reason.filter(|r| !r.is_empty()),
                })
                .collect(),
        })
    }
}

/// What deps.dev knows of each of `projects` (ids), in that order; `None` where it has no
/// Scorecard.
pub async fn from_depsdev(
    http: &Http,
    base: &str,
    projects: &[String],
) -> Result<Vec<Option<Scorecard>>, Failure> {
    let mut out = Vec::with_capacity(projects.len());
    for batch in projects.chunks(BATCH) {
        let mut found: std::collections::HashMap<String, Scorecard> = Default::default();
        let mut token = String::new();
        let mut pages = 0;
        loop {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(Failure::message(format!(
                    "deps.dev kept sending pages past {MAX_PAGES}"
                )));
            }
            let body = BatchRequest {
                requests: batch
                    .iter()
                    .map(|id| ProjectRequest {
                        project_key: ProjectKey { id },
                    })
                    .collect(),
                page_token: &token,
            };
            let body = serde_json::to_vec(&body)
                .map_err(|e| Failure::message(format!("cannot write the request: {e}")))?;
            let request = Request::post_json(format!("{base}/v3alpha/projectbatch"), body);
            let answer = http.send(&request, Repeat::Safe, &[]).await?;
            let page: BatchAnswer = answer.json("deps.dev's answer")?;
            for response in page.responses {
                let id = response
                    .request
                    .pointer("/projectKey/id")
                    .and_then(|id| id.as_str())
                    .map(str::to_owned);
                let card = response.project.and_then(|p| p.scorecard);
                if let (Some(id), Some(card)) = (id, card) {
                    if let Some(scorecard) = card.into_scorecard(&id) {
                        found.insert(id, scorecard);
                    }
                }
            }
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        out.extend(batch.iter().map(|id| found.remove(id)));
    }
    Ok(out)
}

/// What Scorecard's API at `base` says of `project` (`github.com/OWNER/REPO`).
pub async fn from_api(
    http: &Http,
    base: &str,
    project: &str,
) -> Result<Option<Scorecard>, Failure> {
    let url = format!("{base}/projects/{project}");
    let card: Option<Card> = http
        .read_json(&Request::get(url), "Scorecard's answer")
        .await?;
    Ok(card.and_then(|card| card.into_scorecard(project)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_ids_are_forge_owner_repo() {
        assert_eq!(
            project_id("https://github.com/Ossf/scorecard").as_deref(),
            Some("github.com/Ossf/scorecard")
        );
        assert_eq!(project_id("https://example.com/a/b"), None);
        assert_eq!(project_id("https://github.com/a"), None);
        assert_eq!(project_id("https://github.com/a/b%2F..").as_deref(), None);
    }

    #[test]
    fn both_services_field_names_are_read() {
        let depsdev: Card = serde_json::from_str(
            r#"{"overallScore": 3.1, "checks": [{"name": "Maintained", "score": 0, "reason": "archived"}, {"name": "Packaging", "score": -1}]}"#,
        )
        .unwrap();
        let card = depsdev.into_scorecard("github.com/o/r").unwrap();
        assert_eq!(card.score, 3.1);
        assert_eq!(card.checks[1].score, -1);
        let api: Card =
            serde_json::from_str(r#"{"score": 7.5, "date": "2026-08-03", "checks": []}"#).unwrap();
        assert_eq!(api.into_scorecard("github.com/o/r").unwrap().score, 7.5);
    }
}
