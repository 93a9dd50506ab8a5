// The Observability component under Pulumi's mocks, with its own args: defaults (DeepAlpha's names), what a user's
// args change, every validation error, and two instances in one stack.
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { ArgsError } from "@deepalpha/shared";
import { duplicateUrns, runComponents, type Registered } from "@deepalpha/testing";
import { OBSERVABILITY_TYPE, Observability, defaultObservabilityArgs, type ObservabilityArgs } from "../src";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CHART = "kubernetes:helm.sh/v4:Chart";
const dataEndpoints = { postgresHost: "postgres.deepalpha-data.svc.cluster.local", redisHost: "redis.deepalpha-data.svc.cluster.local" };
const exporterCredentials = { postgresUser: "exporter", postgresPassword: pulumi.secret("pg-s3cret"), redisPassword: pulumi.secret("redis-s3cret") };
/** What the production profile needs besides its defaults. */
const prodArgs: ObservabilityArgs = {
    profile: "production",
    telegramChatId: -100123,
    telegramBotToken: pulumi.secret("123:token"),
    dataEndpoints,
    exporterCredentials,
    dataCidrs: ["10.40.0.0/16"],
};

async function run(name: string, args: ObservabilityArgs): Promise<{ resources: Registered[]; component: Observability }> {
    let component: Observability | undefined;
    const resources = await runComponents(() => {
        component = new Observability(name, args);
    });
    return { resources, component: component! };
}
const ofType = (rs: Registered[], type: string) => rs.filter((r) => r.type === type);
const named = (rs: Registered[], type: string, name: string) => {
    const r = rs.find((x) => x.type === type && x.name === name);
    assert.ok(r, `${type} ${name} registered`);
    return r;
};
const k8sObjects = (rs: Registered[]) => rs.filter((r) => r.type.startsWith("kubernetes:") && r.type !== CHART);
const meta = (r: Registered) => r.inputs.metadata as Obj;
/** The problems an ArgsError lists, from constructing the component outside any stack (it throws before registering). */
function problemsOf(args: ObservabilityArgs, name = "observability"): string[] {
    try {
        new Observability(name, args);
    } catch (e) {
        assert.ok(e instanceof ArgsError, `an ArgsError, got ${String(e)}`);
        return e.problems;
    }
    assert.fail("no ArgsError");
}

