// Estimated from-scratch `pulumi up` time of a plan, from its dependency graph and a table of typical create
// times per resource type (docs/deploy-timeline.md). Pure: `npm run plan -- --timeline` and the tests call it.
//
// What a resource waits for, as the engine and the Node SDK order a first deploy:
// - every resource in its `dependencies` (its inputs' resources and its own dependsOn), and its provider;
// - a component in that list stands for every custom resource below it (and every remote component, such as
//   eks.Cluster or a helm.v4.Chart, whose own children the plan does not show);
// - in "engine" mode also what each of its ancestor components depends on: the SDK registers a child only after
//   its parent, and a component with dependsOn registers only once all of that is created. "own" mode leaves
//   this out: the deploy as it would run if each resource waited for its own inputs only.
import type { PreviewDocument, PreviewStep } from "../test/harness/preview";

/**
 * Typical create times in seconds. Managed-service figures are the usual range's middle for this layout
 * (Multi-AZ, encrypted, a few hundred GB); Kubernetes figures are what `pulumi up` waits for (readiness of a
 * workload, a `pulumi.com/waitFor` condition), near zero for plain objects.
 */
export const CREATE_SECONDS: Record<string, number> = {
    "eks:index:Cluster": 600,
    "aws:eks/nodeGroup:NodeGroup": 240,
    "aws:eks/addon:Addon": 90,
    "aws:ec2/natGateway:NatGateway": 120,
    "aws:ec2/vpc:Vpc": 15,
    "aws:ec2/subnet:Subnet": 10,
    "aws:rds/instance:Instance": 900,
    "aws:elasticache/replicationGroup:ReplicationGroup": 900,
    "aws:timestreaminfluxdb/dbInstance:DbInstance": 1500,
    "kubernetes:helm.sh/v4:Chart": 180,
    "kubernetes:yaml/v2:ConfigFile": 10,
    "kubernetes:apps/v1:Deployment": 90,
    "kubernetes:apps/v1:StatefulSet": 180,
    "kubernetes:apps/v1:DaemonSet": 60,
    "kubernetes:batch/v1:Job": 120,
    "kubernetes:elasticsearch.k8s.elastic.co/v1:Elasticsearch": 420,
    "kubernetes:gateway.networking.k8s.io/v1:Gateway": 240,
    "kubernetes:cert-manager.io/v1:Certificate": 30,
};
/** Anything else, by package: an API call or two. */
const DEFAULT_SECONDS: Record<string, number> = { aws: 5, kubernetes: 2, random: 0, pulumi: 0, eks: 5 };

export function createSeconds(type: string): number {
    return CREATE_SECONDS[type] ?? DEFAULT_SECONDS[type.split(":")[0]] ?? 5;
}

export type Mode = "engine" | "own";

export interface Scheduled {
    urn: string;
    type: string;
    start: number;
    finish: number;
}

export interface Timeline {
    mode: Mode;
    /** Seconds until the last resource is created. */
    total: number;
    /** The chain that sets the total, first to last. */
    chain: Scheduled[];
    byUrn: Map<string, Scheduled>;
    /** What each scheduled resource waited for (leaves only, after expansion). */
    waitsFor: Map<string, string[]>;
}

/** `urn::id` of a provider reference -> the provider's URN. */
const providerUrn = (ref?: string) => (ref ? ref.slice(0, ref.lastIndexOf("::")) : undefined);

