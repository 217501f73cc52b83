//! Fake package-data services for the facts tests (`tests/it/facts_remote.rs`) and the facts
//! benchmark (`examples/fake_sources.rs`): one HTTP/1.1 server on 127.0.0.1 that serves every
//! service depgov asks about package versions, each on its own path and in its own documented
//! shape, from one catalogue:
//!
//! - deps.dev ([`depsdev`]): `POST /v3alpha/versionbatch` (at most 5,000 versions a request,
//!   `nextPageToken` pages when a test asks for small ones) and
//!   `GET /v3/systems/{s}/packages/{n}/versions/{v}` and its `:dependencies` graph, and
//!   `GET /v3/systems/{s}/packages/{n}` (every version of a package);
//! - the npm registry ([`npm`]) under `/npm/`: the full packument, or the abbreviated one when
//!   asked for `application/vnd.npm.install-v1+json`; a private registry under
//!   `/private/npm/` that wants `Authorization: Bearer TOKEN`;
//! - PyPI's JSON API ([`pypi`]): `GET /pypi/{project}/{version}/json` and `/pypi/{project}/json`,
//!   and the JSON Simple API, `GET /simple/{project}/`;
//! - crates.io ([`crates`]): the sparse index under `/index/` and the API under
//!   `/api/v1/crates/`;
//! - OpenSSF Scorecard ([`scorecard`]): deps.dev's `POST /v3alpha/projectbatch` and Scorecard's
//!   own `GET /projects/{platform}/{org}/{repo}`, from the [`Card`]s a test adds;
//! - OSV ([`osv`]): `POST /v1/querybatch` (at most 1,000 queries a request, `next_page_token`
//!   pages per query), `GET /v1/vulns/{id}`, and the offline database's `GET
//!   /{Ecosystem}/all.zip`, from the OSV records a test adds.
//!
//! A test says once what the fake knows — [`Package::npm`]`("left-pad", "1.3.0").license("MIT")
//! .published(…).deprecated(…)` — and every service answers consistently. [`FakeSources::env`]
//! gives the `DEPGOV_*_URL` variables that point depgov at it.
//!
//! Tests script failures per route with [`Fault`]s (a 429 with `Retry-After`, 5xx, a
//! Cloudflare-like HTML page, truncated JSON, a connection that is never answered, a late
//! answer), and read back every request and the number of requests per [`Route`].
//!
//! std only, like the fake GitHub (`../fake_github/`), for the same reasons.

mod crates;
mod depsdev;
mod npm;
mod osv;
mod pypi;
mod scorecard;

pub use scorecard::Card;

use std::collections::{BTreeMap, HashMap};
use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{Value, json};

/// A package system, as deps.dev names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum System {
    Npm,
    Pypi,
    Cargo,
    Go,
    Maven,
    Nuget,
    RubyGems,
}

impl System {
    const ALL: [System; 7] = [
        System::Npm,
        System::Pypi,
        System::Cargo,
        System::Go,
        System::Maven,
        System::Nuget,
        System::RubyGems,
    ];

    /// deps.dev's name of the system.
    pub fn depsdev(self) -> &'static str {
        match self {
            System::Npm => "NPM",
            System::Pypi => "PYPI",
            System::Cargo => "CARGO",
            System::Go => "GO",
            System::Maven => "MAVEN",
            System::Nuget => "NUGET",
            System::RubyGems => "RUBYGEMS",
        }
    }

    /// The package-URL type, which is also depgov's name of the ecosystem in its reports.
    pub fn purl_type(self) -> &'static str {
        match self {
            System::Npm => "npm",
            System::Pypi => "pypi",
            System::Cargo => "cargo",
            System::Go => "golang",
            System::Maven => "maven",
            System::Nuget => "nuget",
            System::RubyGems => "gem",
        }
    }

    /// The system a package-URL type or a deps.dev system name (any case) stands for.
    pub fn from_name(name: &str) -> Option<System> {
        System::ALL.into_iter().find(|system| {
            name.eq_ignore_ascii_case(system.depsdev())
                || name.eq_ignore_ascii_case(system.purl_type())
        })
    }

    /// A name as the system compares names: PyPI's normalized (PEP 503), crates.io's and
    /// NuGet's without case, the others as written.
    fn normalize(self, name: &str) -> String {
        match self {
            System::Pypi => {
                let mut out = String::new();
                for part in name.split(['-', '_', '.']).filter(|part| !part.is_empty()) {
                    if !out.is_empty() {
                        out.push('-');
                    }
                    out.push_str(&part.to_lowercase());
                }
                out
            }
            System::Cargo | System::Nuget => name.to_lowercase(),
            _ => name.to_owned(),
        }
    }
}

