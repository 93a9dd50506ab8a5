// Local InfluxDB 2, initialised on first start through the image's DOCKER_INFLUXDB_INIT_* variables (the seed's
// INFLUXDB_DB / INFLUXDB_ADMIN_USER belong to InfluxDB 1.x images). Password and operator token from Secrets.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { ResolvedDataTierArgs } from "./args";
import { DATA_PORTS } from "@deepalpha/shared";
import { DB, LOCAL_STORES, dataLabels, image } from "./common";
import { createLocalStore, LocalStore } from "./local-store";

export const INFLUXDB_SECRET = "influxdb-credentials";

export function createLocalInflux(
    base: string,
    settings: ResolvedDataTierArgs,
    creds: { password: pulumi.Output<string>; token: pulumi.Output<string> },
    opts: pulumi.CustomResourceOptions,
): LocalStore & { secret: k8s.core.v1.Secret } {
    const name = LOCAL_STORES.influxdb;
    const s = settings.influxdb;
    const secret = new k8s.core.v1.Secret(
        `${base}-${INFLUXDB_SECRET}`,
        {
            metadata: { name: INFLUXDB_SECRET, namespace: settings.namespaces.data, labels: dataLabels(name, "timeseries") },
            type: "Opaque",
            stringData: { username: DB.influxUser, password: creds.password, token: creds.token },
        },
        opts,
    );
    const fromSecret = (key: string) => ({ secretKeyRef: { name: INFLUXDB_SECRET, key } });
    const store = createLocalStore(
        {
            base,
            namespace: settings.namespaces.data,
            name,
            component: "timeseries",
            // UID/GID of `influxdb` in the official image.
            uid: 1000,
            container: {
                image: image(settings.images.influxdb),
                env: [
                    { name: "DOCKER_INFLUXDB_INIT_MODE", value: "setup" },
                    { name: "DOCKER_INFLUXDB_INIT_USERNAME", value: DB.influxUser },
                    { name: "DOCKER_INFLUXDB_INIT_PASSWORD", valueFrom: fromSecret("password") },
                    { name: "DOCKER_INFLUXDB_INIT_ORG", value: s.organization },
                    { name: "DOCKER_INFLUXDB_INIT_BUCKET", value: s.bucket },
                    // Unset means infinite retention; "0" is the setting's spelling of that.
                    ...(s.retention === "0" ? [] : [{ name: "DOCKER_INFLUXDB_INIT_RETENTION", value: s.retention }]),
                    { name: "DOCKER_INFLUXDB_INIT_ADMIN_TOKEN", valueFrom: fromSecret("token") },
                    // influx CLI profiles written during setup go to a scratch directory.
                    { name: "INFLUX_CONFIGS_PATH", value: "/etc/influxdb2/influx-configs" },
                ],
                resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } },
                readinessProbe: { httpGet: { path: "/health", port: "http" }, periodSeconds: 5, failureThreshold: 6 },
                livenessProbe: { httpGet: { path: "/health", port: "http" }, initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 6 },
            },
            ports: [{ name: "http", port: DATA_PORTS.influxdb }],
            dataPath: "/var/lib/influxdb2",
            scratch: { config: "/etc/influxdb2", tmp: "/tmp" },
            volumeSize: s.volumeSize,
        },
        { ...opts, dependsOn: [secret] },
    );
    return { ...store, secret };
}
