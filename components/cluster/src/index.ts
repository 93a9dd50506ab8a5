// @deepalpha/cluster: the Kubernetes cluster a DeepAlpha deployment runs on. Production: VPC over several zones,
// EKS, node groups, add-ons and the Gateway; local: an existing cluster chosen by kube context.
export { ClusterComponent, type ClusterArgs } from "./cluster";
export type { ClusterSettings, ExecutorNodeGroupSettings, GatewaySettings, NodeGroupSettings, PreinstalledAddon } from "./settings";
export type { ClusterNetwork, Profile } from "@deepalpha/shared";
// Building blocks: pure functions and constants the component uses, public for tests and other programs.
export { CHARTS as CLUSTER_CHARTS, CLUSTER_AUTOSCALER_IMAGE } from "./addons";
export { CONTROL_PLANE_SELECTOR, GATEWAY_CHARTS } from "./gateway";
export { kubernetesServiceAddress } from "./namespaces";
export { cidrSubnet, planSubnets } from "./network";
export { NODE_ROLE_LABEL, amiTypeFor, enaExpressProblem, splitAcrossZones } from "./nodegroups";
export { CONTAINER_NOFILE, HUGEPAGES_SYSCTL_FILE, MIME_BOUNDARY, SYSCTL_FILE, conntrackMax, nodeSysctls, nodeUserData } from "./node-tuning";
