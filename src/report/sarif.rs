//! The sarif format: SARIF 2.1.0 for code scanning.
//!
//! One rule per rule id (with its help), one result per finding at its repository-relative
//! manifest line (`uriBaseId` `%SRCROOT%`), the level from its severity, and a
//! `partialFingerprints` entry that stays the same across runs for the same finding: it hashes
//! the rule, the component's ecosystem and name, and the file — not the version or the line, so
//! that a version bump or an edit above the line does not turn one alert into another.

use serde_json::{Value, json};

use super::Report;
use crate::model::codes::{LintCode, NoteCode};
use crate::model::{Finding, Rule, Severity};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn document(report: &Report) -> Value {
    let rules: Vec<Value> = Rule::ALL
        .iter()
        .map(|rule| rule_descriptor(*rule, &report.findings))
        .collect();
    let results: Vec<Value> = report.findings.iter().map(result).collect();
    let notifications: Vec<Value> = NoteCode::ALL
        .iter()
        .map(|code| descriptor(code.as_str(), code.summary()))
        .chain(
            LintCode::ALL
                .iter()
                .map(|code| descriptor(code.as_str(), code.summary())),
        )
        .collect();
    let raised: Vec<Value> = report
        .notes
        .iter()
        .map(|note| {
            notification(
                note.code.as_str(),
                "note",
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
    let mut location = json!({
        "artifactLocation": { "uri": file, "uriBaseId": "%SRCROOT%" },
    });
    if let Some(line) = line {
        location["region"] = json!({ "startLine": line });
    }
    json!({
        "descriptor": { "id": code },
        "level": level,
        "message": { "text": message },
        "locations": [{ "physicalLocation": location }],
    })
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
    if let Some(location) = &finding.location {
        value["locations"] = json!([{
            "physicalLocation": {
                "artifactLocation": { "uri": location.file, "uriBaseId": "%SRCROOT%" },
                "region": { "startLine": location.line }
            }
        }]);
    }
    value
}

/// A stable identity for a finding across runs: FNV-1a over what makes it the same finding.
fn fingerprint(finding: &Finding) -> String {
    let (ecosystem, name) = finding
        .component
        .as_ref()
        .map_or(("", ""), |c| (c.ecosystem.as_str(), c.name.as_str()));
    let file = finding.location.as_ref().map_or("", |l| l.file.as_str());
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [finding.rule.as_str(), ecosystem, name, file] {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
