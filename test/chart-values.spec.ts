// The ten upstream charts' values (issue 17): what the policy pack needs from each chart's objects is set
// through the values (limits, security contexts, replicas, budgets), and where a chart's purpose needs an
// exception, the value carries a documented exemption that the pack honours, on one object. `npm run
// charts:check` proves the rendered objects; these tests pin the values that make them comply.
import { expect } from "chai";
import { EXEMPTIBLE } from "../policy/lib/exemptions";
import { EXEMPTION_ANNOTATION_PREFIX, NAMESPACES } from "@deepalpha/shared";
import { SIDECAR_HEALTH_COMMAND } from "@deepalpha/observability";
import type { ProgramRun, RegisteredResource } from "./harness/run";
import { byType, k8sObject, one, planStack } from "./harness/stacks";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const CHART = "kubernetes:helm.sh/v4:Chart";
const values = (run: ProgramRun, name: string) => one(run, CHART, name).values.values as Obj;

/** Every `resources` block with requests or limits in a values tree, by its path. */
function resourceBlocks(v: unknown, path = ""): [string, Obj][] {
    if (!v || typeof v !== "object") return [];
    const out: [string, Obj][] = [];
    for (const [k, x] of Object.entries(v as Obj)) {
        const p = path ? `${path}.${k}` : k;
        if (k === "resources" && x && typeof x === "object" && ("requests" in x || "limits" in x)) out.push([p, x]);
        else out.push(...resourceBlocks(x, p));
    }
    return out;
}

/** Every exemption annotation in a values tree: [path of its map, policy, reason]. */
function exemptionsIn(v: unknown, path = ""): [string, string, string][] {
    if (!v || typeof v !== "object") return [];
    const out: [string, string, string][] = [];
    for (const [k, x] of Object.entries(v as Obj)) {
        if (k.startsWith(EXEMPTION_ANNOTATION_PREFIX)) out.push([path, k.slice(EXEMPTION_ANNOTATION_PREFIX.length), String(x)]);
        else out.push(...exemptionsIn(x, path ? `${path}.${k}` : k));
    }
    return out;
}

