// Observability tier (issue 6): metrics, the seed's dashboard and scrape settings, alerts, tracing, logs,
// network policies and secret hygiene. Pure builders are tested directly; wiring through the planned stacks.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { parser as promql } from "@prometheus-io/lezer-promql";
import { buildAlertGroups } from "@deepalpha/observability";
import { OBSERVABILITY_CHARTS as CHARTS } from "@deepalpha/observability";
import { DASHBOARD_FILE, buildDashboard, stableJson } from "@deepalpha/observability";
import { EXPORTER_SECRET } from "@deepalpha/observability";
import { ES_CONNECTION } from "@deepalpha/observability";
import { GRAFANA_ADMIN_SECRET, TELEGRAM_SECRET, TELEGRAM_TOKEN_KEY } from "@deepalpha/observability";
import { NAMESPACES, WORKLOADS, labelsFor, selectorFor } from "@deepalpha/shared";
import { OFFLINE_SECRET_PLACEHOLDER } from "./harness/stack-file";
import { hexOf, mocks } from "./harness/mocks";
import { SECRET_MASK, type ProgramRun, type RegisteredResource } from "./harness/run";
import { byType, k8sObject, one, planStack, planWith } from "./harness/stacks";
import { isKubernetesObject, schemaErrors, toManifest } from "./harness/k8s-schema";
import { eckSchemaErrors } from "./observability-eck/validate";
import { validateConfig } from "../settings/validate";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const CHART = "kubernetes:helm.sh/v4:Chart";
const chart = (run: ProgramRun, name: string) => one(run, CHART, `observability-${name}`);
const chartValues = (run: ProgramRun, name: string) => chart(run, name).values.values as Obj;

/** Every PromQL syntax error node lezer-promql finds in an expression. */
function promqlErrors(expr: string): number {
    let errors = 0;
    promql.parse(expr).iterate({ enter: (n) => void (n.type.isError && errors++) });
    return errors;
}

/** The seed's dashboard ("Grafana仪表板"), the spec the builder must match. */
const SEED = {
    title: "DeepAlpha System Overview",
    tags: ["deepalpha", "trading"],
    timezone: "browser",
    time: { from: "now-1h", to: "now" },
    refresh: "5s",
    panels: [
        { id: 1, title: "API Request Rate", type: "graph", expr: "sum(rate(http_requests_total[5m])) by (service)", legendFormat: "{{service}}" },
        { id: 2, title: "Order Execution Latency", type: "graph", expr: "histogram_quantile(0.95, sum(rate(order_latency_seconds_bucket[5m])) by (le))", legendFormat: "95th percentile" },
        { id: 3, title: "WebSocket Connections", type: "singlestat", expr: "websocket_connections_current", legendFormat: "Active Connections" },
        { id: 4, title: "Portfolio PnL", type: "graph", expr: "portfolio_pnl_total", legendFormat: "Total PnL" },
    ],
};
/** Removed or deprecated panel types and their replacements (README: deviations). */
const MODERN_TYPE: Record<string, string> = { singlestat: "stat", graph: "timeseries" };

