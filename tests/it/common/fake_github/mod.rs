//! A fake GitHub REST API for the comment tests: an HTTP/1.1 server on 127.0.0.1 that keeps
//! a pull request's comments between requests and answers with the shapes GitHub documents:
//!
//! - `GET /user` — a user, or 403 "Resource not accessible by integration" as for the
//!   Actions `GITHUB_TOKEN`;
//! - `GET /repos/{owner}/{repo}/issues/{number}/comments` (and the `/repositories/{id}/…`
//!   form GitHub's `Link` headers use) — `per_page` (default 30) comments a page, with
//!   `Link: <…>; rel="next", <…>; rel="last"` (and `prev`, `first`) while more follow;
//! - `POST` on the same route — 201 and the comment, authored by the token's account;
//! - `PATCH /repos/{owner}/{repo}/issues/comments/{id}` — 200 and the comment;
//! - `GET /repos/{owner}/{repo}/contents/{path}?ref={ref}` — a file added with
//!   [`FakeGitHub::add_file`], as text (`Accept: application/vnd.github.raw`, what depgov
//!   asks for); 404 for a file, repository or ref it does not hold;
//! - 422 "Validation Failed" / "Body is too long" past the body limit, 401 without
//!   `Authorization: Bearer {token}`, 404 for anything else;
//! - rate-limit headers (`x-ratelimit-*`) on every answer;
//! - organisations and the routes `depgov scan-org` reads, in [`org`].
//!
//! Tests script failures with [`Fault`]s (or [`org::Chaos`] for a share of many requests) and
//! read back the comments and every request.
//!
//! std only: wiremock would add a dozen crates (h2, deadpool, regex, tokio-macros…) and, by
//! unifying tokio/hyper features with its server's, a second build of the HTTP stack for
//! `cargo test`; and these tests want a stateful server more than a matcher library.

pub mod org;

pub use super::http_request::Request;
use super::http_request::read_request;

use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};

/// An answer: status, extra headers, body.
pub type Answer = (u16, Vec<(String, String)>, String);

/// The repository and pull request the fake serves.
pub const OWNER: &str = "acme";
pub const REPO: &str = "app";
pub const NUMBER: u64 = 7;
const REPO_ID: u64 = 1296269;

/// A comment as the fake stores it.
#[derive(Clone, Debug)]
pub struct Comment {
    pub id: u64,
    pub login: String,
    pub body: String,
}

/// A scripted answer, served instead of the normal one to the next request it matches.
#[derive(Clone, Debug)]
pub struct Fault {
    pub method: &'static str,
    /// A part of the request's path that selects it.
    pub path_contains: &'static str,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// Carry the request out before answering with the fault (a 502 after the write).
    pub apply_first: bool,
}

impl Fault {
    pub fn new(method: &'static str, path_contains: &'static str, status: u16) -> Fault {
        Fault {
            method,
            path_contains,
            status,
            headers: Vec::new(),
            body: json!({ "message": reason(status) }).to_string(),
            apply_first: false,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Fault {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn body(mut self, body: Value) -> Fault {
        self.body = body.to_string();
        self
    }

    pub fn after_applying(mut self) -> Fault {
        self.apply_first = true;
        self
    }
}

/// Who the token is, as `GET /user` and authorship show it.
#[derive(Clone, Debug)]
pub enum TokenKind {
    /// A personal access token: `GET /user` answers with this login.
    User(String),
    /// An installation token such as the Actions `GITHUB_TOKEN`: `GET /user` answers 403 and
    /// comments are by this bot login.
    Installation(String),
}

struct State {
    token: String,
    kind: TokenKind,
    prefix: String,
    max_body: usize,
    comments: Vec<Comment>,
    next_id: u64,
    faults: Vec<Fault>,
    requests: Vec<Request>,
    files: Vec<File>,
    orgs: org::Orgs,
    port: u16,
}

/// A file of some repository at some ref, for the contents API.
struct File {
    repo: String,
    path: String,
    reference: String,
    text: String,
}

/// The fake server; it runs until the test process ends.
pub struct FakeGitHub {
    state: Arc<Mutex<State>>,
    port: u16,
}

impl FakeGitHub {
    /// A server that accepts `token`, at the API root `prefix` (`""`, or `/api/v3` as GitHub
    /// Enterprise Server).
    pub fn start(token: &str, kind: TokenKind, prefix: &str) -> FakeGitHub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let state = Arc::new(Mutex::new(State {
            token: token.to_owned(),
            kind,
            prefix: prefix.to_owned(),
            max_body: 65_536,
            comments: Vec::new(),
            next_id: 1001,
            faults: Vec::new(),
            requests: Vec::new(),
            files: Vec::new(),
            orgs: org::Orgs::default(),
            port,
        }));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        FakeGitHub { state, port }
    }

    /// The API root to put in `GITHUB_API_URL`.
    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}{}", self.port, self.lock().prefix)
    }

