//! Organisations for the fake GitHub, and the routes `depgov scan-org` reads:
//!
//! - `GET /orgs/{org}/repos` (or `/users/{user}/repos` for an account added as a user, the
//!   other answering 404) — `per_page` (default 30) repositories a page, with `Link` headers;
//! - `GET /repos/{owner}/{name}` — one repository;
//! - `GET /repos/{owner}/{name}/git/trees/{ref}?recursive=1` — the tree of the default branch
//!   (404 for another ref, 409 "Git Repository is empty." for an empty repository), with an
//!   `ETag` and 304 Not Modified when `If-None-Match` holds it;
//! - `GET /repos/{owner}/{name}/git/blobs/{sha}` — a file's text, when asked for
//!   `application/vnd.github.raw`.
//!
//! [`generated`] makes an organisation of any size whose repositories hold lockfiles of several
//! ecosystems in nested folders. [`Chaos`] makes a share of requests fail the way GitHub does
//! under load: 502s, secondary rate limits (403 with `retry-after`) and answers that come too
//! late. Each is chosen by a stable hash of the request's path and hits every odd-numbered
//! request of that path, so that a retry succeeds and a second scan meets the same failures.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::Answer;

/// Writes one lockfile for the `i`th repository.
type Generator = fn(usize) -> String;

/// A repository of a fake organisation.
#[derive(Clone, Debug)]
pub struct FakeRepo {
    /// The name without the owner.
    pub name: String,
    pub default_branch: Option<String>,
    pub archived: bool,
    pub fork: bool,
    pub topics: Vec<String>,
    /// Repository-relative path → text.
    pub files: BTreeMap<String, String>,
    /// Tree entries served as given, whatever they say: `(path, mode, type)`.
    pub odd_entries: Vec<(String, String, String)>,
    /// The tree answers `truncated: true`.
    pub truncated: bool,
    /// The tree answers 409, as for a repository without commits.
    pub empty: bool,
}

impl FakeRepo {
    pub fn new(name: &str) -> FakeRepo {
        FakeRepo {
            name: name.to_owned(),
            default_branch: Some("main".to_owned()),
            archived: false,
            fork: false,
            topics: Vec::new(),
            files: BTreeMap::new(),
            odd_entries: Vec::new(),
            truncated: false,
            empty: false,
        }
    }

    pub fn file(mut self, path: &str, text: &str) -> FakeRepo {
        self.files.insert(path.to_owned(), text.to_owned());
        self
    }

    pub fn branch(mut self, branch: &str) -> FakeRepo {
        self.default_branch = Some(branch.to_owned());
        self
    }

    pub fn topic(mut self, topic: &str) -> FakeRepo {
        self.topics.push(topic.to_owned());
        self
    }

    pub fn archived(mut self) -> FakeRepo {
        self.archived = true;
        self
    }

    pub fn fork(mut self) -> FakeRepo {
        self.fork = true;
        self
    }

    pub fn odd_entry(mut self, path: &str, mode: &str, kind: &str) -> FakeRepo {
        self.odd_entries
            .push((path.to_owned(), mode.to_owned(), kind.to_owned()));
        self
    }
}

/// Failures on a share of the organisation routes' requests, in percent of request paths.
#[derive(Clone, Debug, Default)]
pub struct Chaos {
    pub server_errors: u64,
    pub secondary_limits: u64,
    pub timeouts: u64,
    /// How long a late answer is held back (longer than the client's timeout).
    pub delay: Duration,
    /// `owner/name` of repositories whose tree always answers 500.
    pub broken: Vec<String>,
}

/// GitHub's primary rate limit: `limit` requests a window, counted from its first request.
#[derive(Debug)]
struct RateLimit {
    limit: u64,
    window: Duration,
    started: Instant,
    used: u64,
}

/// What the fake serves for organisations.
#[derive(Debug, Default)]
pub struct Orgs {
    rate_limit: Option<RateLimit>,
    /// Owner → (served as a user, repositories in list order).
    owners: BTreeMap<String, (bool, Vec<FakeRepo>)>,
    /// Blob id → text, for every file ever served.
    blobs: HashMap<String, String>,
    chaos: Option<Chaos>,
    /// Requests per path, for chaos.
    seen: HashMap<String, u64>,
    /// Requests per kind (`list`, `repo`, `tree`, `tree-304`, `blob`).
    pub counts: BTreeMap<&'static str, u64>,
}

