// `npm run --silent policy:check -- FILE [--stack dev|prod] [--json]`
// Runs the CrossGuard pack (policy/) over a document shaped like `pulumi preview --json`: the offline
// plan's own (`npm run --silent plan -- --stack prod --json > plan.json`) or a real preview from CI.
// Enforcement levels and config come from policy/config.<stack>.json, the file a real preview takes
// with --policy-pack-config; without --stack the stack is read from the document's URNs.
// Exit codes as the plan's: 0 clean (advisory findings allowed), 1 a mandatory violation or an
// unusable input (unreadable file, not JSON, not a preview document), with the reason on stderr, 2 a
// usage error (scripts/cli.ts). A real preview without --show-sames lacks the unchanged resources: the
// stack-level policies are then not run, and a warning says to rerun with --show-sames.
import * as fs from "fs";
import * as path from "path";
import { EXIT_FAILURE, UsageError, exitWith, parse, parseCommandLine, resolveUserPath } from "./cli";
import { engineEventCount, notTextReason, npmBanner } from "./input-sniff";

export const USAGE = `usage: npm run --silent policy:check -- FILE [--stack dev|prod] [--json]

Runs the policy pack over FILE, a document shaped like \`pulumi preview --json\` (a real preview, run with
--show-sames so that it lists the unchanged resources too, or the offline plan's --json output).
FILE is relative to the directory you ran npm in.

  -s, --stack dev|prod  the policy config: policy/config.<stack>.json (default: the stack in FILE's URNs)
      --json            print the verdict as JSON
  -h, --help            print this help

Exit status: 0 no mandatory violation, 1 a mandatory violation or an unusable FILE, 2 a usage error.`;

const STACKS = ["dev", "prod"] as const;

export interface CheckArgs {
    /** Absolute: resolved from INIT_CWD, the directory npm was run in. */
    file: string;
    /** As the user typed it, for messages. */
    fileArg: string;
    stack?: "dev" | "prod";
    json: boolean;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CheckArgs {
    const { options, positionals } = parse(argv, [
        { name: "stack", short: "s", value: true },
        { name: "json", value: false },
    ]);
    if (positionals.length === 0) throw new UsageError("FILE is required");
    if (positionals.length > 1) throw new UsageError(`one FILE only, got ${positionals.map((p) => JSON.stringify(p)).join(" and ")}`);
    const stack = options.get("stack") as string | undefined;
    if (stack !== undefined && !(STACKS as readonly string[]).includes(stack)) {
        throw new UsageError(`--stack ${JSON.stringify(stack)}: no policy config for it (known stacks: ${STACKS.join(", ")}, the files policy/config.dev.json and policy/config.prod.json)`);
    }
    return { file: resolveUserPath(positionals[0], env), fileArg: positionals[0], stack: stack as CheckArgs["stack"], json: options.has("json") };
}

/** The stack named by the document's URNs (urn:pulumi:<stack>::...). */
export function stackOfDocument(doc: unknown): string | undefined {
    const steps = (doc as { steps?: unknown })?.steps;
    if (!Array.isArray(steps)) return undefined;
    for (const s of steps) {
        const urn = (s as { urn?: unknown; newState?: { urn?: unknown } })?.newState?.urn ?? (s as { urn?: unknown })?.urn;
        const m = typeof urn === "string" ? /^urn:pulumi:([^:]+)::/.exec(urn) : null;
        if (m) return m[1];
    }
    return undefined;
}

export class InputError extends Error {}

export function readDocument(file: string, shown = file): unknown {
    let buf: Buffer;
    try {
        buf = fs.readFileSync(file);
    } catch (e) {
        throw new InputError(`cannot read ${shown}${shown === file ? "" : ` (${file})`}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
    }
    const expected = "expected the JSON document `pulumi preview --json` prints";
    // Described, never echoed: raw bytes on a terminal can garble it or hide what follows.
    const notText = notTextReason(buf);
    if (notText) throw new InputError(`${shown} is ${notText}; ${expected}`);
    const text = buf.toString("utf8").replace(/^\uFEFF/, "");
    if (text.trim() === "") throw new InputError(`${shown} is empty: ${expected}`);
    const banner = npmBanner(text);
    if (banner) {
        throw new InputError(`${shown} starts with npm's banner ("> ${banner}"), not JSON: it was written by npm run without --silent; rerun as npm run --silent ... > ${shown}`);
    }
    try {
        return JSON.parse(text);
    } catch (e) {
        const events = engineEventCount(text);
        if (events !== undefined) {
            throw new InputError(
                `${shown} is an engine event stream (${events} events, one JSON object per line), as pulumi preview --json prints with PULUMI_ENABLE_STREAMING_JSON_PREVIEW set, or --event-log writes; ` +
                    "policy:check reads the one document pulumi preview --json prints without it: rerun with that variable unset (and --show-sames)",
            );
        }
        // JSON.parse quotes the text around the error: shown only up to the first line, and cut short.
        const reason = (e as Error).message.split("\n")[0].slice(0, 200);
        throw new InputError(`${shown} is not JSON (${reason}): expected the document \`pulumi preview --json\` prints`);
    }
}

async function main(): Promise<number> {
    let args: CheckArgs;
    let doc: unknown;
    const parsed = parseCommandLine(() => parseArgs(process.argv.slice(2)), USAGE);
    if ("exit" in parsed) return parsed.exit;
    args = parsed.args;
    try {
        doc = readDocument(args.file, args.fileArg);
    } catch (e) {
        if (e instanceof InputError) {
            process.stderr.write(`error: ${e.message}\n`);
            return EXIT_FAILURE;
        }
        throw e;
    }
    const offline = await import("../policy/offline");
    const notes: string[] = [];
    let stack = args.stack;
    if (!stack) {
        const named = stackOfDocument(doc);
        stack = named === "dev" || named === "prod" ? named : "prod";
        notes.push(named === stack ? `stack ${stack} read from the document's URNs` : `no --stack and the document's stack ${JSON.stringify(named ?? null)} is neither dev nor prod: checking with the prod config (every policy mandatory)`);
    }
    let result: Awaited<ReturnType<typeof offline.evaluatePreview>>;
    try {
        result = await offline.evaluatePreview(doc, stack, path.basename(args.file));
    } catch (e) {
        if (e instanceof offline.PreviewFormatError || e instanceof offline.PolicyConfigError) {
            process.stderr.write(`error: ${e.message}\n`);
            return EXIT_FAILURE;
        }
        throw e;
    }
    if (result.incomplete) notes.unshift(`warning: ${result.incomplete.message}`);
    if (args.json) {
        const incomplete = result.incomplete ? { incompletePreview: result.incomplete } : {};
        process.stdout.write(JSON.stringify({ file: args.fileArg, stack, config: result.configSource, policyViolations: result.violations, exemptions: result.exemptions, ...incomplete }, null, 2) + "\n");
    } else {
        process.stdout.write(offline.renderViolations(result) + "\n");
    }
    for (const n of notes) process.stderr.write(n.startsWith("warning: ") ? `${n}\n` : `note: ${n}\n`);
    return offline.hasMandatory(result) ? EXIT_FAILURE : 0;
}

if (require.main === module) {
    main().then(
        // Exit only once stdout has drained (a large document to a pipe would be cut off).
        exitWith,
        (e: unknown) => {
            process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
            process.exit(1);
        },
    );
}
