// Runs the whole Pulumi program (index.ts) under mocks for one stack configuration and returns every
// resource it registered, with resolved inputs and options. The tests and `npm run plan` both use it.
import * as pulumi from "@pulumi/pulumi";
import { computedByMocks, legacyIdentity, mocks } from "./mocks";

export const PROJECT = "deepalpha";
export const SECRET_MASK = "[secret]";
export const UNKNOWN_MASK = "[unknown]";

export interface RunOptions {
    stack: string;
    /** Stack configuration, keyed `namespace:key`, values as Pulumi hands them over (objects as JSON text). */
    config: Record<string, string>;
    /** Keys of `config` that were set with `--secret`. */
    secretKeys?: string[];
    /** Placeholder values (documentation CIDRs, example domains): noted by default, as the offline plan does. */
    placeholders?: "note" | "refuse";
}

export interface RegisteredResource {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    parent?: string;
    /** `urn::id` of the provider that manages the resource (custom and remote resources only). */
    provider?: string;
    /** Inputs with every secret replaced by "[secret]": safe to print. */
    inputs: Record<string, unknown>;
    /** Inputs with secrets in clear: for assertions only, never printed. */
    values: Record<string, unknown>;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    /** URNs this resource had before a rename (`aliases` by name, deployment/aliases.ts): the engine moves it, not replaces it. */
    aliases: string[];
    /** URNs named in `dependsOn`. */
    dependsOn: string[];
    /** dependsOn plus every resource an input Output comes from, as the engine records them. */
    dependencies: string[];
    deleteBeforeReplace: boolean;
    customTimeouts?: { create?: string; update?: string; delete?: string };
}

export interface ProgramRun {
    stack: string;
    stackUrn: string;
    resources: RegisteredResource[];
    outputs: Record<string, unknown>;
    /** Outputs with secrets in clear: for assertions only. */
    outputValues: Record<string, unknown>;
    /** Outputs whose value holds something the mocks made up (an ID, ARN, endpoint, the account): not the real value. */
    outputsComputedByMocks: string[];
}

interface Captured {
    resource: pulumi.Resource;
    type: string;
    name: string;
    props: unknown;
    opts: pulumi.CustomResourceOptions & pulumi.ComponentResourceOptions;
}

// Internals of the SDK's Resource and Output that the engine would otherwise report.
type ResourceInternals = { __prov?: pulumi.ProviderResource; __protect?: boolean; __parentResource?: pulumi.Resource };
type OutputInternals = {
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
    promise(withUnknowns?: boolean): Promise<unknown>;
    allResources?: () => Promise<Set<pulumi.Resource>>;
};

async function urnOf(r: pulumi.Resource): Promise<string> {
    return (await (r.urn as unknown as OutputInternals).promise()) as string;
}

/** Resolve an input tree: Outputs and Promises awaited, secrets masked (or not), resources collected. */
async function resolve(v: unknown, mask: boolean, deps: Set<pulumi.Resource>, secret = false): Promise<unknown> {
    if (v === undefined || v === null || typeof v !== "object") {
        if (typeof v === "function") return undefined;
        return secret && mask ? SECRET_MASK : v;
    }
    if (pulumi.Output.isInstance(v)) {
        const o = v as unknown as OutputInternals;
        const [known, isSecret] = await Promise.all([o.isKnown, o.isSecret]);
        if (o.allResources) for (const r of await o.allResources()) deps.add(r);
        if (isSecret && mask) return SECRET_MASK;
        if (!known) return UNKNOWN_MASK;
        return resolve(await o.promise(), mask, deps, secret || isSecret);
    }
    if (v instanceof Promise) return resolve(await v, mask, deps, secret);
    if (pulumi.Resource.isInstance(v)) {
        deps.add(v);
        return urnOf(v);
    }
    if (pulumi.asset.Asset.isInstance(v) || pulumi.asset.Archive.isInstance(v)) return "[asset]";
    if (Array.isArray(v)) return Promise.all((v as unknown[]).map((x) => resolve(x, mask, deps, secret)));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
        const r = await resolve(x, mask, deps, secret);
        if (r !== undefined) out[k] = r;
    }
    return out;
}

