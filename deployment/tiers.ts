// The DeepAlpha deployment's side of each tier: the validated stack settings mapped onto the package's args.
// One function per tier; index.ts constructs the tiers with them. Nothing here creates a resource.
import type { AppTierArgs } from "@deepalpha/app";
import type { ClusterArgs, ClusterComponent } from "@deepalpha/cluster";
import type { DataTier, DataTierArgs } from "@deepalpha/data";
import type { Observability, ObservabilityArgs } from "@deepalpha/observability";
import type { StackConfig } from "../config";

/** Tags on every AWS resource of the stack. */
export function stackTags(cfg: StackConfig): Record<string, string> {
    return { project: "deepalpha", stack: cfg.stack, "managed-by": "pulumi" };
}

/** Private ranges of the managed data stores (production), for the workloads' egress rules. */
function dataCidrs(cfg: StackConfig): string[] | undefined {
    return cfg.settings.profile === "production" ? [cfg.settings.cluster.vpcCidr] : undefined;
}

export function clusterArgs(cfg: StackConfig): ClusterArgs {
    const { settings } = cfg;
    return {
        profile: settings.profile,
        settings: settings.cluster,
        region: cfg.awsRegion,
        hostnames: [settings.app.apiHost, settings.app.websocketHost],
        preinstalled: settings.preinstalled,
        tags: stackTags(cfg),
    };
}

export function dataArgs(cfg: StackConfig, cluster: ClusterComponent): DataTierArgs {
    const { settings } = cfg;
    return {
        profile: settings.profile,
        settings: settings.data,
        provider: cluster.provider,
        clusterName: settings.cluster.name,
        kubernetesDependsOn: cluster.kubernetesReady,
        network: cluster.network,
        ...(cluster.oidcProviderArn ? { oidcProviderArn: cluster.oidcProviderArn } : {}),
        oidcProviderUrl: cluster.oidcProviderUrl,
        ...(cluster.appRole ? { appRoleName: cluster.appRole.name } : {}),
        region: cfg.awsRegion,
        tags: stackTags(cfg),
    };
}

export function observabilityArgs(cfg: StackConfig, cluster: ClusterComponent, data: DataTier): ObservabilityArgs {
    const { settings } = cfg;
    return {
        profile: settings.profile,
        settings: settings.observability,
        provider: cluster.provider,
        dataEndpoints: data.endpoints,
        connectionSecretName: data.connectionSecretName,
        exporterCredentials: data.exporterCredentials,
        redisTls: data.redisTls,
        telegramBotToken: cfg.secrets.telegramBotToken,
        dataCidrs: dataCidrs(cfg),
        preinstalled: settings.preinstalled,
        tags: stackTags(cfg),
    };
}

export function appArgs(cfg: StackConfig, cluster: ClusterComponent, data: DataTier, observability: Observability): AppTierArgs {
    const { settings } = cfg;
    return {
        profile: settings.profile,
        settings: settings.app,
        provider: cluster.provider,
        connectionSecretName: data.connectionSecretName,
        secrets: cfg.secrets,
        otlpEndpoint: observability.otlpEndpoint,
        dataCidrs: dataCidrs(cfg),
        executorCpuTarget: settings.profile === "production" ? settings.cluster.executorNodes.cpuTarget : undefined,
    };
}
