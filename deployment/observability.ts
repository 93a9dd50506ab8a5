// The DeepAlpha deployment's side of the observability tier: the validated stack settings mapped onto @deepalpha/observability's
// args. index.ts constructs the tier with them. Nothing here creates a resource.
import type { ClusterComponent } from "@deepalpha/cluster";
import type { DataTier } from "@deepalpha/data";
import type { ObservabilityArgs } from "@deepalpha/observability";
import type { StackConfig } from "../config";
import { dataCidrs, stackTags } from "./common";

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
