// The data tier's argument validation: a strict schema of the resolved args (after defaults) and the checks
// across fields, run before the component registers anything. A mistake reads like the DeepAlpha stack
// settings' errors: the argument's path, the value given, what is allowed.
import { z } from "zod";
import { field, MIN_FUTURE_PARTITIONS, PROFILES, show, validateArgs } from "@deepalpha/shared";
import type { ResolvedDataTierArgs } from "./args";

const { int, quantity, cron, imageRef, dnsLabel, input, cidr } = field;

/** An AWS region name such as us-west-2 (also the GovCloud and ISO partitions' names). */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$/;

const awsRegion = () => z.string().regex(AWS_REGION_PATTERN, { error: "expected an AWS region such as us-west-2" });
const bucketName = () =>
    z.string().max(63, { abort: true }).regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: "expected an S3 bucket name such as acme-backups (3-63 lower-case letters, digits, '.' and '-')" });

/** A value (often an Output) that must be given; nothing else to check at construction. */
const required = (what: string) => z.custom<unknown>((v) => v !== undefined && v !== null, { error: `required: ${what}` });

/** PostgreSQL: RDS in production, a StatefulSet locally. The DeepAlpha stack settings use this schema too (settings/schema.ts): one set of rules. */
export const POSTGRES_SETTINGS = z
    .object({
        engineVersion: z
            .string()
            .regex(/^1[5-9](\.[0-9]+)?$/, { error: "expected PostgreSQL 15 or newer: a major version such as 16" })
            .describe("production: RDS PostgreSQL major version; RDS creates the instance on the major's current default minor and applies minor upgrades itself (check with aws rds describe-db-engine-versions)"),
        instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: "expected an RDS instance class such as db.r6g.xlarge" }),
        allocatedStorageGb: int(20, 65536),
        maxAllocatedStorageGb: int(20, 65536),
        readReplicas: int(0, 5),
        backupRetentionDays: int(1, 35),
        volumeSize: quantity().describe("local: PersistentVolumeClaim size"),
    })
    .strict();

/** Redis: ElastiCache in production, a StatefulSet locally. The DeepAlpha stack settings use this schema too (settings/schema.ts): one set of rules. */
export const REDIS_SETTINGS = z
    .object({
        engineVersion: z.string().regex(/^[6-8]\.[0-9]+$/, { error: "expected a Redis OSS version such as 7.1" }),
        nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { error: "expected an ElastiCache node type such as cache.r6g.large" }),
        replicas: int(0, 5),
        snapshotRetentionDays: int(1, 35),
        volumeSize: quantity(),
    })
    .strict();

/** InfluxDB 2: Timestream for InfluxDB in production, a StatefulSet locally. The DeepAlpha stack settings use this schema too (settings/schema.ts): one set of rules. */
export const INFLUXDB_SETTINGS = z
    .object({
        instanceClass: z.string().regex(/^db\.influx\.[a-z0-9]+$/, { error: "expected a Timestream for InfluxDB class such as db.influx.large" }),
        allocatedStorageGb: int(20, 16384),
        organization: z.string().min(1),
        bucket: z.string().min(1),
        retention: z.string().regex(/^([0-9]+[smhdw])+$|^0$/, { error: "expected a duration such as 90d, or 0 for infinite" }),
        volumeSize: quantity(),
    })
    .strict();

/** Object storage: S3 in production, SeaweedFS locally. The DeepAlpha stack settings use this schema too (settings/schema.ts): one set of rules. */
export const OBJECT_STORAGE_SETTINGS = z
    .object({
        backupRetentionDays: int(1, 3650).describe("days a backup is kept before the lifecycle rule expires it"),
        filesNoncurrentVersionDays: int(1, 3650).describe("production: days an overwritten or deleted object in the files bucket stays recoverable"),
        volumeSize: quantity(),
    })
    .strict();

