// A program of another team: it installed @deepalpha/data from its tarball and deploys two data tiers of its own
// (orders and analytics) side by side into one local cluster, each in its own namespaces.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { DataTier, type DataTierArgs } from "@deepalpha/data";

export function ordersArgs(provider: k8s.Provider): DataTierArgs {
    return {
        profile: "local",
        provider,
        namespaces: { app: "orders", data: "orders-data", monitoring: "orders-monitoring" },
        connectionSecretName: "orders-connection",
        backupSchedule: "30 1 * * *",
        partitionMonthsAhead: 6,
        postgres: { volumeSize: "5Gi" },
    };
}

export function program(overrides: Partial<DataTierArgs> = {}): Record<string, pulumi.Output<string>> {
    const provider = new k8s.Provider("kind", { context: "kind-platform" });
    const orders = new DataTier("orders", { ...ordersArgs(provider), ...overrides });
    const analytics = new DataTier("analytics", {
        profile: "local",
        provider,
        namespaces: { app: "analytics", data: "analytics-data", monitoring: "analytics-monitoring" },
        connectionSecretName: "analytics-connection",
    });
    return { orders: orders.connectionSecretName, analytics: analytics.connectionSecretName };
}
