// Production object storage: the seed's "Backups & Files" as two S3 buckets. Both: versioned, SSE-KMS with the
// buckets' key, every public access path blocked, ACLs off, a bucket policy refusing plain HTTP. Backups expire
// after the retention (the seed's `find -mtime +7 -delete`, done by S3); overwritten or deleted files stay
// recoverable as noncurrent versions for a configured number of days.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { ObjectStorageArgs } from "./args";

export interface S3BucketsArgs {
    /** The tier instance's name: the Pulumi names are `${base}-backups` and `${base}-files` (and their children's). */
    base: string;
    /** Prefix of the bucket names. */
    prefix: string;
    settings: Required<ObjectStorageArgs>;
    kmsKeyArn: pulumi.Input<string>;
    accountId: pulumi.Input<string>;
    region: string;
    tags: Record<string, string>;
}

export interface S3Buckets {
    backups: aws.s3.Bucket;
    files: aws.s3.Bucket;
    /** Versioning of the backups bucket: replication needs it on first. */
    backupsVersioning: aws.s3.BucketVersioning;
}

/** Days a backup survives as a noncurrent version after its expiration: S3's minimum. */
export const BACKUP_NONCURRENT_DAYS = 1;

/** Lifecycle rules of a bucket. Pure, for tests. */
export function lifecycleRules(kind: "backups" | "files", s: Required<ObjectStorageArgs>) {
    const abort = { daysAfterInitiation: 1 };
    if (kind === "backups") {
        return [
            {
                id: "expire-backups",
                status: "Enabled",
                filter: {},
                // Versioned bucket: at the retention S3 only turns the backup into a noncurrent version (behind a
                // delete marker); the noncurrent version goes one day later, S3's shortest. With the retention here
                // too a backup would live twice the retention (about 14 days for the seed's 7).
                expiration: { days: s.backupRetentionDays },
                noncurrentVersionExpiration: { noncurrentDays: BACKUP_NONCURRENT_DAYS },
                abortIncompleteMultipartUpload: abort,
            },
            // S3 refuses expiredObjectDeleteMarker together with days in one expiration block.
            { id: "remove-expired-delete-markers", status: "Enabled", filter: {}, expiration: { expiredObjectDeleteMarker: true } },
        ];
    }
    return [
        {
            id: "expire-noncurrent-files",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: s.filesNoncurrentVersionDays },
            abortIncompleteMultipartUpload: abort,
        },
        { id: "remove-expired-delete-markers", status: "Enabled", filter: {}, expiration: { expiredObjectDeleteMarker: true } },
    ];
}

/** Bucket policy: deny every request that does not use TLS. Key order fixed for stable previews. */
export function tlsOnlyPolicy(bucketArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    });
}

export function createS3Buckets(a: S3BucketsArgs, parent: pulumi.Resource): S3Buckets {
    const versionings: Partial<Record<"backups" | "files", aws.s3.BucketVersioning>> = {};
    const make = (kind: "backups" | "files") => {
        const name = `${a.base}-${kind}`;
        const bucket = new aws.s3.Bucket(
            name,
            {
                // Globally unique and stable across runs: account and region instead of a random suffix.
                bucket: pulumi.interpolate`${a.prefix}-${kind}-${a.accountId}-${a.region}`,
                forceDestroy: false,
                tags: { ...a.tags, "deepalpha.io/purpose": kind },
            },
            { parent, protect: true },
        );
        const child = { parent: bucket };
        const ownership = new aws.s3.BucketOwnershipControls(name, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
        const publicBlock = new aws.s3.BucketPublicAccessBlock(
            name,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            child,
        );
        const versioning = new aws.s3.BucketVersioning(name, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child);
        versionings[kind] = versioning;
        new aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            {
                bucket: bucket.id,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: a.kmsKeyArn }, bucketKeyEnabled: true }],
            },
            child,
        );
        // After the public access block, so the policy is never evaluated on an unblocked bucket.
        new aws.s3.BucketPolicy(name, { bucket: bucket.id, policy: bucket.arn.apply(tlsOnlyPolicy) }, { ...child, dependsOn: [publicBlock, ownership] });
        // Lifecycle rules on noncurrent versions need versioning on first.
        new aws.s3.BucketLifecycleConfiguration(name, { bucket: bucket.id, rules: lifecycleRules(kind, a.settings) }, { ...child, dependsOn: [versioning] });
        return bucket;
    };
    const backups = make("backups");
    const files = make("files");
    return { backups, files, backupsVersioning: versionings.backups! };
}
