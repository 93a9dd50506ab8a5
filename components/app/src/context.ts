// What every workload builder needs to know, gathered once by the AppTier.
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { AppSettings, Profile } from "./settings";
import { NAMESPACES, labelsFor } from "@deepalpha/shared";
import type { ExternalSecrets } from "./external-secrets";

export interface AppContext {
    profile: Profile;
    settings: AppSettings;
    /** The data tier's Secret with CONNECTION_KEYS. */
    connectionSecretName: pulumi.Input<string>;
    /** This tier's Secret with the external services' keys. */
    externalSecretName: pulumi.Input<string>;
    /** Which external keys the stack sets (the values are never read by the builders). */
    secrets: ExternalSecrets;
    /** ConfigMap with appConfigData(). */
    configMapName: pulumi.Input<string>;
    otlpEndpoint: pulumi.Input<string>;
    /** sha256 of the ConfigMap's data: known at plan time. */
    configChecksum: string;
    /** sha256 of the external keys: a Pulumi secret. */
    secretsChecksum: pulumi.Input<string>;
    /** production: the CPU the executor nodes are labelled with (EXECUTOR_CPU_LABEL), which the executor pods select. */
    executorCpuTarget?: string;
}

export interface Workload {
    deployment: k8s.apps.v1.DeploymentArgs;
    service: k8s.core.v1.ServiceArgs;
}

export function metadata(name: string, component: string, extra: { labels?: Record<string, string>; annotations?: Record<string, pulumi.Input<string>> } = {}) {
    return {
        name,
        namespace: NAMESPACES.app,
        labels: { ...labelsFor(name, component), ...(extra.labels ?? {}) },
        ...(extra.annotations ? { annotations: extra.annotations } : {}),
    };
}
