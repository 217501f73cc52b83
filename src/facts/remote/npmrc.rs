//! Which npm registry serves a package, and the token to send it, as npm reads them from
//! `.npmrc` files: the project's (at the repository root) over the user's (`~/.npmrc`, or
//! `NPM_CONFIG_USERCONFIG`). `registry=URL` sets the default registry, `@scope:registry=URL`
//! the registry of a scope, and `//HOST/PATH/:_authToken=TOKEN` the token for registries under
//! that prefix; `${VAR}` in a value is read from the environment, as npm does.
//!
//! Tokens are kept in [`Secret`], which never shows them; they are sent only to the registry
//! whose URL they are configured for.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// A token, shown as `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The `Authorization` header's value.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// `text` with the token blanked out.
    pub fn redact(&self, text: &str) -> String {
        if self.0.is_empty() {
            text.to_owned()
        } else {
            text.replace(&self.0, "***")
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The npm configuration that matters for fetching packuments.
#[derive(Clone, Debug, Default)]
pub struct Npmrc {
    registry: Option<String>,
    scopes: BTreeMap<String, String>,
    /// By URL prefix without the scheme (`registry.acme.example/npm/`).
    tokens: Vec<(String, Secret)>,
}

impl Npmrc {
    /// The user's `.npmrc`, then the project's at `root` over it.
    pub fn read(root: Option<&Path>) -> Npmrc {
        let mut npmrc = Npmrc::default();
        let user = std::env::var_os("NPM_CONFIG_USERCONFIG")
            .map(std::path::PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".npmrc")));
        for path in user.into_iter().chain(root.map(|r| r.join(".npmrc"))) {
            if let Ok(text) = std::fs::read_to_string(&path) {
                npmrc.apply(&text);
            }
        }
        npmrc
    }

    /// Applies the lines of one `.npmrc`; later lines win.
    pub fn apply(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let (key, value) = (key.trim(), expand(value.trim().trim_matches('"')));
            if key == "registry" {
                self.registry = Some(value.trim_end_matches('/').to_owned());
            } else if let Some(scope) = key.strip_suffix(":registry") {
                self.scopes
                    .insert(scope.to_owned(), value.trim_end_matches('/').to_owned());
            } else if let Some(prefix) = key.strip_suffix(":_authToken") {
                let prefix = prefix.trim_start_matches("//").to_owned();
                self.tokens.retain(|(p, _)| *p != prefix);
                self.tokens.push((prefix, Secret(value)));
            }
        }
    }

    /// The registry that serves `name` (`@scope/name` or `name`), when `.npmrc` says.
    pub fn registry_for(&self, name: &str) -> Option<&str> {
        let scope = name
            .strip_prefix('@')
            .and_then(|rest| rest.split_once('/'))
            .map(|(scope, _)| format!("@{scope}"));
        scope
            .and_then(|scope| self.scopes.get(&scope))
            .or(self.registry.as_ref())
            .map(String::as_str)
    }

    /// The token for `url`: the one configured for the longest prefix of it.
    pub fn token_for(&self, url: &str) -> Option<&Secret> {
        let bare = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest)
            .trim_end_matches('/');
        self.tokens
            .iter()
            .filter(|(prefix, _)| {
                let prefix = prefix.trim_end_matches('/');
                bare == prefix || bare.starts_with(&format!("{prefix}/"))
            })
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, token)| token)
    }

    /// Every token, to blank them out of messages.
    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        self.tokens.iter().map(|(_, token)| token)
    }
}

/// `${NAME}` replaced by the environment variable's value (empty when unset).
fn expand(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                out.push_str(&std::env::var(&after[..end]).unwrap_or_default());
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_pick_their_registry_and_tokens_their_longest_prefix() {
        let mut npmrc = Npmrc::default();
        npmrc.apply(
            "registry=https://mirror.example/npm/\n\
             @acme:registry=https://npm.acme.example/\n\
             //npm.acme.example/:_authToken=s3cr3t\n\
             //mirror.example/npm/:_authToken=\"other\"\n",
        );
        assert_eq!(
            npmrc.registry_for("@acme/ui"),
            Some("https://npm.acme.example")
        );
        assert_eq!(
            npmrc.registry_for("left-pad"),
            Some("https://mirror.example/npm")
        );
        assert_eq!(
            npmrc.token_for("https://npm.acme.example/@acme%2fui"),
            Some(&Secret("s3cr3t".into()))
        );
        assert_eq!(npmrc.token_for("https://evil.example/"), None);
        assert_eq!(
            format!("{:?}", npmrc.token_for("https://npm.acme.example")),
            "Some(***)"
        );
    }
}
