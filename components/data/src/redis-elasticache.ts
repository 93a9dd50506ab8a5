// Production Redis: an ElastiCache replication group of one primary and N replicas in distinct AZs, Multi-AZ
// with automatic failover, encrypted at rest (KMS) and in transit (TLS required), daily snapshots kept at least
// 7 days, 6379 from the nodes only.
//
// Least privilege through ElastiCache RBAC (Redis OSS 6.0 and later, with in-transit encryption: the pinned 7.1
// qualifies) instead of one shared AUTH token: a user group with the application's and the exporter's users, each
// with the access string of the dev ACL file (redis-local.ts) minus what ElastiCache refuses (elastiCacheAccessString),
// and the `default` user every group must hold, switched off. Passwords come from @pulumi/random and stay secret in state.
//
// Durability without AOF: ElastiCache does not offer AOF on Multi-AZ groups. A write acknowledged by the
// primary is replicated asynchronously to two replicas in two other AZs; a failed primary is replaced by a
// promoted replica (only writes not yet replicated can be lost), and the daily snapshots cover the loss of the whole
// group. Redis holds caches, sessions and pub/sub; the money record (trades, orders) is in PostgreSQL.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import type { ResolvedDataTierArgs } from "./args";
import type { ClusterNetwork } from "@deepalpha/shared";
import { DATA_PORTS } from "@deepalpha/shared";
import { DATA_STORE_TIMEOUTS } from "./common";
import { REDIS_ACL_RULES, REDIS_USERS } from "./redis-local";

/**
 * Commands ElastiCache does not offer on Redis OSS node-based clusters ("Restricted Valkey and Redis OSS commands",
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/SupportedCommands.html). Its RBAC page says "You can't use
 * forbidden and renamed commands as part of the access string. If you specify a forbidden or a renamed command, an
 * exception will be thrown." (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/Clusters.RBAC.html)
 */
export const ELASTICACHE_RESTRICTED_COMMANDS = [
    "acl|setuser", "acl|load", "acl|save", "acl|deluser", "bgrewriteaof", "bgsave", "cluster|addslot", "cluster|addslotsrange",
    "cluster|bumpepoch", "cluster|delslot", "cluster|delslotsrange", "cluster|failover", "cluster|flushslots", "cluster|forget",
    "cluster|links", "cluster|meet", "cluster|setslot", "config", "debug", "migrate", "psync", "replicaof", "save", "slaveof", "shutdown", "sync",
] as const;

/** Whether a +cmd / -cmd / +cmd|sub rule names a restricted command (or a subcommand of a restricted one). */
function namesRestrictedCommand(rule: string): boolean {
    const m = /^[+-]([a-z_-]+)(?:\|([a-z_-]+))?$/i.exec(rule);
    if (!m) return false;
    const [cmd, sub] = [m[1].toLowerCase(), m[2]?.toLowerCase()];
    return (ELASTICACHE_RESTRICTED_COMMANDS as readonly string[]).some((r) => r === cmd || (sub !== undefined && r === `${cmd}|${sub}`));
}

/**
 * ElastiCache access string for a user: "on" plus the dev ACL rules, minus what ElastiCache refuses: reset rules
 * (it manages the passwords: "You can't use the reset command as a part of an access string"; a new ElastiCache
 * user has no channel anyway) and rules naming a restricted command (the exporter's `+config|get`: CONFIG does not
 * exist there, so the exporter's CONFIG GET fails either way). The same page gates the syntax by engine version:
 * "For Redis OSS version 6.2 and above ... `&*`", "For Redis OSS version 7.0 and above ... `|`" (subcommands): an
 * older engine is refused here, naming the setting, instead of failing in CreateUser.
 */
export function elastiCacheAccessString(rules: string, engineVersion: string): string {
    const kept = rules.split(/\s+/).filter((r) => r && !/^reset/.test(r) && !namesRestrictedCommand(r));
    const [major, minor] = engineVersion.split(".").map(Number);
    const atLeast = (ma: number, mi: number) => major > ma || (major === ma && minor >= mi);
    const needs: [boolean, string, string][] = [
        [kept.some((r) => r.startsWith("&")), "6.2", "pub/sub channel rules (&*)"],
        [kept.some((r) => r.includes("|")), "7.0", "subcommand rules (+cmd|sub)"],
    ];
    for (const [used, version, what] of needs) {
        const [ma, mi] = version.split(".").map(Number);
        if (used && !atLeast(ma, mi)) {
            throw new pulumi.RunError(
                `data.redis.engineVersion: got ${JSON.stringify(engineVersion)}; the RBAC users' access strings use ${what}, which ElastiCache ` +
                    `accepts from Redis OSS ${version} on. Use ${version} or newer (7.1 is the default).`,
            );
        }
    }
    return ["on", ...kept].join(" ");
}

/** The switched-off default user every ElastiCache user group must contain (user name "default"). */
export const ELASTICACHE_DISABLED_DEFAULT_ACCESS = "off -@all";

export interface ElastiCacheRedisArgs {
    /** The tier instance's name: the Pulumi names are `${base}-redis...`. */
    base: string;
    /** Prefix of the physical names (replication group, user group and user IDs). */
    prefix: string;
    settings: ResolvedDataTierArgs["redis"];
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
        `${a.base}-redis-subnets`,
        { description: "DeepAlpha Redis: the VPC's private subnets", subnetIds: a.network.privateSubnetIds, tags: a.tags },
        { parent },
    );
    const id = `${a.prefix}-redis`;
    const user = (key: string, userName: string, accessString: string, password: pulumi.Output<string>) =>
        new aws.elasticache.User(
            `${a.base}-redis-user-${key}`,
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
    const defaultPassword = new random.RandomPassword(`${a.base}-redis-default-user`, { length: 32, special: false }, { parent }).result;
    const users = [
        user("default", "default", ELASTICACHE_DISABLED_DEFAULT_ACCESS, pulumi.secret(defaultPassword)),
        user("app", REDIS_USERS.app, elastiCacheAccessString(REDIS_ACL_RULES.app, s.engineVersion), a.passwords.app),
        user("exporter", REDIS_USERS.exporter, elastiCacheAccessString(REDIS_ACL_RULES.exporter, s.engineVersion), a.passwords.exporter),
    ];
    const userGroup = new aws.elasticache.UserGroup(
        `${a.base}-redis-users`,
        { userGroupId: id, engine: "redis", userIds: users.map((u) => u.userId), tags: a.tags },
        { parent },
    );
    const group = new aws.elasticache.ReplicationGroup(
        `${a.base}-redis-group`,
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