describe("observability: dashboard (seed's DeepAlpha System Overview)", () => {
    it("has the seed's title, tags, timezone, time range and refresh", () => {
        const d = buildDashboard();
        expect(d.title).to.equal(SEED.title);
        expect(d.tags).to.deep.equal(SEED.tags);
        expect(d.timezone).to.equal(SEED.timezone);
        expect(d.time).to.deep.equal(SEED.time);
        expect(d.refresh).to.equal(SEED.refresh);
        expect(d.id).to.equal(null);
    });

    it("has the seed's four panels in order, with their queries and legends; stat for singlestat", () => {
        const d = buildDashboard();
        expect(d.panels.map((p) => ({ id: p.id, title: p.title, type: p.type, expr: p.targets[0].expr, legendFormat: p.targets[0].legendFormat }))).to.deep.equal(
            SEED.panels.map((p) => ({ ...p, type: MODERN_TYPE[p.type] })),
        );
        expect(d.panels.find((p) => p.title === "WebSocket Connections")!.type).to.equal("stat");
        for (const p of d.panels) {
            expect(p.targets).to.have.length(1);
            expect(promqlErrors(p.targets[0].expr), p.targets[0].expr).to.equal(0);
        }
    });

    it("serialises with sorted keys, byte-for-byte stable", () => {
        const a = stableJson(buildDashboard());
        expect(stableJson(JSON.parse(a))).to.equal(a);
        const keys = Object.keys(JSON.parse(a));
        expect(keys).to.deep.equal([...keys].sort());
        // Key order of the input does not matter.
        expect(stableJson({ b: 1, a: { d: 2, c: 3 } })).to.equal(stableJson({ a: { c: 3, d: 2 }, b: 1 }));
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: is provisioned as a ConfigMap the Grafana sidecar picks up`, async () => {
            const run = await planStack(stack);
            const cm = k8sObject(run, "ConfigMap", "deepalpha-dashboards", NAMESPACES.monitoring);
            const kps = chartValues(run, "kube-prometheus-stack");
            const sidecar = kps.grafana.sidecar.dashboards;
            expect(sidecar.enabled).to.equal(true);
            expect((cm.values.metadata as Obj).labels[sidecar.label]).to.equal(sidecar.labelValue);
            expect([NAMESPACES.monitoring, "ALL"]).to.include(sidecar.searchNamespace);
            const data = (cm.values.data as Record<string, string>)[DASHBOARD_FILE];
            expect(data).to.equal(stableJson(buildDashboard()));
            expect(JSON.parse(data).title).to.equal(SEED.title);
        });
    }
});

const REQUIRED_ALERTS = [
    "DeepAlphaApiDown",
    "DeepAlphaApiErrorRateHigh",
    "DeepAlphaOrderLatencyHigh",
    "DeepAlphaWebSocketConnectionsHigh",
    "DeepAlphaExecutorDown",
    "PostgresReplicationLagHigh",
    "RedisDown",
    "BackupJobFailed",
    "BackupNotSuccessfulRecently",
    "CertificateExpiringSoon",
    "DeepAlphaApiLatencyHigh",
    "TradesDefaultPartitionHasRows",
    "TradesPartitionJobFailed",
    "TradesPartitionsNotMaintained",
    "TradesFuturePartitionsLow",
    "RestoreDrillFailed",
    "RestoreDrillNotPassedRecently",
];

describe("observability: alert rules", () => {
    const rules = () => buildAlertGroups({ orderLatencyP95Seconds: 0.5, apiLatencyP95Seconds: 1 }).flatMap((g) => g.rules);

    it("covers every alert the issue asks for", () => {
        expect(rules().map((r) => r.alert)).to.include.members(REQUIRED_ALERTS);
    });

    it("every rule has a for duration, a severity and a summary", () => {
        for (const r of rules()) {
            expect(r.for, r.alert).to.match(/^[0-9]+[smh]$/);
            expect(["critical", "warning"], r.alert).to.include(r.labels.severity);
            expect(r.annotations.summary, r.alert).to.be.a("string").and.not.empty;
            // A JavaScript placeholder left in a plain string would reach the pager verbatim.
            expect(JSON.stringify(r), r.alert).to.not.contain("${");
        }
    });

    it("every expression parses as PromQL (lezer-promql, no error nodes)", () => {
        for (const r of rules()) expect(promqlErrors(r.expr), `${r.alert}: ${r.expr}`).to.equal(0);
    });

    it("the PromQL check itself rejects a broken expression", () => {
        expect(promqlErrors("sum(rate(http_requests_total[5m]) by (")).to.be.greaterThan(0);
        expect(promqlErrors("up{job=\"x\" == 0")).to.be.greaterThan(0);
    });

    it("watches the right metrics with the right thresholds", () => {
        const by = Object.fromEntries(rules().map((r) => [r.alert, r.expr]));
        expect(by.DeepAlphaApiDown).to.equal(`up{job="${WORKLOADS.api.name}"} == 0`);
        expect(by.DeepAlphaExecutorDown).to.contain(`up{job="${WORKLOADS.executor.name}"} == 0`);
        expect(by.DeepAlphaOrderLatencyHigh).to.equal("histogram_quantile(0.95, sum(rate(order_latency_seconds_bucket[5m])) by (le)) > 0.5");
        expect(by.DeepAlphaWebSocketConnectionsHigh).to.match(/websocket_connections_current\{[^}]*\} > 0\.8 \* 10000$/);
        // The limits behind the 10K connections: the process's open files, and the node's conntrack table.
        expect(by.DeepAlphaWebSocketFileDescriptorsHigh).to.equal(`process_open_fds{job="${WORKLOADS.websocket.name}"} / process_max_fds{job="${WORKLOADS.websocket.name}"} > 0.8`);
        expect(by.NodeConntrackTableFilling).to.equal("node_nf_conntrack_entries / node_nf_conntrack_entries_limit > 0.75");
        expect(by.RedisDown).to.contain("redis_up");
        expect(by.PostgresReplicationLagHigh).to.contain("pg_stat_replication_pg_wal_lsn_diff");
        // The Job's Failed condition, not its failed-pod count (a run that succeeds on a retry is no failure).
        expect(by.BackupJobFailed).to.contain("kube_job_failed{").and.contain('condition="true"').and.not.contain("kube_job_status_failed");
        // ... and only while no later run of the same CronJob has succeeded (promtool proves it: npm run test:services).
        expect(by.BackupJobFailed).to.contain("kube_job_owner{").and.contain("kube_cronjob_status_last_successful_time{");
        expect(by.DeepAlphaApiLatencyHigh).to.equal(`histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket{job="${WORKLOADS.api.name}"}[5m])) by (le)) > 1`);
        expect(by.TradesDefaultPartitionHasRows).to.contain('relname="trades_default"');
        expect(by.TradesPartitionsNotMaintained).to.contain('cronjob="trades-partitions"');
        expect(by.BackupNotSuccessfulRecently).to.contain("kube_cronjob_status_last_successful_time").and.contain(`> ${26 * 3600}`);
        // Only cert-manager's PodMonitor job (the kubernetes-pods job scrapes the annotated controller too).
        expect(by.CertificateExpiringSoon).to.contain('certmanager_certificate_expiration_timestamp_seconds{job="cert-manager"}');
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: the PrometheusRule holds the groups and depends on the chart that installs its CRD`, async () => {
            const run = await planStack(stack);
            const pr = one(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "observability-alerts");
            const planned = (pr.values.spec as Obj).groups.flatMap((g: Obj) => g.rules) as Obj[];
            expect(planned.map((r) => r.alert)).to.include.members(REQUIRED_ALERTS);
            for (const r of planned) expect(promqlErrors(r.expr), r.expr).to.equal(0);
            expect(pr.dependencies).to.include(chart(run, "kube-prometheus-stack").urn);
        });
    }

    it("the latency threshold follows settings.observability.orderLatencyP95Seconds", async () => {
        const run = await planWith("dev", { "deepalpha:observability": JSON.stringify({ logging: false, tracingStorage: "memory", orderLatencyP95Seconds: 1.25 }) });
        const pr = one(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "observability-alerts");
        const rule = (pr.values.spec as Obj).groups.flatMap((g: Obj) => g.rules).find((r: Obj) => r.alert === "DeepAlphaOrderLatencyHigh");
        expect(rule.expr).to.match(/> 1\.25$/);
    });
});

