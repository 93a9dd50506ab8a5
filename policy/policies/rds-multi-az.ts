import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { read, UNKNOWN } from "../lib/values";

export const rdsMultiAz: ResourceValidationPolicy = {
    name: "rds-multi-az",
    description:
        "In prod a primary RDS instance (one without replicateSourceDb) is Multi-AZ: multiAz: true (the seed's PostgreSQL primary with standby; AWS Foundational Security Best Practices RDS.5).",
    configSchema: { properties: { required: { type: "boolean", default: true } } },
    validateResource: validateResourceOfType(aws.rds.Instance, (_db, args, report) => {
        const { required = true } = args.getConfig<{ required?: boolean }>();
        if (!required) return args.notApplicable("Multi-AZ is not required by this stack's policy config");
        const replica = read(args.props, "replicateSourceDb");
        if (replica === UNKNOWN) return;
        if (replica !== undefined) return args.notApplicable("read replica: Multi-AZ applies to the primary");
        const v = read(args.props, "multiAz");
        if (v !== true && v !== UNKNOWN) report(`multiAz is ${v === undefined ? "unset (false)" : JSON.stringify(v)}: a primary must be Multi-AZ`);
    }),
};
