// `npm run charts:check` against charts written for the test (test/charts/fixtures.ts), rendered by a real
// Helm: HELM names the binary (`npm run test:charts` builds the pinned one with e2e/toolchain/build.sh helm).
// Checked: the violations a chart's objects carry, an exemption that covers one object and nothing else,
// what Pulumi never applies (hooks, tests) left out, CRDs and Capabilities-gated objects rendered, namespaces
// and release names as pulumi-kubernetes gives them, secrets never printed, a local source at another
// version refused, and the command's exit codes.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { type CheckReport, checkStack, docsRows, docsTables, renderText, withDocsTables, DOCS_BEGIN, DOCS_END } from "../../scripts/charts-check";
import { ChartsError, findHelm, type Helm } from "../../scripts/charts-render";
import { fixturePlan, type FixtureChart, LITERAL_PASSWORD, writeFixtureCharts } from "./fixtures";
import { REPO_ROOT, nodeArgsFor } from "../../repo-root";

const ROOT = REPO_ROOT;
const EXEMPT_HOST_NETWORK = { "policy.deepalpha.io/exempt-pod-no-host-namespaces": "the fixture agent reads the node's network" };
const WEBAPP: FixtureChart = { name: "apps-webapp", chart: "webapp", version: "0.1.0", repo: "https://charts.example.com", namespace: "apps" };
const COMPLIANT: FixtureChart = { name: "apps-compliant", chart: "compliant", version: "1.0.0", repo: "https://charts.example.com", namespace: "apps", release: "shop" };

