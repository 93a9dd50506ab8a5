// AppTier's arguments: an interface this package owns. Every field is documented with its default and what is
// allowed; what has a sensible default is optional (defaults.ts has DeepAlpha's values, per profile). Enumerated
// values are documented strings checked at run time (validate.ts), so the interface translates to schemas of
// other Pulumi languages, which have no union types.
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";

/** A container image: `<repository>:<tag>`. */
export interface ImageRef {
    /** Registry and repository, e.g. `ghcr.io/deepalpha/deepalpha`. */
    repository: string;
    /** Tag (pinned: never `latest` in production stacks), e.g. `1.0.0`. */
    tag: string;
}

/** One Freqtrade bot: its own config, generated REST API credentials, volume, Deployment (one replica) and Service. */
export interface FreqtradeBot {
    /**
     * Bot name: lower-case letters, digits and `-`, starting with a letter, at most 31 characters. Its objects are
     * `<names.freqtrade>-<name>` (Deployment, Service), `...-config`, `...-api` (Secret) and `...-user-data` (PVC).
     */
    name: string;
    /** Strategy class name (Freqtrade's `strategy`), e.g. `DeepAlphaStrategy`. */
    strategy: string;
    /**
     * Pairs the bot trades, e.g. `["BTC/USDT", "ETH/USDT"]`: at least one, all with the same quote currency (the
     * bot's stake currency), none traded by another bot of this tier.
     */
    pairs: string[];
    /** Paper trading (Freqtrade's dry run). Default: `true`. Must be `true` when `exchange.testnet` is. */
    dryRun?: boolean;
}

/** The exchange the application and the bots trade on. */
export interface ExchangeArgs {
    /** Exchange name. Allowed: `"binance"`. Default: `"binance"`. */
    name?: string;
    /** Use the exchange's testnet (and paper trading only). Default: `true` in `local`, `false` in `production`. */
    testnet?: boolean;
}

/** Replica counts; for the API and the WebSocket tier the HPA's minimum. */
export interface ReplicaCounts {
    /** API replicas, 1-50. Default: 1 (local), 3 (production). */
    api?: number;
    /** WebSocket replicas, 1-50. Default: 1 (local), 2 (production). */
    websocket?: number;
    /** Executor replicas, 1-20 (no HPA). Default: 1 (local), 2 (production). */
    executor?: number;
}

/** The HPAs' maximum replica counts; each at least the matching `replicas` value. */
export interface MaxReplicaCounts {
    /** 1-100. Default: 2 (local), 10 (production). */
    api?: number;
    /** 1-100. Default: 2 (local), 10 (production). */
    websocket?: number;
}

/** The executor pod's size: requests = limits (Guaranteed QoS, exclusive cores under the static CPU manager). */
export interface ExecutorSize {
    /** Whole CPUs, 1-64. Default: 1 (local), 4 (production). */
    cpu?: number;
    /** Memory, a Kubernetes quantity. Default: `"1Gi"` (local), `"8Gi"` (production). */
    memory?: string;
    /** 2 MiB huge pages per pod, a quantity; `"0"` for none. Default: `"0"` (local), `"1Gi"` (production). */
    hugepages2Mi?: string;
}

/**
 * The Pulumi secrets the application reads (one Kubernetes Secret, `names.externalSecret`). A key left unset is
 * left out of the Secret and its references are optional, so the pods still start (fine for local stacks).
 */
export interface AppSecrets {
    /** Exchange API key (a testnet key with `exchange.testnet`). */
    binanceApiKey?: pulumi.Input<string>;
    /** Exchange API secret. */
    binanceApiSecret?: pulumi.Input<string>;
    /** Telegram bot token (notifications). */
    telegramBotToken?: pulumi.Input<string>;
    /** News API key. */
    newsApiKey?: pulumi.Input<string>;
    /** LLM provider API key. */
    llmApiKey?: pulumi.Input<string>;
}

/** Namespaces by the role they play for this tier; each a DNS label. */
export interface AppNamespaces {
    /** Where every object of this tier goes (it must exist). Default: `"deepalpha"`. */
    app?: string;
    /** local: where the in-cluster data stores run (egress is allowed to it). Default: `"deepalpha-data"`. */
    data?: string;
    /** Where Prometheus (ingress to the metrics ports) and the OTLP collector (egress) run. Default: `"monitoring"`. */
    monitoring?: string;
    /** Where the gateway's data plane runs (ingress to the API and WebSocket ports). Default: `"gateway"`. */
    gateway?: string;
}

