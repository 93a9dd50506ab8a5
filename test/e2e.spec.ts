// The end-to-end run's pure parts (e2e/lib.ts): the e2e stack's configuration, which must be deployable
// offline, and the comparison of planned and live objects, which must catch a drifted object.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { E2E_OVERRIDES, KUBE_CONTEXT, aliasMoves, diffLiveObject, e2eStackFile, planObjects, subsetDiff, upgradeChanges, type PlanObject } from "../e2e/lib";
import { PREVIOUS_RELEASE } from "../e2e/previous-release";
import { prepareConfig } from "../scripts/plan";
import { ConfigError, validateConfig } from "../settings/validate";
import { engineUrn, runProgram, type ProgramRun } from "./harness/run";
import { ROOT_DIR, byType, planStack } from "./harness/stacks";

function planE2eStack(): Promise<ProgramRun> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-spec-"));
    const file = path.join(dir, "Pulumi.dev.yaml");
    fs.writeFileSync(file, e2eStackFile(fs.readFileSync(path.join(ROOT_DIR, "Pulumi.dev.yaml"), "utf8"), "/tmp/e2e.kubeconfig"));
    const { config, secretKeys } = prepareConfig({ stack: "dev", json: true, strict: true, configFile: file }, ROOT_DIR);
    return runProgram({ stack: "dev", config, secretKeys });
}

describe("e2e: the stack the end-to-end run deploys", () => {
    let run: ProgramRun;
    before(async () => {
        run = await planE2eStack();
    });

    it("changes only the kube context, the kubeconfig and what must be downloaded", () => {
        expect(E2E_OVERRIDES("/k").map((o) => o.path.join("."))).to.deep.equal([
            "deepalpha:cluster.kubeContext",
            "deepalpha:cluster.kubeconfigPath",
            "deepalpha:cluster.gateway.install",
            "deepalpha:preinstalled",
        ]);
        const text = e2eStackFile(fs.readFileSync(path.join(ROOT_DIR, "Pulumi.dev.yaml"), "utf8"), "/k");
        expect(text).to.contain(`kubeContext: ${KUBE_CONTEXT}`);
        // The committed file's other settings and comments survive.
        expect(text).to.contain("freqtradeorg/freqtrade").and.to.contain("# kubeconfig context of the local cluster");
    });

    it("needs nothing from the internet: no chart and no remote manifest", () => {
        const remote = run.resources.filter((r) => ["kubernetes:helm.sh/v4:Chart", "kubernetes:yaml/v2:ConfigFile"].includes(r.type));
        expect(remote.map((r) => r.name)).to.deep.equal([]);
    });

    it("still creates the objects the preinstalled add-ons serve, and none of them waits for a chart", () => {
        expect(byType(run, "kubernetes:cert-manager.io/v1:Certificate")).to.have.length.greaterThan(0);
        expect(byType(run, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")).to.have.length(1);
        expect(byType(run, "kubernetes:gateway.networking.k8s.io/v1:Gateway")).to.have.length(1);
        const charts = run.resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart").map((r) => r.urn);
        for (const r of run.resources) expect(r.dependencies.filter((d) => charts.includes(d)), r.urn).to.deep.equal([]);
    });

    it("lists every planned Kubernetes object with its kubectl resource name", () => {
        const objects = planObjects({ steps: run.resources.map((r) => ({ urn: r.urn, newState: { type: r.type, custom: r.custom, inputs: r.inputs } })) });
        const expected = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:")).length;
        expect(objects).to.have.length(expected);
        expect(objects.find((o) => o.kind === "Deployment")!.resource).to.equal("Deployment.v1.apps");
        expect(objects.find((o) => o.kind === "Service")!.resource).to.equal("Service");
    });
});

describe("e2e: planned vs live objects", () => {
    const deployment: PlanObject = {
        urn: "urn:x",
        resource: "Deployment.v1.apps",
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "api",
        namespace: "deepalpha",
        retainOnDelete: false,
        inputs: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "api", namespace: "deepalpha" },
            spec: {
                replicas: 3,
                template: { spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: "api", image: "a:1", securityContext: { allowPrivilegeEscalation: false } }] } },
            },
        },
    };
    const live = (mutate: (o: any) => void = () => undefined) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const o = JSON.parse(JSON.stringify(deployment.inputs));
        o.spec.template.spec.containers[0].imagePullPolicy = "IfNotPresent"; // a server default: not a difference
        o.spec.template.spec.securityContext.seccompProfile = { type: "RuntimeDefault" };
        mutate(o);
        return new Map([["Deployment.v1.apps/deepalpha/api", o]]);
    };

    it("accepts the object with server defaults added", () => {
        expect(diffLiveObject(deployment, undefined, live())).to.deep.equal([]);
    });

    it("reports a missing object, a changed replica count, image or security context", () => {
        expect(diffLiveObject(deployment, undefined, new Map())).to.deep.equal(["Deployment deepalpha/api: not in the API server"]);
        expect(diffLiveObject(deployment, undefined, live((o) => (o.spec.replicas = 1)))).to.have.length(1);
        expect(diffLiveObject(deployment, undefined, live((o) => (o.spec.template.spec.containers[0].image = "a:2")))[0]).to.contain("image");
        expect(diffLiveObject(deployment, undefined, live((o) => (o.spec.template.spec.securityContext.runAsNonRoot = false)))[0]).to.contain("pod securityContext");
        expect(diffLiveObject(deployment, undefined, live((o) => o.spec.template.spec.containers.push({ name: "sidecar", image: "s:1" })))[0]).to.contain("containers: 1 planned, 2 live");
    });

    it("finds an autonamed object by the name in the engine's outputs", () => {
        const unnamed = { ...deployment, name: undefined };
        expect(diffLiveObject(unnamed, { metadata: { name: "api", namespace: "deepalpha" } }, live())).to.deep.equal([]);
    });

    it("skips values the plan masks, compares arrays element by element", () => {
        expect(subsetDiff({ a: "[secret]" }, { a: "x" }, "s")).to.deep.equal([]);
        expect(subsetDiff([1, 2], [1, 2, 3], "s")).to.have.length(1);
        expect(subsetDiff([{ port: 80 }], [{ port: 80, protocol: "TCP" }], "s")).to.deep.equal([]);
    });
});

