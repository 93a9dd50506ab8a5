// Local object storage: SeaweedFS (`weed server -s3`), an S3-compatible store that is actively maintained
// (Apache-2.0, frequent releases) and runs as one process; MinIO's community edition is archived and Garage
// needs a cluster-layout step before first use. It gets the same bucket names as production, created by a
// bootstrap Job through the S3 API, with the backup retention set by an S3 lifecycle rule (SeaweedFS turns
// Expiration.Days into a TTL on the bucket's path, so expired backups are dropped by the store itself).
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ResolvedDataTierArgs } from "./args";
import { DATA_PORTS } from "@deepalpha/shared";
import { AWS_CLI_PATH_STYLE, DATA_JOB_LABEL, LOCAL_STORES, dataLabels, image, jobContainer, jobPodSpec, scratchVolumes } from "./common";
import { createLocalStore, LocalStore } from "./local-store";

export const OBJECT_STORE_SECRET = "seaweedfs-s3-credentials";
/** Region name the local store answers to (any value works; clients need one). */
export const LOCAL_S3_REGION = "us-east-1";
export const OBJECT_STORE_METRICS_PORT = 9327;

/** SeaweedFS S3 identities: one access key with admin on the store. Pure, for tests. */
export function s3IdentitiesJson(accessKey: string, secretKey: string): string {
    return JSON.stringify({
        identities: [{ name: "deepalpha", credentials: [{ accessKey, secretKey }], actions: ["Admin", "Read", "List", "Tagging", "Write"] }],
    });
}

/** Lifecycle configuration of the local backups bucket, in the S3 API's JSON. Pure, for tests. */
export function localBackupsLifecycle(retentionDays: number): string {
    return JSON.stringify({ Rules: [{ ID: "expire-backups", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Days: retentionDays } }] });
}

export interface LocalObjectStore extends LocalStore {
    secret: k8s.core.v1.Secret;
    bootstrap: k8s.batch.v1.Job;
    endpoint: string;
}

export function createLocalObjectStore(
    base: string,
    settings: ResolvedDataTierArgs,
    creds: { accessKey: pulumi.Output<string>; secretKey: pulumi.Output<string> },
    buckets: { backups: string; files: string },
    opts: pulumi.CustomResourceOptions,
): LocalObjectStore {
    const name = LOCAL_STORES.objectStore;
    const ns = settings.namespaces.data;
    const labels = dataLabels(name, "object-storage");
    const secret = new k8s.core.v1.Secret(
        `${base}-${OBJECT_STORE_SECRET}`,
        {
            metadata: { name: OBJECT_STORE_SECRET, namespace: ns, labels },
            type: "Opaque",
            stringData: {
                "access-key-id": creds.accessKey,
                "secret-access-key": creds.secretKey,
                "s3.json": pulumi.all([creds.accessKey, creds.secretKey]).apply(([a, k]) => s3IdentitiesJson(a, k)),
            },
        },
        opts,
    );
    const s3Port = DATA_PORTS.s3;
    const store = createLocalStore(
        {
            base,
            namespace: ns,
            name,
            component: "object-storage",
            uid: 10001,
            container: {
                image: image(settings.images.objectStore),
                command: ["weed"],
                args: [
                    "server",
                    "-dir=/data",
                    // Components talk to each other inside the pod.
                    "-ip=127.0.0.1",
                    "-ip.bind=0.0.0.0",
                    "-master.volumeSizeLimitMB=1024",
                    "-volume.max=0",
                    "-s3",
                    `-s3.port=${s3Port}`,
                    "-s3.config=/etc/seaweedfs/s3.json",
                    `-metricsPort=${OBJECT_STORE_METRICS_PORT}`,
                ],
                resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
                readinessProbe: { tcpSocket: { port: "s3" }, initialDelaySeconds: 5, periodSeconds: 5 },
                livenessProbe: { tcpSocket: { port: "s3" }, initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 6 },
            },
            ports: [
                { name: "s3", port: s3Port },
                { name: "metrics", port: OBJECT_STORE_METRICS_PORT },
            ],
            dataPath: "/data",
            volumeSize: settings.objectStorage.volumeSize,
            scratch: { tmp: "/tmp" },
            extraVolumes: [
                {
                    volume: { name: "s3-config", secret: { secretName: OBJECT_STORE_SECRET, items: [{ key: "s3.json", path: "s3.json" }], defaultMode: 0o440 } },
                    mountPath: "/etc/seaweedfs",
                },
            ],
        },
        { ...opts, dependsOn: [secret] },
    );
    const endpoint = `http://${store.host}:${s3Port}`;

    // Idempotent: creates only missing buckets; re-applies the lifecycle rule every run.
    const script = [
        "set -eu",
        AWS_CLI_PATH_STYLE,
        `for b in ${buckets.backups} ${buckets.files}; do`,
        '  aws s3api head-bucket --bucket "$b" 2>/dev/null || aws s3api create-bucket --bucket "$b"',
        "done",
        `aws s3api put-bucket-lifecycle-configuration --bucket ${buckets.backups} --lifecycle-configuration '${localBackupsLifecycle(settings.objectStorage.backupRetentionDays)}'`,
    ].join("\n");
    const bootstrap = new k8s.batch.v1.Job(
        `${base}-buckets`,
        {
            metadata: { name: "object-store-buckets", namespace: ns, labels: dataLabels("object-store-buckets", "object-storage") },
            spec: {
                backoffLimit: 10,
                template: {
                    metadata: { labels: { ...dataLabels("object-store-buckets", "object-storage"), ...DATA_JOB_LABEL } },
                    spec: jobPodSpec({
                        containers: [
                            jobContainer({
                                name: "create-buckets",
                                image: image(settings.images.awsCli),
                                command: ["sh", "-c", script],
                                env: [
                                    { name: "HOME", value: "/tmp" },
                                    { name: "AWS_ENDPOINT_URL", value: endpoint },
                                    { name: "AWS_REGION", value: LOCAL_S3_REGION },
                                    { name: "AWS_ACCESS_KEY_ID", valueFrom: { secretKeyRef: { name: OBJECT_STORE_SECRET, key: "access-key-id" } } },
                                    { name: "AWS_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: OBJECT_STORE_SECRET, key: "secret-access-key" } } },
                                ],
                                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                            }),
                        ],
                        volumes: scratchVolumes(["tmp"]),
                    }),
                },
            },
        },
        { ...opts, dependsOn: [store.statefulSet, secret], customTimeouts: { create: "15m", update: "15m" } },
    );
    return { ...store, secret, bootstrap, endpoint };
}
