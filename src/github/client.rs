//! The GitHub client: the one place that builds octocrab (API URL, token) and the tokio
//! runtime it runs on, and the only way depgov sends requests — each through
//! [`retry`](super::retry), lists through [`Client::pages`].
//!
//! The user agent is octocrab's (`octocrab`, with `X-GitHub-Api-Version: 2022-11-28`):
//! octocrab always sends it and appends extra headers, so a `depgov/…` agent would be a second
//! `User-Agent` header, which servers read one of at best.
//!
//! Requests go through octocrab's generic verbs with depgov's own small response types rather
//! than its typed endpoints: octocrab's models require fields older GitHub Enterprise servers
//! and deleted ("ghost") users leave out, and its `update_comment` sends POST where GitHub
//! documents PATCH.
//!
//! The rest of depgov is synchronous: a [`Client`] owns a current-thread runtime and callers
//! enter it once with [`Client::block_on`]; inside, requests are plain `async fn`s that can run
//! concurrently.
//!
//! The token is handed to octocrab and otherwise kept in a [`Token`], which has no `Display`
//! and whose `Debug` shows `***`; every failure message passes through [`Token::redact`].
//!
//! Every attempt first takes its turn from the client's [`Throttle`] (rate limits, pacing) and
//! is counted, in total and in the caller's [`Tally`] when it passes one. Conditional requests
//! ([`Client::get_conditional`]) send the ETag a cache holds and report a 304 as
//! [`Fetched::NotModified`].

use std::fmt;
use std::future::Future;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use http_body_util::BodyExt;
use octocrab::{FromResponse, Octocrab, Page};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::net::retry::{self, Backoff, Failure, Limits, Repeat};
use crate::net::throttle::{Pace, Throttle};

/// GitHub.com's REST API; GitHub Enterprise Server's is `https://HOST/api/v3`.
pub const DEFAULT_API_URL: &str = "https://api.github.com";

/// Lists are read 100 items a page, GitHub's maximum.
const PER_PAGE: u32 = 100;

/// More pages than this (100,000 items) means a server that keeps sending `next` links.
const MAX_PAGES: usize = 1000;

/// A GitHub token: sent in the `Authorization` header and never shown.
pub struct Token(String);

impl Token {
    /// Checks that `text` (surrounding whitespace removed) can be sent in an HTTP header;
    /// `name` is where it came from, for the error, which never shows the token.
    pub fn new(text: &str, name: &str) -> Result<Token, Error> {
        let token = text.trim();
        if token.is_empty() {
            return Err(Error::Usage(format!("{name} is empty")));
        }
        if !token.bytes().all(|byte| byte.is_ascii_graphic()) {
            return Err(Error::Usage(format!(
                "{name} holds spaces, control or non-ASCII characters, which no GitHub token \
                 has; check how the secret was set"
            )));
        }
        Ok(Token(token.to_owned()))
    }

    /// `text` with every occurrence of the token replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.0, "***")
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

/// Everything a [`Client`] is built from.
#[derive(Debug)]
pub struct ClientConfig {
    /// The REST API root, e.g. [`DEFAULT_API_URL`] or `https://HOST/api/v3`.
    pub api_url: String,
    pub token: Token,
    pub backoff: Backoff,
}

impl ClientConfig {
    /// A configuration with the backoff of [`Backoff::from_env`].
    pub fn new(api_url: String, token: Token) -> Result<ClientConfig, Error> {
        Ok(ClientConfig {
            api_url,
            token,
            backoff: Backoff::from_env(
                4,
                std::time::Duration::from_secs(30),
                "DEPGOV_GITHUB_BACKOFF_MS",
                "DEPGOV_GITHUB_TIMEOUT_MS",
            )?,
        })
    }

