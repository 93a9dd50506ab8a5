// Local Redis 7 with AOF on (appendonly yes, fsync every second), as the seed's redis-master runs it.
// Least privilege: the default user is off; the application, the exporter and the probes each log in as their
// own ACL user with only the commands they need. The passwords live in an ACL file mounted from a Secret: not on
// the command line, not in an env literal.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ResolvedDataTierArgs } from "./args";
import { DATA_PORTS } from "@deepalpha/shared";
import { LOCAL_STORES, dataLabels, image } from "./common";
import { createLocalStore, LocalStore } from "./local-store";

export const REDIS_SECRET = "redis-credentials";

/** The ACL users of the local Redis. */
export const REDIS_USERS = { app: "deepalpha", exporter: "deepalpha_exporter", probe: "probe" } as const;

/**
 * Commands each user gets. Application: every data, pub/sub and scripting command on every key and channel,
 * none of @admin or @dangerous (CONFIG, ACL, DEBUG, SHUTDOWN, FLUSHALL, KEYS, MONITOR, ...). Exporter: the
 * commands redis_exporter's README lists for a dedicated user, minus the key-reading ones it uses only with
 * --check-keys (not configured here), and only the read subcommands of CLIENT, SLOWLOG, LATENCY and MEMORY; no
 * key access at all, and no CONFIG: the exporter runs with --config-command=- (observability/exporters.ts), because
 * ElastiCache has no CONFIG command and CONFIG GET * would hand it every server setting. Probes: PING only.
 */
export const REDIS_ACL_RULES = {
    app: "~* &* +@all -@admin -@dangerous",
    exporter: "resetchannels -@all +ping +info +client|setname +client|list +client|info +cluster|info " +
        "+slowlog|get +slowlog|len +latency|latest +latency|histogram +memory|stats",
    probe: "resetchannels -@all +ping",
} as const;

/** The ACL file (users.acl). Passwords are Redis-safe (alphanumeric, from RandomPassword). Pure, for tests. */
export function localRedisAcl(passwords: { app: string; exporter: string; probe: string }): string {
    return [
        // No login without a user name: a client that does not say who it is gets NOAUTH.
        "user default off resetpass resetkeys resetchannels -@all",
        `user ${REDIS_USERS.app} on >${passwords.app} ${REDIS_ACL_RULES.app}`,
        `user ${REDIS_USERS.exporter} on >${passwords.exporter} ${REDIS_ACL_RULES.exporter}`,
        `user ${REDIS_USERS.probe} on >${passwords.probe} ${REDIS_ACL_RULES.probe}`,
        "",
    ].join("\n");
}

/** redis.conf of the local profile. Pure, for tests. */
export function localRedisConf(): string {
    return [
        `port ${DATA_PORTS.redis}`,
        "bind 0.0.0.0",
        "protected-mode yes",
        "dir /data",
        "appendonly yes",
        "appendfsync everysec",
        "aclfile /etc/redis/acl/users.acl",
        "",
    ].join("\n");
}

export function createLocalRedis(
    base: string,
    settings: ResolvedDataTierArgs,
    passwords: { app: pulumi.Output<string>; exporter: pulumi.Output<string>; probe: pulumi.Output<string> },
    opts: pulumi.CustomResourceOptions,
): LocalStore & { secret: k8s.core.v1.Secret } {
    const name = LOCAL_STORES.redis;
    const labels = dataLabels(name, "cache");
    const secret = new k8s.core.v1.Secret(
        `${base}-${REDIS_SECRET}`,
        {
            metadata: { name: REDIS_SECRET, namespace: settings.namespaces.data, labels },
            type: "Opaque",
            stringData: {
                "probe-password": passwords.probe,
                "users.acl": pulumi
                    .all([passwords.app, passwords.exporter, passwords.probe])
                    .apply(([app, exporter, probe]) => localRedisAcl({ app, exporter, probe })),
            },
        },
        opts,
    );
    const config = new k8s.core.v1.ConfigMap(
        `${base}-${name}-config`,
        { metadata: { namespace: settings.namespaces.data, labels }, data: { "redis.conf": localRedisConf() } },
        opts,
    );
    // redis-cli reads the password from REDISCLI_AUTH: the probes never show it.
    const ping = ["sh", "-c", `redis-cli --no-auth-warning --user ${REDIS_USERS.probe} -p ${DATA_PORTS.redis} ping | grep -q PONG`];
    const store = createLocalStore(
        {
            base,
            namespace: settings.namespaces.data,
            name,
            component: "cache",
            // UID of `redis` in the Alpine image; GID 1000 owns /data there.
            uid: 999,
            gid: 1000,
            container: {
                image: image(settings.images.redis),
                command: ["redis-server", "/etc/redis/redis.conf"],
                env: [{ name: "REDISCLI_AUTH", valueFrom: { secretKeyRef: { name: REDIS_SECRET, key: "probe-password" } } }],
                resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
                readinessProbe: { exec: { command: ping }, periodSeconds: 5 },
                livenessProbe: { exec: { command: ping }, initialDelaySeconds: 15, periodSeconds: 10, failureThreshold: 6 },
            },
            ports: [{ name: "redis", port: DATA_PORTS.redis }],
            dataPath: "/data",
            volumeSize: settings.redis.volumeSize,
            extraVolumes: [
                { volume: { name: "config", configMap: { name: config.metadata.name } }, mountPath: "/etc/redis/redis.conf", subPath: "redis.conf" },
                {
                    volume: { name: "acl", secret: { secretName: REDIS_SECRET, items: [{ key: "users.acl", path: "users.acl" }], defaultMode: 0o440 } },
                    mountPath: "/etc/redis/acl",
                },
            ],
        },
        { ...opts, dependsOn: [secret, config] },
    );
    return { ...store, secret };
}
