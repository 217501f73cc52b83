//! The command line: parses arguments and wires the stages together. No policy, ecosystem or
//! format logic lives here.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::{Error, exit};
use crate::evaluate::{self, change};
use crate::gate::Base;
use crate::github::comment::{self, Destination, When};
use crate::github::policies::PolicyFetcher;
use crate::inventory;
use crate::inventory::cargo::CargoOptions;
use crate::inventory::discover::{self, DiskTree, Exclude, ScanOptions};
use crate::model::{Ecosystem, Severity};
use crate::policy::{self, Policy};
use crate::report::{
    BaseReport, Format, InventoryFormat, InventoryReport, Report, explain, json, markdown,
};
use crate::util::paths::{self, display_path, start_dir};

/// Holds every open source dependency of a repository against an OSPO's
/// adopt/trial/assess/hold/remove policy.
#[derive(Debug, Parser)]
#[command(name = "depgov", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Judge every component against the policy and report what it holds or removes.
    Check(CheckArgs),
    /// List the components depgov finds, without judging them.
    Inventory(InventoryArgs),
    /// Post or update the pull request's depgov comment from a report saved with
    /// `check --format json` (GitHub Actions; docs/github.md).
    Comment(CommentArgs),
    /// Show everything behind the verdict on one package.
    ///
    /// Every version and path, the matching policy entries, the ring on each axis,
    /// exceptions and findings.
    Explain(ExplainArgs),
    /// Write, inspect and validate policy files.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Scan every repository of a GitHub organisation against one policy, without cloning,
    /// and write the organisation report (docs/org-scan.md).
    ScanOrg(crate::org::ScanOrgArgs),
    /// Combine the outputs of `scan-org --shard I/N` into one organisation report.
    Merge(crate::org::MergeArgs),
}

#[derive(Debug, Subcommand)]
enum PolicyCommand {
    /// Print the effective policy, each entry with the file:line it comes from.
    ///
    /// Every layer merged; the TOML is itself a flat policy that judges as the layers do.
    Show(PolicyShowArgs),
    /// Validate a policy file and its layers, then lint it.
    ///
    /// Errors are shown at file:line:col and exit 2; lints (duplicate entries, deprecated SPDX
    /// ids, use-instead on held components, expired exceptions) are printed and exit 0.
    Check(PolicyCheckArgs),
    /// Write a starter policy listing the licenses the repository uses.
    ///
    /// The starter extends the embedded default and lists, commented out, each license found
    /// with the ring the default gives it. It is written to --policy FILE, else to the policy
    /// `check` reads, else to depgov.toml at the repository root; never over an existing file
    /// without --force.
    Init(InitArgs),
    /// Print the JSON Schema of policy files, for editors (schema/depgov.schema.json).
    Schema,
    /// Turn a build-your-own-radar CSV into a policy layer of [[components]].
    ///
    /// The CSV has the columns name, ring, quadrant, isNew, description; --map names the
    /// package URLs of each radar name (docs/policy.md).
    ImportRadar(ImportRadarArgs),
}

