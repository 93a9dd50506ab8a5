// Daily backups as CronJobs (the seed's backup script): pg_dump and the InfluxDB backup each write into a
// scratch volume, then the AWS CLI uploads to s3://<backups bucket>/<YYYY-MM-DD>/ . Retention is the bucket's
// lifecycle rule, not `find -delete`. Credentials: IRSA in production (no keys), the local store's key in dev.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { AWS_CLI_PATH_STYLE, DATA_JOB_LABEL, dataLabels, jobContainer, jobPodSpec, scratchVolumes } from "./common";
import { INFLUX_CUTOFF_LINE, influxManifestFunctions } from "./influx-manifest";

/** Where the dump and upload containers share their files (the scratch volume); env BACKUP_DIR of each container. */
export const BACKUP_DIR = "/backup/out";

/**
 * psql lines that print the manifest of the current database: one line per table (every ordinary table of the
 * public schema, so each partition on its own), tab-separated: name, row count, newest "timestamp" (or -), and an
 * order-independent checksum (the sum of each row's md5 prefix: constant memory, no sort, no collation). The
 * session settings fix how timestamps and numbers print, so a restore on another server prints the same text.
 * The backup writes it in the dump's own snapshot; the restore drill prints it again from the restored copy.
 */
export const MANIFEST_SQL = [
    "SET TimeZone = 'UTC';",
    "SET DateStyle = 'ISO, YMD';",
    "SET extra_float_digits = 1;",
    "\\pset fieldsep '\\t'",
    "SELECT format($q$SELECT %L, count(*), coalesce(%s::text, '-'), coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)::bigint), 0) FROM ONLY public.%I AS t$q$,",
    "              c.relname,",
    "              CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'timestamp' AND NOT a.attisdropped)",
    "                   THEN 'max(t.\"timestamp\")' ELSE 'NULL' END,",
    "              c.relname)",
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace",
    "WHERE n.nspname = 'public' AND c.relkind = 'r'",
    "ORDER BY c.relname \\gexec",
].join("\n");

/**
 * Writes $BACKUP_DIR/<date>/postgres_<db>_<stamp>.dump and .manifest, and $BACKUP_DIR/PREFIX. The manifest is
 * computed in the very snapshot pg_dump copies (pg_export_snapshot + pg_dump --snapshot, from inside the psql
 * session that holds it), so trades written during the dump cannot make a good backup look wrong. Pure, for tests.
 */
export function pgDumpScript(): string {
    return [
        "set -eu",
        'day=$(date -u +%Y-%m-%d); stamp=$(date -u +%Y%m%dT%H%M%SZ)',
        'base="$BACKUP_DIR/$day/postgres_${PGDATABASE}_${stamp}"',
        'mkdir -p "$BACKUP_DIR/$day"',
        'export DUMP_FILE="$base.dump"',
        // Custom format: compressed, restorable table by table with pg_restore.
        "psql --no-psqlrc --quiet --no-align --tuples-only --set=ON_ERROR_STOP=1 --output=\"$base.manifest\" <<'SQL'",
        "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;",
        "SELECT pg_export_snapshot() AS snapshot \\gset",
        "\\setenv PGDUMP_SNAPSHOT :snapshot",
        '\\! pg_dump --format=custom --no-owner --no-privileges --snapshot="$PGDUMP_SNAPSHOT" --file="$DUMP_FILE"',
        MANIFEST_SQL,
        "COMMIT;",
        "SQL",
        // psql does not report \! failures: a missing or cut dump fails here instead.
        'pg_restore --list "$base.dump" >/dev/null',
        '[ -s "$base.manifest" ] || { echo "empty manifest $base.manifest" >&2; exit 1; }',
        'echo "$day" > "$BACKUP_DIR/PREFIX"',
    ].join("\n");
}

/**
 * influx backup needs an operator token. In dev that is the token the server was set up with (INFLUX_TOKEN).
 * Timestream for InfluxDB issues no token through its API, so in prod the job signs in with the admin user,
 * creates an operator token for this run only and deletes it on exit. After the backup it writes
 * influxdb_<stamp>.manifest beside the directory (influx-manifest.ts), which the restore drill checks.
 */
export function influxBackupScript(): string {
    return [
        "set -eu",
        influxManifestFunctions(),
        'day=$(date -u +%Y-%m-%d); stamp=$(date -u +%Y%m%dT%H%M%SZ)',
        // Before the backup starts: the manifest covers only points older than this.
        INFLUX_CUTOFF_LINE,
        'dir="$BACKUP_DIR/$day/influxdb_${stamp}"',
        'export INFLUX_CONFIGS_PATH=/tmp/influx-configs',
        'if [ -z "${INFLUX_TOKEN:-}" ]; then',
        '  influx config create --config-name backup --host-url "$INFLUX_HOST" --org "$INFLUX_ORG" --username-password "$INFLUX_USERNAME:$INFLUX_PASSWORD" --active >/dev/null',
        '  auth=$(influx auth create --operator --description "backup-${stamp}" --json)',
        // First "id" is the authorization's own (permissions come later); works for indented or compact JSON.
        '  id=$(printf "%s" "$auth" | grep -o \'"id": *"[^"]*"\' | head -n 1 | sed \'s/.*"\\([^"]*\\)"$/\\1/\')',
        '  INFLUX_TOKEN=$(printf "%s" "$auth" | grep -o \'"token": *"[^"]*"\' | head -n 1 | sed \'s/.*"\\([^"]*\\)"$/\\1/\')',
        '  [ -n "$id" ] && [ -n "$INFLUX_TOKEN" ] || { echo "could not create a backup token" >&2; exit 1; }',
        '  export INFLUX_TOKEN',
        '  trap \'influx auth delete --id "$id" >/dev/null\' EXIT',
        "fi",
        'mkdir -p "$BACKUP_DIR/$day"',
        'influx backup --host "$INFLUX_HOST" "$dir"',
        'influx_manifest "$INFLUX_ORG" "$cutoff" "$dir.manifest"',
        'echo "$day" > "$BACKUP_DIR/PREFIX"',
    ].join("\n");
}

