// The offline plan and the harness behind it: document shape, secrecy, profile separation, and the
// harness refusing what it cannot answer honestly.
import { expect } from "chai";
import { npmPlan } from "./harness/cli";
import * as fs from "fs";
import * as path from "path";
import { issuedSecrets, mocks } from "./harness/mocks";
import { schemaErrors } from "./harness/k8s-schema";
import type { PreviewDocument } from "./harness/preview";
import { runProgram, type RegisteredResource, SECRET_MASK } from "./harness/run";
import { OFFLINE_SECRET_PLACEHOLDER } from "./harness/stack-file";
import { planStack, ROOT_DIR } from "./harness/stacks";
import { prepareConfig } from "../scripts/plan";
import { REFERENCE_DOC, renderReference } from "../scripts/config-reference";


describe("plan: npm run --silent plan -- --stack <s> --json", function () {
    this.timeout(60000);
    let docs: Promise<Record<string, { code: number; stdout: string; stderr: string }>>;
    before(() => {
        docs = Promise.all([npmPlan(["--stack", "dev", "--json"]), npmPlan(["--stack", "prod", "--json"])]).then(([dev, prod]) => ({ dev, prod }));
        void npmPlan(["--stack", "dev"]); // started now, read by the text-output test below
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: stdout is exactly one JSON document shaped like pulumi preview --json`, async () => {
            const r = (await docs)[stack];
            expect(r.code, r.stderr).to.equal(0);
            const doc = JSON.parse(r.stdout) as PreviewDocument;
            expect(doc.steps.length).to.be.greaterThan(10);
            expect(doc.changeSummary).to.deep.equal({ create: doc.steps.length });
            const urns = new Set(doc.steps.map((s) => s.urn));
            expect(urns.size, "URNs are unique").to.equal(doc.steps.length);
            expect(doc.steps[0].newState.type).to.equal("pulumi:pulumi:Stack");
            for (const s of doc.steps) {
                expect(s.op).to.equal("create");
                expect(s.urn).to.match(new RegExp(`^urn:pulumi:${stack}::deepalpha::`));
                expect(s.newState).to.include.keys("urn", "type", "custom", "protect", "retainOnDelete", "dependencies", "inputs");
                if (s.newState.parent) expect(urns.has(s.newState.parent), `${s.urn} parent`).to.equal(true);
                for (const d of s.newState.dependencies) expect(urns.has(d), `${s.urn} depends on unknown ${d}`).to.equal(true);
                if (s.newState.custom && s.newState.type.startsWith("kubernetes:")) {
                    expect(s.provider, `${s.urn} uses the stack's Kubernetes provider`).to.match(/[:$]pulumi:providers:kubernetes::/);
                }
            }
            expect(doc.outputs).to.include.keys("clusterName", "kubeconfig", "apiUrl", "websocketUrl", "grafanaUrl");
            expect(doc.outputs.kubeconfig).to.equal(SECRET_MASK);
        });
    }

    it("dev creates nothing on AWS: no aws: or eks: resource, no AWS provider", async () => {
        const doc = JSON.parse((await docs).dev.stdout) as PreviewDocument;
        const cloud = doc.steps.filter((s) => /^(aws|eks|awsx):|^pulumi:providers:(aws|eks|awsx)$/.test(s.newState.type));
        expect(cloud.map((s) => s.urn)).to.deep.equal([]);
    });

    it("prod builds on AWS and EKS", async () => {
        const doc = JSON.parse((await docs).prod.stdout) as PreviewDocument;
        const types = new Set(doc.steps.map((s) => s.newState.type));
        expect(types.has("eks:index:Cluster")).to.equal(true);
        expect([...types].some((t) => t.startsWith("aws:"))).to.equal(true);
    });

    it("says on stderr that required secrets were filled with placeholders, and never prints them", async () => {
        const r = (await docs).prod;
        expect(r.stderr).to.contain("required secrets not in Pulumi.prod.yaml were filled with marked placeholders");
        expect(r.stdout).not.to.contain("offline-plan-placeholder");
        const doc = JSON.parse(r.stdout) as PreviewDocument;
        expect(doc.config["deepalpha:binanceApiKey"]).to.equal(SECRET_MASK);
    });

    it("keeps planning the committed template's placeholders, with a visible note for each", async () => {
        const r = (await docs).prod;
        expect(r.code, r.stderr).to.equal(0);
        const notes = r.stderr.split("\n").filter((l) => l.startsWith("note: placeholder, pulumi up and --strict refuse it: "));
        expect(notes.join("\n")).to.match(/deepalpha:cluster\.publicEndpointCidrs\[0\]: got "198\.51\.100\.0\/24", a documentation range/);
        expect(notes).to.have.length(5);
        expect(((JSON.parse(r.stdout) as PreviewDocument).notes ?? []).filter((n) => n.startsWith("placeholder"))).to.have.length(5);
    });
});

