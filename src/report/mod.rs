//! Reports: the one document every output format renders, so that all formats say the same.
//!
//! [`Report`] is also the JSON report (schema `depgov.report/v1`, docs/json-report.md);
//! each format is one module.

pub mod cyclonedx;
pub mod explain;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod org;
pub mod sarif;
mod sbom;
pub mod spdx;

use serde::{Deserialize, Serialize};

use crate::evaluate::{Evaluation, Verdict};
use crate::gate::{Fixed, Removed};
use crate::inventory::{InputFile, InputNote, Inventory};
use crate::model::facts::FactsReport;
use crate::model::{Change, Component, Finding, Ring, Severity};
use crate::policy::Policy;
use crate::policy::lint::Lint;

pub const REPORT_SCHEMA: &str = "depgov.report/v1";
pub const INVENTORY_SCHEMA: &str = "depgov.inventory/v1";

/// The formats of a check report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    /// Workflow commands: annotations on the manifest lines in GitHub Actions.
    Github,
    /// The pull-request comment / job summary body.
    Markdown,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// A CycloneDX 1.6 JSON SBOM, with each component's verdict as properties.
    Cyclonedx,
    /// An SPDX 2.3 JSON document, with each component's verdict as annotations.
    Spdx,
}

/// The formats of an inventory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InventoryFormat {
    Human,
    Json,
    /// A CycloneDX 1.6 JSON SBOM.
    Cyclonedx,
    /// An SPDX 2.3 JSON document.
    Spdx,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

impl Tool {
    pub fn this() -> Self {
        Tool {
            name: env!("CARGO_PKG_NAME").to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// Which policy judged, and whom to ask about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyInfo {
    pub name: String,
    pub contact: Option<String>,
    /// The policy file, or `embedded default`.
    pub source: String,
    /// The commit the policy file was read at (`--base`); `None` for the working tree.
    pub revision: Option<String>,
}

impl PolicyInfo {
    pub fn of(policy: &Policy) -> Self {
        PolicyInfo {
            name: policy.name.clone(),
            contact: policy.contact.clone(),
            source: policy.origin.source(),
            revision: policy.origin.revision().map(str::to_owned),
        }
    }
}

/// Findings by severity.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Debt {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Debt {
    fn count(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Note => self.notes += 1,
        }
    }
}

/// What `--base` compared with, and what the change paid off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseReport {
    /// The revision as given, e.g. `origin/main`.
    pub rev: String,
    /// The merge-base of HEAD and `rev`: the commit the change was compared with.
    pub merge_base: String,
    /// Components present at base and gone now, with their ring at base.
    pub removed: Vec<Removed>,
    /// Vulnerabilities affecting a component at base that the change leaves behind.
    #[serde(default)]
    pub fixed: Vec<Fixed>,
    /// With `--only-new`: findings not shown because the change did not cause them.
    pub existing_debt: Option<Debt>,
}

/// Evaluated components per ring (the worst ring across each component's axes).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ByRing {
    pub adopt: usize,
    pub trial: usize,
    pub assess: usize,
    pub hold: usize,
    pub remove: usize,
}

impl ByRing {
    pub(crate) fn count(&mut self, ring: Ring) {
        *self.get_mut(ring) += 1;
    }

    pub(crate) fn add(&mut self, other: &ByRing) {
        for ring in Ring::ALL {
            *self.get_mut(ring) += other.get(ring);
        }
    }

    fn get_mut(&mut self, ring: Ring) -> &mut usize {
        match ring {
            Ring::Adopt => &mut self.adopt,
            Ring::Trial => &mut self.trial,
            Ring::Assess => &mut self.assess,
            Ring::Hold => &mut self.hold,
            Ring::Remove => &mut self.remove,
        }
    }

    pub fn get(&self, ring: Ring) -> usize {
        match ring {
            Ring::Adopt => self.adopt,
            Ring::Trial => self.trial,
            Ring::Assess => self.assess,
            Ring::Hold => self.hold,
            Ring::Remove => self.remove,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub components: usize,
    pub evaluated: usize,
    pub not_evaluated: usize,
    /// Findings per severity, waived ones not included.
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Findings a policy exception waives.
    pub waived: usize,
    pub by_ring: ByRing,
}

/// The result of `depgov check`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub tool: Tool,
    pub policy: PolicyInfo,
    pub summary: Summary,
    /// The files inventory read.
    pub inputs: Vec<InputFile>,
    /// What inputs held but inventory did not turn into components, and why.
    pub notes: Vec<InputNote>,
    /// Likely mistakes in the policy that judged.
    #[serde(default)]
    pub lints: Vec<Lint>,
    /// Where facts about the components came from, and which sources failed.
    #[serde(default)]
    pub facts: FactsReport,
    /// With `--base`: what the change was compared with.
    pub base: Option<BaseReport>,
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// Written on every core ([`json::write_listed`]).
    #[serde(serialize_with = "json::listed")]
    pub components: Vec<Component>,
    /// Each component's verdict, in the order of `components` (for the SBOM formats); not in
    /// the JSON report, whose findings and summary say the same.
    #[serde(skip)]
    pub verdicts: Vec<Verdict>,
}

/// [`Report::warnings`], for any report of facts and input notes.
pub fn warnings(facts: &FactsReport, notes: &[InputNote]) -> Vec<(&'static str, String)> {
    let facts = facts.problems().into_iter().map(|p| ("facts", p));
    let inputs = notes
        .iter()
        .filter(|note| note.code.is_warning())
        .map(|note| ("input", format!("{}: {}", note.file, note.message)));
    facts.chain(inputs).collect()
}

impl Report {
    pub fn new(
        inventory: Inventory,
        evaluation: Evaluation,
        lints: Vec<Lint>,
        policy: &Policy,
    ) -> Self {
        let mut summary = Summary {
            components: inventory.components.len(),
            ..Summary::default()
        };
        for verdict in &evaluation.verdicts {
            match verdict {
                Verdict::NotEvaluated => summary.not_evaluated += 1,
                Verdict::Ring(ring) => {
                    summary.evaluated += 1;
                    summary.by_ring.count(*ring);
                }
            }
        }
        let mut report = Report {
            schema: REPORT_SCHEMA.to_owned(),
            tool: Tool::this(),
            policy: PolicyInfo::of(policy),
            summary,
            inputs: inventory.inputs,
            notes: inventory.notes,
            lints,
            facts: FactsReport::default(),
            base: None,
            findings: evaluation.findings,
            components: inventory.components,
            verdicts: evaluation.verdicts,
        };
        report.count_findings();
        report
    }