    /// A configuration from the environment: the token from `GITHUB_TOKEN`, else `GH_TOKEN`;
    /// the API root `api_url` when given, else `GITHUB_API_URL`, else [`DEFAULT_API_URL`].
    /// `purpose` ends the error when no token is set ("to fetch github: policies").
    pub fn from_env(api_url: Option<&str>, purpose: &str) -> Result<ClientConfig, Error> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let token = ["GITHUB_TOKEN", "GH_TOKEN"]
            .iter()
            .find_map(|name| Some(Token::new(&var(name)?, name)))
            .ok_or_else(|| Error::Usage(format!("set GITHUB_TOKEN or GH_TOKEN {purpose}")))??;
        let api_url = api_url
            .map(str::to_owned)
            .or_else(|| var("GITHUB_API_URL"))
            .unwrap_or_else(|| DEFAULT_API_URL.to_owned());
        ClientConfig::new(api_url.trim().trim_end_matches('/').to_owned(), token)
    }
}

/// Requests counted for one purpose (one repository, say): every attempt, and how many of them
/// GitHub answered with 304 Not Modified.
#[derive(Debug, Default)]
pub struct Tally {
    sent: AtomicU32,
    not_modified: AtomicU32,
}

impl Tally {
    /// Attempts sent, retries included.
    pub fn sent(&self) -> u32 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Attempts answered with 304 Not Modified.
    pub fn not_modified(&self) -> u32 {
        self.not_modified.load(Ordering::Relaxed)
    }
}

/// The media type a GET asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accept {
    /// GitHub's JSON (`application/vnd.github+json`).
    Json,
    /// A file's or blob's bytes as they are (`application/vnd.github.raw`).
    Raw,
}

impl Accept {
    fn header(self) -> http::HeaderValue {
        http::HeaderValue::from_static(match self {
            Accept::Json => "application/vnd.github+json",
            Accept::Raw => "application/vnd.github.raw",
        })
    }
}

/// What a conditional GET got.
#[derive(Debug)]
pub enum Fetched {
    /// 304: what the cache holds for the ETag sent is current.
    NotModified,
    /// The answer's body, and its ETag for the next conditional request.
    Body {
        bytes: Vec<u8>,
        etag: Option<String>,
    },
}

/// A request that failed for good: the request, GitHub's status and message. Never holds the
/// token.
#[derive(Debug)]
pub struct ApiError {
    /// Method and route, e.g. `POST /repos/o/r/issues/1/comments`.
    pub request: String,
    pub failure: Failure,
}

impl ApiError {
    /// GitHub refused permission: a 403 that is not a rate limit.
    pub fn is_forbidden(&self) -> bool {
        self.failure.status == Some(403) && !self.failure.is_rate_limit()
    }

    /// GitHub rejected a body as too long (422 "Body is too long").
    pub fn is_body_too_long(&self) -> bool {
        self.failure.status == Some(422)
            && self
                .failure
                .message
                .to_ascii_lowercase()
                .contains("too long")
    }

