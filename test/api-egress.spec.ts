// Every pod that talks to the Kubernetes API can reach it under the namespaces' default-deny: at the
// `kubernetes` Service's ClusterIP (which the VPC CNI's policy agent matches, before DNAT) and at the
// control-plane endpoints in the VPC (which other implementations match, after DNAT).
import { expect } from "chai";
import type { ProgramRun } from "./harness/run";
import { byType, planStack } from "./harness/stacks";
import { kubernetesServiceAddress } from "@deepalpha/cluster";
import { CONTROL_PLANE_SELECTOR } from "@deepalpha/cluster";
import { DATA_JOB_LABEL } from "@deepalpha/data";
import { NAMESPACES } from "@deepalpha/shared";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ipToInt = (ip: string) => ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
function inCidr(ip: string, cidr: string): boolean {
    const [base, bits] = cidr.split("/");
    const size = 2 ** (32 - Number(bits));
    return Math.floor(ipToInt(ip) / size) === Math.floor(ipToInt(base) / size);
}

function selects(selector: Obj | undefined, labels: Record<string, string>): boolean {
    if (!selector) return true;
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
    for (const e of (selector.matchExpressions ?? []) as Obj[]) {
        const has = e.key in labels;
        if (e.operator === "In" && !(has && e.values.includes(labels[e.key]))) return false;
        if (e.operator === "NotIn" && has && e.values.includes(labels[e.key])) return false;
        if (e.operator === "Exists" && !has) return false;
        if (e.operator === "DoesNotExist" && has) return false;
    }
    return true;
}

/** NetworkPolicy semantics for egress to an address outside the cluster's pods: ipBlock peers only. */
export function egressAllowed(run: ProgramRun, namespace: string, labels: Record<string, string>, ip: string, port: number): boolean {
    const policies = byType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy")
        .map((r) => r.values as Obj)
        .filter((p) => p.metadata.namespace === namespace && (p.spec.policyTypes ?? []).includes("Egress") && selects(p.spec.podSelector, labels));
    if (policies.length === 0) return true; // not isolated for egress
    return policies.some((p) =>
        ((p.spec.egress ?? []) as Obj[]).some((rule) => {
            const portOk = !rule.ports || (rule.ports as Obj[]).some((x) => x.port === port);
            const peerOk = !rule.to || (rule.to as Obj[]).some((peer) => peer.ipBlock && inCidr(ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((e: string) => inCidr(ip, e)));
            return portOk && peerOk;
        }),
    );
}

/** Pods that watch or write the Kubernetes API, by namespace and labels. */
const API_CLIENTS: { what: string; namespace: string; labels: Record<string, string> }[] = [
    { what: "NGINX Gateway Fabric control plane", namespace: NAMESPACES.gateway, labels: { ...CONTROL_PLANE_SELECTOR } },
    ...["controller", "webhook", "cainjector", "startupapicheck"].map((c) => ({ what: `cert-manager ${c}`, namespace: NAMESPACES.certManager, labels: { "app.kubernetes.io/component": c } })),
    ...["kube-prometheus-stack-prometheus-operator", "kube-state-metrics", "grafana", "fluent-bit", "elastic-operator", "prometheus"].map((n) => ({
        what: n,
        namespace: NAMESPACES.monitoring,
        labels: { "app.kubernetes.io/name": n },
    })),
    { what: "InfluxDB application-token Job (patches its Secret)", namespace: NAMESPACES.app, labels: { ...DATA_JOB_LABEL } },
];

describe("NetworkPolicies, prod: every Kubernetes API client reaches the API server", function () {
    this.timeout(120000);
    it("the kubernetes Service address comes from the cluster's service range", () => {
        expect(kubernetesServiceAddress("172.20.0.0/16")).to.equal("172.20.0.1");
        expect(kubernetesServiceAddress("10.100.0.0/16")).to.equal("10.100.0.1");
        expect(kubernetesServiceAddress("192.168.128.0/20")).to.equal("192.168.128.1");
    });

    for (const c of API_CLIENTS) {
        it(`${c.what} (${c.namespace}): the Service ClusterIP and the VPC endpoints on 443`, async () => {
            const run = await planStack("prod");
            const service = kubernetesServiceAddress("172.20.0.0/16"); // the mock answers EKS's choice for a 10.x VPC
            expect(egressAllowed(run, c.namespace, c.labels, service, 443), `to ${service}:443 (pre-DNAT)`).to.equal(true);
            expect(egressAllowed(run, c.namespace, c.labels, "10.40.64.17", 443), "to a control-plane ENI in the VPC (post-DNAT)").to.equal(true);
        });
    }

    it("the ClusterIP rule is the cluster output, not a guess: NGF and cert-manager allow exactly <service address>/32 beside the VPC", async () => {
        const run = await planStack("prod");
        // By object name: the cluster tier names its children after its instance (cluster-gateway-control-plane ...).
        const objectName = (r: { values: unknown }) => String((r.values as Obj).metadata?.name);
        const policies = byType(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((r) => ["gateway-control-plane", "cert-manager-api-server"].includes(objectName(r)));
        expect(policies).to.have.length(2);
        const eks = byType(run, "eks:index:Cluster")[0];
        for (const p of policies) {
            const name = objectName(p);
            const peers = ((p.values as Obj).spec.egress as Obj[]).flatMap((r) => r.to ?? []).map((x: Obj) => x.ipBlock?.cidr);
            expect(peers, name).to.deep.equal(["10.40.0.0/16", "172.20.0.1/32"]);
            expect(p.dependencies, `${name} takes the address from the EKS cluster`).to.include(eks.urn);
            // Not opened to the world: the gateway control plane and cert-manager's API rule reach nothing public.
            expect(egressAllowed(run, name === "gateway-control-plane" ? NAMESPACES.gateway : NAMESPACES.certManager, name === "gateway-control-plane" ? { ...CONTROL_PLANE_SELECTOR } : { "app.kubernetes.io/component": "webhook" }, "8.8.8.8", 443)).to.equal(false);
        }
    });
});
