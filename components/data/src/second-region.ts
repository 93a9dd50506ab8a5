// Production, data.secondRegion set: the backups survive the loss of the primary region. The backups bucket is
// replicated (S3 Replication, every new object version) to a bucket in the second region with its own KMS key,
// versioning, public access blocked, TLS only and the same lifecycle (S3 does not replicate lifecycle actions, so
// the replica expires its copies itself, after the same retention). RDS automated backups (snapshots and
// transaction logs, so point-in-time restore) are replicated to the same region, encrypted with that region's key.
// AWS provider 7's resource-level `region` places each resource; IAM is global.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { ResolvedDataTierArgs } from "./args";
import { serviceKeyPolicy } from "@deepalpha/shared";
import { lifecycleRules, tlsOnlyPolicy } from "./object-storage-s3";

/** Who may use the disaster-recovery key in its region: S3 (the replica bucket) and RDS (replicated backups). */
export const DR_KEY_SERVICES = ["s3", "rds"] as const;

export interface SecondRegionArgs {
    /** The tier instance's name: the Pulumi names are `${base}-...`. */
    base: string;
    /** Prefix of the physical names (the replica bucket, the key's alias). */
    prefix: string;
    region: string;
    settings: Pick<ResolvedDataTierArgs, "objectStorage" | "postgres">;
    accountId: pulumi.Input<string>;
    source: { bucket: aws.s3.Bucket; versioning: aws.s3.BucketVersioning; kmsKeyArn: pulumi.Input<string> };
    rdsInstanceArn: pulumi.Input<string>;
    tags: Record<string, string>;
}

export interface SecondRegion {
    key: aws.kms.Key;
    bucket: aws.s3.Bucket;
    replication: aws.s3.BucketReplicationConfig;
    rdsBackups: aws.rds.InstanceAutomatedBackupsReplication;
}

/** What S3 needs to copy the source bucket's versions into the replica (AWS: "Setting up permissions"). Pure. */
export function replicationPolicy(sourceBucketArn: string, sourceKeyArn: string, replicaBucketArn: string, replicaKeyArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "ReadSourceConfiguration", Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: [sourceBucketArn] },
            {
                Sid: "ReadSourceVersions",
                Effect: "Allow",
                Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                Resource: [`${sourceBucketArn}/*`],
            },
            { Sid: "WriteReplica", Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateTags"], Resource: [`${replicaBucketArn}/*`] },
            { Sid: "DecryptSource", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [sourceKeyArn] },
            { Sid: "EncryptReplica", Effect: "Allow", Action: ["kms:Encrypt", "kms:GenerateDataKey"], Resource: [replicaKeyArn] },
        ],
    });
}

export function createSecondRegion(a: SecondRegionArgs, parent: pulumi.Resource): SecondRegion {
    const region = a.region;
    const tags = { ...a.tags, "deepalpha.io/role": "disaster-recovery" };
    const key = new aws.kms.Key(
        `${a.base}-dr-backups-key`,
        {
            region,
            description: `DeepAlpha disaster recovery (${region}): replicated backups and RDS automated backups`,
            // Like the primary region's keys: the account administers it, only S3 and RDS of that region use it.
            policy: pulumi
                .all([a.accountId, aws.getPartitionOutput({}, { parent }).partition])
                .apply(([accountId, partition]) => serviceKeyPolicy({ partition, accountId, region, services: [...DR_KEY_SERVICES] })),
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            tags,
        },
        { parent, protect: true },
    );
    new aws.kms.Alias(`${a.base}-dr-backups-key`, { region, name: `alias/${a.prefix}-dr-backups`, targetKeyId: key.keyId }, { parent });

    const name = `${a.base}-backups-replica`;
    const bucket = new aws.s3.Bucket(
        name,
        { region, bucket: pulumi.interpolate`${a.prefix}-backups-replica-${a.accountId}-${region}`, forceDestroy: false, tags: { ...tags, "deepalpha.io/purpose": "backups" } },
        { parent, protect: true },
    );
    const child = { parent: bucket };
    const ownership = new aws.s3.BucketOwnershipControls(name, { region, bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
    const publicBlock = new aws.s3.BucketPublicAccessBlock(
        name,
        { region, bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        child,
    );
    const versioning = new aws.s3.BucketVersioning(name, { region, bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child);
    new aws.s3.BucketServerSideEncryptionConfiguration(
        name,
        { region, bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }] },
        child,
    );
    new aws.s3.BucketPolicy(name, { region, bucket: bucket.id, policy: bucket.arn.apply(tlsOnlyPolicy) }, { ...child, dependsOn: [publicBlock, ownership] });
    new aws.s3.BucketLifecycleConfiguration(name, { region, bucket: bucket.id, rules: lifecycleRules("backups", a.settings.objectStorage) }, { ...child, dependsOn: [versioning] });

    const role = new aws.iam.Role(
        `${a.base}-backups-replication`,
        {
            description: "S3 replication of the DeepAlpha backups bucket to the disaster-recovery region",
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            tags,
        },
        { parent },
    );
    const policy = new aws.iam.RolePolicy(
        `${a.base}-backups-replication`,
        {
            role: role.id,
            policy: pulumi
                .all([a.source.bucket.arn, a.source.kmsKeyArn, bucket.arn, key.arn])
                .apply(([sb, sk, rb, rk]) => replicationPolicy(sb, sk, rb, rk)),
        },
        { parent },
    );
    const replication = new aws.s3.BucketReplicationConfig(
        `${a.base}-backups`,
        {
            bucket: a.source.bucket.id,
            role: role.arn,
            rules: [
                {
                    id: "backups-to-second-region",
                    status: "Enabled",
                    filter: {},
                    // The source's expirations are lifecycle actions (never replicated); the replica keeps its own.
                    deleteMarkerReplication: { status: "Disabled" },
                    // The backups are SSE-KMS objects: replicate them, re-encrypted with the second region's key.
                    sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
                    destination: { bucket: bucket.arn, storageClass: "STANDARD", encryptionConfiguration: { replicaKmsKeyId: key.arn } },
                },
            ],
        },
        { parent: a.source.bucket, dependsOn: [a.source.versioning, versioning, policy] },
    );

    // Created in the destination region (the provider's note); the source instance's retention at most.
    const rdsBackups = new aws.rds.InstanceAutomatedBackupsReplication(
        `${a.base}-postgres-backups-replica`,
        { region, sourceDbInstanceArn: a.rdsInstanceArn, kmsKeyId: key.arn, retentionPeriod: a.settings.postgres.backupRetentionDays },
        { parent },
    );
    return { key, bucket, replication, rdsBackups };
}
