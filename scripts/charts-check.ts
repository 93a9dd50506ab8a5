// `npm run --silent charts:check -- --stack <dev|prod> [--charts-dir DIR] [--helm PATH] [--plan FILE] [--json]`
// `npm run --silent charts:check -- --write-docs [--charts-dir DIR] [--helm PATH]`
// The offline plan shows each helm.v4.Chart as one resource; a real `pulumi up` registers every object the
// chart renders, and the policy pack judges each of them. This command renders every Chart of the stack's
// plan with a real `helm template` (scripts/charts-render.ts: as pulumi-kubernetes renders it) and runs the
// same evaluator as `npm run plan` and `npm run policy:check` (policy/offline.ts) over the plan's resources
// plus every rendered object, with the stack's policy config (policy/config.<stack>.json): resource policies
// on each object, stack policies over the whole (a PodDisruptionBudget of the program can cover a chart's
// Deployment). Exemptions are the pack's own: an annotation on one object, so each exemption names one object.
// Exit codes as the plan's: 0 no mandatory violation, 1 a mandatory violation or an unusable input (no Helm,
// a chart that does not render, a local chart source at another version), 2 a usage error.
// --write-docs checks dev and prod and rewrites the generated part of docs/charts.md, with a "before" column:
// the same charts rendered with their own default values (none of the program's values).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EXIT_FAILURE, UsageError, exitWith, parse, parseCommandLine, resolveUserPath } from "./cli";
import {
    applyNamespaces,
    ChartsError,
    chartsFromResources,
    type ChartSource,
    type ChartSpec,
    findHelm,
    type Helm,
    isCrd,
    type K8sObject,
    localSource,
    objectLabel,
    remoteSource,
    renderChart,
    servedApiVersions,
    toResources,
} from "./charts-render";
import type { OfflineResource } from "../policy/offline";
import { REPO_ROOT } from "../repo-root";

export const USAGE = `usage: npm run --silent charts:check -- --stack <dev|prod> [--charts-dir DIR] [--helm PATH] [--plan FILE] [--only NAMES] [--json]
       npm run --silent charts:check -- --write-docs [--charts-dir DIR] [--helm PATH]

Renders every Helm chart of the stack (each helm.v4.Chart of the offline plan: chart, version, repository,
values, namespace) with \`helm template\`, as pulumi-kubernetes does on \`pulumi up\`, and runs the policy pack
over every rendered object with the stack's enforcement levels (policy/config.<stack>.json) and exemptions.

  -s, --stack dev|prod  the stack: its plan, Kubernetes version and policy config (required, except with --write-docs)
      --charts-dir DIR  take the charts from DIR/<chart>-<version>/ (unpacked sources, dependencies under
                        charts/) instead of their repositories; Chart.yaml must have the pinned version
      --helm PATH       the helm binary (default: $HELM, else helm on PATH); build the pinned Helm 4.3.1 with
                        \`bash e2e/toolchain/build.sh helm\` (prints its folder)
      --plan FILE       check the Charts of FILE (\`npm run --silent plan -- --stack S --json\`, or
                        \`pulumi preview --json --show-sames\`) instead of planning the stack offline
      --only NAMES      render only these Chart resources (comma-separated resource names, as printed);
                        the policies still see the rest of the plan
      --json            print the result as JSON
      --write-docs      check dev and prod and rewrite the generated tables of docs/charts.md
  -h, --help            print this help

Paths are relative to the directory you ran npm in.
Exit status: 0 no mandatory violation, 1 a mandatory violation or an unusable input, 2 a usage error.`;

const ROOT = REPO_ROOT;
export const DOCS_FILE = path.join(ROOT, "docs", "charts.md");
const STACKS = ["dev", "prod"] as const;
type Stack = (typeof STACKS)[number];

