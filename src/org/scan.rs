//! One scan of an organisation: list (or read from `--repos`) its repositories, keep those the
//! filters ([`select`](super::select)) and the shard ([`shard`](super::shard)) select, and scan
//! up to `--concurrency` of them at a time.
//!
//! Scanning a repository is one recursive tree request on its default branch; discovery over
//! the tree's paths with the rules of `depgov check` (the policy's `[scan] exclude`; lockfiles
//! read as text, since nothing is checked out for Cargo); one blob request per selected file,
//! none when the cache holds it; then the inventory and the evaluation `check` makes, with the
//! repository's `owner/name` for exceptions scoped by `repos`. Whatever goes wrong in one
//! repository — a request that still fails after its retries, a truncated tree, a lockfile
//! that does not parse — makes it `failed` with the reason and keeps what could be read; it
//! never stops the others.
//!
//! Paths in a tree come from the server and are only ever compared and shown, never used as
//! file names; an entry whose path is not a plain relative path (absolute, with `.`, `..` or
//! empty segments, backslashes or control characters, longer than [`MAX_PATH_BYTES`]) is not
//! read, and a note says so.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use chrono::NaiveDate;
use futures_util::StreamExt;

use super::select::Filters;
use super::shard;
use crate::error::Error;
use crate::evaluate::Verdict;
use crate::facts;
use crate::github::actions::Repository;
use crate::github::cache::Cache;
use crate::github::client::{ApiError, Client, ClientConfig, Tally};
use crate::github::repos::{self, Reader, RepoInfo, Tree};
use crate::inventory::cargo::CargoOptions;
use crate::inventory::discover::{self, MAX_FILE_BYTES, Planned, ReadInput, ScanOptions};
use crate::inventory::{InputNote, Inventory};
use crate::messages::{self, Progress};
use crate::model::codes::NoteCode;
use crate::net::throttle::Pace;
use crate::pipeline::{Judged, Stages};
use crate::policy::Policy;
use crate::report::org::{
    Builder, Header, OrgReport, RepoReport, Requests, Selection, Shard, Skipped, Status, Use,
    expiring,
};
use crate::report::{PolicyInfo, Report};
use crate::util::paths::is_plain_relative;
use crate::util::text::shorten;

/// Tree entries with longer paths are not read.
pub const MAX_PATH_BYTES: usize = 4096;

/// GitHub's secondary limits allow at most 100 concurrent requests.
pub const MAX_CONCURRENCY: usize = 100;

/// The longest wait for the primary rate limit's reset: an hour, GitHub's window.
const LONGEST_RESET_WAIT: u64 = 3600;

/// What to scan and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// The organisation (or user).
    pub org: String,
    /// The `--repos` file: repositories named one per line instead of listed.
    pub repos_file: Option<PathBuf>,
    /// The filters; its `listed` is filled in by the scan.
    pub selection: Selection,
    pub shard: Option<Shard>,
    /// Repositories scanned at a time (each has one request in flight at most).
    pub concurrency: usize,
    /// At most this many requests a minute; `None` for no cap.
    pub requests_per_minute: Option<u32>,
    /// The `--cache` directory.
    pub cache: Option<PathBuf>,
    /// `--api-url`, else `GITHUB_API_URL`, else GitHub.com.
    pub api_url: Option<String>,
    pub today: NaiveDate,
}

