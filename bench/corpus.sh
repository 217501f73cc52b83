#!/usr/bin/env bash
# Lays out the shared corpus (ECOSYSTEM/PROJECT/FILE) in DEST under the names discovery knows
# (pypi/warehouse's main.txt is a requirements file, bom.*.json files are CycloneDX), plus small
# fixtures for the ecosystems the corpus lacks (Ruby, PHP, Gradle, NuGet). The corpus is read,
# never copied into the repository.
#
# usage: bench/corpus.sh CORPUS DEST
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=$1
dest=$2
for file in "$corpus"/*/*/*; do
  case "$file" in *.md) continue ;; esac
  ecosystem=$(basename "$(dirname "$(dirname "$file")")")
  project=$(basename "$(dirname "$file")")
  name=$(basename "$file")
  case "$name" in
    main.txt) name=requirements.txt ;;
    bom.1.4.json | *.bom.json) name=bom.json ;;
  esac
  mkdir -p "$dest/$ecosystem/$project"
  cp "$file" "$dest/$ecosystem/$project/$name"
done
for fixture in gem composer gradle nuget; do
  [ -d "$here/tests/fixtures/formats/$fixture" ] && cp -r "$here/tests/fixtures/formats/$fixture" "$dest/$fixture"
done
exit 0