/// A 64-bit FNV-1a hash.
fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A 40-hex-digit object id for `text` (not git's, but as stable and as unique for tests).
pub fn object_id(text: &str) -> String {
    let salted = format!("blob {}\0{text}", text.len());
    format!(
        "{:016x}{:016x}{:08x}",
        hash(text.as_bytes()),
        hash(salted.as_bytes()),
        text.len() as u32
    )
}

impl Orgs {
    /// Adds (or replaces) `owner`'s repositories; `user` serves them as a user's.
    pub fn add(&mut self, owner: &str, user: bool, repos: Vec<FakeRepo>) {
        for repo in &repos {
            for text in repo.files.values() {
                self.blobs.insert(object_id(text), text.clone());
            }
        }
        self.owners.insert(owner.to_owned(), (user, repos));
    }

    /// Changes one repository (e.g. a file), as a push would.
    pub fn update(&mut self, owner: &str, name: &str, change: impl FnOnce(&mut FakeRepo)) {
        let repo = self
            .owners
            .get_mut(owner)
            .and_then(|(_, repos)| repos.iter_mut().find(|r| r.name == name))
            .expect("the repository exists");
        change(repo);
        for text in repo.files.values() {
            self.blobs.insert(object_id(text), text.clone());
        }
    }

    pub fn set_rate_limit(&mut self, limit: u64, window: Duration) {
        self.rate_limit = Some(RateLimit {
            limit,
            window,
            started: Instant::now(),
            used: 0,
        });
    }

    /// Counts a request against the rate limit, if one is set: the headers to send, or the
    /// 403 to answer instead. Every 403 is counted as `rate-limited`.
    pub fn spend(&mut self) -> Option<Result<Vec<(String, String)>, Answer>> {
        let limit = self.rate_limit.as_mut()?;
        if limit.started.elapsed() >= limit.window {
            limit.started = Instant::now();
            limit.used = 0;
        }
        let ends = SystemTime::now() + limit.window.saturating_sub(limit.started.elapsed());
        let reset = ends
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() + u64::from(d.subsec_nanos() > 0));
        limit.used += 1;
        let remaining = limit.limit.saturating_sub(limit.used);
        let headers = super::rate_limit_headers(remaining, reset);
        if limit.used > limit.limit {
            *self.counts.entry("rate-limited").or_insert(0) += 1;
            let (status, mut extra, body) =
                super::error(403, "API rate limit exceeded for user ID 1.");
            extra.extend(headers);
            return Some(Err((status, extra, body)));
        }
        Some(Ok(headers))
    }

    pub fn set_chaos(&mut self, chaos: Option<Chaos>) {
        self.chaos = chaos;
    }

    /// A chaos failure for this request, if it gets one: the answer to serve instead, or a
    /// delay before the normal answer.
    pub fn chaos(&mut self, path: &str) -> Option<Injected> {
        let chaos = self.chaos.as_ref()?;
        if !(path.starts_with("/orgs/")
            || path.starts_with("/users/")
            || path.starts_with("/repos/"))
        {
            return None;
        }
        let seen = self.seen.entry(path.to_owned()).or_insert(0);
        *seen += 1;
        let broken = chaos
            .broken
            .iter()
            .any(|repo| path.starts_with(&format!("/repos/{repo}/git/trees/")));
        if broken {
            return Some(Injected::Answer(super::error(500, "Internal Server Error")));
        }
        if *seen % 2 == 0 {
            return None;
        }
        let share = hash(path.as_bytes()) % 100;
        let errors = chaos.server_errors;
        let limits = errors + chaos.secondary_limits;
        let timeouts = limits + chaos.timeouts;
        if share < errors {
            Some(Injected::Answer(super::error(502, "Bad Gateway")))
        } else if share < limits {
            let (status, mut headers, body) = super::error(
                403,
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            );
            headers.push(("retry-after".to_owned(), "1".to_owned()));
            Some(Injected::Answer((status, headers, body)))
        } else if share < timeouts {
            Some(Injected::Delay(chaos.delay))
        } else {
            None
        }
    }

    /// The answer to an organisation route, or `None` for another route.
    pub fn route(
        &mut self,
        api: &str,
        request: &super::Request,
        path: &str,
        query: &str,
    ) -> Option<Answer> {
        if request.method != "GET" {
            return None;
        }
        let parts: Vec<&str> = path.trim_start_matches('/').splitn(6, '/').collect();
        let answer = match parts.as_slice() {
            [kind @ ("orgs" | "users"), owner, "repos"] => {
                self.count("list");
                self.list(api, kind, owner, query)
            }
            ["repos", owner, name] => {
                self.count("repo");
                match self.repo(owner, name) {
                    Some(repo) => (200, Vec::new(), repo_json(api, owner, repo).to_string()),
                    None => super::error(404, "Not Found"),
                }
            }
            ["repos", owner, name, "git", "trees", reference] => {
                let (kind, answer) = self.tree(request, owner, name, &decode(reference));
                self.count(kind);
                answer
            }
            ["repos", owner, name, "git", "blobs", sha] => {
                self.count("blob");
                self.blob(request, owner, name, sha)
            }
            _ => return None,
        };
        Some(answer)
    }

    fn count(&mut self, kind: &'static str) {
        *self.counts.entry(kind).or_insert(0) += 1;
    }

    fn repo(&self, owner: &str, name: &str) -> Option<&FakeRepo> {
        self.owners
            .get(owner)?
            .1
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name))
    }

    fn list(&self, api: &str, kind: &str, owner: &str, query: &str) -> Answer {
        let Some((user, repos)) = self.owners.get(owner) else {
            return super::error(404, "Not Found");
        };
        if *user != (kind == "users") {
            return super::error(404, "Not Found");
        }
        let filter = if kind == "users" { "owner" } else { "all" };
        super::page(
            repos,
            query,
            |repo| repo_json(api, owner, repo),
            |per_page, page| {
                format!("{api}/{kind}/{owner}/repos?type={filter}&per_page={per_page}&page={page}")
            },
        )
    }

    /// The tree answer, and what to count it as.
    fn tree(
        &self,
        request: &super::Request,
        owner: &str,
        name: &str,
        reference: &str,
    ) -> (&'static str, Answer) {
        let Some(repo) = self.repo(owner, name) else {
            return ("tree", super::error(404, "Not Found"));
        };
        if repo.empty {
            return ("tree", super::error(409, "Git Repository is empty."));
        }
        if repo.default_branch.as_deref() != Some(reference) {
            return ("tree", super::error(404, "Not Found"));
        }
        let mut entries: Vec<Value> = Vec::new();
        let mut dirs: Vec<String> = Vec::new();
        for (path, text) in &repo.files {
            let mut dir = path.as_str();
            while let Some(i) = dir.rfind('/') {
                dir = &dir[..i];
                if !dirs.iter().any(|d| d == dir) {
                    dirs.push(dir.to_owned());
                }
            }
            entries.push(json!({
                "path": path, "mode": "100644", "type": "blob", "sha": object_id(text),
                "size": text.len(), "url": "https://api.github.com/blob"
            }));
        }
        for dir in dirs {
            entries.push(json!({
                "path": dir, "mode": "040000", "type": "tree", "sha": object_id(&dir),
                "url": "https://api.github.com/tree"
            }));
        }
        for (path, mode, kind) in &repo.odd_entries {
            entries.push(json!({
                "path": path, "mode": mode, "type": kind, "sha": object_id(path), "size": 10,
                "url": "https://api.github.com/odd"
            }));
        }
        let body = json!({
            "sha": object_id(&format!("{entries:?}")),
            "url": "https://api.github.com/tree",
            "tree": entries,
            "truncated": repo.truncated
        })
        .to_string();
        let etag = format!("W/\"{:016x}\"", hash(body.as_bytes()));
        if request.header("if-none-match") == Some(etag.as_str()) {
            return (
                "tree-304",
                (304, vec![("etag".to_owned(), etag)], String::new()),
            );
        }
        ("tree", (200, vec![("etag".to_owned(), etag)], body))
    }

    fn blob(&self, request: &super::Request, owner: &str, name: &str, sha: &str) -> Answer {
        let Some(text) = self.repo(owner, name).and(self.blobs.get(sha)) else {
            return super::error(404, "Not Found");
        };
        if request.header("accept") != Some("application/vnd.github.raw") {
            return super::error(415, "Unsupported Media Type");
        }
        let raw = vec![(
            "content-type".to_owned(),
            "application/vnd.github.raw".to_owned(),
        )];
        (200, raw, text.clone())
    }
}

