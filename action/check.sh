#!/usr/bin/env bash
# Runs `depgov check` for the action. Inputs arrive as INPUT_* environment variables (never
# interpolated into a script); depgov itself writes the annotations, the job summary, the step
# outputs (errors, warnings, report) and, when asked, the pull-request comment.
#
# The base of a pull request (unless the `base` input names one): the first parent of the merge
# commit when actions/checkout checked out the pull request's merge ref (GITHUB_REF
# refs/pull/N/merge at GITHUB_SHA, the default): GitHub makes that commit for every run, so its
# first parent is the base branch as the change would be merged into it. Otherwise (the head
# commit checked out) the event's `pull_request.base.sha`; on a `reopened` event that is the base
# as it was when the pull request was last updated, possibly long ago, so the base branch's
# remote-tracking ref is taken when the clone has it. A merge_group event's base is its
# `merge_group.base_sha`; a push has no base, and only-new is then left out (it needs one).
set -euo pipefail

dir=${INPUT_PATH:-.}
args=(check "$dir" --format github --fail-on "${INPUT_FAIL_ON:-error}")
args+=(--output "json=${RUNNER_TEMP:-/tmp}/depgov-report.json")
[ -n "${INPUT_POLICY:-}" ] && args+=(--policy "$INPUT_POLICY")

base=${INPUT_BASE:-}
if [ -z "$base" ] && [ -n "${PULL_REQUEST_BASE:-}" ]; then
  head=$(git -C "$dir" rev-parse --verify --quiet HEAD || true)
  if [[ "${GITHUB_REF:-}" == refs/pull/*/merge ]] && [ -n "$head" ] && [ "$head" = "${GITHUB_SHA:-}" ] \
    && git -C "$dir" rev-parse --verify --quiet HEAD^2 > /dev/null; then
    base=$(git -C "$dir" rev-parse HEAD^1)
  elif [ "${EVENT_ACTION:-}" = reopened ] && [ -n "${PULL_REQUEST_BASE_REF:-}" ] \
    && git -C "$dir" rev-parse --verify --quiet "refs/remotes/origin/$PULL_REQUEST_BASE_REF" > /dev/null; then
    base="refs/remotes/origin/$PULL_REQUEST_BASE_REF"
  else
    base=$PULL_REQUEST_BASE
  fi
fi
# A merge queue's group is judged against the commit it is built on.
base=${base:-${MERGE_GROUP_BASE:-}}
[ -n "$base" ] && args+=(--base "$base")
if [ "${INPUT_ONLY_NEW:-false}" = "true" ]; then
  if [ -n "$base" ]; then
    args+=(--only-new)
  else
    echo "depgov: only-new needs a base; this ${GITHUB_EVENT_NAME:-run} has none, so every finding is reported"
  fi
fi
[ -n "${INPUT_SARIF_FILE:-}" ] && args+=(--output "sarif=$INPUT_SARIF_FILE")
# A comment belongs to a pull request: on push and merge_group runs there is none to keep.
[ "${INPUT_COMMENT:-never}" != "never" ] && [ -n "${PULL_REQUEST_BASE:-}" ] \
  && args+=(--comment "$INPUT_COMMENT")

# Further flags: split into words by xargs, which honours '…' and "…" quoting and expands
# nothing ($, *, ` stay as written), so the input can never run shell code.
if [ -n "${INPUT_ARGS//[[:space:]]/}" ]; then
  words="${RUNNER_TEMP:-/tmp}/depgov-args"
  if ! printf '%s' "$INPUT_ARGS" | xargs printf '%s\0' > "$words" 2> "$words.err"; then
    echo "::error title=depgov: the args input cannot be split into words::$(tr -d '\r\n' < "$words.err"); quote a word with spaces as 'a b' or \"a b\""
    exit 2
  fi
  mapfile -d '' -t extra < "$words"
  args+=("${extra[@]}")
fi
exec depgov "${args[@]}"
