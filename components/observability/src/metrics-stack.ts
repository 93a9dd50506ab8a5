// kube-prometheus-stack values: Prometheus, Alertmanager, Grafana, node-exporter, kube-state-metrics.
// Pure: every key below exists in the pinned chart's values.yaml (88.5.3) or its grafana subchart (12.11.1).
import type { Profile } from "@deepalpha/shared";
import { exemptions } from "@deepalpha/shared";
import type { AlertmanagerReceiver } from "./defaults";
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
    prometheusRetention: string;
    prometheusStorage: string;
    grafanaStorage: string;
    alertmanagerReceiver: AlertmanagerReceiver;
    telegramChatId?: number;
    /** StorageClass of the Prometheus and Grafana volumes; unset: the cluster's default. */
    storageClassName?: string;
    /** The namespace of the tier: Grafana's sidecar reads dashboards from there. */
    namespace: string;
    /** Secrets the charts only name. */
    grafanaAdminSecret: string;
    telegramSecret: string;
    /** Whether the Telegram bot token Secret exists (prod: required secret). */
    telegram: boolean;
}

type Resources = { requests: Record<string, string>; limits: Record<string, string> };
const res = (cpu: string, memory: string, cpuLimit?: string, memoryLimit = memory): Resources => ({
    requests: { cpu, memory },
    limits: { ...(cpuLimit ? { cpu: cpuLimit } : {}), memory: memoryLimit },
});

/**
 * Documented exemptions on the chart's objects (annotation values the charts render onto that one object, or onto its
 * pod template), each with the object's own reason. The policy pack honours them; `npm run charts:check` lists them (docs/charts.md).
 */
export const KPS_EXEMPTIONS = {
    /** node-exporter reads the node, not the pod: host /proc, /sys and / (read-only), the host network and PIDs. */
    nodeExporter: {
        "pod-allowed-volume-types": "node-exporter reports the node: it reads the host's /proc, /sys and root filesystem (hostPath, read-only)",
        "pod-no-host-namespaces": "node-exporter reports the node's network interfaces and processes: host network and host PID namespace",
    },
    /** Grafana keeps its database (SQLite) and plugins on one ReadWriteOnce volume. */
    grafana: {
        "prod-min-replicas": "Grafana keeps its SQLite database on one ReadWriteOnce volume: a second replica could not mount it (HA Grafana needs an external database)",
        "prod-pod-disruption-budget": "a single Grafana (one ReadWriteOnce volume): a budget would only block node drains",
    },
    /** kube-state-metrics exports every object's state from each replica. */
    kubeStateMetrics: {
        "prod-min-replicas": "each kube-state-metrics replica exports every object: a second one doubles every kube_* series, which breaks the chart's rules' one-to-one joins",
        "prod-pod-disruption-budget": "a single kube-state-metrics: a budget would only block node drains",
    },
    /** The chart renders the operator with a fixed `replicas: 1`. */
    prometheusOperator: {
        "prod-min-replicas": "kube-prometheus-stack 88.5.3 renders the Prometheus operator with a fixed replicas: 1 (no setting); Prometheus and Alertmanager keep running while it restarts",
        "prod-pod-disruption-budget": "a single Prometheus operator: a budget would only block node drains",
    },
} as const;

/**
 * The k8s-sidecar containers' probe (k8s-sidecar 2.10.1 serves /healthz on $HEALTH_PORT: ready after the first sync,
 * live while it reaches the API). The chart gives every sidecar one probe setting but each its own port (dashboards
 * 8084, datasources 8082), so the probe asks the port from the container's own environment. The image is Python.
 */
export const SIDECAR_HEALTH_COMMAND = [
    "python",
    "-c",
    "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['HEALTH_PORT'] + '/healthz', timeout=5)",
];
const sidecarProbe = (initialDelaySeconds: number) => ({ exec: { command: SIDECAR_HEALTH_COMMAND }, initialDelaySeconds, periodSeconds: 20, timeoutSeconds: 10, failureThreshold: 3 });

