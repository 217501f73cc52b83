#!/usr/bin/env bash
# depgov against the floor and against cargo-deny, whole commands side by side in one run:
# `depgov check` vs `cargo metadata --format-version 1 --locked` (the floor: depgov runs it)
# vs `cargo deny check licenses bans sources`, on a synthesized Cargo workspace of PACKAGES
# registry crates (bench/synth.py: vendored directory source outside any repository, so no
# network), under equivalent rules: the same licenses allowed, one crate banned, only
# crates.io as a source; then the same with `cargo metadata` replaced by its recorded answer,
# which shows each tool's own time and memory. Then lockfile-only runs of depgov on every file
# of the shared corpus (../shared/corpus, or $DEPGOV_CORPUS) when present, on synthesized
# lockfiles of 1,000 to 100,000 packages otherwise. Prints medians and ratios
# (bench/sidebyside.py). cargo-deny is installed with `cargo install --locked` if absent.
#
# usage: bench/compare.sh [PACKAGES] [ROUNDS]   (default 700, 21)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
packages=${1:-700}
rounds=${2:-21}
cargo build --release --locked --quiet --manifest-path "$here/Cargo.toml"
depgov="$here/target/release/depgov"
command -v cargo-deny > /dev/null || cargo install --locked cargo-deny
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 "$here/bench/synth.py" workspace "$packages" "$work"
repo="$work/repo"
cat > "$repo/deny.toml" <<'EOF'
[licenses]
allow = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC"]
confidence-threshold = 0.93
# depgov governs dependencies, not the workspace's own unpublished members.
private = { ignore = true }

[bans]
multiple-versions = "allow"
wildcards = "allow"
deny = [{ crate = "pkg-000666", reason = "banned by the OSPO" }]

[sources]
unknown-registry = "deny"
unknown-git = "deny"
EOF
cat > "$repo/depgov.toml" <<'EOF'
# The rules of deny.toml: these licenses only, one banned crate, crates.io only.
version = 1
name = "cargo-deny equivalent"

[defaults]
ring = "adopt"
scope = ["runtime", "build", "dev"]

[licenses]
adopt = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC"]
unlisted = "remove"
unknown = "remove"

[sources]
git = "remove"
registries = ["crates-io"]
unknown-registry = "remove"

[[components]]
purl = "pkg:cargo/pkg-000666"
ring = "remove"
reason = "banned by the OSPO"
EOF
(cd "$repo" && cargo generate-lockfile --offline --quiet)

# Both tools must run against the workspace and find the same crates.
(
  cd "$repo"
  "$depgov" check --format json --fail-on never > "$work/depgov.json"
  cargo deny --offline --format json check licenses bans sources 2> "$work/deny.json" || true
)
python3 - "$work/depgov.json" "$work/deny.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
depgov = {f["component"]["purl"].split("/")[1].split("@")[0]
          for f in report["findings"] if f["severity"] == "error"}
deny = set()
for line in open(sys.argv[2]):
    fields = json.loads(line).get("fields", {})
    if fields.get("severity") == "error":
        deny.update(g["Krate"]["name"] for g in fields.get("graphs", []))
components = len(report["components"])
print(f"== {components} components; crates with errors: depgov {len(depgov)}, cargo-deny {len(deny)}"
      + (", the same" if depgov == deny else f"; differ: {sorted(depgov ^ deny)}"))
sys.exit(depgov != deny)
EOF

echo "== workspace of $packages registry crates"
python3 "$here/bench/sidebyside.py" --cwd "$repo" --rounds "$rounds" --goal 1.15 --ok-exit 0,1,2,4,6 \
  "cargo metadata --format-version 1 --locked" \
  "cargo deny --offline check licenses bans sources" \
  "$depgov check --lockfile-only --fail-on never" \
  "$depgov check --fail-on never"

# Both tools run `cargo metadata` as a child, and a peak RSS counts the largest process of the
# tree: Cargo's, for depgov. Their own memory, with Cargo replaced by a recorded answer ($CARGO
# is where both look for cargo; cargo-deny is run directly, since `cargo deny` sets it).
(cd "$repo" && cargo metadata --format-version 1 --locked > "$work/metadata.json")
printf '#!/bin/sh\nexec cat %s\n' "$work/metadata.json" > "$work/cargo-recorded"
chmod +x "$work/cargo-recorded"
echo "== the same, with cargo metadata's answer recorded (each tool's own time and memory)"
python3 "$here/bench/sidebyside.py" --cwd "$repo" --rounds "$rounds" --ok-exit 0,1,2,4,6 \
  "CARGO=$work/cargo-recorded cargo-deny --offline check licenses bans sources" \
  "CARGO=$work/cargo-recorded $depgov check --fail-on never"

# Lockfile-only runs of depgov, one input at a time. CARGO_HOME points nowhere so that
# Cargo.lock licenses are not looked up in this machine's registry cache.
corpus=${DEPGOV_CORPUS:-}
for candidate in "$here/../shared/corpus" "$here/../../shared/corpus"; do
  [ -z "$corpus" ] && [ -d "$candidate" ] && corpus=$(cd "$candidate" && pwd)
done
inputs="$work/inputs"
if [ -n "$corpus" ]; then
  echo "== lockfile-only: every file of $corpus"
  "$here/bench/corpus.sh" "$corpus" "$inputs"
else
  echo "== lockfile-only: synthesized lockfiles (no corpus found)"
  for n in 1000 10000 100000; do
    for format in npm cargo; do
      mkdir -p "$inputs/$format-$n"
      python3 "$here/bench/synth.py" "$format" "$n" "$inputs/$format-$n"
    done
  done
fi
export CARGO_HOME="$work/no-cargo-home"
commands=()
while IFS= read -r input; do
  commands+=("depgov check --lockfile-only --fail-on never $input")
done < <(cd "$inputs" && "$depgov" inventory --lockfile-only --format json . |
  python3 -c 'import json, sys; print("\n".join(i["path"] for i in json.load(sys.stdin)["inputs"]))')
PATH="$(dirname "$depgov"):$PATH" python3 "$here/bench/sidebyside.py" --cwd "$inputs" \
  --rounds "$rounds" --no-ratio "${commands[@]}"
