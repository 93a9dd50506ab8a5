// Pinned upstream Helm charts of the observability tier. Each version was read from the chart's own
// repository (Chart.yaml at the release tag); every values key the tier sets exists in that values.yaml.
export interface ChartRef {
    chart: string;
    version: string;
    repo: string;
}

export const CHARTS = {
    /** Prometheus operator, Prometheus, Alertmanager, Grafana 12 (grafana-community), node-exporter, kube-state-metrics. */
    kubePrometheusStack: { chart: "kube-prometheus-stack", version: "88.5.3", repo: "https://prometheus-community.github.io/helm-charts" },
    /** postgres_exporter v0.20.1. */
    postgresExporter: { chart: "prometheus-postgres-exporter", version: "8.2.0", repo: "https://prometheus-community.github.io/helm-charts" },
    /** redis_exporter v1.89.0. */
    redisExporter: { chart: "prometheus-redis-exporter", version: "6.29.0", repo: "https://prometheus-community.github.io/helm-charts" },
    /** Jaeger v2 (2.19.0): one process built on the OpenTelemetry Collector. */
    jaeger: { chart: "jaeger", version: "4.11.1", repo: "https://jaegertracing.github.io/helm-charts" },
    /** Elastic Cloud on Kubernetes operator (installs the Elasticsearch/Kibana CRDs). */
    eckOperator: { chart: "eck-operator", version: "3.5.0", repo: "https://helm.elastic.co" },
    /** Fluent Bit 5.x log shipper DaemonSet. */
    fluentBit: { chart: "fluent-bit", version: "0.58.1", repo: "https://fluent.github.io/helm-charts" },
} as const satisfies Record<string, ChartRef>;

/** Elastic Stack version run by ECK (the version ECK 3.5.0's own samples deploy). */
export const ELASTIC_STACK_VERSION = "9.4.3";

/** `k8s.helm.v4.Chart` source arguments for one pinned chart. */
export function chartSource(ref: ChartRef): { chart: string; version: string; repositoryOpts: { repo: string } } {
    return { chart: ref.chart, version: ref.version, repositoryOpts: { repo: ref.repo } };
}
