//! The npm registry: a package's full packument (`GET /{name}`, a scoped name's `/` encoded
//! as `%2F`) gives every version's license, deprecation message and repository, and the
//! publish time of each (`time`). The abbreviated packument has no times, so the full one is
//! asked for facts; it serves to list a package's versions. Registries come from `.npmrc` ([`super::npmrc`]), with its tokens.

use serde::Deserialize;
use serde_json::Value;

use crate::facts::known::Known;
use crate::model::facts::{Flag, Release};
use crate::net::http::{Http, Request};
use crate::net::retry::{Failure, Repeat};

use super::npmrc::Secret;
use super::versions::Published;

#[derive(Deserialize)]
struct Packument {
    #[serde(default)]
    versions: serde_json::Map<String, Value>,
    #[serde(default)]
    time: serde_json::Map<String, Value>,
}

/// The URL of `name`'s packument at `registry`.
pub fn url(registry: &str, name: &str) -> String {
    let encoded = name.replacen('/', "%2F", 1);
    format!("{}/{encoded}", registry.trim_end_matches('/'))
}

/// What `registry` says of each of `versions` of `name`, in that order.
pub async fn fetch(
    http: &Http,
    registry: &str,
    token: Option<&Secret>,
    name: &str,
    versions: &[&str],
) -> Result<Vec<Known>, Failure> {
    let Some(packument) = get(http, registry, token, name, None).await? else {
        return Ok(versions.iter().map(|_| Known::not_found()).collect());
    };
    let published = |version: &str| {
        packument
            .time
            .get(version)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let latest_release = packument.versions.keys().filter_map(|v| published(v)).max();
    Ok(versions
        .iter()
        .map(|version| match packument.versions.get(*version) {
            Some(manifest) => Known {
                found: true,
                license: Some(license(manifest)),
                published: published(version),
                deprecated: Some(deprecation(manifest)),
                repository: repository(manifest),
                latest_release: latest_release.clone(),
                previous_release: previous(&packument, version),
                ..Known::default()
            },
            None => Known::not_found(),
        })
        .collect())
}

/// The versions the registry lists for `name` (none when it does not know the package), from
/// the abbreviated packument: it lists every version as the full one does, at a fraction of
/// its size. npm has no yanks; unpublished versions are not listed.
pub async fn versions(
    http: &Http,
    registry: &str,
    token: Option<&Secret>,
    name: &str,
) -> Result<Vec<Published>, Failure> {
    let packument = get(http, registry, token, name, Some(ABBREVIATED)).await?;
    Ok(packument
        .map(|p| {
            p.versions
                .into_iter()
                .map(|(v, _)| Published::of(v))
                .collect()
        })
        .unwrap_or_default())
}

/// The abbreviated packument's media type.
const ABBREVIATED: &str = "application/vnd.npm.install-v1+json";

/// `name`'s packument at `registry` (the abbreviated one when `accept` says so); `None` when
/// the registry does not know the package. A token never appears in a failure's message.
async fn get(
    http: &Http,
    registry: &str,
    token: Option<&Secret>,
    name: &str,
    accept: Option<&str>,
) -> Result<Option<Packument>, Failure> {
    let mut request = Request::get(url(registry, name));
    if let Some(token) = token {
        request = request.header(http::header::AUTHORIZATION, token.bearer());
    }
    if let Some(accept) = accept {
        request = request.header(http::header::ACCEPT, accept);
    }
    let answer =
        http.send(&request, Repeat::Safe, &[404])
            .await
            .map_err(|failure| match token {
                Some(token) => failure.map_message(|m| token.redact(m)),
                None => failure,
            })?;
    if answer.status == 404 {
        return Ok(None);
    }
    serde_json::from_slice(&answer.body)
        .map(Some)
        .map_err(|e| Failure::unreadable(format!("the registry's answer is not a packument: {e}")))
}

/// The newest release older than `version` (by semver, prereleases left out), with its
/// license.
fn previous(packument: &Packument, version: &str) -> Option<Release> {
    let current = semver::Version::parse(version).ok()?;
    packument
        .versions
        .iter()
        .filter_map(|(v, manifest)| Some((semver::Version::parse(v).ok()?, v, manifest)))
        .filter(|(parsed, _, _)| *parsed < current && parsed.pre.is_empty())
        .max_by(|(a, _, _), (b, _, _)| a.cmp(b))
        .map(|(_, v, manifest)| Release {
            version: v.clone(),
            license: license(manifest),
        })
}

/// A version's license: `license` as a string, the old `{ "type": … }` object, or the older
/// `licenses` array, which npm's documentation replaces with an `OR` expression. Empty when
/// none is declared.
pub fn license(manifest: &Value) -> String {
    let name = |value: &Value| -> Option<String> {
        match value {
            Value::String(text) => Some(text.clone()),
            Value::Object(object) => object.get("type")?.as_str().map(str::to_owned),
            _ => None,
        }
    };
    if let Some(license) = manifest.get("license").and_then(name) {
        return license;
    }
    let listed: Vec<String> = manifest
        .get("licenses")
        .and_then(Value::as_array)
        .map(|all| all.iter().filter_map(name).collect())
        .unwrap_or_default();
    match listed.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        many => many.join(" OR "),
    }
}

/// `deprecated`: a message when deprecated (npm sets it to the message given).
pub(crate) fn deprecation(manifest: &Value) -> Flag {
    match manifest.get("deprecated") {
        Some(Value::String(message)) if !message.is_empty() => Flag {
            set: true,
            message: Some(message.clone()),
        },
        Some(Value::Bool(true)) => Flag {
            set: true,
            message: None,
        },
        _ => Flag::default(),
    }
}

/// `repository` as a string or `{ "url": … }`, as a browsable URL.
pub fn repository(manifest: &Value) -> Option<String> {
    let url = match manifest.get("repository")? {
        Value::String(text) => text.clone(),
        Value::Object(object) => object.get("url")?.as_str()?.to_owned(),
        _ => return None,
    };
    super::browsable(&url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn licenses_are_read_in_every_shape_npm_has_written() {
        assert_eq!(license(&json!({"license": "MIT"})), "MIT");
        assert_eq!(license(&json!({"license": {"type": "ISC"}})), "ISC");
        assert_eq!(
            license(&json!({"licenses": [{"type": "MIT"}, {"type": "Apache-2.0"}]})),
            "MIT OR Apache-2.0"
        );
        assert_eq!(license(&json!({})), "");
    }

    #[test]
    fn scoped_names_keep_their_at_and_encode_their_slash() {
        assert_eq!(
            url("https://registry.npmjs.org/", "@babel/core"),
            "https://registry.npmjs.org/@babel%2Fcore"
        );
    }
}