#[derive(Debug, Args)]
struct InitArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Replace the policy file if it exists.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct ImportRadarArgs {
    /// The radar, as a CSV file.
    csv: PathBuf,
    /// The TOML file mapping radar names to package URLs (docs/policy.md).
    #[arg(long, value_name = "FILE")]
    map: PathBuf,
    /// Write the layer to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// Where the policy comes from.
#[derive(Debug, Args)]
struct PolicyArgs {
    /// A directory to search for lockfiles, SBOMs and Cargo workspaces, or one such file.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The policy file (default: depgov.toml, else .github/depgov.toml, in PATH and then at the
    /// repository root; else the embedded default policy).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Never fetch: `github:` policy layers come from the cache, or the run fails.
    #[arg(long)]
    offline: bool,
}

#[derive(Debug, Args)]
struct PolicyShowArgs {
    #[command(flatten)]
    policy: PolicyArgs,
    #[arg(long, value_enum, default_value_t = PolicyFormat::Toml)]
    format: PolicyFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum PolicyFormat {
    Toml,
    Json,
}

#[derive(Debug, Args)]
struct PolicyCheckArgs {
    /// The policy file.
    file: PathBuf,
    /// Never fetch: `github:` policy layers come from the cache, or the check fails.
    #[arg(long)]
    offline: bool,
}

#[derive(Debug, Args)]
struct ExplainArgs {
    /// A package name (any ecosystem), or a package URL such as pkg:cargo/openssl or
    /// pkg:npm/%40babel/core@7.24.0.
    package: String,
    #[command(flatten)]
    input: InputArgs,
}

/// What to inventory, and under which policy.
#[derive(Debug, Args)]
struct InputArgs {
    #[command(flatten)]
    at: PolicyArgs,
    /// Read Cargo.lock as text instead of resolving workspaces with cargo (no cargo, no network).
    #[arg(long)]
    lockfile_only: bool,
    /// Only these ecosystems (comma separated): cargo, npm, pypi, golang, gem, composer, maven,
    /// nuget.
    #[arg(long, value_delimiter = ',', value_name = "LIST")]
    ecosystem: Vec<String>,
    /// Read only the Cargo workspace of this Cargo.toml.
    #[arg(long, value_name = "FILE")]
    manifest_path: Option<PathBuf>,
    /// Resolve Cargo workspaces with all features of their members enabled.
    #[arg(long)]
    all_features: bool,
    /// Resolve Cargo workspaces without the members' default features.
    #[arg(long)]
    no_default_features: bool,
    /// Resolve Cargo workspaces with these features enabled (comma or space separated).
    #[arg(long, short = 'F', value_name = "FEATURES")]
    features: Vec<String>,
    /// Resolve Cargo workspaces for this target triple only, instead of every platform.
    #[arg(long, value_name = "TRIPLE")]
    target: Option<String>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The format printed on standard output.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Also write the report in FORMAT to PATH, e.g. `--output sarif=depgov.sarif`
    /// (repeatable).
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_output)]
    output: Vec<(Format, PathBuf)>,
    /// The lowest severity that makes the run fail with exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Judge the change since the merge-base of HEAD and REV: new hold and remove usage fails,
    /// existing usage is reported as debt, and the policy is read as it is at the merge-base.
    #[arg(long, value_name = "REV")]
    base: Option<String>,
    /// With --base: report only findings on new or changed components; existing debt becomes
    /// one summary line.
    #[arg(long, requires = "base")]
    only_new: bool,
    /// With --base: where a policy file in the repository is read from. `head` applies your
    /// working tree's edits to it (for editing the policy locally).
    #[arg(long, value_enum, default_value_t = PolicyFrom::Base, requires = "base")]
    policy_from: PolicyFrom,
    /// Post the report as the pull request's depgov comment, updated in place on every run
    /// (GitHub Actions; docs/github.md). `on-failure` creates it only when the run fails; an
    /// existing comment is updated either way.
    #[arg(long, value_enum, default_value_t = CommentOn::Never)]
    comment: CommentOn,
}

#[derive(Debug, Args)]
struct CommentArgs {
    /// The report, saved with `depgov check --format json`.
    #[arg(long, value_name = "FILE")]
    report: PathBuf,
    /// `on-failure` creates the comment only when the report fails; an existing comment is
    /// updated either way.
    #[arg(long, value_enum, default_value_t = When::Always)]
    comment: When,
    /// The lowest severity that fails the report, for `on-failure` and the exit code.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
}

#[derive(Debug, Args)]
struct InventoryArgs {
    #[command(flatten)]
    input: InputArgs,
    #[arg(long, value_enum, default_value_t = InventoryFormat::Human)]
    format: InventoryFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        }
    }
}

/// When `check` posts the pull-request comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum CommentOn {
    Always,
    OnFailure,
    Never,
}

