import { list, UNKNOWN, isObject, read } from "../lib/values";
import { workloadPolicy } from "../lib/workloads";

/** The seed PodSecurityPolicy's `volumes` list, as PodSpec volume source fields. */
export const ALLOWED_VOLUME_SOURCES: readonly string[] = ["configMap", "emptyDir", "projected", "secret", "downwardAPI", "persistentVolumeClaim"];

export const podAllowedVolumeTypes = workloadPolicy({
    name: "pod-allowed-volume-types",
    description:
        "Pods may only use the seed's volume types: configMap, emptyDir, projected, secret, downwardAPI, persistentVolumeClaim; no hostPath (seed PodSecurityPolicy `volumes`; Pod Security Standards restricted, Volume Types and baseline, HostPath Volumes).",
    check(pod, report) {
        const volumes = list(pod.spec, "volumes");
        if (volumes === UNKNOWN) return;
        volumes.forEach((v, i) => {
            if (!isObject(v)) return;
            const name = read(v, "name");
            const sources = Object.keys(v).filter((k) => k !== "name");
            const bad = sources.filter((k) => !ALLOWED_VOLUME_SOURCES.includes(k));
            if (bad.length) report(`volume ${typeof name === "string" ? JSON.stringify(name) : `#${i}`} is of type ${bad.join(", ")}; allowed: ${ALLOWED_VOLUME_SOURCES.join(", ")}`);
        });
    },
});