export interface ChartsArgs {
    stack?: Stack;
    chartsDir?: string;
    helm?: string;
    plan?: string;
    /** As typed, for messages. */
    planArg?: string;
    /** Chart resource names to render; default all. */
    only?: string[];
    json: boolean;
    writeDocs: boolean;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ChartsArgs {
    const { options, positionals } = parse(argv, [
        { name: "stack", short: "s", value: true },
        { name: "charts-dir", value: true },
        { name: "helm", value: true },
        { name: "plan", value: true },
        { name: "only", value: true },
        { name: "json", value: false },
        { name: "write-docs", value: false },
    ]);
    if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const stack = options.get("stack") as string | undefined;
    const writeDocs = options.has("write-docs");
    if (writeDocs) {
        for (const o of ["stack", "plan", "json", "only"]) if (options.has(o)) throw new UsageError(`--write-docs checks both stacks from their own plans and writes docs/charts.md: leave out --${o}`);
    } else if (stack === undefined) throw new UsageError("--stack is required (dev or prod)");
    if (stack !== undefined && !(STACKS as readonly string[]).includes(stack)) {
        throw new UsageError(`--stack ${JSON.stringify(stack)}: no such stack (known stacks: ${STACKS.join(", ")}, with Pulumi.<stack>.yaml and policy/config.<stack>.json)`);
    }
    const chartsDir = options.get("charts-dir") as string | undefined;
    const helm = options.get("helm") as string | undefined;
    const plan = options.get("plan") as string | undefined;
    const only = options.get("only") as string | undefined;
    if (only !== undefined && !only.split(",").some((x) => x.trim())) throw new UsageError(`--only ${JSON.stringify(only)}: give Chart resource names, separated by commas`);
    return {
        ...(only !== undefined ? { only: only.split(",").map((s) => s.trim()).filter(Boolean) } : {}),
        ...(stack !== undefined ? { stack: stack as Stack } : {}),
        ...(chartsDir !== undefined ? { chartsDir: resolveUserPath(chartsDir, env) } : {}),
        ...(helm !== undefined ? { helm: resolveUserPath(helm, env) } : {}),
        ...(plan !== undefined ? { plan: resolveUserPath(plan, env), planArg: plan } : {}),
        json: options.has("json"),
        writeDocs,
    };
}

// ---------------------------------------------------------------------------------------------------
// The check.

export interface ObjectViolation {
    policy: string;
    level: "mandatory" | "advisory";
    /** `Deployment monitoring/kps-operator`. */
    object: string;
    message: string;
}

export interface ObjectExemption {
    policy: string;
    object: string;
    reason: string;
}

export interface Counts {
    objects: number;
    mandatory: number;
    advisory: number;
}

export interface ChartReport {
    /** The Chart resource's name in the program. */
    resource: string;
    chart: string;
    version: string;
    repo?: string;
    namespace: string;
    release: string;
    source: string;
    objects: number;
    /** Objects per kind. */
    kinds: Record<string, number>;
    violations: ObjectViolation[];
    exemptions: ObjectExemption[];
    /** Exemption annotations on this chart's objects that the pack does not honour. */
    ignoredExemptions: ObjectExemption[];
    /** Kinds whose scope neither the built-in table nor a rendered CRD gives: left without a namespace. */
    unresolvedScopes: string[];
    /** With --write-docs: the same chart rendered with its own defaults (no values from the program). */
    defaults?: Counts | { error: string };
}

export interface CheckReport {
    stack: Stack;
    policyConfig: string;
    helm: { version: string; from: string };
    kubeVersion: string;
    /** The extra API versions given to helm: what the cluster serves once the stack's CRDs are installed. */
    apiVersions: string[];
    /** "repositories" or the --charts-dir folder. */
    source: string;
    charts: ChartReport[];
    /** Violations on resources of the program itself (npm run plan reports these too). */
    otherViolations: ObjectViolation[];
    notes: string[];
}

export interface CheckOptions {
    stack: Stack;
    helm: Helm;
    chartsDir?: string;
    /** A preview document to take the Charts from; default: the stack's offline plan. */
    planDoc?: unknown;
    planSource?: string;
    /** Chart resource names to render; default all. */
    only?: string[];
    /** Also render each chart with its default values (the docs' "before"). */
    withDefaults?: boolean;
    /** Helm's homes (cache, config, data); default ~/.cache/deepalpha-charts-check/helm. */
    helmHome?: string;
}

const BUILTIN_OR_TOOL_GROUP = /^(core|apps|batch|policy|autoscaling|networking\.k8s\.io|rbac\.authorization\.k8s\.io|storage\.k8s\.io|apiextensions\.k8s\.io|admissionregistration\.k8s\.io|scheduling\.k8s\.io|node\.k8s\.io|coordination\.k8s\.io|discovery\.k8s\.io|certificates\.k8s\.io|helm\.sh|yaml|kustomize)$/;

/** API versions of the custom kinds the program itself creates (cert-manager.io/v1/Issuer, ...): served by the stack's cluster. */
export function programApiVersions(resources: OfflineResource[]): string[] {
    const out = new Set<string>();
    for (const r of resources) {
        const m = /^kubernetes:([^:/]+)\/([^:]+):(.+)$/.exec(r.type);
        if (!m || BUILTIN_OR_TOOL_GROUP.test(m[1])) continue;
        out.add(`${m[1]}/${m[2]}`);
        out.add(`${m[1]}/${m[2]}/${m[3]}`);
    }
    return [...out].sort();
}

async function offlinePlan(stack: Stack): Promise<unknown> {
    const { prepareConfig } = await import("./plan");
    const { runProgram } = await import("../test/harness/run");
    const { toPreview } = await import("../test/harness/preview");
    const prepared = prepareConfig({ stack, json: true, strict: false }, ROOT);
    const run = await runProgram({ stack, config: prepared.config, secretKeys: prepared.secretKeys });
    return toPreview(run, prepared.config, prepared.secretKeys, prepared.notes);
}

/** The stack's Kubernetes minor (cluster.kubernetesVersion; dev's local cluster is whatever kubeconfig names, and e2e runs the same minor). */
async function stackKubeVersion(stack: Stack): Promise<string> {
    const { prepareConfig } = await import("./plan");
    const { validateConfig } = await import("../settings/validate");
    const prepared = prepareConfig({ stack, json: true, strict: false }, ROOT);
    return validateConfig({ values: prepared.config, secretKeys: new Set(prepared.secretKeys), stack }, { placeholders: "note" }).settings.cluster.kubernetesVersion;
}

interface Rendered {
    spec: ChartSpec;
    source: ChartSource;
    objects: K8sObject[];
}

export async function checkStack(o: CheckOptions): Promise<CheckReport> {
    const offline = await import("../policy/offline");
    const notes: string[] = [];
    let doc = o.planDoc;
    const kubeVersion = await stackKubeVersion(o.stack);
    if (doc === undefined) doc = await offlinePlan(o.stack);
    const planResources = offline.resourcesFromPreview(doc, o.planSource ?? "plan");
    let specs = chartsFromResources(planResources);
    if (o.only) {
        const unknown = o.only.filter((n) => !specs.some((s) => s.resourceName === n));
        if (unknown.length) throw new ChartsError(`--only ${unknown.join(",")}: no such Chart resource in the ${o.planSource ?? "plan"} (Chart resources: ${specs.map((s) => s.resourceName).join(", ") || "none"})`);
        specs = specs.filter((s) => o.only!.includes(s.resourceName));
    }
    if (specs.length === 0) notes.push(`the ${o.planSource ?? "plan"} has no helm.v4.Chart: nothing rendered`);
    const helmHome = o.helmHome ?? path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "deepalpha-charts-check", "helm");
    const sources = specs.map((s) => (o.chartsDir ? localSource(o.chartsDir, s) : remoteSource(s)));

