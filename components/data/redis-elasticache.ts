// Production Redis: an ElastiCache replication group of one primary and N replicas in distinct AZs, Multi-AZ
// with automatic failover, encrypted at rest (KMS) and in transit (TLS required), an AUTH token from
// @pulumi/random, daily snapshots kept at least 7 days, 6379 from the nodes only.
//
// Durability without AOF: ElastiCache does not offer AOF on Multi-AZ groups. A write acknowledged by the
// primary is replicated asynchronously to two replicas in two other AZs; a failed primary is replaced by a
// promoted replica (only writes not yet replicated can be lost), and the daily snapshots cover the loss of the whole
// group. Redis holds caches, sessions and pub/sub; the money record (trades, orders) is in PostgreSQL.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { DataSettings } from "../../settings/schema";
import type { ClusterNetwork } from "../cluster";
import { DATA_PORTS } from "../shared/conventions";
import { DATA_STORE_TIMEOUTS } from "./common";

export interface ElastiCacheRedisArgs {
    prefix: string;
    settings: DataSettings["redis"];
    network: ClusterNetwork;
    securityGroupId: pulumi.Input<string>;
    kmsKeyArn: pulumi.Input<string>;
    availabilityZones: pulumi.Input<string[]>;
    authToken: pulumi.Output<string>;
    tags: Record<string, string>;
}

export interface ElastiCacheRedis {
    group: aws.elasticache.ReplicationGroup;
    host: pulumi.Output<string>;
    readerHost: pulumi.Output<string>;
}

export function createElastiCacheRedis(a: ElastiCacheRedisArgs, parent: pulumi.Resource): ElastiCacheRedis {
    const s = a.settings;
    const nodes = 1 + s.replicas;
    const subnets = new aws.elasticache.SubnetGroup(
        `${a.prefix}-redis`,
        { description: "DeepAlpha Redis: the VPC's private subnets", subnetIds: a.network.privateSubnetIds, tags: a.tags },
        { parent },
    );
    const id = `${a.prefix}-redis`;
    const group = new aws.elasticache.ReplicationGroup(
        id,
        {
            replicationGroupId: id,
            description: "DeepAlpha Redis: primary plus replicas, Multi-AZ",
            engine: "redis",
            engineVersion: s.engineVersion,
            nodeType: s.nodeType,
            numCacheClusters: nodes,
            // First zone gets the primary; read on update only at creation, so a later change replaces nothing.
            preferredCacheClusterAzs: pulumi.output(a.availabilityZones).apply((zones) =>
                Array.from({ length: nodes }, (_, i) => zones[i % zones.length]),
            ),
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            port: DATA_PORTS.redis,
            subnetGroupName: subnets.name,
            securityGroupIds: [a.securityGroupId],
            atRestEncryptionEnabled: true,
            kmsKeyId: a.kmsKeyArn,
            transitEncryptionEnabled: true,
            transitEncryptionMode: "required",
            authToken: a.authToken,
            snapshotRetentionLimit: s.snapshotRetentionDays,
            snapshotWindow: "00:00-01:00",
            maintenanceWindow: "sun:04:00-sun:05:00",
            finalSnapshotIdentifier: `${id}-final`,
            autoMinorVersionUpgrade: false,
            applyImmediately: false,
            tags: a.tags,
        },
        { parent, protect: true, customTimeouts: DATA_STORE_TIMEOUTS.redis },
    );
    return { group, host: group.primaryEndpointAddress, readerHost: group.readerEndpointAddress };
}
