//! The sarif format: SARIF 2.1.0 for code scanning.
//!
//! One rule per rule id (with its help), one result per finding at its manifest line, the
//! level from its severity, and a `partialFingerprints` entry that stays the same across runs
//! for the same finding: it hashes the rule, the component's ecosystem, name and version, and
//! the file — not the line, so that an edit above the line does not turn one alert into
//! another, while two versions of a package in one file stay two alerts.
//!
//! Locations: a file inside the repository is a relative, percent-encoded URI under
//! `%SRCROOT%`; an absolute path outside it (a policy named by `--policy`) a `file:` URI
//! without a base; anything else (a `github:` layer) has no physical location.
//!
//! GitHub code scanning keeps 5,000 results per run and rejects a file with more than 25,000:
//! at most [`MAX_RESULTS`] are written, the most severe first, and a run-level notification
//! says how many were left out (they are in the JSON report).
//!
//! The document is built with `serde_json` rather than a typed SARIF model (serde-sarif): it
//! uses a few dozen of SARIF's hundreds of types. Output is checked against the SARIF 2.1.0
//! schema during development (the schema is not part of the repository); the tests check the
//! parts code scanning relies on (tests/it/reporters.rs).

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use super::Report;
use crate::model::codes::{LintCode, NoteCode};
use crate::model::{Finding, Rule, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The results GitHub code scanning keeps of one run.
pub const MAX_RESULTS: usize = 5_000;

/// What stays as it is in a URI path: RFC 3986's unreserved characters and `/`.
const URI_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

pub fn document(report: &Report) -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|rule| rule_descriptor(*rule, &report.findings))
        .collect();
    // The most severe first; otherwise the report's order (a stable sort).
    let mut ranked: Vec<&Finding> = report.findings.iter().collect();
    ranked.sort_by_key(|finding| std::cmp::Reverse(finding.severity));
    let dropped = ranked.len().saturating_sub(MAX_RESULTS);
    let results: Vec<Value> = ranked.into_iter().take(MAX_RESULTS).map(result).collect();
    let notifications: Vec<Value> = NoteCode::ALL
        .iter()
        .map(|code| descriptor(code.as_str(), code.summary()))
        .chain(
            LintCode::ALL
                .iter()
                .map(|code| descriptor(code.as_str(), code.summary())),
        )
        .chain([descriptor(
            RESULTS_DROPPED,
            "More results than code scanning keeps: the least severe are left out",
        )])
        .collect();
    let raised: Vec<Value> = report
        .notes
        .iter()
        .map(|note| {
            notification(
                note.code.as_str(),
                if note.code.is_warning() {
                    "warning"
                } else {
                    "note"
                },
                &note.message,
                &note.file,
                note.line,
            )
        })
        .chain(report.facts.problems().iter().map(|problem| {
            json!({
                "descriptor": { "id": NoteCode::FactsUnreachable.as_str() },
                "level": "warning",
                "message": { "text": problem },
            })
        }))
        .chain(report.lints.iter().map(|lint| {
            notification(
                lint.code.as_str(),
                "warning",
                &lint.message,
                &lint.file,
                Some(lint.line),
            )
        }))
        .chain((dropped > 0).then(|| {
            json!({
                "descriptor": { "id": RESULTS_DROPPED },
                "level": "warning",
                "message": { "text": format!(
                    "{dropped} of {} results are not in this file: GitHub code scanning keeps \
                     {MAX_RESULTS} a run. The most severe are kept; the JSON report (--output \
                     json=PATH) has every finding.",
                    report.findings.len()
                ) },
            })
        }))
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": report.tool.name,
                    "version": report.tool.version,
                    "semanticVersion": report.tool.version,
                    "rules": rules,
                    "notifications": notifications,
                }
            },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": raised,
            }],
            "originalUriBaseIds": {
                "%SRCROOT%": {
                    "description": { "text": "The root of the repository depgov checked." }
                }
            },
            "results": results,
            "properties": {
                "policy": report.policy.name,
                "policySource": report.policy.source,
            }
        }]
    })
}