    // Capabilities.APIVersions as discovery lists them once the stack is up: the custom kinds the program
    // creates, plus every version the charts' own CRDs serve (a second pass when the first finds new ones).
    let apiVersions = programApiVersions(planResources);
    const renderAll = async (values?: (s: ChartSpec) => Record<string, unknown>) => {
        const out: (Rendered | { spec: ChartSpec; error: string })[] = [];
        for (let i = 0; i < specs.length; i++) {
            try {
                const objects = await renderChart(specs[i], sources[i], { helm: o.helm, kubeVersion, apiVersions, helmHome }, values ? values(specs[i]) : specs[i].values);
                out.push({ spec: specs[i], source: sources[i], objects });
            } catch (e) {
                if (!(e instanceof ChartsError) || !values) throw e;
                out.push({ spec: specs[i], error: e.message });
            }
        }
        return out;
    };
    let rendered = (await renderAll()) as Rendered[];
    const crdVersions = (rs: Rendered[]) => rs.flatMap((r) => r.objects.filter(isCrd).flatMap(servedApiVersions));
    const more = crdVersions(rendered).filter((v) => !apiVersions.includes(v));
    if (more.length) {
        apiVersions = [...new Set([...apiVersions, ...more])].sort();
        rendered = (await renderAll()) as Rendered[];
    }