/**
 * Kubernetes names of the objects this tier creates; each a DNS label. A workload's name is also its
 * `app.kubernetes.io/name` label, which selectors, NetworkPolicies, PDBs and the observability tier's scrape
 * configs use.
 */
export interface AppObjectNames {
    /** API Deployment, Service, HPA, PDB, NetworkPolicy and HTTPRoute. Default: `"deepalpha-api"`. */
    api?: string;
    /** WebSocket Deployment, Service, HPA, PDB, NetworkPolicy and HTTPRoute. Default: `"deepalpha-websocket"`. */
    websocket?: string;
    /** Executor Deployment, Service, PDB and NetworkPolicy. Default: `"deepalpha-executor"`. */
    executor?: string;
    /** Prefix of each bot's objects (`<freqtrade>-<bot>`), their label and their NetworkPolicy. Default: `"freqtrade"`. */
    freqtrade?: string;
    /** ConfigMap with the settings-derived environment of the DeepAlpha processes. Default: `"deepalpha-config"`. */
    configMap?: string;
    /** Secret with the external services' keys (`secrets`). Default: `"deepalpha-external"`. */
    externalSecret?: string;
    /** HTTPRoute that redirects plain HTTP to HTTPS for both hosts. Default: `"deepalpha-https-redirect"`. */
    httpsRedirectRoute?: string;
}

/** The Gateway API Gateway (created elsewhere, e.g. by the cluster tier) the routes attach to. */
export interface GatewayRef {
    /** Gateway name. Default: `"deepalpha"`. */
    name?: string;
    /** Gateway namespace. Default: `namespaces.gateway`. */
    namespace?: string;
    /** Listener (sectionName) terminating TLS, for the API and WebSocket routes. Default: `"https"`. */
    httpsListener?: string;
    /** Plain-HTTP listener, for the redirect route. Default: `"http"`. */
    httpListener?: string;
}

/** A node taint the executor pods tolerate. */
export interface NodeTaint {
    key: string;
    value: string;
    /** Allowed: `"NoSchedule"`, `"PreferNoSchedule"`, `"NoExecute"`. */
    effect: string;
}

/** production: the dedicated executor node group the executor pods are placed on (the cluster tier labels and taints it). */
export interface ExecutorNodes {
    /** Node labels the executor pods select. Default: `{"deepalpha.io/node-role": "executor"}` (replaced, not merged). */
    labels?: Record<string, string>;
    /** Taint the executor pods tolerate. Default: `deepalpha.io/executor=true:NoSchedule`. */
    taint?: NodeTaint;
    /** Node label naming the CPU the executor image is built for (selected with `executorCpuTarget`). Default: `"deepalpha.io/cpu-target"`. */
    cpuTargetLabel?: string;
}

