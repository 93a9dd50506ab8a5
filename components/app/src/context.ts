// What every workload builder needs to know, gathered once by the AppTier.
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { WORKLOADS, labelsFor } from "@deepalpha/shared";
import type { ResolvedAppTierArgs } from "./args";
import type { ExternalSecrets } from "./external-secrets";

export interface AppContext {
    /** The arguments, defaults applied and validated. */
    args: ResolvedAppTierArgs;
    /** The data tier's Secret with CONNECTION_KEYS. */
    connectionSecretName: pulumi.Input<string>;
    /** This tier's Secret with the external services' keys. */
    externalSecretName: pulumi.Input<string>;
    /** Which external keys are set (the values are never read by the builders). */
    secrets: ExternalSecrets;
    /** ConfigMap with appConfigData(). */
    configMapName: pulumi.Input<string>;
    otlpEndpoint: pulumi.Input<string>;
    /** sha256 of the ConfigMap's data: known at plan time. */
    configChecksum: string;
    /** sha256 of the external keys: a Pulumi secret. */
    secretsChecksum: pulumi.Input<string>;
}

export interface Workload {
    deployment: k8s.apps.v1.DeploymentArgs;
    service: k8s.core.v1.ServiceArgs;
}

export type WorkloadKey = keyof typeof WORKLOADS;

/** A workload's name (the arguments' `names`) and port (fixed: the images listen there). */
export function workload(a: Pick<ResolvedAppTierArgs, "names">, key: WorkloadKey): { name: string; port: number } {
    return { name: a.names[key], port: WORKLOADS[key].port };
}

/** The in-cluster URL of the API's Service. */
export function apiServiceUrl(a: Pick<ResolvedAppTierArgs, "names" | "namespaces">): string {
    const api = workload(a, "api");
    return `http://${api.name}.${a.namespaces.app}.svc.cluster.local:${api.port}`;
}

export function metadata(
    namespace: string,
    name: string,
    component: string,
    extra: { labels?: Record<string, string>; annotations?: Record<string, pulumi.Input<string>> } = {},
) {
    return {
        name,
        namespace,
        labels: { ...labelsFor(name, component), ...(extra.labels ?? {}) },
        ...(extra.annotations ? { annotations: extra.annotations } : {}),
    };
}
