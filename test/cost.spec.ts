// Cost from the plan (issue 14): scripts/cost-model.ts prices the offline plan with cost/rates/<region>.json,
// scripts/cost.ts adds the what-if switches, docs/cost.md and the pull-request diff.
// - a change of an instance type, a replica count or a storage size in the stack's configuration changes the
//   report by exactly the rate times the change, on the lines it should and no other;
// - every resource of the plan is priced, listed as not priced, or counted as no charge; an unknown type and a
//   missing rate are errors that name the type;
// - every rate carries its unit, the date read, an AWS source page, and says whether it was checked;
// - docs/cost.md is what `npm run cost -- --stack prod --write-docs` writes today.
import { expect } from "chai";
import * as fs from "fs";
import * as YAML from "yaml";
import { type Assumptions, CostError, type CostReport, type RatesFile, loadAssumptions, loadRates, overrideAssumptions, priceDocument } from "../scripts/cost-model";
import { COST_DOC, WHAT_IFS, applyWhatIf, buildReport, parseCostArgs, renderDiff, renderMarkdown } from "../scripts/cost";
import { prepareConfig } from "../scripts/plan";
import { runScript } from "./harness/cli";
import { type PreviewDocument, toPreview } from "./harness/preview";
import type { ProgramRun } from "./harness/run";
import { ROOT_DIR, planStack, planWith } from "./harness/stacks";

const prodConfig = () => prepareConfig({ stack: "prod", json: true, strict: false }, ROOT_DIR);
const docOf = (run: ProgramRun): PreviewDocument => {
    const { config, secretKeys } = prodConfig();
    return toPreview(run, config, secretKeys, []);
};
const rates = loadRates("us-west-2");
const assumptions = loadAssumptions();
const price = (run: ProgramRun, a: Assumptions = assumptions) => priceDocument(docOf(run), "prod", rates, a);

/** The prod stack file's section with one value changed, as a config override. */
function withSetting(section: string, p: string[], value: unknown): Record<string, string> {
    const o = JSON.parse(prodConfig().config[`deepalpha:${section}`]) as Record<string, unknown>;
    let at = o;
    for (const k of p.slice(0, -1)) at = at[k] as Record<string, unknown>;
    at[p[p.length - 1]] = value;
    return { [`deepalpha:${section}`]: JSON.stringify(o) };
}

const sumWhere = (r: CostReport, f: (l: CostReport["lines"][number]) => boolean) => r.lines.filter(f).reduce((a, l) => a + l.monthly, 0);
const H = 730;
const rate = (k: string) => rates.rates[k].usd;

