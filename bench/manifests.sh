#!/usr/bin/env bash
# Manifests without lockfiles (docs/ecosystems.md): a 200-module Maven reactor whose parent POM
# defines every version as a property and manages it, and a 2,000-project .NET solution under
# one Directory.Packages.props, each read by a whole `depgov inventory --offline --format json`
# (release build). Goal: each ≤ 200 ms.
#
# usage: bench/manifests.sh [ROUNDS]   (default 15)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-15}
cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml"
depgov="$here/target/release/depgov"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/maven" "$work/dotnet" "$work/cache"
python3 "$here/bench/manifests.py" maven 200 "$work/maven"
python3 "$here/bench/manifests.py" dotnet 2000 "$work/dotnet"
inventory="DEPGOV_CACHE_DIR=$work/cache $depgov inventory --offline --format json"
for tree in maven dotnet; do
  eval "$inventory $work/$tree" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sys.argv[1] + ":", len(d["inputs"]), "inputs,", len(d["components"]), "components")' "$tree"
done
python3 "$here/bench/sidebyside.py" --rounds "$rounds" --no-ratio \
  "$inventory $work/maven" \
  "$inventory $work/dotnet"