describe("setting: preinstalled add-ons", () => {
    const raw = (preinstalled: unknown) => ({
        values: { "deepalpha:profile": "local", "deepalpha:preinstalled": JSON.stringify(preinstalled) },
        secretKeys: new Set<string>(),
        stack: "dev",
    });

    it("defaults to none: dev and prod install every chart themselves", () => {
        expect(validateConfig(raw([])).settings.preinstalled).to.deep.equal([]);
        expect(validateConfig({ values: { "deepalpha:profile": "local" }, secretKeys: new Set(), stack: "dev" }).settings.preinstalled).to.deep.equal([]);
    });

    it("refuses an unknown add-on, naming the setting and what is allowed", () => {
        expect(() => validateConfig(raw(["nginx-gateway-fabric"]))).to.throw(ConfigError, /deepalpha:preinstalled.*cert-manager/s);
    });

    it("refuses an add-on listed twice", () => {
        expect(() => validateConfig(raw(["jaeger", "jaeger"]))).to.throw(ConfigError, /deepalpha:preinstalled.*twice/s);
    });
});

describe("plan URNs are the engine's (pulumi/pulumi resource.NewURN)", () => {
    it("leaves the root Stack's type out and keeps a component's whole type chain", () => {
        const stackUrn = "urn:pulumi:dev::deepalpha::pulumi:pulumi:Stack::deepalpha-dev";
        const tier = engineUrn("dev", "deepalpha", stackUrn, "deepalpha:index:Cluster", "cluster");
        expect(tier).to.equal("urn:pulumi:dev::deepalpha::deepalpha:index:Cluster::cluster");
        const eks = engineUrn("dev", "deepalpha", tier, "eks:index:Cluster", "cluster-eks");
        expect(engineUrn("dev", "deepalpha", eks, "aws:iam/role:Role", "r")).to.equal("urn:pulumi:dev::deepalpha::deepalpha:index:Cluster$eks:index:Cluster$aws:iam/role:Role::r");
    });

    it("gives every planned resource its parent's chain", async () => {
        const run = await planStack("prod");
        const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
        for (const r of run.resources) {
            const parent = r.parent === run.stackUrn ? undefined : byUrn.get(r.parent!);
            const expected = engineUrn("prod", "deepalpha", parent?.urn ?? run.stackUrn, r.type, r.name);
            expect(r.urn).to.equal(expected);
        }
        expect(run.resources.filter((r) => r.urn.includes("pulumi:pulumi:Stack$"))).to.deep.equal([]);
    });
});

