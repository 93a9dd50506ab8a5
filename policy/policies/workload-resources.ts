import { read, UNKNOWN } from "../lib/values";
import { workloadPolicy } from "../lib/workloads";

const REQUIRED = [
    ["requests", "cpu"],
    ["requests", "memory"],
    ["limits", "cpu"],
    ["limits", "memory"],
] as const;

export const workloadResources = workloadPolicy({
    name: "workload-resources",
    description:
        "Every container and init container must set CPU and memory requests and limits (the seed's resources blocks; EKS Best Practices, reliability: set requests and limits).",
    check(pod, report) {
        for (const c of pod.containers) {
            // Ephemeral (debug) containers cannot have resources.
            if (c.role === "ephemeralContainer") continue;
            const res = read(c.c, "resources");
            if (res === UNKNOWN) continue;
            const missing = REQUIRED.filter(([k, r]) => read(res, k, r) === undefined).map(([k, r]) => `${k}.${r}`);
            if (missing.length) report(`${c.label} has no resources.${missing.join(", resources.")}`);
        }
    },
});
