// DataTier under Pulumi's mocks: what the defaults give (DeepAlpha's objects, in both profiles) and what a
// user's args change. The child names are part of the package's API: a change here needs a CHANGELOG entry
// and, for a deployed stack, an alias (the DeepAlpha deployment keeps its table in deployment/legacy-names/).
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { type Registered, runComponents } from "@deepalpha/testing";
import { DATA_NAME_DEFAULTS, DataTier, defaultDataTierArgs } from "../src";
import { ACCOUNT } from "./setup";
import { childNames, k8sObject, type Obj, ofKind, one, productionArgs } from "./fixtures";

/** The children of `new DataTier("data", { profile: "local" })`: DeepAlpha's dev stack has exactly these. */
const LOCAL_CHILDREN = [
    "kubernetes:apps/v1:StatefulSet::data-influxdb",
    "kubernetes:apps/v1:StatefulSet::data-postgres",
    "kubernetes:apps/v1:StatefulSet::data-redis",
    "kubernetes:apps/v1:StatefulSet::data-seaweedfs",
    "kubernetes:batch/v1:CronJob::data-influxdb-backup",
    "kubernetes:batch/v1:CronJob::data-postgres-backup",
    "kubernetes:batch/v1:CronJob::data-restore-drill",
    "kubernetes:batch/v1:CronJob::data-trades-partitions",
    "kubernetes:batch/v1:Job::data-buckets",
    "kubernetes:batch/v1:Job::data-trades-migration",
    "kubernetes:core/v1:ConfigMap::data-redis-config",
    "kubernetes:core/v1:ConfigMap::data-trades-schema",
    "kubernetes:core/v1:Secret::data-connection",
    "kubernetes:core/v1:Secret::data-influxdb-credentials",
    "kubernetes:core/v1:Secret::data-jobs-credentials",
    "kubernetes:core/v1:Secret::data-postgres-credentials",
    "kubernetes:core/v1:Secret::data-redis-credentials",
    "kubernetes:core/v1:Secret::data-seaweedfs-s3-credentials",
    "kubernetes:core/v1:Service::data-influxdb",
    "kubernetes:core/v1:Service::data-postgres",
    "kubernetes:core/v1:Service::data-redis",
    "kubernetes:core/v1:Service::data-seaweedfs",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy::data-deepalpha-data-data-jobs-egress",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy::data-deepalpha-data-influxdb-ingress",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy::data-deepalpha-data-postgres-ingress",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy::data-deepalpha-data-redis-ingress",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy::data-deepalpha-data-seaweedfs-ingress",
    "random:index/randomPassword:RandomPassword::data-influxdb",
    "random:index/randomPassword:RandomPassword::data-influxdb-token",
    "random:index/randomPassword:RandomPassword::data-postgres",
    "random:index/randomPassword:RandomPassword::data-postgres-exporter",
    "random:index/randomPassword:RandomPassword::data-redis",
    "random:index/randomPassword:RandomPassword::data-redis-exporter",
    "random:index/randomPassword:RandomPassword::data-redis-probe",
    "random:index/randomPassword:RandomPassword::data-s3-access-key",
    "random:index/randomPassword:RandomPassword::data-s3-secret-key",
];