describe("Observability: defaults", () => {
    let prod: Registered[];
    let local: { resources: Registered[]; component: Observability };
    before(async () => {
        prod = (await run("observability", prodArgs)).resources;
        local = await run("observability", { dataEndpoints, exporterCredentials });
    });

    it("the default instance name gives DeepAlpha's child names (part of the API: the live stacks' URNs)", () => {
        const children = prod.filter((r) => r.type !== OBSERVABILITY_TYPE).map((r) => r.name);
        assert.deepEqual(children.sort(), [
            "observability-alertmanager-telegram",
            "observability-alerts",
            "observability-dashboard",
            "observability-eck-operator",
            "observability-elasticsearch",
            "observability-exporter-credentials",
            "observability-fluent-bit",
            "observability-grafana-admin",
            "observability-grafana-admin",
            "observability-jaeger",
            "observability-jaeger-es-index-cleaner",
            "observability-kibana",
            "observability-kube-prometheus-stack",
            "observability-netpol-alertmanager-telegram-egress",
            "observability-netpol-allow-within-monitoring",
            "observability-netpol-exporters-datastore-egress",
            "observability-netpol-grafana-ingress",
            "observability-netpol-jaeger-otlp-ingress",
            "observability-netpol-kube-api-egress",
            "observability-netpol-prometheus-scrape-egress",
            "observability-pdb-jaeger",
            "observability-pdb-redis-exporter",
            "observability-podmonitor-api",
            "observability-podmonitor-cert-manager",
            "observability-podmonitor-executor",
            "observability-podmonitor-websocket",
            "observability-postgres-exporter",
            "observability-redis-exporter",
            "observability-servicemonitor-postgres-exporter",
            "observability-servicemonitor-redis-exporter",
        ]);
        assert.equal(prod.find((r) => r.type === OBSERVABILITY_TYPE)?.name, "observability");
    });

    it("gives DeepAlpha's Kubernetes object names, all in the monitoring namespace", () => {
        const names = (type: string) => ofType(prod, type).map((r) => meta(r).name).sort();
        assert.deepEqual(names("kubernetes:core/v1:Secret"), ["alertmanager-telegram", "deepalpha-exporter-credentials", "grafana-admin"]);
        assert.deepEqual(names("kubernetes:core/v1:ConfigMap"), ["deepalpha-dashboards"]);
        assert.deepEqual(names("kubernetes:monitoring.coreos.com/v1:PrometheusRule"), ["deepalpha-alerts"]);
        assert.deepEqual(names("kubernetes:monitoring.coreos.com/v1:PodMonitor"), ["cert-manager", "deepalpha-api", "deepalpha-executor", "deepalpha-websocket"]);
        assert.deepEqual(names("kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch"), ["deepalpha"]);
        assert.deepEqual(names("kubernetes:kibana.k8s.elastic.co/v1:Kibana"), ["deepalpha"]);
        assert.deepEqual(names("kubernetes:batch/v1:CronJob"), ["jaeger-es-index-cleaner"]);
        for (const r of k8sObjects(prod)) assert.equal(meta(r).namespace, "monitoring", r.name);
        assert.deepEqual(ofType(prod, CHART).map((r) => [r.inputs.name, r.inputs.namespace]).sort(), [
            ["eck-operator", "monitoring"],
            ["fluent-bit", "monitoring"],
            ["jaeger", "monitoring"],
            ["kube-prometheus-stack", "monitoring"],
            ["postgres-exporter", "monitoring"],
            ["redis-exporter", "monitoring"],
        ]);
    });

    it("profile defaults: local is one replica, Jaeger in memory, no logging, no Telegram; production the HA layout", () => {
        const kpsLocal = named(local.resources, CHART, "observability-kube-prometheus-stack").inputs.values as Obj;
        assert.equal(kpsLocal.prometheus.prometheusSpec.retention, "2d");
        assert.equal(kpsLocal.prometheus.prometheusSpec.replicas, 1);
        assert.equal(kpsLocal.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName, undefined);
        assert.equal(kpsLocal.alertmanager.config.route.receiver, "null");
        assert.equal(ofType(local.resources, "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch").length, 0);
        assert.equal((named(local.resources, CHART, "observability-jaeger").inputs.values as Obj).jaeger.replicas, 1);
        assert.equal((named(local.resources, CHART, "observability-redis-exporter").inputs.values as Obj).redisAddress, `redis://${dataEndpoints.redisHost}:6379`);

        const kpsProd = named(prod, CHART, "observability-kube-prometheus-stack").inputs.values as Obj;
        assert.equal(kpsProd.prometheus.prometheusSpec.retention, "15d");
        assert.equal(kpsProd.prometheus.prometheusSpec.replicas, 2);
        assert.equal(kpsProd.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName, "gp3");
        assert.equal(kpsProd.alertmanager.config.route.receiver, "telegram");
        assert.equal(kpsProd.alertmanager.config.receivers[1].telegram_configs[0].chat_id, -100123);
        assert.equal((named(prod, CHART, "observability-jaeger").inputs.values as Obj).jaeger.replicas, 2);
        assert.equal((named(prod, CHART, "observability-redis-exporter").inputs.values as Obj).redisAddress, `rediss://${dataEndpoints.redisHost}:6379`);
        assert.deepEqual(defaultObservabilityArgs("production").preinstalled, []);
    });

    it("outputs: OTLP, Grafana and Jaeger UI in the monitoring namespace", async () => {
        const c = local.component as unknown as Record<string, { promise(): Promise<string> }>;
        assert.equal(await c.otlpEndpoint.promise(), "http://jaeger.monitoring.svc.cluster.local:4317");
        assert.equal(await c.grafanaUrl.promise(), "http://grafana.monitoring.svc.cluster.local");
        assert.equal(await c.jaegerUiUrl.promise(), "http://jaeger.monitoring.svc.cluster.local:16686");
    });

    it("secrets stay secret: the exporter passwords and the bot token are masked in the inputs", () => {
        const secrets = ofType(prod, "kubernetes:core/v1:Secret");
        const exporter = secrets.find((r) => meta(r).name === "deepalpha-exporter-credentials")!;
        assert.equal(exporter.inputs.stringData, "[secret]");
        assert.equal((exporter.values.stringData as Obj)["postgres-password"], "pg-s3cret");
        const json = JSON.stringify(ofType(prod, CHART).map((r) => r.values));
        for (const s of ["pg-s3cret", "redis-s3cret", "123:token"]) assert.ok(!json.includes(s), s);
    });
});

