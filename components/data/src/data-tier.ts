// DataTier: PostgreSQL, Redis, InfluxDB and object storage, their backups and the trades schema. It hands the
// application tier one Kubernetes Secret with every connection setting. The decisions live in the files beside
// this one (one per concern); this class only picks the profile and wires them together.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { DataTierArgs, ResolvedDataTierArgs } from "./args";
import type { DataEndpoints, ExporterCredentials } from "@deepalpha/shared";
import { DATA_PORTS } from "@deepalpha/shared";
import { createBackupJobs, shiftMinutes } from "./backups";
import { createRestoreDrill } from "./restore-drill";
import { DB, LOCAL_STORES, image } from "./common";
import { connectionData, jobsEnv, secretOf, StoreConnections } from "./connection";
import { resolveDataTierArgs } from "./defaults";
import { createDataKeys } from "./encryption-keys";
import { backupsAccessPolicy, createIrsaRole, filesAccessPolicy } from "./iam";
import { createInfluxAppTokenJob } from "./influxdb-app-token";
import { createLocalInflux } from "./influxdb-local";
import { createTimestreamInflux } from "./influxdb-timestream";
import { createPolicies, jobEgressPolicy, localStorePolicies } from "./network-policies";
import { createLocalObjectStore, LOCAL_S3_REGION } from "./object-storage-local";
import { createS3Buckets } from "./object-storage-s3";
import { createLocalPostgres } from "./postgres-local";
import { createRdsPostgres } from "./postgres-rds";
import { createElastiCacheRedis } from "./redis-elasticache";
import { createLocalRedis, REDIS_USERS } from "./redis-local";
import { createSchemaJobs } from "./schema-migration";
import { createSecondRegion } from "./second-region";
import { storeSecurityGroup } from "./security-groups";
import { validateDataTierArgs } from "./validate";

/** The component's type token: part of every child's URN, so part of the package's API. */
export const DATA_TIER_TYPE = "deepalpha:index:DataTier";

type Passwords = Record<"postgres" | "exporter" | "redis" | "redisExporter" | "redisProbe" | "influxdb", pulumi.Output<string>>;
type K8sOpts = pulumi.CustomResourceOptions & { parent: pulumi.Resource };

interface ProfileResult {
    connections: StoreConnections;
    endpoints: DataEndpoints;
    backupsBucket: pulumi.Output<string>;
    filesBucket: pulumi.Output<string>;
    /** Namespace the migration, partition and backup Jobs run in. */
    jobsNamespace: string;
    jobsServiceAccount?: string;
    /** What the migration waits for (and, through it, the backup CronJobs: the database and the buckets). */
    databases: pulumi.Resource[];
    jobPolicies: ReturnType<typeof jobEgressPolicy>[];
    /** Production: the InfluxDB instance the application-token Job signs in to. */
    influxInstance?: pulumi.Resource;
    /** Local: the in-cluster stores, which the application waits for (in prod the connection Secret waits for them). */
    localStores?: pulumi.Resource[];
    storePolicies: ReturnType<typeof localStorePolicies>;
}

/**
 * PostgreSQL, Redis, InfluxDB and object storage, with the trades schema, daily backups and a restore drill.
 * Every child's Pulumi name is `${name}-<suffix>`, so instances with different names can share a stack.
 */
export class DataTier extends pulumi.ComponentResource {
    /** Secret (in the app namespace) holding CONNECTION_KEYS; consumed through secretKeyRef. */
    readonly connectionSecretName: pulumi.Output<string>;
    readonly endpoints: DataEndpoints;
    readonly backupsBucket: pulumi.Output<string>;
    readonly filesBucket: pulumi.Output<string>;
    /** Logins for the PostgreSQL (a pg_monitor role, created by the migration) and Redis exporters; secret Outputs. */
    readonly exporterCredentials: ExporterCredentials;
    /** Redis speaks TLS (rediss://): true in production (ElastiCache in-transit encryption), false locally. */
    readonly redisTls: boolean;
    /**
     * What the application's workloads need before they start: the connection Secret, the schema migration and,
     * in prod, the Job that writes the InfluxDB token into that Secret (locally: the stores themselves).
     */
    readonly appPrerequisites: pulumi.Resource[];

