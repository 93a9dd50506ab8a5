// NetworkPolicies of the data tier, on top of the cluster tier's default-deny + DNS in every namespace.
// Local profile (data namespace): each store admits exactly its clients on its own port. Both profiles: the
// data Jobs may reach exactly the stores (and, in production, S3/STS over 443) they need.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { DATA_PORTS, selectorFor } from "@deepalpha/shared";
import type { DataNamespaces } from "./args";
import { DATA_JOB_LABEL, LOCAL_STORES } from "./common";
import { OBJECT_STORE_METRICS_PORT } from "./object-storage-local";

type PolicySpec = k8s.types.input.networking.v1.NetworkPolicySpec;
type Peer = k8s.types.input.networking.v1.NetworkPolicyPeer;

const nsPeer = (ns: string): Peer => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } });
const jobsPeer: Peer = { podSelector: { matchLabels: { ...DATA_JOB_LABEL } } };
const tcp = (port: number) => ({ protocol: "TCP", port });

export interface NamedPolicy {
    name: string;
    namespace: string;
    spec: PolicySpec;
}

/** Ingress to the in-cluster stores (local profile), in the data namespace. Pure, for tests. */
export function localStorePolicies(namespaces: Required<DataNamespaces>): NamedPolicy[] {
    const app = nsPeer(namespaces.app);
    const monitoring = nsPeer(namespaces.monitoring);
    const ingress = (store: string, rules: PolicySpec["ingress"]): NamedPolicy => ({
        name: `${store}-ingress`,
        namespace: namespaces.data,
        spec: { podSelector: { matchLabels: selectorFor(store) }, policyTypes: ["Ingress"], ingress: rules },
    });
    return [
        // App, the PostgreSQL exporter (monitoring) and the migration/backup Jobs.
        ingress(LOCAL_STORES.postgres, [{ from: [app, monitoring, jobsPeer], ports: [tcp(DATA_PORTS.postgres)] }]),
        // App and the Redis exporter.
        ingress(LOCAL_STORES.redis, [{ from: [app, monitoring], ports: [tcp(DATA_PORTS.redis)] }]),
        // App, the backup Job, and Prometheus scraping InfluxDB's own /metrics on the same port.
        ingress(LOCAL_STORES.influxdb, [{ from: [app, monitoring, jobsPeer], ports: [tcp(DATA_PORTS.influxdb)] }]),
        // App (files) and the Jobs (backups) on the S3 port; Prometheus on the metrics port only.
        ingress(LOCAL_STORES.objectStore, [
            { from: [app, jobsPeer], ports: [tcp(DATA_PORTS.s3)] },
            { from: [monitoring], ports: [tcp(OBJECT_STORE_METRICS_PORT)] },
        ]),
    ];
}

/**
 * Egress of the data Jobs, in their namespace. Local: to the stores' pods. Production: to the VPC's data ports
 * and to 443 (S3, STS).
 */
export function jobEgressPolicy(profile: "local" | "production", namespace: string, vpcCidr?: string): NamedPolicy {
    if (profile === "local") {
        const to = (store: string, port: number) => ({ to: [{ podSelector: { matchLabels: selectorFor(store) } }], ports: [tcp(port)] });
        return {
            name: "data-jobs-egress",
            namespace,
            spec: {
                podSelector: { matchLabels: { ...DATA_JOB_LABEL } },
                policyTypes: ["Egress"],
                egress: [
                    to(LOCAL_STORES.postgres, DATA_PORTS.postgres),
                    to(LOCAL_STORES.influxdb, DATA_PORTS.influxdb),
                    to(LOCAL_STORES.objectStore, DATA_PORTS.s3),
                ],
            },
        };
    }
    if (!vpcCidr) throw new Error("jobEgressPolicy: production needs the VPC CIDR");
    return {
        name: "data-jobs-egress",
        namespace,
        spec: {
            podSelector: { matchLabels: { ...DATA_JOB_LABEL } },
            policyTypes: ["Egress"],
            egress: [
                // RDS and Timestream for InfluxDB sit in the VPC's private subnets.
                { to: [{ ipBlock: { cidr: vpcCidr } }], ports: [tcp(DATA_PORTS.postgres), tcp(DATA_PORTS.influxdb)] },
                // S3 and STS (IRSA) are regional public endpoints: HTTPS only.
                { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [tcp(443)] },
            ],
        },
    };
}

/** The policies as resources, each named `${base}-<namespace>-<policy name>` (unique as the object itself is). */
export function createPolicies(base: string, policies: NamedPolicy[], opts: pulumi.CustomResourceOptions): k8s.networking.v1.NetworkPolicy[] {
    return policies.map(
        (p) =>
            new k8s.networking.v1.NetworkPolicy(
                `${base}-${p.namespace}-${p.name}`,
                { metadata: { name: p.name, namespace: p.namespace, labels: { "app.kubernetes.io/part-of": "deepalpha", "app.kubernetes.io/component": "data" } }, spec: p.spec },
                opts,
            ),
    );
}
