import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { read, UNKNOWN } from "../lib/values";

export const rdsDeletionProtection: ResourceValidationPolicy = {
    name: "rds-deletion-protection",
    description: "RDS instances have deletionProtection: true (the design: deletion protection on the trading database; AWS Foundational Security Best Practices RDS.8).",
    validateResource: validateResourceOfType(aws.rds.Instance, (_db, args, report) => {
        const v = read(args.props, "deletionProtection");
        if (v !== true && v !== UNKNOWN) report(`deletionProtection is ${v === undefined ? "unset (false)" : JSON.stringify(v)}: set it to true`);
    }),
};