/**
 * The old URNs of a resource's name-only aliases (same type and parent: deployment/aliases.ts makes them). The
 * type aliases the providers' SDKs add themselves (PodDisruptionBudget's policy/v1beta1, say) are not renames.
 */
function aliasUrns(urn: string, aliases: pulumi.CustomResourceOptions["aliases"]): string[] {
    const out: string[] = [];
    for (const a of aliases ?? []) {
        if (typeof a === "string") out.push(a);
        else if (a && typeof a === "object" && "name" in a && typeof a.name === "string" && Object.keys(a).length === 1) out.push(urn.slice(0, urn.lastIndexOf("::") + 2) + a.name);
    }
    return out;
}

async function describe(c: Captured, stackUrn: string): Promise<RegisteredResource> {
    const internals = c.resource as unknown as ResourceInternals;
    const deps = new Set<pulumi.Resource>();
    const [inputs, values] = await Promise.all([
        resolve(c.props ?? {}, true, deps) as Promise<Record<string, unknown>>,
        resolve(c.props ?? {}, false, new Set()) as Promise<Record<string, unknown>>,
    ]);
    const dependsOnRaw = c.opts.dependsOn ? await resolve(c.opts.dependsOn, false, new Set()) : [];
    const dependsOnList = (Array.isArray(dependsOnRaw) ? dependsOnRaw : [dependsOnRaw]).filter((x): x is string => typeof x === "string");
    const depUrns = new Set<string>(dependsOnList);
    for (const d of deps) depUrns.add(await urnOf(d));
    const custom = pulumi.CustomResource.isInstance(c.resource);
    const prov = internals.__prov;
    let provider: string | undefined;
    if (prov) {
        provider = `${await urnOf(prov)}::${(await (prov.id as unknown as OutputInternals).promise()) as string}`;
    } else if ((custom || (c.resource as unknown as { __remote?: boolean }).__remote) && !c.type.startsWith("pulumi:providers:")) {
        const pkg = c.type.split(":")[0];
        provider = `urn:pulumi:${pulumi.getStack()}::${PROJECT}::pulumi:providers:${pkg}::default::default`;
    }
    const parent = internals.__parentResource ? await urnOf(internals.__parentResource) : stackUrn;
    const urn = await urnOf(c.resource);
    return {
        type: c.type,
        name: c.name,
        urn,
        custom,
        parent,
        provider,
        inputs,
        values,
        protect: internals.__protect === true,
        retainOnDelete: c.opts.retainOnDelete === true,
        ignoreChanges: c.opts.ignoreChanges ?? [],
        aliases: aliasUrns(urn, c.opts.aliases),
        dependsOn: dependsOnList,
        dependencies: [...depUrns].sort(),
        deleteBeforeReplace: c.opts.deleteBeforeReplace === true,
        customTimeouts: c.opts.customTimeouts,
    };
}

let running = Promise.resolve();

/** Runs already made in this process, by configuration: each distinct configuration is planned once. */
const runs = new Map<string, Promise<ProgramRun>>();

/**
 * Run index.ts for one stack. Runs are serialised (the Pulumi runtime's state is per process), and a configuration
 * planned before in this process is answered from that run: specs share it, so they must not modify what they get.
 */
export function runProgram(options: RunOptions): Promise<ProgramRun> {
    const key = JSON.stringify([options.stack, Object.entries(options.config).sort(), [...(options.secretKeys ?? [])].sort(), options.placeholders ?? "note"]);
    const known = runs.get(key);
    if (known) return known;
    const next = running.then(() => runOnce(options));
    running = next.then(
        () => undefined,
        () => undefined,
    );
    runs.set(key, next);
    return next;
}

/**
 * The engine's URN for a resource: its type qualified by its parent's whole qualified type, except under the
 * root Stack, whose type is left out (pulumi/pulumi resource.NewURN). The SDK's mock monitor instead takes
 * only the last type of the parent's chain, and keeps the Stack's, so a URN copied from a mock plan into
 * `pulumi state` or `--target` would name nothing.
 */