    pub fn add_comment(&self, login: &str, body: &str) -> u64 {
        let mut state = self.lock();
        let id = state.next_id;
        state.next_id += 1;
        state.comments.push(Comment {
            id,
            login: login.to_owned(),
            body: body.to_owned(),
        });
        id
    }

    /// Serves `text` as `path` of `repo` (`OWNER/NAME`) at `reference`.
    pub fn add_file(&self, repo: &str, path: &str, reference: &str, text: &str) {
        self.lock().files.push(File {
            repo: repo.to_owned(),
            path: path.to_owned(),
            reference: reference.to_owned(),
            text: text.to_owned(),
        });
    }

    /// Serves `repos` as the repositories of organisation `owner` (or of a user's account).
    pub fn add_org(&self, owner: &str, user: bool, repos: Vec<org::FakeRepo>) {
        self.lock().orgs.add(owner, user, repos);
    }

    /// Changes a repository of an organisation, as a push would.
    pub fn update_repo(&self, owner: &str, name: &str, change: impl FnOnce(&mut org::FakeRepo)) {
        self.lock().orgs.update(owner, name, change);
    }

    /// Fails a share of the organisation routes' requests from now on (`None`: stop).
    pub fn set_chaos(&self, chaos: Option<org::Chaos>) {
        self.lock().orgs.set_chaos(chaos);
    }

    /// Allows `limit` requests per `window` from now on, answering 403 "API rate limit
    /// exceeded" beyond, with GitHub's `x-ratelimit-*` headers on every answer.
    pub fn set_rate_limit(&self, limit: u64, window: std::time::Duration) {
        self.lock().orgs.set_rate_limit(limit, window);
    }

    /// Requests to the organisation routes, by kind (`list`, `repo`, `tree`, `tree-304`,
    /// `blob`).
    pub fn org_counts(&self) -> std::collections::BTreeMap<&'static str, u64> {
        self.lock().orgs.counts.clone()
    }

    /// Forgets the requests seen so far (the log and the counts), e.g. between two scans.
    pub fn forget_requests(&self) {
        let mut state = self.lock();
        state.requests.clear();
        state.orgs.counts.clear();
    }

    pub fn fault(&self, fault: Fault) {
        self.lock().faults.push(fault);
    }

    pub fn set_max_body(&self, max_body: usize) {
        self.lock().max_body = max_body;
    }

    pub fn comments(&self) -> Vec<Comment> {
        self.lock().comments.clone()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.lock().requests.clone()
    }

    /// `METHOD target` of every request, in order.
    pub fn request_lines(&self) -> Vec<String> {
        self.requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.target))
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Answers the requests of one connection (HTTP/1.1 keep-alive) until the client closes it.
fn serve(stream: TcpStream, state: &Mutex<State>) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader) {
        let (answer, delay) = {
            let mut state = state
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            state.requests.push(request.clone());
            answer(&mut state, &request)
        };
        // A late answer is held back outside the lock: other connections go on.
        if let Some(delay) = delay {
            std::thread::sleep(delay);
        }
        if writer.write_all(&answer).is_err() {
            return;
        }
    }
}

/// The bytes of the answer to `request`, and how long to hold them back.
fn answer(state: &mut State, request: &Request) -> (Vec<u8>, Option<std::time::Duration>) {
    let fault = state.faults.iter().position(|fault| {
        fault.method == request.method && request.target.contains(fault.path_contains)
    });
    let path = request
        .target
        .strip_prefix(&state.prefix)
        .unwrap_or(&request.target);
    let path = path
        .split_once('?')
        .map_or(path, |(path, _)| path)
        .to_owned();
    let mut delay = None;
    let limit = state.orgs.spend();
    let (status, mut headers, body) = match fault.map(|index| state.faults.remove(index)) {
        _ if matches!(limit, Some(Err(_))) => match limit.clone() {
            Some(Err(answer)) => answer,
            _ => unreachable!("matched above"),
        },
        Some(fault) => {
            if fault.apply_first {
                route(state, request);
            }
            (fault.status, fault.headers, fault.body)
        }
        None => match state.orgs.chaos(&path) {
            Some(org::Injected::Answer(answer)) => answer,
            Some(org::Injected::Delay(held)) => {
                delay = Some(held);
                route(state, request)
            }
            None => route(state, request),
        },
    };
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\ncontent-length: {}\r\nx-github-media-type: github.v3; format=json\r\n",
        reason(status),
        body.len()
    );
    if let Some(Ok(limit_headers)) = limit {
        headers.extend(limit_headers);
    }
    if !headers.iter().any(|(name, _)| name == "content-type") {
        headers.push((
            "content-type".to_owned(),
            "application/json; charset=utf-8".to_owned(),
        ));
    }
    if !headers
        .iter()
        .any(|(name, _)| name == "x-ratelimit-remaining")
    {
        let in_an_hour = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |now| now.as_secs() + 3600);
        headers.extend(rate_limit_headers(4999, in_an_hour));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    (bytes, delay)
}