/// A service the fake plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    DepsDev,
    Npm,
    Pypi,
    CratesIndex,
    CratesApi,
    /// Scorecard's own API.
    Scorecard,
}

/// A package version the fake knows, and what every service says of it.
#[derive(Clone, Debug)]
pub struct Package {
    pub system: System,
    pub name: String,
    pub version: String,
    /// The declared license; `None` for a version that declares none.
    pub license: Option<String>,
    /// When the version was published, `YYYY-MM-DDTHH:MM:SSZ`; each service writes it in its
    /// own format.
    pub published: Option<String>,
    /// Deprecated, with the message.
    pub deprecated: Option<String>,
    /// Yanked (crates.io, PyPI), with the reason (empty when none was given).
    pub yanked: Option<String>,
    /// The source repository, `https://host/owner/repo`.
    pub repository: Option<String>,
    /// What deps.dev says of the version instead, when it disagrees with the registry.
    pub depsdev: Option<Box<Package>>,
    /// The services that do not know the version.
    pub unknown_to: Vec<Service>,
    /// Served by the private npm registry only.
    pub private: bool,
    /// The project's status on PyPI (PEP 792) and its reason, when not `active`.
    pub project_status: Option<(String, Option<String>)>,
    /// What the version depends on (name, the version it resolves to), for deps.dev's
    /// resolved dependency graphs.
    pub dependencies: Vec<(String, String)>,
}

impl Package {
    pub fn new(system: System, name: &str, version: &str) -> Package {
        Package {
            system,
            name: name.to_owned(),
            version: version.to_owned(),
            license: None,
            published: None,
            deprecated: None,
            yanked: None,
            repository: None,
            depsdev: None,
            unknown_to: Vec::new(),
            private: false,
            project_status: None,
            dependencies: Vec::new(),
        }
    }

    pub fn npm(name: &str, version: &str) -> Package {
        Package::new(System::Npm, name, version)
    }

    pub fn pypi(name: &str, version: &str) -> Package {
        Package::new(System::Pypi, name, version)
    }

    pub fn cargo(name: &str, version: &str) -> Package {
        Package::new(System::Cargo, name, version)
    }

    pub fn go(name: &str, version: &str) -> Package {
        Package::new(System::Go, name, version)
    }

    pub fn maven(name: &str, version: &str) -> Package {
        Package::new(System::Maven, name, version)
    }

    pub fn license(mut self, license: &str) -> Package {
        self.license = Some(license.to_owned());
        self
    }

    pub fn published(mut self, published: &str) -> Package {
        self.published = Some(published.to_owned());
        self
    }

    pub fn deprecated(mut self, message: &str) -> Package {
        self.deprecated = Some(message.to_owned());
        self
    }

    pub fn yanked(mut self, reason: &str) -> Package {
        self.yanked = Some(reason.to_owned());
        self
    }

    pub fn repository(mut self, url: &str) -> Package {
        self.repository = Some(url.to_owned());
        self
    }

    /// PyPI marks the project `status` (PEP 792: archived, quarantined, deprecated).
    pub fn project_status(mut self, status: &str, reason: Option<&str>) -> Package {
        self.project_status = Some((status.to_owned(), reason.map(str::to_owned)));
        self
    }

