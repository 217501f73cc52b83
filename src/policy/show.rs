//! `depgov policy show`: the effective policy after every layer is merged, with where each
//! setting and entry comes from.
//!
//! The TOML form is itself a valid, flat policy: the origins are comments, so it can be read
//! back and judges exactly as the layered policy does.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{ComponentEntry, Exception, Policy, Threshold};
use crate::model::{Location, Ring};

/// A TOML string literal.
pub(super) fn quote(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quote(i)).collect();
    format!("[{}]", quoted.join(", "))
}

/// `# FILE:LINE`, or `# built-in default` for a setting no layer sets.
fn origin_comment(policy: &Policy, key: &str) -> String {
    match policy.settings.get(key) {
        Some(origin) => format!("  # {origin}"),
        None => "  # built-in default".to_owned(),
    }
}

pub fn toml(policy: &Policy) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# The effective policy `{}`", policy.name);
    let _ = writeln!(out, "# built from: {}", policy.layers.join(" → "));
    out.push_str("version = 1\n");
    let _ = writeln!(out, "name = {}", quote(&policy.name));
    if let Some(contact) = &policy.contact {
        let _ = writeln!(out, "contact = {}", quote(contact));
    }
    let kinds: Vec<String> = policy.scope.iter().map(|k| k.as_str().to_owned()).collect();
    let _ = writeln!(
        out,
        "\n[defaults]\nring = {}{}\nscope = {}{}",
        quote(policy.default_ring.as_str()),
        origin_comment(policy, "defaults.ring"),
        list(&kinds),
        origin_comment(policy, "defaults.scope"),
    );
    out.push_str("\n[licenses]\n");
    for ring in Ring::ALL {
        let listed: Vec<(String, &Location)> = policy
            .licenses
            .listed()
            .filter(|(_, r, _)| *r == ring)
            .map(|(req, _, origin)| (req.to_string(), origin))
            .collect();
        if listed.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{ring} = [");
        for (license, origin) in listed {
            let _ = writeln!(out, "    {},  # {origin}", quote(&license));
        }
        out.push_str("]\n");
    }
    let _ = writeln!(
        out,
        "unlisted = {}{}\nunknown = {}{}",
        quote(policy.licenses.unlisted.as_str()),
        origin_comment(policy, "licenses.unlisted"),
        quote(policy.licenses.unknown.as_str()),
        origin_comment(policy, "licenses.unknown"),
    );
    let sources = &policy.sources;
    let _ = writeln!(
        out,
        "\n[sources]\ngit = {}{}\nregistries = {}{}\nunknown-registry = {}{}",
        quote(sources.git.as_str()),
        origin_comment(policy, "sources.git"),
        list(&sources.registries),
        origin_comment(policy, "sources.registries"),
        quote(sources.unknown_registry.as_str()),
        origin_comment(policy, "sources.unknown-registry"),
    );
    if let Some(exclude) = &policy.scan_exclude {
        let _ = writeln!(
            out,
            "\n[scan]\nexclude = {}{}",
            list(exclude),
            origin_comment(policy, "scan.exclude")
        );
    }
    let _ = writeln!(
        out,
        "\n[expiry]\nwarn-days = {}{}",
        policy.warn_days,
        origin_comment(policy, "expiry.warn-days")
    );
    if let Some(max) = policy.max_days {
        let _ = writeln!(
            out,
            "max-days = {max}{}",
            origin_comment(policy, "expiry.max-days")
        );
    }
    criteria(&mut out, policy);
    vulnerabilities(&mut out, policy);
    facts(&mut out, policy);
    for entry in &policy.components {
        component(&mut out, entry);
    }
    for exception in &policy.exceptions {
        exception_entry(&mut out, exception);
    }
    out
}

/// The `[criteria]` table, when the policy sets anything in it.
fn criteria(out: &mut String, policy: &Policy) {
    let criteria = &policy.criteria;
    let mut lines = Vec::new();
    for (criterion, (ring, threshold)) in &criteria.rings {
        let value = match threshold {
            Threshold::None => quote(ring.as_str()),
            Threshold::Days(days) => {
                format!("{{ ring = {}, days = {days} }}", quote(ring.as_str()))
            }
            Threshold::Below(below) => {
                format!("{{ ring = {}, below = {below:?} }}", quote(ring.as_str()))
            }
        };
        lines.push(format!(
            "{} = {value}{}",
            criterion.as_str(),
            origin_comment(policy, super::layers::criterion_key(*criterion))
        ));
    }
    if let Some(ring) = criteria.unknown {
        lines.push(format!(
            "unknown = {}{}",
            quote(ring.as_str()),
            origin_comment(policy, "criteria.unknown")
        ));
    }
    if !lines.is_empty() {
        let _ = writeln!(out, "\n[criteria]\n{}", lines.join("\n"));
    }
}

