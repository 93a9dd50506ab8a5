// Freqtrade: the seed's two Freqtrade pods are two bots, each with its own config, its own state and its
// own Deployment of exactly one replica (two replicas of one bot would double its orders), replaced with
// `Recreate` so an old and a new pod never trade at once.
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { EXEMPTION_ANNOTATION_PREFIX, WORKLOADS, labelsFor } from "@deepalpha/shared";
import type { FreqtradeBot, ResolvedAppTierArgs } from "./args";
import { type AppContext, apiServiceUrl } from "./context";
import { externalEnv } from "./external-secrets";
import {
    CHECKSUM_CONFIG,
    CHECKSUM_SECRETS,
    FREQTRADE_UID,
    TMP_MOUNT,
    containerSecurity,
    httpProbe,
    image,
    podSpec,
    secretEnv,
    sha256,
    stableJson,
} from "./pod-spec";
import { HTTP_PORT_NAME } from "./api";

export type Bot = Required<FreqtradeBot>;
/** What the builders read of the arguments. */
type Args = ResolvedAppTierArgs;

export const CONFIG_DIR = "/freqtrade/configs";
export const CONFIG_FILE = "freqtrade_config.json";
export const USER_DATA_DIR = "/freqtrade/user_data";
export const EXEMPT_MIN_REPLICAS = `${EXEMPTION_ANNOTATION_PREFIX}prod-min-replicas`;
export const EXEMPT_MIN_REPLICAS_REASON =
    "one Freqtrade bot = one replica: a second replica would place every order twice; no PDB, Recreate on update";
export const EXEMPT_PDB = `${EXEMPTION_ANNOTATION_PREFIX}prod-pod-disruption-budget`;
export const EXEMPT_PDB_REASON =
    "one-replica bot: a PDB would either block every node drain (minAvailable 1) or protect nothing; the bot restarts elsewhere with its volume";
/** Keys of each bot's Secret (Freqtrade REST API credentials, generated). */
export const BOT_SECRET_KEYS = { password: "api-password", jwt: "jwt-secret-key", wsToken: "ws-token" } as const;
/** REST API user; the password comes from the bot's Secret. */
export const API_USERNAME = "deepalpha";

/** A bot's Deployment and Service name (`prefix` is the arguments' `names.freqtrade`); its other objects add a suffix. */
export const botName = (prefix: string, bot: Pick<Bot, "name">) => `${prefix}-${bot.name}`;
/** Every Kubernetes name a bot's objects get (Deployment and Service, ConfigMap, Secret, PVC). */
export const botObjectNames = (prefix: string, bot: Pick<Bot, "name">) => {
    const n = botName(prefix, bot);
    return [n, `${n}-config`, `${n}-api`, `${n}-user-data`];
};
export const botLabels = (prefix: string, bot: Pick<Bot, "name">) => ({ ...labelsFor(prefix, "trading-bot"), "app.kubernetes.io/instance": bot.name });
export const botSelector = (prefix: string, bot: Pick<Bot, "name">) => ({ "app.kubernetes.io/name": prefix, "app.kubernetes.io/instance": bot.name });

/** What botProblems reads: the bots and whether the exchange is its testnet (a dryRun left unset is true). */
export interface BotChoices {
    freqtradeBots: { name: string; pairs: string[]; dryRun?: boolean }[];
    exchange: { testnet?: boolean };
}

/** Bots that cannot run as given; each message names the argument (`freqtradeBots[i]...`) and what is allowed. */
export function botProblems(s: BotChoices): string[] {
    const p: string[] = [];
    const owner = new Map<string, string>();
    s.freqtradeBots.forEach((bot, i) => {
        const key = `freqtradeBots[${i}]`;
        // Freqtrade has no Binance testnet mode (ccxt sandbox support was removed): with testnet keys only
        // paper trading (dry run) works.
        if (bot.dryRun === false && s.exchange.testnet) {
            p.push(`${key}.dryRun: got false while exchange.testnet is true; Freqtrade cannot trade on the testnet, set dryRun: true (or testnet: false)`);
        }
        const quotes = new Set(bot.pairs.map((x) => x.split("/")[1]));
        if (quotes.size > 1) p.push(`${key}.pairs: quote currencies ${[...quotes].join(", ")}; one bot trades against one stake currency`);
        for (const pair of bot.pairs) {
            const other = owner.get(pair);
            if (other) p.push(`${key}.pairs: ${pair} is also traded by bot ${other}; two bots on one pair and account fight over the same balance`);
            owner.set(pair, bot.name);
        }
    });
    return p;
}