/** Upload everything under $BACKUP_DIR/<day>/ to the bucket under <day>/. */
export function uploadScript(): string {
    return [
        "set -eu",
        AWS_CLI_PATH_STYLE,
        'day=$(cat "$BACKUP_DIR/PREFIX")',
        'aws s3 cp --recursive --only-show-errors "$BACKUP_DIR/$day/" "s3://${S3_BACKUPS_BUCKET}/$day/"',
        'echo "uploaded to s3://${S3_BACKUPS_BUCKET}/$day/"',
    ].join("\n");
}

export interface BackupJobsArgs {
    /** The tier instance's name: the Pulumi names are `${base}-<CronJob name>`. */
    base: string;
    namespace: string;
    schedule: string;
    images: { postgres: string; influxdb: string; awsCli: string };
    jobsSecretName: pulumi.Input<string>;
    serviceAccountName?: string;
    /** Size of the scratch volume a dump is written to before upload. */
    scratchSize: string;
}

export function createBackupJobs(a: BackupJobsArgs, opts: pulumi.CustomResourceOptions): { postgres: k8s.batch.v1.CronJob; influxdb: k8s.batch.v1.CronJob } {
    const env = [{ secretRef: { name: a.jobsSecretName } }];
    const common = [
        { name: "HOME", value: "/tmp" },
        { name: "TZ", value: "UTC" },
        { name: "BACKUP_DIR", value: BACKUP_DIR },
    ];
    const mounts = [
        { name: "backup", mountPath: "/backup" },
        { name: "tmp", mountPath: "/tmp" },
    ];
    const volumes = [{ name: "backup", emptyDir: { sizeLimit: a.scratchSize } }, ...scratchVolumes(["tmp"])];
    const upload = jobContainer({ name: "upload", image: a.images.awsCli, command: ["sh", "-c", uploadScript()], envFrom: env, env: common, volumeMounts: mounts });

    const cron = (name: string, dump: k8s.types.input.core.v1.Container, delayMinutes: number) => {
        const labels = dataLabels(name, "backup");
        return new k8s.batch.v1.CronJob(
            `${a.base}-${name}`,
            {
                metadata: { name, namespace: a.namespace, labels },
                spec: {
                    schedule: delayMinutes === 0 ? a.schedule : shiftMinutes(a.schedule, delayMinutes),
                    timeZone: "Etc/UTC",
                    concurrencyPolicy: "Forbid",
                    startingDeadlineSeconds: 3600,
                    successfulJobsHistoryLimit: 3,
                    failedJobsHistoryLimit: 5,
                    jobTemplate: {
                        spec: {
                            backoffLimit: 2,
                            activeDeadlineSeconds: 4 * 3600,
                            template: {
                                metadata: { labels: { ...labels, ...DATA_JOB_LABEL } },
                                // The dump runs first (init container); the upload runs only if it succeeded.
                                spec: jobPodSpec({ serviceAccountName: a.serviceAccountName, initContainers: [dump], containers: [upload], volumes }),
                            },
                        },
                    },
                },
            },
            opts,
        );
    };
    const resources = { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "2", memory: "2Gi" } };
    return {
        postgres: cron(
            "postgres-backup",
            jobContainer({ name: "pg-dump", image: a.images.postgres, command: ["sh", "-c", pgDumpScript()], envFrom: env, env: common, volumeMounts: mounts, resources }),
            0,
        ),
        influxdb: cron(
            "influxdb-backup",
            jobContainer({ name: "influx-backup", image: a.images.influxdb, command: ["sh", "-c", influxBackupScript()], envFrom: env, env: common, volumeMounts: mounts, resources }),
            30,
        ),
    };
}

/**
 * "0 2 * * *" shifted by 30 minutes -> "30 2 * * *": the two backups do not start together. Minutes carry
 * into a fixed hour ("45 1 * * *" -> "15 2 * * *"), so the InfluxDB backup really starts after PostgreSQL's;
 * past midnight the day fields would have to move too, so there (and for non-numeric fields) the schedule
 * keeps its hour and only the minute wraps.
 */
export function shiftMinutes(schedule: string, minutes: number): string {
    const [min, hour, ...days] = schedule.split(/\s+/);
    if (!/^[0-9]+$/.test(min)) return schedule;
    const total = Number(min) + minutes;
    const carry = Math.floor(total / 60);
    const newHour = /^[0-9]+$/.test(hour) && Number(hour) + carry < 24 ? String(Number(hour) + carry) : hour;
    return [String(total % 60), newHour, ...days].join(" ");
}
