// Turns a program run into the document `pulumi preview --json` prints (engine/display/json.go's
// previewDigest: steps with op/urn/provider/newState, changeSummary), plus the stack outputs, and into
// a readable tree. Secrets are already masked in `inputs`.
import { EXEMPTION_ANNOTATION_PREFIX } from "@deepalpha/shared";
import type { ProgramRun, RegisteredResource } from "./run";

export interface PreviewStep {
    op: "create";
    urn: string;
    provider?: string;
    newState: {
        urn: string;
        type: string;
        custom: boolean;
        id: string;
        parent?: string;
        provider?: string;
        protect: boolean;
        retainOnDelete: boolean;
        dependencies: string[];
        inputs: Record<string, unknown>;
        /** As the engine's apitype.ResourceV3 (`json:"ignoreChanges,omitempty"`): only where the program sets it. */
        ignoreChanges?: string[];
        /** As ResourceV3 (`json:"aliases,omitempty"`): the URNs the resource had before a rename. */
        aliases?: string[];
    };
}

export interface Exemption {
    urn: string;
    rule: string;
    reason: string;
}

export interface PreviewDocument {
    config: Record<string, string>;
    steps: PreviewStep[];
    changeSummary: { create: number };
    outputs: Record<string, unknown>;
    /** Outputs whose value the mocks made up (IDs, ARNs, endpoints, the account): a real preview shows them unknown. */
    outputsComputedByMocks: string[];
    exemptions: Exemption[];
    notes: string[];
}

function step(r: Pick<RegisteredResource, "urn" | "type" | "custom" | "parent" | "provider" | "protect" | "retainOnDelete" | "dependencies" | "inputs" | "ignoreChanges" | "aliases">): PreviewStep {
    return {
        op: "create",
        urn: r.urn,
        ...(r.provider ? { provider: r.provider } : {}),
        newState: {
            urn: r.urn,
            type: r.type,
            custom: r.custom,
            id: "",
            ...(r.parent ? { parent: r.parent } : {}),
            ...(r.provider ? { provider: r.provider } : {}),
            protect: r.protect,
            retainOnDelete: r.retainOnDelete,
            dependencies: r.dependencies,
            inputs: r.inputs,
            ...(r.ignoreChanges.length ? { ignoreChanges: r.ignoreChanges } : {}),
            ...(r.aliases?.length ? { aliases: r.aliases } : {}),
        },
    };
}

/**
 * Every `policy.deepalpha.io/exempt-*` annotation on an object or its pod template, and in a Chart's values (where
 * it is an annotation value the chart renders onto one of its objects: `annotations`, `podAnnotations`,
 * `deploymentAnnotations`, ...; `npm run charts:check` shows which object).
 */
export function findExemptions(resources: RegisteredResource[]): Exemption[] {
    const out: Exemption[] = [];
    const visit = (urn: string, v: unknown) => {
        if (!v || typeof v !== "object") return;
        if (Array.isArray(v)) return v.forEach((x) => visit(urn, x));
        for (const [k, x] of Object.entries(v)) {
            if (k.startsWith(EXEMPTION_ANNOTATION_PREFIX)) out.push({ urn, rule: k.slice(EXEMPTION_ANNOTATION_PREFIX.length), reason: String(x) });
            else visit(urn, x);
        }
    };
    for (const r of resources) visit(r.urn, r.inputs);
    // One entry per object and rule, even where the pod template repeats it.
    return out.filter((e, i) => out.findIndex((o) => o.urn === e.urn && o.rule === e.rule) === i);
}

export function toPreview(run: ProgramRun, config: Record<string, string>, secretKeys: string[], notes: string[]): PreviewDocument {
    const stackStep = step({
        urn: run.stackUrn,
        type: "pulumi:pulumi:Stack",
        custom: false,
        protect: false,
        retainOnDelete: false,
        dependencies: [],
        inputs: {},
        ignoreChanges: [],
        aliases: [],
    });
    const steps = [stackStep, ...run.resources.map(step)];
    const shownConfig: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) shownConfig[k] = secretKeys.includes(k) ? "[secret]" : v;
    return {
        config: shownConfig,
        steps,
        changeSummary: { create: steps.length },
        outputs: run.outputs,
        outputsComputedByMocks: run.outputsComputedByMocks,
        exemptions: findExemptions(run.resources),
        notes,
    };
}

/** Components and resources as an indented tree, a count by type, then the stack outputs. */
export function renderTree(doc: PreviewDocument): string {
    const children = new Map<string, PreviewStep[]>();
    for (const s of doc.steps) {
        const p = s.newState.parent ?? "";
        children.set(p, [...(children.get(p) ?? []), s]);
    }
    const lines: string[] = [];
    const walk = (s: PreviewStep, depth: number) => {
        const name = s.urn.split("::").pop();
        const flags = [s.newState.protect ? "protect" : "", s.newState.retainOnDelete ? "retainOnDelete" : ""].filter(Boolean);
        lines.push(`${"  ".repeat(depth)}+ ${s.newState.type} ${name}${flags.length ? `  [${flags.join(", ")}]` : ""}`);
        for (const c of children.get(s.urn) ?? []) walk(c, depth + 1);
    };
    for (const root of children.get("") ?? []) walk(root, 0);
    const counts = new Map<string, number>();
    for (const s of doc.steps) counts.set(s.newState.type, (counts.get(s.newState.type) ?? 0) + 1);
    lines.push("", "Resources by type:");
    for (const [t, n] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) lines.push(`  ${String(n).padStart(4)}  ${t}`);
    lines.push(`  ${String(doc.changeSummary.create).padStart(4)}  to create`);
    // Exemptions are listed once, by the policy verdict that follows the tree (policy/offline.ts renderViolations),
    // which also says whether each was honoured.
    const mocked = new Set(doc.outputsComputedByMocks);
    lines.push("", mocked.size ? "Outputs (* computed by the mocks: a stand-in, the real value is known after pulumi up):" : "Outputs:");
    for (const [k, v] of Object.entries(doc.outputs)) lines.push(`${mocked.has(k) ? "* " : "  "}${k}: ${JSON.stringify(v)}`);
    return lines.join("\n");
}
