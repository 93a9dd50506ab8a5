// Alert rules for the trading platform, as a pure builder of PrometheusRule groups. Job names come from
// the scrape configuration (scrape.ts), so a renamed job cannot silently orphan an alert.
import { NAMESPACES, WEBSOCKET_MAX_CONNECTIONS, type Namespaces } from "@deepalpha/shared";
import { MIN_FUTURE_PARTITIONS, RESTORE_DRILL, TRADES_DEFAULT_PARTITION } from "@deepalpha/shared";
import type { DataJobNames } from "./args";
import { CERT_MANAGER, SCRAPE_JOBS, type ScrapeJobs } from "./scrape";

export interface AlertRule {
    alert: string;
    expr: string;
    for: string;
    labels: { severity: "critical" | "warning" };
    annotations: { summary: string; description: string };
}

export interface RuleGroup {
    name: string;
    rules: AlertRule[];
}

export interface AlertOptions {
    /** Order execution latency p95 threshold, seconds (settings.observability.orderLatencyP95Seconds). */
    orderLatencyP95Seconds: number;
    /** API request duration p95 threshold, seconds (settings.observability.apiLatencyP95Seconds). */
    apiLatencyP95Seconds: number;
    /** Scrape job names (default SCRAPE_JOBS: DeepAlpha's workloads). */
    jobs?: ScrapeJobs;
    /** Where the data tier's CronJobs run: the data namespace (local) or the app namespace (production). Default DeepAlpha's. */
    namespaces?: Pick<Namespaces, "data" | "app">;
    /** The data tier's CronJobs (default DeepAlpha's: `.*backup.*`, trades-partitions, restore-drill). */
    dataJobs?: DataJobNames;
}

/** The seed's WebSocket pods hold 10K connections each; alert at 80 %. */
export const WEBSOCKET_CONNECTIONS_PER_POD = WEBSOCKET_MAX_CONNECTIONS;
export const WEBSOCKET_ALERT_RATIO = 0.8;
/** Share of a node's conntrack table (kube-proxy sizes it; see cluster/node-tuning.ts) that warns before it overflows. */
export const CONNTRACK_ALERT_RATIO = 0.75;
/** Share of a WebSocket process's open-file limit (its RLIMIT_NOFILE soft limit) that warns before accept() fails. */
export const FILE_DESCRIPTOR_ALERT_RATIO = 0.8;
/** A daily backup that has not succeeded for 26 h missed a run (24 h) plus slack for a slow dump. */
export const BACKUP_MAX_AGE_SECONDS = 26 * 3600;
/** The partition CronJob runs daily too. */
export const PARTITION_MAX_AGE_SECONDS = 26 * 3600;
/** Let's Encrypt renews 30 days ahead: under 14 days left means renewal has been failing for two weeks. */
export const CERT_EXPIRY_WARNING_DAYS = 14;
/** API 5xx ratio above which the API is considered failing. */
export const API_ERROR_RATIO = 0.05;
/** Streaming replication lag on the primary, bytes (100 MiB). */
export const PG_REPLICATION_LAG_BYTES = 100 * 1024 * 1024;

/** The trades partition CronJob (the data tier's schema-migration.ts). */
export const PARTITION_CRONJOB = "trades-partitions";
/** The drill runs daily; 26 h without a pass means a run was missed or failed. */
export const RESTORE_DRILL_MAX_AGE_SECONDS = 26 * 3600;

/**
 * A CronJob whose newest failed Job started after its last success (or that never succeeded): kube-state-metrics'
 * kube_job_owner maps each Job to its CronJob. Unlike "a kept Job has failed", this clears as soon as a later
 * run of the same CronJob succeeds, although the failed Job stays in the history (failedJobsHistoryLimit).
 */
export function cronJobFailedSinceLastSuccess(cronjobSelector: string): string {
    const owner = cronjobSelector.replace(/\bcronjob(=~?)/, "owner_name$1");
    const failedStarts =
        `max by (namespace, owner_name) (` +
        `(kube_job_status_start_time * on (namespace, job_name) group_left (owner_name) kube_job_owner{owner_kind="CronJob",${owner}})` +
        ` and on (namespace, job_name) (kube_job_failed{condition="true"} == 1))`;
    const lastSuccess = `label_replace(kube_cronjob_status_last_successful_time{${cronjobSelector}}, "owner_name", "$1", "cronjob", "(.+)")`;
    return `${failedStarts} > on (namespace, owner_name) ${lastSuccess} or (${failedStarts} unless on (namespace, owner_name) ${lastSuccess})`;
}

