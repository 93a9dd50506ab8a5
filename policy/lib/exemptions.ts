// Documented exemptions: an annotation on the object itself (metadata.annotations), named after the
// policy, whose value says why, e.g.
//   policy.deepalpha.io/exempt-prod-min-replicas: "each Freqtrade bot must run exactly one replica"
// Only the policies listed in EXEMPTIBLE honour it: those where the design can rightly break the rule
// for one object (a singleton bot, a node agent that must read the host). The others (privileged,
// privilege escalation, capabilities, seccomp, credentials, the AWS rules) have no legitimate exception
// in this platform, so an annotation naming them is reported as ignored.
//
// The prefix repeats components/shared/conventions.ts EXEMPTION_ANNOTATION_PREFIX on purpose: the pack
// is its own package (`pulumi policy publish` archives policy/ alone), so it cannot import from the
// program; test/policy.spec.ts proves the two agree.
import { read, UNKNOWN } from "./values";

export const EXEMPTION_ANNOTATION_PREFIX = "policy.deepalpha.io/exempt-";

/** Policies that honour an exemption annotation, and the kind of case each exists for. */
export const EXEMPTIBLE: Readonly<Record<string, string>> = {
    "prod-min-replicas": "a workload that must run exactly one replica (a Freqtrade bot holds exchange state)",
    "prod-pod-disruption-budget": "a singleton workload, where a PodDisruptionBudget would only block node drains",
    "pod-run-as-non-root": "a node agent that must read root-owned host files (a log shipper)",
    "pod-allowed-volume-types": "a node agent that must mount host paths (node exporter, log shipper)",
    "pod-no-host-namespaces": "a node agent that must see the host network or PIDs (node exporter)",
    "pod-no-host-ports": "a node agent bound to the host network (node exporter)",
    "namespace-psa-enforce": "a namespace that runs node agents, enforced below restricted with a reason",
};

/** The reason of a non-empty exemption annotation for `policy` on an object's own metadata, if any. */
export function exemptionReason(props: unknown, policy: string): string | undefined {
    const v = read(props, "metadata", "annotations", EXEMPTION_ANNOTATION_PREFIX + policy);
    if (v === UNKNOWN || typeof v !== "string" || v.trim() === "") return undefined;
    return v.trim();
}

export interface FoundExemption {
    urn: string;
    policy: string;
    reason: string;
    /** false when the policy does not take exemptions (or does not exist): the annotation has no effect. */
    honoured: boolean;
}

/** Every exemption annotation on the objects' own metadata, honoured or not. */
export function findExemptions(resources: { urn: string; props: unknown }[], policyNames: ReadonlySet<string>): FoundExemption[] {
    const out: FoundExemption[] = [];
    for (const r of resources) {
        const annotations = read(r.props, "metadata", "annotations");
        if (annotations === UNKNOWN || !annotations || typeof annotations !== "object") continue;
        for (const key of Object.keys(annotations)) {
            if (!key.startsWith(EXEMPTION_ANNOTATION_PREFIX)) continue;
            const policy = key.slice(EXEMPTION_ANNOTATION_PREFIX.length);
            const v = read(annotations, key);
            const reason = typeof v === "string" ? v.trim() : "";
            out.push({ urn: r.urn, policy, reason, honoured: policyNames.has(policy) && policy in EXEMPTIBLE && reason !== "" });
        }
    }
    return out;
}
