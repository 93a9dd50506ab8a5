// Validates Kubernetes objects from the plan against the Kubernetes OpenAPI schema (kubernetes-models)
// and CRD schemas (@kubernetes-models/*: prometheus-operator, gateway-api, cert-manager).
// A kind with no known schema is an error: nothing the program creates goes unchecked.
import type { RegisteredResource } from "./run";

const CRD_PACKAGES: Record<string, string> = {
    "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
    "gateway.networking.k8s.io": "@kubernetes-models/gateway-api",
    "cert-manager.io": "@kubernetes-models/cert-manager",
    // No @kubernetes-models package exists for ECK: CRD schemas vendored from the pinned chart (see that folder).
    "elasticsearch.k8s.elastic.co": "../observability-eck",
    "kibana.k8s.elastic.co": "../observability-eck",
};

/** Resource types that are not Kubernetes objects themselves (providers, Helm and YAML components). */
export function isKubernetesObject(type: string): boolean {
    return type.startsWith("kubernetes:") && !/^kubernetes:(helm\.sh|yaml|kustomize)\b/.test(type) && type !== "pulumi:providers:kubernetes";
}

/** `kubernetes:apps/v1:Deployment` -> { apiVersion: "apps/v1", kind: "Deployment" }. */
export function apiVersionKind(type: string): { apiVersion: string; kind: string; group: string; version: string } {
    const [, gv, kind] = type.split(":");
    const [group, version] = gv.split("/");
    const apiVersion = group === "core" ? version : `${group}/${version}`;
    return { apiVersion, kind, group: group === "core" ? "" : group, version };
}

type ModelClass = new (data: Record<string, unknown>) => { validate(): void };

function modelFor(type: string): ModelClass {
    const { kind, group, version } = apiVersionKind(type);
    const modulePath = CRD_PACKAGES[group]
        ? `${CRD_PACKAGES[group]}/${group}/${version}/${kind}`
        : `kubernetes-models/${group === "" ? "" : group + "/"}${version}/${kind}`;
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(modulePath) as Record<string, ModelClass>;
        const cls = mod[kind] ?? (mod as unknown as { default: ModelClass }).default;
        if (!cls) throw new Error(`module ${modulePath} has no ${kind}`);
        return cls;
    } catch (e) {
        throw new Error(`no schema for ${type} (looked for ${modulePath}): ${(e as Error).message.split("\n")[0]}`);
    }
}

/** The object as the API server would receive it: apiVersion and kind, then the inputs. */
export function toManifest(r: RegisteredResource): Record<string, unknown> {
    const { apiVersion, kind } = apiVersionKind(r.type);
    const { apiVersion: _a, kind: _k, ...rest } = r.values;
    void _a;
    void _k;
    return { apiVersion, kind, ...rest };
}

/** Validate one object; returns the schema errors as text, or undefined when valid. */
export function schemaErrors(r: RegisteredResource): string | undefined {
    const Model = modelFor(r.type);
    try {
        new Model(toManifest(r)).validate();
        return undefined;
    } catch (e) {
        const err = e as Error & { errors?: unknown };
        return `${r.type} ${r.name}: ${err.message}${err.errors ? " " + JSON.stringify(err.errors) : ""}`;
    }
}
