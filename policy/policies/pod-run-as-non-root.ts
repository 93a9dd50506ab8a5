import { UNKNOWN } from "../lib/values";
import { effective, workloadPolicy } from "../lib/workloads";

export const podRunAsNonRoot = workloadPolicy({
    name: "pod-run-as-non-root",
    description:
        "Every container must run as non-root: runAsNonRoot: true (pod or container level) and no runAsUser 0 (seed PodSecurityPolicy `runAsUser: MustRunAsNonRoot`; Pod Security Standards restricted, Running as Non-root).",
    check(pod, report) {
        for (const c of pod.containers) {
            const nonRoot = effective(pod, c.c, "runAsNonRoot");
            if (nonRoot !== true && nonRoot !== UNKNOWN) report(`${c.label}: runAsNonRoot must be true on the pod or the container (is ${nonRoot === undefined ? "unset" : JSON.stringify(nonRoot)})`);
            if (effective(pod, c.c, "runAsUser") === 0) report(`${c.label} runs as UID 0 (runAsUser: 0)`);
        }
    },
});
