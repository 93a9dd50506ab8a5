// The seed's Grafana dashboard "DeepAlpha System Overview", as a pure builder. Grafana's dashboard sidecar
// loads the bare dashboard model from a labelled ConfigMap (the seed's `{"dashboard": ...}` wrapper is the
// HTTP import API's envelope, not the file format). Deviations: `stat` replaces the removed `singlestat`;
// `timeseries` replaces the deprecated `graph` (Grafana 11+ migrates `graph` on load anyway).

export const DASHBOARD_TITLE = "DeepAlpha System Overview";
export const DASHBOARD_UID = "deepalpha-system-overview";
export const DASHBOARD_FILE = "deepalpha-system-overview.json";

interface Target {
    expr: string;
    legendFormat: string;
    refId: string;
}

export interface Panel {
    id: number;
    title: string;
    type: "timeseries" | "stat";
    datasource: { type: string; uid: string };
    gridPos: { h: number; w: number; x: number; y: number };
    targets: Target[];
}

export interface Dashboard {
    id: null;
    uid: string;
    title: string;
    tags: string[];
    timezone: string;
    schemaVersion: number;
    editable: boolean;
    panels: Panel[];
    time: { from: string; to: string };
    refresh: string;
}

/** The seed's four panels: title, type (modernised), query and legend, in the seed's order. */
export const SEED_PANELS: readonly { title: string; type: Panel["type"]; expr: string; legendFormat: string }[] = [
    { title: "API Request Rate", type: "timeseries", expr: "sum(rate(http_requests_total[5m])) by (service)", legendFormat: "{{service}}" },
    {
        title: "Order Execution Latency",
        type: "timeseries",
        expr: "histogram_quantile(0.95, sum(rate(order_latency_seconds_bucket[5m])) by (le))",
        legendFormat: "95th percentile",
    },
    { title: "WebSocket Connections", type: "stat", expr: "websocket_connections_current", legendFormat: "Active Connections" },
    { title: "Portfolio PnL", type: "timeseries", expr: "portfolio_pnl_total", legendFormat: "Total PnL" },
];

/** The provisioned Prometheus datasource of kube-prometheus-stack (its datasource uid is "prometheus"). */
const PROMETHEUS = { type: "prometheus", uid: "prometheus" };

export function buildDashboard(): Dashboard {
    return {
        id: null,
        uid: DASHBOARD_UID,
        title: DASHBOARD_TITLE,
        tags: ["deepalpha", "trading"],
        timezone: "browser",
        schemaVersion: 39,
        editable: false,
        panels: SEED_PANELS.map((p, i) => ({
            id: i + 1,
            title: p.title,
            type: p.type,
            datasource: PROMETHEUS,
            // Two panels per row, 12 columns each.
            gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
            targets: [{ expr: p.expr, legendFormat: p.legendFormat, refId: "A" }],
        })),
        time: { from: "now-1h", to: "now" },
        refresh: "5s",
    };
}

/** JSON with keys sorted at every level: the same dashboard always gives the same bytes (no false diffs). */
export function stableJson(value: unknown): string {
    return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === "object") {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(v as Record<string, unknown>).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
        return out;
    }
    return v;
}
