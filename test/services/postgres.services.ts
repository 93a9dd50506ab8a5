// The trades schema and the PostgreSQL backup, run for real: a throwaway PostgreSQL on 127.0.0.1, the
// migration and partition Jobs' own commands and SQL files (from the prod plan's Job, CronJob and ConfigMap),
// the backup CronJob's own script, and a restore into a fresh database compared row by row.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawn, spawnSync } from "child_process";
import type { Context } from "mocha";
import { DB } from "@deepalpha/data";
import { TRADES_DEFAULT_PARTITION } from "@deepalpha/shared";
import { stringify } from "yaml";
import { container, kubernetesObject, kubernetesObjects, plainEnv, plan, type Obj } from "./planned";
import { asUser, ensureTools, scratchDir, startPostgres, type PostgresServer } from "./tools";

const SUPERUSER_PASSWORD = "services-suite-superuser";
const EXPORTER_PASSWORD = "services-suite-exporter";

/** The UTC month `offset` months from now, as trades_YYYY_MM and its first day. */
function month(offset: number): { name: string; first: string } {
    const now = new Date();
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
    const mm = String(d.getUTCMonth() + 1).padStart(2, "0");
    return { name: `trades_${d.getUTCFullYear()}_${mm}`, first: `${d.getUTCFullYear()}-${mm}-01` };
}

