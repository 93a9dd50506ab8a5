// The alert rules, checked by Prometheus' own promtool: `promtool check rules` on the PrometheusRule groups of
// both plans, and `promtool test rules` unit tests in which each alert fires on its condition (with its exact
// labels and rendered annotations) and stays quiet otherwise. The rules come from the prod plan.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Context } from "mocha";
import { stringify } from "yaml";
import { kubernetesObjects, plan, type Obj } from "./planned";
import { ensureTools } from "./tools";

type Series = [string, string];
interface Expected {
    labels: Record<string, string>;
    annotations: { summary: string; description: string };
}
interface Case {
    alert: string;
    /** What the case shows: fires or stays quiet, and why. */
    title: string;
    series: Series[];
    evalTime: string;
    expect: Expected[];
    /** Sample and rule-evaluation interval when not 1m (cases late in the year 1970). */
    interval?: string;
}

const NS = "deepalpha";
const crit = (labels: Record<string, string>) => ({ ...labels, severity: "critical" });
const warn = (labels: Record<string, string>) => ({ ...labels, severity: "warning" });

/** Backup and partition CronJob histories for the "failed since last success" rules. */
function cronJobHistory(cronjob: string, runs: { n: number; start: number; failed: boolean }[], lastSuccess?: number): Series[] {
    const out: Series[] = [];
    for (const r of runs) {
        const job = `${cronjob}-${r.n}`;
        out.push([`kube_job_owner{namespace="${NS}",job_name="${job}",owner_kind="CronJob",owner_name="${cronjob}",owner_is_controller="true"}`, "1x30"]);
        out.push([`kube_job_status_start_time{namespace="${NS}",job_name="${job}"}`, `${r.start}x30`]);
        out.push([`kube_job_failed{namespace="${NS}",job_name="${job}",condition="true"}`, `${r.failed ? 1 : 0}x30`]);
        out.push([`kube_job_failed{namespace="${NS}",job_name="${job}",condition="false"}`, `${r.failed ? 0 : 1}x30`]);
    }
    if (lastSuccess !== undefined) out.push([`kube_cronjob_status_last_successful_time{namespace="${NS}",cronjob="${cronjob}"}`, `${lastSuccess}x30`]);
    return out;
}

/** Exporter series (stat_user_tables) for each of these trades tables, plus the default partition. */
function tradesTables(tables: string[], values: string): Series[] {
    return ["trades_default", ...tables].map((t) => [`pg_stat_user_tables_n_live_tup{job="postgres",namespace="deepalpha-monitoring",datname="deepalpha",schemaname="public",relname="${t}"}`, values] as Series);
}
const futurePartitionsAlert = (n: number): Expected => ({
    labels: warn({ namespace: "deepalpha-monitoring", datname: "deepalpha" }),
    annotations: {
        summary: `Only ${n} of the next 2 months have a trades partition in deepalpha`,
        description: "Fewer than 2 future months are pre-made: trades of a month without a partition go to trades_default. Check the trades-partitions CronJob (data.partitionMonthsAhead) and run it now with: kubectl create job --from=cronjob/trades-partitions trades-partitions-now",
    },
});

const failedSince = (alert: string, cronjob: string, expected: (cj: string) => Expected): Case[] => [
    {
        alert,
        title: "fires when the newest failed run started after the last success",
        series: cronJobHistory(cronjob, [{ n: 1, start: 60, failed: true }], 30),
        evalTime: "5m",
        expect: [expected(cronjob)],
    },
    {
        alert,
        title: "fires when the CronJob never succeeded and a run failed",
        series: cronJobHistory(cronjob, [{ n: 1, start: 60, failed: true }]),
        evalTime: "5m",
        expect: [expected(cronjob)],
    },
    {
        alert,
        title: "clears once a later run of the same CronJob succeeded, though the failed Job is kept",
        series: cronJobHistory(cronjob, [{ n: 1, start: 60, failed: true }, { n: 2, start: 600, failed: false }], 900),
        evalTime: "20m",
        expect: [],
    },
];

