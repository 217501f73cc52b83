#![no_main]

libfuzzer_sys::fuzz_target!(
    init: depgov_fuzz::without_cargo_home(),
    |data: &[u8]| depgov_fuzz::lockfile("cargo-lock", "app/Cargo.lock", data)
);
