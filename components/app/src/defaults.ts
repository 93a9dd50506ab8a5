// DeepAlpha's values for AppTier's arguments, per profile, and how the given arguments are laid over them. The
// DeepAlpha stack settings (settings/defaults.ts of the deployment) take their `app` section from here.
import { APP_SERVICE_ACCOUNT, EXECUTOR_CPU_LABEL, EXECUTOR_NODES, GATEWAY, NAMESPACES, PROD_STORAGE_CLASS, WORKLOADS, withDefaults } from "@deepalpha/shared";
import type { AppNamespaces, AppTierArgs, ExchangeName, ImageRef, Profile, ResolvedAppTierArgs } from "./args";

/** The Pulumi type token: part of the API (a different token changes every child's URN). */
export const APP_TIER_TYPE = "deepalpha:index:AppTier";

/** DeepAlpha's namespace per role. */
export const DEFAULT_APP_NAMESPACES: Readonly<Required<AppNamespaces>> = {
    app: NAMESPACES.app,
    data: NAMESPACES.data,
    monitoring: NAMESPACES.monitoring,
    gateway: NAMESPACES.gateway,
};

/** DeepAlpha's names of the objects this tier creates. */
export const DEFAULT_APP_NAMES = {
    api: WORKLOADS.api.name,
    websocket: WORKLOADS.websocket.name,
    executor: WORKLOADS.executor.name,
    freqtrade: WORKLOADS.freqtrade.name,
    configMap: "deepalpha-config",
    externalSecret: "deepalpha-external",
    httpsRedirectRoute: "deepalpha-https-redirect",
} as const;

/** The data tier's connection Secret (in the app namespace). */
export const DEFAULT_CONNECTION_SECRET_NAME = "deepalpha-connection";
/** The observability tier's OTLP gRPC endpoint: its Jaeger Service in the monitoring namespace. */
export const defaultOtlpEndpoint = (monitoringNamespace: string) => `http://jaeger.${monitoringNamespace}.svc.cluster.local:4317`;

/** The fields the DeepAlpha stack settings also have (their `app` section), with DeepAlpha's values. */
export interface AppSettingsDefaults {
    image: ImageRef;
    freqtradeImage: ImageRef;
    apiHost: string;
    websocketHost: string;
    replicas: { api: number; websocket: number; executor: number };
    maxReplicas: { api: number; websocket: number };
    freqtradeBots: { name: string; strategy: string; pairs: string[]; dryRun: boolean }[];
    exchange: { name: ExchangeName; testnet: boolean };
    llmBaseUrl: string;
    newsApiUrl: string;
    executor: { cpu: number; memory: string; hugepages2Mi: string };
    freqtradeVolumeSize: string;
}

/** DeepAlpha's application settings for a profile (a new object on every call). */
export function defaultAppSettings(profile: Profile): AppSettingsDefaults {
    const local = profile === "local";
    return {
        image: { repository: "ghcr.io/deepalpha/deepalpha", tag: "1.0.0" },
        freqtradeImage: { repository: "freqtradeorg/freqtrade", tag: "2025.6" },
        apiHost: "api.deepalpha.local",
        websocketHost: "ws.deepalpha.local",
        replicas: local ? { api: 1, websocket: 1, executor: 1 } : { api: 3, websocket: 2, executor: 2 },
        maxReplicas: local ? { api: 2, websocket: 2 } : { api: 10, websocket: 10 },
        freqtradeBots: [
            { name: "bot-a", strategy: "DeepAlphaStrategy", pairs: ["BTC/USDT", "ETH/USDT"], dryRun: true },
            { name: "bot-b", strategy: "DeepAlphaStrategy", pairs: ["SOL/USDT", "BNB/USDT"], dryRun: true },
        ],
        // Real exchange in production; the testnet (and so paper trading only) on a laptop.
        exchange: { name: "binance", testnet: local },
        llmBaseUrl: "https://api.openai.com/v1",
        newsApiUrl: "https://newsapi.org/v2",
        // The seed's executor: 4 CPU / 8 GiB; 1 GiB of the node's 2 GiB of 2 MiB huge pages. A laptop cluster has
        // neither 4 spare cores nor huge pages configured.
        executor: local ? { cpu: 1, memory: "1Gi", hugepages2Mi: "0" } : { cpu: 4, memory: "8Gi", hugepages2Mi: "1Gi" },
        freqtradeVolumeSize: local ? "1Gi" : "5Gi",
    };
}

/** Every default of a profile, given the namespaces in use (the gateway namespace and OTLP endpoint follow them). */
export function defaultAppTierArgs(profile: Profile, namespaces: Required<AppNamespaces> = { ...DEFAULT_APP_NAMESPACES }): Omit<ResolvedAppTierArgs, "profile"> {
    return {
        ...defaultAppSettings(profile),
        secrets: {},
        connectionSecretName: DEFAULT_CONNECTION_SECRET_NAME,
        otlpEndpoint: defaultOtlpEndpoint(namespaces.monitoring),
        executorNodes: { labels: { ...EXECUTOR_NODES.labels }, taint: { ...EXECUTOR_NODES.taint }, cpuTargetLabel: EXECUTOR_CPU_LABEL },
        ...(profile === "production" ? { storageClassName: PROD_STORAGE_CLASS } : {}),
        serviceAccountName: APP_SERVICE_ACCOUNT,
        namespaces,
        names: { ...DEFAULT_APP_NAMES },
        gateway: { name: GATEWAY.name, namespace: namespaces.gateway, httpsListener: GATEWAY.listeners.https, httpListener: GATEWAY.listeners.http },
    };
}

/**
 * The given arguments over the profile's defaults: objects merge key by key; lists, scalars and Outputs replace;
 * each bot gets `dryRun: true` unless it says otherwise; `executorNodes.labels` replaces the default labels; an
 * empty `storageClassName` means the cluster's default. Not validated here (validate.ts checks the result): an
 * unknown profile takes the local defaults.
 */
export function resolveAppTierArgs(args: AppTierArgs): ResolvedAppTierArgs {
    const given = (args ?? {}) as AppTierArgs;
    const profile = (given.profile === "production" ? "production" : "local") as Profile;
    const namespaces = withDefaults<Required<AppNamespaces>>({ ...DEFAULT_APP_NAMESPACES }, given.namespaces);
    const r = withDefaults<ResolvedAppTierArgs>({ profile: given.profile as Profile, ...defaultAppTierArgs(profile, namespaces) }, given);
    if (Array.isArray(r.freqtradeBots)) {
        r.freqtradeBots = r.freqtradeBots.map((b) => (b && typeof b === "object" && b.dryRun === undefined ? { ...b, dryRun: true } : b));
    }
    const labels = given.executorNodes?.labels;
    if (labels !== undefined) r.executorNodes = { ...r.executorNodes, labels };
    if (r.storageClassName === "") delete r.storageClassName;
    return r;
}