export function engineUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
    const parentType = parentUrn ? parentUrn.split("::")[2] : "";
    const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * Pulumi's SDK records a stack trace for every promise it makes (runtime/debuggable.ts, for its leak report), and
 * ts-node's source-map-support maps every frame of every one: under mocks that was three quarters of a run (a prod
 * run 1.4 s, 0.5 s without; measured). During a run V8's own formatter is used (file and line of the transpiled
 * code); around it, stacks are source-mapped as before, so a failing assertion still points at the spec's line.
 */
async function withPlainStackTraces<T>(fn: () => Promise<T>): Promise<T> {
    const prepare = Error.prepareStackTrace;
    Error.prepareStackTrace = plainStackTrace;
    try {
        return await fn();
    } finally {
        Error.prepareStackTrace = prepare;
    }
}

/**
 * V8's own format, except for the stack the SDK takes for each promise (debuggablePromise), which it reads only for
 * its leak report under PULUMI_DEBUG_PROMISE_LEAKS: formatting those was a third of the specs' process's CPU time.
 */
function plainStackTrace(error: Error, frames: NodeJS.CallSite[]): string {
    if (frames[0]?.getFunctionName() === "debuggablePromise" && !process.env.PULUMI_DEBUG_PROMISE_LEAKS) return "";
    return `${error}${frames.map((f) => `\n    at ${f}`).join("")}`;
}

function runOnce(options: RunOptions): Promise<ProgramRun> {
    return withPlainStackTraces(() => runProgramOnce(options));
}

async function runProgramOnce(options: RunOptions): Promise<ProgramRun> {
    computedByMocks.clear();
    legacyIdentity.clear();
    await pulumi.runtime.setMocks(mocks, PROJECT, options.stack, false);
    // The mock monitor makes every URN through its newUrn method: give it the engine's rule.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const monitor = (require("@pulumi/pulumi/runtime/settings") as { getMonitor(): { newUrn?: unknown } }).getMonitor();
    if (typeof monitor.newUrn !== "function") throw new Error("the SDK's mock monitor has no newUrn method: re-check engineUrn against this @pulumi/pulumi");
    monitor.newUrn = (parent: string, type: string, name: string) => engineUrn(options.stack, PROJECT, parent || undefined, type, name);
    pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
    const captured: Captured[] = [];
    // The program module exports its main function (index.ts: loadConfig, checkAgainstEc2, then deploy).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const main = require("../../index") as () => unknown;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("../../config") as typeof import("../../config")).setPlaceholderMode(options.placeholders ?? "note");
    let stackResource: pulumi.Resource | undefined;
    let outputs: unknown;
    await pulumi.runtime.runInPulumiStack(async () => {
        stackResource = (pulumi.runtime as unknown as { getStackResource(): pulumi.Resource }).getStackResource();
        pulumi.runtime.registerStackTransformation((args) => {
            captured.push({ resource: args.resource, type: args.type, name: args.name, props: args.props, opts: args.opts });
            for (const a of args.opts.aliases ?? []) {
                if (a && typeof a === "object" && "name" in a && typeof a.name === "string" && Object.keys(a).length === 1) legacyIdentity.set(`${args.type}::${args.name}`, a.name);
            }
            return undefined;
        });
        // Keep the program's own return value: the stack's massaged copy loses which outputs are secret.
        outputs = await main();
        return outputs as Record<string, unknown>;
    });
    const stackUrn = stackResource ? await urnOf(stackResource) : `urn:pulumi:${options.stack}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${options.stack}`;
    const resources = await Promise.all(captured.map((c) => describe(c, stackUrn)));
    const [maskedOutputs, outputValues] = await Promise.all([
        resolve(outputs ?? {}, true, new Set()) as Promise<Record<string, unknown>>,
        resolve(outputs ?? {}, false, new Set()) as Promise<Record<string, unknown>>,
    ]);
    const outputsComputedByMocks = Object.keys(outputValues).filter((k) => {
        const text = JSON.stringify(outputValues[k]) ?? "";
        for (const c of computedByMocks) if (text.includes(c)) return true;
        return false;
    });
    return { stack: options.stack, stackUrn, resources, outputs: maskedOutputs, outputValues, outputsComputedByMocks };
}
