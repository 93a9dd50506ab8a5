// The pack over the real program: the full dev and prod plans must produce no mandatory violation (what
// `pulumi preview --policy-pack policy --policy-pack-config policy/config.<stack>.json` would enforce),
// every exemption in use must be one the pack honours, and `npm run plan` must report and enforce it.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { npmPlan, runScript } from "./harness/cli";
import { EvaluationResult, evaluate, evaluatePreview, loadPolicyConfig, missingSames, policyConfigFile, resourcesFromPreview, type PolicyViolation } from "../policy/offline";
import { policies } from "../policy/policies";
import { type PreviewDocument, toPreview } from "./harness/preview";
import { planStack, ROOT_DIR } from "./harness/stacks";
import { evaluatePlanPolicies, prepareConfig } from "../scripts/plan";

const STACKS = ["dev", "prod"] as const;
const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";
const results = new Map<string, Promise<{ doc: PreviewDocument; result: EvaluationResult }>>();

function planned(stack: (typeof STACKS)[number]): Promise<{ doc: PreviewDocument; result: EvaluationResult }> {
    let p = results.get(stack);
    if (!p) {
        p = planStack(stack).then(async (run) => {
            const { config, secretKeys, notes } = prepareConfig({ stack, json: true, strict: false }, ROOT_DIR);
            const doc = toPreview(run, config, secretKeys, notes);
            return { doc, result: await evaluatePreview(doc, stack, `plan ${stack}`) };
        });
        results.set(stack, p);
    }
    return p;
}
const evaluated = async (stack: (typeof STACKS)[number]) => (await planned(stack)).result;

const list = (vs: PolicyViolation[]) => vs.map((v) => `  ${v.policyName} ${v.urn}\n      ${v.message}`).join("\n");


