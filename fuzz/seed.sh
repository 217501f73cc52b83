#!/usr/bin/env bash
# Builds the seed corpora in fuzz/corpus/TARGET from the repository's own test fixtures and
# documentation, so that no copies are committed: every lockfile, SBOM and manifest under tests/fixtures
# seeds the target of its format (alone, and followed by a NUL byte and the manifest beside it,
# which is how the targets take a manifest), and every policy file and policy example in the
# docs seeds `policy`. Files are named by their SHA-1, as libFuzzer names what it adds.
#
# usage: fuzz/seed.sh        (idempotent; keeps whatever the fuzzer has already added)
set -euo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$fuzz")
cd "$repo"

add() { # target file...: concatenates the files (NUL-separated) into one seed of target
  local dir="$fuzz/corpus/$1" seed
  shift
  mkdir -p "$dir"
  seed=$(mktemp)
  cat "$1" > "$seed"
  if [ $# -gt 1 ]; then printf '\0' >> "$seed" && cat "$2" >> "$seed"; fi
  mv "$seed" "$dir/$(sha1sum < "$seed" | cut -c1-40)"
}

seed() { # target manifest-name file: the file alone, and with its manifest when one is beside it
  local target=$1 manifest="$(dirname "$3")/$2"
  add "$target" "$3"
  if [ -n "$2" ] && [ -f "$manifest" ]; then add "$target" "$3" "$manifest"; fi
}

while IFS= read -r -d '' file; do
  name=$(basename "$file")
  case "$name" in
    Cargo.lock) seed cargo_lock Cargo.toml "$file" ;;
    package-lock.json | npm-shrinkwrap.json) seed npm_lock package.json "$file" ;;
    pnpm-lock.yaml) seed pnpm_lock package.json "$file" ;;
    yarn.lock)
      if grep -q '^__metadata:' "$file"; then seed yarn_berry package.json "$file"
      else seed yarn_classic package.json "$file"; fi ;;
    uv.lock) seed uv_lock pyproject.toml "$file" ;;
    poetry.lock) seed poetry_lock pyproject.toml "$file" ;;
    Pipfile.lock) seed pipfile_lock Pipfile "$file" ;;
    pylock.toml | pylock.*.toml) seed pylock pyproject.toml "$file" ;;
    requirements*.txt | *-requirements.txt) seed requirements_txt "" "$file" ;;
    *.txt) case "$file" in */requirements/*) seed requirements_txt "" "$file" ;; esac ;;
    go.mod) seed go_mod go.sum "$file" ;;
    Gemfile.lock) seed gemfile_lock Gemfile "$file" ;;
    gems.locked) seed gemfile_lock gems.rb "$file" ;;
    composer.lock) seed composer_lock composer.json "$file" ;;
    *gradle.lockfile) seed gradle_lockfile "" "$file" ;;
    packages.lock.json) seed nuget_lock "" "$file" ;;
    *.spdx.json) seed spdx "" "$file" ;;
    *.cdx.json | *.bom.json) seed cyclonedx "" "$file" ;;
    bom.json | sbom.json)
      if grep -q '"spdxVersion"' "$file"; then seed spdx "" "$file"
      else seed cyclonedx "" "$file"; fi ;;
    package.json) seed package_json "" "$file" ;;
    pom.xml) seed pom_xml "" "$file" ;;
    *.csproj | *.fsproj | *.vbproj) seed dotnet_project "" "$file" ;;
    pyproject.toml) seed pyproject_toml "" "$file" ;;
    Pipfile) seed pipfile "" "$file" ;;
    composer.json) seed composer_json "" "$file" ;;
    Gemfile) seed gemfile "" "$file" ;;
    build.gradle | build.gradle.kts) seed gradle_build "" "$file" ;;
    depgov.toml) seed policy "" "$file" ;;
  esac
done < <(find tests/fixtures -type f -print0)

add policy policies/default.toml
# The policy examples in the docs, completed with `version = 1` as tests/it/docs.rs does.
for doc in docs/policy.md README.md; do
  python3 - "$doc" "$fuzz/corpus/policy" <<'EOF'
import hashlib, pathlib, sys
text = pathlib.Path(sys.argv[1]).read_text()
for block in text.split("```toml\n")[1:]:
    block = block.split("```")[0]
    if "version = 1" not in block:
        block = "version = 1\n" + block
    data = block.encode()
    (pathlib.Path(sys.argv[2]) / hashlib.sha1(data).hexdigest()).write_bytes(data)
EOF
done

for dir in "$fuzz"/corpus/*; do
  printf '%-18s %3d seeds\n' "$(basename "$dir")" "$(find "$dir" -type f | wc -l)"
done
