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
  hyperfine -N --warmup 3 --runs 30 --style basic --export-markdown "$tables/$example.md" \
    -n "mailu-chart validate ($example)" "$bin validate -f $values" \
    -n "mailu-chart render ($example)" "$bin render -f $values" \
    -n "mailu-chart template chart-out ($example)" "$bin template chart-out --release-name mailu -n mailu -f $values" \
    -n "helm 4 template chart-out ($example)" "$MAILU_CHART_HELM4 template mailu chart-out -n mailu -f $values" \
    -n "helm 3 template chart-out ($example)" "$MAILU_CHART_HELM3 template mailu chart-out -n mailu -f $values" \
    >/dev/null
  cat "$tables/$example.md"
done
# Peak memory (maximum resident set) and instructions executed, which unlike time do not
# depend on what else the machine is doing (valgrind's callgrind counts them).
#
# The peak depends on how the kernel holds the program file in its page cache: a file just
# written in large pieces (`cp` does) may be cached in large folios, and its code is then
# mapped in larger pieces than when the file is read back from disk (render: 10.6 MiB for a
# copy made with `cp`, 9.7 to 9.9 MiB for the same bytes read from disk). Both are measured:
# the binary as built, and a copy written page by page, which behaves like a file read from
# disk.
paged="$tables/mailu-chart"
dd if="$bin" of="$paged" bs=4096 status=none
chmod +x "$paged"
peak_of() {
  /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{ printf "%.1f", $1 / 1024 }'
}
echo
echo "| command | peak memory (as built / page by page) | instructions |"
echo "|---|---:|---:|"
for args in "--version" "validate -f values-examples/full.yaml" "render -f values-examples/full.yaml" \
  "template chart-out -f values-examples/full.yaml"; do
  # shellcheck disable=SC2086
  peak="$(peak_of "$bin" $args) / $(peak_of "$paged" $args)"
  instructions="-"
  if command -v valgrind >/dev/null; then
    # shellcheck disable=SC2086
    instructions="$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" $args 2>&1 >/dev/null \
      | sed -n 's/.*I *refs: *//p')"
  fi
  echo "| \`mailu-chart $args\` | $peak MiB | $instructions |"
done
cargo bench --bench render -- --noplot 2>/dev/null | grep -E "^[a-z].*|time:"
