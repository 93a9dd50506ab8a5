// @deepalpha/observability: metrics, dashboards, alerts, traces and logs for a DeepAlpha deployment.
// kube-prometheus-stack, the PostgreSQL and Redis exporters, Jaeger v2, and (optionally) Elasticsearch + Fluent Bit.
export { OBSERVABILITY_TYPE, Observability } from "./observability";
export {
    ALERTMANAGER_RECEIVERS,
    OBSERVABILITY_ADDONS,
    PROFILE_VALUES,
    TRACING_STORAGES,
    type DataJobNames,
    type ExporterTargets,
    type ObservabilityArgs,
    type ObservabilityObjectNames,
    type ScrapedWorkload,
    type ScrapedWorkloads,
} from "./args";
export {
    DEFAULT_DATA_JOBS,
    DEFAULT_OBJECT_NAMES,
    DEFAULT_SCRAPED_WORKLOADS,
    OBSERVABILITY_TUNING,
    defaultObservabilityArgs,
    resolveObservabilityArgs,
    type AlertmanagerReceiver,
    type ObservabilityTuning,
    type ResolvedObservabilityArgs,
    type TracingStorage,
} from "./defaults";
export { crossFieldProblems, observabilityArgsSchema, validateObservabilityArgs } from "./validate";
export type { DataEndpoints, ExporterCredentials, Namespaces, Profile } from "@deepalpha/shared";
// Building blocks: pure functions and constants the component uses, public for tests and other programs.
export { buildAlertGroups } from "./alerts";
export { CHARTS as OBSERVABILITY_CHARTS } from "./charts";
export { DASHBOARD_FILE, buildDashboard, stableJson } from "./dashboard";
export { EXPORTER_SECRET } from "./exporters";
export { ES_CONNECTION, esConnection } from "./logging";
export { GRAFANA_ADMIN_SECRET, SIDECAR_HEALTH_COMMAND, TELEGRAM_SECRET, TELEGRAM_TOKEN_KEY } from "./metrics-stack";
