// @deepalpha/testing (private): runs tier components under Pulumi's mocks, as their package tests need. Each
// package's tests construct components with their own args and read back what was registered: type, name, URN,
// parent, inputs (Outputs resolved, secrets masked or not) and options. No engine, no cloud.
import * as pulumi from "@pulumi/pulumi";

/** What one resource registration looked like. */
export interface Registered {
    type: string;
    name: string;
    urn: string;
    /** URN of the parent (the stack for top-level resources). */
    parent: string;
    /** Inputs with Outputs resolved; secrets shown as "[secret]". */
    inputs: Record<string, unknown>;
    /** Inputs with secrets in clear: for assertions only. */
    values: Record<string, unknown>;
    protect: boolean;
    ignoreChanges: string[];
    /** Name-only aliases, as the old names. */
    aliases: string[];
}

/** Per resource type, what the mock provider answers on create (besides echoing the inputs). */
export type MockStates = Record<string, (name: string, inputs: Record<string, unknown>) => { id?: string; state?: Record<string, unknown> }>;

/** Per invoke token, the answer (an unknown token fails loudly rather than echo). */
export type MockInvokes = Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;

export const SECRET = "[secret]";
const UNKNOWN = "[unknown]";

let installed: { states: MockStates; invokes: MockInvokes } | undefined;

/** Install the mocks once per process (a mocha --require file), before any component module is loaded. */
export function installMocks(states: MockStates = {}, invokes: MockInvokes = {}, project = "test", stack = "test"): void {
    installed = { states, invokes };
    void pulumi.runtime.setMocks(
        {
            newResource(args) {
                const custom = installed!.states[args.type]?.(args.name, args.inputs) ?? {};
                return { id: custom.id ?? `${args.name}-id`, state: { ...args.inputs, ...custom.state } };
            },
            call(args) {
                const handler = installed!.invokes[args.token];
                if (!handler) throw new Error(`unmocked invoke ${args.token}: add an answer to the test's invokes`);
                return handler(args.inputs);
            },
        },
        project,
        stack,
        false,
    );
}

type OutputInternals = { isKnown: Promise<boolean>; isSecret: Promise<boolean>; promise(): Promise<unknown> };

async function resolve(v: unknown, mask: boolean, secret = false): Promise<unknown> {
    if (v === undefined || v === null || typeof v !== "object") {
        if (typeof v === "function") return undefined;
        return secret && mask ? SECRET : v;
    }
    if (pulumi.Output.isInstance(v)) {
        const o = v as unknown as OutputInternals;
        const [known, isSecret] = await Promise.all([o.isKnown, o.isSecret]);
        if (isSecret && mask) return SECRET;
        if (!known) return UNKNOWN;
        return resolve(await o.promise(), mask, secret || isSecret);
    }
    if (v instanceof Promise) return resolve(await v, mask, secret);
    if (pulumi.Resource.isInstance(v)) return (v.urn as unknown as OutputInternals).promise();
    if (Array.isArray(v)) return Promise.all(v.map((x) => resolve(x, mask, secret)));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
        const r = await resolve(x, mask, secret);
        if (r !== undefined) out[k] = r;
    }
    return out;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `program` as a Pulumi program under the installed mocks and returns every resource it registered, in
 * order. Runs are serialised (the runtime's state is per process); a program that throws rejects with its error.
 */
export function runComponents(program: () => unknown): Promise<Registered[]> {
    if (!installed) throw new Error("installMocks() first (a mocha --require file), before the component modules load");
    const next = queue.then(() => runOnce(program));
    queue = next.catch(() => undefined);
    return next;
}

/**
 * The SDK records a stack trace for every promise it makes (for its leak report), and ts-node's source-map-support
 * maps every frame of each: most of a run's time under mocks. During a run, V8's own formatter is used; around it,
 * stacks are source-mapped as before, so a failing assertion still points at the spec's line.
 */
async function runOnce(program: () => unknown): Promise<Registered[]> {
    const prepare = Error.prepareStackTrace;
    // Node's typings say the hook is always set; unset is V8's documented default.
    (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    try {
        return await runProgram(program);
    } finally {
        Error.prepareStackTrace = prepare;
    }
}

async function runProgram(program: () => unknown): Promise<Registered[]> {
    const captured: { resource: pulumi.Resource; type: string; name: string; props: unknown; opts: pulumi.ResourceOptions & { ignoreChanges?: string[] } }[] = [];
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            captured.push({ resource: args.resource, type: args.type, name: args.name, props: args.props, opts: args.opts });
            return undefined;
        });
        await program();
        return {};
    });
    const stackUrn = (await ((pulumi.runtime as unknown as { getStackResource(): pulumi.Resource }).getStackResource().urn as unknown as OutputInternals).promise()) as string;
    return Promise.all(
        captured.map(async (c) => {
            const parentResource = (c.resource as unknown as { __parentResource?: pulumi.Resource }).__parentResource;
            return {
                type: c.type,
                name: c.name,
                urn: (await (c.resource.urn as unknown as OutputInternals).promise()) as string,
                parent: parentResource ? ((await (parentResource.urn as unknown as OutputInternals).promise()) as string) : stackUrn,
                inputs: (await resolve(c.props ?? {}, true)) as Record<string, unknown>,
                values: (await resolve(c.props ?? {}, false)) as Record<string, unknown>,
                protect: (c.resource as unknown as { __protect?: boolean }).__protect === true,
                ignoreChanges: c.opts.ignoreChanges ?? [],
                aliases: (c.opts.aliases ?? []).flatMap((a) => (a && typeof a === "object" && "name" in a && typeof a.name === "string" ? [a.name] : [])),
            };
        }),
    );
}

/** The URNs registered more than once (two instances that collide): empty when every child is named apart. */
export function duplicateUrns(resources: Registered[]): string[] {
    const seen = new Set<string>();
    const dup = new Set<string>();
    for (const r of resources) (seen.has(r.urn) ? dup : seen).add(r.urn);
    return [...dup];
}
