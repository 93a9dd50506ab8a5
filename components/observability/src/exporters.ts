// PostgreSQL and Redis exporters (upstream prometheus-community charts) pointed at the data tier of the
// profile: the in-cluster StatefulSets in dev, RDS and ElastiCache (TLS) in prod. Credentials come from a
// Secret in the monitoring namespace (secretKeyRef in the pod), never from Helm values.
import { DATA_PORTS, type Profile } from "@deepalpha/shared";
import { EXPORTERS } from "./scrape";

export const EXPORTER_SECRET = "deepalpha-exporter-credentials";
export const EXPORTER_SECRET_KEYS = { postgresUser: "postgres-user", postgresPassword: "postgres-password", redisPassword: "redis-password" } as const;


/** Restricted pod settings (the charts' defaults for redis-exporter are empty). */
const podSecurity = { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } };
const containerSecurity = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ["ALL"] } };

/** Exporter pods: two in prod (either one keeps the data stores' alerts alive through a node drain), one in dev. */
export const exporterReplicas = (profile: Profile) => (profile === "production" ? 2 : 1);
const resources = { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "250m", memory: "128Mi" } };

export function postgresExporterValues(profile: Profile, host: string, database = "deepalpha", secret = EXPORTER_SECRET): Record<string, unknown> {
    const prod = profile === "production";
    return {
        fullnameOverride: EXPORTERS.postgres.release,
        replicaCount: exporterReplicas(profile),
        // The chart's own budget (maxUnavailable 1); redis-exporter's chart has none (the tier creates it).
        podDisruptionBudget: { enabled: prod, maxUnavailable: 1 },
        config: {
            datasource: {
                host,
                port: String(DATA_PORTS.postgres),
                database,
                // RDS enforces TLS in prod (rds.force_ssl); the in-cluster dev database has no certificate.
                sslmode: profile === "production" ? "require" : "disable",
                userSecret: { name: secret, key: EXPORTER_SECRET_KEYS.postgresUser },
                passwordSecret: { name: secret, key: EXPORTER_SECRET_KEYS.postgresPassword },
            },
        },
        podSecurityContext: podSecurity,
        securityContext: containerSecurity,
        resources,
    };
}

export function redisExporterValues(profile: Profile, host: string, tls = profile === "production", user?: string, secret = EXPORTER_SECRET): Record<string, unknown> {
    // ElastiCache has in-transit encryption on in prod: rediss:// (Amazon's CA is in the image's trust store).
    const scheme = tls ? "rediss" : "redis";
    return {
        fullnameOverride: EXPORTERS.redis.release,
        replicaCount: exporterReplicas(profile),
        redisAddress: `${scheme}://${host}:${DATA_PORTS.redis}`,
        // redisUser is a name, not a secret: the chart sets it as REDIS_USER; the password stays in the Secret.
        auth: { enabled: true, secret: { name: secret, key: EXPORTER_SECRET_KEYS.redisPassword }, ...(user ? { redisUser: user } : {}) },
        // No CONFIG GET *: ElastiCache does not offer CONFIG (every scrape would log an error), and the dev ACL
        // gives the exporter no CONFIG either; maxmemory and the rest the alerts use come from INFO.
        extraArgs: { "config-command": "-" },
        podSecurityContext: podSecurity,
        securityContext: containerSecurity,
        resources,
    };
}