    /// The version depends on `name` at `version` (as deps.dev resolves it).
    pub fn depends_on(mut self, name: &str, version: &str) -> Package {
        self.dependencies
            .push((name.to_owned(), version.to_owned()));
        self
    }

    /// deps.dev says what `change` makes of the version instead.
    pub fn on_depsdev(mut self, change: impl FnOnce(Package) -> Package) -> Package {
        let seen = change(Package {
            depsdev: None,
            ..self.clone()
        });
        self.depsdev = Some(Box::new(seen));
        self
    }

    /// `service` does not know the version.
    pub fn unknown_to(mut self, service: Service) -> Package {
        self.unknown_to.push(service);
        self
    }

    /// Served by the private npm registry only: neither the public one nor deps.dev knows it.
    pub fn private(mut self) -> Package {
        self.private = true;
        self
    }

    /// How `service` sees the version, if it knows it.
    fn seen_by(&self, service: Service) -> Option<&Package> {
        let private_ok = !self.private || service == Service::Npm;
        if !private_ok || self.unknown_to.contains(&service) {
            return None;
        }
        match (&self.depsdev, service) {
            (Some(seen), Service::DepsDev) => Some(seen),
            _ => Some(self),
        }
    }

    /// The package URL of the version.
    fn purl(&self) -> String {
        let name = match self.system {
            System::Npm => self.name.replacen('@', "%40", 1),
            System::Maven => self.name.replacen(':', "/", 1),
            System::Pypi => self.system.normalize(&self.name),
            _ => self.name.clone(),
        };
        format!("pkg:{}/{name}@{}", self.system.purl_type(), self.version)
    }

    /// The repository as `host/owner/repo`, as deps.dev names projects.
    fn project(&self) -> Option<String> {
        let url = self.repository.as_deref()?;
        Some(
            url.split_once("://")
                .map_or(url, |(_, rest)| rest)
                .to_owned(),
        )
    }
}

/// The routes of the fake, as requests are counted and faults scripted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Route {
    /// `POST /v3alpha/versionbatch`.
    DepsDevBatch,
    /// `GET /v3/systems/{s}/packages/{n}/versions/{v}`.
    DepsDevVersion,
    /// `GET /v3/systems/{s}/packages/{n}` (GetPackage: the package's versions).
    DepsDevPackage,
    /// `GET /v3/systems/{s}/packages/{n}/versions/{v}:dependencies`.
    DepsDevDependencies,
    /// `GET /npm/{name}`.
    Npm,
    /// `GET /private/npm/{name}`.
    NpmPrivate,
    /// `GET /pypi/{project}/{version}/json`, `GET /pypi/{project}/json`.
    Pypi,
    /// `GET /simple/{project}/` (the JSON Simple API).
    PypiSimple,
    /// `POST /v3alpha/projectbatch`.
    DepsDevProjects,
    /// `GET /projects/{platform}/{org}/{repo}` (Scorecard's API).
    Scorecard,
    /// `GET /index/…`.
    CratesIndex,
    /// `GET /api/v1/crates/{name}`.
    CratesApi,
    /// OSV's `POST /v1/querybatch`.
    OsvBatch,
    /// OSV's `GET /v1/vulns/{id}`.
    OsvVuln,
    /// OSV's offline database, `GET /{Ecosystem}/all.zip`.
    OsvArchive,
    /// The fake's own `GET /_fake/counts` and `POST /_fake/forget`, for the benchmark; not
    /// counted.
    Control,
    /// Anything else (answered 404).
    Other,
}