/// The notification saying results were left out.
const RESULTS_DROPPED: &str = "sarif-results-dropped";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// A notification's descriptor: a code of [`NoteCode`] or [`LintCode`].
fn descriptor(id: &str, summary: &str) -> Value {
    json!({
        "id": id,
        "shortDescription": { "text": summary },
    })
}

/// An input note or a policy lint, as a tool notification at its file and line.
fn notification(code: &str, level: &str, message: &str, file: &str, line: Option<u32>) -> Value {
    let mut value = json!({
        "descriptor": { "id": code },
        "level": level,
        "message": { "text": message },
    });
    if let Some(location) = physical_location(file, line) {
        value["locations"] = json!([{ "physicalLocation": location }]);
    }
    value
}

/// A `physicalLocation` for `file` (as a location names it) at `line`; `None` for a file no
/// URI can name.
fn physical_location(file: &str, line: Option<u32>) -> Option<Value> {
    let artifact = match file_uri(file)? {
        Uri::InRepository(uri) => json!({ "uri": uri, "uriBaseId": "%SRCROOT%" }),
        Uri::Absolute(uri) => json!({ "uri": uri }),
    };
    let mut location = json!({ "artifactLocation": artifact });
    if let Some(line) = line {
        location["region"] = json!({ "startLine": line });
    }
    Some(location)
}

/// A file's URI in SARIF.
#[derive(Debug, PartialEq, Eq)]
enum Uri {
    /// Relative to the repository's root (`%SRCROOT%`).
    InRepository(String),
    /// A `file:` URI of a file outside the repository.
    Absolute(String),
}

/// The URI of `file`: a relative path inside the repository, or an absolute path (`/…` or a
/// Windows drive); `None` for anything else (`../…`, `github:…`, `depgov:default`).
fn file_uri(file: &str) -> Option<Uri> {
    let path: Cow<'_, str> = if file.contains('\\') {
        Cow::Owned(file.replace('\\', "/"))
    } else {
        Cow::Borrowed(file)
    };
    let encode = |path: &str| utf8_percent_encode(path, URI_PATH).to_string();
    let bytes = path.as_bytes();
    let drive = bytes.len() > 2 && bytes[0].is_ascii_alphabetic() && &bytes[1..3] == b":/";
    if let Some(rest) = path.strip_prefix('/') {
        return Some(Uri::Absolute(format!("file:///{}", encode(rest))));
    }
    if drive {
        let (letter, rest) = path.split_at(2);
        return Some(Uri::Absolute(format!("file:///{letter}{}", encode(rest))));
    }
    let outside =
        path.contains(':') || path.split('/').any(|segment| segment == "..") || path.is_empty();
    (!outside).then(|| Uri::InRepository(encode(path.trim_start_matches("./"))))
}

/// A rule's tags: vulnerabilities and malicious packages are security results.
fn tags(rule: Rule) -> Vec<&'static str> {
    match rule {
        Rule::Vulnerability | Rule::Malicious => {
            vec!["security", "dependencies", "open-source-policy"]
        }
        _ => vec!["dependencies", "open-source-policy"],
    }
}

/// The CVSS-like score (0.0 to 10.0, as text) of a vulnerability or malicious-package
/// finding: the advisory's base score, else the middle of its severity's band.
fn security_severity(finding: &Finding) -> Option<String> {
    match finding.rule {
        Rule::Malicious => Some("10.0".to_owned()),
        Rule::Vulnerability => {
            let score = finding.evidence.get("score").and_then(|s| s.as_f64());
            let band = match finding.evidence.get("severity").and_then(|s| s.as_str()) {
                Some("critical") => 9.5,
                Some("high") => 8.0,
                Some("medium") => 5.5,
                Some("low") => 2.0,
                _ => 5.0,
            };
            Some(format!("{:.1}", score.unwrap_or(band)))
        }
        _ => None,
    }
}

