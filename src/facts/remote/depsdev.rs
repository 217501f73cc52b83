//! deps.dev (`api.deps.dev`): licenses, publish dates, deprecation and source repositories of
//! package versions in every system it covers (npm, PyPI, Cargo, Go, Maven, NuGet, RubyGems;
//! not Composer), asked in batches of up to 5,000 versions through
//! `POST /v3alpha/versionbatch`, following `nextPageToken`.
//!
//! A package's versions come from `GET /v3/systems/{system}/packages/{name}`, to pick the one
//! a manifest's requirement allows.
//! [`dependencies`] asks for the resolved dependency graph of one version, for the Maven
//! manifests whose transitive dependencies [`crate::facts::resolve`] adds.
//!
//! Only components from the ecosystem's public registry are sent: a package from a private
//! registry is not deps.dev's to know, and its name is not sent to a third party.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Wanted;
use super::versions::Published;
use crate::facts::known::Known;
use crate::model::Ecosystem;
use crate::model::facts::{Flag, ProjectStatus};
use crate::model::purl::normalize_name;
use crate::net::http::{Http, Request};
use crate::net::percent_encode;
use crate::net::retry::{Failure, Repeat};

/// deps.dev answers at most this many versions a request.
pub const BATCH: usize = 5000;

/// More pages than this for one batch means a server that keeps sending tokens.
const MAX_PAGES: usize = 100;