/// GitHub's rate-limit headers: `remaining` of 5,000 requests left until `reset` (Unix time).
pub fn rate_limit_headers(remaining: u64, reset: u64) -> Vec<(String, String)> {
    vec![
        ("x-ratelimit-limit".to_owned(), "5000".to_owned()),
        ("x-ratelimit-remaining".to_owned(), remaining.to_string()),
        (
            "x-ratelimit-used".to_owned(),
            (5000 - remaining).to_string(),
        ),
        ("x-ratelimit-reset".to_owned(), reset.to_string()),
        ("x-ratelimit-resource".to_owned(), "core".to_owned()),
    ]
}

/// The normal answer: status, extra headers and body.
fn route(state: &mut State, request: &Request) -> (u16, Vec<(String, String)>, String) {
    let authorized = request.header("authorization") == Some(&format!("Bearer {}", state.token));
    if !authorized {
        return error(401, "Requires authentication");
    }
    let Some(target) = request.target.strip_prefix(&state.prefix) else {
        return error(404, "Not Found");
    };
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let comments_paths = [
        format!("/repos/{OWNER}/{REPO}/issues/{NUMBER}/comments"),
        format!("/repositories/{REPO_ID}/issues/{NUMBER}/comments"),
    ];
    let comment_prefix = format!("/repos/{OWNER}/{REPO}/issues/comments/");
    match (request.method.as_str(), path) {
        ("GET", "/user") => match &state.kind {
            TokenKind::User(login) => (200, Vec::new(), user(login).to_string()),
            TokenKind::Installation(_) => (
                403,
                Vec::new(),
                json!({
                    "message": "Resource not accessible by integration",
                    "documentation_url":
                        "https://docs.github.com/rest/users/users#get-the-authenticated-user",
                    "status": "403"
                })
                .to_string(),
            ),
        },
        ("GET", path) if comments_paths.iter().any(|p| p == path) => list(state, query),
        ("POST", path) if path == comments_paths[0] => {
            let Some(body) = comment_body(request) else {
                return error(400, "Problems parsing JSON");
            };
            if body.chars().count() > state.max_body {
                return too_long(state.max_body);
            }
            let login = match &state.kind {
                TokenKind::User(login) | TokenKind::Installation(login) => login.clone(),
            };
            let id = state.next_id;
            state.next_id += 1;
            let comment = Comment { id, login, body };
            let json = comment_json(&comment, state.port, &state.prefix);
            state.comments.push(comment);
            (201, Vec::new(), json.to_string())
        }
        ("PATCH", path) if path.starts_with(&comment_prefix) => {
            let id = path[comment_prefix.len()..].parse::<u64>().ok();
            let Some(body) = comment_body(request) else {
                return error(400, "Problems parsing JSON");
            };
            if body.chars().count() > state.max_body {
                return too_long(state.max_body);
            }
            let (port, prefix) = (state.port, state.prefix.clone());
            match state.comments.iter_mut().find(|c| Some(c.id) == id) {
                Some(comment) => {
                    comment.body = body;
                    (
                        200,
                        Vec::new(),
                        comment_json(comment, port, &prefix).to_string(),
                    )
                }
                None => error(404, "Not Found"),
            }
        }
        ("GET", path) if path.contains("/contents/") => contents(state, request, path, query),
        (_, path) => {
            let api = format!("http://127.0.0.1:{}{}", state.port, state.prefix);
            state
                .orgs
                .route(&api, request, path, query)
                .unwrap_or_else(|| error(404, "Not Found"))
        }
    }
}

/// `GET /repos/{owner}/{repo}/contents/{path}?ref={ref}`.
fn contents(
    state: &State,
    request: &Request,
    path: &str,
    query: &str,
) -> (u16, Vec<(String, String)>, String) {
    let Some((repo, file)) = path
        .strip_prefix("/repos/")
        .and_then(|rest| rest.split_once("/contents/"))
    else {
        return error(404, "Not Found");
    };
    let reference = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("ref="))
        .unwrap_or("main");
    let Some(found) = state
        .files
        .iter()
        .find(|f| f.repo == repo && f.path == file && f.reference == reference)
    else {
        return error(404, "Not Found");
    };
    // depgov asks for the raw media type; the JSON content object is not faked.
    if request.header("accept") != Some("application/vnd.github.raw") {
        return error(415, "Unsupported Media Type");
    }
    let text_plain = vec![(
        "content-type".to_owned(),
        "text/plain; charset=utf-8".to_owned(),
    )];
    (200, text_plain, found.text.clone())
}

