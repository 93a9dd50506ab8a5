import * as aws from "@pulumi/aws";
import { bucketPolicy } from "../lib/s3";
import { read, UNKNOWN } from "../lib/values";

export const s3BucketVersioning = bucketPolicy({
    name: "s3-bucket-versioning",
    description:
        "Every S3 bucket has versioning enabled through a BucketVersioning (status Enabled) (the design: versioned backups bucket; AWS Foundational Security Best Practices S3.14).",
    companionClasses: [aws.s3.BucketVersioning, aws.s3.BucketVersioningV2],
    inline: (b) => {
        const v = read(b.props, "versioning", "enabled");
        return v === UNKNOWN ? UNKNOWN : v === true;
    },
    verdict: (c) => {
        const s = read(c.props, "versioningConfiguration", "status");
        return s === UNKNOWN ? UNKNOWN : s === "Enabled";
    },
    missing: "versioning is not enabled (aws.s3.BucketVersioning with versioningConfiguration.status Enabled)",
});
