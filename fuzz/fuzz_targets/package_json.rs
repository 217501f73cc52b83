#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| depgov_fuzz::lockfile(
    "npm-package-json",
    "web/package.json",
    data
));
