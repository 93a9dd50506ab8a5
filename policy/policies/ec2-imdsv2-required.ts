import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { typeOf } from "../lib/types";
import { has, read, UNKNOWN } from "../lib/values";

const WITH_METADATA_OPTIONS = [aws.ec2.LaunchTemplate, aws.ec2.Instance].map(typeOf);
const EKS_NODE_GROUPS = [eks.ManagedNodeGroup, eks.NodeGroupV2, eks.NodeGroup].map(typeOf);

export const ec2Imdsv2Required: ResourceValidationPolicy = {
    name: "ec2-imdsv2-required",
    description:
        'Instances require IMDSv2: metadataOptions.httpTokens "required" on launch templates and instances, enableIMDSv2 on @pulumi/eks node groups without their own launch template (AWS Foundational Security Best Practices EC2.8; CIS AWS Foundations Benchmark 5.6; EKS Best Practices, restrict access to the instance metadata).',
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
        if (WITH_METADATA_OPTIONS.includes(args.type)) {
            // An instance started from a launch template takes its metadata options from it.
            if (!has(args.props, "metadataOptions") && has(args.props, "launchTemplate")) return args.notApplicable("uses a launch template");
            const v = read(args.props, "metadataOptions", "httpTokens");
            if (v !== "required" && v !== UNKNOWN) report(`metadataOptions.httpTokens is ${v === undefined ? "unset (optional)" : JSON.stringify(v)}: set it to "required"`);
            return;
        }
        if (EKS_NODE_GROUPS.includes(args.type)) {
            // A node group given its own launch template is judged on that aws.ec2.LaunchTemplate.
            if (has(args.props, "launchTemplate")) return args.notApplicable("uses its own launch template");
            const v = read(args.props, "enableIMDSv2");
            if (v !== true && v !== UNKNOWN) report(`enableIMDSv2 is ${v === undefined ? "unset (false)" : JSON.stringify(v)}: set it to true`);
            return;
        }
        return args.notApplicable(`only applies to ${[...WITH_METADATA_OPTIONS, ...EKS_NODE_GROUPS].join(", ")}`);
    },
};
