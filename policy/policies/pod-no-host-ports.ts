import { list, read, UNKNOWN } from "../lib/values";
import { workloadPolicy } from "../lib/workloads";

export const podNoHostPorts = workloadPolicy({
    name: "pod-no-host-ports",
    description: "Containers must not bind host ports: no ports[].hostPort (Pod Security Standards baseline, HostPorts).",
    check(pod, report) {
        for (const c of pod.containers) {
            const ports = list(c.c, "ports");
            if (ports === UNKNOWN) continue;
            for (const p of ports) {
                const hp = read(p, "hostPort");
                if (typeof hp === "number" && hp !== 0) report(`${c.label} binds hostPort ${hp}`);
            }
        }
    },
});
