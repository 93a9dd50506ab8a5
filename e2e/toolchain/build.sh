#!/usr/bin/env bash
# Builds every binary the end-to-end run needs from the Go module proxy, through the wrapper modules beside
# this script, and caches them outside the repository. Each part is rebuilt only when its wrapper module
# (versions, go.sum, main files) or the Go toolchain changes.
#
#   e2e/toolchain/build.sh            build what is missing; the last line printed is the bin directory
#   e2e/toolchain/build.sh helm       build (or find) that one part only; the last line printed is its folder
#   DEEPALPHA_E2E_CACHE=DIR ...       cache root (default: ${XDG_CACHE_HOME:-~/.cache}/deepalpha-e2e)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"
cache_root=${DEEPALPHA_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/deepalpha-e2e}
export GOTOOLCHAIN=local GOFLAGS="-mod=readonly -trimpath -buildvcs=false" CGO_ENABLED=0
go_version=$(go env GOVERSION)
mkdir -p "$cache_root"

log() { printf '[toolchain %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# The cache key of a part: the content of its wrapper module, the text of its build function, versions.env
# and the Go version. Editing another part's function rebuilds only that part.
part_key() {
  (cd "$here" && find "$1" -type f -print0 | sort -z | xargs -0 sha256sum
   declare -f "$2"; sha256sum versions.env; echo "$go_version") | sha256sum | cut -c1-16
}

# build_part NAME BUILD_FUNCTION: runs the function in a scratch copy of the wrapper module, with $out the
# part's cache folder; the part counts as built only when the function succeeded.
build_part() {
  local name=$1 fn=$2 key out work started
  key=$(part_key "$name" "$fn")
  out="$cache_root/$name-$key"
  if [[ -f "$out/.complete" ]]; then
    log "$name: cached ($out)"
  else
    log "$name: building"
    started=$(date +%s)
    rm -rf "$out" && mkdir -p "$out"
    work=$(mktemp -d)
    cp -r "$here/$name/." "$work/"
    # The Go tools' own output (module downloads, mostly) goes to a log beside the part; on failure its
    # end is printed. The function runs as a job of its own: in a tested context (`if`, `||`) bash would
    # ignore `set -e` inside it, and a failed step would not stop the part.
    (cd "$work" && "$fn" "$out") >"$out.log" 2>&1 &
    if ! wait $!; then
      tail -n 40 "$out.log" >&2
      log "$name: failed (full log: $out.log)"
      return 1
    fi
    rm -rf "$work"
    touch "$out/.complete"
    log "$name: built in $(( $(date +%s) - started )) s"
  fi
  parts+=("$out")
}

# module_dir MODULE[@VERSION]: the module's folder in the module cache, downloaded first if need be (go list
# -m alone prints no folder for a module that is required but not yet downloaded, as on a new machine).
module_dir() {
  go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'
}

# require_version MODULE VERSION: the wrapper's go.mod and versions.env must name the same release.
require_version() {
  local got
  got=$(go list -m -f '{{.Version}}' "$1")
  [[ "$got" == "$2" ]] || { log "versions.env says $2 for $1, the wrapper's go.mod requires $got"; return 1; }
}

kubernetes() {
  local v=$KUBERNETES_VERSION minor pkg ldflags=""
  require_version k8s.io/kubernetes "$v"
  minor=${v#v1.}; minor=${minor%%.*}
  # kwok and the provider read these versions; unstamped binaries report v0.0.0.
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$v -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  go build -ldflags "$ldflags" -o "$1/" k8s.io/kubernetes/cmd/kube-apiserver \
    k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
}

etcd() { go build -o "$1/etcd" go.etcd.io/etcd/server/v3; }

kwok() {
  local pkg=sigs.k8s.io/kwok/pkg/consts
  require_version sigs.k8s.io/kwok "$KWOK_VERSION"
  go build -ldflags "-X $pkg.Version=${KWOK_VERSION#v} -X $pkg.KubeVersion=${KUBERNETES_VERSION#v}" \
    -o "$1/" sigs.k8s.io/kwok/cmd/kwok sigs.k8s.io/kwok/cmd/kwokctl
}

pulumi() {
  require_version github.com/pulumi/pulumi/pkg/v3 "$PULUMI_VERSION"
  go build -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
    -o "$1/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
}

pulumi_kubernetes() {
  local mod
  # The schema files are committed upstream beside the provider's main; only they are taken, at build time.
  mod=$(module_dir github.com/pulumi/pulumi-kubernetes/provider/v4)
  cp "$mod/cmd/pulumi-resource-kubernetes/schema.json" "$mod/cmd/pulumi-resource-kubernetes/terraform-mapping.json" .
  go build -ldflags "-X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$KUBERNETES_PROVIDER_VERSION" \
    -o "$1/pulumi-resource-kubernetes" .
}

pulumi_random() {
  local stamp="-X deepalpha.local/e2e/pulumi-random/providerinfo.Version=$RANDOM_PROVIDER_VERSION"
  # The bridge's generator writes the package schema and bridge metadata; the provider embeds both.
  go build -ldflags "$stamp" -o tfgen ./cmd/pulumi-tfgen-random
  PULUMI_CONVERT=0 PULUMI_MISSING_DOCS_ERROR=false PULUMI_SKIP_MISSING_MAPPING_ERROR=true \
    ./tfgen schema --out cmd/pulumi-resource-random >tfgen.log 2>&1 || { cat tfgen.log >&2; return 1; }
  [[ -f cmd/pulumi-resource-random/bridge-metadata.json ]] || echo '{}' >cmd/pulumi-resource-random/bridge-metadata.json
  go build -ldflags "$stamp" -o "$1/pulumi-resource-random" ./cmd/pulumi-resource-random
}

cert_manager() {
  local v
  # Stamped like upstream's release build, so the controller reports (and its user agent carries) the
  # version it was built from.
  v=$(go list -m -f '{{.Version}}' github.com/cert-manager/cert-manager)
  go build -ldflags "-X github.com/cert-manager/cert-manager/pkg/util.AppVersion=$v" -o "$1/cert-manager-controller" .
}

crds() {
  local mon gw cm f
  go build -o controller-gen sigs.k8s.io/controller-tools/cmd/controller-gen
  # PodMonitor, ServiceMonitor, PrometheusRule and the rest of monitoring.coreos.com/v1, without descriptions.
  ./controller-gen crd:maxDescLen=0,allowDangerousTypes=true \
    paths=github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1 output:crd:dir=monitoring
  cm=$(module_dir github.com/cert-manager/cert-manager)
  gw=$(module_dir "sigs.k8s.io/gateway-api@$GATEWAY_API_VERSION")
  for f in "$gw"/config/crd/standard/*.yaml "$cm"/deploy/crds/*.yaml monitoring/*.yaml; do
    printf -- '---\n# %s\n' "${f##*/}"; sed '/^---$/d' "$f"
  done >"$1/crds.yaml"
}

# Helm 4 for `npm run charts:check` (scripts/charts-check.ts renders each pinned chart with `helm template`).
helm_cli() {
  require_version helm.sh/helm/v4 "$HELM_VERSION"
  go build -ldflags "-X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" -o "$1/helm" helm.sh/helm/v4/cmd/helm
}

# The whole run is one function, so bash has read all of it before it starts: editing this file while a
# build runs cannot change what that build does.
main() {
  parts=()
  if [[ "${1:-}" == helm ]]; then
    build_part helm helm_cli
    echo "${parts[0]}"
    return
  elif [[ $# -gt 0 ]]; then
    echo "usage: build.sh [helm]" >&2
    return 2
  fi
  build_part kubernetes kubernetes
  build_part etcd etcd
  build_part kwok kwok
  build_part pulumi pulumi
  build_part pulumi-kubernetes pulumi_kubernetes
  build_part pulumi-random pulumi_random
  build_part crds crds
  build_part cert-manager cert_manager
  build_part helm helm_cli

  # One folder with every file the parts made (binaries, crds.yaml), named by the parts it links to.
  bin="$cache_root/bin-$(printf '%s\n' "${parts[@]}" | sha256sum | cut -c1-16)"
  if [[ ! -d "$bin" ]]; then
    mkdir -p "$bin.tmp"
    for p in "${parts[@]}"; do
      for f in "$p"/*; do ln -sf "$f" "$bin.tmp/"; done
    done
    mv "$bin.tmp" "$bin"
  fi
  echo "$bin"
}

main "$@"
