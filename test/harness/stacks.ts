// The committed stacks, planned once per test process and shared by every spec.
import { prepareConfig } from "../../scripts/plan";
import { type ProgramRun, type RegisteredResource, runProgram } from "./run";
import { REPO_ROOT } from "../../repo-root";

const ROOT = REPO_ROOT;
const cache = new Map<string, Promise<ProgramRun>>();

/** Run index.ts with Pulumi.<stack>.yaml (required secrets filled with marked placeholders, as the plan does). */
export function planStack(stack: "dev" | "prod"): Promise<ProgramRun> {
    let p = cache.get(stack);
    if (!p) {
        const { config, secretKeys } = prepareConfig({ stack, json: true, strict: false }, ROOT);
        p = runProgram({ stack, config, secretKeys });
        cache.set(stack, p);
    }
    return p;
}

/** Run with the stack file plus overrides (`deepalpha:key` -> value; objects are deep-merged by the program's defaults). */
export function planWith(stack: "dev" | "prod", overrides: Record<string, string>): Promise<ProgramRun> {
    const { config, secretKeys } = prepareConfig({ stack, json: true, strict: false }, ROOT);
    return runProgram({ stack, config: { ...config, ...overrides }, secretKeys });
}

export const byType = (run: ProgramRun, type: string): RegisteredResource[] => run.resources.filter((r) => r.type === type);

export function one(run: ProgramRun, type: string, name: string): RegisteredResource {
    const found = run.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one ${type} named ${name}, found ${found.length}; ${type} names: ${byType(run, type).map((r) => r.name).join(", ") || "none"}`);
    }
    return found[0];
}

/** Kubernetes object by kind and metadata.name (and namespace). */
export function k8sObject(run: ProgramRun, kind: string, name: string, namespace?: string): RegisteredResource {
    const found = run.resources.filter((r) => {
        if (!r.type.startsWith("kubernetes:") || r.type.split(":")[2] !== kind) return false;
        const md = (r.values.metadata ?? {}) as { name?: string; namespace?: string };
        return md.name === name && (namespace === undefined || md.namespace === namespace);
    });
    if (found.length !== 1) throw new Error(`expected one ${kind} ${namespace ?? "*"}/${name}, found ${found.length}`);
    return found[0];
}

export const ROOT_DIR = ROOT;
