//! The GitHub client: the API root, the token and the tokio runtime, and the only way depgov
//! sends requests to GitHub — over [`crate::net`]'s HTTP client, so that GitHub and the
//! sources of facts share one HTTP stack, one retry policy and one throttle; lists through
//! [`Client::pages`].
//!
//! Requests carry `Authorization: Bearer`, `Accept: application/vnd.github+json` (or `.raw`),
//! `X-GitHub-Api-Version: 2022-11-28` and a `depgov/VERSION` user agent, and read depgov's own
//! small response types: GitHub's full models require fields older GitHub Enterprise servers
//! and deleted ("ghost") users leave out. A failed answer's message is GitHub's `message` and
//! field `errors`.
//!
//! The rest of depgov is synchronous: a [`Client`] owns a current-thread runtime and callers
//! enter it once with [`Client::block_on`]; inside, requests are plain `async fn`s that can run
//! concurrently.
//!
//! The token is kept in a [`Token`], which has no `Display` and whose `Debug` shows `***`;
//! every failure message passes through [`Token::redact`].
//!
//! Every attempt first takes its turn from the client's throttle (rate limits, pacing) and is
//! counted, in total and in the caller's [`Tally`] when it passes one. Conditional requests
//! ([`Client::get_conditional`]) send the ETag a cache holds and report a 304 as
//! [`Fetched::NotModified`].

use std::fmt;
use std::future::Future;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU32, Ordering};

use http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::net::http::{Answer, Http, Request};
use crate::net::retry::{Backoff, Failure, Repeat};
use crate::net::throttle::Pace;

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
    fn header(self) -> &'static str {
        match self {
            Accept::Json => "application/vnd.github+json",
            Accept::Raw => "application/vnd.github.raw",
        }
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

