import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { read, UNKNOWN } from "../lib/values";

export const elasticacheAtRestEncryption: ResourceValidationPolicy = {
    name: "elasticache-at-rest-encryption",
    description: "ElastiCache replication groups encrypt data at rest: atRestEncryptionEnabled: true (the design: Redis encrypted at rest; AWS Foundational Security Best Practices ElastiCache.4).",
    validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (_rg, args, report) => {
        const v = read(args.props, "atRestEncryptionEnabled");
        if (v !== true && v !== UNKNOWN) report(`atRestEncryptionEnabled is ${v === undefined ? "unset" : JSON.stringify(v)}: set it to true`);
    }),
};
