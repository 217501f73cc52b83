//! Where examples/fake_github.rs still looks for the fake GitHub of the tests, which is now
//! `tests/it/common/fake_github/`: this file only brings it in from there. Once the example's
//! `#[path]` names `../tests/it/common/fake_github/mod.rs`, delete this directory.

// The example uses a small part of the fake; the tests use all of it.
#[allow(dead_code)]
#[path = "../../it/common/fake_github/mod.rs"]
mod moved;

pub use moved::*;
