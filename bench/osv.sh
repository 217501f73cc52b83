#!/usr/bin/env bash
# Known vulnerabilities (OSV) over the whole shared corpus (laid out by bench/corpus.sh):
#
#   offline  `depgov check --lockfile-only --offline --osv-db DIR` against 50,000 synthetic OSV
#            records (bench/osv_records.py), as a directory of records and as OSV's
#            per-ecosystem all.zip files, each cold (no index of the database in the cache: it
#            is read whole and indexed) and warm (the index the cold run wrote), against the
#            same run without a database: wall time and peak RSS under GNU time, then side by
#            side (bench/sidebyside.py, medians of ROUNDS runs each, wall and CPU time); the
#            difference is what reading and matching the database costs;
#   online   a cold run (empty cache) against the fake OSV API of the tests
#            (examples/fake_sources.rs) serving the same records, every answer DELAY_MS late,
#            with a policy that consults OSV alone: the requests per route the fake received.
#
# usage: bench/osv.sh CORPUS [ROUNDS] [DELAY_MS]   (default 11 rounds, 50 ms)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:?usage: bench/osv.sh CORPUS [ROUNDS] [DELAY_MS]}
corpus=$(cd "$corpus" && pwd)
rounds=${2:-11}
delay=${3:-50}
cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml" --bin depgov --example fake_sources
depgov="$here/target/release/depgov"
work=$(mktemp -d)
fake=
cleanup() {
  [ -n "$fake" ] && kill "$fake" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

tree="$work/tree"
"$here/bench/corpus.sh" "$corpus" "$tree"
# Nothing from this machine: no Cargo registry cache, no user .npmrc, no database or cache.
export CARGO_HOME="$work/no-cargo-home" NPM_CONFIG_USERCONFIG="$work/no-npmrc"
export DEPGOV_CACHE_DIR="$work/empty-cache"
unset DEPGOV_OSV_DB DEPGOV_OFFLINE DEPGOV_FACTS_BACKOFF_MS DEPGOV_FACTS_TIMEOUT_MS
check="$depgov check --lockfile-only --format json --fail-on never"

$check --offline "$tree" > "$work/inventory.json"
python3 "$here/bench/osv_records.py" "$work/inventory.json" "$work/osv" 50000

# One timed run under GNU time: LABEL, then the arguments after the check command.
timed() {
  local label=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/time" $check "$@" "$tree" > "$work/$label.json" 2> "$work/stderr" \
    || { cat "$work/stderr"; exit 1; }
  read -r seconds kib < "$work/time"
  python3 - "$work/$label.json" "$label" "$seconds" "$kib" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
label, seconds, kib = sys.argv[2], sys.argv[3], int(sys.argv[4])
rules = [f["rule"] for f in report["findings"]]
used = ", ".join(
    f"{u['source']} answered {u['answered']}" + (f" FAILED {u['failure']}" if u.get("failure") else "")
    for u in report["facts"]["used"])
print(f"{label:>10}: {seconds:>5} s  {kib / 1024:6.1f} MiB  {len(report['components'])} components, "
      f"{rules.count('vulnerability')} vulnerability and {rules.count('malicious')} malicious findings"
      f"  ({used or 'vulnerabilities not checked'})")
PY
}

# A cold run starts from a cache without the database's index; a warm one finds it.
cold() {
  echo "rm -rf $work/cold && DEPGOV_CACHE_DIR=$work/cold $check --offline --osv-db $1 $tree"
}
warm() {
  echo "DEPGOV_CACHE_DIR=$work/warm $check --offline --osv-db $1 $tree"
}
echo "== offline, GNU time"
timed without --offline
rm -rf "$work/cold"
DEPGOV_CACHE_DIR="$work/cold" timed "dir cold" --offline --osv-db "$work/osv/records"
DEPGOV_CACHE_DIR="$work/cold" timed "dir warm" --offline --osv-db "$work/osv/records"
rm -rf "$work/cold"
DEPGOV_CACHE_DIR="$work/cold" timed "zip cold" --offline --osv-db "$work/osv/zip"
DEPGOV_CACHE_DIR="$work/cold" timed "zip warm" --offline --osv-db "$work/osv/zip"
echo "== offline, side by side ($rounds rounds, medians): without a database, a directory and"
echo "   all.zip, cold and warm"
python3 "$here/bench/sidebyside.py" --rounds "$rounds" --no-ratio \
  "$check --offline $tree" \
  "$(cold "$work/osv/records")" "$(warm "$work/osv/records")" \
  "$(cold "$work/osv/zip")" "$(warm "$work/osv/zip")"

echo "== online, cold: OSV alone, every answer ${delay} ms late"
# The embedded default's [vulnerabilities] rings, and OSV as the only source.
printf 'version = 1\n\n[facts]\nsources = ["osv"]\n\n[vulnerabilities]\ncritical = "remove"\nhigh = "hold"\nmedium = "assess"\nlow = "assess"\nunknown = "assess"\n' > "$work/policy.toml"
"$here/target/release/examples/fake_sources" "$work/inventory.json" "$delay" "$work/osv/records" > "$work/url" &
fake=$!
until [ -s "$work/url" ]; do sleep 0.1; done
base=$(head -n1 "$work/url")
for round in 1 2; do
  python3 - "$base" <<'PY'
import sys, urllib.request
urllib.request.urlopen(urllib.request.Request(sys.argv[1] + "/_fake/forget", data=b"", method="POST"))
PY
  rm -rf "$work/cache"
  (
    export DEPGOV_CACHE_DIR="$work/cache" DEPGOV_OSV_URL="$base"
    timed "cold $round" --policy "$work/policy.toml"
  )
  python3 - "$base" <<'PY'
import json, sys, urllib.request
counts = json.load(urllib.request.urlopen(sys.argv[1] + "/_fake/counts"))
print(f"            the fake saw {json.dumps(counts, sort_keys=True)}")
PY
done
