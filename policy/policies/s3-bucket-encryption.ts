import * as aws from "@pulumi/aws";
import { bucketPolicy } from "../lib/s3";
import { list, read, UNKNOWN } from "../lib/values";

const ALGORITHMS = new Set(["aws:kms", "aws:kms:dsse", "AES256"]);

/** Whether a server-side encryption rule list sets a default algorithm. */
function encrypts(rules: unknown[] | typeof UNKNOWN): boolean | typeof UNKNOWN {
    if (rules === UNKNOWN) return UNKNOWN;
    for (const r of rules) {
        const alg = read(r, "applyServerSideEncryptionByDefault", "sseAlgorithm");
        if (alg === UNKNOWN) return UNKNOWN;
        if (typeof alg === "string" && ALGORITHMS.has(alg)) return true;
    }
    return false;
}

export const s3BucketEncryption = bucketPolicy({
    name: "s3-bucket-encryption",
    description:
        "Every S3 bucket has default server-side encryption (aws:kms or AES256) through a BucketServerSideEncryptionConfiguration (the design's encrypted backups bucket; CIS AWS Foundations Benchmark 2.1.1; EKS Best Practices, encryption at rest).",
    companionClasses: [aws.s3.BucketServerSideEncryptionConfiguration, aws.s3.BucketServerSideEncryptionConfigurationV2],
    inline: (b) => {
        const cfg = read(b.props, "serverSideEncryptionConfiguration");
        if (cfg === UNKNOWN) return UNKNOWN;
        return cfg === undefined ? false : encrypts([read(cfg, "rule")]);
    },
    verdict: (c) => encrypts(list(c.props, "rules")),
    missing: "no server-side encryption configuration (aws.s3.BucketServerSideEncryptionConfiguration with an sseAlgorithm)",
});
