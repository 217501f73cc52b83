//! Facts: what registries and installed trees know about a component that its lockfile or
//! SBOM did not record. The stage sits between inventory and evaluation and fills components
//! in place, so evaluation stays pure.
//!
//! It has no sources yet: every component keeps what its input recorded.

use crate::inventory::Inventory;

/// The facts stage of one run.
#[derive(Debug, Default)]
pub struct Facts {}

impl Facts {
    /// Fills in what the inventory's inputs did not record.
    pub fn fill(&self, _inventory: &mut Inventory) {}
}