/// deps.dev's name of an ecosystem; `None` for one it does not cover.
pub fn system(ecosystem: Ecosystem) -> Option<&'static str> {
    Some(match ecosystem {
        Ecosystem::Cargo => "CARGO",
        Ecosystem::Npm => "NPM",
        Ecosystem::Pypi => "PYPI",
        Ecosystem::Golang => "GO",
        Ecosystem::Gem => "RUBYGEMS",
        Ecosystem::Maven => "MAVEN",
        Ecosystem::Nuget => "NUGET",
        Ecosystem::Composer => return None,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchRequest<'a> {
    requests: Vec<VersionRequest<'a>>,
    page_token: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VersionRequest<'a> {
    version_key: &'a VersionKey,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Hash)]
struct VersionKey {
    system: String,
    name: String,
    version: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchAnswer {
    #[serde(default)]
    responses: Vec<Response>,
    #[serde(default)]
    next_page_token: String,
}

#[derive(Deserialize)]
struct Response {
    request: Value,
    #[serde(default)]
    version: Option<Version>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Version {
    #[serde(default)]
    published_at: Option<String>,
    #[serde(default)]
    is_deprecated: bool,
    #[serde(default)]
    deprecated_reason: Option<String>,
    #[serde(default)]
    licenses: Vec<String>,
    #[serde(default)]
    license_details: Vec<LicenseDetail>,
    #[serde(default)]
    related_projects: Vec<RelatedProject>,
    #[serde(default)]
    links: Vec<Link>,
    #[serde(default)]
    is_default: bool,
    #[serde(default)]
    project_status: Option<DepsDevStatus>,
}

#[derive(Deserialize)]
struct DepsDevStatus {
    #[serde(default)]
    status: String,
    #[serde(default)]
    reason: String,
}

#[derive(Deserialize)]
struct LicenseDetail {
    #[serde(default)]
    license: String,
    #[serde(default)]
    spdx: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RelatedProject {
    project_key: ProjectKey,
    #[serde(default)]
    relation_type: String,
}

#[derive(Deserialize)]
struct ProjectKey {
    id: String,
}

#[derive(Deserialize)]
struct Link {
    #[serde(default)]
    label: String,
    #[serde(default)]
    url: String,
}

/// Asks deps.dev about `wanted` (all from public registries of covered ecosystems), in batches;
/// answers in the order asked. A batch that fails fails all of its versions.
pub async fn fetch(http: &Http, base: &str, wanted: &[Wanted]) -> Vec<Result<Known, Failure>> {
    let mut out = Vec::with_capacity(wanted.len());
    for batch in wanted.chunks(BATCH) {
        match fetch_batch(http, base, batch).await {
            Ok(known) => out.extend(known.into_iter().map(Ok)),
            Err(failure) => {
                let message = failure.message.clone();
                out.push(Err(failure));
                out.extend((1..batch.len()).map(|_| Err(Failure::message(message.clone()))));
            }
        }
    }
    out
}

async fn fetch_batch(http: &Http, base: &str, batch: &[Wanted]) -> Result<Vec<Known>, Failure> {
    let keys: Vec<VersionKey> = batch
        .iter()
        .map(|w| VersionKey {
            system: system(w.ecosystem).unwrap_or_default().to_owned(),
            name: normalize_name(w.ecosystem, &w.name),
            version: w.version.clone(),
        })
        .collect();
    let mut found: std::collections::HashMap<VersionKey, Known> = Default::default();
    let mut token = String::new();
    for _ in 0..MAX_PAGES {
        let body = BatchRequest {
            requests: keys
                .iter()
                .map(|key| VersionRequest { version_key: key })
                .collect(),
            page_token: &token,
        };
        let body = serde_json::to_vec(&body)
            .map_err(|e| Failure::message(format!("cannot write the request: {e}")))?;
        let request = Request::post_json(format!("{base}/v3alpha/versionbatch"), body);
        // Asking is safe to repeat: versionbatch only reads.
        let answer = http.send(&request, Repeat::Safe, &[]).await?;
        let page: BatchAnswer = answer.json("deps.dev's answer")?;
        for response in page.responses {
            let Ok(key) = serde_json::from_value::<VersionKey>(
                response
                    .request
                    .get("versionKey")
                    .cloned()
                    .unwrap_or_default(),
            ) else {
                continue;
            };
            let known = match response.version {
                Some(version) => known(version, &key.system),
                None => Known::not_found(),
            };
            found.insert(key, known);
        }
        if page.next_page_token.is_empty() {
            return Ok(keys
                .iter()
                .map(|key| found.remove(key).unwrap_or_default())
                .collect());
        }
        token = page.next_page_token;
    }
    Err(Failure::message(format!(
        "deps.dev kept sending pages past {MAX_PAGES}"
    )))
}

/// What a version of `system` says. deps.dev writes a yanked crate as deprecated with the
/// reason `yanked`: crates.io has no deprecation, so for Cargo the flag is the yank.
fn known(version: Version, system: &str) -> Known {
    let repository = repository(&version);
    let license = license(&version);
    let flag = Flag {
        set: version.is_deprecated,
        message: version
            .deprecated_reason
            .filter(|r| !r.is_empty() && (system != "CARGO" || r != "yanked")),
    };
    let (deprecated, yanked) = if system == "CARGO" {
        (None, Some(flag))
    } else {
        (Some(flag), None)
    };
    let published = version.published_at.filter(|p| !p.is_empty());
    Known {
        found: true,
        license: Some(license),
        // The default version is the newest release.
        latest_release: published.clone().filter(|_| version.is_default),
        published,
        deprecated,
        yanked,
        repository,
        project_status: version
            .project_status
            .filter(|s| !s.status.is_empty() && s.status != "STATUS_UNSPECIFIED")
            .map(|s| ProjectStatus {
                status: s.status.to_ascii_lowercase(),
                reason: Some(s.reason).filter(|r| !r.is_empty()),
            }),
        ..Known::default()
    }
}

/// The license as one expression: v3alpha's SPDX rendering of each license where it gives
/// one, else the license as listed; several licenses, whose relationship deps.dev leaves
/// unspecified, are all required (`AND`), the reading that never understates a license.
/// Empty when the version declares none.
fn license(version: &Version) -> String {
    let parts: Vec<String> = if version.license_details.is_empty() {
        version.licenses.clone()
    } else {
        version
            .license_details
            .iter()
            .map(|d| {
                if d.spdx.is_empty() {
                    d.license.clone()
                } else {
                    d.spdx.clone()
                }
            })
            .collect()
    };
    let parts: Vec<String> = parts.into_iter().filter(|p| !p.trim().is_empty()).collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        many => many
            .iter()
            .map(|p| {
                if p.contains(' ') {
                    format!("({p})")
                } else {
                    p.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" AND "),
    }
}

/// The source repository: the related project deps.dev calls the source repository, else a
/// link labelled as one.
fn repository(version: &Version) -> Option<String> {
    version
        .related_projects
        .iter()
        .find(|p| p.relation_type == "SOURCE_REPO")
        .map(|p| format!("https://{}", p.project_key.id))
        .or_else(|| {
            version
                .links
                .iter()
                .find(|l| l.label == "SOURCE_REPO")
                .map(|l| l.url.clone())
        })
}

/// A package as `GetPackage` answers it, as far as a list of its versions needs it.
#[derive(Deserialize)]
struct PackageAnswer {
    #[serde(default)]
    versions: Vec<PackageVersion>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PackageVersion {
    version_key: VersionKey,
    #[serde(default)]
    deprecated_reason: Option<String>,
}

/// Every version deps.dev lists for `name` in `system` (none when it does not know the
/// package): `GET /v3/systems/{system}/packages/{name}`, the name percent-encoded whole.
/// deps.dev writes a yanked crate as deprecated with the reason `yanked`.
pub async fn versions(
    http: &Http,
    base: &str,
    system: &str,
    name: &str,
) -> Result<Vec<Published>, Failure> {
    let url = format!(
        "{base}/v3/systems/{system}/packages/{}",
        percent_encode(name)
    );
    let Some(package): Option<PackageAnswer> = http
        .read_json(&Request::get(url), "deps.dev's answer")
        .await?
    else {
        return Ok(Vec::new());
    };
    Ok(package
        .versions
        .into_iter()
        .map(|v| Published {
            yanked: system == "CARGO" && v.deprecated_reason.as_deref() == Some("yanked"),
            ..Published::of(v.version_key.version)
        })
        .collect())
}

/// A resolved dependency graph, as deps.dev's `GetDependencies` gives it: the package version
/// asked about is node 0, and every edge says which node's requirement which node resolves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Graph {
    pub nodes: Vec<GraphNode>,
    /// `(from, to)`, indexes into `nodes`; edges naming no node are left out.
    pub edges: Vec<(usize, usize)>,
    /// What deps.dev says went wrong resolving it: the graph's error and each node's, which
    /// "may imply the graph as a whole is incorrect".
    pub errors: Vec<String>,
}

/// A package version in a [`Graph`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraphNode {
    pub name: String,
    pub version: String,
    /// Bundled inside another package (npm), not resolved on its own.
    pub bundled: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DependenciesAnswer {
    #[serde(default)]
    nodes: Vec<DependencyNode>,
    #[serde(default)]
    edges: Vec<DependencyEdge>,
    #[serde(default)]
    error: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DependencyNode {
    // Read field by field: proto3's JSON leaves out empty strings.
    #[serde(default)]
    version_key: Value,
    #[serde(default)]
    bundled: bool,
    #[serde(default)]
    errors: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DependencyEdge {
    #[serde(default)]
    from_node: usize,
    #[serde(default)]
    to_node: usize,
}

/// deps.dev's resolved dependency graph of `name` `version` (`GET
/// /v3/systems/{system}/packages/{name}/versions/{version}:dependencies`); `None` when deps.dev
/// does not know the version (404).
pub async fn dependencies(
    http: &Http,
    base: &str,
    ecosystem: Ecosystem,
    name: &str,
    version: &str,
) -> Result<Option<Graph>, Failure> {
    let system = system(ecosystem)
        .ok_or_else(|| Failure::message(format!("deps.dev does not cover {ecosystem}")))?;
    let url = format!(
        "{base}/v3/systems/{}/packages/{}/versions/{}:dependencies",
        system.to_ascii_lowercase(),
        percent_encode(&normalize_name(ecosystem, name)),
        percent_encode(version)
    );
    let Some(answer): Option<DependenciesAnswer> = http
        .read_json(&Request::get(url), "deps.dev's dependency graph")
        .await?
    else {
        return Ok(None);
    };
    let text = |key: &Value, field: &str| {
        key.get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let nodes: Vec<GraphNode> = answer
        .nodes
        .iter()
        .map(|node| GraphNode {
            name: text(&node.version_key, "name"),
            version: text(&node.version_key, "version"),
            bundled: node.bundled,
        })
        .collect();
    let edges = answer
        .edges
        .iter()
        .map(|edge| (edge.from_node, edge.to_node))
        .filter(|(from, to)| *from < nodes.len() && *to < nodes.len())
        .collect();
    let errors = std::iter::once(answer.error)
        .chain(answer.nodes.into_iter().flat_map(|node| node.errors))
        .filter(|error| !error.trim().is_empty())
        .collect();
    Ok(Some(Graph {
        nodes,
        edges,
        errors,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_licenses_are_all_required() {
        let version: Version =
            serde_json::from_str(r#"{"licenses": ["MIT", "Apache-2.0 WITH LLVM-exception"]}"#)
                .unwrap();
        assert_eq!(
            license(&version),
            "MIT AND (Apache-2.0 WITH LLVM-exception)"
        );
        let detailed: Version = serde_json::from_str(
            r#"{"licenses": ["non-standard"], "licenseDetails": [{"license": "MIT/X11", "spdx": "MIT"}]}"#,
        )
        .unwrap();
        assert_eq!(license(&detailed), "MIT");
        let none: Version = serde_json::from_str("{}").unwrap();
        assert_eq!(license(&none), "");
    }

    #[test]
    fn a_yanked_crate_is_yanked_not_deprecated() {
        let text = r#"{"isDeprecated": true, "deprecatedReason": "yanked"}"#;
        let yanked = known(serde_json::from_str(text).unwrap(), "CARGO");
        assert_eq!(yanked.deprecated, None);
        assert_eq!(
            yanked.yanked,
            Some(Flag {
                set: true,
                message: None
            })
        );
        let npm = known(serde_json::from_str(text).unwrap(), "NPM");
        assert_eq!(npm.yanked, None);
        assert_eq!(
            npm.deprecated.map(|d| d.message),
            Some(Some("yanked".into()))
        );
    }
}