describe("policy pack over the full plans", function () {
    this.timeout(120000);

    for (const stack of STACKS) {
        it(`${stack}: no mandatory policy violation`, async () => {
            const r = await evaluated(stack);
            const mandatory = r.violations.filter((v) => v.enforcementLevel === "mandatory");
            expect(mandatory, `mandatory violations in ${stack}:\n${list(mandatory)}`).to.deep.equal([]);
        });

        it(`${stack}: every exemption annotation names a policy that takes exemptions, with a reason`, async () => {
            const r = await evaluated(stack);
            const ignored = r.exemptions.filter((e) => !e.honoured);
            expect(ignored, `exemption annotations without effect:\n${ignored.map((e) => `  ${e.policy} ${e.urn}`).join("\n")}`).to.deep.equal([]);
            // The plan lists exemption annotations found anywhere in an object; the pack honours the object's own
            // metadata and a workload's pod template, so each listed exemption must be one the pack honours. A
            // Chart's values carry its objects' exemptions: those are checked below, against charts:check's table.
            const { doc } = await planned(stack);
            const honoured = new Set(r.exemptions.filter((e) => e.honoured).map((e) => `${e.urn} ${e.policy}`));
            const notOnObject = doc.exemptions.filter((e) => !e.urn.includes(`$${CHART_TYPE}::`) && !honoured.has(`${e.urn} ${e.rule}`));
            expect(notOnObject, `exemptions the pack does not see (put them in the object's metadata.annotations):\n${notOnObject.map((e) => `  ${e.rule} ${e.urn}`).join("\n")}`).to.deep.equal([]);
        });
    }

    for (const stack of STACKS) {
        it(`${stack}: every exemption in a Chart's values is one charts:check found honoured on that chart's objects (docs/charts.md)`, async () => {
            const { doc } = await planned(stack);
            const inValues = doc.exemptions.filter((e) => e.urn.includes(`$${CHART_TYPE}::`)).map((e) => `${e.urn.split("::").pop()} ${e.rule}`);
            // The generated table "Exemptions honoured on chart objects": | stack | Chart resource | policy | object | reason |
            const table = fs
                .readFileSync(path.join(ROOT_DIR, "docs/charts.md"), "utf8")
                .split("\n")
                .map((l) => /^\| (dev|prod) \| ([\w-]+) \| ([a-z-]+) \| [A-Za-z]+ [^|]+ \| [^|]+ \|$/.exec(l))
                .filter((m): m is RegExpExecArray => !!m && m[1] === stack)
                .map((m) => `${m[2]} ${m[3]}`);
            expect(inValues.length).to.be.greaterThan(0);
            expect([...new Set(table)].sort(), "regenerate docs/charts.md: npm run --silent charts:check -- --write-docs --charts-dir DIR").to.deep.equal([...new Set(inValues)].sort());
        });
    }

    it("prod: the policies see the resources they are written for (Namespaces, workloads, AWS data stores, EKS)", async () => {
        const run = await planStack("prod");
        const types = new Set(run.resources.map((r) => r.type));
        for (const t of ["kubernetes:core/v1:Namespace", "kubernetes:networking.k8s.io/v1:NetworkPolicy", "kubernetes:apps/v1:Deployment", "eks:index:Cluster", "aws:kms/key:Key"]) {
            expect(types.has(t), t).to.equal(true);
        }
    });

    it("the plan picks the stack's policy config (dev, prod by name; other stacks by profile) and reports what the pack finds", async () => {
        const run = await planStack("dev");
        const { config, secretKeys, notes } = prepareConfig({ stack: "dev", json: true, strict: false }, ROOT_DIR);
        const doc = toPreview(run, config, secretKeys, notes);
        // A workload that breaks a rule, added to the real plan document.
        const urn = "urn:pulumi:dev::deepalpha::kubernetes:core/v1:Service::exposed";
        doc.steps.push({ op: "create", urn, newState: { urn, type: "kubernetes:core/v1:Service", custom: true, id: "", protect: false, retainOnDelete: false, dependencies: [], inputs: { metadata: { name: "exposed", namespace: "deepalpha" }, spec: { type: "LoadBalancer" } } } });
        const cases: [string, string, string, string][] = [
            ["dev", "local", "dev", "advisory"],
            ["prod", "production", "prod", "mandatory"],
            ["staging", "production", "prod", "mandatory"],
            ["sandbox", "local", "dev", "advisory"],
        ];
        for (const [stack, profile, policyStack, level] of cases) {
            const r = await evaluatePlanPolicies(doc, stack, profile);
            expect(r.policyStack, stack).to.equal(policyStack);
            expect(r.result.violations.filter((v) => v.urn === urn), stack).to.deep.equal([
                { policyName: "service-loadbalancer-gateway-only", enforcementLevel: level, urn, message: 'Service of type LoadBalancer in namespace "deepalpha": only "gateway" may expose a load balancer' },
            ]);
        }
    });

    it("npm run plan -- --stack prod --json: policyViolations as the pack finds them; exit 1 exactly when one is mandatory", async () => {
        const prod = await npmPlan(["--stack", "prod", "--json"]);
        const expected = (await evaluated("prod")).violations;
        const doc = JSON.parse(prod.stdout) as { policyViolations: PolicyViolation[] };
        expect(doc.policyViolations).to.deep.equal(expected);
        for (const v of doc.policyViolations) expect(Object.keys(v)).to.deep.equal(["policyName", "enforcementLevel", "urn", "message"]);
        const mandatory = expected.filter((v) => v.enforcementLevel === "mandatory");
        expect(prod.code, prod.stderr).to.equal(mandatory.length ? 1 : 0);
        if (mandatory.length) expect(prod.stderr).to.match(/error: \d+ mandatory policy violations? \(policy\/config\.prod\.json\)/);
    });
});

