//! deps.dev, as google/deps.dev's `api/v3alpha/apiv3alpha.proto` and `api/v3/api.proto`
//! describe it in the proto3 JSON mapping (lowerCamelCase, enums as strings):
//!
//! - `POST /v3alpha/versionbatch` with `{requests: [{versionKey: {system, name, version}}],
//!   pageToken}`, at most 5,000 requests (more is a 400), answers
//!   `{responses: [{request, version}], nextPageToken}`: each request echoed, `version` left out
//!   for a version deps.dev does not know, and a page token while more pages follow (one page
//!   holds every answer unless a test sets a smaller page with `set_page_size`; every page is
//!   asked for with the same requests and the token);
//! - `GET /v3/systems/{system}/packages/{name}/versions/{version}` (each parameter
//!   percent-encoded whole) answers the version, or 404;
//! - `GET /v3/systems/{system}/packages/{name}` (GetPackage) answers every version of the
//!   package, or 404.
//! - `GET /v3/systems/{system}/packages/{name}/versions/{version}:dependencies` answers the
//!   version's resolved dependency graph, `{nodes: [{versionKey, bundled, relation, errors}],
//!   edges: [{fromNode, toNode, requirement}], error}`, the version itself node 0 (`SELF`),
//!   resolved from the [`Package::dependencies`] of the catalogue as Maven mediates (one
//!   version per package, the nearest), or 404.
//!
//! Like the real service, it writes Cargo's yanked versions as deprecated with the reason
//! `yanked`.

use serde_json::{Value, json};

use super::{Catalogue, Package, Reply, Service, State, System, decode};

/// The most versions one versionbatch request may ask about.
pub(super) const BATCH: usize = 5000;

/// `POST /v3alpha/versionbatch`.
pub(super) fn batch(state: &State, body: &str) -> Reply {
    let Ok(body) = serde_json::from_str::<Value>(body) else {
        return error(400, 3, "invalid JSON in the request body");
    };
    let requests = body
        .get("requests")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if requests.len() > BATCH {
        return error(
            400,
            3,
            &format!("too many requests: {} (at most {BATCH})", requests.len()),
        );
    }
    let token = body.get("pageToken").and_then(Value::as_str).unwrap_or("");
    let start = if token.is_empty() {
        0
    } else {
        match token
            .strip_prefix("page-")
            .and_then(|offset| offset.parse::<usize>().ok())
            .filter(|offset| *offset < requests.len())
        {
            Some(offset) => offset,
            None => return error(400, 3, "invalid page token"),
        }
    };
    let end = (start + state.page_size).min(requests.len());
    let mut responses = Vec::new();
    for request in &requests[start..end] {
        let key = &request["versionKey"];
        let found = key["system"]
            .as_str()
            .and_then(System::from_name)
            .zip(key["name"].as_str())
            .zip(key["version"].as_str())
            .and_then(|((system, name), version)| {
                state
                    .catalogue
                    .version(Service::DepsDev, system, name, version)
            });
        responses.push(match found {
            Some(package) => json!({
                "request": request,
                "version": version_json(package, &state.catalogue, true),
            }),
            None => json!({ "request": request }),
        });
    }
    let next = if end < requests.len() {
        format!("page-{end}")
    } else {
        String::new()
    };
    Reply::json(
        200,
        &json!({ "responses": responses, "nextPageToken": next }),
    )
}

/// `GET /v3/systems/{system}/packages/{name}/versions/{version}`, from the raw (still
/// percent-encoded) path.
pub(super) fn version(state: &State, raw_path: &str) -> Reply {
    match version_at(state, raw_path) {
        Some(package) => Reply::json(200, &version_json(package, &state.catalogue, false)),
        None => error(404, 5, "version not found"),
    }
}

/// The version a raw `/v3/systems/{system}/packages/{name}/versions/{version}` path names,
/// when the catalogue has it for deps.dev.
fn version_at<'s>(state: &'s State, raw_path: &str) -> Option<&'s Package> {
    let parts: Vec<String> = raw_path
        .trim_start_matches('/')
        .split('/')
        .map(decode)
        .collect();
    match parts.as_slice() {
        [v3, systems, system, packages, name, versions, version]
            if v3 == "v3"
                && systems == "systems"
                && packages == "packages"
                && versions == "versions" =>
        {
            System::from_name(system).and_then(|system| {
                state
                    .catalogue
                    .version(Service::DepsDev, system, name, version)
            })
        }
        _ => None,
    }
}

/// `GET /v3/systems/{system}/packages/{name}`, from the raw (still percent-encoded) path:
/// GetPackage, `{packageKey, versions[{versionKey, publishedAt, isDefault, isDeprecated,
/// deprecatedReason}]}`, or 404.
pub(super) fn package(state: &State, raw_path: &str) -> Reply {
    let parts: Vec<String> = raw_path
        .trim_start_matches('/')
        .split('/')
        .map(decode)
        .collect();
    let [v3, systems, system, packages, name] = parts.as_slice() else {
        return error(404, 5, "not found");
    };
    let system = System::from_name(system)
        .filter(|_| v3 == "v3" && systems == "systems" && packages == "packages");
    let versions = system
        .map(|system| state.catalogue.versions(Service::DepsDev, system, name))
        .unwrap_or_default();
    let Some(first) = versions.first() else {
        return error(404, 5, "package not found");
    };
    let listed: Vec<Value> = versions
        .iter()
        .map(|package| {
            let full = version_json(package, &state.catalogue, false);
            let mut listed = json!({
                "versionKey": full["versionKey"],
                "isDefault": full["isDefault"],
                "isDeprecated": full["isDeprecated"],
            });
            for field in ["publishedAt", "deprecatedReason"] {
                if let Some(value) = full.get(field) {
                    listed[field] = value.clone();
                }
            }
            listed
        })
        .collect();
    Reply::json(
        200,
        &json!({
            "packageKey": { "system": first.system.depsdev(), "name": first.name },
            "versions": listed,
        }),
    )
}

