// Observability: metrics (Prometheus, Alertmanager, Grafana), the seed's dashboard, alert rules,
// tracing (Jaeger v2) and logs (Fluent Bit -> ECK Elasticsearch/Kibana). A thin component: the pure
// builders in this folder decide what to create; this class creates it.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import { PART_OF, labelsFor } from "@deepalpha/shared";
import type { ObservabilityArgs } from "./args";
import { buildAlertGroups } from "./alerts";
import { CHARTS, chartSource } from "./charts";
import { DASHBOARD_FILE, buildDashboard, stableJson } from "./dashboard";
import { resolveObservabilityArgs } from "./defaults";
import { chartDisruptionBudgets } from "./disruption-budgets";
import { EXPORTER_SECRET_KEYS, exporterReplicas, postgresExporterValues, redisExporterValues } from "./exporters";
import { ECK_RELEASE, ELASTICSEARCH_WAIT_FOR, FLUENT_BIT_RELEASE, eckOperatorValues, elasticsearchSpec, esConnection, fluentBitValues, kibanaSpec } from "./logging";
import { GRAFANA_DASHBOARD_LABEL, GRAFANA_FULLNAME, KPS_RELEASE, TELEGRAM_TOKEN_KEY, kubePrometheusStackValues } from "./metrics-stack";
import { monitoringPolicies, toNetworkPolicySpec } from "./network-policies";
import { EXPORTERS, type MonitorSpec, certManagerPodMonitor, exporterServiceMonitors, scrapeJobs, workloadPodMonitors } from "./scrape";
import { JAEGER_PORTS, JAEGER_RELEASE, TRACE_INDEX_PREFIX, TRACE_RETENTION_DAYS, indexCleanerContainer, jaegerReplicas, jaegerServiceHost, jaegerValues } from "./tracing";
import { validateObservabilityArgs } from "./validate";

export type { ObservabilityArgs } from "./args";

const labels = (name: string, component: string) => labelsFor(name, component);

/** The component's type token: part of the API (a change would replace every child in live stacks). */
export const OBSERVABILITY_TYPE = "deepalpha:index:Observability";

export class Observability extends pulumi.ComponentResource {
    /** OTLP endpoint the workloads send traces to (gRPC, 4317). */
    readonly otlpEndpoint: pulumi.Output<string>;
    /** In-cluster Grafana URL. */
    readonly grafanaUrl: pulumi.Output<string>;
    /** In-cluster Jaeger UI URL. */
    readonly jaegerUiUrl: pulumi.Output<string>;

