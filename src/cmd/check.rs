//! `depgov check`: the pipeline on the working tree (and, with `--base`, on the base too),
//! reported on standard output, in `--output` files, in the GitHub Actions job, and as the
//! pull-request comment.

use super::{Text, fails, print, today, write_file};
use crate::cli::CheckArgs;
use crate::error::{Error, exit};
use crate::gate::{self, Base};
use crate::github::comment;
use crate::github::workflow;
use crate::pipeline::{self, Stages};
use crate::policy;
use crate::report::{BaseReport, Format, Report, markdown};
use crate::util::paths::start_dir;

pub fn run(args: CheckArgs) -> Result<i32, Error> {
    let today = today()?;
    // The environment is read first: a missing variable fails before the scan, not after.
    let comment = match args.comment.when() {
        Some(when) => Some((comment::destination()?, when)),
        None => None,
    };
    let at = &args.input.at;
    let base = match &args.base {
        Some(rev) => Some(Base::open(start_dir(&at.path), rev)?),
        None => None,
    };
    let remote = at.fetcher();
    let (policy, policy_findings) = match &base {
        Some(base) => gate::policy(base, &at.lookup(), args.policy_from, &remote)?,
        None => (at.lookup().load(&remote)?, Vec::new()),
    };
    let discovered = pipeline::discover(&args.input.selection()?, &policy)?;
    let (inputs, at_base) = match &base {
        Some(base) => {
            let (inputs, at_base) = discovered.read_with_base(base)?;
            (inputs, Some(at_base))
        }
        None => (discovered.read()?, None),
    };
    let repository = pipeline::repository(&policy, &at.path);
    let facts = at.facts(&policy)?;
    let stages = Stages {
        policy: &policy,
        today,
        repository: repository.as_deref(),
        facts: &facts,
    };
    let inventory = stages.inventory(inputs);
    let mut judged = stages.judge(inventory, at_base);
    judged.evaluation.findings.extend(policy_findings);
    judged.evaluation.sort();
    let lints = policy::lint::lints(&policy, today);
    let mut report = Report::new(judged.inventory, judged.evaluation, lints, &policy);
    report.facts = facts.report(&report.components);
    let mut sarif_report = None;
    if let (Some(base), Some(compared)) = (base, judged.compared) {
        let compared = BaseReport {
            rev: base.rev,
            merge_base: base.commit,
            removed: compared.removed,
            fixed: compared.fixed,
            existing_debt: None,
        };
        // Code scanning closes an alert that a SARIF upload leaves out: SARIF keeps every
        // finding, and --only-new narrows the other reports and the exit code only.
        let wants_sarif = args.format == Format::Sarif
            || args
                .output
                .iter()
                .any(|(format, _)| *format == Format::Sarif);
        if args.only_new && wants_sarif {
            let mut complete = report.clone();
            complete.set_base(compared.clone(), false);
            sarif_report = Some(complete);
        }
        report.set_base(compared, args.only_new);
    }
    emit(&report, sarif_report.as_ref().unwrap_or(&report), &args)?;
    let failed = fails(&report, args.fail_on);
    if let Some((destination, when)) = comment {
        super::comment::post(destination, &report, when, failed)?;
    }
    // About to exit: the OS reclaims memory faster than dropping every component.
    std::mem::forget(report);
    Ok(if failed { exit::FINDINGS } else { exit::OK })
}

/// Prints the report, writes the `--output` files, and in GitHub Actions appends the job
/// summary and the step outputs (`errors`, `warnings`, and `report` for a JSON output). SARIF
/// is written from `sarif_report`, which holds every finding even with `--only-new`.
fn emit(report: &Report, sarif_report: &Report, args: &CheckArgs) -> Result<(), Error> {
    let report_for = |format: Format| {
        if format == Format::Sarif {
            sarif_report
        } else {
            report
        }
    };
    // Package text printed in a workflow log could otherwise be read as a workflow command;
    // the github format escapes its own, every other format is fenced off.
    let fence = (workflow::in_actions() && args.format != Format::Github)
        .then(workflow::stop_commands_token);
    print(Text::of_report(args.format == Format::Human), |out| {
        if let Some(token) = &fence {
            writeln!(out, "::stop-commands::{token}")?;
        }
        report_for(args.format).write(args.format, out)?;
        if let Some(token) = &fence {
            writeln!(out, "::{token}::")?;
        }
        Ok(())
    })?;
    for (format, path) in &args.output {
        write_file(
            path,
            false,
            Text::of_report(*format == Format::Human),
            |out| report_for(*format).write(*format, out),
        )?;
    }
    if let Some(summary) = workflow::step_summary() {
        let body = markdown::render_within(
            report,
            markdown::SUMMARY_LIMIT,
            "the JSON report (`--output json=PATH`)",
        );
        write_file(&summary, true, Text::Escaped, |out| writeln!(out, "{body}"))?;
    }
    if let Some(outputs) = workflow::step_outputs() {
        let json = args.output.iter().find(|(f, _)| *f == Format::Json);
        write_file(&outputs, true, Text::Escaped, |out| {
            writeln!(out, "errors={}", report.summary.errors)?;
            writeln!(out, "warnings={}", report.summary.warnings)?;
            match json {
                Some((_, path)) => writeln!(out, "report={}", path.display()),
                None => Ok(()),
            }
        })?;
    }
    Ok(())
}
