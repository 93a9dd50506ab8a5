// The observability tier's children whose names changed when the tier became the @deepalpha/observability package: new name -> old.
// The workloads' PodMonitors are named after the workload's role, not its (now configurable) name.
import type { LegacyNames } from "../aliases";

export const LEGACY_OBSERVABILITY_NAMES: LegacyNames = {
    "observability-podmonitor-api": "observability-podmonitor-deepalpha-api",
    "observability-podmonitor-websocket": "observability-podmonitor-deepalpha-websocket",
    "observability-podmonitor-executor": "observability-podmonitor-deepalpha-executor",
};
