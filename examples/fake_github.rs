//! The fake GitHub of the tests (`tests/it/common/fake_github/`), standalone, for
//! `bench/org-scan.sh`: serves an organisation `acme` of REPOS generated repositories with
//! LOCKFILES lockfiles each (1 to 4), prints its API URL on a line of its own, and serves until
//! it is killed.
//!
//! usage: fake_github TOKEN REPOS LOCKFILES

// A tool the bench scripts run: standard output and error are its interface.
#![allow(clippy::disallowed_macros)]

// The example uses a small part of the fake; the tests use all of it.
#[allow(dead_code)]
#[path = "../tests/it/common/fake_github/mod.rs"]
mod fake_github;
#[allow(dead_code)]
#[path = "../tests/it/common/http_request.rs"]
mod http_request;

use fake_github::{FakeGitHub, TokenKind, org};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |index: usize, default: usize| {
        args.get(index)
            .and_then(|text| text.parse().ok())
            .unwrap_or(default)
    };
    let Some(token) = args.first() else {
        eprintln!("usage: fake_github TOKEN REPOS LOCKFILES");
        std::process::exit(2);
    };
    let server = FakeGitHub::start(token, TokenKind::User("bench".into()), "");
    server.add_org("acme", false, org::generated(number(1, 1000), number(2, 3)));
    println!("{}", server.api_url());
    loop {
        std::thread::park();
    }
}