impl Route {
    fn of(method: &str, path: &str) -> Route {
        match method {
            "POST" if path == "/v3alpha/versionbatch" => Route::DepsDevBatch,
            "POST" if path == "/v3alpha/projectbatch" => Route::DepsDevProjects,
            "POST" if path == "/v1/querybatch" => Route::OsvBatch,
            "GET" if path.starts_with("/v1/vulns/") => Route::OsvVuln,
            "GET" if path.ends_with("/all.zip") => Route::OsvArchive,
            "GET" if path.starts_with("/projects/") => Route::Scorecard,
            // The name is percent-encoded whole, so a package's path has five slashes.
            "GET" if path.starts_with("/v3/systems/") && path.matches('/').count() == 5 => {
                Route::DepsDevPackage
            }
            "GET" if path.starts_with("/v3/systems/") && path.ends_with(":dependencies") => {
                Route::DepsDevDependencies
            }
            "GET" if path.starts_with("/v3/systems/") => Route::DepsDevVersion,
            "GET" if path.starts_with("/npm/") => Route::Npm,
            "GET" if path.starts_with("/private/npm/") => Route::NpmPrivate,
            "GET" if path.starts_with("/pypi/") => Route::Pypi,
            "GET" if path.starts_with("/simple/") => Route::PypiSimple,
            "GET" if path.starts_with("/index/") => Route::CratesIndex,
            "GET" if path.starts_with("/api/v1/crates/") => Route::CratesApi,
            _ if path.starts_with("/_fake/") => Route::Control,
            _ => Route::Other,
        }
    }

    /// Its name in the counts `GET /_fake/counts` gives.
    fn name(self) -> &'static str {
        match self {
            Route::DepsDevBatch => "deps.dev versionbatch",
            Route::DepsDevVersion => "deps.dev GetVersion",
            Route::DepsDevPackage => "deps.dev GetPackage",
            Route::DepsDevDependencies => "deps.dev GetDependencies",
            Route::DepsDevProjects => "deps.dev projectbatch",
            Route::Scorecard => "Scorecard",
            Route::Npm => "npm",
            Route::NpmPrivate => "npm (private)",
            Route::Pypi => "PyPI",
            Route::PypiSimple => "PyPI Simple",
            Route::CratesIndex => "crates.io index",
            Route::CratesApi => "crates.io API",
            Route::OsvBatch => "OSV querybatch",
            Route::OsvVuln => "OSV vulns",
            Route::OsvArchive => "OSV all.zip",
            Route::Control => "control",
            Route::Other => "other",
        }
    }
}

/// A scripted failure, served instead of (or on top of) a route's normal answer.
#[derive(Clone, Debug)]
pub enum Fault {
    /// This status, headers and body.
    Status {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// A Cloudflare-like HTML error page, with this status (200 or 503 as seen in the wild).
    Html(u16),
    /// The normal answer, its body cut in the middle.
    Truncated,
    /// The request is read and never answered; the connection stays open until the client
    /// closes it.
    Hang,
    /// The normal answer, this much later.
    Delay(Duration),
}

impl Fault {
    /// `status` with a short JSON error body.
    pub fn status(status: u16) -> Fault {
        Fault::Status {
            status,
            headers: Vec::new(),
            body: json!({ "error": reason(status) }).to_string(),
        }
    }

    /// 429 Too Many Requests with `Retry-After: SECONDS`.
    pub fn rate_limited(seconds: u64) -> Fault {
        Fault::Status {
            status: 429,
            headers: vec![("retry-after".to_owned(), seconds.to_string())],
            body: json!({ "error": "Too Many Requests" }).to_string(),
        }
    }

    /// `status` with this body (a registry's own error text).
    pub fn body(status: u16, body: &str) -> Fault {
        Fault::Status {
            status,
            headers: Vec::new(),
            body: body.to_owned(),
        }
    }
}

struct Scripted {
    route: Route,
    fault: Fault,
    /// How many more requests it answers; `None` for all of them.
    left: Option<usize>,
}

/// A request as the fake received it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub route: Route,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The path without the query, percent-decoded.
    fn path(&self) -> String {
        let path = self.target.split('?').next().unwrap_or("");
        decode(path)
    }
}

/// An answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    fn json(status: u16, body: &Value) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".to_owned(), "application/json".to_owned())],
            body: body.to_string().into_bytes(),
        }
    }

    fn typed(status: u16, content_type: &str, body: String) -> Reply {
        Reply {
            status,
            headers: vec![("content-type".to_owned(), content_type.to_owned())],
            body: body.into_bytes(),
        }
    }
}

