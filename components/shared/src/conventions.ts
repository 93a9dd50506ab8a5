// Names, labels and ports that more than one tier relies on. One definition, so a scrape target,
// a NetworkPolicy and the workload it points at can never drift apart.

/** Namespaces the program creates. The data namespace only exists in the local profile. */
export const NAMESPACES = {
    app: "deepalpha",
    data: "deepalpha-data",
    monitoring: "monitoring",
    gateway: "gateway",
    /** cert-manager: issues the gateway's certificate and NGINX Gateway Fabric's internal TLS. */
    certManager: "cert-manager",
} as const;
export type NamespaceRole = keyof typeof NAMESPACES;

/** The seed's ServiceAccount for the application. */
export const APP_SERVICE_ACCOUNT = "deepalpha";

/** Workload names double as the `app.kubernetes.io/name` label. */
export const WORKLOADS = {
    api: { name: "deepalpha-api", port: 8000 },
    websocket: { name: "deepalpha-websocket", port: 8001 },
    executor: { name: "deepalpha-executor", port: 9100 },
    freqtrade: { name: "freqtrade", port: 8080 },
} as const;

/** The seed's WebSocket pods hold 10K connections each: the pod's sizing, its env and the capacity alert use this. */
export const WEBSOCKET_MAX_CONNECTIONS = 10000;

export const DATA_PORTS = { postgres: 5432, redis: 6379, influxdb: 8086, s3: 8333 } as const;

/** Keys of the data tier's connection Secret, read by the application tier through secretKeyRef. */
export const CONNECTION_KEYS = {
    databaseUrl: "database-url",
    redisUrl: "redis-url",
    influxdbUrl: "influxdb-url",
    influxdbToken: "influxdb-token",
    s3Endpoint: "s3-endpoint",
    s3Region: "s3-region",
    backupsBucket: "s3-backups-bucket",
    filesBucket: "s3-files-bucket",
} as const;

export const PART_OF = "deepalpha";

/** Standard recommended labels (kubernetes.io/docs/concepts/overview/working-with-objects/common-labels). */
export function labelsFor(name: string, component: string): Record<string, string> {
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

/** The subset of labels used in selectors: stable across releases, so selectors never change. */
export function selectorFor(name: string): Record<string, string> {
    return { "app.kubernetes.io/name": name };
}

/**
 * Annotation prefix for a documented exemption from a policy, e.g.
 * `policy.deepalpha.io/exempt-prod-min-replicas: "each Freqtrade bot must run exactly one replica"`.
 * The policy pack honours it, and the plan lists every exemption in use.
 */
export const EXEMPTION_ANNOTATION_PREFIX = "policy.deepalpha.io/exempt-";

/** Exemption annotations, one per policy, each with its reason (for a chart's object- or pod-annotation values). */
export function exemptions(reasons: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(reasons).map(([policy, reason]) => [EXEMPTION_ANNOTATION_PREFIX + policy, reason]));
}

/** The shared Gateway (Gateway API) the cluster tier creates and the application tier attaches routes to. */
export const GATEWAY = {
    name: "deepalpha",
    namespace: NAMESPACES.gateway,
    /** Listener section names, for HTTPRoute parentRefs. */
    listeners: { https: "https", http: "http" },
} as const;

/** Default StorageClass in production (encrypted gp3 through the EBS CSI driver); local uses the cluster's default. */
export const PROD_STORAGE_CLASS = "gp3";

/** The executor node group's label and taint: the cluster tier sets them, the executor pods select/tolerate them. */
export const EXECUTOR_NODES = {
    labels: { "deepalpha.io/node-role": "executor" },
    taint: { key: "deepalpha.io/executor", value: "true", effect: "NoSchedule" },
} as const;

/**
 * Label of the executor nodes naming the CPU the executor image must be built for (cluster.executorNodes.cpuTarget);
 * the executor pods select it, so a pod built for one CPU never lands on a node of another, even while a node
 * group of a new family replaces the old one.
 */
export const EXECUTOR_CPU_LABEL = "deepalpha.io/cpu-target";

/** Namespace names by role: NAMESPACES is DeepAlpha's; a tier's `namespaces` arg may name others. */
export type Namespaces = { [K in NamespaceRole]: string };
