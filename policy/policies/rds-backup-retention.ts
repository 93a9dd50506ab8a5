import * as aws from "@pulumi/aws";
import { validateResourceOfType } from "@pulumi/policy";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { read, UNKNOWN } from "../lib/values";

export const rdsBackupRetention: ResourceValidationPolicy = {
    name: "rds-backup-retention",
    description:
        "Primary RDS instances keep automated backups for at least minDays (7) days: backupRetentionPeriod >= 7 (the seed's daily backups kept 7 days; AWS Foundational Security Best Practices RDS.11).",
    configSchema: { properties: { minDays: { type: "integer", minimum: 1, default: 7 } } },
    validateResource: validateResourceOfType(aws.rds.Instance, (_db, args, report) => {
        const { minDays = 7 } = args.getConfig<{ minDays?: number }>();
        const replica = read(args.props, "replicateSourceDb");
        if (replica === UNKNOWN) return;
        if (replica !== undefined) return args.notApplicable("read replica: backups are taken from the primary");
        const v = read(args.props, "backupRetentionPeriod");
        if (v === UNKNOWN) return;
        if (typeof v !== "number" || v < minDays) report(`backupRetentionPeriod is ${v === undefined ? "unset" : JSON.stringify(v)}: keep backups at least ${minDays} days`);
    }),
};
