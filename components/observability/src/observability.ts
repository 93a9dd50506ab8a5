// Observability: metrics (Prometheus, Alertmanager, Grafana), the seed's dashboard, alert rules,
// tracing (Jaeger v2) and logs (Fluent Bit -> ECK Elasticsearch/Kibana). A thin component: the pure
// builders in this folder decide what to create; this class creates it.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { ObservabilitySettings, PreinstalledAddon, Profile } from "./settings";
import type { DataEndpoints, ExporterCredentials } from "@deepalpha/shared";
import { NAMESPACES, PART_OF, labelsFor } from "@deepalpha/shared";
import { buildAlertGroups } from "./alerts";
import { CHARTS, chartSource } from "./charts";
import { DASHBOARD_FILE, buildDashboard, stableJson } from "./dashboard";
import { chartDisruptionBudgets } from "./disruption-budgets";
import { EXPORTER_SECRET, EXPORTER_SECRET_KEYS, exporterReplicas, postgresExporterValues, redisExporterValues } from "./exporters";
import { ECK_RELEASE, ELASTICSEARCH_WAIT_FOR, ES_CONNECTION, ES_NAME, FLUENT_BIT_RELEASE, KIBANA_NAME, eckOperatorValues, elasticsearchSpec, fluentBitValues, kibanaSpec } from "./logging";
import {
    GRAFANA_ADMIN_SECRET,
    GRAFANA_DASHBOARD_LABEL,
    GRAFANA_FULLNAME,
    KPS_RELEASE,
    TELEGRAM_SECRET,
    TELEGRAM_TOKEN_KEY,
    kubePrometheusStackValues,
} from "./metrics-stack";
import { monitoringPolicies, toNetworkPolicySpec } from "./network-policies";
import { EXPORTERS, type MonitorSpec, certManagerPodMonitor, exporterServiceMonitors, workloadPodMonitors } from "./scrape";
import { JAEGER_PORTS, JAEGER_RELEASE, JAEGER_SERVICE_HOST, TRACE_INDEX_PREFIX, TRACE_RETENTION_DAYS, indexCleanerContainer, jaegerReplicas, jaegerValues } from "./tracing";

export type { DataEndpoints, ExporterCredentials } from "@deepalpha/shared";

export interface ObservabilityArgs {
    profile: Profile;
    settings: ObservabilitySettings;
    provider: k8s.Provider;
    /** Data stores the exporters scrape. */
    dataEndpoints: DataEndpoints;
    connectionSecretName: pulumi.Output<string>;
    /**
     * Exporter logins from the data tier. Without them the exporters are not deployed (a warning says so):
     * an exporter without credentials would only crash-loop.
     */
    exporterCredentials?: ExporterCredentials;
    /** Redis speaks TLS (rediss://); defaults to true in production (ElastiCache in-transit encryption). */
    redisTls?: boolean;
    /** Telegram bot token (Pulumi secret) for Alertmanager; required when settings.alertmanagerReceiver is "telegram". */
    telegramBotToken?: pulumi.Input<string>;
    /** Where the managed data stores live in prod (VPC CIDR), for the exporters' egress. */
    dataCidrs?: string[];
    /**
     * Add-ons the cluster already runs (kube-prometheus-stack, the exporters, Jaeger): their charts are not
     * installed; the tier's own objects (monitors, rules, dashboards, policies) still are.
     */
    preinstalled?: readonly PreinstalledAddon[];
    tags?: Record<string, string>;
}

const MONITORING = NAMESPACES.monitoring;
const labels = (name: string, component: string) => labelsFor(name, component);

