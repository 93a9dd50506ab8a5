// Freqtrade: the seed's two Freqtrade pods are two bots, each with its own config, its own state and its
// own Deployment of exactly one replica (two replicas of one bot would double its orders), replaced with
// `Recreate` so an old and a new pod never trade at once.
import * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { AppSettings, Profile } from "./settings";
import { EXEMPTION_ANNOTATION_PREFIX, NAMESPACES, PROD_STORAGE_CLASS, WORKLOADS, labelsFor } from "@deepalpha/shared";
import type { AppContext } from "./context";
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

export type Bot = AppSettings["freqtradeBots"][number];

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

export const botName = (bot: Bot) => `${WORKLOADS.freqtrade.name}-${bot.name}`;
export const botLabels = (bot: Bot) => ({ ...labelsFor(WORKLOADS.freqtrade.name, "trading-bot"), "app.kubernetes.io/instance": bot.name });
export const botSelector = (bot: Bot) => ({ "app.kubernetes.io/name": WORKLOADS.freqtrade.name, "app.kubernetes.io/instance": bot.name });

/** Settings a bot cannot run with; each message names the setting and what is allowed. */
export function botProblems(s: AppSettings): string[] {
    const p: string[] = [];
    const owner = new Map<string, string>();
    s.freqtradeBots.forEach((bot, i) => {
        const key = `deepalpha:app.freqtradeBots[${i}]`;
        // Freqtrade has no Binance testnet mode (ccxt sandbox support was removed): with testnet keys only
        // paper trading (dry run) works.
        if (!bot.dryRun && s.exchange.testnet) {
            p.push(`${key}.dryRun: got false while app.exchange.testnet is true; Freqtrade cannot trade on the testnet, set dryRun: true (or testnet: false)`);
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
export function freqtradeConfig(bot: Bot, s: AppSettings): Record<string, unknown> {
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

export function freqtradeConfigMap(bot: Bot, s: AppSettings): k8s.core.v1.ConfigMapArgs {
    return {
        metadata: { name: `${botName(bot)}-config`, namespace: NAMESPACES.app, labels: botLabels(bot) },
        data: { [CONFIG_FILE]: stableJson(freqtradeConfig(bot, s), 2) + "\n" },
    };
}

export function freqtradePvc(bot: Bot, profile: Profile, s: AppSettings): k8s.core.v1.PersistentVolumeClaimArgs {
    return {
        metadata: { name: `${botName(bot)}-user-data`, namespace: NAMESPACES.app, labels: botLabels(bot) },
        spec: {
            accessModes: ["ReadWriteOnce"],
            // Local clusters use their default StorageClass.
            ...(profile === "production" ? { storageClassName: PROD_STORAGE_CLASS } : {}),
            resources: { requests: { storage: s.freqtradeVolumeSize } },
        },
    };
}

/** Init container: the bot starts only once the API answers /ready (the seed's depends_on: deepalpha-api). */
export function waitForApi(img: string): k8s.types.input.core.v1.Container {
    const url = `http://${WORKLOADS.api.name}.${NAMESPACES.app}.svc.cluster.local:${WORKLOADS.api.port}/ready`;
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
    const s = ctx.settings;
    const name = botName(bot);
    const img = image(s.freqtradeImage);
    const configText = (freqtradeConfigMap(bot, s).data as Record<string, string>)[CONFIG_FILE];
    // Documented exemptions from the prod policies, honoured by the policy pack and listed by the plan.
    const exemption = { [EXEMPT_MIN_REPLICAS]: EXEMPT_MIN_REPLICAS_REASON, [EXEMPT_PDB]: EXEMPT_PDB_REASON };
    return {
        metadata: { name, namespace: NAMESPACES.app, labels: botLabels(bot), annotations: exemption },
        spec: {
            replicas: 1,
            strategy: { type: "Recreate" },
            selector: { matchLabels: botSelector(bot) },
            template: {
                metadata: {
                    labels: botLabels(bot),
                    annotations: { ...exemption, [CHECKSUM_CONFIG]: sha256(configText), [CHECKSUM_SECRETS]: inputs.secretsChecksum },
                },
                spec: podSpec({
                    profile: ctx.profile,
                    uid: FREQTRADE_UID,
                    initContainers: [waitForApi(img)],
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
                                { name: "DEEPALPHA_API_URL", value: `http://${WORKLOADS.api.name}.${NAMESPACES.app}.svc.cluster.local:${WORKLOADS.api.port}` },
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

export function freqtradeService(bot: Bot): k8s.core.v1.ServiceArgs {
    return {
        metadata: { name: botName(bot), namespace: NAMESPACES.app, labels: botLabels(bot) },
        spec: {
            type: "ClusterIP",
            selector: botSelector(bot),
            ports: [{ name: HTTP_PORT_NAME, port: WORKLOADS.freqtrade.port, targetPort: HTTP_PORT_NAME, protocol: "TCP" }],
        },
    };
}