/// What chaos does to a request.
pub enum Injected {
    Answer(Answer),
    Delay(Duration),
}

/// `%XX` escapes decoded (branch names in routes).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A repository as GitHub's list shows one (`minimal-repository`, the fields that matter and
/// a few that do not).
fn repo_json(api: &str, owner: &str, repo: &FakeRepo) -> Value {
    let full = format!("{owner}/{}", repo.name);
    json!({
        "id": hash(full.as_bytes()) % 1_000_000_000,
        "node_id": "R_kgDOAAAAAA",
        "name": repo.name,
        "full_name": full,
        "private": false,
        "owner": { "login": owner, "id": 1, "type": "Organization" },
        "html_url": format!("https://github.com/{full}"),
        "url": format!("{api}/repos/{full}"),
        "fork": repo.fork,
        "archived": repo.archived,
        "disabled": false,
        "default_branch": repo.default_branch,
        "topics": repo.topics,
        "visibility": "public",
        "size": repo.files.values().map(String::len).sum::<usize>() / 1024,
        "pushed_at": "2027-01-01T10:00:00Z"
    })
}

/// An organisation of `count` repositories (`repo-0001` …), each with `lockfiles` lockfiles
/// (1 to 4) among `package-lock.json` at the root, `services/api/Cargo.lock`,
/// `tools/scripts/requirements.txt` and `go/worker/go.mod`, whose versions vary with the
/// repository so that some use held or removed versions and others do not.
pub fn generated(count: usize, lockfiles: usize) -> Vec<FakeRepo> {
    (1..=count)
        .map(|i| {
            let mut repo = FakeRepo::new(&format!("repo-{i:04}"));
            let generators: [(&str, Generator); 4] = [
                ("package-lock.json", npm_lock),
                ("services/api/Cargo.lock", cargo_lock),
                ("tools/scripts/requirements.txt", requirements),
                ("go/worker/go.mod", go_mod),
            ];
            for (path, generate) in generators.iter().take(lockfiles.clamp(1, 4)) {
                repo = repo.file(path, &generate(i));
            }
            repo
        })
        .collect()
}

