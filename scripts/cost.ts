// `npm run cost -- --stack <dev|prod> [--config-file PATH] [--json] [--assume key=value ...] [--no-what-ifs] [--write-docs]`
// `npm run cost -- --diff BASE.json HEAD.json`
//
// The monthly bill of what the offline plan would deploy: the same run of index.ts under the mock harness that
// `npm run plan` makes, priced per resource and per tier by scripts/cost-model.ts with cost/rates/<region>.json
// and the usage assumptions of cost/assumptions.json. The what-if switches are settings of the program: each is
// priced by planning the stack again with that one setting changed. --write-docs regenerates docs/cost.md
// (a test fails when it is stale); --diff prints the per-tier difference of two --json reports as Markdown
// (the pull-request workflow's job summary).
import * as fs from "fs";
import * as path from "path";
import { ConfigError, NAMESPACE } from "../settings/validate";
import { StackFileError } from "../test/harness/stack-file";
import { type Assumptions, CostError, type CostLine, type CostReport, type RatesFile, TIERS, type Tier, loadAssumptions, loadRates, overrideAssumptions, priceDocument, regionOf } from "./cost-model";
import { UsageError } from "./cli";
import { prepareConfig } from "./plan";
import { REPO_ROOT } from "../repo-root";

const USAGE = "usage: npm run cost -- --stack <dev|prod> [--config-file PATH] [--json] [--assume key=value ...] [--no-what-ifs] [--write-docs]\n       npm run cost -- --diff BASE.json HEAD.json";
const ROOT = REPO_ROOT;
export const COST_DOC = path.join(ROOT, "docs", "cost.md");

export interface CostArgs {
    stack: string;
    configFile?: string;
    json: boolean;
    assume: string[];
    whatIfs: boolean;
    writeDocs: boolean;
    diff?: [string, string];
}

export function parseCostArgs(argv: string[]): CostArgs {
    const out: CostArgs = { stack: "", json: false, assume: [], whatIfs: true, writeDocs: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            const v = argv[++i];
            if (!v || v.startsWith("--")) throw new UsageError(`${a} needs a value\n${USAGE}`);
            return v;
        };
        if (a === "--json") out.json = true;
        else if (a === "--no-what-ifs") out.whatIfs = false;
        else if (a === "--write-docs") out.writeDocs = true;
        else if (a === "--stack") out.stack = value();
        else if (a === "--config-file") out.configFile = value();
        else if (a === "--assume") out.assume.push(value());
        else if (a === "--diff") out.diff = [value(), value()];
        else throw new UsageError(`unknown argument ${JSON.stringify(a)}\n${USAGE}`);
    }
    if (out.diff) return out;
    if (!out.stack) throw new UsageError(`--stack is required\n${USAGE}`);
    if (!/^[A-Za-z0-9_.-]+$/.test(out.stack)) throw new UsageError(`--stack ${JSON.stringify(out.stack)}: expected a stack name such as dev or prod`);
    if (out.writeDocs && (out.stack !== "prod" || out.configFile || out.assume.length)) throw new UsageError("--write-docs regenerates docs/cost.md from Pulumi.prod.yaml and the stated assumptions: use it with --stack prod alone");
    return out;
}

// ---------------------------------------------------------------------------------------------------------
// What-if switches: settings the program has, each changed alone.
// ---------------------------------------------------------------------------------------------------------
type Obj = Record<string, unknown>;
export interface WhatIf {
    id: string;
    title: string;
    /** The setting and its new value, or why it does not apply to this stack. */
    change(config: Record<string, string>): { setting: string; from: unknown; to: unknown } | { skip: string };
    givesUp: string;
}

const section = (config: Record<string, string>, key: string): Obj => {
    const raw = config[`${NAMESPACE}:${key}`];
    return raw ? (JSON.parse(raw) as Obj) : {};
};
const getPath = (o: Obj, p: string[]): unknown => p.reduce<unknown>((a, k) => (a && typeof a === "object" ? (a as Obj)[k] : undefined), o);

/** Graviton family of the same kind (general purpose / compute): m5, m6i, m7i -> m7g; c5, c6i, c7i -> c7g. */
const GRAVITON: Record<string, string> = { m5: "m7g", m6i: "m7g", m7i: "m7g", m6a: "m7g", m7a: "m7g", c5: "c7g", c6i: "c7g", c7i: "c7g", c6a: "c7g", c7a: "c7g" };
const SIZES = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];

