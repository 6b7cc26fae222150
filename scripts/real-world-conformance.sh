#!/usr/bin/env bash
# Renders real-world charts with helm and with `mailu-chart template` and compares them line
# for line.
#
# Every chart is first assembled as `helm dependency build` would leave it: each dependency
# of Chart.yaml missing from its charts/ folder is copied in from a directory of charts
# (by default the chart's own siblings, as in a repository like bitnami/charts), at the
# version Chart.lock names where that version can be found. helm renders each chart twice,
# before and after `mailu-chart template` renders it: lines that differ between the two helm
# runs come from random or time functions and are masked. The result is one of
#
#   identical     the same lines, apart from masked ones
#   different     a sample of the differences is printed
#   error         helm renders the chart but mailu-chart fails (the message is printed;
#                 "function" marks failures on a function the engine does not offer)
#   helm-error    helm itself fails; mailu-chart is then expected to fail with the same
#                 message (helm's "Error: " and ours "error: " apart, warnings left out):
#                 "same message", "other message" (both printed) or "renders"
#
# followed by the totals. Nothing is downloaded: helm only reads the assembled folders.
#
# Usage:
#   scripts/real-world-conformance.sh [options] DIR...
#
# Each DIR is a chart (it has a Chart.yaml) or a directory of chart folders.
#
# Options:
#   --helm PATH         the helm binary (default: $HELM_ENGINE_HELM4, else helm on PATH)
#   --mailu-chart PATH  the mailu-chart binary (default: target/release/mailu-chart, built
#                       with `cargo build --release` when missing)
#   --deps DIR          also look for dependencies in DIR (repeatable; searched in order,
#                       after the chart's own parent directory)
#   --git GIT:PREFIX    find a locked dependency version NAME@VERSION missing from the
#                       directories in the history of the git repository GIT, at
#                       PREFIX/NAME (for example --git charts.git:bitnami)
#   --values GLOB       render once per values file matching GLOB inside the chart (for
#                       example 'ci/*.yaml') instead of once with the defaults
#   --work DIR          where to assemble and render (default: a temporary directory)
#   --sample N          differing lines shown per chart (default 12)
#   -- ARGS...          more arguments for both `helm template` and `mailu-chart template`
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
helm="${HELM_ENGINE_HELM4:-helm}"
mailu_chart=""
deps_dirs=()
git_specs=()
values_glob=""
work=""
sample=12
extra=()
inputs=()

while [ $# -gt 0 ]; do
  case "$1" in
    --helm) helm="$2"; shift 2 ;;
    --mailu-chart) mailu_chart="$2"; shift 2 ;;
    --deps) deps_dirs+=("$(cd "$2" && pwd)"); shift 2 ;;
    --git) git_specs+=("$2"); shift 2 ;;
    --values) values_glob="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --sample) sample="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) inputs+=("$1"); shift ;;
  esac
