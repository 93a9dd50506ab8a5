// ClusterComponent: the ground every other tier stands on. In production an EKS cluster; in the local
// profile an existing cluster picked by kube context. Both end in one Kubernetes provider and secure namespaces.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import type { ClusterSettings, Profile } from "../../settings/schema";
import { NAMESPACES } from "../shared/conventions";
import { createAppRbac, createNamespaces, namespaceSpecs } from "./namespaces";

export interface ClusterArgs {
    profile: Profile;
    settings: ClusterSettings;
    /** AWS region of the production cluster. */
    region?: string;
    tags?: Record<string, string>;
}

/** What the production network offers the data tier. */
export interface ClusterNetwork {
    vpcId: pulumi.Output<string>;
    vpcCidr: string;
    privateSubnetIds: pulumi.Output<string[]>;
    /** Security group of the worker nodes: the only source the data stores accept. */
    nodeSecurityGroupId: pulumi.Output<string>;
}

export class ClusterComponent extends pulumi.ComponentResource {
    /** Kubernetes provider every other tier uses. */
    readonly provider: k8s.Provider;
    /** Kubeconfig for operators (secret). */
    readonly kubeconfig: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    readonly namespaces: typeof NAMESPACES;
    readonly namespaceResources: Record<string, k8s.core.v1.Namespace>;
    /** Present in production only. */
    readonly network?: ClusterNetwork;
    readonly oidcProviderArn?: pulumi.Output<string>;
    readonly oidcProviderUrl?: pulumi.Output<string>;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("deepalpha:index:Cluster", name, {}, opts);
        const child = { parent: this };

        if (args.profile === "local") {
            const context = args.settings.kubeContext!;
            this.provider = new k8s.Provider(
                "local",
                {
                    context,
                    ...(args.settings.kubeconfigPath ? { kubeconfig: args.settings.kubeconfigPath } : {}),
                    // Stable identity: pointing at another file with the same context must not replace workloads.
                    clusterIdentifier: `local-${context}`,
                },
                child,
            );
            this.clusterName = pulumi.output(context);
            this.kubeconfig = pulumi.secret(`context: ${context}`);
        } else {
            const s = args.settings;
            const secretsKey = new aws.kms.Key(
                `${name}-eks-secrets`,
                { description: "EKS envelope encryption of Kubernetes Secrets", enableKeyRotation: true, deletionWindowInDays: 30, tags: args.tags },
                { ...child, protect: true },
            );
            const cluster = new eks.Cluster(
                name,
                {
                    name: s.name,
                    version: s.kubernetesVersion,
                    authenticationMode: "API",
                    endpointPrivateAccess: true,
                    endpointPublicAccess: s.publicEndpointCidrs.length > 0,
                    publicAccessCidrs: s.publicEndpointCidrs.length > 0 ? s.publicEndpointCidrs : undefined,
                    encryptionConfigKeyArn: secretsKey.arn,
                    enabledClusterLogTypes: ["api", "audit", "authenticator"],
                    createOidcProvider: true,
                    skipDefaultNodeGroup: true,
                    tags: args.tags,
                },
                child,
            );
            this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
            this.clusterName = pulumi.output(s.name);
            this.oidcProviderArn = cluster.oidcProviderArn;
            this.oidcProviderUrl = cluster.oidcProviderUrl;
            this.provider = new k8s.Provider(
                "eks",
                { kubeconfig: cluster.kubeconfigJson, clusterIdentifier: `eks-${s.name}`, enableServerSideApply: true },
                child,
            );
        }

        const k8sOpts = { parent: this, provider: this.provider };
        this.namespaces = NAMESPACES;
        this.namespaceResources = createNamespaces(namespaceSpecs(args.profile), k8sOpts);
        createAppRbac(this.namespaceResources.app, k8sOpts);

        this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig });
    }
}