/// The `[vulnerabilities]` table, when the policy sets anything in it.
fn vulnerabilities(out: &mut String, policy: &Policy) {
    if policy.vulnerabilities.is_empty() {
        return;
    }
    out.push_str("\n[vulnerabilities]\n");
    for level in crate::model::facts::Level::ALL {
        if let Some(ring) = policy.vulnerabilities.get(&level) {
            let _ = writeln!(
                out,
                "{} = {}{}",
                level.as_str(),
                quote(ring.as_str()),
                origin_comment(policy, super::layers::vulnerability_key(level))
            );
        }
    }
}

/// The `[facts]` table, when the policy sets anything in it.
fn facts(out: &mut String, policy: &Policy) {
    let facts = &policy.facts;
    let mut lines = Vec::new();
    if let Some(sources) = &facts.sources {
        let names: Vec<String> = sources.iter().map(|s| s.as_str().to_owned()).collect();
        lines.push(format!(
            "sources = {}{}",
            list(&names),
            origin_comment(policy, "facts.sources")
        ));
    }
    for (endpoint, url) in &facts.urls {
        lines.push(format!(
            "{} = {}{}",
            endpoint.key(),
            quote(url),
            origin_comment(policy, super::layers::facts_url_key(*endpoint))
        ));
    }
    for (key, value) in [
        ("license-max-age", facts.license_max_age),
        ("flags-max-age", facts.flags_max_age),
    ] {
        if let Some(days) = value {
            lines.push(format!(
                "{key} = {days}{}",
                origin_comment(policy, &format!("facts.{key}"))
            ));
        }
    }
    if !lines.is_empty() {
        let _ = writeln!(out, "\n[facts]\n{}", lines.join("\n"));
    }
}

fn component(out: &mut String, entry: &ComponentEntry) {
    let _ = writeln!(out, "\n[[components]]  # {}", entry.origin);
    let _ = writeln!(out, "purl = {}", quote(&entry.selector.purl()));
    if let Some(range) = &entry.selector.versions_text {
        let _ = writeln!(out, "versions = {}", quote(range));
    }
    let _ = writeln!(out, "ring = {}", quote(entry.ring.as_str()));
    if let Some(reason) = &entry.reason {
        let _ = writeln!(out, "reason = {}", quote(reason));
    }
    if !entry.use_instead.is_empty() {
        let _ = writeln!(out, "use-instead = {}", list(&entry.use_instead));
    }
    if let Some(link) = &entry.link {
        let _ = writeln!(out, "link = {}", quote(link));
    }
    if let Some(sunset) = entry.sunset {
        let _ = writeln!(out, "sunset = {sunset}");
    }
    if entry.locked {
        out.push_str("locked = true\n");
    }
    if !entry.accept.is_empty() {
        let accepted: Vec<String> = entry.accept.iter().map(|c| c.as_str().to_owned()).collect();
        let _ = writeln!(out, "accept = {}", list(&accepted));
    }
}

fn exception_entry(out: &mut String, exception: &Exception) {
    let _ = writeln!(out, "\n[[exceptions]]  # {}", exception.origin);
    if let Some(advisory) = &exception.advisory {
        let _ = writeln!(out, "advisory = {}", quote(advisory));
    }
    if let Some(selector) = &exception.selector {
        let _ = writeln!(out, "purl = {}", quote(&selector.purl()));
        if let Some(range) = &selector.versions_text {
            let _ = writeln!(out, "versions = {}", quote(range));
        }
    }
    if !exception.paths.is_empty() {
        let _ = writeln!(out, "paths = {}", list(&exception.paths));
    }
    if !exception.repos.is_empty() {
        let _ = writeln!(out, "repos = {}", list(&exception.repos));
    }
    let _ = writeln!(out, "expires = {}", exception.expires);
    let _ = writeln!(out, "reason = {}", quote(&exception.reason));
    if let Some(who) = &exception.approved_by {
        let _ = writeln!(out, "approved-by = {}", quote(who));
    }
    if let Some(ticket) = &exception.ticket {
        let _ = writeln!(out, "ticket = {}", quote(ticket));
    }
}

