// The cluster tier's arguments: an interface this package owns. Every field is documented with its default (see
// defaults.ts for DeepAlpha's values) and its allowed values; validate.ts checks the resolved arguments before the
// component registers anything. Enumerations are documented strings, checked at run time (the Pulumi schema other
// languages consume has no union types).
import type { Namespaces, Profile } from "@deepalpha/shared";

/** A managed node group's size and instance type (production). */
export interface ClusterNodeGroupArgs {
    /** EC2 instance type, such as `m5.2xlarge`; a Graviton type (`m7g.2xlarge`) gets the ARM AMI. */
    instanceType?: string;
    /** Fewest nodes (0-100). With one group per zone (general nodes) the total is split over the zones. */
    minSize?: number;
    /** Nodes at creation (0-100; min <= desired <= max). The cluster autoscaler owns it afterwards. */
    desiredSize?: number;
    /** Most nodes (1-100). */
    maxSize?: number;
}

/** The executor node group: tainted and labelled for the latency-sensitive executor pods only (production). */
export interface ClusterExecutorNodeGroupArgs extends ClusterNodeGroupArgs {
    /** 2 MiB huge pages reserved on each node at boot (0-65536). Default 1024 (2 GiB). */
    hugepages2Mi?: number;
    /**
     * ENA Express (SRD) on the nodes' primary interface, for TCP only. Only instance types that support it (EC2's
     * DescribeInstanceTypes `EnaSrdSupported`, which this component cannot ask offline; `enaExpressProblem` words
     * the check). Default false.
     */
    enaExpress?: boolean;
    /**
     * The CPU the executor image is compiled for (rustc `-C target-cpu`, such as `icelake-server`); the nodes carry
     * it as the `deepalpha.io/cpu-target` label, which the executor pods select. A Kubernetes label value.
     * Default `icelake-server` (the default c6i instance type's CPU).
     */
    cpuTarget?: string;
}

/** The shared Gateway (Gateway API, NGINX Gateway Fabric) and its certificate. */
export interface ClusterGatewayArgs {
    /** Install NGINX Gateway Fabric and the Gateway API CRDs; false when the cluster already runs them. Default true. */
    install?: boolean;
    /** GatewayClass the Gateway uses (a DNS subdomain name). Default `nginx` (NGINX Gateway Fabric's). */
    className?: string;
    /**
     * How the gateway's certificate is issued: `selfSigned` (cert-manager, in-cluster CA), `letsEncrypt`
     * (cert-manager, ACME HTTP-01 through the Gateway; needs `acmeEmail`) or `acm` (the AWS NLB terminates TLS with
     * `acmCertificateArn`; production only). Default `selfSigned` (local), `letsEncrypt` (production).
     */
    tls?: string;
    /** ACME account e-mail; required when `tls` is `letsEncrypt`. No default. */
    acmeEmail?: string;
    /** ARN of the ACM certificate the NLB serves; required when `tls` is `acm`. No default. */
    acmCertificateArn?: string;
    /** The Gateway object's name (in `namespaces.gateway`), which HTTPRoutes name as their parent. Default `deepalpha`. */
    name?: string;
    /** The cert-manager Certificate for the gateway's host names. Default `deepalpha-gateway`. */
    certificateName?: string;
    /** The Secret that Certificate writes and the https listener serves. Default `deepalpha-gateway-tls`. */
    tlsSecretName?: string;
}

/** Arguments of {@link ClusterComponent}. Only `profile` is required. */
export interface ClusterArgs {
    /**
     * `local`: an existing cluster picked by kube context, no AWS at all. `production`: a VPC over several zones,
     * EKS, managed node groups, EKS add-ons, metrics-server and the cluster autoscaler. Required.
     */
    profile: string;

    // ----- local profile -----
    /** local: kubeconfig context of the existing cluster (kind, Docker Desktop, minikube). Default `kind-deepalpha`. */
    kubeContext?: string;
    /** local: kubeconfig file (a path; the provider reads it at run time). Default: $KUBECONFIG or ~/.kube/config. */
    kubeconfigPath?: string;

