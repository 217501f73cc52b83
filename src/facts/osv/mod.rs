//! Known vulnerabilities and malicious packages, from OSV: the OSV API (`querybatch`, then each
//! record by id) or an offline OSV database (a directory of records, or the per-ecosystem
//! `all.zip` files), matched with each ecosystem's version order ([`matching`]).

pub mod matching;
pub mod record;
