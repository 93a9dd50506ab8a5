// HorizontalPodAutoscalers (autoscaling/v2) for the API and the WebSocket tier, PodDisruptionBudgets for
// the API, WebSocket and executor. Freqtrade bots get none: each is exactly one replica by design.
import type * as k8s from "@pulumi/kubernetes";
import { labelsFor, selectorFor } from "@deepalpha/shared";
import type { ResolvedAppTierArgs } from "./args";

type Hpa = k8s.autoscaling.v2.HorizontalPodAutoscalerArgs;
type Pdb = k8s.policy.v1.PodDisruptionBudgetArgs;

const utilization = (resource: "cpu" | "memory", averageUtilization: number) => ({
    type: "Resource",
    resource: { name: resource, target: { type: "Utilization", averageUtilization } },
});

export function hpas(s: Pick<ResolvedAppTierArgs, "replicas" | "maxReplicas" | "names" | "namespaces">): Record<"api" | "websocket", Hpa> {
    const target = (name: string) => ({ apiVersion: "apps/v1", kind: "Deployment", name });
    const ns = s.namespaces.app;
    const { api, websocket } = s.names;
    return {
        api: {
            metadata: { name: api, namespace: ns, labels: labelsFor(api, "api") },
            spec: {
                scaleTargetRef: target(api),
                minReplicas: s.replicas.api,
                maxReplicas: s.maxReplicas.api,
                metrics: [utilization("cpu", 70)],
            },
        },
        websocket: {
            metadata: { name: websocket, namespace: ns, labels: labelsFor(websocket, "websocket") },
            spec: {
                scaleTargetRef: target(websocket),
                minReplicas: s.replicas.websocket,
                maxReplicas: s.maxReplicas.websocket,
                // Connections hold memory and CPU; without a connection-count metrics adapter these are the proxies.
                metrics: [utilization("cpu", 60), utilization("memory", 75)],
                behavior: {
                    // Removing a pod drops its clients (they reconnect): shrink slowly, one pod per 5 minutes.
                    scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: "Min", policies: [{ type: "Pods", value: 1, periodSeconds: 300 }] },
                    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Pods", value: 2, periodSeconds: 60 }] },
                },
            },
        },
    };
}

/** One pod at a time may be evicted (node drains, upgrades); never blocks a drain even at 1 replica. */
export function pdbs(s: Pick<ResolvedAppTierArgs, "names" | "namespaces">): Record<"api" | "websocket" | "executor", Pdb> {
    const pdb = (name: string, component: string): Pdb => ({
        metadata: { name, namespace: s.namespaces.app, labels: labelsFor(name, component) },
        spec: {
            maxUnavailable: 1,
            selector: { matchLabels: selectorFor(name) },
            // Pods that are not Ready yet may be evicted: a crash-looping pod must not block node drains.
            unhealthyPodEvictionPolicy: "AlwaysAllow",
        },
    });
    return {
        api: pdb(s.names.api, "api"),
        websocket: pdb(s.names.websocket, "websocket"),
        executor: pdb(s.names.executor, "executor"),
    };
}