/// `GET /v3/systems/{system}/packages/{name}/versions/{version}:dependencies`, from the raw
/// path.
pub(super) fn dependencies(state: &State, raw_path: &str) -> Reply {
    let root = raw_path
        .strip_suffix(":dependencies")
        .and_then(|raw_path| version_at(state, raw_path));
    let Some(root) = root else {
        return error(404, 5, "version not found");
    };
    // Breadth first, so that the first version of a package met is the nearest: Maven's
    // mediation, which deps.dev applies to Maven graphs.
    let mut nodes: Vec<(String, String)> = vec![(root.name.clone(), root.version.clone())];
    let mut edges = Vec::new();
    let mut next = 0;
    while next < nodes.len() {
        let (name, version) = nodes[next].clone();
        let known = state
            .catalogue
            .version(Service::DepsDev, root.system, &name, &version);
        for (dependency, wanted) in known.map(|p| p.dependencies.clone()).unwrap_or_default() {
            let to = match nodes.iter().position(|(n, _)| *n == dependency) {
                Some(to) => to,
                None => {
                    nodes.push((dependency.clone(), wanted.clone()));
                    nodes.len() - 1
                }
            };
            edges.push(json!({ "fromNode": next, "toNode": to, "requirement": wanted }));
        }
        next += 1;
    }
    let nodes: Vec<Value> = nodes
        .iter()
        .enumerate()
        .map(|(index, (name, version))| {
            let relation = match index {
                0 => "SELF",
                _ if edges
                    .iter()
                    .any(|e| e["fromNode"] == 0 && e["toNode"] == index) =>
                {
                    "DIRECT"
                }
                _ => "INDIRECT",
            };
            json!({
                "versionKey": { "system": root.system.depsdev(), "name": name, "version": version },
                "bundled": false,
                "relation": relation,
                "errors": [],
            })
        })
        .collect();
    Reply::json(200, &json!({ "nodes": nodes, "edges": edges, "error": "" }))
}

/// A version as deps.dev writes one; `alpha` adds what v3alpha has beyond v3.
fn version_json(package: &Package, catalogue: &Catalogue, alpha: bool) -> Value {
    let key = json!({
        "system": package.system.depsdev(),
        "name": package.name,
        "version": package.version,
    });
    let yanked_crate = package.system == System::Cargo && package.yanked.is_some();
    let deprecated = package.deprecated.is_some() || yanked_crate;
    let mut version = json!({
        "versionKey": key,
        "isDefault": catalogue.is_default(Service::DepsDev, package),
        "isDeprecated": deprecated,
        "licenses": licenses(package),
        "advisoryKeys": [],
        "links": [],
        "slsaProvenances": [],
        "attestations": [],
        "registries": [],
        "relatedProjects": [],
    });
    if let Some(published) = &package.published {
        version["publishedAt"] = json!(published);
    }
    if let Some(reason) = &package.deprecated {
        version["deprecatedReason"] = json!(reason);
    } else if yanked_crate {
        version["deprecatedReason"] = json!("yanked");
    }
    if let Some(repository) = &package.repository {
        version["links"] = json!([
            { "label": "SOURCE_REPO", "url": repository },
            { "label": "HOMEPAGE", "url": repository },
        ]);
    }
    if let Some(project) = package.project() {
        version["relatedProjects"] = json!([{
            "projectKey": { "id": project },
            "relationProvenance": "UNVERIFIED_METADATA",
            "relationType": "SOURCE_REPO",
        }]);
    }
    if alpha {
        version["purl"] = json!(package.purl());
        version["licenseDetails"] = json!(
            package
                .license
                .iter()
                .map(|license| json!({
                    "license": license,
                    "spdx": if is_spdx(license) { license.as_str() } else { "" },
                }))
                .collect::<Vec<_>>()
        );
    }
    version
}

/// `licenses`: the SPDX expression, or `non-standard` for what is not one; empty when the
/// version declares none.
fn licenses(package: &Package) -> Vec<String> {
    package
        .license
        .iter()
        .map(|license| {
            if is_spdx(license) {
                license.clone()
            } else {
                "non-standard".to_owned()
            }
        })
        .collect()
}

/// Whether `license` reads as an SPDX expression (identifiers, `AND`/`OR`/`WITH`, brackets).
pub(super) fn is_spdx(license: &str) -> bool {
    !license.trim().is_empty()
        && license
            .replace(['(', ')'], " ")
            .split_whitespace()
            .all(|word| {
                word.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '+'))
            })
}

/// An error as gRPC-gateway writes it.
fn error(status: u16, code: u8, message: &str) -> Reply {
    Reply::json(
        status,
        &json!({ "code": code, "message": message, "details": [] }),
    )
}
