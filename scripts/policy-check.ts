// `npm run --silent policy:check -- FILE [--stack dev|prod] [--json]`
// Runs the CrossGuard pack (policy/) over a document shaped like `pulumi preview --json`: the offline
// plan's own (`npm run --silent plan -- --stack prod --json > plan.json`) or a real preview from CI.
// Enforcement levels and config come from policy/config.<stack>.json, the file a real preview takes
// with --policy-pack-config; without --stack the stack is read from the document's URNs.
// Exit codes as the plan's: 0 clean (advisory findings allowed), 1 a mandatory violation or an
// unusable input (unreadable file, not JSON, not a preview document), with the reason on stderr.
import * as fs from "fs";
import * as path from "path";

const USAGE = "usage: npm run --silent policy:check -- FILE [--stack dev|prod] [--json]";

export class UsageError extends Error {}

export interface CheckArgs {
    file: string;
    stack?: "dev" | "prod";
    json: boolean;
}

export function parseArgs(argv: string[]): CheckArgs {
    let file: string | undefined;
    let stack: string | undefined;
    let json = false;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--json") json = true;
        else if (a === "--stack") {
            stack = argv[++i];
            if (!stack || stack.startsWith("--")) throw new UsageError(`--stack needs a value\n${USAGE}`);
        } else if (a.startsWith("--")) throw new UsageError(`unknown option ${JSON.stringify(a)}\n${USAGE}`);
        else if (file) throw new UsageError(`one FILE only, got ${JSON.stringify(file)} and ${JSON.stringify(a)}\n${USAGE}`);
        else file = a;
    }
    if (!file) throw new UsageError(`FILE is required\n${USAGE}`);
    if (stack !== undefined && stack !== "dev" && stack !== "prod") throw new UsageError(`--stack ${JSON.stringify(stack)}: expected dev or prod (the policy config files policy/config.dev.json and policy/config.prod.json)\n${USAGE}`);
    return { file, stack: stack as CheckArgs["stack"], json };
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

class InputError extends Error {}

function readDocument(file: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
    }
    if (text.trim() === "") throw new InputError(`${file} is empty: expected the JSON document \`pulumi preview --json\` prints`);
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new InputError(`${file} is not JSON (${(e as Error).message}): expected the document \`pulumi preview --json\` prints`);
    }
}

async function main(): Promise<number> {
    let args: CheckArgs;
    let doc: unknown;
    try {
        args = parseArgs(process.argv.slice(2));
        doc = readDocument(args.file);
    } catch (e) {
        if (e instanceof UsageError || e instanceof InputError) {
            process.stderr.write(`error: ${e.message}\n`);
            return 1;
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
            return 1;
        }
        throw e;
    }
    if (args.json) {
        process.stdout.write(JSON.stringify({ file: args.file, stack, config: result.configSource, policyViolations: result.violations, exemptions: result.exemptions }, null, 2) + "\n");
    } else {
        process.stdout.write(offline.renderViolations(result) + "\n");
    }
    for (const n of notes) process.stderr.write(`note: ${n}\n`);
    return offline.hasMandatory(result) ? 1 : 0;
}

if (require.main === module) {
    main().then(
        // Exit only once stdout has drained: process.exit() right after a large write to a pipe cuts the
        // document off at the pipe's buffer size (64 KiB).
        (code) => process.stdout.write("", () => process.exit(code)),
        (e: unknown) => {
            process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
            process.exit(1);
        },
    );
}