describe("services: PostgreSQL (trades schema, partitions, backup and restore)", function () {
    let pg: PostgresServer;
    let sqlDir: string;
    let migrationCommand: string[];
    let partitionCommand: string[];
    let dumpScript: string;
    let dumpEnv: Record<string, string>;
    let drillScript: string;
    let drillEnv: Record<string, string>;
    let monthsAhead: number;

    before(async function (this: Context) {
        const tools = ensureTools();
        if (!tools.postgres.found) {
            console.log(`    skipped: ${tools.postgres.skipReason}`);
            this.skip();
        }
        const doc = await plan("prod");
        // The ConfigMap's files, placed where the Jobs mount them (/sql) under a scratch directory.
        const configMap = kubernetesObject(doc, "ConfigMap", "data-trades-schema");
        sqlDir = fs.mkdtempSync(path.join(os.tmpdir(), "deepalpha-sql-"));
        for (const [file, text] of Object.entries(configMap.data as Record<string, string>)) fs.writeFileSync(path.join(sqlDir, file), text);
        const atSqlDir = (cmd: string[]) => cmd.map((a) => a.replace(/^\/sql\//, `${sqlDir}/`));
        migrationCommand = atSqlDir(container(kubernetesObject(doc, "Job", "trades-migration"), "migrate").command);
        partitionCommand = atSqlDir(container(kubernetesObject(doc, "CronJob", "trades-partitions"), "partitions").command);
        monthsAhead = Number(/--set=months_ahead=([0-9]+)/.exec(migrationCommand.join(" "))![1]);
        const dump = container(kubernetesObject(doc, "CronJob", "postgres-backup"), "pg-dump");
        expect(dump.command.slice(0, 2)).to.deep.equal(["sh", "-c"]);
        dumpScript = dump.command[2];
        dumpEnv = plainEnv(dump);
        const drill = container(kubernetesObject(doc, "CronJob", "restore-drill"), "restore-and-compare");
        drillScript = drill.command[2];
        drillEnv = plainEnv(drill);
        pg = await startPostgres(tools.postgres.found!, DB.user, SUPERUSER_PASSWORD);
        const created = pg.client("createdb", [DB.name]);
        expect(created.status, created.stderr).to.equal(0);
    });

    after(() => {
        pg?.stop();
        if (sqlDir) fs.rmSync(sqlDir, { recursive: true, force: true });
    });

    /** A Job's command against the server, with the Jobs' Secret's libpq variables. */
    const job = (command: string[], env: NodeJS.ProcessEnv = { EXPORTER_PASSWORD }) => pg.client(command[0], command.slice(1), { PGDATABASE: DB.name, ...env });
    const sql = (query: string, database: string = DB.name, env: NodeJS.ProcessEnv = {}) => {
        const r = pg.client("psql", ["--no-psqlrc", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", query], { PGDATABASE: database, ...env });
        if (r.status !== 0) throw new Error(`psql ${query}: ${r.stderr}`);
        return r.stdout.trim();
    };
    const partitionsOf = (database: string) => sql("SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'trades'::regclass", database).split(",");
    const partitions = () => partitionsOf(DB.name);
    const schemaSnapshot = () =>
        sql(`SELECT string_agg(format('%s %s %s', c.relname, c.relkind, pg_get_expr(c.relpartbound, c.oid)), E'\\n' ORDER BY c.relname)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'`);

    it("stops with a message naming the missing variable: months_ahead, then EXPORTER_PASSWORD", () => {
        const noMonths = job(migrationCommand.filter((a) => !a.startsWith("--set=months_ahead=")));
        expect(noMonths.status).to.not.equal(0);
        expect(noMonths.stderr).to.include("the psql variable months_ahead is not set");
        const noPassword = job(migrationCommand, {});
        expect(noPassword.status).to.not.equal(0);
        expect(noPassword.stderr).to.include("EXPORTER_PASSWORD");
        expect(sql("SELECT to_regclass('public.trades') IS NULL")).to.equal("t"); // nothing half-made
    });

    it("the migration runs twice: same schema, nothing created the second time, recorded once", () => {
        const first = job(migrationCommand);
        expect(first.status, first.stderr).to.equal(0);
        const before = schemaSnapshot();
        const expected = [TRADES_DEFAULT_PARTITION, ...Array.from({ length: monthsAhead + 1 }, (_, i) => month(i).name)].sort();
        expect(partitions()).to.deep.equal(expected);
        const second = job(migrationCommand);
        expect(second.status, second.stderr).to.equal(0);
        expect(second.stdout).to.match(/partitions_created\s*\n-+\s*\n\s*0\s*\n/);
        expect(schemaSnapshot()).to.equal(before);
        expect(sql("SELECT string_agg(version, ',') FROM schema_migrations")).to.equal("0001_trades");
    });

    it("the exporter logs in with its own password and may read statistics, not trades", () => {
        const as = { PGUSER: DB.exporterUser, PGPASSWORD: EXPORTER_PASSWORD };
        expect(sql("SELECT pg_has_role(current_user, 'pg_monitor', 'member')", DB.name, as)).to.equal("t");
        const read = pg.client("psql", ["--no-psqlrc", "-c", "SELECT count(*) FROM trades"], { PGDATABASE: DB.name, ...as });
        expect(read.status).to.not.equal(0);
        expect(read.stderr).to.include("permission denied");
    });

    it("routes each insert to its month's partition and takes a trade of any date (default partition)", () => {
        const now = month(0);
        const ahead = month(monthsAhead);
        sql(`INSERT INTO trades (symbol, price, quantity, "timestamp") VALUES
             ('BTCUSDT', 97000.5, 0.25, '${now.first}'::timestamp + interval '3 days'),
             ('ETHUSDT', 3500.125, 2, '${ahead.first}'::timestamp + interval '10 hours'),
             ('BTCUSDT', 43000, 1, '2020-03-15 12:00:00'),
             ('SOLUSDT', 20, 10, '2020-03-31 23:59:59.999'),
             ('BNBUSDT', 600, 3, '2099-01-01 00:00:00')`);
        const where = sql(`SELECT string_agg(format('%s=%s', symbol, tableoid::regclass), ',' ORDER BY "timestamp") FROM trades`);
        expect(where).to.equal(
            `BTCUSDT=${TRADES_DEFAULT_PARTITION},SOLUSDT=${TRADES_DEFAULT_PARTITION},BTCUSDT=${now.name},ETHUSDT=${ahead.name},BNBUSDT=${TRADES_DEFAULT_PARTITION}`,
        );
    });

    it("the partition job moves waiting rows out of the default partition into their new month's partition", () => {
        const checksum = () => sql(`SELECT count(*) || ':' || md5(string_agg(format('%s|%s|%s|%s|%s', id, symbol, price, quantity, "timestamp"), ',' ORDER BY id)) FROM trades`);
        const before = checksum();
        const run = job(partitionCommand, {});
        expect(run.status, run.stderr).to.equal(0);
        // 2020-03 and 2099-01 got their partitions; nothing is left in the default partition.
        expect(run.stdout).to.match(/partitions_created\s*\n-+\s*\n\s*2\s*\n/);
        expect(partitions()).to.include.members(["trades_2020_03", "trades_2099_01"]);
        expect(sql(`SELECT count(*) FROM ${TRADES_DEFAULT_PARTITION}`)).to.equal("0");
        expect(sql("SELECT count(*) FROM trades_2020_03")).to.equal("2");
        expect(checksum()).to.equal(before);
        // New inserts for those months now go straight to their partition, and a rerun creates nothing.
        sql(`INSERT INTO trades (symbol, price, quantity, "timestamp") VALUES ('XRPUSDT', 0.5, 100, '2020-03-01 00:00:00')`);
        expect(sql(`SELECT tableoid::regclass FROM trades WHERE symbol = 'XRPUSDT'`)).to.equal("trades_2020_03");
        const again = job(partitionCommand, {});
        expect(again.stdout).to.match(/partitions_created\s*\n-+\s*\n\s*0\s*\n/);
    });

    it("the partition job fails, and so pages, when fewer than two future months have a partition", () => {
        // Drop the partitions after next month (empty ones: nothing inserted there), then run the job asking for 1 month ahead.
        const far = Array.from({ length: monthsAhead - 1 }, (_, i) => month(i + 2).name);
        for (const t of far) sql(`DROP TABLE ${t}`);
        const short = job(partitionCommand.map((a) => a.replace(/^--set=months_ahead=[0-9]+$/, "--set=months_ahead=1")), {});
        expect(short.status).to.not.equal(0);
        expect(short.stderr).to.include(`the next 2 months must have pre-made trades partitions (data.partitionMonthsAhead); missing: ${month(2).name}`);
        // The shipped command (months_ahead from the settings) recreates them and passes.
        const shipped = job(partitionCommand, {});
        expect(shipped.status, shipped.stderr).to.equal(0);
        expect(partitions()).to.include.members(far);
    });

    it("the partition job without months_ahead stops and names it", () => {
        const r = job(partitionCommand.filter((a) => !a.startsWith("--set=months_ahead=")), {});
        expect(r.status).to.not.equal(0);
        expect(r.stderr).to.include("the psql variable months_ahead is not set");
    });

    /** Runs the backup CronJob's dump script; returns the directory with <day>/postgres_*.dump and .manifest. */
    const runBackup = (out: string) => {
        // The pod's env (BACKUP_DIR points into its scratch volume; here a scratch directory) plus the Secret's PG*.
        const r = spawnSync("sh", ["-c", dumpScript], {
            encoding: "utf8",
            env: { ...dumpEnv, BACKUP_DIR: out, PATH: `${pg.binDir}:${process.env.PATH}`, PGDATABASE: DB.name, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: DB.user, PGPASSWORD: pg.password, PGSSLMODE: "disable" },
        });
        expect(r.status, r.stderr).to.equal(0);
        const day = fs.readFileSync(path.join(out, "PREFIX"), "utf8").trim();
        expect(day).to.equal(new Date().toISOString().slice(0, 10));
        return path.join(out, day);
    };

    it("the backup CronJob's dump restores into a fresh database with equal row counts and checksums", () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "deepalpha-backup-"));
        try {
            const dayDir = runBackup(out);
            const files = fs.readdirSync(dayDir).sort();
            expect(files).to.have.length(2);
            expect(files[0]).to.match(new RegExp(`^postgres_${DB.name}_[0-9]{8}T[0-9]{6}Z\\.dump$`));
            expect(files[1]).to.equal(files[0].replace(/\.dump$/, ".manifest"));
            const file = path.join(dayDir, files[0]);

            expect(pg.client("createdb", ["restored"]).status).to.equal(0);
            const restore = pg.client("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname=restored", file]);
            expect(restore.status, restore.stderr).to.equal(0);
            const tables = sql(`SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`).split(",");
            expect(tables).to.include.members(["schema_migrations", "trades", TRADES_DEFAULT_PARTITION]);
            for (const t of tables) {
                const q = `SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '-') FROM ONLY public.${t} t`;
                expect(sql(q, "restored"), t).to.equal(sql(q));
            }
            // The partition function came along, so the restored database keeps working.
            expect(sql("SELECT ensure_trades_partitions(1)", "restored")).to.equal("0");

            // The manifest: one line per table with rows, newest timestamp and checksum, as the live database has them.
            const manifest = fs.readFileSync(path.join(dayDir, files[1]), "utf8").trim().split("\n").map((l) => l.split("\t"));
            const byTable = Object.fromEntries(manifest.map(([t, ...rest]) => [t, rest]));
            expect(byTable.trades_2020_03[0]).to.equal(sql("SELECT count(*) FROM trades_2020_03"));
            expect(byTable.trades_2020_03[1]).to.equal("2020-03-31 23:59:59.999");
            expect(byTable.schema_migrations[1]).to.equal("-");
            for (const [, , , sum] of manifest) expect(sum).to.match(/^-?[0-9]+$/);

            // A truncated dump is refused by the script's own check (pg_restore --list).
            fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 200));
            const listed = pg.client("pg_restore", ["--list", file]);
            expect(listed.status).to.not.equal(0);
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });

    describe("the restore drill (CronJob restore-drill's restore-and-compare script)", () => {
        /** A backup (fresh, or given), placed where the drill's download step puts it ($DRILL_DIR/in). */
        const prepare = (tamper?: (dump: string, manifest: string) => void, backup?: { out: string; dayDir: string }) => {
            const drillDir = scratchDir("drill", process.getuid?.() === 0 ? "postgres" : undefined);
            const out = backup?.out ?? fs.mkdtempSync(path.join(os.tmpdir(), "deepalpha-backup-"));
            const dayDir = backup?.dayDir ?? runBackup(out);
            fs.mkdirSync(path.join(drillDir, "in"));
            for (const f of fs.readdirSync(dayDir)) fs.copyFileSync(path.join(dayDir, f), path.join(drillDir, "in", f));
            fs.rmSync(out, { recursive: true, force: true });
            const dump = path.join(drillDir, "in", fs.readdirSync(path.join(drillDir, "in")).find((f) => f.endsWith(".dump"))!);
            tamper?.(dump, dump.replace(/\.dump$/, ".manifest"));
            if (process.getuid?.() === 0) spawnSync("chown", ["-R", "postgres:", drillDir]);
            // As the image runs it: its own (non-root) user, PATH with the server binaries, the container's env.
            const [cmd, args] = asUser("postgres", "env", [`PATH=${pg.binDir}:/usr/bin:/bin`, `DRILL_DIR=${drillDir}`, `TZ=${drillEnv.TZ}`, "sh", "-c", drillScript]);
            const r = spawnSync(cmd, args, { encoding: "utf8", cwd: "/" });
            fs.rmSync(drillDir, { recursive: true, force: true });
            return r;
        };

        it("passes on a good backup, with the manifest the backup wrote", () => {
            expect(drillEnv.DRILL_DIR).to.equal("/drill");
            const r = prepare();
            expect(r.status, r.stderr).to.equal(0);
            expect(r.stdout).to.match(/restore drill passed: postgres_deepalpha_.*\.dump, [0-9]+ tables equal/);
        });

        it("passes on a backup taken while trades kept arriving (the manifest is counted in the dump's snapshot)", async () => {
            const before = Number(sql("SELECT count(*) FROM trades"));
            // 300 single-row transactions, one psql each, running while the backup runs.
            const writer = spawn("sh", ["-c", `for i in $(seq 1 300); do psql --no-psqlrc -q -c "INSERT INTO trades (symbol, price, quantity, \\"timestamp\\") VALUES ('LIVE', $i, 1, now() AT TIME ZONE 'UTC')" || exit 1; done`], {
                env: { PATH: `${pg.binDir}:${process.env.PATH}`, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: DB.user, PGPASSWORD: pg.password, PGDATABASE: DB.name, PGSSLMODE: "disable" },
                stdio: "ignore",
            });
            const done = new Promise<number>((resolve) => writer.on("close", (code) => resolve(code ?? -1)));
            await new Promise((res) => setTimeout(res, 500));
            const out = fs.mkdtempSync(path.join(os.tmpdir(), "deepalpha-backup-"));
            const dayDir = runBackup(out);
            const mid = Number(sql("SELECT count(*) FROM trades"));
            expect(await done).to.equal(0);
            const after = Number(sql("SELECT count(*) FROM trades"));
            // The writes really overlapped the backup: some before it ended, some after.
            expect(mid).to.be.above(before);
            expect(after).to.be.above(mid);
            const r = prepare(undefined, { out, dayDir });
            expect(r.status, r.stderr).to.equal(0);
        });

        it("fails, naming the table, when the restored data differ from the manifest", () => {
            const r = prepare((_dump, manifest) => {
                const lines = fs.readFileSync(manifest, "utf8").split("\n");
                const i = lines.findIndex((l) => l.startsWith("trades_2020_03\t"));
                const cols = lines[i].split("\t");
                cols[1] = String(Number(cols[1]) + 1); // one trade more than the dump holds
                lines[i] = cols.join("\t");
                fs.writeFileSync(manifest, lines.join("\n"));
            });
            expect(r.status).to.not.equal(0);
            expect(r.stderr).to.include("restore drill FAILED").and.include("differs").and.include("trades_2020_03");
        });

        it("fails on a truncated dump and on a dump without its manifest", () => {
            const cut = prepare((dump) => fs.writeFileSync(dump, fs.readFileSync(dump).subarray(0, Math.floor(fs.statSync(dump).size / 2))));
            expect(cut.status).to.not.equal(0);
            expect(cut.stderr).to.match(/restore drill FAILED: pg_restore of .* failed/);
            const lone = prepare((_dump, manifest) => fs.rmSync(manifest));
            expect(lone.status).to.not.equal(0);
            expect(lone.stderr).to.include("no manifest beside");
        });
    });
    describe("the TradesFuturePartitionsLow alert on what the exporter sees (PostgreSQL, then promtool)", () => {
        // A second database, migrated with only the current month, gains one future month at a time. At each step
        // the exporter's role reads pg_stat_user_tables (the view postgres_exporter's stat_user_tables collector
        // reads; its label columns datname, schemaname, relname, and n_live_tup), the rows become the series the
        // collector would expose, and promtool evaluates the prod plan's rule on them at today's date.
        const PROBE_DB = "partitions_probe";
        let rulesDir: string;

        before(async function (this: Context) {
            const tools = ensureTools();
            if (!tools.promtool.found) {
                console.log(`    skipped: ${tools.promtool.skipReason}`);
                this.skip();
            }
            const rule = kubernetesObjects(await plan("prod"), "PrometheusRule")
                .flatMap((r) => (r.newState.inputs as Obj).spec.groups as Obj[])
                .flatMap((g) => g.rules as Obj[])
                .find((r) => r.alert === "TradesFuturePartitionsLow");
            expect(rule, "TradesFuturePartitionsLow in the prod plan").to.not.equal(undefined);
            rulesDir = fs.mkdtempSync(path.join(os.tmpdir(), "deepalpha-partition-rule-"));
            fs.writeFileSync(path.join(rulesDir, "rule.yml"), stringify({ groups: [{ name: "probe", rules: [rule] }] }));
            expect(pg.client("createdb", [PROBE_DB]).status).to.equal(0);
            const migrated = pg.client(migrationCommand[0], migrationCommand.slice(1).map((a) => a.replace(/^--set=months_ahead=[0-9]+$/, "--set=months_ahead=0")), { PGDATABASE: PROBE_DB, EXPORTER_PASSWORD });
            expect(migrated.status, migrated.stderr).to.equal(0);
        });

        after(() => {
            if (rulesDir) fs.rmSync(rulesDir, { recursive: true, force: true });
        });

        /**
         * promtool's verdict at midnight UTC today: the number the alert reports, or null when it stays quiet. promtool's
         * clock starts at 0, so each series has two samples, at 0 and today, and the rule is evaluated at those two
         * instants (at 0, in January 1970, no future month exists: the alert is pending, and its hour has passed today).
         */
        const alertValue = (): number | null => {
            const rows = sql("SELECT string_agg(format('%s|%s|%s|%s', current_database(), schemaname, relname, n_live_tup), E'\\n') FROM pg_stat_user_tables", PROBE_DB, { PGUSER: DB.exporterUser, PGPASSWORD: EXPORTER_PASSWORD });
            const days = Math.floor(Date.now() / 86400000);
            const series = rows.split("\n").map((line) => {
                const [datname, schemaname, relname, live] = line.split("|");
                return { series: `pg_stat_user_tables_n_live_tup{job="postgres",namespace="deepalpha-monitoring",datname="${datname}",schemaname="${schemaname}",relname="${relname}"}`, values: `${live} ${live}` };
            });
            expect(series.map((x) => x.series).join()).to.include('relname="trades_default"');
            const verdicts: (number | null)[] = [];
            for (const n of [null, 0, 1]) {
                const exp = n === null ? [] : [{ exp_labels: { severity: "warning", namespace: "deepalpha-monitoring", datname: PROBE_DB }, exp_annotations: {
                    summary: `Only ${n} of the next 2 months have a trades partition in ${PROBE_DB}`,
                    description: "Fewer than 2 future months are pre-made: trades of a month without a partition go to trades_default. Check the trades-partitions CronJob (data.partitionMonthsAhead) and run it now with: kubectl create job --from=cronjob/trades-partitions trades-partitions-now",
                } }];
                const test = { rule_files: ["rule.yml"], evaluation_interval: `${days}d`, tests: [{ interval: `${days}d`, input_series: series, alert_rule_test: [{ eval_time: `${days}d`, alertname: "TradesFuturePartitionsLow", exp_alerts: exp }] }] };
                fs.writeFileSync(path.join(rulesDir, "test.yml"), stringify(test));
                if (spawnSync("promtool", ["test", "rules", "test.yml"], { cwd: rulesDir, encoding: "utf8" }).status === 0) verdicts.push(n);
            }
            expect(verdicts, "exactly one expectation matches").to.have.length(1);
            return verdicts[0];
        };

        it("0, 1, 2 and 3 pre-made future months: fires with 0, fires with 1, quiet, quiet", () => {
            const future = () => partitionsOf(PROBE_DB).filter((t) => /^trades_[0-9]{4}_[0-9]{2}$/.test(t) && t > month(0).name).length;
            expect(future()).to.equal(0);
            expect(alertValue()).to.equal(0);
            for (const [ahead, expected] of [[1, 1], [2, null], [3, null]] as const) {
                sql(`SELECT ensure_trades_partitions(${ahead})`, PROBE_DB);
                expect(future()).to.equal(ahead);
                expect(alertValue(), `${ahead} future months`).to.equal(expected);
            }
        });
    });
});