    fn count_findings(&mut self) {
        let mut counts = Debt::default();
        for finding in self.findings.iter().filter(|f| f.waiver.is_none()) {
            counts.count(finding.severity);
        }
        self.summary.errors = counts.errors;
        self.summary.warnings = counts.warnings;
        self.summary.notes = counts.notes;
        self.summary.waived = self.waived_findings().count();
    }

    /// Records what the change was compared with. With `only_new`, findings the change did not
    /// cause (on existing components) are left out and counted as existing debt.
    pub fn set_base(&mut self, mut base: BaseReport, only_new: bool) {
        if only_new {
            let mut debt = Debt::default();
            self.findings.retain(|finding| {
                let existing = finding.change == Some(Change::Existing);
                if existing && finding.waiver.is_none() {
                    debt.count(finding.severity);
                }
                !existing
            });
            base.existing_debt = Some(debt);
            self.count_findings();
        }
        self.base = Some(base);
    }

    /// The most severe finding that is not waived, if any.
    pub fn worst_severity(&self) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| f.waiver.is_none())
            .map(|f| f.severity)
            .max()
    }

    /// What every report shows as a warning, with its label: each source of facts that failed
    /// (`facts`), and each input read less fully than asked (`input`: a Cargo workspace read
    /// from its lockfile as text).
    pub fn warnings(&self) -> Vec<(&'static str, String)> {
        warnings(&self.facts, &self.notes)
    }

    /// The findings that count (not waived).
    pub fn active_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.waiver.is_none())
    }

    /// The findings policy exceptions waive.
    pub fn waived_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.waiver.is_some())
    }

    pub fn write(&self, format: Format, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        match format {
            Format::Human => out.write_all(human::check(self).as_bytes()),
            Format::Json => json::write_listed(self, "components", &self.components, out),
            Format::Github => out.write_all(github::render(self).as_bytes()),
            Format::Markdown => out.write_all(markdown::render(self).as_bytes()),
            Format::Sarif => json::write(&sarif::document(self), out),
            Format::Cyclonedx => cyclonedx::write(&sbom::Sbom::of_check(self), out),
            Format::Spdx => spdx::write(&sbom::Sbom::of_check(self), out),
        }
    }
}

/// A finding's evidence in one line, `key: value; key: a, b`, when it has any.
pub(crate) fn evidence_line(finding: &Finding) -> Option<String> {
    if finding.evidence.is_empty() {
        return None;
    }
    let shown = |value: &serde_json::Value| match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map_or_else(|| item.to_string(), str::to_owned)
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    let parts: Vec<String> = finding
        .evidence
        .iter()
        .filter(|(_, value)| !matches!(value, serde_json::Value::String(s) if s.is_empty()))
        .map(|(key, value)| format!("{}: {}", key.replace('_', " "), shown(value)))
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The result of `depgov inventory`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InventoryReport {
    pub schema: String,
    pub tool: Tool,
    pub inputs: Vec<InputFile>,
    pub notes: Vec<InputNote>,
    /// Where facts about the components came from, and which sources failed.
    pub facts: FactsReport,
    /// Written on every core ([`json::write_listed`]).
    #[serde(serialize_with = "json::listed")]
    pub components: Vec<Component>,
}

impl InventoryReport {
    pub fn new(inventory: Inventory, facts: FactsReport) -> Self {
        InventoryReport {
            schema: INVENTORY_SCHEMA.to_owned(),
            tool: Tool::this(),
            inputs: inventory.inputs,
            notes: inventory.notes,
            facts,
            components: inventory.components,
        }
    }

    pub fn write(
        &self,
        format: InventoryFormat,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        match format {
            InventoryFormat::Human => out.write_all(human::inventory(self).as_bytes()),
            InventoryFormat::Json => json::write_listed(self, "components", &self.components, out),
            InventoryFormat::Cyclonedx => cyclonedx::write(&sbom::Sbom::of_inventory(self), out),
            InventoryFormat::Spdx => spdx::write(&sbom::Sbom::of_inventory(self), out),
        }
    }
}