/// A `package-lock.json` (v3) of the `i`th repository: `left-pad` in every third, `moment` in
/// every fifth, `lodash` everywhere, in versions that vary with `i`.
pub fn npm_lock(i: usize) -> String {
    let mut packages = vec![(
        "lodash".to_owned(),
        format!("4.17.{}", 15 + i % 7),
        "MIT".to_owned(),
    )];
    if i % 3 == 0 {
        packages.push(("left-pad".into(), "1.3.0".into(), "WTFPL".into()));
    }
    if i % 5 == 0 {
        packages.push((
            "moment".into(),
            format!("2.{}.0", 20 + i % 10),
            "MIT".into(),
        ));
    }
    let packages: Vec<(&str, &str, &str)> = packages
        .iter()
        .map(|(name, version, license)| (name.as_str(), version.as_str(), license.as_str()))
        .collect();
    // Each repository's own name makes every lockfile a blob of its own, as in real life.
    npm_lock_of(&format!("app-{i}"), &packages)
}

/// A `package-lock.json` (v3) of the package `app`, depending directly on each of `packages`
/// (name, version, license) from the npm registry.
pub fn npm_lock_of(app: &str, packages: &[(&str, &str, &str)]) -> String {
    let mut root_deps = serde_json::Map::new();
    let mut entries = serde_json::Map::new();
    for (name, version, license) in packages {
        root_deps.insert((*name).to_owned(), json!(format!("^{version}")));
        entries.insert(
            format!("node_modules/{name}"),
            json!({
                "version": version,
                "resolved": format!("https://registry.npmjs.org/{name}/-/{name}-{version}.tgz"),
                "integrity": "sha512-AAAA",
                "license": license
            }),
        );
    }
    entries.insert(
        String::new(),
        json!({ "name": app, "version": "1.0.0", "dependencies": root_deps }),
    );
    let lock = json!({
        "name": app, "version": "1.0.0", "lockfileVersion": 3, "requires": true,
        "packages": entries
    });
    serde_json::to_string_pretty(&lock).expect("JSON")
}

/// A `Cargo.lock` (v3): `openssl` below 0.10.55 in every fourth repository, `serde` everywhere.
pub fn cargo_lock(i: usize) -> String {
    let mut packages = vec![("serde", format!("1.0.{}", 180 + i % 20))];
    if i % 4 == 0 {
        packages.push(("openssl", format!("0.10.{}", 50 + i % 10)));
    }
    let mut text = format!(
        "version = 3\n\n[[package]]\nname = \"api-{i}\"\nversion = \"0.1.0\"\ndependencies = [\n"
    );
    for (name, _) in &packages {
        text.push_str(&format!(" \"{name}\",\n"));
    }
    text.push_str("]\n");
    for (name, version) in &packages {
        text.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        ));
    }
    text
}

/// A `requirements.txt`: `pyyaml` (held below 5.4) in every other repository, `requests`.
pub fn requirements(i: usize) -> String {
    let mut text = format!("# tools of repository {i}\nrequests==2.{}.0\n", 25 + i % 7);
    if i % 2 == 0 {
        text.push_str(&format!("PyYAML==5.{}\n", i % 6));
    }
    text
}

/// A `go.mod`: `github.com/pkg/errors` everywhere.
pub fn go_mod(i: usize) -> String {
    format!(
        "module example.com/acme/worker{i}\n\ngo 1.22\n\nrequire github.com/pkg/errors v0.9.{}\n",
        i % 2
    )
}