    const policyConfigFile = offline.policyConfigFile(o.stack);
    const config = offline.loadPolicyConfig(policyConfigFile);
    const configSource = path.relative(ROOT, policyConfigFile);
    const missing = offline.missingSames(doc);
    if (missing) notes.push(`the document lacks its unchanged resources (rerun the preview with --show-sames): stack-level policies were not run`);

    const evaluateWith = async (rs: Rendered[]) => {
        const crds = rs.flatMap((r) => r.objects.filter(isCrd));
        const byUrn = new Map<string, { chart: number; object: K8sObject }>();
        // A real preview already lists a Chart's objects as its children: the rendered ones take their place.
        const rerendered = new Set(rs.map((r) => r.spec.urn));
        const resources: OfflineResource[] = planResources.filter((r) => !r.parent || !rerendered.has(r.parent));
        const unresolved: string[][] = [];
        rs.forEach((r, i) => {
            unresolved.push(applyNamespaces(r.objects, r.spec.namespace, crds));
            for (const { resource, object } of toResources(r.spec, r.objects)) {
                if (byUrn.has(resource.urn)) throw new ChartsError(`Chart ${r.spec.resourceName}: two rendered objects have the same resource name ${resource.urn.split("::").pop()} (${objectLabel(object)}); Pulumi would refuse the duplicate`);
                byUrn.set(resource.urn, { chart: i, object });
                resources.push(resource);
            }
        });
        const result = await offline.evaluate(resources, { config, configSource, skipStackPolicies: !!missing });
        return { result, byUrn, unresolved };
    };
    const labelOf = (byUrn: Map<string, { object: K8sObject }>, urn: string) => {
        const hit = byUrn.get(urn);
        return hit ? objectLabel(hit.object) : urn.slice(urn.lastIndexOf("::") + 2);
    };

    const { result, byUrn, unresolved } = await evaluateWith(rendered);
    const charts: ChartReport[] = rendered.map((r, i) => {
        const mine = (urn: string) => byUrn.get(urn)?.chart === i;
        const kinds: Record<string, number> = {};
        for (const ob of r.objects) kinds[ob.kind] = (kinds[ob.kind] ?? 0) + 1;
        const ex = result.exemptions.filter((e) => mine(e.urn)).map((e) => ({ policy: e.policy, object: labelOf(byUrn, e.urn), reason: e.reason, honoured: e.honoured }));
        return {
            resource: r.spec.resourceName,
            chart: r.spec.chart,
            version: r.spec.version,
            ...(r.spec.repo ? { repo: r.spec.repo } : {}),
            namespace: r.spec.namespace,
            release: r.spec.release,
            source: r.source.shown,
            objects: r.objects.length,
            kinds: Object.fromEntries(Object.entries(kinds).sort(([a], [b]) => a.localeCompare(b))),
            violations: sortViolations(result.violations.filter((v) => mine(v.urn)).map((v) => ({ policy: v.policyName, level: v.enforcementLevel, object: labelOf(byUrn, v.urn), message: v.message }))),
            exemptions: ex.filter((e) => e.honoured).map(({ honoured: _, ...e }) => e),
            ignoredExemptions: ex.filter((e) => !e.honoured).map(({ honoured: _, ...e }) => e),
            unresolvedScopes: unresolved[i],
        };
    });
    const otherViolations = sortViolations(result.violations.filter((v) => !byUrn.has(v.urn)).map((v) => ({ policy: v.policyName, level: v.enforcementLevel, object: labelOf(byUrn, v.urn), message: v.message })));

