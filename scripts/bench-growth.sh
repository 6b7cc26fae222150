#!/usr/bin/env bash
# How the cost of `mailu-chart render` grows with its input, beside `helm template` of the
# exported chart with the same values: host names (10 to 1,000), extra environment
# variables (50 and 500) and the size of the values file (1 MB to 50 MB of pod
# annotations). Prints a Markdown table: mean wall time (hyperfine) and peak memory.
#
# Usage: scripts/bench-growth.sh [--quick]   (--quick: fewer runs, no 50 MB file)
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/install-oracles.sh)"
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install hyperfine" >&2; exit 1; }
cargo build --release --quiet --bin mailu-chart
bin="$PWD/target/release/mailu-chart"
quick="${1:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" export "$work/chart" >/dev/null

sizes="1 10 50"
[ "$quick" = "--quick" ] && sizes="1 10"
python3 - "$work" "$sizes" <<'EOF'
import sys
work, sizes = sys.argv[1], sys.argv[2].split()
base = "domain: example.com\nsubnet: 10.42.0.0/16\n"

def hosts(n):
    return "hostnames:\n" + "".join(
        f"  - h{i}.example.com\n" if i else "  - mail.example.com\n" for i in range(n))

for n in (10, 100, 1000):
    open(f"{work}/hosts-{n}.yaml", "w").write(base + hosts(n))
for n in (50, 500):
    env = "".join(f"    - name: EXTRA_{i}\n      value: \"v{i}\"\n" for i in range(n))
    open(f"{work}/env-{n}.yaml", "w").write(base + hosts(1) + "admin:\n  extraEnv:\n" + env)
for mb in sizes:
    line = lambda i: f"    example.com/k{i}: \"{'x' * 100}\"\n"
    count = int(mb) * 1_000_000 // len(line(0))
    notes = "".join(line(i) for i in range(count))
    open(f"{work}/size-{mb}MB.yaml", "w").write(base + hosts(1) + "front:\n  podAnnotations:\n" + notes)
EOF

runs=10
[ "$quick" = "--quick" ] && runs=3
echo "| values | render | helm 4 template | ratio | render peak memory | helm peak memory |"
echo "|---|---:|---:|---:|---:|---:|"
for name in hosts-10 hosts-100 hosts-1000 env-50 env-500 $(for mb in $sizes; do echo "size-${mb}MB"; done); do
  values="$work/$name.yaml"
  json="$work/$name.json"
  hyperfine -N --warmup 1 --runs "$runs" --export-json "$json" \
    "$bin render -f $values" \
    "$MAILU_CHART_HELM4 template mailu $work/chart -n mailu -f $values" >/dev/null
  read -r ours theirs < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"]; print(*(x["mean"]*1000 for x in r))' "$json")
  peak_ours="$(/usr/bin/time -f %M "$bin" render -f "$values" 2>&1 >/dev/null | tail -1)"
  peak_helm="$(/usr/bin/time -f %M "$MAILU_CHART_HELM4" template mailu "$work/chart" -n mailu -f "$values" 2>&1 >/dev/null | tail -1)"
  awk -v n="$name" -v a="$ours" -v b="$theirs" -v pa="$peak_ours" -v pb="$peak_helm" \
    'BEGIN { printf "| %s | %.1f ms | %.1f ms | %.1f | %.1f MiB | %.1f MiB |\n", n, a, b, b / a, pa / 1024, pb / 1024 }'
done
