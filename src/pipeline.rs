//! The one pipeline every command runs:
//!
//! discover → inventory → facts → evaluate → exceptions → report
//!
//! [`discover`] plans the inputs of a local tree and reads them (and, for `--base`, the base's
//! at the same time); `scan-org` reads a remote tree its own way and joins here with the
//! inputs it read. [`Stages`] runs the rest: inventory assembles the inputs, [`facts`] fills
//! in what they did not record (first adding the transitive dependencies of Maven manifests,
//! `facts::resolve`), evaluation judges, the base comparison grades, exceptions
//! waive. Commands turn the result into a report. A stage is added here, once, for all of
//! them.
//!
//! [`facts`]: crate::facts

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::Error;
use crate::evaluate::{self, Evaluation, exceptions};
use crate::facts;
use crate::gate::{self, Base, Compared};
use crate::inventory::Inventory;
use crate::inventory::cargo::CargoOptions;
use crate::inventory::discover::{self, DiskTree, ReadInput, Scan, ScanOptions};
use crate::model::Ecosystem;
use crate::policy::Policy;
use crate::util::paths::start_dir;

/// What a command inventories.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// A directory to search, or one input file.
    pub path: PathBuf,
    /// `--manifest-path`: one Cargo workspace and nothing else.
    pub manifest_path: Option<PathBuf>,
    /// Only these ecosystems, when set.
    pub ecosystems: Option<BTreeSet<Ecosystem>>,
    /// Read Cargo.lock as text instead of resolving workspaces with Cargo.
    pub lockfile_only: bool,
    /// A directory without any input is an error rather than nothing to check.
    pub require_inputs: bool,
    pub cargo: CargoOptions,
}

/// The inputs of a local tree, planned.
pub struct Discovered {
    options: ScanOptions,
    scan: Scan,
    cargo: CargoOptions,
}

/// Plans what `selection` reads under `policy`'s `[scan]` settings.
pub fn discover(selection: &Selection, policy: &Policy) -> Result<Discovered, Error> {
    let mut options = ScanOptions::new(
        policy.scan_exclude.as_deref(),
        selection.ecosystems.clone(),
        selection.lockfile_only,
    )?;
    options.require_inputs = selection.require_inputs;
    let scan = discover::scan(
        &selection.path,
        selection.manifest_path.as_deref(),
        &mut options,
    )?;
    Ok(Discovered {
        options,
        scan,
        cargo: selection.cargo.clone(),
    })
}

impl Discovered {
    /// Reads the working tree's inputs.
    pub fn read(&self) -> Result<Vec<ReadInput>, Error> {
        let tree = DiskTree {
            root: self.scan.root.clone(),
        };
        discover::read_inputs(&self.scan.planned, &tree, &self.options, &self.cargo)
    }

    /// Reads the working tree's inputs and the base's inventory, at the same time: each
    /// mostly waits on git or cargo. Base inputs the change does not touch are the working
    /// tree's.
    pub fn read_with_base(&self, base: &Base) -> Result<(Vec<ReadInput>, Inventory), Error> {
        let plan = base.plan(&self.scan, &self.options)?;
        let (head, at_base) = std::thread::scope(|scope| {
            let reading = scope.spawn(|| base.read(&plan, &self.options, &self.cargo));
            let head = self.read();
            let at_base = reading
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (head, at_base)
        });
        let head = head?;
        let at_base = plan.inventory(at_base?, &head);
        Ok((head, at_base))
    }
}

/// The stages after discovery, for one policy and day.
pub struct Stages<'a> {
    pub policy: &'a Policy,
    /// For sunset dates and exception expiry.
    pub today: NaiveDate,
    /// `OWNER/NAME` of the repository, for exceptions scoped by `repos`.
    pub repository: Option<&'a str>,
    pub facts: &'a facts::Stage,
}

/// What the stages made of a tree.
pub struct Judged {
    pub inventory: Inventory,
    pub evaluation: Evaluation,
    /// With a base: the components the change removes and the vulnerabilities it fixes.
    pub compared: Option<Compared>,
}

impl Stages<'_> {
    /// Inventory and facts: the components, with what the facts sources know of them.
    pub fn inventory(&self, inputs: Vec<ReadInput>) -> Inventory {
        let mut inventory = discover::assemble(inputs);
        discover::note_nothing_to_check(&mut inventory);
        self.facts.resolve(&mut inventory);
        self.facts.fill(&mut inventory);
        inventory
    }

    /// Inventory and facts for several trees at once (the repositories of an organisation
    /// scan): each package version is asked about once, in as few batches as possible.
    pub fn inventories(&self, inputs: Vec<Vec<ReadInput>>) -> Vec<Inventory> {
        let mut inventories: Vec<Inventory> = inputs.into_iter().map(discover::assemble).collect();
        let mut all: Vec<&mut Inventory> = inventories.iter_mut().collect();
        self.facts.resolve_all(&mut all);
        self.facts.fill_all(&mut all);
        inventories
    }

    /// Evaluation, the comparison with the base when there is one, and exceptions. The
    /// base's inventory gets its facts here, from the same facts as the head's, so that a
    /// fact that changed upstream does not make an unrelated change fail.
    pub fn judge(&self, inventory: Inventory, base: Option<Inventory>) -> Judged {
        let mut evaluation = evaluate::evaluate(&inventory.components, self.policy, self.today);
        let compared = base.map(|mut base| {
            self.facts.resolve(&mut base);
            self.facts.fill(&mut base);
            let at_base = evaluate::evaluate(&base.components, self.policy, self.today);
            gate::compare(
                &mut evaluation,
                &inventory.components,
                &at_base,
                &base.components,
                self.policy,
            )
        });
        if !self.policy.exceptions.is_empty() {
            exceptions::apply(&mut evaluation, self.policy, self.today, self.repository);
        }
        Judged {
            inventory,
            evaluation,
            compared,
        }
    }
}

/// `OWNER/NAME` of the repository at `path`, for exceptions scoped by `repos`: from
/// `GITHUB_REPOSITORY` in GitHub Actions, else from the `origin` remote. Not looked up when
/// the policy has no exceptions.
pub fn repository(policy: &Policy, path: &Path) -> Option<String> {
    if policy.exceptions.is_empty() {
        return None;
    }
    std::env::var("GITHUB_REPOSITORY")
        .ok()
        .filter(|r| r.contains('/'))
        .or_else(|| gate::git::origin_repository(start_dir(path)))
}