    /**
     * @param name Instance name: every child's Pulumi name starts with it (`${name}-grafana-admin`, ...).
     * @param args See ObservabilityArgs; all optional but the data tier's inputs (defaults: DeepAlpha's, per profile).
     * @param opts Resource options; `provider`/`providers` reach every child that args.provider does not set.
     */
    constructor(name: string, args: ObservabilityArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        // Defaults and validation before anything is registered: a mistake leaves no half-built component.
        const a = resolveObservabilityArgs(args);
        validateObservabilityArgs(name, a);
        super(OBSERVABILITY_TYPE, name, {}, opts);
        const MONITORING = a.namespaces.monitoring;
        const n = a.names;
        const s = a;
        const k8sOpts = { parent: this, provider: a.provider };
        const telegram = s.alertmanagerReceiver === "telegram";
        const useElasticsearch = s.logging || s.tracingStorage === "elasticsearch";
        const install = (addon: string) => !a.preinstalled.includes(addon);
        const es = esConnection(n.elasticsearch, MONITORING);

        // --- Secrets first: the charts only name them. ------------------------------------------------
        const grafanaPassword = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this });
        const grafanaSecret = new k8s.core.v1.Secret(
            `${name}-grafana-admin`,
            {
                metadata: { name: n.grafanaAdminSecret, namespace: MONITORING, labels: labels("grafana", "credentials") },
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
                        metadata: { name: n.telegramSecret, namespace: MONITORING, labels: labels("alertmanager", "credentials") },
                        type: "Opaque",
                        stringData: { [TELEGRAM_TOKEN_KEY]: pulumi.secret(a.telegramBotToken!) },
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
                values: kubePrometheusStackValues({
                    profile: a.profile,
                    prometheusRetention: s.prometheusRetention,
                    prometheusStorage: s.prometheusStorage,
                    grafanaStorage: s.grafanaStorage,
                    alertmanagerReceiver: s.alertmanagerReceiver,
                    telegramChatId: s.telegramChatId,
                    storageClassName: a.storageClassName,
                    namespace: MONITORING,
                    grafanaAdminSecret: n.grafanaAdminSecret,
                    telegramSecret: n.telegramSecret,
                    telegram,
                }),
            },
            { ...k8sOpts, dependsOn: secretDeps },
        );
        // CRs need the CRDs the chart installs (a cluster that already runs the stack has them).
        const crOpts = { ...k8sOpts, dependsOn: kps ? [kps] : [] };

        // --- Scraping. -----------------------------------------------------------------------------------
        const monitors: MonitorSpec[] = [...workloadPodMonitors(a.workloads, a.namespaces), certManagerPodMonitor(a.namespaces)];
        if (a.exporterCredentials) monitors.push(...exporterServiceMonitors(a.namespaces));
        for (const m of monitors) {
            new k8s.apiextensions.CustomResource(
                `${name}-${m.kind === "PodMonitor" ? "podmonitor" : "servicemonitor"}-${m.id}`,
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
                metadata: { name: n.alertRules, namespace: MONITORING, labels: { "app.kubernetes.io/part-of": PART_OF } },
                spec: {
                    groups: buildAlertGroups({
                        orderLatencyP95Seconds: s.orderLatencyP95Seconds,
                        apiLatencyP95Seconds: s.apiLatencyP95Seconds,
                        jobs: scrapeJobs(a.workloads),
                        namespaces: a.namespaces,
                        dataJobs: a.dataJobs,
                    }),
                },
            },
            crOpts,
        );

        // --- Dashboard, through Grafana's sidecar. -----------------------------------------------------
        new k8s.core.v1.ConfigMap(
            `${name}-dashboard`,
            {
                metadata: {
                    name: n.dashboards,
                    namespace: MONITORING,
                    labels: { ...labels("grafana", "dashboard"), [GRAFANA_DASHBOARD_LABEL]: "1" },
                },
                data: { [DASHBOARD_FILE]: stableJson(buildDashboard()) },
            },
            k8sOpts,
        );

        // --- Exporters. ----------------------------------------------------------------------------------
        if (a.exporterCredentials && a.dataEndpoints) {
            const c = a.exporterCredentials;
            const endpoints = a.dataEndpoints;
            const exporterSecret = new k8s.core.v1.Secret(
                `${name}-exporter-credentials`,
                {
                    metadata: { name: n.exporterSecret, namespace: MONITORING, labels: labels("exporters", "credentials") },
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
                    values: pulumi.output(endpoints.postgresHost).apply((h) => postgresExporterValues(a.profile, h, a.postgresDatabase, n.exporterSecret)),
                },
                { ...k8sOpts, dependsOn: [exporterSecret] },
            );
            if (install("prometheus-redis-exporter")) new k8s.helm.v4.Chart(
                `${name}-redis-exporter`,
                {
                    ...chartSource(CHARTS.redisExporter),
                    name: EXPORTERS.redis.release,
                    namespace: MONITORING,
                    values: pulumi.output(endpoints.redisHost).apply((h) => redisExporterValues(a.profile, h, a.redisTls, c.redisUser, n.exporterSecret)),
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
                { ...chartSource(CHARTS.eckOperator), name: ECK_RELEASE, namespace: MONITORING, values: eckOperatorValues(a.profile, MONITORING) },
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
                    metadata: { name: n.elasticsearch, namespace: MONITORING, labels: labels("elasticsearch", "logging"), annotations: { "pulumi.com/waitFor": ELASTICSEARCH_WAIT_FOR } },
                    spec: elasticsearchSpec(a.profile, s.elasticsearchStorage, n.elasticsearch, a.storageClassName),
                },
                { ...k8sOpts, dependsOn: [eck], customTimeouts: { create: "30m", update: "30m" } },
            );
            if (s.logging) {
                new k8s.apiextensions.CustomResource(
                    `${name}-kibana`,
                    {
                        apiVersion: "kibana.k8s.elastic.co/v1",
                        kind: "Kibana",
                        metadata: { name: n.kibana, namespace: MONITORING, labels: labels("kibana", "logging") },
                        spec: kibanaSpec(a.profile, n.elasticsearch),
                    },
                    { ...k8sOpts, dependsOn: [eck, elasticsearch] },
                );
                new k8s.helm.v4.Chart(
                    `${name}-fluent-bit`,
                    { ...chartSource(CHARTS.fluentBit), name: FLUENT_BIT_RELEASE, namespace: MONITORING, values: fluentBitValues(a.profile, es) },
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
                values: jaegerValues(a.profile, s.tracingStorage, s.tracingStorage === "elasticsearch" ? es : undefined),
            },
            { ...k8sOpts, dependsOn: elasticsearch && s.tracingStorage === "elasticsearch" ? [elasticsearch] : [] },
        );
        if (elasticsearch && s.tracingStorage === "elasticsearch") {
            // Trace indices are daily and Jaeger deletes none: without this they grow until the volumes fill.
            const cleanerLabels = labels("jaeger-es-index-cleaner", "tracing");
            new k8s.batch.v1.CronJob(
                `${name}-jaeger-es-index-cleaner`,
                {
                    metadata: { name: n.indexCleaner, namespace: MONITORING, labels: cleanerLabels },
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
                                        containers: [indexCleanerContainer(es, TRACE_RETENTION_DAYS, TRACE_INDEX_PREFIX)],
                                        volumes: [{ name: "es-ca", secret: { secretName: es.caSecret.name, items: [{ key: es.caSecret.key, path: es.caSecret.key }] } }],
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
            redisExporterReplicas: a.exporterCredentials && a.dataEndpoints && install("prometheus-redis-exporter") ? exporterReplicas(a.profile) : 0,
            jaegerReplicas: install("jaeger") ? jaegerReplicas(a.profile, s.tracingStorage) : 0,
        });
        for (const b of budgets) {
            new k8s.policy.v1.PodDisruptionBudget(
                `${name}-pdb-${b.name}`,
                { metadata: { name: b.name, namespace: MONITORING, labels: { "app.kubernetes.io/part-of": PART_OF } }, spec: { minAvailable: 1, selector: { matchLabels: b.matchLabels } } },
                k8sOpts,
            );
        }

        // --- NetworkPolicies. ---------------------------------------------------------------------------
        for (const p of monitoringPolicies({ dataCidrs: a.dataCidrs, namespaces: a.namespaces, workloads: a.workloads })) {
            new k8s.networking.v1.NetworkPolicy(
                `${name}-netpol-${p.name}`,
                { metadata: { name: p.name, namespace: MONITORING, labels: { "app.kubernetes.io/part-of": PART_OF } }, spec: toNetworkPolicySpec(p) },
                k8sOpts,
            );
        }

        const jaegerHost = jaegerServiceHost(MONITORING);
        this.otlpEndpoint = pulumi.output(`http://${jaegerHost}:${JAEGER_PORTS.otlpGrpc}`);
        this.grafanaUrl = pulumi.output(`http://${GRAFANA_FULLNAME}.${MONITORING}.svc.cluster.local`);
        this.jaegerUiUrl = pulumi.output(`http://${jaegerHost}:${JAEGER_PORTS.ui}`);
        this.registerOutputs({ otlpEndpoint: this.otlpEndpoint, grafanaUrl: this.grafanaUrl, jaegerUiUrl: this.jaegerUiUrl });
    }
}
