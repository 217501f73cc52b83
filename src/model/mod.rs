//! The data model every stage shares: components (what inventory produces), rings and
//! severities (what the policy and evaluation speak), and findings (what reports render).
//!
//! Nothing here knows how components are discovered or how a policy is written; it is the
//! contract between the stages.

pub mod codes;
pub mod evidence;
pub mod facts;
pub mod license;
pub mod purl;
pub mod registry;
pub mod versions;

use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use evidence::Evidence;
use facts::Facts;
use license::License;

/// A package ecosystem. Its name is also its package-URL type.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    Cargo,
    Npm,
    Pypi,
    Golang,
    Gem,
    Composer,
    Maven,
    Nuget,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 8] = [
        Ecosystem::Cargo,
        Ecosystem::Npm,
        Ecosystem::Pypi,
        Ecosystem::Golang,
        Ecosystem::Gem,
        Ecosystem::Composer,
        Ecosystem::Maven,
        Ecosystem::Nuget,
    ];

    /// The package-URL type, which is also the name used in policies and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Cargo => "cargo",
            Ecosystem::Npm => "npm",
            Ecosystem::Pypi => "pypi",
            Ecosystem::Golang => "golang",
            Ecosystem::Gem => "gem",
            Ecosystem::Composer => "composer",
            Ecosystem::Maven => "maven",
            Ecosystem::Nuget => "nuget",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a component takes part in the build of the first-party code.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Linked into or shipped with what first-party code produces.
    Runtime,
    /// Needed only to build (build scripts, their dependencies, build tools).
    Build,
    /// Needed only for tests, benchmarks and examples of first-party code.
    Dev,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Runtime, Kind::Build, Kind::Dev];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Runtime => "runtime",
            Kind::Build => "build",
            Kind::Dev => "dev",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// Where a component's code comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Source {
    /// A package registry, identified by its index URL.
    Registry { url: String },
    /// A git repository, with the resolved revision when the input records it.
    Git { url: String, rev: Option<String> },
    /// A local directory, relative to the repository root where possible.
    Path { path: String },
}

/// The first seven characters of a commit id, as git shows them.
pub fn short_commit(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

/// A repository-relative file and a 1-based line in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the repository root, with `/` separators. Shared: every component a
    /// file declares, and each of their findings, is located in it.
    pub file: Arc<str>,
    /// 1-based line number.
    pub line: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// What names one component version: enough for a reader to find it again.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ComponentId {
    pub ecosystem: Ecosystem,
    /// The name as the ecosystem writes it (`@babel/core`, `github.com/x/y`).
    pub name: String,
    /// The version installed; empty for a component read from a manifest without a lockfile
    /// whose requirement does not name exactly one version.
    pub version: String,
    /// The package URL, `pkg:TYPE/NAMESPACE/NAME@VERSION` (without `@VERSION` when the version
    /// is unknown).
    pub purl: String,
    /// The version requirement as a manifest declares it (`^4.17.0`, `[1.0,2.0)`), for a
    /// component read from a manifest that no lockfile covers: what may be installed, not what
    /// is. `None` for components read from lockfiles, SBOMs and Cargo.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<String>,
}

impl ComponentId {
    /// The identity of `name` at `version`, with its purl.
    pub fn new(ecosystem: Ecosystem, name: &str, version: &str) -> Self {
        ComponentId {
            ecosystem,
            name: name.to_owned(),
            version: version.to_owned(),
            purl: crate::model::purl::for_component(ecosystem, name, version),
            requirement: None,
        }
    }

    /// A component a manifest declares with `requirement`: its `version` is the one version
    /// the requirement resolves to when the ecosystem's rules decide it from the manifest alone
    /// (Maven's soft requirement, an exact pin), else empty.
    pub fn required(
        ecosystem: Ecosystem,
        name: &str,
        version: Option<&str>,
        requirement: &str,
    ) -> Self {
        ComponentId {
            requirement: Some(requirement.to_owned()),
            ..ComponentId::new(ecosystem, name, version.unwrap_or_default())
        }
    }

    /// How reports name the version: the version, or the requirement when none is known.
    pub fn version_or_requirement(&self) -> &str {
        match &self.requirement {
            Some(requirement) if self.version.is_empty() => requirement,
            _ => &self.version,
        }
    }
}