export interface AppTierArgs {
    /**
     * Deployment profile. Allowed: `"local"` (an existing cluster, every store in-cluster) and `"production"` (EKS:
     * spread over zones, executor on its own nodes, per-pod sysctls, data stores outside the cluster). Required:
     * it picks the defaults below.
     */
    profile: string;
    /**
     * Kubernetes provider for every object. Default: the provider in the component's options (`{ provider }` or
     * `{ providers }`), else the ambient default provider.
     */
    provider?: k8s.Provider;
    /** The DeepAlpha image (API, WebSocket, executor). Default: `ghcr.io/deepalpha/deepalpha:1.0.0`. */
    image?: ImageRef;
    /** The Freqtrade image. Default: `freqtradeorg/freqtrade:2025.6`. */
    freqtradeImage?: ImageRef;
    /** Host name the API is served on (HTTPRoute). A lower-case DNS name. Default: `"api.deepalpha.local"`. */
    apiHost?: string;
    /** Host name the WebSocket tier is served on; must differ from `apiHost`. Default: `"ws.deepalpha.local"`. */
    websocketHost?: string;
    /** Replicas per workload (merged key by key over the profile's defaults). */
    replicas?: ReplicaCounts;
    /** HPA maximum per autoscaled workload (merged key by key). */
    maxReplicas?: MaxReplicaCounts;
    /**
     * Freqtrade bots, 0-10, with distinct names (the list replaces the default). Default: `bot-a` (BTC/USDT,
     * ETH/USDT) and `bot-b` (SOL/USDT, BNB/USDT), both `DeepAlphaStrategy`, dry run.
     */
    freqtradeBots?: FreqtradeBot[];
    /** The exchange (merged key by key). */
    exchange?: ExchangeArgs;
    /** LLM provider base URL, an absolute URL. Default: `"https://api.openai.com/v1"`. */
    llmBaseUrl?: string;
    /** News API base URL, an absolute URL. Default: `"https://newsapi.org/v2"`. */
    newsApiUrl?: string;
    /** The executor pod's size (merged key by key). */
    executor?: ExecutorSize;
    /** Size of each bot's user-data volume, a Kubernetes quantity. Default: `"1Gi"` (local), `"5Gi"` (production). */
    freqtradeVolumeSize?: string;
    /** External services' keys (Pulumi secrets). Default: none set. */
    secrets?: AppSecrets;
    /**
     * Name of the Secret with the data stores' connection settings (the data tier's, in `namespaces.app`, with the
     * keys of `CONNECTION_KEYS` in @deepalpha/shared). Pass the data tier's output to wait for it. Default:
     * `"deepalpha-connection"`.
     */
    connectionSecretName?: pulumi.Input<string>;
    /**
     * OTLP gRPC endpoint the processes send traces to, an absolute URL (its port opens the egress rule; 4317 when
     * it has none). Default: `"http://jaeger.<namespaces.monitoring>.svc.cluster.local:4317"`.
     */
    otlpEndpoint?: pulumi.Input<string>;
    /**
     * production (required there, at least one): IPv4 CIDR blocks of the managed data stores (RDS, ElastiCache,
     * Timestream), for the workloads' egress rules. Unused in `local`, where the data namespace is the peer.
     */
    dataCidrs?: string[];
    /** production: the CPU the executor nodes are labelled with (`executorNodes.cpuTargetLabel`), which the executor pods select. Default: none (no CPU selector). */
    executorCpuTarget?: string;
    /** production: the executor node group's labels and taint. */
    executorNodes?: ExecutorNodes;
    /**
     * StorageClass of the bots' volumes. Default: `"gp3"` in production, the cluster's default StorageClass in
     * local; `""` also means the cluster's default.
     */
    storageClassName?: string;
    /** ServiceAccount the pods run as (it must exist in `namespaces.app`; only the API mounts its token). Default: `"deepalpha"`. */
    serviceAccountName?: string;
    /** Namespaces by role (merged key by key). */
    namespaces?: AppNamespaces;
    /** Names of the Kubernetes objects this tier creates (merged key by key). */
    names?: AppObjectNames;
    /** The Gateway the routes attach to (merged key by key). */
    gateway?: GatewayRef;
}

/** The external services' keys, in the order the Secret lists them. */
export const SECRET_KEYS = ["binanceApiKey", "binanceApiSecret", "telegramBotToken", "newsApiKey", "llmApiKey"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

/** The allowed values of the string-typed enumerations. */
export const PROFILES = ["local", "production"] as const;
export const EXCHANGES = ["binance"] as const;
export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;
export type Profile = (typeof PROFILES)[number];
export type ExchangeName = (typeof EXCHANGES)[number];

/** Every default applied: what the builders read. Outputs stay Inputs; `profile` and `exchange.name` are checked. */
export interface ResolvedAppTierArgs {
    profile: Profile;
    provider?: k8s.Provider;
    image: ImageRef;
    freqtradeImage: ImageRef;
    apiHost: string;
    websocketHost: string;
    replicas: Required<ReplicaCounts>;
    maxReplicas: Required<MaxReplicaCounts>;
    freqtradeBots: Required<FreqtradeBot>[];
    exchange: { name: ExchangeName; testnet: boolean };
    llmBaseUrl: string;
    newsApiUrl: string;
    executor: Required<ExecutorSize>;
    freqtradeVolumeSize: string;
    secrets: AppSecrets;
    connectionSecretName: pulumi.Input<string>;
    otlpEndpoint: pulumi.Input<string>;
    dataCidrs?: string[];
    executorCpuTarget?: string;
    executorNodes: Required<ExecutorNodes>;
    /** Undefined: the cluster's default StorageClass. */
    storageClassName?: string;
    serviceAccountName: string;
    namespaces: Required<AppNamespaces>;
    names: Required<AppObjectNames>;
    gateway: Required<GatewayRef>;
}