let dir: string;
let helm: Helm;

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
    const r = spawnSync(process.execPath, [...nodeArgsFor("scripts/charts-check.ts"), ...args], {
        cwd: ROOT,
        env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", INIT_CWD: dir, ...env },
        encoding: "utf8",
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function spawnOk(file: string, args: string[]): void {
    const r = spawnSync(file, args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${path.basename(file)} ${args.join(" ")}: ${r.stderr}`);
}

function writePlan(file: string, stack: "dev" | "prod", charts: FixtureChart[]): string {
    fs.writeFileSync(path.join(dir, file), JSON.stringify(fixturePlan(stack, charts)));
    return file;
}

const check = (stack: "dev" | "prod", charts: FixtureChart[], extra: object = {}): Promise<CheckReport> =>
    checkStack({ stack, helm, chartsDir: path.join(dir, "charts"), planDoc: fixturePlan(stack, charts), helmHome: path.join(dir, "helm-home"), ...extra });

before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "charts-check-test-"));
    writeFixtureCharts(path.join(dir, "charts"));
    helm = await findHelm(undefined);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("charts:check: what the fixture charts render", () => {
    let prod: CheckReport;
    before(async () => {
        prod = await check("prod", [WEBAPP, COMPLIANT]);
    });

    it("reports each policy violation of a chart's objects, with the stack's level (prod: mandatory)", () => {
        const web = prod.charts.find((c) => c.resource === "apps-webapp")!;
        expect(web.violations.map((v) => `${v.level} ${v.policy} ${v.object}`)).to.deep.equal([
            "mandatory pod-no-host-namespaces DaemonSet apps/apps-webapp-agent",
            "mandatory prod-min-replicas Deployment apps/apps-webapp-web",
            "mandatory prod-pod-disruption-budget Deployment apps/apps-webapp-web",
            "mandatory workload-resources Deployment apps/apps-webapp-web",
        ]);
        expect(web.violations.find((v) => v.policy === "workload-resources")!.message).to.contain("resources.limits.cpu, resources.limits.memory");
        expect(prod.charts.find((c) => c.resource === "apps-compliant")!.violations).to.deep.equal([]);
    });

    it("renders CRDs and the objects gated on the CRDs' API versions, never hooks or tests (Pulumi applies neither)", () => {
        const web = prod.charts.find((c) => c.resource === "apps-webapp")!;
        expect(web.kinds).to.deep.equal({ CustomResourceDefinition: 1, DaemonSet: 1, Deployment: 1, Secret: 1, Widget: 1 });
        expect(prod.apiVersions).to.include.members(["example.com/v1", "example.com/v1/Widget"]);
    });

    it("gives objects without a namespace the Chart's namespace when their kind is namespaced (a CRD's scope included)", () => {
        const web = prod.charts.find((c) => c.resource === "apps-webapp")!;
        expect(web.unresolvedScopes).to.deep.equal([]);
        const text = renderText(prod);
        expect(text).to.contain("Deployment apps/apps-webapp-web");
        expect(web.namespace).to.equal("apps");
    });

    it("names the release after the Chart's `name` input, else after the resource", () => {
        expect(prod.charts.map((c) => c.release)).to.deep.equal(["apps-webapp", "shop"]);
        expect(prod.charts.find((c) => c.resource === "apps-compliant")!.violations).to.deep.equal([]);
    });

    it("renders objects gated on monitoring.coreos.com/v1 when the program itself creates such objects", async () => {
        const doc = fixturePlan("prod", [WEBAPP]) as { steps: unknown[] };
        const urn = "urn:pulumi:prod::deepalpha::kubernetes:monitoring.coreos.com/v1:PodMonitor::pm";
        doc.steps.push({ op: "create", urn, newState: { urn, type: "kubernetes:monitoring.coreos.com/v1:PodMonitor", custom: true, id: "", inputs: { apiVersion: "monitoring.coreos.com/v1", kind: "PodMonitor", metadata: { name: "pm", namespace: "apps" }, spec: {} } } });
        const r = await checkStack({ stack: "prod", helm, chartsDir: path.join(dir, "charts"), planDoc: doc, helmHome: path.join(dir, "helm-home") });
        expect(r.charts[0].kinds).to.have.property("ServiceMonitor", 1);
    });

    it("on a real preview, whose Charts already list their objects, checks the rendered objects in their place", async () => {
        const doc = fixturePlan("prod", [COMPLIANT]) as { steps: unknown[] };
        const chartUrn = "urn:pulumi:prod::deepalpha::kubernetes:helm.sh/v4:Chart::apps-compliant";
        const urn = `urn:pulumi:prod::deepalpha::kubernetes:helm.sh/v4:Chart$kubernetes:apps/v1:Deployment::apps-compliant:apps/shop`;
        // As the engine listed it: the same object, here without its limits, so counting it would add violations.
        const stale = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "shop", namespace: "apps" }, spec: { replicas: 2, template: { metadata: { labels: { app: "shop" } }, spec: { containers: [{ name: "app", image: "registry.example.com/app:2.0.0" }] } } } };
        doc.steps.push({ op: "same", urn, newState: { urn, type: "kubernetes:apps/v1:Deployment", custom: true, id: "apps/shop", parent: chartUrn, inputs: stale } });
        const r = await checkStack({ stack: "prod", helm, chartsDir: path.join(dir, "charts"), planDoc: doc, helmHome: path.join(dir, "helm-home") });
        expect(r.charts[0].violations).to.deep.equal([]);
        expect(r.otherViolations).to.deep.equal([]);
    });

    it("holds dev to the same rules at dev's level (advisory)", async () => {
        const dev = await check("dev", [WEBAPP]);
        const levels = new Set(dev.charts[0].violations.map((v) => v.level));
        expect([...levels]).to.deep.equal(["advisory"]);
        // dev's config asks for one replica and no budgets.
        expect(dev.charts[0].violations.map((v) => v.policy)).to.deep.equal(["pod-no-host-namespaces", "workload-resources"]);
    });
});

describe("charts:check: exemptions", () => {
    it("an exemption annotation set through the chart's values exempts that one object from that one policy", async () => {
        const r = await check("prod", [{ ...WEBAPP, values: { agent: { annotations: EXEMPT_HOST_NETWORK } } }]);
        const web = r.charts[0];
        expect(web.exemptions).to.deep.equal([{ policy: "pod-no-host-namespaces", object: "DaemonSet apps/apps-webapp-agent", reason: "the fixture agent reads the node's network" }]);
        expect(web.violations.map((v) => v.policy)).to.not.include("pod-no-host-namespaces");
        // The Deployment of the same chart keeps every violation it had.
        expect(web.violations.filter((v) => v.object === "Deployment apps/apps-webapp-web").map((v) => v.policy)).to.deep.equal(["prod-min-replicas", "prod-pod-disruption-budget", "workload-resources"]);
    });

    it("an annotation naming a policy that takes no exemptions is listed as ignored and the violation stays", async () => {
        const r = await check("prod", [{ ...WEBAPP, values: { agent: { annotations: { "policy.deepalpha.io/exempt-pod-no-privileged": "no" }, hostNetwork: false } } }]);
        expect(r.charts[0].exemptions).to.deep.equal([]);
        expect(r.charts[0].ignoredExemptions.map((e) => `${e.policy} ${e.object}`)).to.deep.equal(["pod-no-privileged DaemonSet apps/apps-webapp-agent"]);
    });

    it("the values fix a violation: limits and two replicas leave only what a budget must cover", async () => {
        const values = { replicas: 2, resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } }, agent: { hostNetwork: false } };
        const r = await check("prod", [{ ...WEBAPP, values }]);
        expect(r.charts[0].violations.map((v) => v.policy)).to.deep.equal(["prod-pod-disruption-budget"]);
    });
});

describe("charts:check: secrets and unknowns", () => {
    it("never prints a Secret's data, in text or JSON", async () => {
        const r = await check("prod", [WEBAPP]);
        expect(renderText(r)).to.not.contain(LITERAL_PASSWORD);
        expect(JSON.stringify(r)).to.not.contain(LITERAL_PASSWORD);
    });

    it("passes a secret or unknown value input to the chart as a marker, never its value", async () => {
        const { chartsFromResources } = await import("../../scripts/charts-render");
        const { resourcesFromPreview } = await import("../../policy/offline");
        const doc = fixturePlan("prod", [{ ...WEBAPP, values: { token: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: "s3cret-value" }, host: "[unknown]" } }]);
        const [spec] = chartsFromResources(resourcesFromPreview(doc));
        expect(spec.values).to.deep.equal({ token: "[secret]", host: "[unknown]" });
    });
});

describe("charts:check: the command", () => {
    it("exits 1 on a mandatory violation (prod) and names the objects", () => {
        const r = cli(["--stack", "prod", "--charts-dir", "charts", "--plan", writePlan("prod.json", "prod", [WEBAPP, COMPLIANT])], { HELM: helm.path });
        expect(r.status, r.stderr).to.equal(1);
        expect(r.stdout).to.contain("[mandatory] workload-resources  Deployment apps/apps-webapp-web");
        expect(r.stderr).to.contain("mandatory policy violations (policy/config.prod.json)");
        expect(r.stdout + r.stderr).to.not.contain(LITERAL_PASSWORD);
    });

    it("exits 0 when only advisory violations remain (dev), and --json prints the report", () => {
        const r = cli(["-s=dev", "--charts-dir", "charts", "--plan", writePlan("dev.json", "dev", [WEBAPP]), "--json", "--helm", helm.path]);
        expect(r.status, r.stderr).to.equal(0);
        const report = JSON.parse(r.stdout) as CheckReport;
        expect(report.stack).to.equal("dev");
        expect(report.helm.from).to.equal("--helm");
        expect(report.charts[0].violations.every((v) => v.level === "advisory")).to.equal(true);
    });

    it("refuses a local chart source whose Chart.yaml has another version than the pinned one (exit 1)", () => {
        fs.cpSync(path.join(dir, "charts", "webapp-0.1.0"), path.join(dir, "charts-moved", "webapp-0.2.0"), { recursive: true });
        const r = cli(["--stack", "prod", "--charts-dir", "charts-moved", "--plan", writePlan("v2.json", "prod", [{ ...WEBAPP, version: "0.2.0" }])], { HELM: helm.path });
        expect(r.status).to.equal(1);
        expect(r.stderr).to.match(/webapp-0\.2\.0\/Chart\.yaml: version is "0\.1\.0", the program pins webapp 0\.2\.0 \(Chart apps-webapp\)/);
        const missing = cli(["--stack", "prod", "--charts-dir", "charts", "--plan", "v2.json"], { HELM: helm.path });
        expect(missing.status).to.equal(1);
        expect(missing.stderr).to.contain("no webapp-0.2.0/Chart.yaml for Chart apps-webapp (webapp 0.2.0)");
    });

    it("an unknown stack or a missing --stack is a usage error (exit 2)", () => {
        const r = cli(["--stack", "staging"]);
        expect(r.status).to.equal(2);
        expect(r.stderr).to.contain('--stack "staging": no such stack (known stacks: dev, prod');
        expect(cli([]).status).to.equal(2);
        expect(cli(["--write-docs", "--stack", "dev"]).stderr).to.contain("--write-docs checks both stacks");
    });

    it("without Helm, says how to build the pinned one (exit 1)", () => {
        const r = cli(["--stack", "dev", "--plan", "dev.json"], { HELM: "", PATH: path.dirname(process.execPath) });
        expect(r.status).to.equal(1);
        expect(r.stderr).to.contain("no Helm: neither --helm nor HELM is given and there is no helm on PATH");
        expect(r.stderr).to.contain("bash e2e/toolchain/build.sh helm");
        const wrong = cli(["--stack", "dev", "--plan", "dev.json", "--helm", "no/such/helm"]);
        expect(wrong.status).to.equal(1);
        expect(wrong.stderr).to.contain(`--helm "${path.join(dir, "no/such/helm")}": no executable file there`);
    });
});

describe("charts:check: helm template as pulumi-kubernetes runs it", () => {
    it("renders with the stack's Kubernetes version and fails clearly when a chart rejects it", async () => {
        const kube = path.join(dir, "kube-charts");
        fs.cpSync(path.join(dir, "charts", "webapp-0.1.0"), path.join(kube, "webapp-0.1.0"), { recursive: true });
        const chartYaml = path.join(kube, "webapp-0.1.0", "Chart.yaml");
        fs.writeFileSync(chartYaml, fs.readFileSync(chartYaml, "utf8").replace(">=1.30.0-0", ">=1.36.0-0"));
        let err: unknown;
        try {
            await checkStack({ stack: "prod", helm, chartsDir: kube, planDoc: fixturePlan("prod", [WEBAPP]), helmHome: path.join(dir, "helm-home") });
        } catch (e) {
            err = e;
        }
        expect(err).to.be.instanceOf(ChartsError);
        expect((err as Error).message).to.match(/^Chart apps-webapp: helm template of .*webapp-0\.1\.0 failed: .*kubeVersion.*>=1\.36\.0-0.*v1\.35/);
    });
});

describe("charts:check: charts pulled from a repository (as in the pull-request workflow)", () => {
    let server: http.Server;
    let repoUrl: string;
    before(async () => {
        // A chart repository on 127.0.0.1: the fixture chart packaged and indexed by the same Helm.
        const repo = path.join(dir, "repo");
        fs.mkdirSync(repo);
        spawnOk(helm.path, ["package", path.join(dir, "charts", "webapp-0.1.0"), "--destination", repo]);
        server = http.createServer((req, res) => {
            const f = path.join(repo, path.basename(decodeURIComponent(req.url ?? "/")));
            if (!fs.existsSync(f) || !fs.statSync(f).isFile()) return void res.writeHead(404).end();
            res.writeHead(200).end(fs.readFileSync(f));
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        repoUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        spawnOk(helm.path, ["repo", "index", repo, "--url", repoUrl]);
    });
    after(() => server?.close());

    it("pulls the pinned version with --repo and renders what the local source renders", async () => {
        const remote = await checkStack({ stack: "prod", helm, planDoc: fixturePlan("prod", [{ ...WEBAPP, repo: repoUrl }]), helmHome: path.join(dir, "helm-home") });
        const local = await check("prod", [WEBAPP]);
        expect(remote.source).to.equal("repositories");
        expect(remote.charts[0].source).to.equal(`${repoUrl} webapp 0.1.0`);
        expect(remote.charts[0].kinds).to.deep.equal(local.charts[0].kinds);
        expect(remote.charts[0].violations).to.deep.equal(local.charts[0].violations);
    });

    it("a version the repository does not have is an error naming the Chart and the version", async () => {
        let err: unknown;
        try {
            await checkStack({ stack: "prod", helm, planDoc: fixturePlan("prod", [{ ...WEBAPP, repo: repoUrl, version: "0.9.9" }]), helmHome: path.join(dir, "helm-home") });
        } catch (e) {
            err = e;
        }
        expect(err).to.be.instanceOf(ChartsError);
        expect((err as Error).message).to.match(/^Chart apps-webapp: helm template of http:\/\/127\.0\.0\.1:\d+ webapp 0\.9\.9 failed: .*0\.9\.9/);
    });
});

describe("charts:check: the generated tables of docs/charts.md", () => {
    it("writes one row per stack and Chart, with before, after and exemptions, between the markers", async () => {
        const reports = [await check("dev", [WEBAPP], { withDefaults: true }), await check("prod", [{ ...WEBAPP, values: { agent: { annotations: EXEMPT_HOST_NETWORK } } }, COMPLIANT], { withDefaults: true })];
        const doc = withDocsTables(`# Charts\n\nintro\n\n${DOCS_BEGIN}\nold\n${DOCS_END}\n\noutro\n`, docsTables(reports));
        expect(doc).to.match(/^# Charts\n\nintro\n\n/);
        expect(doc).to.match(/\n\noutro\n$/);
        expect(doc).to.not.contain("\nold\n");
        expect(docsRows(doc)).to.deep.equal([
            { stack: "dev", resource: "apps-webapp", chart: "webapp", version: "0.1.0", objects: 5, before: "2 advisory (5 objects)", after: "2 advisory", exemptions: 0 },
            { stack: "prod", resource: "apps-webapp", chart: "webapp", version: "0.1.0", objects: 5, before: "4 mandatory (5 objects)", after: "3 mandatory", exemptions: 1 },
            { stack: "prod", resource: "apps-compliant", chart: "compliant", version: "1.0.0", objects: 2, before: "0 (2 objects)", after: "0", exemptions: 0 },
        ]);
        expect(doc).to.contain("| prod | apps-webapp | pod-no-host-namespaces | DaemonSet apps/apps-webapp-agent | the fixture agent reads the node's network |");
    });
});
