#!/usr/bin/env bash
# A real Kubernetes control plane on loopback for the end-to-end run: etcd, kube-apiserver (RBAC and the
# default admission plugins, Pod Security among them), kube-controller-manager and kube-scheduler, started
# by kwokctl's binary runtime from the binaries e2e/toolchain/build.sh builds. kwok simulates the nodes and
# their kubelets: pods that the scheduler places become Running and Ready, and pods of Jobs complete.
#
#   e2e/cluster.sh up      create the cluster (replacing a stale one), nodes, storage and the CRDs of the
#                          add-ons the e2e stack marks as preinstalled; prints the kubeconfig path
#   e2e/cluster.sh down    delete it
#   e2e/cluster.sh env     print KUBECONFIG=... and the context name, for your own kubectl
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache_root=${DEEPALPHA_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/deepalpha-e2e}
name=${DEEPALPHA_E2E_CLUSTER:-deepalpha-e2e}
state="$cache_root/clusters"
export KWOK_WORKDIR="$state/kwok"
kubeconfig="$state/$name.kubeconfig"
context="kwok-$name"

log() { printf '[cluster %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

bin=$("$here/toolchain/build.sh" | tail -n 1)
kctl() { "$bin/kubectl" --kubeconfig "$kubeconfig" --context "$context" "$@"; }

down() {
  if "$bin/kwokctl" get clusters 2>/dev/null | grep -qx "$name"; then
    log "deleting cluster $name"
    "$bin/kwokctl" delete cluster --name "$name" --kubeconfig "$kubeconfig" >&2
  fi
  rm -f "$kubeconfig"
}

up() {
  down
  mkdir -p "$state"
  log "creating cluster $name (Kubernetes $("$bin/kube-apiserver" --version | awk '{print $2}'))"
  "$bin/kwokctl" create cluster --name "$name" --runtime binary --kubeconfig "$kubeconfig" \
    --kube-apiserver-binary "$bin/kube-apiserver" \
    --kube-controller-manager-binary "$bin/kube-controller-manager" \
    --kube-scheduler-binary "$bin/kube-scheduler" \
    --kwok-controller-binary "$bin/kwok" \
    --etcd-binary "$bin/etcd" \
    --wait 3m >&2

  log "nodes and storage"
  node "$name-node-a" eu-central-1a
  node "$name-node-b" eu-central-1b
  storage

  log "CRDs of the preinstalled add-ons"
  kctl apply --server-side -f "$bin/crds.yaml" >&2
  kctl wait --for=condition=Established --timeout=120s crd --all >&2

  kctl get nodes -o wide >&2
  echo "$kubeconfig"
}

# A simulated node shaped like a kind/Docker Desktop worker of a developer's machine: 8 CPUs, 32 GiB, 2 MiB
# huge pages, zone and OS labels. kwok keeps it Ready and runs the pods the scheduler binds to it.
node() {
  kctl apply -f - >&2 <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $1
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    type: kwok
    kubernetes.io/hostname: $1
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/zone: $2
spec: {}
status:
  allocatable: {cpu: "8", memory: 32Gi, pods: "110", ephemeral-storage: 100Gi, hugepages-2Mi: 1Gi}
  capacity: {cpu: "8", memory: 32Gi, pods: "110", ephemeral-storage: 100Gi, hugepages-2Mi: 1Gi}
  nodeInfo: {architecture: amd64, operatingSystem: linux, kubeletVersion: fake, kubeProxyVersion: fake}
EOF
}

# The default StorageClass a kind cluster has, with statically provisioned volumes: the controller-manager
# binds each claim to a volume when its pod is scheduled (WaitForFirstConsumer), as on a real cluster.
storage() {
  local i manifest
  manifest=$(cat <<'EOF'
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Delete
EOF
)
  for i in $(seq -w 1 16); do
    manifest+=$(printf '\n---\napiVersion: v1\nkind: PersistentVolume\nmetadata: {name: e2e-pv-%s}\nspec:\n  storageClassName: standard\n  capacity: {storage: 50Gi}\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Retain\n  hostPath: {path: /var/lib/e2e-pv-%s}\n' "$i" "$i")
  done
  kctl apply -f - >&2 <<<"$manifest"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) echo "KUBECONFIG=$kubeconfig"; echo "context: $context" ;;
  *) echo "usage: $0 up|down|env" >&2; exit 2 ;;
esac
