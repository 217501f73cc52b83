#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| depgov_fuzz::lockfile(
    "gradle-lockfile",
    "jvm/gradle.lockfile",
    data
));
