//! `depgov explain NAME|PURL`: everything behind the verdict on one package — every version
//! present, every path from a root, the policy entries that match it with where they are
//! written, the ring on each axis, the exceptions that concern it, and the findings.
//!
//! It is built from the same inventory, policy and evaluation as `check`, so what it explains
//! is exactly what `check` decides.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use chrono::NaiveDate;

use super::human::{clean, finding_block};
use crate::evaluate::{self, Evaluation, Verdict, license};
use crate::inventory::discover::ReadInput;
use crate::model::purl;
use crate::model::{Component, ComponentId, Ecosystem, Finding, Rule, Source};
use crate::policy::Policy;

/// More paths than this are counted, not listed.
const PATH_LIMIT: usize = 20;

/// What the user asked about: a name (any ecosystem), or a purl, with or without a version.
#[derive(Clone, Debug)]
pub struct Query {
    text: String,
    ecosystem: Option<Ecosystem>,
    name: String,
    version: Option<String>,
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, String> {
        if !text.starts_with("pkg:") {
            return Ok(Query {
                text: text.to_owned(),
                ecosystem: None,
                name: text.to_owned(),
                version: None,
            });
        }
        // `@` only ever starts the version: a scope's `@` is written `%40` in a purl.
        let (unversioned, version) = match text.rsplit_once('@') {
            Some((rest, version)) if !rest.ends_with('/') => (rest, Some(version.to_owned())),
            _ => (text, None),
        };
        let parsed = purl::parse_policy_purl(unversioned)
            .map_err(|problem| format!("`{text}`: {problem}"))?;
        Ok(Query {
            text: text.to_owned(),
            ecosystem: Some(parsed.ecosystem),
            name: parsed.name,
            version,
        })
    }

    fn matches(&self, id: &ComponentId) -> bool {
        let name_matches = match self.ecosystem {
            Some(ecosystem) => {
                ecosystem == id.ecosystem
                    && ComponentId::new(ecosystem, &self.name, "").name == id.name
            }
            None => {
                id.name.eq_ignore_ascii_case(&self.name)
                    || ComponentId::new(id.ecosystem, &self.name, "").name == id.name
            }
        };
        name_matches && self.version.as_ref().is_none_or(|v| *v == id.version)
    }
}

/// Every path from a root to each matching component, per input that holds it.
pub struct Paths(BTreeMap<(ComponentId, String), Vec<Vec<String>>>);

impl Paths {
    /// Reads the paths from each input's dependency graph (the `dependents` of its
    /// components); an input without a graph gives the shortest path it recorded.
    pub fn collect(query: &Query, inputs: &[ReadInput]) -> Paths {
        let mut paths = BTreeMap::new();
        for input in inputs {
            let targets: Vec<&Component> = input
                .components
                .iter()
                .filter(|c| query.matches(&c.id))
                .collect();
            if targets.is_empty() {
                continue;
            }
            let mut dependents: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
            for component in &input.components {
                dependents
                    .entry(component.id.name.as_str())
                    .or_default()
                    .extend(component.dependents.iter().map(String::as_str));
            }
            for target in targets {
                let mut found = Vec::new();
                if target.dependents.is_empty() {
                    found.push(target.path.to_vec());
                } else {
                    let mut chain = vec![target.id.name.as_str()];
                    walk_up(&dependents, &mut chain, &mut found);
                }
                paths.insert((ComponentId::clone(&target.id), input.path.clone()), found);
            }
        }
        Paths(paths)
    }
}

