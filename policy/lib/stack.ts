// Helpers for stack policies: relating resources to each other when names may still be unknown.
import type { PolicyResource } from "@pulumi/policy";
import { entries, list, read, UNKNOWN } from "./values";

/**
 * Whether `r` takes a value from `target`: through the property's recorded dependencies when the engine
 * has them (propertyDependencies), else through the resource's dependencies. During preview a bucket's
 * ID or a namespace's generated name is unknown, so this is the only way to pair them.
 */
export function dependsOn(r: PolicyResource, target: PolicyResource, prop?: string): boolean {
    if (prop && r.propertyDependencies && r.propertyDependencies[prop]?.length) {
        return r.propertyDependencies[prop].some((d) => d.urn === target.urn);
    }
    return r.dependencies.some((d) => d.urn === target.urn);
}

/** metadata.namespace of a namespaced object: "default" when unset, UNKNOWN when computed. */
export function namespaceOf(r: PolicyResource): string | typeof UNKNOWN {
    const ns = read(r.props, "metadata", "namespace");
    if (ns === UNKNOWN) return UNKNOWN;
    return typeof ns === "string" && ns !== "" ? ns : "default";
}

/** Whether a Kubernetes object `r` lives in the Namespace resource `nsRes` (named `nsName`). */
export function inNamespace(r: PolicyResource, nsRes: PolicyResource, nsName: string | typeof UNKNOWN): boolean {
    const ns = namespaceOf(r);
    if (ns !== UNKNOWN && nsName !== UNKNOWN) return ns === nsName;
    // One side computed: the object must take its namespace from the Namespace resource.
    return dependsOn(r, nsRes, "metadata");
}

export type Labels = Record<string, string>;

/** A label map, or UNKNOWN. */
export function labelsAt(obj: unknown, ...path: string[]): Labels | typeof UNKNOWN {
    const e = entries(obj, ...path);
    if (e === UNKNOWN) return UNKNOWN;
    const out: Labels = {};
    for (const [k, v] of e) {
        if (v === UNKNOWN) return UNKNOWN;
        if (typeof v === "string") out[k] = v;
    }
    return out;
}

/**
 * Whether a LabelSelector (matchLabels and matchExpressions) selects `labels`. UNKNOWN when the selector
 * is computed. An empty selector selects everything, as in the Kubernetes API.
 */
export function selects(selector: unknown, labels: Labels): boolean | typeof UNKNOWN {
    const ml = labelsAt(selector, "matchLabels");
    if (ml === UNKNOWN) return UNKNOWN;
    for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
    const exprs = list(selector, "matchExpressions");
    if (exprs === UNKNOWN) return UNKNOWN;
    for (const e of exprs) {
        const key = read(e, "key");
        const op = read(e, "operator");
        const values = list(e, "values");
        if (key === UNKNOWN || op === UNKNOWN || values === UNKNOWN) return UNKNOWN;
        const k = String(key);
        const vals = values.map(String);
        const present = k in labels;
        if (op === "In" && !(present && vals.includes(labels[k]))) return false;
        if (op === "NotIn" && present && vals.includes(labels[k])) return false;
        if (op === "Exists" && !present) return false;
        if (op === "DoesNotExist" && present) return false;
    }
    return true;
}

/** How a stack violation names a Kubernetes object: `Deployment deepalpha/deepalpha-api`. */
export function k8sName(r: PolicyResource): string {
    const kind = r.type.split(":").pop();
    const name = read(r.props, "metadata", "name");
    const ns = read(r.props, "metadata", "namespace");
    const n = typeof name === "string" ? name : r.name;
    return `${kind} ${typeof ns === "string" ? `${ns}/` : ""}${n}`;
}
