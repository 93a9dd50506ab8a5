// Profile defaults. A stack file overrides any of these; whatever it sets is deep-merged over them
// (objects merge key by key, arrays and scalars replace) and the result is validated as a whole.
import type { Profile, Settings } from "./schema";
import { defaultAppSettings } from "@deepalpha/app/defaults";
import { deepMerge } from "@deepalpha/shared";
import { DATA_STORE_DEFAULTS, LOCAL_DATA_STORE_OVERRIDES } from "@deepalpha/data/defaults";
import { OBSERVABILITY_TUNING } from "@deepalpha/observability/defaults";
import {
    DEFAULT_AVAILABILITY_ZONES,
    DEFAULT_CLUSTER_NAME,
    DEFAULT_EXECUTOR_NODES,
    DEFAULT_GATEWAY,
    DEFAULT_GATEWAY_TLS,
    DEFAULT_GENERAL_NODES,
    DEFAULT_KUBE_CONTEXT,
    DEFAULT_KUBERNETES_VERSION,
    DEFAULT_NAT_GATEWAYS,
    DEFAULT_VPC_CIDR,
} from "@deepalpha/cluster/defaults";

export { deepMerge };

type Defaults = Omit<Settings, "profile">;

export type DeepPartial<T> = T extends (infer U)[] ? U[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Settings shared by both profiles: the seed's numbers and pinned versions. */
const common: Defaults = {
    // The cluster section: @deepalpha/cluster's defaults (components/cluster/src/defaults.ts says why each value).
    cluster: {
        name: DEFAULT_CLUSTER_NAME,
        kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
        vpcCidr: DEFAULT_VPC_CIDR,
        availabilityZones: DEFAULT_AVAILABILITY_ZONES,
        natGateways: DEFAULT_NAT_GATEWAYS,
        publicEndpointCidrs: [],
        adminRoleArns: [],
        generalNodes: { ...DEFAULT_GENERAL_NODES },
        executorNodes: { ...DEFAULT_EXECUTOR_NODES },
        gateway: { ...DEFAULT_GATEWAY, tls: DEFAULT_GATEWAY_TLS.local },
    },
    // The data tier's own defaults (components/data/src/defaults.ts): one source for the package and the stack.
    data: DATA_STORE_DEFAULTS,
    // The app tier's values live in its package (one source): the production ones are the common base.
    app: defaultAppSettings("production"),
    // The observability package's own defaults (one source): the production profile's here, the local one's below.
    observability: { ...OBSERVABILITY_TUNING.production },
    preinstalled: [],
};

/** dev: everything in one local cluster, one replica of each workload, small volumes, testnet. */
const local: DeepPartial<Defaults> = {
    cluster: { kubeContext: DEFAULT_KUBE_CONTEXT, gateway: { ...DEFAULT_GATEWAY, tls: DEFAULT_GATEWAY_TLS.local } },
    // No AWS (secondRegion ""), no replicas, the seed's postgres:15 (components/data/src/defaults.ts).
    data: LOCAL_DATA_STORE_OVERRIDES,
    // One replica of each workload, testnet, a small executor without huge pages (@deepalpha/app's local defaults).
    app: defaultAppSettings("local"),
    observability: { ...OBSERVABILITY_TUNING.local },
};

/** prod: the seed's HA layout; real exchange, certificates from Let's Encrypt. */
const production: DeepPartial<Defaults> = {
    cluster: { gateway: { ...DEFAULT_GATEWAY, tls: DEFAULT_GATEWAY_TLS.production } },
    app: defaultAppSettings("production"),
};

export function profileDefaults(profile: Profile): Record<string, unknown> {
    return deepMerge(common, profile === "local" ? local : production) as Record<string, unknown>;
}


/** Objects merge key by key; arrays and scalars in `over` replace those in `base`. */