    constructor(name: string, args: DataTierArgs, opts?: pulumi.ComponentResourceOptions) {
        // Before anything is registered: invalid args fail with every problem listed, and nothing half-made.
        const s = resolveDataTierArgs(args);
        validateDataTierArgs(name, s);
        super(DATA_TIER_TYPE, name, {}, opts);
        const k8sOpts: K8sOpts = {
            parent: this,
            ...(s.provider ? { provider: s.provider } : {}),
            ...(s.kubernetesDependsOn?.length ? { dependsOn: s.kubernetesDependsOn } : {}),
        };
        // Alphanumeric: safe in URLs and in every store's password rules. Generated once, kept in state.
        const password = (n: string, length = 32) =>
            pulumi.secret(new random.RandomPassword(`${name}-${n}`, { length, special: false }, { parent: this }).result);
        const pw: Passwords = {
            postgres: password("postgres"),
            exporter: password("postgres-exporter"),
            redis: password("redis"),
            redisExporter: password("redis-exporter"),
            redisProbe: password("redis-probe"),
            influxdb: password("influxdb"),
        };

        const r = s.profile === "local" ? this.local(name, s, pw, k8sOpts) : this.production(name, s, pw, k8sOpts);
        this.endpoints = r.endpoints;
        this.backupsBucket = r.backupsBucket;
        this.filesBucket = r.filesBucket;
        this.redisTls = r.connections.redis.tls;

        const connection = secretOf(`${name}-connection`, s.connectionSecretName, s.namespaces.app, connectionData(r.connections), k8sOpts);
        const jobsSecret = secretOf(`${name}-jobs-credentials`, s.jobsSecretName, r.jobsNamespace, jobsEnv(r.connections), k8sOpts);
        // The exporter's own Redis user: an ACL user in dev, an ElastiCache RBAC user in prod.
        this.exporterCredentials = { postgresUser: DB.exporterUser, postgresPassword: pw.exporter, redisUser: REDIS_USERS.exporter, redisPassword: pw.redisExporter };

        // Before the Jobs: under the namespace's default-deny they could not reach a database without them.
        const policies = createPolicies(name, [...r.storePolicies, ...r.jobPolicies], k8sOpts);
        let tokenJob: pulumi.Resource | undefined;
        if (r.influxInstance) {
            tokenJob = createInfluxAppTokenJob(
                {
                    base: name,
                    namespace: s.namespaces.app,
                    secretName: s.connectionSecretName,
                    writerName: s.influxdbTokenWriterName,
                    jobsSecretName: jobsSecret.metadata.name,
                    awsCliImage: image(s.images.awsCli),
                    dependsOn: [connection, r.influxInstance, ...policies],
                },
                k8sOpts,
            );
        }
        const schema = createSchemaJobs(
            {
                base: name,
                namespace: r.jobsNamespace,
                postgresImage: image(s.images.postgres),
                monthsAhead: s.partitionMonthsAhead,
                jobsSecretName: jobsSecret.metadata.name,
                serviceAccountName: r.jobsServiceAccount,
                dependsOn: [...r.databases, ...policies],
            },
            k8sOpts,
        );
        const jobImages = { postgres: image(s.images.postgres), influxdb: image(s.images.influxdb), awsCli: image(s.images.awsCli) };
        createBackupJobs(
            {
                base: name,
                namespace: r.jobsNamespace,
                schedule: s.backupSchedule,
                images: jobImages,
                jobsSecretName: jobsSecret.metadata.name,
                serviceAccountName: r.jobsServiceAccount,
                scratchSize: s.backupScratchSize,
            },
            { ...k8sOpts, dependsOn: [schema.migration] },
        );
        // Two hours after the PostgreSQL backup starts (90 minutes after the InfluxDB backup): both are in the bucket by then.
        createRestoreDrill(
            {
                base: name,
                namespace: r.jobsNamespace,
                schedule: shiftMinutes(s.backupSchedule, 120),
                images: jobImages,
                jobsSecretName: jobsSecret.metadata.name,
                serviceAccountName: r.jobsServiceAccount,
                scratchSize: s.restoreDrillScratchSize,
            },
            { ...k8sOpts, dependsOn: [schema.migration] },
        );

        this.appPrerequisites = [connection, schema.migration, ...(tokenJob ? [tokenJob] : []), ...(r.localStores ?? [])];
        this.connectionSecretName = connection.metadata.name;
        this.registerOutputs({
            connectionSecretName: this.connectionSecretName,
            backupsBucket: this.backupsBucket,
            filesBucket: this.filesBucket,
        });
    }

