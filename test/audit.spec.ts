// Audit items (CIS EKS Benchmark, EKS Best Practices): every control-plane log, explicit least-privilege key
// policies, a private-only endpoint setting, and no CIS claim the configuration does not meet.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { byType, one, planStack, planWith, ROOT_DIR } from "./harness/stacks";
import { KEY_ADMIN_ACTIONS, serviceKeyPolicy } from "@deepalpha/shared";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CRYPTO = /^kms:(\*|Encrypt|Decrypt|ReEncrypt|GenerateDataKey|Sign|Verify|GenerateMac)/;

describe("audit: EKS control-plane logs", function () {
    this.timeout(120000);
    it("sends all five log types to CloudWatch (api, audit, authenticator, controllerManager, scheduler)", async () => {
        const eks = one(await planStack("prod"), "eks:index:Cluster", "cluster").values as Obj;
        expect([...eks.enabledClusterLogTypes].sort()).to.deep.equal(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    });
});

describe("audit: KMS key policies", function () {
    this.timeout(120000);
    const expected: Record<string, string[]> = {
        "cluster-eks-secrets": ["eks.us-west-2.amazonaws.com"],
        "data-databases-key": ["rds.us-west-2.amazonaws.com", "elasticache.us-west-2.amazonaws.com"],
        "data-buckets-key": ["s3.us-west-2.amazonaws.com"],
        // The second region's key (backups replica bucket, replicated RDS backups), used there.
        "data-dr-backups-key": ["s3.us-east-1.amazonaws.com", "rds.us-east-1.amazonaws.com"],
    };

    it("every key has an explicit policy: the account administers it, only the named services use it, for this account", async () => {
        const run = await planStack("prod");
        const keys = byType(run, "aws:kms/key:Key");
        expect(keys.map((k) => k.name).sort()).to.deep.equal(Object.keys(expected).sort());
        for (const k of keys) {
            const policy = JSON.parse(String((k.values as Obj).policy ?? "null"));
            expect(policy, `${k.name} has an explicit policy`).to.be.an("object");
            for (const st of policy.Statement as Obj[]) {
                const actions: string[] = [].concat(st.Action);
                const crypto = actions.filter((a) => CRYPTO.test(a));
                if (crypto.length === 0) continue;
                // Any statement that can use the key is bound to this account and to the key's services.
                expect(st.Condition?.StringEquals?.["kms:CallerAccount"], `${k.name} ${st.Sid}`).to.equal("123456789012");
                expect(st.Condition?.StringEquals?.["kms:ViaService"], `${k.name} ${st.Sid}`).to.deep.equal(expected[k.name]);
            }
            const admin = (policy.Statement as Obj[]).find((st) => st.Principal?.AWS === "arn:aws:iam::123456789012:root")!;
            expect(admin.Action, `${k.name}: administration only, no kms:*`).to.deep.equal([...KEY_ADMIN_ACTIONS]);
        }
    });

    it("the builder keeps administration and use apart (pure)", () => {
        const p = JSON.parse(serviceKeyPolicy({ partition: "aws", accountId: "111122223333", region: "eu-west-1", services: ["s3"] }));
        expect(p.Statement).to.have.length(2);
        expect(p.Statement[0].Action.some((a: string) => CRYPTO.test(a))).to.equal(false);
        expect(p.Statement[1].Condition.StringEquals).to.deep.equal({ "kms:CallerAccount": "111122223333", "kms:ViaService": ["s3.eu-west-1.amazonaws.com"] });
    });
});

describe("audit: EKS endpoint access", function () {
    this.timeout(120000);
    it("publicEndpointCidrs: [] is the private-only setting (CIS EKS 5.4.2): private endpoint on, public off, no CIDRs", async () => {
        const cluster = JSON.parse(JSON.stringify(
            (await import("yaml")).parse(fs.readFileSync(path.join(ROOT_DIR, "Pulumi.prod.yaml"), "utf8")).config["deepalpha:cluster"],
        ));
        const run = await planWith("prod", { "deepalpha:cluster": JSON.stringify({ ...cluster, publicEndpointCidrs: [] }) });
        const eks = one(run, "eks:index:Cluster", "cluster").values as Obj;
        expect(eks.endpointPrivateAccess).to.equal(true);
        expect(eks.endpointPublicAccess).to.equal(false);
        expect(eks).not.to.have.property("publicAccessCidrs");
    });

    it("the README and docs/ claim CIS EKS 5.4.2 only for the private-only setting", () => {
        const files = ["README.md", ...fs.readdirSync(path.join(ROOT_DIR, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
        const lines = files.flatMap((f) => fs.readFileSync(path.join(ROOT_DIR, f), "utf8").split("\n").filter((l) => l.includes("5.4.2")).map((l) => `${f}: ${l}`));
        expect(lines.length).to.be.greaterThan(0);
        for (const l of lines) expect(l, l.slice(0, 160)).to.match(/private[ -]only/);
    });
});