/// The package versions the fake knows, by system and name as the system compares names.
#[derive(Default)]
struct Catalogue {
    packages: HashMap<(System, String), Vec<Package>>,
}

impl Catalogue {
    fn add(&mut self, package: Package) {
        let versions = self
            .packages
            .entry((package.system, package.system.normalize(&package.name)))
            .or_default();
        versions.retain(|known| known.version != package.version);
        versions.push(package);
    }

    /// Every version of a package that `service` knows.
    fn versions(&self, service: Service, system: System, name: &str) -> Vec<&Package> {
        self.packages
            .get(&(system, system.normalize(name)))
            .map(|versions| {
                versions
                    .iter()
                    .filter_map(|package| package.seen_by(service))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Whether `package` is the default version of its package: as on the registries, the one
    /// published last (added last here).
    fn is_default(&self, service: Service, package: &Package) -> bool {
        self.versions(service, package.system, &package.name)
            .last()
            .is_some_and(|last| last.version == package.version)
    }

    fn version(
        &self,
        service: Service,
        system: System,
        name: &str,
        version: &str,
    ) -> Option<&Package> {
        self.versions(service, system, name)
            .into_iter()
            .find(|package| package.version == version)
    }
}

struct State {
    catalogue: Catalogue,
    /// Scorecards of source repositories.
    cards: Vec<Card>,
    faults: Vec<Scripted>,
    /// deps.dev's page size for versionbatch.
    page_size: usize,
    osv: osv::Osv,
    /// The token the private npm registry wants (none when empty).
    npm_token: String,
    requests: Vec<Request>,
    counts: BTreeMap<Route, u64>,
}

/// The fake server; it runs until the process ends.
pub struct FakeSources {
    state: Arc<Mutex<State>>,
    port: u16,
}

impl FakeSources {
    pub fn start() -> FakeSources {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let state = Arc::new(Mutex::new(State {
            catalogue: Catalogue::default(),
            cards: Vec::new(),
            faults: Vec::new(),
            page_size: depsdev::BATCH,
            osv: osv::Osv::default(),
            npm_token: String::new(),
            requests: Vec::new(),
            counts: BTreeMap::new(),
        }));
        let shared = Arc::clone(&state);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let state = Arc::clone(&shared);
                std::thread::spawn(move || serve(stream, &state));
            }
        });
        FakeSources { state, port }
    }

    /// `http://127.0.0.1:PORT`, where deps.dev, PyPI and crates.io's API are.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The private npm registry, for `.npmrc`.
    pub fn private_npm_url(&self) -> String {
        format!("{}/private/npm/", self.base())
    }

