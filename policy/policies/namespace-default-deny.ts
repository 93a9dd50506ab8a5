import * as k8s from "@pulumi/kubernetes";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { inNamespace, k8sName } from "../lib/stack";
import { typeOf } from "../lib/types";
import { entries, has, list, read, UNKNOWN } from "../lib/values";

const NAMESPACE = typeOf(k8s.core.v1.Namespace);
const NETWORK_POLICY = typeOf(k8s.networking.v1.NetworkPolicy);

/** A NetworkPolicy that selects every pod, covers both directions, and allows nothing. UNKNOWN if undecidable. */
export function isDefaultDeny(np: PolicyResource): boolean | typeof UNKNOWN {
    const spec = read(np.props, "spec");
    if (spec === UNKNOWN) return UNKNOWN;
    const selector = entries(spec, "podSelector");
    if (selector === UNKNOWN) return UNKNOWN;
    // podSelector {} (or with empty matchLabels / matchExpressions) selects all pods.
    for (const [k, v] of selector) {
        if (v === UNKNOWN) return UNKNOWN;
        if ((k === "matchLabels" && v && Object.keys(v as object).length) || (k === "matchExpressions" && Array.isArray(v) && v.length)) return false;
    }
    const types = list(spec, "policyTypes");
    if (types === UNKNOWN) return UNKNOWN;
    if (!types.includes("Ingress") || !types.includes("Egress")) return false;
    for (const dir of ["ingress", "egress"]) {
        if (!has(spec, dir)) continue;
        const rules = list(spec, dir);
        if (rules === UNKNOWN) return UNKNOWN;
        if (rules.length) return false;
    }
    return true;
}

export const namespaceDefaultDeny: StackValidationPolicy = {
    name: "namespace-default-deny",
    description:
        "Every Namespace the program creates has a default-deny NetworkPolicy: podSelector {}, policyTypes Ingress and Egress, no rules; workloads then allow exactly what they need (the seed's NetworkPolicy, completed; EKS Best Practices, network security: default deny; CIS EKS Benchmark 4.3.2).",
    validateStack: (args, report) => {
        const namespaces = args.resources.filter((r) => r.type === NAMESPACE);
        if (!namespaces.length) return args.notApplicable("no Namespace in the stack");
        const policies = args.resources.filter((r) => r.type === NETWORK_POLICY);
        for (const ns of namespaces) {
            const name = read(ns.props, "metadata", "name");
            const nsName = name === UNKNOWN ? UNKNOWN : typeof name === "string" ? name : UNKNOWN;
            const inNs = policies.filter((np) => inNamespace(np, ns, nsName));
            const verdicts = inNs.map(isDefaultDeny);
            if (verdicts.includes(true) || verdicts.includes(UNKNOWN)) continue;
            report(`${k8sName(ns)} has no default-deny NetworkPolicy (podSelector {}, policyTypes [Ingress, Egress], no ingress or egress rules)`, ns.urn);
        }
    },
};
