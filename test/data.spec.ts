// Data tier (issue 4): each test names a property a user relies on and fails if it breaks.
import { expect } from "chai";
import { shiftMinutes } from "@deepalpha/data";
import type { ProgramRun, RegisteredResource } from "./harness/run";
import { SECRET_MASK } from "./harness/run";
import { byType, k8sObject, one, planStack, planWith } from "./harness/stacks";
import { CONNECTION_KEYS, DATA_PORTS, NAMESPACES } from "@deepalpha/shared";
import { memoryInUnits, rdsTuningParameters, SEED_TUNING } from "@deepalpha/data";
import { migrationSql, partitionSql } from "@deepalpha/data";
import { localRedisAcl, REDIS_ACL_RULES } from "@deepalpha/data";
import { ELASTICACHE_RESTRICTED_COMMANDS, elastiCacheAccessString } from "@deepalpha/data";
import { lifecycleRules } from "@deepalpha/data";
import { backupsAccessPolicy } from "@deepalpha/data";
import { irsaTrustPolicy } from "@deepalpha/shared";
import { isKubernetesObject, schemaErrors } from "./harness/k8s-schema";
import { hexOf } from "./harness/mocks";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DATA = "deepalpha:index:DataTier";
const dataResources = (run: ProgramRun) => run.resources.filter((r) => r.urn.includes(`${DATA}$`));
const kind = (r: RegisteredResource) => r.type.split(":")[2];
const podSpecOf = (r: RegisteredResource): Obj | undefined => {
    const v = r.values as Obj;
    if (kind(r) === "CronJob") return v.spec.jobTemplate.spec.template.spec;
    if (["StatefulSet", "Deployment", "Job"].includes(kind(r))) return v.spec.template.spec;
    return undefined;
};
/** A ConfigMap by the name a pod mounts; autonamed ones are `<resource name>-<suffix>`, as the provider names them. */
const configMapNamed = (run: ProgramRun, name: string): Obj =>
    byType(run, "kubernetes:core/v1:ConfigMap").find((r) => (r.values as Obj).metadata.name === name || name.startsWith(`${r.name}-`))!.values as Obj;
