//! `depgov inventory`: the pipeline up to facts, listed without judging.

use super::{print, today};
use crate::cli::InventoryArgs;
use crate::error::{Error, exit};
use crate::facts::Facts;
use crate::github::policies::PolicyFetcher;
use crate::pipeline::{self, Stages};
use crate::report::InventoryReport;

pub fn run(args: InventoryArgs) -> Result<i32, Error> {
    let at = &args.input.at;
    let policy = at.lookup().load(&PolicyFetcher::new(at.offline))?;
    let inputs = pipeline::discover(&args.input.selection()?, &policy)?.read()?;
    let facts = Facts::default();
    let stages = Stages {
        policy: &policy,
        today: today()?,
        repository: None,
        facts: &facts,
    };
    let report = InventoryReport::new(stages.inventory(inputs));
    print(|out| report.write(args.format, out))?;
    // About to exit: the OS reclaims memory faster than dropping every component.
    std::mem::forget(report);
    Ok(exit::OK)
}
