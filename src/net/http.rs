//! HTTP for every source that is not GitHub (package registries, deps.dev, OSV, Scorecard):
//! one hyper client over rustls with the platform's roots, a short connect timeout, a cap on
//! what an answer may weigh, and every request paced by a [`Throttle`] and retried by
//! [`retry::send`]. Answers with a failing status become [`Failure`]s with a short, cleaned
//! excerpt of the body, so that an HTML error page or a truncated answer is reported, not
//! parsed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, USER_AGENT};
use http::{HeaderMap, HeaderName, Method};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use super::retry::{self, Backoff, Failure, Limits, Repeat};
use super::throttle::{Pace, Throttle};

/// Answers heavier than this are refused (npm's largest packuments are tens of megabytes).
pub const MAX_ANSWER_BYTES: usize = 128 * 1024 * 1024;

/// How long a connection may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// One request.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: Method,
    pub url: String,
    /// Sent as they are; a value that is a secret (a registry token) must not be logged, and
    /// nothing here logs it.
    pub headers: Vec<(HeaderName, String)>,
    pub body: Option<Vec<u8>>,
}

impl Request {
    pub fn get(url: String) -> Request {
        Request {
            method: Method::GET,
            url,
            headers: Vec::new(),
            body: None,
        }
    }

    /// A POST of a JSON body.
    pub fn post_json(url: String, body: Vec<u8>) -> Request {
        Request {
            method: Method::POST,
            url,
            headers: vec![(CONTENT_TYPE, "application/json".to_owned())],
            body: Some(body),
        }
    }

    pub fn header(mut self, name: HeaderName, value: impl Into<String>) -> Request {
        self.headers.push((name, value.into()));
        self
    }
}

/// An answer with a status below 400, or one the caller accepts ([`Http::send`]'s `accept`).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    /// The body as the JSON the service documents; `what` names the answer in the error
    /// ("OSV's answer", "deps.dev's dependency graph").
    pub fn json<T: serde::de::DeserializeOwned>(&self, what: &str) -> Result<T, Failure> {
        serde_json::from_slice(&self.body)
            .map_err(|e| Failure::unreadable(format!("{what} is not the JSON it documents: {e}")))
    }
}

/// Reads a service's error message from a failed answer's body (GitHub's `message` and
/// field errors, say); `None` falls back to an excerpt of the body.
pub type ErrorReader = fn(&[u8]) -> Option<String>;

/// A client for one service.
pub struct Http {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    user_agent: HeaderValue,
    backoff: Backoff,
    throttle: Throttle,
    sent: AtomicU64,
    error_reader: Option<ErrorReader>,
    /// Answers heavier than this are refused.
    max_answer: usize,
}

impl Http {
    /// What a read-only `request` answers, as the JSON the service documents ([`Answer::json`]);
    /// `None` when the service does not know what was asked (404).
    pub async fn read_json<T: serde::de::DeserializeOwned>(
        &self,
        request: &Request,
        what: &str,
    ) -> Result<Option<T>, Failure> {
        let answer = self.send(request, Repeat::Safe, &[404]).await?;
        if answer.status == 404 {
            return Ok(None);
        }
        answer.json(what).map(Some)
    }

