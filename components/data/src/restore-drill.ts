// The restore drill: a daily CronJob that proves the newest PostgreSQL and InfluxDB backups restore. In its own pod
// (nothing touches the live databases) it downloads the newest day's backups and manifests from the bucket, then
// two containers run side by side: one starts a throwaway PostgreSQL (initdb into a scratch volume, no TCP
// listener), restores the dump and compares the restored copy's manifest (per table: rows, newest timestamp,
// checksum) with the one the backup wrote in the dump's own snapshot; the other starts a throwaway influxd (scratch
// volume, 127.0.0.1 only), restores the `influx backup` directory and compares its manifest the same way
// (influx-manifest.ts). Any difference, a missing manifest or a failed restore fails its container and so the Job,
// which Prometheus sees through kube-state-metrics (the RestoreDrillFailed and RestoreDrillNotPassedRecently alerts).
import { RESTORE_DRILL } from "@deepalpha/shared";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { type BackupJobsArgs, MANIFEST_SQL } from "./backups";
import { AWS_CLI_PATH_STYLE, DATA_JOB_LABEL, dataLabels, jobContainer, jobPodSpec, scratchVolumes } from "./common";
import { influxManifestFunctions } from "./influx-manifest";

/** UID and GID of `postgres` in the official Alpine images. */
export const POSTGRES_ALPINE_UID = 70;
/** Where the download and restore containers share files (the scratch volume); env DRILL_DIR. */
export const DRILL_DIR = "/drill";

/** aws-cli container: the newest day's PostgreSQL dump, InfluxDB backup and their manifests into $DRILL_DIR/in/. Pure, for tests. */
export function drillDownloadScript(): string {
    return [
        "set -euo pipefail",
        AWS_CLI_PATH_STYLE,
        // Day prefixes are YYYY-MM-DD/, so the last one listed is the newest.
        'day=$(aws s3 ls "s3://${S3_BACKUPS_BUCKET}/" | awk \'$1 == "PRE" && $2 ~ /^[0-9]{4}-[0-9]{2}-[0-9]{2}\\/$/ { print $2 }\' | sort | tail -n 1)',
        '[ -n "$day" ] || { echo "restore drill: no backup in s3://${S3_BACKUPS_BUCKET}/" >&2; exit 1; }',
        'mkdir -p "$DRILL_DIR/in"',
        'aws s3 cp --recursive --only-show-errors --exclude "*" --include "postgres_*" --include "influxdb_*" "s3://${S3_BACKUPS_BUCKET}/$day" "$DRILL_DIR/in/"',
        'echo "restore drill: downloaded s3://${S3_BACKUPS_BUCKET}/$day"',
    ].join("\n");
}

/**
 * postgres container: restore the newest dump in $DRILL_DIR/in into a throwaway server and compare manifests.
 * Exits non-zero, with the difference on stderr, when anything is off. Pure, for tests.
 */
export function drillRestoreScript(): string {
    return [
        "set -eu",
        'fail() { echo "restore drill FAILED: $*" >&2; exit 1; }',
        'dump=$(find "$DRILL_DIR/in" -name "postgres_*.dump" | sort | tail -n 1)',
        '[ -n "$dump" ] || fail "no dump in $DRILL_DIR/in"',
        'manifest="${dump%.dump}.manifest"',
        '[ -s "$manifest" ] || fail "no manifest beside $(basename "$dump")"',
        'pgdata="$DRILL_DIR/pgdata"; sock="$DRILL_DIR/sock"',
        'rm -rf "$pgdata" "$sock"; mkdir -p "$sock"',
        'initdb --pgdata="$pgdata" --username=drill --auth=trust --encoding=UTF8 --no-sync >/dev/null',
        // No TCP at all: the server only listens on a socket in the scratch volume.
        "pg_ctl --pgdata=\"$pgdata\" --options=\"-c listen_addresses='' -c unix_socket_directories=$sock -c fsync=off\" --wait --log=\"$DRILL_DIR/server.log\" start >/dev/null",
        'trap \'pg_ctl --pgdata="$pgdata" --mode=immediate --wait stop >/dev/null 2>&1 || true\' EXIT',
        'export PGHOST="$sock" PGUSER=drill PGDATABASE=restored',
        "createdb restored",
        'pg_restore --exit-on-error --no-owner --no-privileges --dbname=restored "$dump" || fail "pg_restore of $(basename "$dump") failed"',
        "psql --no-psqlrc --quiet --no-align --tuples-only --set=ON_ERROR_STOP=1 --output=\"$DRILL_DIR/restored.manifest\" <<'SQL'",
        MANIFEST_SQL,
        "SQL",
        'if ! diff "$manifest" "$DRILL_DIR/restored.manifest" >&2; then fail "$(basename "$dump"): the restored copy differs from the manifest (< backup, > restored)"; fi',
        'echo "restore drill passed: $(basename "$dump"), $(wc -l < "$manifest") tables equal"',
    ].join("\n");
}

