//! `depgov facts fetch`: the pipeline up to facts, online, to fill the cache; what each source
//! answered is printed.

use super::{Text, print, today};
use crate::cli::FactsFetchArgs;
use crate::error::{Error, exit};
use crate::messages;
use crate::pipeline::{self, Stages};
use std::collections::BTreeSet;

use crate::model::Ecosystem;
use crate::util::paths::display_path;

pub fn fetch(args: FactsFetchArgs) -> Result<i32, Error> {
    let at = &args.input.at;
    if at.offline {
        return Err(Error::Usage(
            "depgov facts fetch fills the cache from the network: drop --offline".to_owned(),
        ));
    }
    let policy = at.lookup().load(&at.fetcher())?;
    let inputs = pipeline::discover(&args.input.selection()?, &policy)?.read()?;
    let facts = at.facts(&policy)?;
    let stages = Stages {
        policy: &policy,
        today: today()?,
        repository: None,
        facts: &facts,
    };
    let inventory = stages.inventory(inputs);
    let report = facts.report(&inventory.components);
    if report.offline {
        messages::warning("DEPGOV_OFFLINE is set: nothing was fetched");
    }
    for problem in report.problems() {
        messages::warning(format!("facts: {problem}"));
    }
    let cache = at
        .cache_dir
        .clone()
        .or_else(crate::util::paths::cache_dir)
        .map_or_else(|| "no cache directory".to_owned(), |dir| display_path(&dir));
    let mut text = format!(
        "{} components; facts cached in {cache}\n",
        inventory.components.len()
    );
    for used in &report.used {
        text.push_str(&format!(
            "  {:<24} {} answered ({} from the cache), {} requests\n",
            used.source.as_str(),
            used.answered,
            used.from_cache,
            used.requests
        ));
    }
    text.push_str(&format!(
        "{} license{} still unknown\n",
        report.licenses_unknown,
        if report.licenses_unknown == 1 {
            ""
        } else {
            "s"
        }
    ));
    if args.osv {
        let Some(dir) = at.cache_dir.clone().or_else(crate::util::paths::cache_dir) else {
            return Err(Error::Usage(
                "--osv needs a cache directory: give --cache-dir or set DEPGOV_CACHE_DIR"
                    .to_owned(),
            ));
        };
        let ecosystems: BTreeSet<Ecosystem> = inventory
            .components
            .iter()
            .map(|c| c.id.ecosystem)
            .collect();
        let ecosystems: Vec<Ecosystem> = ecosystems.into_iter().collect();
        for downloaded in crate::facts::osv::download::fetch(facts.config(), &dir, &ecosystems) {
            match downloaded.result {
                Ok(bytes) => text.push_str(&format!(
                    "  OSV database {:<15} {:.1} MB\n",
                    downloaded.ecosystem,
                    bytes as f64 / 1_000_000.0
                )),
                Err(why) => {
                    messages::warning(format!("OSV database for {}: {why}", downloaded.ecosystem))
                }
            }
        }
        if let Err(error) = crate::facts::osv::download::index(&dir) {
            messages::warning(format!("cannot index the OSV database: {error}"));
        }
    }
    print(Text::Styled, |out| out.write_all(text.as_bytes()))?;
    Ok(exit::OK)
}