describe("e2e: planned vs live Secrets", () => {
    const secret = (inputs: Record<string, unknown>): PlanObject => ({
        urn: "urn:s", resource: "Secret", apiVersion: "v1", kind: "Secret", name: "s", namespace: "n", retainOnDelete: false,
        inputs: { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "n" }, ...inputs },
    });
    const live = (data: Record<string, string>, type = "Opaque") => new Map([["Secret/n/s", { apiVersion: "v1", kind: "Secret", type, data }]]);

    it("compares the keys when the plan shows them, never the values", () => {
        expect(diffLiveObject(secret({ type: "Opaque", stringData: { a: "[secret]" } }), undefined, live({ a: "eA==" }))).to.deep.equal([]);
        expect(diffLiveObject(secret({ type: "Opaque", stringData: { a: "[secret]" } }), undefined, live({ b: "eA==" }))[0]).to.contain("keys b, planned a");
    });

    it("compares only the type when the whole map is masked", () => {
        expect(diffLiveObject(secret({ type: "Opaque", stringData: "[secret]" }), undefined, live({ b: "eA==" }))).to.deep.equal([]);
        expect(diffLiveObject(secret({ type: "Opaque", stringData: "[secret]" }), undefined, live({}, "kubernetes.io/tls"))[0]).to.contain("type");
    });
});

describe("a second pulumi up changes nothing (defects the end-to-end run found)", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: no Secret carries an empty data or stringData map (the engine does not store it, so each later run planned a replacement)`, async () => {
            const run = await planStack(stack);
            const empty = byType(run, "kubernetes:core/v1:Secret").filter((r) =>
                ["data", "stringData"].some((k) => {
                    const m = r.values[k];
                    return m !== undefined && m !== null && typeof m === "object" && Object.keys(m).length === 0;
                }),
            );
            expect(empty.map((r) => r.name)).to.deep.equal([]);
        });
    }
});

describe("e2e: the upgrade from the previous release", () => {
    it("pins the previous release by its full SHA", () => {
        expect(PREVIOUS_RELEASE.commit).to.match(/^[0-9a-f]{40}$/);
    });

    it("refuses a replace, a replacement's create or delete, and a delete; counts every operation", () => {
        expect(upgradeChanges({ same: 120, update: 2, create: 1 })).to.deep.equal({
            forbidden: [],
            summary: "same 120, update 2, create 1, replace 0, create-replacement 0, delete-replaced 0, delete 0",
        });
        expect(upgradeChanges({ same: 118, replace: 1, "create-replacement": 1, "delete-replaced": 1, delete: 2 }).forbidden).to.deep.equal([
            "replace 1",
            "create-replacement 1",
            "delete-replaced 1",
            "delete 2",
        ]);
        expect(upgradeChanges({ same: 1, discard: 1 }).summary).to.match(/, discard 1$/);
        expect(upgradeChanges(undefined).forbidden).to.deep.equal([]);
    });

    it("wants each aliased resource under its new URN and none of its old URNs left", () => {
        const steps = [
            { urn: "urn:new-a", newState: { aliases: ["urn:old-a"] } },
            { urn: "urn:b", newState: {} },
        ];
        expect(aliasMoves(steps, ["urn:new-a", "urn:b"], ["urn:old-a", "urn:b"])).to.deep.equal({ aliased: 1, moved: 1, problems: [] });
        expect(aliasMoves(steps, ["urn:old-a", "urn:b"], ["urn:old-a", "urn:b"]).problems).to.deep.equal([
            "urn:new-a: not in the state under its new URN",
            "urn:old-a: the old URN of urn:new-a is still in the state",
        ]);
        expect(aliasMoves([{ urn: "urn:b", newState: {} }], ["urn:b"], ["urn:b"])).to.deep.equal({ aliased: 0, moved: 0, problems: [] });
    });
});
