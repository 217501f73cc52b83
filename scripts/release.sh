#!/usr/bin/env bash
# Makes the release commit and tags of depgov VERSION from the archives the release workflow
# built (docs/releasing.md):
#
#   scripts/release.sh [--dry-run] VERSION ARCHIVES_DIR
#   scripts/release.sh --dry-run --fake-archives
#
# 1. checks that VERSION is Cargo.toml's, that the tag vVERSION does not exist yet, and that
#    ARCHIVES_DIR holds the archive of every release target (cargo-dist's names), each matching
#    the `.sha256` file cargo-dist wrote beside it;
# 2. appends `SHA256  vVERSION/ARCHIVE` for each to action/checksums.txt and commits that on
#    top of HEAD (the commit the archives were built from: the release commit differs from it
#    only by these lines);
# 3. tags that commit vVERSION and moves the major tag (v0 for 0.x, else vMAJOR) to it, so
#    `uses: OWNER/depgov@v0` and `@vVERSION` both list the checksums of their own archives;
# 4. checks what it made, then pushes the tags (and the commit to the branch, when it has not
#    moved) — unless --dry-run, which stops after the checks.
#
# --fake-archives (with --dry-run, for CI): works in a scratch clone of this repository with
# archives made up on the spot, so the procedure is exercised without a network or cargo-dist.
set -euo pipefail

TARGETS=(
  x86_64-unknown-linux-musl
  aarch64-unknown-linux-musl
  x86_64-apple-darwin
  aarch64-apple-darwin
  x86_64-pc-windows-msvc
)

fail() {
  echo "release: error: $*" >&2
  exit 1
}

archive_name() {
  case "$1" in
    *windows*) echo "depgov-$1.zip" ;;
    *) echo "depgov-$1.tar.xz" ;;
  esac
}

sha256() {
  if command -v sha256sum > /dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

dry_run=false
fake=false
positional=()
for argument in "$@"; do
  case "$argument" in
    --dry-run) dry_run=true ;;
    --fake-archives) fake=true ;;
    -*) fail "unknown option $argument (usage: release.sh [--dry-run] VERSION ARCHIVES_DIR)" ;;
    *) positional+=("$argument") ;;
  esac
done

repository=$(git rev-parse --show-toplevel)
if [ "$fake" = true ]; then
  [ "$dry_run" = true ] || fail "--fake-archives is for --dry-run only"
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  git clone --quiet --no-hardlinks "$repository" "$scratch/repository"
  cd "$scratch/repository"
  git config user.name "depgov release dry run"
  git config user.email "release-dry-run@depgov.invalid"
  version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
  archives="$scratch/archives"
  mkdir -p "$archives"
  for target in "${TARGETS[@]}"; do
    name=$(archive_name "$target")
    printf 'not a real archive of depgov %s for %s\n' "$version" "$target" > "$archives/$name"
    echo "$(sha256 "$archives/$name")  $name" > "$archives/$name.sha256"
  done
else
  [ "${#positional[@]}" -eq 2 ] || fail "usage: release.sh [--dry-run] VERSION ARCHIVES_DIR"
  version=${positional[0]#v}
  archives=$(cd "${positional[1]}" && pwd)
  cd "$repository"
fi

tag="v$version"
case "$version" in
  0.*) major=v0 ;;
  *) major="v${version%%.*}" ;;
esac
manifest_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ "$version" = "$manifest_version" ] \
  || fail "Cargo.toml says $manifest_version, not $version: bump it (and Cargo.lock) in a commit first"
[ -z "$(git status --porcelain --untracked-files=no)" ] || fail "the working tree has uncommitted changes"
if git rev-parse --quiet --verify "refs/tags/$tag" > /dev/null; then
  fail "the tag $tag exists already"
fi
grep -q " $tag/" action/checksums.txt && fail "action/checksums.txt lists $tag already"

built_from=$(git rev-parse HEAD)
lines=()
for target in "${TARGETS[@]}"; do
  name=$(archive_name "$target")
  [ -f "$archives/$name" ] || fail "$archives has no $name (cargo-dist's archive for $target)"
  actual=$(sha256 "$archives/$name")
  if [ -f "$archives/$name.sha256" ]; then
    listed=$(cut -d' ' -f1 < "$archives/$name.sha256")
    [ "$listed" = "$actual" ] || fail "$name has sha256 $actual, but $name.sha256 says $listed"
  fi
  lines+=("$actual  $tag/$name")
done
printf '%s\n' "${lines[@]}" >> action/checksums.txt
git add action/checksums.txt
git commit --quiet -m "Release $tag: the checksums of its archives" \
  -m "The archives were built from $built_from; this commit adds only their sha256 to action/checksums.txt."
git tag -a "$tag" -m "depgov $version"
git tag -f -a "$major" -m "depgov $version (the latest $major release)" > /dev/null

# What the action reads at either tag lists every archive of this release.
for ref in "$tag" "$major"; do
  [ "$(git rev-parse "$ref^{commit}")" = "$(git rev-parse HEAD)" ] || fail "$ref is not the release commit"
  listed=$(git show "$ref:action/checksums.txt")
  for line in "${lines[@]}"; do
    grep -qxF "$line" <<< "$listed" || fail "$ref:action/checksums.txt lacks $line"
  done
done
[ "$(git diff --name-only "$built_from" HEAD)" = "action/checksums.txt" ] \
  || fail "the release commit changes more than action/checksums.txt"

if [ "$dry_run" = true ]; then
  echo "release: dry run: $tag and $major would point at $(git rev-parse --short HEAD), whose action/checksums.txt lists:"
  printf '  %s\n' "${lines[@]}"
  exit 0
fi
git push origin "refs/tags/$tag" "+refs/tags/$major"
branch=$(git rev-parse --abbrev-ref HEAD)
if [ "$branch" != HEAD ]; then
  git push origin "HEAD:refs/heads/$branch" \
    || echo "release: note: $branch moved since the build; merge $tag into it so that later releases keep these checksums" >&2
fi