    // ----- production profile -----
    /** production (required): AWS region of the cluster, such as `us-west-2`. No default: the package reads no stack configuration. */
    region?: string;
    /**
     * production: the EKS cluster's name, also the prefix of the AWS resources' Name tags, launch templates and node
     * groups (lower case, 2-39 characters, starting with a letter). Default `deepalpha`.
     */
    clusterName?: string;
    /**
     * Kubernetes minor version of the control plane and nodes (production; upgrade one minor at a time). One of
     * the versions the pinned cluster-autoscaler has a release for: `1.32`, `1.33`, `1.34`, `1.35`. Default `1.35`.
     */
    kubernetesVersion?: string;
    /** production: the VPC's IPv4 range, /16 to /20 (nodes and pods take their addresses from it). Default `10.40.0.0/16`. */
    vpcCidr?: string;
    /** production: availability zones the VPC and node groups span (2-7). Default 3. */
    availabilityZones?: number;
    /** production: `onePerAz` (each zone's egress survives another zone's loss) or `single` (cheaper). Default `onePerAz`. */
    natGateways?: string;
    /** production: CIDRs allowed to reach the public EKS API endpoint; empty turns the public endpoint off. Default []. */
    publicEndpointCidrs?: string[];
    /**
     * production: IAM role ARNs made cluster-admin through EKS access entries. Leave out the role that runs
     * `pulumi up`: EKS makes it admin already and refuses a second entry. Default [].
     */
    adminRoleArns?: string[];
    /** production: the general node groups (one per zone). Default 3 x m5.2xlarge, at most 9. */
    generalNodes?: ClusterNodeGroupArgs;
    /** production: the executor node group. Default 2 x c6i.4xlarge, at most 4, 1024 huge pages, no ENA Express. */
    executorNodes?: ClusterExecutorNodeGroupArgs;

    // ----- both profiles -----
    /** The shared Gateway: see {@link ClusterGatewayArgs}. */
    gateway?: ClusterGatewayArgs;
    /**
     * Host names the gateway's certificate covers (lower-case DNS names). At least one unless `gateway.tls` is `acm`.
     * Default [].
     */
    hostnames?: string[];
    /**
     * Namespace names by role (each a DNS label, all different): `app`, `data` (created in the local profile only),
     * `monitoring`, `gateway`, `certManager`. Roles left out keep DeepAlpha's names: `deepalpha`, `deepalpha-data`,
     * `monitoring`, `gateway`, `cert-manager`.
     */
    namespaces?: Partial<Namespaces>;
    /**
     * The application's ServiceAccount in `namespaces.app` (read-only Role `<name>-reader`; in production its IRSA role
     * is `appRole`). Default `deepalpha`.
     */
    appServiceAccount?: string;
    /** Ports of the application's Services the Gateway's data plane may reach in `namespaces.app`. Default [8000, 8001]. */
    appPorts?: number[];
    /** production: name of the default StorageClass (encrypted gp3, EBS CSI). Default `gp3`. */
    storageClassName?: string;
    /**
     * Add-ons the cluster already runs, installed by other means. This tier honours `cert-manager` (its chart is then
     * not installed) and ignores other names, so one list can be handed to every tier. Default [].
     */
    preinstalled?: string[];
    /** Tags on every AWS resource. Default: none. */
    tags?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------------------
// The arguments after defaults (what validate.ts checks and the builders read).
// ---------------------------------------------------------------------------------------------------------
export type NatGateways = "onePerAz" | "single";
export type GatewayTls = "selfSigned" | "letsEncrypt" | "acm";

export interface NodeGroupSpec {
    instanceType: string;
    minSize: number;
    desiredSize: number;
    maxSize: number;
}

export interface ExecutorNodeGroupSpec extends NodeGroupSpec {
    hugepages2Mi: number;
    enaExpress: boolean;
    cpuTarget: string;
}

export interface GatewaySpec {
    install: boolean;
    className: string;
    tls: GatewayTls;
    acmeEmail?: string;
    acmCertificateArn?: string;
    name: string;
    certificateName: string;
    tlsSecretName: string;
}

/** {@link ClusterArgs} with every default applied, as validated. */
export interface ResolvedClusterArgs {
    profile: Profile;
    kubeContext?: string;
    kubeconfigPath?: string;
    region?: string;
    clusterName: string;
    kubernetesVersion: string;
    vpcCidr: string;
    availabilityZones: number;
    natGateways: NatGateways;
    publicEndpointCidrs: string[];
    adminRoleArns: string[];
    generalNodes: NodeGroupSpec;
    executorNodes: ExecutorNodeGroupSpec;
    gateway: GatewaySpec;
    hostnames: string[];
    namespaces: Namespaces;
    appServiceAccount: string;
    appPorts: number[];
    storageClassName: string;
    preinstalled: string[];
    tags?: Record<string, string>;
}
