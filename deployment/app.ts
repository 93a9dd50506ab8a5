// The DeepAlpha deployment's side of the app tier: the validated stack settings mapped onto @deepalpha/app's
// args. index.ts constructs the tier with them. Nothing here creates a resource.
import type { AppTierArgs } from "@deepalpha/app";
import type { ClusterComponent } from "@deepalpha/cluster";
import type { DataTier } from "@deepalpha/data";
import type { Observability } from "@deepalpha/observability";
import type { StackConfig } from "../config";
import { dataCidrs } from "./common";

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
