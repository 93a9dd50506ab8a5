// DataTier: PostgreSQL, Redis, InfluxDB and object storage, their backups and the trades schema. It hands the
// application tier one Kubernetes Secret with every connection setting. The decisions live in the files beside
// this one (one per concern); this class only picks the profile and wires them together.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as random from "@pulumi/random";
import type { DataSettings, Profile } from "./settings";
import type { ClusterNetwork, DataEndpoints, ExporterCredentials } from "@deepalpha/shared";
import { DATA_PORTS, NAMESPACES } from "@deepalpha/shared";
import { createBackupJobs, shiftMinutes } from "./backups";
import { createRestoreDrill } from "./restore-drill";
import { DB, JOBS_SERVICE_ACCOUNT, LOCAL_STORES, SECRET_NAMES, image } from "./common";
import { connectionData, jobsEnv, secretOf, StoreConnections } from "./connection";
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

export interface DataTierArgs {
    profile: Profile;
    settings: DataSettings;
    provider: k8s.Provider;
    /** Name prefix for AWS resources. */
    clusterName: string;
    /**
     * What the tier's Kubernetes objects wait for (ClusterComponent.kubernetesReady: namespaces, nodes, storage).
     * Only they wait: the AWS stores start as soon as the VPC pieces they use exist.
     */
    kubernetesDependsOn?: pulumi.Resource[];
    /** Production only: where the managed stores live and who may reach them. */
    network?: ClusterNetwork;
    oidcProviderArn?: pulumi.Output<string>;
    oidcProviderUrl?: pulumi.Output<string>;
    /** Production: the application ServiceAccount's IRSA role (cluster tier); gets the files bucket and its key. */
    appRoleName?: pulumi.Input<string>;
    region?: string;
    tags?: Record<string, string>;
}


