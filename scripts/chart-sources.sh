#!/usr/bin/env bash
# Assembles the sources of the ten pinned Helm charts (and the subcharts their Chart.yaml depends on) from git
# mirrors of the charts' public source repositories, at their release tags, for `npm run charts:check`.
# Nothing is downloaded: every file comes out of a local git mirror with `git archive`. The result lives outside
# the repository (upstream files are never committed) and is rebuilt from scratch on every run.
#
#   scripts/chart-sources.sh MIRRORS [DEST]
#
# MIRRORS holds one git directory per repository, as <owner>+<name>/repo or <owner>+<name> (bare or not).
# DEST defaults to ${XDG_CACHE_HOME:-~/.cache}/deepalpha-charts; each chart lands in DEST/<chart>-<version>/,
# its dependencies in DEST/<chart>-<version>/charts/<dependency>/. The last line printed is DEST.
# test/chart-sources.spec.ts checks that the table below names exactly the versions the program pins.
set -euo pipefail

usage() { echo "usage: scripts/chart-sources.sh MIRRORS [DEST]   (MIRRORS: directory of <owner>+<name>/repo git mirrors)" >&2; exit 2; }
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
MIRRORS=$1
DEST=${2:-${XDG_CACHE_HOME:-$HOME/.cache}/deepalpha-charts}
[ -d "$MIRRORS" ] || { echo "chart-sources: MIRRORS '$MIRRORS' is not a directory" >&2; exit 2; }

# chart  version  repository  tag  path-in-repository
CHARTS=(
    "kube-prometheus-stack 88.5.3 prometheus-community/helm-charts kube-prometheus-stack-88.5.3 charts/kube-prometheus-stack"
    "prometheus-postgres-exporter 8.2.0 prometheus-community/helm-charts prometheus-postgres-exporter-8.2.0 charts/prometheus-postgres-exporter"
    "prometheus-redis-exporter 6.29.0 prometheus-community/helm-charts prometheus-redis-exporter-6.29.0 charts/prometheus-redis-exporter"
    "jaeger 4.11.1 jaegertracing/helm-charts jaeger-4.11.1 charts/jaeger"
    "eck-operator 3.5.0 elastic/cloud-on-k8s v3.5.0 deploy/eck-operator"
    "fluent-bit 0.58.1 fluent/helm-charts fluent-bit-0.58.1 charts/fluent-bit"
    "metrics-server 3.13.1 kubernetes-sigs/metrics-server metrics-server-helm-chart-3.13.1 charts/metrics-server"
    "cluster-autoscaler 9.59.0 kubernetes/autoscaler cluster-autoscaler-chart-9.59.0 cluster-autoscaler/charts/cluster-autoscaler"
    "nginx-gateway-fabric 2.6.7 nginx/nginx-gateway-fabric v2.6.7 charts/nginx-gateway-fabric"
    "cert-manager v1.21.1 cert-manager/cert-manager v1.21.1 deploy/charts/cert-manager"
)

# parent-chart  dependency  version  repository  tag  path-in-repository
# Subcharts that ship inside the parent's tree (kube-prometheus-stack's crds, eck-operator's eck-operator-crds)
# come with it. The others are the versions the parent's Chart.yaml pins; where it gives a range, the note says
# which version and why.
DEPENDENCIES=(
    "kube-prometheus-stack kube-state-metrics 8.4.0 prometheus-community/helm-charts kube-state-metrics-8.4.0 charts/kube-state-metrics"
    "kube-prometheus-stack prometheus-node-exporter 4.56.1 prometheus-community/helm-charts prometheus-node-exporter-4.56.1 charts/prometheus-node-exporter"
    # grafana moved to grafana-community/helm-charts; 88.5.3's Chart.yaml names that repository.
    "kube-prometheus-stack grafana 12.11.1 grafana-community/helm-charts grafana-12.11.1 charts/grafana"
    # Chart.yaml asks for 0.12.*: the highest 0.12 release, 0.12.8 (tagged before 88.5.3). Windows monitoring is
    # off in both stacks, so it renders nothing; Helm only needs it present.
    "kube-prometheus-stack prometheus-windows-exporter 0.12.8 prometheus-community/helm-charts prometheus-windows-exporter-0.12.8 charts/prometheus-windows-exporter"
    # Chart.yaml asks for 2.x.x and Chart.lock says 2.34.0, which only exists as Bitnami's packaged chart: the
    # public bitnami/charts repository ends at 2.31.10 (tag common/2.31.10). jaeger 4.11.1 uses four of its helpers
    # (common.images.image, common.images.renderPullSecrets, common.capabilities.cronjob.apiVersion,
    # common.ingress.backend), which render the same image references and API versions in both.
    "jaeger common 2.31.10 bitnami/charts common/2.31.10 bitnami/common"
)

