#!/usr/bin/env bash
# Whole-process timings of `mailu-chart template` against `helm template` (helm 4) on the
# exported chart with the full example values, and on any chart given as an argument (an
# assembled chart directory or archive, for example one that
# scripts/real-world-conformance.sh --work DIR left in DIR/<name>/<name>). hyperfine (from
# Debian's packages) runs both side by side in one run; the table is printed in Markdown.
#
# Usage: scripts/bench-template.sh [CHART[:VALUES]...]   (VALUES: a values file for that chart)
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/install-oracles.sh)"
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 1; }
cargo build --release --quiet --bin mailu-chart
bin=target/release/mailu-chart
table="$(mktemp)"
trap 'rm -f "$table"' EXIT

run() {
  local label="$1"; shift
  hyperfine -N --warmup 3 --runs 30 --style basic --export-markdown "$table" \
    -n "mailu-chart template $label" "$bin template $*" \
    -n "helm 4 template $label" "$MAILU_CHART_HELM4 template $*" >/dev/null
  cat "$table"
}

run "chart-out (full)" mailu chart-out -n mailu -f values-examples/full.yaml
for arg in "$@"; do
  chart="${arg%%:*}"
  if [ "$chart" != "$arg" ]; then
    run "$(basename "$chart") ($(basename "${arg#*:}"))" release "$chart" -f "${arg#*:}"
  else
    run "$(basename "$chart")" release "$chart"
  fi
done
