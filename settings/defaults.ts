// Profile defaults. A stack file overrides any of these; whatever it sets is deep-merged over them
// (objects merge key by key, arrays and scalars replace) and the result is validated as a whole.
import type { Profile, Settings } from "./schema";
import { defaultAppSettings } from "@deepalpha/app";
import { deepMerge } from "@deepalpha/shared";
import { OBSERVABILITY_TUNING } from "@deepalpha/observability";
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
    data: {
        postgres: {
            // The major only: RDS creates the instance on the major's current default minor and keeps it on a
            // supported minor itself (autoMinorVersionUpgrade, components/data/src/postgres-rds.ts).
            engineVersion: "16",
            instanceClass: "db.r6g.xlarge",
            allocatedStorageGb: 200,
            maxAllocatedStorageGb: 1000,
            readReplicas: 2,
            backupRetentionDays: 7,
            volumeSize: "20Gi",
        },
        redis: { engineVersion: "7.1", nodeType: "cache.r6g.large", replicas: 2, snapshotRetentionDays: 7, volumeSize: "5Gi" },
        influxdb: {
            instanceClass: "db.influx.large",
            allocatedStorageGb: 400,
            organization: "deepalpha",
            bucket: "deepalpha",
            retention: "0",
            volumeSize: "20Gi",
        },
        objectStorage: { backupRetentionDays: 7, filesNoncurrentVersionDays: 30, volumeSize: "20Gi" },
        backupSchedule: "0 2 * * *",
        secondRegion: "us-east-1",
        partitionMonthsAhead: 3,
        images: {
            // The jobs' pg_dump/psql match the server's major version (RDS engineVersion in prod); the latest
            // 16 minor (a client may be newer than the server within one major).
            postgres: { repository: "postgres", tag: "16.15-alpine" },
            redis: { repository: "redis", tag: "7.4.5-alpine" },
            influxdb: { repository: "influxdb", tag: "2.7.12-alpine" },
            // SeaweedFS: Apache-2.0, actively released; MinIO's community edition is archived.
            objectStore: { repository: "chrislusf/seaweedfs", tag: "4.18" },
            awsCli: { repository: "amazon/aws-cli", tag: "2.27.0" },
        },
    },
    // The app tier's values live in its package (one source): the production ones are the common base.
    app: defaultAppSettings("production"),
    // The observability package's own defaults (one source): the production profile's here, the local one's below.
    observability: { ...OBSERVABILITY_TUNING.production },
    preinstalled: [],
};

/** dev: everything in one local cluster, one replica of each workload, small volumes, testnet. */
const local: DeepPartial<Defaults> = {
    cluster: { kubeContext: DEFAULT_KUBE_CONTEXT, gateway: { ...DEFAULT_GATEWAY, tls: DEFAULT_GATEWAY_TLS.local } },
    data: {
        postgres: { readReplicas: 0 },
        redis: { replicas: 0 },
        objectStorage: { backupRetentionDays: 7 },
        // No AWS in the local profile.
        secondRegion: "",
        // The seed's local PostgreSQL container is postgres:15.
        images: { postgres: { repository: "postgres", tag: "15.13-alpine" } },
    },
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
