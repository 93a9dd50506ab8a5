// The app tier's children whose names changed when the tier became the @deepalpha/app package: new name -> old.
// The instance is "app" (index.ts); the package names its children `app-<suffix>` (appChildNames).
import type { LegacyNames } from "../aliases";

/** The fixed children: config, external keys, the three workloads (Deployment, Service, HPA, PDB), policies, routes. */
const FIXED: Record<string, string> = {
    "app-config": "deepalpha-config",
    "app-external": "deepalpha-external",
    "app-api": "deepalpha-api",
    "app-websocket": "deepalpha-websocket",
    "app-executor": "deepalpha-executor",
    "app-api-network-policy": "api-network-policy",
    "app-websocket-network-policy": "websocket-network-policy",
    "app-executor-network-policy": "executor-network-policy",
    "app-freqtrade-network-policy": "freqtrade-network-policy",
    "app-api-route": "deepalpha-api-route",
    "app-websocket-route": "deepalpha-websocket-route",
    "app-https-redirect": "deepalpha-https-redirect",
};

/**
 * A Freqtrade bot's children were `freqtrade-<bot>[-api-password|-jwt-secret|-ws-token|-api|-config|-user-data]`
 * and are `app-freqtrade-<bot>...`. The bots are stack settings (each stack names its own), so no list can hold
 * them all: the table answers every `app-freqtrade-...` name by rule. Reading the table is all legacyAliases does.
 */
const BOT_PREFIX = "app-freqtrade-";
const legacyBotName = (name: string) => (name.startsWith(BOT_PREFIX) ? name.slice("app-".length) : undefined);

export const LEGACY_APP_NAMES: LegacyNames = new Proxy(FIXED, {
    get: (table, key) => (typeof key !== "string" ? undefined : Object.hasOwn(table, key) ? table[key] : legacyBotName(key)),
});