/// The descriptor of `rule`. GitHub code scanning reads `security-severity` from the rule,
/// not from its results: a security rule carries the highest score of its results in the run
/// (each result keeps its own for other readers).
fn rule_descriptor(rule: Rule, findings: &[Finding]) -> Value {
    let help = format!(
        "{} Every rule is described in depgov's docs/rules.md.",
        rule.help()
    );
    let mut descriptor = json!({
        "id": rule.as_str(),
        "name": rule.as_str(),
        "shortDescription": { "text": rule.summary() },
        "fullDescription": { "text": rule.summary() },
        "help": { "text": help, "markdown": help },
        "properties": { "tags": tags(rule) }
    });
    let highest = findings
        .iter()
        .filter(|f| f.rule == rule)
        .filter_map(security_severity)
        .filter_map(|score| Some((score.parse::<f64>().ok()?, score)))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, score)) = highest {
        descriptor["properties"]["security-severity"] = json!(score);
    }
    descriptor
}

fn result(finding: &Finding) -> Value {
    let rule_index = Rule::ALL.iter().position(|r| *r == finding.rule);
    let mut text = finding.message.clone();
    if let Some(reason) = &finding.reason {
        text.push_str(&format!(" Reason: {reason}."));
    }
    if !finding.use_instead.is_empty() {
        text.push_str(&format!(
            " Use instead: {}.",
            finding.use_instead.join(", ")
        ));
    }
    if !finding.path.is_empty() {
        text.push_str(&format!(" Path: {}.", finding.path.join(" → ")));
    }
    let mut value = json!({
        "ruleId": finding.rule.as_str(),
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": { "text": text },
        "partialFingerprints": { "depgovFinding/v1": fingerprint(finding) },
        "properties": {
            "ring": finding.ring,
            "change": finding.change,
            "purl": finding.component.as_ref().map(|c| c.purl.clone()),
        }
    });
    if !finding.evidence.is_empty() {
        value["properties"]["evidence"] = json!(finding.evidence);
    }
    if let Some(severity) = security_severity(finding) {
        // GitHub code scanning ranks security results by this score, written as text.
        value["properties"]["security-severity"] = json!(severity);
    }
    if let Some(waiver) = &finding.waiver {
        let mut justification = waiver.reason.clone();
        if let Some(who) = &waiver.approved_by {
            justification.push_str(&format!(" (approved by {who})"));
        }
        if let Some(ticket) = &waiver.ticket {
            justification.push_str(&format!(" [{ticket}]"));
        }
        value["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": format!("{justification}; until {}", waiver.expires),
        }]);
    }
    if let Some(location) = finding
        .location
        .as_ref()
        .and_then(|l| physical_location(&l.file, Some(l.line)))
    {
        value["locations"] = json!([{ "physicalLocation": location }]);
    }
    value
}

/// A stable identity for a finding across runs: FNV-1a over what makes it the same finding.
fn fingerprint(finding: &Finding) -> String {
    let (ecosystem, name, version) = finding.component.as_ref().map_or(("", "", ""), |c| {
        (c.ecosystem.as_str(), c.name.as_str(), c.version.as_str())
    });
    let file = finding.location.as_ref().map_or("", |l| &*l.file);
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [finding.rule.as_str(), ecosystem, name, version, file] {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::{Uri, file_uri};

    #[test]
    fn uris_are_relative_and_percent_encoded_inside_the_repository_only() {
        let inside = |text: &str| Some(Uri::InRepository(text.to_owned()));
        assert_eq!(
            file_uri("web/package-lock.json"),
            inside("web/package-lock.json")
        );
        assert_eq!(
            file_uri("./a b/100%#?.toml"),
            inside("a%20b/100%25%23%3F.toml")
        );
        assert_eq!(
            file_uri("façade/Cargo.lock"),
            inside("fa%C3%A7ade/Cargo.lock")
        );
        assert_eq!(
            file_uri("/etc/ospo/policy one.toml"),
            Some(Uri::Absolute(
                "file:///etc/ospo/policy%20one.toml".to_owned()
            ))
        );
        assert_eq!(
            file_uri("C:\\ospo\\policy.toml"),
            Some(Uri::Absolute("file:///C:/ospo/policy.toml".to_owned()))
        );
        for nowhere in [
            "../shared/policy.toml",
            "github:acme/p/x.toml@v1",
            "depgov:default",
            "",
        ] {
            assert_eq!(file_uri(nowhere), None, "{nowhere}");
        }
    }
}
