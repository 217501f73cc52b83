#!/usr/bin/env bash
# Runs `depgov check` for the action. Inputs arrive as INPUT_* environment variables (never
# interpolated into a script); depgov itself writes the annotations, the job summary, the step
# outputs (errors, warnings, report) and, when asked, the pull-request comment.
set -euo pipefail

args=(check "${INPUT_PATH:-.}" --format github --fail-on "${INPUT_FAIL_ON:-error}")
args+=(--output "json=${RUNNER_TEMP:-/tmp}/depgov-report.json")
[ -n "${INPUT_POLICY:-}" ] && args+=(--policy "$INPUT_POLICY")
base=${INPUT_BASE:-${PULL_REQUEST_BASE:-}}
[ -n "$base" ] && args+=(--base "$base")
[ "${INPUT_ONLY_NEW:-false}" = "true" ] && args+=(--only-new)
[ -n "${INPUT_SARIF_FILE:-}" ] && args+=(--output "sarif=$INPUT_SARIF_FILE")
[ "${INPUT_COMMENT:-never}" != "never" ] && args+=(--comment "$INPUT_COMMENT")
exec depgov "${args[@]}"