/// Follows dependents up from the last name of `chain` until a root (a name that is not a
/// package of the input: a workspace member or the manifest), recording up to
/// `PATH_LIMIT + 1` paths, root first.
fn walk_up<'a>(
    dependents: &BTreeMap<&'a str, BTreeSet<&'a str>>,
    chain: &mut Vec<&'a str>,
    found: &mut Vec<Vec<String>>,
) {
    if found.len() > PATH_LIMIT {
        return;
    }
    let Some(&last) = chain.last() else {
        return;
    };
    let Some(parents) = dependents.get(last) else {
        found.push(chain.iter().rev().map(|name| (*name).to_owned()).collect());
        return;
    };
    for &parent in parents {
        if !chain.contains(&parent) {
            chain.push(parent);
            walk_up(dependents, chain, found);
            chain.pop();
        }
    }
}

/// What `explain` shows.
pub struct Explanation<'a> {
    query: &'a Query,
    policy: &'a Policy,
    today: NaiveDate,
    repository: Option<&'a str>,
    paths: &'a Paths,
    /// The matching components with their verdict.
    found: Vec<(&'a Component, Verdict)>,
    findings: &'a [Finding],
}

impl<'a> Explanation<'a> {
    /// `None` when no component matches the query.
    pub fn new(
        query: &'a Query,
        components: &'a [Component],
        evaluation: &'a Evaluation,
        policy: &'a Policy,
        paths: &'a Paths,
        today: NaiveDate,
        repository: Option<&'a str>,
    ) -> Option<Explanation<'a>> {
        let found: Vec<(&Component, Verdict)> = components
            .iter()
            .zip(&evaluation.verdicts)
            .filter(|(component, _)| query.matches(&component.id))
            .map(|(component, verdict)| (component, *verdict))
            .collect();
        (!found.is_empty()).then_some(Explanation {
            query,
            policy,
            today,
            repository,
            paths,
            found,
            findings: &evaluation.findings,
        })
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let versions: BTreeSet<&str> = self
            .found
            .iter()
            .map(|(c, _)| c.id.version.as_str())
            .collect();
        let _ = writeln!(
            out,
            "{}: {} {} found, under the policy `{}` ({})\n",
            clean(&self.query.text),
            versions.len(),
            if versions.len() == 1 {
                "version"
            } else {
                "versions"
            },
            clean(&self.policy.name),
            self.policy.layers.join(" → ")
        );
        for (component, verdict) in &self.found {
            self.component_block(&mut out, component, *verdict);
        }
        out
    }

    fn component_block(&self, out: &mut String, component: &Component, verdict: Verdict) {
        let kinds: Vec<&str> = component.kinds.iter().map(|k| k.as_str()).collect();
        let _ = writeln!(out, "{}", clean(&component.id.purl));
        let mut field = |label: &str, value: String| {
            let _ = writeln!(out, "  {label:<12}{value}");
        };
        field("kinds:", kinds.join(", "));
        if let Some(location) = &component.location {
            field("enters at:", clean(&location.to_string()));
        }
        for ((id, input), paths) in &self.paths.0 {
            if *id != *component.id {
                continue;
            }
            let shown = paths.len().min(PATH_LIMIT);
            let more = if paths.len() > PATH_LIMIT {
                format!(", the first {PATH_LIMIT} shown")
            } else {
                String::new()
            };
            let count = if paths.len() > PATH_LIMIT {
                format!("more than {PATH_LIMIT}")
            } else {
                paths.len().to_string()
            };
            let _ = writeln!(out, "  paths in {} ({count}{more}):", clean(input));
            for path in &paths[..shown] {
                let _ = writeln!(out, "    {}", clean(&path.join(" → ")));
            }
        }
        facts_block(out, component);
        self.policy_block(out, component);
        self.exceptions_block(out, component);
        let findings: Vec<&Finding> = self
            .findings
            .iter()
            .filter(|f| f.component.as_deref() == Some(&component.id))
            .collect();
        let verdict = match verdict {
            Verdict::NotEvaluated => format!(
                "not evaluated: its kinds ({}) are outside the policy's scope",
                kinds.join(", ")
            ),
            Verdict::Ring(ring) => {
                let active = findings.iter().filter(|f| f.waiver.is_none()).count();
                let waived = findings.len() - active;
                match (active, waived) {
                    (0, 0) => format!("{ring}: passes"),
                    (0, _) => format!("{ring}: passes, every finding waived by an exception"),
                    _ => format!(
                        "{ring}: {active} finding{} below{}",
                        if active == 1 { "" } else { "s" },
                        if waived > 0 {
                            format!(", {waived} waived")
                        } else {
                            String::new()
                        }
                    ),
                }
            }
        };
        let _ = writeln!(out, "  {:<12}{verdict}\n", "verdict:");
        for finding in findings {
            let mut block = String::new();
            finding_block(&mut block, finding);
            for line in block.lines() {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
    }

    /// The ring on each axis and what decided it.
    fn policy_block(&self, out: &mut String, component: &Component) {
        let policy = self.policy;
        let axes = evaluate::axes(component, policy, self.today);
        let setting = |key: &str| match policy.settings.get(key) {
            Some(origin) => format!("{key}, {origin}"),
            None => format!("{key}, built-in default"),
        };
        let deciding = policy.entry_for(&component.id);
        let component_line = match deciding {
            Some(entry) => format!(
                "{} by `{}` ({})",
                axes.component, entry.selector, entry.origin
            ),
            None => format!(
                "{} as an unlisted component ({})",
                axes.component,
                setting("defaults.ring")
            ),
        };
        let _ = writeln!(out, "  policy:");
        let _ = writeln!(out, "    component {component_line}");
        for entry in policy
            .components
            .iter()
            .filter(|e| e.selector.matches(&component.id))
        {
            if deciding.is_some_and(|d| std::ptr::eq(d, entry)) {
                continue;
            }
            let _ = writeln!(
                out,
                "      also matches: `{}` {} ({}), less specific or earlier",
                entry.selector, entry.ring, entry.origin
            );
        }
        let license_line = if deciding.is_some_and(|e| e.ring.passes()) {
            format!("{} (settled by the entry's approval)", axes.license)
        } else {
            let judgement = license::judge(&component.license, &policy.licenses);
            let decided = match &judgement.decided_by {
                None => format!("no license declared ({})", setting("licenses.unknown")),
                Some(part) => match policy
                    .licenses
                    .listed()
                    .find(|(req, _, _)| req.to_string() == *part)
                {
                    Some((_, ring, origin)) => format!("{part} is listed {ring} at {origin}"),
                    None => format!("{part} is not listed ({})", setting("licenses.unlisted")),
                },
            };
            format!("{}: {}", axes.license, clean(&decided))
        };
        let _ = writeln!(
            out,
            "    license   {license_line} — declared {}",
            clean(&component.license.to_string())
        );
        let source_line = match &component.source {
            Source::Git { url, .. } => format!("git {} ({})", clean(url), setting("sources.git")),
            Source::Registry { url } if !policy.sources.accepts_registry(url) => {
                format!("{} ({})", clean(url), setting("sources.unknown-registry"))
            }
            Source::Registry { url } => format!("{}, an accepted registry", clean(url)),
            Source::Path { path } => format!("local path {}", clean(path)),
        };
        let _ = writeln!(out, "    source    {}: {source_line}", axes.source);
        let judged: Vec<&str> = policy
            .criteria
            .rings
            .keys()
            .map(|criterion| criterion.as_str())
            .collect();
        if !judged.is_empty() {
            let failed: Vec<&str> = self
                .findings
                .iter()
                .filter(|f| f.component.as_deref() == Some(&component.id))
                .filter(|f| HEALTH.contains(&f.rule))
                .map(|f| f.rule.as_str())
                .collect();
            let health_line = if failed.is_empty() {
                format!("meets {}", judged.join(", "))
            } else {
                failed.join(", ")
            };
            let _ = writeln!(out, "    health    {}: {health_line}", axes.health);
        }
    }

    /// The exceptions written for this component, and whether each covers it here.
    fn exceptions_block(&self, out: &mut String, component: &Component) {
        let file = component.location.as_ref().map(|l| &*l.file);
        let mut first = true;
        for exception in
            self.policy
                .exceptions
                .iter()
                .filter(|e| match (&e.selector, &e.advisory) {
                    (Some(selector), None) => selector.matches(&component.id),
                    // An advisory's exception is about this component when it names one of its
                    // findings' advisories.
                    _ => self.findings.iter().any(|f| {
                        f.component.as_deref() == Some(&component.id)
                            && e.covers(f, &component.id, f.location.as_ref().map(|l| &*l.file))
                    }),
                })
        {
            if first {
                let _ = writeln!(out, "  exceptions:");
                first = false;
            }
            let applies = if !exception.in_repository(self.repository) {
                "not for this repository".to_owned()
            } else if !exception.covers_file(file) {
                format!("not for {}", file.unwrap_or("this file"))
            } else if exception.expires < self.today {
                "expired, waives nothing".to_owned()
            } else {
                "applies".to_owned()
            };
            let _ = writeln!(
                out,
                "    `{}` until {} ({}): {applies} — {}",
                exception.subject(),
                exception.expires,
                exception.origin,
                clean(&exception.reason)
            );
        }
    }
}

/// The rules of the health axis ([`crate::evaluate::criteria`]).
const HEALTH: [Rule; 8] = [
    Rule::HealthDeprecated,
    Rule::HealthYanked,
    Rule::HealthUnmaintained,
    Rule::HealthStale,
    Rule::HealthScorecard,
    Rule::HealthTooNew,
    Rule::LicenseChanged,
    Rule::HealthUnknown,
];

/// The facts about a component and where each came from.
fn facts_block(out: &mut String, component: &Component) {
    let facts = &component.facts;
    let mut lines: Vec<String> = Vec::new();
    if let Some(described) = &facts.describes {
        lines.push(format!(
            "of {} (versions from {})",
            described.value.phrase(),
            from(&described.origin)
        ));
    }
    let license = component.license.to_string();
    match (&facts.license, &facts.license_unknown) {
        (Some(origin), _) => lines.push(format!("license {} (from {})", license, from(origin))),
        (None, Some(gap)) => lines.push(format!("license unknown: {}", gap.reason())),
        (None, None) if component.license.text().is_some() => {
            lines.push(format!("license {license} (from the input)"));
        }
        (None, None) => {}
    }
    if let Some(published) = &facts.published {
        lines.push(format!(
            "published {} (from {})",
            published.value,
            from(&published.origin)
        ));
    }
    for (what, flag) in [("deprecated", &facts.deprecated), ("yanked", &facts.yanked)] {
        if let Some(flag) = flag.as_ref().filter(|f| f.value.set) {
            let message = flag
                .value
                .message
                .as_deref()
                .map(|m| format!(": {m}"))
                .unwrap_or_default();
            lines.push(format!("{what}{message} (from {})", from(&flag.origin)));
        }
    }
    if let Some(repository) = &facts.repository {
        lines.push(format!(
            "repository {} (from {})",
            repository.value,
            from(&repository.origin)
        ));
    }
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(out, "  facts:");
    for line in lines {
        let _ = writeln!(out, "    {}", clean(&line));
    }
}

/// `deps.dev, fetched 2026-12-01T10:00:00Z`, `license file LICENSE, 97% match`.
fn from(origin: &crate::model::facts::Origin) -> String {
    let mut text = origin.source.as_str().to_owned();
    if let Some(file) = &origin.file {
        text.push_str(&format!(" {file}"));
    }
    if let Some(confidence) = origin.confidence {
        text.push_str(&format!(", {:.0}% match", confidence * 100.0));
    }
    if let Some(fetched) = &origin.fetched {
        text.push_str(&format!(", fetched {fetched}"));
    }
    text
}