// `pulumi preview --json` lists an unchanged resource only with --show-sames (the stack's own step
// excepted), while changeSummary.same still counts it. The prod plan, turned into the preview of a
// deployed stack where three resources change, is the case a reviewer hits on a real pull request.
describe("policy:check on a real preview without --show-sames", function () {
    this.timeout(120000);
    const CHANGED = ["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Namespace", "aws:s3/bucket:Bucket"];
    const stackPolicies = policies.filter((p) => typeof (p as { validateStack?: unknown }).validateStack === "function").map((p) => p.name).sort();
    const previews = async () => {
        const { doc } = await planned("prod");
        const changed = new Set(CHANGED.map((t) => doc.steps.find((s) => s.newState?.type === t)?.urn));
        for (const t of CHANGED) expect([...changed].some((u) => u?.includes(t)), `the prod plan has a ${t}`).to.equal(true);
        const steps = doc.steps.map((s) => ({ ...s, op: changed.has(s.urn) ? "update" : "same" }));
        const summary = { same: steps.length - changed.size, update: changed.size };
        const withSames = { steps, changeSummary: summary };
        const withoutSames = { steps: steps.filter((s) => s.op !== "same" || s.newState?.type === "pulumi:pulumi:Stack"), changeSummary: summary };
        return { withSames, withoutSames };
    };

    it("the stack-level rules cry wolf on such a document when run anyway (the failure this guards against)", async () => {
        const { withoutSames } = await previews();
        const naive = await evaluate(resourcesFromPreview(withoutSames), { config: loadPolicyConfig(policyConfigFile("prod")) });
        const wolf = new Set(naive.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.policyName));
        for (const p of ["prod-pod-disruption-budget", "namespace-default-deny", "s3-bucket-encryption", "s3-bucket-versioning", "s3-bucket-public-access-block"]) expect(wolf.has(p), p).to.equal(true);
    });

    it("is detected from changeSummary.same: the stack-level rules are skipped, named, and the message says to rerun with --show-sames", async () => {
        const { withSames, withoutSames } = await previews();
        expect(missingSames(withSames)).to.equal(undefined);
        expect(missingSames(withoutSames)).to.deep.equal({ same: withSames.changeSummary.same, sameSteps: 1 });
        const full = await evaluatePreview(withSames, "prod", "preview.json");
        expect(full.incomplete).to.equal(undefined);
        expect(full.violations.filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal([]);
        const partial = await evaluatePreview(withoutSames, "prod", "preview.json");
        expect(partial.violations.filter((v) => v.enforcementLevel === "mandatory")).to.deep.equal([]);
        expect(partial.incomplete!.skippedStackPolicies.sort()).to.deep.equal(stackPolicies);
        expect(partial.incomplete!.message).to.match(/preview\.json lacks the unchanged resources \(changeSummary\.same is \d+, the document has 1 "same" step\).*rerun the preview with --show-sames/);
        // Resource rules still run on what the document has: a broken changed resource is still caught.
        const broken = structuredClone(withoutSames);
        const ns = broken.steps.find((s) => s.newState?.type === "kubernetes:core/v1:Namespace")!;
        (ns.newState!.inputs as { metadata: { labels?: Record<string, string> } }).metadata.labels = {};
        const caught = await evaluatePreview(broken, "prod", "preview.json");
        expect(caught.violations.map((v) => v.policyName)).to.include("namespace-psa-enforce");
    });

    it("npm run policy:check: exit 0 with a warning on stderr and incompletePreview in --json; clean with --show-sames", async () => {
        const { withSames, withoutSames } = await previews();
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "no-sames-"));
        try {
            fs.writeFileSync(path.join(dir, "without.json"), JSON.stringify(withoutSames));
            fs.writeFileSync(path.join(dir, "with.json"), JSON.stringify(withSames));
            // Three separate commands, run side by side (one process each).
            const [text, json, clean] = await Promise.all([
                runScript("policy-check.ts", [path.join(dir, "without.json"), "--stack", "prod"]),
                runScript("policy-check.ts", [path.join(dir, "without.json"), "--stack", "prod", "--json"]),
                runScript("policy-check.ts", [path.join(dir, "with.json"), "--stack", "prod", "--json"]),
            ]);
            expect(text.code, text.stderr).to.equal(0);
            expect(text.stderr).to.match(/^warning: without\.json lacks the unchanged resources .*pulumi preview --json --show-sames/m);
            expect(text.stdout).to.match(/NOT CHECKED: without\.json lacks the unchanged resources/);
            const out = JSON.parse(json.stdout) as { incompletePreview?: { skippedStackPolicies: string[] }; policyViolations: PolicyViolation[] };
            expect(out.incompletePreview!.skippedStackPolicies.sort()).to.deep.equal(stackPolicies);
            expect(clean.code, clean.stderr).to.equal(0);
            expect(clean.stderr).not.to.match(/warning/);
            expect(JSON.parse(clean.stdout)).not.to.have.property("incompletePreview");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
