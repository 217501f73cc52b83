//! `depgov inventory`: the pipeline up to facts, listed without judging.

use super::{Text, print, today};
use crate::cli::InventoryArgs;
use crate::error::{Error, exit};
use crate::pipeline::{self, Stages};
use crate::report::{InventoryFormat, InventoryReport};

pub fn run(args: InventoryArgs) -> Result<i32, Error> {
    let at = &args.input.at;
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
    let fared = facts.report(&inventory.components);
    let report = InventoryReport::new(inventory, fared);
    print(
        Text::of_report(args.format == InventoryFormat::Human),
        |out| report.write(args.format, out),
    )?;
    // About to exit: the OS reclaims memory faster than dropping every component.
    std::mem::forget(report);
    Ok(exit::OK)
}
