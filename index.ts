// Pulumi entry point of the DeepAlpha deployment: read the stack configuration once (config.ts validates it
// before anything is created), then build the four tiers from their packages and return the stack outputs.
// Each tier waits for what it needs, never for a whole other tier (docs/deploy-timeline.md): the data tier's AWS
// stores only for the VPC pieces in `network`, every tier's Kubernetes objects for `cluster.kubernetesReady`.
import * as pulumi from "@pulumi/pulumi";
import { AppTier } from "@deepalpha/app";
import { ClusterComponent } from "@deepalpha/cluster";
import { DataTier } from "@deepalpha/data";
import { Observability } from "@deepalpha/observability";
import { loadConfig } from "./config";
import { legacyAliases } from "./deployment/aliases";
import { LEGACY_APP_NAMES } from "./deployment/legacy-names/app";
import { LEGACY_CLUSTER_NAMES } from "./deployment/legacy-names/cluster";
import { LEGACY_DATA_NAMES } from "./deployment/legacy-names/data";
import { LEGACY_OBSERVABILITY_NAMES } from "./deployment/legacy-names/observability";
import { checkAgainstEc2 } from "./deployment/preflight";
import { appArgs } from "./deployment/app";
import { clusterArgs } from "./deployment/cluster";
import { dataArgs } from "./deployment/data";
import { observabilityArgs } from "./deployment/observability";

export = async () => {
    const cfg = loadConfig();
    await checkAgainstEc2(cfg);

    const cluster = new ClusterComponent("cluster", clusterArgs(cfg), { transformations: [legacyAliases(LEGACY_CLUSTER_NAMES)] });
    const data = new DataTier("data", dataArgs(cfg, cluster), { transformations: [legacyAliases(LEGACY_DATA_NAMES)] });
    const observability = new Observability("observability", observabilityArgs(cfg, cluster, data), {
        dependsOn: cluster.kubernetesReady,
        transformations: [legacyAliases(LEGACY_OBSERVABILITY_NAMES)],
    });
    const app = new AppTier("app", appArgs(cfg, cluster, data, observability), {
        dependsOn: [...cluster.kubernetesReady, cluster.gateway, ...data.appPrerequisites],
        transformations: [legacyAliases(LEGACY_APP_NAMES)],
    });

    return {
        profile: cfg.settings.profile,
        clusterName: cluster.clusterName,
        kubeconfig: pulumi.secret(cluster.kubeconfig),
        ...(cluster.oidcProviderArn ? { oidcProviderArn: cluster.oidcProviderArn } : {}),
        ...(cluster.nodeGroupNames ? { nodeGroupNames: cluster.nodeGroupNames } : {}),
        gatewayAddress: cluster.gatewayAddress,
        namespaces: cluster.namespaces,
        connectionSecretName: data.connectionSecretName,
        backupsBucket: data.backupsBucket,
        filesBucket: data.filesBucket,
        apiUrl: app.apiUrl,
        websocketUrl: app.websocketUrl,
        grafanaUrl: observability.grafanaUrl,
        otlpEndpoint: observability.otlpEndpoint,
        jaegerUiUrl: observability.jaegerUiUrl,
    };
};
