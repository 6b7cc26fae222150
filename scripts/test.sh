#!/usr/bin/env bash
# The whole test suite: installs the oracles (real helm 4 and 3, kubernetes-validate), then
# runs every test with the oracles required, so that none can be skipped, plus clippy and
# rustfmt. This is the command CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(scripts/install-oracles.sh)"
export MAILU_CHART_REQUIRE_ORACLES=1 HELM_ENGINE_REQUIRE_ORACLES=1
# Custom resources are checked against their CRDs; where the project's shared schemas are
# present the check is required, so it cannot skip.
if [ -z "${MAILU_CHART_CRDS:-}" ] && [ -d ../shared/schemas ]; then
  export MAILU_CHART_CRDS="$PWD/../shared/schemas"
fi
if [ -n "${MAILU_CHART_CRDS:-}" ]; then
  export MAILU_CHART_REQUIRE_CRDS=1
fi

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --all-targets --locked
# --all-targets leaves out documentation examples; they must compile too.
cargo test --workspace --doc --locked
# The fuzz targets (a crate of their own, built with libFuzzer) must build, and each runs once
# over its seed inputs: libFuzzer given files runs them without fuzzing, so a target that no
# longer compiles or that panics on a known input fails here rather than in a fuzzing session.
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
cargo build --manifest-path fuzz/Cargo.toml --locked --target-dir "$target_dir"
"$target_dir/debug/values_reader" values-examples/*.yaml
"$target_dir/debug/set_flags" fuzz/seeds/set_flags/*
"$target_dir/debug/lexer_parser" crates/helm-engine/tests/conformance/*/chart/templates/*.yaml
"$target_dir/debug/yaml_readers" values-examples/*.yaml crates/helm-engine/tests/conformance/*/expected.txt \
  crates/helm-engine/tests/conformance/*/chart/values.yaml
