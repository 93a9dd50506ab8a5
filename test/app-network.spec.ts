// The application tier's NetworkPolicy matrix (issue 5), asserted two ways on both stacks:
//  1. rule by rule: each policy's ingress and egress lists equal the expected rules, written out here;
//  2. flow by flow: a small evaluator of NetworkPolicy semantics answers "may X reach Y on port P?" for the
//     flows that must work (DNS, InfluxDB, the exchange...) and for those that must not.
import { expect } from "chai";
import type { ProgramRun } from "./harness/run";
import { byType, k8sObject, planStack } from "./harness/stacks";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NS = "deepalpha";
const nsPeer = (ns: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } });
const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
const DNS = {
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
    ports: [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
    ],
};
const OUTSIDE_443 = { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } }], ports: tcp(443) };

const policy = (run: ProgramRun, name: string) => k8sObject(run, "NetworkPolicy", name, NS).values as Obj;
const podLabels = (run: ProgramRun, deployment: string) => (k8sObject(run, "Deployment", deployment, NS).values as Obj).spec.template.metadata.labels as Record<string, string>;

// ---- A minimal NetworkPolicy evaluator (kubernetes.io/docs/concepts/services-networking/network-policies) ----
interface Endpoint {
    /** Pod in the cluster: its namespace and labels. */
    pod?: { namespace: string; labels: Record<string, string> };
    /** Address outside the pod network. */
    ip?: string;
}
const matches = (sel: Obj | undefined, labels: Record<string, string>) =>
    !sel || Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
const ipNum = (ip: string) => ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
const inCidr = (ip: string, cidr: string) => {
    const [base, bits] = cidr.split("/");
    const size = 2 ** (32 - Number(bits));
    return Math.floor(ipNum(ip) / size) === Math.floor(ipNum(base) / size);
};
function peerMatches(peer: Obj, ep: Endpoint, policyNs: string): boolean {
    if (peer.ipBlock) return !!ep.ip && inCidr(ep.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c: string) => inCidr(ep.ip!, c));
    if (!ep.pod) return false;
    const nsLabels = { "kubernetes.io/metadata.name": ep.pod.namespace };
    if (peer.namespaceSelector) return matches(peer.namespaceSelector, nsLabels) && matches(peer.podSelector, ep.pod.labels);
    return ep.pod.namespace === policyNs && matches(peer.podSelector, ep.pod.labels);
}
const portMatches = (rule: Obj, port: number, protocol: string) =>
    !rule.ports || rule.ports.some((p: Obj) => p.port === port && (p.protocol ?? "TCP") === protocol);

/** Does any app policy selecting `pod` allow this flow in `direction`? (The namespace's default deny covers the rest.) */
function allowed(run: ProgramRun, direction: "ingress" | "egress", podDeployment: string, other: Endpoint, port: number, protocol = "TCP"): boolean {
    const labels = podLabels(run, podDeployment);
    const selecting = byType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy")
        .map((r) => r.values as Obj)
        .filter((p) => p.metadata.namespace === NS && p.spec.policyTypes.includes(direction === "ingress" ? "Ingress" : "Egress") && matches(p.spec.podSelector, labels))
        // The cluster tier's namespace-wide baseline (default deny, DNS) is not part of this tier's matrix.
        .filter((p) => !["default-deny-all", "allow-dns-egress"].includes(p.metadata.name));
    return selecting.some((p) =>
        (p.spec[direction] ?? []).some((rule: Obj) =>
            (rule[direction === "ingress" ? "from" : "to"] ?? []).some((peer: Obj) => peerMatches(peer, other, NS)) && portMatches(rule, port, protocol),
        ),
    );
}