    /// The variables that point depgov at the fake.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let base = self.base();
        vec![
            ("DEPGOV_DEPSDEV_URL", base.clone()),
            ("DEPGOV_NPM_URL", format!("{base}/npm")),
            ("DEPGOV_PYPI_URL", base.clone()),
            ("DEPGOV_CRATES_URL", base.clone()),
            ("DEPGOV_CRATES_INDEX_URL", format!("{base}/index")),
            ("DEPGOV_SCORECARD_URL", base.clone()),
            ("DEPGOV_OSV_URL", base.clone()),
            ("DEPGOV_OSV_DATABASE_URL", base.clone()),
        ]
    }

    /// Knows `package` from now on, replacing what it knew of that version.
    pub fn add(&self, package: Package) -> &FakeSources {
        self.lock().catalogue.add(package);
        self
    }

    /// Has `card` for its repository from now on (deps.dev and Scorecard's API alike unless
    /// the card says otherwise).
    pub fn add_scorecard(&self, card: Card) -> &FakeSources {
        let mut state = self.lock();
        state.cards.retain(|known| known.project != card.project);
        state.cards.push(card);
        drop(state);
        self
    }

    /// Serves `record` (an OSV record, ossf/osv-schema JSON) from now on, in place of one with
    /// its id.
    pub fn add_osv(&self, record: Value) -> &FakeSources {
        self.lock().osv.add(record);
        self
    }

    /// OSV lists at most `size` records a page for one query.
    pub fn set_osv_page_size(&self, size: usize) {
        self.lock().osv.page_size = size.max(1);
    }

    /// The private npm registry wants `Authorization: Bearer TOKEN`.
    pub fn set_npm_token(&self, token: &str) {
        self.lock().npm_token = token.to_owned();
    }

    /// deps.dev answers at most `size` versions a page.
    pub fn set_page_size(&self, size: usize) {
        self.lock().page_size = size.max(1);
    }

    /// The next request to `route` gets `fault`.
    pub fn fault(&self, route: Route, fault: Fault) {
        self.script(route, fault, Some(1));
    }

    /// Every request to `route` gets `fault` from now on.
    pub fn always(&self, route: Route, fault: Fault) {
        self.script(route, fault, None);
    }

    fn script(&self, route: Route, fault: Fault, left: Option<usize>) {
        self.lock().faults.push(Scripted { route, fault, left });
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Request> {
        self.lock().requests.clone()
    }

    /// Requests to `route` so far.
    pub fn count(&self, route: Route) -> u64 {
        self.lock().counts.get(&route).copied().unwrap_or(0)
    }

    /// Requests to every route so far.
    pub fn total(&self) -> u64 {
        self.lock().counts.values().sum()
    }

    /// Forgets the requests seen so far, e.g. between two runs.
    pub fn forget_requests(&self) {
        let mut state = self.lock();
        state.requests.clear();
        state.counts.clear();
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What to do with a request.
enum Action {
    Answer(Reply, Option<Duration>),
    /// Never answer.
    Hang,
}

/// Answers the requests of one connection (HTTP/1.1 keep-alive) until the client closes it.
fn serve(stream: TcpStream, state: &Mutex<State>) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    while let Some(request) = read_request(&mut reader) {
        let action = {
            let mut state = lock(state);
            if request.route != Route::Control {
                *state.counts.entry(request.route).or_default() += 1;
                state.requests.push(request.clone());
            }
            state.act(&request)
        };
        match action {
            Action::Answer(reply, delay) => {
                // A late answer is held back outside the lock: other connections go on.
                if let Some(delay) = delay {
                    std::thread::sleep(delay);
                }
                if writer.write_all(&bytes(&reply)).is_err() {
                    return;
                }
            }
            Action::Hang => {
                // Read (and drop) whatever comes until the client gives up and closes.
                let mut sink = [0u8; 4096];
                while reader.get_mut().read(&mut sink).is_ok_and(|n| n > 0) {}
                return;
            }
        }
    }
}

/// The next request, with the route its method and path take.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let super::http_request::Request {
        method,
        target,
        headers,
        body,
    } = super::http_request::read_request(reader)?;
    let path = target.split('?').next().unwrap_or("").to_owned();
    Some(Request {
        route: Route::of(&method, &path),
        method,
        target,
        headers,
        body,
    })
}

impl State {
    fn act(&mut self, request: &Request) -> Action {
        if request.route == Route::Control {
            return Action::Answer(self.control(request), None);
        }
        let scripted = self
            .faults
            .iter()
            .position(|scripted| scripted.route == request.route);
        let fault = scripted.map(|index| {
            let fault = self.faults[index].fault.clone();
            if let Some(left) = &mut self.faults[index].left {
                *left -= 1;
                if *left == 0 {
                    self.faults.remove(index);
                }
            }
            fault
        });
        match fault {
            None => Action::Answer(self.route(request), None),
            Some(Fault::Status {
                status,
                headers,
                body,
            }) => {
                let mut reply = Reply::json(status, &Value::Null);
                reply.body = body.into_bytes();
                reply.headers.extend(headers);
                Action::Answer(reply, None)
            }
            Some(Fault::Html(status)) => Action::Answer(
                Reply::typed(status, "text/html; charset=UTF-8", cloudflare_page(status)),
                None,
            ),
            Some(Fault::Truncated) => {
                let mut reply = self.route(request);
                let half = reply.body.len() / 2;
                reply.body.truncate(half.max(1));
                Action::Answer(reply, None)
            }
            Some(Fault::Hang) => Action::Hang,
            Some(Fault::Delay(delay)) => Action::Answer(self.route(request), Some(delay)),
        }
    }

