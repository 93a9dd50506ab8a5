// The DeepAlpha deployment's side of the observability tier: the validated stack settings mapped onto @deepalpha/observability's
// args. index.ts constructs the tier with them. Nothing here creates a resource. Names, namespaces and workloads are the
// package's defaults (DeepAlpha's); only what the stack configures or another tier produces is passed.
import type { ClusterComponent } from "@deepalpha/cluster";
import type { DataTier } from "@deepalpha/data";
import { OBSERVABILITY_ADDONS, type ObservabilityArgs } from "@deepalpha/observability";
import type { StackConfig } from "../config";
import { dataCidrs } from "./common";

export function observabilityArgs(cfg: StackConfig, cluster: ClusterComponent, data: DataTier): ObservabilityArgs {
    const { settings } = cfg;
    return {
        profile: settings.profile,
        ...settings.observability,
        provider: cluster.provider,
        dataEndpoints: data.endpoints,
        exporterCredentials: data.exporterCredentials,
        redisTls: data.redisTls,
        telegramBotToken: cfg.secrets.telegramBotToken,
        dataCidrs: dataCidrs(cfg),
        // The stack's list also names the cluster tier's add-ons (cert-manager): this tier takes its own.
        preinstalled: settings.preinstalled.filter((a) => (OBSERVABILITY_ADDONS as readonly string[]).includes(a)),
    };
}
