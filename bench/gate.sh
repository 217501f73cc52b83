#!/usr/bin/env bash
# The cost of --base: `depgov check --base main` vs `depgov check`, side by side, on a Cargo
# workspace of 1,000 packages shaped like real ones (one member, registry dependencies; the
# registry is a vendored directory source outside the repository, so no network is needed),
# for two changes: one that touches no manifest (the base is the working tree's result) and one
# that adds a dependency (the base commit's manifests are extracted and resolved by Cargo too).
#
# usage: bench/gate.sh [PACKAGES] [ROUNDS]   (default 1000, 11)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
packages=${1:-1000}
rounds=${2:-11}
cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml"
depgov="$here/target/release/depgov"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
vendor="$work/vendor"
repo="$work/repo"
commit() { git -c user.name=bench -c user.email=bench@example.com commit -qm "$1"; }

crate() { # name: a vendored registry crate
  mkdir -p "$vendor/$1-1.0.0/src"
  printf '[package]\nname = "%s"\nversion = "1.0.0"\nedition = "2021"\nlicense = "MIT"\n' "$1" > "$vendor/$1-1.0.0/Cargo.toml"
  : > "$vendor/$1-1.0.0/src/lib.rs"
  printf '{"files":{},"package":"%064d"}' 0 > "$vendor/$1-1.0.0/.cargo-checksum.json"
}
mkdir -p "$repo/app/src" "$repo/.cargo"
printf '[workspace]\nmembers = ["app"]\nresolver = "2"\n' > "$repo/Cargo.toml"
printf '[source.crates-io]\nreplace-with = "vendored"\n\n[source.vendored]\ndirectory = "%s"\n' "$vendor" > "$repo/.cargo/config.toml"
{
  printf '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
  for i in $(seq -w 1 "$packages"); do crate "c$i"; printf 'c%s = "1"\n' "$i"; done
} > "$repo/app/Cargo.toml"
crate extra
: > "$repo/app/src/lib.rs"
cd "$repo"
cargo generate-lockfile --offline --quiet
git init -q -b main && git add . && commit base

git checkout -q -b docs && echo "docs" > README.md && git add . && commit docs
echo "== a change that touches no manifest (${packages} packages)"
python3 "$here/bench/sidebyside.py" --cwd "$repo" --rounds "$rounds" --goal 1.3 \
  "$depgov check --fail-on never" "$depgov check --base main --fail-on never"

git checkout -q -b dependency main
echo 'extra = "1"' >> app/Cargo.toml
cargo generate-lockfile --offline --quiet
git add . && commit dependency
echo "== a change that adds a dependency (${packages} packages)"
python3 "$here/bench/sidebyside.py" --cwd "$repo" --rounds "$rounds" --goal 1.3 \
  "$depgov check --fail-on never" "$depgov check --base main --fail-on never"
