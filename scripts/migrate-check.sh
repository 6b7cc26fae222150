#!/usr/bin/env bash
# Migrates every values file of a directory written for Mailu's official Helm chart and checks
# that the result validates, renders and that `diff` (render against the exported chart, with
# the built-in renderer) is clean. A file without `domain:` is a fragment: it is migrated over
# BASE (a complete values file of the official chart), as helm would merge them.
#
# Usage:
#   scripts/migrate-check.sh DIR [BASE]
#
# Prints one line per file (ok, or the step that failed and its message) and the totals; exits
# 1 when any file fails. Uses target/release/mailu-chart, built when missing.
set -euo pipefail

dir=${1:?usage: scripts/migrate-check.sh DIR [BASE]}
base=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$root/target/release/mailu-chart
[[ -x $bin ]] || (cd "$root" && cargo build --release --quiet)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

total=0
passed=0
for file in "$dir"/*.yaml "$dir"/*.yml; do
  [[ -e $file ]] || continue
  total=$((total + 1))
  name=$(basename "$file")
  inputs=("$file")
  if [[ -n $base ]] && ! grep -q '^domain:' "$file"; then
    inputs=("$base" "$file")
  fi
  step=migrate
  if "$bin" migrate "${inputs[@]}" -o "$work/values.yaml" --report "$work/report.txt" 2>"$work/err" &&
    step=validate && "$bin" validate -f "$work/values.yaml" 2>"$work/err" &&
    step=render && "$bin" render -f "$work/values.yaml" >"$work/render.yaml" 2>"$work/err" &&
    step=diff && "$bin" diff -f "$work/values.yaml" >"$work/err" 2>&1; then
    passed=$((passed + 1))
    echo "ok      $name"
  else
    echo "FAILED  $name ($step): $(tail -n 3 "$work/err" | tr '\n' ' ')"
  fi
done
echo "$passed of $total files migrate to values that validate, render and diff clean"
[[ $passed == "$total" ]]
