// PodDisruptionBudgets for chart Deployments whose pinned chart renders none (prometheus-redis-exporter 6.29.0,
// jaeger 4.11.1): a node drain keeps one pod of each, and prod's prod-pod-disruption-budget policy finds a budget
// selecting the chart's pods. Pure; index.ts creates them beside the charts.
import { EXPORTERS } from "./scrape";
import { JAEGER_RELEASE } from "./tracing";

export interface BudgetSpec {
    name: string;
    /** The chart Deployment's own selector (its matchLabels as rendered). */
    matchLabels: Record<string, string>;
}

export interface BudgetOptions {
    redisExporterReplicas?: number;
    jaegerReplicas?: number;
}

/** Budgets (minAvailable 1) for the charts that run more than one replica; a singleton gets none (it would block drains). */
export function chartDisruptionBudgets(o: BudgetOptions): BudgetSpec[] {
    const out: BudgetSpec[] = [];
    if ((o.redisExporterReplicas ?? 0) > 1) {
        out.push({ name: EXPORTERS.redis.release, matchLabels: { "app.kubernetes.io/name": EXPORTERS.redis.appName, "app.kubernetes.io/instance": EXPORTERS.redis.release } });
    }
    if ((o.jaegerReplicas ?? 0) > 1) {
        out.push({ name: JAEGER_RELEASE, matchLabels: { "app.kubernetes.io/name": "jaeger", "app.kubernetes.io/instance": JAEGER_RELEASE, "app.kubernetes.io/component": "all-in-one" } });
    }
    return out;
}