impl CommentOn {
    fn when(self) -> Option<When> {
        match self {
            CommentOn::Always => Some(When::Always),
            CommentOn::OnFailure => Some(When::OnFailure),
            CommentOn::Never => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum PolicyFrom {
    Base,
    Head,
}

/// Runs depgov with the process's arguments and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return error.exit_code();
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            // Not `eprint!`, which panics when standard error cannot be written: the exit
            // code must still say that the run failed.
            let _ = std::io::stderr().write_all(error.render().as_bytes());
            exit::ERROR
        }
    }
}

fn run(cli: Cli) -> Result<i32, Error> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Inventory(args) => {
            let policy = load_policy(&args.input.at)?;
            let report = InventoryReport::new(read_inventory(&args.input, &policy)?);
            print(|out| report.write(args.format, out))?;
            // About to exit: the OS reclaims memory faster than dropping every component.
            std::mem::forget(report);
            Ok(exit::OK)
        }
        Command::Explain(args) => explain(args),
        Command::Policy(PolicyCommand::Show(args)) => {
            let policy = load_policy(&args.policy)?;
            let text = match args.format {
                PolicyFormat::Toml => policy::show::toml(&policy),
                PolicyFormat::Json => format!("{:#}\n", policy::show::json(&policy)),
            };
            print(|out| out.write_all(text.as_bytes()))?;
            Ok(exit::OK)
        }
        Command::Policy(PolicyCommand::Check(args)) => {
            let fetcher = PolicyFetcher::new(args.offline);
            let shown = display_path(&args.file);
            let policy = policy::load_file(&args.file, &shown, Some(&fetcher))?;
            let lints = policy::lint::lints(&policy, today()?);
            let mut text: String = lints.concat();
            text.push_str(&format!(
                "{shown}: valid ({}), {} lint{}\n",
                policy.layers.join(" → "),
                lints.len(),
                if lints.len() == 1 { "" } else { "s" }
            ));
            print(|out| out.write_all(text.as_bytes()))?;
            Ok(exit::OK)
        }
        Command::Comment(args) => {
            let destination = comment::destination()?;
            let report = json::read_report(&args.report, &display_path(&args.report))?;
            let failed = fails(&report, args.fail_on);
            post_comment(destination, &report, args.comment, failed)?;
            Ok(if failed { exit::FINDINGS } else { exit::OK })
        }
        Command::Policy(PolicyCommand::Init(args)) => {
            let root = paths::repository_root(start_dir(&args.input.at.path));
            let target = policy::init::target(&policy_candidates(&args.input.at, &root), &root);
            policy::init::refuse_overwrite(&target, args.force)?;
            let default = policy::embedded();
            let inventory = read_inventory(&args.input, &default)?;
            let written =
                policy::init::write(&target, args.force, &inventory.components, &default)?;
            eprintln!("{written}");
            Ok(exit::OK)
        }
        Command::Policy(PolicyCommand::Schema) => {
            print(|out| out.write_all(policy::schema::json().as_bytes()))?;
            Ok(exit::OK)
        }
        Command::Policy(PolicyCommand::ImportRadar(args)) => {
            let imported = policy::radar::import(&args.csv, &args.map)?;
            let write = |out: &mut dyn Write| out.write_all(imported.toml.as_bytes());
            match &args.output {
                Some(path) => write_file(path, false, write)?,
                None => print(write)?,
            }
            for message in &imported.messages {
                eprintln!("{message}");
            }
            Ok(exit::OK)
        }
        Command::ScanOrg(args) => {
            let today = today()?;
            let policy = match &args.policy {
                Some(path) => {
                    let fetcher = PolicyFetcher::new(false);
                    policy::load_file(path, &display_path(path), Some(&fetcher))?
                }
                None => policy::embedded(),
            };
            crate::org::scan_org(args, &policy, today)
        }
        Command::Merge(args) => crate::org::merge_shards(args),
    }
}

/// Every component under `input`, scanned as `policy` says.
fn read_inventory(input: &InputArgs, policy: &Policy) -> Result<inventory::Inventory, Error> {
    let (options, scan) = plan(input, policy)?;
    let tree = DiskTree { root: scan.root };
    discover::read(&scan.planned, &tree, &options, &cargo_options(input))
}

