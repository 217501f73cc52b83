#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| depgov_fuzz::lockfile(
    "spdx-json",
    "sbom/app.spdx.json",
    data
));
