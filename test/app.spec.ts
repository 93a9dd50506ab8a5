// Application tier (issue 5): workloads, security, scaling, spreading, routes and Freqtrade, checked on the
// objects both committed stacks would create. Every expected number is written out here, not imported
// from the code under test, so a changed property fails a test.
import { expect } from "chai";
import * as crypto from "crypto";
import { isKubernetesObject, schemaErrors } from "./harness/k8s-schema";
import { findExemptions } from "./harness/preview";
import type { ProgramRun } from "./harness/run";
import { SECRET_MASK } from "./harness/run";
import { OFFLINE_SECRET_PLACEHOLDER } from "./harness/stack-file";
import { runProgram } from "./harness/run";
import { ROOT_DIR, byType, k8sObject, planStack, planWith } from "./harness/stacks";
import { prepareConfig } from "../scripts/plan";
import { EXECUTOR_CPU_LABEL, EXECUTOR_NODES, GATEWAY } from "@deepalpha/shared";
import { botProblems } from "@deepalpha/app";
import { SAFE_SYSCTLS } from "@deepalpha/app";
import { IDLE_TIMEOUTS, idleTimeoutProblems } from "@deepalpha/shared";
import { SAFE_SYSCTLS as PACK_SAFE_SYSCTLS } from "../policy/policies/pod-safe-sysctls";
import { profileDefaults } from "../settings/defaults";
import type { AppSettings } from "../settings/schema";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NS = "deepalpha";
const APP_DEPLOYMENTS = ["deepalpha-api", "deepalpha-websocket", "deepalpha-executor", "freqtrade-bot-a", "freqtrade-bot-b"];

const appResources = (run: ProgramRun) => run.resources.filter((r) => r.urn.includes("deepalpha:index:AppTier"));
const deployment = (run: ProgramRun, name: string) => k8sObject(run, "Deployment", name, NS).values as Obj;
const pod = (d: Obj) => d.spec.template.spec as Obj;
const main = (d: Obj) => pod(d).containers[0] as Obj;
const allContainers = (d: Obj): Obj[] => [...(pod(d).initContainers ?? []), ...pod(d).containers];
const env = (c: Obj, name: string): Obj => {
    const found = (c.env ?? []).filter((e: Obj) => e.name === name);
    expect(found, `env ${name} in container ${c.name}`).to.have.length(1);
    return found[0];
};
/** A probe's port, with a named port resolved through the container's ports. */
const probePort = (c: Obj, probe: Obj): number => {
    const port = (probe.httpGet ?? probe.tcpSocket).port;
    if (typeof port === "number") return port;
    const p = c.ports.find((x: Obj) => x.name === port);
    expect(p, `port ${port} of ${c.name}`).to.exist;
    return p.containerPort;
};
const sha256 = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
const sortedJson = (v: unknown): string =>
    JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));

