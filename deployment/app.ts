// The DeepAlpha deployment's side of the app tier: the validated stack settings mapped onto @deepalpha/app's
// args. index.ts constructs the tier with them. Nothing here creates a resource. Names, namespaces and the
// gateway are the package's defaults, which are DeepAlpha's; the other tiers' outputs are passed so the app
// tier waits for what it reads.
import type { AppTierArgs } from "@deepalpha/app";
import type { ClusterComponent } from "@deepalpha/cluster";
import type { DataTier } from "@deepalpha/data";
import type { Observability } from "@deepalpha/observability";
import type { StackConfig } from "../config";
import { dataCidrs } from "./common";

export function appArgs(cfg: StackConfig, cluster: ClusterComponent, data: DataTier, observability: Observability): AppTierArgs {
    const { settings } = cfg;
    const app = settings.app;
    return {
        profile: settings.profile,
        provider: cluster.provider,
        image: app.image,
        freqtradeImage: app.freqtradeImage,
        apiHost: app.apiHost,
        websocketHost: app.websocketHost,
        replicas: app.replicas,
        maxReplicas: app.maxReplicas,
        freqtradeBots: app.freqtradeBots,
        exchange: app.exchange,
        llmBaseUrl: app.llmBaseUrl,
        newsApiUrl: app.newsApiUrl,
        executor: app.executor,
        freqtradeVolumeSize: app.freqtradeVolumeSize,
        secrets: cfg.secrets,
        connectionSecretName: data.connectionSecretName,
        otlpEndpoint: observability.otlpEndpoint,
        dataCidrs: dataCidrs(cfg),
        executorCpuTarget: settings.profile === "production" ? settings.cluster.executorNodes.cpuTarget : undefined,
    };
}
