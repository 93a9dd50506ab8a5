// Freqtrade bots: each config is valid for Freqtrade itself, secrets stay out of it, and each bot starts
// after the API. The config is checked against Freqtrade's own JSON schema (build_helpers/schema.json from
// github.com/freqtrade/freqtrade, generated from freqtrade/configuration/config_schema.py), vendored in
// test/app-fixtures.
import { expect } from "chai";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import type { ProgramRun } from "./harness/run";
import { SECRET_MASK } from "./harness/run";
import { byType, k8sObject, planStack } from "./harness/stacks";
import * as fs from "fs";
import { fromRoot } from "../repo-root";

// Read from the source tree (not imported: tsc would copy it next to the compiled spec).
const freqtradeSchema: unknown = JSON.parse(fs.readFileSync(fromRoot("test", "app-fixtures", "freqtrade-config.schema.json"), "utf8"));

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const NS = "deepalpha";
/** freqtrade/configuration/config_schema.py SCHEMA_TRADE_REQUIRED (dry-run and live modes). */
const SCHEMA_TRADE_REQUIRED = [
    "exchange", "timeframe", "max_open_trades", "stake_currency", "stake_amount", "tradable_balance_ratio",
    "last_stake_amount_min_ratio", "dry_run", "dry_run_wallet", "exit_pricing", "entry_pricing", "stoploss",
    "minimal_roi", "internals", "dataformat_ohlcv", "dataformat_trades",
];
/** Supplied by the strategy class, which Freqtrade merges in before the final validation. */
const FROM_STRATEGY = ["timeframe", "stoploss", "minimal_roi"];

/** Freqtrade validates with Draft 4 (boolean exclusiveMaximum); Ajv speaks Draft 7: same meaning, newer spelling. */
function draft4to7(x: unknown): unknown {
    if (Array.isArray(x)) return x.map(draft4to7);
    if (!x || typeof x !== "object") return x;
    const o: Obj = Object.fromEntries(Object.entries(x).map(([k, v]) => [k, draft4to7(v)]));
    for (const [bound, flag] of [["maximum", "exclusiveMaximum"], ["minimum", "exclusiveMinimum"]]) {
        if (o[flag] === true) {
            o[flag] = o[bound];
            delete o[bound];
        } else if (o[flag] === false) delete o[flag];
    }
    return o;
}

// useDefaults: Freqtrade's validator fills schema defaults before checking `required`, and so does this one.
const ajv = new Ajv({ strict: false, useDefaults: true, allErrors: true });
addFormats(ajv);
const validateTrade = ajv.compile({ ...(draft4to7(freqtradeSchema) as Obj), required: SCHEMA_TRADE_REQUIRED.filter((k) => !FROM_STRATEGY.includes(k)) });

const deployment = (run: ProgramRun, name: string) => k8sObject(run, "Deployment", name, NS).values as Obj;
const configOf = (run: ProgramRun, bot: string) => JSON.parse((k8sObject(run, "ConfigMap", `freqtrade-${bot}-config`, NS).values as Obj).data["freqtrade_config.json"]);
const env = (c: Obj, name: string) => (c.env as Obj[]).find((e) => e.name === name);

/** The environment Freqtrade merges over the file (FREQTRADE__{section}__{key}), as placeholders. */
function withEnv(cfg: Obj, c: Obj): Obj {
    const out = structuredClone(cfg);
    for (const e of c.env as Obj[]) {
        if (!e.name.startsWith("FREQTRADE__")) continue;
        const path = e.name.slice("FREQTRADE__".length).split("__").map((p: string) => p.toLowerCase());
        let cur = out;
        for (const p of path.slice(0, -1)) cur = cur[p] ??= {};
        cur[path[path.length - 1]] = "from-secret";
    }
    return out;
}

