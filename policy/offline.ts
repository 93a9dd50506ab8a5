// Runs the pack without the Pulumi CLI, over the resources of a preview: the offline plan's own
// document or a real `pulumi preview --json`. It presents every policy exactly the arguments the
// @pulumi/policy 1.21 analyzer server (node_modules/@pulumi/policy/server.js) builds from the engine's
// request, so a policy behaves the same here and under `pulumi preview --policy-pack policy`:
//   - resource policies run on every resource (components, providers and the stack included) with
//     { type, props, urn, name, opts, provider, stackTags, isType, asType, getConfig, notApplicable };
//     stack policies run once with every resource as a PolicyResource (parent, dependencies and
//     propertyDependencies linked to the other PolicyResources);
//   - props go through the same `unknownCheckingProxy`, with the preview's unknown markers turned into
//     the engine's sentinel, so reading a computed value throws UnknownValueError, which becomes an
//     advisory "can't run policy during preview" diagnostic exactly as the server reports it;
//   - the enforcement level and config come from a `--policy-pack-config` file, reconciled the way the
//     CLI does (pkg/resource/analyzer/config.go: schema defaults, then "all", then per policy);
//   - `notApplicable` and validateResourceOfType's type fast path behave as in the server.
import * as fs from "fs";
import * as path from "path";
import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import type {
    EnforcementLevel,
    Policies,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { findExemptions, type FoundExemption } from "./lib/exemptions";
import { nameFromUrn, type ResourceClass } from "./lib/types";
import { isUnknownValue } from "./lib/values";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies as PACK_POLICIES } from "./policies";
import { fromRoot } from "../repo-root";

export const POLICY_DIR = fromRoot("policy");
const PACK_VERSION: string = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")).version;
const STRING_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SECRET_MASK = "[secret]";

/** One resource as a preview reports it. */
export interface OfflineResource {
    urn: string;
    type: string;
    inputs: Record<string, unknown>;
    parent?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    /** Provider reference, `urn::id`. */
    provider?: string;
    protect?: boolean;
    ignoreChanges?: string[];
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
    aliases?: string[];
    customTimeouts?: { create?: string | number; update?: string | number; delete?: string | number };
}

export interface PolicyViolation {
    policyName: string;
    enforcementLevel: "advisory" | "mandatory";
    urn: string;
    message: string;
}

export interface EvaluationResult {
    violations: PolicyViolation[];
    /** Exemption annotations found on the objects; `honoured` false means the annotation has no effect. */
    exemptions: FoundExemption[];
    /** Where the enforcement levels came from. */
    configSource: string;
    /** Stack policies not run (EvaluateOptions.skipStackPolicies). */
    skippedStackPolicies?: string[];
    /** Set when the document lacks its unchanged resources: the stack-level rules were not run. */
    incomplete?: IncompletePreview;
}

/** A `pulumi preview --json` run without `--show-sames`: the engine left out the unchanged resources. */
export interface IncompletePreview {
    /** changeSummary.same: resources the engine found unchanged. */
    same: number;
    /** Steps with op "same" in the document (the stack's own step is always there). */
    sameSteps: number;
    /** Stack-level policies not run, since they judge the whole stack and most of it is missing. */
    skippedStackPolicies: string[];
    message: string;
}

export class PolicyConfigError extends Error {}
export class PreviewFormatError extends Error {}

// ---------------------------------------------------------------------------------------------------
// Policy pack config (the --policy-pack-config file).

export interface ResolvedPolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

function levelOf(v: unknown, where: string): EnforcementLevel {
    if (typeof v !== "string" || !LEVELS.includes(v as EnforcementLevel)) {
        throw new PolicyConfigError(`${where}: ${JSON.stringify(v)} is not a valid enforcement level (${LEVELS.join(", ")})`);
    }
    return v as EnforcementLevel;
}

