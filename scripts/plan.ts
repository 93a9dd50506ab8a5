// `npm run plan -- --stack <dev|prod> [--json] [--config-file PATH] [--strict] [--timeline]`
// Offline preview: runs index.ts under the mock harness with the stack's configuration and prints what
// `pulumi up` would create. No cloud account, no Pulumi CLI. Exit 1 on bad configuration, with the key
// and no stack trace. The policy pack (policy/) runs over everything the program registers: violations
// are printed (text) or listed as `policyViolations` (--json), and a mandatory one exits 1.
import * as path from "path";
import { REQUIRED_SECRETS, SECRET_KEYS, type Profile } from "../settings/schema";
import { ConfigError, NAMESPACE, validateConfig } from "../settings/validate";
import { OFFLINE_SECRET_PLACEHOLDER, StackFileError, readStackFile } from "../test/harness/stack-file";

const USAGE = "usage: npm run plan -- --stack <dev|prod> [--json] [--config-file PATH] [--strict] [--timeline]";

export interface PlanArgs {
    stack: string;
    json: boolean;
    configFile?: string;
    /** Do not fill missing required secrets with placeholders: fail as `pulumi up` would. */
    strict: boolean;
    /** Print the estimated from-scratch deploy time and its critical chain (scripts/timeline.ts). */
    timeline?: boolean;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): PlanArgs {
    const out: PlanArgs = { stack: "", json: false, strict: false, timeline: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--json") out.json = true;
        else if (a === "--strict") out.strict = true;
        else if (a === "--timeline") out.timeline = true;
        else if (a === "--stack" || a === "--config-file") {
            const v = argv[++i];
            if (!v || v.startsWith("--")) throw new UsageError(`${a} needs a value\n${USAGE}`);
            if (a === "--stack") out.stack = v;
            else out.configFile = v;
        } else throw new UsageError(`unknown argument ${JSON.stringify(a)}\n${USAGE}`);
    }
    if (!out.stack) throw new UsageError(`--stack is required\n${USAGE}`);
    if (!/^[A-Za-z0-9_.-]+$/.test(out.stack)) throw new UsageError(`--stack ${JSON.stringify(out.stack)}: expected a stack name such as dev or prod`);
    return out;
}

export interface PreparedConfig {
    config: Record<string, string>;
    secretKeys: string[];
    notes: string[];
}

/** Load and validate the stack's configuration before any Pulumi code is loaded. */
export function prepareConfig(args: PlanArgs, root = path.resolve(__dirname, "..")): PreparedConfig {
    const file = args.configFile ? path.resolve(args.configFile) : path.join(root, `Pulumi.${args.stack}.yaml`);
    const { config, secureKeys } = readStackFile(file);
    const notes: string[] = [];
    const secretKeys = [...secureKeys];
    if (secureKeys.length) notes.push(`encrypted values of ${secureKeys.join(", ")} cannot be decrypted offline: the plan shows them as [secret]`);
    if (!args.strict) {
        const profile = (config[`${NAMESPACE}:profile`] ?? "local") as Profile;
        const missing = (REQUIRED_SECRETS[profile] ?? []).filter((k) => config[`${NAMESPACE}:${k}`] === undefined);
        for (const k of missing) {
            config[`${NAMESPACE}:${k}`] = OFFLINE_SECRET_PLACEHOLDER;
            secretKeys.push(`${NAMESPACE}:${k}`);
        }
        if (missing.length) {
            notes.push(`required secrets not in ${path.basename(file)} were filled with marked placeholders (shown as [secret]): ${missing.join(", ")}; run with --strict to fail as pulumi up would`);
        }
    }
    const { placeholderNotes } = validateConfig({ values: config, secretKeys: new Set(secretKeys), stack: args.stack }, { placeholders: args.strict ? "refuse" : "note" });
    for (const n of placeholderNotes) notes.push(`placeholder, pulumi up and --strict refuse it: ${n}`);
    void SECRET_KEYS;
    return { config, secretKeys, notes };
}

/**
 * The policy pack, resource and stack policies, over everything the program registered: the same
 * evaluation `npm run policy:check` runs on this document, with policy/config.<dev|prod>.json (chosen by
 * stack name, else by profile). The plan exits 1 when a violation is mandatory.
 */
export async function evaluatePlanPolicies(doc: unknown, stack: string, profile: string | undefined) {
    const offline = await import("../policy/offline");
    const policyStack = offline.configStackFor(stack, profile);
    return { policyStack, result: await offline.evaluatePreview(doc, policyStack, "plan") };
}

async function main(): Promise<number> {
    let args: PlanArgs;
    let prepared: PreparedConfig;
    try {
        args = parseArgs(process.argv.slice(2));
        prepared = prepareConfig(args);
    } catch (e) {
        if (e instanceof UsageError || e instanceof StackFileError || e instanceof ConfigError) {
            process.stderr.write(`error: ${e.message}\n`);
            return 1;
        }
        throw e;
    }
    // Loaded only now: a configuration error above answers without loading the provider SDKs.
    const { runProgram } = await import("../test/harness/run");
    const { toPreview, renderTree } = await import("../test/harness/preview");
    const started = Date.now();
    const run = await runProgram({ stack: args.stack, config: prepared.config, secretKeys: prepared.secretKeys });
    const doc = toPreview(run, prepared.config, prepared.secretKeys, prepared.notes);
    const offline = await import("../policy/offline");
    const { policyStack, result: policy } = await evaluatePlanPolicies(doc, args.stack, prepared.config[`${NAMESPACE}:profile`]);
    const { schedule, renderTimeline } = await import("./timeline");
    if (args.json) {
        const timeline = args.timeline ? { seconds: schedule(doc, "engine").total, ownDependenciesSeconds: schedule(doc, "own").total } : undefined;
        process.stdout.write(JSON.stringify({ ...doc, policyViolations: policy.violations, ...(timeline ? { timeline } : {}) }, null, 2) + "\n");
    } else if (args.timeline) {
        process.stdout.write(`Offline plan for stack ${args.stack}: from-scratch deploy timeline\n\n${renderTimeline(schedule(doc, "engine"), schedule(doc, "own"))}\n`);
    } else {
        process.stdout.write(`Offline plan for stack ${args.stack} (mocked providers, no cloud calls)\n\n${renderTree(doc)}\n`);
        process.stdout.write(`\n${offline.renderViolations(policy)}\n`);
        process.stdout.write(`\nplanned in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
    for (const n of doc.notes) process.stderr.write(`note: ${n}\n`);
    if (offline.hasMandatory(policy)) {
        const n = policy.violations.filter((v) => v.enforcementLevel === "mandatory").length;
        process.stderr.write(`error: ${n} mandatory policy violation${n === 1 ? "" : "s"} (policy/config.${policyStack}.json): pulumi preview --policy-pack policy would fail\n`);
        return 1;
    }
    return 0;
}

if (require.main === module) {
    main().then(
        // Exit only once stdout has drained: process.exit() right after a large write to a pipe cuts the
        // document off at the pipe's buffer size (64 KiB).
        (code) => process.stdout.write("", () => process.exit(code)),
        (e: unknown) => {
            // A RunError is the program refusing its configuration: print the message alone.
            const msg = e instanceof Error ? (e.name === "RunError" || e.constructor.name === "RunError" ? e.message : e.stack ?? e.message) : String(e);
            process.stderr.write(`error: ${msg}\n`);
            process.exit(1);
        },
    );
}
