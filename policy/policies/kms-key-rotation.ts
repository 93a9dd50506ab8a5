import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { read, UNKNOWN } from "../lib/values";

export const kmsKeyRotation: ResourceValidationPolicy = {
    name: "kms-key-rotation",
    description:
        "Symmetric customer-managed KMS keys rotate automatically: enableKeyRotation: true (CIS AWS Foundations Benchmark, KMS rotation; AWS Foundational Security Best Practices KMS.4; EKS Best Practices: the secrets-encryption key).",
    validateResource: validateResourceOfType(aws.kms.Key, (_key, args, report) => {
        const spec = read(args.props, "customerMasterKeySpec") ?? read(args.props, "keySpec");
        const usage = read(args.props, "keyUsage");
        if (spec === UNKNOWN || usage === UNKNOWN) return;
        // AWS only rotates symmetric encryption keys; asymmetric and HMAC keys cannot rotate.
        if ((spec !== undefined && spec !== "SYMMETRIC_DEFAULT") || (usage !== undefined && usage !== "ENCRYPT_DECRYPT")) {
            return args.notApplicable(`${String(spec ?? usage)} keys cannot rotate`);
        }
        const v = read(args.props, "enableKeyRotation");
        if (v !== true && v !== UNKNOWN) report(`enableKeyRotation is ${v === undefined ? "unset (false)" : JSON.stringify(v)}: set it to true`);
    }),
};