/** No successful run for `seconds` (or none since the CronJob was created that long ago). */
function cronJobNotSuccessfulFor(cronjobSelector: string, seconds: number): string {
    return (
        `time() - kube_cronjob_status_last_successful_time{${cronjobSelector}} > ${seconds}` +
        ` or (time() - kube_cronjob_created{${cronjobSelector}} > ${seconds}` +
        ` unless on (namespace, cronjob) kube_cronjob_status_last_successful_time{${cronjobSelector}})`
    );
}

/**
 * How many of the next MIN_FUTURE_PARTITIONS months (UTC) have a trades_YYYY_MM partition, per database, from the
 * series the exporter's stat_user_tables collector keeps for every table (partitions included): the same source as
 * TradesDefaultPartitionHasRows, so no custom query (postgres_exporter deprecated --extend.query-path in 0.13.0, and
 * the pinned chart has no queries value). PromQL cannot read a number out of a label, so the months go the other
 * way: count_values turns each wanted month (YYYYMM, computed from time()) into a label, and label_replace gives each
 * partition the same label from its name. 0 when the exporter sees the default partition but none of those months.
 */
export function futurePartitionsExpr(postgresJob: string): string {
    const tables = `pg_stat_user_tables_n_live_tup{job="${postgresJob}",schemaname="public"`;
    const month = (k: number) => {
        const t = `(year() * 12 + month() - 1 + ${k})`;
        return `count_values("month", floor(${t} / 12) * 100 + ${t} % 12 + 1)`;
    };
    const wanted = Array.from({ length: MIN_FUTURE_PARTITIONS }, (_, i) => month(i + 1)).join(" or ");
    const partitions = `label_replace(${tables},relname=~"trades_[0-9]{4}_[0-9]{2}"}, "month", "$1$2", "relname", "trades_([0-9]{4})_([0-9]{2})")`;
    return (
        `count by (namespace, datname) (${partitions} and on (month) (${wanted}))` +
        ` or 0 * max by (namespace, datname) (${tables},relname="${TRADES_DEFAULT_PARTITION}"})`
    );
}

