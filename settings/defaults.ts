// Profile defaults. A stack file overrides any of these; whatever it sets is deep-merged over them
// (objects merge key by key, arrays and scalars replace) and the result is validated as a whole.
import type { Profile, Settings } from "./schema";
import { deepMerge } from "@deepalpha/shared";
import { DATA_STORE_DEFAULTS, LOCAL_DATA_STORE_OVERRIDES } from "@deepalpha/data";

export { deepMerge };

type Defaults = Omit<Settings, "profile">;

export type DeepPartial<T> = T extends (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Settings shared by both profiles: the seed's numbers and pinned versions. */
const common: Defaults = {
    cluster: {
        name: "deepalpha",
        // 1.34 leaves EKS standard support on 2 Dec 2026; 1.35 is supported until 27 Mar 2027.
        kubernetesVersion: "1.35",
        vpcCidr: "10.40.0.0/16",
        availabilityZones: 3,
        natGateways: "onePerAz",
        publicEndpointCidrs: [],
        adminRoleArns: [],
        generalNodes: { instanceType: "m5.2xlarge", minSize: 3, desiredSize: 3, maxSize: 9 },
        // c6i: Ice Lake, so the executor image is built with -C target-cpu=icelake-server.
        executorNodes: { instanceType: "c6i.4xlarge", minSize: 2, desiredSize: 2, maxSize: 4, hugepages2Mi: 1024, enaExpress: false, cpuTarget: "icelake-server" },
        gateway: { install: true, className: "nginx", tls: "selfSigned" },
    },
    // The data tier's own defaults (components/data/src/defaults.ts): one source for the package and the stack.
    data: DATA_STORE_DEFAULTS,
    app: {
        image: { repository: "ghcr.io/deepalpha/deepalpha", tag: "1.0.0" },
        freqtradeImage: { repository: "freqtradeorg/freqtrade", tag: "2025.6" },
        apiHost: "api.deepalpha.local",
        websocketHost: "ws.deepalpha.local",
        replicas: { api: 3, websocket: 2, executor: 2 },
        maxReplicas: { api: 10, websocket: 10 },
        freqtradeBots: [
            { name: "bot-a", strategy: "DeepAlphaStrategy", pairs: ["BTC/USDT", "ETH/USDT"], dryRun: true },
            { name: "bot-b", strategy: "DeepAlphaStrategy", pairs: ["SOL/USDT", "BNB/USDT"], dryRun: true },
        ],
        exchange: { name: "binance", testnet: true },
        llmBaseUrl: "https://api.openai.com/v1",
        newsApiUrl: "https://newsapi.org/v2",
        // The seed's executor: 4 CPU / 8 GiB; 1 GiB of the node's 2 GiB of 2 MiB huge pages.
        executor: { cpu: 4, memory: "8Gi", hugepages2Mi: "1Gi" },
        freqtradeVolumeSize: "5Gi",
    },
    observability: {
        prometheusRetention: "15d",
        prometheusStorage: "100Gi",
        grafanaStorage: "10Gi",
        orderLatencyP95Seconds: 0.5,
        apiLatencyP95Seconds: 1,
        alertmanagerReceiver: "telegram",
        tracingStorage: "elasticsearch",
        logging: true,
        elasticsearchStorage: "100Gi",
    },
    preinstalled: [],
};

/** dev: everything in one local cluster, one replica of each workload, small volumes, testnet. */
const local: DeepPartial<Defaults> = {
    cluster: { kubeContext: "kind-deepalpha", gateway: { install: true, className: "nginx", tls: "selfSigned" } },
    // No AWS (secondRegion ""), no replicas, the seed's postgres:15 (components/data/src/defaults.ts).
    data: LOCAL_DATA_STORE_OVERRIDES,
    app: {
        replicas: { api: 1, websocket: 1, executor: 1 },
        maxReplicas: { api: 2, websocket: 2 },
        exchange: { name: "binance", testnet: true },
        // A laptop cluster has neither 4 spare cores nor huge pages configured.
        executor: { cpu: 1, memory: "1Gi", hugepages2Mi: "0" },
        freqtradeVolumeSize: "1Gi",
    },
    observability: {
        prometheusRetention: "2d",
        prometheusStorage: "5Gi",
        grafanaStorage: "1Gi",
        alertmanagerReceiver: "none",
        tracingStorage: "memory",
        logging: false,
        elasticsearchStorage: "10Gi",
    },
};

/** prod: the seed's HA layout; real exchange, certificates from Let's Encrypt. */
const production: DeepPartial<Defaults> = {
    cluster: { gateway: { install: true, className: "nginx", tls: "letsEncrypt" } },
    app: { exchange: { name: "binance", testnet: false } },
};

export function profileDefaults(profile: Profile): Record<string, unknown> {
    return deepMerge(common, profile === "local" ? local : production) as Record<string, unknown>;
}


/** Objects merge key by key; arrays and scalars in `over` replace those in `base`. */