describe("observability: scraping (seed's prometheus.yml)", () => {
    const WORKLOAD_PORTS = { api: "http", websocket: "http", executor: "metrics" } as const;
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: API, WebSocket and executor are scraped every 5s on their metrics ports`, async () => {
            const run = await planStack(stack);
            for (const w of ["api", "websocket", "executor"] as const) {
                const pm = k8sObject(run, "PodMonitor", WORKLOADS[w].name, NAMESPACES.monitoring);
                const spec = pm.values.spec as Obj;
                expect(spec.namespaceSelector).to.deep.equal({ matchNames: [NAMESPACES.app] });
                // The selector is the app tier's own selector, a subset of its pod labels.
                expect(spec.selector.matchLabels).to.deep.equal(selectorFor(WORKLOADS[w].name));
                expect(labelsFor(WORKLOADS[w].name, w)).to.include(spec.selector.matchLabels);
                expect(spec.jobLabel).to.equal("app.kubernetes.io/name");
                expect(spec.podMetricsEndpoints).to.deep.equal([
                    {
                        port: WORKLOAD_PORTS[w],
                        path: "/metrics",
                        interval: "5s",
                        // The seed's dashboard sums the request rate `by (service)`: PodMonitor targets only get a
                        // `service` label through this relabeling (from the pod's app.kubernetes.io/name).
                        relabelings: [{ action: "replace", sourceLabels: ["__meta_kubernetes_pod_label_app_kubernetes_io_name"], targetLabel: "service" }],
                    },
                ]);
                expect(pm.dependencies).to.include(chart(run, "kube-prometheus-stack").urn);
            }
        });

        it(`${stack}: cert-manager's PodMonitor names the job the certificate alert selects and keeps the Certificate's namespace label`, async () => {
            const spec = k8sObject(await planStack(stack), "PodMonitor", "cert-manager", NAMESPACES.monitoring).values.spec as Obj;
            // jobLabel app.kubernetes.io/name on pods labelled cert-manager -> job="cert-manager".
            expect(spec.jobLabel).to.equal("app.kubernetes.io/name");
            expect(spec.selector.matchLabels["app.kubernetes.io/name"]).to.equal("cert-manager");
            expect(spec.podMetricsEndpoints[0]).to.include({ port: "http-metrics", honorLabels: true });
        });

        it(`${stack}: Prometheus selects the program's monitors and rules, and keeps the kubernetes-pods job`, async () => {
            const spec = chartValues(await planStack(stack), "kube-prometheus-stack").prometheus.prometheusSpec;
            for (const k of ["serviceMonitorSelectorNilUsesHelmValues", "podMonitorSelectorNilUsesHelmValues", "ruleSelectorNilUsesHelmValues"]) {
                expect(spec[k], k).to.equal(false);
            }
            expect(spec.podMonitorSelector, "an explicit selector would override the nil-selects-all choice").to.equal(undefined);
            const job = (spec.additionalScrapeConfigs as Obj[]).find((j) => j.job_name === "kubernetes-pods")!;
            expect(job.kubernetes_sd_configs).to.deep.equal([{ role: "pod" }]);
            expect(job.relabel_configs[0]).to.deep.equal({ source_labels: ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"], action: "keep", regex: "true" });
            expect(spec.scrapeInterval).to.equal("15s");
        });
    }

    it("the running workloads of the app tier carry the labels and port names the monitors select", async function () {
        const run = await planStack("prod");
        for (const w of ["api", "websocket", "executor"] as const) {
            const deps = byType(run, "kubernetes:apps/v1:Deployment").filter((d) => (d.values.metadata as Obj | undefined)?.name === WORKLOADS[w].name);
            if (deps.length === 0) this.skip(); // the app tier (built concurrently) has not created it yet
            const tpl = (deps[0].values.spec as Obj).template;
            expect(tpl.metadata.labels).to.include(selectorFor(WORKLOADS[w].name));
            const ports = (tpl.spec.containers as Obj[]).flatMap((c) => c.ports ?? []);
            expect(ports.map((p: Obj) => p.name), w).to.include(WORKLOAD_PORTS[w]);
        }
    });
});

