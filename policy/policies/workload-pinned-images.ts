import { read, UNKNOWN } from "../lib/values";
import { workloadPolicy } from "../lib/workloads";

/** What is wrong with an image reference, or undefined when it names a fixed tag or a digest. */
export function imageProblem(image: string): string | undefined {
    if (image.includes("@sha256:") || /@[a-z0-9]+:[a-f0-9]{32,}$/.test(image)) return undefined;
    // The tag is after the last ':' of the last path part (a ':' before a '/' is a registry port).
    const last = image.slice(image.lastIndexOf("/") + 1);
    const colon = last.lastIndexOf(":");
    if (colon < 0) return "has no tag (means latest)";
    const tag = last.slice(colon + 1);
    if (tag === "" ) return "has an empty tag";
    if (tag.toLowerCase() === "latest") return "uses the latest tag";
    return undefined;
}

export const workloadPinnedImages = workloadPolicy({
    name: "workload-pinned-images",
    description:
        "Every container image must be pinned to a tag other than latest, or a digest (the design's deviation from the seed's `:latest` images; EKS Best Practices, image security: immutable tags).",
    check(pod, report) {
        for (const c of pod.containers) {
            const image = read(c.c, "image");
            if (image === UNKNOWN || typeof image !== "string") continue;
            const problem = imageProblem(image);
            if (problem) report(`${c.label} image ${JSON.stringify(image)} ${problem}`);
        }
    },
});
