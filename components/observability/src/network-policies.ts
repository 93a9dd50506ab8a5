// NetworkPolicies of the monitoring namespace. The cluster tier default-denies it and allows DNS; this file
// opens exactly what the observability components need. Inside the namespace the stack's pods may talk to
// each other (config reloaders, Alertmanager mesh, Grafana -> Prometheus, Prometheus -> exporters and
// kube-state-metrics, Fluent Bit/Jaeger/Kibana -> Elasticsearch); the namespace holds nothing else.
// Everything that crosses the namespace boundary is listed explicitly below.
import type * as k8s from "@pulumi/kubernetes";
import { NAMESPACES, type Namespaces } from "@deepalpha/shared";
import type { ScrapedWorkloads } from "./args";
import { CERT_MANAGER, DEFAULT_SCRAPED_WORKLOADS, EXPORTERS } from "./scrape";
import { JAEGER_PORTS } from "./tracing";

type Peer = Record<string, unknown>;
type Port = { protocol: "TCP" | "UDP"; port: number };
interface Rule {
    peers?: Peer[];
    ports?: Port[];
}
export interface PolicySpec {
    name: string;
    podSelector: Record<string, unknown>;
    ingress?: Rule[];
    egress?: Rule[];
}

const tcp = (...ports: number[]): Port[] => ports.map((port) => ({ protocol: "TCP", port }));
const ns = (name: string): Peer => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } });
const app = (name: string) => ({ matchLabels: { "app.kubernetes.io/name": name } });
/** Anywhere: the kube API server, kubelets and host-network node-exporters have no pod labels to select. */
const anywhere: Peer = { ipBlock: { cidr: "0.0.0.0/0" } };
/** Public internet only (Telegram): no private ranges, so nothing inside the VPC is reachable this way. */
const publicInternet: Peer = { ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"] } };

export const KUBE_API_PORTS = [443, 6443];
/** NGINX Gateway Fabric's metrics port (control and data plane), advertised through prometheus.io/port. */
export const NGF_METRICS_PORT = 9113;

export interface PolicyOptions {
    /** Where the managed data stores live in prod (VPC CIDR); in dev they are pods of the data namespace. */
    dataCidrs?: string[];
    /** Namespaces by role (default DeepAlpha's). */
    namespaces?: Pick<Namespaces, "app" | "data" | "gateway" | "certManager">;
    /** The scraped workloads, for their metrics ports (default DeepAlpha's). */
    workloads?: ScrapedWorkloads;
}

export function monitoringPolicies(o: PolicyOptions): PolicySpec[] {
    const n = o.namespaces ?? NAMESPACES;
    const w = o.workloads ?? DEFAULT_SCRAPED_WORKLOADS;
    const appMetricPorts = tcp(w.api.port, w.websocket.port, w.executor.port);
    const dataPeers: Peer[] = o.dataCidrs?.length ? o.dataCidrs.map((cidr) => ({ ipBlock: { cidr } })) : [ns(n.data)];
    const specs: PolicySpec[] = [
        {
            name: "allow-within-monitoring",
            podSelector: {},
            ingress: [{ peers: [{ podSelector: {} }] }],
            egress: [{ peers: [{ podSelector: {} }] }],
        },
        {
            name: "prometheus-scrape-egress",
            podSelector: app("prometheus"),
            egress: [
                // DeepAlpha workloads' /metrics (API 8000, WebSocket 8001, executor 9100).
                { peers: [ns(n.app)], ports: appMetricPorts },
                // cert-manager's certificate metrics.
                { peers: [{ ...ns(n.certManager), podSelector: app(CERT_MANAGER.appName) }], ports: tcp(CERT_MANAGER.containerPort) },
                // CoreDNS metrics. Annotated pods (the seed's kubernetes-pods job) are reached in this namespace
                // and on the app namespace's metric ports; a namespace elsewhere needs its own rule here.
                { peers: [ns("kube-system")], ports: tcp(9153) },
                // NGINX Gateway Fabric's control plane and the nginx data plane it provisions carry
                // prometheus.io/scrape + prometheus.io/port: "9113" (NGF 2.6.7 chart deployment.yaml and
                // provisioner/objects.go), so the kubernetes-pods job discovers them; the cluster tier lets
                // monitoring in on 9113, and without this rule those targets would only ever be down.
                { peers: [ns(n.gateway)], ports: tcp(NGF_METRICS_PORT) },
                // Kube API (service discovery), kubelet/cAdvisor 10250 and host-network node-exporter 9100.
                { peers: [anywhere], ports: tcp(...KUBE_API_PORTS, 10250, 9100) },
            ],
        },
        {
            name: "kube-api-egress",
            podSelector: {
                matchExpressions: [
                    {
                        key: "app.kubernetes.io/name",
                        operator: "In",
                        // Controllers and sidecars that watch the API: operator, kube-state-metrics, Grafana's
                        // dashboard sidecar, Fluent Bit's kubernetes filter, the ECK operator.
                        values: ["kube-prometheus-stack-prometheus-operator", "kube-state-metrics", "grafana", "fluent-bit", "elastic-operator"],
                    },
                ],
            },
            egress: [{ peers: [anywhere], ports: tcp(...KUBE_API_PORTS) }],
        },
        {
            name: "alertmanager-telegram-egress",
            podSelector: app("alertmanager"),
            egress: [{ peers: [publicInternet], ports: tcp(443) }],
        },
        {
            name: "grafana-ingress",
            podSelector: app("grafana"),
            // The shared gateway may route operators to Grafana; everything else reaches it from inside.
            ingress: [{ peers: [ns(n.gateway)], ports: tcp(3000) }],
        },
        {
            name: "jaeger-otlp-ingress",
            podSelector: app("jaeger"),
            ingress: [{ peers: [ns(n.app)], ports: tcp(JAEGER_PORTS.otlpGrpc, JAEGER_PORTS.otlpHttp, JAEGER_PORTS.thriftHttp) }],
        },
        {
            name: "exporters-datastore-egress",
            podSelector: {
                matchExpressions: [{ key: "app.kubernetes.io/name", operator: "In", values: [EXPORTERS.postgres.appName, EXPORTERS.redis.appName] }],
            },
            egress: [{ peers: dataPeers, ports: tcp(5432, 6379) }],
        },
    ];
    return specs;
}

/** PolicySpec -> NetworkPolicy spec (policyTypes from what the spec declares). */
export function toNetworkPolicySpec(p: PolicySpec): k8s.types.input.networking.v1.NetworkPolicySpec {
    const conv = (r: Rule, dir: "from" | "to") => ({ ...(r.peers ? { [dir]: r.peers } : {}), ...(r.ports ? { ports: r.ports } : {}) });
    const types = [...(p.ingress ? ["Ingress"] : []), ...(p.egress ? ["Egress"] : [])];
    return {
        podSelector: p.podSelector as k8s.types.input.meta.v1.LabelSelector,
        policyTypes: types,
        ...(p.ingress ? { ingress: p.ingress.map((r) => conv(r, "from")) } : {}),
        ...(p.egress ? { egress: p.egress.map((r) => conv(r, "to")) } : {}),
    };
}