/** The schema of the resolved args. Values only known after deployment (Outputs, resources) are `input()`. */
export const dataTierArgsSchema = z
    .object({
        profile: z.enum(PROFILES),
        provider: input().optional(),
        kubernetesDependsOn: z.array(input()).optional(),
        network: z
            .object({
                vpcId: required("the VPC's ID"),
                vpcCidr: cidr(),
                privateSubnetIds: required("the private subnets' IDs, where the stores' subnet groups go"),
                availabilityZones: required("the private subnets' availability zones, in subnet order"),
                nodeSecurityGroupId: required("the worker nodes' security group, the only source the stores admit"),
            })
            .strict()
            .optional(),
        oidcProviderArn: input().optional(),
        oidcProviderUrl: input().optional(),
        appRoleName: input().optional(),
        region: awsRegion().optional(),
        tags: z.record(z.string(), z.string()).optional(),
        awsNamePrefix: z
            .string()
            .max(39, { abort: true })
            .regex(/^[a-z][a-z0-9-]{1,38}$/, { error: "expected a lower-case name, 2-39 characters, starting with a letter (letters, digits, '-')" }),
        postgres: POSTGRES_SETTINGS,
        redis: REDIS_SETTINGS,
        influxdb: INFLUXDB_SETTINGS,
        objectStorage: OBJECT_STORAGE_SETTINGS,
        backupSchedule: cron(),
        secondRegion: z.string().regex(/^$|^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$/, { error: "expected an AWS region such as us-east-1, or an empty string for none" }),
        partitionMonthsAhead: int(MIN_FUTURE_PARTITIONS, 24),
        images: z
            .object({ postgres: imageRef(), redis: imageRef(), influxdb: imageRef(), objectStore: imageRef(), awsCli: imageRef() })
            .strict(),
        backupScratchSize: quantity(),
        restoreDrillScratchSize: quantity(),
        namespaces: z.object({ app: dnsLabel(), data: dnsLabel(), monitoring: dnsLabel() }).strict(),
        connectionSecretName: dnsLabel(),
        jobsSecretName: dnsLabel(),
        jobsServiceAccountName: dnsLabel(),
        influxdbTokenWriterName: dnsLabel(),
        localBuckets: z.object({ backups: bucketName(), files: bucketName() }).strict(),
    })
    .strict();

/**
 * The longest AWS physical names the production profile derives from awsNamePrefix, with AWS's limits: a
 * prefix that makes one too long is refused here, not by AWS halfway through a deployment.
 */
export function physicalNameProblems(a: Pick<ResolvedDataTierArgs, "awsNamePrefix" | "region" | "secondRegion" | "postgres">): string[] {
    const p = a.awsNamePrefix;
    // The account ID in bucket names has 12 digits.
    const account = "123456789012";
    const names: [string, string, number][] = [
        ["the RDS identifier", `${p}-postgres${a.postgres.readReplicas > 0 ? `-replica-${a.postgres.readReplicas}` : ""}`, 63],
        ["the ElastiCache replication group ID", `${p}-redis`, 40],
        ["the Timestream for InfluxDB instance name", `${p}-influxdb`, 40],
        ...(a.region
            ? ([
                  ["the files bucket's name", `${p}-files-${account}-${a.region}`, 63],
                  ["the backups bucket's name", `${p}-backups-${account}-${a.region}`, 63],
              ] as [string, string, number][])
            : []),
        ...(a.secondRegion ? [["the backups replica bucket's name", `${p}-backups-replica-${account}-${a.secondRegion}`, 63] as [string, string, number]] : []),
    ];
    return names
        .filter(([, n, max]) => n.length > max)
        .map(([what, n, max]) => `awsNamePrefix: got ${show(p)}, too long: ${what} would be ${show(n.replace(account, "<account>"))} (${n.length} characters), AWS allows at most ${max}`);
}

