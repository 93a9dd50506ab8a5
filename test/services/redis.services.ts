// The dev Redis, run for real: redis-server with the plan's redis.conf (only port, bind, dir and aclfile are
// overridden on the command line) and the ACL file the module builds (the plan shows it as [secret]), then
// every user tried against what it needs and what it must not do.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import type { Context } from "mocha";
import { localRedisAcl, REDIS_USERS } from "@deepalpha/data";
import { container, kubernetesObject, plan, type Obj } from "./planned";
import { ensureTools, startRedis, type RedisServer } from "./tools";

const PASSWORDS = { app: "servicesSuiteApp1", exporter: "servicesSuiteExporter1", probe: "servicesSuiteProbe1" };

describe("services: Redis (dev redis.conf and ACL users)", function () {
    let redis: RedisServer;
    let probe: string[];
    let conf: string;

    before(async function (this: Context) {
        const tools = ensureTools();
        if (!tools.redis.found) {
            console.log(`    skipped: ${tools.redis.skipReason}`);
            this.skip();
        }
        const doc = await plan("dev");
        conf = kubernetesObject(doc, "ConfigMap", "data-redis-config").data["redis.conf"] as string;
        const statefulSet = kubernetesObject(doc, "StatefulSet", "redis");
        probe = (container(statefulSet, "redis").readinessProbe as Obj).exec.command;
        redis = await startRedis(conf, localRedisAcl(PASSWORDS));
    });

    after(() => redis?.stop());

    /** One command as a user; the reply (or error) text. */
    const as = (user: keyof typeof PASSWORDS | undefined, ...args: string[]) => {
        const r = redis.cli(user ? REDIS_USERS[user] : undefined, user ? PASSWORDS[user] : undefined, ["--no-auth-warning", ...args]);
        return (r.stdout + r.stderr).trim();
    };
    const denied = (reply: string) => /NOPERM|NOAUTH|WRONGPASS/.test(reply);

    it("has AOF on, fsync every second, as the shipped redis.conf says", () => {
        // The server runs the shipped redis.conf (fsync every second, below); INFO shows AOF on at run time.
        expect(conf).to.match(/^appendfsync everysec$/m);
        expect(as("exporter", "INFO", "persistence")).to.include("aof_enabled:1");
        expect(as("app", "SET", "aof-check", "1")).to.equal("OK");
        expect(fs.readdirSync(path.join(redis.dir, "data"))).to.include("appendonlydir");
    });

    it("refuses a client that does not log in, and the default user", () => {
        expect(as(undefined, "PING")).to.match(/NOAUTH/);
        const r = redis.cli("default", PASSWORDS.app, ["--no-auth-warning", "PING"]);
        expect(r.stdout + r.stderr).to.match(/WRONGPASS|NOAUTH/);
        expect(as("app", "SET", "k", "v")).to.equal("OK"); // sanity: the server answers logged-in users
    });

    it("the application reads, writes, expires, publishes and runs scripts, but cannot administer or wipe", () => {
        expect(as("app", "SET", "order:1", "filled", "EX", "60")).to.equal("OK");
        expect(as("app", "GET", "order:1")).to.equal("filled");
        expect(as("app", "HSET", "position:BTCUSDT", "qty", "0.5")).to.match(/^[01]$/);
        expect(as("app", "INCR", "seq")).to.match(/^[0-9]+$/);
        expect(as("app", "PUBLISH", "prices", "97000")).to.match(/^[0-9]+$/);
        expect(as("app", "EVAL", "return redis.call('GET', KEYS[1])", "1", "order:1")).to.equal("filled");
        expect(as("app", "SCAN", "0", "MATCH", "order:*")).to.include("order:1");
        for (const cmd of [["CONFIG", "SET", "appendonly", "no"], ["FLUSHALL"], ["KEYS", "*"], ["ACL", "LIST"], ["REPLICAOF", "NO", "ONE"], ["BGREWRITEAOF"], ["CLIENT", "KILL", "ID", "1"], ["SHUTDOWN", "NOSAVE"], ["MONITOR"]]) {
            expect(denied(as("app", ...cmd)), cmd.join(" ")).to.equal(true);
        }
        expect(as("exporter", "INFO", "persistence")).to.include("aof_enabled:1"); // still on
    });

    it("the exporter reads server statistics and nothing else: no key, no write, no admin", () => {
        expect(as("exporter", "PING")).to.equal("PONG");
        expect(as("exporter", "INFO", "persistence")).to.include("aof_enabled:1");
        expect(as("exporter", "INFO", "memory")).to.match(/^maxmemory:[0-9]+\r?$/m);
        expect(denied(as("exporter", "SLOWLOG", "GET", "10"))).to.equal(false);
        expect(denied(as("exporter", "LATENCY", "LATEST"))).to.equal(false);
        expect(denied(as("exporter", "CLIENT", "LIST"))).to.equal(false);
        expect(denied(as("exporter", "MEMORY", "STATS"))).to.equal(false);
        for (const cmd of [["GET", "order:1"], ["SET", "x", "1"], ["SCAN", "0"], ["CONFIG", "GET", "*"], ["CONFIG", "SET", "maxmemory", "1"], ["CLIENT", "KILL", "ID", "1"], ["SLOWLOG", "RESET"], ["FLUSHALL"], ["PUBLISH", "prices", "1"]]) {
            expect(denied(as("exporter", ...cmd)), cmd.join(" ")).to.equal(true);
        }
    });

    it("the probe user may only PING, and the pod's own probe command passes with it", () => {
        expect(as("probe", "PING")).to.equal("PONG");
        for (const cmd of [["GET", "order:1"], ["INFO"], ["CONFIG", "GET", "appendonly"], ["SET", "x", "1"]]) expect(denied(as("probe", ...cmd)), cmd.join(" ")).to.equal(true);
        // The readiness probe as the pod runs it (REDISCLI_AUTH from the Secret); only the port is this server's.
        expect(probe.slice(0, 2)).to.deep.equal(["sh", "-c"]);
        const script = probe[2].replace(/-p 6379\b/, `-h 127.0.0.1 -p ${redis.port}`);
        expect(script).to.not.equal(probe[2]);
        const { spawnSync } = require("child_process") as typeof import("child_process");
        const ok = spawnSync("sh", ["-c", script], { env: { PATH: process.env.PATH, REDISCLI_AUTH: PASSWORDS.probe } });
        expect(ok.status).to.equal(0);
        const wrong = spawnSync("sh", ["-c", script], { env: { PATH: process.env.PATH, REDISCLI_AUTH: "not-the-password" } });
        expect(wrong.status).to.not.equal(0);
    });
});
