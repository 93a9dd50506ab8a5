// Stack configuration: profile defaults, overrides, and every kind of bad input rejected with the key,
// the value and what is allowed, before any resource exists.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { runScript } from "./harness/cli";
import { ROOT_DIR } from "./harness/stacks";
import { REQUIRED_SECRETS, SECRET_KEYS } from "../settings/schema";
import { ConfigError, validateConfig } from "../settings/validate";
import { deepMerge } from "../settings/defaults";

const prodFile = () => YAML.parse(fs.readFileSync(path.join(ROOT_DIR, "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, unknown> };
const devFile = () => YAML.parse(fs.readFileSync(path.join(ROOT_DIR, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };

/** The stack file's values as Pulumi hands them to the program. */
function asRaw(config: Record<string, unknown>, secretKeys: string[] = []) {
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) values[k] = typeof v === "string" ? v : JSON.stringify(v);
    return { values, secretKeys: new Set(secretKeys), stack: "prod" };
}

function withProdSecrets(config: Record<string, unknown>) {
    const c = { ...config };
    for (const k of REQUIRED_SECRETS.production) c[`deepalpha:${k}`] = `value-of-${k}`;
    return asRaw(c, REQUIRED_SECRETS.production.map((k) => `deepalpha:${k}`));
}

function problemsOf(fn: () => unknown): string[] {
    try {
        fn();
    } catch (e) {
        if (e instanceof ConfigError) return e.problems;
        throw e;
    }
    throw new Error("expected a ConfigError");
}

describe("config: profiles and defaults", () => {
    it("the committed prod stack is valid and takes the production profile's HA numbers", () => {
        const { settings, secrets } = validateConfig(withProdSecrets(prodFile().config), { placeholders: "note" });
        expect(settings.profile).to.equal("production");
        expect(settings.cluster.generalNodes).to.deep.include({ instanceType: "m5.2xlarge", minSize: 3, desiredSize: 3 });
        expect(settings.app.replicas).to.deep.equal({ api: 3, websocket: 2, executor: 2 });
        expect(settings.data.postgres.readReplicas).to.equal(2);
        expect(Object.keys(secrets).sort()).to.deep.equal([...SECRET_KEYS].sort());
    });

    it("the committed dev stack is valid, local, one replica of each workload, testnet", () => {
        const { settings } = validateConfig(asRaw(devFile().config));
        expect(settings.profile).to.equal("local");
        expect(settings.cluster.kubeContext).to.be.a("string").and.not.empty;
        expect(settings.app.replicas).to.deep.equal({ api: 1, websocket: 1, executor: 1 });
        expect(settings.app.exchange.testnet).to.equal(true);
    });

    it("a stack file overrides one nested key and keeps the profile defaults around it", () => {
        const cfg = { ...devFile().config, "deepalpha:data": { postgres: { volumeSize: "50Gi" } } };
        const { settings } = validateConfig(asRaw(cfg));
        expect(settings.data.postgres.volumeSize).to.equal("50Gi");
        expect(settings.data.postgres.engineVersion).to.match(/^1[5-9]/);
        expect(settings.data.redis.volumeSize).to.equal("5Gi");
    });

    it("without a profile key the stack is local", () => {
        const { settings } = validateConfig(asRaw({ "deepalpha:cluster": { kubeContext: "minikube" } }));
        expect(settings.profile).to.equal("local");
    });

    it("ignores other namespaces (aws:, kubernetes:) but rejects unknown deepalpha: keys", () => {
        expect(() => validateConfig(asRaw({ ...devFile().config, "aws:region": "us-west-2", "kubernetes:context": "x" }))).not.to.throw();
        const p = problemsOf(() => validateConfig(asRaw({ ...devFile().config, "deepalpha:clutser": {} })));
        expect(p.join("\n")).to.contain("deepalpha:clutser: unknown setting");
    });
});

describe("config: bad input is rejected with key, value and what is allowed", () => {
    const cases: { what: string; config: () => Record<string, unknown>; expect: RegExp[] }[] = [
        {
            what: "an unknown nested key (typo)",
            config: () => ({ ...prodFile().config, "deepalpha:cluster": { ...(prodFile().config["deepalpha:cluster"] as object), kubernetesVersoin: "1.33" } }),
            expect: [/deepalpha:cluster\.kubernetesVersoin: unknown setting/, /allowed here: .*kubernetesVersion/],
        },
        {
            what: "a wrong type",
            config: () => ({ ...prodFile().config, "deepalpha:app": { replicas: { api: "three" } } }),
            expect: [/deepalpha:app\.replicas\.api: got "three", expected number/],
        },
        {
            what: "an out-of-range number",
            config: () => ({ ...prodFile().config, "deepalpha:data": { postgres: { backupRetentionDays: 90 } } }),
            expect: [/deepalpha:data\.postgres\.backupRetentionDays: got 90, allowed maximum is 35/],
        },
        {
            what: "below the production floor",
            config: () => ({ ...prodFile().config, "deepalpha:app": { replicas: { api: 1 } } }),
            expect: [/deepalpha:app\.replicas\.api: got 1, the production profile requires at least 3/],
        },
        {
            what: "an unknown profile",
            config: () => ({ ...prodFile().config, "deepalpha:profile": "staging" }),
            expect: [/deepalpha:profile: got "staging", allowed values are "local", "production"/],
        },
        {
            what: "a malformed CIDR",
            config: () => ({ ...prodFile().config, "deepalpha:cluster": { vpcCidr: "10.40.0.0/33" } }),
            expect: [/deepalpha:cluster\.vpcCidr: got "10\.40\.0\.0\/33", expected an IPv4 CIDR block/],
        },
        {
            what: "latest as a production image tag",
            config: () => ({ ...prodFile().config, "deepalpha:app": { image: { repository: "ghcr.io/deepalpha/deepalpha", tag: "latest" } } }),
            expect: [/deepalpha:app\.image\.tag: got "latest", the production profile requires a pinned version tag/],
        },
        {
            what: "a pinned PostgreSQL minor in production (RDS retires minors: 16.6 cannot be created since 1 May 2026)",
            config: () => ({ ...prodFile().config, "deepalpha:data": { postgres: { engineVersion: "16.6" } } }),
            expect: [/deepalpha:data\.postgres\.engineVersion: got "16\.6", the production profile takes the major version only \(such as "16"\)/, /aws rds describe-db-engine-versions/],
        },
        {
            what: "a Redis OSS engine older than the RBAC access strings need (subcommand rules: 7.0)",
            config: () => ({ ...prodFile().config, "deepalpha:data": { redis: { engineVersion: "6.2" } } }),
            expect: [/deepalpha:data\.redis\.engineVersion: got "6\.2", the production profile needs Redis OSS 7\.0 or newer/],
        },
        {
            what: "a migration/pg_dump client of another major than the RDS server",
            config: () => ({ ...prodFile().config, "deepalpha:data": { images: { postgres: { repository: "postgres", tag: "15.13-alpine" } } } }),
            expect: [/deepalpha:data\.images\.postgres\.tag: got "15\.13-alpine", the migration and pg_dump client must have the server's major version/],
        },
        {
            what: "fewer general nodes at most than zones (one general node group per zone)",
            config: () => ({ ...prodFile().config, "deepalpha:cluster": { generalNodes: { instanceType: "m5.2xlarge", minSize: 3, desiredSize: 3, maxSize: 3 }, availabilityZones: 4 } }),
            expect: [/deepalpha:cluster\.generalNodes\.maxSize: got 3, allowed minimum is cluster\.availabilityZones \(4\)/],
        },
        {
            what: "the EKS API open to the world",
            config: () => ({ ...prodFile().config, "deepalpha:cluster": { publicEndpointCidrs: ["0.0.0.0/0"] } }),
            expect: [/deepalpha:cluster\.publicEndpointCidrs: got "0\.0\.0\.0\/0"/],
        },
    ];
    for (const c of cases) {
        it(`rejects ${c.what}`, () => {
            const p = problemsOf(() => validateConfig(withProdSecrets(c.config()))).join("\n");
            for (const re of c.expect) expect(p).to.match(re);
        });
    }

    it("names a missing production secret with the command that sets it", () => {
        const p = problemsOf(() => validateConfig(asRaw(prodFile().config)));
        for (const k of REQUIRED_SECRETS.production) {
            expect(p.join("\n")).to.contain(`deepalpha:${k}: required secret is missing`);
            expect(p.join("\n")).to.contain(`pulumi config set --secret --stack prod deepalpha:${k} (it prompts for the value; never put it on the command line)`);
        }
    });

    it("refuses a secret stored in plain text", () => {
        const p = problemsOf(() => validateConfig(asRaw({ ...devFile().config, "deepalpha:binanceApiKey": "abc" })));
        expect(p.join("\n")).to.contain("deepalpha:binanceApiKey: is stored in plain text");
    });

    it("checks settings that depend on each other", () => {
        const p = problemsOf(() =>
            validateConfig(withProdSecrets({ ...prodFile().config, "deepalpha:cluster": { generalNodes: { minSize: 3, desiredSize: 3, maxSize: 2 }, gateway: { tls: "acm" } } })),
        ).join("\n");
        expect(p).to.contain("deepalpha:cluster.generalNodes: got min 3, desired 3, max 2");
        expect(p).to.contain("deepalpha:cluster.gateway.acmCertificateArn: (unset)");
    });
});

describe("config: placeholders in the committed prod template", () => {
    const cluster = () => prodFile().config["deepalpha:cluster"] as Record<string, unknown>;

    it("a real pulumi up (the default) refuses every placeholder Pulumi.prod.yaml ships, each with its key and what to set", () => {
        const p = problemsOf(() => validateConfig(withProdSecrets(prodFile().config))).join("\n");
        expect(p).to.match(/deepalpha:cluster\.publicEndpointCidrs\[0\]: got "198\.51\.100\.0\/24", a documentation range \(198\.51\.100\.0\/24, RFC 5737\).*or \[\] for a private-only endpoint/);
        expect(p).to.match(/deepalpha:app\.apiHost: got "api\.deepalpha\.example\.com", a reserved example domain/);
        expect(p).to.match(/deepalpha:app\.websocketHost: got "ws\.deepalpha\.example\.com"/);
        expect(p).to.match(/deepalpha:cluster\.gateway\.acmeEmail: got "platform@deepalpha\.example\.com", Let's Encrypt refuses/);
        expect(p).to.match(/deepalpha:observability\.telegramChatId: got -1001234567890, the template's sample chat/);
        expect(p.split("\n")).to.have.length(5);
    });

    it("the offline plan's mode returns them as notes and accepts the rest of the stack", () => {
        const { placeholderNotes } = validateConfig(withProdSecrets(prodFile().config), { placeholders: "note" });
        expect(placeholderNotes).to.have.length(5);
    });

    for (const doc of ["192.0.2.0/24", "198.51.100.7/32", "203.0.113.128/25", "198.51.0.0/16"]) {
        it(`refuses ${doc} (overlaps an RFC 5737 documentation range) in publicEndpointCidrs`, () => {
            const cfg = { ...prodFile().config, "deepalpha:cluster": { ...cluster(), publicEndpointCidrs: ["10.0.0.0/8", doc] } };
            const p = problemsOf(() => validateConfig(withProdSecrets(cfg))).join("\n");
            expect(p).to.contain(`deepalpha:cluster.publicEndpointCidrs[1]: got "${doc}", a documentation range`);
            expect(p).not.to.contain("publicEndpointCidrs[0]");
        });
    }

    it("accepts real values: a routable egress range (or [] for private-only), real hosts, a real chat", () => {
        for (const cidrs of [["52.12.34.0/28"], []]) {
            const cfg = {
                ...prodFile().config,
                "deepalpha:cluster": { ...cluster(), publicEndpointCidrs: cidrs, gateway: { install: true, className: "nginx", tls: "letsEncrypt", acmeEmail: "platform@deepalpha.io" } },
                "deepalpha:app": { ...(prodFile().config["deepalpha:app"] as object), apiHost: "api.deepalpha.io", websocketHost: "ws.deepalpha.io" },
                "deepalpha:observability": { ...(prodFile().config["deepalpha:observability"] as object), telegramChatId: -1002233445566 },
            };
            expect(validateConfig(withProdSecrets(cfg)).settings.cluster.publicEndpointCidrs).to.deep.equal(cidrs);
        }
    });
});

describe("config: node instance types (ENA for both groups, one CPU for the executor's binary)", () => {
    const prodWithCluster = (cluster: Record<string, unknown>) => () =>
        // The template's placeholders are noted, not refused (as the offline plan does): only these settings' problems count.
        validateConfig(withProdSecrets({ ...prodFile().config, "deepalpha:cluster": deepMerge(prodFile().config["deepalpha:cluster"], cluster) }), { placeholders: "note" });

    it("accepts the committed executor type, and another size of the same family", () => {
        expect(prodWithCluster({})().settings.cluster.executorNodes).to.include({ instanceType: "c6i.4xlarge", cpuTarget: "icelake-server" });
        expect(prodWithCluster({ executorNodes: { instanceType: "c6i.8xlarge" } })().settings.cluster.executorNodes.instanceType).to.equal("c6i.8xlarge");
        // c6in runs the same Ice Lake CPU: the same binary runs there.
        expect(prodWithCluster({ executorNodes: { instanceType: "c6in.4xlarge" } })().settings.cluster.executorNodes.instanceType).to.equal("c6in.4xlarge");
    });

    it("refuses an executor (or general) instance type without ENA enhanced networking", () => {
        const p = problemsOf(prodWithCluster({ executorNodes: { instanceType: "c4.4xlarge" }, generalNodes: { instanceType: "m4.2xlarge" } }));
        expect(p).to.have.length(2);
        expect(p[0]).to.match(/^deepalpha:cluster\.generalNodes\.instanceType: got "m4\.2xlarge", a family without ENA enhanced networking \(.*\); choose a current-generation \(Nitro\) family$/);
        expect(p[1]).to.match(/^deepalpha:cluster\.executorNodes\.instanceType: got "c4\.4xlarge", a family without ENA enhanced networking/);
    });

    it("refuses an executor family whose CPU is not the one the image is built for, naming both ways out", () => {
        const p = problemsOf(prodWithCluster({ executorNodes: { instanceType: "c7i.4xlarge" } }));
        expect(p).to.deep.equal([
            'deepalpha:cluster.executorNodes.instanceType: got "c7i.4xlarge", whose CPU is sapphirerapids, but cluster.executorNodes.cpuTarget is "icelake-server": ' +
                "a binary built for one CPU can crash on another. Use a family with icelake-server (c6i, c6in, m6i, m6in, r6i), or rebuild the executor image with -C target-cpu=sapphirerapids and set cpuTarget to \"sapphirerapids\"",
        ]);
        // Both changed together (image rebuilt for the new CPU): accepted. Graviton works the same way.
        expect(prodWithCluster({ executorNodes: { instanceType: "c7i.4xlarge", cpuTarget: "sapphirerapids" } })().settings.cluster.executorNodes.cpuTarget).to.equal("sapphirerapids");
        expect(prodWithCluster({ executorNodes: { instanceType: "c7g.4xlarge", cpuTarget: "neoverse-v1" } })().settings.cluster.executorNodes.instanceType).to.equal("c7g.4xlarge");
    });

    it("refuses an executor family whose CPU the program does not know, and a CPU target outside the table", () => {
        expect(problemsOf(prodWithCluster({ executorNodes: { instanceType: "m7i-flex.4xlarge" } }))[0]).to.match(
            /^deepalpha:cluster\.executorNodes\.instanceType: got "m7i-flex\.4xlarge", family "m7i-flex" is not one whose CPU is known; allowed families: c5, c5n, /,
        );
        expect(problemsOf(prodWithCluster({ executorNodes: { cpuTarget: "native" } }))[0]).to.match(/^deepalpha:cluster\.executorNodes\.cpuTarget: got "native", allowed values are "skylake-avx512", "icelake-server", /);
    });

    it("leaves the local profile alone: a laptop cluster has no node groups", () => {
        const dev = validateConfig(asRaw({ ...devFile().config, "deepalpha:cluster": { ...(devFile().config["deepalpha:cluster"] as object), executorNodes: { instanceType: "c4.4xlarge" } } }));
        expect(dev.settings.cluster.executorNodes.instanceType).to.equal("c4.4xlarge");
    });
});

describe("config: the offline plan refuses bad config with exit 1, the key and no stack trace", function () {
    this.timeout(60000);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "deepalpha-config-"));
    const write = (name: string, config: Record<string, unknown>) => {
        const f = path.join(tmp, `${name}.yaml`);
        fs.writeFileSync(f, YAML.stringify({ config }));
        return f;
    };
    const prod = prodFile().config;
    const cases: { what: string; args: () => string[]; message: RegExp }[] = [
        { what: "unknown key", args: () => ["--stack", "prod", "--config-file", write("unknown", { ...prod, "deepalpha:replicaz": 3 })], message: /deepalpha:replicaz: unknown setting \(allowed: / },
        { what: "executor family of another CPU", args: () => ["--stack", "prod", "--config-file", write("cpu", { ...prod, "deepalpha:cluster": { ...(prod["deepalpha:cluster"] as object), executorNodes: { ...((prod["deepalpha:cluster"] as Record<string, object>).executorNodes), instanceType: "c7a.4xlarge" } } })], message: /deepalpha:cluster\.executorNodes\.instanceType: got "c7a\.4xlarge", whose CPU is znver4/ },
        { what: "wrong type", args: () => ["--stack", "prod", "--config-file", write("type", { ...prod, "deepalpha:observability": { logging: "yes" } })], message: /deepalpha:observability\.logging: got "yes", expected boolean/ },
        { what: "out-of-range number", args: () => ["--stack", "prod", "--config-file", write("range", { ...prod, "deepalpha:cluster": { availabilityZones: 9 } })], message: /deepalpha:cluster\.availabilityZones: got 9, allowed maximum is 6/ },
        { what: "unknown profile", args: () => ["--stack", "prod", "--config-file", write("profile", { ...prod, "deepalpha:profile": "qa" })], message: /deepalpha:profile: got "qa", allowed values are "local", "production"/ },
        { what: "missing prod secret", args: () => ["--stack", "prod", "--strict"], message: /deepalpha:telegramBotToken: required secret is missing \(production profile\); set it with: pulumi config set --secret --stack prod deepalpha:telegramBotToken \(it prompts for the value/ },
        { what: "malformed CIDR", args: () => ["--stack", "prod", "--config-file", write("cidr", { ...prod, "deepalpha:cluster": { publicEndpointCidrs: ["198.51.100.0/24", "not-a-cidr"] } })], message: /deepalpha:cluster\.publicEndpointCidrs\[1\]: got "not-a-cidr", expected an IPv4 CIDR block/ },
        { what: "malformed region", args: () => ["--stack", "prod", "--config-file", write("region", { ...prod, "aws:region": "oregon" })], message: /aws:region: got "oregon", expected an AWS region such as us-west-2/ },
        { what: "executor huge pages beyond a node's", args: () => ["--stack", "prod", "--config-file", write("hugepages", { ...prod, "deepalpha:app": { ...(prod["deepalpha:app"] as object), executor: { cpu: 4, memory: "8Gi", hugepages2Mi: "3Gi" } } })], message: /deepalpha:app\.executor\.hugepages2Mi: got "3Gi", more huge pages than an executor node has \(cluster\.executorNodes\.hugepages2Mi: 1024 pages of 2 MiB = 2 GiB\)/ },
        { what: "missing config file", args: () => ["--stack", "prod", "--config-file", path.join(tmp, "nope.yaml")], message: /cannot read stack config file .*nope\.yaml: ENOENT/ },
    ];
    // Spawned together when mocha loads this file, so the child processes run beside the in-process specs;
    // each test waits for its own result.
    const results = Promise.all(cases.map((c) => runScript("plan.ts", [...c.args(), "--json"])));
    results.catch(() => undefined); // a spawn failure is reported by the tests that await it
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));
    it("--strict (as pulumi up) also refuses the template's documentation-range endpoint allow-list", async () => {
        const r = (await results)[cases.findIndex((c) => c.what === "missing prod secret")];
        expect(r.code).to.equal(1);
        expect(r.stderr).to.match(/deepalpha:cluster\.publicEndpointCidrs\[0\]: got "198\.51\.100\.0\/24", a documentation range \(198\.51\.100\.0\/24, RFC 5737\)/);
    });
    cases.forEach((c, i) => {
        it(`${c.what}: exit 1 and a message naming it`, async () => {
            const r = (await results)[i];
            expect(r.code, r.stderr).to.equal(1);
            expect(r.stderr).to.match(c.message);
            expect(r.stderr).not.to.match(/\n\s+at .*\.(ts|js):\d+/); // no stack trace
            expect(r.stdout).to.equal("");
        });
    });
});

describe("config: data.secondRegion", () => {
    const withSecondRegion = (file: { config: Record<string, unknown> }, value: string) => {
        const c = { ...file.config };
        c["deepalpha:data"] = { ...(c["deepalpha:data"] as Record<string, unknown>), secondRegion: value };
        return c;
    };
    it("prod defaults to us-east-1; dev to none", () => {
        expect(validateConfig(withProdSecrets(prodFile().config), { placeholders: "note" }).settings.data.secondRegion).to.equal("us-east-1");
        expect(validateConfig(asRaw(devFile().config)).settings.data.secondRegion).to.equal("");
    });
    it("is refused when it names the primary region, is not a region, or is set in the local profile", () => {
        const same = problemsOf(() => validateConfig(withProdSecrets(withSecondRegion(prodFile(), "us-west-2")), { placeholders: "note" }));
        expect(same.join("\n")).to.include('deepalpha:data.secondRegion: got "us-west-2", the same as aws:region');
        const bad = problemsOf(() => validateConfig(withProdSecrets(withSecondRegion(prodFile(), "mars")), { placeholders: "note" }));
        expect(bad.join("\n")).to.include("deepalpha:data.secondRegion").and.include("expected an AWS region such as us-east-1");
        const local = problemsOf(() => validateConfig(asRaw(withSecondRegion(devFile(), "us-east-1"))));
        expect(local.join("\n")).to.include("deepalpha:data.secondRegion").and.include("production only");
    });
});