/** The children of `new DataTier("data", <production args>)` with the defaults (two replicas, a second region). */
const PRODUCTION_CHILDREN = [
    "aws:ec2/securityGroup:SecurityGroup::data-influxdb-sg",
    "aws:ec2/securityGroup:SecurityGroup::data-postgres-sg",
    "aws:ec2/securityGroup:SecurityGroup::data-redis-sg",
    "aws:elasticache/replicationGroup:ReplicationGroup::data-redis-group",
    "aws:elasticache/subnetGroup:SubnetGroup::data-redis-subnets",
    "aws:elasticache/user:User::data-redis-user-app",
    "aws:elasticache/user:User::data-redis-user-default",
    "aws:elasticache/user:User::data-redis-user-exporter",
    "aws:elasticache/userGroup:UserGroup::data-redis-users",
    "aws:iam/role:Role::data-backups-replication",
    "aws:iam/role:Role::data-jobs-irsa",
    "aws:iam/rolePolicy:RolePolicy::data-app-files",
    "aws:iam/rolePolicy:RolePolicy::data-backups-replication",
    "aws:iam/rolePolicy:RolePolicy::data-jobs-irsa",
    "aws:kms/alias:Alias::data-buckets-key",
    "aws:kms/alias:Alias::data-databases-key",
    "aws:kms/alias:Alias::data-dr-backups-key",
    "aws:kms/key:Key::data-buckets-key",
    "aws:kms/key:Key::data-databases-key",
    "aws:kms/key:Key::data-dr-backups-key",
    "aws:rds/instance:Instance::data-postgres-primary",
    "aws:rds/instance:Instance::data-postgres-replica-1",
    "aws:rds/instance:Instance::data-postgres-replica-2",
    "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication::data-postgres-backups-replica",
    "aws:rds/parameterGroup:ParameterGroup::data-postgres16-params",
    "aws:rds/subnetGroup:SubnetGroup::data-postgres-subnets",
    "aws:s3/bucket:Bucket::data-backups",
    "aws:s3/bucket:Bucket::data-backups-replica",
    "aws:s3/bucket:Bucket::data-files",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration::data-backups",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration::data-backups-replica",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration::data-files",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls::data-backups",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls::data-backups-replica",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls::data-files",
    "aws:s3/bucketPolicy:BucketPolicy::data-backups",
    "aws:s3/bucketPolicy:BucketPolicy::data-backups-replica",
    "aws:s3/bucketPolicy:BucketPolicy::data-files",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::data-backups",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::data-backups-replica",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::data-files",
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig::data-backups",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration::data-backups",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration::data-backups-replica",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration::data-files",
    "aws:s3/bucketVersioning:BucketVersioning::data-backups",
    "aws:s3/bucketVersioning:BucketVersioning::data-backups-replica",
    "aws:s3/bucketVersioning:BucketVersioning::data-files",
    "aws:timestreaminfluxdb/dbInstance:DbInstance::data-influxdb-instance",
    "kubernetes:batch/v1:CronJob::data-influxdb-backup",
    "kubernetes:batch/v1:CronJob::data-postgres-backup",
    "kubernetes:batch/v1:CronJob::data-restore-drill",
    "kubernetes:batch/v1:CronJob::data-trades-partitions",
    "kubernetes:batch/v1:Job::data-influxdb-app-token",
    "kubernetes:batch/v1:Job::data-trades-migration",
    "kubernetes:core/v1:ConfigMap::data-trades-schema",
    "kubernetes:core/v1:Secret::data-connection",
    "kubernetes:core/v1:Secret::data-jobs-credentials",
    "kubernetes:core/v1:ServiceAccount::data-influxdb-token-writer",
    "kubernetes:core/v1:ServiceAccount::data-jobs",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy::data-deepalpha-data-jobs-egress",
    "kubernetes:rbac.authorization.k8s.io/v1:Role::data-influxdb-token-writer",
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding::data-influxdb-token-writer",
    "random:index/randomPassword:RandomPassword::data-influxdb",
    "random:index/randomPassword:RandomPassword::data-postgres",
    "random:index/randomPassword:RandomPassword::data-postgres-exporter",
    "random:index/randomPassword:RandomPassword::data-redis",
    "random:index/randomPassword:RandomPassword::data-redis-default-user",
    "random:index/randomPassword:RandomPassword::data-redis-exporter",
    "random:index/randomPassword:RandomPassword::data-redis-probe",
];

const podSpec = (cronJob: Obj) => cronJob.spec.jobTemplate.spec.template.spec;
const containers = (spec: Obj): Obj[] => [...(spec.initContainers ?? []), ...spec.containers];

