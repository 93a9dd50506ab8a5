// The observability tier's settings: an interface this package owns (the DeepAlpha stack maps its config onto it).
export { type Profile } from "@deepalpha/shared";

/** Add-ons a cluster may already run; the tier then installs none of their objects. */
export type PreinstalledAddon = string;

export interface ObservabilitySettings {
    prometheusRetention: string;
    prometheusStorage: string;
    grafanaStorage: string;
    orderLatencyP95Seconds: number;
    apiLatencyP95Seconds: number;
    alertmanagerReceiver: "none" | "telegram";
    tracingStorage: "memory" | "elasticsearch";
    logging: boolean;
    elasticsearchStorage: string;
    telegramChatId?: number;
}