for (const stack of ["dev", "prod"] as const) {
    describe(`app (${stack}): every container is restricted, pinned and bounded`, () => {
        let run: ProgramRun;
        before(async () => (run = await planStack(stack)));

        it("creates exactly the five Deployments (api, websocket, executor, two bots), all in the app namespace", () => {
            const names = byType(run, "kubernetes:apps/v1:Deployment")
                .filter((r) => r.urn.includes("AppTier"))
                .map((r) => (r.values.metadata as Obj).name)
                .sort();
            expect(names).to.deep.equal([...APP_DEPLOYMENTS].sort());
            for (const n of names) expect(deployment(run, n).metadata.namespace).to.equal(NS);
        });

        it("pod security: non-root, RuntimeDefault seccomp; every container (init too): not privileged, no escalation, ALL dropped, read-only root", () => {
            for (const n of APP_DEPLOYMENTS) {
                const d = deployment(run, n);
                const ps = pod(d).securityContext;
                expect(ps.runAsNonRoot, n).to.equal(true);
                expect(ps.runAsUser, n).to.be.greaterThan(0);
                expect(ps.seccompProfile, n).to.deep.equal({ type: "RuntimeDefault" });
                for (const c of allContainers(d)) {
                    const sc = c.securityContext;
                    expect(sc, `${n}/${c.name}`).to.include({ privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true });
                    expect(sc.capabilities, `${n}/${c.name}`).to.deep.equal({ drop: ["ALL"] });
                    expect(sc.seccompProfile, `${n}/${c.name}`).to.deep.equal({ type: "RuntimeDefault" });
                    expect(sc.capabilities.add, `${n}/${c.name}`).to.be.undefined;
                }
                expect(pod(d).hostNetwork ?? false, n).to.equal(false);
                expect(pod(d).hostPID ?? false, n).to.equal(false);
            }
        });

        it("read-only root file systems get a writable /tmp emptyDir", () => {
            for (const n of APP_DEPLOYMENTS) {
                const d = deployment(run, n);
                const tmp = pod(d).volumes.find((v: Obj) => v.name === "tmp");
                expect(tmp?.emptyDir, n).to.exist;
                for (const c of allContainers(d)) {
                    expect(c.volumeMounts.find((m: Obj) => m.mountPath === "/tmp")?.name, `${n}/${c.name}`).to.equal("tmp");
                }
            }
        });

        it("every container has cpu and memory requests and limits; every long-running container liveness and readiness probes", () => {
            for (const n of APP_DEPLOYMENTS) {
                const d = deployment(run, n);
                for (const c of allContainers(d)) {
                    for (const kind of ["requests", "limits"]) {
                        expect(c.resources?.[kind]?.cpu, `${n}/${c.name} ${kind}.cpu`).to.be.a("string");
                        expect(c.resources?.[kind]?.memory, `${n}/${c.name} ${kind}.memory`).to.be.a("string");
                    }
                }
                for (const c of pod(d).containers) {
                    expect(c.livenessProbe, `${n} liveness`).to.exist;
                    expect(c.readinessProbe, `${n} readiness`).to.exist;
                }
            }
        });

        it("images are the pinned settings (never latest), pulled IfNotPresent", () => {
            for (const n of APP_DEPLOYMENTS) {
                for (const c of allContainers(deployment(run, n))) {
                    expect(c.image, `${n}/${c.name}`).to.match(n.startsWith("freqtrade") ? /^freqtradeorg\/freqtrade:2025\.6$/ : /^ghcr\.io\/deepalpha\/deepalpha:1\.0\.0$/);
                    expect(c.imagePullPolicy).to.equal("IfNotPresent");
                }
            }
        });

        it("a service account token is mounted only in the API (the one pod the seed's read-only Role is for)", () => {
            for (const n of APP_DEPLOYMENTS) {
                const p = pod(deployment(run, n));
                expect(p.serviceAccountName, n).to.equal("deepalpha");
                expect(p.automountServiceAccountToken, n).to.equal(n === "deepalpha-api");
            }
        });

        it("every credential comes through secretKeyRef: no literal env value holds a URL with credentials, a key or a placeholder secret", () => {
            const credentialNames = /(_URL$|KEY|SECRET|TOKEN|PASSWORD)/;
            const publicUrls = new Set(["DEEPALPHA_API_URL"]);
            for (const n of APP_DEPLOYMENTS) {
                for (const c of allContainers(deployment(run, n))) {
                    for (const e of c.env ?? []) {
                        if (credentialNames.test(e.name) && !publicUrls.has(e.name) && !e.name.startsWith("OTEL_")) {
                            expect(e.value, `${n}/${c.name} ${e.name} must not be a literal`).to.be.undefined;
                            expect(e.valueFrom?.secretKeyRef?.name, `${n}/${c.name} ${e.name}`).to.be.a("string");
                        }
                    }
                }
                const text = JSON.stringify(deployment(run, n));
                expect(text).not.to.include(OFFLINE_SECRET_PLACEHOLDER);
                expect(text).not.to.match(/postgresql:\/\/|redis:\/\/:/);
            }
        });

        it("the API reads DATABASE_URL, REDIS_URL, INFLUXDB_URL (and its token) from the data tier's Secret", () => {
            const c = main(deployment(run, "deepalpha-api"));
            const secretName = (run.outputValues as Obj).connectionSecretName;
            for (const [name, key] of [
                ["DATABASE_URL", "database-url"],
                ["REDIS_URL", "redis-url"],
                ["INFLUXDB_URL", "influxdb-url"],
            ]) {
                expect(env(c, name).valueFrom.secretKeyRef, name).to.deep.equal({ name: secretName, key });
            }
            // Timestream for InfluxDB (prod) issues no token at deploy time: the pod must start without one.
            expect(env(c, "INFLUXDB_TOKEN").valueFrom.secretKeyRef).to.deep.equal({ name: secretName, key: "influxdb-token", optional: true });
        });

        it("every required secretKeyRef names a key its Secret really has (else the pod never starts)", () => {
            const secrets = new Map<string, string[]>();
            for (const r of byType(run, "kubernetes:core/v1:Secret")) {
                const v = r.values as Obj;
                secrets.set(`${v.metadata.namespace}/${v.metadata.name}`, Object.keys({ ...(v.stringData ?? {}), ...(v.data ?? {}) }));
            }
            let checked = 0;
            for (const n of APP_DEPLOYMENTS) {
                for (const c of allContainers(deployment(run, n))) {
                    for (const e of c.env ?? []) {
                        const ref = e.valueFrom?.secretKeyRef;
                        if (!ref || ref.optional) continue;
                        const keys = secrets.get(`${NS}/${ref.name}`);
                        expect(keys, `${n}/${c.name} ${e.name}: Secret ${ref.name} exists in the plan`).to.exist;
                        expect(keys, `${n}/${c.name} ${e.name}: key ${ref.key} in Secret ${ref.name}`).to.include(ref.key);
                        checked++;
                    }
                }
            }
            expect(checked).to.be.at.least(15);
        });

        it("OTEL_EXPORTER_OTLP_ENDPOINT is the observability tier's endpoint in api, websocket and executor", () => {
            const otlp = (run.outputValues as Obj).otlpEndpoint;
            expect(otlp).to.match(/^http/);
            for (const n of ["deepalpha-api", "deepalpha-websocket", "deepalpha-executor"]) {
                expect(env(main(deployment(run, n)), "OTEL_EXPORTER_OTLP_ENDPOINT").value, n).to.equal(otlp);
                expect(env(main(deployment(run, n)), "OTEL_SERVICE_NAME").value, n).to.equal(n);
            }
        });

        it("a config change rolls the pods: checksum/config is the sha256 of the deployed ConfigMap's data", () => {
            const cm = k8sObject(run, "ConfigMap", "deepalpha-config", NS).values as Obj;
            for (const n of ["deepalpha-api", "deepalpha-websocket", "deepalpha-executor"]) {
                const d = deployment(run, n);
                expect(d.spec.template.metadata.annotations["checksum/config"], n).to.equal(sha256(sortedJson(cm.data)));
                expect(main(d).envFrom, n).to.deep.equal([{ configMapRef: { name: "deepalpha-config" } }]);
            }
            for (const bot of ["bot-a", "bot-b"]) {
                const cmBot = k8sObject(run, "ConfigMap", `freqtrade-${bot}-config`, NS).values as Obj;
                expect(deployment(run, `freqtrade-${bot}`).spec.template.metadata.annotations["checksum/config"]).to.equal(sha256(cmBot.data["freqtrade_config.json"]));
            }
        });

        it("secret checksums are hashes, kept secret in the plan (never the value in clear)", () => {
            for (const n of ["deepalpha-api", "freqtrade-bot-a", "freqtrade-bot-b"]) {
                const r = k8sObject(run, "Deployment", n, NS);
                const clear = ((r.values as Obj).spec.template.metadata.annotations as Obj)["checksum/secrets"];
                expect(clear, n).to.match(/^[0-9a-f]{64}$/);
                expect(((r.inputs as Obj).spec.template.metadata.annotations as Obj)["checksum/secrets"], n).to.equal(SECRET_MASK);
            }
        });

        it("Services: one per workload (a Service per bot), ports named as the observability tier scrapes them", () => {
            const ports = (name: string) => (k8sObject(run, "Service", name, NS).values as Obj).spec.ports.map((p: Obj) => `${p.name}:${p.port}->${p.targetPort}`);
            expect(ports("deepalpha-api")).to.deep.equal(["http:8000->http"]);
            expect(ports("deepalpha-websocket")).to.deep.equal(["http:8001->http"]);
            expect(ports("deepalpha-executor")).to.deep.equal(["metrics:9100->metrics"]);
            expect(ports("freqtrade-bot-a")).to.deep.equal(["http:8080->http"]);
            expect(ports("freqtrade-bot-b")).to.deep.equal(["http:8080->http"]);
            for (const svc of ["deepalpha-api", "deepalpha-websocket", "deepalpha-executor", "freqtrade-bot-a"]) {
                const s = k8sObject(run, "Service", svc, NS).values as Obj;
                expect(s.spec.type).to.equal("ClusterIP");
                // The selector must pick this workload's pods and no other's.
                const d = deployment(run, svc);
                expect(d.spec.template.metadata.labels).to.include(s.spec.selector);
            }
        });

        it("HPAs (autoscaling/v2) scale the API and the WebSocket Deployments from the settings' replicas", async () => {
            const settings = (profileDefaults(stack === "prod" ? "production" : "local") as Obj).app as AppSettings;
            const hpa = (n: string) => k8sObject(run, "HorizontalPodAutoscaler", n, NS);
            for (const [n, min, max] of [
                ["deepalpha-api", settings.replicas.api, settings.maxReplicas.api],
                ["deepalpha-websocket", settings.replicas.websocket, settings.maxReplicas.websocket],
            ] as const) {
                const h = hpa(n);
                expect(h.type).to.equal("kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
                const spec = (h.values as Obj).spec;
                expect(spec.scaleTargetRef).to.deep.equal({ apiVersion: "apps/v1", kind: "Deployment", name: n });
                expect(spec.minReplicas).to.equal(min);
                expect(spec.maxReplicas).to.equal(max);
                expect(spec.minReplicas).to.equal(deployment(run, n).spec.replicas);
                expect(spec.metrics.length).to.be.greaterThan(0);
            }
            expect((hpa("deepalpha-websocket").values as Obj).spec.behavior.scaleDown.stabilizationWindowSeconds).to.be.at.least(300);
            // Pulumi must not fight the HPA over the replica count on the next update.
            for (const n of ["deepalpha-api", "deepalpha-websocket"]) expect(k8sObject(run, "Deployment", n, NS).ignoreChanges, n).to.deep.equal(["spec.replicas"]);
            expect(k8sObject(run, "Deployment", "deepalpha-executor", NS).ignoreChanges).to.deep.equal([]);
        });

        it("PDBs for API, WebSocket and executor select their pods and allow one eviction at a time; none for the bots", () => {
            const pdbs = byType(run, "kubernetes:policy/v1:PodDisruptionBudget").filter((r) => r.urn.includes("AppTier"));
            expect(pdbs.map((p) => (p.values.metadata as Obj).name).sort()).to.deep.equal(["deepalpha-api", "deepalpha-executor", "deepalpha-websocket"]);
            for (const p of pdbs) {
                const spec = (p.values as Obj).spec;
                const d = deployment(run, (p.values.metadata as Obj).name);
                expect(spec.maxUnavailable).to.equal(1);
                expect(spec.selector.matchLabels).to.deep.equal(d.spec.selector.matchLabels);
                for (const bot of ["bot-a", "bot-b"]) {
                    const botLabels = deployment(run, `freqtrade-${bot}`).spec.template.metadata.labels;
                    expect(Object.entries(spec.selector.matchLabels).every(([k, v]) => botLabels[k] === v)).to.equal(false);
                }
            }
        });

        it("HTTPRoutes attach to the cluster's Gateway listener https and send each host to its Service port", () => {
            const expected = stack === "prod" ? { api: "api.deepalpha.example.com", ws: "ws.deepalpha.example.com" } : { api: "api.deepalpha.local", ws: "ws.deepalpha.local" };
            for (const [n, host, port] of [
                ["deepalpha-api", expected.api, 8000],
                ["deepalpha-websocket", expected.ws, 8001],
            ] as const) {
                const r = k8sObject(run, "HTTPRoute", n, NS);
                expect(r.type).to.equal("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute");
                const spec = (r.values as Obj).spec;
                expect(spec.parentRefs).to.deep.equal([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: GATEWAY.name, namespace: "gateway", sectionName: "https" }]);
                expect(spec.hostnames).to.deep.equal([host]);
                expect(spec.rules).to.have.length(1);
                expect(spec.rules[0].backendRefs).to.deep.equal([{ group: "", kind: "Service", name: n, port, weight: 1 }]);
                const svcPorts = (k8sObject(run, "Service", n, NS).values as Obj).spec.ports.map((p: Obj) => p.port);
                expect(svcPorts).to.include(port);
                // NGINX Gateway Fabric marks a rule with `timeouts` Forbidden and drops it.
                expect(spec.rules[0].timeouts).to.be.undefined;
            }
            expect((run.outputValues as Obj).apiUrl).to.equal(`https://${expected.api}`);
            expect((run.outputValues as Obj).websocketUrl).to.equal(`wss://${expected.ws}`);
        });

        it("plain HTTP for both hosts is redirected to https (301) on the Gateway's http listener, never served", () => {
            const spec = (k8sObject(run, "HTTPRoute", "deepalpha-https-redirect", NS).values as Obj).spec;
            expect(spec.parentRefs).to.deep.equal([{ group: "gateway.networking.k8s.io", kind: "Gateway", name: GATEWAY.name, namespace: "gateway", sectionName: "http" }]);
            const hosts = ["deepalpha-api", "deepalpha-websocket"].map((n) => (k8sObject(run, "HTTPRoute", n, NS).values as Obj).spec.hostnames[0]);
            expect(spec.hostnames).to.deep.equal(hosts);
            expect(spec.rules).to.deep.equal([
                { matches: [{ path: { type: "PathPrefix", value: "/" } }], filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] },
            ]);
            // Only the redirect attaches to the http listener.
            const onHttp = byType(run, "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")
                .filter((r) => r.urn.includes("AppTier") && ((r.values as Obj).spec.parentRefs as Obj[]).some((p) => p.sectionName === "http"))
                .map((r) => (r.values.metadata as Obj).name);
            expect(onHttp).to.deep.equal(["deepalpha-https-redirect"]);
        });

        it("WebSocket drains on shutdown: preStop sleep, then a grace period longer than it; limits 1 CPU / 2 GiB", () => {
            const d = deployment(run, "deepalpha-websocket");
            const c = main(d);
            expect(c.command).to.deep.equal(["python", "-m", "deepalpha.transport.websocket"]);
            const sleep = c.lifecycle.preStop.sleep.seconds;
            expect(sleep).to.be.at.least(5);
            expect(pod(d).terminationGracePeriodSeconds).to.be.at.least(sleep + 60);
            expect(c.resources.limits).to.deep.equal({ cpu: "1", memory: "2Gi" });
            expect(probePort(c, c.readinessProbe)).to.equal(8001);
            expect(c.ports).to.deep.equal([{ name: "http", containerPort: 8001, protocol: "TCP" }]);
            expect(env(c, "REDIS_URL").valueFrom.secretKeyRef.key).to.equal("redis-url");
            expect(Number(env(c, "WS_PING_INTERVAL_SECONDS").value)).to.be.below(60); // NGINX proxy_read_timeout
        });

        it("every PodMonitor that selects an app pod scrapes a port name that pod's container has", () => {
            let matched = 0;
            for (const pm of byType(run, "kubernetes:monitoring.coreos.com/v1:PodMonitor")) {
                const spec = (pm.values as Obj).spec;
                const names: string[] = spec.namespaceSelector?.matchNames ?? [];
                if (names.length && !names.includes(NS)) continue;
                for (const n of APP_DEPLOYMENTS) {
                    const d = deployment(run, n);
                    const labels = d.spec.template.metadata.labels;
                    if (!Object.entries(spec.selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v)) continue;
                    matched++;
                    const ports = pod(d).containers.flatMap((c: Obj) => (c.ports ?? []).map((p: Obj) => p.name));
                    for (const ep of spec.podMetricsEndpoints) expect(ports, `${(pm.values.metadata as Obj).name} -> ${n}`).to.include(ep.port);
                }
            }
            expect(matched, "PodMonitors for api, websocket and executor").to.be.at.least(3);
        });

        it("every app object is valid against the Kubernetes or Gateway API v1 schema", () => {
            const objects = appResources(run).filter((r) => isKubernetesObject(r.type));
            expect(objects.length).to.equal(30); // 3 ConfigMaps, 3 Secrets, 5 Deployments, 5 Services, 2 PVCs, 2 HPAs, 3 PDBs, 4 NetworkPolicies, 3 HTTPRoutes
            const errors = objects.map(schemaErrors).filter(Boolean);
            expect(errors, errors.join("\n")).to.deep.equal([]);
        });

        it("every app object carries the recommended labels and lives in the app namespace", () => {
            for (const r of appResources(run).filter((x) => x.type.startsWith("kubernetes:"))) {
                const md = r.values.metadata as Obj;
                expect(md.namespace, r.name).to.equal(NS);
                expect(md.labels["app.kubernetes.io/part-of"], r.name).to.equal("deepalpha");
                expect(md.labels["app.kubernetes.io/name"], r.name).to.be.a("string");
            }
        });
    });
}

