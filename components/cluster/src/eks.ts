// The EKS control plane (@pulumi/eks), its secrets-encryption key, the worker nodes' security group and
// the Kubernetes provider every other tier uses.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import type { ResolvedClusterArgs } from "./args";
import { serviceKeyPolicy } from "@deepalpha/shared";
import type { Network } from "./network";

/** AWS-managed access policy that makes an IAM principal cluster-admin through an access entry. */
export const EKS_CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
/**
 * Every control-plane log EKS offers (CIS EKS Benchmark 2.1.1 asks for audit at least; EKS Best Practices, detective
 * controls, for all five): the controller manager and scheduler logs show why pods are not scheduled or nodes not
 * replaced, which the audit log does not.
 */
export const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export interface ControlPlaneArgs {
    args: ResolvedClusterArgs;
    network: Network;
    /** For the key policy: the account, its partition and the region the cluster is in. */
    accountId: pulumi.Input<string>;
    partition: pulumi.Input<string>;
    region: string;
    tags?: Record<string, string>;
}

export interface ControlPlane {
    cluster: eks.Cluster;
    /** Resolves only once the cluster exists: anything that uses it waits for the control plane. */
    clusterName: pulumi.Output<string>;
    secretsKey: aws.kms.Key;
    /** The EKS-created cluster security group: control plane and nodes talk through it. */
    clusterSecurityGroupId: pulumi.Output<string>;
    /** Extra security group on every node (no rules): the identity data stores admit. */
    nodeSecurityGroup: aws.ec2.SecurityGroup;
    kubeconfig: pulumi.Output<string>;
    provider: k8s.Provider;
    oidcProviderArn: pulumi.Output<string>;
    /** Issuer host and path without `https://`, the form IAM trust-policy condition keys use. */
    oidcIssuer: pulumi.Output<string>;
    /** The cluster's Service range (EKS picks 172.20.0.0/16 for a 10.x VPC, else 10.100.0.0/16). */
    serviceCidr: pulumi.Output<string>;
}

/** Access entries for the configured admin roles, keyed by role name so removing one does not renumber the rest. */
export function adminAccessEntries(roleArns: string[]): Record<string, eks.types.input.AccessEntryArgs> {
    const out: Record<string, eks.types.input.AccessEntryArgs> = {};
    for (const arn of roleArns) {
        const key = arn.split("/").pop()!.replace(/[^A-Za-z0-9-]/g, "-");
        out[key] = {
            principalArn: arn,
            type: "STANDARD",
            accessPolicies: { admin: { policyArn: EKS_CLUSTER_ADMIN_POLICY, accessScope: { type: "cluster" } } },
        };
    }
    return out;
}

export function createControlPlane(name: string, args: ControlPlaneArgs, parent: pulumi.Resource): ControlPlane {
    const s = args.args;
    const opts = { parent };
    const secretsKey = new aws.kms.Key(
        `${name}-eks-secrets`,
        {
            description: `${s.clusterName}: EKS envelope encryption of Kubernetes Secrets`,
            // Administered by the account, used only by EKS on behalf of this account (components/shared/src/kms.ts).
            policy: pulumi
                .all([args.accountId, args.partition])
                .apply(([accountId, partition]) => serviceKeyPolicy({ partition, accountId, region: args.region, services: ["eks"] })),
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            tags: args.tags,
        },
        // Losing this key makes every Secret in etcd unreadable.
        { ...opts, protect: true },
    );
    new aws.kms.Alias(`${name}-eks-secrets`, { name: `alias/${s.clusterName}-eks-secrets`, targetKeyId: secretsKey.keyId }, opts);

    const publicEndpoint = s.publicEndpointCidrs.length > 0;
    const cluster = new eks.Cluster(
        name,
        {
            name: s.clusterName,
            version: s.kubernetesVersion,
            vpcId: args.network.vpc.id,
            publicSubnetIds: args.network.publicSubnets.map((x) => x.id),
            privateSubnetIds: args.network.privateSubnets.map((x) => x.id),
            nodeAssociatePublicIpAddress: false,
            // Access entries only; no aws-auth ConfigMap to drift or be edited by hand. pulumi-eks always sets
            // bootstrapClusterCreatorAdminPermissions, so whoever runs the first `pulumi up` is admin already; listing
            // that same role in adminRoleArns makes EKS refuse the duplicate entry (pulumi/pulumi-eks#2373).
            authenticationMode: "API",
            accessEntries: adminAccessEntries(s.adminRoleArns),
            endpointPrivateAccess: true,
            endpointPublicAccess: publicEndpoint,
            ...(publicEndpoint ? { publicAccessCidrs: s.publicEndpointCidrs } : {}),
            encryptionConfigKeyArn: secretsKey.arn,
            enabledClusterLogTypes: [...CONTROL_PLANE_LOGS],
            createOidcProvider: true,
            skipDefaultNodeGroup: true,
            // The managed node groups (nodegroups.ts) use the EKS-created cluster security group plus our
            // own node group; pulumi-eks's extra pair would sit on no instance. With this set, the component's
            // nodeSecurityGroupId/clusterSecurityGroupId both return the EKS-created cluster security group.
            skipDefaultSecurityGroups: true,
            // VPC CNI, kube-proxy and CoreDNS are aws.eks.Addon resources in addons.ts, where tests see them.
            useDefaultVpcCni: true,
            kubeProxyAddonOptions: { enabled: false },
            corednsAddonOptions: { enabled: false },
            deletionProtection: true,
            tags: args.tags,
        },
        { ...opts, protect: true },
    );
    // `eksCluster` is the aws.eks.Cluster inside the component; its name resolves once it exists.
    const clusterName = cluster.eksCluster.apply((c) => c.name);
    const clusterSecurityGroupId = cluster.nodeSecurityGroupId;

    const nodeSecurityGroup = new aws.ec2.SecurityGroup(
        `${name}-nodes`,
        {
            vpcId: args.network.vpc.id,
            description: `${s.clusterName} worker nodes: data stores admit only this group`,
            revokeRulesOnDelete: true,
            // No kubernetes.io/cluster tag: the cloud provider edits the one tagged group per instance (the
            // cluster security group) for load balancer traffic; two tagged groups would be an error.
            tags: { ...args.tags, Name: `${s.clusterName}-nodes` },
        },
        opts,
    );

    const kubeconfig = cluster.kubeconfigJson;
    const provider = new k8s.Provider(
        `${name}-eks`,
        {
            kubeconfig,
            // A refreshed kubeconfig (new token command, new CA) must not replace every Kubernetes object.
            clusterIdentifier: `eks-${s.clusterName}`,
            enableServerSideApply: true,
        },
        opts,
    );
    return {
        cluster,
        clusterName,
        secretsKey,
        clusterSecurityGroupId,
        nodeSecurityGroup,
        kubeconfig,
        provider,
        oidcProviderArn: cluster.oidcProviderArn,
        oidcIssuer: cluster.oidcProviderUrl.apply((u) => u.replace(/^https:\/\//, "")),
        serviceCidr: cluster.eksCluster.apply((c) => c.kubernetesNetworkConfig).apply((k) => k.serviceIpv4Cidr),
    };
}