export function schedule(doc: Pick<PreviewDocument, "steps">, mode: Mode): Timeline {
    const steps = new Map<string, PreviewStep>(doc.steps.map((s) => [s.urn, s]));
    const children = new Map<string, string[]>();
    for (const s of doc.steps) {
        const p = s.newState.parent;
        if (p) children.set(p, [...(children.get(p) ?? []), s.urn]);
    }
    const isStack = (s: PreviewStep) => s.newState.type === "pulumi:pulumi:Stack";
    // A component with children in the plan is expanded; custom resources and remote components are leaves.
    const isLeaf = (s: PreviewStep) => !isStack(s) && (s.newState.custom || !(children.get(s.urn)?.length));

    const leavesCache = new Map<string, string[]>();
    const leavesOf = (urn: string): string[] => {
        const hit = leavesCache.get(urn);
        if (hit) return hit;
        const s = steps.get(urn);
        let out: string[] = [];
        if (s && isLeaf(s)) out = [urn];
        else if (s) out = (children.get(urn) ?? []).flatMap(leavesOf);
        leavesCache.set(urn, out);
        return out;
    };
    const directDeps = (s: PreviewStep): string[] => {
        const prov = providerUrn(s.provider);
        return [...s.newState.dependencies, ...(prov && steps.has(prov) ? [prov] : [])];
    };
    const waitSet = (s: PreviewStep): string[] => {
        const deps = [...directDeps(s)];
        if (mode === "engine") {
            for (let p = s.newState.parent; p && steps.has(p); p = steps.get(p)!.newState.parent) {
                const anc = steps.get(p)!;
                if (isStack(anc)) break;
                deps.push(...directDeps(anc));
            }
        }
        const own = new Set(leavesOf(s.urn));
        return [...new Set(deps.flatMap(leavesOf))].filter((u) => !own.has(u) && u !== s.urn);
    };

    const byUrn = new Map<string, Scheduled>();
    const waitsFor = new Map<string, string[]>();
    const visiting = new Set<string>();
    const finishOf = (urn: string): number => {
        const done = byUrn.get(urn);
        if (done) return done.finish;
        if (visiting.has(urn)) throw new Error(`dependency cycle through ${urn}`);
        visiting.add(urn);
        const s = steps.get(urn)!;
        const w = waitSet(s);
        const start = w.reduce((m, u) => Math.max(m, finishOf(u)), 0);
        const entry = { urn, type: s.newState.type, start, finish: start + createSeconds(s.newState.type) };
        byUrn.set(urn, entry);
        waitsFor.set(urn, w);
        visiting.delete(urn);
        return entry.finish;
    };
    for (const s of doc.steps) if (isLeaf(s)) finishOf(s.urn);

    let last: Scheduled | undefined;
    for (const e of byUrn.values()) if (!last || e.finish > last.finish) last = e;
    const chain: Scheduled[] = [];
    for (let cur = last; cur; ) {
        chain.unshift(cur);
        const preds = (waitsFor.get(cur.urn) ?? []).map((u) => byUrn.get(u)!).filter((p) => p.finish === cur!.start);
        cur = cur.start > 0 ? preds.sort((a, b) => b.finish - a.finish)[0] : undefined;
    }
    return { mode, total: last?.finish ?? 0, chain, byUrn, waitsFor };
}

/** Every leaf a resource waits for, directly or through what those wait for. */
export function transitiveWaits(t: Timeline, urn: string): Set<string> {
    const out = new Set<string>();
    const todo = [...(t.waitsFor.get(urn) ?? [])];
    while (todo.length) {
        const u = todo.pop()!;
        if (out.has(u)) continue;
        out.add(u);
        todo.push(...(t.waitsFor.get(u) ?? []));
    }
    return out;
}

const minutes = (s: number) => (s / 60).toFixed(1).padStart(5);
const nameOf = (urn: string) => urn.split("::").pop();

export function renderTimeline(engine: Timeline, own: Timeline): string {
    const lines = [
        `Estimated from-scratch create time: ${(engine.total / 60).toFixed(1)} min (typical create times per type: docs/deploy-timeline.md)`,
        `With every resource waiting only for its own dependencies: ${(own.total / 60).toFixed(1)} min`,
        "",
        "Critical chain (start -> finish, minutes):",
        ...engine.chain.map((e) => `  ${minutes(e.start)} -> ${minutes(e.finish)}  ${e.type}  ${nameOf(e.urn)}`),
    ];
    return lines.join("\n");
}