/**
 * The bot's `freqtrade_config.json` (keys as in Freqtrade's config schema, freqtrade/configuration/config_schema.py).
 * No secrets: the exchange keys and REST API credentials arrive as FREQTRADE__* environment variables, which
 * Freqtrade merges over the file before validating it. timeframe, stoploss and minimal_roi come from the strategy.
 */
export function freqtradeConfig(bot: Bot, s: Pick<Args, "exchange">): Record<string, unknown> {
    const stakeCurrency = bot.pairs[0].split("/")[1];
    return {
        bot_name: bot.name,
        strategy: bot.strategy,
        dry_run: bot.dryRun,
        dry_run_wallet: 1000,
        max_open_trades: bot.pairs.length,
        stake_currency: stakeCurrency,
        stake_amount: "unlimited",
        tradable_balance_ratio: 0.99,
        fiat_display_currency: "USD",
        cancel_open_orders_on_exit: false,
        unfilledtimeout: { entry: 10, exit: 10, exit_timeout_count: 0, unit: "minutes" },
        entry_pricing: { price_side: "same", use_order_book: true, order_book_top: 1, price_last_balance: 0.0, check_depth_of_market: { enabled: false, bids_to_ask_delta: 1 } },
        exit_pricing: { price_side: "same", use_order_book: true, order_book_top: 1 },
        exchange: { name: s.exchange.name, ccxt_config: {}, ccxt_async_config: {}, pair_whitelist: bot.pairs, pair_blacklist: [] },
        pairlists: [{ method: "StaticPairList" }],
        api_server: {
            enabled: true,
            listen_ip_address: "0.0.0.0",
            listen_port: WORKLOADS.freqtrade.port,
            verbosity: "error",
            enable_openapi: false,
            CORS_origins: [],
            username: API_USERNAME,
        },
        // The trade database lives on the bot's own volume: the root file system is read-only, and the
        // default (a relative sqlite path in /freqtrade) would be lost with the pod.
        db_url: `sqlite:///${USER_DATA_DIR}/${bot.dryRun ? "tradesv3.dryrun.sqlite" : "tradesv3.sqlite"}`,
        user_data_dir: USER_DATA_DIR,
        initial_state: "running",
        force_entry_enable: false,
        internals: { process_throttle_secs: 5 },
    };
}

export function freqtradeConfigMap(bot: Bot, s: Args): k8s.core.v1.ConfigMapArgs {
    return {
        metadata: { name: `${botName(s.names.freqtrade, bot)}-config`, namespace: s.namespaces.app, labels: botLabels(s.names.freqtrade, bot) },
        data: { [CONFIG_FILE]: stableJson(freqtradeConfig(bot, s), 2) + "\n" },
    };
}

export function freqtradePvc(bot: Bot, s: Args): k8s.core.v1.PersistentVolumeClaimArgs {
    return {
        metadata: { name: `${botName(s.names.freqtrade, bot)}-user-data`, namespace: s.namespaces.app, labels: botLabels(s.names.freqtrade, bot) },
        spec: {
            accessModes: ["ReadWriteOnce"],
            // Unset: the cluster's default StorageClass (the local profile's default).
            ...(s.storageClassName !== undefined ? { storageClassName: s.storageClassName } : {}),
            resources: { requests: { storage: s.freqtradeVolumeSize } },
        },
    };
}

/** Init container: the bot starts only once the API answers /ready (the seed's depends_on: deepalpha-api). */
export function waitForApi(img: string, s: Pick<Args, "names" | "namespaces">): k8s.types.input.core.v1.Container {
    const url = `${apiServiceUrl(s)}/ready`;
    const script = [
        "import time, urllib.request",
        "while True:",
        "    try:",
        `        urllib.request.urlopen("${url}", timeout=3); break`,
        "    except Exception as e:",
        '        print("waiting for the DeepAlpha API:", e, flush=True); time.sleep(5)',
    ].join("\n");
    return {
        name: "wait-for-api",
        // Freqtrade's own image has Python: no extra image to pin.
        image: img,
        imagePullPolicy: "IfNotPresent",
        command: ["python", "-c", script],
        resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
        securityContext: containerSecurity(),
        volumeMounts: [TMP_MOUNT],
    };
}

