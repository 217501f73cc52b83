#!/usr/bin/env bash
# Runs the fuzz targets, JOBS at a time (default 1: one core each, the rest of the machine stays
# free), each for SECONDS, on a stable toolchain, at the lowest CPU priority (nice 19) so that
# builds and tests beside it stay responsive. Seeds the corpora first (fuzz/seed.sh). Each
# target's libFuzzer output goes to fuzz/logs/TARGET.log; one summary line per target (wall
# minutes, executions and exec/s from libFuzzer's final stats, exit status, crashes saved under
# fuzz/artifacts/TARGET) goes to fuzz/logs/summary.txt and standard output.
#
# usage: [JOBS=2] fuzz/run.sh [SECONDS] [TARGET ...]   (default 600, every target)
set -uo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-600}
shift || true
jobs=${JOBS:-1}
cd "$fuzz"
export RUSTC_BOOTSTRAP=1 # cargo-fuzz's sanitizer flags are nightly-only; this allows them on stable
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)

./seed.sh > /dev/null
nice -n 19 cargo fuzz build -O || exit 2
triple=$(rustc -vV | sed -n 's/^host: //p')
mkdir -p logs

run() { # target: one libFuzzer run, then its summary line
  local target=$1 log="logs/$1.log" start status stat
  start=$(date +%s)
  mkdir -p "artifacts/$target"
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: 2 GiB is an OOM. Both are
  # reported as crashes. Inputs are capped at 64 KiB (libFuzzer's default is the largest seed).
  # The binary cargo fuzz built is run directly (what `cargo fuzz run -O TARGET` runs), so
  # that edits to the sources while a long run goes on do not rebuild it between targets.
  nice -n 19 "target/$triple/release/$target" -artifact_prefix="artifacts/$target/" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 "corpus/$target" > "$log" 2>&1
  status=$?
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  printf '%s minutes=%s execs=%s exec/s=%s peak_rss_mb=%s exit=%s artifacts=%s\n' \
    "$target" "$(( ($(date +%s) - start) / 60 ))" "$(stat number_of_executed_units)" \
    "$(stat average_exec_per_sec)" "$(stat peak_rss_mb)" "$status" \
    "$(find "artifacts/$target" -type f | wc -l)" | tee -a logs/summary.txt
}

for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
  run "$target" &
done
wait
