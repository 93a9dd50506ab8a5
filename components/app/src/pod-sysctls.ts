// Per-pod kernel settings of the latency tiers, all inside the Pod Security Standards restricted profile:
// only namespaced sysctls Kubernetes counts as safe, so no privileged container, no unsafe sysctl and no
// kubelet --allowed-unsafe-sysctls is needed. docs/performance-tuning.md gives the reasoning per value.
import { POD_TCP_KEEPALIVE } from "@deepalpha/shared";

/** A pod securityContext sysctl: both are strings in the Kubernetes API. */
export interface Sysctl {
    name: string;
    value: string;
}

/**
 * The safe set on every Kubernetes version the program supports (1.32-1.35): the kubelet allows these without
 * --allowed-unsafe-sysctls (kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster), and Pod Security
 * admission's baseline check (which restricted includes) admits exactly these from v1.32 on
 * (pod-security-admission, check_sysctls.go: sysctlsAllowedV1Dot32). tcp_rmem/tcp_wmem joined both in 1.32.
 */
export const SAFE_SYSCTLS = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
] as const;

/**
 * Ephemeral ports for the pod's outgoing connections: 55K instead of the kernel's 28K (32768-60999), so a
 * reconnect storm to the exchange or Redis, with closed sockets waiting 60 s in TIME_WAIT, does not run out.
 * Starts above every port the pods listen on (8001, 9100).
 */
export const POD_LOCAL_PORT_RANGE = "10240 65535";

const keepalive: Sysctl[] = [
    { name: "net.ipv4.tcp_keepalive_time", value: String(POD_TCP_KEEPALIVE.timeSeconds) },
    { name: "net.ipv4.tcp_keepalive_intvl", value: String(POD_TCP_KEEPALIVE.intervalSeconds) },
    { name: "net.ipv4.tcp_keepalive_probes", value: String(POD_TCP_KEEPALIVE.probes) },
];

/** WebSocket pods: 10K client connections each, through the gateway. */
export function websocketSysctls(): Sysctl[] {
    return [
        ...keepalive,
        { name: "net.ipv4.ip_local_port_range", value: POD_LOCAL_PORT_RANGE },
        // A draining pod closes 10K connections at once: orphaned sockets waiting for the peer's FIN are freed
        // after 15 s instead of 60 s.
        { name: "net.ipv4.tcp_fin_timeout", value: "15" },
        // Send ceiling 1 MiB (kernel default 4 MiB): a stalled client pins at most 1 MiB of socket memory, which
        // cgroup v2 charges to this 2 GiB pod; market-data messages are small, so the ceiling costs nothing.
        { name: "net.ipv4.tcp_wmem", value: "4096 16384 1048576" },
    ];
}

/** Executor pods: a few long-lived connections to the exchange through the NAT gateway, PostgreSQL, Redis. */
export function executorSysctls(): Sysctl[] {
    // Buffers: the executor node's 16 MiB ceilings are copied into the pod's namespace at its creation.
    return [...keepalive, { name: "net.ipv4.ip_local_port_range", value: POD_LOCAL_PORT_RANGE }];
}
