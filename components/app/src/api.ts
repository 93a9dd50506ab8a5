// The DeepAlpha API: the seed's Deployment (port 8000, /health and /ready, 1-2 CPU, 2-4 GiB) with the data
// tier's connection settings and the external services' keys, all through secretKeyRef.
import { CONNECTION_KEYS, labelsFor, selectorFor } from "@deepalpha/shared";
import { type AppContext, type Workload, metadata, workload } from "./context";
import { externalEnv } from "./external-secrets";
import {
    CHECKSUM_CONFIG,
    CHECKSUM_SECRETS,
    TMP_MOUNT,
    containerSecurity,
    httpProbe,
    image,
    otelEnv,
    podSpec,
    secretEnv,
    spreadConstraints,
} from "./pod-spec";

/**
 * Keys the data tier adds to its connection Secret beyond CONNECTION_KEYS (components/data/src/connection.ts,
 * EXTRA_CONNECTION_KEYS); repeated here so this package does not import another tier's internals.
 */
export const DATA_EXTRA_KEYS = {
    influxdbOrg: "influxdb-org",
    influxdbBucket: "influxdb-bucket",
    s3AccessKeyId: "s3-access-key-id",
    s3SecretAccessKey: "s3-secret-access-key",
} as const;

/** Name of the port that serves the API and its /metrics (the observability tier scrapes it by name). */
export const HTTP_PORT_NAME = "http";

export function apiWorkload(ctx: AppContext): Workload {
    const a = ctx.args;
    const w = workload(a, "api");
    const conn = ctx.connectionSecretName;
    const labels = labelsFor(w.name, "api");
    return {
        deployment: {
            metadata: metadata(a.namespaces.app, w.name, "api"),
            spec: {
                replicas: a.replicas.api,
                selector: { matchLabels: selectorFor(w.name) },
                // Never below the replica count during a rollout.
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                template: {
                    metadata: { labels, annotations: { [CHECKSUM_CONFIG]: ctx.configChecksum, [CHECKSUM_SECRETS]: ctx.secretsChecksum } },
                    spec: podSpec({
                        profile: a.profile,
                        serviceAccountName: a.serviceAccountName,
                        // The seed's ServiceAccount and its read-only Role exist for the API: the only pod with a token.
                        mountToken: true,
                        spread: spreadConstraints(selectorFor(w.name), "ScheduleAnyway"),
                        containers: [
                            {
                                name: "deepalpha",
                                image: image(a.image),
                                imagePullPolicy: "IfNotPresent",
                                ports: [{ name: HTTP_PORT_NAME, containerPort: w.port, protocol: "TCP" }],
                                envFrom: [{ configMapRef: { name: ctx.configMapName } }],
                                env: [
                                    { name: "PORT", value: String(w.port) },
                                    secretEnv("DATABASE_URL", conn, CONNECTION_KEYS.databaseUrl),
                                    secretEnv("REDIS_URL", conn, CONNECTION_KEYS.redisUrl),
                                    secretEnv("INFLUXDB_URL", conn, CONNECTION_KEYS.influxdbUrl),
                                    secretEnv("INFLUXDB_ORG", conn, DATA_EXTRA_KEYS.influxdbOrg),
                                    secretEnv("INFLUXDB_BUCKET", conn, DATA_EXTRA_KEYS.influxdbBucket),
                                    // Local InfluxDB issues a token; Timestream for InfluxDB (prod) has none until an
                                    // operator creates one, so the pod must start without it.
                                    secretEnv("INFLUXDB_TOKEN", conn, CONNECTION_KEYS.influxdbToken, true),
                                    // The AWS SDKs' own variables (boto3 reads AWS_ENDPOINT_URL_S3 since 1.28).
                                    secretEnv("AWS_REGION", conn, CONNECTION_KEYS.s3Region),
                                    secretEnv("AWS_ENDPOINT_URL_S3", conn, CONNECTION_KEYS.s3Endpoint),
                                    secretEnv("S3_FILES_BUCKET", conn, CONNECTION_KEYS.filesBucket),
                                    // Static keys exist only for the local S3-compatible store; prod authenticates through IRSA.
                                    secretEnv("AWS_ACCESS_KEY_ID", conn, DATA_EXTRA_KEYS.s3AccessKeyId, true),
                                    secretEnv("AWS_SECRET_ACCESS_KEY", conn, DATA_EXTRA_KEYS.s3SecretAccessKey, true),
                                    externalEnv("binanceApiKey", ctx.secrets, ctx.externalSecretName),
                                    externalEnv("binanceApiSecret", ctx.secrets, ctx.externalSecretName),
                                    externalEnv("newsApiKey", ctx.secrets, ctx.externalSecretName),
                                    externalEnv("llmApiKey", ctx.secrets, ctx.externalSecretName),
                                    externalEnv("telegramBotToken", ctx.secrets, ctx.externalSecretName),
                                    ...otelEnv(a.profile, a.namespaces.app, w.name, ctx.otlpEndpoint),
                                ],
                                resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
                                livenessProbe: httpProbe("/health", HTTP_PORT_NAME, 30, 10),
                                readinessProbe: httpProbe("/ready", HTTP_PORT_NAME, 5, 5),
                                securityContext: containerSecurity(),
                                volumeMounts: [TMP_MOUNT],
                            },
                        ],
                    }),
                },
            },
        },
        service: {
            metadata: metadata(a.namespaces.app, w.name, "api"),
            spec: {
                type: "ClusterIP",
                selector: selectorFor(w.name),
                ports: [{ name: HTTP_PORT_NAME, port: w.port, targetPort: HTTP_PORT_NAME, protocol: "TCP" }],
            },
        },
    };
}
