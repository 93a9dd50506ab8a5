// ClusterComponent: the ground every other tier stands on. In production a VPC over three AZs and a
// hardened EKS cluster with its node groups and add-ons; in the local profile an existing cluster picked
// by kube context. Both end in one Kubernetes provider, secure namespaces and the shared Gateway.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type { ClusterSettings, PreinstalledAddon, Profile } from "./settings";
import { APP_SERVICE_ACCOUNT, NAMESPACES, type ClusterNetwork, type NamespaceRole } from "@deepalpha/shared";
import { createClusterCharts, createNetworkAddons, createNodeAddons } from "./addons";
import { createControlPlane } from "./eks";
import { irsaRole } from "./iam";
import { createGateway } from "./gateway";
import { createLocalProvider } from "./local";
import { allowRules, createAllowRules, createAppRbac, createNamespaces, kubernetesServiceAddress, namespaceSpecs } from "./namespaces";
import { createNetwork } from "./network";
import { createNodeGroups } from "./nodegroups";

export interface ClusterArgs {
    profile: Profile;
    settings: ClusterSettings;
    /** AWS region of the production cluster. */
    region?: string;
    /** Host names the gateway's certificate covers (the application's API and WebSocket hosts). */
    hostnames: string[];
    /** Add-ons the cluster already runs; of this tier's charts, only cert-manager can be left out this way. */
    preinstalled?: readonly PreinstalledAddon[];
    tags?: Record<string, string>;
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
    /** The shared Gateway (GATEWAY in conventions): HTTPRoutes attach to its "https" listener. */
    readonly gateway: k8s.apiextensions.CustomResource;
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
        super("deepalpha:index:Cluster", name, {}, opts);
        const s = args.settings;
        const prod = args.profile === "production";

        // Kubernetes side, both profiles: namespaces first, then (prod) what needs nodes.
        let beforeCharts: pulumi.Resource[] = [];
        let nodesReady: pulumi.Resource[] = [];
        if (!prod) {
            const local = createLocalProvider(name, s, this);
            this.provider = local.provider;
            this.kubeconfig = local.kubeconfig;
            this.clusterName = pulumi.output(s.kubeContext!);
        } else {
            if (!args.region) throw new pulumi.RunError("ClusterComponent (production): args.region is required");
            const network = createNetwork(name, { clusterName: s.name, vpcCidr: s.vpcCidr, availabilityZones: s.availabilityZones, natGateways: s.natGateways, tags: args.tags }, { parent: this });
            const partition = aws.getPartitionOutput({}, { parent: this }).partition;
            const accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
            const cp = createControlPlane(name, { settings: s, network, accountId, partition, region: args.region, tags: args.tags }, this);
            const ctx = {
                clusterName: cp.clusterName,
                kubernetesVersion: s.kubernetesVersion,
                oidcProviderArn: cp.oidcProviderArn,
                oidcIssuer: cp.oidcIssuer,
                partition,
                tags: args.tags,
            };
            const netAddons = createNetworkAddons(name, ctx, this);
            const nodes = createNodeGroups(
                name,
                {
                    settings: s,
                    clusterName: cp.clusterName,
                    privateSubnetIds: network.privateSubnets.map((x) => x.id),
                    securityGroupIds: [cp.clusterSecurityGroupId, cp.nodeSecurityGroup.id],
                    partition,
                    tags: args.tags,
                    dependsOn: [netAddons.vpcCni, netAddons.kubeProxy],
                },
                this,
            );
            const nodeAddons = createNodeAddons(name, ctx, [...nodes.general, nodes.executor], cp.provider, this);
            createClusterCharts(name, { ...ctx, region: args.region, clusterNameLiteral: s.name }, cp.provider, [nodeAddons.coredns], this);
            beforeCharts = [...nodes.general, nodeAddons.coredns, nodeAddons.ebsCsi];
            // Pods need nodes, DNS and (with volumes) the EBS CSI driver and the default StorageClass.
            nodesReady = [...nodes.general, nodes.executor, nodeAddons.coredns, nodeAddons.ebsCsi, nodeAddons.gp3];

            this.provider = cp.provider;
            this.kubeconfig = pulumi.secret(cp.kubeconfig);
            this.clusterName = cp.clusterName;
            this.oidcProviderArn = cp.oidcProviderArn;
            this.oidcProviderUrl = cp.cluster.oidcProviderUrl;
            this.serviceCidr = cp.serviceCidr;
            this.appRole = irsaRole(`${name}-app`, { oidcProviderArn: cp.oidcProviderArn, oidcIssuer: cp.oidcIssuer, namespace: NAMESPACES.app, serviceAccount: APP_SERVICE_ACCOUNT, tags: args.tags }, { parent: this });
            this.apiServiceAddress = cp.serviceCidr.apply(kubernetesServiceAddress);
            this.nodeGroupNames = pulumi
                .all([pulumi.all(nodes.general.map((g) => g.nodeGroupName)), nodes.executor.nodeGroupName])
                .apply(([general, executor]) => ({ general, executor }));
            this.network = {
                vpcId: network.vpc.id,
                vpcCidr: s.vpcCidr,
                privateSubnetIds: pulumi.all(network.privateSubnets.map((x) => x.id)),
                availabilityZones: pulumi.all(network.privateSubnets.map((x) => x.availabilityZone)),
                nodeSecurityGroupId: cp.nodeSecurityGroup.id,
            };
        }

        const k8sOpts = { parent: this, provider: this.provider };
        const ready: pulumi.Resource[] = [];
        const specs = namespaceSpecs(args.profile);
        this.namespaces = Object.fromEntries(specs.map((n) => [n.role, n.name]));
        this.namespaceResources = createNamespaces(specs, k8sOpts, ready);
        createAppRbac(this.namespaceResources.app, k8sOpts, this.appRole?.arn, ready);
        this.kubernetesReady = [...ready, ...nodesReady];
        const acme = s.gateway.tls === "letsEncrypt";
        createAllowRules(allowRules({ apiServerCidr: prod ? s.vpcCidr : "0.0.0.0/0", apiServiceAddress: this.apiServiceAddress, acme }), this.namespaceResources, k8sOpts);

        const gw = createGateway(
            name,
            {
                profile: args.profile,
                settings: s.gateway,
                hostnames: args.hostnames,
                provider: this.provider,
                namespaces: [this.namespaceResources.gateway, this.namespaceResources.certManager],
                dependsOn: beforeCharts,
                installCertManager: !args.preinstalled?.includes("cert-manager"),
            },
            this,
        );
        this.gateway = gw.gateway;
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