describe("observability: kube-prometheus-stack", () => {
    it("every chart is pinned to an exact version from an https repository", async () => {
        for (const stack of ["dev", "prod"] as const) {
            for (const c of byType(await planStack(stack), CHART).filter((r) => r.name.startsWith("observability-"))) {
                expect(c.values.version, c.name).to.match(/^[0-9]+\.[0-9]+\.[0-9]+$/);
                expect((c.values.repositoryOpts as Obj).repo, c.name).to.match(/^https:\/\//);
                expect(Object.values(CHARTS).map((x) => x.chart)).to.include(c.values.chart);
            }
        }
    });

    it("prod: retention, gp3 storage and HA replicas from settings", async () => {
        const v = chartValues(await planStack("prod"), "kube-prometheus-stack");
        const spec = v.prometheus.prometheusSpec;
        expect(spec.retention).to.equal("15d");
        expect(spec.storageSpec.volumeClaimTemplate.spec.storageClassName).to.equal("gp3");
        expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).to.equal("100Gi");
        expect(spec.replicas).to.equal(2);
        expect(v.alertmanager.alertmanagerSpec.replicas).to.equal(3);
        expect(v.grafana.persistence).to.include({ enabled: true, storageClassName: "gp3" });
    });

    it("Grafana on its ReadWriteOnce volume is replaced with Recreate (a rolling update would hang on Multi-Attach)", async () => {
        for (const stack of ["dev", "prod"] as const) {
            const g = chartValues(await planStack(stack), "kube-prometheus-stack").grafana;
            expect(g.persistence.enabled, stack).to.equal(true);
            expect(g.persistence.accessModes ?? ["ReadWriteOnce"], stack).to.deep.equal(["ReadWriteOnce"]);
            expect(g.deploymentStrategy, stack).to.deep.equal({ type: "Recreate" });
        }
    });

    it("dev: small requests and the dev retention, on the cluster's default StorageClass", async () => {
        const v = chartValues(await planStack("dev"), "kube-prometheus-stack");
        const spec = v.prometheus.prometheusSpec;
        expect(spec.retention).to.equal("2d");
        expect(spec.storageSpec.volumeClaimTemplate.spec).to.not.have.property("storageClassName");
        expect(spec.replicas).to.equal(1);
        const mi = (q: string) => (q.endsWith("Gi") ? parseFloat(q) * 1024 : parseFloat(q));
        const cpu = (q: string) => (q.endsWith("m") ? parseFloat(q) : parseFloat(q) * 1000);
        for (const r of [spec.resources, v.grafana.resources, v.alertmanager.alertmanagerSpec.resources, v.prometheusOperator.resources]) {
            expect(mi(r.requests.memory)).to.be.at.most(512);
            expect(cpu(r.requests.cpu)).to.be.at.most(100);
        }
        expect(chartValues(await planStack("dev"), "jaeger").jaeger.resources.requests).to.deep.equal({ cpu: "50m", memory: "128Mi" });
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: Grafana's admin password is random, in a Secret the chart references`, async () => {
            const run = await planStack(stack);
            const g = chartValues(run, "kube-prometheus-stack").grafana;
            expect(g).to.not.have.property("adminPassword");
            expect(g.admin.existingSecret).to.equal(GRAFANA_ADMIN_SECRET);
            const secret = k8sObject(run, "Secret", GRAFANA_ADMIN_SECRET, NAMESPACES.monitoring);
            expect(Object.keys(secret.values.stringData as Obj)).to.include.members([g.admin.userKey, g.admin.passwordKey]);
            expect(secret.inputs.stringData).to.equal(SECRET_MASK);
            const pw = one(run, "random:index/randomPassword:RandomPassword", "observability-grafana-admin");
            expect(pw.values.length).to.be.at.least(32);
            expect(secret.dependencies).to.include(pw.urn);
            expect(chart(run, "kube-prometheus-stack").dependencies).to.include(secret.urn);
        });
    }

    it("prod: Alertmanager pages Telegram with the bot token read from a mounted Secret", async () => {
        const run = await planStack("prod");
        const am = chartValues(run, "kube-prometheus-stack").alertmanager;
        expect(am.config.route.receiver).to.equal("telegram");
        const tg = (am.config.receivers as Obj[]).find((r) => r.name === "telegram")!.telegram_configs[0];
        expect(tg).to.not.have.property("bot_token");
        expect(tg.bot_token_file).to.equal(`/etc/alertmanager/secrets/${TELEGRAM_SECRET}/${TELEGRAM_TOKEN_KEY}`);
        expect(tg.chat_id).to.equal(-1001234567890);
        expect(am.alertmanagerSpec.secrets).to.deep.equal([TELEGRAM_SECRET]);
        const secret = k8sObject(run, "Secret", TELEGRAM_SECRET, NAMESPACES.monitoring);
        expect(secret.inputs.stringData).to.equal(SECRET_MASK);
        expect(Object.keys(secret.values.stringData as Obj)).to.deep.equal([TELEGRAM_TOKEN_KEY]);
    });

    it("dev: no receiver, no Telegram Secret", async () => {
        const run = await planStack("dev");
        expect(chartValues(run, "kube-prometheus-stack").alertmanager.config.route.receiver).to.equal("null");
        expect(() => k8sObject(run, "Secret", TELEGRAM_SECRET)).to.throw(/found 0/);
    });

    it("the telegram receiver needs a chat ID, named in the error", () => {
        expect(() =>
            validateConfig({
                values: { "deepalpha:profile": "local", "deepalpha:cluster": '{"kubeContext":"kind-x"}', "deepalpha:observability": '{"alertmanagerReceiver":"telegram"}' },
                secretKeys: new Set(),
                stack: "dev",
            }),
        ).to.throw(/deepalpha:observability\.telegramChatId: .*required when alertmanagerReceiver is "telegram"/);
    });
});