/// A page of comments, with GitHub's `Link` header.
fn list(state: &State, query: &str) -> (u16, Vec<(String, String)>, String) {
    let api = format!("http://127.0.0.1:{}{}", state.port, state.prefix);
    page(
        &state.comments,
        query,
        |comment| comment_json(comment, state.port, &state.prefix),
        |per_page, page| {
            format!(
                "{api}/repositories/{REPO_ID}/issues/{NUMBER}/comments?per_page={per_page}&page={page}"
            )
        },
    )
}

/// The page of `items` that `query` asks for (`per_page`, default 30, and `page`), with
/// GitHub's `Link` header (`prev`, `next`, `last`, `first`) built with `url(per_page, page)`.
pub fn page<T>(
    items: &[T],
    query: &str,
    to_json: impl Fn(&T) -> Value,
    url: impl Fn(usize, usize) -> String,
) -> Answer {
    let param = |name: &str| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == name)
            .and_then(|(_, value)| value.parse::<usize>().ok())
    };
    let per_page = param("per_page").unwrap_or(30).clamp(1, 100);
    let page = param("page").unwrap_or(1).max(1);
    let last = items.len().div_ceil(per_page).max(1);
    let shown: Vec<Value> = items
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(to_json)
        .collect();
    let link = |page: usize, rel: &str| format!("<{}>; rel=\"{rel}\"", url(per_page, page));
    let mut links = Vec::new();
    if page > 1 {
        links.push(link(page - 1, "prev"));
    }
    if page < last {
        links.push(link(page + 1, "next"));
        links.push(link(last, "last"));
    }
    if page > 1 {
        links.push(link(1, "first"));
    }
    let headers = if links.is_empty() {
        Vec::new()
    } else {
        vec![("link".to_owned(), links.join(", "))]
    };
    (200, headers, Value::Array(shown).to_string())
}

fn comment_body(request: &Request) -> Option<String> {
    let body: Value = serde_json::from_str(&request.body).ok()?;
    body.get("body")?.as_str().map(str::to_owned)
}

fn error(status: u16, message: &str) -> (u16, Vec<(String, String)>, String) {
    let body = json!({
        "message": message,
        "documentation_url": "https://docs.github.com/rest",
        "status": status.to_string()
    });
    (status, Vec::new(), body.to_string())
}

fn too_long(max_body: usize) -> (u16, Vec<(String, String)>, String) {
    let body = json!({
        "message": "Validation Failed",
        "errors": [{
            "resource": "IssueComment",
            "code": "unprocessable",
            "field": "data",
            "message": format!("Body is too long (maximum is {max_body} characters)")
        }],
        "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment",
        "status": "422"
    });
    (422, Vec::new(), body.to_string())
}

/// A user as GitHub's REST API shows one (`simple-user`).
fn user(login: &str) -> Value {
    let id = login.bytes().map(u64::from).sum::<u64>();
    let url = format!("https://api.github.com/users/{login}");
    json!({
        "login": login,
        "id": id,
        "node_id": "MDQ6VXNlcjE=",
        "avatar_url": format!("https://avatars.githubusercontent.com/u/{id}?v=4"),
        "gravatar_id": "",
        "url": url,
        "html_url": format!("https://github.com/{login}"),
        "followers_url": format!("{url}/followers"),
        "following_url": format!("{url}/following{{/other_user}}"),
        "gists_url": format!("{url}/gists{{/gist_id}}"),
        "starred_url": format!("{url}/starred{{/owner}}{{/repo}}"),
        "subscriptions_url": format!("{url}/subscriptions"),
        "organizations_url": format!("{url}/orgs"),
        "repos_url": format!("{url}/repos"),
        "events_url": format!("{url}/events{{/privacy}}"),
        "received_events_url": format!("{url}/received_events"),
        "type": if login.ends_with("[bot]") { "Bot" } else { "User" },
        "site_admin": false
    })
}

/// An issue comment as GitHub's REST API shows one.
fn comment_json(comment: &Comment, port: u16, prefix: &str) -> Value {
    let api = format!("http://127.0.0.1:{port}{prefix}");
    json!({
        "id": comment.id,
        "node_id": "IC_kwDOAAABc84AAAAB",
        "url": format!("{api}/repos/{OWNER}/{REPO}/issues/comments/{}", comment.id),
        "html_url": format!(
            "https://github.com/{OWNER}/{REPO}/pull/{NUMBER}#issuecomment-{}",
            comment.id
        ),
        "body": comment.body,
        "user": user(&comment.login),
        "created_at": "2027-01-01T10:00:00Z",
        "updated_at": "2027-01-01T10:00:00Z",
        "issue_url": format!("{api}/repos/{OWNER}/{REPO}/issues/{NUMBER}"),
        "author_association": "CONTRIBUTOR"
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        304 => "Not Modified",
        409 => "Conflict",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
