// Managed node groups: "general" for everything, "executor" tainted for the Rust executor only.
// Plain aws.eks.NodeGroup + aws.ec2.LaunchTemplate (not eks.ManagedNodeGroup, a remote component that
// tests and offline policies cannot look into): IMDSv2, encrypted gp3 root volumes, the kernel/TCP tuning of
// both groups and the executor's kubelet tuning (node-tuning.ts) are all visible in the plan.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { ResolvedClusterArgs } from "./args";
import { EXECUTOR_CPU_LABEL, EXECUTOR_NODES } from "@deepalpha/shared";
import { managedPolicy } from "./iam";
import { type NodeRole, nodeUserData } from "./node-tuning";

export type { NodeRole };

/** Label every node carries, so workloads can select a group by role. */
export const NODE_ROLE_LABEL = Object.keys(EXECUTOR_NODES.labels)[0];

/** Kubernetes taint effect -> the EKS API's spelling. */
const TAINT_EFFECT: Record<string, string> = { NoSchedule: "NO_SCHEDULE", NoExecute: "NO_EXECUTE", PreferNoSchedule: "PREFER_NO_SCHEDULE" };

/** Graviton families (m7g, c7gn, r8g, ...) need the ARM AMI; everything else runs the x86_64 one. */
export function amiTypeFor(instanceType: string): string {
    return /^[a-z]+[0-9]+g[a-z]*\./.test(instanceType) ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/**
 * The primary network interface of an ENA Express node: the security groups move here (EKS takes them on the
 * instance or on the interface, never both), ENA Express (SRD) on for TCP, off for UDP, which it would reorder.
 */
export function enaExpressInterface(securityGroupIds: pulumi.Input<string>[]) {
    return {
        deviceIndex: 0,
        deleteOnTermination: "true",
        securityGroups: securityGroupIds,
        enaSrdSpecification: { enaSrdEnabled: true, enaSrdUdpSpecification: { enaSrdUdpEnabled: false } },
    };
}

/**
 * The stack's problem with ENA Express on the executor nodes, given EC2's answer for the instance type
 * (DescribeInstanceTypes' EnaSrdSupported); undefined when there is none. The program asks EC2 before it
 * creates anything (program.ts, checkAgainstEc2).
 */
export function enaExpressProblem(instanceType: string, enaSrdSupported: boolean): string | undefined {
    if (enaSrdSupported) return undefined;
    return `deepalpha:cluster.executorNodes.enaExpress: got true, but EC2 reports that ${instanceType} does not support ENA Express; set it to false or choose an instance type that supports it`;
}

export interface NodeGroupsArgs {
    args: ResolvedClusterArgs;
    clusterName: pulumi.Output<string>;
    privateSubnetIds: pulumi.Input<string>[];
    /** EKS-created cluster security group (node <-> control plane) and our own node group. */
    securityGroupIds: pulumi.Input<string>[];
    partition: pulumi.Input<string>;
    tags?: Record<string, string>;
    /** Add-ons the nodes need before they can become Ready (VPC CNI, kube-proxy). */
    dependsOn: pulumi.Resource[];
}

export interface NodeGroups {
    role: aws.iam.Role;
    /** One general group per availability zone (private subnet), in subnet order. */
    general: aws.eks.NodeGroup[];
    executor: aws.eks.NodeGroup;
    launchTemplates: aws.ec2.LaunchTemplate[];
}

/**
 * A total node count split over `zones` groups as evenly as possible (the first zones take the remainder):
 * 3 over 3 -> [1, 1, 1], 9 over 3 -> [3, 3, 3], 3 over 4 -> [1, 1, 1, 0]. Pure.
 */
export function splitAcrossZones(total: number, zones: number): number[] {
    return Array.from({ length: zones }, (_, i) => Math.floor(total / zones) + (i < total % zones ? 1 : 0));
}

export function createNodeGroups(name: string, args: NodeGroupsArgs, parent: pulumi.Resource): NodeGroups {
    const s = args.args;
    const opts = { parent };
    const role = new aws.iam.Role(
        `${name}-node`,
        {
            description: `${s.clusterName} managed node groups`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            tags: args.tags,
        },
        opts,
    );
    // The CNI's permissions are on its own IRSA role (addons.ts), not on every node (EKS Best Practices).
    const attachments = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"].map(
        (p) => new aws.iam.RolePolicyAttachment(`${name}-node-${p}`, { role: role.name, policyArn: managedPolicy(args.partition, p) }, opts),
    );

    const launchTemplates: aws.ec2.LaunchTemplate[] = [];
    const launchTemplate = (nodeRole: NodeRole, userData: string, enaExpress = false) => {
        const lt = new aws.ec2.LaunchTemplate(
            `${name}-${nodeRole}`,
            {
                namePrefix: `${s.clusterName}-${nodeRole}-`,
                description: `${s.clusterName} ${nodeRole} nodes`,
                updateDefaultVersion: true,
                // IMDSv2 only, and one hop: pods cannot reach the node role's credentials; they use IRSA.
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
                // With security groups in the launch template EKS adds none itself: the cluster group keeps the
                // control plane reachable, the node group is what the data tier admits.
                ...(enaExpress
                    ? { networkInterfaces: [enaExpressInterface(args.securityGroupIds)] }
                    : { vpcSecurityGroupIds: args.securityGroupIds }),
                blockDeviceMappings: [
                    { deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
                ],
                userData: Buffer.from(userData).toString("base64"),
                tagSpecifications: [
                    { resourceType: "instance", tags: { ...args.tags, Name: `${s.clusterName}-${nodeRole}` } },
                    { resourceType: "volume", tags: { ...args.tags, Name: `${s.clusterName}-${nodeRole}` } },
                ],
                tags: args.tags,
            },
            opts,
        );
        launchTemplates.push(lt);
        return lt;
    };
    const group = (
        resourceName: string,
        namePrefix: string,
        subnetIds: pulumi.Input<string>[],
        lt: aws.ec2.LaunchTemplate,
        g: { instanceType: string; minSize: number; desiredSize: number; maxSize: number },
        extra: { labels: Record<string, string>; taints?: aws.types.input.eks.NodeGroupTaint[] },
    ) =>
        new aws.eks.NodeGroup(
            resourceName,
            {
                clusterName: args.clusterName,
                // A prefix: a replacement node group is created before the old one is deleted.
                nodeGroupNamePrefix: namePrefix,
                nodeRoleArn: role.arn,
                subnetIds,
                version: s.kubernetesVersion,
                amiType: amiTypeFor(g.instanceType),
                capacityType: "ON_DEMAND",
                instanceTypes: [g.instanceType],
                scalingConfig: { minSize: g.minSize, desiredSize: g.desiredSize, maxSize: g.maxSize },
                updateConfig: { maxUnavailable: 1 },
                launchTemplate: { id: lt.id, version: lt.latestVersion.apply((v) => String(v)) },
                labels: extra.labels,
                ...(extra.taints ? { taints: extra.taints } : {}),
                tags: args.tags,
            },
            {
                ...opts,
                dependsOn: [...attachments, ...args.dependsOn],
                // The cluster autoscaler owns the current size; Pulumi owns min and max.
                ignoreChanges: ["scalingConfig.desiredSize"],
            },
        );

    // General: one group per zone (EKS Best Practices, Cluster Autoscaler: a group spanning zones cannot be
    // asked for a node in the zone of a pending pod's EBS volume, so that pod can stay Pending). The totals of
    // generalNodes are split over the zones; the autoscaler's balance-similar-node-groups keeps them level.
    // Every zone's group launches from the one general launch template, so each carries the general tuning.
    const generalLt = launchTemplate("general", nodeUserData("general"));
    const n = args.privateSubnetIds.length;
    const [mins, desireds, maxes] = [s.generalNodes.minSize, s.generalNodes.desiredSize, s.generalNodes.maxSize].map((t) => splitAcrossZones(t, n));
    const general = args.privateSubnetIds.map((subnet, i) =>
        group(
            `${name}-general-${i + 1}`,
            `${s.clusterName}-general-${i + 1}-`,
            [subnet],
            generalLt,
            { instanceType: s.generalNodes.instanceType, minSize: mins[i], desiredSize: desireds[i], maxSize: maxes[i] },
            { labels: { [NODE_ROLE_LABEL]: "general" } },
        ),
    );
    // Executor: no volumes of its own, so one group over every zone's private subnet.
    const executorLt = launchTemplate(
        "executor",
        nodeUserData("executor", { hugepages2Mi: s.executorNodes.hugepages2Mi }),
        s.executorNodes.enaExpress,
    );
    const executor = group(`${name}-executor`, `${s.clusterName}-executor-`, args.privateSubnetIds, executorLt, s.executorNodes, {
        labels: { ...EXECUTOR_NODES.labels, [EXECUTOR_CPU_LABEL]: s.executorNodes.cpuTarget },
        taints: [{ key: EXECUTOR_NODES.taint.key, value: EXECUTOR_NODES.taint.value, effect: TAINT_EFFECT[EXECUTOR_NODES.taint.effect] }],
    });
    return { role, general, executor, launchTemplates };
}