    /** dev: StatefulSets in the data namespace; the Jobs run there too, next to the stores. */
    private local(name: string, s: ResolvedDataTierArgs, pw: Passwords, k8sOpts: K8sOpts): ProfileResult {
        const secretOut = (n: string, length: number) =>
            pulumi.secret(new random.RandomPassword(`${name}-${n}`, { length, special: false }, { parent: this }).result);
        const influxToken = secretOut("influxdb-token", 64);
        const s3Key = { accessKey: secretOut("s3-access-key", 20), secretKey: secretOut("s3-secret-key", 40) };
        const buckets = s.localBuckets;

        const postgres = createLocalPostgres(name, s, pw.postgres, k8sOpts);
        const redis = createLocalRedis(name, s, { app: pw.redis, exporter: pw.redisExporter, probe: pw.redisProbe }, k8sOpts);
        const influx = createLocalInflux(name, s, { password: pw.influxdb, token: influxToken }, k8sOpts);
        const store = createLocalObjectStore(name, s, s3Key, buckets, k8sOpts);

        const connections: StoreConnections = {
            postgres: { host: postgres.host, readerHosts: [], password: pw.postgres, sslMode: "disable", exporterPassword: pw.exporter },
            redis: { host: redis.host, password: pw.redis, tls: false, user: REDIS_USERS.app },
            influxdb: {
                url: `http://${influx.host}:${DATA_PORTS.influxdb}`,
                org: s.influxdb.organization,
                bucket: s.influxdb.bucket,
                username: DB.influxUser,
                password: pw.influxdb,
                token: influxToken,
            },
            s3: {
                endpoint: store.endpoint,
                region: LOCAL_S3_REGION,
                backupsBucket: buckets.backups,
                filesBucket: buckets.files,
                accessKeyId: s3Key.accessKey,
                secretAccessKey: s3Key.secretKey,
            },
        };
        return {
            connections,
            endpoints: {
                postgresHost: pulumi.output(postgres.host),
                postgresReaderHosts: pulumi.output([] as string[]),
                redisHost: pulumi.output(redis.host),
                influxdbHost: pulumi.output(influx.host),
                s3Endpoint: pulumi.output(store.endpoint),
            },
            backupsBucket: pulumi.output(buckets.backups),
            filesBucket: pulumi.output(buckets.files),
            jobsNamespace: s.namespaces.data,
            databases: [postgres.statefulSet, store.bootstrap],
            localStores: [postgres.statefulSet, redis.statefulSet, influx.statefulSet, store.statefulSet, store.bootstrap],
            jobPolicies: [jobEgressPolicy("local", s.namespaces.data)],
            storePolicies: localStorePolicies(s.namespaces),
        };
    }

