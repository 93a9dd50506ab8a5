// What the program ships, read from the offline plan (`npm run plan -- --stack <s> --json`, as the README
// gives it): the ConfigMaps' files, the Jobs' commands and environment, the PrometheusRules. Nothing here is
// a copy: every test takes its SQL, scripts and rules from this document or from the module that builds them.
import { npmPlan } from "../harness/cli";
import type { PreviewDocument, PreviewStep } from "../harness/preview";

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const plans = new Map<string, Promise<PreviewDocument>>();

export function plan(stack: "dev" | "prod"): Promise<PreviewDocument> {
    let p = plans.get(stack);
    if (!p) {
        p = npmPlan(["--stack", stack, "--json"]).then((r) => {
            if (r.code !== 0) throw new Error(`npm run plan -- --stack ${stack} --json exited ${r.code}: ${r.stderr}`);
            return JSON.parse(r.stdout) as PreviewDocument;
        });
        plans.set(stack, p);
    }
    return p;
}

export function kubernetesObjects(doc: PreviewDocument, kind: string): PreviewStep[] {
    return doc.steps.filter((s) => s.newState.type.startsWith("kubernetes:") && s.newState.type.split(":")[2] === kind);
}

/** The Kubernetes object of that kind whose metadata.name is `name` (or whose URN name is, for generated names). */
export function kubernetesObject(doc: PreviewDocument, kind: string, name: string): Obj {
    const found = kubernetesObjects(doc, kind).filter((s) => (s.newState.inputs as Obj).metadata?.name === name || s.urn.endsWith(`::${name}`));
    if (found.length !== 1) throw new Error(`expected one ${kind} ${name} in the plan, found ${found.length}`);
    return found[0].newState.inputs as Obj;
}

/** Pod spec of a Deployment, StatefulSet, DaemonSet, Job or CronJob. */
export function podSpec(o: Obj): Obj | undefined {
    return o.spec?.jobTemplate?.spec?.template?.spec ?? o.spec?.template?.spec;
}

export function container(o: Obj, name: string): Obj {
    const spec = podSpec(o) ?? {};
    const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])] as Obj[];
    const c = all.find((x) => x.name === name);
    if (!c) throw new Error(`no container ${name}; containers: ${all.map((x) => x.name).join(", ")}`);
    return c;
}

/** Plain env values of a container (secretKeyRef values are not in a plan). */
export function plainEnv(c: Obj): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of (c.env ?? []) as Obj[]) if (typeof e.value === "string") out[e.name] = e.value;
    return out;
}
