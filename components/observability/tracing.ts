// Jaeger v2 (one binary built on the OpenTelemetry Collector): OTLP gRPC 4317 and HTTP 4318, the seed's
// legacy collector port 14268 (jaeger thrift_http receiver), UI 16686, own metrics on 8888.
// Storage: in memory in dev; Elasticsearch (the ECK cluster of logging.ts) in prod.
import type { Profile } from "../../settings/schema";
import { NAMESPACES } from "../shared/conventions";

export const JAEGER_RELEASE = "jaeger";
export const JAEGER_PORTS = { otlpGrpc: 4317, otlpHttp: 4318, thriftHttp: 14268, ui: 16686, metrics: 8888, health: 13133 } as const;
/** The chart names its Deployment and Service after the release. */
export const JAEGER_SERVICE_HOST = `${JAEGER_RELEASE}.${NAMESPACES.monitoring}.svc.cluster.local`;

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
                      indices: { index_prefix: "jaeger", spans: { shards: 3, replicas: 1 }, services: { shards: 3, replicas: 1 } },
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
            // In-memory storage is per process: more than one replica would split the traces.
            replicas: storage === "memory" ? 1 : prod ? 2 : 1,
            serviceAccount: { automountServiceAccountToken: false },
            resources: prod
                ? { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } }
                : { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
            securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ["ALL"] },
                seccompProfile: { type: "RuntimeDefault" },
            },
            ...volumes,
        },
    };
}
