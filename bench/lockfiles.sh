#!/usr/bin/env bash
# Lockfile-only inventory speed: real files from ../shared/corpus (when present), all of them
# in one mixed run, and synthetic 100,000-package lockfiles for linear time and memory.
#
# usage: bench/lockfiles.sh [ROUNDS]   (default 15)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-15}
corpus="$here/../shared/corpus"
cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml"
depgov="$here/target/release/depgov"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# CARGO_HOME points nowhere so that Cargo.lock licenses are not looked up in this machine's cache.
check="CARGO_HOME=$work/no-cargo-home $depgov check --lockfile-only --format json --fail-on never"

if [ -d "$corpus" ]; then
  echo "== real lockfiles (../shared/corpus)"
  python3 "$here/bench/sidebyside.py" --rounds "$rounds" \
    "$check $corpus/cargo/denoland__deno/Cargo.lock" \
    "$check $corpus/npm/axios__axios/package-lock.json"

  # Every corpus file in one tree, named as discovery expects.
  mixed="$work/mixed"
  "$here/bench/corpus.sh" "$corpus" "$mixed"
  inputs=$(eval "$check $mixed" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["inputs"]), "inputs,", len(d["components"]), "components")')
  echo "== all of them in one run: $inputs"
  python3 "$here/bench/sidebyside.py" --rounds "$rounds" "$check $mixed"
fi

echo "== synthetic 100,000-package lockfiles"
for format in npm cargo; do
  mkdir -p "$work/$format"
  python3 "$here/bench/synth.py" "$format" 100000 "$work/$format"
done
python3 "$here/bench/sidebyside.py" --rounds 3 \
  "$check $work/npm/package-lock.json" \
  "$check $work/cargo/Cargo.lock"
