#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| depgov_fuzz::lockfile(
    "composer-json",
    "composer.json",
    data
));
