// The cluster tier's children whose names changed when the tier became the @deepalpha/cluster package: new name -> old.
// The package names every child `<instance>-<suffix>` (the instance is "cluster" in index.ts); before, these were
// named after their Kubernetes objects.
import type { LegacyNames } from "../aliases";

export const LEGACY_CLUSTER_NAMES: LegacyNames = {
    // Namespaces and the default-deny and DNS-egress policies in each (data: local profile only).
    "cluster-app-namespace": "deepalpha",
    "cluster-app-default-deny": "deepalpha-default-deny",
    "cluster-app-allow-dns": "deepalpha-allow-dns",
    "cluster-data-namespace": "deepalpha-data",
    "cluster-data-default-deny": "deepalpha-data-default-deny",
    "cluster-data-allow-dns": "deepalpha-data-allow-dns",
    "cluster-monitoring-namespace": "monitoring",
    "cluster-monitoring-default-deny": "monitoring-default-deny",
    "cluster-monitoring-allow-dns": "monitoring-allow-dns",
    "cluster-gateway-namespace": "gateway",
    "cluster-gateway-default-deny": "gateway-default-deny",
    "cluster-gateway-allow-dns": "gateway-allow-dns",
    "cluster-cert-manager-namespace": "cert-manager",
    "cluster-cert-manager-default-deny": "cert-manager-default-deny",
    "cluster-cert-manager-allow-dns": "cert-manager-allow-dns",
    // The application's ServiceAccount; its Role and RoleBinding (one name, two types).
    "cluster-app-service-account": "deepalpha",
    "cluster-app-reader": "deepalpha-reader",
    // The gateway's and cert-manager's allow rules, named like their NetworkPolicy objects (the acme ones: Let's Encrypt only).
    "cluster-gateway-data-plane-ingress": "gateway-data-plane-ingress",
    "cluster-gateway-data-plane-egress": "gateway-data-plane-egress",
    "cluster-gateway-control-plane": "gateway-control-plane",
    "cluster-gateway-acme-solver": "gateway-acme-solver",
    "cluster-cert-manager-api-server": "cert-manager-api-server",
    "cluster-cert-manager-webhook": "cert-manager-webhook",
    "cluster-cert-manager-metrics": "cert-manager-metrics",
    "cluster-cert-manager-acme": "cert-manager-acme",
};