    if (o.withDefaults) {
        const defaults = await renderAll(() => ({}));
        const ok = defaults.filter((d): d is Rendered => "objects" in d);
        const { result: dres, byUrn: dmap } = await evaluateWith(ok);
        defaults.forEach((d) => {
            const report = charts.find((c) => c.resource === d.spec.resourceName)!;
            if ("error" in d) return void (report.defaults = { error: d.error });
            const idx = ok.indexOf(d);
            const vs = dres.violations.filter((v) => dmap.get(v.urn)?.chart === idx);
            report.defaults = { objects: d.objects.length, ...countLevels(vs) };
        });
    }

    return {
        stack: o.stack,
        policyConfig: configSource,
        helm: { version: o.helm.version, from: o.helm.from },
        kubeVersion,
        apiVersions,
        source: o.chartsDir ?? "repositories",
        charts,
        otherViolations,
        notes,
    };
}

const countLevels = (vs: { enforcementLevel?: string; level?: string }[]) => {
    const mandatory = vs.filter((v) => (v.level ?? v.enforcementLevel) === "mandatory").length;
    return { mandatory, advisory: vs.length - mandatory };
};

function sortViolations(vs: ObjectViolation[]): ObjectViolation[] {
    return vs.sort((a, b) => (a.level === b.level ? a.policy.localeCompare(b.policy) || a.object.localeCompare(b.object) || a.message.localeCompare(b.message) : a.level === "mandatory" ? -1 : 1));
}

export const hasMandatory = (r: CheckReport) => r.charts.some((c) => c.violations.some((v) => v.level === "mandatory")) || r.otherViolations.some((v) => v.level === "mandatory");

// ---------------------------------------------------------------------------------------------------
// Output.

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;

export function renderText(r: CheckReport): string {
    const lines = [
        `Charts of stack ${r.stack}: helm template (Helm ${r.helm.version} from ${r.helm.from}, Kubernetes ${r.kubeVersion}, charts from ${r.source}), policy config ${r.policyConfig}`,
        "",
    ];
    for (const c of r.charts) {
        const { mandatory, advisory } = countLevels(c.violations);
        lines.push(`${c.resource}: ${c.chart} ${c.version} in ${c.namespace}, release ${c.release}: ${plural(c.objects, "object")}, ${mandatory} mandatory, ${advisory} advisory`);
        for (const v of c.violations) {
            lines.push(`  [${v.level}] ${v.policy}  ${v.object}`);
            for (const m of v.message.split("\n")) lines.push(`      ${m}`);
        }
        for (const e of c.exemptions) lines.push(`  exempt: ${e.policy}  ${e.object} (${e.reason})`);
        for (const e of c.ignoredExemptions) lines.push(`  exemption annotation ignored (the policy takes none, or no reason): ${e.policy}  ${e.object}`);
        if (c.unresolvedScopes.length) lines.push(`  note: scope unknown offline, left without a namespace: ${c.unresolvedScopes.join(", ")}`);
    }
    if (r.otherViolations.length) {
        const { mandatory, advisory } = countLevels(r.otherViolations);
        lines.push("", `Resources of the program itself (npm run plan reports them too): ${mandatory} mandatory, ${advisory} advisory`);
        for (const v of r.otherViolations) lines.push(`  [${v.level}] ${v.policy}  ${v.object}`, ...v.message.split("\n").map((m) => `      ${m}`));
    }
    const all = [...r.charts.flatMap((c) => c.violations), ...r.otherViolations];
    const { mandatory, advisory } = countLevels(all);
    lines.push("", `${plural(r.charts.length, "chart")}, ${plural(r.charts.reduce((n, c) => n + c.objects, 0), "object")}: ${mandatory} mandatory, ${advisory} advisory violation${all.length === 1 ? "" : "s"}, ${plural(r.charts.reduce((n, c) => n + c.exemptions.length, 0), "exemption")} honoured`);
    for (const n of r.notes) lines.push(`note: ${n}`);
    return lines.join("\n");
}