export interface BotInputs {
    /** Name of the bot's Secret with BOT_SECRET_KEYS. */
    botSecretName: pulumi.Input<string>;
    configMapName: pulumi.Input<string>;
    pvcName: pulumi.Input<string>;
    /** sha256 of the bot's generated credentials and the exchange keys: a Pulumi secret. */
    secretsChecksum: pulumi.Input<string>;
}

export function freqtradeDeployment(bot: Bot, ctx: AppContext, inputs: BotInputs): k8s.apps.v1.DeploymentArgs {
    const s = ctx.args;
    const prefix = s.names.freqtrade;
    const name = botName(prefix, bot);
    const img = image(s.freqtradeImage);
    const configText = (freqtradeConfigMap(bot, s).data as Record<string, string>)[CONFIG_FILE];
    // Documented exemptions from the prod policies, honoured by the policy pack and listed by the plan.
    const exemption = { [EXEMPT_MIN_REPLICAS]: EXEMPT_MIN_REPLICAS_REASON, [EXEMPT_PDB]: EXEMPT_PDB_REASON };
    return {
        metadata: { name, namespace: s.namespaces.app, labels: botLabels(prefix, bot), annotations: exemption },
        spec: {
            replicas: 1,
            strategy: { type: "Recreate" },
            selector: { matchLabels: botSelector(prefix, bot) },
            template: {
                metadata: {
                    labels: botLabels(prefix, bot),
                    annotations: { ...exemption, [CHECKSUM_CONFIG]: sha256(configText), [CHECKSUM_SECRETS]: inputs.secretsChecksum },
                },
                spec: podSpec({
                    profile: s.profile,
                    serviceAccountName: s.serviceAccountName,
                    uid: FREQTRADE_UID,
                    initContainers: [waitForApi(img, s)],
                    volumes: [
                        { name: "config", configMap: { name: inputs.configMapName } },
                        { name: "user-data", persistentVolumeClaim: { claimName: inputs.pvcName } },
                    ],
                    containers: [
                        {
                            name: "freqtrade",
                            image: img,
                            imagePullPolicy: "IfNotPresent",
                            args: ["trade", "--config", `${CONFIG_DIR}/${CONFIG_FILE}`],
                            ports: [{ name: HTTP_PORT_NAME, containerPort: WORKLOADS.freqtrade.port, protocol: "TCP" }],
                            env: [
                                // docs/configuration.md "Environment variables": FREQTRADE__{section}__{key}.
                                externalEnv("binanceApiKey", ctx.secrets, ctx.externalSecretName, "FREQTRADE__EXCHANGE__KEY"),
                                externalEnv("binanceApiSecret", ctx.secrets, ctx.externalSecretName, "FREQTRADE__EXCHANGE__SECRET"),
                                secretEnv("FREQTRADE__API_SERVER__PASSWORD", inputs.botSecretName, BOT_SECRET_KEYS.password),
                                secretEnv("FREQTRADE__API_SERVER__JWT_SECRET_KEY", inputs.botSecretName, BOT_SECRET_KEYS.jwt),
                                secretEnv("FREQTRADE__API_SERVER__WS_TOKEN", inputs.botSecretName, BOT_SECRET_KEYS.wsToken),
                                // For the strategy: the DeepAlpha API the bot takes its signals from.
                                { name: "DEEPALPHA_API_URL", value: apiServiceUrl(s) },
                                { name: "HOME", value: "/tmp" },
                            ],
                            resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
                            // /api/v1/ping needs no login (freqtrade/rpc/api_server/api_v1.py).
                            livenessProbe: httpProbe("/api/v1/ping", HTTP_PORT_NAME, 60, 20, 6),
                            readinessProbe: httpProbe("/api/v1/ping", HTTP_PORT_NAME, 10, 10),
                            securityContext: containerSecurity(),
                            volumeMounts: [
                                TMP_MOUNT,
                                { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                                { name: "user-data", mountPath: USER_DATA_DIR },
                            ],
                        },
                    ],
                }),
            },
        },
    };
}

export function freqtradeService(bot: Bot, s: Args): k8s.core.v1.ServiceArgs {
    const prefix = s.names.freqtrade;
    return {
        metadata: { name: botName(prefix, bot), namespace: s.namespaces.app, labels: botLabels(prefix, bot) },
        spec: {
            type: "ClusterIP",
            selector: botSelector(prefix, bot),
            ports: [{ name: HTTP_PORT_NAME, port: WORKLOADS.freqtrade.port, targetPort: HTTP_PORT_NAME, protocol: "TCP" }],
        },
    };
}
