import { read, UNKNOWN } from "../lib/values";
import { workloadPolicy } from "../lib/workloads";

export const podNoPrivilegeEscalation = workloadPolicy({
    name: "pod-no-privilege-escalation",
    description:
        "Every container must set securityContext.allowPrivilegeEscalation: false (seed PodSecurityPolicy `allowPrivilegeEscalation: false`; Pod Security Standards restricted, Privilege Escalation).",
    check(pod, report) {
        for (const c of pod.containers) {
            const v = read(c.c, "securityContext", "allowPrivilegeEscalation");
            // Unset means allowed (the kubelet default), so only an explicit false passes.
            if (v !== false && v !== UNKNOWN) report(`${c.label}: securityContext.allowPrivilegeEscalation must be false (is ${v === undefined ? "unset" : JSON.stringify(v)})`);
        }
    },
});