describe("app (prod): the seed's HA numbers", () => {
    let run: ProgramRun;
    before(async () => (run = await planStack("prod")));

    it("replicas 3 / 2 / 2 and two distinct Freqtrade bots of one replica each", () => {
        expect(deployment(run, "deepalpha-api").spec.replicas).to.equal(3);
        expect(deployment(run, "deepalpha-websocket").spec.replicas).to.equal(2);
        expect(deployment(run, "deepalpha-executor").spec.replicas).to.equal(2);
        const a = deployment(run, "freqtrade-bot-a");
        const b = deployment(run, "freqtrade-bot-b");
        for (const d of [a, b]) {
            expect(d.spec.replicas).to.equal(1);
            expect(d.spec.strategy).to.deep.equal({ type: "Recreate" });
        }
        // Distinct: own selector, config, state volume and credentials.
        expect(a.spec.selector.matchLabels).not.to.deep.equal(b.spec.selector.matchLabels);
        const vol = (d: Obj, name: string) => pod(d).volumes.find((v: Obj) => v.name === name);
        expect(vol(a, "config").configMap.name).to.equal("freqtrade-bot-a-config");
        expect(vol(b, "config").configMap.name).to.equal("freqtrade-bot-b-config");
        expect(vol(a, "user-data").persistentVolumeClaim.claimName).to.equal("freqtrade-bot-a-user-data");
        expect(vol(b, "user-data").persistentVolumeClaim.claimName).to.equal("freqtrade-bot-b-user-data");
        expect(env(main(a), "FREQTRADE__API_SERVER__PASSWORD").valueFrom.secretKeyRef.name).to.equal("freqtrade-bot-a-api");
        expect(env(main(b), "FREQTRADE__API_SERVER__PASSWORD").valueFrom.secretKeyRef.name).to.equal("freqtrade-bot-b-api");
        // Neither bot's selector picks the other's pods.
        expect(b.spec.template.metadata.labels).not.to.include(a.spec.selector.matchLabels);
    });

    it("API: port 8000, /health (30 s, 10 s) and /ready (5 s, 5 s), requests 1 CPU / 2 GiB, limits 2 CPU / 4 GiB", () => {
        const c = main(deployment(run, "deepalpha-api"));
        expect(c.ports).to.deep.equal([{ name: "http", containerPort: 8000, protocol: "TCP" }]);
        expect(c.livenessProbe.httpGet.path).to.equal("/health");
        expect(probePort(c, c.livenessProbe)).to.equal(8000);
        expect(c.livenessProbe).to.include({ initialDelaySeconds: 30, periodSeconds: 10 });
        expect(c.readinessProbe.httpGet.path).to.equal("/ready");
        expect(probePort(c, c.readinessProbe)).to.equal(8000);
        expect(c.readinessProbe).to.include({ initialDelaySeconds: 5, periodSeconds: 5 });
        expect(c.resources).to.deep.equal({ requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } });
    });

    it("executor: Guaranteed QoS (whole CPUs, requests = limits 4 / 8Gi), huge pages as a resource and an emptyDir, not privileged", () => {
        const d = deployment(run, "deepalpha-executor");
        const c = main(d);
        expect(c.command).to.deep.equal(["python", "-m", "deepalpha.executor.rust_engine"]);
        expect(c.resources.requests).to.deep.equal(c.resources.limits);
        expect(c.resources.limits).to.deep.equal({ cpu: "4", memory: "8Gi", "hugepages-2Mi": "1Gi" });
        expect(Number.isInteger(Number(c.resources.limits.cpu))).to.equal(true);
        // Guaranteed needs every container to have requests = limits: the executor pod has only this one.
        expect(pod(d).initContainers).to.be.undefined;
        expect(pod(d).containers).to.have.length(1);
        const hp = pod(d).volumes.find((v: Obj) => v.emptyDir?.medium === "HugePages-2Mi");
        expect(hp, "hugepages emptyDir").to.exist;
        expect(c.volumeMounts.map((m: Obj) => m.name)).to.include(hp.name);
        expect(c.securityContext.privileged).to.equal(false);
        expect(c.ports).to.deep.equal([{ name: "metrics", containerPort: 9100, protocol: "TCP" }]);
    });

    it("WebSocket and executor pods tune TCP only through namespaced safe sysctls, in a restricted pod", () => {
        const sysctls = (n: string) => Object.fromEntries((pod(deployment(run, n)).securityContext.sysctls as Obj[]).map((x) => [x.name, x.value]));
        const keepalive = { "net.ipv4.tcp_keepalive_time": "60", "net.ipv4.tcp_keepalive_intvl": "10", "net.ipv4.tcp_keepalive_probes": "6" };
        expect(sysctls("deepalpha-websocket")).to.deep.equal({
            ...keepalive,
            "net.ipv4.ip_local_port_range": "10240 65535",
            "net.ipv4.tcp_fin_timeout": "15",
            "net.ipv4.tcp_wmem": "4096 16384 1048576",
        });
        expect(sysctls("deepalpha-executor")).to.deep.equal({ ...keepalive, "net.ipv4.ip_local_port_range": "10240 65535" });
        for (const n of ["deepalpha-websocket", "deepalpha-executor"]) {
            for (const name of Object.keys(sysctls(n))) expect(SAFE_SYSCTLS as readonly string[], `${n}: ${name}`).to.include(name);
            // The port range starts above the pod's own listening port (8001, 9100) and has different parity ends.
            const [lo, hi] = sysctls(n)["net.ipv4.ip_local_port_range"].split(" ").map(Number);
            expect(lo, n).to.be.greaterThan(main(deployment(run, n)).ports[0].containerPort);
            expect((lo + hi) % 2, n).to.equal(1);
            const p = pod(deployment(run, n));
            expect(p.hostNetwork, n).to.be.undefined; // net.* sysctls are refused with host networking
            expect(p.securityContext).to.include({ runAsNonRoot: true });
            expect(main(deployment(run, n)).securityContext).to.include({ privileged: false, allowPrivilegeEscalation: false });
        }
        // Keepalive probes start before the NAT gateway forgets an idle exchange connection (350 s).
        expect(Number(sysctls("deepalpha-executor")["net.ipv4.tcp_keepalive_time"])).to.be.lessThan(IDLE_TIMEOUTS.natGateway);
    });

    it("the program's safe sysctl list is exactly the policy pack's (PSS baseline, v1.32)", () => {
        expect([...SAFE_SYSCTLS].sort()).to.deep.equal([...PACK_SAFE_SYSCTLS].sort());
        expect(SAFE_SYSCTLS).to.have.length(12);
    });

    it("WebSocket connection path: the 30 s ping reaches the gateway (60 s) and the NLB (350 s) at least twice per idle timeout", () => {
        const c = main(deployment(run, "deepalpha-websocket"));
        expect(env(c, "WS_PING_INTERVAL_SECONDS").value).to.equal("30");
        expect(env(c, "WS_MAX_CONNECTIONS").value).to.equal("10000");
        expect(IDLE_TIMEOUTS).to.deep.equal({ nlb: 350, gateway: 60, natGateway: 350 });
        expect(idleTimeoutProblems()).to.deep.equal([]);
        // What the check would catch: a ping too slow for NGINX, or keepalive slower than the NAT gateway.
        expect(idleTimeoutProblems(45)).to.deep.equal(["WebSocket ping every 45 s: the gateway (NGINX proxy_read_timeout) closes idle connections after 60 s, which leaves room for fewer than two pings"]);
        expect(idleTimeoutProblems(30, { timeSeconds: 7200 })).to.deep.equal(["TCP keepalive after 7200 s idle: the NAT gateway drops connections idle for 350 s first"]);
    });

    it("executor: node selector and toleration match the executor node group's label and taint exactly", () => {
        const p = pod(deployment(run, "deepalpha-executor"));
        // Role and CPU: a pod built for Ice Lake never lands on another CPU, even mid-migration between families.
        expect(p.nodeSelector).to.deep.equal({ ...EXECUTOR_NODES.labels, [EXECUTOR_CPU_LABEL]: "icelake-server" });
        expect(p.tolerations).to.deep.equal([{ key: EXECUTOR_NODES.taint.key, operator: "Equal", value: EXECUTOR_NODES.taint.value, effect: EXECUTOR_NODES.taint.effect }]);
        expect(EXECUTOR_NODES.taint.effect).to.equal("NoSchedule");
    });

    it("topology spread over zones (hard) and nodes for API, WebSocket and executor, selecting their own pods", () => {
        for (const [n, nodes] of [
            ["deepalpha-api", "ScheduleAnyway"],
            ["deepalpha-websocket", "ScheduleAnyway"],
            ["deepalpha-executor", "DoNotSchedule"],
        ] as const) {
            const d = deployment(run, n);
            const tsc = pod(d).topologySpreadConstraints as Obj[];
            expect(tsc.map((t) => `${t.topologyKey}:${t.whenUnsatisfiable}`), n).to.deep.equal([
                "topology.kubernetes.io/zone:DoNotSchedule",
                `kubernetes.io/hostname:${nodes}`,
            ]);
            for (const t of tsc) {
                expect(t.maxSkew).to.equal(1);
                expect(d.spec.template.metadata.labels, n).to.include(t.labelSelector.matchLabels);
                // Tainted (NotReady, cordoned) nodes do not count: a lost zone does not strand pods as Pending.
                expect(t.nodeTaintsPolicy).to.equal("Honor");
            }
        }
    });

    it("the external services' keys are all in the Secret (never shown in the plan) and required by the API", () => {
        const s = k8sObject(run, "Secret", "deepalpha-external", NS);
        expect(Object.keys((s.values as Obj).stringData).sort()).to.deep.equal(["binance-api-key", "binance-api-secret", "llm-api-key", "news-api-key", "telegram-bot-token"]);
        expect(JSON.stringify(s.inputs)).not.to.include(OFFLINE_SECRET_PLACEHOLDER);
        const c = main(deployment(run, "deepalpha-api"));
        for (const [e, key] of [
            ["BINANCE_API_KEY", "binance-api-key"],
            ["BINANCE_API_SECRET", "binance-api-secret"],
            ["NEWS_API_KEY", "news-api-key"],
            ["LLM_API_KEY", "llm-api-key"],
            ["TELEGRAM_BOT_TOKEN", "telegram-bot-token"],
        ]) {
            expect(env(c, e).valueFrom.secretKeyRef, e).to.deep.equal({ name: "deepalpha-external", key });
        }
    });

    it("the production exchange: Binance mainnet endpoints in the ConfigMap", () => {
        const data = (k8sObject(run, "ConfigMap", "deepalpha-config", NS).values as Obj).data;
        expect(data).to.include({ BINANCE_TESTNET: "false", BINANCE_BASE_URL: "https://api.binance.com", EXCHANGE_NAME: "binance" });
    });

    it("Freqtrade volumes use the encrypted gp3 StorageClass", () => {
        for (const bot of ["bot-a", "bot-b"]) {
            const pvc = (k8sObject(run, "PersistentVolumeClaim", `freqtrade-${bot}-user-data`, NS).values as Obj).spec;
            expect(pvc).to.deep.include({ accessModes: ["ReadWriteOnce"], storageClassName: "gp3" });
        }
    });

    it("the plan lists each bot's documented exemptions (min replicas, PDB), and only those in this tier", () => {
        const ex = findExemptions(appResources(run)).map((e) => `${e.rule}:${e.urn.split("::").pop()}`).sort();
        expect(ex).to.deep.equal([
            "prod-min-replicas:app-freqtrade-bot-a",
            "prod-min-replicas:app-freqtrade-bot-b",
            "prod-pod-disruption-budget:app-freqtrade-bot-a",
            "prod-pod-disruption-budget:app-freqtrade-bot-b",
        ]);
        const d = deployment(run, "freqtrade-bot-a");
        expect(d.metadata.annotations["policy.deepalpha.io/exempt-prod-min-replicas"]).to.match(/one replica/);
        expect(d.metadata.annotations["policy.deepalpha.io/exempt-prod-pod-disruption-budget"]).to.match(/node drain/);
    });
});