const CASES: Case[] = [
    {
        alert: "DeepAlphaApiDown", title: "fires when an API target is down for a minute",
        series: [['up{job="deepalpha-api",pod="api-0"}', "0x10"], ['up{job="deepalpha-api",pod="api-1"}', "1x10"]], evalTime: "2m",
        expect: [{ labels: crit({ job: "deepalpha-api", pod: "api-0" }), annotations: { summary: "DeepAlpha API target api-0 is down", description: "Prometheus cannot scrape the API pod api-0 for over a minute." } }],
    },
    { alert: "DeepAlphaApiDown", title: "quiet while every target is up", series: [['up{job="deepalpha-api",pod="api-0"}', "1x10"]], evalTime: "5m", expect: [] },
    {
        alert: "DeepAlphaApiAbsent", title: "fires when no API target is scraped at all",
        series: [['up{job="deepalpha-websocket",pod="ws-0"}', "1x10"]], evalTime: "3m",
        expect: [{ labels: crit({ job: "deepalpha-api" }), annotations: { summary: "No DeepAlpha API target is being scraped", description: "Every API pod is gone or no longer discovered." } }],
    },
    { alert: "DeepAlphaApiAbsent", title: "quiet while a target exists", series: [['up{job="deepalpha-api",pod="api-0"}', "0x10"]], evalTime: "5m", expect: [] },
    {
        alert: "DeepAlphaApiErrorRateHigh", title: "fires at 10 % 5xx",
        series: [['http_requests_total{job="deepalpha-api",status="500"}', "0+10x20"], ['http_requests_total{job="deepalpha-api",status="200"}', "0+90x20"]], evalTime: "12m",
        expect: [{ labels: crit({}), annotations: { summary: "DeepAlpha API error rate is 10%", description: "More than 5 % of API requests returned 5xx over 5 minutes." } }],
    },
    {
        alert: "DeepAlphaApiErrorRateHigh", title: "quiet at 1 % 5xx",
        series: [['http_requests_total{job="deepalpha-api",status="500"}', "0+1x20"], ['http_requests_total{job="deepalpha-api",status="200"}', "0+99x20"]], evalTime: "12m", expect: [],
    },
    {
        alert: "DeepAlphaApiLatencyHigh", title: "fires when the API's p95 is above 1 s",
        series: latencyBuckets('http_request_duration_seconds_bucket{job="deepalpha-api"', "2"), evalTime: "12m",
        expect: [{ labels: warn({}), annotations: { summary: "DeepAlpha API latency p95 is 1.95s", description: "p95 API request duration has been above 1s for 5 minutes." } }],
    },
    { alert: "DeepAlphaApiLatencyHigh", title: "quiet when requests take under 0.5 s", series: latencyBuckets('http_request_duration_seconds_bucket{job="deepalpha-api"', "0.5"), evalTime: "12m", expect: [] },
    {
        alert: "DeepAlphaOrderLatencyHigh", title: "fires when order p95 is above 0.5 s",
        series: latencyBuckets("order_latency_seconds_bucket{job=\"deepalpha-executor\"", "1"), evalTime: "12m",
        expect: [{ labels: crit({}), annotations: { summary: "Order execution latency p95 is 975ms", description: "p95 order execution latency has been above 0.5s for 5 minutes." } }],
    },
    { alert: "DeepAlphaOrderLatencyHigh", title: "quiet under 0.5 s", series: latencyBuckets("order_latency_seconds_bucket{job=\"deepalpha-executor\"", "0.5"), evalTime: "12m", expect: [] },
    {
        alert: "DeepAlphaWebSocketConnectionsHigh", title: "fires at 9000 connections on one pod",
        series: [['websocket_connections_current{job="deepalpha-websocket",pod="ws-0"}', "9000x10"], ['websocket_connections_current{job="deepalpha-websocket",pod="ws-1"}', "100x10"]], evalTime: "6m",
        expect: [{ labels: warn({ job: "deepalpha-websocket", pod: "ws-0" }), annotations: { summary: "WebSocket pod ws-0 holds 9000 connections", description: "Above 80 % of the 10000 connections one pod is sized for: scale out." } }],
    },
    { alert: "DeepAlphaWebSocketConnectionsHigh", title: "quiet at 5000", series: [['websocket_connections_current{job="deepalpha-websocket",pod="ws-0"}', "5000x10"]], evalTime: "6m", expect: [] },
    {
        alert: "DeepAlphaWebSocketFileDescriptorsHigh", title: "fires at 90 % of the open-file limit",
        series: [['process_open_fds{job="deepalpha-websocket",pod="ws-0"}', "58982.4x10"], ['process_max_fds{job="deepalpha-websocket",pod="ws-0"}', "65536x10"]], evalTime: "6m",
        expect: [{ labels: warn({ job: "deepalpha-websocket", pod: "ws-0" }), annotations: { summary: "WebSocket pod ws-0 uses 90% of its open-file limit", description: "Above 80 % of the process's RLIMIT_NOFILE: new connections will fail with EMFILE. Check the limit (process_max_fds) and scale out." } }],
    },
    {
        alert: "DeepAlphaWebSocketFileDescriptorsHigh", title: "quiet at 10K connections' worth of files under the 65536 limit",
        series: [['process_open_fds{job="deepalpha-websocket",pod="ws-0"}', "10100x10"], ['process_max_fds{job="deepalpha-websocket",pod="ws-0"}', "65536x10"]], evalTime: "6m", expect: [],
    },
    {
        alert: "NodeConntrackTableFilling", title: "fires at 90 % of nf_conntrack_max",
        series: [['node_nf_conntrack_entries{job="node-exporter",instance="10.0.1.5:9100"}', "235929.6x15"], ['node_nf_conntrack_entries_limit{job="node-exporter",instance="10.0.1.5:9100"}', "262144x15"]], evalTime: "11m",
        expect: [{ labels: warn({ job: "node-exporter", instance: "10.0.1.5:9100" }), annotations: { summary: "Conntrack table on 10.0.1.5:9100 is 90% full", description: "Above 75 % of nf_conntrack_max: when it is full the node drops new connections. Spread the WebSocket pods or use nodes with more CPUs (kube-proxy sizes the table per CPU)." } }],
    },
    {
        alert: "NodeConntrackTableFilling", title: "quiet at half the table",
        series: [['node_nf_conntrack_entries{job="node-exporter",instance="10.0.1.5:9100"}', "131072x15"], ['node_nf_conntrack_entries_limit{job="node-exporter",instance="10.0.1.5:9100"}', "262144x15"]], evalTime: "11m", expect: [],
    },
    {
        alert: "DeepAlphaExecutorDown", title: "fires when the executor is not scraped",
        series: [['up{job="deepalpha-executor",pod="ex-0"}', "0x10"]], evalTime: "2m",
        expect: [{ labels: crit({ job: "deepalpha-executor", pod: "ex-0" }), annotations: { summary: "Order executor is down", description: "An executor pod cannot be scraped, or none is running: orders are not being executed." } }],
    },
    { alert: "DeepAlphaExecutorDown", title: "quiet while it is up", series: [['up{job="deepalpha-executor",pod="ex-0"}', "1x10"]], evalTime: "5m", expect: [] },
    {
        alert: "PostgresReplicationLagHigh", title: "fires at 200 MiB of lag",
        series: [['pg_stat_replication_pg_wal_lsn_diff{job="postgres",instance="pg:9187",application_name="replica-1"}', "209715200x10"]], evalTime: "6m",
        expect: [{ labels: warn({ instance: "pg:9187", application_name: "replica-1" }), annotations: { summary: "PostgreSQL replica replica-1 lags 200MiB behind the primary", description: "Streaming replication lag reported by the primary's pg_stat_replication exceeded 100 MiB for 5 minutes." } }],
    },
    { alert: "PostgresReplicationLagHigh", title: "quiet at 1 MiB", series: [['pg_stat_replication_pg_wal_lsn_diff{job="postgres",instance="pg:9187",application_name="replica-1"}', "1048576x10"]], evalTime: "6m", expect: [] },
    {
        alert: "PostgresExporterDown", title: "fires when pg_up is 0",
        series: [['pg_up{job="postgres",instance="pg:9187"}', "0x10"], ['up{job="postgres",instance="pg:9187"}', "1x10"]], evalTime: "3m",
        expect: [{ labels: crit({ job: "postgres", instance: "pg:9187" }), annotations: { summary: "PostgreSQL is unreachable from its exporter", description: "pg_up or the exporter target is down." } }],
    },
    { alert: "PostgresExporterDown", title: "quiet when both are 1", series: [['pg_up{job="postgres",instance="pg:9187"}', "1x10"], ['up{job="postgres",instance="pg:9187"}', "1x10"]], evalTime: "5m", expect: [] },
    {
        alert: "RedisDown", title: "fires when redis_up is 0",
        series: [['redis_up{job="redis",instance="redis:9121"}', "0x10"], ['up{job="redis",instance="redis:9121"}', "1x10"]], evalTime: "2m",
        expect: [{ labels: crit({ job: "redis", instance: "redis:9121" }), annotations: { summary: "Redis is down", description: "The Redis exporter cannot reach Redis (or is not running)." } }],
    },
    { alert: "RedisDown", title: "quiet when Redis is up", series: [['redis_up{job="redis",instance="redis:9121"}', "1x10"], ['up{job="redis",instance="redis:9121"}', "1x10"]], evalTime: "5m", expect: [] },
    ...failedSince("BackupJobFailed", "postgres-backup", (cj) => ({
        labels: crit({ namespace: NS, owner_name: cj }),
        annotations: { summary: `Backup CronJob ${NS}/${cj} failed`, description: "Its newest failed run started after its last success; check the failed Job's pod logs. Clears when a later run succeeds." },
    })),
    {
        alert: "BackupNotSuccessfulRecently", title: "fires when the last success is over 26 h old",
        series: [[`kube_cronjob_status_last_successful_time{namespace="${NS}",cronjob="postgres-backup"}`, "0x1700"], [`kube_cronjob_created{namespace="${NS}",cronjob="postgres-backup"}`, "0x1700"]], evalTime: "27h",
        expect: [{ labels: crit({ namespace: NS, cronjob: "postgres-backup" }), annotations: { summary: `Backup CronJob ${NS}/postgres-backup has not succeeded for 26 hours`, description: "No successful run in 26 hours (or never since it was created 26 hours ago)." } }],
    },
    {
        alert: "BackupNotSuccessfulRecently", title: "fires when a CronJob created 27 h ago never succeeded",
        series: [[`kube_cronjob_created{namespace="${NS}",cronjob="influxdb-backup"}`, "0x1700"]], evalTime: "27h",
        expect: [{ labels: crit({ namespace: NS, cronjob: "influxdb-backup" }), annotations: { summary: `Backup CronJob ${NS}/influxdb-backup has not succeeded for 26 hours`, description: "No successful run in 26 hours (or never since it was created 26 hours ago)." } }],
    },
    {
        alert: "BackupNotSuccessfulRecently", title: "quiet when the last success is 2 h old",
        series: [[`kube_cronjob_status_last_successful_time{namespace="${NS}",cronjob="postgres-backup"}`, "90000x1700"], [`kube_cronjob_created{namespace="${NS}",cronjob="postgres-backup"}`, "0x1700"]], evalTime: "27h", expect: [],
    },
    {
        alert: "TradesDefaultPartitionHasRows", title: "fires when trades wait in the default partition for 30 minutes",
        series: [['pg_stat_user_tables_n_live_tup{job="postgres",namespace="deepalpha-monitoring",datname="deepalpha",schemaname="public",relname="trades_default"}', "5x60"]], evalTime: "35m",
        expect: [{
            labels: warn({ namespace: "deepalpha-monitoring", datname: "deepalpha" }),
            annotations: {
                summary: "5 trades wait in the trades_default partition",
                description: "Trades dated in a month that has no partition. The trades-partitions CronJob moves them into their month's new partition at its next run; run it now with: kubectl create job --from=cronjob/trades-partitions trades-partitions-now",
            },
        }],
    },
    {
        alert: "TradesDefaultPartitionHasRows", title: "quiet when the default partition is empty (monthly partitions may hold rows)",
        series: [
            ['pg_stat_user_tables_n_live_tup{job="postgres",namespace="deepalpha-monitoring",datname="deepalpha",schemaname="public",relname="trades_default"}', "0x60"],
            ['pg_stat_user_tables_n_live_tup{job="postgres",namespace="deepalpha-monitoring",datname="deepalpha",schemaname="public",relname="trades_2026_11"}', "5000x60"],
        ],
        evalTime: "35m", expect: [],
    },
    // Evaluated in January 1970 (promtool's clock starts at 0) unless the case says otherwise.
    {
        alert: "TradesFuturePartitionsLow", title: "fires with 0 when no future month has a partition (past and current ones do not count)",
        series: tradesTables(["trades_1969_12", "trades_1970_01"], "0x150"), evalTime: "2h", expect: [futurePartitionsAlert(0)],
    },
    {
        alert: "TradesFuturePartitionsLow", title: "fires with 1 when only next month has one",
        series: tradesTables(["trades_1970_01", "trades_1970_02"], "0x150"), evalTime: "2h", expect: [futurePartitionsAlert(1)],
    },
    {
        alert: "TradesFuturePartitionsLow", title: "fires with 1 when next month is missing although later ones exist",
        series: tradesTables(["trades_1970_01", "trades_1970_03", "trades_1970_04"], "0x150"), evalTime: "2h", expect: [futurePartitionsAlert(1)],
    },
    {
        alert: "TradesFuturePartitionsLow", title: "quiet with the next two months pre-made",
        series: tradesTables(["trades_1970_01", "trades_1970_02", "trades_1970_03"], "0x150"), evalTime: "2h", expect: [],
    },
    {
        alert: "TradesFuturePartitionsLow", title: "quiet with three future months",
        series: tradesTables(["trades_1970_02", "trades_1970_03", "trades_1970_04"], "0x150"), evalTime: "2h", expect: [],
    },
    {
        alert: "TradesFuturePartitionsLow", title: "quiet after a gap shorter than an hour (next month's partition unseen for 30 minutes)",
        series: [
            ...tradesTables(["trades_1970_03"], "0x150"),
            [`pg_stat_user_tables_n_live_tup{job="postgres",namespace="deepalpha-monitoring",datname="deepalpha",schemaname="public",relname="trades_1970_02"}`, "0x30 _x30 0x90"],
        ],
        evalTime: "2h", expect: [],
    },
    {
        alert: "TradesFuturePartitionsLow", title: "quiet while the exporter sees no trades table at all (PostgresExporterDown covers that)",
        series: [['pg_up{job="postgres"}', "0x150"]], evalTime: "2h", expect: [],
    },
    {
        alert: "TradesFuturePartitionsLow", title: "counts across the year end: in December 1970, January and February 1971 are the next two months",
        series: tradesTables(["trades_1970_12", "trades_1971_01", "trades_1971_02"], "0x400"), evalTime: "336d", interval: "1d", expect: [],
    },
    {
        alert: "TradesFuturePartitionsLow", title: "fires in December 1970 when only January 1971 is pre-made",
        series: tradesTables(["trades_1970_12", "trades_1971_01"], "0x400"), evalTime: "336d", interval: "1d", expect: [futurePartitionsAlert(1)],
    },
    ...failedSince("RestoreDrillFailed", "restore-drill", (cj) => ({
        labels: crit({ namespace: NS, owner_name: cj }),
        annotations: {
            summary: `The restore drill ${NS}/${cj} failed: the newest PostgreSQL or InfluxDB backup did not restore as written`,
            description: "The log of the failing container (restore-and-compare: PostgreSQL, influxdb-restore-and-compare: InfluxDB) says what differs (the manifests' diff) or what failed (download, pg_restore, influx restore, missing manifest). Clears when a later drill passes.",
        },
    })),
    {
        alert: "RestoreDrillNotPassedRecently", title: "fires when no drill passed for 26 h",
        series: [[`kube_cronjob_status_last_successful_time{namespace="${NS}",cronjob="restore-drill"}`, "0x1700"], [`kube_cronjob_created{namespace="${NS}",cronjob="restore-drill"}`, "0x1700"]], evalTime: "27h",
        expect: [{ labels: crit({ namespace: NS, cronjob: "restore-drill" }), annotations: { summary: `No restore drill has passed in ${NS} for 26 hours`, description: "The daily drill has not succeeded for 26 hours (or never since it was created): the backups are unproven." } }],
    },
    {
        alert: "RestoreDrillNotPassedRecently", title: "quiet after a drill passed 2 h ago",
        series: [[`kube_cronjob_status_last_successful_time{namespace="${NS}",cronjob="restore-drill"}`, "90000x1700"], [`kube_cronjob_created{namespace="${NS}",cronjob="restore-drill"}`, "0x1700"]], evalTime: "27h", expect: [],
    },
    ...failedSince("TradesPartitionJobFailed", "trades-partitions", (cj) => ({
        labels: crit({ namespace: NS, owner_name: cj }),
        annotations: { summary: `The trades partition job ${NS}/${cj} failed`, description: "Upcoming months' partitions are not being created, or fewer than two future months have one; check the failed Job's pod logs. Clears when a later run succeeds." },
    })),
    {
        alert: "TradesPartitionsNotMaintained", title: "fires when the partition job has not succeeded for 26 h",
        series: [[`kube_cronjob_status_last_successful_time{namespace="${NS}",cronjob="trades-partitions"}`, "0x1700"], [`kube_cronjob_created{namespace="${NS}",cronjob="trades-partitions"}`, "0x1700"]], evalTime: "27h",
        expect: [{
            labels: crit({ namespace: NS, cronjob: "trades-partitions" }),
            annotations: {
                summary: `The trades partition job ${NS}/trades-partitions has not succeeded for 26 hours`,
                description: "The daily job keeps data.partitionMonthsAhead future months pre-made; without it the future months run out (and later trades go to the default partition).",
            },
        }],
    },
    {
        alert: "TradesPartitionsNotMaintained", title: "quiet after a recent success; a backup CronJob is not its business",
        series: [
            [`kube_cronjob_status_last_successful_time{namespace="${NS}",cronjob="trades-partitions"}`, "90000x1700"],
            [`kube_cronjob_created{namespace="${NS}",cronjob="trades-partitions"}`, "0x1700"],
            [`kube_cronjob_created{namespace="${NS}",cronjob="postgres-backup"}`, "0x1700"],
        ],
        evalTime: "27h", expect: [],
    },
    {
        alert: "CertificateExpiringSoon", title: "fires when a certificate has 10 days left",
        series: [['certmanager_certificate_expiration_timestamp_seconds{job="cert-manager",namespace="deepalpha-gateway",name="gateway-tls"}', "864000x1700"]], evalTime: "2h",
        expect: [{ labels: warn({ job: "cert-manager", namespace: "deepalpha-gateway", name: "gateway-tls" }), annotations: { summary: "Certificate deepalpha-gateway/gateway-tls expires in 9d 22h 0m 0s", description: "cert-manager has not renewed it although renewal starts 30 days ahead." } }],
    },
    {
        alert: "CertificateExpiringSoon", title: "quiet with 60 days left",
        series: [['certmanager_certificate_expiration_timestamp_seconds{job="cert-manager",namespace="deepalpha-gateway",name="gateway-tls"}', "5184000x1700"]], evalTime: "2h", expect: [],
    },
];

