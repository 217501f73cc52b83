#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| depgov_fuzz::lockfile(
    "dotnet-project",
    "src/App/App.csproj",
    data
));