fn check(args: CheckArgs) -> Result<i32, Error> {
    let today = today()?;
    // The environment is read first: a missing variable fails before the scan, not after.
    let comment = match args.comment.when() {
        Some(when) => Some((comment::destination()?, when)),
        None => None,
    };
    let base = match &args.base {
        Some(rev) => Some(Base::open(start_dir(&args.input.at.path), rev)?),
        None => None,
    };
    let (policy, policy_changed) = match &base {
        Some(base) => policy_at_base(&args, base)?,
        None => (load_policy(&args.input.at)?, None),
    };
    let (options, scan) = plan(&args.input, &policy)?;
    let cargo = cargo_options(&args.input);
    let tree = DiskTree {
        root: scan.root.clone(),
    };
    // The base is read while the working tree is: each mostly waits on git or cargo.
    let base_plan = match &base {
        Some(base) => Some(base.plan(&scan.planned, &options)?),
        None => None,
    };
    let (head, base_read) = std::thread::scope(|scope| {
        let reading = base
            .as_ref()
            .zip(base_plan.as_ref())
            .map(|(base, plan)| scope.spawn(|| base.read(plan, &options, &cargo)));
        let head = discover::read_inputs(&scan.planned, &tree, &options, &cargo);
        let read = reading.map(|thread| {
            thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (head, read)
    });
    let head = head?;
    let base_inventory = match (base_plan, base_read) {
        (Some(plan), Some(read)) => Some(plan.inventory(read?, &head)),
        _ => None,
    };
    let inventory = discover::assemble(head);
    let mut evaluation = evaluate::evaluate(&inventory.components, &policy, today);
    let removed = base_inventory.map(|base_inventory| {
        let at_base = evaluate::evaluate(&base_inventory.components, &policy, today);
        change::compare(
            &mut evaluation,
            &inventory.components,
            &at_base,
            &base_inventory.components,
        )
    });
    if !policy.exceptions.is_empty() {
        let repository = repository(&args.input);
        evaluate::exceptions::apply(&mut evaluation, &policy, today, repository.as_deref());
    }
    evaluation.findings.extend(policy_changed);
    evaluation.sort();
    let mut report = Report::new(inventory, evaluation, &policy);
    if let (Some(base), Some(removed)) = (base, removed) {
        let compared = BaseReport {
            rev: base.rev,
            merge_base: base.commit,
            removed,
            existing_debt: None,
        };
        report.set_base(compared, args.only_new);
    }
    emit(&report, &args)?;
    let failed = fails(&report, args.fail_on);
    if let Some((destination, when)) = comment {
        post_comment(destination, &report, when, failed)?;
    }
    // About to exit: the OS reclaims memory faster than dropping every component.
    std::mem::forget(report);
    Ok(if failed { exit::FINDINGS } else { exit::OK })
}

fn explain(args: ExplainArgs) -> Result<i32, Error> {
    let query = explain::Query::parse(&args.package).map_err(Error::Usage)?;
    let today = today()?;
    let policy = load_policy(&args.input.at)?;
    let (options, scan) = plan(&args.input, &policy)?;
    let tree = DiskTree { root: scan.root };
    let inputs =
        discover::read_inputs(&scan.planned, &tree, &options, &cargo_options(&args.input))?;
    let paths = explain::Paths::collect(&query, &inputs);
    let inventory = discover::assemble(inputs);
    let mut evaluation = evaluate::evaluate(&inventory.components, &policy, today);
    let repository = repository(&args.input);
    evaluate::exceptions::apply(&mut evaluation, &policy, today, repository.as_deref());
    let explanation = explain::Explanation::new(
        &query,
        &inventory.components,
        &evaluation,
        &policy,
        &paths,
        today,
        repository.as_deref(),
    )
    .ok_or_else(|| {
        Error::Usage(format!(
            "`{}` is not among the {} components found in {}",
            args.package,
            inventory.components.len(),
            display_path(&args.input.at.path)
        ))
    })?;
    print(|out| out.write_all(explanation.render().as_bytes()))?;
    Ok(exit::OK)
}

/// Reads `FORMAT=PATH`.
fn parse_output(text: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not FORMAT=PATH, e.g. sarif=depgov.sarif"))?;
    let format = Format::from_str(format, true).map_err(|_| {
        format!("unknown format `{format}`; use human, json, github, markdown or sarif")
    })?;
    if path.is_empty() {
        return Err(format!("`{text}` names no file"));
    }
    Ok((format, PathBuf::from(path)))
}

/// Prints the report, writes the `--output` files, and in GitHub Actions appends the job
/// summary and the step outputs (`errors`, `warnings`, and `report` for a JSON output).
fn emit(report: &Report, args: &CheckArgs) -> Result<(), Error> {
    let in_actions = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
    // Package text printed in a workflow log could otherwise be read as a workflow command;
    // the github format escapes its own, every other format is fenced off.
    let fence = (in_actions && args.format != Format::Github).then(stop_commands_token);
    print(|out| {
        if let Some(token) = &fence {
            writeln!(out, "::stop-commands::{token}")?;
        }
        report.write(args.format, out)?;
        if let Some(token) = &fence {
            writeln!(out, "::{token}::")?;
        }
        Ok(())
    })?;
    for (format, path) in &args.output {
        write_file(path, false, |out| report.write(*format, out))?;
    }
    if let Some(summary) = env_path("GITHUB_STEP_SUMMARY") {
        let body = markdown::render_within(
            report,
            markdown::SUMMARY_LIMIT,
            "the JSON report (`--output json=PATH`)",
        );
        write_file(&summary, true, |out| writeln!(out, "{body}"))?;
    }
    if let Some(outputs) = env_path("GITHUB_OUTPUT") {
        let json = args.output.iter().find(|(f, _)| *f == Format::Json);
        write_file(&outputs, true, |out| {
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

/// Whether the report has a finding at or above `fail_on`.
fn fails(report: &Report, fail_on: FailOn) -> bool {
    match (fail_on.threshold(), report.worst_severity()) {
        (Some(threshold), Some(worst)) => worst >= threshold,
        _ => false,
    }
}

/// Posts the pull-request comment and tells what happened on standard error.
fn post_comment(
    destination: Destination,
    report: &Report,
    when: When,
    failed: bool,
) -> Result<(), Error> {
    let notices = match destination {
        Destination::PullRequest(commenter) => commenter.post(report, when, failed)?,
        Destination::Nowhere(notice) => vec![notice],
    };
    for notice in notices {
        eprintln!("{notice}");
    }
    Ok(())
}

/// A path from a non-empty environment variable.
fn env_path(name: &str) -> Option<PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// An unguessable token for `::stop-commands::`, from the standard library's randomly seeded
/// hasher.
fn stop_commands_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .elapsed()
            .map_or(0, |d| d.as_nanos()),
    );
    format!("depgov-{:016x}", hasher.finish())
}

fn write_file(
    path: &Path,
    append: bool,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    let failed = |source| Error::Write {
        path: display_path(path),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(path)
        .map_err(failed)?;
    let mut out = std::io::BufWriter::new(file);
    write(&mut out).and_then(|()| out.flush()).map_err(failed)
}

/// Today's date for sunset dates; `DEPGOV_TODAY=YYYY-MM-DD` pins it (tests, reproducible runs).
fn today() -> Result<NaiveDate, Error> {
    match std::env::var("DEPGOV_TODAY") {
        Ok(text) => NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
            Error::Usage(format!(
                "DEPGOV_TODAY={text} is not a date such as 2027-06-30"
            ))
        }),
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}

/// `OWNER/NAME` of the repository being checked, for exceptions scoped by `repos`: from
/// `GITHUB_REPOSITORY` in GitHub Actions, else from the `origin` remote.
fn repository(input: &InputArgs) -> Option<String> {
    std::env::var("GITHUB_REPOSITORY")
        .ok()
        .filter(|r| r.contains('/'))
        .or_else(|| crate::git::origin_repository(start_dir(&input.at.path)))
}

/// The policy files to look for, in order: the one named, or the usual candidates.
fn policy_candidates(at: &PolicyArgs, root: &Path) -> Vec<PathBuf> {
    match &at.policy {
        Some(path) => vec![path.clone()],
        None => policy::candidates(start_dir(&at.path), root),
    }
}

/// The working tree's policy: the first candidate that exists, else the embedded default.
fn load_policy(at: &PolicyArgs) -> Result<Policy, Error> {
    let fetcher = PolicyFetcher::new(at.offline);
    let root = paths::repository_root(start_dir(&at.path));
    if let Some(path) = &at.policy {
        return policy::load_file(path, &display_path(path), Some(&fetcher));
    }
    match policy_candidates(at, &root)
        .into_iter()
        .find(|path| path.is_file())
    {
        Some(path) => policy::load_file(&path, &display_path(&path), Some(&fetcher)),
        None => Ok(policy::embedded()),
    }
}

/// With `--base`: the policy as it is at the merge-base (or, with `--policy-from head`, the
/// working tree's), and a `policy-changed` finding when the change edits it. A policy file
/// outside the repository cannot be edited by the change and is read from disk.
fn policy_at_base(
    args: &CheckArgs,
    base: &Base,
) -> Result<(Policy, Option<crate::model::Finding>), Error> {
    let root = base.repo_root();
    let candidates = policy_candidates(&args.input.at, root);
    let in_repo: Vec<String> = candidates
        .iter()
        .filter_map(|path| {
            let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| root.join(path));
            absolute
                .starts_with(root)
                .then(|| paths::relative_path(&absolute, root))
        })
        .collect();
    let outside_repo = args.input.at.policy.is_some() && in_repo.is_empty();
    if outside_repo || args.policy_from == PolicyFrom::Head {
        return Ok((load_policy(&args.input.at)?, None));
    }
    let head_path = in_repo
        .iter()
        .find(|path| root.join(path).is_file())
        .cloned();
    let fetcher = PolicyFetcher::new(args.input.at.offline);
    let (policy, base_path) = base.policy(&in_repo, Some(&fetcher))?;
    let changed = base.policy_change(
        base_path.as_deref(),
        head_path.as_deref(),
        policy.contact.as_deref(),
    );
    Ok((policy, changed))
}

/// The scan options the policy and flags ask for, and the inputs they select.
fn plan(input: &InputArgs, policy: &Policy) -> Result<(ScanOptions, discover::Scan), Error> {
    let mut options = ScanOptions {
        base: String::new(),
        exclude: Exclude::for_policy(policy.scan_exclude.as_deref())?,
        ecosystems: ecosystems(&input.ecosystem)?,
        lockfile_only: input.lockfile_only,
    };
    let scan = discover::scan(&input.at.path, input.manifest_path.as_deref(), &mut options)?;
    Ok((options, scan))
}

fn cargo_options(input: &InputArgs) -> CargoOptions {
    CargoOptions {
        all_features: input.all_features,
        no_default_features: input.no_default_features,
        features: input
            .features
            .iter()
            .flat_map(|f| f.split([',', ' ']))
            .filter(|f| !f.is_empty())
            .map(str::to_owned)
            .collect(),
        target: input.target.clone(),
    }
}

fn ecosystems(names: &[String]) -> Result<Option<BTreeSet<Ecosystem>>, Error> {
    if names.is_empty() {
        return Ok(None);
    }
    names
        .iter()
        .map(|name| {
            Ecosystem::from_name(name.trim()).ok_or_else(|| {
                Error::Usage(format!(
                    "--ecosystem {name}: unknown ecosystem; use {}",
                    Ecosystem::ALL.map(Ecosystem::as_str).join(", ")
                ))
            })
        })
        .collect::<Result<_, _>>()
        .map(Some)
}

/// Writes to standard output; a reader that stops reading (`| head`) is not an error.
fn print(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), Error> {
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Write {
            path: "standard output".to_owned(),
            source: e,
        }),
        _ => Ok(()),
    }
}
