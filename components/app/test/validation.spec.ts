// AppTier's argument checks: a mistake stops the program before anything is registered, with one line per
// problem naming the argument, the value and what is allowed.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { ArgsError } from "@deepalpha/shared";
import { runComponents } from "@deepalpha/testing";
import { AppTier, type AppTierArgs, botProblems, resolveAppTierArgs, validateAppTierArgs } from "../src";
import { PROD_CIDRS, failure } from "./helpers";

/**
 * The problems the component reports for these arguments, and how many resources it registered. Arguments it
 * accepts give no lines: they are only resolved and checked, not registered (the other specs construct).
 */
async function problems(args: unknown, name = "app"): Promise<{ lines: string[]; message: string; registered: number }> {
    try {
        validateAppTierArgs(name, resolveAppTierArgs(args as AppTierArgs));
        return { lines: [], message: "", registered: 0 };
    } catch {
        // The component's own failure below: the same check, before anything is registered.
    }
    let error: unknown;
    const rs = await runComponents(() => {
        try {
            new AppTier(name, args as AppTierArgs);
        } catch (e) {
            error = e;
        }
    });
    expect(error).to.be.instanceOf(ArgsError);
    return { lines: (error as ArgsError).problems, message: (error as Error).message, registered: rs.length };
}

describe("AppTier: argument checks", () => {
    it("refuses an unknown profile before registering anything, with the heading and one line per problem", async () => {
        const r = await problems({ profile: "prod" });
        expect(r.registered, "nothing registered").to.equal(0);
        expect(r.message).to.equal('invalid arguments for AppTier "app":\n  - profile: got "prod", allowed values are "local", "production"');
        // The check `pulumi up` makes (cmd/run: RunError.isInstance): the message alone, no stack trace.
        expect(pulumi.RunError.isInstance(await failure(runComponents(() => new AppTier("app", { profile: "prod" }))))).to.equal(true);
    });

    it("names each wrong field, its value and what is allowed", async () => {
        const r = await problems({
            profile: "local",
            replicas: { api: 0 },
            freqtradeVolumeSize: "lots",
            apiHost: "API",
            image: { repository: "ghcr.io/deepalpha/deepalpha", tag: "bad tag" },
            exchange: { name: "kraken" },
            executor: { hugepages2Mi: "some" },
            connectionSecretName: "Bad_Name",
            otlpEndpoint: "jaeger:4317",
            names: { api: "API" },
        });
        expect(r.registered).to.equal(0);
        expect(r.lines).to.have.members([
            'apiHost: got "API", expected a lower-case DNS host name such as api.deepalpha.example.com',
            "replicas.api: got 0, allowed minimum is 1",
            'freqtradeVolumeSize: got "lots", expected a Kubernetes quantity such as 500m, 512Mi or 20Gi',
            'image.tag: got "bad tag", expected an image tag such as 1.4.2',
            'exchange.name: got "kraken", allowed values are "binance"',
            'executor.hugepages2Mi: got "some", expected a Kubernetes quantity such as 500m, 512Mi or 20Gi',
            "connectionSecretName: got \"Bad_Name\", expected a lower-case DNS label such as deepalpha-api (letters, digits, '-')",
            'otlpEndpoint: got "jaeger:4317", expected an http(s) URL such as http://jaeger.monitoring.svc.cluster.local:4317',
            "names.api: got \"API\", expected a lower-case DNS label such as deepalpha-api (letters, digits, '-')",
        ]);
    });

    it("refuses a misspelt argument and lists the ones it knows, the old `settings` wrapper included", async () => {
        const r = await problems({ profile: "local", settings: {}, replicas: { apii: 2 }, secrets: { binanceKey: "x" } });
        expect(r.lines).to.have.length(3);
        expect(r.lines.find((l) => l.startsWith("settings:"))).to.match(/^settings: unknown setting \(allowed here: apiHost, connectionSecretName, dataCidrs, exchange, .*, profile, provider, replicas, secrets, serviceAccountName, storageClassName, websocketHost\)$/);
        expect(r.lines).to.include("replicas.apii: unknown setting (allowed here: api, executor, websocket)");
        expect(r.lines).to.include("secrets.binanceKey: unknown setting (allowed here: binanceApiKey, binanceApiSecret, llmApiKey, newsApiKey, telegramBotToken)");
    });

    it("checks across fields: HPA bounds, distinct hosts and workload names, the data ranges in production", async () => {
        expect((await problems({ profile: "local", replicas: { api: 3 }, websocketHost: "api.deepalpha.local", names: { executor: "deepalpha-api" } })).lines).to.deep.equal([
            "maxReplicas.api: got 2, allowed minimum is replicas.api (3)",
            'websocketHost: got "api.deepalpha.local", the same as apiHost; the two routes need different host names',
            'names.executor: got "deepalpha-api", the same as names.api; each workload needs its own name',
        ]);
        expect((await problems({ profile: "production" })).lines).to.deep.equal([
            'dataCidrs: got (unset), required in the production profile: the private ranges of the data stores (RDS, ElastiCache, Timestream), such as ["10.40.0.0/16"]',
        ]);
        expect((await problems({ profile: "production", dataCidrs: ["10.0.0.0/33"] })).lines).to.deep.equal(['dataCidrs[0]: got "10.0.0.0/33", expected an IPv4 CIDR block such as 10.40.0.0/16']);
        expect((await problems({ profile: "production", dataCidrs: PROD_CIDRS })).lines).to.deep.equal([]);
    });

    it("refuses bots that cannot run: live on the testnet, two quote currencies, a shared pair, a repeated or too long name", async () => {
        const bot = (name: string, pairs: string[], dryRun?: boolean) => ({ name, strategy: "S", pairs, ...(dryRun === undefined ? {} : { dryRun }) });
        const r = await problems({ profile: "local", freqtradeBots: [bot("a", ["BTC/USDT"], false), bot("a", ["BTC/USDT", "ETH/BTC"])] });
        expect(r.lines).to.deep.equal([
            'freqtradeBots[1].name: got "a", a name an earlier bot has; each bot needs its own name',
            "freqtradeBots[0].dryRun: got false while exchange.testnet is true; Freqtrade cannot trade on the testnet, set dryRun: true (or testnet: false)",
            "freqtradeBots[1].pairs: quote currencies USDT, BTC; one bot trades against one stake currency",
            "freqtradeBots[1].pairs: BTC/USDT is also traded by bot a; two bots on one pair and account fight over the same balance",
        ]);
        const long = await problems({ profile: "local", names: { freqtrade: "f".repeat(30) }, freqtradeBots: [bot("b".repeat(30), ["BTC/USDT"])] });
        expect(long.lines).to.have.length(1);
        expect(long.lines[0]).to.match(/^freqtradeBots\[0\]\.name: got "b{30}", too long with names\.freqtrade "f{30}": the object name "f{30}-b{30}-user-data" has 71 characters, allowed maximum is 63$/);
        expect((await problems({ profile: "local", freqtradeBots: [bot("Bot A", ["BTC-USDT"])] })).lines).to.deep.equal([
            'freqtradeBots[0].name: got "Bot A", expected a lower-case bot name such as bot-a (letters, digits, \'-\', starting with a letter)',
            'freqtradeBots[0].pairs[0]: got "BTC-USDT", expected a pair such as BTC/USDT',
        ]);
        // A live bot is fine off the testnet; no bots at all is fine too.
        expect((await problems({ profile: "local", exchange: { testnet: false }, freqtradeBots: [bot("live", ["BTC/USDT"], false)] })).lines).to.deep.equal([]);
        expect((await problems({ profile: "local", freqtradeBots: [] })).lines).to.deep.equal([]);
        expect(botProblems({ freqtradeBots: [bot("x", ["BTC/USDT"])], exchange: { testnet: true } })).to.deep.equal([]);
    });

    it("takes Outputs for the Input arguments without checking them, and checks their plain values", async () => {
        const rs = await runComponents(() => new AppTier("app", { profile: "local", connectionSecretName: pulumi.output("Not_Checked"), otlpEndpoint: pulumi.output("http://collector:4317") }));
        expect(rs).to.have.length(37);
        expect((await problems({ profile: "local", connectionSecretName: "Not_Checked" })).lines).to.have.length(1);
    });
});
