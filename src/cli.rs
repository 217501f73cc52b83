//! The command line: parses arguments and wires the stages together. No policy, ecosystem or
//! format logic lives here.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::{Error, exit};
use crate::evaluate;
use crate::inventory::{self, Inventory, cargo::CargoOptions};
use crate::model::Severity;
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

/// What to inventory.
#[derive(Debug, Args)]
struct InputArgs {
    /// The repository directory to govern.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// The Cargo.toml to read instead of PATH/Cargo.toml.
    #[arg(long, value_name = "FILE")]
    manifest_path: Option<PathBuf>,
    /// Resolve with all features of the workspace members enabled.
    #[arg(long)]
    all_features: bool,
    /// Resolve without the members' default features.
    #[arg(long)]
    no_default_features: bool,
    /// Resolve with these features enabled (comma or space separated).
    #[arg(long, short = 'F', value_name = "FEATURES")]
    features: Vec<String>,
    /// Resolve for this target triple only, instead of every platform.
    #[arg(long, value_name = "TRIPLE")]
    target: Option<String>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The policy file (default: PATH/depgov.toml, else PATH/.github/depgov.toml, else the
    /// embedded default policy).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
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
            let inventory = read_inventory(&args.input)?;
            print(&InventoryReport::new(inventory).render(args.format))?;
            Ok(exit::OK)
        }
    }
}

fn check(args: CheckArgs) -> Result<i32, Error> {
    let today = today()?;
    let policy = load_policy(args.policy.as_deref(), &args.input.path)?;
    let inventory = read_inventory(&args.input)?;
    let evaluation = evaluate::evaluate(&inventory.components, &policy, today);
    let report = Report::new(inventory, evaluation, &policy);
    print(&report.render(args.format))?;
    let failed = match (args.fail_on.threshold(), report.worst_severity()) {
        (Some(threshold), Some(worst)) => worst >= threshold,
        _ => false,
    };
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

fn load_policy(explicit: Option<&Path>, dir: &Path) -> Result<Policy, Error> {
    if let Some(path) = explicit {
        return policy::load_file(path, &shown(path));
    }
    for candidate in ["depgov.toml", ".github/depgov.toml"] {
        let path = dir.join(candidate);
        if path.is_file() {
            return policy::load_file(&path, &shown(&path));
        }
    }
    Ok(policy::embedded())
}

fn read_inventory(input: &InputArgs) -> Result<Inventory, Error> {
    let manifest = match &input.manifest_path {
        Some(path) => path.clone(),
        None => input.path.join("Cargo.toml"),
    };
    if !manifest.is_file() {
        return Err(match &input.manifest_path {
            Some(path) => Error::Usage(format!("--manifest-path {}: no such file", shown(path))),
            None => Error::NoManifest {
                dir: shown(&input.path),
            },
        });
    }
    let repo_root = inventory::repository_root(manifest.parent().unwrap_or(Path::new(".")));
    let options = CargoOptions {
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
    inventory::cargo::read_workspace(&manifest, &options, &repo_root)
}

/// A path as the user would type it: relative paths without a leading `./`.
fn shown(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.strip_prefix("./").unwrap_or(&text).to_owned()
}

fn print(text: &str) -> Result<(), Error> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Write {
            path: "standard output".to_owned(),
            source: e,
        }),
        _ => Ok(()),
    }
}
