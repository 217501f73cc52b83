#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| depgov_fuzz::lockfile(
    "composer-lock",
    "php/composer.lock",
    data
));
