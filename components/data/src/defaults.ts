// The data tier's defaults: DeepAlpha's values, per profile. The DeepAlpha stack settings take their `data`
// defaults from here too (settings/defaults.ts), so the package and the stack cannot disagree.
import { NAMESPACES, withDefaults } from "@deepalpha/shared";
import type { DataImages, DataTierArgs, InfluxdbArgs, ObjectStorageArgs, PostgresArgs, RedisArgs, ResolvedDataTierArgs } from "./args";

/** The stores' settings: the part of the args the DeepAlpha stack configuration mirrors (its `data` section). */
export interface DataStoreSettings {
    postgres: Required<PostgresArgs>;
    redis: Required<RedisArgs>;
    influxdb: Required<InfluxdbArgs>;
    objectStorage: Required<ObjectStorageArgs>;
    backupSchedule: string;
    secondRegion: string;
    partitionMonthsAhead: number;
    images: Required<DataImages>;
}

/** The stores' settings of both profiles (production as is): the seed's numbers and pinned versions. */
export const DATA_STORE_DEFAULTS: DataStoreSettings = {
    postgres: {
        // The major only: RDS creates the instance on the major's current default minor and keeps it on a
        // supported minor itself (autoMinorVersionUpgrade, postgres-rds.ts).
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
};

/** What the local profile changes in DATA_STORE_DEFAULTS. */
export const LOCAL_DATA_STORE_OVERRIDES: Pick<DataTierArgs, "postgres" | "redis" | "objectStorage" | "secondRegion" | "images"> = {
    postgres: { readReplicas: 0 },
    redis: { replicas: 0 },
    objectStorage: { backupRetentionDays: 7 },
    // No AWS in the local profile.
    secondRegion: "",
    // The seed's local PostgreSQL container is postgres:15.
    images: { postgres: { repository: "postgres", tag: "15.13-alpine" } },
};

/** The namespaces by role: DeepAlpha's. */
export const DATA_NAMESPACE_DEFAULTS: Required<NonNullable<DataTierArgs["namespaces"]>> = {
    app: NAMESPACES.app,
    data: NAMESPACES.data,
    monitoring: NAMESPACES.monitoring,
};

/** Names of the objects the tier creates that other tiers or people refer to: DeepAlpha's. */
export const DATA_NAME_DEFAULTS = {
    awsNamePrefix: "deepalpha",
    connectionSecretName: "deepalpha-connection",
    jobsSecretName: "deepalpha-data-jobs",
    jobsServiceAccountName: "deepalpha-data-jobs",
    influxdbTokenWriterName: "deepalpha-influxdb-token-writer",
    localBuckets: { backups: "deepalpha-backups", files: "deepalpha-files" },
} as const;

/** The stores' settings of a profile. */
export function dataStoreDefaults(profile: string): DataStoreSettings {
    return profile === "local" ? withDefaults(DATA_STORE_DEFAULTS, LOCAL_DATA_STORE_OVERRIDES) : DATA_STORE_DEFAULTS;
}

/** Every default of a profile (`"local"` or `"production"`): what an argument left out becomes. */
export function defaultDataTierArgs(profile: string): Omit<ResolvedDataTierArgs, "provider" | "kubernetesDependsOn" | "network" | "oidcProviderArn" | "oidcProviderUrl" | "appRoleName" | "region" | "tags"> {
    const local = profile === "local";
    return {
        profile,
        // A copy: a caller that changes its resolved args never changes the defaults.
        ...structuredClone(dataStoreDefaults(profile)),
        backupScratchSize: local ? "5Gi" : "50Gi",
        restoreDrillScratchSize: local ? "10Gi" : "100Gi",
        namespaces: { ...DATA_NAMESPACE_DEFAULTS },
        ...DATA_NAME_DEFAULTS,
        localBuckets: { ...DATA_NAME_DEFAULTS.localBuckets },
    };
}

/** The args with the profile's defaults under them (objects merge key by key; arrays, scalars and Outputs replace). */
export function resolveDataTierArgs(args: DataTierArgs): ResolvedDataTierArgs {
    return withDefaults(defaultDataTierArgs(args?.profile) as ResolvedDataTierArgs, args);
}