describe("DataTier, local profile", () => {
    let defaults: Registered[];
    let custom: Registered[];
    before(async () => {
        defaults = await runComponents(() => new DataTier("data", { profile: "local" }));
        custom = await runComponents(
            () =>
                new DataTier("shop-data", {
                    profile: "local",
                    namespaces: { app: "shop", data: "shop-stores", monitoring: "obs" },
                    connectionSecretName: "shop-db",
                    jobsSecretName: "shop-db-jobs",
                    localBuckets: { backups: "shop-backups", files: "shop-files" },
                    postgres: { volumeSize: "50Gi" },
                    backupSchedule: "30 1 * * *",
                    partitionMonthsAhead: 6,
                    backupScratchSize: "8Gi",
                }),
        );
    });

    it("with the default name and args, registers DeepAlpha's dev children, each named data-<suffix>", () => {
        expect(childNames(defaults)).to.deep.equal(LOCAL_CHILDREN);
        expect(defaults.filter((r) => r.type === "deepalpha:index:DataTier").map((r) => r.name)).to.deep.equal(["data"]);
    });

    it("with the defaults, gives DeepAlpha's object names and namespaces", () => {
        for (const store of ["postgres", "redis", "influxdb", "seaweedfs"]) k8sObject(defaults, "StatefulSet", store, "deepalpha-data");
        expect(k8sObject(defaults, "Secret", "deepalpha-connection", "deepalpha").type).to.equal("Opaque");
        k8sObject(defaults, "Secret", "deepalpha-data-jobs", "deepalpha-data");
        for (const cron of ["postgres-backup", "influxdb-backup", "restore-drill", "trades-partitions"]) k8sObject(defaults, "CronJob", cron, "deepalpha-data");
        k8sObject(defaults, "Job", "trades-migration", "deepalpha-data");
        const conn = k8sObject(defaults, "Secret", "deepalpha-connection").stringData;
        expect(conn["s3-backups-bucket"]).to.equal("deepalpha-backups");
        expect(conn["database-url"]).to.match(/^postgresql:\/\/deepalpha:.+@postgres\.deepalpha-data\.svc\.cluster\.local:5432\/deepalpha\?sslmode=disable$/);
    });

    it("applies the local defaults: volume sizes, the postgres:15 server, the 02:00 schedule, 3 months of partitions", () => {
        const pvc = (store: string) => k8sObject(defaults, "StatefulSet", store).spec.volumeClaimTemplates[0].spec.resources.requests.storage;
        expect(["postgres", "redis", "influxdb", "seaweedfs"].map(pvc)).to.deep.equal(["20Gi", "5Gi", "20Gi", "20Gi"]);
        expect(k8sObject(defaults, "StatefulSet", "postgres").spec.template.spec.containers[0].image).to.equal("postgres:15.13-alpine");
        const schedule = (name: string) => k8sObject(defaults, "CronJob", name).spec.schedule;
        expect(["postgres-backup", "influxdb-backup", "restore-drill"].map(schedule)).to.deep.equal(["0 2 * * *", "30 2 * * *", "0 4 * * *"]);
        expect(k8sObject(defaults, "Job", "trades-migration").spec.template.spec.containers[0].command).to.include("--set=months_ahead=3");
        const volumes = podSpec(k8sObject(defaults, "CronJob", "postgres-backup")).volumes as Obj[];
        expect(volumes.find((v) => v.name === "backup")!.emptyDir.sizeLimit).to.equal("5Gi");
        // No AWS in the local profile.
        expect(defaults.filter((r) => r.type.startsWith("aws:"))).to.deep.equal([]);
    });

    it("puts the stores and Jobs in the data namespace the user names, the connection Secret in the app namespace", () => {
        for (const store of ["postgres", "redis", "influxdb", "seaweedfs"]) {
            k8sObject(custom, "StatefulSet", store, "shop-stores");
            k8sObject(custom, "Service", store, "shop-stores");
        }
        expect(k8sObject(custom, "Secret", "shop-db", "shop").stringData["database-url"]).to.contain("@postgres.shop-stores.svc.cluster.local:5432/");
        const jobs = k8sObject(custom, "Secret", "shop-db-jobs", "shop-stores").stringData;
        expect(jobs.S3_BACKUPS_BUCKET).to.equal("shop-backups");
        for (const c of containers(podSpec(k8sObject(custom, "CronJob", "postgres-backup", "shop-stores")))) {
            if (c.envFrom) expect(c.envFrom).to.deep.equal([{ secretRef: { name: "shop-db-jobs" } }]);
        }
        expect(ofKind(custom, "Secret").map((r) => (r.values.metadata as Obj).namespace).filter((ns) => ns.startsWith("deepalpha"))).to.deep.equal([]);
    });

    it("admits the user's app and monitoring namespaces to the stores, and nothing else", () => {
        const policy = k8sObject(custom, "NetworkPolicy", "postgres-ingress", "shop-stores");
        const namespaces = (policy.spec.ingress[0].from as Obj[]).flatMap((p) => (p.namespaceSelector ? [p.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]] : []));
        expect(namespaces).to.deep.equal(["shop", "obs"]);
        const objectStore = k8sObject(custom, "NetworkPolicy", "seaweedfs-ingress", "shop-stores");
        expect(objectStore.spec.ingress[1].from).to.deep.equal([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "obs" } } }]);
        expect(k8sObject(custom, "NetworkPolicy", "data-jobs-egress", "shop-stores").spec.policyTypes).to.deep.equal(["Egress"]);
    });

    it("merges a partial object over the defaults and passes the user's values through", () => {
        const pvc = (store: string) => k8sObject(custom, "StatefulSet", store).spec.volumeClaimTemplates[0].spec.resources.requests.storage;
        // postgres.volumeSize given; redis and the rest of postgres keep their defaults.
        expect(pvc("postgres")).to.equal("50Gi");
        expect(pvc("redis")).to.equal("5Gi");
        const schedule = (name: string) => k8sObject(custom, "CronJob", name).spec.schedule;
        expect(["postgres-backup", "influxdb-backup", "restore-drill"].map(schedule)).to.deep.equal(["30 1 * * *", "0 2 * * *", "30 3 * * *"]);
        expect(k8sObject(custom, "Job", "trades-migration").spec.template.spec.containers[0].command).to.include("--set=months_ahead=6");
        expect((podSpec(k8sObject(custom, "CronJob", "postgres-backup")).volumes as Obj[]).find((v) => v.name === "backup")!.emptyDir.sizeLimit).to.equal("8Gi");
        expect(k8sObject(custom, "Job", "object-store-buckets").spec.template.spec.containers[0].command[2]).to.contain("for b in shop-backups shop-files; do");
    });

    it("names every child after the instance", () => {
        const children = custom.filter((r) => r.type !== "deepalpha:index:DataTier");
        expect(children.filter((r) => !r.name.startsWith("shop-data-")).map((r) => r.name)).to.deep.equal([]);
    });
});

