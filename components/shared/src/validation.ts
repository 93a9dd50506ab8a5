// Argument validation every tier package uses: its args are checked before the component registers anything,
// and a mistake reads like the stack settings' errors (which argument, the value given, what is allowed), with
// no stack trace. The DeepAlpha stack settings use the same field rules and the same issue wording.
import { z } from "zod";

/**
 * Thrown for invalid component arguments. A Pulumi RunError, so `pulumi up` prints the message alone, no stack
 * trace: the SDK recognises one by its `__pulumiRunError` member (`RunError.isInstance`, designed for several SDK
 * copies in one process), so this module needs no @pulumi/pulumi at load time and the settings layers that use
 * it stay light (a `--help` or a bad setting answers without loading the SDK). The package tests assert
 * `pulumi.RunError.isInstance` on it.
 */
export class ArgsError extends Error {
    /** RunError's run-time type tag (@pulumi/pulumi errors.ts). */
    readonly __pulumiRunError = true;
    constructor(
        message: string,
        /** One line per problem, without the heading. */
        readonly problems: string[],
    ) {
        super(message);
        this.name = "ArgsError";
    }
}

/** Longer values are cut in messages: a 10,000-character value must not bury the key and what is allowed. */
const MAX_SHOWN = 80;
/** A value as a message shows it: JSON, cut short when long; "(unset)" for undefined. */
export function show(v: unknown): string {
    if (v === undefined) return "(unset)";
    const text = JSON.stringify(v);
    return text.length <= MAX_SHOWN ? text : `${text.slice(0, MAX_SHOWN - 20)}... (${text.length} characters)`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
    let cur: unknown = root;
    for (const p of path) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<PropertyKey, unknown>)[p as string];
    }
    return cur;
}

/** `a.b[0].c` from a zod path. */
export function dottedPath(path: readonly PropertyKey[]): string {
    return path.map(String).map((p, i) => (/^[0-9]+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** One line per zod issue: the key (as `keyName` spells it), the value given, what is allowed. */
export function describeIssue(issue: z.core.$ZodIssue, root: unknown, keyName: (path: readonly PropertyKey[]) => string = dottedPath): string[] {
    const value = valueAt(root, issue.path);
    switch (issue.code) {
        case "unrecognized_keys": {
            // Computed once per mapping: per key it was quadratic in the unknown keys (20,000 took minutes).
            const unknown = new Set(issue.keys);
            const allowed = Object.keys(valueAt(root, issue.path) ?? {}).filter((x) => !unknown.has(x)).sort().join(", ");
            return issue.keys.map((k) => `${keyName([...issue.path, k])}: unknown setting (allowed here: ${allowed})`);
        }
        case "invalid_type": {
            // YAML reads an unquoted 1.30 as the number 1.3: the version the user wrote is lost.
            const hint = issue.expected === "string" && typeof value === "number" ? `; YAML read an unquoted number: put the value in quotes as you meant it ("1.30", not 1.30, which YAML reads as the number 1.3)` : "";
            return [`${keyName(issue.path)}: got ${show(value)}, expected ${issue.expected}${hint}`];
        }
        case "too_small":
        case "too_big": {
            const big = issue.code === "too_big";
            const bound = String(big ? issue.maximum : issue.minimum);
            // A length, not a size: say "too long" and count what was given.
            if (issue.origin === "string" && typeof value === "string") {
                return [`${keyName(issue.path)}: got ${show(value)}, too ${big ? "long" : "short"}: ${value.length} characters, allowed ${big ? "maximum" : "minimum"} is ${bound}`];
            }
            if (issue.origin === "array" && Array.isArray(value)) {
                return [`${keyName(issue.path)}: got ${value.length} item${value.length === 1 ? "" : "s"}, too ${big ? "long" : "short"}: allowed ${big ? "maximum" : "minimum"} is ${bound}`];
            }
            return [`${keyName(issue.path)}: got ${show(value)}, allowed ${big ? "maximum" : "minimum"} is ${bound}`];
        }
        case "invalid_value":
            return [`${keyName(issue.path)}: got ${show(value)}, allowed values are ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`];
        default:
            return [`${keyName(issue.path)}: got ${show(value)}, ${issue.message}`];
    }
}

/**
 * Checks a component's arguments (after defaults) against its schema, plus any cross-field problems the caller
 * found, and throws one ArgsError listing every problem:
 * `invalid arguments for DataTier "data":\n  - backupSchedule: got "every night", expected a five-field cron ...`.
 * Values that are Outputs (known only after deployment) are not the schema's business: give the schema
 * `z.any()` for those fields.
 */
export function validateArgs(component: string, name: string, schema: z.ZodType, args: unknown, extraProblems: (string | undefined)[] = []): void {
    const problems: string[] = [];
    const parsed = schema.safeParse(args);
    if (!parsed.success) for (const issue of parsed.error.issues) problems.push(...describeIssue(issue, args));
    for (const p of extraProblems) if (p) problems.push(p);
    if (problems.length) {
        throw new ArgsError(`invalid arguments for ${component} ${JSON.stringify(name)}:\n${problems.map((p) => `  - ${p}`).join("\n")}`, problems);
    }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Defaults under what the caller gave: objects merge key by key; arrays, scalars and Outputs replace. */
export function withDefaults<T>(defaults: T, given: unknown): T {
    return deepMerge(defaults, given) as T;
}
export function deepMerge(base: unknown, over: unknown): unknown {
    if (over === undefined) return base;
    if (!isPlainObject(base) || !isPlainObject(over)) return over;
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = deepMerge(base[k], v);
    return out;
}

// ---------------------------------------------------------------------------------------------------------
// Field rules, each with the message a user sees when the value is wrong. The stack settings use them too.
// ---------------------------------------------------------------------------------------------------------
export const field = {
    cidr: () => z.cidrv4({ error: "expected an IPv4 CIDR block such as 10.40.0.0/16" }),
    quantity: () =>
        z.string().regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|m)?$/, {
            error: "expected a Kubernetes quantity such as 500m, 512Mi or 20Gi",
        }),
    hostname: () =>
        // max first, aborting: a name that is too long is told so, not that its format is wrong.
        z.string().max(253, { abort: true }).regex(/^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
            error: "expected a lower-case DNS host name such as api.deepalpha.example.com",
        }),
    imageRef: () =>
        z
            .object({
                repository: z.string().regex(/^[a-z0-9]+([._\/:-][a-z0-9]+)*$/, {
                    error: "expected an image repository such as ghcr.io/deepalpha/deepalpha",
                }),
                tag: z.string().max(128, { abort: true }).regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { error: "expected an image tag such as 1.4.2" }),
            })
            .strict(),
    cron: () => z.string().regex(/^(\S+\s+){4}\S+$/, { error: "expected a five-field cron schedule such as \"0 2 * * *\"" }),
    int: (min: number, max: number) => z.number().int().min(min).max(max),
    url: () => z.url({ error: "expected an absolute URL such as https://testnet.binance.vision" }),
    /** A Kubernetes object name (RFC 1123 label: namespaces, Services, Secrets the tiers name). */
    dnsLabel: () =>
        z.string().max(63, { abort: true }).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: "expected a lower-case DNS label such as deepalpha-api (letters, digits, '-')" }),
    /** A value only known after deployment (an Output) or given plainly: nothing to check at construction. */
    input: () => z.any(),
};
