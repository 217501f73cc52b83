#!/usr/bin/env bash
# Facts from the remote sources over the whole shared corpus (laid out by bench/corpus.sh),
# against the fake services of the tests (examples/fake_sources.rs) answering DELAY_MS late and
# knowing every component of the corpus. For each round, with `depgov check --lockfile-only
# --format json`:
#
#   cold     an empty cache: wall time and peak RSS (GNU time), and the requests each service
#            received (the fake's own counts) and each source reports (facts.used);
#   warm     the cache the cold run filled: wall time and requests (goal: none);
#   offline  `--offline` with that cache;
#
# then warm against offline side by side (bench/sidebyside.py, median of ROUNDS runs each), and
# the share of components with a license per ecosystem before (`--offline`, empty cache) and
# after (the cold run).
#
# usage: bench/facts.sh CORPUS [ROUNDS] [DELAY_MS]   (default 3 rounds, 50 ms)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:?usage: bench/facts.sh CORPUS [ROUNDS] [DELAY_MS]}
corpus=$(cd "$corpus" && pwd)
rounds=${2:-3}
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
# Nothing from this machine: no Cargo registry cache, no user .npmrc.
export CARGO_HOME="$work/no-cargo-home" NPM_CONFIG_USERCONFIG="$work/no-npmrc"
unset DEPGOV_OFFLINE DEPGOV_FACTS_BACKOFF_MS DEPGOV_FACTS_TIMEOUT_MS
check="$depgov check --lockfile-only --format json --fail-on never"

# Before: offline with an empty cache. Its components are the fake's catalogue.
DEPGOV_CACHE_DIR="$work/empty-cache" $check --offline "$tree" > "$work/before.json"
"$here/target/release/examples/fake_sources" "$work/before.json" "$delay" > "$work/url" &
fake=$!
until [ -s "$work/url" ]; do sleep 0.1; done
base=$(head -n1 "$work/url")
export DEPGOV_DEPSDEV_URL=$base DEPGOV_PYPI_URL=$base DEPGOV_CRATES_URL=$base
export DEPGOV_NPM_URL=$base/npm DEPGOV_CRATES_INDEX_URL=$base/index
export DEPGOV_CACHE_DIR="$work/cache"
python3 - "$work/before.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
keys = {(c["ecosystem"], c["name"], c["version"]) for c in report["components"]}
print(f"== {len(report['inputs'])} inputs, {len(report['components'])} components, "
      f"{len(keys)} distinct package versions")
PY
echo "== fake at $base, every answer ${delay} ms late"

# The fake's request counts since the last call, then forgets them.
counts() {
  python3 - "$base" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
counts = json.load(urllib.request.urlopen(base + "/_fake/counts"))
urllib.request.urlopen(urllib.request.Request(base + "/_fake/forget", data=b"", method="POST"))
print(json.dumps(counts, sort_keys=True))
PY
}

# One timed run: LABEL, then the arguments after the check command.
run() {
  local label=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/time" $check "$@" "$tree" > "$work/$label.json" 2> "$work/stderr" \
    || { cat "$work/stderr"; exit 1; }
  local fake_counts
  fake_counts=$(counts)
  read -r seconds kib < "$work/time"
  python3 - "$work/$label.json" "$label" "$seconds" "$kib" "$fake_counts" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
label, seconds, kib, fake = sys.argv[2], sys.argv[3], int(sys.argv[4]), json.loads(sys.argv[5])
used = ", ".join(
    f"{u['source']} {u['requests']} req/{u['answered']} answered ({u['from_cache']} cached)"
    + (f" FAILED {u['failure']}" if u.get("failure") else "")
    for u in report["facts"]["used"])
print(f"{label:>8}: {seconds:>6} s  {kib / 1024:6.1f} MiB  fake saw {sum(fake.values())} requests "
      f"{json.dumps(fake, sort_keys=True)}  depgov: {used or 'no source used'}")
PY
}

for round in $(seq "$rounds"); do
  rm -rf "$work/cache"
  counts > /dev/null
  echo "-- round $round"
  run cold
  run warm
  run offline --offline
done

echo "== warm cache vs --offline, side by side (goal: warm ≤ 1.2 × offline, 0 requests)"
python3 "$here/bench/sidebyside.py" --rounds 11 "$check --offline $tree" "$check $tree"
echo "   requests to the fake during those runs: $(counts)"

echo "== licenses known per ecosystem: before (--offline, empty cache) -> after (cold run)"
python3 - "$work/before.json" "$work/cold.json" <<'PY'
import collections, json, sys
def coverage(path):
    known, total = collections.Counter(), collections.Counter()
    for c in json.load(open(path))["components"]:
        total[c["ecosystem"]] += 1
        known[c["ecosystem"]] += c.get("license") is not None
    return known, total
(kb, tb), (ka, ta) = coverage(sys.argv[1]), coverage(sys.argv[2])
for eco in sorted(tb):
    print(f"{eco:>8}: {kb[eco]:5}/{tb[eco]:<5} ({100 * kb[eco] / tb[eco]:5.1f} %) -> "
          f"{ka[eco]:5}/{ta[eco]:<5} ({100 * ka[eco] / ta[eco]:5.1f} %)")
print(f"{'all':>8}: {sum(kb.values()):5}/{sum(tb.values()):<5} -> {sum(ka.values()):5}/{sum(ta.values()):<5}")
PY
