//! OpenSSF Scorecard, where depgov reads it:
//!
//! - deps.dev's `POST /v3alpha/projectbatch` with `{requests: [{projectKey: {id}}], pageToken}`
//!   answers `{responses: [{request, project}], nextPageToken}`, `project.scorecard` holding
//!   `{date, repository{name, commit}, scorecard{version, commit}, checks[]{name, documentation
//!   {shortDescription, url}, score, reason, details}, overallScore}`; `project` is left out for
//!   a repository deps.dev does not know, `scorecard` for one it knows without a card;
//! - Scorecard's own API, `GET /projects/{platform}/{org}/{repo}`, answers the result with
//!   `score` and `documentation.short` instead (ossf/scorecard-webapp's `openapi.yaml`), or a
//!   404 with an empty body for a repository never scored.

use serde_json::{Value, json};

use super::{Reply, Service, State};

/// A repository's card as the fake serves it.
#[derive(Clone, Debug)]
pub struct Card {
    /// `github.com/OWNER/REPO`.
    pub project: String,
    pub score: f64,
    /// Check name, score (-1: not applicable), reason.
    pub checks: Vec<(String, i64, String)>,
    /// The services that have no card for it.
    pub unknown_to: Vec<Service>,
}

impl Card {
    pub fn new(project: &str, score: f64) -> Card {
        Card {
            project: project.to_owned(),
            score,
            checks: Vec::new(),
            unknown_to: Vec::new(),
        }
    }

    pub fn check(mut self, name: &str, score: i64, reason: &str) -> Card {
        self.checks
            .push((name.to_owned(), score, reason.to_owned()));
        self
    }

    pub fn unknown_to(mut self, service: Service) -> Card {
        self.unknown_to.push(service);
        self
    }

    fn seen_by(&self, service: Service) -> bool {
        !self.unknown_to.contains(&service)
    }

    fn checks(&self, short_key: &str) -> Vec<Value> {
        self.checks
            .iter()
            .map(|(name, score, reason)| {
                json!({
                    "name": name,
                    "documentation": {
                        short_key: format!("Determines {name}"),
                        "url": format!("https://github.com/ossf/scorecard/blob/main/docs/checks.md#{}", name.to_lowercase()),
                    },
                    "score": score,
                    "reason": reason,
                    "details": null,
                })
            })
            .collect()
    }
}

const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

/// `POST /v3alpha/projectbatch`.
pub(super) fn projectbatch(state: &State, body: &str) -> Reply {
    let Ok(body) = serde_json::from_str::<Value>(body) else {
        return Reply::json(400, &json!({"code": 3, "message": "invalid JSON"}));
    };
    let requests = body
        .get("requests")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if requests.len() > super::depsdev::BATCH {
        return Reply::json(400, &json!({"code": 3, "message": "too many requests"}));
    }
    let responses: Vec<Value> = requests
        .into_iter()
        .map(|request| {
            let id = request
                .pointer("/projectKey/id")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            match state.cards.iter().find(|card| card.project == id) {
                Some(card) if card.seen_by(Service::DepsDev) => json!({
                    "request": request,
                    "project": {
                        "projectKey": {"id": id},
                        "starsCount": 100,
                        "scorecard": {
                            "date": "2026-11-23T00:00:00Z",
                            "repository": {"name": id, "commit": COMMIT},
                            "scorecard": {"version": "v5.2.1", "commit": COMMIT},
                            "checks": card.checks("shortDescription"),
                            "overallScore": card.score,
                        },
                    },
                }),
                _ => json!({ "request": request }),
            }
        })
        .collect();
    Reply::json(200, &json!({"responses": responses, "nextPageToken": ""}))
}

/// `GET /projects/{platform}/{org}/{repo}`.
pub(super) fn project(state: &State, id: &str) -> Reply {
    let id = id.trim_end_matches('/');
    match state
        .cards
        .iter()
        .find(|card| card.project == id && card.seen_by(Service::Scorecard))
    {
        Some(card) => Reply::json(
            200,
            &json!({
                "date": "2026-11-23",
                "repo": {"name": id, "commit": COMMIT},
                "scorecard": {"version": "v5.2.1", "commit": COMMIT},
                "score": card.score,
                "checks": card.checks("short"),
            }),
        ),
        None => Reply::typed(404, "text/plain", String::new()),
    }
}