function checkSchema(name: string, schema: Record<string, unknown>, key: string, v: unknown, source: string): void {
    const where = `${source}: ${name}.${key}`;
    const t = schema.type;
    const ok =
        t === "integer" ? Number.isInteger(v) : t === "number" ? typeof v === "number" : t === "boolean" ? typeof v === "boolean" : t === "string" ? typeof v === "string" : t === "array" ? Array.isArray(v) : true;
    if (!ok) throw new PolicyConfigError(`${where}: ${JSON.stringify(v)} is not of type ${String(t)}`);
    if (typeof schema.minimum === "number" && typeof v === "number" && v < schema.minimum) throw new PolicyConfigError(`${where}: ${v} is below the minimum ${schema.minimum}`);
}

/** Reconcile a config file with the policies' defaults as the Pulumi CLI does; validate it against the config schemas. */
export function resolvePolicyConfig(file: unknown, source: string, policies: Policies = PACK_POLICIES): Map<string, ResolvedPolicyConfig> {
    if (!file || typeof file !== "object" || Array.isArray(file)) throw new PolicyConfigError(`${source}: expected a JSON object of policy name to enforcement level or config`);
    const names = new Set(policies.map((p) => p.name));
    const result = new Map<string, ResolvedPolicyConfig>();
    for (const p of policies) {
        const properties: Record<string, unknown> = {};
        for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) if ("default" in s) properties[k] = (s as { default: unknown }).default;
        result.set(p.name, { enforcementLevel: p.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL, properties });
    }
    const entries = Object.entries(file as Record<string, unknown>);
    const all = entries.find(([k]) => k === "all");
    if (all) {
        const level = levelOf(typeof all[1] === "object" && all[1] ? (all[1] as Record<string, unknown>).enforcementLevel : all[1], `${source}: all`);
        for (const c of result.values()) c.enforcementLevel = level;
    }
    for (const [name, v] of entries) {
        if (name === "all") continue;
        if (!names.has(name)) throw new PolicyConfigError(`${source}: no policy named ${JSON.stringify(name)} in the pack (policies: ${[...names].join(", ")})`);
        const c = result.get(name)!;
        if (typeof v === "string") c.enforcementLevel = levelOf(v, `${source}: ${name}`);
        else if (v && typeof v === "object" && !Array.isArray(v)) {
            const { enforcementLevel, ...props } = v as Record<string, unknown>;
            if (enforcementLevel !== undefined) c.enforcementLevel = levelOf(enforcementLevel, `${source}: ${name}.enforcementLevel`);
            const schema = policies.find((p) => p.name === name)?.configSchema?.properties ?? {};
            for (const [k, x] of Object.entries(props)) {
                if (schema[k]) checkSchema(name, schema[k] as Record<string, unknown>, k, x, source);
                c.properties[k] = x;
            }
        } else throw new PolicyConfigError(`${source}: ${name}: must be an enforcement level or an object`);
    }
    return result;
}

/** policy/config.<stack>.json, the file `pulumi preview --policy-pack-config` reads for that stack. */
export function policyConfigFile(stack: "dev" | "prod"): string {
    return path.join(POLICY_DIR, `config.${stack}.json`);
}

export function loadPolicyConfig(file: string): Map<string, ResolvedPolicyConfig> {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new PolicyConfigError(`cannot read policy config ${file}: ${(e as Error).message}`);
    }
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (e) {
        throw new PolicyConfigError(`${file} is not JSON: ${(e as Error).message}`);
    }
    return resolvePolicyConfig(json, path.relative(process.cwd(), file) || file);
}

// ---------------------------------------------------------------------------------------------------
// Reading a preview document.

/** Props as the analyzer deserializes them: secrets unwrapped (masked here), unknowns as the engine's sentinel. */
export function deserialize(v: unknown): unknown {
    if (isUnknownValue(v)) return STRING_UNKNOWN;
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) return v.map(deserialize);
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return "value" in o ? deserialize(o.value) : "plaintext" in o ? o.plaintext : SECRET_MASK;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) if (x !== undefined) out[k] = deserialize(x);
    return out;
}

