// Production Redis: an ElastiCache replication group of one primary and N replicas in distinct AZs, Multi-AZ
// with automatic failover, encrypted at rest (KMS) and in transit (TLS required), daily snapshots kept at least
// 7 days, 6379 from the nodes only.
//
// Least privilege through ElastiCache RBAC (Redis OSS 6.0 and later, with in-transit encryption: the pinned 7.1
// qualifies) instead of one shared AUTH token: a user group with the application's and the exporter's users, each
// with the access string of the dev ACL file (redis-local.ts), and the `default` user every group must hold,
// switched off. Passwords come from @pulumi/random and stay secret in state.
//
// Durability without AOF: ElastiCache does not offer AOF on Multi-AZ groups. A write acknowledged by the
// primary is replicated asynchronously to two replicas in two other AZs; a failed primary is replaced by a
// promoted replica (only writes not yet replicated can be lost), and the daily snapshots cover the loss of the whole
// group. Redis holds caches, sessions and pub/sub; the money record (trades, orders) is in PostgreSQL.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import type { DataSettings } from "../../settings/schema";
import type { ClusterNetwork } from "../cluster";
import { DATA_PORTS } from "../shared/conventions";
import { DATA_STORE_TIMEOUTS } from "./common";
import { REDIS_ACL_RULES, REDIS_USERS } from "./redis-local";

/**
 * ElastiCache access string for a user: "on" plus the dev ACL rules. ElastiCache refuses reset rules in access
 * strings (it manages the passwords), so resetchannels is left out; a new ElastiCache user has no channel anyway.
 */
export function elastiCacheAccessString(rules: string): string {
    return `on ${rules.replace(/\bresetchannels\s*/, "")}`;
}

/** The switched-off default user every ElastiCache user group must contain (user name "default"). */
export const ELASTICACHE_DISABLED_DEFAULT_ACCESS = "off -@all";

export interface ElastiCacheRedisArgs {
    prefix: string;
    settings: DataSettings["redis"];
    network: ClusterNetwork;
    securityGroupId: pulumi.Input<string>;
    kmsKeyArn: pulumi.Input<string>;
    availabilityZones: pulumi.Input<string[]>;
    /** Passwords of the application's and the exporter's RBAC users. */
    passwords: { app: pulumi.Output<string>; exporter: pulumi.Output<string> };
    tags: Record<string, string>;
}

export interface ElastiCacheRedis {
    group: aws.elasticache.ReplicationGroup;
    userGroup: aws.elasticache.UserGroup;
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
    const user = (key: string, userName: string, accessString: string, password: pulumi.Output<string>) =>
        new aws.elasticache.User(
            `${id}-${key}`,
            {
                userId: `${id}-${key}`,
                userName,
                engine: "redis",
                accessString,
                authenticationMode: { type: "password", passwords: [pulumi.secret(password)] },
                tags: a.tags,
            },
            { parent },
        );
    // Nobody logs in as default: its password is generated and handed to no one, and the user is off.
    const defaultPassword = new random.RandomPassword(`${id}-default-user`, { length: 32, special: false }, { parent }).result;
    const users = [
        user("default", "default", ELASTICACHE_DISABLED_DEFAULT_ACCESS, pulumi.secret(defaultPassword)),
        user("app", REDIS_USERS.app, elastiCacheAccessString(REDIS_ACL_RULES.app), a.passwords.app),
        user("exporter", REDIS_USERS.exporter, elastiCacheAccessString(REDIS_ACL_RULES.exporter), a.passwords.exporter),
    ];
    const userGroup = new aws.elasticache.UserGroup(
        id,
        { userGroupId: id, engine: "redis", userIds: users.map((u) => u.userId), tags: a.tags },
        { parent },
    );
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
            // RBAC instead of an AUTH token. On a group that still has a token (deployed before RBAC), DELETE
            // removes it while the user group is added (AWS: modify-replication-group --auth-token-update-strategy
            // DELETE --user-group-ids-to-add); ignored on create.
            userGroupIds: [userGroup.userGroupId],
            authTokenUpdateStrategy: "DELETE",
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
    return { group, userGroup, host: group.primaryEndpointAddress, readerHost: group.readerEndpointAddress };
}
