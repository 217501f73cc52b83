//! `depgov radar propose`: reads the organisation reports, the policy and the categories,
//! proposes (src/radar/), and writes the four files into `--out`.

use std::path::Path;

use super::{Text, write_file};
use crate::cli::RadarProposeArgs;
use crate::error::{Error, exit};
use crate::github::policies::PolicyFetcher;
use crate::messages::{self, Message};
use crate::radar::{self, Thresholds, categories, output};
use crate::util::paths::display_path;
use crate::{org, policy};

pub fn propose(args: RadarProposeArgs) -> Result<i32, Error> {
    let report = org::read_previous(&args.report)?;
    let previous = args
        .previous
        .as_deref()
        .map(org::read_previous)
        .transpose()?;
    let policy = match &args.policy {
        Some(path) => {
            let fetcher = PolicyFetcher::new(false, None);
            policy::load_file(path, &display_path(path), Some(&fetcher))?
        }
        None => policy::embedded(),
    };
    let categories = match &args.categories {
        Some(path) => {
            let shown = display_path(path);
            let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
                path: shown.clone(),
                source,
            })?;
            categories::read(&shown, &text)?
        }
        None => categories::shipped(),
    };
    let thresholds = Thresholds {
        adopt_at: args.adopt_at,
        trial_at: args.trial_at,
        wide_use: args.wide_use,
        growth: args.growth,
    };
    let proposals = radar::propose(
        &report,
        previous.as_ref(),
        &policy,
        &categories,
        &thresholds,
    );
    std::fs::create_dir_all(&args.out).map_err(|source| Error::Write {
        path: display_path(&args.out),
        source,
    })?;
    let files = [
        (
            "proposal.md",
            output::markdown(&report, &proposals, &thresholds),
        ),
        ("radar.csv", output::radar_csv(&proposals)),
        ("radar-purls.toml", output::purl_map(&proposals)),
        ("proposed.toml", output::layer(&report, &proposals)),
    ];
    for (name, text) in &files {
        write_text(&args.out.join(name), text)?;
    }
    let changes = proposals.iter().filter(|p| p.changes_ring()).count();
    messages::show(&Message::info(format!(
        "{} proposal{} ({changes} ring change{}) written to {}",
        proposals.len(),
        if proposals.len() == 1 { "" } else { "s" },
        if changes == 1 { "" } else { "s" },
        display_path(&args.out)
    )));
    Ok(exit::OK)
}

fn write_text(path: &Path, text: &str) -> Result<(), Error> {
    write_file(path, false, Text::Styled, |out| {
        out.write_all(text.as_bytes())
    })
}
