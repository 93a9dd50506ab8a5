// EKS add-ons and the cluster's own charts: VPC CNI (network policy enforcement on), kube-proxy, CoreDNS,
// the EBS CSI driver with its IRSA role and the encrypted gp3 default StorageClass, metrics-server and
// the cluster autoscaler with its IRSA role.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { exemptions } from "@deepalpha/shared";
import { irsaRole, managedPolicy } from "./iam";

/** Upstream charts, pinned. Versions checked against each chart's Chart.yaml at the tag. */
export const CHARTS = {
    metricsServer: { chart: "metrics-server", version: "3.13.1", repo: "https://kubernetes-sigs.github.io/metrics-server/" },
    clusterAutoscaler: { chart: "cluster-autoscaler", version: "9.59.0", repo: "https://kubernetes.github.io/autoscaler" },
} as const;

/**
 * cluster-autoscaler must match the cluster's minor version (its README's compatibility table);
 * the latest patch of each release line at the time of pinning.
 */
export const CLUSTER_AUTOSCALER_IMAGE: Record<string, string> = {
    "1.32": "v1.32.7",
    "1.33": "v1.33.6",
    "1.34": "v1.34.5",
    "1.35": "v1.35.2",
};

/**
 * metrics-server chart values (3.13.1). Requests as the chart's defaults (its sizing: 1m CPU and 2 MiB per node, plus a
 * base); limits so a runaway scrape cannot starve a node. Two replicas and a budget: HPAs keep their metrics through a
 * node drain. Pure.
 */
export function metricsServerValues(): Record<string, unknown> {
    return {
        replicas: 2,
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { cpu: "1", memory: "500Mi" } },
    };
}

/** Why cluster-autoscaler's container has no readiness probe (the chart renders only its liveness probe). */
export const CLUSTER_AUTOSCALER_PROBE_EXEMPTION =
    "cluster-autoscaler 9.59.0's chart renders a liveness probe (/health-check) and has no readiness setting; the autoscaler serves no traffic (only its metrics are scraped)";

/**
 * cluster-autoscaler chart values (9.59.0). Two replicas (leader election, the autoscaler's default, keeps one
 * active) under the chart's PodDisruptionBudget (maxUnavailable 1). Pure.
 */
export function clusterAutoscalerValues(a: { region: string; clusterName: pulumi.Input<string>; image: string; roleArn: pulumi.Input<string> }): Record<string, unknown> {
    const sa = ADDON_SERVICE_ACCOUNTS.clusterAutoscaler;
    return {
        fullnameOverride: "cluster-autoscaler",
        cloudProvider: "aws",
        awsRegion: a.region,
        autoDiscovery: { clusterName: a.clusterName },
        image: { tag: a.image },
        replicaCount: 2,
        deployment: { annotations: exemptions({ "workload-probes": CLUSTER_AUTOSCALER_PROBE_EXEMPTION }) },
        rbac: { serviceAccount: { create: true, name: sa.name, annotations: { "eks.amazonaws.com/role-arn": a.roleArn } } },
        extraArgs: {
            // The general groups are one per zone and otherwise identical: keep them level when scaling,
            // while a pod bound to a zonal volume gets a node from its zone's group.
            "balance-similar-node-groups": true,
            expander: "least-waste",
            "skip-nodes-with-local-storage": false,
        },
        // The chart's own suggestion is 100m / 300Mi; the limit leaves room for a large cluster's simulations.
        resources: { requests: { cpu: "100m", memory: "300Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
        containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
    };
}

export const ADDON_SERVICE_ACCOUNTS = {
    vpcCni: { namespace: "kube-system", name: "aws-node" },
    ebsCsi: { namespace: "kube-system", name: "ebs-csi-controller-sa" },
    clusterAutoscaler: { namespace: "kube-system", name: "cluster-autoscaler" },
} as const;

/**
 * The EBS CSI node plugin on the host network. It reads the instance's metadata (ENIs and attached volumes, which
 * share the attachment limit on Nitro instances) from IMDS; from a pod network that is two hops away, and the nodes
 * answer one (IMDSv2, hop limit 1, so pods cannot take the node role's credentials). Without IMDS the driver falls
 * back to Kubernetes metadata, which lacks those counts, and over-reports attachable volumes
 * (kubernetes-sigs/aws-ebs-csi-driver#2262, docs/install.md "Metadata"). On the host network IMDS is one hop away:
 * the driver's documented alternative to raising every node's hop limit. The node plugin is privileged already.
 */
export const EBS_CSI_CONFIGURATION = { node: { hostNetwork: true } };

/** The VPC CNI's own switch for NetworkPolicy enforcement (its network policy agent); off by default on EKS. */
export const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: "true" };

interface AddonContext {
    clusterName: pulumi.Output<string>;
    kubernetesVersion: string;
    oidcProviderArn: pulumi.Output<string>;
    oidcIssuer: pulumi.Output<string>;
    partition: pulumi.Input<string>;
    tags?: Record<string, string>;
}

function addon(
    name: string,
    addonName: string,
    ctx: AddonContext,
    extra: { serviceAccountRoleArn?: pulumi.Input<string>; configurationValues?: string },
    opts: pulumi.CustomResourceOptions,
): aws.eks.Addon {
    // The default version EKS publishes for the cluster's Kubernetes version: an upgrade of the control
    // plane moves the add-ons with it, and the PR preview shows the new version.
    const version = aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion: ctx.kubernetesVersion, mostRecent: false }, { parent: opts.parent });
    return new aws.eks.Addon(
        name,
        {
            clusterName: ctx.clusterName,
            addonName,
            addonVersion: version.version,
            // EKS installs self-managed VPC CNI, kube-proxy and CoreDNS with the cluster: take them over.
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            ...extra,
            tags: ctx.tags,
        },
        opts,
    );
}

