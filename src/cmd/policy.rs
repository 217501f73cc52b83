//! `depgov policy show|check|init|schema|import-radar`.

use std::io::Write;

use super::{Text, print, today, write_file};
use crate::cli::{PolicyCommand, PolicyFormat};
use crate::error::{Error, exit};
use crate::github::policies::PolicyFetcher;
use crate::messages::{self, Message};
use crate::pipeline::{self, Stages};
use crate::policy;
use crate::util::paths::display_path;

pub fn run(command: PolicyCommand) -> Result<i32, Error> {
    match command {
        PolicyCommand::Show(args) => {
            let at = &args.policy;
            let policy = at.lookup().load(&at.fetcher())?;
            let text = match args.format {
                PolicyFormat::Toml => policy::show::toml(&policy),
                PolicyFormat::Json => format!("{:#}\n", policy::show::json(&policy)),
            };
            print(Text::Styled, |out| out.write_all(text.as_bytes()))?;
        }
        PolicyCommand::Check(args) => {
            let fetcher = PolicyFetcher::new(args.offline, args.cache_dir.as_deref());
            let shown = display_path(&args.file);
            let policy = policy::load_file(&args.file, &shown, Some(&fetcher))?;
            let lints = policy::lint::lints(&policy, today()?);
            let mut text: String = lints.iter().map(policy::lint::Lint::render).collect();
            text.push_str(&format!(
                "{shown}: valid ({}), {} lint{}\n",
                policy.layers.join(" → "),
                lints.len(),
                if lints.len() == 1 { "" } else { "s" }
            ));
            print(Text::Styled, |out| out.write_all(text.as_bytes()))?;
        }
        PolicyCommand::Init(args) => {
            let at = &args.input.at;
            let lookup = at.lookup();
            let target = policy::init::target(&lookup.candidates(&lookup.root()), &lookup.root());
            policy::init::refuse_overwrite(&target, args.force)?;
            let default = policy::embedded();
            let inputs = pipeline::discover(&args.input.selection()?, &default)?.read()?;
            let facts = at.facts(&default)?;
            let stages = Stages {
                policy: &default,
                today: today()?,
                repository: None,
                facts: &facts,
            };
            let inventory = stages.inventory(inputs);
            let written =
                policy::init::write(&target, args.force, &inventory.components, &default)?;
            messages::show(&Message::info(written));
        }
        PolicyCommand::Schema => {
            print(Text::Styled, |out| {
                out.write_all(policy::schema::json().as_bytes())
            })?;
        }
        PolicyCommand::ImportRadar(args) => {
            let imported = policy::radar::import(&args.csv, &args.map)?;
            let write = |out: &mut dyn Write| out.write_all(imported.toml.as_bytes());
            match &args.output {
                Some(path) => write_file(path, false, Text::Styled, write)?,
                None => print(Text::Styled, write)?,
            }
            for message in &imported.messages {
                messages::show(message);
            }
        }
    }
    Ok(exit::OK)
}
