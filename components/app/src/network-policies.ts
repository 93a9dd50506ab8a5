// The seed's NetworkPolicy, completed: one policy per workload that allows exactly what it needs.
// The cluster tier's default-deny (and its namespace-wide DNS rule) stays underneath; each policy here
// also carries its own DNS rule so the component is correct on its own.
//
//   workload   ingress from                           egress to
//   api        gateway:8000, monitoring:8000,         DNS, PostgreSQL 5432, Redis 6379, InfluxDB 8086,
//              freqtrade:8000                         (dev: S3-compatible store 8333), HTTPS 443 outside, OTLP
//   websocket  gateway:8001, monitoring:8001          DNS, Redis 6379, OTLP
//   executor   monitoring:9100                        DNS, PostgreSQL 5432, Redis 6379, OTLP
//   freqtrade  monitoring:8080                        DNS, API 8000, HTTPS 443 and Binance streams 9443 outside
//
// Data stores: by the VPC's private range in prod (RDS, ElastiCache, Timestream live outside the cluster),
// by the data namespace in dev. "Outside" is 0.0.0.0/0 minus the private ranges, so 443 never reaches
// anything inside the VPC or the cluster.
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { DATA_PORTS, labelsFor, selectorFor } from "@deepalpha/shared";
import type { Profile, ResolvedAppTierArgs } from "./args";
import { workload } from "./context";

type NetworkPolicyArgs = k8s.networking.v1.NetworkPolicyArgs;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type Rule = { to?: Peer[]; from?: Peer[]; ports: k8s.types.input.networking.v1.NetworkPolicyPort[] };

export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
export const HTTPS = 443;

const nsPeer = (ns: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } });
const tcp = (...ports: pulumi.Input<number>[]) => ports.map((port) => ({ protocol: "TCP", port }));

export const DNS_RULE: Rule = {
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
    ports: [
        { protocol: "UDP", port: 53 },
        { protocol: "TCP", port: 53 },
    ],
};

export const OUTSIDE_HTTPS: Rule = { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }], ports: tcp(HTTPS) };

/**
 * Binance's market-data WebSocket port. Freqtrade follows candles over ccxt's WebSocket client (on by default for
 * Binance), whose spot stream URL is hard-wired to wss://stream.binance.com:9443/ws: with 443 alone the bots'
 * streams are dropped in prod (the testnet streams use 443). The API is configured for the 443 endpoint instead.
 */
export const BINANCE_STREAM_PORT = 9443;
export const OUTSIDE_EXCHANGE_STREAMS: Rule = { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }], ports: tcp(BINANCE_STREAM_PORT) };

/** The port of the OTLP endpoint URL (4317 for gRPC when none is given). */
export function otlpPort(endpoint: string): number {
    const u = new URL(endpoint);
    return u.port ? Number(u.port) : 4317;
}

export interface PolicyInputs extends Pick<ResolvedAppTierArgs, "names" | "namespaces"> {
    profile: Profile;
    /** Production: the private ranges the data stores live in. */
    dataCidrs?: string[];
    otlpEndpoint: pulumi.Input<string>;
}

export function networkPolicies(i: PolicyInputs): Record<"api" | "websocket" | "executor" | "freqtrade", NetworkPolicyArgs> {
    // validate.ts refuses production without dataCidrs before anything is registered; this guards direct callers.
    if (i.profile === "production" && !(i.dataCidrs && i.dataCidrs.length)) {
        throw new Error("AppTier: dataCidrs is required in the production profile (the VPC range of RDS, ElastiCache and Timestream)");
    }
    const ns = i.namespaces;
    const W = { api: workload(i, "api"), websocket: workload(i, "websocket"), executor: workload(i, "executor"), freqtrade: workload(i, "freqtrade") };
    const data = (...ports: number[]): Rule => ({
        to: i.profile === "production" ? i.dataCidrs!.map((cidr) => ({ ipBlock: { cidr } })) : [nsPeer(ns.data)],
        ports: tcp(...ports),
    });
    const otlp: Rule = { to: [nsPeer(ns.monitoring)], ports: tcp(pulumi.output(i.otlpEndpoint).apply(otlpPort)) };
    const gateway = (port: number): Rule => ({ from: [nsPeer(ns.gateway)], ports: tcp(port) });
    const monitoring = (port: number): Rule => ({ from: [nsPeer(ns.monitoring)], ports: tcp(port) });
    const freqtradePods = { podSelector: { matchLabels: selectorFor(W.freqtrade.name) } };
    const apiPods = { podSelector: { matchLabels: selectorFor(W.api.name) } };

    const policy = (name: string, component: string, ingress: Rule[], egress: Rule[]): NetworkPolicyArgs => ({
        metadata: { name, namespace: ns.app, labels: labelsFor(name, component) },
        spec: { podSelector: { matchLabels: selectorFor(name) }, policyTypes: ["Ingress", "Egress"], ingress, egress },
    });
    const apiDataPorts = [DATA_PORTS.postgres, DATA_PORTS.redis, DATA_PORTS.influxdb, ...(i.profile === "local" ? [DATA_PORTS.s3] : [])];

    return {
        api: policy(
            W.api.name,
            "api",
            [gateway(W.api.port), monitoring(W.api.port), { from: [freqtradePods], ports: tcp(W.api.port) }],
            [DNS_RULE, data(...apiDataPorts), OUTSIDE_HTTPS, otlp],
        ),
        websocket: policy(
            W.websocket.name,
            "websocket",
            [gateway(W.websocket.port), monitoring(W.websocket.port)],
            [DNS_RULE, data(DATA_PORTS.redis), otlp],
        ),
        executor: policy(W.executor.name, "executor", [monitoring(W.executor.port)], [DNS_RULE, data(DATA_PORTS.postgres, DATA_PORTS.redis), otlp]),
        freqtrade: policy(
            W.freqtrade.name,
            "trading-bot",
            [monitoring(W.freqtrade.port)],
            [DNS_RULE, { to: [apiPods], ports: tcp(W.api.port) }, OUTSIDE_HTTPS, OUTSIDE_EXCHANGE_STREAMS],
        ),
    };
}
