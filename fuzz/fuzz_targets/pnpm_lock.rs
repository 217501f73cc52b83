#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| depgov_fuzz::lockfile(
    "pnpm-lock",
    "web/pnpm-lock.yaml",
    data
));
