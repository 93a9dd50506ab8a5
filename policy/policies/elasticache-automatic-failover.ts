import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { read, UNKNOWN } from "../lib/values";

export const elasticacheAutomaticFailover: ResourceValidationPolicy = {
    name: "elasticache-automatic-failover",
    description: "ElastiCache replication groups fail over automatically: automaticFailoverEnabled: true (the seed's Redis primary with replicas; AWS Foundational Security Best Practices ElastiCache.3).",
    validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (_rg, args, report) => {
        const v = read(args.props, "automaticFailoverEnabled");
        if (v !== true && v !== UNKNOWN) report(`automaticFailoverEnabled is ${v === undefined ? "unset" : JSON.stringify(v)}: set it to true`);
    }),
};
