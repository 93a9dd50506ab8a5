// The data tier's arguments: an interface this package owns. Everything with a sensible default is optional;
// src/defaults.ts holds the defaults (DeepAlpha's values, per profile) and src/validate.ts checks the result
// before the component registers anything. Enumerations are documented strings checked at run time (the schema
// of other Pulumi languages has no union types).
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { ClusterNetwork } from "@deepalpha/shared";

/** A container image: `<repository>:<tag>`. */
export interface ImageRef {
    /** Image repository, such as `postgres` or `ghcr.io/acme/tool`. */
    repository: string;
    /** Image tag, such as `16.15-alpine`. */
    tag: string;
}

/** PostgreSQL: RDS Multi-AZ with read replicas in production, a StatefulSet locally. */
export interface PostgresArgs {
    /**
     * Production: the RDS PostgreSQL major version (15 to 19), such as `"16"`; RDS picks the major's default
     * minor and applies minor upgrades itself. Default `"16"`.
     */
    engineVersion?: string;
    /** Production: RDS instance class (`db.<family>.<size>`). Default `"db.r6g.xlarge"`. */
    instanceClass?: string;
    /** Production: storage of the primary, GB (20 to 65536). Default `200`. */
    allocatedStorageGb?: number;
    /** Production: storage autoscaling ceiling, GB (20 to 65536, at least allocatedStorageGb). Default `1000`. */
    maxAllocatedStorageGb?: number;
    /** Production: read replicas, each in another availability zone than the primary (0 to 5). Default `2` (local: `0`, unused). */
    readReplicas?: number;
    /** Production: days of RDS automated backups (point-in-time restore), 1 to 35. Default `7`. */
    backupRetentionDays?: number;
    /** Local: size of the PersistentVolumeClaim (a Kubernetes quantity). Default `"20Gi"`. */
    volumeSize?: string;
}

/** Redis: an ElastiCache replication group in production, a StatefulSet (AOF on) locally. */
export interface RedisArgs {
    /** Production: ElastiCache Redis OSS version, 7.0 or newer (the RBAC access strings need it). Default `"7.1"`. */
    engineVersion?: string;
    /** Production: ElastiCache node type (`cache.<family>.<size>`). Default `"cache.r6g.large"`. */
    nodeType?: string;
    /** Production: replicas besides the primary, in other zones (0 to 5). Default `2` (local: `0`, unused). */
    replicas?: number;
    /** Production: days of daily snapshots kept (1 to 35). Default `7`. */
    snapshotRetentionDays?: number;
    /** Local: size of the PersistentVolumeClaim. Default `"5Gi"`. */
    volumeSize?: string;
}

/** InfluxDB 2: Timestream for InfluxDB (Multi-AZ standby) in production, a StatefulSet locally. */
export interface InfluxdbArgs {
    /** Production: Timestream for InfluxDB instance class (`db.influx.<size>`). Default `"db.influx.large"`. */
    instanceClass?: string;
    /** Production: storage, GB (20 to 16384). Default `400`. */
    allocatedStorageGb?: number;
    /** The organisation created at setup. Default `"deepalpha"`. */
    organization?: string;
    /** The bucket created at setup. Default `"deepalpha"`. */
    bucket?: string;
    /** Local: the bucket's retention, a duration such as `"90d"`, or `"0"` for infinite. Default `"0"`. */
    retention?: string;
    /** Local: size of the PersistentVolumeClaim. Default `"20Gi"`. */
    volumeSize?: string;
}

/** Object storage: two S3 buckets (backups, files) in production, SeaweedFS (S3 API) locally. */
export interface ObjectStorageArgs {
    /** Days a backup is kept before the lifecycle rule expires it (1 to 3650). Default `7`. */
    backupRetentionDays?: number;
    /** Production: days an overwritten or deleted object of the files bucket stays recoverable (1 to 3650). Default `30`. */
    filesNoncurrentVersionDays?: number;
    /** Local: size of the store's PersistentVolumeClaim. Default `"20Gi"`. */
    volumeSize?: string;
}

/** Pinned images of the tier. */
export interface DataImages {
    /** Local: the PostgreSQL server; both profiles: psql and pg_dump of the Jobs (same major as the server). Default `postgres:16.15-alpine` (local: `postgres:15.13-alpine`). */
    postgres?: ImageRef;
    /** Local: the Redis server. Default `redis:7.4.5-alpine`. */
    redis?: ImageRef;
    /** Local: the InfluxDB 2 server; both: the influx CLI of the backup and the restore drill. Default `influxdb:2.7.12-alpine`. */
    influxdb?: ImageRef;
    /** Local: SeaweedFS, the S3-compatible store. Default `chrislusf/seaweedfs:4.18`. */
    objectStore?: ImageRef;
    /** The AWS CLI v2 of the upload, download, bucket and token Jobs. Default `amazon/aws-cli:2.27.0`. */
    awsCli?: ImageRef;
}

/** The namespaces the tier uses, by role. It creates none of them (the cluster tier does). */
export interface DataNamespaces {
    /** The application's namespace: the connection Secret; in production also the data Jobs. Default `"deepalpha"`. */
    app?: string;
    /** Local: the stores' namespace (StatefulSets, their Secrets, the data Jobs). Default `"deepalpha-data"`. */
    data?: string;
    /** Where the exporters and Prometheus run: admitted to the local stores. Default `"monitoring"`. */
    monitoring?: string;
}

