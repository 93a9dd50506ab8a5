// Pure parts of the end-to-end run: the e2e stack's configuration changes, the objects of the offline plan,
// and the comparison of a planned object with the one the API server holds. Unit-tested in test/e2e.spec.ts.
import * as YAML from "yaml";
import { PREINSTALLABLE_ADDONS } from "../settings/schema";

/** kwokctl names the context of cluster NAME `kwok-NAME`; e2e/cluster.sh creates `deepalpha-e2e`. */
export const KUBE_CONTEXT = "kwok-deepalpha-e2e";

export interface Override {
    /** Path under the stack file's `config:`. */
    path: string[];
    value: unknown;
    why: string;
}

/** What the e2e run changes in the committed Pulumi.dev.yaml, and why: only what an offline machine cannot have. */
export function E2E_OVERRIDES(kubeconfig: string): Override[] {
    return [
        { path: ["deepalpha:cluster", "kubeContext"], value: KUBE_CONTEXT, why: "the e2e control plane's context" },
        { path: ["deepalpha:cluster", "kubeconfigPath"], value: kubeconfig, why: "its kubeconfig, kept apart from ~/.kube/config" },
        {
            path: ["deepalpha:cluster", "gateway", "install"],
            value: false,
            why: "NGINX Gateway Fabric's chart and the Gateway API CRD file are downloaded from the internet; the cluster has the CRDs instead",
        },
        {
            path: ["deepalpha:preinstalled"],
            value: [...PREINSTALLABLE_ADDONS],
            why: "their charts are downloaded from the internet; the cluster has their CRDs (from their Go modules) and runs cert-manager's controller",
        },
    ];
}

/** The committed stack file's text with the e2e overrides applied (comments and order kept). */
export function e2eStackFile(committed: string, kubeconfig: string): string {
    const doc = YAML.parseDocument(committed);
    for (const o of E2E_OVERRIDES(kubeconfig)) doc.setIn(["config", ...o.path], o.value);
    return doc.toString();
}

/** What the run proves and what it leaves out, printed at the end of every run. */
export function coverage(): string[] {
    return [
        "covered: every object the dev stack creates itself (namespaces with Pod Security labels, RBAC, NetworkPolicies, " +
            "Secrets, ConfigMaps, PostgreSQL/Redis/InfluxDB/SeaweedFS StatefulSets with their volumes, migration Jobs, backup " +
            "CronJobs, the four workloads, HPAs, PDBs, Services, the Gateway and its HTTPRoutes, cert-manager Issuers and " +
            "Certificates issued by a real cert-manager controller, PodMonitors, ServiceMonitors, the PrometheusRule and the " +
            "dashboard) through the real engine, kubernetes and random providers, admission (Pod Security included) and the " +
            "controllers that own them",
        "left out: the upstream charts (NGINX Gateway Fabric, cert-manager's own chart, kube-prometheus-stack, the two " +
            "exporters, Jaeger) and the Gateway API CRD file: they are downloaded from the internet; stood in for by their " +
            "CRDs from their Go modules and cert-manager's controller built from its Go module",
        "left out: containers do not run (kwok simulates kubelets), so images, probes and the applications themselves are " +
            "not exercised; pods become Running and Ready, and Jobs complete, as the controllers and the provider expect",
    ];
}

export interface PlanObject {
    urn: string;
    /** kubectl resource reference: Kind for the core group, Kind.version.group otherwise. */
    resource: string;
    apiVersion: string;
    kind: string;
    name?: string;
    namespace?: string;
    inputs: Record<string, unknown>;
    retainOnDelete: boolean;
}

interface PlanStep {
    urn: string;
    newState: { type: string; custom?: boolean; retainOnDelete?: boolean; inputs?: Record<string, unknown> };
}

/** Types in the plan that are not objects in the API server (components rendering others, providers). */
const NOT_OBJECTS = new Set(["kubernetes:helm.sh/v4:Chart", "kubernetes:yaml/v2:ConfigFile", "kubernetes:yaml/v2:ConfigGroup", "kubernetes:kustomize/v2:Directory"]);

export function kubectlResource(apiVersion: string, kind: string): string {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    return group ? `${kind}.${version}.${group}` : kind;
}

