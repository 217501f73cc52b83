//! crates.io, both ways depgov reads it:
//!
//! - the sparse index (rust-lang/cargo `crates/cargo-util-schemas/src/index.rs`): `config.json`,
//!   and one file per crate at `1/{n}`, `2/{n}`, `3/{c}/{n}` or `{ab}/{cd}/{name}` (lower case)
//!   holding a JSON line per version: `name, vers, deps, cksum, features, yanked, links,
//!   rust_version, v` and `pubtime`; 404 for a crate it does not know;
//! - the API (`GET /api/v1/crates/{name}`, the shape of crates.io's
//!   `integration__routes__crates__read__show` snapshot): `crate{…, repository}` and
//!   `versions[{num, license, yanked, yank_message, created_at, …}]`, newest first; 404 with
//!   `errors[{detail}]` for a crate it does not know, and 403 without a User-Agent, as
//!   crates.io's crawler policy says.

use serde_json::{Value, json};

use super::{Package, Reply, Request, Service, State, System, with_fraction};

/// A file of the sparse index, from its path under the index.
pub(super) fn index(state: &State, path: &str) -> Reply {
    if path == "config.json" {
        return Reply::json(
            200,
            &json!({ "dl": "https://static.crates.io/crates", "api": "https://crates.io" }),
        );
    }
    let name = path.rsplit('/').next().unwrap_or("");
    let versions = state
        .catalogue
        .versions(Service::CratesIndex, System::Cargo, name);
    if versions.is_empty() || path != index_path(name) {
        return Reply::typed(404, "text/plain", "not found\n".to_owned());
    }
    let lines: String = versions
        .iter()
        .map(|package| {
            let mut line = json!({
                "name": package.name,
                "vers": package.version,
                "deps": [],
                "cksum": "5ad32ce52e4161730f7098c077cd2ed6229b5804ccf99e5366be1ab72a98b4e1",
                "features": {},
                "yanked": package.yanked.is_some(),
                "links": null,
                "v": 2,
            });
            if let Some(published) = &package.published {
                line["pubtime"] = json!(published);
            }
            format!("{line}\n")
        })
        .collect();
    Reply::typed(200, "text/plain", lines)
}

/// Where the index keeps `name`'s file.
fn index_path(name: &str) -> String {
    let name = name.to_lowercase();
    match name.len() {
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", &name[..1]),
        _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
    }
}

/// `GET /api/v1/crates/{name}`.
pub(super) fn api(state: &State, request: &Request, name: &str) -> Reply {
    if request
        .header("user-agent")
        .is_none_or(|agent| agent.trim().is_empty())
    {
        return Reply::typed(
            403,
            "text/plain",
            "We require that all requests include a `User-Agent` header.\n".to_owned(),
        );
    }
    let mut versions = state
        .catalogue
        .versions(Service::CratesApi, System::Cargo, name);
    let Some(latest) = versions.last().copied() else {
        return Reply::json(
            404,
            &json!({ "errors": [{ "detail": format!("crate `{name}` does not exist") }] }),
        );
    };
    versions.reverse();
    let created = |package: &Package| {
        package
            .published
            .as_deref()
            .map(|p| with_fraction(p, ".123456").replace('Z', "+00:00"))
    };
    let version_list: Vec<Value> = versions
        .iter()
        .enumerate()
        .map(|(id, package)| {
            json!({
                "id": 1000 + id,
                "crate": package.name,
                "num": package.version,
                "license": package.license,
                "yanked": package.yanked.is_some(),
                "yank_message": package.yanked.clone().filter(|m| !m.is_empty()),
                "created_at": created(package),
                "updated_at": created(package),
                "downloads": 1000,
                "checksum": "5ad32ce52e4161730f7098c077cd2ed6229b5804ccf99e5366be1ab72a98b4e1",
                "dl_path": format!("/api/v1/crates/{}/{}/download", package.name, package.version),
                "rust_version": null,
                "published_by": null,
                "audit_actions": [],
                "trustpub_data": null,
            })
        })
        .collect();
    Reply::json(
        200,
        &json!({
            "crate": {
                "id": latest.name,
                "name": latest.name,
                "created_at": "2015-01-01T00:00:00.000000+00:00",
                "updated_at": created(latest),
                "downloads": 1000 * version_list.len(),
                "recent_downloads": 100,
                "max_version": latest.version,
                "max_stable_version": latest.version,
                "newest_version": latest.version,
                "default_version": latest.version,
                "num_versions": version_list.len(),
                "repository": latest.repository,
                "yanked": false,
                "trustpub_only": false,
            },
            "versions": version_list,
            "keywords": [],
            "categories": [],
        }),
    )
}