export const WHAT_IFS: WhatIf[] = [
    {
        id: "single-nat",
        title: "One NAT gateway instead of one per zone",
        change: (c) => {
            const from = getPath(section(c, "cluster"), ["natGateways"]);
            return from === "onePerAz" ? { setting: "cluster.natGateways", from, to: "single" } : { skip: `cluster.natGateways is ${JSON.stringify(from ?? "not set")}` };
        },
        givesUp: "egress of every zone goes through one zone: when that zone fails, no pod reaches the exchanges, the LLM or news APIs until it is back; the traffic of the other zones to the NAT crosses zones and is billed as such (not in this figure)",
    },
    {
        id: "graviton-general",
        title: "Graviton general nodes (same size)",
        change: (c) => {
            const from = String(getPath(section(c, "cluster"), ["generalNodes", "instanceType"]) ?? "");
            const [fam, size] = from.split(".");
            return GRAVITON[fam] ? { setting: "cluster.generalNodes.instanceType", from, to: `${GRAVITON[fam]}.${size}` } : { skip: `no Graviton counterpart listed for ${JSON.stringify(from)}` };
        },
        givesUp: "every image that runs on the general nodes (DeepAlpha API and WebSocket, Freqtrade, every chart) must be published for arm64; the nodes take the ARM AMI (components/cluster/src/nodegroups.ts)",
    },
    {
        id: "graviton-executor",
        title: "Graviton executor nodes (same size, executor rebuilt for Neoverse V1)",
        change: (c) => {
            const from = String(getPath(section(c, "cluster"), ["executorNodes", "instanceType"]) ?? "");
            const [fam, size] = from.split(".");
            return GRAVITON[fam] ? { setting: "cluster.executorNodes.instanceType (+ cpuTarget neoverse-v1)", from, to: `${GRAVITON[fam]}.${size}` } : { skip: `no Graviton counterpart listed for ${JSON.stringify(from)}` };
        },
        givesUp: "the executor image must be rebuilt for aarch64 with -C target-cpu=neoverse-v1 and its order latency measured again (docs/performance-tuning.md); the x86 tuning (AVX-512) no longer applies",
    },
    {
        id: "smaller-executor",
        title: "Executor nodes one size smaller",
        change: (c) => {
            const from = String(getPath(section(c, "cluster"), ["executorNodes", "instanceType"]) ?? "");
            const [fam, size] = from.split(".");
            const at = SIZES.indexOf(size);
            return at > 0 ? { setting: "cluster.executorNodes.instanceType", from, to: `${fam}.${SIZES[at - 1]}` } : { skip: `no smaller size than ${JSON.stringify(from)} listed` };
        },
        givesUp: "half the vCPUs and memory per executor node (c6i.4xlarge: 16 and 32 GiB; c6i.2xlarge: 8 and 16 GiB): the executor pod (4 pinned CPUs, 8 GiB, 1 GiB of huge pages) still fits, with less room for the node's daemons and none for a second executor pod on the node during a rollout",
    },
    {
        id: "smaller-postgres",
        title: "PostgreSQL instances one size smaller (primary and replicas)",
        change: (c) => {
            const from = String(getPath(section(c, "data"), ["postgres", "instanceClass"]) ?? "");
            const [db, fam, size] = from.split(".");
            const at = SIZES.indexOf(size);
            return at > 0 ? { setting: "data.postgres.instanceClass", from, to: `${db}.${fam}.${SIZES[at - 1]}` } : { skip: `no smaller class than ${JSON.stringify(from)} listed` };
        },
        givesUp: "half the memory and vCPUs of the primary, its standby and each replica; the seed's fixed tuning (shared_buffers 4 GB, effective_cache_size 12 GB) then takes a larger share of the smaller instance's memory",
    },
];

