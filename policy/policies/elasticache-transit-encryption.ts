import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { read, UNKNOWN } from "../lib/values";

export const elasticacheTransitEncryption: ResourceValidationPolicy = {
    name: "elasticache-transit-encryption",
    description: "ElastiCache replication groups encrypt traffic in transit: transitEncryptionEnabled: true (the design: Redis encrypted in transit; AWS Foundational Security Best Practices ElastiCache.5).",
    validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (_rg, args, report) => {
        const v = read(args.props, "transitEncryptionEnabled");
        if (v !== true && v !== UNKNOWN) report(`transitEncryptionEnabled is ${v === undefined ? "unset" : JSON.stringify(v)}: set it to true`);
    }),
};
