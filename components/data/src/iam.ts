// IAM roles for Kubernetes ServiceAccounts (IRSA): the data Jobs get write access to the backups bucket only,
// through a role that only their ServiceAccount can assume. No static AWS keys anywhere in production.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { irsaTrustPolicy } from "@deepalpha/shared";

/**
 * Backups: list, read and write objects of one bucket, with its KMS key. No delete: a compromised Job cannot
 * erase history; old backups go only through the bucket's lifecycle rule.
 */
export function backupsAccessPolicy(bucketArn: string, kmsKeyArn: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "ListBackups", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: [bucketArn] },
            {
                Sid: "ReadWriteBackups",
                Effect: "Allow",
                Action: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                Resource: [`${bucketArn}/*`],
            },
            { Sid: "UseBucketKey", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: [kmsKeyArn] },
        ],
    });
}

/**
 * The application's files: list the bucket, read, write and delete current objects (a delete leaves a
 * recoverable noncurrent version; no s3:DeleteObjectVersion, so history cannot be purged). The key only through
 * S3 and only for this bucket: with an S3 Bucket Key the encryption context is the bucket's ARN, so the shared
 * buckets key opens nothing of the backups bucket.
 */
export function filesAccessPolicy(bucketArn: string, kmsKeyArn: string, region: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "ListFiles", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: [bucketArn] },
            {
                Sid: "ReadWriteFiles",
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                Resource: [`${bucketArn}/*`],
            },
            {
                Sid: "UseBucketKeyForFiles",
                Effect: "Allow",
                Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                Resource: [kmsKeyArn],
                Condition: {
                    StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com`, "kms:EncryptionContext:aws:s3:arn": bucketArn },
                },
            },
        ],
    });
}

export interface IrsaRoleArgs {
    name: string;
    oidcProviderArn: pulumi.Input<string>;
    oidcProviderUrl: pulumi.Input<string>;
    namespace: string;
    serviceAccount: string;
    policy: pulumi.Input<string>;
    tags: Record<string, string>;
}

export function createIrsaRole(a: IrsaRoleArgs, parent: pulumi.Resource): aws.iam.Role {
    const role = new aws.iam.Role(
        a.name,
        {
            description: `IRSA role of ${a.namespace}/${a.serviceAccount}`,
            assumeRolePolicy: pulumi
                .all([a.oidcProviderArn, a.oidcProviderUrl])
                .apply(([arn, url]) => irsaTrustPolicy(arn, url, a.namespace, a.serviceAccount)),
            maxSessionDuration: 3600,
            tags: a.tags,
        },
        { parent },
    );
    new aws.iam.RolePolicy(a.name, { role: role.id, policy: a.policy }, { parent: role });
    return role;
}
