#!/usr/bin/env bash
# Installs depgov for the action, in two steps around actions/cache:
#
#   install.sh plan      decides what to install and writes the step outputs: version, target,
#                        build (true when no release exists), root (where depgov goes),
#                        facts-cache (the facts cache directory, docs/facts.md).
#   install.sh install   installs it and puts it on the job's PATH.
#
# A release archive (cargo-dist's: depgov-TARGET.tar.xz, .zip on Windows) is used when
# action/checksums.txt in the action's checkout lists its sha256 as `SHA256  vVERSION/ARCHIVE`;
# it is downloaded from the repository's release and refused unless its sha256 matches. Only
# the action's own version without a listed release is built from source (a warning; the
# build is cached by version and target); any other version without checksums is an error.
#
# Environment: ACTION_PATH (the action's checkout), ACTION_REPOSITORY (owner/name of the
# releases; when empty, read from ACTION_PATH, which the runner lays out as
# _actions/OWNER/NAME/REF), DEPGOV_VERSION (default: the version in the action's Cargo.toml),
# RUNNER_TEMP, RUNNER_TOOL_CACHE, GITHUB_PATH, GITHUB_OUTPUT, GITHUB_SERVER_URL (GitHub
# Enterprise), DEPGOV_CACHE_DIR (the facts cache, default RUNNER_TEMP/depgov-cache).
set -euo pipefail

fail() {
  echo "::error title=depgov install::$*"
  exit 1
}

own_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ACTION_PATH/Cargo.toml" | head -n 1)
version=${DEPGOV_VERSION:-}
version=${version#v}
version=${version:-$own_version}
case "$version" in
  *[!0-9A-Za-z.+-]* | "") fail "the version input \`$DEPGOV_VERSION\` is not a version like 1.2.3" ;;
esac

exe=""
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target=x86_64-unknown-linux-musl ;;
  Linux-aarch64 | Linux-arm64) target=aarch64-unknown-linux-musl ;;
  Darwin-x86_64) target=x86_64-apple-darwin ;;
  Darwin-arm64) target=aarch64-apple-darwin ;;
  MINGW*-x86_64 | MSYS*-x86_64 | CYGWIN*-x86_64) target=x86_64-pc-windows-msvc exe=.exe ;;
  *) target="$(uname -s)-$(uname -m)" ;;
esac
if [ -n "$exe" ]; then archive="depgov-$target.zip"; else archive="depgov-$target.tar.xz"; fi
expected=""
if [ -f "$ACTION_PATH/action/checksums.txt" ]; then
  expected=$(awk -v f="v$version/$archive" '$2 == f { print $1 }' "$ACTION_PATH/action/checksums.txt")
fi
root="${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-/tmp}}/depgov/$version/$target"
build=false
if [ -z "$expected" ]; then
  if [ "$version" != "$own_version" ]; then
    fail "depgov $version has no release archive for $target listed in action/checksums.txt of this action's checkout, so it cannot be verified; use the action's own tag for that version (uses: OWNER/depgov@v$version) or leave the version input empty for depgov $own_version"
  fi
  build=true
fi

case "${1:-}" in
  plan)
    {
      echo "version=$version"
      echo "target=$target"
      echo "build=$build"
      echo "root=$root"
      echo "facts-cache=${DEPGOV_CACHE_DIR:-${RUNNER_TEMP:-/tmp}/depgov-cache}"
    } >> "${GITHUB_OUTPUT:-/dev/null}"
    exit 0
    ;;
  install) ;;
  *) fail "usage: install.sh plan|install" ;;
esac

mkdir -p "$root/bin"
if [ "$build" = true ]; then
  if [ -x "$root/bin/depgov$exe" ]; then
    echo "Using depgov $version built from source by an earlier run (restored from the cache)"
  else
    echo "::warning title=depgov built from source::No release archive of depgov $version for $target is listed in action/checksums.txt, so it is built from the action's checkout (minutes on a small runner). The build is cached by version and target for later runs."
    cargo install --locked --quiet --path "$ACTION_PATH" --root "$root"
  fi
else
  repository=${ACTION_REPOSITORY:-}
  if [ -z "$repository" ]; then
    # The runner checks actions out to …/_actions/OWNER/NAME/REF.
    repository=$(printf '%s\n' "$ACTION_PATH" | sed -n 's#.*/_actions/\([^/]*\)/\([^/]*\)/[^/]*/*$#\1/\2#p')
  fi
  case "$repository" in
    */*) ;;
    *) fail "cannot tell which repository publishes depgov's releases (github.action_repository is empty); set the action's repository input to OWNER/NAME" ;;
  esac
  url="${GITHUB_SERVER_URL:-https://github.com}/$repository/releases/download/v$version/$archive"
  echo "Downloading $url"
  curl --fail --silent --show-error --location --retry 3 --output "$root/$archive" "$url" \
    || fail "cannot download $url; check that release v$version of $repository has $archive"
  if command -v sha256sum > /dev/null; then
    actual=$(sha256sum "$root/$archive" | cut -d' ' -f1)
  else
    actual=$(shasum -a 256 "$root/$archive" | cut -d' ' -f1)
  fi
  if [ "$actual" != "$expected" ]; then
    fail "$archive has sha256 $actual, but action/checksums.txt lists $expected; refusing to run it"
  fi
  rm -rf "$root/unpacked" && mkdir -p "$root/unpacked"
  if [ -n "$exe" ]; then
    unzip -q "$root/$archive" -d "$root/unpacked"
  else
    tar -xJf "$root/$archive" -C "$root/unpacked"
  fi
  binary=$(find "$root/unpacked" -type f -name "depgov$exe" | head -n 1)
  [ -n "$binary" ] || fail "$archive holds no depgov$exe"
  mv -f "$binary" "$root/bin/depgov$exe"
  chmod +x "$root/bin/depgov$exe"
fi
"$root/bin/depgov$exe" --version
echo "$root/bin" >> "${GITHUB_PATH:-/dev/null}"
