// The cluster tier's settings: an interface this package owns (the DeepAlpha stack maps its config onto it).
export { type Profile } from "@deepalpha/shared";

/** Add-ons a cluster may already run; the tier then installs none of their objects. */
export type PreinstalledAddon = string;

export interface NodeGroupSettings {
    instanceType: string;
    minSize: number;
    desiredSize: number;
    maxSize: number;
}

export interface ExecutorNodeGroupSettings extends NodeGroupSettings {
    hugepages2Mi: number;
    enaExpress: boolean;
    cpuTarget: string;
}

export interface GatewaySettings {
    install: boolean;
    className: string;
    tls: "selfSigned" | "letsEncrypt" | "acm";
    acmeEmail?: string;
    acmCertificateArn?: string;
}

export interface ClusterSettings {
    kubeContext?: string;
    kubeconfigPath?: string;
    name: string;
    kubernetesVersion: string;
    vpcCidr: string;
    availabilityZones: number;
    natGateways: "onePerAz" | "single";
    publicEndpointCidrs: string[];
    adminRoleArns: string[];
    generalNodes: NodeGroupSettings;
    executorNodes: ExecutorNodeGroupSettings;
    gateway: GatewaySettings;
}