/** Every Kubernetes object the plan creates. */
export function planObjects(doc: { steps: PlanStep[] }): PlanObject[] {
    const out: PlanObject[] = [];
    for (const s of doc.steps) {
        const t = s.newState.type;
        if (!t.startsWith("kubernetes:") || NOT_OBJECTS.has(t) || s.newState.custom === false) continue;
        const inputs = s.newState.inputs ?? {};
        const apiVersion = String(inputs.apiVersion ?? "");
        const kind = String(inputs.kind ?? "");
        if (!apiVersion || !kind) throw new Error(`plan resource ${s.urn} has no apiVersion/kind`);
        const meta = (inputs.metadata ?? {}) as { name?: string; namespace?: string };
        out.push({
            urn: s.urn,
            resource: kubectlResource(apiVersion, kind),
            apiVersion,
            kind,
            name: meta.name,
            namespace: meta.namespace,
            inputs,
            retainOnDelete: s.newState.retainOnDelete === true,
        });
    }
    return out;
}

export function liveKey(resource: string, item: Record<string, unknown>): string {
    const m = (item.metadata ?? {}) as { name?: string; namespace?: string };
    return `${resource}/${m.namespace ?? ""}/${m.name ?? ""}`;
}

/** Values the plan cannot know: secrets it masks and outputs the mocks computed. */
function unknowable(v: unknown): boolean {
    return typeof v === "string" && (v === "[secret]" || v.startsWith("[unknown") || v === "<computed>");
}

/**
 * Every value the plan sets under `planned` must be in `live` (which may hold more: server defaults). Arrays
 * must have the same length and match element by element. Returns the paths that differ.
 */
export function subsetDiff(planned: unknown, live: unknown, at: string): string[] {
    if (unknowable(planned) || planned === undefined) return [];
    if (Array.isArray(planned)) {
        if (!Array.isArray(live) || live.length !== planned.length) {
            return [`${at}: planned ${JSON.stringify(planned)}, live ${JSON.stringify(live)}`];
        }
        return planned.flatMap((p, i) => subsetDiff(p, live[i], `${at}[${i}]`));
    }
    if (planned !== null && typeof planned === "object") {
        if (live === null || typeof live !== "object" || Array.isArray(live)) return [`${at}: planned an object, live ${JSON.stringify(live)}`];
        return Object.entries(planned).flatMap(([k, v]) => subsetDiff(v, (live as Record<string, unknown>)[k], `${at}.${k}`));
    }
    // Kubernetes returns integer-or-string fields as given, and numbers as numbers.
    return planned === live ? [] : [`${at}: planned ${JSON.stringify(planned)}, live ${JSON.stringify(live)}`];
}

type Obj = Record<string, unknown>;
const get = (o: unknown, ...keys: string[]): unknown => keys.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Obj)[k] : undefined), o);

/** The pod template's spec of a workload object, if it has one. */
export function podSpecOf(kind: string, obj: unknown): Obj | undefined {
    if (kind === "CronJob") return get(obj, "spec", "jobTemplate", "spec", "template", "spec") as Obj | undefined;
    if (["Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"].includes(kind)) return get(obj, "spec", "template", "spec") as Obj | undefined;
    return undefined;
}

/**
 * Differences between a planned object and the live one: existence, kind, namespace, and the fields that say
 * what runs and how (replicas, images, security contexts, and the whole spec of policy-like objects).
 */
