// The WebSocket tier: `python -m deepalpha.transport.websocket` on 8001, sized for 10K connections per pod
// (the seed's 1 CPU / 2 GiB as Guaranteed resources), draining its connections on shutdown.
import { CONNECTION_KEYS, WEBSOCKET_MAX_CONNECTIONS, labelsFor, selectorFor } from "@deepalpha/shared";
import { WEBSOCKET_PING_INTERVAL_SECONDS } from "@deepalpha/shared";
import { websocketSysctls } from "./pod-sysctls";
import { type AppContext, type Workload, metadata, workload } from "./context";
import { HTTP_PORT_NAME } from "./api";
import { CHECKSUM_CONFIG, TMP_MOUNT, containerSecurity, httpProbe, image, otelEnv, podSpec, secretEnv, spreadConstraints } from "./pod-spec";

export const WEBSOCKET = {
    /** Seconds between endpoint removal and SIGTERM: the gateway stops sending new connections first. */
    preStopSleepSeconds: 15,
    /** Time the process gets after SIGTERM to close its connections (1001 Going Away) so clients reconnect elsewhere. */
    drainSeconds: 90,
    /**
     * Server ping interval. NGINX closes a proxied connection after 60 s without data (proxy_read_timeout), the
     * NLB after 350 s: a ping every 30 s keeps idle sockets open on every hop (shared/connection-path.ts).
     */
    pingIntervalSeconds: WEBSOCKET_PING_INTERVAL_SECONDS,
    maxConnections: WEBSOCKET_MAX_CONNECTIONS,
} as const;

export function websocketWorkload(ctx: AppContext): Workload {
    const a = ctx.args;
    const w = workload(a, "websocket");
    const labels = labelsFor(w.name, "websocket");
    return {
        deployment: {
            metadata: metadata(a.namespaces.app, w.name, "websocket"),
            spec: {
                replicas: a.replicas.websocket,
                selector: { matchLabels: selectorFor(w.name) },
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
                template: {
                    metadata: { labels, annotations: { [CHECKSUM_CONFIG]: ctx.configChecksum } },
                    spec: podSpec({
                        profile: a.profile,
                        serviceAccountName: a.serviceAccountName,
                        terminationGracePeriodSeconds: WEBSOCKET.preStopSleepSeconds + WEBSOCKET.drainSeconds,
                        spread: spreadConstraints(selectorFor(w.name), "ScheduleAnyway"),
                        sysctls: websocketSysctls(),
                        containers: [
                            {
                                name: "websocket",
                                image: image(a.image),
                                imagePullPolicy: "IfNotPresent",
                                command: ["python", "-m", "deepalpha.transport.websocket"],
                                ports: [{ name: HTTP_PORT_NAME, containerPort: w.port, protocol: "TCP" }],
                                envFrom: [{ configMapRef: { name: ctx.configMapName } }],
                                env: [
                                    { name: "PORT", value: String(w.port) },
                                    { name: "WS_MAX_CONNECTIONS", value: String(WEBSOCKET.maxConnections) },
                                    { name: "WS_PING_INTERVAL_SECONDS", value: String(WEBSOCKET.pingIntervalSeconds) },
                                    { name: "WS_DRAIN_SECONDS", value: String(WEBSOCKET.drainSeconds) },
                                    secretEnv("REDIS_URL", ctx.connectionSecretName, CONNECTION_KEYS.redisUrl),
                                    ...otelEnv(a.profile, a.namespaces.app, w.name, ctx.otlpEndpoint),
                                ],
                                // requests = limits: 10K sockets need their memory guaranteed, not best effort.
                                resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "1", memory: "2Gi" } },
                                livenessProbe: httpProbe("/health", HTTP_PORT_NAME, 15, 10),
                                readinessProbe: httpProbe("/ready", HTTP_PORT_NAME, 5, 5),
                                // The kubelet's sleep action (no shell needed in the image): readiness drops, the
                                // endpoint leaves the gateway's upstreams, then SIGTERM starts the drain.
                                lifecycle: { preStop: { sleep: { seconds: WEBSOCKET.preStopSleepSeconds } } },
                                securityContext: containerSecurity(),
                                volumeMounts: [TMP_MOUNT],
                            },
                        ],
                    }),
                },
            },
        },
        service: {
            metadata: metadata(a.namespaces.app, w.name, "websocket"),
            spec: {
                type: "ClusterIP",
                selector: selectorFor(w.name),
                ports: [{ name: HTTP_PORT_NAME, port: w.port, targetPort: HTTP_PORT_NAME, protocol: "TCP" }],
            },
        },
    };
}
