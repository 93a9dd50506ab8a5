// The seed's `trades` table, partitioned by month: created by an idempotent migration Job (safe to rerun: every
// statement is IF NOT EXISTS / OR REPLACE, under an advisory lock), with upcoming months' partitions created
// ahead of time by a daily CronJob. The SQL lives in a ConfigMap and holds no secret: the exporter's password
// reaches psql through its environment (from the Jobs' Secret), read with \getenv.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { MIN_FUTURE_PARTITIONS, TRADES_DEFAULT_PARTITION } from "@deepalpha/shared";
import { DB, DATA_JOB_LABEL, dataLabels, jobContainer, jobPodSpec, scratchVolumes } from "./common";

/** Version recorded in schema_migrations by this migration. */
export const TRADES_MIGRATION_VERSION = "0001_trades";

/** Partition that catches every trade no monthly partition covers, so no insert is refused for its date. */

/**
 * psql lines that stop the script, with a message naming the variable, when a psql variable is not set. A
 * missing --set=months_ahead would otherwise fail deep inside with "syntax error at or near ':'".
 */
export function requireVariable(name: string, how: string): string {
    return [
        `\\if :{?${name}}`,
        "\\else",
        `DO $$ BEGIN RAISE EXCEPTION 'the psql variable ${name} is not set: ${how}'; END $$;`,
        "\\endif",
    ].join("\n");
}

const MONTHS_AHEAD_REQUIRED = requireVariable("months_ahead", "run psql with --set=months_ahead=N (monthly partitions to create ahead, data.partitionMonthsAhead)");

/** The migration. psql variable months_ahead; env EXPORTER_PASSWORD. Pure, for tests. */
export function migrationSql(): string {
    return `-- ${TRADES_MIGRATION_VERSION}: the seed's partitioned trades table. Idempotent: safe to run again.
\\set ON_ERROR_STOP on
${MONTHS_AHEAD_REQUIRED}
-- The exporter's password comes from the environment (psql 15+ \\getenv), never from this file.
\\getenv exporter_password EXPORTER_PASSWORD
${requireVariable("exporter_password", "set the environment variable EXPORTER_PASSWORD (the deepalpha_exporter role's password)")}
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

-- A trade dated outside every monthly partition (a backfill, a clock far off) lands here instead of being
-- refused. The partition job below moves such rows into their month's partition when it creates it.
CREATE TABLE IF NOT EXISTS ${TRADES_DEFAULT_PARTITION} PARTITION OF trades DEFAULT;

-- Creates the monthly partitions trades_YYYY_MM from the current month to months_ahead months ahead, and one
-- for every month that has rows waiting in the default partition. A new month's table is filled with that
-- month's rows from the default partition first and attached after, so PostgreSQL's check that the default
-- partition holds nothing of the new range passes. Returns how many partitions it created.
CREATE OR REPLACE FUNCTION ensure_trades_partitions(months_ahead integer) RETURNS integer
LANGUAGE plpgsql AS $fn$
DECLARE
    first_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
    m date;
    next_month date;
    part text;
    created integer := 0;
BEGIN
    IF months_ahead IS NULL OR months_ahead < 0 THEN
        RAISE EXCEPTION 'ensure_trades_partitions: months_ahead must be 0 or more, got %', months_ahead;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('deepalpha-trades-partitions'));
    -- No insert may slip into the default partition between moving its rows and attaching the new table.
    LOCK TABLE public.${TRADES_DEFAULT_PARTITION} IN EXCLUSIVE MODE;
    FOR m IN
        SELECT (first_month + make_interval(months => i))::date FROM generate_series(0, months_ahead) AS i
        UNION
        SELECT DISTINCT date_trunc('month', d."timestamp")::date FROM public.${TRADES_DEFAULT_PARTITION} AS d
        ORDER BY 1
    LOOP
        part := format('trades_%s', to_char(m, 'YYYY_MM'));
        next_month := (m + interval '1 month')::date;
        IF to_regclass(format('public.%I', part)) IS NULL THEN
            EXECUTE format('CREATE TABLE public.%I (LIKE public.trades INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
            EXECUTE format('WITH moved AS (DELETE FROM public.${TRADES_DEFAULT_PARTITION} WHERE "timestamp" >= %L AND "timestamp" < %L RETURNING *) '
                           'INSERT INTO public.%I SELECT * FROM moved', m, next_month, part);
            EXECUTE format('ALTER TABLE public.trades ATTACH PARTITION public.%I FOR VALUES FROM (%L) TO (%L)', part, m, next_month);
            created := created + 1;
        END IF;
    END LOOP;
    RETURN created;
END
$fn$;

SELECT ensure_trades_partitions(:months_ahead) AS partitions_created;

-- Read-only monitoring login for the PostgreSQL exporter (pg_monitor: statistics, no table data).
SELECT format('CREATE ROLE ${DB.exporterUser} LOGIN PASSWORD %L', :'exporter_password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${DB.exporterUser}') \\gexec
SELECT format('ALTER ROLE ${DB.exporterUser} WITH LOGIN PASSWORD %L', :'exporter_password') \\gexec
GRANT pg_monitor TO ${DB.exporterUser};

INSERT INTO schema_migrations (version) VALUES ('${TRADES_MIGRATION_VERSION}') ON CONFLICT (version) DO NOTHING;
COMMIT;
`;
}

/** Fewer future monthly partitions than this fails the partition job, which pages (TradesPartitionJobFailed). */

/**
 * The CronJob's script: stops with a clear message when months_ahead is missing; after creating the partitions it
 * fails the Job, naming them, when any of the next MIN_FUTURE_PARTITIONS months has no partition.
 */
export function partitionSql(): string {
    return `\\set ON_ERROR_STOP on
${MONTHS_AHEAD_REQUIRED}
SELECT ensure_trades_partitions(:months_ahead) AS partitions_created;
DO $check$
DECLARE
    missing text[];
BEGIN
    SELECT array_agg(want.part ORDER BY want.part) INTO missing
    FROM (SELECT format('trades_%s', to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + make_interval(months => i), 'YYYY_MM')) AS part
          FROM generate_series(1, ${MIN_FUTURE_PARTITIONS}) AS i) AS want
    WHERE to_regclass(format('public.%I', want.part)) IS NULL;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'the next ${MIN_FUTURE_PARTITIONS} months must have pre-made trades partitions (data.partitionMonthsAhead); missing: %', array_to_string(missing, ', ');
    END IF;
END
$check$;
`;
}

export interface SchemaJobsArgs {
    /** The tier instance's name: the Pulumi names are `${base}-trades-...`. */
    base: string;
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
        `${a.base}-trades-schema`,
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
        `${a.base}-trades-migration`,
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
        `${a.base}-trades-partitions`,
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