describe("cost: the monthly bill of the offline plan (npm run cost)", function () {
    this.timeout(60000);
    let base: CostReport;
    let largerType: Promise<CostReport>;
    before(async () => {
        largerType = planWith("prod", withSetting("cluster", ["generalNodes", "instanceType"], "m7g.2xlarge")).then((r) => price(r));
        base = price(await planStack("prod"));
    });

    it("prices prod from the plan's inputs: node counts and types, Multi-AZ, replicas and sizes", () => {
        const line = (resource: string, item: RegExp) => {
            const found = base.lines.filter((l) => l.resource === resource && item.test(l.item));
            expect(found, `${resource} ${item}`).to.have.length(1);
            return found[0];
        };
        expect(line("cluster-executor", /^EC2 executor nodes, c6i\.4xlarge$/).quantity).to.equal(2 * H);
        for (const g of ["cluster-general-1", "cluster-general-2", "cluster-general-3"]) expect(line(g, /^EC2 general nodes, m5\.2xlarge$/).quantity).to.equal(H);
        expect(line("data-postgres-primary", /^RDS PostgreSQL primary, .* Multi-AZ$/).rateKey).to.equal("rds.postgres.db.r6g.xlarge.multi-az");
        expect(line("data-postgres-replica-2", /read replicas/).rateKey).to.equal("rds.postgres.db.r6g.xlarge.single-az");
        expect(line("data-postgres-replica-1", /^RDS storage, replicas/).quantity, "a replica's storage is its source's").to.equal(200);
        expect(line("data-redis-group", /ElastiCache/).quantity).to.equal(3 * H);
        expect(line("data-influxdb-instance", /standby/).quantity).to.equal(2 * H);
        expect(line("data-influxdb-instance", /storage/).quantity).to.equal(800);
        expect(line("observability-elasticsearch", /EBS/).quantity).to.equal(300);
        expect(base.lines.filter((l) => l.item === "NAT gateways")).to.have.length(3);
        expect(base.lines.filter((l) => l.item === "Public IPv4 addresses").reduce((a, l) => a + l.quantity, 0), "3 NAT EIPs + the NLB's 3 addresses").to.equal(6 * H);
        const tiers = Object.values(base.byTier).reduce((a, b) => a + b, 0);
        expect(tiers).to.be.closeTo(base.total, 0.011);
        expect(base.byTier.cluster).to.be.greaterThan(0);
        expect(base.byTier.data).to.be.greaterThan(0);
    });

    it("a larger instance type changes the general-node lines by (new rate - old rate) x hours x nodes, and nothing else", async () => {
        const alt = await largerType;
        const nodes = (r: CostReport) => sumWhere(r, (l) => /^EC2 general nodes/.test(l.item));
        const expected = 3 * H * (rate("ec2.m7g.2xlarge") - rate("ec2.m5.2xlarge"));
        expect(nodes(alt) - nodes(base)).to.be.closeTo(expected, 0.011);
        expect(alt.total - base.total).to.be.closeTo(expected, 0.011);
        expect(alt.lines.some((l) => l.item === "EC2 general nodes, m7g.2xlarge")).to.equal(true);
    });

    it("one more read replica adds an instance, its storage and its logs, at the replica (Single-AZ) rates", async () => {
        const alt = price(await planWith("prod", withSetting("data", ["postgres", "readReplicas"], 3)));
        const expected = H * rate("rds.postgres.db.r6g.xlarge.single-az") + 200 * rate("rds.storage.gp3.single-az") + assumptions.rdsLogsGbPerInstance.value * (rate("logs.ingest") + rate("logs.storage"));
        expect(alt.lines.filter((l) => /read replicas/.test(l.item))).to.have.length(3);
        expect(alt.byTier.data - base.byTier.data).to.be.closeTo(expected, 0.011);
        expect(alt.total - base.total).to.be.closeTo(expected, 0.011);
    });

    it("more storage costs the Multi-AZ rate on the primary and the Single-AZ rate on each replica", async () => {
        const alt = price(await planWith("prod", withSetting("data", ["postgres", "allocatedStorageGb"], 300)));
        const expected = 100 * rate("rds.storage.gp3.multi-az") + 2 * 100 * rate("rds.storage.gp3.single-az");
        expect(sumWhere(alt, (l) => /^RDS storage/.test(l.item)) - sumWhere(base, (l) => /^RDS storage/.test(l.item))).to.be.closeTo(expected, 0.001);
        expect(alt.total - base.total).to.be.closeTo(expected, 0.011);
    });

    it("a usage assumption overrides its lines only, and a bad override names the key and what is allowed", async () => {
        const more = overrideAssumptions(assumptions, ["natProcessedGb=4000"]);
        const alt = price(await planStack("prod"), more);
        expect(alt.total - base.total).to.be.closeTo(3000 * rate("vpc.nat.gb"), 0.011);
        expect(alt.lines.filter((l) => l.item === "NAT data processing").every((l) => l.assumed)).to.equal(true);
        expect(() => overrideAssumptions(assumptions, ["natGb=1"])).to.throw(CostError, /natGb: not a usage assumption; known: .*natProcessedGb/);
        expect(() => overrideAssumptions(assumptions, ["natProcessedGb=-3"])).to.throw(CostError, /expected a number >= 0/);
    });

    it("every resource of the plan is priced, listed as not priced, or counted as no charge", async () => {
        const doc = docOf(await planStack("prod"));
        const billable = doc.steps.filter((s) => !/^(pulumi:|deepalpha:|random:)/.test(s.newState.type));
        const priced = new Set(base.lines.map((l) => l.resource));
        const listed = new Set(base.notPriced.map((l) => l.resource));
        const noCharge = base.noCharge.reduce((a, n) => a + n.count, 0);
        const accounted = billable.filter((s) => {
            const name = s.urn.slice(s.urn.lastIndexOf("::") + 2);
            return priced.has(name) || listed.has(name);
        }).length;
        // A resource with a priced line may also be counted (a StatefulSet without volumes is not); none is lost.
        expect(accounted + noCharge).to.be.at.least(billable.length);
        expect(base.notPriced.map((n) => n.resource)).to.include.members(["cluster-cert-manager", "observability-jaeger"]);
        for (const n of base.notPriced) expect(n.reason, n.resource).to.match(/\w{3,}.*\w{3,}/);
    });

    it("a type it does not know, and a rate the rates file lacks, are errors that name the type", async () => {
        const doc = docOf(await planStack("prod"));
        const unknown = { ...doc, steps: [...doc.steps, { ...doc.steps[1], urn: doc.steps[1].urn + "-x", newState: { ...doc.steps[1].newState, type: "aws:lambda/function:Function" } }] };
        expect(() => priceDocument(unknown, "prod", rates, assumptions)).to.throw(CostError, /no rate or rule for resource type aws:lambda\/function:Function/);
        const lacking: RatesFile = { ...rates, rates: Object.fromEntries(Object.entries(rates.rates).filter(([k]) => k !== "elasticache.redis.cache.r6g.large")) };
        expect(() => priceDocument(doc, "prod", lacking, assumptions)).to.throw(CostError, /no rate for aws:elasticache\/replicationGroup:ReplicationGroup .*"elasticache\.redis\.cache\.r6g\.large"/);
        expect(() => loadRates("eu-west-9x")).to.throw(CostError, /not an AWS Region name/);
        expect(() => loadRates("eu-central-1")).to.throw(CostError, /no rates file for region eu-central-1.*us-west-2/);
    });

    it("every rate has a positive price, a unit, the date read, an AWS pricing page, and says whether it was checked", () => {
        for (const [k, r] of Object.entries(rates.rates)) {
            expect(r.usd, k).to.be.greaterThan(0);
            expect(r.unit, k).to.match(/^[A-Za-z-]+$/);
            expect(r.read, k).to.match(/^20\d\d-\d\d-\d\d$/);
            expect(r.source, k).to.match(/^https:\/\/aws\.amazon\.com\/[a-z0-9-]+\/([a-z0-9-]+\/)*$/);
            expect(r.checked === null || /^https?:\/\/\S+ \(.+\)$/.test(r.checked), `${k}: checked is null or "URL (what it showed)"`).to.equal(true);
        }
        for (const k of base.ratesUsed) expect(rates.rates[k], k).to.not.equal(undefined);
    });

    it("what-ifs change one setting each, and each is priced by planning that configuration again", async () => {
        const { config, secretKeys } = prodConfig();
        const single = applyWhatIf(config, WHAT_IFS.find((w) => w.id === "single-nat")!);
        expect(single).to.not.have.property("skip");
        if ("skip" in single) return;
        expect(JSON.parse(single.config["deepalpha:cluster"]).natGateways).to.equal("single");
        const full = await buildReport("prod", config, secretKeys, assumptions, true, base);
        const nat = full.whatIfs.find((w) => w.id === "single-nat")!;
        // Two NAT gateways and their two Elastic IPs fewer; the processed bytes stay the same.
        expect(nat.delta).to.be.closeTo(-2 * H * (rate("vpc.nat.hour") + rate("vpc.ipv4.hour")), 0.011);
        for (const w of full.whatIfs) {
            expect(w.givesUp, w.id).to.match(/\w+ \w+ \w+/);
            if (!w.skipped) expect(w.delta!, w.id).to.be.lessThan(0);
        }
        // docs/commands.md's sample output is today's, and so is the total the README's docs index quotes.
        const sample = fs.readFileSync(`${ROOT_DIR}/docs/commands.md`, "utf8");
        const readme = fs.readFileSync(`${ROOT_DIR}/README.md`, "utf8");
        const usd = (n: number) => n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
        for (const l of [`cluster: $${usd(full.byTier.cluster)}\n`, `data: $${usd(full.byTier.data)}\n`, `total: $${usd(full.total)} a month\n`]) expect(sample).to.contain(l);
        expect(sample).to.contain(`(cluster.natGateways: onePerAz -> single): -${usd(-nat.delta!)} a month, total $${usd(nat.total!)};`);
        expect(readme).to.contain(`[cost](docs/cost.md) (prod, about $${(Math.round(full.total / 10) * 10).toLocaleString("en-US")} a month`);
        const md = renderMarkdown(full);
        expect(fs.readFileSync(COST_DOC, "utf8"), "docs/cost.md is stale: run npm run cost -- --stack prod --write-docs").to.equal(md);
    });

    it("the pull-request diff shows each tier's base, head and change, and the lines that changed", async () => {
        const head = await largerType;
        const md = renderDiff(base, head);
        const delta = head.byTier.cluster - base.byTier.cluster;
        expect(delta).to.be.closeTo(3 * H * (rate("ec2.m7g.2xlarge") - rate("ec2.m5.2xlarge")), 0.011);
        expect(md).to.match(new RegExp(`\\| cluster \\| [\\d,.]+ \\| [\\d,.]+ \\| -${(-delta).toFixed(2).replace(".", "\\.")} \\|`));
        expect(md).to.match(/\| data \| [\d,.]+ \| [\d,.]+ \| ±0\.00 \|/);
        // The three zone groups' lines: removed at the old type, added at the new one.
        expect(md).to.contain("| cluster-general-1 · EC2 general nodes, m5.2xlarge | 280.32 | — | -280.32 |");
        expect(md).to.contain("| cluster-general-1 · EC2 general nodes, m7g.2xlarge | — | 238.27 | +238.27 |");
        expect(renderDiff(undefined, head)).to.match(/base branch has no cost report/);
    });

    it("the pull-request workflow prices the base and the pull request for each stack and writes the difference to the job summary", () => {
        type Step = { name?: string; run?: string; uses?: string; "working-directory"?: string; with?: Record<string, unknown> };
        const wf = YAML.parse(fs.readFileSync(`${ROOT_DIR}/.github/workflows/pull-request.yml`, "utf8")) as { jobs: Record<string, { steps?: Step[]; permissions?: unknown; if?: string }> };
        const job = wf.jobs.cost;
        expect(job, "pull-request.yml job cost").to.not.equal(undefined);
        const steps = job.steps ?? [];
        const runs = (dir: string | undefined) => steps.filter((s) => s.run && s["working-directory"] === dir).map((s) => s.run!).join("\n");
        expect(steps.find((s) => s.with?.path === "base")?.with?.ref).to.equal("${{ github.event.pull_request.base.sha }}");
        expect(runs(undefined)).to.contain('npm run --silent cost -- --stack "$stack" --json --no-what-ifs > "cost-head-$stack.json"');
        expect(runs("base")).to.contain('npm run --silent cost -- --stack "$stack" --json --no-what-ifs > "../cost-base-$stack.json"');
        expect(runs(undefined)).to.contain('npm run --silent cost -- --diff "cost-base-$stack.json" "cost-head-$stack.json" >> "$GITHUB_STEP_SUMMARY"');
        for (const r of [runs(undefined), runs("base")]) expect(r).to.contain("for stack in dev prod; do");
        expect(job.permissions, "the workflow's contents: read only").to.equal(undefined);
        expect(JSON.stringify(job)).to.not.match(/secrets\.|vars\.|id-token|configure-aws-credentials/);
        const args = parseCostArgs(["--diff", "a.json", "b.json"]);
        expect(args.diff).to.deep.equal(["a.json", "b.json"]);
    });

    it("the command refuses bad input with a clear message and no stack trace", async () => {
        expect(() => parseCostArgs([])).to.throw(/--stack is required/);
        expect(() => parseCostArgs(["--stack", "prod", "--write-docs", "--assume", "natProcessedGb=1"])).to.throw(/--write-docs .* --stack prod alone/);
        const r = await runScript("cost.ts", ["--stack", "prod", "--assume", "natProcesedGb=5"]);
        expect(r.code).to.equal(1);
        expect(r.stderr).to.match(/^error: --assume natProcesedGb: not a usage assumption; known: /);
        expect(r.stderr).to.not.match(/\n\s+at /);
        expect(r.stdout).to.equal("");
    });
});

