import { has } from "../lib/values";
import { workloadPolicy } from "../lib/workloads";

export const workloadProbes = workloadPolicy({
    name: "workload-probes",
    description:
        "Every container of a long-running workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, restartable Pod; not Jobs or CronJobs) must have a liveness and a readiness probe (the seed's API probes on /health and /ready; EKS Best Practices, reliability: health checks).",
    // An upstream controller whose binary or chart offers no probe (cert-manager's cainjector has no health endpoint).
    check(pod, report) {
        if (!pod.longRunning) return;
        for (const c of pod.containers) {
            if (c.role !== "container") continue;
            const missing = ["livenessProbe", "readinessProbe"].filter((p) => !has(c.c, p));
            if (missing.length) report(`${c.label} has no ${missing.join(" and no ")}`);
        }
    },
});
