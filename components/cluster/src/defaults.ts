// DeepAlpha's values for the cluster tier: the defaults under every ClusterArgs field, per profile. The DeepAlpha
// stack settings (settings/defaults.ts in the deployment) take their cluster section from here, so there is one source.
import { APP_SERVICE_ACCOUNT, GATEWAY, NAMESPACES, PROD_STORAGE_CLASS, WORKLOADS, withDefaults, type Namespaces, type Profile } from "@deepalpha/shared";
import type { ClusterArgs, ExecutorNodeGroupSpec, GatewaySpec, NatGateways, NodeGroupSpec, ResolvedClusterArgs } from "./args";

/** The EKS cluster's name and the prefix of its AWS resources' names. */
export const DEFAULT_CLUSTER_NAME = "deepalpha";
/** 1.34 leaves EKS standard support on 2 Dec 2026; 1.35 is supported until 27 Mar 2027. */
export const DEFAULT_KUBERNETES_VERSION = "1.35";
/** The local profile's cluster: kind's context for a cluster named deepalpha. */
export const DEFAULT_KUBE_CONTEXT = "kind-deepalpha";
export const DEFAULT_VPC_CIDR = "10.40.0.0/16";
export const DEFAULT_AVAILABILITY_ZONES = 3;
export const DEFAULT_NAT_GATEWAYS: NatGateways = "onePerAz";

/** The general nodes: three in total (one per zone), at most nine. */
export const DEFAULT_GENERAL_NODES: Readonly<NodeGroupSpec> = { instanceType: "m5.2xlarge", minSize: 3, desiredSize: 3, maxSize: 9 };
/** c6i: Ice Lake, so the executor image is built with -C target-cpu=icelake-server. */
export const DEFAULT_EXECUTOR_NODES = {
    instanceType: "c6i.4xlarge",
    minSize: 2,
    desiredSize: 2,
    maxSize: 4,
    hugepages2Mi: 1024,
    enaExpress: false,
    cpuTarget: "icelake-server",
} as const satisfies ExecutorNodeGroupSpec;

/** NGINX Gateway Fabric with its own GatewayClass. */
export const DEFAULT_GATEWAY = { install: true, className: "nginx" } as const;
/** How the gateway's certificate is issued in each profile. */
export const DEFAULT_GATEWAY_TLS = { local: "selfSigned", production: "letsEncrypt" } as const satisfies Record<Profile, GatewaySpec["tls"]>;
/** The Gateway object, its Certificate and the Secret the certificate lands in. */
export const DEFAULT_GATEWAY_NAMES = { name: GATEWAY.name, certificateName: "deepalpha-gateway", tlsSecretName: "deepalpha-gateway-tls" } as const;
/** The application's API and WebSocket ports: the backends the Gateway's data plane forwards to. */
export const DEFAULT_APP_PORTS: readonly number[] = [WORKLOADS.api.port, WORKLOADS.websocket.port];

/** DeepAlpha's values of every defaulted ClusterArgs field in `profile` (a fresh object each call). */
export function defaultClusterArgs(profile: Profile): Omit<ResolvedClusterArgs, "profile" | "region" | "kubeconfigPath" | "tags"> {
    return {
        ...(profile === "local" ? { kubeContext: DEFAULT_KUBE_CONTEXT } : {}),
        clusterName: DEFAULT_CLUSTER_NAME,
        kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
        vpcCidr: DEFAULT_VPC_CIDR,
        availabilityZones: DEFAULT_AVAILABILITY_ZONES,
        natGateways: DEFAULT_NAT_GATEWAYS,
        publicEndpointCidrs: [],
        adminRoleArns: [],
        generalNodes: { ...DEFAULT_GENERAL_NODES },
        executorNodes: { ...DEFAULT_EXECUTOR_NODES },
        gateway: { ...DEFAULT_GATEWAY, tls: DEFAULT_GATEWAY_TLS[profile], ...DEFAULT_GATEWAY_NAMES },
        hostnames: [],
        namespaces: { ...NAMESPACES } as Namespaces,
        appServiceAccount: APP_SERVICE_ACCOUNT,
        appPorts: [...DEFAULT_APP_PORTS],
        storageClassName: PROD_STORAGE_CLASS,
        preinstalled: [],
    };
}

/**
 * The arguments with DeepAlpha's defaults under them (objects merge key by key; arrays and scalars replace). The
 * region has no default: a package reads no stack configuration, so the program passes it (the DeepAlpha
 * deployment passes `aws:region`). Not yet validated: an unknown profile gets the local defaults.
 */
export function resolveClusterArgs(args: ClusterArgs): ResolvedClusterArgs {
    const profile: Profile = args?.profile === "production" ? "production" : "local";
    return withDefaults(defaultClusterArgs(profile), args ?? {}) as ResolvedClusterArgs;
}