for (const stack of ["dev", "prod"] as const) {
    describe(`chart values: what the policy pack needs from the charts' objects (${stack})`, () => {
        let run: ProgramRun;
        let charts: RegisteredResource[];
        before(async () => {
            run = await planStack(stack);
            charts = byType(run, CHART);
        });

        it("every container the values size has CPU and memory requests and limits (workload-resources)", () => {
            expect(charts.length).to.be.greaterThan(0);
            let blocks = 0;
            for (const c of charts) {
                for (const [path, r] of resourceBlocks(c.values.values)) {
                    // Prometheus and Alertmanager are pods of the operator (not chart objects); their CPU stays unlimited.
                    if (/^(prometheus\.prometheusSpec|alertmanager\.alertmanagerSpec)\./.test(path)) continue;
                    blocks++;
                    for (const k of ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"]) {
                        const [a, b] = k.split(".");
                        expect(r[a]?.[b], `${c.name} ${path}.${k}`).to.be.a("string");
                    }
                }
            }
            expect(blocks).to.be.greaterThan(stack === "prod" ? 15 : 10);
        });

        it("every exemption in the values names a policy that takes one, with a reason; no chart is exempt wholesale", () => {
            const found = charts.flatMap((c) => exemptionsIn(c.values.values).map(([path, policy, reason]) => ({ chart: c.name, path, policy, reason })));
            expect(found.length).to.be.greaterThan(0);
            for (const e of found) {
                expect(EXEMPTIBLE, `${e.chart} ${e.path}: ${e.policy}`).to.have.property(e.policy);
                expect(e.reason.trim().length, `${e.chart} ${e.path}: ${e.policy}`).to.be.greaterThan(30);
                // Object-level values only (one object each): never a chart's global or common annotations.
                expect(e.path, `${e.chart}: ${e.policy}`).to.match(/(deployment|statefulset|daemonset|pod)Annotations$|^deployment\.annotations$|(^|\.)annotations$/);
                expect(e.path, `${e.chart}: ${e.policy}`).not.to.match(/^(global|commonAnnotations|commonLabels)/);
            }
            // The exemptions, by chart value: each is a deliberate one, so a new one shows up here.
            const list = found.map((e) => `${e.chart} ${e.path} ${e.policy}`).sort();
            const expected = [
                "cluster-cert-manager cainjector.deploymentAnnotations workload-probes",
                "cluster-cert-manager deploymentAnnotations workload-probes",
                "cluster-nginx-gateway-fabric nginxGateway.podAnnotations workload-probes",
                "observability-kube-prometheus-stack grafana.podAnnotations prod-min-replicas",
                "observability-kube-prometheus-stack grafana.podAnnotations prod-pod-disruption-budget",
                "observability-kube-prometheus-stack kube-state-metrics.annotations prod-min-replicas",
                "observability-kube-prometheus-stack kube-state-metrics.annotations prod-pod-disruption-budget",
                "observability-kube-prometheus-stack prometheus-node-exporter.daemonsetAnnotations pod-allowed-volume-types",
                "observability-kube-prometheus-stack prometheus-node-exporter.daemonsetAnnotations pod-no-host-namespaces",
                "observability-kube-prometheus-stack prometheusOperator.annotations prod-min-replicas",
                "observability-kube-prometheus-stack prometheusOperator.annotations prod-pod-disruption-budget",
            ];
            if (stack === "prod") {
                expected.push(
                    "cluster-cluster-autoscaler deployment.annotations workload-probes",
                    "observability-eck-operator statefulsetAnnotations workload-probes",
                    "observability-fluent-bit annotations pod-allowed-volume-types",
                    "observability-fluent-bit annotations pod-run-as-non-root",
                );
            }
            expect(list).to.deep.equal(expected.sort());
        });

        it("node-exporter: no privilege escalation, no capability, RuntimeDefault seccomp; only its host access is exempt", () => {
            const ne = values(run, "observability-kube-prometheus-stack")["prometheus-node-exporter"];
            expect(ne.containerSecurityContext).to.deep.equal({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
            expect(ne.securityContext.seccompProfile).to.deep.equal({ type: "RuntimeDefault" });
            expect(ne).not.to.have.property("hostNetwork");
        });

        it("Grafana: no root init container; its k8s-sidecars probed on their own health port", () => {
            const g = values(run, "observability-kube-prometheus-stack").grafana;
            expect(g.initChownData).to.deep.equal({ enabled: false });
            for (const p of [g.sidecar.livenessProbe, g.sidecar.readinessProbe]) {
                expect(p.exec.command).to.deep.equal(SIDECAR_HEALTH_COMMAND);
                expect(p.exec.command.join(" ")).to.contain("os.environ['HEALTH_PORT']").and.to.contain("/healthz");
            }
            // The pod's fsGroup (chart default 472) is what lets Grafana write its volume without the chown.
            expect(g.securityContext).to.equal(undefined);
        });

        it("cert-manager and NGINX Gateway Fabric: every container sized", () => {
            const cm = values(run, "cluster-cert-manager");
            for (const r of [cm.resources, cm.webhook.resources, cm.cainjector.resources]) expect(r.limits).to.have.keys("cpu", "memory");
            expect(values(run, "cluster-nginx-gateway-fabric").nginxGateway.resources.limits).to.have.keys("cpu", "memory");
        });
    });
}

describe("chart values: prod's replicas and budgets for the charts' Deployments", () => {
    let run: ProgramRun;
    before(async () => (run = await planStack("prod")));

    it("the exporters run two pods under a budget (postgres: the chart's; redis: the tier's, selecting the chart's pods)", () => {
        const pg = values(run, "observability-postgres-exporter");
        expect(pg.replicaCount).to.equal(2);
        expect(pg.podDisruptionBudget).to.deep.equal({ enabled: true, maxUnavailable: 1 });
        expect(values(run, "observability-redis-exporter").replicaCount).to.equal(2);
        const pdb = k8sObject(run, "PodDisruptionBudget", "redis-exporter", NAMESPACES.monitoring).values.spec as Obj;
        expect(pdb).to.deep.equal({ minAvailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "prometheus-redis-exporter", "app.kubernetes.io/instance": "redis-exporter" } } });
    });

    it("Jaeger (two replicas on Elasticsearch) has a budget selecting its pods", () => {
        expect(values(run, "observability-jaeger").jaeger.replicas).to.equal(2);
        const pdb = k8sObject(run, "PodDisruptionBudget", "jaeger", NAMESPACES.monitoring).values.spec as Obj;
        expect(pdb.minAvailable).to.equal(1);
        expect(pdb.selector.matchLabels).to.deep.equal({ "app.kubernetes.io/name": "jaeger", "app.kubernetes.io/instance": "jaeger", "app.kubernetes.io/component": "all-in-one" });
    });

    it("cluster-autoscaler runs two (leader-elected) replicas; metrics-server two under its chart's budget", () => {
        expect(values(run, "cluster-cluster-autoscaler").replicaCount).to.equal(2);
        expect(values(run, "cluster-metrics-server")).to.deep.include({ replicas: 2, podDisruptionBudget: { enabled: true, maxUnavailable: 1 } });
    });

    it("ECK: no validating webhook (no WEBHOOK_SECRET variable, no ingress from anywhere on 9443); RuntimeDefault seccomp", () => {
        const eck = values(run, "observability-eck-operator");
        expect(eck.webhook).to.deep.equal({ enabled: false });
        expect(eck.podSecurityContext).to.deep.equal({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        const policies = byType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => (p.values.metadata as Obj).name);
        expect(policies).not.to.include("elastic-operator-webhook-ingress");
    });

    it("Fluent Bit: root without any capability, no escalation, read-only root filesystem, RuntimeDefault seccomp, CPU and memory limits", () => {
        const fb = values(run, "observability-fluent-bit");
        expect(fb.securityContext).to.deep.equal({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        expect(fb.podSecurityContext).to.deep.equal({ seccompProfile: { type: "RuntimeDefault" } });
        expect(fb.resources.limits).to.deep.equal({ cpu: "1", memory: "256Mi" });
    });
});

describe("chart values: dev keeps single replicas and makes no budget for them", () => {
    it("exporters and Jaeger run one pod each; no PodDisruptionBudget in monitoring (it would block drains)", async () => {
        const run = await planStack("dev");
        expect(values(run, "observability-postgres-exporter")).to.include({ replicaCount: 1 });
        expect(values(run, "observability-postgres-exporter").podDisruptionBudget.enabled).to.equal(false);
        expect(values(run, "observability-redis-exporter")).to.include({ replicaCount: 1 });
        const pdbs = byType(run, "kubernetes:policy/v1:PodDisruptionBudget").filter((p) => (p.values.metadata as Obj).namespace === NAMESPACES.monitoring);
        expect(pdbs).to.deep.equal([]);
    });
});
