import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { read, UNKNOWN } from "../lib/values";

export const rdsStorageEncrypted: ResourceValidationPolicy = {
    name: "rds-storage-encrypted",
    description:
        "RDS instances encrypt their storage: storageEncrypted: true on primaries (the default is false); a read replica inherits its source's encryption and may not turn it off (the design: encrypted RDS; CIS AWS Foundations Benchmark 2.3.1; AWS Foundational Security Best Practices RDS.3).",
    validateResource: validateResourceOfType(aws.rds.Instance, (_db, args, report) => {
        const v = read(args.props, "storageEncrypted");
        if (v === UNKNOWN || v === true) return;
        const replica = read(args.props, "replicateSourceDb");
        if (replica !== undefined && v === undefined) return;
        report(`storageEncrypted is ${v === undefined ? "unset (false)" : JSON.stringify(v)}: set it to true`);
    }),
};
