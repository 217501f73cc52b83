//! The OSV API: `POST /v1/querybatch` (at most 1,000 queries a request; it answers each with
//! the ids and modification times of the records that affect it, paginated per query past a
//! thousand), then `GET /v1/vulns/{id}` for each record not already cached in that modification.

use serde::{Deserialize, Serialize};

use super::record::Record;
use crate::net::http::{Http, Request};
use crate::net::percent_encode;
use crate::net::retry::{Failure, Repeat};

/// OSV answers at most this many queries a request.
pub const BATCH: usize = 1000;

/// More pages than this for one query means a server that keeps sending tokens.
const MAX_PAGES: usize = 100;

/// One package version to ask about, with OSV's name of its ecosystem.
#[derive(Clone, Debug, Serialize)]
pub struct Query {
    pub package: QueryPackage,
    pub version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_token: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct QueryPackage {
    pub ecosystem: String,
    pub name: String,
}

/// A record OSV lists for a query: its id and when it was last modified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listed {
    pub id: String,
    #[serde(default)]
    pub modified: Option<String>,
}

#[derive(Serialize)]
struct Batch<'a> {
    queries: &'a [Query],
}

#[derive(Deserialize)]
struct BatchAnswer {
    #[serde(default)]
    results: Vec<QueryAnswer>,
}

#[derive(Deserialize)]
struct QueryAnswer {
    /// Absent when nothing affects the version.
    #[serde(default)]
    vulns: Vec<Listed>,
    #[serde(default)]
    next_page_token: Option<String>,
}

/// The records affecting each of `queries`, in order; `requests` counts the batch requests
/// sent.
pub async fn query(
    http: &Http,
    base: &str,
    queries: &[Query],
) -> Result<Vec<Vec<Listed>>, Failure> {
    let mut out: Vec<Vec<Listed>> = vec![Vec::new(); queries.len()];
    for (chunk_index, chunk) in queries.chunks(BATCH).enumerate() {
        let offset = chunk_index * BATCH;
        let mut pending: Vec<(usize, Query)> = chunk
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, q)| (offset + i, q))
            .collect();
        for _ in 0..MAX_PAGES {
            if pending.is_empty() {
                break;
            }
            let batch: Vec<Query> = pending.iter().map(|(_, q)| q.clone()).collect();
            let body = serde_json::to_vec(&Batch { queries: &batch })
                .map_err(|e| Failure::message(format!("cannot write the request: {e}")))?;
            let request = Request::post_json(format!("{base}/v1/querybatch"), body);
            // Asking is safe to repeat: querybatch only reads.
            let answer = http.send(&request, Repeat::Safe, &[]).await?;
            let page: BatchAnswer = answer.json("OSV's answer")?;
            if page.results.len() != pending.len() {
                return Err(Failure::unreadable(format!(
                    "OSV answered {} results for {} queries",
                    page.results.len(),
                    pending.len()
                )));
            }
            let mut next = Vec::new();
            for ((index, mut query), result) in pending.into_iter().zip(page.results) {
                if let Some(listed) = out.get_mut(index) {
                    listed.extend(result.vulns);
                }
                if let Some(token) = result.next_page_token.filter(|t| !t.is_empty()) {
                    query.page_token = Some(token);
                    next.push((index, query));
                }
            }
            pending = next;
        }
        if !pending.is_empty() {
            return Err(Failure::message(format!(
                "OSV kept sending pages past {MAX_PAGES}"
            )));
        }
    }
    for listed in &mut out {
        listed.sort_by(|a, b| a.id.cmp(&b.id));
        listed.dedup_by(|a, b| a.id == b.id);
    }
    Ok(out)
}

/// The full record `id`.
pub async fn record(http: &Http, base: &str, id: &str) -> Result<Record, Failure> {
    let url = format!("{base}/v1/vulns/{}", percent_encode(id));
    let answer = http.send(&Request::get(url), Repeat::Safe, &[]).await?;
    answer.json(&format!("OSV's record {id}"))
}
