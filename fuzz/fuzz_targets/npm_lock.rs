#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| depgov_fuzz::lockfile(
    "npm-package-lock",
    "web/package-lock.json",
    data
));