/// A GitHub API client: the HTTP client, the runtime it runs on, and the API root.
pub struct Client {
    http: Http,
    api_url: String,
    token: Token,
    backoff: Backoff,
    /// Last, so that it is dropped after the requests it runs.
    runtime: tokio::runtime::Runtime,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("api_url", &self.api_url)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Builds the runtime and the HTTP client; fails on an API URL that is not an
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
        let start_failed = |detail: String| Error::GitHub {
            action: "start the GitHub client".to_owned(),
            detail,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|source| start_failed(source.to_string()))?;
        let http = http_client(backoff, Pace::default()).map_err(start_failed)?;
        Ok(Client {
            http,
            api_url,
            token,
            backoff,
            runtime,
        })
    }

    /// The same client, pacing its requests as `pace` says (for many requests).
    pub fn paced(mut self, pace: Pace) -> Client {
        if let Ok(http) = http_client(self.backoff, pace) {
            self.http = http;
        }
        self
    }

    /// Attempts this client has sent, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.http.sent()
    }

    /// The requests GitHub's primary rate limit has left, as last reported.
    pub fn rate_limit_remaining(&self) -> Option<u64> {
        self.http.rate_limit_remaining()
    }

    /// Runs `future` — requests made with this client — to completion.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// `GET route`, retried, read as JSON.
    pub async fn get<T: DeserializeOwned>(&self, route: &str) -> Result<T, ApiError> {
        let answer = self
            .send(Method::GET, route, Accept::Json, None, Repeat::Safe, None)
            .await?;
        self.json(route, &answer.body)
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
        let mut request = self.request(Method::GET, route, accept, None);
        // An ETag that is not a valid header value is not sent: the request is plain.
        if let Some(etag) = etag.filter(|etag| http::HeaderValue::from_str(etag).is_ok()) {
            request = request.header(http::header::IF_NONE_MATCH, etag);
        }
        let answer = self
            .http
            .send_counted(&request, Repeat::Safe, &[304], &|| {
                tally.sent.fetch_add(1, Ordering::Relaxed);
            })
            .await
            .map_err(|failure| self.failed("GET", route, failure))?;
        if answer.status == 304 {
            tally.not_modified.fetch_add(1, Ordering::Relaxed);
            return Ok(Fetched::NotModified);
        }
        let etag = answer
            .headers
            .get(http::header::ETAG)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        Ok(Fetched::Body {
            bytes: answer.body.to_vec(),
            etag,
        })
    }

    /// `GET route` for a file's contents as text (`application/vnd.github.raw`), retried.
    pub async fn get_raw(&self, route: &str) -> Result<String, ApiError> {
        let answer = self
            .send(Method::GET, route, Accept::Raw, None, Repeat::Safe, None)
            .await?;
        crate::util::text::utf8(answer.body.to_vec())
            .map_err(|e| self.failed("GET", route, Failure::unreadable(e.to_string())))
    }

    /// `POST route` with a JSON body, retried only when GitHub rejected it unseen.
    pub async fn post<T: DeserializeOwned>(
        &self,
        route: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        let body = self.body(route, body)?;
        let answer = self
            .send(
                Method::POST,
                route,
                Accept::Json,
                Some(body),
                Repeat::OnlyIfRejected,
                None,
            )
            .await?;
        self.json(route, &answer.body)
    }

    /// `PATCH route` with a JSON body, retried.
    pub async fn patch<T: DeserializeOwned>(
        &self,
        route: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        let body = self.body(route, body)?;
        let answer = self
            .send(
                Method::PATCH,
                route,
                Accept::Json,
                Some(body),
                Repeat::Safe,
                None,
            )
            .await?;
        self.json(route, &answer.body)
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
            let answer = self
                .send(Method::GET, &uri, Accept::Json, None, Repeat::Safe, None)
                .await?;
            let page: Vec<T> = self.json(&uri, &answer.body)?;
            next = answer
                .headers
                .get_all(http::header::LINK)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .find_map(next_link);
            if let ControlFlow::Break(found) = visit(page) {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// A request to `route` (or, for pages after the first, the absolute URL GitHub gave).
    fn request(
        &self,
        method: Method,
        route: &str,
        accept: Accept,
        body: Option<Vec<u8>>,
    ) -> Request {
        let mut request = Request {
            method,
            url: self.url(route),
            headers: Vec::new(),
            body: None,
        };
        if let Some(body) = body {
            request.body = Some(body);
            request = request.header(http::header::CONTENT_TYPE, "application/json");
        }
        request
            .header(http::header::ACCEPT, accept.header())
            .header(
                http::header::AUTHORIZATION,
                format!("Bearer {}", self.token.0),
            )
            .header(API_VERSION, "2022-11-28")
    }

    async fn send(
        &self,
        method: Method,
        route: &str,
        accept: Accept,
        body: Option<Vec<u8>>,
        repeat: Repeat,
        tally: Option<&Tally>,
    ) -> Result<Answer, ApiError> {
        let verb = method.to_string();
        let request = self.request(method, route, accept, body);
        self.http
            .send_counted(&request, repeat, &[], &|| {
                if let Some(tally) = tally {
                    tally.sent.fetch_add(1, Ordering::Relaxed);
                }
            })
            .await
            .map_err(|failure| self.failed(&verb, route, failure))
    }

    fn body(&self, route: &str, body: &impl Serialize) -> Result<Vec<u8>, ApiError> {
        serde_json::to_vec(body).map_err(|e| {
            self.failed(
                "POST",
                route,
                Failure::message(format!("cannot write the body: {e}")),
            )
        })
    }

    fn json<T: DeserializeOwned>(&self, route: &str, body: &[u8]) -> Result<T, ApiError> {
        serde_json::from_slice(body).map_err(|e| {
            self.failed(
                "GET",
                route,
                Failure::unreadable(format!("GitHub's answer could not be read: {e}")),
            )
        })
    }

    /// A failure as an [`ApiError`], the token blanked out of everything it says.
    fn failed(&self, method: &str, route: &str, failure: Failure) -> ApiError {
        ApiError {
            request: self.token.redact(&format!("{method} {}", self.url(route))),
            failure: failure.map_message(|message| self.token.redact(message)),
        }
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

/// The header that pins the REST API's version.
const API_VERSION: http::HeaderName = http::HeaderName::from_static("x-github-api-version");

/// An HTTP client for GitHub, reading GitHub's error messages.
fn http_client(backoff: Backoff, pace: Pace) -> Result<Http, String> {
    let agent = format!("depgov/{}", env!("CARGO_PKG_VERSION"));
    Ok(Http::new(&agent, backoff, pace)?.reading_errors(github_message))
}

/// The `next` URL of a `Link` header: `<URL>; rel="next", <URL>; rel="last"`.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|link| {
        let (url, params) = link.trim().split_once(';')?;
        let next = params
            .split(';')
            .any(|param| param.trim().replace(' ', "") == "rel=\"next\"");
        next.then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
    })
}

/// GitHub's error body: `message`, and the `errors` that say more.
fn github_message(body: &[u8]) -> Option<String> {
    let error: serde_json::Value = serde_json::from_slice(body).ok()?;
    let mut message = error.get("message")?.as_str()?.to_owned();
    let details: Vec<String> = error
        .get("errors")
        .and_then(|errors| errors.as_array())
        .into_iter()
        .flatten()
        .map(
            |error| match error.get("message").and_then(|m| m.as_str()) {
                Some(message) => message.to_owned(),
                None => error.to_string(),
            },
        )
        .collect();
    if !details.is_empty() {
        message = format!("{message}: {}", details.join("; "));
    }
    Some(message)
}