/// One third-party package version found in the repository.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Component {
    /// Shared with the component's findings (a large inventory has tens of thousands).
    #[serde(flatten)]
    pub id: Arc<ComponentId>,
    /// The declared license; unknown when the package declares none (or only a license file).
    pub license: License,
    pub source: Source,
    /// Every way the component takes part in the build; never empty.
    pub kinds: BTreeSet<Kind>,
    /// True when the package manager may skip it (optional dependencies).
    pub optional: bool,
    /// True when a first-party manifest declares it directly.
    pub direct: bool,
    /// The shortest chain of package names from a first-party root to this component, both
    /// ends included; shared with its findings.
    pub path: Arc<[String]>,
    /// The manifest line through which the component enters: its own declaration when direct,
    /// the declaration of the direct dependency that pulls it in otherwise.
    pub location: Option<Location>,
    /// The names of the packages (first-party or not) that depend on it, where the input
    /// records a graph; with them `depgov explain` shows every path, not only the shortest.
    #[serde(default, skip_serializing)]
    pub dependents: Vec<String>,
    /// What a Maven dependency's `<exclusions>` leave out of its transitive dependencies
    /// (`groupId:artifactId`, either part possibly `*`), for resolving them (`facts::resolve`).
    #[serde(default, skip_serializing)]
    pub excluded: Vec<String>,
    /// What the facts stage learned beyond the input, each fact with its origin. Boxed: the
    /// facts are four fifths of a component's size, and components are moved as they are
    /// read, gathered and sorted.
    #[serde(default, skip_serializing_if = "Facts::is_empty")]
    pub facts: Box<Facts>,
}

/// The rings of a technology radar, from most to least endorsed.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Ring {
    /// Use it.
    Adopt,
    /// Use it, and tell the OSPO how it went.
    Trial,
    /// Not decided yet.
    Assess,
    /// Keep what you have; start nothing new with it.
    Hold,
    /// Replace it.
    Remove,
}

impl Ring {
    pub const ALL: [Ring; 5] = [
        Ring::Adopt,
        Ring::Trial,
        Ring::Assess,
        Ring::Hold,
        Ring::Remove,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Ring::Adopt => "adopt",
            Ring::Trial => "trial",
            Ring::Assess => "assess",
            Ring::Hold => "hold",
            Ring::Remove => "remove",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Adopt and trial are endorsements: they never produce a finding.
    pub fn passes(self) -> bool {
        self <= Ring::Trial
    }
}

impl fmt::Display for Ring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How loudly a finding is reported; ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The stable identifiers of everything depgov reports. Each is documented in docs/rules.md;
/// an identifier never changes meaning once released.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// A policy entry or the default ring puts the component on assess.
    ComponentAssess,
    /// A policy entry or the default ring puts the component on hold.
    ComponentHold,
    /// A policy entry or the default ring puts the component on remove.
    ComponentRemove,
    /// The component's license is listed under `licenses.assess`.
    LicenseAssess,
    /// The component's license is listed under `licenses.hold`.
    LicenseHold,
    /// The component's license is listed under `licenses.remove`.
    LicenseRemove,
    /// The component's license is named by none of the policy's license lists.
    LicenseUnlisted,
    /// The component declares no license the policy can read.
    LicenseUnknown,
    /// The component comes from a git repository.
    SourceGit,
    /// The component comes from a registry the policy does not list.
    SourceUnknownRegistry,
    /// The change being checked edits the policy file that judges it.
    PolicyChanged,
    /// The change being checked makes the policy file (or a layer it extends) invalid.
    PolicyInvalid,
    /// An exception's expiry date has passed; it waives nothing any more.
    ExceptionExpired,
    /// An exception in use expires within the policy's `expiry.warn-days`.
    ExceptionExpiring,
    /// An exception matches no finding.
    ExceptionUnused,
    /// An exception is granted for longer than the policy's `expiry.max-days`.
    ExceptionTooLong,
    /// The registry marks the version or the package deprecated (`criteria.deprecated`).
    HealthDeprecated,
    /// The locked version was yanked (`criteria.yanked`).
    HealthYanked,
    /// The project is unmaintained: archived, or an advisory says so (`criteria.unmaintained`).
    HealthUnmaintained,
    /// No release of the package for longer than `criteria.stale.days`.
    HealthStale,
    /// The source repository's OpenSSF Scorecard is below `criteria.scorecard.below`.
    HealthScorecard,
    /// The version was published less than `criteria.too-new.days` ago.
    HealthTooNew,
    /// The license differs from the one of the version the change replaces, or of the previous
    /// release (`criteria.license-changed`).
    LicenseChanged,
    /// A criterion's data is missing (`criteria.unknown`).
    HealthUnknown,
    /// A known vulnerability affects the version (`[vulnerabilities]`).
    Vulnerability,
    /// The package is malicious (an OSV `MAL-` record): always the remove ring.
    Malicious,
}

