//! PyPI's JSON API, as pypi/warehouse's `docs/user/api/json.md` describes it:
//! `GET /pypi/{project}/{version}/json` answers `info{name, version, license,
//! license_expression, classifiers, yanked, yanked_reason, project_urls, …}`, the release's files
//! in `urls[{filename, upload_time_iso_8601, yanked, yanked_reason, digests}]` and
//! `vulnerabilities`; `GET /pypi/{project}/json` the latest version's `info` and every
//! version's files in `releases`. Names are matched normalized (PEP 503); what PyPI does not
//! know is a 404.
//!
//! `GET /simple/{project}/` answers the JSON Simple API (PEP 691, with PEP 700's
//! `upload-time` and PEP 792's `project-status`) when asked for
//! `application/vnd.pypi.simple.v1+json`: every file of every version, yanked ones marked.
//!
//! The license is written as a PEP 639 `license_expression` when it reads as an SPDX
//! expression, else as the free-text `license` of older metadata.

use serde_json::{Map, Value, json};

use super::{Package, Reply, Service, State, System, with_fraction};

/// `{project}/{version}/json` or `{project}/json`.
pub(super) fn answer(state: &State, rest: &str) -> Reply {
    let parts: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let not_found = || Reply::json(404, &json!({ "message": "Not Found" }));
    match parts.as_slice() {
        [project, version, "json"] => {
            match state
                .catalogue
                .version(Service::Pypi, System::Pypi, project, version)
            {
                Some(package) => Reply::json(200, &release(package)),
                None => not_found(),
            }
        }
        [project, "json"] => {
            let versions = state
                .catalogue
                .versions(Service::Pypi, System::Pypi, project);
            let Some(latest) = versions.last() else {
                return not_found();
            };
            let mut body = release(latest);
            let releases: Map<String, Value> = versions
                .iter()
                .map(|package| (package.version.clone(), files(package)))
                .collect();
            body["releases"] = Value::Object(releases);
            Reply::json(200, &body)
        }
        _ => not_found(),
    }
}

/// `{project}/`: the project's page of the JSON Simple API.
pub(super) fn simple(state: &State, rest: &str) -> Reply {
    let project = rest.trim_end_matches('/');
    let versions = state
        .catalogue
        .versions(Service::Pypi, System::Pypi, project);
    let Some(latest) = versions.last() else {
        return Reply::json(404, &json!({ "message": "Not Found" }));
    };
    let files: Vec<Value> = versions
        .iter()
        .map(|package| {
            let normalized = package.name.replace('-', "_");
            let filename = format!("{normalized}-{}-py3-none-any.whl", package.version);
            json!({
                "filename": filename,
                "url": format!("https://files.example/{filename}"),
                "hashes": { "sha256": "0000000000000000000000000000000000000000000000000000000000000000" },
                "upload-time": package.published.as_deref().map(|p| with_fraction(p, ".123456")),
                "yanked": match &package.yanked {
                    None => json!(false),
                    Some(reason) if reason.is_empty() => json!(true),
                    Some(reason) => json!(reason),
                },
            })
        })
        .collect();
    let mut body = json!({
        "meta": { "api-version": "1.4" },
        "name": super::System::Pypi.normalize(project),
        "versions": versions.iter().map(|p| p.version.clone()).collect::<Vec<_>>(),
        "files": files,
    });
    if let Some((status, reason)) = &latest.project_status {
        body["project-status"] = json!({ "status": status, "reason": reason });
    }
    Reply::json(200, &body)
}

fn release(package: &Package) -> Value {
    let spdx = package
        .license
        .as_deref()
        .filter(|license| super::depsdev::is_spdx(license));
    let classifiers: Vec<&str> = match package.license.as_deref() {
        Some("MIT") => vec!["License :: OSI Approved :: MIT License"],
        _ => Vec::new(),
    };
    let mut project_urls = Map::new();
    if let Some(repository) = &package.repository {
        project_urls.insert("Source".to_owned(), json!(repository));
    }
    project_urls.insert(
        "Documentation".to_owned(),
        json!(format!("https://{}.readthedocs.io/", package.name)),
    );
    json!({
        "info": {
            "name": package.name,
            "version": package.version,
            "summary": format!("The {} project", package.name),
            "license": if spdx.is_none() { package.license.clone() } else { None },
            "license_expression": spdx,
            "classifiers": classifiers,
            "home_page": null,
            "project_urls": project_urls,
            "requires_python": ">=3.8",
            "yanked": package.yanked.is_some(),
            "yanked_reason": package.yanked.clone().filter(|reason| !reason.is_empty()),
        },
        "last_serial": 1,
        "urls": files(package),
        "vulnerabilities": [],
    })
}

/// The files of a release (a wheel), with their upload time.
fn files(package: &Package) -> Value {
    let normalized = package.name.replace('-', "_");
    json!([{
        "filename": format!("{normalized}-{}-py3-none-any.whl", package.version),
        "packagetype": "bdist_wheel",
        "upload_time_iso_8601": package.published.as_deref().map(|p| with_fraction(p, ".123456")),
        "yanked": package.yanked.is_some(),
        "yanked_reason": package.yanked.clone().filter(|reason| !reason.is_empty()),
        "digests": { "sha256": "0000000000000000000000000000000000000000000000000000000000000000" },
    }])
}
