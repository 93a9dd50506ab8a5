// Local Redis 7 with AOF on (appendonly yes, fsync every second), as the seed's redis-master runs it.
// The password lives in an ACL file mounted from a Secret: not on the command line, not in an env literal.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { DataSettings } from "../../settings/schema";
import { DATA_PORTS, NAMESPACES } from "../shared/conventions";
import { LOCAL_STORES, dataLabels, image } from "./common";
import { createLocalStore, LocalStore } from "./local-store";

export const REDIS_SECRET = "redis-credentials";

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
    settings: DataSettings,
    password: pulumi.Output<string>,
    opts: pulumi.CustomResourceOptions & { provider: k8s.Provider },
): LocalStore & { secret: k8s.core.v1.Secret } {
    const name = LOCAL_STORES.redis;
    const labels = dataLabels(name, "cache");
    const secret = new k8s.core.v1.Secret(
        `data-${REDIS_SECRET}`,
        {
            metadata: { name: REDIS_SECRET, namespace: NAMESPACES.data, labels },
            type: "Opaque",
            stringData: {
                password,
                // The default user, with the generated password and full access; nopass is never allowed.
                "users.acl": pulumi.interpolate`user default on >${password} ~* &* +@all\n`,
            },
        },
        opts,
    );
    const config = new k8s.core.v1.ConfigMap(
        `data-${name}-config`,
        { metadata: { namespace: NAMESPACES.data, labels }, data: { "redis.conf": localRedisConf() } },
        opts,
    );
    // redis-cli reads the password from REDISCLI_AUTH: the probes never show it.
    const ping = ["sh", "-c", "redis-cli -p 6379 ping | grep -q PONG"];
    const store = createLocalStore(
        {
            name,
            component: "cache",
            // UID of `redis` in the Alpine image; GID 1000 owns /data there.
            uid: 999,
            gid: 1000,
            container: {
                image: image(settings.images.redis),
                command: ["redis-server", "/etc/redis/redis.conf"],
                env: [{ name: "REDISCLI_AUTH", valueFrom: { secretKeyRef: { name: REDIS_SECRET, key: "password" } } }],
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