/** The stack's configuration with one what-if applied. */
export function applyWhatIf(config: Record<string, string>, w: WhatIf): { config: Record<string, string>; setting: string; from: unknown; to: unknown } | { skip: string } {
    const ch = w.change(config);
    if ("skip" in ch) return ch;
    const out = { ...config };
    const set = (key: string, p: string[], v: unknown) => {
        const o = section(out, key);
        let at: Obj = o;
        for (const k of p.slice(0, -1)) at = (at[k] ??= {}) as Obj;
        at[p[p.length - 1]] = v;
        out[`${NAMESPACE}:${key}`] = JSON.stringify(o);
    };
    if (w.id === "single-nat") set("cluster", ["natGateways"], ch.to);
    else if (w.id === "graviton-general") set("cluster", ["generalNodes", "instanceType"], ch.to);
    else if (w.id === "graviton-executor") {
        set("cluster", ["executorNodes", "instanceType"], ch.to);
        set("cluster", ["executorNodes", "cpuTarget"], "neoverse-v1");
    } else if (w.id === "smaller-executor") set("cluster", ["executorNodes", "instanceType"], ch.to);
    else if (w.id === "smaller-postgres") set("data", ["postgres", "instanceClass"], ch.to);
    else throw new Error(`what-if ${w.id} has no setter`);
    return { config: out, ...ch };
}

export interface WhatIfResult {
    id: string;
    title: string;
    givesUp: string;
    setting?: string;
    from?: unknown;
    to?: unknown;
    /** Not applicable to this stack, or refused by the program's validation: the reason. */
    skipped?: string;
    total?: number;
    delta?: number;
    byTierDelta?: Record<Tier, number>;
}