const containersOf = (spec: Obj): Obj[] => [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
/** Every generated password/token (random resources), in clear: none may appear outside a Secret. */
const generatedSecrets = (run: ProgramRun) =>
    dataResources(run)
        .filter((r) => r.type === "random:index/randomPassword:RandomPassword")
        .map((r) => r.name);

/** Values of one of the observability tier's charts (the exporters). */
const chartValuesOf = (run: ProgramRun, name: string) => one(run, "kubernetes:helm.sh/v4:Chart", `observability-${name}`).values.values as Obj;

async function prod() {
    return planStack("prod");
}
async function dev() {
    return planStack("dev");
}

describe("data tier, prod: RDS PostgreSQL", () => {
    it("is a Multi-AZ, encrypted (KMS, gp3), private primary with >= 7 days of backups, deletion protection and a final snapshot", async () => {
        const run = await prod();
        const db = one(run, "aws:rds/instance:Instance", "data-postgres-primary").values as Obj;
        expect(db.engine).to.equal("postgres");
        expect(Number(String(db.engineVersion).split(".")[0])).to.be.at.least(15);
        expect(db.multiAz).to.equal(true);
        expect(db.storageEncrypted).to.equal(true);
        expect(db.storageType).to.equal("gp3");
        const key = one(run, "aws:kms/key:Key", "data-databases-key");
        expect(db.kmsKeyId).to.match(/^arn:aws:kms:/);
        expect(one(run, "aws:rds/instance:Instance", "data-postgres-primary").dependencies).to.include(key.urn);
        expect(db.publiclyAccessible).to.equal(false);
        expect(db.backupRetentionPeriod).to.be.at.least(7);
        expect(db.deletionProtection).to.equal(true);
        expect(db.skipFinalSnapshot).to.equal(false);
        expect(db.finalSnapshotIdentifier).to.equal("deepalpha-postgres-final");
    });

    it("lets RDS keep the minor: engineVersion is the major alone, minor upgrades automatic, replicas follow their source", async () => {
        const run = await prod();
        const db = one(run, "aws:rds/instance:Instance", "data-postgres-primary").values as Obj;
        expect(db.engineVersion).to.equal("16");
        expect(db.autoMinorVersionUpgrade).to.equal(true);
        expect(db.allowMajorVersionUpgrade).to.equal(true);
        // terraform-provider-aws (internal/service/rds, compareActualEngineVersion) keeps the configured version in
        // state while it is a dot-prefix of the running one; anything else is stored and diffed back (a downgrade).
        const keptInState = (configured: string, running: string) => configured === running || running.startsWith(`${configured}.`);
        for (const forced of ["16.11", "16.15", "16.23"]) {
            expect(keptInState(String(db.engineVersion), forced), `after a forced upgrade to ${forced}`).to.equal(true);
        }
        for (const r of byType(run, "aws:rds/instance:Instance").filter((x) => (x.values as Obj).replicateSourceDb)) {
            expect((r.values as Obj).engineVersion, `${r.name} runs its source's version`).to.equal(undefined);
        }
        // The Jobs' client: the server's major, and no older than 16.11, RDS's forced-upgrade target of May 2026.
        const jobs = byType(run, "kubernetes:batch/v1:Job").concat(byType(run, "kubernetes:batch/v1:CronJob"));
        const images = [...new Set(JSON.stringify(jobs.map((j) => j.values)).match(/postgres:[0-9][^"]*/g) ?? [])];
        expect(images).to.have.length(1);
        const [, major, minor] = /^postgres:([0-9]+)\.([0-9]+)-alpine$/.exec(images[0]) ?? [];
        expect(major, images[0]).to.equal("16");
        expect(Number(minor), images[0]).to.be.at.least(11);
    });

    it("keeps the master password out of the plan (secret from @pulumi/random)", async () => {
        const run = await prod();
        const db = one(run, "aws:rds/instance:Instance", "data-postgres-primary");
        expect(db.inputs.password).to.equal(SECRET_MASK);
        expect(db.dependencies.some((u) => u.includes("random:index/randomPassword:RandomPassword::data-postgres"))).to.equal(true);
    });

    it("has 2 read replicas of the primary, in two different AZs, private and encrypted", async () => {
        const run = await prod();
        const replicas = byType(run, "aws:rds/instance:Instance").filter((r) => (r.values as Obj).replicateSourceDb);
        expect(replicas).to.have.length(2);
        for (const r of replicas) {
            const v = r.values as Obj;
            expect(v.replicateSourceDb).to.equal("deepalpha-postgres");
            expect(v.publiclyAccessible).to.equal(false);
            expect(v.storageEncrypted).to.equal(true);
            expect(v.deletionProtection).to.equal(true);
        }
        const zones = replicas.map((r) => (r.values as Obj).availabilityZone);
        expect(new Set(zones).size, `replica zones ${zones}`).to.equal(2);
        // Away from the primary's zone (which RDS chose: the mock answers the second zone) ...
        const primary = one(run, "aws:rds/instance:Instance", "data-postgres-primary");
        expect(zones).not.to.include("us-west-2b");
        for (const r of replicas) {
            expect(r.dependencies, `${r.name} zone from the primary's`).to.include(primary.urn);
            // ... chosen once: a failover that moves the primary must not plan replacing a protected replica.
            expect(r.ignoreChanges, r.name).to.include("availabilityZone");
            // A promoted replica starts with point-in-time recovery.
            expect((r.values as Obj).backupRetentionPeriod, r.name).to.equal(7);
        }
        // Zones come from the cluster's private subnets (the subnet group's), not from a getAvailabilityZones
        // lookup of the data tier's own, which would also list opted-in Local Zones that have no subnet here.
        const privateSubnets = byType(run, "aws:ec2/subnet:Subnet").filter((x) => x.name.includes("-private-"));
        const subnetZones = privateSubnets.map((x) => (x.values as Obj).availabilityZone);
        expect(subnetZones).to.include.members(zones);
        for (const r of replicas) {
            expect(r.dependencies.some((u) => privateSubnets.some((x) => x.urn === u)), `${r.name} zone from the private subnets`).to.equal(true);
        }
    });

    it("carries the seed's six tunings in RDS units (8 kB pages / kB) in the group every instance uses", async () => {
        const run = await prod();
        const pg = one(run, "aws:rds/parameterGroup:ParameterGroup", "data-postgres16-params").values as Obj;
        expect(pg.family).to.equal("postgres16");
        const params = Object.fromEntries((pg.parameters as Obj[]).map((p) => [p.name, p.value]));
        expect(params).to.include({
            shared_buffers: "524288", // 4GB / 8kB
            effective_cache_size: "1572864", // 12GB / 8kB
            maintenance_work_mem: "1048576", // 1GB in kB
            checkpoint_completion_target: "0.9",
            wal_buffers: "8192", // 64MB / 8kB
            default_statistics_target: "100",
        });
        const statics = (pg.parameters as Obj[]).filter((p) => p.applyMethod === "pending-reboot").map((p) => p.name);
        expect(statics.sort()).to.deep.equal(["shared_buffers", "wal_buffers"]);
        for (const db of byType(run, "aws:rds/instance:Instance")) {
            expect((db.values as Obj).parameterGroupName, db.name).to.match(/^deepalpha-postgres16-/);
        }
    });

    it("converts memory settings exactly and refuses values that do not divide", () => {
        expect(memoryInUnits("4GB", 8)).to.equal("524288");
        expect(memoryInUnits("64MB", 8)).to.equal("8192");
        expect(memoryInUnits("1GB", 1)).to.equal("1048576");
        expect(() => memoryInUnits("3kB", 8)).to.throw(/whole number/);
        expect(rdsTuningParameters().map((p) => p.name)).to.include.members(Object.keys(SEED_TUNING));
    });
});

describe("data tier, prod: ElastiCache Redis", () => {
    it("is 1 primary + 2 replicas, Multi-AZ with automatic failover, encrypted at rest (KMS) and in transit, RBAC users, snapshots >= 7 days", async () => {
        const run = await prod();
        const rg = one(run, "aws:elasticache/replicationGroup:ReplicationGroup", "data-redis-group");
        const v = rg.values as Obj;
        expect(v.numCacheClusters).to.equal(3);
        expect(v.automaticFailoverEnabled).to.equal(true);
        expect(v.multiAzEnabled).to.equal(true);
        expect(v.atRestEncryptionEnabled).to.equal(true);
        expect(v.kmsKeyId).to.match(/^arn:aws:kms:/);
        expect(v.transitEncryptionEnabled).to.equal(true);
        expect(v.transitEncryptionMode).to.equal("required");
        expect(rg.inputs).to.not.have.property("authToken");
        expect(v.authTokenUpdateStrategy).to.equal("DELETE");
        expect(v.snapshotRetentionLimit).to.be.at.least(7);
        expect(new Set(v.preferredCacheClusterAzs as string[]).size).to.equal(3);
        const privateSubnets = byType(run, "aws:ec2/subnet:Subnet").filter((x) => x.name.includes("-private-"));
        expect(privateSubnets.map((x) => (x.values as Obj).availabilityZone)).to.include.members(v.preferredCacheClusterAzs as string[]);
        expect(rg.dependencies.some((u) => privateSubnets.some((x) => x.urn === u)), "cache zones from the private subnets").to.equal(true);
    });

    it("RBAC instead of a shared AUTH token: default user off, the application's and the exporter's users with the dev ACL rules", async () => {
        const run = await prod();
        const rg = one(run, "aws:elasticache/replicationGroup:ReplicationGroup", "data-redis-group");
        const group = one(run, "aws:elasticache/userGroup:UserGroup", "data-redis-users");
        expect((rg.values as Obj).userGroupIds).to.deep.equal([(group.values as Obj).userGroupId]);
        const users = byType(run, "aws:elasticache/user:User").map((u) => u.values as Obj);
        expect((group.values as Obj).userIds).to.have.members(users.map((u) => u.userId));
        const byName = Object.fromEntries(users.map((u) => [u.userName, u]));
        expect(Object.keys(byName)).to.have.members(["default", "deepalpha", "deepalpha_exporter"]);
        expect(byName.default.accessString).to.match(/^off /);
        expect(byName.deepalpha.accessString).to.equal(`on ${REDIS_ACL_RULES.app}`);
        // The dev rules minus what ElastiCache refuses: resetchannels and CONFIG (a restricted command there).
        expect(byName.deepalpha_exporter.accessString).to.equal(`on ${REDIS_ACL_RULES.exporter.replace("resetchannels ", "")}`);
        // The exporter runs with --config-command=- and gets no CONFIG in either profile.
        expect(REDIS_ACL_RULES.exporter).to.not.match(/config/i);
        for (const u of byType(run, "aws:elasticache/user:User")) {
            expect((u.values as Obj).engine).to.equal("redis");
            expect(u.inputs.authenticationMode, u.name).to.deep.equal({ type: "password", passwords: [SECRET_MASK] });
        }
        // The application and the exporter log in with their own user names.
        expect(chartValuesOf(run, "redis-exporter").auth).to.deep.include({ redisUser: "deepalpha_exporter" });
    });
});

describe("data tier, prod: ElastiCache access strings (AWS: Clusters.RBAC, SupportedCommands)", () => {
    it("keeps the app's string whole (&* from 6.2, |-subcommands from 7.0) at the pinned 7.1", () => {
        expect(elastiCacheAccessString(REDIS_ACL_RULES.app, "7.1")).to.equal("on ~* &* +@all -@admin -@dangerous");
        expect(elastiCacheAccessString(REDIS_ACL_RULES.probe, "7.1")).to.equal("on -@all +ping");
    });

    it("drops reset rules and every rule naming a command ElastiCache does not offer, subcommands included", () => {
        const exporter = elastiCacheAccessString(REDIS_ACL_RULES.exporter, "7.1");
        expect(exporter.split(" ")).to.not.include.members(["resetchannels", "+config|get"]);
        expect(exporter).to.match(/^on -@all \+ping \+info \+client\|setname /).and.include("+slowlog|get").and.include("+memory|stats");
        for (const rule of ["+config|get", "-config", "+CONFIG|GET", "+debug", "+acl|setuser", "+cluster|setslot", "+bgsave", "-shutdown", "resetkeys", "reset"]) {
            expect(elastiCacheAccessString(`-@all +ping ${rule}`, "7.1"), rule).to.equal("on -@all +ping");
        }
        // Allowed neighbours of restricted commands stay.
        expect(elastiCacheAccessString("-@all +acl|whoami +cluster|info +client|list", "7.1")).to.equal("on -@all +acl|whoami +cluster|info +client|list");
        for (const r of ELASTICACHE_RESTRICTED_COMMANDS) expect(r).to.match(/^[a-z]+(\|[a-z]+)?$/);
    });

    it("refuses an engine too old for the syntax, naming the setting and the version needed", () => {
        expect(() => elastiCacheAccessString(REDIS_ACL_RULES.app, "6.0")).to.throw(/data\.redis\.engineVersion: got "6\.0".*channel rules \(&\*\).*Redis OSS 6\.2 on/);
        expect(() => elastiCacheAccessString(REDIS_ACL_RULES.exporter, "6.2")).to.throw(/data\.redis\.engineVersion: got "6\.2".*subcommand rules.*7\.0 on/);
        expect(elastiCacheAccessString(REDIS_ACL_RULES.app, "6.2")).to.include("&*");
        expect(elastiCacheAccessString(REDIS_ACL_RULES.exporter, "7.0")).to.include("+client|setname");
    });
});

describe("data tier, prod: InfluxDB", () => {
    it("is Timestream for InfluxDB with a Multi-AZ standby (primary + secondary), private, in two or more subnets", async () => {
        const run = await prod();
        const db = one(run, "aws:timestreaminfluxdb/dbInstance:DbInstance", "data-influxdb-instance");
        const v = db.values as Obj;
        expect(v.deploymentType).to.equal("WITH_MULTIAZ_STANDBY");
        expect(v.publiclyAccessible).to.equal(false);
        expect((v.vpcSubnetIds as string[]).length).to.be.at.least(2);
        expect(db.inputs.password).to.equal(SECRET_MASK);
    });
});

describe("data tier, prod: S3 buckets", () => {
    for (const kindName of ["backups", "files"]) {
        it(`${kindName}: versioned, SSE-KMS, all public access blocked, TLS-only policy`, async () => {
            const run = await prod();
            const bucket = one(run, "aws:s3/bucket:Bucket", `data-${kindName}`);
            const sub = (type: string) => {
                const r = byType(run, type).filter((x) => x.parent === bucket.urn);
                expect(r, type).to.have.length(1);
                return r[0].values as Obj;
            };
            expect(sub("aws:s3/bucketVersioning:BucketVersioning").versioningConfiguration.status).to.equal("Enabled");
            const sse = sub("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").rules[0];
            expect(sse.applyServerSideEncryptionByDefault.sseAlgorithm).to.equal("aws:kms");
            expect(sse.applyServerSideEncryptionByDefault.kmsMasterKeyId).to.match(/^arn:aws:kms:/);
            expect(sub("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")).to.include({
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            const policy = JSON.parse(sub("aws:s3/bucketPolicy:BucketPolicy").policy);
            const deny = policy.Statement.find((s: Obj) => s.Effect === "Deny");
            expect(deny.Condition.Bool["aws:SecureTransport"]).to.equal("false");
            expect(deny.Action).to.equal("s3:*");
        });
    }

    it("expires backups after the retention setting (seed: 7 days), a setting that reaches the lifecycle rule", async () => {
        const rules = (run: ProgramRun) => {
            const bucket = one(run, "aws:s3/bucket:Bucket", "data-backups");
            const lc = byType(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((r) => r.parent === bucket.urn)!;
            return (lc.values as Obj).rules as Obj[];
        };
        const expire = (rs: Obj[]) => rs.find((r) => r.expiration?.days)!;
        expect(expire(rules(await prod())).expiration.days).to.equal(7);
        expect(expire(rules(await prod())).status).to.equal("Enabled");
        const longer = await planWith("prod", { "deepalpha:data": JSON.stringify({ objectStorage: { backupRetentionDays: 30 } }) });
        expect(expire(rules(longer)).expiration.days).to.equal(30);
        expect(expire(rules(longer)).noncurrentVersionExpiration.noncurrentDays).to.equal(1);
    });

    it("keeps a backup the retention and then deletes it: restorable for 7 days, gone within 10 (not 7 + 7 + rounding on the versioned bucket)", async () => {
        const bucket = one(await prod(), "aws:s3/bucket:Bucket", "data-backups");
        const lc = byType(await prod(), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((r) => r.parent === bucket.urn)!;
        const rule = ((lc.values as Obj).rules as Obj[]).find((r) => r.expiration?.days)!;
        // S3 (Lifecycle, "How Amazon S3 calculates when an object expires"): add the days to the creation time (current
        // version) or to the time the version became noncurrent, then round up to the next midnight UTC.
        const DAY = 86400_000;
        const nextMidnight = (t: number) => Math.floor(t / DAY) * DAY + DAY;
        for (const hour of [0.5, 2, 23.5]) {
            const created = Date.UTC(2026, 10, 30) + hour * 3600_000;
            const noncurrentAt = nextMidnight(created + rule.expiration.days * DAY);
            const deletedAt = nextMidnight(noncurrentAt + rule.noncurrentVersionExpiration.noncurrentDays * DAY);
            expect((noncurrentAt - created) / DAY, `backup at ${hour}h restorable as current`).to.be.at.least(7);
            expect((deletedAt - created) / DAY, `backup at ${hour}h permanently deleted`).to.be.at.most(10);
        }
        // The 02:00 backup of the default schedule: current for 7 d 22 h, permanently deleted after 9 d 22 h (docs).
        const created = Date.UTC(2026, 10, 30, 2);
        const noncurrentAt = nextMidnight(created + rule.expiration.days * DAY);
        expect((noncurrentAt - created) / 3600_000).to.equal(7 * 24 + 22);
        expect((nextMidnight(noncurrentAt + DAY) - created) / 3600_000).to.equal(9 * 24 + 22);
    });

    it("never expires current files, only old versions (so a deleted file can be recovered)", () => {
        const rs = lifecycleRules("files", { backupRetentionDays: 7, filesNoncurrentVersionDays: 30, volumeSize: "1Gi" }) as Obj[];
        expect(rs.some((r: Obj) => r.expiration?.days)).to.equal(false);
        expect(rs.find((r: Obj) => r.noncurrentVersionExpiration)!.noncurrentVersionExpiration.noncurrentDays).to.equal(30);
    });
});

describe("data tier, prod: protection and stability", () => {
    const STATEFUL: [string, number][] = [
        ["aws:rds/instance:Instance", 3],
        ["aws:elasticache/replicationGroup:ReplicationGroup", 1],
        ["aws:timestreaminfluxdb/dbInstance:DbInstance", 1],
        // backups, files, and the backups replica in the second region; their keys likewise.
        ["aws:s3/bucket:Bucket", 3],
        ["aws:kms/key:Key", 3],
    ];
    it("gives the AWS data stores create/update timeouts above the provider's defaults (Timestream 30m, RDS 40m, ElastiCache 60m)", async () => {
        const run = await prod();
        const minutes = (t?: string) => Number(/^([0-9]+)m$/.exec(t ?? "")?.[1] ?? 0);
        const floors: [string, number, number][] = [
            ["aws:timestreaminfluxdb/dbInstance:DbInstance", 60, 60],
            ["aws:rds/instance:Instance", 60, 90],
            ["aws:elasticache/replicationGroup:ReplicationGroup", 75, 60],
        ];
        for (const [type, create, update] of floors) {
            for (const r of byType(run, type)) {
                expect(minutes(r.customTimeouts?.create), `${r.name} create`).to.be.at.least(create);
                expect(minutes(r.customTimeouts?.update), `${r.name} update`).to.be.at.least(update);
            }
        }
    });

    it("protects every stateful resource (databases, replicas, cache, InfluxDB, buckets, KMS keys)", async () => {
        const run = await prod();
        for (const [type, count] of STATEFUL) {
            const rs = dataResources(run).filter((r) => r.type === type);
            expect(rs, type).to.have.length(count);
            for (const r of rs) expect(r.protect, `${type} ${r.name}`).to.equal(true);
        }
    });

    it("gives stateful resources the same inputs on a second run (no timestamps or unkept random names)", async () => {
        const [a, b] = [await prod(), await planWith("prod", {})];
        for (const [type] of STATEFUL) {
            for (const r of dataResources(a).filter((x) => x.type === type)) {
                const twin = one(b, type, r.name);
                expect(twin.inputs, `${type} ${r.name}`).to.deep.equal(r.inputs);
            }
        }
    });

    it("opens each store's security group only to the worker nodes, on the store's port only, with no egress", async () => {
        const run = await prod();
        const nodeSg = await nodeSecurityGroup(run);
        for (const [store, port] of [["postgres", DATA_PORTS.postgres], ["redis", DATA_PORTS.redis], ["influxdb", DATA_PORTS.influxdb]] as const) {
            const sg = one(run, "aws:ec2/securityGroup:SecurityGroup", `data-${store}-sg`).values as Obj;
            expect(sg.ingress, store).to.have.length(1);
            const rule = sg.ingress[0];
            expect(rule).to.include({ protocol: "tcp", fromPort: port, toPort: port });
            expect(rule.securityGroups).to.deep.equal([nodeSg]);
            expect(rule.cidrBlocks ?? []).to.deep.equal([]);
            expect(rule.ipv6CidrBlocks ?? []).to.deep.equal([]);
            expect(sg.egress).to.deep.equal([]);
        }
        const rds = one(run, "aws:rds/instance:Instance", "data-postgres-primary");
        expect(rds.dependencies).to.include(one(run, "aws:ec2/securityGroup:SecurityGroup", "data-postgres-sg").urn);
        const rg = one(run, "aws:elasticache/replicationGroup:ReplicationGroup", "data-redis-group");
        expect(rg.dependencies).to.include(one(run, "aws:ec2/securityGroup:SecurityGroup", "data-redis-sg").urn);
        const ts = one(run, "aws:timestreaminfluxdb/dbInstance:DbInstance", "data-influxdb-instance");
        expect(ts.dependencies).to.include(one(run, "aws:ec2/securityGroup:SecurityGroup", "data-influxdb-sg").urn);
    });
});

/** The node security group id the cluster tier hands over, read from the SG rule that references it. */
async function nodeSecurityGroup(run: ProgramRun): Promise<string> {
    const ids = new Set(
        ["postgres", "redis", "influxdb"].map((s) => ((one(run, "aws:ec2/securityGroup:SecurityGroup", `data-${s}-sg`).values as Obj).ingress[0].securityGroups as string[])[0]),
    );
    expect(ids.size, "all stores trust the same node security group").to.equal(1);
    const id = [...ids][0];
    expect(id).to.match(/^sg-/);
    // It is not one of the data tier's own groups (the mocks derive an ID from the name a renamed group had).
    const mockIdentity = (r: RegisteredResource) => (r.aliases.length ? r.aliases[0].slice(r.aliases[0].lastIndexOf("::") + 2) : r.name);
    const own = dataResources(run).filter((r) => r.type === "aws:ec2/securityGroup:SecurityGroup").map((r) => `sg-${hexOf(mockIdentity(r))}`);
    expect(own).to.have.length(3);
    expect(own).to.not.include(id);
    return id;
}

describe("data tier, prod: backup access (IRSA)", () => {
    it("lets only the Jobs' ServiceAccount assume a role limited to the backups bucket, without delete", async () => {
        const run = await prod();
        const role = one(run, "aws:iam/role:Role", "data-jobs-irsa");
        const trust = JSON.parse((role.values as Obj).assumeRolePolicy);
        const cond = trust.Statement[0].Condition.StringEquals;
        const subKey = Object.keys(cond).find((k) => k.endsWith(":sub"))!;
        expect(cond[subKey]).to.equal(`system:serviceaccount:${NAMESPACES.app}:deepalpha-data-jobs`);
        expect(subKey).to.not.match(/^https:/);
        expect(cond[Object.keys(cond).find((k) => k.endsWith(":aud"))!]).to.equal("sts.amazonaws.com");

        const policy = JSON.parse((byType(run, "aws:iam/rolePolicy:RolePolicy").find((r) => r.parent === role.urn)!.values as Obj).policy);
        const backups = (one(run, "aws:s3/bucket:Bucket", "data-backups").values as Obj).bucket;
        const resources: string[] = policy.Statement.flatMap((s: Obj) => s.Resource);
        for (const res of resources) expect(res, "no wildcard resource").to.not.equal("*");
        const s3Resources = resources.filter((r) => r.startsWith("arn:aws:s3"));
        for (const res of s3Resources) expect(res.startsWith(`arn:aws:s3:::${backups}`), res).to.equal(true);
        const actions: string[] = policy.Statement.flatMap((s: Obj) => s.Action);
        expect(actions).to.include("s3:PutObject");
        expect(actions.filter((a) => /Delete/.test(a))).to.deep.equal([]);

        const saRes = k8sObject(run, "ServiceAccount", "deepalpha-data-jobs", NAMESPACES.app);
        expect((saRes.values as Obj).metadata.annotations["eks.amazonaws.com/role-arn"]).to.match(/^arn:aws:iam::[0-9]{12}:role\//);
        expect(saRes.dependencies, "the annotation is this role's ARN").to.include(role.urn);
        for (const name of ["postgres-backup", "influxdb-backup", "trades-partitions"]) {
            const cj = k8sObject(run, "CronJob", name, NAMESPACES.app);
            expect(podSpecOf(cj)!.serviceAccountName, name).to.equal("deepalpha-data-jobs");
        }
    });

    it("builds the trust and access policies from the issuer without https:// and the bucket only", () => {
        const t = JSON.parse(irsaTrustPolicy("arn:aws:iam::1:oidc-provider/x", "https://oidc.example/id/ABC", "ns", "sa"));
        expect(t.Statement[0].Condition.StringEquals).to.deep.equal({ "oidc.example/id/ABC:aud": "sts.amazonaws.com", "oidc.example/id/ABC:sub": "system:serviceaccount:ns:sa" });
        const p = JSON.parse(backupsAccessPolicy("arn:aws:s3:::b", "arn:aws:kms:r:1:key/k"));
        expect(p.Statement.flatMap((s: Obj) => s.Resource)).to.deep.equal(["arn:aws:s3:::b", "arn:aws:s3:::b/*", "arn:aws:kms:r:1:key/k"]);
    });

    it("lets the data Jobs (app namespace) reach only the VPC on 5432/8086 and HTTPS", async () => {
        const run = await prod();
        const np = k8sObject(run, "NetworkPolicy", "data-jobs-egress", NAMESPACES.app).values as Obj;
        expect(np.spec.podSelector.matchLabels).to.deep.equal({ "deepalpha.io/data-job": "true" });
        expect(np.spec.policyTypes).to.deep.equal(["Egress"]);
        const rules = np.spec.egress as Obj[];
        const vpc = rules.find((r) => r.to[0].ipBlock.cidr === "10.40.0.0/16")!;
        expect(vpc.ports.map((p: Obj) => p.port).sort()).to.deep.equal([DATA_PORTS.postgres, DATA_PORTS.influxdb].sort());
        const https = rules.find((r) => r.to[0].ipBlock.cidr === "0.0.0.0/0")!;
        expect(https.ports).to.deep.equal([{ protocol: "TCP", port: 443 }]);
        expect(rules).to.have.length(2);
    });
});

describe("data tier, prod: connection Secret", () => {
    it("points the app at RDS (TLS), ElastiCache (rediss) and Timestream (https), with the bucket names", async () => {
        const run = await prod();
        const s = k8sObject(run, "Secret", "deepalpha-connection", NAMESPACES.app);
        expect(s.inputs.stringData).to.equal(SECRET_MASK);
        const d = (s.values as Obj).stringData;
        const rds = (one(run, "aws:rds/instance:Instance", "data-postgres-primary").values as Obj).identifier;
        expect(d[CONNECTION_KEYS.databaseUrl]).to.match(new RegExp(`^postgresql://deepalpha:[^@]+@${rds}\\..*:5432/deepalpha\\?sslmode=require$`));
        expect(d["database-reader-urls"].split(",")).to.have.length(2);
        expect(d[CONNECTION_KEYS.redisUrl]).to.match(/^rediss:\/\/deepalpha:[^@]+@master\.deepalpha-redis\..*:6379\/0$/);
        expect(d["redis-tls"]).to.equal("true");
        expect(d[CONNECTION_KEYS.influxdbUrl]).to.match(/^https:\/\/.*timestream-influxdb.*:8086$/);
        expect(d[CONNECTION_KEYS.backupsBucket]).to.equal((one(run, "aws:s3/bucket:Bucket", "data-backups").values as Obj).bucket);
        expect(d[CONNECTION_KEYS.filesBucket]).to.equal((one(run, "aws:s3/bucket:Bucket", "data-files").values as Obj).bucket);
        expect(d[CONNECTION_KEYS.s3Endpoint]).to.equal("https://s3.us-west-2.amazonaws.com");
        // IRSA, not static keys, in production.
        expect(d).to.not.have.property("s3-access-key-id");
    });
});

describe("data tier, dev: in-cluster stores", () => {
    it("creates no AWS resource at all", async () => {
        const run = await dev();
        expect(run.resources.filter((r) => r.type.startsWith("aws:")).map((r) => r.type)).to.deep.equal([]);
    });

    it("runs PostgreSQL 15, Redis 7, InfluxDB 2 and SeaweedFS as StatefulSets with volumes retained on delete and scale-down", async () => {
        const run = await dev();
        const images: Record<string, RegExp> = {
            postgres: /^postgres:15\./,
            redis: /^redis:7\./,
            influxdb: /^influxdb:2\./,
            seaweedfs: /^chrislusf\/seaweedfs:[0-9]/,
        };
        for (const [name, img] of Object.entries(images)) {
            const sts = k8sObject(run, "StatefulSet", name, NAMESPACES.data).values as Obj;
            expect(sts.spec.template.spec.containers[0].image, name).to.match(img);
            expect(sts.spec.persistentVolumeClaimRetentionPolicy, name).to.deep.equal({ whenDeleted: "Retain", whenScaled: "Retain" });
            expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, name).to.match(/Gi$/);
            const mounts = sts.spec.template.spec.containers[0].volumeMounts.map((m: Obj) => m.name);
            expect(mounts, name).to.include("data");
            const svc = k8sObject(run, "Service", name, NAMESPACES.data).values as Obj;
            expect(svc.spec.selector).to.deep.equal(sts.spec.selector.matchLabels);
        }
    });

    it("runs Redis with AOF on (appendonly yes) from its config file, password from a mounted Secret", async () => {
        const run = await dev();
        const sts = k8sObject(run, "StatefulSet", "redis", NAMESPACES.data).values as Obj;
        const c = sts.spec.template.spec.containers[0];
        expect(c.command).to.deep.equal(["redis-server", "/etc/redis/redis.conf"]);
        const cmName = sts.spec.template.spec.volumes.find((v: Obj) => v.name === "config").configMap.name;
        const cm = configMapNamed(run, cmName);
        expect(cm.data["redis.conf"]).to.match(/^appendonly yes$/m);
        expect(cm.data["redis.conf"]).to.match(/^aclfile \/etc\/redis\/acl\/users.acl$/m);
        const acl = sts.spec.template.spec.volumes.find((v: Obj) => v.name === "acl");
        expect(acl.secret.secretName).to.equal("redis-credentials");
        // The probes log in as the probe user, with its own password (not the application's).
        const auth = (c.env as Obj[]).find((e) => e.name === "REDISCLI_AUTH");
        expect(auth?.valueFrom.secretKeyRef).to.deep.equal({ name: "redis-credentials", key: "probe-password" });
        expect(c.readinessProbe.exec.command[2]).to.contain("--user probe");
    });

    it("Redis ACL: default user off; application, exporter and probe users each with their own password and commands", async () => {
        // Each user's rights are tried on a real redis-server by npm run test:services; here the file's shape.
        const acl = localRedisAcl({ app: "a1", exporter: "e1", probe: "p1" }).trim().split("\n");
        expect(acl[0]).to.match(/^user default off /).and.not.contain(">");
        expect(acl).to.include.members([
            `user deepalpha on >a1 ${REDIS_ACL_RULES.app}`,
            `user deepalpha_exporter on >e1 ${REDIS_ACL_RULES.exporter}`,
            `user probe on >p1 ${REDIS_ACL_RULES.probe}`,
        ]);
        expect(acl.join("\n")).to.not.contain("nopass");
        expect(REDIS_ACL_RULES.exporter).to.not.match(/~|allkeys|\+@all/);
        expect(REDIS_ACL_RULES.probe).to.equal("resetchannels -@all +ping");
        const run = await dev();
        const values = chartValuesOf(run, "redis-exporter");
        expect(values.auth).to.deep.include({ enabled: true, redisUser: "deepalpha_exporter" });
    });

    it("initialises InfluxDB 2 through DOCKER_INFLUXDB_INIT_*, password and admin token from a Secret", async () => {
        const run = await dev();
        const env = (k8sObject(run, "StatefulSet", "influxdb", NAMESPACES.data).values as Obj).spec.template.spec.containers[0].env as Obj[];
        const byName = Object.fromEntries(env.map((e) => [e.name, e]));
        expect(byName.DOCKER_INFLUXDB_INIT_MODE.value).to.equal("setup");
        expect(byName.DOCKER_INFLUXDB_INIT_ORG.value).to.equal("deepalpha");
        expect(byName.DOCKER_INFLUXDB_INIT_BUCKET.value).to.equal("deepalpha");
        expect(byName.DOCKER_INFLUXDB_INIT_PASSWORD.valueFrom.secretKeyRef).to.deep.equal({ name: "influxdb-credentials", key: "password" });
        expect(byName.DOCKER_INFLUXDB_INIT_ADMIN_TOKEN.valueFrom.secretKeyRef).to.deep.equal({ name: "influxdb-credentials", key: "token" });
        expect(env.map((e) => e.name)).to.not.include.members(["INFLUXDB_DB", "INFLUXDB_ADMIN_USER", "INFLUXDB_ADMIN_PASSWORD"]);
    });

    it("keeps every password in a Secret: no credential-named env has a literal value, no generated password appears outside a Secret", async () => {
        const run = await dev();
        const credential = /PASSWORD|SECRET|TOKEN|_KEY$|DATABASE_URL|AUTH/;
        const workloads = dataResources(run).filter((r) => podSpecOf(r));
        expect(workloads.length).to.be.at.least(8);
        for (const w of workloads) {
            for (const c of containersOf(podSpecOf(w)!)) {
                for (const e of (c.env ?? []) as Obj[]) {
                    if (credential.test(e.name)) expect(e.value, `${w.name}/${c.name} ${e.name}`).to.equal(undefined);
                }
            }
        }
        const pg = k8sObject(run, "StatefulSet", "postgres", NAMESPACES.data).values as Obj;
        const pgEnv = pg.spec.template.spec.containers[0].env.find((e: Obj) => e.name === "POSTGRES_PASSWORD");
        expect(pgEnv.valueFrom.secretKeyRef).to.deep.equal({ name: "postgres-credentials", key: "password" });
        // The clear values of every generated password: present in Secrets only.
        const randomNames = generatedSecrets(run);
        expect(randomNames.length).to.be.at.least(6);
        const secretsInClear = dataResources(run)
            .filter((r) => r.type === "kubernetes:core/v1:Secret")
            .flatMap((r) => Object.values(((r.values as Obj).stringData ?? {}) as Record<string, string>));
        const pgUrl = secretsInClear.find((v) => v.startsWith("postgresql://deepalpha:"))!;
        const pgPassword = decodeURIComponent(pgUrl.split("://deepalpha:")[1].split("@")[0]);
        expect(pgPassword.length).to.be.at.least(10);
        for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:") && x.type !== "kubernetes:core/v1:Secret")) {
            expect(JSON.stringify(r.values), `${r.type} ${r.name}`).to.not.include(pgPassword);
        }
    });

    it("lets each store accept only its clients on its own port (app, monitoring, data Jobs)", async () => {
        const run = await dev();
        const policy = (name: string) => k8sObject(run, "NetworkPolicy", name, NAMESPACES.data).values as Obj;
        const nsOf = (peer: Obj) => peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"];
        const expectations: [string, number, string[]][] = [
            ["postgres-ingress", DATA_PORTS.postgres, [NAMESPACES.app, NAMESPACES.monitoring]],
            ["redis-ingress", DATA_PORTS.redis, [NAMESPACES.app, NAMESPACES.monitoring]],
            ["influxdb-ingress", DATA_PORTS.influxdb, [NAMESPACES.app, NAMESPACES.monitoring]],
            ["seaweedfs-ingress", DATA_PORTS.s3, [NAMESPACES.app]],
        ];
        for (const [name, port, namespaces] of expectations) {
            const p = policy(name);
            expect(p.spec.policyTypes).to.deep.equal(["Ingress"]);
            const rule = p.spec.ingress[0];
            expect(rule.ports).to.deep.equal([{ protocol: "TCP", port }]);
            expect(rule.from.map(nsOf).filter(Boolean)).to.deep.equal(namespaces);
            // No rule admits everyone.
            for (const r of p.spec.ingress as Obj[]) expect(r.from ?? [], name).to.not.be.empty;
        }
        const jobs = policy("data-jobs-egress");
        expect(jobs.spec.egress.map((e: Obj) => e.ports[0].port)).to.deep.equal([DATA_PORTS.postgres, DATA_PORTS.influxdb, DATA_PORTS.s3]);
    });

    it("creates the production bucket names in the local store and expires backups there by a lifecycle rule", async () => {
        const run = await dev();
        const job = k8sObject(run, "Job", "object-store-buckets", NAMESPACES.data).values as Obj;
        const script: string = job.spec.template.spec.containers[0].command[2];
        expect(script).to.include("deepalpha-backups").and.include("deepalpha-files");
        expect(script).to.match(/head-bucket .*\|\| aws s3api create-bucket/);
        const lc = JSON.parse(/--lifecycle-configuration '([^']+)'/.exec(script)![1]);
        expect(lc.Rules[0].Expiration.Days).to.equal(7);
    });

    it("hands the app a connection Secret with every CONNECTION_KEYS entry, pointing at the in-cluster Services", async () => {
        const run = await dev();
        const d = (k8sObject(run, "Secret", "deepalpha-connection", NAMESPACES.app).values as Obj).stringData;
        for (const key of Object.values(CONNECTION_KEYS)) expect(d, key).to.have.property(key);
        expect(d[CONNECTION_KEYS.databaseUrl]).to.match(/^postgresql:\/\/deepalpha:[^@]+@postgres\.deepalpha-data\.svc\.cluster\.local:5432\/deepalpha\?sslmode=disable$/);
        // The application's own ACL user (the default user is off in dev).
        expect(d[CONNECTION_KEYS.redisUrl]).to.match(/^redis:\/\/deepalpha:[^@]+@redis\.deepalpha-data\.svc\.cluster\.local:6379\/0$/);
        expect(d[CONNECTION_KEYS.influxdbUrl]).to.equal("http://influxdb.deepalpha-data.svc.cluster.local:8086");
        expect(d[CONNECTION_KEYS.s3Endpoint]).to.equal("http://seaweedfs.deepalpha-data.svc.cluster.local:8333");
        expect(d[CONNECTION_KEYS.backupsBucket]).to.equal("deepalpha-backups");
        // The app's token is the server's own: the same Secret value InfluxDB was initialised with.
        const influxSecret = (k8sObject(run, "Secret", "influxdb-credentials", NAMESPACES.data).values as Obj).stringData;
        expect(d[CONNECTION_KEYS.influxdbToken]).to.equal(influxSecret.token);
    });
});

for (const stack of ["dev", "prod"] as const) {
    const jobsNs = stack === "dev" ? NAMESPACES.data : NAMESPACES.app;
    describe(`data tier, ${stack}: schema, partitions and backups`, () => {
        it("runs the idempotent trades migration as a Job after the database exists", async () => {
            const run = await planStack(stack);
            const job = k8sObject(run, "Job", "trades-migration", jobsNs);
            const spec = podSpecOf(job)!;
            const c = spec.containers[0];
            expect(c.command[0]).to.equal("psql");
            expect(c.command).to.include("--set=ON_ERROR_STOP=1");
            expect(c.envFrom[0].secretRef.name).to.equal("deepalpha-data-jobs");
            const cmName = spec.volumes.find((v: Obj) => v.name === "sql").configMap.name;
            const cm = configMapNamed(run, cmName);
            expect(cm.data["0001_trades.sql"]).to.include('PARTITION BY RANGE ("timestamp")');
            const db = stack === "dev" ? k8sObject(run, "StatefulSet", "postgres", NAMESPACES.data) : one(run, "aws:rds/instance:Instance", "data-postgres-primary");
            expect(job.dependencies).to.include(db.urn);
        });

        it("creates the coming months' partitions daily, with the configured look-ahead, never two at once", async () => {
            const run = await planStack(stack);
            const cj = k8sObject(run, "CronJob", "trades-partitions", jobsNs).values as Obj;
            expect(cj.spec.concurrencyPolicy).to.equal("Forbid");
            const c = cj.spec.jobTemplate.spec.template.spec.containers[0];
            expect(c.command).to.include("--set=months_ahead=3");
            expect(c.command.join(" ")).to.include("/sql/partitions.sql");
            const longer = await planWith(stack, { "deepalpha:data": JSON.stringify({ partitionMonthsAhead: 6 }) });
            const c6 = (k8sObject(longer, "CronJob", "trades-partitions", jobsNs).values as Obj).spec.jobTemplate.spec.template.spec.containers[0];
            expect(c6.command).to.include("--set=months_ahead=6");
        });

        it("backs up PostgreSQL (pg_dump) and InfluxDB daily into the backups bucket by date", async () => {
            const run = await planStack(stack);
            for (const [name, tool] of [["postgres-backup", "pg_dump --format=custom"], ["influxdb-backup", "influx backup"]]) {
                const cj = k8sObject(run, "CronJob", name, jobsNs).values as Obj;
                expect(cj.spec.schedule.split(" ").slice(1).join(" "), name).to.equal("2 * * *");
                expect(cj.spec.concurrencyPolicy).to.equal("Forbid");
                const pod = cj.spec.jobTemplate.spec.template.spec;
                expect(pod.initContainers[0].command[2], name).to.include(tool);
                expect(pod.containers[0].command[2]).to.include('s3://${S3_BACKUPS_BUCKET}/$day/');
            }
            const env = (k8sObject(run, "Secret", "deepalpha-data-jobs", jobsNs).values as Obj).stringData;
            expect(env.S3_BACKUPS_BUCKET).to.equal(stack === "dev" ? "deepalpha-backups" : (one(run, "aws:s3/bucket:Bucket", "data-backups").values as Obj).bucket);
            if (stack === "prod") expect(env).to.not.have.property("AWS_SECRET_ACCESS_KEY");
            else expect(env.AWS_ENDPOINT_URL).to.equal("http://seaweedfs.deepalpha-data.svc.cluster.local:8333");
            // Bucket names do not resolve as host names inside the cluster: path-style against a custom endpoint.
            const upload = (k8sObject(run, "CronJob", "postgres-backup", jobsNs).values as Obj).spec.jobTemplate.spec.template.spec.containers[0].command[2];
            expect(upload).to.include("addressing_style = path");
        });

        it("writes only schema-valid Kubernetes objects", async () => {
            const objects = dataResources(await planStack(stack)).filter((r) => isKubernetesObject(r.type));
            expect(objects.length).to.be.at.least(stack === "dev" ? 25 : 10);
            const errors = objects.map(schemaErrors).filter(Boolean);
            expect(errors, errors.join("\n")).to.deep.equal([]);
        });

        it("runs every data pod under the restricted Pod Security Standard", async () => {
            const run = await planStack(stack);
            const allowed = new Set(["configMap", "emptyDir", "projected", "secret", "downwardAPI", "persistentVolumeClaim", "name"]);
            const workloads = dataResources(run).filter((r) => podSpecOf(r));
            expect(workloads.length).to.be.at.least(stack === "dev" ? 9 : 4);
            for (const w of workloads) {
                const spec = podSpecOf(w)!;
                expect(spec.securityContext.runAsNonRoot, w.name).to.equal(true);
                expect(spec.securityContext.seccompProfile.type, w.name).to.equal("RuntimeDefault");
                expect(spec.hostNetwork ?? false).to.equal(false);
                for (const c of containersOf(spec)) {
                    const sc = c.securityContext;
                    expect(sc.allowPrivilegeEscalation, `${w.name}/${c.name}`).to.equal(false);
                    expect(sc.privileged).to.equal(false);
                    expect(sc.capabilities.drop).to.deep.equal(["ALL"]);
                    expect(c.resources.limits.memory, `${w.name}/${c.name}`).to.be.a("string");
                }
                for (const v of (spec.volumes ?? []) as Obj[]) for (const k of Object.keys(v)) expect(allowed.has(k), `${w.name} volume ${k}`).to.equal(true);
            }
        });
    });
}

describe("data tier: SQL", () => {
    it("the migration only creates what does not exist, so it can run again", () => {
        const sql = migrationSql();
        const creates = sql.match(/CREATE (OR REPLACE )?(TABLE|INDEX|FUNCTION|ROLE)[^;(]*/g)!;
        expect(creates.length).to.be.at.least(4);
        for (const c of creates) {
            // The dynamic partition CREATE runs only when to_regclass finds no such table; the role only WHERE NOT EXISTS.
            // A new month's table (LIKE trades, then attached) likewise only where to_regclass finds none.
            const guarded = /IF NOT EXISTS|OR REPLACE|TABLE public\.%I $|ROLE deepalpha_exporter LOGIN PASSWORD %L/.test(c);
            expect(guarded, c).to.equal(true);
        }
        expect(sql).to.match(/WHERE NOT EXISTS \(SELECT 1 FROM pg_roles/);
        expect(sql).to.include("to_regclass");
        expect(sql).to.include("pg_advisory_xact_lock");
        expect(sql).to.match(/ON CONFLICT \(version\) DO NOTHING/);
    });

    it("keeps the exporter password out of the SQL (read from the environment)", () => {
        expect(migrationSql()).to.include("\\getenv exporter_password EXPORTER_PASSWORD");
        expect(partitionSql()).to.include("SELECT ensure_trades_partitions(:months_ahead) AS partitions_created;\n");
    });

    it("takes a trade of any date (DEFAULT partition) and stops with the variable's name when months_ahead is missing", () => {
        // Run for real by the services suite (npm run test:services); here the shape the Jobs rely on.
        expect(migrationSql()).to.include("CREATE TABLE IF NOT EXISTS trades_default PARTITION OF trades DEFAULT;");
        for (const sql of [migrationSql(), partitionSql()]) {
            expect(sql).to.include("\\if :{?months_ahead}");
            expect(sql).to.include("the psql variable months_ahead is not set");
            expect(sql.indexOf("\\if :{?months_ahead}")).to.be.below(sql.indexOf("ensure_trades_partitions(:months_ahead)"));
        }
        expect(migrationSql()).to.include("\\if :{?exporter_password}");
    });
});

describe("data tier, prod: the application's InfluxDB token", () => {
    it("is written once into the connection Secret by a Job whose ServiceAccount may only get/patch that Secret", async () => {
        const run = await prod();
        const job = k8sObject(run, "Job", "influxdb-app-token", NAMESPACES.app);
        const spec = podSpecOf(job)!;
        expect(spec.serviceAccountName).to.equal("deepalpha-influxdb-token-writer");
        const script: string = spec.containers[0].command[2];
        expect(script).to.include(`secrets/deepalpha-connection`);
        expect(script).to.include(`{\\"data\\":{\\"${CONNECTION_KEYS.influxdbToken}\\":`);
        // Idempotent: a present, working token ends the Job without creating another.
        expect(script).to.match(/application token present and valid"; exit 0/);
        // Bucket read/write only, not an operator or all-access token.
        expect(script).to.include('"permissions":[{"action":"read","resource":{"type":"buckets"');
        expect(script).to.not.include("--operator");
        const role = k8sObject(run, "Role", "deepalpha-influxdb-token-writer", NAMESPACES.app).values as Obj;
        expect(role.rules).to.deep.equal([{ apiGroups: [""], resources: ["secrets"], resourceNames: ["deepalpha-connection"], verbs: ["get", "patch"] }]);
        const binding = k8sObject(run, "RoleBinding", "deepalpha-influxdb-token-writer", NAMESPACES.app).values as Obj;
        expect(binding.subjects).to.deep.equal([{ kind: "ServiceAccount", name: "deepalpha-influxdb-token-writer", namespace: NAMESPACES.app }]);
        expect(job.dependencies).to.include(one(run, "aws:timestreaminfluxdb/dbInstance:DbInstance", "data-influxdb-instance").urn);
        // The data Jobs' egress policy selects it (VPC 8086 and 443 for the API server).
        expect((job.values as Obj).spec.template.metadata.labels["deepalpha.io/data-job"]).to.equal("true");
        // Pulumi itself never sets the key, so an update cannot wipe the token the Job wrote.
        const d = (k8sObject(run, "Secret", "deepalpha-connection", NAMESPACES.app).values as Obj).stringData;
        expect(d).to.not.have.property(CONNECTION_KEYS.influxdbToken);
    });
});

describe("data tier: contract with the cluster tier", () => {
    it("refuses the production profile without the cluster's network, naming what is missing", async () => {
        const { DataTier } = await import("@deepalpha/data");
        const k8s = await import("@pulumi/kubernetes");
        const { profileDefaults } = await import("../settings/defaults");
        const settings = (profileDefaults("production") as Obj).data;
        const provider = new k8s.Provider("unit-no-network", { kubeconfig: "{}" });
        expect(() => new DataTier("unit-no-network", { profile: "production", ...settings, provider, awsNamePrefix: "deepalpha", region: "us-west-2" })).to.throw(
            /network: got \(unset\), the production profile needs the cluster's network \(vpcId, vpcCidr, privateSubnetIds, nodeSecurityGroupId/,
        );
    });
});

describe("data tier: backup schedules", () => {
    it("starts the InfluxDB backup 30 minutes after PostgreSQL's, carrying into the hour", () => {
        expect(shiftMinutes("0 2 * * *", 30)).to.equal("30 2 * * *");
        expect(shiftMinutes("45 1 * * *", 30)).to.equal("15 2 * * *");
        expect(shiftMinutes("45 23 * * *", 30)).to.equal("15 23 * * *"); // no day change: hour kept
        expect(shiftMinutes("*/15 * * * *", 30)).to.equal("*/15 * * * *");
    });
});

describe("data tier, prod: the application's S3 access (IRSA)", () => {
    it("annotates the app ServiceAccount with a role only that ServiceAccount can assume", async () => {
        const run = await prod();
        const sa = k8sObject(run, "ServiceAccount", "deepalpha", NAMESPACES.app);
        const role = one(run, "aws:iam/role:Role", "cluster-app");
        const arn = ((sa.values as Obj).metadata.annotations ?? {})["eks.amazonaws.com/role-arn"];
        expect(arn).to.equal(`arn:aws:iam::123456789012:role/cluster-app`);
        const trust = JSON.parse(String((role.values as Obj).assumeRolePolicy));
        const cond = trust.Statement[0].Condition.StringEquals;
        expect(Object.entries(cond).find(([k]) => k.endsWith(":sub"))?.[1]).to.equal(`system:serviceaccount:${NAMESPACES.app}:deepalpha`);
    });

    it("grants that role the files bucket and its key, and nothing of the backups bucket", async () => {
        const run = await prod();
        const role = one(run, "aws:iam/role:Role", "cluster-app");
        const policies = byType(run, "aws:iam/rolePolicy:RolePolicy").filter((p) => (p.values as Obj).role === (role.values as Obj).name || p.dependencies.includes(role.urn));
        expect(policies.map((p) => p.name)).to.deep.equal(["data-app-files"]);
        expect(byType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.dependencies.includes(role.urn))).to.have.length(0);
        const doc = JSON.parse(String((policies[0].values as Obj).policy));
        const files = "arn:aws:s3:::deepalpha-files-123456789012-us-west-2";
        const resources = (doc.Statement as Obj[]).flatMap((st) => st.Resource);
        expect(resources.filter((r: string) => r.startsWith("arn:aws:s3:::")).sort()).to.deep.equal([files, `${files}/*`]);
        expect(JSON.stringify(doc)).not.to.contain("backups");
        expect(JSON.stringify(doc)).not.to.contain("DeleteObjectVersion");
        const kms = (doc.Statement as Obj[]).find((st) => st.Resource.some((r: string) => r.startsWith("arn:aws:kms:")))!;
        expect(kms.Resource).to.have.length(1);
        expect(kms.Condition.StringEquals).to.deep.equal({ "kms:ViaService": "s3.us-west-2.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": files });
    });

    it("dev: no IRSA annotation (the local store's keys come from the connection Secret)", async () => {
        const sa = k8sObject(await dev(), "ServiceAccount", "deepalpha", NAMESPACES.app);
        expect((sa.values as Obj).metadata.annotations ?? {}).not.to.have.property("eks.amazonaws.com/role-arn");
    });
});

describe("data tier: restore drill", () => {
    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: a daily CronJob two hours after the backup, never retried, the restore container without credentials`, async () => {
            // The scripts themselves run for real in npm run test:services (good backup passes, tampered or cut fails).
            const run = stack === "dev" ? await dev() : await prod();
            const cj = k8sObject(run, "CronJob", "restore-drill").values as Obj;
            const backup = k8sObject(run, "CronJob", "postgres-backup").values as Obj;
            expect(cj.metadata.namespace).to.equal(backup.metadata.namespace);
            expect(cj.spec.schedule).to.equal(shiftMinutes(backup.spec.schedule, 120));
            expect(cj.spec.jobTemplate.spec.backoffLimit).to.equal(0);
            const spec = cj.spec.jobTemplate.spec.template.spec;
            expect(spec.initContainers.map((c: Obj) => c.name)).to.deep.equal(["download"]);
            expect(spec.initContainers[0].envFrom).to.deep.equal(backup.spec.jobTemplate.spec.template.spec.containers[0].envFrom);
            const restore = spec.containers[0];
            expect(restore.name).to.equal("restore-and-compare");
            expect(restore.envFrom ?? []).to.deep.equal([]);
            expect(restore.securityContext).to.deep.include({ runAsUser: 70, runAsGroup: 70, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
            expect(spec.securityContext.runAsNonRoot).to.equal(true);
            expect(restore.command[2]).to.contain("listen_addresses=''"); // the throwaway server has no TCP listener
            expect(backup.spec.jobTemplate.spec.template.spec.initContainers[0].command[2]).to.contain("pg_dump").and.contain("--snapshot=");
        });

        it(`${stack}: also restores the newest InfluxDB backup into a throwaway influxd of the live image, in the pod only, and compares manifests`, async () => {
            const run = stack === "dev" ? await dev() : await prod();
            const cj = k8sObject(run, "CronJob", "restore-drill").values as Obj;
            const spec = cj.spec.jobTemplate.spec.template.spec;
            // Both drills run side by side: a failed PostgreSQL drill does not hide the InfluxDB result, and either fails the Job.
            expect(spec.containers.map((c: Obj) => c.name)).to.deep.equal(["restore-and-compare", "influxdb-restore-and-compare"]);
            expect(spec.initContainers[0].command[2]).to.include('--include "postgres_*" --include "influxdb_*"');
            const influx = spec.containers[1];
            const influxBackup = k8sObject(run, "CronJob", "influxdb-backup").values as Obj;
            const backupContainer = influxBackup.spec.jobTemplate.spec.template.spec.initContainers[0];
            expect(influx.image).to.equal(backupContainer.image).and.match(/^influxdb:2\./);
            if (stack === "dev") expect(influx.image).to.equal((k8sObject(run, "StatefulSet", "influxdb", NAMESPACES.data).values as Obj).spec.template.spec.containers[0].image);
            // No credentials, restricted, bounded, its data in the pod's scratch volume.
            expect(influx.envFrom ?? []).to.deep.equal([]);
            expect(influx.env.filter((e: Obj) => e.valueFrom)).to.deep.equal([]);
            expect(influx.securityContext).to.deep.include({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true });
            expect(influx.securityContext.capabilities).to.deep.equal({ drop: ["ALL"] });
            expect(influx.resources).to.deep.equal({ requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } });
            expect(influx.volumeMounts.map((m: Obj) => m.mountPath)).to.include.members(["/drill", "/tmp"]);
            const drillVolume = spec.volumes.find((v: Obj) => v.name === "drill");
            expect(drillVolume.emptyDir.sizeLimit).to.equal(stack === "dev" ? "10Gi" : "100Gi");
            const script = influx.command[2] as string;
            expect(influx.command.slice(0, 2)).to.deep.equal(["sh", "-c"]);
            // Listens on the pod's loopback only, never enforces retention, restores buckets (not --full) and compares.
            expect(script).to.include("--http-bind-address=127.0.0.1:8086").and.include("--storage-retention-check-interval=87600h");
            expect(script).to.match(/--engine-path="\$work\/engine"/).and.match(/work="\$DRILL_DIR\/influxd"/);
            expect(script).to.include('influx restore "$dir"').and.not.include("--full");
            expect(script).to.include('influx_manifest_compare "$manifest"');
            // The backup writes the manifest beside its directory, with the cutoff taken before the backup starts.
            const backupScript = backupContainer.command[2] as string;
            expect(backupScript.indexOf("cutoff=$(date -u")).to.be.lessThan(backupScript.indexOf("influx backup"));
            expect(backupScript.indexOf("influx backup")).to.be.lessThan(backupScript.indexOf('influx_manifest "$INFLUX_ORG" "$cutoff" "$dir.manifest"'));
        });
    }
});

describe("data tier, prod: second region (data.secondRegion)", () => {
    it("replicates the backups bucket to a bucket in us-east-1 with its own KMS key, versioning and the same lifecycle", async () => {
        const run = await prod();
        const inRegion = (r: RegisteredResource) => (r.values as Obj).region;
        const key = one(run, "aws:kms/key:Key", "data-dr-backups-key");
        expect(inRegion(key)).to.equal("us-east-1");
        expect(key.protect).to.equal(true);
        expect((key.values as Obj).enableKeyRotation).to.equal(true);
        const replica = one(run, "aws:s3/bucket:Bucket", "data-backups-replica");
        expect(inRegion(replica)).to.equal("us-east-1");
        expect(replica.protect).to.equal(true);
        expect((replica.values as Obj).bucket).to.match(/^deepalpha-backups-replica-[0-9]{12}-us-east-1$/);
        const childOf = (type: string) => one(run, type, "data-backups-replica").values as Obj;
        expect(childOf("aws:s3/bucketVersioning:BucketVersioning").versioningConfiguration.status).to.equal("Enabled");
        expect(childOf("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")).to.deep.include({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        const sse = childOf("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
        expect(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).to.equal("aws:kms");
        // Its own key: the second region's, not the primary's buckets key.
        expect(one(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "data-backups-replica").dependencies).to.include(key.urn)
            .and.not.include(one(run, "aws:kms/key:Key", "data-buckets-key").urn);
        const source = one(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "data-backups").values as Obj;
        expect(childOf("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").rules).to.deep.equal(source.rules);
        for (const type of ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketPolicy:BucketPolicy", "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"]) {
            expect(childOf(type).region, type).to.equal("us-east-1");
        }

        const rc = one(run, "aws:s3/bucketReplicationConfig:BucketReplicationConfig", "data-backups");
        const rule = (rc.values as Obj).rules[0];
        expect(rule.status).to.equal("Enabled");
        expect(rule.destination.bucket).to.match(/^arn:aws:s3:::/);
        expect(rule.destination.encryptionConfiguration.replicaKmsKeyId).to.match(/^arn:aws:kms:/);
        expect(rc.dependencies).to.include.members([replica.urn, key.urn]);
        expect(rule.sourceSelectionCriteria.sseKmsEncryptedObjects.status).to.equal("Enabled");
        // After versioning is on at both ends (S3 refuses replication otherwise).
        const sourceVersioning = one(run, "aws:s3/bucketVersioning:BucketVersioning", "data-backups");
        expect(rc.dependencies).to.include(sourceVersioning.urn);
        const role = one(run, "aws:iam/role:Role", "data-backups-replication").values as Obj;
        expect(JSON.parse(role.assumeRolePolicy).Statement[0].Principal).to.deep.equal({ Service: "s3.amazonaws.com" });
        const policy = JSON.parse((one(run, "aws:iam/rolePolicy:RolePolicy", "data-backups-replication").values as Obj).policy);
        const actions = policy.Statement.flatMap((s: Obj) => s.Action);
        expect(actions).to.include.members(["s3:GetObjectVersionForReplication", "s3:ReplicateObject", "kms:Decrypt", "kms:Encrypt"]);
        expect(actions).to.not.include("s3:ReplicateDelete");
    });

    it("replicates RDS automated backups (point-in-time restore) to the second region, encrypted with its key, same retention", async () => {
        const run = await prod();
        const r = one(run, "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "data-postgres-backups-replica").values as Obj;
        const primary = byType(run, "aws:rds/instance:Instance").find((i) => !(i.values as Obj).replicateSourceDb)!;
        expect(r.region).to.equal("us-east-1");
        const rr = one(run, "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "data-postgres-backups-replica");
        expect(r.sourceDbInstanceArn).to.match(/^arn:aws:rds:/);
        expect(r.kmsKeyId).to.match(/^arn:aws:kms:/);
        expect(rr.dependencies).to.include.members([primary.urn, one(run, "aws:kms/key:Key", "data-dr-backups-key").urn]);
        expect(r.retentionPeriod).to.equal((primary.values as Obj).backupRetentionPeriod);
    });

    it("is off in dev, and off in prod with an empty setting (bad values: config.spec.ts)", async () => {
        const dr = (run: ProgramRun) => byType(run, "aws:s3/bucketReplicationConfig:BucketReplicationConfig").length + byType(run, "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication").length;
        expect(dr(await dev())).to.equal(0);
        expect(dr(await planWith("prod", { "deepalpha:data": JSON.stringify({ secondRegion: "" }) }))).to.equal(0);
    });
});