describe("Observability: a user's args", () => {
    it("namespaces, names, workloads, sizes and the storage class reach the objects", async () => {
        const { resources, component } = await run("metrics", {
            profile: "production",
            alertmanagerReceiver: "none",
            namespaces: { monitoring: "obs", app: "shop", data: "shop-data", gateway: "edge" },
            names: { grafanaAdminSecret: "grafana-login", elasticsearch: "logs" },
            workloads: { api: { name: "shop-api", port: 9000 } },
            prometheusRetention: "30d",
            prometheusStorage: "200Gi",
            storageClassName: "fast",
            dataEndpoints,
            exporterCredentials,
        });
        for (const r of k8sObjects(resources)) assert.equal(meta(r).namespace, "obs", r.name);
        for (const r of ofType(resources, CHART)) assert.equal(r.inputs.namespace, "obs", r.name);
        const kps = named(resources, CHART, "metrics-kube-prometheus-stack").inputs.values as Obj;
        assert.equal(kps.prometheus.prometheusSpec.retention, "30d");
        assert.deepEqual(kps.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests, { storage: "200Gi" });
        assert.equal(kps.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName, "fast");
        assert.equal(kps.grafana.admin.existingSecret, "grafana-login");
        assert.equal(kps.grafana.sidecar.dashboards.searchNamespace, "obs");
        assert.ok(ofType(resources, "kubernetes:core/v1:Secret").some((r) => meta(r).name === "grafana-login"));
        // The API's PodMonitor: the new name, the app namespace; its job in the alerts; its port in the policy.
        const api = named(resources, "kubernetes:monitoring.coreos.com/v1:PodMonitor", "metrics-podmonitor-api").inputs as Obj;
        assert.equal(api.metadata.name, "shop-api");
        assert.deepEqual(api.spec.namespaceSelector.matchNames, ["shop"]);
        const rules = JSON.stringify(named(resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "metrics-alerts").inputs.spec);
        assert.ok(rules.includes('up{job=\\"shop-api\\"}'));
        assert.ok(rules.includes('namespace=~\\"shop-data|shop\\"'));
        assert.ok(!rules.includes("deepalpha-api"));
        const scrape = named(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "metrics-netpol-prometheus-scrape-egress").inputs.spec as Obj;
        assert.deepEqual(scrape.egress[0].ports.map((p: Obj) => p.port), [9000, 8001, 9100]);
        assert.deepEqual(scrape.egress[0].to[0].namespaceSelector.matchLabels, { "kubernetes.io/metadata.name": "shop" });
        // Elasticsearch named "logs": Jaeger and the index cleaner use its Service and Secrets.
        const jaeger = named(resources, CHART, "metrics-jaeger").inputs.values as Obj;
        assert.deepEqual(jaeger.userconfig.extensions.jaeger_storage.backends.primary_store.elasticsearch.server_urls, ["https://logs-es-http.obs.svc:9200"]);
        const es = named(resources, "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch", "metrics-elasticsearch").inputs as Obj;
        assert.equal(es.spec.nodeSets[0].volumeClaimTemplates[0].spec.storageClassName, "fast");
        assert.equal(await (component.otlpEndpoint as unknown as { promise(): Promise<string> }).promise(), "http://jaeger.obs.svc.cluster.local:4317");
    });

    it("preinstalled add-ons: their charts are not installed, the tier's own objects still are", async () => {
        const { resources } = await run("observability", { preinstalled: ["kube-prometheus-stack", "jaeger"], dataEndpoints, exporterCredentials });
        assert.deepEqual(ofType(resources, CHART).map((r) => r.name).sort(), ["observability-postgres-exporter", "observability-redis-exporter"]);
        assert.equal(ofType(resources, "kubernetes:monitoring.coreos.com/v1:PodMonitor").length, 4);
    });

    it("without exporter credentials: no exporters, their Secret or ServiceMonitors", async () => {
        const { resources } = await run("observability", {});
        const exporterObjects = resources.filter((r) => (r.type === CHART || r.type === "kubernetes:core/v1:Secret") && r.name.includes("exporter"));
        assert.deepEqual(exporterObjects.map((r) => r.name), []);
        assert.equal(ofType(resources, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor").length, 0);
    });
});

describe("Observability: two instances in one stack", () => {
    it("different names and namespaces: no duplicate URN, each instance's children named after it", async () => {
        const resources = await runComponents(() => {
            new Observability("team-a", { namespaces: { monitoring: "team-a-monitoring" }, dataEndpoints, exporterCredentials });
            new Observability("team-b", { namespaces: { monitoring: "team-b-monitoring" }, preinstalled: ["kube-prometheus-stack"] });
        });
        assert.deepEqual(duplicateUrns(resources), []);
        for (const team of ["team-a", "team-b"]) {
            const component = resources.find((r) => r.type === OBSERVABILITY_TYPE && r.name === team)!;
            const children = resources.filter((r) => r.parent === component.urn);
            assert.ok(children.length > 15, `${team}: ${children.length} children`);
            for (const c of children) {
                assert.ok(c.name.startsWith(`${team}-`), c.name);
                if (c.type !== CHART && c.type.startsWith("kubernetes:")) assert.equal(meta(c).namespace, `${team}-monitoring`, c.name);
            }
        }
    });
});

describe("Observability: validation (before anything is registered)", () => {
    it("names the argument, the value and what is allowed", () => {
        assert.deepEqual(problemsOf({ prometheusRetention: "15 days" }), ['prometheusRetention: got "15 days", expected a duration such as 15d (a number and h, d, w or y)']);
        assert.deepEqual(problemsOf({ prometheusStorage: "lots" }), ['prometheusStorage: got "lots", expected a Kubernetes quantity such as 500m, 512Mi or 20Gi']);
        assert.deepEqual(problemsOf({ profile: "prod" }), ['profile: got "prod", allowed values are "local", "production"']);
        assert.deepEqual(problemsOf({ tracingStorage: "cassandra" }), ['tracingStorage: got "cassandra", allowed values are "memory", "elasticsearch"']);
        assert.deepEqual(problemsOf({ orderLatencyP95Seconds: 0 }), ["orderLatencyP95Seconds: got 0, allowed minimum is 0"]);
        assert.deepEqual(problemsOf({ apiLatencyP95Seconds: 90 }), ["apiLatencyP95Seconds: got 90, allowed maximum is 60"]);
        assert.deepEqual(problemsOf({ namespaces: { monitoring: "Monitoring" } }), [
            `namespaces.monitoring: got "Monitoring", expected a lower-case DNS label such as deepalpha-api (letters, digits, '-')`,
        ]);
        assert.deepEqual(problemsOf({ dataCidrs: ["10.40.0.0/33"] }), ['dataCidrs[0]: got "10.40.0.0/33", expected an IPv4 CIDR block such as 10.40.0.0/16']);
        assert.deepEqual(problemsOf({ workloads: { api: { port: 70000 } } }), ["workloads.api.port: got 70000, allowed maximum is 65535"]);
        assert.deepEqual(problemsOf({ names: { elasticsearch: "a-very-long-elasticsearch-cluster-name" } }), [
            'names.elasticsearch: got "a-very-long-elasticsearch-cluster-name", too long: 38 characters, allowed maximum is 36',
        ]);
    });

    it("enumerations and lists: preinstalled add-ons are the tier's, each once", () => {
        assert.deepEqual(problemsOf({ preinstalled: ["cert-manager"] }), [
            'preinstalled[0]: got "cert-manager", allowed values are "kube-prometheus-stack", "prometheus-postgres-exporter", "prometheus-redis-exporter", "jaeger"',
        ]);
        assert.deepEqual(problemsOf({ preinstalled: ["jaeger", "jaeger"] }), ['preinstalled: got ["jaeger","jaeger"], lists an add-on twice']);
    });

    it("a misspelt argument is an error, not ignored", () => {
        const [p] = problemsOf({ loging: true } as ObservabilityArgs);
        assert.match(p, /^loging: unknown setting \(allowed here: alertmanagerReceiver, apiLatencyP95Seconds, /);
    });

    it("cross-field: Telegram needs a chat and a token; exporter credentials need the endpoints; names must differ", () => {
        assert.deepEqual(problemsOf({ alertmanagerReceiver: "telegram" }), [
            'telegramChatId: got (unset), required when alertmanagerReceiver is "telegram"',
            'telegramBotToken: got (unset), required when alertmanagerReceiver is "telegram" (the bot\'s token, a secret)',
        ]);
        assert.deepEqual(problemsOf({ exporterCredentials }), ["dataEndpoints: got (unset), required with exporterCredentials (the exporters need postgresHost and redisHost)"]);
        assert.deepEqual(problemsOf({ dataEndpoints: { postgresHost: "pg" } as never, exporterCredentials: { postgresUser: "exporter", redisPassword: "x" } as never }), [
            "dataEndpoints.redisHost: got (unset), expected the Redis host (a string or an Output)",
            "exporterCredentials.postgresPassword: got (unset), expected the exporter's PostgreSQL password (a string or an Output)",
        ]);
        assert.deepEqual(problemsOf({ workloads: { websocket: { name: "deepalpha-api" } } }), ['workloads: "deepalpha-api" names two workloads; each needs its own name (it is its scrape job)']);
        assert.deepEqual(problemsOf({ names: { telegramSecret: "grafana-admin" } }), [
            'names: "grafana-admin" names two Secrets (grafanaAdminSecret, telegramSecret and exporterSecret must differ)',
        ]);
    });

    it("lists every problem in one error headed with the component and instance", () => {
        try {
            new Observability("metrics", { prometheusRetention: "forever", grafanaStorage: "big", logging: "yes" as unknown as boolean });
            assert.fail("no error");
        } catch (e) {
            assert.ok(e instanceof ArgsError);
            assert.equal(
                e.message,
                [
                    'invalid arguments for Observability "metrics":',
                    '  - prometheusRetention: got "forever", expected a duration such as 15d (a number and h, d, w or y)',
                    '  - grafanaStorage: got "big", expected a Kubernetes quantity such as 500m, 512Mi or 20Gi',
                    '  - logging: got "yes", expected boolean',
                ].join("\n"),
            );
        }
    });

    it("registers nothing when the args are invalid", async () => {
        const resources = await runComponents(() => {
            assert.throws(() => new Observability("observability", { prometheusStorage: "lots" }), ArgsError);
        });
        assert.deepEqual(resources, []);
    });
});