describe("plan: a preview, not a deployment (issue 15, item 11)", function () {
    this.timeout(60000);
    const json = (stack: string) => npmPlan(["--stack", stack, "--json"]).then((r) => JSON.parse(r.stdout) as PreviewDocument);
    const kind = (s: PreviewDocument["steps"][number]) => s.newState.type;

    it("newState carries ignoreChanges as the engine's ResourceV3 does: where the program sets it, and only there", async () => {
        const doc = await json("prod");
        const nodeGroups = doc.steps.filter((s) => kind(s) === "aws:eks/nodeGroup:NodeGroup");
        expect(nodeGroups).to.have.length.greaterThan(0);
        for (const s of nodeGroups) expect(s.newState.ignoreChanges, s.urn).to.deep.equal(["scalingConfig.desiredSize"]);
        const api = doc.steps.find((s) => kind(s) === "kubernetes:apps/v1:Deployment" && s.urn.endsWith("::app-api"));
        expect(api?.newState.ignoreChanges, "the HPA owns the API's replicas").to.deep.equal(["spec.replicas"]);
        // omitempty: no empty list on the rest.
        for (const s of doc.steps) if (s.newState.ignoreChanges) expect(s.newState.ignoreChanges, s.urn).to.not.be.empty;
        expect(doc.steps.find((s) => kind(s) === "kubernetes:core/v1:Namespace")?.newState).to.not.have.property("ignoreChanges");
    });

    it("labels the outputs the mocks computed (IDs, ARNs, endpoints, the account), and only those", async () => {
        const prod = await json("prod");
        expect(prod.outputsComputedByMocks).to.include.members(["gatewayAddress", "oidcProviderArn", "nodeGroupNames", "backupsBucket", "filesBucket"]);
        expect(prod.outputsComputedByMocks).to.not.include.members(["profile", "clusterName", "apiUrl", "namespaces", "connectionSecretName"]);
        // dev's outputs all come from its configuration and the program.
        expect((await json("dev")).outputsComputedByMocks).to.deep.equal([]);
        // The text plan marks them (rendered from the same document, without a second prod plan).
        const { renderTree } = await import("./harness/preview");
        const text = renderTree(prod);
        expect(text).to.match(/^\* gatewayAddress: "k8s-gateway-/m);
        expect(text).to.match(/^  apiUrl: /m);
        expect(text).to.contain("Outputs (* computed by the mocks: a stand-in, the real value is known after pulumi up):");
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: the namespaces output names only namespaces the stack creates`, async () => {
            const doc = await json(stack);
            const created = doc.steps.filter((s) => kind(s) === "kubernetes:core/v1:Namespace").map((s) => (s.newState.inputs.metadata as { name: string }).name);
            const named = Object.values(doc.outputs.namespaces as Record<string, string>);
            expect(named.filter((n) => !created.includes(n)), `created: ${created.join(", ")}`).to.deep.equal([]);
            expect(named).to.have.length(created.length);
        });
    }

    it("the text plan lists each policy exemption once", async () => {
        const r = await npmPlan(["--stack", "dev"]);
        expect(r.code, r.stderr).to.equal(0);
        const lines = r.stdout.split("\n").filter((l) => /^  (namespace-psa-enforce|prod-min-replicas|prod-pod-disruption-budget): /.test(l));
        // rule and resource name, however a listing spells the resource (URN or name)
        const keys = lines.map((l) => {
            const [, rule, resource] = /^  (\S+): (\S+)/.exec(l)!;
            return `${rule} ${resource.split("::").pop()}`;
        });
        // The monitoring namespace (child `<cluster instance>-monitoring-namespace`, aliased to its old name `monitoring`).
        expect(keys).to.include("namespace-psa-enforce cluster-monitoring-namespace");
        expect(keys.length, lines.join("\n")).to.equal(new Set(keys).size);
    });
});

describe("plan: secrets never appear in clear", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: no generated password or configured secret appears anywhere in the plan document`, async () => {
            // The plan's required secrets hold OFFLINE_SECRET_PLACEHOLDER and every generated password is
            // recorded by the mocks: none of them may appear in what the plan prints.
            const run = await planStack(stack);
            const prepared = prepareConfig({ stack, json: true, strict: false }, ROOT_DIR);
            const { toPreview } = await import("./harness/preview");
            const text = JSON.stringify(toPreview(run, prepared.config, prepared.secretKeys, prepared.notes));
            expect(issuedSecrets.size, "the program generates passwords").to.be.greaterThan(0);
            for (const s of issuedSecrets) expect(text.includes(s), `secret value ${s.slice(0, 8)}... leaked into the plan`).to.equal(false);
            if (stack === "prod") {
                // The configured secrets do reach resources (in clear only in `values`): the check is not vacuous.
                expect(JSON.stringify(run.resources.map((r) => r.values))).to.contain(OFFLINE_SECRET_PLACEHOLDER);
            }
            expect(text).not.to.contain(OFFLINE_SECRET_PLACEHOLDER);
        });
    }
});

describe("plan: human-readable output", function () {
    this.timeout(60000);
    it("prints a tree of the four tiers and a count by resource type", async () => {
        const r = await npmPlan(["--stack", "dev"]);
        expect(r.code, r.stderr).to.equal(0);
        for (const t of ["deepalpha:index:Cluster", "deepalpha:index:DataTier", "deepalpha:index:AppTier", "deepalpha:index:Observability"]) {
            expect(r.stdout).to.match(new RegExp(`^  \\+ ${t} `, "m"));
        }
        expect(r.stdout).to.match(/Resources by type:\n(\s+\d+\s+\S+\n)+\s+\d+\s+to create/);
    });
});

describe("harness: it refuses what it cannot answer honestly", () => {
    it("an unmocked invoke fails loudly, naming the token", () => {
        expect(() => mocks.call({ token: "aws:ec2/getVpc:getVpc", inputs: {}, provider: "" } as never)).to.throw(/unmocked invoke aws:ec2\/getVpc:getVpc/);
    });

    it("the schema check rejects an invalid object", () => {
        const bad = {
            type: "kubernetes:apps/v1:Deployment",
            name: "bad",
            values: { metadata: { name: "bad" }, spec: { replicas: "three", selector: {}, template: {} } },
        } as unknown as RegisteredResource;
        expect(schemaErrors(bad)).to.match(/replicas/);
    });

    it("bad configuration stops the program itself (as in pulumi up) with a RunError naming the key", async () => {
        const { config, secretKeys } = prepareConfig({ stack: "prod", json: true, strict: false }, ROOT_DIR);
        let err: Error | undefined;
        try {
            await runProgram({ stack: "prod", config: { ...config, "deepalpha:profile": "staging" }, secretKeys });
        } catch (e) {
            err = e as Error;
        }
        expect(err?.constructor.name).to.equal("RunError");
        expect(err?.message).to.contain('deepalpha:profile: got "staging"');
    });

    it("the program itself (index.ts -> config.ts, as pulumi up runs it) refuses the template's placeholders", async () => {
        const { config, secretKeys } = prepareConfig({ stack: "prod", json: true, strict: false }, ROOT_DIR);
        let err: Error | undefined;
        try {
            // Only the offline plan asks for notes; config.ts refuses unless told otherwise.
            await runProgram({ stack: "prod", config, secretKeys, placeholders: "refuse" });
        } catch (e) {
            err = e as Error;
        }
        expect(err?.constructor.name).to.equal("RunError");
        expect(err?.message).to.contain('deepalpha:cluster.publicEndpointCidrs[0]: got "198.51.100.0/24", a documentation range');
    });

    it("records resource options: protect, parent and dependencies", async () => {
        const run = await planStack("prod");
        expect(run.resources.some((r) => r.protect), "prod protects its stateful resources").to.equal(true);
        for (const r of run.resources) expect(r.parent, r.urn).to.be.a("string");
        expect(run.resources.some((r) => r.dependencies.length > 0)).to.equal(true);
    });
});

describe("README and the configuration reference", () => {
    it("docs/configuration.md matches settings/schema.ts (npm run docs:config), and the README links to it", () => {
        const doc = fs.readFileSync(path.join(ROOT_DIR, REFERENCE_DOC), "utf8");
        expect(doc === renderReference(doc), `${REFERENCE_DOC} is stale: run npm run docs:config`).to.equal(true);
        expect(fs.readFileSync(path.join(ROOT_DIR, "README.md"), "utf8")).to.contain(`](${REFERENCE_DOC})`);
    });

    it("states the test command that .ci/run runs", () => {
        const readme = fs.readFileSync(path.join(ROOT_DIR, "README.md"), "utf8");
        const ci = fs.readFileSync(path.join(ROOT_DIR, ".ci/run"), "utf8");
        expect(readme).to.contain("npm ci && npm test");
        expect(ci).to.match(/^npm ci\b.*\nnpm test$/m);
    });
});