describe("app (dev): one of each, same security, testnet", () => {
    let run: ProgramRun;
    before(async () => (run = await planStack("dev")));

    it("one replica of api, websocket and executor, each bot one replica", () => {
        for (const n of APP_DEPLOYMENTS) expect(deployment(run, n).spec.replicas, n).to.equal(1);
    });

    it("testnet endpoints: Binance testnet, the bots paper-trade (dry run)", () => {
        const data = (k8sObject(run, "ConfigMap", "deepalpha-config", NS).values as Obj).data;
        expect(data).to.include({ BINANCE_TESTNET: "true", BINANCE_BASE_URL: "https://testnet.binance.vision", LLM_BASE_URL: "https://api.openai.com/v1" });
        for (const bot of ["bot-a", "bot-b"]) {
            const cfg = JSON.parse((k8sObject(run, "ConfigMap", `freqtrade-${bot}-config`, NS).values as Obj).data["freqtrade_config.json"]);
            expect(cfg.dry_run).to.equal(true);
        }
    });

    it("keys the dev stack does not set are optional references (the pods still start) and absent from the Secret", () => {
        const s = k8sObject(run, "Secret", "deepalpha-external", NS);
        expect((s.values as Obj).stringData ?? {}).to.deep.equal({});
        const api = main(deployment(run, "deepalpha-api"));
        expect(env(api, "BINANCE_API_KEY").valueFrom.secretKeyRef).to.deep.equal({ name: "deepalpha-external", key: "binance-api-key", optional: true });
        const bot = main(deployment(run, "freqtrade-bot-a"));
        expect(env(bot, "FREQTRADE__EXCHANGE__KEY").valueFrom.secretKeyRef.optional).to.equal(true);
    });

    it("a local cluster has no executor node group or huge pages, no zone spread and no sysctls (it may predate them)", () => {
        const d = deployment(run, "deepalpha-executor");
        for (const n of APP_DEPLOYMENTS) expect(pod(deployment(run, n)).securityContext.sysctls, n).to.be.undefined;
        expect(pod(d).nodeSelector).to.be.undefined;
        expect(pod(d).tolerations).to.be.undefined;
        expect(main(d).resources.limits["hugepages-2Mi"]).to.be.undefined;
        expect(main(d).resources.requests).to.deep.equal(main(d).resources.limits);
        for (const n of APP_DEPLOYMENTS) expect(pod(deployment(run, n)).topologySpreadConstraints, n).to.be.undefined;
    });

    it("the data stores' keys are read from the data tier's Secret in dev too", () => {
        const c = main(deployment(run, "deepalpha-executor"));
        expect(env(c, "DATABASE_URL").valueFrom.secretKeyRef.key).to.equal("database-url");
        expect(env(c, "REDIS_URL").valueFrom.secretKeyRef.key).to.equal("redis-url");
    });
});

