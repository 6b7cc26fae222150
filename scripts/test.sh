#!/usr/bin/env bash
# The whole test suite: installs the oracles (real helm 4 and 3, kubernetes-validate), then
# runs every test with the oracles required, so that none can be skipped, plus clippy and
# rustfmt. This is the command CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

eval "$(scripts/install-oracles.sh)"
export MAILU_CHART_REQUIRE_ORACLES=1 HELM_ENGINE_REQUIRE_ORACLES=1
if [ -z "${MAILU_CHART_TRAEFIK_CRDS:-}" ] && [ -f ../shared/schemas/traefik-crds.yaml ]; then
  export MAILU_CHART_TRAEFIK_CRDS="$PWD/../shared/schemas/traefik-crds.yaml"
fi

cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --all-targets --locked
# --all-targets leaves out documentation examples; they must compile too.
cargo test --workspace --doc --locked