/** The problems no single field shows: fields that must agree, and what the production profile needs. */
export function crossFieldProblems(a: ResolvedDataTierArgs): string[] {
    const p: string[] = [];
    const pg = a.postgres;
    if (typeof pg?.maxAllocatedStorageGb === "number" && typeof pg.allocatedStorageGb === "number" && pg.maxAllocatedStorageGb < pg.allocatedStorageGb) {
        p.push(`postgres.maxAllocatedStorageGb: got ${pg.maxAllocatedStorageGb}, allowed minimum is postgres.allocatedStorageGb (${pg.allocatedStorageGb})`);
    }
    if (a.localBuckets?.backups !== undefined && a.localBuckets.backups === a.localBuckets.files) {
        p.push(`localBuckets.files: got ${show(a.localBuckets.files)}, the same as localBuckets.backups; the two buckets need different names`);
    }
    // The Jobs' Secret lives beside the connection Secret in production (the Jobs run in the app namespace), and locally when the two namespaces are one.
    const jobsNamespace = a.profile === "local" ? a.namespaces?.data : a.namespaces?.app;
    if (jobsNamespace === a.namespaces?.app && a.jobsSecretName === a.connectionSecretName) {
        p.push(`jobsSecretName: got ${show(a.jobsSecretName)}, the same as connectionSecretName in namespace ${show(jobsNamespace)}; the two Secrets need different names`);
    }
    if (a.profile === "local") {
        if (a.secondRegion) p.push(`secondRegion: got ${show(a.secondRegion)}; the local profile has no AWS, so it must be "" (production only)`);
        return p;
    }
    if (a.profile !== "production") return p;

    if (!a.network) {
        p.push(
            "network: got (unset), the production profile needs the cluster's network (vpcId, vpcCidr, privateSubnetIds, nodeSecurityGroupId, availabilityZones: " +
                "ClusterComponent.network): RDS, ElastiCache and Timestream live in its private subnets",
        );
    }
    for (const key of ["oidcProviderArn", "oidcProviderUrl"] as const) {
        if (a[key] === undefined) p.push(`${key}: got (unset), the production profile needs the cluster's IAM OIDC provider: the backup Jobs reach S3 through IRSA`);
    }
    if (a.region === undefined) p.push('region: got (unset), the production profile needs the AWS region of the stores (aws:region), such as "us-west-2"');
    else if (a.secondRegion === a.region) p.push(`secondRegion: got ${show(a.secondRegion)}, the same as region; the copies must live in another region (or "" for none)`);
    if (a.jobsServiceAccountName === a.influxdbTokenWriterName) {
        p.push(`influxdbTokenWriterName: got ${show(a.influxdbTokenWriterName)}, the same as jobsServiceAccountName; both are ServiceAccounts in namespace ${show(a.namespaces?.app)}`);
    }
    const version = pg?.engineVersion;
    if (typeof version === "string" && version.includes(".")) {
        p.push(
            `postgres.engineVersion: got ${show(version)}, the production profile takes the major version only (such as ${show(version.split(".")[0])}): ` +
                "RDS creates the instance on the major's default minor and upgrades minors itself; a pinned minor would plan a downgrade after a forced upgrade",
        );
    }
    const clientTag = a.images?.postgres?.tag;
    if (typeof version === "string" && typeof clientTag === "string" && clientTag.split(/[.-]/)[0] !== version.split(".")[0]) {
        p.push(`images.postgres.tag: got ${show(clientTag)}, the migration and pg_dump client must have the server's major version (postgres.engineVersion ${show(version)})`);
    }
    const redis = a.redis?.engineVersion;
    if (typeof redis === "string" && Number(redis.split(".")[0]) < 7) {
        p.push(
            `redis.engineVersion: got ${show(redis)}, the production profile needs Redis OSS 7.0 or newer ` +
                "(the RBAC users' access strings use subcommand rules such as +client|list, which ElastiCache accepts from 7.0)",
        );
    }
    if (typeof a.awsNamePrefix === "string" && typeof pg?.readReplicas === "number") p.push(...physicalNameProblems(a));
    return p;
}

/** Throws an ArgsError listing every problem of the resolved args; returns quietly when there is none. */
export function validateDataTierArgs(name: string, args: ResolvedDataTierArgs): void {
    validateArgs("DataTier", name, dataTierArgsSchema, args, crossFieldProblems(args));
}