/** Where the throwaway influxd listens: inside the pod only. */
export const DRILL_INFLUXD_ADDRESS = "127.0.0.1:8086";

/**
 * influxdb container: start a throwaway influxd on a scratch directory (retention never enforced, so nothing the
 * backup holds expires during the drill), set it up with a random one-off operator token, restore every bucket of
 * the newest `influx backup` directory in $DRILL_DIR/in (organisations are created as needed), and compare the
 * manifest read back from it with the one the backup wrote. Not `--full`: that would replace the drill's token
 * with the backup's, which the drill does not have. Exits non-zero, with the difference on stderr. Pure, for tests.
 */
export function drillInfluxScript(): string {
    return [
        "set -eu",
        'fail() { echo "restore drill FAILED (InfluxDB): $*" >&2; exit 1; }',
        influxManifestFunctions(),
        'dir=$(find "$DRILL_DIR/in" -mindepth 1 -maxdepth 1 -type d -name "influxdb_*" | sort | tail -n 1)',
        '[ -n "$dir" ] || fail "no InfluxDB backup in $DRILL_DIR/in"',
        'manifest="$dir.manifest"',
        '[ -s "$manifest" ] || fail "no manifest beside $(basename "$dir")"',
        "org=$(awk -F'\\t' '$1 == \"org\" { print $2; exit }' \"$manifest\")",
        "cutoff=$(awk -F'\\t' '$1 == \"cutoff\" { print $2; exit }' \"$manifest\")",
        '[ -n "$org" ] && [ -n "$cutoff" ] || fail "$(basename "$manifest") names no org or no cutoff"',
        'work="$DRILL_DIR/influxd"; rm -rf "$work"; mkdir -p "$work"',
        `export INFLUX_HOST="http://${DRILL_INFLUXD_ADDRESS}" INFLUX_CONFIGS_PATH="$work/influx-configs"`,
        `influxd --bolt-path="$work/influxd.bolt" --engine-path="$work/engine" --sqlite-path="$work/influxd.sqlite" --http-bind-address=${DRILL_INFLUXD_ADDRESS} --reporting-disabled --storage-retention-check-interval=87600h --log-level=error > "$DRILL_DIR/influxd.log" 2>&1 &`,
        "pid=$!",
        "trap 'kill \"$pid\" 2>/dev/null || true' EXIT",
        'i=0; until influx ping >/dev/null 2>&1; do i=$((i + 1)); [ "$i" -lt 120 ] || fail "the throwaway influxd did not start: $(tail -n 5 "$DRILL_DIR/influxd.log")"; sleep 1; done',
        // A one-off operator token and password, never stored: the server is gone when the container ends.
        "INFLUX_TOKEN=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n'); export INFLUX_TOKEN",
        "influx setup --force --username restore-drill --password \"$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \\n')\" --org restore-drill-scratch --bucket restore-drill-scratch --token \"$INFLUX_TOKEN\" >/dev/null",
        'influx restore "$dir" >&2 || fail "influx restore of $(basename "$dir") failed"',
        'influx_manifest "$org" "$cutoff" "$DRILL_DIR/influx-restored.manifest" || fail "could not read the manifest back from the restored copy"',
        'influx_manifest_compare "$manifest" "$DRILL_DIR/influx-restored.manifest" || fail "$(basename "$dir"): the restored copy differs from the manifest"',
        'echo "restore drill passed (InfluxDB): $(basename "$dir"), $(grep -c "^bucket\t" "$manifest") buckets equal"',
    ].join("\n");
}

