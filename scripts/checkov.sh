#!/usr/bin/env bash
# Static analysis of the rendered manifests with checkov: renders every values example and
# runs checkov's Kubernetes checks on each. Needs python3 with venv; installs checkov into
# .oracles/checkov-venv (ignored by git) on first use. Prints checkov's summary per example;
# docs/security.md explains every check that fails.
#
#   scripts/checkov.sh            # all examples, compact results
#   scripts/checkov.sh --full     # checkov's whole report
set -euo pipefail
cd "$(dirname "$0")/.."

checkov_version="3.3.30"
venv="${MAILU_CHART_ORACLES_DIR:-$PWD/.oracles}/checkov-venv"
if ! "$venv/bin/checkov" --version 2>/dev/null | grep -qx "$checkov_version"; then
  echo "installing checkov $checkov_version" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "checkov==$checkov_version"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for example in values-examples/*.yaml; do
  name="$(basename "$example" .yaml)"
  mkdir -p "$work/$name"
  cargo run --quiet --bin mailu-chart -- render -f "$example" > "$work/$name/manifests.yaml"
done

for dir in "$work"/*/; do
  name="$(basename "$dir")"
  echo "== $name"
  if [ "${1:-}" = "--full" ]; then
    # checkov exits 1 when a check fails; the failures are the report.
    "$venv/bin/checkov" --framework kubernetes --quiet --compact -d "$dir" || true
  else
    { "$venv/bin/checkov" --framework kubernetes --compact -o json -d "$dir" || true; } |
      python3 -c '
import json, sys, collections
report = json.load(sys.stdin)
reports = report if isinstance(report, list) else [report]
failed = collections.Counter()
passed = 0
for r in reports:
    results = r.get("results", {})
    passed += len(results.get("passed_checks", []))
    for check in results.get("failed_checks", []):
        failed[check["check_id"] + " " + check["check_name"]] += 1
print(f"passed {passed}, failed {sum(failed.values())}")
for check, count in sorted(failed.items()):
    print(f"  {count:3d}  {check}")
'
  fi
done
