// Explicit key policies for the customer-managed KMS keys (CIS EKS Benchmark, EKS Best Practices: no default
// key policy). Pure, for tests.
//
// - The account administers the key (its IAM policies decide who): describe, list, policy, rotation, tags,
//   enable/disable, schedule or cancel deletion. No cryptographic action, so no IAM policy alone can use the key.
// - The key encrypts and decrypts only when a named AWS service calls on behalf of a principal of this account
//   (kms:ViaService and kms:CallerAccount, the pattern of AWS's own managed keys such as aws/rds and aws/s3): the
//   EKS control plane for Secrets, RDS and ElastiCache for the databases, S3 for the buckets. A direct
//   `aws kms decrypt` with a stolen ciphertext is refused whoever asks.

/** Administrative actions: everything but using the key. */
export const KEY_ADMIN_ACTIONS = [
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
    "kms:RotateKeyOnDemand",
] as const;

/** What a service needs to encrypt with the key, and to create the grants RDS, EBS and EKS hold on it. */
export const KEY_USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant", "kms:ListGrants"] as const;

/**
 * Key policy: administered by the account, used only through `services` (short names: "eks", "rds", "s3", ...).
 * Statement and key order fixed: the JSON is an input, and a reordering would show as a diff.
 */
export function serviceKeyPolicy(a: { partition: string; accountId: string; region: string; services: string[] }): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "AccountAdministersTheKey",
                Effect: "Allow",
                Principal: { AWS: `arn:${a.partition}:iam::${a.accountId}:root` },
                Action: [...KEY_ADMIN_ACTIONS],
                Resource: "*",
            },
            {
                Sid: "UseOnlyThroughTheServices",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: [...KEY_USE_ACTIONS],
                Resource: "*",
                Condition: {
                    StringEquals: {
                        "kms:CallerAccount": a.accountId,
                        "kms:ViaService": a.services.map((svc) => `${svc}.${a.region}.amazonaws.com`),
                    },
                },
            },
        ],
    });
}
