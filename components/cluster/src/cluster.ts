// ClusterComponent: the ground every other tier stands on. In production a VPC over three AZs and a
// hardened EKS cluster with its node groups and add-ons; in the local profile an existing cluster picked
// by kube context. Both end in one Kubernetes provider, secure namespaces and the shared Gateway.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { GATEWAY, type ClusterNetwork, type NamespaceRole } from "@deepalpha/shared";
import type { ClusterArgs } from "./args";
import { resolveClusterArgs } from "./defaults";
import { validateClusterArgs } from "./validate";
import { createClusterCharts, createNetworkAddons, createNodeAddons } from "./addons";
import { createControlPlane } from "./eks";
import { irsaRole } from "./iam";
import { createGateway } from "./gateway";
import { createLocalProvider } from "./local";
import { allowRules, createAllowRules, createAppRbac, createNamespaces, kubernetesServiceAddress, namespaceSpecs } from "./namespaces";
import { createNetwork } from "./network";
import { createNodeGroups } from "./nodegroups";

/** The component's type token: part of every child's URN, so part of the package's API. */
export const CLUSTER_TYPE = "deepalpha:index:Cluster";

/** Where HTTPRoutes attach: the shared Gateway's name, namespace and listener section names. */
export interface GatewayRef {
    name: string;
    namespace: string;
    listeners: { https: string; http: string };
}

export class ClusterComponent extends pulumi.ComponentResource {
    /** Kubernetes provider every other tier uses. */
    readonly provider: k8s.Provider;
    /** Kubeconfig for operators (secret). */
    readonly kubeconfig: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    /** The namespaces this profile creates, by role: production has no data namespace (its stores are AWS services). */
    readonly namespaces: Partial<Record<NamespaceRole, string>>;
    readonly namespaceResources: Record<string, k8s.core.v1.Namespace>;
    /** The shared Gateway: HTTPRoutes attach to its "https" listener. */
    readonly gateway: k8s.apiextensions.CustomResource;
    /** The Gateway's name, namespace and listeners, for HTTPRoute parentRefs. */
    readonly gatewayRef: GatewayRef;
    /** Address clients reach the gateway on (prod: the NLB's DNS name). */
    readonly gatewayAddress: pulumi.Output<string>;
    /**
     * What the other tiers' Kubernetes objects wait for, and nothing more: the namespaces with their default-deny
     * and DNS policies, the app ServiceAccount and its Role, and in production the node groups, CoreDNS, the EBS
     * CSI driver and the gp3 StorageClass. A tier given the component itself as dependsOn would wait for every
     * resource in it (charts, the Gateway and its load balancer), AWS data stores included.
     */
    readonly kubernetesReady: pulumi.Resource[];
    /** Present in production only. */
    readonly network?: ClusterNetwork;
    readonly oidcProviderArn?: pulumi.Output<string>;
    /** The cluster's OIDC issuer URL (https://...), for IRSA trust policies. */
    readonly oidcProviderUrl?: pulumi.Output<string>;
    /** Production: the general groups (one per zone, in subnet order) and the executor group. */
    readonly nodeGroupNames?: pulumi.Output<{ general: string[]; executor: string }>;
    /**
     * Production: IAM role of the application's ServiceAccount (IRSA), trusted for exactly that ServiceAccount and
     * without permissions of its own; the data tier attaches access to the files bucket and its key.
     */
    readonly appRole?: aws.iam.Role;
    /** Production: the cluster's Service range, read back from EKS. */
    readonly serviceCidr?: pulumi.Output<string>;
    /** Production: the `kubernetes` Service's ClusterIP, which in-cluster API clients dial (NetworkPolicies allow it). */
    readonly apiServiceAddress?: pulumi.Output<string>;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // Defaults, then validation: a mistake stops here, before anything is registered.
        const a = validateClusterArgs(name, resolveClusterArgs(args));
        super(CLUSTER_TYPE, name, {}, opts);
        const prod = a.profile === "production";

