//! How the facts stage of one run is set up: which kinds of source it may consult (the
//! policy's `[facts] sources`), where each remote service is (the environment wins over the
//! policy, which wins over the public default), whether it may use the network at all
//! (`--offline`, `DEPGOV_OFFLINE`), where its cache is, and how long cached facts stay fresh.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::Error;
use crate::model::Criterion;
use crate::model::facts::{Endpoint, SourceKind};
use crate::net::retry::Backoff;
use crate::policy::Policy;

/// A fetched license, publish date or repository stays fresh this many days by default.
pub const LICENSE_MAX_AGE_DAYS: u32 = 90;
/// Fetched deprecation and yank flags stay fresh this many days by default.
pub const FLAGS_MAX_AGE_DAYS: u32 = 1;

/// The facts stage's settings for one run.
#[derive(Clone, Debug)]
pub struct Config {
    pub sources: BTreeSet<SourceKind>,
    /// No network: remote facts come from the cache only.
    pub offline: bool,
    /// The on-disk cache; `None` when no cache directory could be found.
    pub cache_dir: Option<PathBuf>,
    pub license_max_age: Duration,
    pub flags_max_age: Duration,
    urls: Vec<(Endpoint, String)>,
    /// Where installed trees are looked for: the repository root of a local run; `None` when
    /// the tree is remote (`scan-org`).
    pub local_root: Option<PathBuf>,
    pub backoff: Backoff,
    /// Sent with every request.
    pub user_agent: String,
    /// Facts the policy's criteria need beyond the default ones.
    pub wants: Wants,
    /// The offline OSV database to match vulnerabilities against instead of asking OSV's API:
    /// `--osv-db`, else `DEPGOV_OSV_DB`, else, offline, the one `depgov facts fetch --osv`
    /// downloaded into the cache.
    pub osv_database: Option<PathBuf>,
}

/// Facts only some criteria need, and that cost requests of their own.
#[derive(Clone, Copy, Debug, Default)]
pub struct Wants {
    /// The date of each package's newest release (`criteria.stale`).
    pub latest_release: bool,
    /// Whether the registry marks the project archived or deprecated
    /// (`criteria.unmaintained`).
    pub project_status: bool,
    /// The source repository's OpenSSF Scorecard (`criteria.scorecard`, and an archived
    /// repository for `criteria.unmaintained`).
    pub scorecard: bool,
}

impl Config {
    /// A client for one source of facts, with the run's user agent and retries.
    pub fn http(&self) -> Result<crate::net::http::Http, String> {
        crate::net::http::Http::new(
            &self.user_agent,
            self.backoff,
            crate::net::throttle::Pace::default(),
        )
    }

    /// The settings of `policy` (its `[facts]`, and what its `[criteria]` need), the
    /// environment and the flags. `offline` is `--offline`; `cache_dir` is `--cache-dir`.
    pub fn new(
        policy: &Policy,
        offline: bool,
        cache_dir: Option<&Path>,
        osv_database: Option<&Path>,
        local_root: Option<PathBuf>,
    ) -> Result<Config, Error> {
        let criteria = &policy.criteria;
        let wants = Wants {
            latest_release: criteria.get(Criterion::Stale).is_some(),
            project_status: criteria.get(Criterion::Unmaintained).is_some(),
            scorecard: criteria.get(Criterion::Scorecard).is_some()
                || criteria.get(Criterion::Unmaintained).is_some(),
        };
        let policy = &policy.facts;
        let urls = Endpoint::ALL
            .into_iter()
            .map(|endpoint| {
                let url = match std::env::var(endpoint.env()) {
                    Ok(url) if !url.trim().is_empty() => {
                        check_url(endpoint.env(), url.trim())?;
                        url.trim().trim_end_matches('/').to_owned()
                    }
                    _ => policy
                        .urls
                        .get(&endpoint)
                        .cloned()
                        .unwrap_or_else(|| endpoint.default_url().to_owned()),
                };
                Ok((endpoint, url))
            })
            .collect::<Result<_, Error>>()?;
        let days = |days: u32| Duration::from_secs(u64::from(days) * 86_400);
        let offline = offline || env_flag("DEPGOV_OFFLINE")?;
        let cache_dir = cache_dir
            .map(Path::to_path_buf)
            .or_else(crate::util::paths::cache_dir);
        let downloaded = cache_dir
            .as_ref()
            .map(|dir| osv_download_dir(dir))
            .filter(|dir| offline && dir.is_dir());
        let from_env = std::env::var_os("DEPGOV_OSV_DB")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        Ok(Config {
            osv_database: osv_database
                .map(Path::to_path_buf)
                .or(from_env)
                .or(downloaded),
            sources: policy
                .sources
                .clone()
                .unwrap_or_else(|| SourceKind::ALL.into_iter().collect()),
            offline,
            cache_dir,
            license_max_age: days(policy.license_max_age.unwrap_or(LICENSE_MAX_AGE_DAYS)),
            flags_max_age: days(policy.flags_max_age.unwrap_or(FLAGS_MAX_AGE_DAYS)),
            urls,
            local_root,
            backoff: Backoff::from_env(
                3,
                Duration::from_secs(20),
                "DEPGOV_FACTS_BACKOFF_MS",
                "DEPGOV_FACTS_TIMEOUT_MS",
            )?,
            user_agent: std::env::var("DEPGOV_USER_AGENT")
                .ok()
                .filter(|agent| !agent.trim().is_empty())
                .unwrap_or_else(|| {
                    format!(
                        "depgov/{} (dependency governance; set DEPGOV_USER_AGENT to add a contact)",
                        env!("CARGO_PKG_VERSION")
                    )
                }),
            wants,
        })
    }

    /// The base URL of a service, without a trailing `/`.
    pub fn url(&self, endpoint: Endpoint) -> &str {
        self.urls
            .iter()
            .find(|(e, _)| *e == endpoint)
            .map_or(endpoint.default_url(), |(_, url)| url.as_str())
    }

    pub fn allows(&self, kind: SourceKind) -> bool {
        self.sources.contains(&kind)
    }
}

fn check_url(name: &str, url: &str) -> Result<(), Error> {
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "{name}={url} is not an http(s):// URL"
        )))
    }
}

/// Where `depgov facts fetch --osv` keeps OSV's database under the cache directory.
pub fn osv_download_dir(cache_dir: &Path) -> PathBuf {
    cache_dir.join("osv")
}

/// A yes/no environment variable: `1`/`true`/`yes` or `0`/`false`/`no` (unset is no).
fn env_flag(name: &str) -> Result<bool, Error> {
    match std::env::var(name) {
        Err(_) => Ok(false),
        Ok(value) => match value.trim().to_ascii_lowercase().as_str() {
            "" | "0" | "false" | "no" => Ok(false),
            "1" | "true" | "yes" => Ok(true),
            _ => Err(Error::Usage(format!("{name}={value}: use 1 or 0"))),
        },
    }
}
