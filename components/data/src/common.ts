// Names, labels and small pod helpers shared by the data tier's files. Pure: no resources here.
import type * as k8s from "@pulumi/kubernetes";
import { labelsFor } from "@deepalpha/shared";
import { restrictedContainerSecurity, restrictedPodSecurity } from "@deepalpha/shared";

type Container = k8s.types.input.core.v1.Container;
type PodSpec = k8s.types.input.core.v1.PodSpec;

/** Database, user and object names both profiles share, so the app and the restore docs see one layout. */
export const DB = {
    name: "deepalpha",
    user: "deepalpha",
    /** Read-only monitoring role (pg_monitor) the PostgreSQL exporter logs in as. */
    exporterUser: "deepalpha_exporter",
    influxUser: "deepalpha",
} as const;

/** Label on every pod of the data tier's Jobs: NetworkPolicies select on it. */
export const DATA_JOB_LABEL = { "deepalpha.io/data-job": "true" } as const;

/** In-cluster store names (local profile): StatefulSet, Service and app.kubernetes.io/name label. */
export const LOCAL_STORES = {
    postgres: "postgres",
    redis: "redis",
    influxdb: "influxdb",
    objectStore: "seaweedfs",
} as const;

/**
 * Custom timeouts of the AWS data stores, above the provider's defaults (terraform-provider-aws: RDS instance
 * 40m create / 80m update / 60m delete; ElastiCache replication group 60m / 40m / 45m; Timestream for InfluxDB
 * 30m each), which Multi-AZ creates, replica creates from a large primary, class changes and major upgrades
 * can exceed. A timed-out create is not recorded in the state while AWS carries on creating.
 */
export const DATA_STORE_TIMEOUTS = {
    postgres: { create: "90m", update: "120m", delete: "90m" },
    redis: { create: "90m", update: "90m", delete: "60m" },
    influxdb: { create: "90m", update: "90m", delete: "60m" },
} as const;

export function dataLabels(name: string, component: string): Record<string, string> {
    return labelsFor(name, component);
}

export const image = (i: { repository: string; tag: string }) => `${i.repository}:${i.tag}`;

/** Writable scratch directories for containers with a read-only root file system. */
export function scratchVolumes(names: string[], sizeLimit = "1Gi"): k8s.types.input.core.v1.Volume[] {
    return names.map((name) => ({ name, emptyDir: { sizeLimit } }));
}

/** A container of a data-tier Job: restricted security, HOME on /tmp, bounded resources. */
export function jobContainer(c: Container & { name: string; image: string }): Container {
    return {
        ...c,
        securityContext: restrictedContainerSecurity(),
        resources: c.resources ?? { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    };
}

/** Pod spec of a data-tier Job or CronJob: never restarts in place (the Job retries), runs as non-root. */
export function jobPodSpec(spec: {
    serviceAccountName?: string;
    initContainers?: Container[];
    containers: Container[];
    volumes: k8s.types.input.core.v1.Volume[];
}): PodSpec {
    return {
        restartPolicy: "Never",
        ...(spec.serviceAccountName
            ? { serviceAccountName: spec.serviceAccountName }
            : {}),
        // No Kubernetes API access needed; IRSA mounts its own projected token.
        automountServiceAccountToken: false,
        securityContext: restrictedPodSecurity(),
        ...(spec.initContainers ? { initContainers: spec.initContainers } : {}),
        containers: spec.containers,
        volumes: spec.volumes,
    };
}

/** Major version of a PostgreSQL engine version string: "16.6" -> "16". */
export function postgresMajor(engineVersion: string): string {
    return engineVersion.split(".")[0];
}

/**
 * Shell line for AWS CLI scripts: against a custom endpoint (the local store) use path-style URLs, since
 * `<bucket>.<service host>` names do not resolve in the cluster. No-op against AWS itself.
 */
export const AWS_CLI_PATH_STYLE =
    'if [ -n "${AWS_ENDPOINT_URL:-}" ]; then mkdir -p "$HOME/.aws" && printf \'[default]\\ns3 =\\n  addressing_style = path\\n\' > "$HOME/.aws/config"; fi';
