// What one tier hands another. A tier package depends on @deepalpha/shared for these shapes and names, never on
// the other tier's package, so the tiers stay independent: any producer of the shape can feed any consumer.
import type * as pulumi from "@pulumi/pulumi";

/**
 * The two deployment profiles: `local` (an existing Kubernetes cluster, every store in-cluster) and `production`
 * (AWS: EKS, RDS, ElastiCache, Timestream for InfluxDB, S3).
 */
export type Profile = "local" | "production";
export const PROFILES: readonly Profile[] = ["local", "production"];

/** The cluster's network, as the data tier needs it to place its AWS stores (production). */
export interface ClusterNetwork {
    vpcId: pulumi.Output<string>;
    vpcCidr: string;
    privateSubnetIds: pulumi.Output<string[]>;
    /**
     * Availability zones of the private subnets, in subnet order. The data tier places replicas and cache nodes
     * here: a zone of its own choosing (an opted-in Local Zone, say) would have no subnet in its subnet groups.
     */
    availabilityZones: pulumi.Output<string[]>;
    /** Security group on every worker node (and so every pod): the only source the data stores accept. */
    nodeSecurityGroupId: pulumi.Output<string>;
}

/** Where the data stores answer: the observability tier's exporters scrape them. */
export interface DataEndpoints {
    postgresHost: pulumi.Output<string>;
    postgresReaderHosts: pulumi.Output<string[]>;
    redisHost: pulumi.Output<string>;
    influxdbHost: pulumi.Output<string>;
    s3Endpoint: pulumi.Output<string>;
}

/** Logins the data tier creates for the observability tier's exporters. */
export interface ExporterCredentials {
    /** PostgreSQL role the exporter logs in as (the pg_monitor role is enough). */
    postgresUser: pulumi.Input<string>;
    postgresPassword: pulumi.Input<string>;
    /** Redis user the exporter logs in as (an ACL user in dev, an ElastiCache RBAC user in prod). */
    redisUser?: string;
    /** That user's password. */
    redisPassword: pulumi.Input<string>;
}

/** The trades table's default partition: rows land there when no monthly partition covers them (alerted on). */
export const TRADES_DEFAULT_PARTITION = "trades_default";
/** How many of the next months must have a trades partition; fewer fails the partition job and pages. */
export const MIN_FUTURE_PARTITIONS = 2;
/** Name of the data tier's restore-drill CronJob, whose last success the observability tier alerts on. */
export const RESTORE_DRILL = "restore-drill";