// ---------------------------------------------------------------------------------------------------
// docs/charts.md

export const DOCS_BEGIN = "<!-- BEGIN charts:check tables: generated by `npm run --silent charts:check -- --write-docs --charts-dir DIR` (scripts/charts-check.ts); do not edit by hand -->";
export const DOCS_END = "<!-- END charts:check tables -->";

const levels = (c: { mandatory: number; advisory: number }) => (c.mandatory + c.advisory === 0 ? "0" : [c.mandatory ? `${c.mandatory} mandatory` : "", c.advisory ? `${c.advisory} advisory` : ""].filter(Boolean).join(", "));
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The generated part of docs/charts.md, from the reports of both stacks. */
export function docsTables(reports: CheckReport[]): string {
    const o: string[] = [DOCS_BEGIN, ""];
    const r0 = reports[0];
    o.push(`Rendered with Helm ${r0.helm.version}, Kubernetes ${[...new Set(reports.map((r) => r.kubeVersion))].join("/")}, charts from ${r0.source === "repositories" ? "their repositories" : "local chart sources (--charts-dir)"}.`, "");
    o.push("| stack | Chart resource | chart | version | objects rendered | violations before (chart defaults) | violations after (as configured) | exemptions |");
    o.push("|---|---|---|---|---:|---|---|---:|");
    for (const r of reports) {
        for (const c of r.charts) {
            const before = !c.defaults ? "not computed" : "error" in c.defaults ? "does not render without the program's values" : `${levels(c.defaults)} (${plural(c.defaults.objects, "object")})`;
            o.push(`| ${r.stack} | ${c.resource} | ${cell(c.chart)} | ${c.version} | ${c.objects} | ${before} | ${levels(countLevels(c.violations))} | ${c.exemptions.length} |`);
        }
    }
    o.push("");
    const ex = reports.flatMap((r) => r.charts.flatMap((c) => c.exemptions.map((e) => ({ stack: r.stack, chart: c.resource, ...e }))));
    if (ex.length) {
        o.push("Exemptions honoured on chart objects (each names one object):", "");
        o.push("| stack | Chart resource | policy | object | reason |");
        o.push("|---|---|---|---|---|");
        for (const e of ex) o.push(`| ${e.stack} | ${e.chart} | ${e.policy} | ${cell(e.object)} | ${cell(e.reason)} |`);
    } else o.push("No exemption is honoured on a chart object.");
    const left = reports.flatMap((r) => r.charts.flatMap((c) => c.violations.map((v) => ({ stack: r.stack, chart: c.resource, ...v }))));
    if (left.length) {
        o.push("", "Violations left (as configured):", "");
        o.push("| stack | Chart resource | level | policy | object | finding |");
        o.push("|---|---|---|---|---|---|");
        for (const v of left) o.push(`| ${v.stack} | ${v.chart} | ${v.level} | ${v.policy} | ${cell(v.object)} | ${cell(v.message)} |`);
    }
    o.push("", DOCS_END);
    return o.join("\n");
}

/** docs/charts.md with its generated part replaced. */
export function withDocsTables(doc: string, tables: string): string {
    const b = doc.indexOf(DOCS_BEGIN);
    const e = doc.indexOf(DOCS_END);
    if (b < 0 || e < b) throw new ChartsError(`${path.relative(ROOT, DOCS_FILE)}: the generated part's markers are missing (${DOCS_BEGIN} ... ${DOCS_END})`);
    return doc.slice(0, b) + tables + doc.slice(e + DOCS_END.length);
}

