// kube-prometheus-stack values: Prometheus, Alertmanager, Grafana, node-exporter, kube-state-metrics.
// Pure: every key below exists in the pinned chart's values.yaml (88.5.3) or its grafana subchart (12.11.1).
import type { ObservabilitySettings, Profile } from "../../settings/schema";
import { NAMESPACES, PROD_STORAGE_CLASS } from "../shared/conventions";
import { GLOBAL_SCRAPE_INTERVAL, kubernetesPodsScrapeConfig } from "./scrape";

export const KPS_RELEASE = "kube-prometheus-stack";
/** Short fullname, so Services read kps-prometheus / kps-alertmanager. */
export const KPS_FULLNAME = "kps";
export const GRAFANA_FULLNAME = "grafana";
export const GRAFANA_ADMIN_SECRET = "grafana-admin";
export const GRAFANA_DASHBOARD_LABEL = "grafana_dashboard";
export const TELEGRAM_SECRET = "alertmanager-telegram";
export const TELEGRAM_TOKEN_KEY = "bot-token";

export interface MetricsValuesOptions {
    profile: Profile;
    settings: ObservabilitySettings;
    /** Whether the Telegram bot token Secret exists (prod: required secret). */
    telegram: boolean;
}

type Resources = { requests: Record<string, string>; limits: Record<string, string> };
const res = (cpu: string, memory: string, cpuLimit?: string, memoryLimit = memory): Resources => ({
    requests: { cpu, memory },
    limits: { ...(cpuLimit ? { cpu: cpuLimit } : {}), memory: memoryLimit },
});

/** Alertmanager's own config. The bot token is read from the mounted Secret (bot_token_file), never inlined. */
export function alertmanagerConfig(s: ObservabilitySettings, telegram: boolean): Record<string, unknown> {
    const useTelegram = s.alertmanagerReceiver === "telegram" && telegram;
    const receivers: Record<string, unknown>[] = [{ name: "null" }];
    if (useTelegram) {
        receivers.push({
            name: "telegram",
            telegram_configs: [
                {
                    bot_token_file: `/etc/alertmanager/secrets/${TELEGRAM_SECRET}/${TELEGRAM_TOKEN_KEY}`,
                    chat_id: s.telegramChatId,
                    parse_mode: "HTML",
                    send_resolved: true,
                },
            ],
        });
    }
    return {
        global: { resolve_timeout: "5m" },
        route: {
            group_by: ["alertname", "namespace"],
            group_wait: "30s",
            group_interval: "5m",
            repeat_interval: "4h",
            receiver: useTelegram ? "telegram" : "null",
            // Watchdog fires forever by design (dead man's switch); it must not page.
            routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }],
        },
        receivers,
        inhibit_rules: [
            { source_matchers: ["severity = critical"], target_matchers: ["severity = warning"], equal: ["alertname", "namespace"] },
        ],
    };
}

export function kubePrometheusStackValues(o: MetricsValuesOptions): Record<string, unknown> {
    const s = o.settings;
    const prod = o.profile === "production";
    const storageClass = prod ? { storageClassName: PROD_STORAGE_CLASS } : {};
    return {
        fullnameOverride: KPS_FULLNAME,
        // The program creates PodMonitors, ServiceMonitors and PrometheusRules itself, in the monitoring
        // namespace; with the *NilUsesHelmValues switches off, Prometheus selects every one of them, without
        // each object having to carry this release's `release:` label.
        prometheus: {
            prometheusSpec: {
                replicas: prod ? 2 : 1,
                retention: s.prometheusRetention,
                scrapeInterval: GLOBAL_SCRAPE_INTERVAL,
                evaluationInterval: GLOBAL_SCRAPE_INTERVAL,
                serviceMonitorSelectorNilUsesHelmValues: false,
                podMonitorSelectorNilUsesHelmValues: false,
                ruleSelectorNilUsesHelmValues: false,
                probeSelectorNilUsesHelmValues: false,
                scrapeConfigSelectorNilUsesHelmValues: false,
                additionalScrapeConfigs: [kubernetesPodsScrapeConfig()],
                resources: prod ? res("500m", "4Gi", undefined, "8Gi") : res("100m", "512Mi", undefined, "1Gi"),
                storageSpec: {
                    volumeClaimTemplate: {
                        spec: { ...storageClass, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: s.prometheusStorage } } },
                    },
                },
            },
        },
        alertmanager: {
            config: alertmanagerConfig(s, o.telegram),
            alertmanagerSpec: {
                replicas: prod ? 3 : 1,
                // Mounted at /etc/alertmanager/secrets/<name>/: the Telegram bot token stays in a Secret.
                secrets: o.telegram ? [TELEGRAM_SECRET] : [],
                resources: prod ? res("50m", "128Mi", undefined, "256Mi") : res("10m", "64Mi", undefined, "128Mi"),
            },
        },
        grafana: {
            fullnameOverride: GRAFANA_FULLNAME,
            // The seed's GF_SECURITY_ADMIN_PASSWORD, from a Secret the program fills from @pulumi/random.
            admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
            defaultDashboardsEnabled: true,
            sidecar: {
                dashboards: { enabled: true, label: GRAFANA_DASHBOARD_LABEL, labelValue: "1", searchNamespace: NAMESPACES.monitoring },
            },
            persistence: { enabled: true, size: s.grafanaStorage, ...storageClass },
            // The volume is ReadWriteOnce: the chart's default RollingUpdate starts the new pod while the old one
            // still holds it, so on another node it never attaches (Multi-Attach) and the rollout, and with it
            // `pulumi up`, hangs until the Deployment's timeout. Recreate releases the volume first.
            deploymentStrategy: { type: "Recreate" },
            resources: prod ? res("100m", "256Mi", undefined, "512Mi") : res("50m", "128Mi", undefined, "256Mi"),
        },
        prometheusOperator: {
            // The admission webhook's certificates come from Helm hook Jobs, which helm.v4.Chart does not
            // order like Helm does; rule syntax is checked by the tests (real PromQL parser) instead.
            admissionWebhooks: { enabled: false },
            tls: { enabled: false },
            resources: res(prod ? "100m" : "50m", prod ? "256Mi" : "128Mi"),
        },
        // EKS runs the control plane itself and kind/minikube bind these to localhost: their ServiceMonitors
        // would only raise TargetDown. kubelet, CoreDNS, node-exporter and kube-state-metrics stay on.
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeProxy: { enabled: false },
        "kube-state-metrics": { resources: res(prod ? "50m" : "10m", prod ? "256Mi" : "64Mi") },
        "prometheus-node-exporter": { resources: res(prod ? "50m" : "10m", prod ? "64Mi" : "32Mi") },
    };
}