for (const stack of ["dev", "prod"] as const) {
    describe(`app freqtrade (${stack})`, () => {
        let run: ProgramRun;
        before(async () => (run = await planStack(stack)));

        it("the schema check itself rejects a broken config (no exchange name, a bad stake amount)", () => {
            expect(validateTrade({ exchange: {}, stake_amount: "lots", dry_run: true })).to.equal(false);
            const messages = (validateTrade.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
            expect(messages.join("\n")).to.match(/exchange must have required property 'name'/);
            expect(messages.join("\n")).to.match(/stake_amount/);
        });

        for (const bot of ["bot-a", "bot-b"]) {
            it(`${bot}: freqtrade_config.json with the environment merged is valid for Freqtrade in trade mode`, () => {
                const c = deployment(run, `freqtrade-${bot}`).spec.template.spec.containers[0];
                const merged = withEnv(configOf(run, bot), c);
                const ok = validateTrade(merged);
                expect(ok, JSON.stringify(validateTrade.errors, null, 1)).to.equal(true);
            });
        }

        it("two distinct bots: own name, strategy, pairs and trade database", () => {
            const a = configOf(run, "bot-a");
            const b = configOf(run, "bot-b");
            expect(a.bot_name).to.equal("bot-a");
            expect(b.bot_name).to.equal("bot-b");
            expect(a.exchange.pair_whitelist).to.deep.equal(["BTC/USDT", "ETH/USDT"]);
            expect(b.exchange.pair_whitelist).to.deep.equal(["SOL/USDT", "BNB/USDT"]);
            expect(a.exchange.pair_whitelist.filter((p: string) => b.exchange.pair_whitelist.includes(p))).to.deep.equal([]);
            expect(a.stake_currency).to.equal("USDT");
            expect(a.strategy).to.equal("DeepAlphaStrategy");
            expect(a.exchange.name).to.equal("binance");
        });

        it("no secret in the config file: keys and REST credentials come from Secrets through the environment", () => {
            for (const bot of ["bot-a", "bot-b"]) {
                const cfg = configOf(run, bot);
                expect(cfg.exchange.key, bot).to.be.undefined;
                expect(cfg.exchange.secret, bot).to.be.undefined;
                expect(cfg.api_server.password, bot).to.be.undefined;
                expect(cfg.api_server.jwt_secret_key, bot).to.be.undefined;
                const c = deployment(run, `freqtrade-${bot}`).spec.template.spec.containers[0];
                const optional = stack === "dev" ? { optional: true } : {};
                expect(env(c, "FREQTRADE__EXCHANGE__KEY")?.valueFrom.secretKeyRef).to.deep.equal({ name: "deepalpha-external", key: "binance-api-key", ...optional });
                expect(env(c, "FREQTRADE__EXCHANGE__SECRET")?.valueFrom.secretKeyRef).to.deep.equal({ name: "deepalpha-external", key: "binance-api-secret", ...optional });
                for (const [name, key] of [
                    ["FREQTRADE__API_SERVER__PASSWORD", "api-password"],
                    ["FREQTRADE__API_SERVER__JWT_SECRET_KEY", "jwt-secret-key"],
                    ["FREQTRADE__API_SERVER__WS_TOKEN", "ws-token"],
                ]) {
                    expect(env(c, name)?.valueFrom.secretKeyRef, name).to.deep.equal({ name: `freqtrade-${bot}-api`, key });
                }
                const secret = k8sObject(run, "Secret", `freqtrade-${bot}-api`, NS);
                expect(Object.keys((secret.values as Obj).stringData).sort()).to.deep.equal(["api-password", "jwt-secret-key", "ws-token"]);
                const shown = JSON.stringify(secret.inputs);
                expect(shown).to.include(SECRET_MASK);
                for (const v of Object.values((secret.values as Obj).stringData) as string[]) {
                    expect(v.length).to.be.at.least(32);
                    expect(shown).not.to.include(v);
                }
            }
            const passwords = byType(run, "random:index/randomPassword:RandomPassword").filter((r) => r.name.startsWith("app-freqtrade-"));
            expect(passwords).to.have.length(6);
            for (const p of passwords) expect((p.values as Obj).length, p.name).to.be.at.least(32);
        });

        it("the seed's command, the config mounted where it points, state and trade database on the bot's own volume", () => {
            for (const bot of ["bot-a", "bot-b"]) {
                const d = deployment(run, `freqtrade-${bot}`);
                const c = d.spec.template.spec.containers[0];
                expect(c.args).to.deep.equal(["trade", "--config", "/freqtrade/configs/freqtrade_config.json"]);
                const mount = (name: string) => (c.volumeMounts as Obj[]).find((m) => m.name === name);
                expect(mount("config")).to.deep.equal({ name: "config", mountPath: "/freqtrade/configs", readOnly: true });
                expect(mount("user-data")?.mountPath).to.equal("/freqtrade/user_data");
                const cfg = configOf(run, bot);
                // sqlite:/// + absolute path: the database must be on the volume, not on the read-only root.
                expect(cfg.db_url).to.match(/^sqlite:\/\/\/\/freqtrade\/user_data\/tradesv3(\.dryrun)?\.sqlite$/);
                expect(cfg.db_url.includes(".dryrun.")).to.equal(cfg.dry_run);
                expect(cfg.user_data_dir).to.equal("/freqtrade/user_data");
                const pvc = k8sObject(run, "PersistentVolumeClaim", `freqtrade-${bot}-user-data`, NS).values as Obj;
                expect(pvc.spec.resources.requests.storage).to.equal(stack === "prod" ? "5Gi" : "1Gi");
                // The image's ftuser: its files stay readable, the volume is group-owned by it.
                expect(d.spec.template.spec.securityContext).to.include({ runAsUser: 1000, fsGroup: 1000 });
            }
        });

        it("the REST API listens on the container port the probes, Service and NetworkPolicy use", () => {
            for (const bot of ["bot-a", "bot-b"]) {
                const cfg = configOf(run, bot);
                const c = deployment(run, `freqtrade-${bot}`).spec.template.spec.containers[0];
                expect(cfg.api_server).to.include({ enabled: true, listen_ip_address: "0.0.0.0", listen_port: 8080 });
                expect(c.ports).to.deep.equal([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
                expect(c.livenessProbe.httpGet).to.deep.equal({ path: "/api/v1/ping", port: "http" });
                expect(c.readinessProbe.httpGet).to.deep.equal({ path: "/api/v1/ping", port: "http" });
            }
        });

        it("each bot starts after the API: dependsOn the API Deployment and an init container that waits for /ready", () => {
            const api = k8sObject(run, "Deployment", "deepalpha-api", NS);
            for (const bot of ["bot-a", "bot-b"]) {
                const r = k8sObject(run, "Deployment", `freqtrade-${bot}`, NS);
                expect(r.dependsOn).to.include(api.urn);
                const init = (r.values as Obj).spec.template.spec.initContainers;
                expect(init).to.have.length(1);
                expect(init[0].command.join(" ")).to.include("http://deepalpha-api.deepalpha.svc.cluster.local:8000/ready");
                expect(init[0].image).to.equal((r.values as Obj).spec.template.spec.containers[0].image);
            }
        });
    });
}
