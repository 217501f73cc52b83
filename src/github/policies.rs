//! Policies kept on GitHub (`extends = ["github:OWNER/REPO/PATH@REF"]`): fetched through the
//! contents API and cached on disk by repository, ref and path, so that `--offline` can reuse
//! them. The cache path is built from parts the policy loader has already checked (no `..`,
//! no absolute paths) and the ref is escaped, so nothing a policy says can write outside the
//! cache directory.

use std::path::PathBuf;
use std::sync::OnceLock;

use super::client::{Client, ClientConfig, DEFAULT_API_URL, Token};
use super::retry::Backoff;
use crate::policy::{GithubPolicy, Remote};

/// Fetches `github:` policies; the client is only built when one is needed.
pub struct PolicyFetcher {
    cache: PathBuf,
    offline: bool,
    client: OnceLock<Result<Client, String>>,
}

impl PolicyFetcher {
    /// A fetcher caching under `DEPGOV_CACHE_DIR`, else `$XDG_CACHE_HOME/depgov`, else
    /// `~/.cache/depgov`.
    pub fn new(offline: bool) -> PolicyFetcher {
        let cache = std::env::var_os("DEPGOV_CACHE_DIR")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("depgov")))
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/depgov")))
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
                let token = ["GITHUB_TOKEN", "GH_TOKEN"]
                    .iter()
                    .find_map(|name| {
                        let value = std::env::var(name).ok().filter(|v| !v.trim().is_empty())?;
                        Some(Token::new(&value, name))
                    })
                    .ok_or_else(|| {
                        "set GITHUB_TOKEN or GH_TOKEN to fetch github: policies".to_owned()
                    })?
                    .map_err(|e| e.to_string())?;
                let api_url = std::env::var("GITHUB_API_URL")
                    .ok()
                    .filter(|v| !v.is_empty())
                    .unwrap_or_else(|| DEFAULT_API_URL.to_owned());
                let backoff = Backoff::from_env().map_err(|e| e.to_string())?;
                Client::new(ClientConfig {
                    api_url: api_url.trim_end_matches('/').to_owned(),
                    token,
                    backoff,
                })
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

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