/** Alertmanager's own config. The bot token is read from the mounted Secret (bot_token_file), never inlined. */
export function alertmanagerConfig(
    s: { alertmanagerReceiver: AlertmanagerReceiver; telegramChatId?: number },
    telegram: boolean,
    telegramSecret: string = TELEGRAM_SECRET,
): Record<string, unknown> {
    const useTelegram = s.alertmanagerReceiver === "telegram" && telegram;
    const receivers: Record<string, unknown>[] = [{ name: "null" }];
    if (useTelegram) {
        receivers.push({
            name: "telegram",
            telegram_configs: [
                {
                    bot_token_file: `/etc/alertmanager/secrets/${telegramSecret}/${TELEGRAM_TOKEN_KEY}`,
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
    const s = o;
    const prod = o.profile === "production";
    const storageClass = o.storageClassName ? { storageClassName: o.storageClassName } : {};
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
            config: alertmanagerConfig(s, o.telegram, o.telegramSecret),
            alertmanagerSpec: {
                replicas: prod ? 3 : 1,
                // Mounted at /etc/alertmanager/secrets/<name>/: the Telegram bot token stays in a Secret.
                secrets: o.telegram ? [o.telegramSecret] : [],
                resources: prod ? res("50m", "128Mi", undefined, "256Mi") : res("10m", "64Mi", undefined, "128Mi"),
            },
        },
        grafana: {
            fullnameOverride: GRAFANA_FULLNAME,
            // The seed's GF_SECURITY_ADMIN_PASSWORD, from a Secret the program fills from @pulumi/random.
            admin: { existingSecret: o.grafanaAdminSecret, userKey: "admin-user", passwordKey: "admin-password" },
            defaultDashboardsEnabled: true,
            sidecar: {
                dashboards: { enabled: true, label: GRAFANA_DASHBOARD_LABEL, labelValue: "1", searchNamespace: o.namespace },
                resources: res("10m", "96Mi", "200m", "192Mi"),
                readinessProbe: sidecarProbe(10),
                livenessProbe: sidecarProbe(60),
            },
            persistence: { enabled: true, size: s.grafanaStorage, ...storageClass },
            // The chart's root init container chowns the volume; the pod's fsGroup (472) already gives Grafana the volume.
            initChownData: { enabled: false },
            // On the pod template: the chart's `annotations` value also lands on its ConfigMaps and RBAC objects.
            podAnnotations: exemptions(KPS_EXEMPTIONS.grafana),
            // The volume is ReadWriteOnce: the chart's default RollingUpdate starts the new pod while the old one
            // still holds it, so on another node it never attaches (Multi-Attach) and the rollout, and with it
            // `pulumi up`, hangs until the Deployment's timeout. Recreate releases the volume first.
            deploymentStrategy: { type: "Recreate" },
            resources: prod ? res("100m", "256Mi", "1", "512Mi") : res("50m", "128Mi", "500m", "256Mi"),
        },
        prometheusOperator: {
            // The admission webhook's certificates come from Helm hook Jobs, which helm.v4.Chart does not
            // order like Helm does; rule syntax is checked by the tests (real PromQL parser) instead.
            admissionWebhooks: { enabled: false },
            tls: { enabled: false },
            resources: res(prod ? "100m" : "50m", prod ? "256Mi" : "128Mi", prod ? "1" : "500m"),
            annotations: exemptions(KPS_EXEMPTIONS.prometheusOperator),
        },
        // EKS runs the control plane itself and kind/minikube bind these to localhost: their ServiceMonitors
        // would only raise TargetDown. kubelet, CoreDNS, node-exporter and kube-state-metrics stay on.
        kubeControllerManager: { enabled: false },
        kubeScheduler: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeProxy: { enabled: false },
        "kube-state-metrics": {
            resources: res(prod ? "50m" : "10m", prod ? "256Mi" : "64Mi", prod ? "500m" : "200m"),
            annotations: exemptions(KPS_EXEMPTIONS.kubeStateMetrics),
        },
        "prometheus-node-exporter": {
            resources: res(prod ? "50m" : "10m", prod ? "64Mi" : "32Mi", prod ? "250m" : "100m"),
            // Merged with the chart's pod defaults (UID 65534, runAsNonRoot, read-only root filesystem).
            securityContext: { seccompProfile: { type: "RuntimeDefault" } },
            containerSecurityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
            daemonsetAnnotations: exemptions(KPS_EXEMPTIONS.nodeExporter),
        },
    };
}