/** Add-ons the nodes need before they can become Ready. */
export function createNetworkAddons(name: string, ctx: AddonContext, parent: pulumi.Resource) {
    const opts = { parent };
    const cniRole = irsaRole(
        `${name}-vpc-cni`,
        { oidcProviderArn: ctx.oidcProviderArn, oidcIssuer: ctx.oidcIssuer, namespace: ADDON_SERVICE_ACCOUNTS.vpcCni.namespace, serviceAccount: ADDON_SERVICE_ACCOUNTS.vpcCni.name, tags: ctx.tags },
        opts,
    );
    const cniPolicy = new aws.iam.RolePolicyAttachment(`${name}-vpc-cni`, { role: cniRole.name, policyArn: managedPolicy(ctx.partition, "AmazonEKS_CNI_Policy") }, opts);
    const vpcCni = addon(
        `${name}-vpc-cni`,
        "vpc-cni",
        ctx,
        { serviceAccountRoleArn: cniRole.arn, configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION) },
        { ...opts, dependsOn: [cniPolicy] },
    );
    const kubeProxy = addon(`${name}-kube-proxy`, "kube-proxy", ctx, {}, opts);
    return { vpcCni, kubeProxy, cniRole };
}

/** Add-ons whose pods need nodes (an add-on without Ready pods never leaves CREATING). */
export function createNodeAddons(name: string, ctx: AddonContext & { storageClassName: string }, nodeGroups: pulumi.Resource[], provider: k8s.Provider, parent: pulumi.Resource) {
    const opts = { parent, dependsOn: nodeGroups };
    const coredns = addon(`${name}-coredns`, "coredns", ctx, {}, opts);

    const ebsRole = irsaRole(
        `${name}-ebs-csi`,
        { oidcProviderArn: ctx.oidcProviderArn, oidcIssuer: ctx.oidcIssuer, namespace: ADDON_SERVICE_ACCOUNTS.ebsCsi.namespace, serviceAccount: ADDON_SERVICE_ACCOUNTS.ebsCsi.name, tags: ctx.tags },
        { parent },
    );
    const ebsPolicy = new aws.iam.RolePolicyAttachment(
        `${name}-ebs-csi`,
        { role: ebsRole.name, policyArn: managedPolicy(ctx.partition, "service-role/AmazonEBSCSIDriverPolicy") },
        { parent },
    );
    const ebsCsi = addon(
        `${name}-ebs-csi`,
        "aws-ebs-csi-driver",
        ctx,
        { serviceAccountRoleArn: ebsRole.arn, configurationValues: JSON.stringify(EBS_CSI_CONFIGURATION) },
        { parent, dependsOn: [...nodeGroups, ebsPolicy] },
    );

    // EKS >= 1.30 no longer marks its gp2 class default, so this is the only default StorageClass.
    const gp3 = new k8s.storage.v1.StorageClass(
        `${name}-gp3`,
        {
            metadata: { name: ctx.storageClassName, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
            provisioner: "ebs.csi.aws.com",
            parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
            // Volumes follow their pod's zone; a volume bound before scheduling could strand the pod.
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
            // Deleting a claim (or the StatefulSet that owns it) must not delete trading data with it.
            reclaimPolicy: "Retain",
        },
        { parent, provider, dependsOn: [ebsCsi] },
    );
    return { coredns, ebsCsi, ebsRole, gp3 };
}

export interface ClusterChartsArgs extends AddonContext {
    region: string;
    clusterNameLiteral: string;
}

/** metrics-server (HPA's resource metrics) and cluster-autoscaler, both in kube-system. */
export function createClusterCharts(name: string, args: ClusterChartsArgs, provider: k8s.Provider, dependsOn: pulumi.Resource[], parent: pulumi.Resource) {
    const opts = { parent, provider, dependsOn };
    const metricsServer = new k8s.helm.v4.Chart(
        `${name}-metrics-server`,
        {
            chart: CHARTS.metricsServer.chart,
            version: CHARTS.metricsServer.version,
            repositoryOpts: { repo: CHARTS.metricsServer.repo },
            namespace: "kube-system",
            values: metricsServerValues(),
        },
        opts,
    );

    const sa = ADDON_SERVICE_ACCOUNTS.clusterAutoscaler;
    const caRole = irsaRole(
        `${name}-cluster-autoscaler`,
        { oidcProviderArn: args.oidcProviderArn, oidcIssuer: args.oidcIssuer, namespace: sa.namespace, serviceAccount: sa.name, tags: args.tags },
        { parent },
    );
    // The policy from cluster-autoscaler's AWS README: read everywhere, resize only this cluster's groups
    // (EKS tags a managed node group's Auto Scaling group with k8s.io/cluster-autoscaler/<cluster>).
    new aws.iam.RolePolicy(
        `${name}-cluster-autoscaler`,
        {
            role: caRole.name,
            policy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Action: [
                            "autoscaling:DescribeAutoScalingGroups",
                            "autoscaling:DescribeAutoScalingInstances",
                            "autoscaling:DescribeLaunchConfigurations",
                            "autoscaling:DescribeScalingActivities",
                            "autoscaling:DescribeTags",
                            "ec2:DescribeImages",
                            "ec2:DescribeInstanceTypes",
                            "ec2:DescribeLaunchTemplateVersions",
                            "ec2:GetInstanceTypesFromInstanceRequirements",
                            "eks:DescribeNodegroup",
                        ],
                        Resource: "*",
                    },
                    {
                        Effect: "Allow",
                        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                        Resource: "*",
                        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${args.clusterNameLiteral}`]: "owned" } },
                    },
                ],
            }),
        },
        { parent },
    );
    const image = CLUSTER_AUTOSCALER_IMAGE[args.kubernetesVersion];
    if (!image) throw new Error(`cluster.kubernetesVersion ${args.kubernetesVersion}: no pinned cluster-autoscaler release (known: ${Object.keys(CLUSTER_AUTOSCALER_IMAGE).join(", ")})`);
    const clusterAutoscaler = new k8s.helm.v4.Chart(
        `${name}-cluster-autoscaler`,
        {
            chart: CHARTS.clusterAutoscaler.chart,
            version: CHARTS.clusterAutoscaler.version,
            repositoryOpts: { repo: CHARTS.clusterAutoscaler.repo },
            namespace: sa.namespace,
            values: clusterAutoscalerValues({ region: args.region, clusterName: args.clusterName, image, roleArn: caRole.arn }),
        },
        opts,
    );
    return { metricsServer, clusterAutoscaler, caRole };
}
