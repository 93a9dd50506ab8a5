// The seed's `trades` table, partitioned by month: created by an idempotent migration Job (safe to rerun: every
// statement is IF NOT EXISTS / OR REPLACE, under an advisory lock), with upcoming months' partitions created
// ahead of time by a daily CronJob. The SQL lives in a ConfigMap and holds no secret: the exporter's password
// reaches psql through its environment (from the Jobs' Secret), read with \getenv.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { DB, DATA_JOB_LABEL, dataLabels, jobContainer, jobPodSpec, scratchVolumes } from "./common";

/** Version recorded in schema_migrations by this migration. */
export const TRADES_MIGRATION_VERSION = "0001_trades";

/** The migration. psql variable months_ahead; env EXPORTER_PASSWORD. Pure, for tests. */
export function migrationSql(): string {
    return `-- ${TRADES_MIGRATION_VERSION}: the seed's partitioned trades table. Idempotent: safe to run again.
\\set ON_ERROR_STOP on
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('deepalpha-schema'));

CREATE TABLE IF NOT EXISTS schema_migrations (
    version    text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- The seed's definition. "timestamp" is UTC.
CREATE TABLE IF NOT EXISTS trades (
    id          BIGSERIAL,
    symbol      VARCHAR(20),
    price       DECIMAL(18,8),
    quantity    DECIMAL(18,8),
    "timestamp" TIMESTAMP,
    PRIMARY KEY (id, "timestamp")
) PARTITION BY RANGE ("timestamp");

CREATE INDEX IF NOT EXISTS trades_symbol_timestamp_idx ON trades (symbol, "timestamp");

-- Creates the monthly partitions trades_YYYY_MM from the current month to months_ahead months ahead.
CREATE OR REPLACE FUNCTION ensure_trades_partitions(months_ahead integer) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
    first_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
    m date;
    part text;
    created integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('deepalpha-trades-partitions'));
    FOR i IN 0..months_ahead LOOP
        m := (first_month + make_interval(months => i))::date;
        part := format('trades_%s', to_char(m, 'YYYY_MM'));
        IF to_regclass(format('public.%I', part)) IS NULL THEN
            EXECUTE format('CREATE TABLE public.%I PARTITION OF public.trades FOR VALUES FROM (%L) TO (%L)',
                           part, m, (m + interval '1 month')::date);
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END
$fn$;

SELECT ensure_trades_partitions(:months_ahead) AS partitions_created;

-- Read-only monitoring login for the PostgreSQL exporter (pg_monitor: statistics, no table data).
-- The password comes from the environment (psql 15+ \\getenv), never from this file.
\\getenv exporter_password EXPORTER_PASSWORD
SELECT format('CREATE ROLE ${DB.exporterUser} LOGIN PASSWORD %L', :'exporter_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${DB.exporterUser}') \\gexec
SELECT format('ALTER ROLE ${DB.exporterUser} WITH LOGIN PASSWORD %L', :'exporter_password') \\gexec
GRANT pg_monitor TO ${DB.exporterUser};

INSERT INTO schema_migrations (version) VALUES ('${TRADES_MIGRATION_VERSION}') ON CONFLICT (version) DO NOTHING;
COMMIT;
`;
}

/** The CronJob's statement. */
export function partitionSql(): string {
    return "SELECT ensure_trades_partitions(:months_ahead) AS partitions_created;\n";
}

export interface SchemaJobsArgs {
    namespace: string;
    postgresImage: string;
    monthsAhead: number;
    jobsSecretName: pulumi.Input<string>;
    serviceAccountName?: string;
    /** The database the migration waits for (the StatefulSet or the RDS primary). */
    dependsOn: pulumi.Resource[];
}

export interface SchemaJobs {
    sql: k8s.core.v1.ConfigMap;
    migration: k8s.batch.v1.Job;
    partitions: k8s.batch.v1.CronJob;
}

export function createSchemaJobs(a: SchemaJobsArgs, opts: pulumi.CustomResourceOptions): SchemaJobs {
    const labels = dataLabels("trades-schema", "schema");
    // No fixed name: a changed migration gets a new ConfigMap, which changes the Job's pod template and so
    // replaces the Job, which runs the (idempotent) migration again.
    const sql = new k8s.core.v1.ConfigMap(
        "data-trades-schema",
        { metadata: { namespace: a.namespace, labels }, data: { "0001_trades.sql": migrationSql(), "partitions.sql": partitionSql() } },
        opts,
    );
    const psql = (name: string, file: string) =>
        jobContainer({
            name,
            image: a.postgresImage,
            command: ["psql", "--no-psqlrc", "--set=ON_ERROR_STOP=1", `--set=months_ahead=${a.monthsAhead}`, "--file", `/sql/${file}`],
            // PGHOST, PGUSER, PGPASSWORD, PGSSLMODE, EXPORTER_PASSWORD: all from the Jobs' Secret.
            envFrom: [{ secretRef: { name: a.jobsSecretName } }],
            env: [{ name: "HOME", value: "/tmp" }],
            volumeMounts: [
                { name: "sql", mountPath: "/sql", readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
            ],
        });
    const volumes = [{ name: "sql", configMap: { name: sql.metadata.name } }, ...scratchVolumes(["tmp"])];
    const podLabels = { ...labels, ...DATA_JOB_LABEL };

    const migration = new k8s.batch.v1.Job(
        "data-trades-migration",
        {
            metadata: { name: "trades-migration", namespace: a.namespace, labels },
            spec: {
                // The database may still be starting: retry with back-off for a while.
                backoffLimit: 10,
                activeDeadlineSeconds: 1800,
                template: {
                    metadata: { labels: podLabels },
                    spec: jobPodSpec({ serviceAccountName: a.serviceAccountName, containers: [psql("migrate", "0001_trades.sql")], volumes }),
                },
            },
        },
        { ...opts, dependsOn: [sql, ...a.dependsOn], customTimeouts: { create: "30m", update: "30m" } },
    );
    const partitions = new k8s.batch.v1.CronJob(
        "data-trades-partitions",
        {
            metadata: { name: "trades-partitions", namespace: a.namespace, labels },
            spec: {
                schedule: "15 0 * * *",
                timeZone: "Etc/UTC",
                concurrencyPolicy: "Forbid",
                startingDeadlineSeconds: 3600,
                successfulJobsHistoryLimit: 3,
                failedJobsHistoryLimit: 3,
                jobTemplate: {
                    spec: {
                        backoffLimit: 3,
                        template: {
                            metadata: { labels: podLabels },
                            spec: jobPodSpec({ serviceAccountName: a.serviceAccountName, containers: [psql("partitions", "partitions.sql")], volumes }),
                        },
                    },
                },
            },
        },
        { ...opts, dependsOn: [migration] },
    );
    return { sql, migration, partitions };
}
