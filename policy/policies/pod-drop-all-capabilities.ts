import { list, UNKNOWN } from "../lib/values";
import { workloadPolicy } from "../lib/workloads";

/** The one capability Pod Security Standards restricted lets a container add back. */
const ADDABLE = new Set(["NET_BIND_SERVICE"]);

export const podDropAllCapabilities = workloadPolicy({
    name: "pod-drop-all-capabilities",
    description:
        "Every container must drop ALL capabilities and add back none but NET_BIND_SERVICE (seed PodSecurityPolicy `requiredDropCapabilities: [ALL]`; Pod Security Standards restricted, Capabilities).",
    check(pod, report) {
        for (const c of pod.containers) {
            const drop = list(c.c, "securityContext", "capabilities", "drop");
            if (drop !== UNKNOWN && !drop.includes(UNKNOWN) && !drop.includes("ALL")) report(`${c.label}: securityContext.capabilities.drop must include "ALL"`);
            const add = list(c.c, "securityContext", "capabilities", "add");
            if (add === UNKNOWN) continue;
            const extra = add.filter((a) => a !== UNKNOWN && !ADDABLE.has(String(a)));
            if (extra.length) report(`${c.label} adds capabilities ${extra.map(String).join(", ")}: only NET_BIND_SERVICE may be added`);
        }
    },
});
