// DeepAlpha's values for every Observability argument that has a default, per profile. The DeepAlpha stack
// settings take their `observability` section's defaults from here (one source).
import type * as k8s from "@pulumi/kubernetes";
import { NAMESPACES, PROD_STORAGE_CLASS, RESTORE_DRILL, withDefaults, type ExporterCredentials, type Namespaces, type Profile } from "@deepalpha/shared";
import type { ALERTMANAGER_RECEIVERS, DataJobNames, ExporterTargets, ObservabilityArgs, ObservabilityObjectNames, ScrapedWorkloads, TRACING_STORAGES } from "./args";
import { PROFILE_VALUES } from "./args";
import { PARTITION_CRONJOB } from "./alerts";
import { EXPORTER_SECRET } from "./exporters";
import { ES_NAME, KIBANA_NAME } from "./logging";
import { GRAFANA_ADMIN_SECRET, TELEGRAM_SECRET } from "./metrics-stack";
import { DEFAULT_SCRAPED_WORKLOADS } from "./scrape";

export type AlertmanagerReceiver = (typeof ALERTMANAGER_RECEIVERS)[number];
export type TracingStorage = (typeof TRACING_STORAGES)[number];

/** The sizing and behaviour fields that differ per profile (the DeepAlpha stack settings' `observability` section). */
export interface ObservabilityTuning {
    prometheusRetention: string;
    prometheusStorage: string;
    grafanaStorage: string;
    orderLatencyP95Seconds: number;
    apiLatencyP95Seconds: number;
    alertmanagerReceiver: AlertmanagerReceiver;
    tracingStorage: TracingStorage;
    logging: boolean;
    elasticsearchStorage: string;
}

/** DeepAlpha's tuning per profile: production is the seed's HA layout, local fits a laptop cluster. */
export const OBSERVABILITY_TUNING: Readonly<Record<Profile, Readonly<ObservabilityTuning>>> = {
    production: {
        prometheusRetention: "15d",
        prometheusStorage: "100Gi",
        grafanaStorage: "10Gi",
        orderLatencyP95Seconds: 0.5,
        apiLatencyP95Seconds: 1,
        alertmanagerReceiver: "telegram",
        tracingStorage: "elasticsearch",
        logging: true,
        elasticsearchStorage: "100Gi",
    },
    local: {
        prometheusRetention: "2d",
        prometheusStorage: "5Gi",
        grafanaStorage: "1Gi",
        orderLatencyP95Seconds: 0.5,
        apiLatencyP95Seconds: 1,
        alertmanagerReceiver: "none",
        tracingStorage: "memory",
        logging: false,
        elasticsearchStorage: "10Gi",
    },
};

export { DEFAULT_SCRAPED_WORKLOADS };

/** Names of the objects the tier creates. */
export const DEFAULT_OBJECT_NAMES: Readonly<ObservabilityObjectNames> = {
    grafanaAdminSecret: GRAFANA_ADMIN_SECRET,
    telegramSecret: TELEGRAM_SECRET,
    exporterSecret: EXPORTER_SECRET,
    dashboards: "deepalpha-dashboards",
    alertRules: "deepalpha-alerts",
    elasticsearch: ES_NAME,
    kibana: KIBANA_NAME,
    indexCleaner: "jaeger-es-index-cleaner",
};

/** The DeepAlpha data tier's CronJobs. */
export const DEFAULT_DATA_JOBS: Readonly<DataJobNames> = {
    backups: ".*backup.*",
    partitions: PARTITION_CRONJOB,
    restoreDrill: RESTORE_DRILL,
};

/** The args after defaults (and, once validate.ts passed them, with the enumerations narrowed). */
export interface ResolvedObservabilityArgs extends ObservabilityTuning {
    profile: Profile;
    provider?: k8s.Provider;
    namespaces: Namespaces;
    workloads: ScrapedWorkloads;
    names: ObservabilityObjectNames;
    dataJobs: DataJobNames;
    storageClassName?: string;
    telegramChatId?: number;
    telegramBotToken?: ObservabilityArgs["telegramBotToken"];
    dataEndpoints?: ExporterTargets;
    exporterCredentials?: ExporterCredentials;
    postgresDatabase: string;
    redisTls: boolean;
    dataCidrs?: string[];
    preinstalled: string[];
}

/** Every default of a profile (the fields without one, such as dataEndpoints, are absent). */
export function defaultObservabilityArgs(profile: Profile): ResolvedObservabilityArgs {
    const prod = profile === "production";
    return {
        profile,
        ...OBSERVABILITY_TUNING[profile],
        namespaces: { ...NAMESPACES },
        workloads: { api: { ...DEFAULT_SCRAPED_WORKLOADS.api }, websocket: { ...DEFAULT_SCRAPED_WORKLOADS.websocket }, executor: { ...DEFAULT_SCRAPED_WORKLOADS.executor } },
        names: { ...DEFAULT_OBJECT_NAMES },
        dataJobs: { ...DEFAULT_DATA_JOBS },
        ...(prod ? { storageClassName: PROD_STORAGE_CLASS } : {}),
        postgresDatabase: "deepalpha",
        redisTls: prod,
        preinstalled: [],
    };
}

/**
 * The given args over their profile's defaults (objects merge key by key; arrays, scalars and Outputs replace).
 * An unknown profile resolves with the local defaults; validation then reports it.
 */
export function resolveObservabilityArgs(args: ObservabilityArgs): ResolvedObservabilityArgs {
    const given = args.profile ?? "local";
    const profile: Profile = (PROFILE_VALUES as readonly string[]).includes(given) ? (given as Profile) : "local";
    return withDefaults(defaultObservabilityArgs(profile), { ...args, profile: given });
}