describe("DataTier, Kubernetes provider", () => {
    /** The provider each Kubernetes child was registered with (Pulumi keeps it as __prov). */
    async function providersOfChildren(build: (provider: k8s.Provider) => void): Promise<{ provider: k8s.Provider; used: Set<unknown>; children: number }> {
        const used = new Set<unknown>();
        let provider!: k8s.Provider;
        let children = 0;
        await runComponents(() => {
            pulumi.runtime.registerStackTransformation((a) => {
                if (a.type.startsWith("kubernetes:") && a.type !== "pulumi:providers:kubernetes") {
                    children++;
                    // After the constructor has settled the provider (transformations run before it).
                    setImmediate(() => used.add((a.resource as unknown as { __prov?: unknown }).__prov));
                }
                return undefined;
            });
            provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            build(provider);
        });
        await new Promise((r) => setImmediate(r));
        return { provider, used, children };
    }

    it("takes it from the resource options, as a component does", async () => {
        const r = await providersOfChildren((provider) => new DataTier("data", { profile: "local" }, { provider }));
        expect(r.children).to.be.greaterThan(20);
        expect([...r.used]).to.deep.equal([r.provider]);
    });

    it("or from the provider argument", async () => {
        const r = await providersOfChildren((provider) => new DataTier("data", { profile: "local", provider }));
        expect([...r.used]).to.deep.equal([r.provider]);
    });
});

