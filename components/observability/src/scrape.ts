// What Prometheus scrapes, as the seed's prometheus.yml says, expressed as Prometheus-operator objects:
// PodMonitors for the DeepAlpha workloads (no dependency on how the app tier shapes its Services),
// ServiceMonitors for the exporters, and the seed's annotation-driven `kubernetes-pods` job.
import { NAMESPACES, WORKLOADS, type Namespaces } from "@deepalpha/shared";
import type { ScrapedWorkloads } from "./args";

/** Job names: the seed's (`deepalpha-api`, `deepalpha-executor`, `postgres`, `redis`) plus the WebSocket tier. */
export const SCRAPE_JOBS = {
    api: WORKLOADS.api.name,
    websocket: WORKLOADS.websocket.name,
    executor: WORKLOADS.executor.name,
    postgres: "postgres",
    redis: "redis",
} as const;
export type ScrapeJobs = { [K in keyof typeof SCRAPE_JOBS]: string };

/** The job names for the given workloads (a PodMonitor's job is its workload's name; the exporters' are fixed). */
export function scrapeJobs(workloads: Pick<ScrapedWorkloads, "api" | "websocket" | "executor">): ScrapeJobs {
    return { ...SCRAPE_JOBS, api: workloads.api.name, websocket: workloads.websocket.name, executor: workloads.executor.name };
}

/** The seed scrapes the trading workloads every 5 s; everything else uses the global 15 s. */
export const FAST_SCRAPE_INTERVAL = "5s";
export const GLOBAL_SCRAPE_INTERVAL = "15s";

/** Container port names the app tier gives its metrics endpoints. */
export const METRICS_PORT_NAMES = { api: "http", websocket: "http", executor: "metrics" } as const;

/** DeepAlpha's workloads: the app tier's names, the ports and port names it serves /metrics on. */
export const DEFAULT_SCRAPED_WORKLOADS: Readonly<ScrapedWorkloads> = {
    api: { name: WORKLOADS.api.name, port: WORKLOADS.api.port, metricsPortName: METRICS_PORT_NAMES.api },
    websocket: { name: WORKLOADS.websocket.name, port: WORKLOADS.websocket.port, metricsPortName: METRICS_PORT_NAMES.websocket },
    executor: { name: WORKLOADS.executor.name, port: WORKLOADS.executor.port, metricsPortName: METRICS_PORT_NAMES.executor },
};

/** Release names (and so pod labels) of the exporter charts. */
export const EXPORTERS = {
    postgres: { release: "postgres-exporter", appName: "prometheus-postgres-exporter", servicePort: "http", containerPort: 9187 },
    redis: { release: "redis-exporter", appName: "prometheus-redis-exporter", servicePort: "redis-exporter", containerPort: 9121 },
} as const;

export interface MonitorSpec {
    kind: "PodMonitor" | "ServiceMonitor";
    /** Stable suffix of the child's Pulumi name: the workload's role or the exporter's release, never a configurable name. */
    id: string;
    name: string;
    namespace: string;
    spec: Record<string, unknown>;
}

/** Service-discovery label holding a pod's `app.kubernetes.io/name` (Prometheus sanitises `.`, `/` and `-` to `_`). */
export const WORKLOAD_NAME_META_LABEL = "__meta_kubernetes_pod_label_app_kubernetes_io_name";