    /// The error for the user: what depgov was doing, the request and GitHub's answer.
    pub fn into_error(self, action: &str) -> Error {
        Error::GitHub {
            action: action.to_owned(),
            detail: self.to_string(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.failure.status {
            Some(status) => write!(
                f,
                "{} answered {status}: {}",
                self.request, self.failure.message
            ),
            None => write!(f, "{}: {}", self.request, self.failure.message),
        }
    }
}

/// A GitHub API client: octocrab, the runtime it runs on, and the retry policy.
#[derive(Debug)]
pub struct Client {
    octocrab: Octocrab,
    api_url: String,
    token: Token,
    backoff: Backoff,
    throttle: Throttle,
    /// Attempts sent by this client.
    sent: AtomicU64,
    /// Last, so that it is dropped after the octocrab tasks it runs.
    runtime: tokio::runtime::Runtime,
}

impl Client {
    /// Builds the runtime and the octocrab client; fails on an API URL that is not an
    /// `http(s)://` URL.
    pub fn new(config: ClientConfig) -> Result<Client, Error> {
        let ClientConfig {
            api_url,
            token,
            backoff,
        } = config;
        if !(api_url.starts_with("https://") || api_url.starts_with("http://")) {
            return Err(Error::Usage(format!(
                "GITHUB_API_URL={api_url} is not an http(s) URL such as {DEFAULT_API_URL} or \
                 https://HOST/api/v3"
            )));
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| Error::GitHub {
                action: "start the GitHub client".to_owned(),
                detail: source.to_string(),
            })?;
        // octocrab spawns its request buffer on the runtime it is built in.
        let octocrab = {
            let _entered = runtime.enter();
            Octocrab::builder()
                .base_uri(api_url.as_str())
                .map_err(|_| Error::Usage(format!("GITHUB_API_URL={api_url} is not a valid URL")))?
                .personal_token(token.0.clone())
                .build()
                .map_err(|error| Error::GitHub {
                    action: "start the GitHub client".to_owned(),
                    detail: token.redact(&error.to_string()),
                })?
        };
        Ok(Client {
            octocrab,
            api_url,
            token,
            throttle: Throttle::new(&backoff, Pace::default()),
            backoff,
            sent: AtomicU64::new(0),
            runtime,
        })
    }

    /// The same client, pacing its requests as `pace` says (for many requests).
    pub fn paced(mut self, pace: Pace) -> Client {
        self.throttle = Throttle::new(&self.backoff, pace);
        self
    }

    /// Attempts this client has sent, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// The requests GitHub's primary rate limit has left, as last reported.
    pub fn rate_limit_remaining(&self) -> Option<u64> {
        self.throttle.remaining()
    }

    /// Runs `future` — requests made with this client — to completion.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// `GET route`, retried.
    pub async fn get<T: FromResponse>(&self, route: &str) -> Result<T, ApiError> {
        self.send("GET", route, Repeat::Safe, None, || {
            self.octocrab.get(route, None::<&()>)
        })
        .await
    }

    /// `GET route` as `accept`, retried, counted in `tally`. With the `etag` a cache holds
    /// for it, GitHub may answer 304 ([`Fetched::NotModified`]) instead of the body.
    pub async fn get_conditional(
        &self,
        route: &str,
        accept: Accept,
        etag: Option<&str>,
        tally: &Tally,
    ) -> Result<Fetched, ApiError> {
        self.send("GET", route, Repeat::Safe, Some(tally), || async {
            let mut headers = http::header::HeaderMap::new();
            headers.insert(http::header::ACCEPT, accept.header());
            // An ETag that is not a valid header value is not sent: the request is plain.
            if let Some(value) = etag.and_then(|etag| http::HeaderValue::from_str(etag).ok()) {
                headers.insert(http::header::IF_NONE_MATCH, value);
            }
            let response = self
                .octocrab
                ._get_with_headers(route, Some(headers))
                .await?;
            self.throttle.observe(response.status(), response.headers());
            if response.status() == http::StatusCode::NOT_MODIFIED {
                tally.not_modified.fetch_add(1, Ordering::Relaxed);
                return Ok(Fetched::NotModified);
            }
            let response = octocrab::map_github_error(response).await?;
            let etag = response
                .headers()
                .get(http::header::ETAG)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let bytes = response.into_body().collect().await?.to_bytes().to_vec();
            Ok(Fetched::Body { bytes, etag })
        })
        .await
    }

    /// `GET route` for a file's contents as text (`application/vnd.github.raw`), retried.
    pub async fn get_raw(&self, route: &str) -> Result<String, ApiError> {
        self.send("GET", route, Repeat::Safe, None, || async {
            let mut headers = http::header::HeaderMap::new();
            headers.insert(http::header::ACCEPT, Accept::Raw.header());
            let response = self
                .octocrab
                ._get_with_headers(route, Some(headers))
                .await?;
            let response = octocrab::map_github_error(response).await?;
            self.octocrab.body_to_string(response).await
        })
        .await
    }

    /// `POST route` with a JSON body, retried only when GitHub rejected it unseen.
    pub async fn post<T: FromResponse>(
        &self,
        route: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        self.send("POST", route, Repeat::OnlyIfRejected, None, || {
            self.octocrab.post(route, Some(body))
        })
        .await
    }

    /// `PATCH route` with a JSON body, retried.
    pub async fn patch<T: FromResponse>(
        &self,
        route: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        self.send("PATCH", route, Repeat::Safe, None, || {
            self.octocrab.patch(route, Some(body))
        })
        .await
    }

    /// Reads the list at `route` page by page (`per_page=100`, following the `Link` header's
    /// `next`), handing each page to `visit` until it breaks with a value or the list ends.
    pub async fn pages<T, R>(
        &self,
        route: &str,
        mut visit: impl FnMut(Vec<T>) -> ControlFlow<R>,
    ) -> Result<Option<R>, ApiError>
    where
        T: DeserializeOwned,
    {
        let separator = if route.contains('?') { '&' } else { '?' };
        let mut next = Some(format!("{route}{separator}per_page={PER_PAGE}"));
        let mut pages = 0;
        while let Some(uri) = next {
            pages += 1;
            if pages > MAX_PAGES {
                return Err(ApiError {
                    request: format!("GET {}", self.url(route)),
                    failure: Failure::message(format!(
                        "the list goes on for more than {MAX_PAGES} pages"
                    )),
                });
            }
            let mut page: Page<T> = self.get(&uri).await?;
            next = page.next.take().map(|uri| uri.to_string());
            if let ControlFlow::Break(found) = visit(page.take_items()) {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    async fn send<T, F, Fut>(
        &self,
        method: &str,
        route: &str,
        repeat: Repeat,
        tally: Option<&Tally>,
        mut attempt: F,
    ) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = octocrab::Result<T>>,
    {
        let failed = |failure: Failure| ApiError {
            request: self.token.redact(&format!("{method} {}", self.url(route))),
            failure: failure.map_message(|message| self.token.redact(message)),
        };
        self.throttle.turn().await.map_err(failed)?;
        let counted = || {
            self.sent.fetch_add(1, Ordering::Relaxed);
            if let Some(tally) = tally {
                tally.sent.fetch_add(1, Ordering::Relaxed);
            }
            let answer = attempt();
            async { answer.await.map_err(failure) }
        };
        retry::send(&self.backoff, repeat, counted)
            .await
            .map_err(failed)
    }

    /// The URL a route stands for (pages after the first are already absolute).
    pub fn url(&self, route: &str) -> String {
        if route.contains("://") {
            route.to_owned()
        } else {
            format!("{}{route}", self.api_url)
        }
    }
}

/// What octocrab's error says, as far as retrying goes: GitHub's status, message, field
/// errors and rate-limit headers, or what went wrong on the way.
fn failure(error: octocrab::Error) -> Failure {
    match error {
        octocrab::Error::GitHub { source, .. } => {
            let limits = source
                .headers
                .as_ref()
                .map(Limits::from_headers)
                .unwrap_or_default();
            let details: Vec<String> = source
                .errors
                .iter()
                .flatten()
                .map(
                    |error| match error.get("message").and_then(|m| m.as_str()) {
                        Some(message) => message.to_owned(),
                        None => error.to_string(),
                    },
                )
                .collect();
            let mut message = source.message.clone();
            if !details.is_empty() {
                message = format!("{message}: {}", details.join("; "));
            }
            Failure::answer(source.status_code.as_u16(), message, limits)
        }
        error @ (octocrab::Error::Serde { .. }
        | octocrab::Error::Json { .. }
        | octocrab::Error::InvalidUtf8 { .. }) => Failure::unreadable(format!(
            "GitHub's answer could not be read: {}",
            retry::chain(&error)
        )),
        // octocrab's own wrapper ("Service Error: …") says less than its sources.
        error => Failure::message(format!(
            "no answer: {}",
            std::error::Error::source(&error).map_or_else(|| error.to_string(), retry::chain)
        )),
    }
}
