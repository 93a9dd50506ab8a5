import { workloadPolicy } from "../lib/workloads";
import { read } from "../lib/values";

export const podNoPrivileged = workloadPolicy({
    name: "pod-no-privileged",
    description:
        "Containers must not run privileged (seed PodSecurityPolicy `privileged: false`; Pod Security Standards baseline/restricted, Privileged Containers).",
    check(pod, report) {
        for (const c of pod.containers) {
            if (read(c.c, "securityContext", "privileged") === true) report(`${c.label} sets securityContext.privileged: true`);
        }
    },
});