impl Rule {
    pub const ALL: [Rule; 26] = [
        Rule::ComponentAssess,
        Rule::ComponentHold,
        Rule::ComponentRemove,
        Rule::LicenseAssess,
        Rule::LicenseHold,
        Rule::LicenseRemove,
        Rule::LicenseUnlisted,
        Rule::LicenseUnknown,
        Rule::SourceGit,
        Rule::SourceUnknownRegistry,
        Rule::PolicyChanged,
        Rule::PolicyInvalid,
        Rule::ExceptionExpired,
        Rule::ExceptionExpiring,
        Rule::ExceptionUnused,
        Rule::ExceptionTooLong,
        Rule::HealthDeprecated,
        Rule::HealthYanked,
        Rule::HealthUnmaintained,
        Rule::HealthStale,
        Rule::HealthScorecard,
        Rule::HealthTooNew,
        Rule::LicenseChanged,
        Rule::HealthUnknown,
        Rule::Vulnerability,
        Rule::Malicious,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::ComponentAssess => "component-assess",
            Rule::ComponentHold => "component-hold",
            Rule::ComponentRemove => "component-remove",
            Rule::LicenseAssess => "license-assess",
            Rule::LicenseHold => "license-hold",
            Rule::LicenseRemove => "license-remove",
            Rule::LicenseUnlisted => "license-unlisted",
            Rule::LicenseUnknown => "license-unknown",
            Rule::SourceGit => "source-git",
            Rule::SourceUnknownRegistry => "source-unknown-registry",
            Rule::PolicyChanged => "policy-changed",
            Rule::PolicyInvalid => "policy-invalid",
            Rule::ExceptionExpired => "exception-expired",
            Rule::ExceptionExpiring => "exception-expiring",
            Rule::ExceptionUnused => "exception-unused",
            Rule::ExceptionTooLong => "exception-too-long",
            Rule::HealthDeprecated => "health-deprecated",
            Rule::HealthYanked => "health-yanked",
            Rule::HealthUnmaintained => "health-unmaintained",
            Rule::HealthStale => "health-stale",
            Rule::HealthScorecard => "health-scorecard",
            Rule::HealthTooNew => "health-too-new",
            Rule::LicenseChanged => "license-changed",
            Rule::HealthUnknown => "health-unknown",
            Rule::Vulnerability => "vulnerability",
            Rule::Malicious => "malicious",
        }
    }

    /// One line saying what the rule checks; the long form lives in docs/rules.md.
    pub fn summary(self) -> &'static str {
        match self {
            Rule::ComponentAssess => "The policy puts this component on the assess ring",
            Rule::ComponentHold => "The policy puts this component on the hold ring",
            Rule::ComponentRemove => "The policy puts this component on the remove ring",
            Rule::LicenseAssess => "The component's license is on the assess ring",
            Rule::LicenseHold => "The component's license is on the hold ring",
            Rule::LicenseRemove => "The component's license is on the remove ring",
            Rule::LicenseUnlisted => "The component's license is not named by the policy",
            Rule::LicenseUnknown => "The component declares no license the policy can read",
            Rule::SourceGit => "The component comes from a git repository",
            Rule::SourceUnknownRegistry => {
                "The component comes from a registry the policy does not list"
            }
            Rule::PolicyChanged => "The change edits the policy that judges it",
            Rule::PolicyInvalid => "The change makes the policy invalid",
            Rule::ExceptionExpired => "A policy exception has expired",
            Rule::ExceptionExpiring => "A policy exception in use expires soon",
            Rule::ExceptionUnused => "A policy exception waives nothing",
            Rule::ExceptionTooLong => {
                "A policy exception is granted for longer than the policy allows"
            }
            Rule::HealthDeprecated => "The registry marks this package or version deprecated",
            Rule::HealthYanked => "The locked version was yanked from its registry",
            Rule::HealthUnmaintained => "The project is archived or declared unmaintained",
            Rule::HealthStale => "The package has had no release for a long time",
            Rule::HealthScorecard => "The source repository's OpenSSF Scorecard is low",
            Rule::HealthTooNew => "The version was published very recently",
            Rule::LicenseChanged => "The component's license changed between versions",
            Rule::HealthUnknown => "Data a criterion needs is missing for this component",
            Rule::Vulnerability => "A known vulnerability affects this version",
            Rule::Malicious => "The package is malicious",
        }
    }
}

