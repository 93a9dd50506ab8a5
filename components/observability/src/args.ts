// The Observability component's arguments: an interface this package owns. Every field but the data tier's
// inputs has a default (defaults.ts: DeepAlpha's values, per profile); validate.ts checks the resolved args
// before anything is registered. Enumerations are documented strings checked at run time (the schema of other
// Pulumi languages has no union types).
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { ExporterCredentials, Namespaces } from "@deepalpha/shared";

export type { ExporterCredentials, Namespaces } from "@deepalpha/shared";

/** One application workload Prometheus scrapes through a PodMonitor (its name is also the scrape job). */
export interface ScrapedWorkload {
    /**
     * The workload's `app.kubernetes.io/name` label, the PodMonitor's name and the scrape job's name (the alerts
     * select it). A DNS label. Defaults: `deepalpha-api`, `deepalpha-websocket`, `deepalpha-executor`.
     */
    name: string;
    /** Container port serving /metrics (opened in the monitoring NetworkPolicy). Defaults: 8000, 8001, 9100. */
    port: number;
    /** Name of that container port (the PodMonitor's endpoint). Defaults: `http`, `http`, `metrics`. */
    metricsPortName: string;
}

/** The three application workloads the tier scrapes and alerts on. */
export interface ScrapedWorkloads {
    /** The HTTP API (request rate, 5xx ratio and latency alerts). */
    api: ScrapedWorkload;
    /** The WebSocket server (connections and open-file alerts). */
    websocket: ScrapedWorkload;
    /** The order executor (down alert). */
    executor: ScrapedWorkload;
}

/** Kubernetes names of the objects the tier creates in the monitoring namespace (all DNS labels). */
export interface ObservabilityObjectNames {
    /** Secret with Grafana's admin login. Default `grafana-admin`. */
    grafanaAdminSecret: string;
    /** Secret with the Telegram bot token (alertmanagerReceiver `telegram`). Default `alertmanager-telegram`. */
    telegramSecret: string;
    /** Secret with the exporters' logins. Default `deepalpha-exporter-credentials`. */
    exporterSecret: string;
    /** ConfigMap Grafana's sidecar loads the dashboard from. Default `deepalpha-dashboards`. */
    dashboards: string;
    /** PrometheusRule with the alert rules. Default `deepalpha-alerts`. */
    alertRules: string;
    /** ECK Elasticsearch cluster (its Services and Secrets are named after it). Default `deepalpha`. */
    elasticsearch: string;
    /** ECK Kibana. Default `deepalpha`. */
    kibana: string;
    /** CronJob deleting old trace indices (tracingStorage `elasticsearch`). Default `jaeger-es-index-cleaner`. */
    indexCleaner: string;
}

/** The data tier's CronJobs the alerts watch (in the data or the app namespace). */
export interface DataJobNames {
    /** Regular expression matching the backup CronJobs' names. Default `.*backup.*`. */
    backups: string;
    /** The trades partition CronJob. Default `trades-partitions`. */
    partitions: string;
    /** The restore drill CronJob. Default `restore-drill`. */
    restoreDrill: string;
}

/** Where the exporters find the data stores (a data tier's `endpoints` fits). */
export interface ExporterTargets {
    /** PostgreSQL primary host name. */
    postgresHost: pulumi.Input<string>;
    /** Redis (primary) host name. */
    redisHost: pulumi.Input<string>;
}

/** Add-ons a cluster may already run, as `preinstalled` names them. */
export const OBSERVABILITY_ADDONS = ["kube-prometheus-stack", "prometheus-postgres-exporter", "prometheus-redis-exporter", "jaeger"] as const;
/** Values of `profile`. */
export const PROFILE_VALUES = ["local", "production"] as const;
/** Values of `alertmanagerReceiver`. */
export const ALERTMANAGER_RECEIVERS = ["none", "telegram"] as const;
/** Values of `tracingStorage`. */
export const TRACING_STORAGES = ["memory", "elasticsearch"] as const;