/// Scans the organisation and puts the report together, with the facts `facts` finds about
/// the components of every repository (each package version asked about once).
pub fn run(options: &Options, policy: &Policy, facts: &facts::Stage) -> Result<OrgReport, Error> {
    if !(1..=MAX_CONCURRENCY).contains(&options.concurrency) {
        return Err(Error::Usage(format!(
            "--concurrency {}: give 1 to {MAX_CONCURRENCY} (GitHub allows at most \
             {MAX_CONCURRENCY} concurrent requests)",
            options.concurrency
        )));
    }
    let filters = Filters::new(&options.selection)?;
    let named = match &options.repos_file {
        Some(path) => Some(read_names(path, &options.org)?),
        None => None,
    };
    let cache = options.cache.as_deref().map(Cache::open).transpose()?;
    let config = ClientConfig::from_env(options.api_url.as_deref(), "to scan an organisation")?;
    let client = Client::new(config)?.paced(Pace {
        per_minute: options.requests_per_minute,
        reserve: options.concurrency as u64,
        longest_reset: LONGEST_RESET_WAIT,
    });
    // Nothing is checked out for Cargo to resolve: Cargo.lock is read as text.
    let discovery = ScanOptions::new(policy.scan_exclude.as_deref(), None, true)?;
    let (mut builder, mut read) = client.block_on(async {
        let targets = match named {
            Some(names) => names.into_iter().map(Target::Named).collect(),
            None => {
                messages::info(format!("listing the repositories of {}", options.org));
                repos::list(&client, &options.org)
                    .await
                    .map_err(|e| {
                        e.into_error(&format!("list the repositories of {}", options.org))
                    })?
                    .into_iter()
                    .map(Target::Listed)
                    .collect()
            }
        };
        let targets = unique(targets);
        let mut selection = options.selection.clone();
        selection.listed = targets.len();
        let header = Header {
            org: options.org.clone(),
            date: options.today.to_string(),
            policy: PolicyInfo::of(policy),
            expiring_within_days: policy.warn_days,
            selection,
            shard: options.shard,
        };
        let mut builder = Builder::new(header, expiring(policy, options.today));
        builder.add_listing_requests(client.requests_sent());
        let mut chosen = Vec::new();
        for target in targets {
            let name = target.name();
            if options.shard.is_some_and(|s| !shard::holds(s, name)) {
                continue;
            }
            let why = filters
                .by_name(name)
                .or_else(|| target.info().and_then(|info| filters.by_info(info)));
            match why {
                Some(why) => builder.add_skipped(skipped(name, why)),
                None => chosen.push(target),
            }
        }
        let context = Context {
            reader: Reader {
                client: &client,
                cache: cache.as_ref(),
            },
            filters: &filters,
            discovery: &discovery,
        };
        let label = match options.shard {
            Some(shard) => format!("{} (shard {shard})", options.org),
            None => options.org.clone(),
        };
        let mut status = Progressed::default();
        let mut progress = Progress::new(chosen.len(), &label);
        let mut outcomes = futures_util::stream::iter(chosen)
            .map(|target| context.scan(target))
            .buffer_unordered(options.concurrency);
        let mut read = Vec::new();
        while let Some(outcome) = outcomes.next().await {
            status.done += 1;
            match outcome {
                Outcome::Read(repo) => {
                    if !repo.work.problems.is_empty() {
                        status.failed += 1;
                    }
                    read.push(*repo);
                }
                Outcome::Skipped(skipped) => builder.add_skipped(skipped),
            }
            status.rate_limit_left = client.rate_limit_remaining();
            progress.update(status.done, &status.describe());
        }
        progress.finish(status.done, &status.describe());
        Ok::<_, Error>((builder, read))
    })?;
    // Facts for every repository at once: each package version is asked about once, in as
    // few batches as its sources allow.
    let shared = Stages {
        policy,
        today: options.today,
        repository: None,
        facts,
    };
    let inputs: Vec<Vec<ReadInput>> = read
        .iter_mut()
        .map(|repo| std::mem::take(&mut repo.work.inputs))
        .collect();
    let inventories = shared.inventories(inputs);
    for (repo, inventory) in read.into_iter().zip(inventories) {
        let (report, uses) = evaluate(repo, inventory, policy, options.today, facts);
        builder.add_repo(report, uses);
    }
    Ok(builder.finish())
}

/// Where a scan stands, for its progress display.
#[derive(Clone, Copy, Debug, Default)]
struct Progressed {
    done: usize,
    failed: usize,
    rate_limit_left: Option<u64>,
}

impl Progressed {
    fn describe(&self) -> String {
        let left = self
            .rate_limit_left
            .map(|left| format!(", rate limit {left} left"))
            .unwrap_or_default();
        format!("{} failed{left}", self.failed)
    }
}

/// A repository to scan: as the list showed it, or only named.
enum Target {
    Listed(RepoInfo),
    Named(String),
}

impl Target {
    fn name(&self) -> &str {
        match self {
            Target::Listed(info) => &info.full_name,
            Target::Named(name) => name,
        }
    }

    fn info(&self) -> Option<&RepoInfo> {
        match self {
            Target::Listed(info) => Some(info),
            Target::Named(_) => None,
        }
    }
}

/// The targets without repeats (a list that shifted while it was paged through), by name as
/// GitHub compares names.
fn unique(targets: Vec<Target>) -> Vec<Target> {
    let mut seen = HashSet::new();
    targets
        .into_iter()
        .filter(|t| seen.insert(t.name().to_ascii_lowercase()))
        .collect()
}

fn skipped(name: &str, why: &str) -> Skipped {
    Skipped {
        name: name.to_owned(),
        why: why.to_owned(),
    }
}

/// Reads a `--repos` file: one `NAME` (of `org`) or `OWNER/NAME` per line; blank lines and
/// lines starting with `#` are ignored.
fn read_names(path: &std::path::Path, org: &str) -> Result<Vec<String>, Error> {
    let file = crate::util::paths::display_path(path);
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: file.clone(),
        source,
    })?;
    let mut names = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let full = if line.contains('/') {
            line.to_owned()
        } else {
            format!("{org}/{line}")
        };
        if Repository::parse(&full).is_none() {
            return Err(Error::Parse {
                file,
                line: u32::try_from(index + 1).ok(),
                message: format!(
                    "`{line}` is not a repository: write NAME or OWNER/NAME, one per line"
                ),
            });
        }
        names.push(full);
    }
    Ok(names)
}

