// The restore drill: a daily CronJob that proves the newest PostgreSQL backup restores. In its own pod (nothing
// touches the live database) it downloads the newest day's dump and manifest from the backups bucket, starts a
// throwaway PostgreSQL inside the container (initdb into a scratch volume, no TCP listener), restores the dump
// and compares the restored copy's manifest (per table: rows, newest timestamp, checksum) with the one the backup
// wrote in the dump's own snapshot. Any difference, a missing manifest or a failed restore fails the Job, which
// Prometheus sees through kube-state-metrics (the RestoreDrillFailed and RestoreDrillNotPassedRecently alerts).
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { MANIFEST_SQL } from "./backups";
import { AWS_CLI_PATH_STYLE, DATA_JOB_LABEL, dataLabels, jobContainer, jobPodSpec, scratchVolumes } from "./common";

export const RESTORE_DRILL = "restore-drill";
/** UID and GID of `postgres` in the official Alpine images. */
export const POSTGRES_ALPINE_UID = 70;
/** Where the download and restore containers share files (the scratch volume); env DRILL_DIR. */
export const DRILL_DIR = "/drill";

/** aws-cli container: the newest day's PostgreSQL dump and manifest into $DRILL_DIR/in/. Pure, for tests. */
export function drillDownloadScript(): string {
    return [
        "set -euo pipefail",
        AWS_CLI_PATH_STYLE,
        // Day prefixes are YYYY-MM-DD/, so the last one listed is the newest.
        'day=$(aws s3 ls "s3://${S3_BACKUPS_BUCKET}/" | awk \'$1 == "PRE" && $2 ~ /^[0-9]{4}-[0-9]{2}-[0-9]{2}\\/$/ { print $2 }\' | sort | tail -n 1)',
        '[ -n "$day" ] || { echo "restore drill: no backup in s3://${S3_BACKUPS_BUCKET}/" >&2; exit 1; }',
        'mkdir -p "$DRILL_DIR/in"',
        'aws s3 cp --recursive --only-show-errors --exclude "*" --include "postgres_*" "s3://${S3_BACKUPS_BUCKET}/$day" "$DRILL_DIR/in/"',
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

export interface RestoreDrillArgs {
    namespace: string;
    /** Cron schedule, UTC: after the backups of the day. */
    schedule: string;
    images: { postgres: string; awsCli: string };
    jobsSecretName: pulumi.Input<string>;
    serviceAccountName?: string;
    scratchSize: string;
}

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
    const restoreContainer = jobContainer({
        name: "restore-and-compare",
        image: a.images.postgres,
        command: ["sh", "-c", drillRestoreScript()],
        env,
        volumeMounts: mounts,
        resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } },
    });
    // initdb looks its user up in /etc/passwd: run as the image's own postgres user (UID/GID 70 in the Alpine
    // images), still non-root; the scratch volume is writable by everyone in the pod.
    const restore = { ...restoreContainer, securityContext: { ...restoreContainer.securityContext, runAsUser: POSTGRES_ALPINE_UID, runAsGroup: POSTGRES_ALPINE_UID } };
    return new k8s.batch.v1.CronJob(
        `data-${RESTORE_DRILL}`,
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
                                containers: [restore],
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