describe("app: settings that change the objects", () => {
    it("a changed ConfigMap setting changes every pod template's checksum (the pods roll)", async () => {
        const base = await planStack("dev");
        const changed = await planWith("dev", { "deepalpha:app": JSON.stringify({ llmBaseUrl: "https://llm.test.example.com/v1" }) });
        for (const n of ["deepalpha-api", "deepalpha-websocket", "deepalpha-executor"]) {
            const a = deployment(base, n).spec.template.metadata.annotations["checksum/config"];
            const b = deployment(changed, n).spec.template.metadata.annotations["checksum/config"];
            expect(a, n).to.match(/^[0-9a-f]{64}$/);
            expect(b, n).not.to.equal(a);
        }
    });

    it("a set dev secret turns its reference from optional to required, and its value stays secret", async () => {
        const { config, secretKeys } = prepareConfig({ stack: "dev", json: true, strict: false }, ROOT_DIR);
        const run = await runProgram({
            stack: "dev",
            config: { ...config, "deepalpha:binanceApiKey": "testnet-key-value" },
            secretKeys: [...secretKeys, "deepalpha:binanceApiKey"],
        });
        const s = k8sObject(run, "Secret", "deepalpha-external", NS);
        expect((s.values as Obj).stringData).to.deep.equal({ "binance-api-key": "testnet-key-value" });
        expect(JSON.stringify(appResources(run).map((r) => r.inputs))).not.to.include("testnet-key-value");
        const api = main(deployment(run, "deepalpha-api"));
        expect(env(api, "BINANCE_API_KEY").valueFrom.secretKeyRef).to.deep.equal({ name: "deepalpha-external", key: "binance-api-key" });
        expect(env(api, "BINANCE_API_SECRET").valueFrom.secretKeyRef.optional).to.equal(true);
    });

    it("a bot that would trade for real on the testnet, or two bots on one pair, is refused with the setting's name", () => {
        const s = (profileDefaults("local") as Obj).app as AppSettings;
        const live = { ...s, freqtradeBots: [{ ...s.freqtradeBots[0], dryRun: false }, s.freqtradeBots[1]] };
        // The package names its own arguments, which the stack's app section maps onto one to one.
        expect(botProblems(live).join("\n")).to.match(/^freqtradeBots\[0\]\.dryRun: got false while exchange\.testnet is true/);
        const overlap = { ...s, freqtradeBots: [s.freqtradeBots[0], { ...s.freqtradeBots[1], pairs: ["ETH/USDT"] }] };
        expect(botProblems(overlap).join("\n")).to.match(/freqtradeBots\[1\]\.pairs: ETH\/USDT is also traded by bot bot-a/);
        const mixed = { ...s, freqtradeBots: [{ ...s.freqtradeBots[0], pairs: ["BTC/USDT", "ETH/BTC"] }] };
        expect(botProblems(mixed).join("\n")).to.match(/quote currencies USDT, BTC/);
        expect(botProblems(s)).to.deep.equal([]);
    });

    it("moving the executor to another CPU family relabels its nodes and moves its pods' selector with it", async () => {
        const { config } = prepareConfig({ stack: "prod", json: true, strict: false }, ROOT_DIR);
        const cluster = JSON.parse(config["deepalpha:cluster"]);
        cluster.executorNodes = { ...cluster.executorNodes, instanceType: "c7g.4xlarge", cpuTarget: "neoverse-v1" };
        const run = await planWith("prod", { "deepalpha:cluster": JSON.stringify(cluster) });
        expect(pod(deployment(run, "deepalpha-executor")).nodeSelector[EXECUTOR_CPU_LABEL]).to.equal("neoverse-v1");
        const ng = run.resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.name === "cluster-executor")!;
        expect((ng.values.labels as Obj)[EXECUTOR_CPU_LABEL]).to.equal("neoverse-v1");
        expect(ng.values.amiType).to.equal("AL2023_ARM_64_STANDARD");
    });

    it("the program stops on such a bot before creating anything", async () => {
        const bots = JSON.stringify({ freqtradeBots: [{ name: "live", strategy: "S", pairs: ["BTC/USDT"], dryRun: false }] });
        let err: Error | undefined;
        try {
            await planWith("dev", { "deepalpha:app": bots });
        } catch (e) {
            err = e as Error;
        }
        expect(err?.message ?? "", "expected the run to fail").to.match(/freqtradeBots\[0\]\.dryRun/);
    });
});