    /// `GET /_fake/counts`: the requests to each route so far; `POST /_fake/forget`: forgets
    /// them.
    fn control(&mut self, request: &Request) -> Reply {
        match (request.method.as_str(), request.path().as_str()) {
            ("GET", "/_fake/counts") => Reply::json(
                200,
                &Value::Object(
                    self.counts
                        .iter()
                        .map(|(route, count)| (route.name().to_owned(), json!(count)))
                        .collect(),
                ),
            ),
            ("POST", "/_fake/forget") => {
                self.requests.clear();
                self.counts.clear();
                Reply::json(200, &json!({}))
            }
            _ => Reply::json(404, &json!({ "error": "Not Found" })),
        }
    }

    /// The normal answer.
    fn route(&self, request: &Request) -> Reply {
        let path = request.path();
        match request.route {
            Route::DepsDevBatch => depsdev::batch(self, &request.body),
            Route::DepsDevProjects => scorecard::projectbatch(self, &request.body),
            Route::Scorecard => scorecard::project(self, &path["/projects/".len()..]),
            Route::DepsDevVersion => {
                depsdev::version(self, request.target.split('?').next().unwrap_or(""))
            }
            Route::DepsDevPackage => {
                depsdev::package(self, request.target.split('?').next().unwrap_or(""))
            }
            Route::DepsDevDependencies => {
                depsdev::dependencies(self, request.target.split('?').next().unwrap_or(""))
            }
            Route::Npm => npm::packument(self, request, &path["/npm/".len()..], false),
            Route::NpmPrivate => {
                let wanted = format!("Bearer {}", self.npm_token);
                let open = self.npm_token.is_empty();
                if !open && request.header("authorization") != Some(&wanted) {
                    return Reply::json(401, &json!({ "error": "Unauthorized" }));
                }
                npm::packument(self, request, &path["/private/npm/".len()..], true)
            }
            Route::Pypi => pypi::answer(self, &path["/pypi/".len()..]),
            Route::PypiSimple => pypi::simple(self, &path["/simple/".len()..]),
            Route::CratesIndex => crates::index(self, &path["/index/".len()..]),
            Route::CratesApi => crates::api(self, request, &path["/api/v1/crates/".len()..]),
            Route::OsvBatch => osv::querybatch(self, &request.body),
            Route::OsvVuln => osv::vuln(self, &path["/v1/vulns/".len()..]),
            Route::OsvArchive => {
                let ecosystem = path.trim_start_matches('/').trim_end_matches("/all.zip");
                osv::archive(self, ecosystem)
            }
            Route::Control | Route::Other => Reply::json(404, &json!({ "error": "Not Found" })),
        }
    }
}

/// The bytes of `reply` on the wire.
fn bytes(reply: &Reply) -> Vec<u8> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\ncontent-length: {}\r\n",
        reply.status,
        reason(reply.status),
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&reply.body);
    bytes
}

/// `%XX` sequences decoded (as UTF-8, lossily).
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

/// A publish time `YYYY-MM-DDTHH:MM:SSZ` with `fraction` before the `Z` (`.123`), as services
/// that write milliseconds or microseconds do.
fn with_fraction(published: &str, fraction: &str) -> String {
    match published.strip_suffix('Z') {
        Some(seconds) => format!("{seconds}{fraction}Z"),
        None => published.to_owned(),
    }
}

/// What an edge proxy answers when the service behind it is down.
fn cloudflare_page(status: u16) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>Just a moment...</title>\
         <meta http-equiv=\"refresh\" content=\"35\"></head><body><div class=\"cf-error-details\">\
         <h1>Error {status}</h1><p>The web server reported an error.</p>\
         <p>Cloudflare Ray ID: <strong>8c2f4e5b1d3a7f90</strong></p></div></body></html>\n"
    )
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