/// What scanning one target gave.
enum Outcome {
    /// Read (completely or not).
    Read(Box<Read>),
    /// Not scanned: what GitHub says of it puts it outside the selection.
    Skipped(Skipped),
}

/// What every repository's scan shares.
struct Context<'a> {
    reader: Reader<'a>,
    filters: &'a Filters,
    discovery: &'a ScanOptions,
}

/// A repository as read, before it is judged.
struct Read {
    name: String,
    work: Work,
    /// Requests sent for it, and how many of them GitHub answered 304.
    sent: u64,
    not_modified: u64,
}

/// What a repository's scan collects on the way.
#[derive(Default)]
struct Work {
    default_branch: Option<String>,
    /// The repository's GitHub topics.
    topics: Vec<String>,
    /// Why the scan is incomplete; empty when it is not.
    problems: Vec<String>,
    notes: Vec<InputNote>,
    inputs: Vec<ReadInput>,
    blobs_downloaded: u64,
    blobs_cached: u64,
}

impl Context<'_> {
    async fn scan(&self, target: Target) -> Outcome {
        let name = target.name().to_owned();
        let tally = Tally::default();
        let mut work = Work::default();
        match self.fetch(target, &tally, &mut work).await {
            Ok(Some(why)) => return Outcome::Skipped(skipped(&name, why)),
            Ok(None) => {}
            Err(problem) => work.problems.insert(0, problem),
        }
        Outcome::Read(Box::new(Read {
            name,
            work,
            sent: u64::from(tally.sent()),
            not_modified: u64::from(tally.not_modified()),
        }))
    }

    /// Fetches what the repository holds into `work`. `Ok(Some(why))`: not to be scanned;
    /// `Err`: nothing could be read.
    async fn fetch(
        &self,
        target: Target,
        tally: &Tally,
        work: &mut Work,
    ) -> Result<Option<&'static str>, String> {
        let repository = Repository::parse(target.name()).ok_or_else(|| {
            "not a repository name GitHub gives (OWNER/NAME of letters, digits, `-`, `_`, `.`)"
                .to_owned()
        })?;
        let info = match target {
            Target::Listed(info) => info,
            Target::Named(_) => {
                let info = repos::get(self.reader.client, &repository, tally)
                    .await
                    .map_err(|e| self.reason(&e))?;
                if let Some(why) = self.filters.by_info(&info) {
                    return Ok(Some(why));
                }
                info
            }
        };
        work.default_branch.clone_from(&info.default_branch);
        work.topics.clone_from(&info.topics);
        let Some(branch) = info.default_branch else {
            work.notes.push(tree_note(
                NoteCode::EmptyRepository,
                "the repository has no default branch (no commits)",
            ));
            return Ok(None);
        };
        let tree = match self.reader.tree(&repository, &branch, tally).await {
            Ok(tree) => tree,
            Err(error) if is_empty_repository(&error) => {
                work.notes.push(tree_note(
                    NoteCode::EmptyRepository,
                    "the repository is empty",
                ));
                return Ok(None);
            }
            Err(error) => return Err(self.reason(&error)),
        };
        if tree.truncated {
            work.problems.push(
                "GitHub truncated the tree (more than 100,000 entries or 7 MB): files beyond \
                 the listed ones were not scanned"
                    .to_owned(),
            );
        }
        let (files, entries) = self.files(&tree, work);
        let planned = discover::plan(&files, self.discovery);
        let mut texts: HashMap<String, Result<String, String>> = HashMap::new();
        for path in planned.iter().flat_map(Planned::files) {
            if texts.contains_key(path) {
                continue;
            }
            let text = match entries.get(path.as_str()) {
                Some(entry) => self.text(&repository, entry, tally, work).await,
                None => Err("not in the tree".to_owned()),
            };
            texts.insert(path.clone(), text);
        }
        let tree = Texts(texts);
        for input in &planned {
            let read = discover::read_inputs(
                std::slice::from_ref(input),
                &tree,
                self.discovery,
                &CargoOptions::default(),
            );
            match read {
                Ok(read) => work.inputs.extend(read),
                Err(error) => work.problems.push(error.to_string()),
            }
        }
        Ok(None)
    }

    /// The paths of the tree's files (unsafe ones noted and left out), and its entries by
    /// path.
    fn files<'t>(
        &self,
        tree: &'t Tree,
        work: &mut Work,
    ) -> (Vec<String>, HashMap<&'t str, &'t repos::TreeEntry>) {
        let mut files = Vec::new();
        let mut entries = HashMap::new();
        let mut unsafe_paths = Vec::new();
        for entry in tree.tree.iter().filter(|e| e.is_file()) {
            if is_plain_relative(&entry.path, MAX_PATH_BYTES) {
                files.push(entry.path.clone());
                entries.insert(entry.path.as_str(), entry);
            } else {
                unsafe_paths.push(entry.path.as_str());
            }
        }
        if let Some(first) = unsafe_paths.first() {
            work.notes.push(tree_note(
                NoteCode::UnsafePath,
                &format!(
                    "{} tree entr{} with a path that is not a plain relative path not read, e.g. \
                 `{}`",
                    unsafe_paths.len(),
                    if unsafe_paths.len() == 1 { "y" } else { "ies" },
                    shorten(first, 200)
                ),
            ));
        }
        (files, entries)
    }

    /// A selected file's text: from the cache or downloaded; the error says why not.
    async fn text(
        &self,
        repository: &Repository,
        entry: &repos::TreeEntry,
        tally: &Tally,
        work: &mut Work,
    ) -> Result<String, String> {
        if let Some(size) = entry.size.filter(|size| *size > MAX_FILE_BYTES) {
            return Err(format!(
                "{size} bytes is larger than the {MAX_FILE_BYTES} bytes depgov reads"
            ));
        }
        let blob = self
            .reader
            .blob(repository, &entry.sha, tally)
            .await
            .map_err(|e| self.reason(&e))?;
        if blob.downloaded {
            work.blobs_downloaded += 1;
        } else {
            work.blobs_cached += 1;
        }
        crate::util::text::utf8(blob.bytes).map_err(|e| e.to_string())
    }

    /// A failed request as a reason in the report: the route without the API root, which is
    /// the same for every repository.
    fn reason(&self, error: &ApiError) -> String {
        let text = error.to_string();
        let root = self.reader.client.url("");
        match text.split_once(root.as_str()) {
            Some((method, rest)) => format!("{method}{rest}"),
            None => text,
        }
    }
}