describe("observability: tracing (Jaeger v2)", () => {
    const config = (run: ProgramRun) => chartValues(run, "jaeger").userconfig as Obj;

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: OTLP on 4317/4318, the seed's 14268, UI and the otlpEndpoint output`, async () => {
            const run = await planStack(stack);
            const c = config(run);
            expect(c.receivers.otlp.protocols.grpc.endpoint).to.equal("0.0.0.0:4317");
            expect(c.receivers.otlp.protocols.http.endpoint).to.equal("0.0.0.0:4318");
            expect(c.receivers.jaeger.protocols.thrift_http.endpoint).to.equal("0.0.0.0:14268");
            expect(c.service.pipelines.traces.receivers).to.deep.equal(["otlp", "jaeger"]);
            expect(c.service.extensions).to.include("jaeger_query");
            expect(run.outputValues.otlpEndpoint).to.equal(`http://jaeger.${NAMESPACES.monitoring}.svc.cluster.local:4317`);
            expect(chartValues(run, "jaeger").fullnameOverride).to.equal("jaeger");
        });
    }

    it("dev: one process, in-memory storage", async () => {
        const run = await planStack("dev");
        expect(config(run).extensions.jaeger_storage.backends.primary_store).to.have.keys("memory");
        expect(chartValues(run, "jaeger").jaeger.replicas).to.equal(1);
    });

    it("prod: Elasticsearch storage over TLS, password from ECK's Secret file, after Elasticsearch exists", async () => {
        const run = await planStack("prod");
        const es = config(run).extensions.jaeger_storage.backends.primary_store.elasticsearch;
        expect(es.server_urls).to.deep.equal([ES_CONNECTION.url]);
        expect(es.auth.basic).to.not.have.property("password");
        expect(es.auth.basic.password_file).to.match(/^\/etc\/jaeger\//);
        expect(es.tls.ca_file).to.match(/ca\.crt$/);
        const j = chartValues(run, "jaeger").jaeger;
        expect(j.extraVolumes.map((v: Obj) => v.secret.secretName)).to.deep.equal([ES_CONNECTION.passwordSecret.name, ES_CONNECTION.caSecret.name]);
        expect(chart(run, "jaeger").dependencies).to.include(one(run, "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch", "observability-elasticsearch").urn);
    });

    it("prod: rolls Jaeger's two replicas one at a time (the chart's default is Recreate: both down on every rollout)", async () => {
        expect(chartValues(await planStack("prod"), "jaeger").jaeger.strategy).to.deep.equal({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
        expect(chartValues(await planStack("dev"), "jaeger").jaeger).not.to.have.property("strategy");
    });

    it("prod: a daily CronJob deletes trace indices older than 7 days, with ECK's credentials from the Secret, over verified TLS", async () => {
        const run = await planStack("prod");
        const cj = k8sObject(run, "CronJob", "jaeger-es-index-cleaner", NAMESPACES.monitoring);
        const spec = (cj.values.spec as Obj).jobTemplate.spec.template.spec;
        const c = spec.containers[0];
        expect(c.image).to.equal("jaegertracing/jaeger-es-index-cleaner:2.19.0");
        expect(c.args).to.deep.equal(["7", ES_CONNECTION.url]);
        const env = Object.fromEntries((c.env as Obj[]).map((e) => [e.name, e.value ?? e.valueFrom]));
        // The same prefix the storage writes under, so the cleaner finds exactly Jaeger's indices.
        expect(env.INDEX_PREFIX).to.equal(config(run).extensions.jaeger_storage.backends.primary_store.elasticsearch.indices.index_prefix);
        expect(env.ES_PASSWORD).to.deep.equal({ secretKeyRef: { name: ES_CONNECTION.passwordSecret.name, key: ES_CONNECTION.passwordSecret.key } });
        expect(env.ES_TLS_ENABLED).to.equal("true");
        expect(env.ES_TLS_CA).to.match(/ca\.crt$/);
        expect(cj.dependencies).to.include(one(run, "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch", "observability-elasticsearch").urn);
        const devRun = await planStack("dev");
        expect(() => k8sObject(devRun, "CronJob", "jaeger-es-index-cleaner", NAMESPACES.monitoring)).to.throw(/found 0/);
    });

    it("prod: pulumi up waits for Elasticsearch to be Ready (30 min) before Jaeger's own readiness wait starts", async () => {
        const run = await planStack("prod");
        const es = one(run, "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch", "observability-elasticsearch");
        // Without the annotation a custom resource counts as created at once, and Jaeger's Deployment would spend
        // its 10-minute wait on a cluster that is still starting.
        expect((es.values.metadata as Obj).annotations["pulumi.com/waitFor"]).to.equal("jsonpath={.status.phase}=Ready");
        expect(es.customTimeouts).to.deep.include({ create: "30m" });
        for (const dependent of ["jaeger", "fluent-bit"]) expect(chart(run, dependent).dependencies, dependent).to.include(es.urn);
    });
});

describe("observability: logging (Fluent Bit -> ECK Elasticsearch/Kibana)", () => {
    it("dev: off by default", async () => {
        const run = await planStack("dev");
        const names = byType(run, CHART).map((c) => c.name);
        expect(names).to.not.include.members(["observability-fluent-bit"]);
        expect(names).to.not.include("observability-eck-operator");
    });

    it("dev: settings.observability.logging turns it on, small", async () => {
        const run = await planWith("dev", { "deepalpha:observability": JSON.stringify({ logging: true, tracingStorage: "memory" }) });
        const es = one(run, "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch", "observability-elasticsearch");
        expect((es.values.spec as Obj).nodeSets[0].count).to.equal(1);
        chart(run, "fluent-bit");
        one(run, "kubernetes:kibana.k8s.elastic.co/v1:Kibana", "observability-kibana");
    });

    it("prod: 3 Elasticsearch nodes on gp3, Kibana bound to it, CRs after the operator that installs their CRDs", async () => {
        const run = await planStack("prod");
        const eck = chart(run, "eck-operator");
        const es = one(run, "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch", "observability-elasticsearch");
        const kb = one(run, "kubernetes:kibana.k8s.elastic.co/v1:Kibana", "observability-kibana");
        const ns = (es.values.spec as Obj).nodeSets[0];
        expect(ns.count).to.equal(3);
        expect(ns.volumeClaimTemplates[0].spec).to.include({ storageClassName: "gp3" });
        expect(ns.volumeClaimTemplates[0].spec.resources.requests.storage).to.equal("100Gi");
        expect((kb.values.spec as Obj).elasticsearchRef).to.deep.equal({ name: (es.values.metadata as Obj).name });
        expect(es.dependencies).to.include(eck.urn);
        expect(kb.dependencies).to.include(eck.urn);
        expect(chart(run, "fluent-bit").dependencies).to.include(es.urn);
        expect(chartValues(run, "eck-operator").managedNamespaces).to.deep.equal([NAMESPACES.monitoring]);
    });

    it("prod: Fluent Bit ships to Elasticsearch over verified TLS with the password from a secretKeyRef", async () => {
        const v = chartValues(await planStack("prod"), "fluent-bit");
        expect(v.env).to.deep.equal([{ name: "ES_PASSWORD", valueFrom: { secretKeyRef: ES_CONNECTION.passwordSecret } }]);
        const out = v.config.outputs as string;
        expect(out).to.match(/HTTP_Passwd \$\{ES_PASSWORD\}/).and.match(/tls On/).and.match(/tls\.verify On/);
        expect(out).to.contain(`${ES_CONNECTION.url.replace(/^https:\/\//, "").replace(/:9200$/, "")}`);
    });

    it("prod: every tag the chart's default inputs produce has an output (container logs kube.*, kubelet journal host.*)", async () => {
        const v = chartValues(await planStack("prod"), "fluent-bit");
        // fluent-bit chart 0.58.1 default inputs: tail /var/log/containers -> kube.*, systemd kubelet.service -> host.*.
        expect(v.config).not.to.have.property("inputs");
        const outputs = String(v.config.outputs).split("[OUTPUT]").slice(1);
        const matchOf = (o: string) => /Match (\S+)/.exec(o)?.[1];
        expect(outputs.map(matchOf)).to.deep.equal(["kube.*", "host.*"]);
        const prefixes = outputs.map((o) => /Logstash_Prefix (\S+)/.exec(o)?.[1]);
        expect(new Set(prefixes).size, "separate indices").to.equal(2);
        for (const o of outputs) expect(o).to.match(/tls\.verify On/).and.match(/HTTP_Passwd \$\{ES_PASSWORD\}/);
    });

    it("ECK objects validate against the vendored ECK 3.5.0 CRD schemas (and the check catches a bad one)", async () => {
        const run = await planStack("prod");
        const eckObjects = run.resources.filter((r) => /elastic\.co\//.test(r.type));
        expect(eckObjects).to.have.length(2);
        for (const r of eckObjects) expect(eckSchemaErrors(toManifest(r)), r.name).to.deep.equal([]);
        const es = toManifest(eckObjects.find((r) => r.type.includes("Elasticsearch"))!) as Obj;
        const broken = { ...es, spec: { ...es.spec, nodeSets: [{ ...es.spec.nodeSets[0], count: "three" }] } };
        expect(eckSchemaErrors(broken).join()).to.match(/count/);
        expect(eckSchemaErrors({ ...es, spec: { version: es.spec.version } }).join()).to.match(/nodeSets/);
    });
});

describe("observability: Prometheus-operator objects validate against their CRD schemas", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(stack, async () => {
            const objs = (await planStack(stack)).resources.filter((r) => r.type.startsWith("kubernetes:monitoring.coreos.com/"));
            expect(objs.length).to.be.at.least(5);
            expect(objs.map(schemaErrors).filter(Boolean)).to.deep.equal([]);
        });
    }
});

