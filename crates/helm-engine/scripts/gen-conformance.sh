#!/usr/bin/env bash
# Regenerates the expected outputs of the conformance suite (tests/conformance/) with the
# real helm 4: for every case, `helm template` of its chart/ with the arguments listed in its
# `args` file (one per line). Success writes expected.txt (standard output); failure writes
# error.txt (helm's message without the "Error: " prefix and the --debug hint).
#
# Usage: scripts/gen-conformance.sh [CASE...]   (all cases when none is named)
# The helm binary is $HELM_ENGINE_HELM4 (helm 4.1.4).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
helm="${HELM_ENGINE_HELM4:?set HELM_ENGINE_HELM4 to a helm 4.1.4 binary}"
suite="$root/tests/conformance"

if [ "$#" -gt 0 ]; then
  cases=("$@")
else
  cases=()
  for d in "$suite"/*/; do
    cases+=("$(basename "$d")")
  done
fi

for name in "${cases[@]}"; do
  dir="$suite/$name"
  [ -d "$dir/chart" ] || { echo "skipping $name: no chart/" >&2; continue; }
  args=()
  if [ -f "$dir/args" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      [ -n "$line" ] && args+=("$line")
    done <"$dir/args"
  fi
  out="$(mktemp)"
  err="$(mktemp)"
  # helm runs in the case directory so that values files in args are found; HOME and the
  # helm directories point at a scratch place so that no user setting leaks in.
  if (cd "$dir" && HELM_CONFIG_HOME="$out.cfg" HELM_CACHE_HOME="$out.cache" HELM_DATA_HOME="$out.data" \
    "$helm" template chart ${args[@]+"${args[@]}"} >"$out" 2>"$err"); then
    mv "$out" "$dir/expected.txt"
    rm -f "$dir/error.txt" "$err"
  else
    # Keep the message only: drop "Error: " and the trailing hint helm adds.
    python3 - "$err" >"$dir/error.txt" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
lines = [l for l in text.split("\n") if not l.startswith(("walk.go:", "WARNING:", "coalesce.go:"))]
text = "\n".join(lines)
start = text.find("Error: ")
text = text[start + len("Error: "):] if start >= 0 else text
hint = "\n\nUse --debug flag to render out invalid YAML"
if hint in text:
    text = text[: text.index(hint)]
sys.stdout.write(text.rstrip("\n") + "\n")
PY
    rm -f "$dir/expected.txt" "$out" "$err"
  fi
  rm -rf "$out.cfg" "$out.cache" "$out.data"
done
