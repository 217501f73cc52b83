//! The command line: parses arguments and wires the stages together. No policy, ecosystem or
//! format logic lives here.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::{Error, exit};
use crate::evaluate;
use crate::inventory::discover::{self, DiskTree, Exclude, ScanOptions};
use crate::inventory::{self, Inventory, cargo::CargoOptions};
use crate::model::{Ecosystem, Severity};
use crate::policy::{self, Policy};
use crate::report::{Format, InventoryReport, Report};

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
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The lowest severity that makes the run fail with exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
}

#[derive(Debug, Args)]
struct InventoryArgs {
    #[command(flatten)]
    input: InputArgs,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
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
            eprint!("{}", error.render());
            exit::ERROR
        }
    }
}

fn run(cli: Cli) -> Result<i32, Error> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Inventory(args) => {
            let policy = load_policy(&args.input)?;
            let inventory = read_inventory(&args.input, &policy)?;
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
    let policy = load_policy(&args.input)?;
    let inventory = read_inventory(&args.input, &policy)?;
    let evaluation = evaluate::evaluate(&inventory.components, &policy, today);
    let report = Report::new(inventory, evaluation, &policy);
    print(|out| report.write(args.format, out))?;
    let failed = match (args.fail_on.threshold(), report.worst_severity()) {
        (Some(threshold), Some(worst)) => worst >= threshold,
        _ => false,
    };
    // About to exit: the OS reclaims memory faster than dropping every component.
    std::mem::forget(report);
    Ok(if failed { exit::FINDINGS } else { exit::OK })
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

fn load_policy(input: &InputArgs) -> Result<Policy, Error> {
    if let Some(path) = &input.policy {
        return policy::load_file(path, &shown(path));
    }
    let start = if input.path.is_dir() {
        input.path.clone()
    } else {
        parent_dir(&input.path).to_path_buf()
    };
    let root = inventory::repository_root(&start);
    for dir in [start.clone(), root] {
        for candidate in ["depgov.toml", ".github/depgov.toml"] {
            let path = dir.join(candidate);
            if path.is_file() {
                return policy::load_file(&path, &shown(&path));
            }
        }
    }
    Ok(policy::embedded())
}

fn read_inventory(input: &InputArgs, policy: &Policy) -> Result<Inventory, Error> {
    let cargo_options = CargoOptions {
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
    };
    if let Some(manifest) = &input.manifest_path {
        if !manifest.is_file() {
            return Err(Error::Usage(format!(
                "--manifest-path {}: no such file",
                shown(manifest)
            )));
        }
        let root = inventory::repository_root(parent_dir(manifest));
        return inventory::cargo::read_workspace(manifest, &cargo_options, &root);
    }
    let mut options = ScanOptions {
        base: String::new(),
        exclude: match &policy.scan_exclude {
            Some(globs) => Exclude::new(globs.iter().map(String::as_str)).map_err(Error::Usage)?,
            None => Exclude::default_set(),
        },
        ecosystems: ecosystems(&input.ecosystem)?,
        lockfile_only: input.lockfile_only,
    };
    let path = &input.path;
    let (root, planned) = if path.is_dir() {
        let root = inventory::repository_root(path);
        options.base = match inventory::relative_path(path, &root) {
            dot if dot == "." => String::new(),
            base => base,
        };
        let files = discover::walk(&root, path, &options.exclude)?;
        let planned = discover::plan(&files, &options);
        if planned.is_empty() {
            return Err(Error::NothingFound { dir: shown(path) });
        }
        (root, planned)
    } else if path.is_file() {
        // One named file: read just it (with the manifest beside it), whatever the excludes.
        let dir = parent_dir(path);
        let root = inventory::repository_root(dir);
        let file = inventory::relative_path(path, &root);
        options.base = file
            .rsplit_once('/')
            .map_or(String::new(), |(d, _)| d.to_owned());
        let named_cargo_toml = file == "Cargo.toml" || file.ends_with("/Cargo.toml");
        options.exclude = Exclude::new([]).map_err(Error::Usage)?;
        options.lockfile_only |= !named_cargo_toml;
        let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
            path: shown(dir),
            source,
        })?;
        let siblings: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
            .map(|entry| inventory::relative_path(&entry.path(), &root))
            .collect();
        let planned: Vec<_> = discover::plan(&siblings, &options)
            .into_iter()
            .filter(|p| p.path() == file || named_cargo_toml && p.path().ends_with("Cargo.lock"))
            .collect();
        if planned.is_empty() {
            return Err(Error::Usage(format!(
                "{} is not a lockfile, SBOM or Cargo.toml depgov reads (see docs/ecosystems.md)",
                shown(path)
            )));
        }
        (root, planned)
    } else {
        return Err(Error::Usage(format!(
            "{}: no such file or directory",
            shown(path)
        )));
    };
    discover::read(&planned, &DiskTree { root }, &options, &cargo_options)
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

/// The directory holding `path`; `.` for a bare file name.
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// A path as the user would type it: relative paths without a leading `./`.
fn shown(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.strip_prefix("./").unwrap_or(&text).to_owned()
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
