//! Policies kept on GitHub (`extends = ["github:OWNER/REPO/PATH@REF"]`): fetched through the
//! contents API and cached on disk by repository, ref and path, so that `--offline` can reuse
//! them. The cache path is built from parts the policy loader has already checked (no `..`,
//! no absolute paths) and the ref is escaped, so nothing a policy says can write outside the
//! cache directory.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::client::{Client, ClientConfig};
use crate::net::percent_encode;
use crate::policy::{GithubPolicy, Remote};
use crate::util::paths::cache_dir as cache_dir_default;

/// Fetches `github:` policies; the client is only built when one is needed.
pub struct PolicyFetcher {
    cache: PathBuf,
    offline: bool,
    client: OnceLock<Result<Client, String>>,
}

impl PolicyFetcher {
    /// A fetcher caching under `cache_dir` (`--cache-dir`), else depgov's cache directory
    /// ([`cache_dir`]).
    pub fn new(offline: bool, cache_dir: Option<&Path>) -> PolicyFetcher {
        let cache = cache_dir
            .map(Path::to_path_buf)
            .or_else(cache_dir_default)
            .unwrap_or_else(|| std::env::temp_dir().join("depgov-cache"));
        PolicyFetcher {
            cache,
            offline,
            client: OnceLock::new(),
        }
    }

    fn cached(&self, policy: &GithubPolicy) -> PathBuf {
        let reference: String = policy
            .reference
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.cache
            .join("policies")
            .join(&policy.repo)
            .join(format!("ref-{reference}"))
            .join(&policy.path)
    }

    fn client(&self) -> Result<&Client, String> {
        self.client
            .get_or_init(|| {
                ClientConfig::from_env(None, "to fetch github: policies")
                    .and_then(Client::new)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

impl Remote for PolicyFetcher {
    fn fetch(&self, policy: &GithubPolicy) -> Result<String, String> {
        let cached = self.cached(policy);
        if self.offline {
            return std::fs::read_to_string(&cached).map_err(|_| {
                format!(
                    "`{policy}` is not in the cache ({}) and --offline forbids fetching it",
                    cached.display()
                )
            });
        }
        let client = self.client()?;
        let route = format!(
            "/repos/{}/contents/{}?ref={}",
            policy.repo,
            policy.path,
            percent_encode(&policy.reference)
        );
        let text = client
            .block_on(client.get_raw(&route))
            .map_err(|e| e.into_error(&format!("fetch `{policy}`")).to_string())?;
        if let Some(dir) = cached.parent() {
            // A cache that cannot be written only costs the next --offline run.
            if std::fs::create_dir_all(dir).is_ok() {
                let _ = std::fs::write(&cached, &text);
            }
        }
        Ok(text)
    }
}