/** Cumulative histogram buckets where every request (60 a minute) falls in the bucket ending at `le`. */
function latencyBuckets(prefix: string, le: string): Series[] {
    const bounds = ["0.5", "1", "2", "+Inf"];
    return bounds.map((b) => [`${prefix},le="${b}"}`, Number(b === "+Inf" ? Infinity : b) >= Number(le) ? "0+60x20" : "0x20"] as Series);
}

function promtool(args: string[], cwd: string) {
    return spawnSync("promtool", args, { cwd, encoding: "utf8" });
}

describe("services: alert rules (promtool)", function () {
    let dir: string;
    const groups: Record<string, Obj[]> = {};

    before(async function (this: Context) {
        const tools = ensureTools();
        if (!tools.promtool.found) {
            console.log(`    skipped: ${tools.promtool.skipReason}`);
            this.skip();
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "deepalpha-rules-"));
        for (const stack of ["dev", "prod"] as const) {
            const rules = kubernetesObjects(await plan(stack), "PrometheusRule");
            expect(rules.length, `${stack} PrometheusRules`).to.be.at.least(1);
            groups[stack] = rules.flatMap((r) => ((r.newState.inputs as Obj).spec.groups as Obj[]));
            fs.writeFileSync(path.join(dir, `${stack}.rules.yml`), stringify({ groups: groups[stack] }));
        }
    });

    after(() => {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`promtool check rules accepts every ${stack} rule`, () => {
            const r = promtool(["check", "rules", `${stack}.rules.yml`], dir);
            expect(r.status, r.stdout + r.stderr).to.equal(0);
            const count = groups[stack].reduce((n, g) => n + (g.rules as Obj[]).length, 0);
            expect(r.stdout).to.include(`SUCCESS: ${count} rules found`);
        });
    }

    it("every alert has a case that fires and a case that stays quiet", () => {
        const alerts = groups.prod.flatMap((g) => (g.rules as Obj[]).map((r) => r.alert as string));
        for (const a of alerts) {
            const cases = CASES.filter((c) => c.alert === a);
            expect(cases.some((c) => c.expect.length > 0), `${a} fires somewhere`).to.equal(true);
            expect(cases.some((c) => c.expect.length === 0), `${a} stays quiet somewhere`).to.equal(true);
        }
        expect(CASES.map((c) => c.alert).filter((a) => !alerts.includes(a)), "cases for alerts that no longer exist").to.deep.equal([]);
    });

    for (const c of CASES) {
        it(`promtool test rules: ${c.alert} ${c.title}`, () => {
            const test = {
                rule_files: ["prod.rules.yml"],
                evaluation_interval: c.interval ?? "1m",
                tests: [
                    {
                        interval: c.interval ?? "1m",
                        input_series: c.series.map(([series, values]) => ({ series, values })),
                        alert_rule_test: [{ eval_time: c.evalTime, alertname: c.alert, exp_alerts: c.expect.map((e) => ({ exp_labels: e.labels, exp_annotations: e.annotations })) }],
                    },
                ],
            };
            const file = `${c.alert}-${CASES.indexOf(c)}.test.yml`;
            fs.writeFileSync(path.join(dir, file), stringify(test));
            const r = promtool(["test", "rules", file], dir);
            expect(r.status, r.stdout + r.stderr).to.equal(0);
        });
    }
});