function fail(source: string, msg: string): never {
    throw new PreviewFormatError(`${source}: ${msg}`);
}

/** The resources of a `pulumi preview --json` document (the offline plan prints the same shape). */
export function resourcesFromPreview(doc: unknown, source = "document"): OfflineResource[] {
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) fail(source, "expected a JSON object as `pulumi preview --json` prints, with a `steps` array");
    const steps = (doc as { steps?: unknown }).steps;
    if (!Array.isArray(steps)) fail(source, "expected a `steps` array (the document `pulumi preview --json` or `npm run plan -- --json` prints)");
    const byUrn = new Map<string, OfflineResource>();
    steps.forEach((s, i) => {
        if (!s || typeof s !== "object") fail(source, `steps[${i}] is not an object`);
        const st = s as Record<string, unknown>;
        const ns = st.newState;
        // Deletions have no new state: nothing of theirs will exist to check.
        if (ns === undefined || ns === null) return;
        if (typeof ns !== "object") fail(source, `steps[${i}].newState is not an object`);
        const n = ns as Record<string, unknown>;
        if (typeof n.urn !== "string" || !n.urn.startsWith("urn:pulumi:")) fail(source, `steps[${i}].newState.urn must be a Pulumi URN (urn:pulumi:...), got ${JSON.stringify(n.urn)}`);
        if (typeof n.type !== "string" || n.type === "") fail(source, `steps[${i}].newState.type must be a type token, got ${JSON.stringify(n.type)}`);
        const inputs = n.inputs ?? {};
        if (typeof inputs !== "object" || Array.isArray(inputs) || inputs === null) fail(source, `steps[${i}].newState.inputs must be an object`);
        const strings = (v: unknown, what: string): string[] | undefined => {
            if (v === undefined || v === null) return undefined;
            if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) fail(source, `steps[${i}].newState.${what} must be a list of URNs`);
            return v as string[];
        };
        const pd = n.propertyDependencies;
        let propertyDependencies: Record<string, string[]> | undefined;
        if (pd && typeof pd === "object") {
            propertyDependencies = {};
            for (const [k, v] of Object.entries(pd)) propertyDependencies[k] = strings(v, `propertyDependencies.${k}`) ?? [];
        }
        byUrn.set(n.urn, {
            urn: n.urn,
            type: n.type,
            inputs: inputs as Record<string, unknown>,
            parent: typeof n.parent === "string" && n.parent ? n.parent : undefined,
            dependencies: strings(n.dependencies, "dependencies"),
            propertyDependencies,
            provider: typeof n.provider === "string" && n.provider ? n.provider : typeof st.provider === "string" && st.provider ? st.provider : undefined,
            protect: n.protect === true,
            ignoreChanges: strings(n.ignoreChanges, "ignoreChanges"),
            deleteBeforeReplace: typeof n.deleteBeforeReplace === "boolean" ? n.deleteBeforeReplace : undefined,
            additionalSecretOutputs: strings(n.additionalSecretOutputs, "additionalSecretOutputs"),
            aliases: strings(n.aliases, "aliases"),
            customTimeouts: n.customTimeouts && typeof n.customTimeouts === "object" ? (n.customTimeouts as OfflineResource["customTimeouts"]) : undefined,
        });
    });
    if (byUrn.size === 0) fail(source, "no step has a newState: nothing to check");
    return [...byUrn.values()];
}

// ---------------------------------------------------------------------------------------------------
// Running the policies.

class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "Policy does not apply");
    }
}
const throwNotApplicable = (reason?: string): never => {
    throw new NotApplicableError(reason);
};

const pulumiTypeOf = (o: unknown): string | undefined => {
    const t = (o as { __pulumiType?: unknown } | undefined)?.__pulumiType;
    return typeof t === "string" && t.length > 0 ? t : undefined;
};

/** server.js isTypeOf: the class's type token, else its isInstance. */
function isTypeOf(type: string, cls: ResourceClass): boolean {
    const t = pulumiTypeOf(cls);
    if (t) return type === t;
    return typeof cls.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
}

