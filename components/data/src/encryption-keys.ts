// Customer-managed KMS keys of the production data tier: one for the databases (RDS, ElastiCache,
// Performance Insights), one for the S3 buckets, so access to backups can be granted without the databases' key.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { serviceKeyPolicy } from "@deepalpha/shared";

export interface DataKeys {
    databases: aws.kms.Key;
    buckets: aws.kms.Key;
}

/** Who may use each key, besides the account administering it (components/shared/src/kms.ts). */
export const DATA_KEY_SERVICES = { databases: ["rds", "elasticache"], buckets: ["s3"] } as const;

export function createDataKeys(
    /** base: the tier instance's name (Pulumi names `${base}-<key>-key`); prefix: of the aliases (`alias/${prefix}-<key>`). */
    names: { base: string; prefix: string },
    tags: Record<string, string>,
    parent: pulumi.Resource,
    where: { accountId: pulumi.Input<string>; region: string },
): DataKeys {
    const partition = aws.getPartitionOutput({}, { parent }).partition;
    const key = (name: keyof typeof DATA_KEY_SERVICES, description: string) => {
        const k = new aws.kms.Key(
            `${names.base}-${name}-key`,
            {
                description,
                policy: pulumi
                    .all([where.accountId, partition])
                    .apply(([accountId, p]) => serviceKeyPolicy({ partition: p, accountId, region: where.region, services: [...DATA_KEY_SERVICES[name]] })),
                enableKeyRotation: true,
                // The longest wait: a scheduled deletion of a key that still encrypts data can be cancelled.
                deletionWindowInDays: 30,
                tags,
            },
            { parent, protect: true },
        );
        new aws.kms.Alias(`${names.base}-${name}-key`, { name: `alias/${names.prefix}-${name}`, targetKeyId: k.keyId }, { parent });
        return k;
    };
    return {
        databases: key("databases", "DeepAlpha data tier: RDS PostgreSQL, ElastiCache Redis, Performance Insights"),
        buckets: key("buckets", "DeepAlpha data tier: S3 backups and files buckets"),
    };
}
