//! crates.io. The sparse index (`index.crates.io/{prefix}/{name}`, one JSON line per version)
//! says whether a version is yanked and when it was published; it has no rate limit. The API
//! (`crates.io/api/v1/crates/{name}`) knows licenses and the repository, and asks crawlers for
//! at most one request a second with a User-Agent that identifies them: it is asked only for
//! crates whose license no other source knew, one at a time.

use serde::Deserialize;

use crate::facts::known::Known;
use crate::model::facts::{Flag, Release};
use crate::net::http::{Http, Request};
use crate::net::percent_encode;
use crate::net::retry::{Failure, Repeat};

/// The path of a crate's file in the sparse index, by crates.io's layout.
pub fn index_path(name: &str) -> String {
    let name = name.to_ascii_lowercase();
    match name.len() {
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", &name[..1]),
        _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
    }
}

#[derive(Deserialize)]
struct IndexLine {
    vers: String,
    #[serde(default)]
    yanked: bool,
    #[serde(default)]
    pubtime: Option<String>,
}

/// What the index at `base` says of each of `versions` of `name`, in that order.
pub async fn from_index(
    http: &Http,
    base: &str,
    name: &str,
    versions: &[&str],
) -> Result<Vec<Known>, Failure> {
    if !name.is_ascii() || name.is_empty() {
        return Ok(versions.iter().map(|_| Known::not_found()).collect());
    }
    let url = format!("{base}/{}", index_path(name));
    let answer = http
        .send(&Request::get(url), Repeat::Safe, &[404, 410, 451])
        .await?;
    if answer.status != 200 {
        return Ok(versions.iter().map(|_| Known::not_found()).collect());
    }
    let text = String::from_utf8_lossy(&answer.body);
    let lines: Vec<IndexLine> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    if lines.is_empty() && !text.trim().is_empty() {
        return Err(Failure::unreadable(
            "the index file holds no line it documents".to_owned(),
        ));
    }
    let latest_release = lines
        .iter()
        .filter(|line| !line.yanked)
        .filter_map(|line| line.pubtime.clone())
        .max();
    Ok(versions
        .iter()
        .map(|version| match lines.iter().find(|l| l.vers == *version) {
            Some(line) => Known {
                found: true,
                published: line.pubtime.clone(),
                yanked: Some(Flag {
                    set: line.yanked,
                    message: None,
                }),
                latest_release: latest_release.clone(),
                ..Known::default()
            },
            None => Known::not_found(),
        })
        .collect())
}

#[derive(Deserialize)]
struct Crate {
    #[serde(rename = "crate")]
    krate: CrateInfo,
    #[serde(default)]
    versions: Vec<ApiVersion>,
}

#[derive(Deserialize)]
struct CrateInfo {
    #[serde(default)]
    repository: Option<String>,
}

#[derive(Deserialize)]
struct ApiVersion {
    num: String,
    #[serde(default)]
    license: Option<String>,
    #[serde(default)]
    yanked: bool,
    #[serde(default)]
    yank_message: Option<String>,
    #[serde(default)]
    created_at: Option<String>,
}

/// What the API at `base` says of each of `versions` of `name`, in that order.
pub async fn from_api(
    http: &Http,
    base: &str,
    name: &str,
    versions: &[&str],
) -> Result<Vec<Known>, Failure> {
    let url = format!("{base}/api/v1/crates/{}", percent_encode(name));
    let Some(krate): Option<Crate> = http
        .read_json(&Request::get(url), "crates.io's answer")
        .await?
    else {
        return Ok(versions.iter().map(|_| Known::not_found()).collect());
    };
    let repository = krate.krate.repository.as_deref().and_then(super::browsable);
    Ok(versions
        .iter()
        .map(
            |version| match krate.versions.iter().find(|v| v.num == *version) {
                Some(found) => Known {
                    found: true,
                    license: Some(found.license.clone().unwrap_or_default()),
                    published: found.created_at.clone(),
                    yanked: Some(Flag {
                        set: found.yanked,
                        message: found.yank_message.clone().filter(|m| !m.is_empty()),
                    }),
                    repository: repository.clone(),
                    previous_release: previous(&krate.versions, version),
                    ..Known::default()
                },
                None => Known::not_found(),
            },
        )
        .collect())
}

/// The newest release older than `version` (by semver) that is not yanked, with its license.
fn previous(versions: &[ApiVersion], version: &str) -> Option<Release> {
    let current = semver::Version::parse(version).ok()?;
    versions
        .iter()
        .filter(|v| !v.yanked)
        .filter_map(|v| Some((semver::Version::parse(&v.num).ok()?, v)))
        .filter(|(parsed, _)| *parsed < current)
        .max_by(|(a, _), (b, _)| a.cmp(b))
        .map(|(_, v)| Release {
            version: v.num.clone(),
            license: v.license.clone().unwrap_or_default(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_paths_follow_the_length_rules() {
        assert_eq!(index_path("a"), "1/a");
        assert_eq!(index_path("ab"), "2/ab");
        assert_eq!(index_path("abc"), "3/a/abc");
        assert_eq!(index_path("Serde"), "se/rd/serde");
    }
}