const seconds = (v: unknown): number => {
    if (typeof v === "number") return v;
    if (typeof v !== "string" || v === "") return 0;
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v.trim());
    if (!m) return 0;
    const n = Number(m[1]);
    return m[2] === "ms" ? n / 1000 : m[2] === "m" ? n * 60 : m[2] === "h" ? n * 3600 : n;
};

function optionsOf(r: OfflineResource): PolicyResourceOptions {
    const o: PolicyResourceOptions = {
        protect: r.protect === true,
        ignoreChanges: r.ignoreChanges ?? [],
        aliases: r.aliases ?? [],
        customTimeouts: {
            createSeconds: seconds(r.customTimeouts?.create),
            updateSeconds: seconds(r.customTimeouts?.update),
            deleteSeconds: seconds(r.customTimeouts?.delete),
        },
        additionalSecretOutputs: r.additionalSecretOutputs ?? [],
    };
    if (r.deleteBeforeReplace !== undefined) o.deleteBeforeReplace = r.deleteBeforeReplace;
    if (r.parent) o.parent = r.parent;
    return o;
}

const isResourcePolicy = (p: Policies[number]): p is ResourceValidationPolicy => typeof (p as ResourceValidationPolicy).validateResource === "function" || Array.isArray((p as ResourceValidationPolicy).validateResource);
const isStackPolicy = (p: Policies[number]): p is StackValidationPolicy => typeof (p as StackValidationPolicy).validateStack === "function";

export interface EvaluateOptions {
    /** Resolved config; default: the prod config file (every policy mandatory). */
    config?: Map<string, ResolvedPolicyConfig>;
    configSource?: string;
    policies?: Policies;
    stackTags?: ReadonlyMap<string, string>;
    /** Do not run stack policies (the resources are not the whole stack); the result names them. */
    skipStackPolicies?: boolean;
}