export interface FullReport extends CostReport {
    assumptions: Assumptions;
    rates: RatesFile["rates"];
    ratesFile: string;
    checkedNote: string;
    pricing: string;
    whatIfs: WhatIfResult[];
    notes: string[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Plan a configuration with the harness and price it: the code `npm run plan` runs, then the cost model. */
export async function costOf(stack: string, config: Record<string, string>, secretKeys: string[], assumptions: Assumptions): Promise<CostReport> {
    const { runProgram } = await import("../test/harness/run");
    const { toPreview } = await import("../test/harness/preview");
    const run = await runProgram({ stack, config, secretKeys });
    const doc = toPreview(run, config, secretKeys, []);
    return priceDocument(doc, stack, loadRates(regionOf(config)), assumptions);
}

export async function buildReport(stack: string, config: Record<string, string>, secretKeys: string[], assumptions: Assumptions, whatIfs: boolean, base?: CostReport): Promise<FullReport> {
    const rates = loadRates(regionOf(config));
    const report = base ?? (await costOf(stack, config, secretKeys, assumptions));
    const results: WhatIfResult[] = [];
    if (whatIfs) {
        const profile = config[`${NAMESPACE}:profile`] ?? "local";
        for (const w of WHAT_IFS) {
            const r: WhatIfResult = { id: w.id, title: w.title, givesUp: w.givesUp };
            if (profile !== "production") {
                results.push({ ...r, skipped: `not applicable: the ${profile} profile runs on a local cluster, with no AWS node groups, NAT gateways or databases` });
                continue;
            }
            const applied = applyWhatIf(config, w);
            if ("skip" in applied) {
                results.push({ ...r, skipped: `not applicable: ${applied.skip}` });
                continue;
            }
            Object.assign(r, { setting: applied.setting, from: applied.from, to: applied.to });
            try {
                const alt = await costOf(stack, applied.config, secretKeys, assumptions);
                r.total = alt.total;
                r.delta = round2(alt.total - report.total);
                r.byTierDelta = Object.fromEntries(TIERS.map((t) => [t, round2(alt.byTier[t] - report.byTier[t])])) as Record<Tier, number>;
            } catch (e) {
                if (e instanceof CostError) throw e;
                const msg = e instanceof Error ? e.message : String(e);
                r.skipped = `refused by the program: ${msg.split("\n").map((l) => l.trim().replace(/^- /, "")).filter(Boolean).join(" ")}`;
            }
            results.push(r);
        }
    }
    const notes: string[] = [];
    if (!config["aws:region"]) notes.push("the stack sets no aws:region: priced with the us-west-2 rates");
    return {
        ...report,
        assumptions,
        rates: rates.rates,
        ratesFile: `cost/rates/${rates.region}.json`,
        checkedNote: rates.checkedNote,
        pricing: rates.pricing,
        whatIfs: results,
        notes,
    };
}

// ---------------------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------------------
const usd = (n: number) => n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const signed = (n: number) => (n > 0 ? `+${usd(n)}` : n < 0 ? `-${usd(-n)}` : "±0.00");
const num = (n: number) => String(Math.round(n * 1000) / 1000);
const TIER_TITLE: Record<Tier, string> = { cluster: "cluster (EKS, nodes, network)", data: "data (RDS, ElastiCache, InfluxDB, S3)", app: "app", observability: "observability", stack: "stack" };

/** Lines grouped by item and rate: one line's fields but the resource's, with every line's basis. */
type Row = Omit<CostLine, "resource" | "type" | "basis"> & { basis: string[] };

/** Lines of one item and rate grouped: "EC2 general nodes, m5.2xlarge" over the three zone groups. */
export function groupLines(report: CostReport): Row[] {
    const rows = new Map<string, Row>();
    for (const l of report.lines) {
        const k = `${l.tier}|${l.item}|${l.rateKey}`;
        const r = rows.get(k) ?? { tier: l.tier, item: l.item, basis: [], quantity: 0, unit: l.unit, rateKey: l.rateKey, rate: l.rate, monthly: 0, assumed: l.assumed };
        r.quantity += l.quantity;
        r.basis.push(`${l.resource}: ${l.basis}`);
        rows.set(k, r);
    }
    return [...rows.values()].map((r) => ({ ...r, quantity: Math.round(r.quantity * 1000) / 1000, monthly: round2(r.quantity * r.rate) }));
}

export function renderText(r: FullReport): string {
    const out: string[] = [];
    out.push(`Monthly cost of stack ${r.stack} (${r.region}, on-demand, ${r.hoursPerMonth} h a month; rates ${r.ratesFile})`, "");
    for (const t of TIERS) {
        const ls = r.lines.filter((l) => l.tier === t);
        if (!ls.length) continue;
        out.push(`${t}: $${usd(r.byTier[t])}`);
        for (const l of ls) out.push(`  ${l.resource.padEnd(36)} ${l.item.padEnd(58)} ${num(l.quantity).padStart(9)} ${l.unit.padEnd(14)} x ${String(l.rate).padEnd(7)} = ${usd(l.monthly).padStart(9)}${l.assumed ? "  (assumed)" : ""}`);
        out.push("");
    }
    out.push(`total: $${usd(r.total)} a month`, "");
    if (r.notPriced.length) {
        out.push("Not priced (listed, not in the total):");
        for (const n of r.notPriced) out.push(`  ${n.resource} (${n.type}): ${n.reason}`);
        out.push("");
    }
    out.push(`No charge: ${r.noCharge.map((n) => `${n.count} ${n.type}`).join(", ")}`, "");
    const unchecked = r.ratesUsed.filter((k) => !r.rates[k].checked);
    out.push(`Rates checked against a stored page: ${r.ratesUsed.length - unchecked.length} of ${r.ratesUsed.length}; unchecked: ${unchecked.join(", ") || "none"}`, "");
    if (r.whatIfs.length) {
        out.push("What if (each setting changed alone, the stack planned and priced again):");
        for (const w of r.whatIfs) {
            if (w.skipped) out.push(`  ${w.title}: ${w.skipped}`);
            else out.push(`  ${w.title} (${w.setting}: ${String(w.from)} -> ${String(w.to)}): ${signed(w.delta!)} a month, total $${usd(w.total!)}; gives up: ${w.givesUp}`);
        }
        out.push("");
    }
    out.push(`Assumptions (override with --assume key=value): ${r.assumptionsUsed.map((k) => `${k}=${r.assumptions[k].value}`).join(", ")}`);
    return out.join("\n");
}

/** docs/cost.md: generated by `npm run cost -- --stack prod --write-docs`. */
export function renderMarkdown(r: FullReport): string {
    const rows = groupLines(r);
    const link = (k: string) => {
        const src = r.rates[k].source;
        const name = src.replace(/^https:\/\/aws\.amazon\.com\//, "").replace(/\/$/, "");
        return `[${name}](${src})`;
    };
    const o: string[] = [];
    o.push("<!-- Generated by `npm run cost -- --stack prod --write-docs` (scripts/cost.ts); test/cost.spec.ts fails when it is stale. Do not edit by hand. -->");
    o.push("# What prod costs per month", "");
    o.push(
        `An **estimate** of the monthly AWS bill of the \`${r.stack}\` stack as \`Pulumi.prod.yaml\` configures it, computed from the offline plan`,
        "(the resources and inputs `npm run plan -- --stack prod` shows): on-demand prices in US West (Oregon), `us-west-2`,",
        `${r.hoursPerMonth} hours a month, ${r.pricing.replace(/^on-demand list prices, /, "")}. The instance types, counts and sizes are the plan's;`,
        "the usage figures (traffic, logs, stored bytes) are assumptions, marked *assumed* below and overridable",
        "(`npm run cost -- --stack prod --assume natProcessedGb=2500`).",
        "",
        `**About the prices.** The rates are data, in [\`${r.ratesFile}\`](../${r.ratesFile}), each with its unit, the date it was read and its`,
        "source page. This repository is built without access to the live AWS pricing pages: a rate is marked *checked* only where a",
        "stored public page showed the same figure; the others are the last list prices recorded here and must be re-read on their",
        "page or in the AWS Pricing Calculator (https://calculator.aws/) before anyone budgets with this page.",
        "",
    );
    o.push("## By component", "");
    o.push("| component | billed as | quantity | unit | rate (USD) | monthly (USD) | source |", "|---|---|---|---|---|---|---|");
    for (const row of rows) {
        const billed = row.basis.length === 1 ? row.basis[0].replace(/^[^:]+: /, "") : row.basis.map((b) => b).join("; ");
        o.push(`| ${row.item} | ${row.assumed ? "*assumed*: " : ""}${billed} | ${num(row.quantity)} | ${row.unit} | ${row.rate} | ${usd(row.monthly)} | ${link(row.rateKey)} |`);
    }
    o.push(`| **total** | | | | | **${usd(r.total)}** | |`, "");
    o.push("## By tier", "", "| tier | monthly (USD) | share |", "|---|---|---|");
    for (const t of TIERS) if (r.byTier[t] || t !== "stack") o.push(`| ${TIER_TITLE[t]} | ${usd(r.byTier[t])} | ${Math.round((100 * r.byTier[t]) / r.total)} % |`);
    o.push(`| **total** | **${usd(r.total)}** | 100 % |`, "");
    o.push("## What if", "", "Each switch is a setting of the program, changed alone in `Pulumi.prod.yaml`'s configuration; the stack is planned and priced again by the same code.", "");
    o.push("| switch | setting | change per month (USD) | total (USD) | what it gives up |", "|---|---|---|---|---|");
    for (const w of r.whatIfs) {
        if (w.skipped) o.push(`| ${w.title} | ${w.setting ? `\`${w.setting}\`: ${String(w.from)} → ${String(w.to)}` : ""} | — | — | ${w.skipped} |`);
        else o.push(`| ${w.title} | \`${w.setting}\`: ${String(w.from)} → ${String(w.to)} | ${signed(w.delta!)} | ${usd(w.total!)} | ${w.givesUp} |`);
    }
    o.push("", "Valkey instead of Redis OSS is not a setting of this program (`data.redis.engineVersion` takes Redis OSS versions only), so it is not priced here.", "");
    o.push("## Not priced", "", "Listed here, never in the total:", "");
    for (const n of r.notPriced) o.push(`- \`${n.resource}\` (${n.type}): ${n.reason}.`);
    o.push("", `No charge: ${r.noCharge.map((n) => `${n.count} × \`${n.type}\``).join(", ")}.`, "");
    o.push("Also outside the total: RDS and ElastiCache backup storage beyond the free allowance (free up to the provisioned size), S3 requests,");
    o.push("KMS requests, CloudWatch metrics and alarms, Performance Insights beyond the free 7 days, Route 53, ECR, the CI runners and the");
    o.push("Pulumi state bucket, and EKS extended support (+$0.50 a cluster-hour past a version's standard support; `--assume eksExtendedSupport=1`).", "");
    o.push("## Usage assumptions", "", "| assumption | value | unit | why |", "|---|---|---|---|");
    for (const k of r.assumptionsUsed) o.push(`| \`${k}\` | ${r.assumptions[k].value} | ${r.assumptions[k].unit} | ${r.assumptions[k].why} |`);
    const used = new Set(r.ratesUsed);
    const nChecked = Object.values(r.rates).filter((x) => x.checked).length;
    o.push("", "## Rates", "", `From [\`${r.ratesFile}\`](../${r.ratesFile}), region ${r.region}: ${nChecked} of ${Object.keys(r.rates).length} checked. ${r.checkedNote}. Rates not used by the prod plan are there for the what-if switches.`, "");
    o.push("| rate | USD | unit | read | prod plan | checked against |", "|---|---|---|---|---|---|");
    for (const k of Object.keys(r.rates).sort()) {
        const x = r.rates[k];
        o.push(`| \`${k}\` | $${x.usd} | ${x.unit} | ${x.read} | ${used.has(k) ? "used" : "what-if"} | ${x.checked ? x.checked : "**unchecked**"}${x.note ? `; ${x.note}` : ""} |`);
    }
    o.push("");
    return o.join("\n");
}

