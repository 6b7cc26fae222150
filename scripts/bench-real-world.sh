#!/usr/bin/env bash
# Whole-process timings of `mailu-chart template` against `helm template` (helm 4) on every
# chart that scripts/real-world-conformance.sh --work DIR assembled in DIR (DIR/<name>/<name>)
# and whose output helm prints in at least MIN_LINES lines (1000 unless given). hyperfine
# (from Debian's packages) runs both side by side, RUNS runs each (15 unless given); one line
# per chart, slowest ratio first: lines of output, mean times, the ratio of the means and
# that of the fastest runs.
#
# Usage: scripts/bench-real-world.sh DIR [MIN_LINES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:?usage: scripts/bench-real-world.sh DIR [MIN_LINES] [RUNS]}"
min_lines="${2:-1000}"
runs="${3:-15}"
eval "$(scripts/install-oracles.sh)"
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 1; }
cargo build --release --quiet --bin mailu-chart
bin="$PWD/target/release/mailu-chart"
csv="$(mktemp)"
rows="$(mktemp)"
trap 'rm -f "$csv" "$rows"' EXIT

for dir in "$work"/*/; do
  name="$(basename "$dir")"
  chart="$dir$name"
  [ -d "$chart" ] || continue
  lines="$("$MAILU_CHART_HELM4" template release "$chart" 2>/dev/null | wc -l)" || continue
  [ "$lines" -ge "$min_lines" ] || continue
  if ! "$bin" template release "$chart" >/dev/null 2>&1; then
    echo "$name: mailu-chart fails where helm renders" >&2
    continue
  fi
  hyperfine -N --warmup 2 --runs "$runs" --export-csv "$csv" \
    "$bin template release $chart" "$MAILU_CHART_HELM4 template release $chart" >/dev/null 2>&1
  # Columns: command,mean,stddev,median,user,system,min,max (seconds).
  awk -F, -v name="$name" -v lines="$lines" 'NR == 2 { mean = $2; min = $7 }
    NR == 3 { printf "%.2f %s %d %.1f %.1f %.1f\n", $2 / mean, name, lines, mean * 1000, $2 * 1000, $7 / min }' \
    "$csv" >> "$rows"
done

printf '| chart | lines | mailu-chart template | helm 4 template | ratio | fastest runs |\n'
printf '|---|---:|---:|---:|---:|---:|\n'
sort -n "$rows" | awk '{ printf "| %s | %d | %.1f ms | %.1f ms | %.1f | %.1f |\n", $2, $3, $4, $5, $1, $6 }'
