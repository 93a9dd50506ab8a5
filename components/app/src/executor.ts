// The Rust execution engine: `python -m deepalpha.executor.rust_engine`. The seed ran it privileged "for
// performance"; here the performance comes the supported way (guide, section 3): a Guaranteed QoS pod
// (whole CPUs, requests = limits) that the kubelet's static CPU manager pins to exclusive cores, huge pages
// as a resource, on the tainted executor node group. Not privileged, restricted like every other pod.
import { CONNECTION_KEYS, labelsFor, selectorFor } from "@deepalpha/shared";
import type { ExecutorSize } from "./args";
import { type AppContext, type Workload, metadata, workload } from "./context";
import { executorSysctls } from "./pod-sysctls";
import { CHECKSUM_CONFIG, TMP_MOUNT, type Volume, type VolumeMount, containerSecurity, httpProbe, image, otelEnv, podSpec, secretEnv, spreadConstraints } from "./pod-spec";

/** Name of the executor's Prometheus port (the observability tier scrapes it by name). */
export const METRICS_PORT_NAME = "metrics";
export const HUGEPAGES_MOUNT = "/dev/hugepages";

export function executorResources(s: Required<ExecutorSize>) {
    const r: Record<string, string> = { cpu: String(s.cpu), memory: s.memory };
    if (s.hugepages2Mi !== "0") r["hugepages-2Mi"] = s.hugepages2Mi;
    // Identical maps: Guaranteed QoS needs requests = limits for cpu and memory; huge pages allow no overcommit.
    return { requests: { ...r }, limits: { ...r } };
}

export function executorWorkload(ctx: AppContext): Workload {
    const a = ctx.args;
    const w = workload(a, "executor");
    const labels = labelsFor(w.name, "executor");
    const s = a.executor;
    const hugepages = s.hugepages2Mi !== "0";
    const prod = a.profile === "production";
    const nodes = a.executorNodes;
    const volumes: Volume[] = hugepages ? [{ name: "hugepages", emptyDir: { medium: "HugePages-2Mi" } }] : [];
    const mounts: VolumeMount[] = [TMP_MOUNT, ...(hugepages ? [{ name: "hugepages", mountPath: HUGEPAGES_MOUNT }] : [])];
    return {
        deployment: {
            metadata: metadata(a.namespaces.app, w.name, "executor"),
            spec: {
                replicas: a.replicas.executor,
                selector: { matchLabels: selectorFor(w.name) },
                // The executor nodes are sized for their pods: replace one at a time instead of surging.
                strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
                template: {
                    metadata: { labels, annotations: { [CHECKSUM_CONFIG]: ctx.configChecksum } },
                    spec: podSpec({
                        profile: a.profile,
                        serviceAccountName: a.serviceAccountName,
                        // Only production has the dedicated node group; a local cluster has neither label nor taint.
                        ...(prod
                            ? {
                                  // The binary is built for one CPU (target-cpu): only nodes labelled with it.
                                  nodeSelector: {
                                      ...nodes.labels,
                                      ...(a.executorCpuTarget ? { [nodes.cpuTargetLabel]: a.executorCpuTarget } : {}),
                                  },
                                  tolerations: [
                                      {
                                          key: nodes.taint.key,
                                          operator: "Equal",
                                          value: nodes.taint.value,
                                          effect: nodes.taint.effect,
                                      },
                                  ],
                              }
                            : {}),
                        // Two engines on one node would fail together: nodes are a hard spread too.
                        spread: spreadConstraints(selectorFor(w.name), "DoNotSchedule"),
                        sysctls: executorSysctls(),
                        volumes,
                        containers: [
                            {
                                name: "executor",
                                image: image(a.image),
                                imagePullPolicy: "IfNotPresent",
                                command: ["python", "-m", "deepalpha.executor.rust_engine"],
                                ports: [{ name: METRICS_PORT_NAME, containerPort: w.port, protocol: "TCP" }],
                                envFrom: [{ configMapRef: { name: ctx.configMapName } }],
                                env: [
                                    { name: "METRICS_PORT", value: String(w.port) },
                                    { name: "EXECUTOR_CPUS", value: String(s.cpu) },
                                    ...(hugepages ? [{ name: "HUGEPAGES_DIR", value: HUGEPAGES_MOUNT }] : []),
                                    secretEnv("DATABASE_URL", ctx.connectionSecretName, CONNECTION_KEYS.databaseUrl),
                                    secretEnv("REDIS_URL", ctx.connectionSecretName, CONNECTION_KEYS.redisUrl),
                                    ...otelEnv(a.profile, a.namespaces.app, w.name, ctx.otlpEndpoint),
                                ],
                                resources: executorResources(s),
                                // The engine's only HTTP surface is its metrics endpoint.
                                livenessProbe: { tcpSocket: { port: METRICS_PORT_NAME }, initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
                                readinessProbe: httpProbe("/metrics", METRICS_PORT_NAME, 5, 5),
                                securityContext: containerSecurity(),
                                volumeMounts: mounts,
                            },
                        ],
                    }),
                },
            },
        },
        service: {
            metadata: metadata(a.namespaces.app, w.name, "executor"),
            spec: {
                type: "ClusterIP",
                selector: selectorFor(w.name),
                ports: [{ name: METRICS_PORT_NAME, port: w.port, targetPort: METRICS_PORT_NAME, protocol: "TCP" }],
            },
        },
    };
}