die() { echo "chart-sources: $*" >&2; exit 1; }

# The git directory of a mirror: <owner>+<name>/repo, or <owner>+<name> itself.
mirror() {
    local d="$MIRRORS/${1/\//+}"
    if [ -d "$d/repo" ] && git -C "$d/repo" rev-parse --git-dir >/dev/null 2>&1; then echo "$d/repo"; return; fi
    if [ -d "$d" ] && git -C "$d" rev-parse --git-dir >/dev/null 2>&1; then echo "$d"; return; fi
    die "no git mirror of $1 under $MIRRORS (expected ${1/\//+}/repo)"
}

# extract REPO TAG PATH TARGET: the tree at TAG:PATH into TARGET (which must not exist yet). A symbolic link to
# elsewhere in the repository (nginx-gateway-fabric's crds -> ../../config/crd/bases) becomes a copy of what it
# points to, as `helm package` does when it builds the published chart.
extract() {
    local git_dir repo=$1 tag=$2 path=$3 target=$4
    git_dir=$(mirror "$repo")
    git -C "$git_dir" rev-parse --verify --quiet "refs/tags/$tag^{commit}" >/dev/null || die "$repo has no tag $tag (fetch the mirror again?)"
    [ "$(git -C "$git_dir" cat-file -t "$tag:$path" 2>/dev/null)" = tree ] || die "$repo $tag has no directory $path"
    # A snapshot mirror may lack its largest blobs: every file of the chart must be there (git archive would only
    # warn, and also about absent files outside the path, hence its stderr is dropped below).
    local mode type obj f missing=0 links=()
    while IFS=$'\t' read -r meta f; do
        read -r mode type obj <<<"$meta"
        [ "$type" = blob ] || continue
        git -C "$git_dir" cat-file -e "$obj" 2>/dev/null || { echo "chart-sources: $repo $tag: $f is absent from the mirror" >&2; missing=1; continue; }
        [ "$mode" = 120000 ] && links+=("$f")
    done < <(git -C "$git_dir" ls-tree -r "$tag" -- "$path")
    [ "$missing" = 0 ] || die "$repo $tag:$path is incomplete in $git_dir"
    mkdir -p "$target"
    local depth
    depth=$(awk -F/ '{print NF}' <<<"$path")
    git -C "$git_dir" archive --format=tar "$tag" -- "$path" 2>/dev/null | tar -x -C "$target" --strip-components="$depth"
    local link to
    for f in "${links[@]}"; do
        link=$(git -C "$git_dir" cat-file -p "$tag:$f")
        to=$(realpath -m -s --relative-to=/ "/$(dirname "$f")/$link")
        case "$link" in /*) die "$repo $tag: $f links to the absolute path $link" ;; esac
        rm "$target/${f#"$path"/}"
        if [ "$(git -C "$git_dir" cat-file -t "$tag:$to" 2>/dev/null)" = tree ]; then
            extract "$repo" "$tag" "$to" "$target/${f#"$path"/}"
        else
            git -C "$git_dir" cat-file -e "$tag:$to" 2>/dev/null || die "$repo $tag: $f links to $to, which is not in the repository"
            git -C "$git_dir" cat-file -p "$tag:$to" >"$target/${f#"$path"/}"
        fi
    done
}

# The `version:` of a Chart.yaml (top-level key, quotes removed).
chart_version() { awk '/^version:/ { v = $2; gsub(/["\x27]/, "", v); print v; exit }' "$1/Chart.yaml"; }

# cert-manager keeps version and appVersion at v0.0.0 in git; its release build (make/manifests.mk, target
# $(bin_dir)/helm/cert-manager/Chart.yaml, then `helm package --version --app-version`) sets both to the release
# version, and the templates take the image tags from .Chart.AppVersion. The same substitution, without yq; the
# remaining steps there only copy files (templates, values, schema, .helmignore) or write the README.
cert_manager_release() {
    local dir=$1 version=$2
    if ! grep -q '^version: v0.0.0$' "$dir/Chart.yaml" || ! grep -q '^appVersion: v0.0.0$' "$dir/Chart.yaml"; then
        die "cert-manager $version: Chart.yaml no longer carries the v0.0.0 placeholders; check make/manifests.mk"
    fi
    sed -i -e "s/^version: v0.0.0$/version: $version/" -e "s/^appVersion: v0.0.0$/appVersion: $version/" "$dir/Chart.yaml"
    rm -rf "$dir/tests" "$dir/values.linter.exceptions" "$dir/signkey_annotation.txt"
    sed -e "s:{{RELEASE_VERSION}}:$version:g" "$dir/README.template.md" >"$dir/README.md" && rm "$dir/README.template.md"
}

mkdir -p "$DEST"
STAGE=$(mktemp -d "$DEST/.stage.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT

for row in "${CHARTS[@]}"; do
    read -r chart version repo tag path <<<"$row"
    dir="$STAGE/$chart-$version"
    extract "$repo" "$tag" "$path" "$dir"
    [ -f "$dir/Chart.yaml" ] || die "$chart: $repo $tag:$path has no Chart.yaml"
    [ "$chart" = cert-manager ] && cert_manager_release "$dir" "$version"
    got=$(chart_version "$dir")
    [ "$got" = "$version" ] || die "$chart: $repo $tag:$path/Chart.yaml says version $got, the program pins $version"
done

for row in "${DEPENDENCIES[@]}"; do
    read -r parent dep version repo tag path <<<"$row"
    pdir=$(echo "$STAGE/$parent-"*)
    [ -d "$pdir" ] || die "$dep: parent chart $parent is not in the table"
    grep -q "^  - name: $dep\$" "$pdir/Chart.yaml" || die "$parent's Chart.yaml does not depend on $dep"
    dir="$pdir/charts/$dep"
    extract "$repo" "$tag" "$path" "$dir"
    [ -f "$dir/Chart.yaml" ] || die "$parent/$dep: $repo $tag:$path has no Chart.yaml"
    got=$(chart_version "$dir")
    [ "$got" = "$version" ] || die "$parent/$dep: $repo $tag:$path/Chart.yaml says version $got, expected $version"
done

# Every dependency a Chart.yaml declares is present (Helm refuses to render a chart with one missing).
for row in "${CHARTS[@]}"; do
    read -r chart version _ <<<"$row"
    dir="$STAGE/$chart-$version"
    while read -r dep; do
        [ -f "$dir/charts/$dep/Chart.yaml" ] || die "$chart $version depends on $dep, which is not under its charts/"
    done < <(awk '/^dependencies:/ { on = 1; next } /^[^ -]/ { on = 0 } on && /^ *- name:/ { print $3 }' "$dir/Chart.yaml")
done

for row in "${CHARTS[@]}"; do
    read -r chart version repo tag _ <<<"$row"
    rm -rf "${DEST:?}/$chart-$version"
    mv "$STAGE/$chart-$version" "$DEST/"
    printf '%-30s %-9s %s@%s\n' "$chart" "$version" "$repo" "$tag"
done
echo "$DEST"