/** Bucket names used by both profiles' local store; production names add account and region. */
const LOCAL_BUCKETS = { backups: "deepalpha-backups", files: "deepalpha-files" } as const;

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
        super("deepalpha:index:DataTier", name, {}, opts);
        const s = args.settings;
        const k8sOpts = { parent: this, provider: args.provider, ...(args.kubernetesDependsOn?.length ? { dependsOn: args.kubernetesDependsOn } : {}) };
        // Alphanumeric: safe in URLs and in every store's password rules. Generated once, kept in state.
        const password = (n: string, length = 32) =>
            pulumi.secret(new random.RandomPassword(`${name}-${n}`, { length, special: false }, { parent: this }).result);
        const pw = {
            postgres: password("postgres"),
            exporter: password("postgres-exporter"),
            redis: password("redis"),
            redisExporter: password("redis-exporter"),
            redisProbe: password("redis-probe"),
            influxdb: password("influxdb"),
        };

        const r = args.profile === "local" ? this.local(name, s, pw, k8sOpts) : this.production(args, pw, k8sOpts);
        this.endpoints = r.endpoints;
        this.backupsBucket = r.backupsBucket;
        this.filesBucket = r.filesBucket;
        this.redisTls = r.connections.redis.tls;

        const connection = secretOf(SECRET_NAMES.connection, NAMESPACES.app, connectionData(r.connections), k8sOpts);
        const jobsSecret = secretOf(SECRET_NAMES.jobs, r.jobsNamespace, jobsEnv(r.connections), k8sOpts);
        // The exporter's own Redis user: an ACL user in dev, an ElastiCache RBAC user in prod.
        this.exporterCredentials = { postgresUser: DB.exporterUser, postgresPassword: pw.exporter, redisUser: REDIS_USERS.exporter, redisPassword: pw.redisExporter };

        // Before the Jobs: under the namespace's default-deny they could not reach a database without them.
        const policies = createPolicies([...r.storePolicies, ...r.jobPolicies], k8sOpts);
        let tokenJob: pulumi.Resource | undefined;
        if (r.influxInstance) {
            tokenJob = createInfluxAppTokenJob(
                { secretName: SECRET_NAMES.connection, jobsSecretName: jobsSecret.metadata.name, awsCliImage: image(s.images.awsCli), dependsOn: [connection, r.influxInstance, ...policies] },
                k8sOpts,
            );
        }
        const schema = createSchemaJobs(
            {
                namespace: r.jobsNamespace,
                postgresImage: image(s.images.postgres),
                monthsAhead: s.partitionMonthsAhead,
                jobsSecretName: jobsSecret.metadata.name,
                serviceAccountName: r.jobsServiceAccount,
                dependsOn: [...r.databases, ...policies],
            },
            k8sOpts,
        );
        createBackupJobs(
            {
                namespace: r.jobsNamespace,
                schedule: s.backupSchedule,
                images: { postgres: image(s.images.postgres), influxdb: image(s.images.influxdb), awsCli: image(s.images.awsCli) },
                jobsSecretName: jobsSecret.metadata.name,
                serviceAccountName: r.jobsServiceAccount,
                scratchSize: args.profile === "local" ? "5Gi" : "50Gi",
            },
            { ...k8sOpts, dependsOn: [schema.migration] },
        );
        // Two hours after the PostgreSQL backup starts (90 minutes after the InfluxDB backup): both are in the bucket by then.
        createRestoreDrill(
            {
                namespace: r.jobsNamespace,
                schedule: shiftMinutes(s.backupSchedule, 120),
                images: { postgres: image(s.images.postgres), influxdb: image(s.images.influxdb), awsCli: image(s.images.awsCli) },
                jobsSecretName: jobsSecret.metadata.name,
                serviceAccountName: r.jobsServiceAccount,
                scratchSize: args.profile === "local" ? "10Gi" : "100Gi",
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
    private local(
        name: string,
        s: DataSettings,
        pw: Record<"postgres" | "exporter" | "redis" | "redisExporter" | "redisProbe" | "influxdb", pulumi.Output<string>>,
        k8sOpts: { parent: pulumi.Resource; provider: k8s.Provider },
    ): ProfileResult {
        const secretOut = (n: string, length: number) =>
            pulumi.secret(new random.RandomPassword(`${name}-${n}`, { length, special: false }, { parent: this }).result);
        const influxToken = secretOut("influxdb-token", 64);
        const s3Key = { accessKey: secretOut("s3-access-key", 20), secretKey: secretOut("s3-secret-key", 40) };

        const postgres = createLocalPostgres(s, pw.postgres, k8sOpts);
        const redis = createLocalRedis(s, { app: pw.redis, exporter: pw.redisExporter, probe: pw.redisProbe }, k8sOpts);
        const influx = createLocalInflux(s, { password: pw.influxdb, token: influxToken }, k8sOpts);
        const store = createLocalObjectStore(s, s3Key, LOCAL_BUCKETS, k8sOpts);

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
                backupsBucket: LOCAL_BUCKETS.backups,
                filesBucket: LOCAL_BUCKETS.files,
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
            backupsBucket: pulumi.output(LOCAL_BUCKETS.backups),
            filesBucket: pulumi.output(LOCAL_BUCKETS.files),
            jobsNamespace: NAMESPACES.data,
            databases: [postgres.statefulSet, store.bootstrap],
            localStores: [postgres.statefulSet, redis.statefulSet, influx.statefulSet, store.statefulSet, store.bootstrap],
            jobPolicies: [jobEgressPolicy("local")],
            storePolicies: localStorePolicies(),
        };
    }

    /** prod: managed AWS stores in the VPC's private subnets; the Jobs run in the app namespace with IRSA. */
    private production(
        args: DataTierArgs,
        pw: Record<"postgres" | "exporter" | "redis" | "redisExporter" | "redisProbe" | "influxdb", pulumi.Output<string>>,
        k8sOpts: { parent: pulumi.Resource; provider: k8s.Provider },
    ): ProfileResult {
        const network = args.network;
        if (!network) {
            throw new pulumi.RunError(
                "DataTier (production profile): args.network is missing. RDS, ElastiCache and Timestream need the cluster tier's " +
                    "VPC (vpcId, vpcCidr, privateSubnetIds, nodeSecurityGroupId, availabilityZones: ClusterComponent.network).",
            );
        }
        if (!args.oidcProviderArn || !args.oidcProviderUrl) {
            throw new pulumi.RunError("DataTier (production profile): args.oidcProviderArn and args.oidcProviderUrl are missing; the backup Jobs reach S3 through IRSA.");
        }
        if (!args.region) throw new pulumi.RunError("DataTier (production profile): args.region is missing (aws:region).");
        const s = args.settings;
        const prefix = args.clusterName;
        const tags = { ...(args.tags ?? {}), tier: "data" };
        const parent = this;

        // The zones of the cluster's private subnets, which are the subnets of every subnet group below. Not a
        // getAvailabilityZones lookup of our own: with only state=available it also returns opted-in Local Zones
        // (the cluster tier filters them out), so the lists can disagree, and a replica or cache node placed in a
        // zone without a subnet fails to create; availabilityZone is also create-only on a protected replica.
        const zones = network.availabilityZones.apply((n) => n.slice(0, 3));
        const accountId = aws.getCallerIdentityOutput({}, { parent }).accountId;
        const keys = createDataKeys(prefix, tags, parent, { accountId, region: args.region });
        const sg = {
            postgres: storeSecurityGroup(prefix, "postgres", network, tags, parent),
            redis: storeSecurityGroup(prefix, "redis", network, tags, parent),
            influxdb: storeSecurityGroup(prefix, "influxdb", network, tags, parent),
        };

        const postgres = createRdsPostgres(
            { prefix, settings: s.postgres, network, securityGroupId: sg.postgres.id, kmsKeyArn: keys.databases.arn, availabilityZones: zones, password: pw.postgres, tags },
            parent,
        );
        const redis = createElastiCacheRedis(
            { prefix, settings: s.redis, network, securityGroupId: sg.redis.id, kmsKeyArn: keys.databases.arn, availabilityZones: zones, passwords: { app: pw.redis, exporter: pw.redisExporter }, tags },
            parent,
        );
        const influx = createTimestreamInflux({ prefix, settings: s.influxdb, network, securityGroupId: sg.influxdb.id, password: pw.influxdb, tags }, parent);
        const buckets = createS3Buckets({ prefix, settings: s.objectStorage, kmsKeyArn: keys.buckets.arn, accountId, region: args.region, tags }, parent);

        if (s.secondRegion) {
            createSecondRegion(
                {
                    prefix,
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

        const role = createIrsaRole(
            {
                name: `${prefix}-data-jobs`,
                oidcProviderArn: args.oidcProviderArn,
                oidcProviderUrl: args.oidcProviderUrl,
                namespace: NAMESPACES.app,
                serviceAccount: JOBS_SERVICE_ACCOUNT,
                policy: pulumi.all([buckets.backups.arn, keys.buckets.arn]).apply(([b, k]) => backupsAccessPolicy(b, k)),
                tags,
            },
            parent,
        );
        if (args.appRoleName) {
            new aws.iam.RolePolicy(
                `${prefix}-app-files`,
                { role: args.appRoleName, policy: pulumi.all([buckets.files.arn, keys.buckets.arn]).apply(([b, k]) => filesAccessPolicy(b, k, args.region!)) },
                { parent },
            );
        }
        new k8s.core.v1.ServiceAccount(
            "data-jobs",
            {
                metadata: {
                    name: JOBS_SERVICE_ACCOUNT,
                    namespace: NAMESPACES.app,
                    annotations: { "eks.amazonaws.com/role-arn": role.arn },
                    labels: { "app.kubernetes.io/part-of": "deepalpha", "app.kubernetes.io/component": "data" },
                },
                automountServiceAccountToken: false,
            },
            k8sOpts,
        );

        const influxUrl = pulumi.interpolate`https://${influx.endpoint}:${DATA_PORTS.influxdb}`;
        const s3Endpoint = `https://s3.${args.region}.amazonaws.com`;
        const connections: StoreConnections = {
            postgres: { host: postgres.host, readerHosts: postgres.readerHosts, password: pw.postgres, sslMode: "require", exporterPassword: pw.exporter },
            redis: { host: redis.host, password: pw.redis, tls: true, user: REDIS_USERS.app },
            influxdb: { url: influxUrl, org: s.influxdb.organization, bucket: s.influxdb.bucket, username: DB.influxUser, password: pw.influxdb },
            s3: { endpoint: s3Endpoint, region: args.region, backupsBucket: buckets.backups.bucket, filesBucket: buckets.files.bucket },
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
            jobsNamespace: NAMESPACES.app,
            jobsServiceAccount: JOBS_SERVICE_ACCOUNT,
            databases: [postgres.primary],
            jobPolicies: [jobEgressPolicy("production", network.vpcCidr)],
            influxInstance: influx,
            storePolicies: [],
        };
    }
}

export { LOCAL_STORES };
