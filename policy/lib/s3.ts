// S3 in @pulumi/aws 7: a bucket's encryption, versioning and public access block are separate
// resources that name the bucket. A stack policy pairs them with the bucket they configure.
import * as aws from "@pulumi/aws";
import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { dependsOn } from "./stack";
import { type ResourceClass, typeOf } from "./types";
import { read, UNKNOWN } from "./values";

export const BUCKET_TYPES = [aws.s3.Bucket, aws.s3.BucketV2].map(typeOf);

/** Whether a companion resource (its `bucket` input) configures `bucket`. */
export function configures(companion: PolicyResource, bucket: PolicyResource): boolean {
    const target = read(companion.props, "bucket");
    const name = read(bucket.props, "bucket");
    if (typeof target === "string" && typeof name === "string") return target === name;
    return dependsOn(companion, bucket, "bucket");
}

/**
 * A stack policy: every bucket must be satisfied, inline (the deprecated in-bucket arguments) or by a
 * companion resource of one of `companionClasses`. `verdict` says whether one resource satisfies the
 * rule: true, false, or UNKNOWN (computed during preview, so not a violation).
 */
export function bucketPolicy(p: {
    name: string;
    description: string;
    companionClasses: ResourceClass[];
    /** A companion that applies to every bucket in the account (the account-level public access block). */
    accountWideClasses?: ResourceClass[];
    inline?(bucket: PolicyResource): boolean | typeof UNKNOWN;
    verdict(companion: PolicyResource): boolean | typeof UNKNOWN;
    missing: string;
}): StackValidationPolicy {
    const companionTypes = p.companionClasses.map(typeOf);
    const accountTypes = (p.accountWideClasses ?? []).map(typeOf);
    return {
        name: p.name,
        description: p.description,
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const buckets = args.resources.filter((r) => BUCKET_TYPES.includes(r.type));
            if (!buckets.length) return args.notApplicable("no S3 bucket in the stack");
            const accountWide = args.resources.filter((r) => accountTypes.includes(r.type)).map(p.verdict);
            if (accountWide.includes(true) || accountWide.includes(UNKNOWN)) return;
            const companions = args.resources.filter((r) => companionTypes.includes(r.type));
            for (const b of buckets) {
                const verdicts = companions.filter((c) => configures(c, b)).map(p.verdict);
                if (p.inline) verdicts.push(p.inline(b));
                if (verdicts.includes(true) || verdicts.includes(UNKNOWN)) continue;
                report(`bucket ${b.name}: ${p.missing}`, b.urn);
            }
        },
    };
}
