// Real servers for the services suite (`npm run test:services`): finds PostgreSQL, Redis, promtool and
// shellcheck, installs the missing ones from Debian's packages (as root, `apt-get update` once), and starts
// throwaway PostgreSQL and Redis servers on 127.0.0.1 under an unprivileged user. Every server started here
// is stopped by its owner's `after` hook, and by the exit handler if the run is interrupted.
import { execFileSync, spawnSync, type SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

/** Debian package that provides each tool (checked with apt-cache on Debian 12). */
export const DEBIAN_PACKAGES = { postgres: "postgresql", redis: "redis-server", promtool: "prometheus", shellcheck: "shellcheck" } as const;
export type Tool = keyof typeof DEBIAN_PACKAGES;

/** psql's \getenv, used by the migration, needs PostgreSQL 15 or newer. */
const MIN_POSTGRES_MAJOR = 15;

export interface ToolStatus {
    /** Directory of initdb/pg_ctl/psql (postgres), or the binary's path. */
    found?: string;
    /** Why the tool is unavailable; set only when it could not be installed. */
    skipReason?: string;
}

function which(bin: string): string | undefined {
    const r = spawnSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" });
    return r.status === 0 ? r.stdout.trim() : undefined;
}

function postgresBinDir(): string | undefined {
    const root = "/usr/lib/postgresql";
    if (!fs.existsSync(root)) return undefined;
    const majors = fs
        .readdirSync(root)
        .filter((d) => /^[0-9]+$/.test(d) && Number(d) >= MIN_POSTGRES_MAJOR && fs.existsSync(path.join(root, d, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a));
    return majors.length ? path.join(root, majors[0], "bin") : undefined;
}

function locate(tool: Tool): string | undefined {
    switch (tool) {
        case "postgres":
            return postgresBinDir();
        case "redis":
            return which("redis-server") && which("redis-cli") ? which("redis-server") : undefined;
        case "promtool":
            return which("promtool");
        case "shellcheck":
            return which("shellcheck");
    }
}

function log(line: string): void {
    process.stdout.write(`  [services] ${line}\n`);
}

function runLogged(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
    const started = Date.now();
    const r = spawnSync(cmd, args, { encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
    log(`${cmd} ${args.join(" ")}: exit ${r.status} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return r;
}

let status: Record<Tool, ToolStatus> | undefined;

/**
 * Finds every tool; installs the missing ones with apt-get (one `apt-get update`, one `apt-get install`).
 * Package scripts must not start system daemons: unless the machine already has a policy-rc.d (containers
 * usually do), one that refuses every start is put in place for the install and removed afterwards.
 */
export function ensureTools(): Record<Tool, ToolStatus> {
    if (status) return status;
    const tools = Object.keys(DEBIAN_PACKAGES) as Tool[];
    const missing = tools.filter((t) => !locate(t));
    let installError: string | undefined;
    if (missing.length) {
        const packages = missing.map((t) => DEBIAN_PACKAGES[t]);
        if (process.getuid?.() !== 0) installError = `not installed, and only root can install it (apt-get install ${packages.join(" ")})`;
        else if (!which("apt-get")) installError = `not installed, and this machine has no apt-get (install ${packages.join(" ")})`;
        else {
            log(`installing ${packages.join(", ")} from Debian's packages`);
            const policy = "/usr/sbin/policy-rc.d";
            const ownPolicy = !fs.existsSync(policy);
            if (ownPolicy) fs.writeFileSync(policy, "#!/bin/sh\n# written by deepalpha's test:services for one apt-get install\nexit 101\n", { mode: 0o755 });
            try {
                const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
                const update = runLogged("apt-get", ["update"], env);
                const install = update.status === 0 ? runLogged("apt-get", ["install", "-y", "--no-install-recommends", ...packages], env) : update;
                if (install.status !== 0) installError = `apt-get failed (exit ${install.status}): ${(install.stderr || install.stdout).trim().split("\n").slice(-3).join(" | ")}`;
            } finally {
                if (ownPolicy) fs.rmSync(policy, { force: true });
            }
        }
    }
    status = {} as Record<Tool, ToolStatus>;
    for (const t of tools) {
        const found = locate(t);
        status[t] = found ? { found } : { skipReason: `${t} (Debian package ${DEBIAN_PACKAGES[t]}): ${installError ?? "still missing after apt-get install"}` };
        log(found ? `${t}: ${found}` : `SKIP ${status[t].skipReason}`);
    }
    return status;
}

/** Runs a command as an unprivileged system user when we are root (PostgreSQL refuses to run as root). */
export function asUser(user: string, cmd: string, args: string[]): [string, string[]] {
    return process.getuid?.() === 0 ? ["runuser", ["-u", user, "--", cmd, ...args]] : [cmd, args];
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

/** A scratch directory owned by `user` when we are root (so the server can write it). */
export function scratchDir(prefix: string, user?: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `deepalpha-${prefix}-`));
    fs.chmodSync(dir, 0o755);
    if (user && process.getuid?.() === 0) execFileSync("chown", ["-R", `${user}:`, dir]);
    return dir;
}

const stoppers = new Set<() => void>();
let exitHooked = false;
function onExit(): void {
    for (const stop of [...stoppers]) {
        try {
            stop();
        } catch {
            // best effort while exiting
        }
    }
}
function register(stop: () => void): () => void {
    if (!exitHooked) {
        exitHooked = true;
        process.on("exit", onExit);
        for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));
    }
    let done = false;
    const once = () => {
        if (done) return;
        done = true;
        stoppers.delete(once);
        stop();
    };
    stoppers.add(once);
    return once;
}