/// A setting's value with its origin (`null` for a built-in default).
fn setting(policy: &Policy, key: &str, value: Value) -> Value {
    json!({ "value": value, "origin": policy.settings.get(key) })
}

pub fn json(policy: &Policy) -> Value {
    let mut criteria: serde_json::Map<String, Value> = policy
        .criteria
        .rings
        .iter()
        .map(|(criterion, (ring, threshold))| {
            let value = match threshold {
                Threshold::None => json!({ "ring": ring }),
                Threshold::Days(days) => json!({ "ring": ring, "days": days }),
                Threshold::Below(below) => json!({ "ring": ring, "below": below }),
            };
            let key = super::layers::criterion_key(*criterion);
            (criterion.as_str().to_owned(), setting(policy, key, value))
        })
        .collect();
    if let Some(ring) = policy.criteria.unknown {
        criteria.insert(
            "unknown".to_owned(),
            setting(policy, "criteria.unknown", json!({ "ring": ring })),
        );
    }
    let facts = &policy.facts;
    let facts_urls: serde_json::Map<String, Value> = facts
        .urls
        .iter()
        .map(|(endpoint, url)| {
            let key = super::layers::facts_url_key(*endpoint);
            (endpoint.key().to_owned(), setting(policy, key, json!(url)))
        })
        .collect();
    let licenses: Vec<Value> = policy
        .licenses
        .listed()
        .map(|(req, ring, origin)| json!({"license": req.to_string(), "ring": ring, "origin": origin}))
        .collect();
    let components: Vec<Value> = policy
        .components
        .iter()
        .map(|e| {
            json!({
                "purl": e.selector.purl(), "versions": e.selector.versions_text, "ring": e.ring,
                "reason": e.reason, "use_instead": e.use_instead, "link": e.link,
                "sunset": e.sunset.map(|d| d.to_string()), "locked": e.locked,
                "accept": e.accept, "origin": e.origin,
            })
        })
        .collect();
    let exceptions: Vec<Value> = policy
        .exceptions
        .iter()
        .map(|e| {
            json!({
                "purl": e.selector.as_ref().map(|s| s.purl()),
                "versions": e.selector.as_ref().and_then(|s| s.versions_text.clone()),
                "advisory": e.advisory, "paths": e.paths,
                "repos": e.repos, "expires": e.expires.to_string(), "reason": e.reason,
                "approved_by": e.approved_by, "ticket": e.ticket, "origin": e.origin,
            })
        })
        .collect();
    json!({
        "schema": "depgov.policy/v1",
        "name": policy.name,
        "contact": policy.contact,
        "layers": policy.layers,
        "defaults": {
            "ring": setting(policy, "defaults.ring", json!(policy.default_ring)),
            "scope": setting(policy, "defaults.scope", json!(policy.scope)),
        },
        "licenses": {
            "listed": licenses,
            "unlisted": setting(policy, "licenses.unlisted", json!(policy.licenses.unlisted)),
            "unknown": setting(policy, "licenses.unknown", json!(policy.licenses.unknown)),
        },
        "sources": {
            "git": setting(policy, "sources.git", json!(policy.sources.git)),
            "registries": setting(policy, "sources.registries", json!(policy.sources.registries)),
            "unknown_registry": setting(policy, "sources.unknown-registry", json!(policy.sources.unknown_registry)),
        },
        "scan": { "exclude": setting(policy, "scan.exclude", json!(policy.scan_exclude)) },
        "expiry": {
            "warn_days": setting(policy, "expiry.warn-days", json!(policy.warn_days)),
            "max_days": setting(policy, "expiry.max-days", json!(policy.max_days)),
        },
        "criteria": criteria,
        "vulnerabilities": policy
            .vulnerabilities
            .iter()
            .map(|(level, ring)| {
                let key = super::layers::vulnerability_key(*level);
                (level.as_str().to_owned(), setting(policy, key, json!(ring)))
            })
            .collect::<serde_json::Map<String, Value>>(),
        "facts": {
            "sources": setting(policy, "facts.sources", json!(facts.sources)),
            "urls": facts_urls,
            "license_max_age": setting(policy, "facts.license-max-age", json!(facts.license_max_age)),
            "flags_max_age": setting(policy, "facts.flags-max-age", json!(facts.flags_max_age)),
        },
        "components": components,
        "exceptions": exceptions,
    })
}
