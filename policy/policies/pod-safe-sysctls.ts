import { list, read, UNKNOWN } from "../lib/values";
import { workloadPolicy } from "../lib/workloads";

/**
 * Pod Security Standards baseline, Sysctls, as Pod Security admission applies it from Kubernetes v1.32
 * (pod-security-admission check_sysctls.go, sysctlsAllowedV1Dot32): the namespaced sysctls that are isolated
 * from other pods. The kubelet's safe set on 1.32+ is the same list. Repeated from components/app/src/pod-sysctls.ts
 * because the pack is its own package; test/policy.spec.ts proves they agree.
 */
export const SAFE_SYSCTLS: readonly string[] = [
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
];

export const podSafeSysctls = workloadPolicy({
    name: "pod-safe-sysctls",
    description:
        "Pods may set only the sysctls Kubernetes counts as safe (namespaced and isolated from other pods): spec.securityContext.sysctls names from the Pod Security Standards baseline list, v1.32 (Pod Security Standards baseline/restricted, Sysctls).",
    check(pod, report) {
        const sysctls = list(pod.spec, "securityContext", "sysctls");
        if (sysctls === UNKNOWN) return;
        for (const s of sysctls) {
            const name = read(s, "name");
            if (name === UNKNOWN) continue;
            if (typeof name !== "string" || !SAFE_SYSCTLS.includes(name)) report(`sets the unsafe sysctl ${JSON.stringify(name)} (allowed: ${SAFE_SYSCTLS.join(", ")})`);
        }
    },
});