/// Judges a repository as read, with the components it uses and their rings.
fn evaluate(
    repo: Read,
    inventory: Inventory,
    policy: &Policy,
    today: NaiveDate,
    facts: &facts::Stage,
) -> (RepoReport, Vec<Use>) {
    let Read {
        name,
        work,
        sent,
        not_modified,
    } = repo;
    let stages = Stages {
        policy,
        today,
        repository: Some(&name),
        facts,
    };
    let Judged {
        inventory,
        mut evaluation,
        ..
    } = stages.judge(inventory, None);
    // Findings about the exceptions themselves are the organisation's, not each
    // repository's (an exception unused in one repository is not a problem).
    evaluation.findings.retain(|f| f.component.is_some());
    let uses: Vec<Use> = inventory
        .components
        .iter()
        .zip(&evaluation.verdicts)
        .map(|(component, verdict)| Use {
            id: crate::model::ComponentId::clone(&component.id),
            ring: match verdict {
                Verdict::Ring(ring) => Some(*ring),
                Verdict::NotEvaluated => None,
            },
            license: component.license.text().map(str::to_owned),
        })
        .collect();
    // Lints are the organisation's, not each repository's.
    let report = Report::new(inventory, evaluation, Vec::new(), policy);
    let mut notes = work.notes;
    notes.extend(report.notes);
    let failed = !work.problems.is_empty();
    let repo = RepoReport {
        name,
        default_branch: work.default_branch,
        topics: work.topics,
        status: if failed { Status::Failed } else { Status::Ok },
        reason: failed.then(|| work.problems.join("; ")),
        inputs: report.inputs,
        notes,
        summary: report.summary,
        findings: report.findings,
        requests: Requests {
            sent,
            not_modified,
            blobs_downloaded: work.blobs_downloaded,
            blobs_cached: work.blobs_cached,
            listing: 0,
        },
    };
    (repo, uses)
}

/// The texts of a repository's selected files, as discovery reads them.
struct Texts(HashMap<String, Result<String, String>>);

impl discover::Tree for Texts {
    fn read(&self, path: &str) -> Result<String, Error> {
        match self.0.get(path) {
            Some(Ok(text)) => Ok(text.clone()),
            Some(Err(why)) => Err(Error::Read {
                path: path.to_owned(),
                source: std::io::Error::other(why.clone()),
            }),
            None => Err(Error::Read {
                path: path.to_owned(),
                source: std::io::Error::other("not fetched"),
            }),
        }
    }

    fn dir(&self) -> Option<&std::path::Path> {
        None
    }
}

/// GitHub answers 409 "Git Repository is empty." for the tree of a repository without commits.
fn is_empty_repository(error: &ApiError) -> bool {
    error.failure.status == Some(409)
}

fn tree_note(code: NoteCode, message: &str) -> InputNote {
    InputNote {
        file: "(git tree)".to_owned(),
        line: None,
        code,
        message: message.to_owned(),
    }
}
