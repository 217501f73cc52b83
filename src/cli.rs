//! The command line: clap's definitions of every command and flag, and dispatch to the
//! command's glue in [`crate::cmd`]. Completions and the man page are generated from these
//! same definitions.

use std::collections::BTreeSet;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::cmd;
use crate::error::{Error, exit};
use crate::facts;
use crate::gate::PolicyFrom;
use crate::github::comment::When;
use crate::github::policies::PolicyFetcher;
use crate::inventory::cargo::CargoOptions;
use crate::messages;
use crate::model::{Ecosystem, Severity};
use crate::org::shard;
use crate::pipeline::Selection;
use crate::policy::Policy;
use crate::policy::discover::Lookup;
use crate::report::org::{GroupBy, Shard};
use crate::report::{Format, InventoryFormat};

/// Holds every open source dependency of a repository against an OSPO's
/// adopt/trial/assess/hold/remove policy.
#[derive(Debug, Parser)]
#[command(name = "depgov", version, about, max_term_width = 100)]
pub struct Cli {
    /// When to colour the output: on a terminal (auto), always, or never. NO_COLOR and
    /// CLICOLOR_FORCE are honoured in auto.
    #[arg(long, value_enum, global = true, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
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
    ScanOrg(ScanOrgArgs),
    /// Combine the outputs of `scan-org --shard I/N` into one organisation report.
    Merge(MergeArgs),
    /// Propose ring changes from an organisation report (docs/radar.md).
    #[command(subcommand)]
    Radar(RadarCommand),
    /// Work with the facts cache (docs/facts.md).
    #[command(subcommand)]
    Facts(FactsCommand),
    /// Print a completion script for SHELL, e.g. `depgov completions bash >
    /// /etc/bash_completion.d/depgov`.
    Completions(CompletionsArgs),
    /// Print depgov's man page (roff), e.g. `depgov man > depgov.1`; with --dir, write a
    /// page for every command (depgov.1, depgov-check.1, …) into DIR.
    Man(ManArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCommand {
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

#[derive(Debug, Subcommand)]
pub(crate) enum RadarCommand {
    /// Turn an organisation report into proposed ring changes, each with its evidence.
    ///
    /// Writes proposal.md (for review), radar.csv and radar-purls.toml (a build-your-own-radar
    /// sheet that `policy import-radar` reads back) and proposed.toml (a policy layer) into
    /// --out.
    Propose(RadarProposeArgs),
}

/// `depgov radar propose`'s arguments; the thresholds' defaults are
/// [`crate::radar::Thresholds::default`].
#[derive(Debug, Args)]
pub(crate) struct RadarProposeArgs {
    /// The organisation report (report.json of `scan-org` or `merge`).
    pub report: PathBuf,
    /// The report of an earlier scan: hold and remove components used by more repositories
    /// since are escalated.
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// The policy that judged the report, to tell listed components from unlisted ones
    /// (default: the embedded default policy).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The categories of libraries doing one job (default: policies/radar/categories.toml as
    /// shipped).
    #[arg(long, value_name = "FILE")]
    pub categories: Option<PathBuf>,
    /// Where to write proposal.md, radar.csv, radar-purls.toml and proposed.toml.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Propose an unlisted, healthy component for adopt when this many repositories use it.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub adopt_at: usize,
    /// … for trial.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub trial_at: usize,
    /// Propose a deprecated, unmaintained, relicensed or vulnerable component for hold or
    /// remove when this many repositories use it.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub wide_use: usize,
    /// Escalate a hold or remove component used by this many more repositories than in
    /// --previous.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub growth: usize,
}

#[derive(Debug, Subcommand)]
pub(crate) enum FactsCommand {
    /// Fill the facts cache for the components under PATH, so that a runner without network
    /// (`--offline`, DEPGOV_OFFLINE=1) judges with them: copy the cache directory there.
    Fetch(FactsFetchArgs),
}

#[derive(Debug, Args)]
pub(crate) struct FactsFetchArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Also download OSV's vulnerability database for the ecosystems the components are in,
    /// for `--offline` runs.
    #[arg(long)]
    pub osv: bool,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Replace the policy file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ImportRadarArgs {
    /// The radar, as a CSV file.
    pub csv: PathBuf,
    /// The TOML file mapping radar names to package URLs (docs/policy.md).
    #[arg(long, value_name = "FILE")]
    pub map: PathBuf,
    /// Write the layer to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Where the policy comes from.
#[derive(Debug, Args)]
pub(crate) struct PolicyArgs {
    /// A directory to search for lockfiles, SBOMs and Cargo workspaces, or one such file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The policy file (default: depgov.toml, else .github/depgov.toml, in PATH and then at the
    /// repository root; else the embedded default policy).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Never use the network: `github:` policy layers and facts about components come from
    /// the cache (DEPGOV_OFFLINE=1 does the same).
    #[arg(long)]
    pub offline: bool,
    /// The cache directory (default: DEPGOV_CACHE_DIR, else the platform's cache directory).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Match known vulnerabilities against this offline OSV database (a directory of records
    /// or OSV's all.zip files) instead of asking OSV's API (DEPGOV_OSV_DB does the same).
    #[arg(long, value_name = "PATH")]
    pub osv_db: Option<PathBuf>,
}

impl PolicyArgs {
    /// The facts stage for a run on the tree at PATH under `policy`.
    pub fn facts(&self, policy: &Policy) -> Result<facts::Stage, Error> {
        let config = facts::config::Config::new(
            policy,
            self.offline,
            self.cache_dir.as_deref(),
            self.osv_db.as_deref(),
            Some(self.lookup().root()),
        )?;
        Ok(facts::Stage::new(config))
    }

    /// Fetches the `github:` layers a policy extends.
    pub fn fetcher(&self) -> PolicyFetcher {
        PolicyFetcher::new(self.offline, self.cache_dir.as_deref())
    }

    pub fn lookup(&self) -> Lookup<'_> {
        Lookup {
            path: &self.path,
            named: self.policy.as_deref(),
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct PolicyShowArgs {
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[arg(long, value_enum, default_value_t = PolicyFormat::Toml)]
    pub format: PolicyFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum PolicyFormat {
    Toml,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct PolicyCheckArgs {
    /// The policy file.
    pub file: PathBuf,
    /// Never fetch: `github:` policy layers come from the cache, or the check fails.
    #[arg(long)]
    pub offline: bool,
    /// The cache directory (default: DEPGOV_CACHE_DIR, else the platform's cache directory).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    /// A package name (any ecosystem), or a package URL such as pkg:cargo/openssl or
    /// pkg:npm/%40babel/core@7.24.0.
    pub package: String,
    #[command(flatten)]
    pub input: InputArgs,
}

/// What to inventory, and under which policy.
#[derive(Debug, Args)]
pub(crate) struct InputArgs {
    #[command(flatten)]
    pub at: PolicyArgs,
    /// Read Cargo.lock as text instead of resolving workspaces with cargo (no cargo, no network).
    #[arg(long)]
    lockfile_only: bool,
    /// Fail (exit 2) when the directory holds no lockfile, manifest or SBOM depgov reads,
    /// instead of reporting that there is nothing to check.
    #[arg(long)]
    require_inputs: bool,
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

impl InputArgs {
    /// What the flags select.
    pub fn selection(&self) -> Result<Selection, Error> {
        Ok(Selection {
            path: self.at.path.clone(),
            manifest_path: self.manifest_path.clone(),
            ecosystems: ecosystems(&self.ecosystem)?,
            lockfile_only: self.lockfile_only,
            require_inputs: self.require_inputs,
            cargo: CargoOptions {
                all_features: self.all_features,
                no_default_features: self.no_default_features,
                features: self
                    .features
                    .iter()
                    .flat_map(|f| f.split([',', ' ']))
                    .filter(|f| !f.is_empty())
                    .map(str::to_owned)
                    .collect(),
                target: self.target.clone(),
            },
        })
    }
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The format printed on standard output.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Also write the report in FORMAT to PATH, e.g. `--output sarif=depgov.sarif`
    /// (repeatable).
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_output)]
    pub output: Vec<(Format, PathBuf)>,
    /// The lowest severity that makes the run fail with exit code 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Judge the change since the merge-base of HEAD and REV: new hold and remove usage fails,
    /// existing usage is reported as debt, and the policy is read as it is at the merge-base.
    #[arg(long, value_name = "REV")]
    pub base: Option<String>,
    /// With --base: report only findings on new or changed components; existing debt becomes
    /// one summary line.
    #[arg(long, requires = "base")]
    pub only_new: bool,
    /// With --base: where a policy file in the repository is read from. `head` applies your
    /// working tree's edits to it (for editing the policy locally).
    #[arg(long, value_enum, default_value_t = PolicyFrom::Base, requires = "base")]
    pub policy_from: PolicyFrom,
    /// Post the report as the pull request's depgov comment, updated in place on every run
    /// (GitHub Actions; docs/github.md). `on-failure` creates it only when the run fails; an
    /// existing comment is updated either way.
    #[arg(long, value_enum, default_value_t = CommentOn::Never)]
    pub comment: CommentOn,
}

#[derive(Debug, Args)]
pub(crate) struct CommentArgs {
    /// The report, saved with `depgov check --format json`.
    #[arg(long, value_name = "FILE")]
    pub report: PathBuf,
    /// `on-failure` creates the comment only when the report fails; an existing comment is
    /// updated either way.
    #[arg(long, value_enum, default_value_t = When::Always)]
    pub comment: When,
    /// The lowest severity that fails the report, for `on-failure` and the exit code.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
}

#[derive(Debug, Args)]
pub(crate) struct InventoryArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum, default_value_t = InventoryFormat::Human)]
    pub format: InventoryFormat,
}

/// `depgov scan-org`'s arguments.
#[derive(Debug, Args)]
pub(crate) struct ScanOrgArgs {
    /// The organisation (or user) whose repositories to scan.
    pub org: String,
    /// The policy file (default: the embedded default policy).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Scan the repositories named in FILE, one NAME or OWNER/NAME a line, instead of listing
    /// the organisation's.
    #[arg(long, value_name = "FILE")]
    pub repos: Option<PathBuf>,
    /// Scan archived repositories too.
    #[arg(long)]
    pub include_archived: bool,
    /// Scan forks too.
    #[arg(long)]
    pub include_forks: bool,
    /// Only repositories whose name matches one of these globs (repeatable; a glob with a `/`
    /// is matched against OWNER/NAME).
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Not repositories whose name matches one of these globs (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Only repositories with one of these topics (repeatable).
    #[arg(long, value_name = "TOPIC")]
    pub topic: Vec<String>,
    /// Scan only shard I of N (1-based), chosen by a stable hash of each repository's name;
    /// `depgov merge` combines the shards' outputs.
    #[arg(long, value_name = "I/N", value_parser = shard::parse)]
    pub shard: Option<Shard>,
    /// Where to write report.json, report.md and index.html (a shard writes report.json only).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Keep ETags and blobs in DIR: a repository whose tree did not change then costs one 304
    /// and no download.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Repositories scanned at a time, each with at most one request in flight (1 to 100).
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,
    /// Start at most N requests a minute (GitHub's secondary limit is 900); 0 for no cap.
    #[arg(long, value_name = "N", default_value_t = 900)]
    pub requests_per_minute: u32,
    /// The REST API root (default: GITHUB_API_URL, else https://api.github.com); for GitHub
    /// Enterprise Server, https://HOST/api/v3.
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
    /// The report.json of an earlier scan: the report shows which hold and remove usages are
    /// new or gone since.
    #[arg(long, value_name = "FILE", conflicts_with = "shard")]
    pub previous: Option<PathBuf>,
    /// Also report the repositories grouped by their GitHub topics, with uses per ring and
    /// findings per group.
    #[arg(long, value_enum, value_name = "GROUPING")]
    pub group_by: Option<GroupBy>,
}

/// `depgov merge`'s arguments.
#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// The directories the shards wrote (`scan-org --shard I/N --out DIR`).
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Where to write report.json, report.md and index.html.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The report.json of an earlier scan: the report shows which hold and remove usages are
    /// new or gone since.
    #[arg(long, value_name = "FILE")]
    pub previous: Option<PathBuf>,
    /// Also report the repositories grouped by their GitHub topics.
    #[arg(long, value_enum, value_name = "GROUPING")]
    pub group_by: Option<GroupBy>,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// Write every command's page into DIR instead of printing depgov.1.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<Severity> {
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
pub(crate) enum CommentOn {
    Always,
    OnFailure,
    Never,
}

impl CommentOn {
    pub fn when(self) -> Option<When> {
        match self {
            CommentOn::Always => Some(When::Always),
            CommentOn::OnFailure => Some(When::OnFailure),
            CommentOn::Never => None,
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
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
    messages::set_color(match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    });
    match run(cli.command) {
        Ok(code) => code,
        Err(error) => {
            error.show();
            exit::ERROR
        }
    }
}

fn run(command: Command) -> Result<i32, Error> {
    match command {
        Command::Check(args) => cmd::check::run(args),
        Command::Inventory(args) => cmd::inventory::run(args),
        Command::Explain(args) => cmd::explain::run(args),
        Command::Comment(args) => cmd::comment::run(args),
        Command::Policy(command) => cmd::policy::run(command),
        Command::ScanOrg(args) => cmd::org::scan(args),
        Command::Merge(args) => cmd::org::merge(args),
        Command::Radar(RadarCommand::Propose(args)) => cmd::radar::propose(args),
        Command::Facts(FactsCommand::Fetch(args)) => cmd::facts::fetch(args),
        Command::Completions(args) => cmd::generate::completions(args.shell),
        Command::Man(args) => cmd::generate::man(args.dir.as_deref()),
    }
}

/// Reads `FORMAT=PATH`.
fn parse_output(text: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}` is not FORMAT=PATH, e.g. sarif=depgov.sarif"))?;
    let format = Format::from_str(format, true).map_err(|_| {
        format!(
            "unknown format `{format}`; use human, json, github, markdown, sarif, cyclonedx or spdx"
        )
    })?;
    if path.is_empty() {
        return Err(format!("`{text}` names no file"));
    }
    Ok((format, PathBuf::from(path)))
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

/// The command-line definition, for completions and the man page.
pub(crate) fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}