    /** prod: managed AWS stores in the VPC's private subnets; the Jobs run in the app namespace with IRSA. */
    private production(name: string, s: ResolvedDataTierArgs, pw: Passwords, k8sOpts: K8sOpts): ProfileResult {
        // validateDataTierArgs has refused production args without these.
        const network = s.network!;
        const region = s.region!;
        const prefix = s.awsNamePrefix;
        const names = { base: name, prefix };
        const tags = { ...(s.tags ?? {}), tier: "data" };
        const parent = this;

        // The zones of the cluster's private subnets, which are the subnets of every subnet group below. Not a
        // getAvailabilityZones lookup of our own: with only state=available it also returns opted-in Local Zones
        // (the cluster tier filters them out), so the lists can disagree, and a replica or cache node placed in a
        // zone without a subnet fails to create; availabilityZone is also create-only on a protected replica.
        const zones = network.availabilityZones.apply((n) => n.slice(0, 3));
        const accountId = aws.getCallerIdentityOutput({}, { parent }).accountId;
        const keys = createDataKeys(names, tags, parent, { accountId, region });
        const sg = {
            postgres: storeSecurityGroup(names, "postgres", network, tags, parent),
            redis: storeSecurityGroup(names, "redis", network, tags, parent),
            influxdb: storeSecurityGroup(names, "influxdb", network, tags, parent),
        };

        const postgres = createRdsPostgres(
            { ...names, settings: s.postgres, network, securityGroupId: sg.postgres.id, kmsKeyArn: keys.databases.arn, availabilityZones: zones, password: pw.postgres, tags },
            parent,
        );
        const redis = createElastiCacheRedis(
            { ...names, settings: s.redis, network, securityGroupId: sg.redis.id, kmsKeyArn: keys.databases.arn, availabilityZones: zones, passwords: { app: pw.redis, exporter: pw.redisExporter }, tags },
            parent,
        );
        const influx = createTimestreamInflux({ ...names, settings: s.influxdb, network, securityGroupId: sg.influxdb.id, password: pw.influxdb, tags }, parent);
        const buckets = createS3Buckets({ ...names, settings: s.objectStorage, kmsKeyArn: keys.buckets.arn, accountId, region, tags }, parent);

        if (s.secondRegion) {
            createSecondRegion(
                {
                    ...names,
                    region: s.secondRegion,
                    settings: s,
                    accountId,
                    source: { bucket: buckets.backups, versioning: buckets.backupsVersioning, kmsKeyArn: keys.buckets.arn },
                    rdsInstanceArn: postgres.primary.arn,
                    tags,
                },
                parent,
            );
        }

        const jobsNamespace = s.namespaces.app;
        const role = createIrsaRole(
            {
                name: `${name}-jobs-irsa`,
                oidcProviderArn: s.oidcProviderArn!,
                oidcProviderUrl: s.oidcProviderUrl!,
                namespace: jobsNamespace,
                serviceAccount: s.jobsServiceAccountName,
                policy: pulumi.all([buckets.backups.arn, keys.buckets.arn]).apply(([b, k]) => backupsAccessPolicy(b, k)),
                tags,
            },
            parent,
        );
        if (s.appRoleName) {
            new aws.iam.RolePolicy(
                `${name}-app-files`,
                { role: s.appRoleName, policy: pulumi.all([buckets.files.arn, keys.buckets.arn]).apply(([b, k]) => filesAccessPolicy(b, k, region)) },
                { parent },
            );
        }
        new k8s.core.v1.ServiceAccount(
            `${name}-jobs`,
            {
                metadata: {
                    name: s.jobsServiceAccountName,
                    namespace: jobsNamespace,
                    annotations: { "eks.amazonaws.com/role-arn": role.arn },
                    labels: { "app.kubernetes.io/part-of": "deepalpha", "app.kubernetes.io/component": "data" },
                },
                automountServiceAccountToken: false,
            },
            k8sOpts,
        );

        const influxUrl = pulumi.interpolate`https://${influx.endpoint}:${DATA_PORTS.influxdb}`;
        const s3Endpoint = `https://s3.${region}.amazonaws.com`;
        const connections: StoreConnections = {
            postgres: { host: postgres.host, readerHosts: postgres.readerHosts, password: pw.postgres, sslMode: "require", exporterPassword: pw.exporter },
            redis: { host: redis.host, password: pw.redis, tls: true, user: REDIS_USERS.app },
            influxdb: { url: influxUrl, org: s.influxdb.organization, bucket: s.influxdb.bucket, username: DB.influxUser, password: pw.influxdb },
            s3: { endpoint: s3Endpoint, region, backupsBucket: buckets.backups.bucket, filesBucket: buckets.files.bucket },
        };
        return {
            connections,
            endpoints: {
                postgresHost: postgres.host,
                postgresReaderHosts: postgres.readerHosts,
                redisHost: redis.host,
                influxdbHost: influx.endpoint,
                s3Endpoint: pulumi.output(s3Endpoint),
            },
            backupsBucket: buckets.backups.bucket,
            filesBucket: buckets.files.bucket,
            jobsNamespace,
            jobsServiceAccount: s.jobsServiceAccountName,
            databases: [postgres.primary],
            jobPolicies: [jobEgressPolicy("production", jobsNamespace, network.vpcCidr)],
            influxInstance: influx,
            storePolicies: [],
        };
    }
}

export { LOCAL_STORES };
