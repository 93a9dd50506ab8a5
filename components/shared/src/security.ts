// Pod Security Standards "restricted" settings, applied to every container the program writes itself
// (kubernetes.io/docs/concepts/security/pod-security-standards/#restricted).
import type * as k8s from "@pulumi/kubernetes";

type PodSecurityContext = k8s.types.input.core.v1.PodSecurityContext;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;

/** Pod-level: non-root with a fixed UID/GID, RuntimeDefault seccomp, volumes owned by the group. */
export function restrictedPodSecurity(uid = 10001, gid = uid): PodSecurityContext {
    return {
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: gid,
        fsGroup: gid,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Container-level: no privilege, no escalation, no capabilities, read-only root file system. */
export function restrictedContainerSecurity(): SecurityContext {
    return {
        privileged: false,
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Pod Security Admission labels that enforce, audit and warn at one level. */
export function podSecurityLabels(level: "restricted" | "baseline" | "privileged"): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": level,
        "pod-security.kubernetes.io/warn": level,
    };
}
