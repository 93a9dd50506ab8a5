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
        const { settings, secrets } = validateConfig(withProdSecrets(prodFile().config));
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
            expect(p.join("\n")).to.contain(`pulumi config set --secret --stack prod deepalpha:${k} <value>`);
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
        { what: "wrong type", args: () => ["--stack", "prod", "--config-file", write("type", { ...prod, "deepalpha:observability": { logging: "yes" } })], message: /deepalpha:observability\.logging: got "yes", expected boolean/ },
        { what: "out-of-range number", args: () => ["--stack", "prod", "--config-file", write("range", { ...prod, "deepalpha:cluster": { availabilityZones: 9 } })], message: /deepalpha:cluster\.availabilityZones: got 9, allowed maximum is 6/ },
        { what: "unknown profile", args: () => ["--stack", "prod", "--config-file", write("profile", { ...prod, "deepalpha:profile": "qa" })], message: /deepalpha:profile: got "qa", allowed values are "local", "production"/ },
        { what: "missing prod secret", args: () => ["--stack", "prod", "--strict"], message: /deepalpha:telegramBotToken: required secret is missing \(production profile\); set it with: pulumi config set --secret --stack prod deepalpha:telegramBotToken <value>/ },
        { what: "malformed CIDR", args: () => ["--stack", "prod", "--config-file", write("cidr", { ...prod, "deepalpha:cluster": { publicEndpointCidrs: ["198.51.100.0/24", "not-a-cidr"] } })], message: /deepalpha:cluster\.publicEndpointCidrs\[1\]: got "not-a-cidr", expected an IPv4 CIDR block/ },
        { what: "malformed region", args: () => ["--stack", "prod", "--config-file", write("region", { ...prod, "aws:region": "oregon" })], message: /aws:region: got "oregon", expected an AWS region such as us-west-2/ },
        { what: "missing config file", args: () => ["--stack", "prod", "--config-file", path.join(tmp, "nope.yaml")], message: /cannot read stack config file .*nope\.yaml: ENOENT/ },
        { what: "unknown argument", args: () => ["--stack", "prod", "--jsno"], message: /unknown argument "--jsno"\nusage: npm run plan/ },
    ];
    // Spawned together when mocha loads this file, so the child processes run beside the in-process specs;
    // each test waits for its own result.
    const results = Promise.all(cases.map((c) => runScript("plan.ts", [...c.args(), "--json"])));
    results.catch(() => undefined); // a spawn failure is reported by the tests that await it
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));
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
        expect(validateConfig(withProdSecrets(prodFile().config)).settings.data.secondRegion).to.equal("us-east-1");
        expect(validateConfig(asRaw(devFile().config)).settings.data.secondRegion).to.equal("");
    });
    it("is refused when it names the primary region, is not a region, or is set in the local profile", () => {
        const same = problemsOf(() => validateConfig(withProdSecrets(withSecondRegion(prodFile(), "us-west-2"))));
        expect(same.join("\n")).to.include('deepalpha:data.secondRegion: got "us-west-2", the same as aws:region');
        const bad = problemsOf(() => validateConfig(withProdSecrets(withSecondRegion(prodFile(), "mars"))));
        expect(bad.join("\n")).to.include("deepalpha:data.secondRegion").and.include("expected an AWS region such as us-east-1");
        const local = problemsOf(() => validateConfig(asRaw(withSecondRegion(devFile(), "us-east-1"))));
        expect(local.join("\n")).to.include("deepalpha:data.secondRegion").and.include("production only");
    });
});