export interface PostgresServer {
    host: string;
    port: number;
    superuser: string;
    password: string;
    binDir: string;
    stop(): void;
    /** psql (or another client) with libpq's environment for this server. */
    client(bin: string, args: string[], env?: NodeJS.ProcessEnv, input?: string): SpawnSyncReturns<string>;
}

/** initdb + pg_ctl start on 127.0.0.1:<free port>, password (scram) authentication over TCP. */
export async function startPostgres(binDir: string, superuser: string, password: string): Promise<PostgresServer> {
    const user = process.getuid?.() === 0 ? "postgres" : undefined;
    const dir = scratchDir("pg", user);
    const data = path.join(dir, "data");
    const pwfile = path.join(dir, "pwfile");
    fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (user) execFileSync("chown", [`${user}:`, pwfile]);
    const port = await freePort();
    const run = (cmd: string, args: string[]) => {
        const [c, a] = user ? asUser(user, path.join(binDir, cmd), args) : [path.join(binDir, cmd), args];
        const r = spawnSync(c, a, { encoding: "utf8" });
        if (r.status !== 0) throw new Error(`${cmd} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
        return r;
    };
    const stop = register(() => {
        const [c, a] = user ? asUser(user, path.join(binDir, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]) : [path.join(binDir, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]];
        if (fs.existsSync(path.join(data, "postmaster.pid"))) spawnSync(c, a, { encoding: "utf8" });
        fs.rmSync(dir, { recursive: true, force: true });
    });
    try {
        run("initdb", ["-D", data, `--username=${superuser}`, `--pwfile=${pwfile}`, "--auth-local=trust", "--auth-host=scram-sha-256", "--encoding=UTF8", "--no-sync"]);
        fs.rmSync(pwfile);
        const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off`;
        run("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "start"]);
    } catch (e) {
        stop(); // stops a half-started server and removes the directory
        throw e;
    }
    const server: PostgresServer = {
        host: "127.0.0.1",
        port,
        superuser,
        password,
        binDir,
        stop,
        client: (bin, args, env = {}, input) =>
            spawnSync(path.join(binDir, bin), args, {
                encoding: "utf8",
                input,
                maxBuffer: 64 * 1024 * 1024,
                env: { PATH: process.env.PATH, PGHOST: "127.0.0.1", PGPORT: String(port), PGUSER: superuser, PGPASSWORD: password, PGDATABASE: "postgres", PGSSLMODE: "disable", ...env },
            }),
    };
    return server;
}

export interface RedisServer {
    port: number;
    dir: string;
    stop(): void;
    /** redis-cli as `user` (REDISCLI_AUTH carries the password, as in the pods). */
    cli(user: string | undefined, password: string | undefined, args: string[]): SpawnSyncReturns<string>;
}

/**
 * redis-server with the shipped redis.conf and ACL file. Only the location lines differ from the pod's: port,
 * bind (127.0.0.1), dir and aclfile are replaced with this server's (Redis changes into `dir` while it reads the
 * file, so a command-line override would come too late). Each of them must be in the shipped file.
 */
export async function startRedis(redisConf: string, aclFile: string): Promise<RedisServer> {
    const user = process.getuid?.() === 0 ? "redis" : undefined;
    const dir = scratchDir("redis", user);
    fs.mkdirSync(path.join(dir, "data"));
    const port = await freePort();
    const local: Record<string, string> = { port: String(port), bind: "127.0.0.1", dir: path.join(dir, "data"), aclfile: path.join(dir, "users.acl") };
    let conf = redisConf;
    for (const [key, value] of Object.entries(local)) {
        const line = new RegExp(`^${key} .*$`, "m");
        if (!line.test(conf)) throw new Error(`the shipped redis.conf has no ${key} line`);
        conf = conf.replace(line, `${key} ${value}`);
    }
    fs.writeFileSync(path.join(dir, "redis.conf"), conf);
    fs.writeFileSync(path.join(dir, "users.acl"), aclFile, { mode: 0o640 });
    if (user) execFileSync("chown", ["-R", `${user}:`, dir]);
    const args = [
        path.join(dir, "redis.conf"),
        "--daemonize", "yes",
        "--pidfile", path.join(dir, "redis.pid"),
        "--logfile", path.join(dir, "redis.log"),
    ];
    const [c, a] = user ? asUser(user, "redis-server", args) : ["redis-server", args];
    const r = spawnSync(c, a, { encoding: "utf8" });
    if (r.status !== 0) {
        fs.rmSync(dir, { recursive: true, force: true });
        throw new Error(`redis-server failed (exit ${r.status}): ${r.stderr || r.stdout}`);
    }
    const pidFile = path.join(dir, "redis.pid");
    for (let i = 0; i < 100 && !fs.existsSync(pidFile); i++) await new Promise((res) => setTimeout(res, 50));
    const stop = register(() => {
        if (fs.existsSync(pidFile)) {
            const pid = Number(fs.readFileSync(pidFile, "utf8").trim());
            try {
                process.kill(pid, "SIGTERM");
                for (let i = 0; i < 100; i++) {
                    process.kill(pid, 0);
                    spawnSync("sleep", ["0.05"]);
                }
            } catch {
                // gone
            }
        }
        fs.rmSync(dir, { recursive: true, force: true });
    });
    if (!fs.existsSync(pidFile)) {
        const logText = fs.existsSync(path.join(dir, "redis.log")) ? fs.readFileSync(path.join(dir, "redis.log"), "utf8") : "";
        stop();
        throw new Error(`redis-server did not start: ${logText}`);
    }
    return {
        port,
        dir,
        stop,
        cli: (u, password, cliArgs) =>
            spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...(u ? ["--user", u] : []), ...cliArgs], {
                encoding: "utf8",
                env: { PATH: process.env.PATH, ...(password ? { REDISCLI_AUTH: password } : {}) },
            }),
    };
}