/** The rows of the generated table: what the docs test compares with the plans. */
export function docsRows(doc: string): { stack: string; resource: string; chart: string; version: string; objects: number; before: string; after: string; exemptions: number }[] {
    const b = doc.indexOf(DOCS_BEGIN);
    const e = doc.indexOf(DOCS_END);
    if (b < 0 || e < b) return [];
    const rows = [];
    for (const line of doc.slice(b, e).split("\n")) {
        const m = /^\| (dev|prod) \| ([^|]+) \| ([^|]+) \| ([^|]+) \| (\d+) \| ([^|]+) \| ([^|]+) \| (\d+) \|$/.exec(line);
        if (m) rows.push({ stack: m[1], resource: m[2], chart: m[3], version: m[4], objects: Number(m[5]), before: m[6], after: m[7], exemptions: Number(m[8]) });
    }
    return rows;
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
    const parsed = parseCommandLine(() => parseArgs(process.argv.slice(2)), USAGE);
    if ("exit" in parsed) return parsed.exit;
    const args = parsed.args;
    const offline = await import("../policy/offline");
    try {
        if (args.chartsDir && !fs.statSync(args.chartsDir, { throwIfNoEntry: false })?.isDirectory()) throw new ChartsError(`--charts-dir ${args.chartsDir}: no such directory`);
        const helm = await findHelm(args.helm);
        if (args.writeDocs) {
            const reports: CheckReport[] = [];
            for (const stack of STACKS) {
                process.stderr.write(`charts:check: rendering the charts of ${stack}\n`);
                reports.push(await checkStack({ stack, helm, chartsDir: args.chartsDir, withDefaults: true }));
            }
            fs.writeFileSync(DOCS_FILE, withDocsTables(fs.readFileSync(DOCS_FILE, "utf8"), docsTables(reports)));
            for (const r of reports) process.stdout.write(renderText(r) + "\n\n");
            process.stdout.write(`wrote ${path.relative(ROOT, DOCS_FILE)}\n`);
            return reports.some(hasMandatory) ? EXIT_FAILURE : 0;
        }
        let planDoc: unknown;
        if (args.plan) {
            let text: string;
            try {
                text = fs.readFileSync(args.plan, "utf8");
            } catch (e) {
                throw new ChartsError(`--plan ${args.planArg}: cannot read it (${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message})`);
            }
            try {
                planDoc = JSON.parse(text);
            } catch (e) {
                throw new ChartsError(`--plan ${args.planArg}: not JSON (${(e as Error).message}); expected the document \`npm run --silent plan -- --json\` or \`pulumi preview --json\` prints`);
            }
        }
        const report = await checkStack({ stack: args.stack!, helm, chartsDir: args.chartsDir, planDoc, planSource: args.planArg, only: args.only });
        process.stdout.write(args.json ? JSON.stringify(report, null, 2) + "\n" : renderText(report) + "\n");
        if (hasMandatory(report)) {
            process.stderr.write(`error: mandatory policy violations (${report.policyConfig}): pulumi preview --policy-pack policy would fail on these objects\n`);
            return EXIT_FAILURE;
        }
        return 0;
    } catch (e) {
        if (e instanceof ChartsError || e instanceof offline.PreviewFormatError || e instanceof offline.PolicyConfigError) {
            process.stderr.write(`error: ${e.message}\n`);
            return EXIT_FAILURE;
        }
        throw e;
    }
}

if (require.main === module) {
    main().then(exitWith, (e: unknown) => {
        const msg = e instanceof Error ? (e.name === "RunError" || e.constructor.name === "RunError" ? e.message : e.stack ?? e.message) : String(e);
        process.stderr.write(`error: ${msg}\n`);
        process.exit(1);
    });
}
