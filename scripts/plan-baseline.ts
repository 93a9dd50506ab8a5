// `npm run plan:baseline -- [--write] [--stack <dev|prod>]...`
// The plans' fingerprints: per resource, its identity (the URN it had before any rename: the first alias, else
// its URN), type, parent, provider, options and a hash of each top-level input. test/plan-baseline.spec.ts checks
// that the dev and prod plans still have the committed fingerprints (test/fixtures/plan-baseline/), so a refactor
// that moves code between packages cannot change a URN without an alias, nor any input. A change that means to
// alter what a stack deploys rewrites them with --write, and the diff of the fixtures shows what it altered.
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { EXIT_FAILURE, UsageError, exitWith, parse, parseCommandLine } from "./cli";
import type { PreviewDocument } from "../test/harness/preview";
import { REPO_ROOT } from "../repo-root";

const ROOT = REPO_ROOT;
export const BASELINE_DIR = path.join(ROOT, "test", "fixtures", "plan-baseline");
export const BASELINE_STACKS = ["dev", "prod"] as const;

export interface ResourcePrint {
    type: string;
    parent?: string;
    provider?: string;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    dependencies: string[];
    /** Top-level input key -> first 16 hex digits of sha256 of its canonical JSON. */
    inputs: Record<string, string>;
}
/** Identity URN -> fingerprint, in plan order. */
export type PlanPrint = Record<string, ResourcePrint>;

/** JSON with object keys sorted at every level: the same value always prints the same text. */
function canonical(v: unknown): string {
    if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
    if (v && typeof v === "object") {
        return `{${Object.keys(v)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
            .join(",")}}`;
    }
    return JSON.stringify(v);
}
const digest = (v: unknown) => createHash("sha256").update(canonical(v)).digest("hex").slice(0, 16);

export function fingerprint(doc: PreviewDocument): PlanPrint {
    // A renamed resource keeps the identity it had: every reference to it (parent, dependencies) is mapped too.
    const identity = new Map<string, string>();
    for (const s of doc.steps) identity.set(s.urn, s.newState.aliases?.[0] ?? s.urn);
    const id = (urn: string) => identity.get(urn) ?? urn;
    const out: PlanPrint = {};
    for (const s of doc.steps) {
        const n = s.newState;
        out[id(s.urn)] = {
            type: n.type,
            ...(n.parent ? { parent: id(n.parent) } : {}),
            ...(n.provider ? { provider: n.provider } : {}),
            protect: n.protect,
            retainOnDelete: n.retainOnDelete,
            ignoreChanges: n.ignoreChanges ?? [],
            dependencies: n.dependencies.map(id).sort(),
            inputs: Object.fromEntries(Object.keys(n.inputs).sort().map((k) => [k, digest(n.inputs[k])])),
        };
    }
    return out;
}

/** What differs between two fingerprints, one line per resource: missing, new, or which fields changed. */
export function comparePrints(before: PlanPrint, after: PlanPrint): string[] {
    const lines: string[] = [];
    for (const urn of Object.keys(before)) if (!(urn in after)) lines.push(`gone (no resource has this URN or an alias to it): ${urn}`);
    for (const urn of Object.keys(after)) if (!(urn in before)) lines.push(`new: ${urn}`);
    for (const urn of Object.keys(before)) {
        const a = before[urn];
        const b = after[urn];
        if (!b) continue;
        const changed: string[] = [];
        for (const k of ["type", "parent", "provider", "protect", "retainOnDelete", "ignoreChanges", "dependencies"] as const) {
            if (canonical(a[k]) !== canonical(b[k])) changed.push(k);
        }
        for (const k of new Set([...Object.keys(a.inputs), ...Object.keys(b.inputs)])) if (a.inputs[k] !== b.inputs[k]) changed.push(`inputs.${k}`);
        if (changed.length) lines.push(`changed ${changed.join(", ")}: ${urn}`);
    }
    return lines;
}

export function baselineFile(stack: string): string {
    return path.join(BASELINE_DIR, `${stack}.json`);
}

export function readBaseline(stack: string): PlanPrint {
    return JSON.parse(fs.readFileSync(baselineFile(stack), "utf8")) as PlanPrint;
}

export const USAGE = `usage: npm run plan:baseline -- [--stack <dev|prod>] [--write]

Compares the offline plans of dev and prod (or the one --stack names) with their committed fingerprints in
test/fixtures/plan-baseline/: every resource by the URN it had before any rename, its options and a hash of
each input. Exit 1 when they differ, listing each difference.

  -s, --stack NAME   only this stack
      --write        rewrite the fingerprints from the current plans (a change that means to alter a stack)
  -h, --help         print this help`;

async function main(argv: string[]): Promise<number> {
    const parsed = parseCommandLine(() => {
        const { options, positionals } = parse(argv, [
            { name: "write", value: false },
            { name: "stack", short: "s", value: true },
        ]);
        if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
        const stack = options.get("stack") as string | undefined;
        if (stack !== undefined && !(BASELINE_STACKS as readonly string[]).includes(stack)) throw new UsageError(`--stack ${JSON.stringify(stack)}: allowed are ${BASELINE_STACKS.join(", ")}`);
        return { stacks: stack ? [stack as (typeof BASELINE_STACKS)[number]] : [...BASELINE_STACKS], write: options.has("write") };
    }, USAGE);
    if ("exit" in parsed) return parsed.exit;
    const { stacks, write } = parsed.args;
    let failed = false;
    for (const stack of stacks) {
        const print = fingerprint(await planDocument(stack));
        if (write) {
            fs.mkdirSync(BASELINE_DIR, { recursive: true });
            fs.writeFileSync(baselineFile(stack), `${JSON.stringify(print, null, 1)}\n`);
            process.stdout.write(`${stack}: ${Object.keys(print).length} resources written to ${path.relative(ROOT, baselineFile(stack))}\n`);
            continue;
        }
        const diff = comparePrints(readBaseline(stack), print);
        process.stdout.write(`${stack}: ${Object.keys(print).length} resources, ${diff.length} differences from the baseline\n${diff.map((l) => `  ${l}\n`).join("")}`);
        if (diff.length) failed = true;
    }
    return failed ? EXIT_FAILURE : 0;
}

/** The stack's offline plan as `npm run plan -- --json` prints it (committed stack file, placeholders noted). */
export async function planDocument(stack: "dev" | "prod"): Promise<PreviewDocument> {
    const { planStack } = await import("../test/harness/stacks");
    const { prepareConfig } = await import("./plan");
    const { toPreview } = await import("../test/harness/preview");
    const { config, secretKeys } = prepareConfig({ stack, json: true, strict: false });
    return toPreview(await planStack(stack), config, secretKeys, []);
}

if (require.main === module) {
    // The mocks go in before the program loads, as in the tests.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("../test/setup");
    main(process.argv.slice(2)).then((code) => exitWith(code), (e: unknown) => {
        process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
        exitWith(EXIT_FAILURE);
    });
}