impl Rule {
    /// What to do about a finding of this rule; shown as help (SARIF) next to the message.
    pub fn help(self) -> &'static str {
        match self {
            Rule::ComponentAssess => {
                "The OSPO has not decided on this component yet. Prefer an adopted alternative, or ask the policy's contact to assess it."
            }
            Rule::ComponentHold => {
                "Keep existing use, but start no new work on this component: the finding's reason and use-instead say why and what to use."
            }
            Rule::ComponentRemove => {
                "Replace this component: the finding's reason and use-instead say why and what to use; a sunset date says until when this is a warning."
            }
            Rule::LicenseAssess | Rule::LicenseHold | Rule::LicenseRemove => {
                "The component's license (the deciding part of its expression, for AND/OR) is on this ring in the policy's [licenses] lists. Choose another component, another license alternative, or ask for an exception."
            }
            Rule::LicenseUnlisted => {
                "No list in the policy names this license (or the declared text is not SPDX). Ask the policy's contact to classify it."
            }
            Rule::LicenseUnknown => {
                "The package declares no license the policy can read. Check the package's actual license and ask for an explicit entry or exception."
            }
            Rule::SourceGit => {
                "The component is fetched from git rather than a registry; prefer a released version from an approved registry."
            }
            Rule::SourceUnknownRegistry => {
                "The component comes from a registry the policy's [sources] registries does not list; use an approved registry."
            }
            Rule::PolicyChanged => {
                "This change edits the policy file. The run applied the policy as it is at the merge-base; the edit takes effect once merged and reviewed by the policy's contact."
            }
            Rule::PolicyInvalid => {
                "Fix the policy problem at this line (run `depgov policy check` locally): once merged, an invalid policy stops every depgov run with exit 2. This run judged the components with the policy as it is at the merge-base."
            }
            Rule::ExceptionExpired => {
                "Renew the exception with a new approval and expiry, or fix the findings it waived."
            }
            Rule::ExceptionExpiring => {
                "The exception expires soon: plan the fix, or renew it with a new approval."
            }
            Rule::ExceptionUnused => {
                "No finding matches this exception: remove it from the policy."
            }
            Rule::ExceptionTooLong => {
                "Shorten the exception's expiry to within the policy's expiry.max-days."
            }
            Rule::HealthDeprecated => {
                "Its maintainers deprecated it: move to what their message or the policy's use-instead recommends. An adopt or trial entry with accept = [\"deprecated\"] records that the OSPO accepts it."
            }
            Rule::HealthYanked => {
                "The maintainers pulled this version: update to a release that is not yanked."
            }
            Rule::HealthUnmaintained => {
                "Nobody maintains it any more: plan a replacement, or ask the OSPO to accept it with an adopt or trial entry."
            }
            Rule::HealthStale => {
                "Possibly unmaintained: no release for a long time can also mean finished. Check the project, then ask the OSPO to accept it with an adopt or trial entry."
            }
            Rule::HealthScorecard => {
                "The project's security practices score low on OpenSSF Scorecard (the weakest checks are named). Review it, or ask the OSPO to accept it with an adopt or trial entry."
            }
            Rule::HealthTooNew => {
                "A release this recent has had little time to be checked for malicious code: wait out the cooldown, or pin the previous release."
            }
            Rule::LicenseChanged => {
                "The project changed its license (a relicensing to source-available terms, say): check the new license, or stay on the last version under the old one."
            }
            Rule::HealthUnknown => {
                "The facts a criterion needs could not be found (offline, not known to any source, or a source was unreachable): the finding says which and why."
            }
            Rule::Vulnerability => {
                "Upgrade to the version the finding names as use-instead, which fixes every advisory it lists; or, if the vulnerable code is not reachable, waive the advisory with an [[exceptions]] entry naming it, with a reason, an approver and an expiry."
            }
            Rule::Malicious => {
                "This package was published to attack its users: remove it, rotate any secret the machines that installed it could read, and check them. It cannot be waived."
            }
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A criterion of acceptability (`[criteria]` in a policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Criterion {
    Deprecated,
    Yanked,
    Unmaintained,
    Stale,
    Scorecard,
    TooNew,
    LicenseChanged,
}

impl Criterion {
    pub const ALL: [Criterion; 7] = [
        Criterion::Deprecated,
        Criterion::Yanked,
        Criterion::Unmaintained,
        Criterion::Stale,
        Criterion::Scorecard,
        Criterion::TooNew,
        Criterion::LicenseChanged,
    ];

    /// Its key in `[criteria]` and in `accept`.
    pub fn as_str(self) -> &'static str {
        match self {
            Criterion::Deprecated => "deprecated",
            Criterion::Yanked => "yanked",
            Criterion::Unmaintained => "unmaintained",
            Criterion::Stale => "stale",
            Criterion::Scorecard => "scorecard",
            Criterion::TooNew => "too-new",
            Criterion::LicenseChanged => "license-changed",
        }
    }

    pub fn from_name(name: &str) -> Option<Criterion> {
        Criterion::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The rule of a finding for a component that fails it.
    pub fn rule(self) -> Rule {
        match self {
            Criterion::Deprecated => Rule::HealthDeprecated,
            Criterion::Yanked => Rule::HealthYanked,
            Criterion::Unmaintained => Rule::HealthUnmaintained,
            Criterion::Stale => Rule::HealthStale,
            Criterion::Scorecard => Rule::HealthScorecard,
            Criterion::TooNew => Rule::HealthTooNew,
            Criterion::LicenseChanged => Rule::LicenseChanged,
        }
    }
}

impl fmt::Display for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a finding relates to the base revision a change is compared with (`--base`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// The change introduces it: the component is new, or a version bump newly brings the
    /// finding (a range entry that now matches, a license that changed).
    New,
    /// The component's version changed, and its base version had the same finding.
    Changed,
    /// The component is at base in the same version: existing debt.
    Existing,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Changed => "changed",
            Change::Existing => "existing",
        }
    }
}

/// One policy violation (or observation) about one component, or about the policy itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// The ring that produced the finding; `None` for findings about the policy itself.
    pub ring: Option<Ring>,
    /// With `--base`: what the change did; `None` without a base.
    pub change: Option<Change>,
    /// `None` for findings about the policy itself. The findings of one component share its
    /// identity (a large inventory has tens of thousands of findings).
    #[serde(default)]
    pub component: Option<Arc<ComponentId>>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Why the policy decided so, from the policy entry.
    pub reason: Option<String>,
    /// What the policy recommends instead (package URLs or free text).
    pub use_instead: Vec<String>,
    /// Where to read more about the decision.
    pub link: Option<String>,
    /// The component's path, shared by its findings as its identity is.
    pub path: Arc<[String]>,
    pub location: Option<Location>,
    /// When a policy exception waives the finding: it is reported, but does not fail the run.
    /// Boxed: few findings are waived, and a finding is moved as it is collected and sorted.
    pub waiver: Option<Box<Waiver>>,
    /// What the finding rests on (the registry's message, dates, scores…), by name.
    #[serde(default, skip_serializing_if = "Evidence::is_empty")]
    pub evidence: Evidence,
}

/// The exception that waives a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    /// The last day it is valid, `YYYY-MM-DD`.
    pub expires: String,
    pub reason: String,
    pub approved_by: Option<String>,
    pub ticket: Option<String>,
    /// Where the exception is written.
    pub origin: Location,
}
