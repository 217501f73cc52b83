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
use crate::inventory::cargo::CargoOptions;
use crate::inventory::discover::{self, DiskTree, Exclude, ScanOptions};
use crate::inventory::{self, display_path};
use crate::model::{Ecosystem, Severity};
use crate::policy::{self, Policy};
use crate::report::{BaseReport, Format, InventoryFormat, InventoryReport, Report, markdown};

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
}

/// What to inventory, and under which policy.
#[derive(Debug, Args)]
struct InputArgs {
    /// A directory to search for lockfiles, SBOMs and Cargo workspaces, or one such file.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The policy file (default: depgov.toml, else .github/depgov.toml, in PATH and then at the
    /// repository root; else the embedded default policy).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
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
            let policy = load_policy(&args.input)?;
            let (options, scan) = plan(&args.input, &policy)?;
            let tree = DiskTree { root: scan.root };
            let inventory =
                discover::read(&scan.planned, &tree, &options, &cargo_options(&args.input))?;
            let report = InventoryReport::new(inventory);
            print(|out| report.write(args.format, out))?;
            // About to exit: the OS reclaims memory faster than dropping every component.
            std::mem::forget(report);
            Ok(exit::OK)
        }
    }
}

fn check(args: CheckArgs) -> Result<i32, Error> {
    let today = today()?;
    let base = match &args.base {
        Some(rev) => Some(Base::open(start_dir(&args.input.path), rev)?),
        None => None,
    };
    let (policy, policy_changed) = match &base {
        Some(base) => policy_at_base(&args, base)?,
        None => (load_policy(&args.input)?, None),
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
    let failed = match (args.fail_on.threshold(), report.worst_severity()) {
        (Some(threshold), Some(worst)) => worst >= threshold,
        _ => false,
    };
    // About to exit: the OS reclaims memory faster than dropping every component.
    std::mem::forget(report);
    Ok(if failed { exit::FINDINGS } else { exit::OK })
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

/// The directory a PATH argument stands for.
fn start_dir(path: &Path) -> &Path {
    if path.is_dir() {
        path
    } else {
        inventory::parent_dir(path)
    }
}

/// The policy files to look for, in order: the one named, or the usual candidates.
fn policy_candidates(input: &InputArgs, root: &Path) -> Vec<PathBuf> {
    match &input.policy {
        Some(path) => vec![path.clone()],
        None => policy::candidates(start_dir(&input.path), root),
    }
}

/// The working tree's policy: the first candidate that exists, else the embedded default.
fn load_policy(input: &InputArgs) -> Result<Policy, Error> {
    let root = inventory::repository_root(start_dir(&input.path));
    if let Some(path) = &input.policy {
        return policy::load_file(path, &display_path(path));
    }
    match policy_candidates(input, &root)
        .into_iter()
        .find(|path| path.is_file())
    {
        Some(path) => policy::load_file(&path, &display_path(&path)),
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
    let candidates = policy_candidates(&args.input, root);
    let in_repo: Vec<String> = candidates
        .iter()
        .filter_map(|path| {
            let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| root.join(path));
            absolute
                .starts_with(root)
                .then(|| inventory::relative_path(&absolute, root))
        })
        .collect();
    let outside_repo = args.input.policy.is_some() && in_repo.is_empty();
    if outside_repo || args.policy_from == PolicyFrom::Head {
        return Ok((load_policy(&args.input)?, None));
    }
    let head_path = in_repo
        .iter()
        .find(|path| root.join(path).is_file())
        .cloned();
    let (policy, base_path) = base.policy(&in_repo)?;
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
        exclude: match &policy.scan_exclude {
            Some(globs) => Exclude::new(globs.iter().map(String::as_str)).map_err(Error::Usage)?,
            None => Exclude::default_set(),
        },
        ecosystems: ecosystems(&input.ecosystem)?,
        lockfile_only: input.lockfile_only,
    };
    let scan = discover::scan(&input.path, input.manifest_path.as_deref(), &mut options)?;
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