export class Observability extends pulumi.ComponentResource {
    /** OTLP endpoint the workloads send traces to (gRPC, 4317). */
    readonly otlpEndpoint: pulumi.Output<string>;
    /** In-cluster Grafana URL. */
    readonly grafanaUrl: pulumi.Output<string>;
    /** In-cluster Jaeger UI URL. */
    readonly jaegerUiUrl: pulumi.Output<string>;

    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("deepalpha:index:Observability", name, {}, opts);
        const s = args.settings;
        const k8sOpts = { parent: this, provider: args.provider };
        const telegram = s.alertmanagerReceiver === "telegram";
        if (telegram && !args.telegramBotToken) {
            throw new pulumi.RunError(
                "deepalpha:observability.alertmanagerReceiver is \"telegram\" but deepalpha:telegramBotToken is not set: pulumi config set --secret deepalpha:telegramBotToken <token>",
            );
        }
        const useElasticsearch = s.logging || s.tracingStorage === "elasticsearch";
        const install = (addon: PreinstalledAddon) => !args.preinstalled?.includes(addon);

        // --- Secrets first: the charts only name them. ------------------------------------------------
        const grafanaPassword = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this });
        const grafanaSecret = new k8s.core.v1.Secret(
            `${name}-grafana-admin`,
            {
                metadata: { name: GRAFANA_ADMIN_SECRET, namespace: MONITORING, labels: labels("grafana", "credentials") },
                type: "Opaque",
                stringData: { "admin-user": "admin", "admin-password": grafanaPassword.result },
            },
            k8sOpts,
        );
        const secretDeps: pulumi.Resource[] = [grafanaSecret];
        if (telegram) {
            secretDeps.push(
                new k8s.core.v1.Secret(
                    `${name}-alertmanager-telegram`,
                    {
                        metadata: { name: TELEGRAM_SECRET, namespace: MONITORING, labels: labels("alertmanager", "credentials") },
                        type: "Opaque",
                        stringData: { [TELEGRAM_TOKEN_KEY]: pulumi.secret(args.telegramBotToken!) },
                    },
                    k8sOpts,
                ),
            );
        }

        // --- Metrics: kube-prometheus-stack. ----------------------------------------------------------
        const kps = !install("kube-prometheus-stack")
            ? undefined
            : new k8s.helm.v4.Chart(
            `${name}-kube-prometheus-stack`,
            {
                ...chartSource(CHARTS.kubePrometheusStack),
                name: KPS_RELEASE,
                namespace: MONITORING,
                values: kubePrometheusStackValues({ profile: args.profile, settings: s, telegram }),
            },
            { ...k8sOpts, dependsOn: secretDeps },
        );
        // CRs need the CRDs the chart installs (a cluster that already runs the stack has them).
        const crOpts = { ...k8sOpts, dependsOn: kps ? [kps] : [] };

        // --- Scraping. -----------------------------------------------------------------------------------
        const monitors: MonitorSpec[] = [...workloadPodMonitors(), certManagerPodMonitor()];
        if (args.exporterCredentials) monitors.push(...exporterServiceMonitors());
        for (const m of monitors) {
            new k8s.apiextensions.CustomResource(
                `${name}-${m.kind === "PodMonitor" ? "podmonitor" : "servicemonitor"}-${m.name}`,
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: m.kind,
                    metadata: { name: m.name, namespace: m.namespace, labels: { "app.kubernetes.io/part-of": PART_OF } },
                    spec: m.spec,
                },
                crOpts,
            );
        }

        // --- Alerts. -------------------------------------------------------------------------------------
        new k8s.apiextensions.CustomResource(
            `${name}-alerts`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PrometheusRule",
                metadata: { name: "deepalpha-alerts", namespace: MONITORING, labels: { "app.kubernetes.io/part-of": PART_OF } },
                spec: { groups: buildAlertGroups({ orderLatencyP95Seconds: s.orderLatencyP95Seconds, apiLatencyP95Seconds: s.apiLatencyP95Seconds }) },
            },
            crOpts,
        );

        // --- Dashboard, through Grafana's sidecar. -----------------------------------------------------
        new k8s.core.v1.ConfigMap(
            `${name}-dashboard`,
            {
                metadata: {
                    name: "deepalpha-dashboards",
                    namespace: MONITORING,
                    labels: { ...labels("grafana", "dashboard"), [GRAFANA_DASHBOARD_LABEL]: "1" },
                },
                data: { [DASHBOARD_FILE]: stableJson(buildDashboard()) },
            },
            k8sOpts,
        );

        // --- Exporters. ----------------------------------------------------------------------------------
        if (args.exporterCredentials) {
            const c = args.exporterCredentials;
            const exporterSecret = new k8s.core.v1.Secret(
                `${name}-exporter-credentials`,
                {
                    metadata: { name: EXPORTER_SECRET, namespace: MONITORING, labels: labels("exporters", "credentials") },
                    type: "Opaque",
                    stringData: {
                        [EXPORTER_SECRET_KEYS.postgresUser]: pulumi.secret(c.postgresUser),
                        [EXPORTER_SECRET_KEYS.postgresPassword]: pulumi.secret(c.postgresPassword),
                        [EXPORTER_SECRET_KEYS.redisPassword]: pulumi.secret(c.redisPassword),
                    },
                },
                k8sOpts,
            );
            if (install("prometheus-postgres-exporter")) new k8s.helm.v4.Chart(
                `${name}-postgres-exporter`,
                {
                    ...chartSource(CHARTS.postgresExporter),
                    name: EXPORTERS.postgres.release,
                    namespace: MONITORING,
                    values: args.dataEndpoints.postgresHost.apply((h) => postgresExporterValues(args.profile, h)),
                },
                { ...k8sOpts, dependsOn: [exporterSecret] },
            );
            if (install("prometheus-redis-exporter")) new k8s.helm.v4.Chart(
                `${name}-redis-exporter`,
                {
                    ...chartSource(CHARTS.redisExporter),
                    name: EXPORTERS.redis.release,
                    namespace: MONITORING,
                    values: args.dataEndpoints.redisHost.apply((h) => redisExporterValues(args.profile, h, args.redisTls, c.redisUser)),
                },
                { ...k8sOpts, dependsOn: [exporterSecret] },
            );
        } else {
            pulumi.log.warn(
                "PostgreSQL and Redis exporters skipped: the data tier passed no exporterCredentials (postgresUser, postgresPassword, redisPassword)",
                this,
            );
        }

        // --- Elasticsearch and Kibana (ECK): logs, and traces in prod. ---------------------------------
        let elasticsearch: pulumi.Resource | undefined;
        if (useElasticsearch) {
            const eck = new k8s.helm.v4.Chart(
                `${name}-eck-operator`,
                { ...chartSource(CHARTS.eckOperator), name: ECK_RELEASE, namespace: MONITORING, values: eckOperatorValues(args.profile) },
                k8sOpts,
            );
            elasticsearch = new k8s.apiextensions.CustomResource(
                `${name}-elasticsearch`,
                {
                    apiVersion: "elasticsearch.k8s.elastic.co/v1",
                    kind: "Elasticsearch",
                    // `pulumi up` waits until ECK reports the cluster Ready, so Jaeger (whose storage it is) starts
                    // against a live cluster instead of failing its own 10-minute readiness wait while the
                    // Elasticsearch nodes, their volumes and possibly new nodes are still coming up.
                    metadata: { name: ES_NAME, namespace: MONITORING, labels: labels("elasticsearch", "logging"), annotations: { "pulumi.com/waitFor": ELASTICSEARCH_WAIT_FOR } },
                    spec: elasticsearchSpec(args.profile, s.elasticsearchStorage),
                },
                { ...k8sOpts, dependsOn: [eck], customTimeouts: { create: "30m", update: "30m" } },
            );
            if (s.logging) {
                new k8s.apiextensions.CustomResource(
                    `${name}-kibana`,
                    {
                        apiVersion: "kibana.k8s.elastic.co/v1",
                        kind: "Kibana",
                        metadata: { name: KIBANA_NAME, namespace: MONITORING, labels: labels("kibana", "logging") },
                        spec: kibanaSpec(args.profile),
                    },
                    { ...k8sOpts, dependsOn: [eck, elasticsearch] },
                );
                new k8s.helm.v4.Chart(
                    `${name}-fluent-bit`,
                    { ...chartSource(CHARTS.fluentBit), name: FLUENT_BIT_RELEASE, namespace: MONITORING, values: fluentBitValues(args.profile) },
                    { ...k8sOpts, dependsOn: [elasticsearch] },
                );
            }
        }

        // --- Tracing: Jaeger v2. -----------------------------------------------------------------------
        if (install("jaeger")) new k8s.helm.v4.Chart(
            `${name}-jaeger`,
            {
                ...chartSource(CHARTS.jaeger),
                name: JAEGER_RELEASE,
                namespace: MONITORING,
                values: jaegerValues(args.profile, s.tracingStorage, s.tracingStorage === "elasticsearch" ? ES_CONNECTION : undefined),
            },
            { ...k8sOpts, dependsOn: elasticsearch && s.tracingStorage === "elasticsearch" ? [elasticsearch] : [] },
        );
        if (elasticsearch && s.tracingStorage === "elasticsearch") {
            // Trace indices are daily and Jaeger deletes none: without this they grow until the volumes fill.
            const cleanerLabels = labels("jaeger-es-index-cleaner", "tracing");
            new k8s.batch.v1.CronJob(
                `${name}-jaeger-es-index-cleaner`,
                {
                    metadata: { name: "jaeger-es-index-cleaner", namespace: MONITORING, labels: cleanerLabels },
                    spec: {
                        schedule: "55 23 * * *",
                        concurrencyPolicy: "Forbid",
                        successfulJobsHistoryLimit: 1,
                        failedJobsHistoryLimit: 3,
                        jobTemplate: {
                            spec: {
                                backoffLimit: 3,
                                template: {
                                    metadata: { labels: cleanerLabels },
                                    spec: {
                                        restartPolicy: "OnFailure",
                                        automountServiceAccountToken: false,
                                        securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
                                        containers: [indexCleanerContainer(ES_CONNECTION, TRACE_RETENTION_DAYS, TRACE_INDEX_PREFIX)],
                                        volumes: [{ name: "es-ca", secret: { secretName: ES_CONNECTION.caSecret.name, items: [{ key: ES_CONNECTION.caSecret.key, path: ES_CONNECTION.caSecret.key }] } }],
                                    },
                                },
                            },
                        },
                    },
                },
                { ...k8sOpts, dependsOn: [elasticsearch] },
            );
        }

        // --- Budgets for the chart Deployments whose charts render none. ------------------------------
        const budgets = chartDisruptionBudgets({
            redisExporterReplicas: args.exporterCredentials && install("prometheus-redis-exporter") ? exporterReplicas(args.profile) : 0,
            jaegerReplicas: install("jaeger") ? jaegerReplicas(args.profile, s.tracingStorage) : 0,
        });
        for (const b of budgets) {
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-pdb-${b.name}`,
                { metadata: { name: b.name, namespace: MONITORING, labels: { "app.kubernetes.io/part-of": PART_OF } }, spec: { minAvailable: 1, selector: { matchLabels: b.matchLabels } } },
                k8sOpts,
            );
        }

        // --- NetworkPolicies. ---------------------------------------------------------------------------
        for (const p of monitoringPolicies({ dataCidrs: args.dataCidrs })) {
            new k8s.networking.v1.NetworkPolicy(
                `${name}-netpol-${p.name}`,
                { metadata: { name: p.name, namespace: MONITORING, labels: { "app.kubernetes.io/part-of": PART_OF } }, spec: toNetworkPolicySpec(p) },
                k8sOpts,
            );
        }

        this.otlpEndpoint = pulumi.output(`http://${JAEGER_SERVICE_HOST}:${JAEGER_PORTS.otlpGrpc}`);
        this.grafanaUrl = pulumi.output(`http://${GRAFANA_FULLNAME}.${MONITORING}.svc.cluster.local`);
        this.jaegerUiUrl = pulumi.output(`http://${JAEGER_SERVICE_HOST}:${JAEGER_PORTS.ui}`);
        this.registerOutputs({ otlpEndpoint: this.otlpEndpoint, grafanaUrl: this.grafanaUrl, jaegerUiUrl: this.jaegerUiUrl });
    }
}
