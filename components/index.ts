// The component package's public face: four tiers, each usable from another Pulumi program.
export { ClusterComponent, type ClusterArgs, type ClusterNetwork } from "./cluster";
export { DataTier, type DataTierArgs, type DataEndpoints } from "./data";
export { Observability, type ObservabilityArgs } from "./observability";
export { AppTier, type AppTierArgs } from "./app";
export * from "./shared/conventions";
