//! An organisation's repositories through the REST API, for `depgov scan-org`:
//!
//! - the list: `GET /orgs/{org}/repos?type=all`, or `GET /users/{user}/repos?type=owner`
//!   when the organisation route answers 404 (the name is a user's), page by page;
//! - one repository: `GET /repos/{owner}/{name}` (for an explicit list of repositories);
//! - a branch's whole tree: `GET /repos/{owner}/{name}/git/trees/{branch}?recursive=1`, sent
//!   with the ETag the cache holds, so that an unchanged tree costs a 304 and no download;
//! - blobs: `GET /repos/{owner}/{name}/git/blobs/{sha}` as raw bytes — from the cache, without
//!   any request, when it holds the object id (a blob never changes).
//!
//! Names from GitHub's answers are checked ([`Repository::parse`]) before they go into a
//! route, and branch names are percent-encoded.

use std::ops::ControlFlow;

use serde::Deserialize;

use super::actions::Repository;
use super::cache::Cache;
use super::client::{Accept, ApiError, Client, Fetched, Tally};
use crate::net::percent_encode;
use crate::net::retry::Failure;

/// A repository as the list shows it (the fields depgov reads).
#[derive(Clone, Debug, Deserialize)]
pub struct RepoInfo {
    /// `owner/name`.
    pub full_name: String,
    /// `None` for a repository without commits, on servers that leave it out.
    #[serde(default)]
    pub default_branch: Option<String>,
    #[serde(default)]
    pub archived: bool,
    #[serde(default)]
    pub fork: bool,
    #[serde(default)]
    pub topics: Vec<String>,
}

/// Every repository of `owner`, an organisation or else a user.
pub async fn list(client: &Client, owner: &str) -> Result<Vec<RepoInfo>, ApiError> {
    let owner = percent_encode(owner);
    let mut repos = Vec::new();
    let mut collect = |page: Vec<RepoInfo>| -> ControlFlow<()> {
        repos.extend(page);
        ControlFlow::Continue(())
    };
    match client
        .pages(&format!("/orgs/{owner}/repos?type=all"), &mut collect)
        .await
    {
        Err(error) if error.failure.status == Some(404) => {
            client
                .pages(&format!("/users/{owner}/repos?type=owner"), &mut collect)
                .await?;
        }
        result => {
            result?;
        }
    }
    Ok(repos)
}

/// One repository, by `owner/name`.
pub async fn get(client: &Client, repo: &Repository, tally: &Tally) -> Result<RepoInfo, ApiError> {
    let route = format!("/repos/{repo}");
    match client
        .get_conditional(&route, Accept::Json, None, tally)
        .await?
    {
        Fetched::Body { bytes, .. } => parse(client, &route, &bytes),
        Fetched::NotModified => Err(unreadable(client, &route, "a 304 to a plain GET")),
    }
}

/// A git tree, recursive.
#[derive(Debug, Deserialize)]
pub struct Tree {
    #[serde(default)]
    pub tree: Vec<TreeEntry>,
    /// GitHub lists at most 100,000 entries (7 MB) and says when it left some out.
    #[serde(default)]
    pub truncated: bool,
}

/// One entry of a tree.
#[derive(Debug, Deserialize)]
pub struct TreeEntry {
    /// Repository-relative, `/`-separated, as the server sent it (unchecked).
    pub path: String,
    /// `100644`, `100755` (files), `120000` (symbolic links), `040000`, `160000` (submodules).
    pub mode: String,
    /// `blob`, `tree` or `commit`.
    #[serde(rename = "type")]
    pub kind: String,
    pub sha: String,
    /// Bytes, for blobs.
    #[serde(default)]
    pub size: Option<u64>,
}

impl TreeEntry {
    /// A regular file (not a directory, a symbolic link or a submodule).
    pub fn is_file(&self) -> bool {
        self.kind == "blob" && self.mode != "120000"
    }
}

/// A blob's bytes, and whether they were downloaded (rather than read from the cache).
#[derive(Debug)]
pub struct Blob {
    pub bytes: Vec<u8>,
    pub downloaded: bool,
}

/// Reads trees and blobs, through the cache when there is one.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    pub client: &'a Client,
    pub cache: Option<&'a Cache>,
}

impl Reader<'_> {
    /// The recursive tree of `branch`; a 304 answer reuses the cached tree.
    pub async fn tree(
        &self,
        repo: &Repository,
        branch: &str,
        tally: &Tally,
    ) -> Result<Tree, ApiError> {
        let route = format!(
            "/repos/{repo}/git/trees/{}?recursive=1",
            percent_encode(branch)
        );
        let url = self.client.url(&route);
        let cached = self.cache.and_then(|cache| cache.answer(&url));
        let etag = cached.as_ref().map(|answer| answer.etag.as_str());
        let fetched = self
            .client
            .get_conditional(&route, Accept::Json, etag, tally)
            .await?;
        match (fetched, cached) {
            (Fetched::NotModified, Some(answer)) => {
                match parse(self.client, &route, &answer.body) {
                    Ok(tree) => Ok(tree),
                    // A damaged cache entry: ask again, unconditionally.
                    Err(_) => self.fresh_tree(&route, &url, tally).await,
                }
            }
            (Fetched::NotModified, None) => self.fresh_tree(&route, &url, tally).await,
            (Fetched::Body { bytes, etag }, _) => self.keep_tree(&route, &url, bytes, etag),
        }
    }

    async fn fresh_tree(&self, route: &str, url: &str, tally: &Tally) -> Result<Tree, ApiError> {
        match self
            .client
            .get_conditional(route, Accept::Json, None, tally)
            .await?
        {
            Fetched::Body { bytes, etag } => self.keep_tree(route, url, bytes, etag),
            Fetched::NotModified => Err(unreadable(self.client, route, "a 304 to a plain GET")),
        }
    }

    fn keep_tree(
        &self,
        route: &str,
        url: &str,
        bytes: Vec<u8>,
        etag: Option<String>,
    ) -> Result<Tree, ApiError> {
        let tree = parse(self.client, route, &bytes)?;
        if let (Some(cache), Some(etag)) = (self.cache, etag) {
            cache.store_answer(url, &etag, &bytes);
        }
        Ok(tree)
    }

    /// The blob `sha` of `repo`, as raw bytes.
    pub async fn blob(
        &self,
        repo: &Repository,
        sha: &str,
        tally: &Tally,
    ) -> Result<Blob, ApiError> {
        if let Some(bytes) = self.cache.and_then(|cache| cache.blob(sha)) {
            return Ok(Blob {
                bytes,
                downloaded: false,
            });
        }
        let route = format!("/repos/{repo}/git/blobs/{}", percent_encode(sha));
        match self
            .client
            .get_conditional(&route, Accept::Raw, None, tally)
            .await?
        {
            Fetched::Body { bytes, .. } => {
                if let Some(cache) = self.cache {
                    cache.store_blob(sha, &bytes);
                }
                Ok(Blob {
                    bytes,
                    downloaded: true,
                })
            }
            Fetched::NotModified => Err(unreadable(self.client, &route, "a 304 to a plain GET")),
        }
    }
}

fn parse<T: serde::de::DeserializeOwned>(
    client: &Client,
    route: &str,
    bytes: &[u8],
) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|error| unreadable(client, route, &error.to_string()))
}

fn unreadable(client: &Client, route: &str, what: &str) -> ApiError {
    ApiError {
        request: format!("GET {}", client.url(route)),
        failure: Failure::message(format!("GitHub's answer could not be read: {what}")),
    }
}