/** Bucket names of the local object store (production names add the prefix, the account and the region). */
export interface LocalBucketNames {
    /** Default `"deepalpha-backups"`. */
    backups?: string;
    /** Default `"deepalpha-files"`. */
    files?: string;
}

export interface DataTierArgs {
    /**
     * Where the stores run: `"local"` (StatefulSets on an existing cluster) or `"production"` (RDS, ElastiCache,
     * Timestream for InfluxDB and S3 on AWS; needs `network`, `oidcProviderArn`, `oidcProviderUrl` and `region`).
     * Required: it picks the defaults of every other argument.
     */
    profile: string;
    /**
     * The Kubernetes provider of the tier's Kubernetes objects. Default: the provider given in the resource
     * options (`provider`/`providers`), else the default provider.
     */
    provider?: k8s.Provider;
    /**
     * What the tier's Kubernetes objects wait for (the cluster's namespaces, nodes and storage). The AWS stores
     * do not wait for them. Default: nothing.
     */
    kubernetesDependsOn?: pulumi.Resource[];
    /** Production: the cluster's VPC, where the managed stores live and who may reach them. Required there. */
    network?: ClusterNetwork;
    /** Production: ARN of the cluster's IAM OIDC provider (IRSA for the backup Jobs). Required there. */
    oidcProviderArn?: pulumi.Input<string>;
    /** Production: URL of the cluster's OIDC issuer (`https://oidc.eks...`). Required there. */
    oidcProviderUrl?: pulumi.Input<string>;
    /** Production: name of the application's IAM role (IRSA); it gets the files bucket and its key. Default: none granted. */
    appRoleName?: pulumi.Input<string>;
    /** Production: the AWS region of the stores (the `aws:region` of the provider), such as `"us-west-2"`. Required there. */
    region?: string;
    /** Production: tags on every AWS resource (the tier adds `tier: data`). Default: none. */
    tags?: Record<string, string>;
    /**
     * Production: prefix of every AWS physical name (RDS identifiers, ElastiCache IDs, bucket names, KMS aliases):
     * lower-case letters, digits and hyphens, starting with a letter. Two instances in one account and region
     * need different prefixes. Default `"deepalpha"`.
     */
    awsNamePrefix?: string;

    /** PostgreSQL. */
    postgres?: PostgresArgs;
    /** Redis. */
    redis?: RedisArgs;
    /** InfluxDB. */
    influxdb?: InfluxdbArgs;
    /** Object storage. */
    objectStorage?: ObjectStorageArgs;
    /** Five-field cron schedule (UTC) of the daily PostgreSQL backup; InfluxDB's starts 30 minutes later, the restore drill 2 hours later. Default `"0 2 * * *"`. */
    backupSchedule?: string;
    /**
     * Production: AWS region the backups bucket and the RDS automated backups are replicated to (its own KMS key),
     * other than `region`; `""` for none. Default `"us-east-1"` (local: `""`, unused).
     */
    secondRegion?: string;
    /** Monthly trades partitions created ahead of time, 2 to 24 (fewer than 2 fails the partition Job, which pages). Default `3`. */
    partitionMonthsAhead?: number;
    /** Pinned images. */
    images?: DataImages;
    /** Size of the scratch volume a backup is written to before upload (a Kubernetes quantity). Default `"50Gi"` (local: `"5Gi"`). */
    backupScratchSize?: string;
    /** Size of the restore drill's scratch volume (both restored servers). Default `"100Gi"` (local: `"10Gi"`). */
    restoreDrillScratchSize?: string;

    /** Namespaces by role. Default DeepAlpha's: `deepalpha`, `deepalpha-data`, `monitoring`. */
    namespaces?: DataNamespaces;
    /**
     * The Secret (in the app namespace) holding every connection setting, which the application reads through
     * secretKeyRef. Default `"deepalpha-connection"`.
     */
    connectionSecretName?: string;
    /** The Secret of the migration, partition and backup Jobs' credentials (env-var names, in the Jobs' namespace). Default `"deepalpha-data-jobs"`. */
    jobsSecretName?: string;
    /** Production: the data Jobs' ServiceAccount (IRSA role for the backups bucket). Default `"deepalpha-data-jobs"`. */
    jobsServiceAccountName?: string;
    /** Production: ServiceAccount, Role and RoleBinding of the Job that writes the InfluxDB token. Default `"deepalpha-influxdb-token-writer"`. */
    influxdbTokenWriterName?: string;
    /** Local: the object store's bucket names. */
    localBuckets?: LocalBucketNames;
}

/** The arguments after defaults: what the component and its validation work with. */
export type ResolvedDataTierArgs = Required<
    Pick<
        DataTierArgs,
        | "profile"
        | "awsNamePrefix"
        | "backupSchedule"
        | "secondRegion"
        | "partitionMonthsAhead"
        | "backupScratchSize"
        | "restoreDrillScratchSize"
        | "connectionSecretName"
        | "jobsSecretName"
        | "jobsServiceAccountName"
        | "influxdbTokenWriterName"
    >
> &
    Pick<DataTierArgs, "provider" | "kubernetesDependsOn" | "network" | "oidcProviderArn" | "oidcProviderUrl" | "appRoleName" | "region" | "tags"> & {
        postgres: Required<PostgresArgs>;
        redis: Required<RedisArgs>;
        influxdb: Required<InfluxdbArgs>;
        objectStorage: Required<ObjectStorageArgs>;
        images: Required<DataImages>;
        namespaces: Required<DataNamespaces>;
        localBuckets: Required<LocalBucketNames>;
    };
