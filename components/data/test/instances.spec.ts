// Two DataTier instances in one stack: every child is named after its instance, so nothing collides, neither
// in Pulumi (URNs) nor in Kubernetes (kind, namespace, name) when each instance has its own namespaces, nor in
// AWS (physical names) when each has its own prefix.
import { expect } from "chai";
import { duplicateUrns, type Registered, runComponents } from "@deepalpha/testing";
import { DataTier } from "../src";
import { type Obj, productionArgs } from "./fixtures";

/** Kubernetes objects that two resources would both manage: `kind namespace/name`. */
function duplicateObjects(list: Registered[]): string[] {
    const seen = new Set<string>();
    const dup: string[] = [];
    for (const r of list.filter((x) => x.type.startsWith("kubernetes:"))) {
        const md = r.values.metadata as Obj;
        // Auto-named objects (the ConfigMaps) get a random suffix from the provider.
        if (!md.name) continue;
        const key = `${r.type.split(":")[2]} ${md.namespace}/${md.name}`;
        if (seen.has(key)) dup.push(key);
        seen.add(key);
    }
    return dup;
}

/** AWS physical names the resources claim: `type name` (RDS, ElastiCache, Timestream, S3, KMS aliases). */
function physicalNames(list: Registered[]): string[] {
    return list.flatMap((r) => {
        const v = r.values as Obj;
        const byType: Record<string, unknown> = {
            "aws:rds/instance:Instance": v.identifier,
            "aws:elasticache/replicationGroup:ReplicationGroup": v.replicationGroupId,
            "aws:elasticache/userGroup:UserGroup": v.userGroupId,
            "aws:elasticache/user:User": v.userId,
            "aws:timestreaminfluxdb/dbInstance:DbInstance": v.name,
            "aws:s3/bucket:Bucket": v.bucket,
            "aws:kms/alias:Alias": v.name,
        };
        const n = byType[r.type];
        return n === undefined ? [] : [`${r.type} ${String(n)}`];
    });
}

const duplicates = (names: string[]) => names.filter((n, i) => names.indexOf(n) !== i);

describe("two DataTier instances in one stack", () => {
    it("local: different names and namespaces, no duplicate URN and no Kubernetes object claimed twice", async () => {
        const list = await runComponents(() => {
            new DataTier("data", { profile: "local" });
            new DataTier("analytics", { profile: "local", namespaces: { app: "analytics", data: "analytics-data" }, localBuckets: { backups: "analytics-backups", files: "analytics-files" } });
        });
        expect(list.filter((r) => r.type === "deepalpha:index:DataTier").map((r) => r.name)).to.deep.equal(["data", "analytics"]);
        expect(list.length).to.equal(2 * 37);
        expect(duplicateUrns(list)).to.deep.equal([]);
        expect(duplicateObjects(list)).to.deep.equal([]);
        const parentOf = (r: Registered) => list.find((x) => x.urn === r.parent)!.name;
        for (const r of list.filter((x) => x.type !== "deepalpha:index:DataTier")) expect(r.name.startsWith(`${parentOf(r)}-`), `${r.name} under ${parentOf(r)}`).to.equal(true);
    });

    it("production: different names and prefixes, no duplicate URN and no AWS name claimed twice", async () => {
        const list = await runComponents(() => {
            new DataTier("data", productionArgs());
            new DataTier("analytics", productionArgs({ awsNamePrefix: "analytics", namespaces: { app: "analytics" } }));
        });
        expect(list.length).to.equal(2 * 71);
        expect(duplicateUrns(list)).to.deep.equal([]);
        expect(duplicateObjects(list)).to.deep.equal([]);
        const names = physicalNames(list);
        // 3 RDS instances, a replication group, a user group, 3 users, Timestream, 3 buckets, 3 aliases: each instance.
        expect(names).to.have.length(2 * 15);
        expect(duplicates(names)).to.deep.equal([]);
        expect(names).to.include.members(["aws:rds/instance:Instance deepalpha-postgres", "aws:rds/instance:Instance analytics-postgres"]);
    });

    it("needs its own namespaces (and, in production, prefix): sharing them, instances differ in URNs only, which the checks above catch", async () => {
        const list = await runComponents(() => {
            new DataTier("data", { profile: "local" });
            new DataTier("analytics", { profile: "local" });
        });
        expect(duplicateUrns(list)).to.deep.equal([]);
        expect(duplicateObjects(list)).to.include.members(["Secret deepalpha/deepalpha-connection", "StatefulSet deepalpha-data/postgres"]);
    });
});
