#!/usr/bin/env bash
# depgov scan-org at scale against the fake GitHub of the tests (examples/fake_github.rs):
# REPOS repositories with LOCKFILES lockfiles each, at concurrency 16, first with an empty
# cache, then again with the cache the first run filled. Prints wall time and peak RSS of
# each run (GNU time) and the requests the scan itself reports.
#
# usage: bench/org-scan.sh [REPOS] [LOCKFILES] [ROUNDS]   (default 1000 3 3)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repos=${1:-1000}
lockfiles=${2:-3}
rounds=${3:-3}
cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml" --bin depgov --example fake_github
depgov="$here/target/release/depgov"
work=$(mktemp -d)
fake=
cleanup() {
  [ -n "$fake" ] && kill "$fake" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

token=bench-token-not-secret
"$here/target/release/examples/fake_github" "$token" "$repos" "$lockfiles" > "$work/url" &
fake=$!
until [ -s "$work/url" ]; do sleep 0.1; done
api=$(head -n1 "$work/url")
echo "== $repos repositories x $lockfiles lockfiles at $api, concurrency 16"

# One scan: wall seconds and peak RSS, then the report's request counts.
scan() {
  local out=$1
  GITHUB_TOKEN=$token GITHUB_API_URL=$api /usr/bin/time -f "%e %M" -o "$work/time" \
    "$depgov" scan-org acme --out "$work/$out" --cache "$work/cache" \
    --concurrency 16 --requests-per-minute 0 2> "$work/stderr" \
    || { cat "$work/stderr"; exit 1; }
  read -r seconds kib < "$work/time"
  python3 - "$work/$out/report.json" "$seconds" "$kib" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
t, r = report["totals"], report["totals"]["requests"]
per_repo = (r["sent"] - r["listing"]) / max(t["repos"], 1)
print(f"{sys.argv[2]:>6} s  {int(sys.argv[3]) / 1024:6.1f} MiB  "
      f"repos {t['repos']} ({t['ok']} ok, {t['failed']} failed)  requests {r['sent']} "
      f"({r['listing']} listing, {per_repo:.2f} a repository, {r['not_modified']} x 304)  "
      f"blobs downloaded {r['blobs_downloaded']}, from cache {r['blobs_cached']}")
PY
}

for round in $(seq "$rounds"); do
  rm -rf "$work/cache"
  printf 'round %s cold: ' "$round"
  scan cold
  printf 'round %s warm: ' "$round"
  scan warm
done