export interface ObservabilityArgs {
    /**
     * Deployment profile: `local` (an existing cluster; one replica of everything, Jaeger in memory, no logging) or
     * `production` (HA replicas, Elasticsearch for logs and traces, Telegram alerts). It picks the defaults of the
     * other fields (defaults.ts) and the replica counts and resources. Default `local`.
     */
    profile?: string;
    /**
     * Kubernetes provider of every child. Default: the component's own (the `provider`/`providers` resource
     * option), else the ambient one.
     */
    provider?: k8s.Provider;
    /**
     * Namespace names by role. `monitoring`: where every object of the tier goes (it must exist); `app`: the
     * scraped workloads' namespace; `data`: the in-cluster data stores (local profile); `gateway`: the shared
     * Gateway's (may reach Grafana; NGINX Gateway Fabric metrics); `certManager`: cert-manager's (certificate
     * metrics). Defaults: `monitoring`, `deepalpha`, `deepalpha-data`, `gateway`, `cert-manager`.
     */
    namespaces?: Partial<Namespaces>;
    /** The application workloads scraped and alerted on; each field merges over its default (see ScrapedWorkload). */
    workloads?: { [K in keyof ScrapedWorkloads]?: Partial<ScrapedWorkload> };
    /** Names of the Kubernetes objects the tier creates (see ObservabilityObjectNames for each default). */
    names?: Partial<ObservabilityObjectNames>;
    /** Names of the data tier's CronJobs the alerts watch (see DataJobNames for each default). */
    dataJobs?: Partial<DataJobNames>;
    /** How long Prometheus keeps samples: a number and h, d, w or y. Defaults: local `2d`, production `15d`. */
    prometheusRetention?: string;
    /** Prometheus volume per replica (a Kubernetes quantity). Defaults: local `5Gi`, production `100Gi`. */
    prometheusStorage?: string;
    /** Grafana's volume (a Kubernetes quantity). Defaults: local `1Gi`, production `10Gi`. */
    grafanaStorage?: string;
    /**
     * StorageClass of the tier's volumes (Prometheus, Grafana, Elasticsearch). Defaults: local unset (the
     * cluster's default class), production `gp3`.
     */
    storageClassName?: string;
    /** Alert when order execution latency p95 exceeds this many seconds (0 < x <= 60). Default `0.5`. */
    orderLatencyP95Seconds?: number;
    /** Alert when the API's request duration p95 exceeds this many seconds (0 < x <= 60). Default `1`. */
    apiLatencyP95Seconds?: number;
    /** Where Alertmanager sends alerts: `none` or `telegram`. Defaults: local `none`, production `telegram`. */
    alertmanagerReceiver?: string;
    /** Telegram chat the alerts go to; required when alertmanagerReceiver is `telegram`. No default. */
    telegramChatId?: number;
    /** Telegram bot token (a secret); required when alertmanagerReceiver is `telegram`. No default. */
    telegramBotToken?: pulumi.Input<string>;
    /** Jaeger v2's storage: `memory` or `elasticsearch` (the ECK cluster). Defaults: local `memory`, production `elasticsearch`. */
    tracingStorage?: string;
    /** Deploy the log pipeline (Fluent Bit, Elasticsearch, Kibana). Defaults: local `false`, production `true`. */
    logging?: boolean;
    /** Elasticsearch volume per node (a Kubernetes quantity). Defaults: local `10Gi`, production `100Gi`. */
    elasticsearchStorage?: string;
    /** The data stores the exporters scrape; required with exporterCredentials. No default. */
    dataEndpoints?: ExporterTargets;
    /**
     * Exporter logins (from the data tier). Without them the exporters are not deployed (a warning says so):
     * an exporter without credentials would only crash-loop. No default.
     */
    exporterCredentials?: ExporterCredentials;
    /** Database the PostgreSQL exporter connects to. Default `deepalpha`. */
    postgresDatabase?: string;
    /** Redis speaks TLS (rediss://). Defaults: local `false`, production `true` (ElastiCache in-transit encryption). */
    redisTls?: boolean;
    /**
     * IPv4 CIDR blocks of managed data stores outside the cluster (production: the VPC), for the exporters' egress.
     * Unset or empty: the data namespace's pods. Default unset.
     */
    dataCidrs?: string[];
    /**
     * Add-ons the cluster already runs, whose charts the tier does not install (its own monitors, rules, dashboards
     * and policies still are): any of `kube-prometheus-stack`, `prometheus-postgres-exporter`,
     * `prometheus-redis-exporter`, `jaeger`, each at most once. Default `[]`.
     */
    preinstalled?: string[];
}