describe("observability: network policies of the monitoring namespace", () => {
    const policy = (run: ProgramRun, name: string) => k8sObject(run, "NetworkPolicy", name, NAMESPACES.monitoring).values.spec as Obj;
    const portsOf = (rules: Obj[]) => rules.flatMap((r) => (r.ports ?? []).map((p: Obj) => p.port));
    const nsPeer = (name: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: Prometheus reaches the app namespace's metric ports, the kube API and the kubelets`, async () => {
            const p = policy(await planStack(stack), "prometheus-scrape-egress");
            expect(p.podSelector).to.deep.equal({ matchLabels: { "app.kubernetes.io/name": "prometheus" } });
            const toApp = (p.egress as Obj[]).find((r) => JSON.stringify(r.to) === JSON.stringify([nsPeer(NAMESPACES.app)]))!;
            expect(portsOf([toApp])).to.have.members([8000, 8001, 9100]);
            expect(portsOf(p.egress)).to.include.members([443, 10250]);
        });

        it(`${stack}: Prometheus reaches the gateway's annotated NGF pods on 9113 (the kubernetes-pods job finds them), which the gateway namespace admits`, async () => {
            const run = await planStack(stack);
            const p = policy(run, "prometheus-scrape-egress");
            const toGateway = (p.egress as Obj[]).find((r) => JSON.stringify(r.to) === JSON.stringify([nsPeer(NAMESPACES.gateway)]));
            expect(toGateway, "egress rule to the gateway namespace").to.not.equal(undefined);
            expect(portsOf([toGateway!])).to.deep.equal([9113]);
            // The other side: the cluster tier's gateway policies let monitoring in on that same port.
            const gatewayIngress = byType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy")
                .map((r) => r.values as Obj)
                .filter((n) => n.metadata?.namespace === NAMESPACES.gateway)
                .flatMap((n) => (n.spec.ingress ?? []) as Obj[])
                .filter((r) => JSON.stringify(r.from ?? []).includes(`"${NAMESPACES.monitoring}"`));
            expect(portsOf(gatewayIngress)).to.include(9113);
        });

        it(`${stack}: Jaeger accepts OTLP 4317/4318 and 14268 from the app namespace only`, async () => {
            const p = policy(await planStack(stack), "jaeger-otlp-ingress");
            expect(p.policyTypes).to.deep.equal(["Ingress"]);
            expect(p.ingress).to.have.length(1);
            expect(p.ingress[0].from).to.deep.equal([nsPeer(NAMESPACES.app)]);
            expect(portsOf(p.ingress)).to.have.members([4317, 4318, 14268]);
        });

        it(`${stack}: Grafana ingress, Alertmanager to Telegram on 443 (public internet only)`, async () => {
            const run = await planStack(stack);
            expect(portsOf(policy(run, "grafana-ingress").ingress)).to.deep.equal([3000]);
            const am = policy(run, "alertmanager-telegram-egress");
            expect(portsOf(am.egress)).to.deep.equal([443]);
            expect(am.egress[0].to[0].ipBlock.except).to.include("10.0.0.0/8");
        });

        it(`${stack}: controllers that watch the API may reach it; the monitoring namespace talks to itself`, async () => {
            const run = await planStack(stack);
            const api = policy(run, "kube-api-egress");
            expect(api.podSelector.matchExpressions[0].values).to.include.members(["kube-prometheus-stack-prometheus-operator", "kube-state-metrics", "grafana"]);
            expect(portsOf(api.egress)).to.have.members([443, 6443]);
            const within = policy(run, "allow-within-monitoring");
            expect(within.ingress).to.deep.equal([{ from: [{ podSelector: {} }] }]);
            expect(within.egress).to.deep.equal([{ to: [{ podSelector: {} }] }]);
        });
    }

    it("exporters reach the data stores: the data namespace in dev, the VPC in prod", async () => {
        const dev = policy(await planStack("dev"), "exporters-datastore-egress");
        expect(dev.egress[0].to).to.deep.equal([nsPeer(NAMESPACES.data)]);
        const prod = policy(await planStack("prod"), "exporters-datastore-egress");
        expect(prod.egress[0].to).to.deep.equal([{ ipBlock: { cidr: "10.40.0.0/16" } }]);
        expect(portsOf(prod.egress)).to.have.members([5432, 6379]);
    });
});

