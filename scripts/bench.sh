#!/usr/bin/env bash
# Performance figures: criterion benchmarks of the library, and whole-process timings of
# `mailu-chart render`, `mailu-chart template` and `helm template` on the same chart and
# values (hyperfine, from Debian's packages). Prints the tables the README quotes.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/install-oracles.sh)"
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 1; }
cargo build --release --quiet
bin=target/release/mailu-chart
tables="$(mktemp -d)"
trap 'rm -rf "$tables"' EXIT
for example in minimal full; do
  values="values-examples/$example.yaml"
  hyperfine --warmup 3 --runs 30 --style basic --export-markdown "$tables/$example.md" \
    -n "mailu-chart render ($example)" "$bin render -f $values" \
    -n "mailu-chart template chart-out ($example)" "$bin template chart-out --release-name mailu -n mailu -f $values" \
    -n "helm 4 template chart-out ($example)" "$MAILU_CHART_HELM4 template mailu chart-out -n mailu -f $values" \
    -n "helm 3 template chart-out ($example)" "$MAILU_CHART_HELM3 template mailu chart-out -n mailu -f $values --kube-version 1.33.0" \
    >/dev/null
  cat "$tables/$example.md"
done
cargo bench --bench render -- --noplot 2>/dev/null | grep -E "^[a-z].*|time:"
