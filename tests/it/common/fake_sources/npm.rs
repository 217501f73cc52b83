//! The npm registry, as npm/registry's `docs/responses/package-metadata.md` describes it:
//! `GET /{name}` (a scoped name as `@scope%2Fname`) answers the full packument —
//! `versions{v: {name, version, license, deprecated?, repository, dist}}`, `time{created,
//! modified, v: ISO time}`, `dist-tags` —, or, asked for
//! `Accept: application/vnd.npm.install-v1+json`, the abbreviated one, which has no `time` and
//! no license or repository. A package it does not know is a 404.

use serde_json::{Map, Value, json};

use super::{Package, Reply, Request, Service, State, System, with_fraction};

const ABBREVIATED: &str = "application/vnd.npm.install-v1+json";

/// The packument of `name`; `private` for the private registry, which serves only the
/// private packages.
pub(super) fn packument(state: &State, request: &Request, name: &str, private: bool) -> Reply {
    let versions: Vec<&Package> = state
        .catalogue
        .versions(Service::Npm, System::Npm, name)
        .into_iter()
        .filter(|package| package.private == private)
        .collect();
    let Some(latest) = versions.last() else {
        return Reply::json(404, &json!({ "error": "Not found" }));
    };
    let abbreviated = request
        .header("accept")
        .is_some_and(|accept| accept.contains(ABBREVIATED));
    let registry = format!(
        "http://registry.example/{}",
        if private { "private/npm" } else { "npm" }
    );
    let mut manifests = Map::new();
    let mut time = Map::new();
    for package in &versions {
        let tarball_name = name.rsplit('/').next().unwrap_or(name);
        let mut manifest = json!({
            "name": package.name,
            "version": package.version,
            "dist": {
                "shasum": "0123456789abcdef0123456789abcdef01234567",
                "tarball": format!("{registry}/{name}/-/{tarball_name}-{}.tgz", package.version),
                "integrity": "sha512-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
            },
        });
        if let Some(message) = &package.deprecated {
            manifest["deprecated"] = json!(message);
        }
        if !abbreviated {
            if let Some(license) = &package.license {
                manifest["license"] = json!(license);
            }
            if let Some(repository) = &package.repository {
                manifest["repository"] =
                    json!({ "type": "git", "url": format!("git+{repository}.git") });
            }
        }
        manifests.insert(package.version.clone(), manifest);
        if let Some(published) = &package.published {
            time.insert(
                package.version.clone(),
                json!(with_fraction(published, ".000")),
            );
        }
    }
    let dist_tags = json!({ "latest": latest.version });
    let modified = "2026-11-30T12:00:00.000Z";
    if abbreviated {
        return Reply::typed(
            200,
            ABBREVIATED,
            json!({
                "name": name,
                "modified": modified,
                "dist-tags": dist_tags,
                "versions": manifests,
            })
            .to_string(),
        );
    }
    time.insert("created".to_owned(), json!("2015-01-01T00:00:00.000Z"));
    time.insert("modified".to_owned(), json!(modified));
    let mut packument = json!({
        "_id": name,
        "name": name,
        "dist-tags": dist_tags,
        "versions": manifests,
        "time": time,
        "maintainers": [{ "name": "maintainer", "email": "maintainer@example.com" }],
    });
    if let Some(license) = &latest.license {
        packument["license"] = Value::String(license.clone());
    }
    Reply::json(200, &packument)
}
