#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| depgov_fuzz::lockfile(
    "pip-requirements",
    "py/requirements.txt",
    data
));
