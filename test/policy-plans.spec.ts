// The pack over the real program: the full dev and prod plans must produce no mandatory violation (what
// `pulumi preview --policy-pack policy --policy-pack-config policy/config.<stack>.json` would enforce),
// every exemption in use must be one the pack honours, and `npm run plan` must report and enforce it.
import { expect } from "chai";
import { npmPlan } from "./harness/cli";
import { EvaluationResult, evaluatePreview, type PolicyViolation } from "../policy/offline";
import { type PreviewDocument, toPreview } from "./harness/preview";
import { planStack, ROOT_DIR } from "./harness/stacks";
import { evaluatePlanPolicies, prepareConfig } from "../scripts/plan";

const STACKS = ["dev", "prod"] as const;
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
            // The plan lists annotations found anywhere in an object (pod templates too); the pack only
            // honours the object's own metadata, so each listed exemption must be one the pack honours.
            const { doc } = await planned(stack);
            const honoured = new Set(r.exemptions.filter((e) => e.honoured).map((e) => `${e.urn} ${e.policy}`));
            const notOnObject = doc.exemptions.filter((e) => !honoured.has(`${e.urn} ${e.rule}`));
            expect(notOnObject, `exemptions the pack does not see (put them in the object's metadata.annotations):\n${notOnObject.map((e) => `  ${e.rule} ${e.urn}`).join("\n")}`).to.deep.equal([]);
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