done
[ ${#inputs[@]} -gt 0 ] || { echo "usage: $0 [options] DIR... (--help for more)" >&2; exit 2; }

if [ -z "$mailu_chart" ]; then
  mailu_chart="$root/target/release/mailu-chart"
  [ -x "$mailu_chart" ] || (cd "$root" && cargo build --release --quiet --bin mailu-chart)
fi
if [ -z "$work" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"

# The version a chart folder declares.
chart_version() {
  sed -n 's/^version:[[:space:]]*["'\'']\{0,1\}\([^"'\'' ]*\).*/\1/p' "$1/Chart.yaml" | head -n1
}

# The version Chart.lock (or requirements.lock) pins for dependency $2 of chart $1, if any.
locked_version() {
  local lock
  for lock in "$1/Chart.lock" "$1/requirements.lock"; do
    [ -f "$lock" ] || continue
    awk -v want="$2" '
      /^- name:/ { name = $3 }
      /^  name:/ { name = $2 }
      /^ *version:/ && name == want { v = $2; gsub(/["'\'']/, "", v); print v; exit }
    ' "$lock"
    return
  done
}

# Finds dependency $1 (at version $2 when given; $3 is the folder searched first) and prints
# the folder holding it, extracting it from git history when that is where it is.
find_dependency() {
  local name="$1" version="$2" first="$3" dir spec repo prefix commit dest
  for dir in "$first" "${deps_dirs[@]}"; do
    if [ -f "$dir/$name/Chart.yaml" ] && { [ -z "$version" ] || [ "$(chart_version "$dir/$name")" = "$version" ]; }; then
      echo "$dir/$name"
      return
    fi
  done
  if [ -n "$version" ]; then
    for spec in "${git_specs[@]}"; do
      repo="${spec%:*}" prefix="${spec##*:}"
      dest="$work/.git-deps/$name-$version"
      if [ -f "$dest/$name/Chart.yaml" ]; then
        echo "$dest/$name"
        return
      fi
      for commit in $(git -C "$repo" log --format=%H -S"version: $version" -- "$prefix/$name/Chart.yaml"); do
        if git -C "$repo" show "$commit:$prefix/$name/Chart.yaml" 2>/dev/null | grep -qx "version: $version"; then
          mkdir -p "$dest"
          git -C "$repo" archive "$commit" "$prefix/$name" | tar -x -C "$dest" --strip-components=1
          echo "$dest/$name"
          return
        fi
      done
    done
  fi
  # The version is not to be found: any version of it.
  for dir in "$first" "${deps_dirs[@]}"; do
    if [ -f "$dir/$name/Chart.yaml" ]; then
      echo "$dir/$name"
      return
    fi
  done
}

# Copies chart $1 to $2, then its missing dependencies into $2/charts, recursively. Prints
# the dependencies that could not be found.
assemble() {
  local src="$1" dest="$2" name version found
  mkdir -p "$dest"
  # Symbolic links are followed, as helm follows them: a relative link would point nowhere
  # from the copy (VictoriaMetrics' CRD chart links its CRDs from a sibling chart).
  cp -RL "$src/." "$dest/"
  { "$helm" dependency list "$dest" 2>/dev/null || true; } | awk -F'\t' 'NR > 1 && $4 ~ /missing/ { gsub(/ /, "", $1); print $1 }' |
    sort -u | while read -r name; do
      [ -n "$name" ] || continue
      version="$(locked_version "$src" "$name")"
      found="$(find_dependency "$name" "$version" "$(dirname "$src")")"
      if [ -z "$found" ]; then
        echo "$name${version:+@$version}"
        continue
      fi
      assemble "$found" "$dest/charts/$name"
    done
}

# Compares helm's two runs and mailu-chart's output: prints nothing when they agree apart
# from the lines that differ between the helm runs, else a sample of the differences.
compare() {
  python3 - "$1" "$2" "$3" "$sample" <<'PY'
import difflib, sys
h1, h2, ours = (open(p, encoding="utf-8", errors="replace").read().splitlines() for p in sys.argv[1:4])
sample = int(sys.argv[4])
# Lines of the first helm run that the second run does not repeat are random.
random = set()
for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, h1, h2, autojunk=False).get_opcodes():
    if tag != "equal":
        random.update(range(i1, max(i2, i1 + 1)))
shown = []
for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, h1, ours, autojunk=False).get_opcodes():
    if tag == "equal":
        continue
    if tag == "replace" and i2 - i1 == j2 - j1 and all(i in random for i in range(i1, i2)):
        continue
    shown += [f"  helm: {l}" for l in h1[i1:i2]] + [f"  ours: {l}" for l in ours[j1:j2]]
if shown:
    print("\n".join(shown[:sample]) + ("\n  ..." if len(shown) > sample else ""))
PY
}

# A failure's message without its "Error: " / "error: " prefix, helm's --debug hint and the
# warnings printed before it.
failure_message() {
  grep -v -e '^level=WARN' -e '^warning: ' -e '^Use --debug flag' "$1" |
    sed -e '1s/^Error: //' -e '1s/^error: //' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

charts=()
for input in "${inputs[@]}"; do
  input="$(cd "$input" && pwd)"
  if [ -f "$input/Chart.yaml" ]; then
    charts+=("$input")
  else
    for dir in "$input"/*/; do
      [ -f "$dir/Chart.yaml" ] && charts+=("${dir%/}")
    done
  fi
done

identical=0 different=0 failed=0 function_failures=0 helm_failed=0 same_failures=0
for src in "${charts[@]}"; do
  chart="$(basename "$src")"
  dest="$work/$chart/$chart"
  rm -rf "$work/$chart"
  missing="$(assemble "$src" "$dest")"
  if [ -n "$missing" ]; then
    echo "$chart: note: dependencies not found: $(echo "$missing" | tr '\n' ' ')"
  fi
  cases=("")
  if [ -n "$values_glob" ]; then
    # shellcheck disable=SC2206
    cases=($(cd "$dest" && compgen -G "$values_glob" | sort || true))
    [ ${#cases[@]} -gt 0 ] || { echo "$chart: no values file matches $values_glob"; continue; }
  fi
  for values in "${cases[@]}"; do
    label="$chart${values:+ ($values)}"
    args=(release-name "$dest")
    [ -z "$values" ] || args+=(-f "$dest/$values")
    args+=("${extra[@]}")
    out="$work/$chart/out${values:+-${values//\//_}}"
    mkdir -p "$out"
    if ! "$helm" template "${args[@]}" >"$out/helm1" 2>"$out/helm.err"; then
      helm_failed=$((helm_failed + 1))
      if "$mailu_chart" template "${args[@]}" >"$out/ours" 2>"$out/ours.err"; then
        verdict="renders"
      elif [ "$(failure_message "$out/helm.err")" = "$(failure_message "$out/ours.err")" ]; then
        verdict="same message"
        same_failures=$((same_failures + 1))
      else
        verdict="other message; ours: $(failure_message "$out/ours.err" | grep -m1 . | cut -c1-300)"
      fi
      echo "$label: helm-error ($verdict): $(failure_message "$out/helm.err" | grep -m1 . | cut -c1-300)"
      continue
    fi
    if ! "$mailu_chart" template "${args[@]}" >"$out/ours" 2>"$out/ours.err"; then
      failed=$((failed + 1))
      kind=""
      if grep -q "not supported by helm-engine" "$out/ours.err"; then
        kind=" (function)"
        function_failures=$((function_failures + 1))
      fi
      echo "$label: error$kind: $(grep -m1 -v '^$' "$out/ours.err" | cut -c1-300)"
      continue
    fi
    # helm's second run comes after ours: a line from the clock that changed while ours ran
    # changes between helm's runs too, and is masked.
    "$helm" template "${args[@]}" >"$out/helm2" 2>/dev/null || true
    differences="$(compare "$out/helm1" "$out/helm2" "$out/ours")"
    if [ -z "$differences" ]; then
      identical=$((identical + 1))
      echo "$label: identical ($(wc -l <"$out/helm1") lines)"
    else
      different=$((different + 1))
      echo "$label: different"
      echo "$differences"
    fi
  done
done

rendered=$((identical + different + failed))
echo
echo "helm renders $rendered: $identical identical, $different different, $failed errors ($function_failures on unsupported functions); helm fails on $helm_failed, mailu-chart with the same message on $same_failures"
if [ "$rendered" -gt 0 ]; then
  awk -v i="$identical" -v r="$rendered" -v f="$function_failures" 'BEGIN {
    printf "identical: %.1f%% of what helm renders", 100 * i / r
    if (r > f) printf ", %.1f%% leaving out the unsupported-function errors", 100 * i / (r - f)
    printf "\n"
  }'
fi
