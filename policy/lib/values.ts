// Reading resource properties the way CrossGuard hands them over, without tripping on unknowns.
//
// How unknowns reach a policy: the engine marshals a resource's inputs for the analyzer with
// `KeepUnknowns: true` (sdk/go/common/resource/plugin/analyzer_plugin.go), so a value that is computed
// during `pulumi preview` (an ID, an ARN, a name derived from another resource's output) arrives as one
// of the engine's sentinel strings, and @pulumi/policy wraps the props in `unknownCheckingProxy`: reading
// that property throws `UnknownValueError`, which the pack server turns into an advisory "can't run
// policy during preview" note. A property that was simply not set is absent (undefined).
//
// So every policy here reads through `read()`, which returns the `UNKNOWN` symbol for a computed value
// instead of throwing, and each rule decides what UNKNOWN means for it; the rule of the house: an
// unknown value is never a violation. Absent values are judged by the provider's default: where the
// default is insecure (RDS `storageEncrypted` defaults to false), absence is a violation, because an
// input the program did not set cannot become known later.
import { UnknownValueError } from "@pulumi/policy";

export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

/**
 * The engine's sentinels for computed values (sdk/go/common/resource/plugin/rpc.go, mirrored in
 * @pulumi/policy's proxy.js), plus the offline plan's own marker. `pulumi preview --json` prints the
 * string sentinel for every unknown, whatever its type.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);
/** How the offline plan (test/harness/run.ts) shows a value that is unknown during preview. */
export const PLAN_UNKNOWN_MARK = "[unknown]";

export function isUnknownValue(v: unknown): boolean {
    return typeof v === "string" && (v === PLAN_UNKNOWN_MARK || UNKNOWN_SENTINELS.has(v));
}

/** Read `obj[p0][p1]...`; UNKNOWN as soon as a step is computed, undefined when a step is absent. */
export function read(obj: unknown, ...path: (string | number)[]): unknown {
    let cur: unknown = obj;
    for (const p of path) {
        if (cur === UNKNOWN) return UNKNOWN;
        if (cur === undefined || cur === null || typeof cur !== "object") return undefined;
        try {
            cur = (cur as Record<string | number, unknown>)[p];
        } catch (e) {
            if (e instanceof UnknownValueError) return UNKNOWN;
            throw e;
        }
        if (isUnknownValue(cur)) return UNKNOWN;
    }
    return cur;
}

/** Whether a property is present at all, without reading (so without tripping on) its value. */
export function has(obj: unknown, key: string): boolean {
    if (obj === UNKNOWN || obj === undefined || obj === null || typeof obj !== "object") return false;
    return key in (obj as object);
}

/** A list property: its items (each possibly UNKNOWN), [] when absent, UNKNOWN when the list itself is. */
export function list(obj: unknown, ...path: (string | number)[]): unknown[] | Unknown {
    const v = read(obj, ...path);
    if (v === UNKNOWN) return UNKNOWN;
    if (!Array.isArray(v)) return [];
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) out.push(read(v, i));
    return out;
}

/** A map property as entries (values possibly UNKNOWN); [] when absent, UNKNOWN when the map is. */
export function entries(obj: unknown, ...path: (string | number)[]): [string, unknown][] | Unknown {
    const v = read(obj, ...path);
    if (v === UNKNOWN) return UNKNOWN;
    if (!v || typeof v !== "object" || Array.isArray(v)) return [];
    return Object.keys(v).map((k) => [k, read(v, k)]);
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