export function diffLiveObject(o: PlanObject, outputs: unknown, live: Map<string, Obj>): string[] {
    const name = (get(outputs, "metadata", "name") as string | undefined) ?? o.name;
    const namespace = (get(outputs, "metadata", "namespace") as string | undefined) ?? o.namespace ?? "";
    const where = `${o.kind} ${namespace ? namespace + "/" : ""}${name}`;
    const obj = live.get(`${o.resource}/${namespace}/${name}`);
    if (!obj) return [`${where}: not in the API server`];
    const problems: string[] = [];
    if (obj.apiVersion !== undefined && obj.apiVersion !== o.apiVersion) problems.push(`${where}: apiVersion ${String(obj.apiVersion)}, planned ${o.apiVersion}`);
    if (obj.kind !== undefined && obj.kind !== o.kind) problems.push(`${where}: kind ${String(obj.kind)}, planned ${o.kind}`);
    problems.push(...subsetDiff(get(o.inputs, "metadata", "labels"), get(obj, "metadata", "labels"), `${where} metadata.labels`));

    const plannedPod = podSpecOf(o.kind, o.inputs);
    if (plannedPod) {
        problems.push(...subsetDiff(get(o.inputs, "spec", "replicas"), get(obj, "spec", "replicas"), `${where} spec.replicas`));
        const livePod = podSpecOf(o.kind, obj) ?? {};
        problems.push(...subsetDiff(plannedPod.securityContext, livePod.securityContext, `${where} pod securityContext`));
        for (const list of ["initContainers", "containers"]) {
            const planned = (plannedPod[list] ?? []) as Obj[];
            const liveList = (livePod[list] ?? []) as Obj[];
            if (planned.length !== liveList.length) problems.push(`${where} ${list}: ${planned.length} planned, ${liveList.length} live`);
            for (const c of planned) {
                const l = liveList.find((x) => x.name === c.name);
                if (!l) {
                    problems.push(`${where} ${list} ${String(c.name)}: missing`);
                    continue;
                }
                problems.push(...subsetDiff(c.image, l.image, `${where} ${String(c.name)} image`));
                problems.push(...subsetDiff(c.securityContext, l.securityContext, `${where} ${String(c.name)} securityContext`));
            }
        }
    } else if (["NetworkPolicy", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Service", "Gateway", "HTTPRoute", "Issuer", "Certificate"].includes(o.kind)) {
        problems.push(...subsetDiff(o.inputs.spec, obj.spec, `${where} spec`));
    } else if (["Role", "ClusterRole"].includes(o.kind)) {
        problems.push(...subsetDiff(o.inputs.rules, obj.rules, `${where} rules`));
    } else if (o.kind === "RoleBinding") {
        problems.push(...subsetDiff(o.inputs.roleRef, obj.roleRef, `${where} roleRef`), ...subsetDiff(o.inputs.subjects, obj.subjects, `${where} subjects`));
    } else if (o.kind === "ConfigMap") {
        problems.push(...subsetDiff(o.inputs.data, obj.data, `${where} data`));
    } else if (o.kind === "Secret") {
        // Values are secret in the plan, and so is a whole stringData built from secret Outputs: then only
        // the type can be compared. Otherwise the keys can.
        problems.push(...subsetDiff(o.inputs.type, obj.type, `${where} type`));
        const maps = [o.inputs.stringData, o.inputs.data].filter((m) => m !== undefined);
        if (maps.some((m) => m === null || typeof m !== "object")) return problems;
        const plannedKeys = Object.keys(Object.assign({}, ...(maps as Obj[]))).sort();
        const liveKeys = Object.keys((obj.data ?? {}) as Obj).sort();
        if (JSON.stringify(plannedKeys) !== JSON.stringify(liveKeys)) problems.push(`${where}: keys ${liveKeys.join(",")}, planned ${plannedKeys.join(",")}`);
    } else if (o.kind === "Namespace") {
        problems.push(...subsetDiff(get(o.inputs, "metadata", "labels"), get(obj, "metadata", "labels"), `${where} labels`));
    }
    return problems;
}

/** What an upgrade's `pulumi up` may not do to an existing stack: each of these loses or recreates an object. */
export const UPGRADE_FORBIDDEN = ["replace", "create-replacement", "delete-replaced", "delete"] as const;

/**
 * The engine's change summary of the upgrade (`up` of the new release over the previous release's state):
 * the forbidden operations it contains, and a line with every count, the forbidden ones named even when 0.
 */
export function upgradeChanges(resourceChanges: Record<string, number> | undefined): { forbidden: string[]; summary: string } {
    const changes = resourceChanges ?? {};
    const forbidden = UPGRADE_FORBIDDEN.filter((op) => (changes[op] ?? 0) > 0).map((op) => `${op} ${changes[op]}`);
    const shown = ["same", "update", "create", ...UPGRADE_FORBIDDEN];
    const others = Object.keys(changes).filter((k) => !shown.includes(k)).sort();
    const summary = [...shown, ...others].map((op) => `${op} ${changes[op] ?? 0}`).join(", ");
    return { forbidden, summary };
}

interface AliasedStep {
    urn: string;
    newState: { aliases?: string[] };
}

/**
 * The plan's renamed resources (steps[].newState.aliases: the URNs they had before) against the state after the
 * upgrade: each must be there under its new URN, and none of its old URNs may be left. `previousUrns` (the
 * previous release's state) tells how many of the old URNs the upgrade really moved, rather than never met.
 */
export function aliasMoves(steps: AliasedStep[], stateUrns: Iterable<string>, previousUrns: Iterable<string>): { aliased: number; moved: number; problems: string[] } {
    const state = new Set(stateUrns);
    const previous = new Set(previousUrns);
    const problems: string[] = [];
    let aliased = 0;
    let moved = 0;
    for (const s of steps) {
        const old = s.newState.aliases ?? [];
        if (!old.length) continue;
        aliased++;
        if (!state.has(s.urn)) problems.push(`${s.urn}: not in the state under its new URN`);
        for (const o of old) if (state.has(o)) problems.push(`${o}: the old URN of ${s.urn} is still in the state`);
        if (old.some((o) => previous.has(o))) moved++;
    }
    return { aliased, moved, problems };
}