    /// A client sending `user_agent`, retrying as `backoff` says and pacing as `pace` says.
    /// Must be built inside a tokio runtime.
    pub fn new(user_agent: &str, backoff: Backoff, pace: Pace) -> Result<Http, String> {
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(CONNECT_TIMEOUT));
        http.enforce_http(false);
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| format!("cannot read the system's certificate roots: {e}"))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        Ok(Http {
            client: Client::builder(TokioExecutor::new()).build(connector),
            user_agent: HeaderValue::from_str(user_agent)
                .map_err(|_| format!("`{user_agent}` is not a valid User-Agent"))?,
            throttle: Throttle::new(&backoff, pace),
            backoff,
            sent: AtomicU64::new(0),
            error_reader: None,
            max_answer: MAX_ANSWER_BYTES,
        })
    }

    /// The same client, taking answers up to `bytes` (a database download).
    pub fn taking_up_to(mut self, bytes: usize) -> Http {
        self.max_answer = bytes;
        self
    }

    /// The same client, reading error messages from failed answers with `reader`.
    pub fn reading_errors(mut self, reader: ErrorReader) -> Http {
        self.error_reader = Some(reader);
        self
    }

    /// The requests the server's rate limit has left, as last reported.
    pub fn rate_limit_remaining(&self) -> Option<u64> {
        self.throttle.remaining()
    }

    /// Attempts sent, retries included.
    pub fn sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    /// Sends `request`, retried as [`retry`] decides; an answer whose status is 400 or more
    /// is a [`Failure`] unless `accept` lists it (404, for "no such package").
    pub async fn send(
        &self,
        request: &Request,
        repeat: Repeat,
        accept: &[u16],
    ) -> Result<Answer, Failure> {
        self.send_counted(request, repeat, accept, &|| {}).await
    }

    /// [`Http::send`], calling `attempted` before every attempt (to count them).
    pub async fn send_counted(
        &self,
        request: &Request,
        repeat: Repeat,
        accept: &[u16],
        attempted: &(dyn Fn() + Sync),
    ) -> Result<Answer, Failure> {
        self.throttle.turn().await?;
        retry::send(&self.backoff, repeat, || {
            attempted();
            self.attempt(request, accept)
        })
        .await
    }

    async fn attempt(&self, request: &Request, accept: &[u16]) -> Result<Answer, Failure> {
        self.sent.fetch_add(1, Ordering::Relaxed);
        let mut builder = http::Request::builder()
            .method(request.method.clone())
            .uri(request.url.as_str())
            .header(USER_AGENT, self.user_agent.clone());
        if !request.headers.iter().any(|(name, _)| name == ACCEPT) {
            builder = builder.header(ACCEPT, "application/json");
        }
        for (name, value) in &request.headers {
            let value = HeaderValue::from_str(value)
                .map_err(|_| Failure::message(format!("a `{name}` header that is not valid")))?;
            builder = builder.header(name, value);
        }
        let body = Full::new(Bytes::from(request.body.clone().unwrap_or_default()));
        let built = builder
            .body(body)
            .map_err(|e| Failure::message(format!("not a valid request: {e}")))?;
        let response = self
            .client
            .request(built)
            .await
            .map_err(|e| Failure::message(format!("no answer: {}", retry::chain(&e))))?;
        let status = response.status();
        self.throttle.observe(status, response.headers());
        let headers = response.headers().clone();
        let body = Limited::new(response.into_body(), self.max_answer)
            .collect()
            .await
            .map_err(|e| Failure::message(format!("the answer broke off: {e}")))?
            .to_bytes();
        let code = status.as_u16();
        if code >= 400 && !accept.contains(&code) {
            let read = self.error_reader.and_then(|reader| reader(&body));
            let message = read
                .unwrap_or_else(|| format!("{status}: {}", excerpt(&body, &credentials(request))));
            return Err(Failure::answer(
                code,
                message,
                Limits::from_headers(&headers),
            ));
        }
        Ok(Answer {
            status: code,
            headers,
            body,
        })
    }
}

/// The credentials `request` carries (the token of an `Authorization` header), which a server
/// may echo back in an error page.
fn credentials(request: &Request) -> Vec<&str> {
    request
        .headers
        .iter()
        .filter(|(name, _)| *name == AUTHORIZATION)
        .map(|(_, value)| {
            value
                .split_once(' ')
                .map_or(value.as_str(), |(_, token)| token)
        })
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .collect()
}

/// The start of a failed answer's body as one line of printable text: enough to tell an HTML
/// error page from a JSON error, never markup or control characters, and never one of
/// `secrets` (blanked out before the text is cut short, so that no part of one is left).
fn excerpt(body: &[u8], secrets: &[&str]) -> String {
    let mut text = String::from_utf8_lossy(body).into_owned();
    for secret in secrets {
        text = text.replace(secret, "***");
    }
    let looks_like_html = text.trim_start().starts_with('<');
    if looks_like_html {
        return "an HTML page".to_owned();
    }
    let line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .filter(|c| !matches!(c, '<' | '>' | '`'))
        .collect();
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        "an empty body".to_owned()
    } else {
        crate::util::text::shorten(&line, 200)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_echoed_token_is_blanked_before_the_excerpt_is_cut() {
        let token = "npm_0123456789abcdefghijklmnopqrstuvwxyz";
        let request = Request::get("https://npm.example/x".to_owned())
            .header(AUTHORIZATION, format!("Bearer {token}"));
        let body = format!("{{\"detail\": \"{}{token}\"}}", "x".repeat(180));
        let excerpt = excerpt(body.as_bytes(), &credentials(&request));
        assert!(!excerpt.contains(&token[..12]), "{excerpt}");
        assert!(excerpt.ends_with("x***\"}"), "{excerpt}");
    }
}
