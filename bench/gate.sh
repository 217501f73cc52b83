#!/usr/bin/env bash
# The cost of --base: `depgov check --base main` vs `depgov check` on a synthetic Cargo
# workspace of 1,000 packages (one member depending on 1,000 path crates outside it, so no
# network is needed), for two changes: one that touches no manifest (the base is reused), and
# one that adds a dependency (the base commit is extracted and resolved by Cargo too).
#
# usage: bench/gate.sh [PACKAGES] [ROUNDS]   (default 1000, 11)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
packages=${1:-1000}
rounds=${2:-11}
cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml"
depgov="$here/target/release/depgov"
repo=$(mktemp -d)
trap 'rm -rf "$repo"' EXIT

cd "$repo"
mkdir -p ws/app/src crates
echo '[workspace]
members = ["app"]
resolver = "2"' > ws/Cargo.toml
{
  printf '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
  for i in $(seq -w 1 "$packages"); do
    mkdir -p "crates/c$i/src"
    printf '[package]\nname = "c%s"\nversion = "1.0.0"\nedition = "2021"\nlicense = "MIT"\n' "$i" > "crates/c$i/Cargo.toml"
    : > "crates/c$i/src/lib.rs"
    printf 'c%s = { path = "../../crates/c%s" }\n' "$i" "$i"
  done
} > ws/app/Cargo.toml
: > ws/app/src/lib.rs
cargo generate-lockfile --offline --quiet --manifest-path ws/Cargo.toml
git init -q -b main && git add . && git -c user.name=b -c user.email=b@b commit -qm base

git checkout -q -b docs && echo "docs" > README.md && git add . && git -c user.name=b -c user.email=b@b commit -qm docs
echo "== a change that touches no manifest (${packages} packages)"
python3 "$here/bench/sidebyside.py" --cwd "$repo" --rounds "$rounds" --goal 1.3 \
  "$depgov check ws --fail-on never" "$depgov check ws --base main --fail-on never"

git checkout -q -b dep main
mkdir -p crates/extra/src && printf '[package]\nname = "extra"\nversion = "1.0.0"\nedition = "2021"\nlicense = "MIT"\n' > crates/extra/Cargo.toml && : > crates/extra/src/lib.rs
echo 'extra = { path = "../../crates/extra" }' >> ws/app/Cargo.toml
cargo generate-lockfile --offline --quiet --manifest-path ws/Cargo.toml
git add . && git -c user.name=b -c user.email=b@b commit -qm dep
echo "== a change that adds a dependency (${packages} packages)"
python3 "$here/bench/sidebyside.py" --cwd "$repo" --rounds "$rounds" --goal 1.3 \
  "$depgov check ws --fail-on never" "$depgov check ws --base main --fail-on never"
