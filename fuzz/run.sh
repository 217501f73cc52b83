#!/usr/bin/env bash
# Runs fuzz targets one after the other (one core each; the rest of the machine stays free),
# each for SECONDS, on a stable toolchain. Seeds the corpora first (fuzz/seed.sh). Each
# target's libFuzzer output goes to fuzz/logs/TARGET.log; one summary line per target (time,
# executions from libFuzzer's final stats, crashes saved under fuzz/artifacts/TARGET) goes to
# fuzz/logs/summary.txt and standard output.
#
# usage: fuzz/run.sh [SECONDS] [TARGET ...]   (default 600, every target)
set -uo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-600}
shift || true
cd "$fuzz"
export RUSTC_BOOTSTRAP=1 # cargo-fuzz's sanitizer flags are nightly-only; this allows them on stable
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)

./seed.sh > /dev/null
cargo fuzz build -O || exit 2
triple=$(rustc -vV | sed -n 's/^host: //p')
mkdir -p logs
for target in "${targets[@]}"; do
  log="logs/$target.log"
  start=$(date +%s)
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: 2 GiB is an OOM. Both are
  # reported as crashes. Inputs are capped at 64 KiB (libFuzzer's default is the largest seed).
  # The binary cargo fuzz built is run directly (what `cargo fuzz run -O TARGET` runs), so
  # that edits to the sources while a long run goes on do not rebuild it between targets.
  mkdir -p "artifacts/$target"
  "target/$triple/release/$target" -artifact_prefix="artifacts/$target/" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 "corpus/$target" > "$log" 2>&1
  status=$?
  minutes=$(( ($(date +%s) - start) / 60 ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  crashes=$(find "artifacts/$target" -type f 2>/dev/null | wc -l)
  line="$target minutes=$minutes execs=${execs:-?} exit=$status artifacts=$crashes"
  echo "$line" | tee -a logs/summary.txt
done
