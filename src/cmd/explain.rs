//! `depgov explain NAME|PURL`: the pipeline on the working tree, and everything behind the
//! verdict on one package.

use super::{Text, print, today};
use crate::cli::ExplainArgs;
use crate::error::{Error, exit};
use crate::pipeline::{self, Stages};
use crate::report::explain::{Explanation, Paths, Query};
use crate::util::paths::display_path;

pub fn run(args: ExplainArgs) -> Result<i32, Error> {
    let query = Query::parse(&args.package).map_err(Error::Usage)?;
    let today = today()?;
    let at = &args.input.at;
    let policy = at.lookup().load(&at.fetcher())?;
    let inputs = pipeline::discover(&args.input.selection()?, &policy)?.read()?;
    let paths = Paths::collect(&query, &inputs);
    let repository = pipeline::repository(&policy, &at.path);
    let facts = at.facts(&policy)?;
    let stages = Stages {
        policy: &policy,
        today,
        repository: repository.as_deref(),
        facts: &facts,
    };
    let judged = stages.judge(stages.inventory(inputs), None);
    let components = &judged.inventory.components;
    let explanation = Explanation::new(
        &query,
        components,
        &judged.evaluation,
        &policy,
        &paths,
        today,
        repository.as_deref(),
    )
    .ok_or_else(|| {
        Error::Usage(format!(
            "`{}` is not among the {} components found in {}",
            args.package,
            components.len(),
            display_path(&at.path)
        ))
    })?;
    print(Text::Styled, |out| {
        out.write_all(explanation.render().as_bytes())
    })?;
    Ok(exit::OK)
}