export function buildAlertGroups(o: AlertOptions): RuleGroup[] {
    const j = o.jobs ?? SCRAPE_JOBS;
    const ns = o.namespaces ?? NAMESPACES;
    const dataJobs = o.dataJobs ?? { backups: ".*backup.*", partitions: PARTITION_CRONJOB, restoreDrill: RESTORE_DRILL };
    // The data tier's CronJobs run in the data namespace (dev) or the app namespace (prod).
    const DATA_NAMESPACES = `namespace=~"${ns.data}|${ns.app}"`;
    const BACKUP_SELECTOR = `${DATA_NAMESPACES},cronjob=~"${dataJobs.backups}"`;
    const partitionJob = dataJobs.partitions;
    const PARTITION_SELECTOR = `${DATA_NAMESPACES},cronjob="${partitionJob}"`;
    const DRILL_SELECTOR = `${DATA_NAMESPACES},cronjob="${dataJobs.restoreDrill}"`;
    const rule = (
        alert: string,
        expr: string,
        forDuration: string,
        severity: "critical" | "warning",
        summary: string,
        description: string,
    ): AlertRule => ({ alert, expr, for: forDuration, labels: { severity }, annotations: { summary, description } });
    return [
        {
            name: "deepalpha.application",
            rules: [
                rule("DeepAlphaApiDown", `up{job="${j.api}"} == 0`, "1m", "critical",
                    "DeepAlpha API target {{ $labels.pod }} is down",
                    "Prometheus cannot scrape the API pod {{ $labels.pod }} for over a minute."),
                rule("DeepAlphaApiAbsent", `absent(up{job="${j.api}"})`, "2m", "critical",
                    "No DeepAlpha API target is being scraped",
                    "Every API pod is gone or no longer discovered."),
                rule("DeepAlphaApiErrorRateHigh",
                    `sum(rate(http_requests_total{job="${j.api}",status=~"5.."}[5m])) / sum(rate(http_requests_total{job="${j.api}"}[5m])) > ${API_ERROR_RATIO}`,
                    "5m", "critical",
                    "DeepAlpha API error rate is {{ $value | humanizePercentage }}",
                    `More than ${API_ERROR_RATIO * 100} % of API requests returned 5xx over 5 minutes.`),
                rule("DeepAlphaApiLatencyHigh",
                    `histogram_quantile(0.95, sum(rate(http_request_duration_seconds_bucket{job="${j.api}"}[5m])) by (le)) > ${o.apiLatencyP95Seconds}`,
                    "5m", "warning",
                    "DeepAlpha API latency p95 is {{ $value | humanizeDuration }}",
                    `p95 API request duration has been above ${o.apiLatencyP95Seconds}s for 5 minutes.`),
                rule("DeepAlphaOrderLatencyHigh",
                    `histogram_quantile(0.95, sum(rate(order_latency_seconds_bucket[5m])) by (le)) > ${o.orderLatencyP95Seconds}`,
                    "5m", "critical",
                    "Order execution latency p95 is {{ $value | humanizeDuration }}",
                    `p95 order execution latency has been above ${o.orderLatencyP95Seconds}s for 5 minutes.`),
                rule("DeepAlphaWebSocketConnectionsHigh",
                    `websocket_connections_current{job="${j.websocket}"} > ${WEBSOCKET_ALERT_RATIO} * ${WEBSOCKET_CONNECTIONS_PER_POD}`,
                    "5m", "warning",
                    "WebSocket pod {{ $labels.pod }} holds {{ $value }} connections",
                    `Above ${WEBSOCKET_ALERT_RATIO * 100} % of the ${WEBSOCKET_CONNECTIONS_PER_POD} connections one pod is sized for: scale out.`),
                // process_open_fds/process_max_fds: the Prometheus client's standard process metrics. max_fds is the
                // soft RLIMIT_NOFILE the process actually runs with: what containerd's base runtime spec gave it.
                rule("DeepAlphaWebSocketFileDescriptorsHigh",
                    `process_open_fds{job="${j.websocket}"} / process_max_fds{job="${j.websocket}"} > ${FILE_DESCRIPTOR_ALERT_RATIO}`,
                    "5m", "warning",
                    "WebSocket pod {{ $labels.pod }} uses {{ $value | humanizePercentage }} of its open-file limit",
                    `Above ${FILE_DESCRIPTOR_ALERT_RATIO * 100} % of the process's RLIMIT_NOFILE: new connections will fail with EMFILE. Check the limit (process_max_fds) and scale out.`),
                rule("DeepAlphaExecutorDown", `up{job="${j.executor}"} == 0 or absent(up{job="${j.executor}"})`, "1m", "critical",
                    "Order executor is down",
                    "An executor pod cannot be scraped, or none is running: orders are not being executed."),
            ],
        },
        {
            name: "deepalpha.data",
            rules: [
                rule("PostgresReplicationLagHigh",
                    `max by (instance, application_name) (pg_stat_replication_pg_wal_lsn_diff{job="${j.postgres}"}) > ${PG_REPLICATION_LAG_BYTES}`,
                    "5m", "warning",
                    "PostgreSQL replica {{ $labels.application_name }} lags {{ $value | humanize1024 }}B behind the primary",
                    "Streaming replication lag reported by the primary's pg_stat_replication exceeded 100 MiB for 5 minutes."),
                rule("PostgresExporterDown", `up{job="${j.postgres}"} == 0 or pg_up{job="${j.postgres}"} == 0`, "2m", "critical",
                    "PostgreSQL is unreachable from its exporter", "pg_up or the exporter target is down."),
                rule("RedisDown", `redis_up{job="${j.redis}"} == 0 or up{job="${j.redis}"} == 0 or absent(redis_up{job="${j.redis}"})`, "1m", "critical",
                    "Redis is down", "The Redis exporter cannot reach Redis (or is not running)."),
                // kube_job_failed{condition="true"}: the Job's Failed condition (backoffLimit exhausted). Not
                // kube_job_status_failed, which counts failed *pods*: with the backup Jobs' backoffLimit of 2 a run
                // that succeeds on a retry would still page as failed. It clears once a later run succeeds.
                rule("BackupJobFailed", cronJobFailedSinceLastSuccess(BACKUP_SELECTOR), "0m", "critical",
                    "Backup CronJob {{ $labels.namespace }}/{{ $labels.owner_name }} failed",
                    "Its newest failed run started after its last success; check the failed Job's pod logs. Clears when a later run succeeds."),
                rule("BackupNotSuccessfulRecently", cronJobNotSuccessfulFor(BACKUP_SELECTOR, BACKUP_MAX_AGE_SECONDS), "0m", "critical",
                    "Backup CronJob {{ $labels.namespace }}/{{ $labels.cronjob }} has not succeeded for 26 hours",
                    "No successful run in 26 hours (or never since it was created 26 hours ago)."),
                rule("RestoreDrillFailed", cronJobFailedSinceLastSuccess(DRILL_SELECTOR), "0m", "critical",
                    "The restore drill {{ $labels.namespace }}/{{ $labels.owner_name }} failed: the newest PostgreSQL or InfluxDB backup did not restore as written",
                    "The log of the failing container (restore-and-compare: PostgreSQL, influxdb-restore-and-compare: InfluxDB) says what differs " +
                        "(the manifests' diff) or what failed (download, pg_restore, influx restore, missing manifest). Clears when a later drill passes."),
                rule("RestoreDrillNotPassedRecently", cronJobNotSuccessfulFor(DRILL_SELECTOR, RESTORE_DRILL_MAX_AGE_SECONDS), "0m", "critical",
                    "No restore drill has passed in {{ $labels.namespace }} for 26 hours",
                    "The daily drill has not succeeded for 26 hours (or never since it was created): the backups are unproven."),
                rule("TradesDefaultPartitionHasRows",
                    `max by (namespace, datname) (pg_stat_user_tables_n_live_tup{job="${j.postgres}",relname="${TRADES_DEFAULT_PARTITION}"}) > 0`,
                    "30m", "warning",
                    `{{ $value }} trades wait in the ${TRADES_DEFAULT_PARTITION} partition`,
                    `Trades dated in a month that has no partition. The ${partitionJob} CronJob moves them into their month's new partition at its next run; ` +
                        `run it now with: kubectl create job --from=cronjob/${partitionJob} ${partitionJob}-now`),
                // Direct: the catalog as the exporter sees it. An hour, so the month change (the job runs at 00:15) never pages.
                rule("TradesFuturePartitionsLow", `(${futurePartitionsExpr(j.postgres)}) < ${MIN_FUTURE_PARTITIONS}`, "1h", "warning",
                    `Only {{ $value }} of the next ${MIN_FUTURE_PARTITIONS} months have a trades partition in {{ $labels.datname }}`,
                    `Fewer than ${MIN_FUTURE_PARTITIONS} future months are pre-made: trades of a month without a partition go to ${TRADES_DEFAULT_PARTITION}. ` +
                        `Check the ${partitionJob} CronJob (data.partitionMonthsAhead) and run it now with: kubectl create job --from=cronjob/${partitionJob} ${partitionJob}-now`),
                // The job also fails when fewer than two future months have a partition after its run.
                rule("TradesPartitionJobFailed", cronJobFailedSinceLastSuccess(PARTITION_SELECTOR), "0m", "critical",
                    "The trades partition job {{ $labels.namespace }}/{{ $labels.owner_name }} failed",
                    "Upcoming months' partitions are not being created, or fewer than two future months have one; check the failed Job's pod logs. Clears when a later run succeeds."),
                rule("TradesPartitionsNotMaintained", cronJobNotSuccessfulFor(PARTITION_SELECTOR, PARTITION_MAX_AGE_SECONDS), "0m", "critical",
                    "The trades partition job {{ $labels.namespace }}/{{ $labels.cronjob }} has not succeeded for 26 hours",
                    "The daily job keeps data.partitionMonthsAhead future months pre-made; without it the future months run out " +
                        "(and later trades go to the default partition)."),
            ],
        },
        {
            name: "deepalpha.nodes",
            rules: [
                // node-exporter's conntrack collector. A full table drops new connections on the node silently.
                rule("NodeConntrackTableFilling",
                    `node_nf_conntrack_entries / node_nf_conntrack_entries_limit > ${CONNTRACK_ALERT_RATIO}`,
                    "10m", "warning",
                    "Conntrack table on {{ $labels.instance }} is {{ $value | humanizePercentage }} full",
                    `Above ${CONNTRACK_ALERT_RATIO * 100} % of nf_conntrack_max: when it is full the node drops new connections. Spread the WebSocket pods or use nodes with more CPUs (kube-proxy sizes the table per CPU).`),
            ],
        },
        {
            name: "deepalpha.certificates",
            rules: [
                rule("CertificateExpiringSoon",
                    // Only the PodMonitor's job: the kubernetes-pods job scrapes the same controller again (its
                    // pods are annotated), which would double every alert and carry the wrong namespace.
                    `certmanager_certificate_expiration_timestamp_seconds{job="${CERT_MANAGER.appName}"} - time() < ${CERT_EXPIRY_WARNING_DAYS} * 86400`,
                    "1h", "warning",
                    "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in {{ $value | humanizeDuration }}",
                    "cert-manager has not renewed it although renewal starts 30 days ahead."),
            ],
        },
    ];
}