/**
 * The backup jobs' own inputs: namespace, schedule (UTC, after the day's backups), images (influxdb: the dev
 * server's image, which holds influxd and the influx CLI), the jobs' Secret, ServiceAccount and scratch size.
 */
export type RestoreDrillArgs = BackupJobsArgs;

export function createRestoreDrill(a: RestoreDrillArgs, opts: pulumi.CustomResourceOptions): k8s.batch.v1.CronJob {
    const labels = dataLabels(RESTORE_DRILL, "backup-verification");
    const env = [
        { name: "HOME", value: "/tmp" },
        { name: "TZ", value: "UTC" },
        { name: "DRILL_DIR", value: DRILL_DIR },
    ];
    const mounts = [
        { name: "drill", mountPath: DRILL_DIR },
        { name: "tmp", mountPath: "/tmp" },
    ];
    // The download needs the bucket's settings (and, in dev, the store's key); the restore needs nothing but files.
    const download = jobContainer({ name: "download", image: a.images.awsCli, command: ["sh", "-c", drillDownloadScript()], envFrom: [{ secretRef: { name: a.jobsSecretName } }], env, volumeMounts: mounts });
    // Each restore runs a whole database server on the newest backup: sized alike, bounded.
    const restoreResources = { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } };
    const restoreContainer = jobContainer({
        name: "restore-and-compare",
        image: a.images.postgres,
        command: ["sh", "-c", drillRestoreScript()],
        env,
        volumeMounts: mounts,
        resources: restoreResources,
    });
    // initdb looks its user up in /etc/passwd: run as the image's own postgres user (UID/GID 70 in the Alpine
    // images), still non-root; the scratch volume is writable by everyone in the pod.
    const restore = { ...restoreContainer, securityContext: { ...restoreContainer.securityContext, runAsUser: POSTGRES_ALPINE_UID, runAsGroup: POSTGRES_ALPINE_UID } };
    // No credentials either: its influxd is its own, set up with a one-off token.
    const influx = jobContainer({
        name: "influxdb-restore-and-compare",
        image: a.images.influxdb,
        command: ["sh", "-c", drillInfluxScript()],
        env,
        volumeMounts: mounts,
        resources: restoreResources,
    });
    return new k8s.batch.v1.CronJob(
        `${a.base}-${RESTORE_DRILL}`,
        {
            metadata: { name: RESTORE_DRILL, namespace: a.namespace, labels },
            spec: {
                schedule: a.schedule,
                timeZone: "Etc/UTC",
                concurrencyPolicy: "Forbid",
                startingDeadlineSeconds: 3600,
                successfulJobsHistoryLimit: 3,
                failedJobsHistoryLimit: 5,
                jobTemplate: {
                    spec: {
                        // A failed drill is a finding, not a flake: no retry that could hide it.
                        backoffLimit: 0,
                        activeDeadlineSeconds: 6 * 3600,
                        template: {
                            metadata: { labels: { ...labels, ...DATA_JOB_LABEL } },
                            spec: jobPodSpec({
                                serviceAccountName: a.serviceAccountName,
                                initContainers: [download],
                                containers: [restore, influx],
                                volumes: [{ name: "drill", emptyDir: { sizeLimit: a.scratchSize } }, ...scratchVolumes(["tmp"])],
                            }),
                        },
                    },
                },
            },
        },
        opts,
    );
}
