#!/usr/bin/env bash
# depgov check vs the floor it cannot beat: `cargo metadata --format-version 1` alone.
# Both run side by side in one run, interleaved round by round, on the same workspace.
# Prints the median wall time of each, their ratio, and each one's peak RSS.
#
# usage: bench/check-vs-metadata.sh [WORKSPACE_DIR] [ROUNDS]   (default: this repository, 21)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
workspace=$(cd "${1:-$here}" && pwd)
rounds=${2:-21}

cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml"
exec python3 "$here/bench/sidebyside.py" --cwd "$workspace" --rounds "$rounds" --goal 1.15 \
  "cargo metadata --format-version 1" \
  "$here/target/release/depgov check --fail-on never"
