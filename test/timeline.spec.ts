// The from-scratch deploy on the shortest chain: no AWS data store waits for the Kubernetes layer, the engine's
// order costs at most 10 % over each resource waiting for its own dependencies, and the orderings a real
// cluster needs (namespace, CRD) are still there.
import { expect } from "chai";
import { npmPlan } from "./harness/cli";
import { toPreview, type PreviewDocument, type PreviewStep } from "./harness/preview";
import { planStack, ROOT_DIR } from "./harness/stacks";
import { prepareConfig } from "../scripts/plan";
import { createSeconds, schedule, transitiveWaits, type Timeline } from "../scripts/timeline";

const DATA_STORES = [
    "aws:rds/instance:Instance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:timestreaminfluxdb/dbInstance:DbInstance",
    "aws:s3/bucket:Bucket",
];
/** The Kubernetes layer an AWS data store must never wait for. */
const KUBERNETES_LAYER = ["eks:index:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:eks/addon:Addon", "kubernetes:helm.sh/v4:Chart"];

async function prodDoc(): Promise<PreviewDocument> {
    const run = await planStack("prod");
    const { config, secretKeys, notes } = prepareConfig({ stack: "prod", json: true, strict: false }, ROOT_DIR);
    return toPreview(run, config, secretKeys, notes);
}

/** Data stores that wait, directly or through a parent's dependsOn, for the Kubernetes layer: "store <- what". */
function storesWaitingForKubernetes(doc: PreviewDocument): string[] {
    const t = schedule(doc, "engine");
    const typeOf = new Map(doc.steps.map((s) => [s.urn, s.newState.type]));
    const out: string[] = [];
    for (const s of doc.steps.filter((x) => DATA_STORES.includes(x.newState.type))) {
        for (const u of transitiveWaits(t, s.urn)) {
            if (KUBERNETES_LAYER.includes(typeOf.get(u)!)) out.push(`${s.urn.split("::").pop()} <- ${typeOf.get(u)} ${u.split("::").pop()}`);
        }
    }
    return out;
}

const ratio = (doc: PreviewDocument) => schedule(doc, "engine").total / schedule(doc, "own").total;

describe("timeline: scheduling rules (synthetic graph)", () => {
    const step = (urn: string, type: string, custom: boolean, parent?: string, dependencies: string[] = []): PreviewStep => ({
        op: "create",
        urn,
        newState: { urn, type, custom, id: "", parent, protect: false, retainOnDelete: false, dependencies, inputs: {} },
    });
    const stack = step("stack", "pulumi:pulumi:Stack", false);
    const graph = (tierDependsOnCluster: boolean) => ({
        steps: [
            stack,
            step("cluster", "deepalpha:index:Cluster", false, "stack"),
            step("eks", "eks:index:Cluster", false, "cluster"), // remote component: a leaf, 600 s
            step("vpc", "aws:ec2/vpc:Vpc", true, "cluster"),
            step("data", "deepalpha:index:DataTier", false, "stack", tierDependsOnCluster ? ["cluster"] : []),
            step("db", "aws:rds/instance:Instance", true, "data", ["vpc"]),
        ],
    });

    it("a component's dependsOn holds back its children until every custom resource below the dependency exists", () => {
        const t = schedule(graph(true), "engine");
        expect(t.byUrn.get("db")!.start).to.equal(createSeconds("eks:index:Cluster"));
        expect(t.chain.map((e) => e.urn)).to.deep.equal(["eks", "db"]);
    });

    it("own mode: the child waits for its inputs only", () => {
        const t: Timeline = schedule(graph(true), "own");
        expect(t.byUrn.get("db")!.start).to.equal(createSeconds("aws:ec2/vpc:Vpc"));
        expect(schedule(graph(false), "engine").total).to.equal(t.total);
    });
});

