// @deepalpha/observability: metrics, dashboards, alerts, traces and logs for a DeepAlpha deployment.
// kube-prometheus-stack, the PostgreSQL and Redis exporters, Jaeger v2, and (optionally) Elasticsearch + Fluent Bit.
export { Observability, type ObservabilityArgs } from "./observability";
export type { ObservabilitySettings, PreinstalledAddon } from "./settings";
export type { DataEndpoints, ExporterCredentials, Profile } from "@deepalpha/shared";
// Building blocks: pure functions and constants the component uses, public for tests and other programs.
export { buildAlertGroups } from "./alerts";
export { CHARTS as OBSERVABILITY_CHARTS } from "./charts";
export { DASHBOARD_FILE, buildDashboard, stableJson } from "./dashboard";
export { EXPORTER_SECRET } from "./exporters";
export { ES_CONNECTION } from "./logging";
export { GRAFANA_ADMIN_SECRET, SIDECAR_HEALTH_COMMAND, TELEGRAM_SECRET, TELEGRAM_TOKEN_KEY } from "./metrics-stack";