/** PodMonitors for API, WebSocket and executor; `jobLabel` turns `app.kubernetes.io/name` into the job name. */
export function workloadPodMonitors(workloads: ScrapedWorkloads = DEFAULT_SCRAPED_WORKLOADS, ns: Pick<Namespaces, "monitoring" | "app"> = NAMESPACES): MonitorSpec[] {
    return (["api", "websocket", "executor"] as const).map((w) => ({
        kind: "PodMonitor" as const,
        id: w,
        name: workloads[w].name,
        namespace: ns.monitoring,
        spec: {
            jobLabel: "app.kubernetes.io/name",
            namespaceSelector: { matchNames: [ns.app] },
            selector: { matchLabels: { "app.kubernetes.io/name": workloads[w].name } },
            podMetricsEndpoints: [
                {
                    port: workloads[w].metricsPortName,
                    path: "/metrics",
                    interval: FAST_SCRAPE_INTERVAL,
                    // A PodMonitor's targets carry no `service` label (only ServiceMonitors add one), yet the seed's
                    // dashboard groups the request rate `by (service)`: without this every workload would collapse
                    // into one unlabelled series. The workload name (= its Service's name) becomes `service`.
                    relabelings: [{ action: "replace", sourceLabels: [WORKLOAD_NAME_META_LABEL], targetLabel: "service" }],
                },
            ],
        },
    }));
}

/** ServiceMonitors for the two exporters, with the seed's job names. */
export function exporterServiceMonitors(ns: Pick<Namespaces, "monitoring"> = NAMESPACES): MonitorSpec[] {
    return (["postgres", "redis"] as const).map((e) => ({
        kind: "ServiceMonitor" as const,
        id: EXPORTERS[e].release,
        name: EXPORTERS[e].release,
        namespace: ns.monitoring,
        spec: {
            namespaceSelector: { matchNames: [ns.monitoring] },
            selector: { matchLabels: { "app.kubernetes.io/name": EXPORTERS[e].appName } },
            endpoints: [
                {
                    port: EXPORTERS[e].servicePort,
                    path: "/metrics",
                    interval: GLOBAL_SCRAPE_INTERVAL,
                    relabelings: [{ action: "replace", targetLabel: "job", replacement: SCRAPE_JOBS[e] }],
                },
            ],
        },
    }));
}

/** cert-manager's controller metrics (certificate expiry), from the cluster tier's cert-manager install (its namespace: `namespaces.certManager`). */
export const CERT_MANAGER = { namespace: NAMESPACES.certManager, appName: "cert-manager", port: "http-metrics", containerPort: 9402 } as const;

export function certManagerPodMonitor(ns: Pick<Namespaces, "monitoring" | "certManager"> = NAMESPACES): MonitorSpec {
    return {
        kind: "PodMonitor",
        id: "cert-manager",
        name: "cert-manager",
        namespace: ns.monitoring,
        spec: {
            // job="cert-manager": the certificate alert selects this job, because cert-manager's chart also
            // annotates the controller with prometheus.io/scrape, so the kubernetes-pods job scrapes it a second time.
            jobLabel: "app.kubernetes.io/name",
            namespaceSelector: { matchNames: [ns.certManager] },
            selector: { matchLabels: { "app.kubernetes.io/name": CERT_MANAGER.appName, "app.kubernetes.io/component": "controller" } },
            // honorLabels: the metrics' own `namespace` is the Certificate's; without it the target's namespace
            // (always cert-manager) would win and the certificate's move to `exported_namespace`.
            podMetricsEndpoints: [{ port: CERT_MANAGER.port, path: "/metrics", interval: "60s", honorLabels: true }],
        },
    };
}

/**
 * The seed's `kubernetes-pods` job, kept in meaning: any pod annotated prometheus.io/scrape: "true" is
 * scraped. The usual companions (prometheus.io/path and prometheus.io/port) are honoured too.
 */
export function kubernetesPodsScrapeConfig(): Record<string, unknown> {
    return {
        job_name: "kubernetes-pods",
        kubernetes_sd_configs: [{ role: "pod" }],
        relabel_configs: [
            { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" },
            { source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_path"], action: "replace", target_label: "__metrics_path__", regex: "(.+)" },
            {
                source_labels: ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
                action: "replace",
                regex: "([^:]+)(?::\\d+)?;(\\d+)",
                replacement: "$1:$2",
                target_label: "__address__",
            },
            { source_labels: ["__meta_kubernetes_namespace"], action: "replace", target_label: "namespace" },
            { source_labels: ["__meta_kubernetes_pod_name"], action: "replace", target_label: "pod" },
        ],
    };
}