describe("timeline: the prod deploy on the shortest chain", function () {
    this.timeout(120000);

    it("no AWS data store waits, directly or through a parent, for the EKS cluster, a node group, an add-on or a chart", async () => {
        expect(storesWaitingForKubernetes(await prodDoc())).to.deep.equal([]);
    });

    it("the engine's order takes at most 10 % longer than each resource waiting for its own dependencies", async () => {
        const doc = await prodDoc();
        const engine = schedule(doc, "engine");
        expect(ratio(doc), `engine ${(engine.total / 60).toFixed(1)} min, own ${(schedule(doc, "own").total / 60).toFixed(1)} min`).to.be.at.most(1.1);
        // The chain is the data path: the RDS primary, then a replica, then the application.
        const types = engine.chain.map((e) => e.type);
        expect(types.filter((t) => t === "aws:rds/instance:Instance")).to.have.length(2);
        expect(types).not.to.include("eks:index:Cluster");
    });

    it("catches the old wiring: a data tier given dependsOn the cluster component fails both checks", async () => {
        const doc = await prodDoc();
        const clusterUrn = doc.steps.find((s) => s.newState.type === "deepalpha:index:Cluster")!.urn;
        const broken: PreviewDocument = {
            ...doc,
            steps: doc.steps.map((s) =>
                s.newState.type === "deepalpha:index:DataTier" ? { ...s, newState: { ...s.newState, dependencies: [...s.newState.dependencies, clusterUrn] } } : s,
            ),
        };
        expect(storesWaitingForKubernetes(broken).some((x) => x.startsWith("data-postgres-primary <- eks:index:Cluster"))).to.equal(true);
        expect(ratio(broken)).to.be.greaterThan(1.1);
    });

    it("keeps the orderings a real cluster needs: every namespaced object after its Namespace, every custom resource after its CRD", async () => {
        const doc = await prodDoc();
        const t = schedule(doc, "engine");
        const nsUrn = new Map<string, string>();
        for (const s of doc.steps.filter((x) => x.newState.type === "kubernetes:core/v1:Namespace")) {
            nsUrn.set(String((s.newState.inputs.metadata as { name: string }).name), s.urn);
        }
        const missing: string[] = [];
        for (const s of doc.steps.filter((x) => x.newState.custom && x.newState.type.startsWith("kubernetes:"))) {
            const ns = (s.newState.inputs.metadata as { namespace?: string } | undefined)?.namespace;
            if (!ns || !nsUrn.has(ns)) continue; // cluster-scoped, or kube-system (not ours)
            if (!transitiveWaits(t, s.urn).has(nsUrn.get(ns)!)) missing.push(`${s.urn.split("::").pop()} (namespace ${ns})`);
        }
        expect(missing).to.deep.equal([]);
        // Custom resources wait for what installs their CRDs.
        const crdSource: [RegExp, RegExp][] = [
            [/^kubernetes:monitoring\.coreos\.com\//, /kube-prometheus-stack$/],
            [/^kubernetes:gateway\.networking\.k8s\.io\//, /gateway-api-crds$/],
            [/^kubernetes:cert-manager\.io\//, /cert-manager$/],
            [/^kubernetes:(elasticsearch|kibana)\.k8s\.elastic\.co\//, /eck-operator$/],
        ];
        const noCrd: string[] = [];
        for (const s of doc.steps) {
            const rule = crdSource.find(([type]) => type.test(s.newState.type));
            if (!rule) continue;
            if (![...transitiveWaits(t, s.urn)].some((u) => rule[1].test(u.split("::").pop()!))) noCrd.push(s.urn.split("::").pop()!);
        }
        expect(noCrd).to.deep.equal([]);
    });

    it("npm run plan -- --stack prod --timeline prints the estimate and the critical chain", async () => {
        const r = await npmPlan(["--stack", "prod", "--timeline"]);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout).to.match(/Estimated from-scratch create time: [0-9.]+ min/);
        expect(r.stdout).to.match(/With every resource waiting only for its own dependencies: [0-9.]+ min/);
        expect(r.stdout).to.match(/aws:rds\/instance:Instance {2}data-postgres-primary\n/);
    });
});
