//! What one source says about one package version, and how the answers of several sources
//! become a component's facts: for each fact, the first source in precedence order that knows
//! it wins, and the fact keeps that source as its origin.

use serde::{Deserialize, Serialize};

use crate::model::facts::{
    Advisories, Fact, FactSource, Facts, Flag, Gap, Origin, ProjectStatus, Release, Scorecard,
};
use crate::model::license::License;

/// One source's answer about one package version. Every field is optional: a source says
/// what it knows. `None` for a field means "this source does not say", not "no".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Known {
    /// The package version exists at the source (`false`: the source does not know it).
    pub found: bool,
    /// The declared license, as the source writes it (SPDX or not); `Some("")` when the
    /// source knows the version and it declares none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// For a license recognised from a license file's text: the match's confidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license_confidence: Option<f32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<Flag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yanked: Option<Flag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// When the package's newest release was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_release: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_status: Option<ProjectStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scorecard: Option<Scorecard>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_release: Option<Release>,
    /// The advisories affecting the version (OSV); `Some` of an empty list when none does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advisories: Option<Advisories>,
}

impl Known {
    /// The answer of a source that does not know the version.
    pub fn not_found() -> Known {
        Known::default()
    }

    /// Whether the answer has a usable license (not blank).
    fn declares_license(&self) -> bool {
        self.license
            .as_deref()
            .is_some_and(|l| !l.trim().is_empty())
    }
}

/// One source's answer with where and when it came from.
#[derive(Clone, Debug)]
pub struct Answer {
    pub known: Known,
    pub origin: Origin,
}

/// Why a source has no answer for a component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missing {
    /// `--offline`, and the cache does not hold it.
    Offline,
    /// The source could not be reached (the name says which).
    Unreachable(String),
}

/// Everything the sources said about one component, in precedence order, and what they could
/// not say.
#[derive(Clone, Debug, Default)]
pub struct Answers {
    pub answers: Vec<Answer>,
    pub missing: Vec<Missing>,
    /// Whether any source that could know was consulted at all (or would have been, online).
    pub consulted: bool,
    /// Whether some source depgov has could know (a package from a registry it can ask, or one
    /// found installed); when none could, a missing license is simply not declared.
    pub could_know: bool,
}

impl Answers {
    /// The component's facts, and its license when its input recorded none.
    pub fn merge(&self, input_license: &License) -> (Option<License>, Facts) {
        let mut facts = Facts::default();
        let mut license = None;
        if matches!(input_license, License::Unknown) {
            match self.answers.iter().find(|a| a.known.declares_license()) {
                Some(answer) => {
                    license = Some(License::from_declared(answer.known.license.as_deref()));
                    let mut origin = answer.origin.clone();
                    origin.confidence = answer.known.license_confidence;
                    facts.license = Some(origin);
                }
                None => facts.license_unknown = self.gap(),
            }
        }
        facts.published = self.first(|k| k.published.clone());
        facts.deprecated = self.first(|k| k.deprecated.clone());
        facts.yanked = self.first(|k| k.yanked.clone());
        facts.repository = self.first(|k| k.repository.clone());
        facts.latest_release = self.first(|k| k.latest_release.clone());
        facts.project_status = self.first(|k| k.project_status.clone());
        facts.scorecard = self.first(|k| k.scorecard.clone());
        facts.previous_release = self.first(|k| k.previous_release.clone());
        facts.advisories = self.first(|k| k.advisories.clone());
        let remote_known = self
            .answers
            .iter()
            .any(|a| !a.origin.source.is_local() && a.known.found);
        if !remote_known {
            facts.unavailable = self.gap();
        }
        (license, facts)
    }

    fn first<T>(&self, get: impl Fn(&Known) -> Option<T>) -> Option<Fact<T>> {
        self.answers.iter().find_map(|answer| {
            get(&answer.known).map(|value| Fact {
                value,
                origin: answer.origin.clone(),
            })
        })
    }

    /// Why no answer gave a license; `None` when no source could have known.
    fn gap(&self) -> Option<Gap> {
        if !self.could_know && !self.answers.iter().any(|a| a.known.found) {
            return None;
        }
        let unreachable: Vec<String> = self
            .missing
            .iter()
            .filter_map(|m| match m {
                Missing::Unreachable(source) => Some(source.clone()),
                Missing::Offline => None,
            })
            .collect();
        Some(if !unreachable.is_empty() {
            Gap::Unreachable {
                sources: unreachable,
            }
        } else if self.missing.contains(&Missing::Offline) {
            Gap::Offline
        } else if self.answers.iter().any(|a| a.known.found) {
            Gap::NotDeclared
        } else if self.consulted {
            Gap::NotFound
        } else {
            Gap::NotFetched
        })
    }
}

/// The origin of an answer read from this machine.
pub fn local(source: FactSource, file: Option<String>) -> Origin {
    Origin {
        source,
        fetched: None,
        confidence: None,
        file,
    }
}

/// The origin of an answer fetched at `fetched` (RFC 3339).
pub fn fetched(source: FactSource, fetched: String) -> Origin {
    Origin {
        source,
        fetched: Some(fetched),
        confidence: None,
        file: None,
    }
}
