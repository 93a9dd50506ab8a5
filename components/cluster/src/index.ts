// @deepalpha/cluster: the Kubernetes cluster a DeepAlpha deployment runs on. Production: VPC over several zones,
// EKS, node groups, add-ons and the Gateway; local: an existing cluster chosen by kube context.
export { CLUSTER_TYPE, ClusterComponent, type GatewayRef } from "./cluster";
export type {
    ClusterArgs,
    ClusterExecutorNodeGroupArgs,
    ClusterGatewayArgs,
    ClusterNodeGroupArgs,
    ExecutorNodeGroupSpec,
    GatewaySpec,
    GatewayTls,
    NatGateways,
    NodeGroupSpec,
    ResolvedClusterArgs,
} from "./args";
export {
    DEFAULT_APP_PORTS,
    DEFAULT_AVAILABILITY_ZONES,
    DEFAULT_CLUSTER_NAME,
    DEFAULT_EXECUTOR_NODES,
    DEFAULT_GATEWAY,
    DEFAULT_GATEWAY_NAMES,
    DEFAULT_GATEWAY_TLS,
    DEFAULT_GENERAL_NODES,
    DEFAULT_KUBE_CONTEXT,
    DEFAULT_KUBERNETES_VERSION,
    DEFAULT_NAT_GATEWAYS,
    DEFAULT_VPC_CIDR,
    defaultClusterArgs,
    resolveClusterArgs,
} from "./defaults";
export { COMPONENT as CLUSTER_COMPONENT, clusterArgsSchema, crossFieldProblems as clusterCrossFieldProblems, validateClusterArgs } from "./validate";
export type { ClusterNetwork, Namespaces, Profile } from "@deepalpha/shared";
// Building blocks: pure functions and constants the component uses, public for tests and other programs.
export { CHARTS as CLUSTER_CHARTS, CLUSTER_AUTOSCALER_IMAGE } from "./addons";
export { CONTROL_PLANE_SELECTOR, GATEWAY_CHARTS, dataPlaneSelector } from "./gateway";
export { kubernetesServiceAddress } from "./namespaces";
export { cidrSubnet, planSubnets } from "./network";
export { NODE_ROLE_LABEL, amiTypeFor, enaExpressProblem, splitAcrossZones } from "./nodegroups";
export { CONTAINER_NOFILE, HUGEPAGES_SYSCTL_FILE, MIME_BOUNDARY, SYSCTL_FILE, conntrackMax, nodeSysctls, nodeUserData } from "./node-tuning";
