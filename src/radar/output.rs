//! What `depgov radar propose` writes: `proposal.md` for the OSPO's review, `radar.csv` (a
//! Thoughtworks build-your-own-radar sheet: name, ring, quadrant, isNew, description) with
//! `radar-purls.toml` (its names' package URLs, the `--map` of `depgov policy import-radar`),
//! and `proposed.toml`, a policy layer of the ring changes.
//!
//! Only proposals that change a ring go into the CSV and the layer. A radar has no remove
//! ring, so a proposed remove is `Hold` in the CSV (its description says remove) and `remove`
//! in the layer. Package text is untrusted: escaped for markdown, HTML-escaped in the CSV's
//! descriptions (the radar renders them as HTML), and only serialised, never spliced, into
//! TOML.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Kind, Proposal, Thresholds};
use crate::model::Ring;
use crate::report::markdown::escape;
use crate::report::org::OrgReport;
use crate::report::org::html;

/// The radar quadrant libraries belong in.
const QUADRANT: &str = "Languages & Frameworks";

/// At most this many repository names per proposal in the markdown.
const MAX_NAMES: usize = 10;

/// The name of a component on the radar: `lodash (npm)`.
pub fn radar_name(proposal: &Proposal) -> String {
    format!("{} ({})", proposal.name, proposal.ecosystem)
}

/// The proposal for the OSPO's review.
pub fn markdown(report: &OrgReport, proposals: &[Proposal], thresholds: &Thresholds) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Radar proposal: {}\n", escape(&report.org));
    let _ = writeln!(
        out,
        "From the organisation report of {} ({} repositories), judged by policy **{}** ({}). \
         Thresholds: adopt at {} repositories, trial at {}, wide use at {}, growth of {}.\n",
        escape(&report.date),
        report.totals.repos,
        escape(&report.policy.name),
        escape(&report.policy.source),
        thresholds.adopt_at,
        thresholds.trial_at,
        thresholds.wide_use,
        thresholds.growth
    );
    if proposals.is_empty() {
        out.push_str("Nothing to propose.\n");
        return out;
    }
    let changes = proposals.iter().filter(|p| p.changes_ring()).count();
    let _ = writeln!(
        out,
        "{} proposal{}, {changes} of them ring changes (in `radar.csv` and `proposed.toml`).\n",
        proposals.len(),
        if proposals.len() == 1 { "" } else { "s" },
    );
    for (kind, title, what) in [
        (
            Kind::Escalate,
            "Escalate",
            "Components on hold or remove whose use grows since the previous report.",
        ),
        (
            Kind::Retire,
            "Retire",
            "Deprecated, unmaintained, relicensed or vulnerable components in wide use.",
        ),
        (
            Kind::Consolidate,
            "Consolidate",
            "Several libraries doing one job: the most used healthy one, and the others.",
        ),
        (
            Kind::Endorse,
            "Endorse",
            "Components no policy entry lists, used widely and healthy.",
        ),
    ] {
        let of_kind: Vec<&Proposal> = proposals.iter().filter(|p| p.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title}\n\n{what}\n");
        out.push_str("| component | now | proposed | use instead | repositories | evidence |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for proposal in of_kind {
            let now = match (proposal.current, proposal.listed) {
                (Some(ring), true) => ring.to_string(),
                (Some(ring), false) => format!("{ring} (unlisted)"),
                (None, _) => "not evaluated".to_owned(),
            };
            let proposed = match proposal.changes_ring() {
                true => format!("**{}**", proposal.proposed),
                false => format!("{} (no change)", proposal.proposed),
            };
            let mut repos: Vec<String> = proposal
                .repos
                .iter()
                .take(MAX_NAMES)
                .map(|r| escape(r))
                .collect();
            if proposal.repos.len() > MAX_NAMES {
                repos.push(format!("and {} more", proposal.repos.len() - MAX_NAMES));
            }
            let evidence: Vec<String> = proposal.evidence.iter().map(|e| escape(e)).collect();
            let use_instead: Vec<String> = proposal.use_instead.iter().map(|u| escape(u)).collect();
            let _ = writeln!(
                out,
                "| {} | {now} | {proposed} | {} | {} | {} |",
                escape(&radar_name(proposal)),
                use_instead.join(", "),
                repos.join(", "),
                evidence.join("<br>")
            );
        }
        out.push('\n');
    }
    out
}

/// The build-your-own-radar CSV of the ring changes.
pub fn radar_csv(proposals: &[Proposal]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut write = |row: [&str; 5]| {
        writer
            .write_record(row)
            .expect("writing CSV to memory cannot fail");
    };
    write(["name", "ring", "quadrant", "isNew", "description"]);
    for proposal in proposals.iter().filter(|p| p.changes_ring()) {
        let ring = match proposal.proposed {
            Ring::Adopt => "Adopt",
            Ring::Trial => "Trial",
            Ring::Assess => "Assess",
            Ring::Hold | Ring::Remove => "Hold",
        };
        let mut description = format!("Proposed: {}. ", proposal.proposed);
        description.push_str(&proposal.evidence.join("; "));
        if !proposal.use_instead.is_empty() {
            let _ = write!(
                description,
                ". Use instead: {}",
                proposal.use_instead.join(", ")
            );
        }
        let name = radar_name(proposal);
        let is_new = if proposal.listed { "FALSE" } else { "TRUE" };
        write([&name, ring, QUADRANT, is_new, &html::escape(&description)]);
    }
    let bytes = writer
        .into_inner()
        .expect("flushing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}

#[derive(Serialize)]
struct Names<'a> {
    names: std::collections::BTreeMap<String, &'a str>,
}

/// `radar-purls.toml`: the radar names of `radar.csv` and their package URLs.
pub fn purl_map(proposals: &[Proposal]) -> String {
    let names = proposals
        .iter()
        .filter(|p| p.changes_ring())
        .map(|p| (radar_name(p), p.purl.as_str()))
        .collect();
    let mut out =
        "# The package URL of each name in radar.csv, generated by `depgov radar propose`:\n\
                   # the --map of `depgov policy import-radar radar.csv`.\n\n"
            .to_owned();
    out.push_str(&toml::to_string(&Names { names }).expect("strings serialize as TOML"));
    out
}

#[derive(Serialize)]
struct Layer<'a> {
    version: u32,
    components: Vec<Entry<'a>>,
}

#[derive(Serialize)]
struct Entry<'a> {
    purl: &'a str,
    ring: Ring,
    reason: String,
    #[serde(rename = "use-instead", skip_serializing_if = "<[String]>::is_empty")]
    use_instead: &'a [String],
}

/// `proposed.toml`: the ring changes as a policy layer.
pub fn layer(report: &OrgReport, proposals: &[Proposal]) -> String {
    let components: Vec<Entry<'_>> = proposals
        .iter()
        .filter(|p| p.changes_ring())
        .map(|proposal| Entry {
            purl: &proposal.purl,
            ring: proposal.proposed,
            reason: format!(
                "radar proposal ({}): {}",
                proposal.kind.as_str(),
                proposal.evidence.join("; ")
            ),
            use_instead: &proposal.use_instead,
        })
        .collect();
    let mut out = format!(
        "# Ring changes proposed by `depgov radar propose` from the organisation report of {}\n\
         # (proposal.md has the evidence). Review, edit and merge it into the OSPO's policy, or\n\
         # extend it from there (extends = [\"proposed.toml\"]).\n\n",
        report.date.escape_debug()
    );
    out.push_str(
        &toml::to_string(&Layer {
            version: 1,
            components,
        })
        .expect("strings and rings serialize as TOML"),
    );
    out
}
