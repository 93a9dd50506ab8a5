// The dev and prod plans keep the fingerprints committed in test/fixtures/plan-baseline/ (scripts/plan-baseline.ts):
// the same resources under the same URNs (or an alias to the old one), the same options and the same inputs. A
// refactor that moves code between packages must pass this unchanged; a change that means to alter what a stack
// deploys rewrites the fixtures (`npm run plan:baseline -- --write`), and their diff shows what it altered.
import { expect } from "chai";
import { npmPlan } from "./harness/cli";
import type { PreviewDocument } from "./harness/preview";
import { BASELINE_STACKS, comparePrints, fingerprint, readBaseline } from "../scripts/plan-baseline";

describe("plan baseline: URNs, options and inputs as committed", function () {
    this.timeout(60000);
    const plans: Partial<Record<string, Promise<PreviewDocument>>> = {};
    const plan = (stack: string) =>
        (plans[stack] ??= npmPlan(["--stack", stack, "--json"]).then((r) => {
            if (r.code !== 0) throw new Error(r.stderr);
            return JSON.parse(r.stdout) as PreviewDocument;
        }));

    for (const stack of BASELINE_STACKS) {
        it(`${stack}: every resource has its committed identity, options and inputs`, async () => {
            const diff = comparePrints(readBaseline(stack), fingerprint(await plan(stack)));
            expect(diff, `${diff.length} differences; if the change means them, npm run plan:baseline -- --write`).to.deep.equal([]);
        });
    }

    describe("the comparison itself", () => {
        const rename = (doc: PreviewDocument, from: string, to: string, alias: boolean): PreviewDocument => {
            const copy = JSON.parse(JSON.stringify(doc)) as PreviewDocument;
            for (const s of copy.steps) {
                const fix = (u: string) => (u === from ? to : u);
                if (s.urn === from) {
                    s.urn = to;
                    s.newState.urn = to;
                    if (alias) s.newState.aliases = [from];
                }
                if (s.newState.parent) s.newState.parent = fix(s.newState.parent);
                s.newState.dependencies = s.newState.dependencies.map(fix);
            }
            return copy;
        };
        const withDependents = (doc: PreviewDocument) => {
            const s = doc.steps.find((x) => doc.steps.some((y) => y.newState.dependencies.includes(x.urn) || y.newState.parent === x.urn) && x.newState.type !== "pulumi:pulumi:Stack");
            if (!s) throw new Error("no resource with dependents in the plan");
            return s.urn;
        };

        it("a renamed resource without an alias is gone and new; with an alias to its old URN, nothing differs", async () => {
            const doc = await plan("dev");
            const base = fingerprint(doc);
            const urn = withDependents(doc);
            const to = `${urn}-renamed`;
            const without = comparePrints(base, fingerprint(rename(doc, urn, to, false)));
            expect(without).to.include(`gone (no resource has this URN or an alias to it): ${urn}`);
            expect(without).to.include(`new: ${to}`);
            expect(comparePrints(base, fingerprint(rename(doc, urn, to, true)))).to.deep.equal([]);
        });

        it("a changed input, a lost protect or a dropped dependency is named", async () => {
            const doc = await plan("prod");
            const base = fingerprint(doc);
            const copy = JSON.parse(JSON.stringify(doc)) as PreviewDocument;
            const protectedStep = copy.steps.find((s) => s.newState.protect)!;
            protectedStep.newState.protect = false;
            const withInputs = copy.steps.find((s) => s.newState.type === "kubernetes:apps/v1:Deployment")!;
            (withInputs.newState.inputs.spec as Record<string, unknown>).replicas = 99;
            const withDeps = copy.steps.find((s) => s.newState.dependencies.length > 0 && s !== protectedStep && s !== withInputs)!;
            withDeps.newState.dependencies = withDeps.newState.dependencies.slice(1);
            const diff = comparePrints(base, fingerprint(copy));
            // A difference names the resource by its identity: the URN it had before a rename (its alias).
            const identity = (s: (typeof copy.steps)[number]) => s.newState.aliases?.[0] ?? s.urn;
            expect(diff).to.have.members([
                `changed protect: ${identity(protectedStep)}`,
                `changed inputs.spec: ${identity(withInputs)}`,
                `changed dependencies: ${identity(withDeps)}`,
            ]);
        });
    });
});