// ------------------------------------------------------------------------------------------------------
// Exporters, with the credentials the data tier is asked to pass (ObservabilityArgs.exporterCredentials).
// The component is run on its own under the mocks, with each profile's kind of data endpoints.
// ------------------------------------------------------------------------------------------------------
interface Captured {
    type: string;
    name: string;
    props: Obj;
    opts: pulumi.ResourceOptions;
}

async function resolveDeep(v: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(v)) return resolveDeep(await (v as unknown as { promise(): Promise<unknown> }).promise());
    if (v instanceof Promise) return resolveDeep(await v);
    if (Array.isArray(v)) return Promise.all(v.map(resolveDeep));
    if (v && typeof v === "object" && !pulumi.Resource.isInstance(v)) {
        const out: Obj = {};
        for (const [k, x] of Object.entries(v)) out[k] = await resolveDeep(x);
        return out;
    }
    return v;
}

async function runObservability(profile: "local" | "production", hosts: { postgres: string; redis: string }): Promise<Captured[]> {
    // Imported here, after test/setup.ts installed the mocks.
    const { Observability } = await import("@deepalpha/observability");
    const { profileDefaults } = await import("../settings/defaults");
    await pulumi.runtime.setMocks(mocks, "deepalpha", profile === "local" ? "dev" : "prod", false);
    const captured: Captured[] = [];
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((a) => {
            captured.push({ type: a.type, name: a.name, props: a.props as Obj, opts: a.opts });
            return undefined;
        });
        const settings = { ...(profileDefaults(profile).observability as Obj), telegramChatId: -100123 };
        new Observability("observability", {
            profile,
            ...settings,
            provider: new k8s.Provider("test", { kubeconfig: "{}" }),
            dataEndpoints: { postgresHost: pulumi.output(hosts.postgres), redisHost: pulumi.output(hosts.redis) },
            exporterCredentials: { postgresUser: "exporter", postgresPassword: pulumi.secret("pg-s3cret-value"), redisPassword: pulumi.secret("redis-s3cret-value") },
            telegramBotToken: pulumi.secret("123456:telegram-token-value"),
        });
        return {};
    });
    for (const c of captured) c.props = (await resolveDeep(c.props)) as Obj;
    return captured;
}

describe("observability: PostgreSQL and Redis exporters", () => {
    const cases = [
        { stack: "dev", profile: "local", postgres: "postgres.deepalpha-data.svc.cluster.local", redis: "redis.deepalpha-data.svc.cluster.local", sslmode: "disable", scheme: "redis" },
        { stack: "prod", profile: "production", postgres: "deepalpha.cabc.us-west-2.rds.amazonaws.com", redis: "master.deepalpha.abc.usw2.cache.amazonaws.com", sslmode: "require", scheme: "rediss" },
    ] as const;
    for (const c of cases) {
        it(`${c.stack}: point at the data tier's endpoints, credentials only through secretKeyRef`, async () => {
            const res = await runObservability(c.profile, c);
            const values = (n: string) => res.find((r) => r.type === CHART && r.name === `observability-${n}`)!.props.values as Obj;
            const pg = values("postgres-exporter").config.datasource;
            expect(pg).to.include({ host: c.postgres, port: "5432", database: "deepalpha", sslmode: c.sslmode });
            expect(pg).to.not.have.property("password");
            expect(pg.passwordSecret).to.deep.equal({ name: EXPORTER_SECRET, key: "postgres-password" });
            expect(pg.userSecret).to.deep.equal({ name: EXPORTER_SECRET, key: "postgres-user" });
            const rd = values("redis-exporter");
            expect(rd.redisAddress).to.equal(`${c.scheme}://${c.redis}:6379`);
            expect(rd.auth).to.deep.equal({ enabled: true, secret: { name: EXPORTER_SECRET, key: "redis-password" } });
            // No CONFIG GET: ElastiCache has no CONFIG command, and the exporter's ACL user gets none in dev.
            expect(rd.extraArgs).to.deep.equal({ "config-command": "-" });
            const secret = res.find((r) => r.type === "kubernetes:core/v1:Secret" && r.props.metadata?.name === EXPORTER_SECRET)!;
            expect(secret.props.metadata.namespace).to.equal(NAMESPACES.monitoring);
            expect(secret.props.stringData["postgres-password"]).to.equal("pg-s3cret-value");
            const json = JSON.stringify(res.filter((r) => r.type === CHART).map((r) => r.props.values));
            for (const s of ["pg-s3cret-value", "redis-s3cret-value", "123456:telegram-token-value"]) expect(json).to.not.contain(s);
            // Their ServiceMonitors carry the seed's job names.
            const sm = res.filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:ServiceMonitor");
            expect(sm.map((m) => m.props.spec.endpoints[0].relabelings[0].replacement)).to.have.members(["postgres", "redis"]);
            for (const m of sm) expect(schemaErrors({ type: m.type, name: m.name, values: m.props } as unknown as RegisteredResource)).to.equal(undefined);
        });
    }

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: in the plan they target the same stores as the data tier's connection Secret`, async () => {
            const run = await planStack(stack);
            const conn = k8sObject(run, "Secret", "deepalpha-connection", NAMESPACES.app).values.stringData as Record<string, string>;
            const db = new URL(conn["database-url"]);
            const redis = new URL(conn["redis-url"]);
            const pg = chartValues(run, "postgres-exporter").config.datasource;
            expect(pg).to.include({ host: db.hostname, port: db.port, database: db.pathname.slice(1), sslmode: db.searchParams.get("sslmode") });
            expect(chartValues(run, "redis-exporter").redisAddress).to.equal(`${redis.protocol}//${redis.hostname}:${redis.port}`);
            const secret = k8sObject(run, "Secret", EXPORTER_SECRET, NAMESPACES.monitoring);
            expect(secret.inputs.stringData).to.equal(SECRET_MASK);
            expect(Object.keys(secret.values.stringData as Obj)).to.have.members(["postgres-user", "postgres-password", "redis-password"]);
            // The passwords are the data tier's own (generated there), not copies made up here.
            expect(secret.dependencies).to.include(one(run, "random:index/randomPassword:RandomPassword", "data-postgres-exporter").urn);
            for (const e of ["postgres-exporter", "redis-exporter"]) expect(chart(run, e).dependencies, e).to.include(secret.urn);
        });
    }
});

