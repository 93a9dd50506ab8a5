// `npm run plan -- --stack <dev|prod> [--json] [--config-file PATH] [--strict] [--timeline]`
// Offline preview: runs index.ts under the mock harness with the stack's configuration and prints what
// `pulumi up` would create. No cloud account, no Pulumi CLI. Exit 1 on bad configuration, with the key
// and no stack trace; exit 2 on a usage error (scripts/cli.ts: the conventions of the Pulumi CLI). The policy pack (policy/) runs over everything the program registers: violations
// are printed (text) or listed as `policyViolations` (--json), and a mandatory one exits 1.
import * as fs from "fs";
import * as path from "path";
import { EXIT_FAILURE, UsageError, exitWith, parse, parseCommandLine, resolveUserPath } from "./cli";
import { REQUIRED_SECRETS, SECRET_KEYS, type Profile } from "../settings/schema";
import { ConfigError, NAMESPACE, validateConfig } from "../settings/validate";
import { OFFLINE_SECRET_PLACEHOLDER, StackFileError, readStackFile } from "../test/harness/stack-file";
import { REPO_ROOT } from "../repo-root";

export const USAGE = `usage: npm run plan -- --stack <dev|prod> [--json] [--config-file PATH] [--strict] [--timeline]

Offline preview of the stack: what \`pulumi up\` would create, with the policy pack's verdict. No cloud
account and no Pulumi CLI needed.

  -s, --stack NAME        the stack: its configuration is Pulumi.NAME.yaml (required)
      --config-file PATH  read the configuration from PATH instead (relative to where you ran npm)
      --json              print one JSON document shaped like \`pulumi preview --json\`
      --strict            refuse missing secrets and template placeholders, as \`pulumi up\` would
      --timeline          print the estimated from-scratch deploy time and its critical chain
  -h, --help              print this help

Exit status: 0 planned, 1 bad configuration or a mandatory policy violation, 2 a usage error.`;

export interface PlanArgs {
    stack: string;
    json: boolean;
    /** Absolute (resolved from INIT_CWD, the directory npm was run in). */
    configFile?: string;
    /** Do not fill missing required secrets with placeholders: fail as `pulumi up` would. */
    strict: boolean;
    /** Print the estimated from-scratch deploy time and its critical chain (scripts/timeline.ts). */
    timeline?: boolean;
}

const ROOT = REPO_ROOT;

/** The stacks with a Pulumi.<stack>.yaml next to Pulumi.yaml. */
export function knownStacks(root = ROOT): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env, root = ROOT): PlanArgs {
    const { options, positionals } = parse(argv, [
        { name: "stack", short: "s", value: true },
        { name: "config-file", value: true },
        { name: "json", value: false },
        { name: "strict", value: false },
        { name: "timeline", value: false },
    ]);
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const stack = options.get("stack") as string | undefined;
    if (!stack) throw new UsageError("--stack is required");
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) throw new UsageError(`--stack ${JSON.stringify(stack)}: expected a stack name such as dev or prod`);
    const configFile = options.get("config-file") as string | undefined;
    if (configFile === undefined) {
        const known = knownStacks(root);
        if (!known.includes(stack)) {
            throw new UsageError(`--stack ${JSON.stringify(stack)}: no Pulumi.${stack}.yaml, so no such stack (known stacks: ${known.join(", ") || "none"}); give its configuration with --config-file PATH`);
        }
    }
    return {
        stack,
        json: options.has("json"),
        strict: options.has("strict"),
        timeline: options.has("timeline"),
        ...(configFile !== undefined ? { configFile: resolveUserPath(configFile, env) } : {}),
    };
}

export interface PreparedConfig {
    config: Record<string, string>;
    secretKeys: string[];
    notes: string[];
    /** Stack-file keys with no effect on this program (settings/foreign-keys.ts): printed as warnings. */
    warnings: string[];
}

/** Load and validate the stack's configuration before any Pulumi code is loaded. */
export function prepareConfig(args: PlanArgs, root = ROOT): PreparedConfig {
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
    const { placeholderNotes, warnings } = validateConfig({ values: config, secretKeys: new Set(secretKeys), stack: args.stack }, { placeholders: args.strict ? "refuse" : "note" });
    for (const n of placeholderNotes) notes.push(`placeholder, pulumi up and --strict refuse it: ${n}`);
    void SECRET_KEYS;
    return { config, secretKeys, notes, warnings };
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
    const parsed = parseCommandLine(() => parseArgs(process.argv.slice(2)), USAGE);
    if ("exit" in parsed) return parsed.exit;
    args = parsed.args;
    try {
        prepared = prepareConfig(args);
    } catch (e) {
        if (e instanceof StackFileError || e instanceof ConfigError) {
            if (e instanceof ConfigError) for (const w of e.warnings) process.stderr.write(`warning: ${w}\n`);
            process.stderr.write(`error: ${e.message}\n`);
            return EXIT_FAILURE;
        }
        throw e;
    }
    for (const w of prepared.warnings) process.stderr.write(`warning: ${w}\n`);
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
        // Exit only once stdout has drained (a large document to a pipe would be cut off).
        exitWith,
        (e: unknown) => {
            // A RunError is the program refusing its configuration: print the message alone.
            const msg = e instanceof Error ? (e.name === "RunError" || e.constructor.name === "RunError" ? e.message : e.stack ?? e.message) : String(e);
            process.stderr.write(`error: ${msg}\n`);
            process.exit(1);
        },
    );
}
