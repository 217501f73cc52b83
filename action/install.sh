#!/usr/bin/env bash
# Installs depgov for the action: a release binary verified against the sha256 listed in
# action/checksums.txt when this version and platform have one, otherwise a build from the
# action's own checkout with `cargo install --locked`. Puts it on the job's PATH.
#
# Environment: ACTION_PATH (the action's checkout), ACTION_REPOSITORY (owner/name, for the
# release URL), DEPGOV_VERSION (default: the version in the action's Cargo.toml), RUNNER_TEMP,
# GITHUB_PATH, GITHUB_SERVER_URL (GitHub Enterprise).
set -euo pipefail

version=${DEPGOV_VERSION:-}
version=${version#v}
if [ -z "$version" ]; then
  version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ACTION_PATH/Cargo.toml" | head -n 1)
fi
root="${RUNNER_TEMP:-/tmp}/depgov-$version"
mkdir -p "$root/bin"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target=x86_64-unknown-linux-gnu ;;
  Linux-aarch64 | Linux-arm64) target=aarch64-unknown-linux-gnu ;;
  Darwin-x86_64) target=x86_64-apple-darwin ;;
  Darwin-arm64) target=aarch64-apple-darwin ;;
  *) target="" ;;
esac
archive="depgov-$version-$target.tar.gz"
expected=""
if [ -n "$target" ] && [ -f "$ACTION_PATH/action/checksums.txt" ]; then
  expected=$(awk -v f="$archive" '$2 == f { print $1 }' "$ACTION_PATH/action/checksums.txt")
fi

if [ -n "$expected" ] && [ -n "${ACTION_REPOSITORY:-}" ]; then
  url="${GITHUB_SERVER_URL:-https://github.com}/$ACTION_REPOSITORY/releases/download/v$version/$archive"
  echo "Downloading $url"
  curl --fail --silent --show-error --location --retry 3 --output "$root/$archive" "$url"
  actual=$(sha256sum "$root/$archive" | cut -d' ' -f1)
  if [ "$actual" != "$expected" ]; then
    echo "::error title=depgov install::$archive has sha256 $actual, but action/checksums.txt lists $expected; refusing to run it"
    exit 1
  fi
  tar -xzf "$root/$archive" -C "$root/bin" depgov
else
  echo "No verified release binary of depgov $version for ${target:-this platform}; building it from the action's checkout"
  cargo install --locked --quiet --path "$ACTION_PATH" --root "$root"
fi
"$root/bin/depgov" --version
echo "$root/bin" >> "${GITHUB_PATH:-/dev/null}"
