// Kernel, TCP and runtime tuning of the nodes, delivered through the AL2023 user data both managed node groups
// boot with (MIME multi-part; EKS adds the cluster's own NodeConfig part, nodeadm merges them). Pure: the
// launch templates and the tests call these builders. docs/performance-tuning.md explains every value.
//
// What a node-level sysctl reaches: the node's own (initial) network namespace. A pod's namespace starts from
// kernel defaults, except for the values the kernel copies from the initial namespace when a namespace is
// created: the TCP congestion control and net.ipv4.tcp_rmem/tcp_wmem (both per namespace since Linux 4.15).
// Global values (net.core.*, the per-CPU backlog) apply to every packet on the node. Keepalive, FIN timeout and
// local port range are per namespace and not copied: those are set on the pods themselves (components/app).

export type NodeRole = "general" | "executor";

export interface Sysctl {
    value: string;
    /** One line: why this value, for this load. */
    why: string;
}

/** Both node groups. */
const COMMON: Record<string, Sysctl> = {
    "net.core.default_qdisc": {
        value: "fq",
        why: "fair queueing with pacing, the queueing discipline BBR is designed for; applies to interfaces attached after boot (the secondary ENIs the VPC CNI adds); on eth0 BBR paces by itself",
    },
    "net.ipv4.tcp_congestion_control": {
        value: "bbr",
        why: "keeps throughput and queueing delay steady on lossy internet paths (WebSocket clients, exchange APIs) where loss-based CUBIC backs off; every pod namespace created afterwards inherits it",
    },
    "net.core.netdev_max_backlog": {
        value: "16384",
        why: "per-CPU input queue (default 1000) that every pod packet crossing its veth pair goes through: a reconnect storm of 10K WebSocket clients must not be dropped there",
    },
};

/** Executor nodes only: few, long-lived, high-volume connections to exchanges across the internet. */
const EXECUTOR: Record<string, Sysctl> = {
    "net.core.rmem_max": { value: "16777216", why: "16 MiB ceiling for a socket that sets SO_RCVBUF itself (default 208 KiB)" },
    "net.core.wmem_max": { value: "16777216", why: "16 MiB ceiling for a socket that sets SO_SNDBUF itself (default 208 KiB)" },
    "net.ipv4.tcp_rmem": {
        value: "4096 131072 16777216",
        why: "autotuning may grow a receive window to 16 MiB (6 MiB by default on the 6.1/6.12 kernels of the EKS AL2023 AMIs): one market-data stream over a 130 ms path to the exchange can then approach 1 Gbit/s; copied into the executor pod's namespace",
    },
    "net.ipv4.tcp_wmem": {
        value: "4096 16384 16777216",
        why: "the same for the send side (default max 4 MiB), for order bursts over the same long path",
    },
};

/**
 * The sysctls each node group's user data writes to /etc/sysctl.d and applies. The general nodes keep the
 * kernel's buffer defaults: they carry thousands of mostly idle WebSocket sockets, where a larger ceiling only
 * raises the worst-case memory a slow client can pin (the WebSocket pods lower their own send ceiling).
 */
export function nodeSysctls(role: NodeRole): Record<string, Sysctl> {
    return role === "executor" ? { ...COMMON, ...EXECUTOR } : { ...COMMON };
}

/**
 * RLIMIT_NOFILE of every container, set through nodeadm's containerd base runtime spec (NodeConfig
 * spec.containerd.baseRuntimeSpec, merged over nodeadm's default spec). These are nodeadm's own defaults,
 * pinned here so an AMI change cannot lower them unnoticed: 10K client sockets plus Redis, log and listening
 * descriptors fit the soft limit; a process may raise its soft limit up to the hard one without privilege.
 */
export const CONTAINER_NOFILE = { soft: 65536, hard: 1048576 } as const;

/**
 * kube-proxy, not the user data, owns net.netfilter.nf_conntrack_max: at start it writes
 * max(conntrack.maxPerCore x CPUs, conntrack.min) over whatever the node set. EKS's kube-proxy add-on uses the
 * upstream defaults (32768 per core, minimum 131072) and offers no setting for them (aws/containers-roadmap#2318).
 */