describe("DataTier, production profile", () => {
    let defaults: Registered[];
    let custom: Registered[];
    before(async () => {
        defaults = await runComponents(() => new DataTier("data", productionArgs()));
        custom = await runComponents(
            () =>
                new DataTier(
                    "shop-data",
                    productionArgs({
                        awsNamePrefix: "shop",
                        secondRegion: "",
                        postgres: { readReplicas: 0 },
                        namespaces: { app: "shop" },
                        jobsServiceAccountName: "shop-db-jobs",
                        influxdbTokenWriterName: "shop-token-writer",
                        connectionSecretName: "shop-db",
                        appRoleName: undefined,
                        tags: { team: "shop" },
                    }),
                ),
        );
    });

    it("with the default name and args, registers DeepAlpha's prod children, each named data-<suffix>", () => {
        expect(childNames(defaults)).to.deep.equal(PRODUCTION_CHILDREN);
    });

    it("with the defaults, gives DeepAlpha's AWS physical names", () => {
        const rds = defaults.filter((r) => r.type === "aws:rds/instance:Instance").map((r) => r.values.identifier);
        expect(rds).to.deep.equal(["deepalpha-postgres", "deepalpha-postgres-replica-1", "deepalpha-postgres-replica-2"]);
        expect(one(defaults, "aws:elasticache/replicationGroup:ReplicationGroup", "data-redis-group").values.replicationGroupId).to.equal("deepalpha-redis");
        expect(one(defaults, "aws:timestreaminfluxdb/dbInstance:DbInstance", "data-influxdb-instance").values.name).to.equal("deepalpha-influxdb");
        expect(defaults.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => r.values.bucket)).to.deep.equal([
            `deepalpha-backups-${ACCOUNT}-us-west-2`,
            `deepalpha-files-${ACCOUNT}-us-west-2`,
            `deepalpha-backups-replica-${ACCOUNT}-us-east-1`,
        ]);
        expect(defaults.filter((r) => r.type === "aws:kms/alias:Alias").map((r) => r.values.name)).to.deep.equal([
            "alias/deepalpha-databases",
            "alias/deepalpha-buckets",
            "alias/deepalpha-dr-backups",
        ]);
        expect(defaults.filter((r) => r.type === "aws:elasticache/user:User").map((r) => r.values.userId)).to.deep.equal(["deepalpha-redis-default", "deepalpha-redis-app", "deepalpha-redis-exporter"]);
    });

    it("with the defaults, gives DeepAlpha's Kubernetes names: the Jobs and the token writer in the app namespace", () => {
        expect(k8sObject(defaults, "ServiceAccount", DATA_NAME_DEFAULTS.jobsServiceAccountName, "deepalpha").metadata.annotations["eks.amazonaws.com/role-arn"]).to.match(/^arn:aws:iam::/);
        const role = k8sObject(defaults, "Role", "deepalpha-influxdb-token-writer", "deepalpha");
        expect(role.rules[0].resourceNames).to.deep.equal(["deepalpha-connection"]);
        for (const cron of ["postgres-backup", "influxdb-backup", "restore-drill", "trades-partitions"]) {
            expect(podSpec(k8sObject(defaults, "CronJob", cron, "deepalpha")).serviceAccountName, cron).to.equal("deepalpha-data-jobs");
        }
        expect(k8sObject(defaults, "Secret", "deepalpha-connection", "deepalpha").stringData["s3-region"]).to.equal("us-west-2");
    });

    it("applies the production defaults: two replicas, Multi-AZ, 7 days of backups, a second region, 50Gi scratch", () => {
        const primary = one(defaults, "aws:rds/instance:Instance", "data-postgres-primary").values;
        expect(primary).to.include({ engineVersion: "16", instanceClass: "db.r6g.xlarge", allocatedStorage: 200, maxAllocatedStorage: 1000, backupRetentionPeriod: 7, multiAz: true });
        expect(one(defaults, "aws:elasticache/replicationGroup:ReplicationGroup", "data-redis-group").values).to.include({ numCacheClusters: 3, engineVersion: "7.1", snapshotRetentionLimit: 7 });
        expect(one(defaults, "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "data-postgres-backups-replica").values.region).to.equal("us-east-1");
        expect((podSpec(k8sObject(defaults, "CronJob", "postgres-backup")).volumes as Obj[]).find((v) => v.name === "backup")!.emptyDir.sizeLimit).to.equal("50Gi");
        expect(one(defaults, "aws:rds/instance:Instance", "data-postgres-primary").values.tags).to.deep.equal({ tier: "data" });
        expect(defaultDataTierArgs("production").images.postgres.tag).to.equal("16.15-alpine");
    });

    it("takes the user's prefix, namespace, names, replica count, second region and tags", () => {
        expect(custom.filter((r) => r.type === "aws:rds/instance:Instance").map((r) => r.values.identifier)).to.deep.equal(["shop-postgres"]);
        expect(custom.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => r.values.bucket)).to.deep.equal([`shop-backups-${ACCOUNT}-us-west-2`, `shop-files-${ACCOUNT}-us-west-2`]);
        expect(custom.filter((r) => /InstanceAutomatedBackupsReplication|BucketReplicationConfig/.test(r.type))).to.deep.equal([]);
        // No appRoleName: no policy granted to the application's role.
        expect(custom.filter((r) => r.name === "shop-data-app-files")).to.deep.equal([]);
        const trust = JSON.parse(String(one(custom, "aws:iam/role:Role", "shop-data-jobs-irsa").values.assumeRolePolicy));
        expect(JSON.stringify(trust)).to.contain('"system:serviceaccount:shop:shop-db-jobs"');
        k8sObject(custom, "ServiceAccount", "shop-db-jobs", "shop");
        expect(k8sObject(custom, "Role", "shop-token-writer", "shop").rules[0].resourceNames).to.deep.equal(["shop-db"]);
        expect(k8sObject(custom, "Job", "influxdb-app-token", "shop").spec.template.spec.serviceAccountName).to.equal("shop-token-writer");
        expect(k8sObject(custom, "NetworkPolicy", "data-jobs-egress", "shop").spec.egress[0].to).to.deep.equal([{ ipBlock: { cidr: "10.40.0.0/16" } }]);
        expect(one(custom, "aws:rds/instance:Instance", "shop-data-postgres-primary").values.tags).to.deep.equal({ team: "shop", tier: "data" });
        expect(custom.filter((r) => r.type !== "deepalpha:index:DataTier" && !r.name.startsWith("shop-data-")).map((r) => r.name)).to.deep.equal([]);
    });
});
