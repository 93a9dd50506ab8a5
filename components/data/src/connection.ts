// What the other tiers get from the data tier, as Kubernetes Secrets: the application's connection Secret
// (CONNECTION_KEYS, read through secretKeyRef) and the Jobs' credentials (env-var names, read through envFrom).
// Every value that holds a password is an Output
// marked secret, so it is encrypted in state and masked in previews.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CONNECTION_KEYS, DATA_PORTS } from "@deepalpha/shared";
import { DB, dataLabels } from "./common";

/** Everything the Secrets are built from; one shape for both profiles. */
export interface StoreConnections {
    postgres: { host: pulumi.Input<string>; readerHosts: pulumi.Input<string[]>; password: pulumi.Output<string>; sslMode: "require" | "disable"; exporterPassword: pulumi.Output<string> };
    /** user: the application's Redis user (an ACL user locally, an RBAC user on ElastiCache). */
    redis: { host: pulumi.Input<string>; password: pulumi.Output<string>; tls: boolean; user?: string };
    influxdb: {
        url: pulumi.Input<string>;
        org: string;
        bucket: string;
        username: string;
        password: pulumi.Output<string>;
        /**
         * Local profile: the server's setup token (the app's token and the backups' operator token). Absent in
         * production, where the influxdb-app-token Job writes the app's key into the connection Secret.
         */
        token?: pulumi.Output<string>;
    };
    s3: {
        endpoint: pulumi.Input<string>;
        region: string;
        backupsBucket: pulumi.Input<string>;
        filesBucket: pulumi.Input<string>;
        /** Local store only; production uses IAM roles (IRSA). */
        accessKeyId?: pulumi.Output<string>;
        secretAccessKey?: pulumi.Output<string>;
    };
}

/** Keys the data tier adds to CONNECTION_KEYS (the shared ones keep their names). */
export const EXTRA_CONNECTION_KEYS = {
    databaseReaderUrls: "database-reader-urls",
    redisTls: "redis-tls",
    influxdbOrg: "influxdb-org",
    influxdbBucket: "influxdb-bucket",
    influxdbUsername: "influxdb-username",
    influxdbPassword: "influxdb-password",
    s3AccessKeyId: "s3-access-key-id",
    s3SecretAccessKey: "s3-secret-access-key",
} as const;

export function postgresUrl(user: string, password: string, host: string, sslMode: string): string {
    return `postgresql://${user}:${encodeURIComponent(password)}@${host}:${DATA_PORTS.postgres}/${DB.name}?sslmode=${sslMode}`;
}

export function redisUrl(password: string, host: string, tls: boolean, user?: string): string {
    return `${tls ? "rediss" : "redis"}://${user ? encodeURIComponent(user) : ""}:${encodeURIComponent(password)}@${host}:${DATA_PORTS.redis}/0`;
}

/** The application's connection Secret: every value secret, so nothing prints. */
export function connectionData(c: StoreConnections): Record<string, pulumi.Output<string>> {
    const pg = c.postgres;
    const data: Record<string, pulumi.Output<string>> = {
        [CONNECTION_KEYS.databaseUrl]: pulumi.all([pg.password, pg.host]).apply(([p, h]) => postgresUrl(DB.user, p, h, pg.sslMode)),
        [EXTRA_CONNECTION_KEYS.databaseReaderUrls]: pulumi
            .all([pg.password, pg.readerHosts])
            .apply(([p, hosts]) => hosts.map((h) => postgresUrl(DB.user, p, h, pg.sslMode)).join(",")),
        [CONNECTION_KEYS.redisUrl]: pulumi.all([c.redis.password, c.redis.host]).apply(([p, h]) => redisUrl(p, h, c.redis.tls, c.redis.user)),
        [EXTRA_CONNECTION_KEYS.redisTls]: pulumi.output(String(c.redis.tls)),
        [CONNECTION_KEYS.influxdbUrl]: pulumi.output(c.influxdb.url),
        [EXTRA_CONNECTION_KEYS.influxdbOrg]: pulumi.output(c.influxdb.org),
        [EXTRA_CONNECTION_KEYS.influxdbBucket]: pulumi.output(c.influxdb.bucket),
        [EXTRA_CONNECTION_KEYS.influxdbUsername]: pulumi.output(c.influxdb.username),
        [EXTRA_CONNECTION_KEYS.influxdbPassword]: c.influxdb.password,
        [CONNECTION_KEYS.s3Endpoint]: pulumi.output(c.s3.endpoint),
        [CONNECTION_KEYS.s3Region]: pulumi.output(c.s3.region),
        [CONNECTION_KEYS.backupsBucket]: pulumi.output(c.s3.backupsBucket),
        [CONNECTION_KEYS.filesBucket]: pulumi.output(c.s3.filesBucket),
    };
    if (c.influxdb.token) data[CONNECTION_KEYS.influxdbToken] = c.influxdb.token;
    if (c.s3.accessKeyId && c.s3.secretAccessKey) {
        data[EXTRA_CONNECTION_KEYS.s3AccessKeyId] = c.s3.accessKeyId;
        data[EXTRA_CONNECTION_KEYS.s3SecretAccessKey] = c.s3.secretAccessKey;
    }
    return data;
}

/** Env of the migration, partition and backup Jobs (libpq's PG*, the influx CLI's INFLUX_*, the AWS CLI's AWS_*). */
export function jobsEnv(c: StoreConnections): Record<string, pulumi.Output<string>> {
    const env: Record<string, pulumi.Output<string>> = {
        PGHOST: pulumi.output(c.postgres.host),
        PGPORT: pulumi.output(String(DATA_PORTS.postgres)),
        PGDATABASE: pulumi.output(DB.name),
        PGUSER: pulumi.output(DB.user),
        PGPASSWORD: c.postgres.password,
        PGSSLMODE: pulumi.output(c.postgres.sslMode),
        EXPORTER_PASSWORD: c.postgres.exporterPassword,
        INFLUX_HOST: pulumi.output(c.influxdb.url),
        INFLUX_ORG: pulumi.output(c.influxdb.org),
        INFLUX_USERNAME: pulumi.output(c.influxdb.username),
        INFLUX_PASSWORD: c.influxdb.password,
        AWS_REGION: pulumi.output(c.s3.region),
        S3_BACKUPS_BUCKET: pulumi.output(c.s3.backupsBucket),
    };
    // Local only: the server's operator token and the store's static key. Production: session login and IRSA.
    if (c.influxdb.token) env.INFLUX_TOKEN = c.influxdb.token;
    if (c.s3.accessKeyId && c.s3.secretAccessKey) {
        env.AWS_ENDPOINT_URL = pulumi.output(c.s3.endpoint);
        env.AWS_ACCESS_KEY_ID = c.s3.accessKeyId;
        env.AWS_SECRET_ACCESS_KEY = c.s3.secretAccessKey;
    }
    return env;
}

/** Wrap every value as secret and create the Secret (Pulumi name `resourceName`, Kubernetes name `name`). */
export function secretOf(
    resourceName: string,
    name: string,
    namespace: string,
    data: Record<string, pulumi.Output<string>>,
    opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
    const stringData: Record<string, pulumi.Output<string>> = {};
    for (const k of Object.keys(data).sort()) stringData[k] = pulumi.secret(data[k]);
    return new k8s.core.v1.Secret(
        resourceName,
        { metadata: { name, namespace, labels: dataLabels(name, "credentials") }, type: "Opaque", stringData },
        opts,
    );
}