/** Run every resource and stack policy over the resources, as `pulumi preview --policy-pack` would. */
export async function evaluate(resources: OfflineResource[], options: EvaluateOptions = {}): Promise<EvaluationResult> {
    const policies = options.policies ?? PACK_POLICIES;
    const configSource = options.configSource ?? path.relative(process.cwd(), policyConfigFile("prod"));
    const config = options.config ?? loadPolicyConfig(policyConfigFile("prod"));
    const stackTags = options.stackTags ?? new Map<string, string>();
    const packRef = `'${PACK_NAME}@v${PACK_VERSION}'`;
    const violations: PolicyViolation[] = [];
    const skipped: string[] = [];
    const stackUrn = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
    const plain = resources.map((r) => ({ r, props: deserialize(r.inputs) as Record<string, unknown> }));
    const byUrn = new Map(plain.map((x) => [x.r.urn, x]));
    const providerOf = (r: OfflineResource) => {
        if (!r.provider) return undefined;
        const purn = r.provider.slice(0, r.provider.lastIndexOf("::"));
        const p = byUrn.get(purn);
        return { type: p?.r.type ?? purn.split("::")[2]?.split("$").pop() ?? "", props: unknownCheckingProxy(p ? p.props : {}), urn: purn, name: nameFromUrn(purn) };
    };

    const levelFor = (name: string): EnforcementLevel => config.get(name)?.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL;
    const getConfigFor = (name: string) => <T extends object>(): T => ({ ...(config.get(name)?.properties ?? {}) }) as T;
    const push = (policyName: string, level: EnforcementLevel, urn: string, message: string) =>
        violations.push({ policyName, enforcementLevel: level === "advisory" ? "advisory" : "mandatory", urn, message });
    // As the server: an unknown value read through the proxy downgrades to an advisory note, notApplicable
    // is no violation, anything else fails the run naming the policy.
    const failed = (p: Policies[number], e: unknown, urn: string): void => {
        const from = `policy '${p.name}' from policy pack ${packRef}`;
        if (e instanceof UnknownValueError) return void push(p.name, "advisory", urn, `can't run ${from} during preview: ${(e as Error).message}`);
        if (e instanceof NotApplicableError) return;
        throw new Error(`Error validating resource with ${from}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    };

    for (const p of policies) {
        let level = levelFor(p.name);
        if (level === "disabled") continue;
        if (level === "remediate") level = "mandatory";
        if (isResourcePolicy(p) && p.validateResource) {
            const validations = Array.isArray(p.validateResource) ? p.validateResource : [p.validateResource];
            const fastType = !Array.isArray(p.validateResource) ? pulumiTypeOf(p.validateResource) : undefined;
            for (const { r, props: raw } of plain) {
                if (fastType && r.type !== fastType) continue;
                for (const validation of validations) {
                    const props = unknownCheckingProxy(raw);
                    const args: ResourceValidationArgs = {
                        type: r.type,
                        props,
                        urn: r.urn,
                        name: nameFromUrn(r.urn),
                        opts: optionsOf(r),
                        stackTags,
                        isType: (cls) => isTypeOf(r.type, cls as unknown as ResourceClass),
                        asType: ((cls: unknown) => (isTypeOf(r.type, cls as ResourceClass) ? props : undefined)) as ResourceValidationArgs["asType"],
                        getConfig: getConfigFor(p.name),
                        notApplicable: throwNotApplicable,
                    };
                    const provider = providerOf(r);
                    if (provider) args.provider = provider;
                    try {
                        await Promise.resolve(validation(args, (message: string) => push(p.name, level, r.urn, message || p.description)));
                    } catch (e) {
                        failed(p, e, r.urn);
                    }
                }
            }
        }
        if (isStackPolicy(p) && options.skipStackPolicies) skipped.push(p.name);
        else if (isStackPolicy(p)) {
            const fastType = pulumiTypeOf(p.validateStack);
            if (fastType && !resources.some((r) => r.type === fastType)) continue;
            const policyResources = new Map<string, PolicyResource>();
            for (const { r, props: raw } of plain) {
                const props = unknownCheckingProxy(raw);
                const pr: PolicyResource = {
                    type: r.type,
                    props,
                    urn: r.urn,
                    name: nameFromUrn(r.urn),
                    opts: optionsOf(r),
                    dependencies: [],
                    propertyDependencies: {},
                    isType: (cls) => isTypeOf(r.type, cls as unknown as ResourceClass),
                    asType: ((cls: unknown) => (isTypeOf(r.type, cls as ResourceClass) ? props : undefined)) as PolicyResource["asType"],
                };
                const provider = providerOf(r);
                if (provider) pr.provider = provider;
                policyResources.set(r.urn, pr);
            }
            for (const { r } of plain) {
                const pr = policyResources.get(r.urn)!;
                if (r.parent && policyResources.has(r.parent)) pr.parent = policyResources.get(r.parent);
                pr.dependencies = (r.dependencies ?? []).map((d) => policyResources.get(d)).filter((d): d is PolicyResource => !!d);
                for (const [k, v] of Object.entries(r.propertyDependencies ?? {})) {
                    pr.propertyDependencies[k] = v.map((d) => policyResources.get(d)).filter((d): d is PolicyResource => !!d);
                }
            }
            const args: StackValidationArgs = {
                resources: [...policyResources.values()],
                stackTags,
                getConfig: getConfigFor(p.name),
                notApplicable: throwNotApplicable,
            };
            try {
                await Promise.resolve(p.validateStack(args, (message: string, urn?: string) => push(p.name, level, urn ?? stackUrn, message || p.description)));
            } catch (e) {
                failed(p, e, stackUrn);
            }
        }
    }
    const exemptions = findExemptions(
        plain.map((x) => ({ urn: x.r.urn, props: x.props })),
        new Set(policies.map((p) => p.name)),
    );
    return { violations, exemptions, configSource, ...(options.skipStackPolicies ? { skippedStackPolicies: skipped } : {}) };
}

/** The policy config a stack uses: dev and prod by name, any other stack by its profile. */
export function configStackFor(stack: string, profile?: string): "dev" | "prod" {
    if (stack === "dev" || stack === "prod") return stack;
    return profile === "production" ? "prod" : "dev";
}

/**
 * Whether a preview document lacks its unchanged resources. `pulumi preview --json` lists a step for an
 * unchanged resource only with `--show-sames` (pkg/backend/display/json.go: shouldShow, the root stack
 * excepted), while its changeSummary still counts them under `same`: more `same` in the summary than
 * `same` steps in the document means the document is not the whole stack.
 */
export function missingSames(doc: unknown): { same: number; sameSteps: number } | undefined {
    const same = (doc as { changeSummary?: { same?: unknown } } | null)?.changeSummary?.same;
    const steps = (doc as { steps?: unknown } | null)?.steps;
    if (typeof same !== "number" || !Array.isArray(steps)) return undefined;
    const sameSteps = steps.filter((s) => (s as { op?: unknown } | null)?.op === "same").length;
    return same > sameSteps ? { same, sameSteps } : undefined;
}

/**
 * Evaluate a preview document with the stack's policy config file. A document without its unchanged
 * resources (see missingSames) gets the resource policies only: a stack policy (bucket companions,
 * default-deny per namespace, PDB per workload, ...) would report the missing resources as violations.
 */
export async function evaluatePreview(doc: unknown, configStack: "dev" | "prod", source = "document"): Promise<EvaluationResult> {
    const resources = resourcesFromPreview(doc, source);
    const file = policyConfigFile(configStack);
    const missing = missingSames(doc);
    const result = await evaluate(resources, { config: loadPolicyConfig(file), configSource: path.relative(process.cwd(), file) || file, skipStackPolicies: !!missing });
    if (!missing) return result;
    const skipped = result.skippedStackPolicies ?? [];
    return {
        ...result,
        incomplete: {
            ...missing,
            skippedStackPolicies: skipped,
            message:
                `${source} lacks the unchanged resources (changeSummary.same is ${missing.same}, the document has ${missing.sameSteps} "same" step${missing.sameSteps === 1 ? "" : "s"}): ` +
                `the stack-level policies were not run (${skipped.join(", ")}); rerun the preview with --show-sames ` +
                "(pulumi preview --json --show-sames) to check them",
        },
    };
}

// ---------------------------------------------------------------------------------------------------
// Output shared by `npm run plan` and `npm run policy:check`.

export const hasMandatory = (r: EvaluationResult): boolean => r.violations.some((v) => v.enforcementLevel === "mandatory");

export function renderViolations(r: EvaluationResult): string {
    const mandatory = r.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const advisory = r.violations.length - mandatory;
    const lines = [`Policy pack ${PACK_NAME}@v${PACK_VERSION} (${r.configSource}): ${mandatory} mandatory, ${advisory} advisory violation${r.violations.length === 1 ? "" : "s"}`];
    if (r.incomplete) lines.push(`  NOT CHECKED: ${r.incomplete.message}`);
    const sorted = [...r.violations].sort((a, b) => (a.enforcementLevel === b.enforcementLevel ? a.policyName.localeCompare(b.policyName) || a.urn.localeCompare(b.urn) : a.enforcementLevel === "mandatory" ? -1 : 1));
    for (const v of sorted) {
        lines.push(`  [${v.enforcementLevel}] ${v.policyName}  ${v.urn}`);
        for (const m of v.message.split("\n")) lines.push(`      ${m}`);
    }
    const used = r.exemptions.filter((e) => e.honoured);
    const ignored = r.exemptions.filter((e) => !e.honoured);
    if (used.length) {
        lines.push("", "Policy exemptions honoured:");
        for (const e of used) lines.push(`  ${e.policy}: ${e.urn} (${e.reason})`);
    }
    if (ignored.length) {
        lines.push("", "Exemption annotations ignored (the policy takes no exemptions, does not exist, or no reason was given):");
        for (const e of ignored) lines.push(`  ${e.policy}: ${e.urn}`);
    }
    return lines.join("\n");
}
