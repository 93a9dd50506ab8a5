import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { read } from "../lib/values";

export const rdsNotPublic: ResourceValidationPolicy = {
    name: "rds-not-public",
    description:
        "RDS instances are not publicly accessible: publiclyAccessible unset or false (the design: databases in private subnets; CIS AWS Foundations Benchmark 2.3.3; AWS Foundational Security Best Practices RDS.2).",
    validateResource: validateResourceOfType(aws.rds.Instance, (_db, args, report) => {
        if (read(args.props, "publiclyAccessible") === true) report("publiclyAccessible: true: an RDS instance must only be reachable inside the VPC");
    }),
};