// ------------------------------------------------------------------------------------------------------
// No password or token in clear in any Helm value, ConfigMap or env value, over the whole plan.
// ------------------------------------------------------------------------------------------------------
/**
 * Every credential value the plan holds: each RandomPassword's result (the mocks answer
 * `mock-<hex of its name>`, as test/harness/mocks.ts does) and every configured secret (the offline plan
 * fills them with the marked placeholder). Derived strings (URLs with the password inside) contain them.
 */
function secretStrings(run: ProgramRun): Set<string> {
    const out = new Set<string>([OFFLINE_SECRET_PLACEHOLDER]);
    for (const r of byType(run, "random:index/randomPassword:RandomPassword")) {
        out.add(`mock-${hexOf(r.name, Number(r.values.length ?? 24) - 5)}`);
    }
    for (const v of [...out]) out.add(Buffer.from(v).toString("base64"));
    return out;
}

/** Where a credential must never appear: Helm values, ConfigMap data, container env values. */
function exposedStrings(run: ProgramRun): { where: string; key: string; value: string }[] {
    const out: { where: string; key: string; value: string }[] = [];
    const collect = (where: string, v: unknown, key = "") => {
        if (typeof v === "string") out.push({ where, key, value: v });
        else if (Array.isArray(v)) v.forEach((x) => collect(where, x, key));
        else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) collect(where, x, k);
    };
    const envValues = (where: string, v: unknown) => {
        if (Array.isArray(v)) v.forEach((x) => envValues(where, x));
        else if (v && typeof v === "object") {
            for (const [k, x] of Object.entries(v)) {
                if (k === "env" && Array.isArray(x)) for (const e of x as Obj[]) if (typeof e.value === "string") out.push({ where, key: e.name, value: e.value });
                envValues(where, x);
            }
        }
    };
    for (const r of run.resources) {
        if (r.type === CHART) collect(`${r.name} values`, r.values.values);
        if (r.type === "kubernetes:core/v1:ConfigMap") collect(`ConfigMap ${r.name}`, r.values.data);
        if (isKubernetesObject(r.type) || r.type === CHART) envValues(r.name, r.values);
    }
    return out;
}

/** Keys that name a credential; `existingSecret` names a Secret, not a value. */
const CREDENTIAL_KEY = /^(?!.*existingSecret$).*(pass(word)?|passwd|pwd|token|secret|api[_-]?key)$/i;
/** References to a credential (a file, a Secret's name or key, an env var) are fine; a literal is not. */
const REFERENCE = /^(\$\{[A-Za-z0-9_:]+\}|\/.*)$/;

describe("observability: no password or token in clear (whole plan)", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: no secret value appears in any Helm value, ConfigMap or env value`, async () => {
            const run = await planStack(stack);
            const secrets = secretStrings(run);
            expect([...secrets]).to.include(`mock-${hexOf("observability-grafana-admin", 27)}`);
            const leaks = exposedStrings(run).filter((e) => [...secrets].some((s) => e.value.includes(s)));
            expect(leaks.map((l) => `${l.where}: ${l.key}`)).to.deep.equal([]);
        });

        it(`${stack}: no credential-named key holds a literal`, async () => {
            const run = await planStack(stack);
            const bad = exposedStrings(run).filter((e) => CREDENTIAL_KEY.test(e.key) && e.value !== "" && !REFERENCE.test(e.value));
            expect(bad.map((b) => `${b.where}: ${b.key}=${b.value.slice(0, 4)}…`)).to.deep.equal([]);
        });
    }

    it("the detectors catch a leak", () => {
        const fake = {
            stack: "x",
            stackUrn: "",
            outputs: {},
            outputValues: {},
            resources: [
                { type: "random:index/randomPassword:RandomPassword", name: "pw", inputs: { length: 20 }, values: { length: 20 } },
                { type: CHART, name: "c", inputs: {}, values: { values: { grafana: { adminPassword: `mock-${hexOf("pw", 15)}` } } } },
            ],
        } as unknown as ProgramRun;
        const secrets = secretStrings(fake);
        expect(exposedStrings(fake).filter((e) => [...secrets].some((s) => e.value.includes(s)))).to.have.length(1);
        expect(exposedStrings(fake).filter((e) => CREDENTIAL_KEY.test(e.key) && !REFERENCE.test(e.value))).to.have.length(1);
    });
});
