import { read } from "../lib/values";
import { workloadPolicy } from "../lib/workloads";

export const podNoHostNamespaces = workloadPolicy({
    name: "pod-no-host-namespaces",
    description:
        "Pods must not share the host's network, PID or IPC namespace: hostNetwork, hostPID, hostIPC unset or false (Pod Security Standards baseline/restricted, Host Namespaces; CIS EKS Benchmark 4.2.2-4.2.4).",
    check(pod, report) {
        for (const f of ["hostNetwork", "hostPID", "hostIPC"]) {
            if (read(pod.spec, f) === true) report(`${f}: true`);
        }
    },
});
