import * as aws from "@pulumi/aws";
import type { PolicyResource } from "@pulumi/policy";
import { bucketPolicy } from "../lib/s3";
import { read, UNKNOWN } from "../lib/values";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

function blocksAll(r: PolicyResource): boolean | typeof UNKNOWN {
    const vs = FLAGS.map((f) => read(r.props, f));
    if (vs.includes(UNKNOWN)) return UNKNOWN;
    return vs.every((v) => v === true);
}

export const s3BucketPublicAccessBlock = bucketPolicy({
    name: "s3-bucket-public-access-block",
    description:
        "Every S3 bucket has a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true (or the account-level block does) (the design: public access blocked; CIS AWS Foundations Benchmark 2.1.4; AWS Foundational Security Best Practices S3.8).",
    companionClasses: [aws.s3.BucketPublicAccessBlock],
    accountWideClasses: [aws.s3.AccountPublicAccessBlock],
    verdict: blocksAll,
    missing: `public access is not blocked (aws.s3.BucketPublicAccessBlock with ${FLAGS.join(", ")} all true)`,
});
