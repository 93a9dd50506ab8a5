// Settings each valid alone that together ask for what the cluster cannot give (issue 15, item 9): executor pods
// that would stay Pending or be rejected by the kubelet, a certificate that would never be issued. Each is
// refused before anything is created, naming the setting, the value and what is allowed.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ROOT_DIR } from "./harness/stacks";
import { REQUIRED_SECRETS } from "../settings/schema";
import { deepMerge } from "../settings/defaults";
import { instanceShape } from "../settings/instance-families";
import { executorPodsPerNode, quantityBytes } from "../settings/schedulability";
import { ConfigError, validateConfig } from "../settings/validate";

const file = (stack: string) => (YAML.parse(fs.readFileSync(path.join(ROOT_DIR, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config;

/** The committed stack with `overrides` deep-merged per top-level key, validated as the offline plan does (placeholders noted). */
function validate(stack: "dev" | "prod", overrides: Record<string, unknown>) {
    const config: Record<string, unknown> = { ...file(stack) };
    for (const [k, v] of Object.entries(overrides)) config[`deepalpha:${k}`] = deepMerge(config[`deepalpha:${k}`], v);
    const secretKeys = stack === "prod" ? REQUIRED_SECRETS.production.map((k) => `deepalpha:${k}`) : [];
    for (const k of secretKeys) config[k] = `value-of-${k}`;
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) values[k] = typeof v === "string" ? v : JSON.stringify(v);
    return validateConfig({ values, secretKeys: new Set(secretKeys), stack }, { placeholders: "note" });
}

function problems(stack: "dev" | "prod", overrides: Record<string, unknown>): string[] {
    try {
        validate(stack, overrides);
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    return [];
}

describe("unsatisfiable settings: the executor on its node group (production)", () => {
    it("the committed prod fits: 2 executor pods per c6i.4xlarge (huge pages: 2 GiB per node, 1Gi per pod), 4 nodes at most", () => {
        const { settings } = validate("prod", {});
        expect(instanceShape("c6i.4xlarge")).to.deep.equal({ vcpus: 16, memoryGiB: 32, threadsPerCore: 2 });
        expect(executorPodsPerNode(settings)).to.deep.equal({ pods: 2, limitedBy: "huge pages: 2 GiB per node / 1Gi per pod" });
    });

    it("refuses a pod asking for more huge pages than a node reserves, naming both settings and the way out", () => {
        expect(problems("prod", { app: { executor: { hugepages2Mi: "4Gi" } } })).to.deep.equal([
            'deepalpha:app.executor.hugepages2Mi: got "4Gi", more huge pages than an executor node has (cluster.executorNodes.hugepages2Mi: 1024 pages of 2 MiB = 2 GiB), ' +
                "so every executor pod would stay Pending; allowed: at most 2 GiB, or raise cluster.executorNodes.hugepages2Mi to at least 2048",
        ]);
        // Raised together: accepted.
        expect(problems("prod", { app: { executor: { hugepages2Mi: "4Gi" } }, cluster: { executorNodes: { hugepages2Mi: 2048 } } })).to.deep.equal([]);
    });

    it("refuses more CPUs than a node can pin for one pod (the reserved CPU's core is not exclusive)", () => {
        const p = problems("prod", { app: { executor: { cpu: 16 } } });
        expect(p).to.have.length(1);
        expect(p[0]).to.match(/^deepalpha:app\.executor\.cpu: got 16, more than an executor node can pin: "c6i\.4xlarge" has 16 vCPUs, .* leaving 14 for exclusive use, .*allowed: at most 14, or a larger cluster\.executorNodes\.instanceType$/);
        expect(problems("prod", { app: { executor: { cpu: 14 } } }).join("\n")).to.not.match(/executor\.cpu/);
    });

    it("refuses an odd CPU count on a hyperthreaded family (full-pcpus-only: SMTAlignmentError), not on Graviton", () => {
        expect(problems("prod", { app: { executor: { cpu: 3 } } })).to.deep.equal([
            'deepalpha:app.executor.cpu: got 3, but "c6i.4xlarge" has 2 threads per core and the executor nodes\' CPU manager (full-pcpus-only) gives whole cores only: ' +
                "the kubelet would reject every executor pod (SMTAlignmentError); allowed: a multiple of 2",
        ]);
        expect(problems("prod", { app: { executor: { cpu: 3 } }, cluster: { executorNodes: { instanceType: "c7g.4xlarge", cpuTarget: "neoverse-v1" } } })).to.deep.equal([]);
    });

    it("refuses pod memory that the node's memory less its huge pages cannot hold, and node huge pages that take all of it", () => {
        expect(problems("prod", { app: { executor: { memory: "30Gi" } } })).to.deep.equal([
            'deepalpha:app.executor.memory: got "30Gi", but "c6i.4xlarge" has 32 GiB and its 2 GiB of huge pages (cluster.executorNodes.hugepages2Mi) leave 30 GiB, ' +
                "before the kubelet's own reservation, so the pod would stay Pending; allowed: less than 30 GiB, fewer node huge pages, or a larger instance type",
        ]);
        expect(problems("prod", { cluster: { executorNodes: { hugepages2Mi: 16384 } } })[0]).to.match(
            /^deepalpha:cluster\.executorNodes\.hugepages2Mi: got 16384 \(32 GiB\), at least all of "c6i\.4xlarge"'s 32 GiB of memory/,
        );
    });

    it("refuses more executor replicas than the node group can hold at its maximum size", () => {
        expect(problems("prod", { app: { replicas: { executor: 9 } } })).to.deep.equal([
            "deepalpha:app.replicas.executor: got 9, but at most 8 executor pods fit: cluster.executorNodes.maxSize 4 nodes x 2 per \"c6i.4xlarge\" node " +
                "(limited by huge pages: 2 GiB per node / 1Gi per pod), so 1 would stay Pending; allowed: at most 8, or raise cluster.executorNodes.maxSize to 5",
        ]);
        expect(problems("prod", { app: { replicas: { executor: 8 } } })).to.deep.equal([]);
    });

    it("refuses huge pages that are not a whole number of 2 MiB pages (the API server would refuse the pod spec), in both profiles", () => {
        for (const [stack, q] of [["prod", "3Mi"], ["prod", "1.5Mi"], ["dev", "1000Ki"]] as const) {
            expect(problems(stack, { app: { executor: { hugepages2Mi: q } } }), `${stack} ${q}`).to.deep.equal([
                `deepalpha:app.executor.hugepages2Mi: got "${q}", not a whole number of 2 MiB pages: the API server refuses the executor's pod spec ` +
                    '("is not positive integer multiple of hugepages-2Mi"); allowed: "0" or a multiple of 2Mi, such as 1Gi',
            ]);
        }
        expect(problems("prod", { app: { executor: { hugepages2Mi: "1026Mi" } } })).to.deep.equal([]);
    });

    it("leaves the local profile's executor alone: a laptop's nodes are unknown", () => {
        expect(problems("dev", { app: { executor: { cpu: 64, hugepages2Mi: "64Gi" }, replicas: { executor: 20 } } })).to.deep.equal([]);
    });

    it("instance shapes: sizes, memory per family, threads per core; metal and unknown families are not guessed", () => {
        expect(instanceShape("m5.2xlarge")).to.deep.equal({ vcpus: 8, memoryGiB: 32, threadsPerCore: 2 });
        expect(instanceShape("r6i.large")).to.deep.equal({ vcpus: 2, memoryGiB: 16, threadsPerCore: 2 });
        expect(instanceShape("c5n.9xlarge")).to.deep.equal({ vcpus: 36, memoryGiB: 96, threadsPerCore: 2 });
        expect(instanceShape("c7a.medium")).to.deep.equal({ vcpus: 1, memoryGiB: 2, threadsPerCore: 1 });
        expect(instanceShape("c6gn.16xlarge")).to.deep.equal({ vcpus: 64, memoryGiB: 128, threadsPerCore: 1 });
        expect(instanceShape("c6i.metal")).to.equal(undefined);
        expect(instanceShape("x2idn.16xlarge")).to.equal(undefined);
        expect(quantityBytes("1.5Gi")).to.equal(1.5 * 2 ** 30);
        expect(quantityBytes("0")).to.equal(0);
    });
});

describe("unsatisfiable settings: a host name no public CA certifies", () => {
    it("prod: a .local host (the profile default when the stack file sets none) is refused outright, not noted as a placeholder", () => {
        const p = problems("prod", { app: { apiHost: "api.deepalpha.local" } });
        expect(p).to.deep.equal([
            'deepalpha:app.apiHost: got "api.deepalpha.local", a name outside the public DNS, but cluster.gateway.tls is "letsEncrypt": Let\'s Encrypt issues only for public names ' +
                '(and its HTTP-01 check must reach the host), so the certificate would never be issued; set a public host name, or cluster.gateway.tls "selfSigned" (local profile) / "acm" with a private CA\'s certificate',
        ]);
        for (const host of ["ws.trading.internal", "ws.deepalpha.lan", "ws.home.arpa", "ws.deepalpha.test"]) {
            expect(problems("prod", { app: { websocketHost: host } })[0], host).to.match(new RegExp(`^deepalpha:app\\.websocketHost: got "${host.replace(/\./g, "\\.")}", a name outside the public DNS`));
        }
    });

    it("prod with ACM: still refused, no production client could resolve it", () => {
        const acm = { gateway: { tls: "acm", acmCertificateArn: "arn:aws:acm:us-west-2:123456789012:certificate/abc" } };
        expect(problems("prod", { cluster: acm, app: { apiHost: "api.deepalpha.local" } })).to.deep.equal([
            'deepalpha:app.apiHost: got "api.deepalpha.local", a name outside the public DNS: no client of the production stack could resolve it; set the public host name',
        ]);
    });

    it("local profile: Let's Encrypt for a .local host is refused; the committed self-signed dev stack is not", () => {
        const le = { gateway: { tls: "letsEncrypt", acmeEmail: "platform@deepalpha.io" } };
        const p = problems("dev", { cluster: le });
        expect(p.map((x) => x.split(":")[1])).to.deep.equal(["app.apiHost", "app.websocketHost"]);
        expect(problems("dev", {})).to.deep.equal([]);
        expect(problems("dev", { cluster: le, app: { apiHost: "api.deepalpha.io", websocketHost: "ws.deepalpha.io" } })).to.deep.equal([]);
    });
});
