//! PyPI's JSON API: `GET /pypi/{project}/{version}/json` gives the version's license
//! (`license_expression`, PEP 639; else `license` when it is a short name, not a license's
//! whole text; else the license classifiers), its upload time, whether it is yanked with the
//! reason, and the project's URLs. The Simple API's JSON (`GET /simple/{project}/`, PEP 691)
//! gives what is the project's rather than a version's: its status (PEP 792) and, from its
//! files' upload times (PEP 700), when it was last released. The project's JSON page
//! (`GET /pypi/{project}/json`) lists its versions, each with its files.

use serde::Deserialize;

use super::versions::Published;
use crate::facts::known::Known;
use crate::facts::licenses::from_classifiers;
use crate::model::Ecosystem;
use crate::model::facts::{Flag, ProjectStatus};
use crate::model::purl::normalize_name;
use crate::net::http::{Http, Request};
use crate::net::percent_encode;
use crate::net::retry::Failure;

#[derive(Deserialize)]
struct Release {
    info: Info,
    #[serde(default)]
    urls: Vec<File>,
}

#[derive(Deserialize)]
struct Info {
    #[serde(default)]
    license: Option<String>,
    #[serde(default)]
    license_expression: Option<String>,
    #[serde(default)]
    classifiers: Vec<String>,
    #[serde(default)]
    yanked: bool,
    #[serde(default)]
    yanked_reason: Option<String>,
    #[serde(default)]
    project_urls: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    home_page: Option<String>,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    upload_time_iso_8601: Option<String>,
}

/// What PyPI at `base` says of `name` `version`.
pub async fn fetch(http: &Http, base: &str, name: &str, version: &str) -> Result<Known, Failure> {
    let project = normalize_name(Ecosystem::Pypi, name);
    let url = format!(
        "{base}/pypi/{}/{}/json",
        percent_encode(&project),
        percent_encode(version)
    );
    let Some(release): Option<Release> =
        http.read_json(&Request::get(url), "PyPI's answer").await?
    else {
        return Ok(Known::not_found());
    };
    let info = &release.info;
    Ok(Known {
        found: true,
        license: Some(license(info)),
        published: release
            .urls
            .iter()
            .filter_map(|f| f.upload_time_iso_8601.clone())
            .min(),
        yanked: Some(Flag {
            set: info.yanked,
            message: info.yanked_reason.clone().filter(|r| !r.is_empty()),
        }),
        repository: repository(info),
        ..Known::default()
    })
}

/// The project's JSON page, as far as a list of its versions needs it.
#[derive(Deserialize)]
struct Project {
    #[serde(default)]
    releases: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct ReleaseFile {
    #[serde(default)]
    yanked: bool,
}

/// Every version PyPI at `base` lists for `name` (none when it does not know the project),
/// from the project's JSON page: `releases` maps each version to its files. A version is
/// yanked when all its files are (PEP 592), and a version without files, which no installer
/// can pick, is left out.
pub async fn versions(http: &Http, base: &str, name: &str) -> Result<Vec<Published>, Failure> {
    let project = normalize_name(Ecosystem::Pypi, name);
    let url = format!("{base}/pypi/{}/json", percent_encode(&project));
    let Some(page): Option<Project> = http.read_json(&Request::get(url), "PyPI's answer").await?
    else {
        return Ok(Vec::new());
    };
    Ok(page
        .releases
        .into_iter()
        .filter_map(|(version, files)| {
            let files: Vec<ReleaseFile> = serde_json::from_value(files).ok()?;
            (!files.is_empty()).then(|| Published {
                yanked: files.iter().all(|f| f.yanked),
                ..Published::of(version)
            })
        })
        .collect())
}

/// The license PyPI records: the PEP 639 expression, a short `license` (not a pasted license
/// text), or the license classifiers. Empty when none.
fn license(info: &Info) -> String {
    if let Some(expression) = info.license_expression.as_deref().map(str::trim) {
        if !expression.is_empty() {
            return expression.to_owned();
        }
    }
    if let Some(license) = info.license.as_deref().map(str::trim) {
        let a_name = !license.is_empty() && license.len() <= 100 && !license.contains('\n');
        if a_name && !matches!(license, "UNKNOWN" | "LICENSE" | "LICENSE.txt") {
            return license.to_owned();
        }
    }
    from_classifiers(info.classifiers.iter().map(String::as_str)).unwrap_or_default()
}

/// The source repository among the project URLs (a key such as `Source`, `Repository` or
/// `Code`, else a home page on a known forge).
fn repository(info: &Info) -> Option<String> {
    let urls = info.project_urls.as_ref();
    let by_key = urls.and_then(|urls| {
        urls.iter().find_map(|(key, value)| {
            let key = key.to_ascii_lowercase();
            let wanted = ["source", "repository", "code", "source code", "github"];
            wanted
                .contains(&key.as_str())
                .then(|| value.as_str())
                .flatten()
                .and_then(super::browsable)
        })
    });
    by_key.or_else(|| {
        info.home_page
            .as_deref()
            .and_then(super::browsable)
            .filter(|url| super::is_forge(url))
    })
}

/// The Simple API's project page, as far as depgov reads it.
#[derive(Deserialize)]
struct Simple {
    #[serde(default)]
    files: Vec<SimpleFile>,
    #[serde(default, rename = "project-status")]
    project_status: Option<SimpleStatus>,
}

#[derive(Deserialize)]
struct SimpleFile {
    #[serde(default, rename = "upload-time")]
    upload_time: Option<String>,
    /// `false`, `true`, or the reason as a string (PEP 592).
    #[serde(default)]
    yanked: serde_json::Value,
}

#[derive(Deserialize)]
struct SimpleStatus {
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: Option<String>,
}

/// What PyPI's Simple API at `base` says of project `name`: its status, and when its newest
/// file that is not yanked was uploaded. `found` stays false: it says nothing of a version.
pub async fn project(http: &Http, base: &str, name: &str) -> Result<Known, Failure> {
    let project = normalize_name(Ecosystem::Pypi, name);
    let url = format!("{base}/simple/{}/", percent_encode(&project));
    let request =
        Request::get(url).header(http::header::ACCEPT, "application/vnd.pypi.simple.v1+json");
    let Some(simple): Option<Simple> = http.read_json(&request, "PyPI's Simple API answer").await?
    else {
        return Ok(Known::not_found());
    };
    let latest_release = simple
        .files
        .iter()
        .filter(|file| {
            matches!(
                file.yanked,
                serde_json::Value::Bool(false) | serde_json::Value::Null
            )
        })
        .filter_map(|file| file.upload_time.clone())
        .max();
    Ok(Known {
        latest_release,
        project_status: simple
            .project_status
            .filter(|s| !s.status.is_empty())
            .map(|s| ProjectStatus {
                status: s.status.to_ascii_lowercase(),
                reason: s.reason.filter(|r| !r.is_empty()),
            }),
        ..Known::default()
    })
}
