import { read, UNKNOWN } from "../lib/values";
import { effective, workloadPolicy } from "../lib/workloads";

/** RuntimeDefault, or a node-installed Localhost profile: the two Pod Security Standards restricted accepts. */
const ACCEPTED = new Set(["RuntimeDefault", "Localhost"]);

export const podSeccompRuntimeDefault = workloadPolicy({
    name: "pod-seccomp-runtime-default",
    description:
        "Every container must run with the RuntimeDefault seccomp profile (or a Localhost one), set on the pod or the container; never Unconfined (Pod Security Standards restricted, Seccomp; EKS Best Practices, pod security).",
    check(pod, report) {
        for (const c of pod.containers) {
            const profile = effective(pod, c.c, "seccompProfile");
            if (profile === UNKNOWN) continue;
            const type = read(profile, "type");
            if (type === UNKNOWN) continue;
            if (!ACCEPTED.has(String(type))) report(`${c.label}: seccompProfile.type must be RuntimeDefault (is ${type === undefined ? "unset" : JSON.stringify(type)})`);
        }
    },
});