export const KUBE_PROXY_CONNTRACK = { maxPerCore: 32768, min: 131072 } as const;
export const conntrackMax = (vcpus: number) => Math.max(KUBE_PROXY_CONNTRACK.maxPerCore * vcpus, KUBE_PROXY_CONNTRACK.min);

export const MIME_BOUNDARY = "==DEEPALPHA==";
export const SYSCTL_FILE = "/etc/sysctl.d/90-deepalpha-network.conf";
export const HUGEPAGES_SYSCTL_FILE = "/etc/sysctl.d/90-deepalpha-hugepages.conf";

export interface NodeUserDataOptions {
    /** Executor only: 2 MiB huge pages reserved at boot. */
    hugepages2Mi?: number;
}

function nodeConfig(role: NodeRole): string {
    const lines = ["apiVersion: node.eks.aws/v1alpha1", "kind: NodeConfig", "spec:"];
    if (role === "executor") {
        // The kubelet's static CPU manager gives Guaranteed pods with integer CPUs exclusive cores (the seed's CPU
        // affinity); full-pcpus-only keeps SMT siblings from being split between pods; the single-numa-node
        // topology manager keeps a pod's CPUs and huge pages on one NUMA node (the seed's NUMA tuning).
        // nodeadm's default kubeReserved CPU satisfies the static policy's need for reserved CPUs.
        lines.push(
            "  kubelet:",
            "    config:",
            "      cpuManagerPolicy: static",
            "      cpuManagerPolicyOptions:",
            '        full-pcpus-only: "true"',
            "      topologyManagerPolicy: single-numa-node",
            "      topologyManagerScope: pod",
        );
    }
    lines.push(
        "  containerd:",
        "    baseRuntimeSpec:",
        "      process:",
        "        rlimits:",
        "          - type: RLIMIT_NOFILE",
        `            soft: ${CONTAINER_NOFILE.soft}`,
        `            hard: ${CONTAINER_NOFILE.hard}`,
    );
    return lines.join("\n");
}

function script(role: NodeRole, o: NodeUserDataOptions): string {
    const sysctls = nodeSysctls(role);
    const lines = ["#!/bin/bash", "set -euo pipefail"];
    if (role === "executor") {
        // First, so the executor's huge pages exist even if a later step fails. nodeadm starts the kubelet only
        // after cloud-init's scripts (nodeadm-run.service runs after cloud-final), so the kubelet advertises
        // hugepages-2Mi from its first start.
        const pages = o.hugepages2Mi ?? 0;
        lines.push(`echo "vm.nr_hugepages = ${pages}" > ${HUGEPAGES_SYSCTL_FILE}`, `sysctl -w vm.nr_hugepages=${pages}`);
    }
    lines.push(
        // BBR is a module: load it now and at every boot (systemd-modules-load runs before systemd-sysctl). On a
        // kernel without it the script stops here, visibly, in /var/log/cloud-init-output.log.
        "modprobe tcp_bbr",
        "echo tcp_bbr > /etc/modules-load.d/90-deepalpha-bbr.conf",
        `cat > ${SYSCTL_FILE} <<'EOF'`,
        ...Object.entries(sysctls).map(([k, s]) => `${k} = ${s.value}`),
        "EOF",
        `sysctl -p ${SYSCTL_FILE}`,
    );
    return lines.join("\n");
}

/** The user data of one node group: a nodeadm NodeConfig part, then the tuning script. */
export function nodeUserData(role: NodeRole, o: NodeUserDataOptions = {}): string {
    return [
        "MIME-Version: 1.0",
        `Content-Type: multipart/mixed; boundary="${MIME_BOUNDARY}"`,
        "",
        `--${MIME_BOUNDARY}`,
        "Content-Type: application/node.eks.aws",
        "",
        nodeConfig(role),
        "",
        `--${MIME_BOUNDARY}`,
        'Content-Type: text/x-shellscript; charset="us-ascii"',
        "",
        script(role, o),
        "",
        `--${MIME_BOUNDARY}--`,
        "",
    ].join("\n");
}
