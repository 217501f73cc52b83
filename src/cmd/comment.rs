//! `depgov comment`: the pull-request comment from a saved JSON report; and posting it, which
//! `check --comment` shares.

use super::fails;
use crate::cli::CommentArgs;
use crate::error::{Error, exit};
use crate::github::comment::{self, Destination, When};
use crate::messages;
use crate::report::{Report, json};
use crate::util::paths::display_path;

pub fn run(args: CommentArgs) -> Result<i32, Error> {
    let destination = comment::destination()?;
    let report = json::read_report(&args.report, &display_path(&args.report))?;
    let failed = fails(&report, args.fail_on);
    post(destination, &report, args.comment, failed)?;
    Ok(if failed { exit::FINDINGS } else { exit::OK })
}

/// Posts the pull-request comment and tells what happened on standard error.
pub(super) fn post(
    destination: Destination,
    report: &Report,
    when: When,
    failed: bool,
) -> Result<(), Error> {
    let notices = match destination {
        Destination::PullRequest(commenter) => commenter.post(report, when, failed)?,
        Destination::Nowhere(notice) => vec![notice],
    };
    for notice in &notices {
        messages::show(notice);
    }
    Ok(())
}