/** Markdown of the cost change between two `--json` reports (base, head): per tier, the total, and lines added or removed. */
export function renderDiff(base: CostReport | undefined, head: CostReport): string {
    const o: string[] = [];
    o.push(`### Monthly cost, stack ${head.stack}`, "");
    if (!base) {
        o.push(`The base branch has no cost report (no \`npm run cost\`, or its plan failed): head total **$${usd(head.total)}** a month.`);
        return o.join("\n");
    }
    o.push("| tier | base (USD) | head (USD) | change (USD) |", "|---|---|---|---|");
    for (const t of TIERS) if (base.byTier[t] || head.byTier[t]) o.push(`| ${t} | ${usd(base.byTier[t] ?? 0)} | ${usd(head.byTier[t] ?? 0)} | ${signed(round2((head.byTier[t] ?? 0) - (base.byTier[t] ?? 0)))} |`);
    o.push(`| **total** | **${usd(base.total)}** | **${usd(head.total)}** | **${signed(round2(head.total - base.total))}** |`, "");
    const key = (l: CostReport["lines"][number]) => `${l.resource} · ${l.item}`;
    const b = new Map(base.lines.map((l) => [key(l), l.monthly]));
    const h = new Map(head.lines.map((l) => [key(l), l.monthly]));
    const changed = [...new Set([...b.keys(), ...h.keys()])].filter((k) => round2((h.get(k) ?? 0) - (b.get(k) ?? 0)) !== 0);
    if (changed.length) {
        o.push("| line | base (USD) | head (USD) | change (USD) |", "|---|---|---|---|");
        for (const k of changed) o.push(`| ${k} | ${b.has(k) ? usd(b.get(k)!) : "—"} | ${h.has(k) ? usd(h.get(k)!) : "—"} | ${signed(round2((h.get(k) ?? 0) - (b.get(k) ?? 0)))} |`);
    } else o.push("No line changed.");
    return o.join("\n");
}

