// Jaeger v2 (one binary built on the OpenTelemetry Collector): OTLP gRPC 4317 and HTTP 4318, the seed's
// legacy collector port 14268 (jaeger thrift_http receiver), UI 16686, own metrics on 8888.
// Storage: in memory in dev; Elasticsearch (the ECK cluster of logging.ts) in prod.
import { NAMESPACES, type Profile } from "@deepalpha/shared";
import { restrictedContainerSecurity } from "@deepalpha/shared";

export const JAEGER_RELEASE = "jaeger";
export const JAEGER_PORTS = { otlpGrpc: 4317, otlpHttp: 4318, thriftHttp: 14268, ui: 16686, metrics: 8888, health: 13133 } as const;
/** The chart names its Deployment and Service after the release: its host name in `namespace`. */
export const jaegerServiceHost = (namespace: string) => `${JAEGER_RELEASE}.${namespace}.svc.cluster.local`;
/** In DeepAlpha's monitoring namespace. */
export const JAEGER_SERVICE_HOST = jaegerServiceHost(NAMESPACES.monitoring);

export interface ElasticsearchConnection {
    /** https URL of the ECK http Service. */
    url: string;
    /** Secret with the `elastic` user's password (ECK creates it), and the http CA Secret. */
    passwordSecret: { name: string; key: string };
    caSecret: { name: string; key: string };
    username: string;
}

const PASSWORD_DIR = "/etc/jaeger/es-auth";
const CA_DIR = "/etc/jaeger/es-ca";

/** The Jaeger v2 configuration (OpenTelemetry Collector format). Pure. */
export function jaegerConfig(storage: "memory" | "elasticsearch", es?: ElasticsearchConnection): Record<string, unknown> {
    const backend =
        storage === "memory"
            ? { memory: { max_traces: 100000 } }
            : {
                  elasticsearch: {
                      server_urls: [es!.url],
                      // The password is read from the mounted Secret, never written into this ConfigMap.
                      auth: { basic: { username: es!.username, password_file: `${PASSWORD_DIR}/${es!.passwordSecret.key}`, reload_interval: "60s" } },
                      tls: { ca_file: `${CA_DIR}/${es!.caSecret.key}` },
                      indices: { index_prefix: TRACE_INDEX_PREFIX, spans: { shards: 3, replicas: 1 }, services: { shards: 3, replicas: 1 } },
                  },
              };
    return {
        service: {
            extensions: ["jaeger_storage", "jaeger_query", "healthcheckv2"],
            pipelines: { traces: { receivers: ["otlp", "jaeger"], processors: ["batch"], exporters: ["jaeger_storage_exporter"] } },
            telemetry: {
                resource: { "service.name": "jaeger" },
                metrics: { level: "detailed", readers: [{ pull: { exporter: { prometheus: { host: "0.0.0.0", port: JAEGER_PORTS.metrics } } } }] },
            },
        },
        extensions: {
            healthcheckv2: { use_v2: true, http: { endpoint: `0.0.0.0:${JAEGER_PORTS.health}` } },
            jaeger_query: { storage: { traces: "primary_store" } },
            jaeger_storage: { backends: { primary_store: backend } },
        },
        receivers: {
            otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${JAEGER_PORTS.otlpGrpc}` }, http: { endpoint: `0.0.0.0:${JAEGER_PORTS.otlpHttp}` } } },
            jaeger: { protocols: { thrift_http: { endpoint: `0.0.0.0:${JAEGER_PORTS.thriftHttp}` } } },
        },
        processors: { batch: {} },
        exporters: { jaeger_storage_exporter: { trace_storage: "primary_store" } },
    };
}

/** Days of traces kept in Elasticsearch: the index cleaner deletes the daily indices older than this. */
export const TRACE_RETENTION_DAYS = 7;
/**
 * The chart's own default image for its ES index cleaner: jaegertracing/jaeger-es-index-cleaner at the chart's
 * appVersion (jaeger chart 4.11.1: 2.19.0, the Jaeger the chart runs).
 */
export const ES_INDEX_CLEANER_IMAGE = "jaegertracing/jaeger-es-index-cleaner:2.19.0";

/**
 * Jaeger writes one span and one service index per day and never deletes one. The cleaner deletes those older than
 * `days` (jaeger-es-index-cleaner `<days> <url>`; INDEX_PREFIX as in the storage config; ES_* as its flags
 * es.username, es.password, es.tls.*). The password comes from ECK's Secret, never from this spec.
 */
export function indexCleanerContainer(es: ElasticsearchConnection, days: number, indexPrefix: string) {
    return {
        name: "es-index-cleaner",
        image: ES_INDEX_CLEANER_IMAGE,
        args: [String(days), es.url],
        env: [
            { name: "INDEX_PREFIX", value: indexPrefix },
            { name: "ES_USERNAME", value: es.username },
            { name: "ES_PASSWORD", valueFrom: { secretKeyRef: { name: es.passwordSecret.name, key: es.passwordSecret.key } } },
            { name: "ES_TLS_ENABLED", value: "true" },
            { name: "ES_TLS_CA", value: `${CA_DIR}/${es.caSecret.key}` },
        ],
        volumeMounts: [{ name: "es-ca", mountPath: CA_DIR, readOnly: true }],
        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
        securityContext: restrictedContainerSecurity(),
    };
}

/** Index prefix of the trace indices (jaegerConfig's `indices.index_prefix`). */
export const TRACE_INDEX_PREFIX = "jaeger";

/** In-memory storage is per process: more than one replica would split the traces. */
export const jaegerReplicas = (profile: Profile, storage: "memory" | "elasticsearch") => (storage === "memory" ? 1 : profile === "production" ? 2 : 1);

export function jaegerValues(profile: Profile, storage: "memory" | "elasticsearch", es?: ElasticsearchConnection): Record<string, unknown> {
    const prod = profile === "production";
    const volumes =
        storage === "elasticsearch"
            ? {
                  extraVolumes: [
                      { name: "es-auth", secret: { secretName: es!.passwordSecret.name, items: [{ key: es!.passwordSecret.key, path: es!.passwordSecret.key }] } },
                      { name: "es-ca", secret: { secretName: es!.caSecret.name, items: [{ key: es!.caSecret.key, path: es!.caSecret.key }] } },
                  ],
                  extraVolumeMounts: [
                      { name: "es-auth", mountPath: PASSWORD_DIR, readOnly: true },
                      { name: "es-ca", mountPath: CA_DIR, readOnly: true },
                  ],
              }
            : {};
    return {
        fullnameOverride: JAEGER_RELEASE,
        userconfig: jaegerConfig(storage, es),
        jaeger: {
            replicas: jaegerReplicas(profile, storage),
            // The chart's Deployment is Recreate unless a strategy is given: every rollout would take both
            // replicas down. With shared storage a new pod starts before an old one goes.
            ...(storage === "elasticsearch" ? { strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } } : {}),
            serviceAccount: { automountServiceAccountToken: false },
            resources: prod
                ? { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "1Gi" } }
                : { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
            securityContext: restrictedContainerSecurity(),
            ...volumes,
        },
    };
}
