// Documented exemptions: an annotation on the object itself (metadata.annotations), named after the
// policy, whose value says why, e.g.
//   policy.deepalpha.io/exempt-prod-min-replicas: "each Freqtrade bot must run exactly one replica"
// A workload may carry it in its pod template's metadata instead: some upstream charts let their values
// annotate only the pods (nginx-gateway-fabric 2.6.7's control plane), and the template is part of the same
// object. Anywhere else (a Pod's containers, another object) it counts for nothing.
// Only the policies listed in EXEMPTIBLE honour it: those where the design can rightly break the rule
// for one object (a singleton bot, a node agent that must read the host). The others (privileged,
// privilege escalation, capabilities, seccomp, credentials, the AWS rules) have no legitimate exception
// in this platform, so an annotation naming them is reported as ignored.
//
// The prefix repeats components/shared/src/conventions.ts EXEMPTION_ANNOTATION_PREFIX on purpose: the pack
// is its own package (`pulumi policy publish` archives policy/ alone), so it cannot import from the
// program; test/policy.spec.ts proves the two agree.
import { read, UNKNOWN } from "./values";

export const EXEMPTION_ANNOTATION_PREFIX = "policy.deepalpha.io/exempt-";

/** Policies that honour an exemption annotation, and the kind of case each exists for. */
export const EXEMPTIBLE: Readonly<Record<string, string>> = {
    "prod-min-replicas": "a workload that must run exactly one replica (a Freqtrade bot holds exchange state)",
    "prod-pod-disruption-budget": "a singleton workload, where a PodDisruptionBudget would only block node drains",
    "workload-probes": "a controller that serves no traffic and has no health endpoint for the missing probe, or whose chart renders none",
    "pod-run-as-non-root": "a node agent that must read root-owned host files (a log shipper)",
    "pod-allowed-volume-types": "a node agent that must mount host paths (node exporter, log shipper)",
    "pod-no-host-namespaces": "a node agent that must see the host network or PIDs (node exporter)",
    "pod-no-host-ports": "a node agent bound to the host network (node exporter)",
    "namespace-psa-enforce": "a namespace that runs node agents, enforced below restricted with a reason",
};

/** Where a workload keeps its pod template's metadata (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job; CronJob). */
const TEMPLATE_METADATA = [
    ["spec", "template", "metadata"],
    ["spec", "jobTemplate", "spec", "template", "metadata"],
];

/** The annotation maps an object's exemptions may sit in: its own, then its pod template's (workloads only). */
function annotationSources(props: unknown): unknown[] {
    const out: unknown[] = [read(props, "metadata", "annotations")];
    for (const p of TEMPLATE_METADATA) {
        if (read(props, ...p.slice(0, -1), "spec") === undefined) continue;
        out.push(read(props, ...p, "annotations"));
    }
    return out.filter((a) => a !== UNKNOWN && !!a && typeof a === "object");
}

/** The reason of a non-empty exemption annotation for `policy` on an object (or its pod template), if any. */
export function exemptionReason(props: unknown, policy: string): string | undefined {
    for (const annotations of annotationSources(props)) {
        const v = read(annotations, EXEMPTION_ANNOTATION_PREFIX + policy);
        if (v === UNKNOWN || typeof v !== "string" || v.trim() === "") continue;
        return v.trim();
    }
    return undefined;
}

export interface FoundExemption {
    urn: string;
    policy: string;
    reason: string;
    /** false when the policy does not take exemptions (or does not exist): the annotation has no effect. */
    honoured: boolean;
}

/** Every exemption annotation on the objects (own metadata, or a workload's pod template), honoured or not; one per object and policy. */
export function findExemptions(resources: { urn: string; props: unknown }[], policyNames: ReadonlySet<string>): FoundExemption[] {
    const out: FoundExemption[] = [];
    for (const r of resources) {
        const seen = new Map<string, FoundExemption>();
        for (const annotations of annotationSources(r.props)) {
            for (const key of Object.keys(annotations as object)) {
                if (!key.startsWith(EXEMPTION_ANNOTATION_PREFIX)) continue;
                const policy = key.slice(EXEMPTION_ANNOTATION_PREFIX.length);
                const v = read(annotations, key);
                const reason = typeof v === "string" ? v.trim() : "";
                const found = { urn: r.urn, policy, reason, honoured: policyNames.has(policy) && policy in EXEMPTIBLE && reason !== "" };
                // The object's own annotation wins, unless only the template's has a reason (as exemptionReason reads them).
                const prior = seen.get(policy);
                if (!prior || (!prior.honoured && found.honoured)) seen.set(policy, found);
            }
        }
        out.push(...seen.values());
    }
    return out;
}
