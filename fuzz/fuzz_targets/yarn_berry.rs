#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| depgov_fuzz::lockfile(
    "yarn-berry-lock",
    "web/yarn.lock",
    data
));