for (const stack of ["dev", "prod"] as const) {
    describe(`app network policies (${stack})`, () => {
        let run: ProgramRun;
        let otlpPort: number;
        let data: Obj[];
        before(async () => {
            run = await planStack(stack);
            otlpPort = Number(new URL((run.outputValues as Obj).otlpEndpoint).port);
            data = stack === "prod" ? [{ ipBlock: { cidr: "10.40.0.0/16" } }] : [nsPeer("deepalpha-data")];
        });
        const otlp = () => ({ to: [nsPeer("monitoring")], ports: tcp(otlpPort) });

        it("one policy per workload, selecting exactly its pods, for both directions", () => {
            const mine = byType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((r) => r.urn.includes("AppTier"));
            expect(mine.map((r) => (r.values.metadata as Obj).name).sort()).to.deep.equal(["deepalpha-api", "deepalpha-executor", "deepalpha-websocket", "freqtrade"]);
            for (const [pol, deployments] of [
                ["deepalpha-api", ["deepalpha-api"]],
                ["deepalpha-websocket", ["deepalpha-websocket"]],
                ["deepalpha-executor", ["deepalpha-executor"]],
                ["freqtrade", ["freqtrade-bot-a", "freqtrade-bot-b"]],
            ] as const) {
                const p = policy(run, pol);
                expect(p.spec.policyTypes).to.deep.equal(["Ingress", "Egress"]);
                for (const d of ["deepalpha-api", "deepalpha-websocket", "deepalpha-executor", "freqtrade-bot-a", "freqtrade-bot-b"]) {
                    expect(matches(p.spec.podSelector, podLabels(run, d)), `${pol} selects ${d}`).to.equal((deployments as readonly string[]).includes(d));
                }
            }
        });

        it("API ingress: gateway 8000, monitoring 8000 (metrics), Freqtrade 8000; nothing else", () => {
            expect(policy(run, "deepalpha-api").spec.ingress).to.deep.equal([
                { from: [nsPeer("gateway")], ports: tcp(8000) },
                { from: [nsPeer("monitoring")], ports: tcp(8000) },
                { from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "freqtrade" } } }], ports: tcp(8000) },
            ]);
        });

        it(`API egress: DNS, PostgreSQL 5432, Redis 6379, InfluxDB 8086${stack === "dev" ? ", S3-compatible store 8333" : ""}, HTTPS 443 outside, OTLP`, () => {
            const dataPorts = stack === "dev" ? tcp(5432, 6379, 8086, 8333) : tcp(5432, 6379, 8086);
            expect(policy(run, "deepalpha-api").spec.egress).to.deep.equal([DNS, { to: data, ports: dataPorts }, OUTSIDE_443, otlp()]);
        });

        it("WebSocket: ingress gateway 8001 and monitoring 8001; egress DNS, Redis 6379, OTLP", () => {
            const p = policy(run, "deepalpha-websocket").spec;
            expect(p.ingress).to.deep.equal([
                { from: [nsPeer("gateway")], ports: tcp(8001) },
                { from: [nsPeer("monitoring")], ports: tcp(8001) },
            ]);
            expect(p.egress).to.deep.equal([DNS, { to: data, ports: tcp(6379) }, otlp()]);
        });

        it("executor: ingress only monitoring 9100 (metrics); egress DNS, PostgreSQL 5432, Redis 6379, OTLP", () => {
            const p = policy(run, "deepalpha-executor").spec;
            expect(p.ingress).to.deep.equal([{ from: [nsPeer("monitoring")], ports: tcp(9100) }]);
            expect(p.egress).to.deep.equal([DNS, { to: data, ports: tcp(5432, 6379) }, otlp()]);
        });

        it("Freqtrade: ingress only monitoring 8080; egress DNS, the API 8000, HTTPS 443 and Binance streams 9443 outside (the exchange)", () => {
            const p = policy(run, "freqtrade").spec;
            expect(p.ingress).to.deep.equal([{ from: [nsPeer("monitoring")], ports: tcp(8080) }]);
            expect(p.egress).to.deep.equal([
                DNS,
                { to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "deepalpha-api" } } }], ports: tcp(8000) },
                OUTSIDE_443,
                // ccxt's Binance spot stream URL is wss://stream.binance.com:9443/ws (Freqtrade's exchange WebSocket).
                { to: OUTSIDE_443.to, ports: tcp(9443) },
            ]);
        });

        it("the ports each policy opens are the ports the selected containers listen on", () => {
            for (const [pol, d, port] of [
                ["deepalpha-api", "deepalpha-api", 8000],
                ["deepalpha-websocket", "deepalpha-websocket", 8001],
                ["deepalpha-executor", "deepalpha-executor", 9100],
                ["freqtrade", "freqtrade-bot-a", 8080],
            ] as const) {
                const c = (k8sObject(run, "Deployment", d, NS).values as Obj).spec.template.spec.containers[0];
                const open = new Set(policy(run, pol).spec.ingress.flatMap((r: Obj) => r.ports.map((p: Obj) => p.port)));
                expect([...open], pol).to.deep.equal([port]);
                expect(c.ports.map((p: Obj) => p.containerPort), pol).to.deep.equal([port]);
            }
        });

        describe("flows", () => {
            const gw = { pod: { namespace: "gateway", labels: { "app.kubernetes.io/name": "nginx" } } };
            const mon = { pod: { namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" } } };
            const dns = { pod: { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } } };
            const stranger = { pod: { namespace: "default", labels: { app: "curl" } } };
            const internet = { ip: "52.84.10.20" }; // a public address (api.binance.com resolves into such ranges)
            const insideVpc = { ip: "10.40.12.34" };
            const dataEndpoint = () => (stack === "prod" ? insideVpc : { pod: { namespace: "deepalpha-data", labels: { "app.kubernetes.io/name": "postgres" } } });
            const bot = () => ({ pod: { namespace: NS, labels: podLabels(run, "freqtrade-bot-a") } });
            const apiPod = () => ({ pod: { namespace: NS, labels: podLabels(run, "deepalpha-api") } });
            const wsPod = () => ({ pod: { namespace: NS, labels: podLabels(run, "deepalpha-websocket") } });

            it("allowed: gateway -> API 8000 / WebSocket 8001, monitoring -> every metrics port, bot -> API", () => {
                expect(allowed(run, "ingress", "deepalpha-api", gw, 8000)).to.equal(true);
                expect(allowed(run, "ingress", "deepalpha-websocket", gw, 8001)).to.equal(true);
                expect(allowed(run, "ingress", "deepalpha-api", mon, 8000)).to.equal(true);
                expect(allowed(run, "ingress", "deepalpha-websocket", mon, 8001)).to.equal(true);
                expect(allowed(run, "ingress", "deepalpha-executor", mon, 9100)).to.equal(true);
                expect(allowed(run, "ingress", "freqtrade-bot-b", mon, 8080)).to.equal(true);
                expect(allowed(run, "ingress", "deepalpha-api", bot(), 8000)).to.equal(true);
                expect(allowed(run, "egress", "freqtrade-bot-a", apiPod(), 8000)).to.equal(true);
            });

            it("denied: strangers and the gateway anywhere else; nobody into the executor or the bots but monitoring", () => {
                expect(allowed(run, "ingress", "deepalpha-api", stranger, 8000)).to.equal(false);
                expect(allowed(run, "ingress", "deepalpha-api", gw, 8001)).to.equal(false);
                expect(allowed(run, "ingress", "deepalpha-executor", gw, 9100)).to.equal(false);
                expect(allowed(run, "ingress", "deepalpha-executor", apiPod(), 9100)).to.equal(false);
                expect(allowed(run, "ingress", "freqtrade-bot-a", gw, 8080)).to.equal(false);
                expect(allowed(run, "ingress", "freqtrade-bot-a", apiPod(), 8080)).to.equal(false);
                expect(allowed(run, "ingress", "deepalpha-websocket", wsPod(), 8001)).to.equal(false);
            });

            it("DNS (UDP and TCP 53 to kube-dns) for every workload", () => {
                for (const d of ["deepalpha-api", "deepalpha-websocket", "deepalpha-executor", "freqtrade-bot-a"]) {
                    expect(allowed(run, "egress", d, dns, 53, "UDP"), d).to.equal(true);
                    expect(allowed(run, "egress", d, dns, 53, "TCP"), d).to.equal(true);
                    expect(allowed(run, "egress", d, stranger, 53, "UDP"), `${d} to a non-DNS pod`).to.equal(false);
                }
            });

            it("data stores: API to PostgreSQL, Redis and InfluxDB 8086; WebSocket Redis only; executor PostgreSQL and Redis; bots none", () => {
                const ep = dataEndpoint();
                const reach = (d: string) => [5432, 6379, 8086].filter((p) => allowed(run, "egress", d, ep, p));
                expect(reach("deepalpha-api")).to.deep.equal([5432, 6379, 8086]);
                expect(reach("deepalpha-websocket")).to.deep.equal([6379]);
                expect(reach("deepalpha-executor")).to.deep.equal([5432, 6379]);
                expect(reach("freqtrade-bot-a")).to.deep.equal([]);
            });

            it("HTTPS to the internet only for the API and the bots; never 443 into private ranges", () => {
                expect(allowed(run, "egress", "deepalpha-api", internet, 443)).to.equal(true);
                expect(allowed(run, "egress", "freqtrade-bot-a", internet, 443)).to.equal(true);
                expect(allowed(run, "egress", "deepalpha-websocket", internet, 443)).to.equal(false);
                expect(allowed(run, "egress", "deepalpha-executor", internet, 443)).to.equal(false);
                expect(allowed(run, "egress", "deepalpha-api", internet, 80)).to.equal(false);
                expect(allowed(run, "egress", "deepalpha-api", insideVpc, 443)).to.equal(false);
                expect(allowed(run, "egress", "deepalpha-api", { ip: "169.254.169.254" }, 80)).to.equal(false);
            });

            it("exchange streams: the Binance WebSocket URL the API is configured with is reachable; the bots reach ccxt's 9443", () => {
                const wsUrl = new URL((k8sObject(run, "ConfigMap", "deepalpha-config", NS).values as Obj).data.BINANCE_WS_URL);
                const port = wsUrl.port ? Number(wsUrl.port) : 443;
                expect(allowed(run, "egress", "deepalpha-api", internet, port), `API -> ${wsUrl.href}`).to.equal(true);
                expect(allowed(run, "egress", "freqtrade-bot-a", internet, 9443)).to.equal(true);
                expect(allowed(run, "egress", "freqtrade-bot-a", insideVpc, 9443), "never into private ranges").to.equal(false);
                expect(allowed(run, "egress", "deepalpha-websocket", internet, 9443)).to.equal(false);
            });

            it("traces: api, websocket and executor reach the OTLP collector in monitoring", () => {
                const collector = { pod: { namespace: "monitoring", labels: { "app.kubernetes.io/name": "jaeger" } } };
                for (const d of ["deepalpha-api", "deepalpha-websocket", "deepalpha-executor"]) {
                    expect(allowed(run, "egress", d, collector, otlpPort), d).to.equal(true);
                    expect(allowed(run, "egress", d, collector, 9090), `${d} to another monitoring port`).to.equal(false);
                }
            });
        });
    });
}