// ---------------------------------------------------------------------------------------------------------
async function main(): Promise<number> {
    let args: CostArgs;
    try {
        args = parseCostArgs(process.argv.slice(2));
        if (args.diff) {
            const read = (f: string) => {
                if (!fs.existsSync(f) || fs.statSync(f).size === 0) return undefined;
                try {
                    return JSON.parse(fs.readFileSync(f, "utf8")) as CostReport;
                } catch {
                    throw new UsageError(`${f} is not a cost report (npm run cost -- --json)`);
                }
            };
            const head = read(args.diff[1]);
            if (!head) throw new UsageError(`${args.diff[1]}: no head report`);
            process.stdout.write(renderDiff(read(args.diff[0]), head) + "\n");
            return 0;
        }
        const prepared = prepareConfig({ stack: args.stack, json: true, strict: false, configFile: args.configFile });
        const assumptions = overrideAssumptions(loadAssumptions(), args.assume);
        loadRates(regionOf(prepared.config));
        const report = await buildReport(args.stack, prepared.config, prepared.secretKeys, assumptions, args.whatIfs || args.writeDocs);
        if (args.writeDocs) {
            fs.writeFileSync(COST_DOC, renderMarkdown(report));
            process.stderr.write(`wrote ${path.relative(process.cwd(), COST_DOC)}: $${usd(report.total)} a month\n`);
        } else if (args.json) process.stdout.write(JSON.stringify(report, null, 2) + "\n");
        else process.stdout.write(renderText(report) + "\n");
        for (const n of report.notes) process.stderr.write(`note: ${n}\n`);
        return 0;
    } catch (e) {
        if (e instanceof UsageError || e instanceof StackFileError || e instanceof ConfigError || e instanceof CostError) {
            process.stderr.write(`error: ${e.message}\n`);
            return 1;
        }
        throw e;
    }
}

if (require.main === module) {
    main().then(
        (code) => process.stdout.write("", () => process.exit(code)),
        (e: unknown) => {
            const msg = e instanceof Error ? (e.name === "RunError" || e.constructor.name === "RunError" ? e.message : e.stack ?? e.message) : String(e);
            process.stderr.write(`error: ${msg}\n`);
            process.exit(1);
        },
    );
}