        // Kubernetes side, both profiles: namespaces first, then (prod) what needs nodes.
        let beforeCharts: pulumi.Resource[] = [];
        let nodesReady: pulumi.Resource[] = [];
        if (!prod) {
            const local = createLocalProvider(name, { kubeContext: a.kubeContext!, kubeconfigPath: a.kubeconfigPath }, this);
            this.provider = local.provider;
            this.kubeconfig = local.kubeconfig;
            this.clusterName = pulumi.output(a.kubeContext!);
        } else {
            const region = a.region!;
            const network = createNetwork(name, { clusterName: a.clusterName, vpcCidr: a.vpcCidr, availabilityZones: a.availabilityZones, natGateways: a.natGateways, tags: a.tags }, { parent: this });
            const partition = aws.getPartitionOutput({}, { parent: this }).partition;
            const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
            const cp = createControlPlane(name, { args: a, network, accountId, partition, region, tags: a.tags }, this);
            const ctx = {
                clusterName: cp.clusterName,
                kubernetesVersion: a.kubernetesVersion,
                oidcProviderArn: cp.oidcProviderArn,
                oidcIssuer: cp.oidcIssuer,
                partition,
                tags: a.tags,
            };
            const netAddons = createNetworkAddons(name, ctx, this);
            const nodes = createNodeGroups(
                name,
                {
                    args: a,
                    clusterName: cp.clusterName,
                    privateSubnetIds: network.privateSubnets.map((x) => x.id),
                    securityGroupIds: [cp.clusterSecurityGroupId, cp.nodeSecurityGroup.id],
                    partition,
                    tags: a.tags,
                    dependsOn: [netAddons.vpcCni, netAddons.kubeProxy],
                },
                this,
            );
            const nodeAddons = createNodeAddons(name, { ...ctx, storageClassName: a.storageClassName }, [...nodes.general, nodes.executor], cp.provider, this);
            createClusterCharts(name, { ...ctx, region, clusterNameLiteral: a.clusterName }, cp.provider, [nodeAddons.coredns], this);
            beforeCharts = [...nodes.general, nodeAddons.coredns, nodeAddons.ebsCsi];
            // Pods need nodes, DNS and (with volumes) the EBS CSI driver and the default StorageClass.
            nodesReady = [...nodes.general, nodes.executor, nodeAddons.coredns, nodeAddons.ebsCsi, nodeAddons.gp3];

            this.provider = cp.provider;
            this.kubeconfig = pulumi.secret(cp.kubeconfig);
            this.clusterName = cp.clusterName;
            this.oidcProviderArn = cp.oidcProviderArn;
            this.oidcProviderUrl = cp.cluster.oidcProviderUrl;
            this.serviceCidr = cp.serviceCidr;
            this.appRole = irsaRole(
                `${name}-app`,
                { oidcProviderArn: cp.oidcProviderArn, oidcIssuer: cp.oidcIssuer, namespace: a.namespaces.app, serviceAccount: a.appServiceAccount, tags: a.tags },
                { parent: this },
            );
            this.apiServiceAddress = cp.serviceCidr.apply(kubernetesServiceAddress);
            this.nodeGroupNames = pulumi
                .all([pulumi.all(nodes.general.map((g) => g.nodeGroupName)), nodes.executor.nodeGroupName])
                .apply(([general, executor]) => ({ general, executor }));
            this.network = {
                vpcId: network.vpc.id,
                vpcCidr: a.vpcCidr,
                privateSubnetIds: pulumi.all(network.privateSubnets.map((x) => x.id)),
                availabilityZones: pulumi.all(network.privateSubnets.map((x) => x.availabilityZone)),
                nodeSecurityGroupId: cp.nodeSecurityGroup.id,
            };
        }

        const k8sOpts = { parent: this, provider: this.provider };
        const ready: pulumi.Resource[] = [];
        const specs = namespaceSpecs(a.profile, a.namespaces);
        this.namespaces = Object.fromEntries(specs.map((n) => [n.role, n.name]));
        this.namespaceResources = createNamespaces(name, specs, k8sOpts, ready);
        createAppRbac(name, this.namespaceResources.app, { namespace: a.namespaces.app, serviceAccount: a.appServiceAccount }, k8sOpts, this.appRole?.arn, ready);
        this.kubernetesReady = [...ready, ...nodesReady];
        const acme = a.gateway.tls === "letsEncrypt";
        createAllowRules(
            name,
            allowRules({
                namespaces: a.namespaces,
                gatewayName: a.gateway.name,
                appPorts: a.appPorts,
                apiServerCidr: prod ? a.vpcCidr : "0.0.0.0/0",
                apiServiceAddress: this.apiServiceAddress,
                acme,
            }),
            this.namespaceResources,
            k8sOpts,
        );

        const gw = createGateway(
            name,
            {
                profile: a.profile,
                gateway: a.gateway,
                hostnames: a.hostnames,
                namespaces: a.namespaces,
                provider: this.provider,
                namespaceResources: [this.namespaceResources.gateway, this.namespaceResources.certManager],
                dependsOn: beforeCharts,
                installCertManager: !a.preinstalled.includes("cert-manager"),
            },
            this,
        );
        this.gateway = gw.gateway;
        this.gatewayRef = { name: a.gateway.name, namespace: a.namespaces.gateway, listeners: { ...GATEWAY.listeners } };
        this.gatewayAddress = gw.address;

        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            gatewayAddress: this.gatewayAddress,
            oidcProviderArn: this.oidcProviderArn,
            nodeGroupNames: this.nodeGroupNames,
            serviceCidr: this.serviceCidr,
            apiServiceAddress: this.apiServiceAddress,
        });
    }
}
